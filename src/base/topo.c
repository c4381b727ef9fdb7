/* topo: the CPUs this process may use, grouped by socket and L3. */
#define _GNU_SOURCE
#include "base/topo.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

/* The first number in file path, or -1. */
static long
read_first(const char *path)
{
	FILE *f = fopen(path, "r");
	long  v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

struct cpu_key {
	long socket, l3;
	int  cpu;
};

static int
by_group(const void *a, const void *b)
{
	const struct cpu_key *x = a, *y = b;

	if (x->socket != y->socket)
		return x->socket < y->socket ? -1 : 1;
	if (x->l3 != y->l3)
		return x->l3 < y->l3 ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

int
topo_read(topo *t, const char *root, char *err, size_t errlen)
{
	struct cpu_key *k;
	cpu_set_t       set;
	char            path[512];

	memset(t, 0, sizeof *t);
	if (root == NULL)
		root = "/sys/devices/system/cpu";
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return err_set(err, errlen, "cannot read this process's CPUs");
	if ((k = calloc(TOPO_MAX_CPUS, sizeof *k)) == NULL)
		return err_set(err, errlen, "out of memory");
	for (int c = 0; c < CPU_SETSIZE && t->ncpu < TOPO_MAX_CPUS; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		snprintf(path, sizeof path, "%s/cpu%d/topology/"
		    "physical_package_id", root, c);
		k[t->ncpu].socket = read_first(path);
		/* shared_cpu_list starts with the L3's lowest CPU: its name */
		snprintf(path, sizeof path, "%s/cpu%d/cache/index3/"
		    "shared_cpu_list", root, c);
		k[t->ncpu].l3 = read_first(path);
		if (k[t->ncpu].socket < 0)
			k[t->ncpu].socket = 0;
		if (k[t->ncpu].l3 < 0)
			k[t->ncpu].l3 = c;
		k[t->ncpu].cpu = c;
		t->ncpu++;
	}
	qsort(k, (size_t)t->ncpu, sizeof *k, by_group);
	for (int i = 0; i < t->ncpu; i++) {
		if (i > 0 && (k[i].socket != k[i - 1].socket ||
		    k[i].l3 != k[i - 1].l3))
			t->ngroup++;
		t->cpu[i] = k[i].cpu;
		t->group[i] = t->ngroup;
	}
	t->ngroup += t->ncpu > 0;
	free(k);
	return 0;
}

void
topo_share(const topo *t, int k, int n, int *first, int *count)
{
	if (t->ncpu < 1 || n < 1) {
		*first = *count = 0;
		return;
	}
	if (n >= t->ncpu) {
		*first = k % t->ncpu;
		*count = 1;
		return;
	}
	*first = (int)((long)t->ncpu * k / n);
	*count = (int)((long)t->ncpu * (k + 1) / n) - *first;
}

int
topo_bind_self(const topo *t, int k, int n, char *err, size_t errlen)
{
	cpu_set_t set;
	int       first, count;

	topo_share(t, k, n, &first, &count);
	if (count < 1)
		return err_set(err, errlen, "no CPU to bind to");
	CPU_ZERO(&set);
	for (int i = first; i < first + count; i++)
		CPU_SET(t->cpu[i], &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0)
		return err_set(err, errlen, "cannot bind a thread to CPUs");
	return 0;
}

void
topo_unbind_self(const topo *t)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int i = 0; i < t->ncpu; i++)
		CPU_SET(t->cpu[i], &set);
	if (t->ncpu > 0)
		pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void
topo_format_share(const topo *t, int k, int n, char *out, size_t outlen)
{
	int    first, count, sorted[TOPO_MAX_CPUS], m = 0;
	size_t len = 0;

	out[0] = '\0';
	topo_share(t, k, n, &first, &count);
	for (int i = first; i < first + count; i++) {
		int c = t->cpu[i], j = m++;

		while (j > 0 && sorted[j - 1] > c) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = c;
	}
	for (int i = 0; i < m && len < outlen; ) {
		int j = i;

		while (j + 1 < m && sorted[j + 1] == sorted[j] + 1)
			j++;
		len += (size_t)snprintf(out + len, outlen - len, j > i ?
		    "%s%d-%d" : "%s%d", len ? "," : "", sorted[i], sorted[j]);
		i = j + 1;
	}
}

/* topo: CPUs ordered by socket and L3 from a fake sysfs tree, and the
 * shares of rows trained side by side. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/topo.h"
#include "tap.h"

/* root/cpuC/topology/physical_package_id = socket, cache/index3/
 * shared_cpu_list = l3 (its first CPU). */
static void
fake_cpu(const char *root, int c, int socket, const char *l3)
{
	char  path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/cpu%d", root, c);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/cpu%d/topology", root, c);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/cpu%d/cache", root, c);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/cpu%d/cache/index3", root, c);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/cpu%d/topology/physical_package_id",
	    root, c);
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%d\n", socket);
		fclose(f);
	}
	snprintf(path, sizeof path, "%s/cpu%d/cache/index3/shared_cpu_list",
	    root, c);
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%s\n", l3);
		fclose(f);
	}
}

int
main(void)
{
	char      root[] = "/tmp/test_topo.XXXXXX", err[256], list[64];
	topo      t;
	cpu_set_t set, mine;
	int       first, count, ncpu = 0, cpus[2] = { -1, -1 };

	/* The test runs on this process's own CPUs: take two of them. */
	CPU_ZERO(&mine);
	sched_getaffinity(0, sizeof mine, &mine);
	for (int c = 0; c < CPU_SETSIZE && ncpu < 2; c++)
		if (CPU_ISSET(c, &mine))
			cpus[ncpu++] = c;
	if (ncpu < 2 || mkdtemp(root) == NULL) {
		printf("1..0 # SKIP needs two CPUs and /tmp\n");
		return 0;
	}
	CPU_ZERO(&set);
	CPU_SET(cpus[0], &set);
	CPU_SET(cpus[1], &set);
	sched_setaffinity(0, sizeof set, &set);

	/* The lower CPU on socket 1, the higher on socket 0. */
	fake_cpu(root, cpus[0], 1, "0-1");
	fake_cpu(root, cpus[1], 0, "0-1");
	first = topo_read(&t, root, err, sizeof err);
	ok(first == 0 && t.ncpu == 2 &&
	    t.ngroup == 2 && t.cpu[0] == cpus[1] && t.cpu[1] == cpus[0],
	    "socket before CPU number: order %d,%d, %d groups", t.cpu[0],
	    t.cpu[1], t.ngroup);
	topo_share(&t, 0, 2, &first, &count);
	ok(first == 0 && count == 1, "share 1 of 2: the first CPU");
	topo_share(&t, 1, 2, &first, &count);
	ok(first == 1 && count == 1, "share 2 of 2: the second");
	topo_share(&t, 0, 1, &first, &count);
	ok(first == 0 && count == 2, "one share: every CPU");
	topo_share(&t, 2, 3, &first, &count);
	ok(first == 0 && count == 1, "more shares than CPUs wrap around");
	topo_format_share(&t, 0, 1, list, sizeof list);
	{
		char want[64];

		snprintf(want, sizeof want, cpus[1] == cpus[0] + 1 ? "%d-%d" :
		    "%d,%d", cpus[0], cpus[1]);
		ok(strcmp(list, want) == 0, "the list of one share: '%s'", list);
	}

	/* Same socket, one L3 each by its first CPU: number order. */
	fake_cpu(root, cpus[0], 0, "0");
	fake_cpu(root, cpus[1], 0, "1");
	ok(topo_read(&t, root, err, sizeof err) == 0 && t.ngroup == 2 &&
	    t.cpu[0] == cpus[0] && t.group[1] == 1,
	    "two L3 groups of one socket");
	fake_cpu(root, cpus[1], 0, "0");
	ok(topo_read(&t, root, err, sizeof err) == 0 && t.ngroup == 1,
	    "one L3: one group");

	/* Binding: the thread runs only on its share. */
	ok(topo_bind_self(&t, 1, 2, err, sizeof err) == 0 &&
	    pthread_getaffinity_np(pthread_self(), sizeof set, &set) == 0 &&
	    CPU_COUNT(&set) == 1 && CPU_ISSET(t.cpu[1], &set),
	    "bound to share 2 of 2: CPU %d alone", t.cpu[1]);
	topo_unbind_self(&t);
	ok(pthread_getaffinity_np(pthread_self(), sizeof set, &set) == 0 &&
	    CPU_COUNT(&set) == 2, "unbound: both again");

	/* No sysfs: each CPU its own group of socket 0. */
	ok(topo_read(&t, "/nonexistent", err, sizeof err) == 0 &&
	    t.ncpu == 2 && t.ngroup == 2, "no topology: one group a CPU");
	{
		char cmd[600];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
		if (system(cmd) != 0)
			diag("could not remove %s", root);
	}
	return tap_done();
}

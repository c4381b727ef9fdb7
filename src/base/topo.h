#ifndef NOISETOP_TOPO_H
#define NOISETOP_TOPO_H

#include <stddef.h>
#include <stdint.h>

/*
 * Where the threads of rows trained side by side run: the cores this
 * process may use (sched_getaffinity), in the order of the machine's
 * groups, so that a contiguous share of them stays within one socket and
 * one L3 (an AMD CCX, an Intel socket or sub-NUMA cluster) whenever the
 * shares fit in the groups.  From /sys/devices/system/cpu: each CPU's
 * topology/physical_package_id and cache/index3/shared_cpu_list (the
 * first CPU of its L3 names the group); a CPU without them is a group of
 * its own socket 0.
 */

#define TOPO_MAX_CPUS 1024

typedef struct {
	int ncpu;                  /* CPUs this process may run on */
	int cpu[TOPO_MAX_CPUS];    /* their numbers, by (socket, L3, number) */
	int group[TOPO_MAX_CPUS];  /* each one's group, 0-based, in order */
	int ngroup;                /* distinct (socket, L3) groups */
} topo;

/*
 * Fill t from this process's affinity mask and the sysfs topology under
 * root (NULL: /sys/devices/system/cpu; tests pass a copy).  Returns 0, or
 * -1 with a message when the mask cannot be read.
 */
int topo_read(topo *t, const char *root, char *err, size_t errlen);

/*
 * Share k of n (0-based) of t's CPUs: the k-th contiguous slice of t->cpu,
 * sizes differing by at most one (with more shares than CPUs, one CPU
 * each, wrapping around), as its first index in t->cpu and its length.
 * A slice stays inside one group when the groups' sizes are multiples of
 * it.
 */
void topo_share(const topo *t, int k, int n, int *first, int *count);

/*
 * Bind the calling thread to share k of n of t (OpenMP threads it starts
 * later inherit it).  Returns 0, or -1 with a message.
 */
int topo_bind_self(const topo *t, int k, int n, char *err, size_t errlen);

/* Let the calling thread run on every CPU of t again. */
void topo_unbind_self(const topo *t);

/* Share k of n of t as a CPU list: "0-7", "0,2". */
void topo_format_share(const topo *t, int k, int n, char *out,
    size_t outlen);

#endif

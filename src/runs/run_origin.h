#ifndef NOISETOP_RUN_ORIGIN_H
#define NOISETOP_RUN_ORIGIN_H

#include <stddef.h>

#include "runs/run.h"

/*
 * Where and how a run was started, for its report: origin.txt in the run
 * directory (origin-K.txt for shard K, each on its own machine), written
 * once when the run is made, beside config.txt and not in it (config.txt
 * is what shards compare, and their machines differ).  "key = value"
 * lines; a reader skips keys it does not know.
 */
typedef struct {
	char      command[4096];  /* the command line, shell-quoted; "" when
	                             the run came from the dashboard */
	char      host[256];      /* gethostname() */
	char      cpu[256];       /* /proc/cpuinfo's model name, or "" */
	char      kernel[64];     /* the GEMM kernel (gemm_kernel_name()) */
	int       threads;        /* OpenMP threads in all */
	int       jobs;           /* rows trained at once */
	int       job_threads;    /* threads of each */
	long long started;        /* Unix time */
} run_origin;

/* This process's origin: command (NULL or "": none), the host, the CPU,
 * the kernel and the time now, and the threads given. */
void run_origin_here(run_origin *o, const char *command, int threads,
    int jobs, int job_threads);

/* Write o as r's origin.txt (origin-K.txt for a shard).  Returns 0, or
 * -1 with a message. */
int run_write_origin(const run *r, const run_origin *o, char *err,
    size_t errlen);

/*
 * Read the origin of the run in dir: origin.txt, else the first shard's
 * origin-K.txt, K up to nshards.  Returns 0, 1 when the run has none (made
 * before origins were written), or -1 with a message naming the file.
 */
int run_read_origin(const char *dir, int nshards, run_origin *o, char *err,
    size_t errlen);

/* argv as one shell line (words quoted where the shell would need it,
 * control bytes as '?') into out; truncated to len. */
void run_command_line(int argc, char *const *argv, char *out, size_t len);

/*
 * A command that trains the run of config c again, rebuilt from its
 * options (for runs without a recorded command: the dashboard's, older
 * ones) into out.
 */
void run_equivalent_command(const run_config *c, char *out, size_t len);

#endif

#ifndef NOISETOP_SLURM_H
#define NOISETOP_SLURM_H

#include <stddef.h>

/*
 * The text of the sbatch scripts that run a sweep on a Slurm cluster
 * (docs/cluster.md): a job array whose task K runs shard K of N of the
 * sweep into one shared run directory, a merge job that an afterok
 * dependency starts once every task has succeeded, and a small submit
 * script that chains the two.  Pure text: nothing here runs sbatch, touches
 * the disk or reads the environment.  Every word taken from the caller is
 * shell-quoted; the Slurm variables are expanded by the task's shell.
 */

typedef struct {
	const char	   *noisetop;	/* the binary, as the compute nodes see
					   it (an absolute path is best) */
	const char *const  *sweep_argv; /* sweep options, without "sweep", the
					   runs dir, run id, shard or threads */
	int		    sweep_argc;
	int		    resume;	/* 1: tasks run "resume RUNS/ID --shard
					   K/N" instead (sweep_argv unused;
					   run_id needed) */
	int		    array_size; /* N, the number of shards, 1..1000 */
	const int	   *shards;	/* the shards (1..N) to run, or NULL for
					   all: a resubmission names only the
					   unfinished ones */
	int		    nshards;
	const char	   *runs_dir;	/* the shared runs root */
	const char	   *run_id;	/* the run's name under runs_dir, or
					   NULL: the array's $SLURM_ARRAY_JOB_ID */
	int		    cpus_per_task; /* 1..1024: --cpus-per-task, and the
					      --threads the tasks use */
	const char	   *job_name;	/* NULL: "noisetop" */
	const char *const  *sbatch_args; /* extra options, one #SBATCH line
					    each ("--time=2:00:00"), put in
					    both scripts after ours */
	int		    sbatch_argc;
} slurm_plan;

/*
 * One word for a POSIX shell: s itself when it holds only characters no
 * shell treats specially (letters, digits and _ . / , : = @ % + -, not
 * empty), else s in single quotes with each ' written as '\''.  Returns a
 * malloc'd string (caller frees), or NULL when out of memory.
 */
char *slurm_quote(const char *s);

/*
 * The --array value for the given shard numbers, ascending, with runs of
 * three or more consecutive numbers collapsed ("1-4", "1,3", "2-5,7").
 * shards may come in any order.  Writes it into out (outlen bytes).
 * Returns 0, or -1 with a message when a shard is outside 1..array_size or
 * repeated, nshards is not positive, or out is too small.
 */
int slurm_array_spec(const int *shards, int nshards, int array_size,
    char *out, size_t outlen, char *err, size_t errlen);

/*
 * The job array script for plan.  Returns a malloc'd NUL-terminated text
 * (caller frees), or NULL with a message when the plan is invalid (missing
 * binary or runs dir, array size or cpus out of range, a bad shard list, a
 * run id that is not a plain name, resume without a run id, an sbatch
 * argument that does not start with '-' or holds a newline) or memory ran
 * out.
 */
char *slurm_array_script(const slurm_plan *plan, char *err, size_t errlen);

/*
 * The merge job's script for plan: it runs "merge RUNS/ID", where ID is
 * plan->run_id or, when that is NULL, the script's first argument (the
 * array's job id, which the submit script passes).  Ownership and failure
 * as slurm_array_script().
 */
char *slurm_merge_script(const slurm_plan *plan, char *err, size_t errlen);

/*
 * A /bin/sh script that submits array_path with sbatch, then merge_path with
 * --dependency=afterok on the array's job id (passed to it as $1), and
 * prints the array's job id.  Ownership and failure as slurm_array_script()
 * (fails on an empty path).
 */
char *slurm_submit_script(const char *array_path, const char *merge_path,
    char *err, size_t errlen);

#endif

/*
 * noisetop slurm: the sweep as a Slurm job array of shards plus a merge
 * job (docs/cluster.md), written and, with --submit, submitted.  Part of
 * the headless front end (headless.h); the scripts come from slurm.c.
 */
#include "cli/headless.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "runs/run.h"
#include "runs/slurm.h"
#include "engine/sweep.h"

/* Options of `noisetop slurm` itself, or that each task sets for itself:
 * never passed on to the tasks' sweep. */
static const char *const own[] = {
	"array-size", "cpus-per-task", "sbatch-arg", "submit", "resubmit",
	"out", "runs", "run-id", "shard", "threads", "csv", "json",
	"no-progress",
};

/* The sweep options of the command line, in order, minus ours. */
static int
sweep_options(const cli_options *o, const char **out, int max)
{
	int n = 0;

	for (int i = 2; i < o->argc && n < max - 1; i++) {
		const char *a = o->argv[i];
		size_t      k, len;

		for (k = 0; k < sizeof own / sizeof own[0]; k++) {
			len = strlen(own[k]);
			if (strncmp(a, "--", 2) == 0 &&
			    strncmp(a + 2, own[k], len) == 0 &&
			    (a[2 + len] == '\0' || a[2 + len] == '='))
				break;
		}
		if (k == sizeof own / sizeof own[0]) {
			out[n++] = a;
			continue;
		}
		/* Given as "--runs DIR": its value is the next word. */
		if (a[2 + len] == '\0' && cli_option_takes_value(own[k]))
			i++;
	}
	out[n++] = "--no-progress";
	return n;
}

/* Run "sh path"; its first line of output into out.  Returns its status. */
static int
run_submit(const char *path, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char  cmd[NT_PATH_LEN + 64];
	FILE *p;
	int   st;

	snprintf(cmd, sizeof cmd, "sh '%s'", path);
	if ((p = popen(cmd, "r")) == NULL)
		return err_set(err, errlen, "sh %s: %s", path, strerror(errno));
	if (fgets(out, (int)outlen, p) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	st = pclose(p);
	if (st != 0 || out[0] == '\0')
		return err_set(err, errlen, "%s failed (status %d): is sbatch "
		    "on the PATH and the cluster up?", path,
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

/*
 * --resubmit RUN: the shards (of N, read from the run's state files or
 * --array-size) that still have a row not done.
 */
static int
unfinished_shards(const char *dir, int *n_of, int *shards, int *count,
    char *err, size_t errlen)
{
	run_state st[64];
	run      *r = calloc(1, sizeof *r);
	int       ns = run_read_shards(dir, st, 64, err, errlen), rows;

	*count = 0;
	if (r == NULL)
		return err_set(err, errlen, "out of memory");
	if (ns < 0 || run_open(r, NULL, dir, err, errlen) != 0) {
		free(r);
		return -1;
	}
	if (*n_of <= 0 && ns > 0)
		*n_of = st[0].nshards;
	if (*n_of <= 0) {
		free(r);
		return err_set(err, errlen, "%s: no shard has written its state "
		    "yet; give --array-size N", dir);
	}
	rows = sweep_plan_rows(&r->conf.plan);
	for (int k = 1; k <= *n_of; k++)
		for (int i = k - 1; i < rows; i += *n_of) {
			char path[NT_PATH_LEN + 64];

			snprintf(path, sizeof path, "%s/row-%d.txt", dir, i);
			if (access(path, F_OK) != 0) {
				shards[(*count)++] = k;
				break;
			}
		}
	free(r);
	return 0;
}

int
headless_slurm(const cli_options *o)
{
	const char *argv2[CLI_MAX_ARGS + 64];
	char        root[NT_PATH_LEN], self[PATH_MAX], err[NT_ERR_LEN];
	char        runpath[NT_PATH_LEN], *arr = NULL, *mrg = NULL, *sub = NULL;
	char        paths[3][NT_PATH_LEN + 32], jid[256];
	const char *names[3] = { "noisetop.sbatch", "noisetop-merge.sbatch",
	    "noisetop-submit.sh" };
	int         shards[1000], nsh = 0, n = o->array_size;
	slurm_plan  p;
	ssize_t     len;

	memset(&p, 0, sizeof p);
	if ((len = readlink("/proc/self/exe", self, sizeof self - 1)) < 0) {
		fprintf(stderr, "noisetop: cannot find its own binary\n");
		return 1;
	}
	self[len] = '\0';
	p.noisetop = self;
	p.cpus_per_task = o->cpus > 0 ? o->cpus : 2;
	p.sbatch_args = o->sbatch_args;
	p.sbatch_argc = o->nsbatch;
	if (o->resubmit != NULL) {
		char *slash;

		if (realpath(o->resubmit, runpath) == NULL) {
			fprintf(stderr, "noisetop: %s: %s\n", o->resubmit,
			    strerror(errno));
			return 1;
		}
		if (unfinished_shards(runpath, &n, shards, &nsh, err,
		    sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			return 1;
		}
		if (nsh == 0) {
			printf("every shard of %s is done: nothing to resubmit "
			    "(noisetop merge %s)\n", runpath, runpath);
			return 0;
		}
		slash = strrchr(runpath, '/');
		*slash = '\0';
		snprintf(root, sizeof root, "%s", runpath);
		p.run_id = slash + 1;
		p.resume = 1;
		p.shards = shards;
		p.nshards = nsh;
	} else {
		/* The runs root as the compute nodes will see it. */
		if (o->runs_dir == NULL) {
			fprintf(stderr, "noisetop: slurm needs --runs DIR on a "
			    "filesystem every node shares\n");
			return 2;
		}
		char given[NT_PATH_LEN];

		if (run_root(o->runs_dir, given, sizeof given, err,
		    sizeof err) != 0 || realpath(given, root) == NULL) {
			fprintf(stderr, "noisetop: %s\n", err);
			return 1;
		}
		p.sweep_argv = argv2;
		p.sweep_argc = sweep_options(o, argv2, (int)(sizeof argv2 /
		    sizeof argv2[0]));
		p.run_id = o->run_id;
	}
	p.array_size = n > 0 ? n : 4;
	p.runs_dir = root;
	for (int i = 0; i < 3; i++)
		snprintf(paths[i], sizeof paths[i], "%s/%s", o->out_dir != NULL ?
		    o->out_dir : ".", names[i]);
	if ((arr = slurm_array_script(&p, err, sizeof err)) == NULL ||
	    (mrg = slurm_merge_script(&p, err, sizeof err)) == NULL ||
	    (sub = slurm_submit_script(paths[0], paths[1], err,
	    sizeof err)) == NULL ||
	    file_write_atomic(paths[0], arr, strlen(arr), err,
	    sizeof err) != 0 ||
	    file_write_atomic(paths[1], mrg, strlen(mrg), err,
	    sizeof err) != 0 ||
	    file_write_atomic(paths[2], sub, strlen(sub), err,
	    sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		free(arr);
		free(mrg);
		free(sub);
		return 1;
	}
	free(arr);
	free(mrg);
	free(sub);
	printf("wrote %s (%d shard%s%s), %s and %s\n", paths[0], p.array_size,
	    p.array_size == 1 ? "" : "s", nsh > 0 ? ", unfinished ones only" :
	    "", paths[1], paths[2]);
	if (!o->submit) {
		printf("submit with: sh %s\n", paths[2]);
		return 0;
	}
	if (run_submit(paths[2], jid, sizeof jid, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		return 1;
	}
	printf("submitted array job %s; its merge job waits for it "
	    "(afterok); watch with: noisetop runs --runs %s\n", jid, root);
	return 0;
}

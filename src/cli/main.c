/* noisetop: parse the command line, load the data if the command needs
 * it, and run the command's handler from the table. */
#include <locale.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/err.h"
#include "cli/cli.h"
#include "data/dataset.h"
#include "engine/sweep.h"

/*
 * The set --dataset names (MNIST by default) wherever it is found; with no
 * MNIST found and no --data given, the synthetic digits (their source
 * string says so in every output).  A bad --data, a Fashion-MNIST or KMNIST
 * found nowhere, or a found set that fails to load, is an error.
 */
static int
load_one(const cli_options *o, dataset_kind kind, dataset *ds)
{
	char dir[NT_PATH_LEN], err[NT_ERR_LEN], where[NT_ERR_LEN];

	if (dataset_find_kind(kind, o->data_dir, dir, sizeof dir, err,
	    sizeof err) != 0) {
		/* The synthetic digits stand in for MNIST only, and never in
		 * a sweep over several sets. */
		if (o->data_dir != NULL || (kind != DATASET_AUTO &&
		    kind != DATASET_MNIST) || o->grid.ndatasets > 1) {
			fprintf(stderr, "noisetop: %s\n", err);
			return -1;
		}
		dataset_search_path_kind(kind, where, sizeof where);
		fprintf(stderr, "noisetop: no MNIST found (looked in %s); using "
		    "SYNTHETIC digits: run 'make data' for the real set\n",
		    where);
		if (dataset_synthetic(ds, o->cfg.seed, o->train_limit,
		    o->test_limit, err, sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			return -1;
		}
		return 0;
	}
	if (dataset_load_kind(ds, kind, dir, o->train_limit,
	    o->test_limit, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		return -1;
	}
	return 0;
}

/* The set, or with the data set axis each of its sets into ds[d]. */
static int
load_data(const cli_options *o, dataset *ds)
{
	if (o->grid.ndatasets < 2)
		return load_one(o, o->dataset, ds);
	for (int d = 0; d < o->grid.ndatasets; d++)
		if (load_one(o, o->grid.datasets[d], &ds[d]) != 0)
			return -1;
	return 0;
}

/*
 * libgomp spins for a long time at every barrier by default, so when
 * another process takes a core (a shared server, a second job) a team of
 * two spends whole timeslices waiting: 2-7x slower epochs were measured.
 * A short spin, then sleep, costs nothing on a quiet machine and avoids
 * that.  libgomp reads its settings when it loads, before main(), so the
 * process runs itself again once with them set; an explicit
 * OMP_WAIT_POLICY or GOMP_SPINCOUNT from the user is left alone.
 */
static void
tune_openmp(char **argv)
{
	if (getenv("OMP_WAIT_POLICY") != NULL ||
	    getenv("GOMP_SPINCOUNT") != NULL)
		return;
	if (setenv("GOMP_SPINCOUNT", "10000", 1) != 0)
		return;
	execv("/proc/self/exe", argv);
	/* No /proc: carry on with the defaults. */
	unsetenv("GOMP_SPINCOUNT");
}

int
main(int argc, char **argv)
{
	cli_options   *o = malloc(sizeof *o);
	/* Room for every set of a sweep over several (--dataset a,b). */
	dataset       *ds = calloc(SWEEP_MAX_DATASETS, sizeof *ds);
	const cli_cmd *cmd;
	char           err[NT_ERR_LEN];
	int            rc = 1;

	tune_openmp(argv);
	setlocale(LC_ALL, "");
	if (o == NULL || ds == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		return 1;
	}
	if (cli_parse(argc, argv, o, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		rc = 2;
		goto out;
	}
	/* More threads than cores is allowed (documented in the help), but
	 * it is seldom what was meant: the team then shares cores. */
	if (o->cfg.threads > omp_get_num_procs())
		fprintf(stderr, "noisetop: warning: --threads %d is more than "
		    "the %d cores here; the threads will share them\n",
		    o->cfg.threads, omp_get_num_procs());
	if (o->jobs * o->threads_per_job > omp_get_num_procs())
		fprintf(stderr, "noisetop: warning: --jobs %d x "
		    "--threads-per-job %d is more than the %d cores here; the "
		    "threads will share them\n", o->jobs, o->threads_per_job,
		    omp_get_num_procs());
	cmd = cli_command_of(o->cmd);
	if ((cmd->needs & CLI_NEEDS_DATA) && load_data(o, ds) != 0)
		goto out;
	rc = cmd->run(o, cmd->needs & CLI_NEEDS_DATA ? ds : NULL);
out:
	for (int d = 0; ds != NULL && d < SWEEP_MAX_DATASETS; d++)
		dataset_free(&ds[d]);
	free(ds);
	free(o);
	return rc;
}

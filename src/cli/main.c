/* noisetop: the dashboard, or a headless subcommand. */
#include <locale.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "kernels/adam.h"
#include "cli/cli.h"
#include "data/dataset.h"
#include "kernels/gemm.h"
#include "cli/headless.h"
#include "runs/prefs.h"
#include "runs/run.h"
#include "kernels/rng.h"
#include "base/simd.h"
#include "ui/ui.h"
#include "base/version.h"

/* The compiler that built this file (and, with the Makefile, every file). */
static const char *
compiler_name(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#elif defined(__VERSION__)
	return __VERSION__;
#else
	return "unknown";
#endif
}

/* The OpenMP version of an _OPENMP date, "?" for one not in the table. */
static const char *
openmp_name(long date)
{
	static const struct {
		long        date;
		const char *name;
	} tab[] = {
		{ 200505, "2.5" }, { 200805, "3.0" }, { 201107, "3.1" },
		{ 201307, "4.0" }, { 201511, "4.5" }, { 201811, "5.0" },
		{ 202011, "5.1" }, { 202111, "5.2" }, { 202411, "6.0" },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].date == date)
			return tab[i].name;
	return "?";
}

/*
 * --version: the version, what the build contains, and what this CPU runs.
 * The first line stays "noisetop VERSION" for scripts.
 */
static void
print_version(FILE *f)
{
	/* by gemm_bf16_status() */
	static const char *const bf16_says[] = {
		" (--precision bf16)",
		": --precision bf16 is refused by this build",
		": --precision bf16 is refused, as NOISETOP_SIMD rules AVX-512 "
		    "out",
		": --precision bf16 is refused on this CPU",
	};
	const char *force = getenv("NOISETOP_SIMD");

	fprintf(f, "noisetop %s\n", version_string());
	fprintf(f, "compiler  %s\n", compiler_name());
#ifdef _OPENMP
	fprintf(f, "openmp    %s (%ld)\n", openmp_name((long)_OPENMP),
	    (long)_OPENMP);
#else
	fprintf(f, "openmp    no\n");
#endif
	fprintf(f, "kernels   %s\n", gemm_kernels_compiled());
	fprintf(f, "this cpu  %s; using %s (gemm %s, adam %s, rng %s)%s%s\n",
	    simd_cpu_has(SIMD_AVX512) ? "AVX-512" : simd_cpu_has(SIMD_AVX2) ?
	    "AVX2+FMA" :
	    "no AVX2+FMA", gemm_kernel_name(),
	    gemm_kernel_name(), adam_kernel_name(), rng_kernel_name(),
	    force != NULL ? ", NOISETOP_SIMD=" : "", force != NULL ? force : "");
	fprintf(f, "bf16      %s%s%s\n", gemm_bf16_kernel_name(),
	    bf16_says[gemm_bf16_status()], simd_has_amx_bf16() ?
	    "; this CPU also has AMX-BF16 tiles, which no kernel uses yet" :
	    "");
}

/*
 * MNIST wherever it is found; with none found and no --data given, the
 * synthetic digits (their source string says so in every output).  A bad
 * --data, or a found set that fails to load, is an error.
 */
static int
load_data(const cli_options *o, dataset *ds)
{
	char dir[4096], err[8192], where[8192];

	if (dataset_find(o->data_dir, dir, sizeof dir, err, sizeof err) != 0) {
		if (o->data_dir != NULL) {
			fprintf(stderr, "noisetop: %s\n", err);
			return -1;
		}
		dataset_search_path(where, sizeof where);
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
	if (dataset_load(ds, dir, o->train_limit, o->test_limit, err,
	    sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		return -1;
	}
	return 0;
}

static int
run_dashboard(const cli_options *o, const dataset *ds)
{
	ui_options u;
	char       err[NT_ERR_LEN] = "", root[NT_PATH_LEN];
	char       rerr[NT_ERR_LEN], perr[NT_ERR_LEN];
	char      *prefs = NULL;
	int        rc;

	memset(&u, 0, sizeof u);
	u.ds = ds;
	u.cfg = o->cfg;
	memcpy(u.scales, o->scales, sizeof u.scales);
	u.nscales = o->nscales;
	u.ascii = o->ascii;
	u.no_color = o->no_color || getenv("NO_COLOR") != NULL;
	u.export_dir = ".";
	/* The storage the dashboard needs, found here: the UI itself never
	 * touches a file (its worker does). */
	if (run_root(o->runs_dir, root, sizeof root, rerr, sizeof rerr) == 0)
		u.runs_root = root;
	u.runs_err = rerr;
	if (prefs_read(&prefs, perr, sizeof perr) != 0)
		fprintf(stderr, "noisetop: %s (the form starts from the "
		    "defaults)\n", perr);
	u.prefs = prefs;
	if ((rc = ui_run(&u, err, sizeof err)) != 0 && err[0] != '\0')
		fprintf(stderr, "noisetop: %s\n", err);
	free(prefs);
	return rc;
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
	cli_options *o = malloc(sizeof *o);
	dataset     *ds = calloc(1, sizeof *ds);
	char         err[1024];
	int          rc = 1;

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
	if (o->cmd == CLI_HELP) {
		cli_usage(stdout, o->nargs > 0 ? o->args[0] : NULL);
		rc = 0;
		goto out;
	}
	if (o->cmd == CLI_VERSION) {
		print_version(stdout);
		rc = 0;
		goto out;
	}
	if (o->cmd == CLI_RUNS) {
		rc = headless_runs(o);
		goto out;
	}
	if (o->cmd == CLI_SLURM) {
		rc = headless_slurm(o);
		goto out;
	}
	if (o->cmd == CLI_MERGE) {
		rc = headless_merge(o);
		goto out;
	}
	if (o->cmd == CLI_PLOT) {
		rc = headless_plot(o);
		goto out;
	}
	if (o->cmd == CLI_RM) {
		rc = headless_rm(o);
		goto out;
	}
	if (o->cmd == CLI_RESUME) {
		rc = headless_resume(o);
		goto out;
	}
	if (load_data(o, ds) != 0)
		goto out;
	switch (o->cmd) {
	case CLI_TRAIN:
		rc = headless_train(o, ds);
		break;
	case CLI_COMPARE:
		rc = headless_compare(o, ds);
		break;
	case CLI_SWEEP:
		rc = headless_sweep(o, ds);
		break;
	case CLI_SHOW:
		rc = headless_show(o, ds);
		break;
	default:
		rc = run_dashboard(o, ds);
		break;
	}
out:
	dataset_free(ds);
	free(ds);
	free(o);
	return rc;
}

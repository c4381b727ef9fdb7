/*
 * The commands that are not headless: help, version and the dashboard,
 * each a handler in the command table (cli.c).
 */
#include "cli/builtin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/simd.h"
#include "base/version.h"
#include "kernels/adam.h"
#include "kernels/gemm.h"
#include "kernels/rng.h"
#include "runs/prefs.h"
#include "runs/run.h"
#include "ui/ui.h"

int
builtin_help(const cli_options *o, const dataset *ds)
{
	(void)ds;
	cli_usage(stdout, o->nargs > 0 ? o->args[0] : NULL);
	return 0;
}

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
 * version (and --version): the version, what the build contains, and
 * what this CPU runs.  The first line stays "noisetop VERSION" for scripts.
 */
int
builtin_version(const cli_options *o, const dataset *ds)
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
	FILE       *f = stdout;

	(void)o;
	(void)ds;
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
	return 0;
}

int
builtin_dashboard(const cli_options *o, const dataset *ds)
{
	ui_options u;
	char       err[NT_ERR_LEN] = "", root[NT_PATH_LEN];
	char       rerr[NT_ERR_LEN], perr[NT_ERR_LEN];
	char      *prefs = NULL;
	int        rc;

	memset(&u, 0, sizeof u);
	u.ds = ds;
	u.cfg = o->cfg;
	/* Scales only when given (--scales, or a family's own): else the
	 * form's remembered ones, then the defaults. */
	memcpy(u.scales, o->scales, sizeof u.scales);
	u.nscales = o->scales_set || (o->grid.ncorruptions == 1 &&
	    o->grid.corruptions[0] != CORRUPT_GAUSSIAN) ? o->nscales : 0;
	u.ascii = o->ascii;
	u.no_color = o->no_color || getenv("NO_COLOR") != NULL;
	u.export_dir = ".";
	u.jobs = o->jobs;
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


/*
 * Command-line parsing: subcommands and range-checked options, from two
 * tables.  The tables are the one place an option or command is written
 * down: getopt's list, `noisetop help` and `noisetop help COMMAND` are all
 * made from them, and the man page is tested against the help.  A command
 * row holds its handler, an option row its destination and limits.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli_priv.h"
#include "cli/builtin.h"
#include "cli/headless.h"

/* Commands that train, or set up a training job. */
#define TRAINING (B(CLI_DASHBOARD) | B(CLI_TRAIN) | B(CLI_COMPARE) | \
    B(CLI_SWEEP) | B(CLI_SLURM))
#define DATA     (TRAINING | B(CLI_SHOW))
/* Those that train here or in the jobs they write (the dashboard's form
 * sets its own plan). */
#define HEADLESS_TRAINING (B(CLI_TRAIN) | B(CLI_COMPARE) | B(CLI_SWEEP) | \
    B(CLI_SLURM))
#define JOBS     (B(CLI_DASHBOARD) | B(CLI_TRAIN) | B(CLI_COMPARE) | B(CLI_SWEEP) | \
    B(CLI_SLURM) | B(CLI_RESUME))
#define RUNS     (TRAINING | B(CLI_RUNS) | B(CLI_RESUME) | B(CLI_RM) | \
    B(CLI_PLOT) | B(CLI_REPORT) | B(CLI_MERGE))

/* The headless commands that need no data, in the handlers' signature. */
#define WITHOUT_DATA(name, headless_fn)                                   \
	static int                                                        \
	name(const cli_options *o, const dataset *ds)                     \
	{                                                                 \
		(void)ds;                                                 \
		return headless_fn(o);                                    \
	}
WITHOUT_DATA(run_runs, headless_runs)
WITHOUT_DATA(run_resume, headless_resume)
WITHOUT_DATA(run_rm, headless_rm)
WITHOUT_DATA(run_plot, headless_plot)
WITHOUT_DATA(run_report, headless_report)
WITHOUT_DATA(run_slurm, headless_slurm)
WITHOUT_DATA(run_merge, headless_merge)

/* In the order `noisetop help` lists them. */
const cli_cmd cli_cmds[] = {
	{ "train", CLI_TRAIN, "", 0, NULL, CLI_NEEDS_DATA, headless_train,
	    "train one model and print Keras-style epoch lines" },
	{ "compare", CLI_COMPARE, "", 0, NULL, CLI_NEEDS_DATA,
	    headless_compare, "train clean and noisy (--noise 0.5) side by "
	    "side" },
	{ "sweep", CLI_SWEEP, "", 0, NULL, CLI_NEEDS_DATA, headless_sweep,
	    "train a fresh model per noise scale, print the table" },
	{ "show", CLI_SHOW, "", 0, NULL, CLI_NEEDS_DATA, headless_show,
	    "print digits beside their noisy copies" },
	{ "runs", CLI_RUNS, "", 0, NULL, 0, run_runs,
	    "list the saved runs (--prune N: keep N)" },
	{ "resume", CLI_RESUME, "[RUN]", 1, NULL, CLI_NAMES_RUN, run_resume,
	    "continue an interrupted run (default: the newest)" },
	{ "rm", CLI_RM, "RUN...", CLI_MAX_ARGS, "rm needs the name of a run "
	    "(see 'noisetop runs')", 0, run_rm,
	    "delete saved runs (never a live one)" },
	{ "plot", CLI_PLOT, "[RUN]", 1, NULL, CLI_NAMES_RUN, run_plot,
	    "draw a run's results as an SVG figure" },
	{ "report", CLI_REPORT, "[RUN]", 1, NULL, CLI_NAMES_RUN, run_report,
	    "write a run's report: README.md, report.html, SVGs" },
	{ "slurm", CLI_SLURM, "", 0, NULL, 0, run_slurm,
	    "write (--submit: submit) a Slurm job array" },
	{ "merge", CLI_MERGE, "RUN", 1, "merge needs the name of a run",
	    CLI_NAMES_RUN, run_merge, "assemble a sharded run's results" },
	{ "help", CLI_HELP, "[COMMAND]", 1, NULL, 0, builtin_help,
	    "this text, or one command's" },
	{ "version", CLI_VERSION, "", 0, NULL, 0, builtin_version,
	    "the version, build and kernels" },
	{ "dashboard", CLI_DASHBOARD, "", 0, NULL, CLI_NEEDS_DATA,
	    builtin_dashboard, "the dashboard (also with no command)" },
};

/* A whole decimal number in [lo, hi]. */
static int
parse_long(const char *opt, const char *s, long lo, long hi, long *out,
    char *err, size_t errlen)
{
	char *end;
	long  v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0)
		return err_set(err, errlen, "%s '%s': not a whole number", opt, s);
	if (v < lo || v > hi)
		return err_set(err, errlen, "%s %ld: must be from %ld to %ld", opt,
		    v, lo, hi);
	*out = v;
	return 0;
}

/* A finite number in [lo, hi] (lo_open: strictly above lo). */
static int
parse_float(const char *opt, const char *s, double lo, int lo_open,
    double hi, float *out, char *err, size_t errlen)
{
	char  *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v))
		return err_set(err, errlen, "%s '%s': not a number", opt, s);
	if (v < lo || (lo_open && v == lo) || v > hi)
		return err_set(err, errlen, "%s %g: must be %s %g and at most %g",
		    opt, v, lo_open ? "above" : "at least", lo, hi);
	*out = (float)v;
	return 0;
}

static int
opt_hidden(cli_options *o, const char *s, char *err, size_t errlen)
{
	char  buf[256], *tok, *save = NULL;
	int   n = 0;

	if (strlen(s) >= sizeof buf)
		return err_set(err, errlen, "--hidden '%s': too long", s);
	if (s[0] == ',' || strstr(s, ",,") != NULL ||
	    (s[0] != '\0' && s[strlen(s) - 1] == ','))
		return err_set(err, errlen, "--hidden '%s': give sizes like "
		    "512,512", s);
	snprintf(buf, sizeof buf, "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		long v = 0;

		if (n == MLP_MAX_LAYERS - 1)
			return err_set(err, errlen, "--hidden: at most %d hidden "
			    "layers", MLP_MAX_LAYERS - 1);
		if (parse_long("--hidden", tok, 1, TRAIN_MAX_HIDDEN, &v, err,
		    errlen))
			return -1;
		o->cfg.size[++n] = (int)v;
	}
	if (n == 0)
		return err_set(err, errlen, "--hidden '%s': give sizes like "
		    "512,512", s);
	o->cfg.nlayer = n + 1;
	o->cfg.size[n + 1] = 10;
	return 0;
}

static int
opt_scales(cli_options *o, const char *s, char *err, size_t errlen)
{
	if ((o->nscales = sweep_parse_scales(s, o->scales, err, errlen)) >= 0)
		return 0;
	o->nscales = 0;
	return -1;
}

static int
opt_test_scales(cli_options *o, const char *s, char *err, size_t errlen)
{
	if ((o->grid.ntest = sweep_parse_scales(s, o->grid.test_scales, err,
	    errlen)) >= 0)
		return 0;
	o->grid.ntest = 0;
	return -1;
}

static int
opt_noise_mode(cli_options *o, const char *s, char *err, size_t errlen)
{
	return sweep_parse_mode(s, &o->grid.mode, err, errlen);
}

static int
opt_corruption(cli_options *o, const char *s, char *err, size_t errlen)
{
	o->grid.ncorruptions = corrupt_parse_list(s, o->grid.corruptions,
	    SWEEP_MAX_CORRUPTIONS, err, errlen);
	return o->grid.ncorruptions < 0 ? -1 : 0;
}

static int
opt_weight_decay(cli_options *o, const char *s, char *err, size_t errlen)
{
	if ((o->grid.ndecays = sweep_parse_decays(s, o->grid.decays, err,
	    errlen)) >= 0)
		return 0;
	o->grid.ndecays = 0;
	return -1;
}

/* Each --attack adds to the list. */
static int
opt_attack(cli_options *o, const char *s, char *err, size_t errlen)
{
	return probe_attack_parse(s, o->grid.attacks, &o->grid.nattacks,
	    PROBE_MAX_ATTACKS, err, errlen);
}

static int
opt_precision(cli_options *o, const char *s, char *err, size_t errlen)
{
	return train_precision_parse(s, &o->cfg.precision, err, errlen);
}

/* K/N with 1 <= K <= N <= SWEEP_MAX_ROWS. */
static int
opt_shard(cli_options *o, const char *s, char *err, size_t errlen)
{
	int k, n, end = 0;

	if (sscanf(s, "%d/%d%n", &k, &n, &end) != 2 || s[end] != '\0' ||
	    n < 1 || n > SWEEP_MAX_ROWS || k < 1 || k > n)
		return err_set(err, errlen, "--shard '%s': give K/N with "
		    "1 <= K <= N", s);
	o->shard = k;
	o->nshards = n;
	return 0;
}

/* A name for a directory of its own: no '/', not hidden, not too long. */
static int
opt_run_id(cli_options *o, const char *s, char *err, size_t errlen)
{
	if (s[0] == '\0' || s[0] == '.' || strchr(s, '/') != NULL ||
	    strlen(s) > 200)
		return err_set(err, errlen, "--run-id '%s': a plain name, "
		    "no '/'", s);
	o->run_id = s;
	return 0;
}

/* One set, or (sweep) a list of them: an axis of the grid. */
static int
opt_dataset(cli_options *o, const char *s, char *err, size_t errlen)
{
	dataset_kind sets[SWEEP_MAX_DATASETS];
	char         msg[NT_ERR_LEN];
	int          n = sweep_parse_datasets(s, sets, msg, sizeof msg);

	if (n < 0 && strchr(s, ',') == NULL)
		return err_set(err, errlen, "--dataset '%s': must be %s", s,
		    dataset_keys());
	if (n < 0)
		return err_set(err, errlen, "--dataset '%s': %s", s, msg);
	o->dataset = sets[0];
	/* One set is no axis: its runs read as they always have. */
	o->grid.ndatasets = n > 1 ? n : 0;
	memcpy(o->grid.datasets, sets, (size_t)n * sizeof *sets);
	return 0;
}

static int
opt_split(cli_options *o, const char *s, char *err, size_t errlen)
{
	if (strcmp(s, "train") == 0)
		o->split = 0;
	else if (strcmp(s, "test") == 0)
		o->split = 1;
	else
		return err_set(err, errlen, "--split '%s': must be train or "
		    "test", s);
	return 0;
}

/* One #SBATCH line each; past CLI_MAX_ARGS they are dropped. */
static int
opt_sbatch_arg(cli_options *o, const char *s, char *err, size_t errlen)
{
	if (s[0] != '-' || strchr(s, '\n') != NULL)
		return err_set(err, errlen, "--sbatch-arg '%s': one sbatch "
		    "option, starting with '-'", s);
	if (o->nsbatch < CLI_MAX_ARGS)
		o->sbatch_args[o->nsbatch++] = s;
	return 0;
}

const struct cli_opt cli_opts[] = {
#define FIELD(m)  .off = offsetof(cli_options, m), \
                  .size = sizeof(((cli_options *)0)->m)
#define STRING(m)             .kind = OPT_STRING, FIELD(m)
#define FLAG(m, v)            .kind = OPT_FLAG, FIELD(m), .lo = (v)
#define INT(m, l, h)          .kind = OPT_INT, FIELD(m), .lo = (l), .hi = (h)
#define FLOAT(m, l, h)        .kind = OPT_FLOAT, FIELD(m), .lo = (l), \
                              .hi = (h)
#define FLOAT_ABOVE(m, l, h)  FLOAT(m, l, h), .lo_open = 1
#define COMMAND(c)            .kind = OPT_COMMAND, .lo = (c)
#define CUSTOM(f)             .kind = OPT_CUSTOM, .parse = (f)
#define GIVEN(m)              .given = offsetof(cli_options, m)
	{ "dataset", "mnist|fashion|kmnist", DATA | B(CLI_PLOT), "Data",
	    "which set: MNIST (default), Fashion-MNIST or Kuzushiji-MNIST, "
	    "found where it usually is (see the man page); sweep takes a "
	    "list (mnist,fashion): every row on each; plot: the set of a "
	    "one-set figure",
	    CUSTOM(opt_dataset) },
	{ "data", "DIR", DATA, "Data", "the set's directory or mnist.npz "
	    "(else $NOISETOP_DATA, ./data/SET, the XDG cache, ...)",
	    STRING(data_dir) },
	{ "train-limit", "N", DATA, "Data",
	    "use only the first N training images",
	    INT(train_limit, 1, 100000000) },
	{ "test-limit", "N", DATA, "Data", "use only the first N test images",
	    INT(test_limit, 1, 100000000) },
	{ "noise", "S", DATA, "Model and training",
	    "noise scale: clip(x + N(0,S), 0, 1) per pixel",
	    FLOAT(cfg.noise, 0.0, 100.0), GIVEN(noise_set) },
	{ "scales", "LIST", B(CLI_DASHBOARD) | B(CLI_SWEEP) | B(CLI_SLURM),
	    "Model and training", "sweep scales (default 0,0.1,0.5,1,2,4)",
	    CUSTOM(opt_scales), GIVEN(scales_set) },
	{ "corruption", "LIST", DATA | B(CLI_PLOT), "Model and training",
	    "corruption families, comma-separated: gaussian (default), "
	    "shot, impulse, speckle, blur (see the man page)",
	    CUSTOM(opt_corruption) },
	{ "seeds", "N", TRAINING, "Model and training",
	    "train every scale with N seeds (default 1): mean and sd",
	    INT(grid.nseeds, 1, SWEEP_MAX_SEEDS) },
	{ "test-scales", "LIST", TRAINING, "Model and training",
	    "evaluate every model at these test scales (default: the "
	    "training scales)", CUSTOM(opt_test_scales) },
	{ "noise-mode", "fixed|fresh", TRAINING, "Model and training",
	    "draw the training noise once (fixed, default) or every epoch "
	    "(fresh)", CUSTOM(opt_noise_mode) },
	{ "epochs", "N", TRAINING, "Model and training",
	    "epochs per model (default 20)",
	    INT(cfg.epochs, 1, TRAIN_MAX_EPOCHS) },
	{ "batch", "N", TRAINING, "Model and training",
	    "batch size (default 128)", INT(cfg.batch, 1, TRAIN_MAX_BATCH) },
	{ "lr", "X", TRAINING, "Model and training",
	    "Adam's learning rate (default 0.001)",
	    FLOAT_ABOVE(cfg.lr, 0.0, TRAIN_MAX_LR) },
	{ "dropout", "X", TRAINING, "Model and training",
	    "dropout after each hidden layer (default 0.2)",
	    FLOAT(cfg.dropout, 0.0, TRAIN_MAX_DROPOUT) },
	{ "hidden", "N,N,...", TRAINING, "Model and training",
	    "hidden layer sizes (default 512,512)", CUSTOM(opt_hidden) },
	{ "seed", "N", DATA, "Model and training",
	    "seed of every draw (default 42)", INT(cfg.seed, 0, 0x7fffffffL) },
	{ "precision", "fp32|bf16", TRAINING | B(CLI_RESUME),
	    "Model and training", "fp32 (default), or bf16 GEMM inputs with "
	    "fp32 sums and weights (CPUs with AVX512-BF16)",
	    CUSTOM(opt_precision), GIVEN(precision_set) },
	{ "threads", "N", TRAINING | B(CLI_RESUME), "Model and training",
	    "OpenMP threads (default: all cores; more than the cores is "
	    "allowed, with a warning)",
	    INT(cfg.threads, 1, TRAIN_MAX_THREADS) },
	{ "weight-decay", "LIST", HEADLESS_TRAINING, "Model and training",
	    "train every row at each L2 weight decay (default 0): Keras's "
	    "kernel_regularizer l2(L), L sum(W^2) over the weights added to "
	    "the loss (2 L W to their gradients, before Adam; not AdamW's "
	    "decoupled decay), an axis like --seeds",
	    CUSTOM(opt_weight_decay) },
	{ "probes", NULL, HEADLESS_TRAINING, "Probes",
	    "measure every trained model: input-gradient and Jacobian norms, "
	    "first-layer weight norm and roughness (clean test set), ECE and "
	    "confidence at every test scale", FLAG(grid.probes, 1) },
	{ "attack", "LIST", HEADLESS_TRAINING, "Probes",
	    "accuracy under L-inf attacks on the clean test set, "
	    "fgsm:EPS or pgd:EPS:STEPS (step 2.5 EPS/STEPS, no random start), "
	    "comma-separated or repeated; implies --probes",
	    CUSTOM(opt_attack) },
	{ "jobs", "N", JOBS, "Model and training",
	    "rows trained at once, each on its share of --threads (default: "
	    "the cores / 8, at least 1, as memory allows); each one holds "
	    "its own model, Adam state and noisy images (about 0.25 GB on "
	    "MNIST), and a --jobs that would not fit is refused; results are "
	    "the same bits for any N",
	    INT(jobs, 1, TRAIN_MAX_THREADS) },
	{ "threads-per-job", "T", JOBS, "Model and training",
	    "OpenMP threads of each row trained at once (default: --threads "
	    "split between the --jobs)", INT(threads_per_job, 1,
	    TRAIN_MAX_THREADS) },
	{ "no-bind", NULL, JOBS, "Model and training",
	    "leave the threads of rows trained at once unbound (by default, "
	    "on a machine of several sockets or L3s, each row's stay on one; "
	    "OMP_PLACES or OMP_PROC_BIND also leave placement to OpenMP)",
	    FLAG(bind, 0) },
	{ "csv", "FILE", TRAINING | B(CLI_RESUME), "Output",
	    "write the per-epoch history as CSV (atomically)", STRING(csv) },
	{ "json", "FILE", TRAINING | B(CLI_RESUME), "Output",
	    "write the history and summary as JSON (atomically)",
	    STRING(json) },
	{ "no-progress", NULL, TRAINING | B(CLI_RESUME), "Output",
	    "no live progress bar", FLAG(progress, 0) },
	{ "estimate-only", NULL, B(CLI_TRAIN) | B(CLI_COMPARE) | B(CLI_SWEEP),
	    "Output", "print how long the job would take here (a timed probe "
	    "of this machine, as the dashboard's form shows) and exit",
	    FLAG(estimate_only, 1) },
	{ "runs", "DIR", RUNS, "Output", "where runs are saved (default "
	    "$XDG_DATA_HOME/noisetop/runs)", STRING(runs_dir) },
	{ "shard", "K/N", B(CLI_SWEEP) | B(CLI_RESUME), "Output",
	    "train only shard K of N of the grid's rows (a cluster job)",
	    CUSTOM(opt_shard) },
	{ "run-id", "ID", B(CLI_SWEEP), "Output",
	    "the run's name, shared by its shards (default: "
	    "$SLURM_ARRAY_JOB_ID with --shard, else the time)",
	    CUSTOM(opt_run_id) },
	/* After train's --json FILE, which slurm's option check finds. */
	{ "json", NULL, B(CLI_RUNS), "Output",
	    "runs: the list as JSON on standard output", FLAG(runs_json, 1) },
	{ "prune", "N", B(CLI_RUNS), "Output",
	    "runs: delete all but the newest N finished runs",
	    INT(prune, 0, 1000000) },
	{ "array-size", "N", B(CLI_SLURM), "Slurm",
	    "shards of the sweep, one array task each (default 4)",
	    INT(array_size, 1, 1000) },
	{ "cpus-per-task", "T", B(CLI_SLURM), "Slurm",
	    "cores per task, and its --threads (default 2)",
	    INT(cpus, 1, TRAIN_MAX_THREADS) },
	{ "sbatch-arg", "OPTION", B(CLI_SLURM), "Slurm",
	    "one more #SBATCH line: an sbatch option, given with '='",
	    CUSTOM(opt_sbatch_arg) },
	{ "submit", NULL, B(CLI_SLURM), "Slurm",
	    "submit the array and its merge job with sbatch", FLAG(submit, 1) },
	{ "resubmit", "RUN", B(CLI_SLURM), "Slurm",
	    "an array of only the unfinished shards of RUN", STRING(resubmit) },
	{ "out", "DIR", B(CLI_SLURM), "Slurm",
	    "where to write the scripts (default .)", STRING(out_dir) },
	{ "out", "DIR", B(CLI_REPORT), "Report", "the report's folder "
	    "(default: a new report, report-2, ... in the run's directory)",
	    STRING(out_dir) },
	{ "force", NULL, B(CLI_REPORT), "Report", "write into an --out "
	    "folder that has files in it", FLAG(force, 1) },
	{ "svg", "FILE", B(CLI_PLOT), "Plot",
	    "write the figure to FILE (atomically)", STRING(svg) },
	{ "figure", "scales|epochs|matrix|sensitivity|calibration|weights",
	    B(CLI_PLOT), "Plot", "accuracy against scale (default), the "
	    "epoch curves, the train x test heat map, the probes against "
	    "scale, a row's reliability diagram, or a row's first-layer "
	    "fields", STRING(figure) },
	{ "row", "I", B(CLI_PLOT), "Plot",
	    "the row a calibration or weights figure draws (default: the "
	    "first done row of the largest training scale)", INT(plot_row, 0, SWEEP_MAX_ROWS - 1) },
	{ "from-init", NULL, B(CLI_PLOT), "Plot",
	    "draw the weights figure's fields less their initial weights: "
	    "what training changed", FLAG(from_init, 1) },
	{ "test-scale", "S", B(CLI_PLOT), "Plot",
	    "the test images' scale in a calibration figure (default: the "
	    "row's own)",
	    FLOAT(test_scale, 0.0, 100.0) },
	{ "ascii", NULL, B(CLI_DASHBOARD) | B(CLI_SHOW) | B(CLI_SWEEP),
	    "Terminal", "ASCII glyphs only", FLAG(ascii, 1) },
	{ "no-color", NULL, B(CLI_DASHBOARD), "Terminal",
	    "no colours (also NO_COLOR=1)", FLAG(no_color, 1) },
	{ "split", "train|test", B(CLI_SHOW), "Show",
	    "which split to show (default train)", CUSTOM(opt_split) },
	{ "index", "I", B(CLI_SHOW), "Show",
	    "the first image to show (default 0)", INT(index, 0, 100000000) },
	{ "count", "N", B(CLI_SHOW), "Show", "how many images (default 1)",
	    INT(count, 1, 100000) },
	{ "help", NULL, ~0u, "Other", "this help", COMMAND(CLI_HELP) },
	{ "version", NULL, ~0u, "Other", "the version, build and kernels",
	    COMMAND(CLI_VERSION) },
};
_Static_assert(offsetof(cli_options, cmd) == 0,
    "GIVEN() takes offset 0 for none");

const size_t cli_ncmds = sizeof cli_cmds / sizeof cli_cmds[0];
const size_t cli_nopts = sizeof cli_opts / sizeof cli_opts[0];
#define NCMD cli_ncmds
#define NOPT cli_nopts

const cli_cmd *
cli_find_command(const char *s)
{
	for (size_t i = 0; i < NCMD; i++)
		if (strcmp(s, cli_cmds[i].name) == 0)
			return &cli_cmds[i];
	return NULL;
}

const cli_cmd *
cli_command_of(cli_command cmd)
{
	for (size_t i = 0; i < NCMD; i++)
		if (cli_cmds[i].cmd == cmd)
			return &cli_cmds[i];
	return &cli_cmds[NCMD - 1];   /* not reached: every command has a row */
}

static const struct cli_opt *
find_option(const char *name)
{
	for (size_t i = 0; i < NOPT; i++)
		if (strcmp(name, cli_opts[i].name) == 0)
			return &cli_opts[i];
	return NULL;
}

/* Apply option p with value a.  Returns 0, or -1 with a message. */
static int
set_option(cli_options *o, const struct cli_opt *p, const char *a,
    char *err, size_t errlen)
{
	char *field = (char *)o + p->off;
	char  opt[64];
	long  v;

	snprintf(opt, sizeof opt, "--%s", p->name);
	if (p->given != 0)
		*(int *)((char *)o + p->given) = 1;
	switch (p->kind) {
	case OPT_STRING:
		*(const char **)field = a;
		return 0;
	case OPT_FLAG:
		*(int *)field = (int)p->lo;
		return 0;
	case OPT_INT:
		if (parse_long(opt, a, (long)p->lo, (long)p->hi, &v, err,
		    errlen) != 0)
			return -1;
		if (p->size == sizeof(int))
			*(int *)field = (int)v;
		else
			*(uint64_t *)field = (uint64_t)v;
		return 0;
	case OPT_FLOAT:
		return parse_float(opt, a, p->lo, p->lo_open, p->hi,
		    (float *)field, err, errlen);
	case OPT_COMMAND:
		o->cmd = (cli_command)p->lo;
		return 0;
	case OPT_CUSTOM:
		return p->parse(o, a, err, errlen);
	}
	return 0;
}

/* Every field its default, before the options. */
static void
set_defaults(cli_options *o, int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	train_config_default(&o->cfg);
	o->nscales = 6;
	memcpy(o->scales, sweep_default_scales, sizeof sweep_default_scales);
	o->count = 1;
	o->progress = 1;
	o->bind = 1;
	o->prune = -1;
	o->plot_row = -1;
	o->test_scale = -1.0f;
	o->argc = argc;
	o->argv = argv;
	sweep_plan_default(&o->grid, NULL, 0);
	o->grid.ntest = 0;
}

/* getopt's values: row i of cli_opts[] is OPT_BASE + i. */
#define OPT_BASE 256

/*
 * Two rows may share a name with different values (train's --json FILE,
 * runs' --json): is row i hidden from cmd by another row of its name
 * that is cmd's own?
 */
static int
shadowed(size_t i, cli_command cmd)
{
	if (cli_opts[i].cmds & B(cmd))
		return 0;
	for (size_t j = 0; j < NOPT; j++)
		if (j != i && (cli_opts[j].cmds & B(cmd)) &&
		    strcmp(cli_opts[j].name, cli_opts[i].name) == 0)
			return 1;
	return 0;
}

/*
 * The options among av[1..ac-1] (av[0] stands for the program or the
 * subcommand); optind is left at the first positional argument.  Returns
 * 0, or -1 with a message.
 */
static int
parse_options(int ac, char **av, cli_options *o, char *err, size_t errlen)
{
	struct option opts[NOPT + 1];
	int           c;

	size_t        n = 0;

	for (size_t i = 0; i < NOPT; i++)
		if (!shadowed(i, o->cmd))
			opts[n++] = (struct option){ cli_opts[i].name,
			    cli_opts[i].arg ? required_argument : no_argument,
			    NULL, OPT_BASE + (int)i };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	/* optind 0: glibc starts over, so a second parse in one process
	 * reads its own argv. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(ac, av, ":hV", opts, NULL)) != -1) {
		const struct cli_opt *p = c == 'h' ? find_option("help") :
		    c == 'V' ? find_option("version") :
		    c >= OPT_BASE ? &cli_opts[c - OPT_BASE] : NULL;
		const char           *a = optarg;

		if (c == ':')
			return err_set(err, errlen, "%s needs a value",
			    av[optind - 1]);
		if (p == NULL)
			return err_set(err, errlen, "unknown option '%s' (try "
			    "'noisetop help')", av[optind - 1]);
		/* "--lr --train-limit 600": the next option is no value
		 * ("--sbatch-arg=--time=1:00" is one, given with '='). */
		if (a != NULL && a == av[optind - 1] &&
		    strncmp(a, "--", 2) == 0 && a[2] != '\0')
			return err_set(err, errlen, "--%s needs a value",
			    p->name);
		if (set_option(o, p, a, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/*
 * The positional arguments av[optind..ac-1], as many as the command takes,
 * and the checks that need the whole command line.  Returns 0, or -1 with
 * a message.
 */
static int
parse_args(int ac, char **av, cli_options *o, char *err, size_t errlen)
{
	const cli_cmd *c = cli_command_of(o->cmd);

	while (optind < ac && o->nargs < c->maxargs)
		o->args[o->nargs++] = av[optind++];
	if (optind < ac)
		return err_set(err, errlen, "unexpected argument '%s'",
		    av[optind]);
	if (c->missing != NULL && o->nargs == 0)
		return err_set(err, errlen, "%s", c->missing);
	if (o->cmd == CLI_HELP && o->nargs == 1 &&
	    cli_find_command(o->args[0]) == NULL)
		return err_set(err, errlen, "help: unknown command '%s'",
		    o->args[0]);
	if (o->cmd == CLI_PLOT && o->svg == NULL)
		return err_set(err, errlen, "plot needs --svg FILE");
	if ((c->needs & CLI_NAMES_RUN) && o->nargs == 1)
		o->resume = o->args[0];
	return 0;
}

int
cli_parse(int argc, char **argv, cli_options *o, char *err, size_t errlen)
{
	const cli_cmd *cmd;
	int            first = 1;

	set_defaults(o, argc, argv);
	/* A subcommand, if any, comes first. */
	if (argc > 1 && argv[1][0] != '-') {
		if ((cmd = cli_find_command(argv[1])) == NULL)
			return err_set(err, errlen, "unknown command '%s' (try "
			    "'noisetop help')", argv[1]);
		o->cmd = cmd->cmd;
		first = 2;
	}
	/* getopt over the words after the subcommand: av[0] stands for the
	 * program or the subcommand. */
	if (parse_options(argc - (first - 1), argv + first - 1, o, err,
	    errlen) != 0 ||
	    parse_args(argc - (first - 1), argv + first - 1, o, err,
	    errlen) != 0)
		return -1;
	if (o->cmd == CLI_COMPARE && !o->noise_set)
		o->cfg.noise = 0.5f;
	/* One other family and no --scales: that family's own scales. */
	if (!o->scales_set && o->grid.ncorruptions == 1 &&
	    o->grid.corruptions[0] != CORRUPT_GAUSSIAN) {
		const corrupt_info *ci = corrupt_info_of(o->grid.corruptions[0]);

		memcpy(o->scales, ci->scales, sizeof ci->scales);
		o->nscales = CORRUPT_NSCALES;
	}
	if (o->grid.ndatasets > 1 && o->cmd != CLI_SWEEP && o->cmd !=
	    CLI_SLURM)
		return err_set(err, errlen, "--dataset: a list of sets is for "
		    "sweep (and slurm) only");
	if (o->shard > 0 && o->cmd == CLI_SWEEP && o->run_id == NULL &&
	    (o->run_id = getenv("SLURM_ARRAY_JOB_ID")) == NULL)
		return err_set(err, errlen, "--shard needs --run-id ID (or "
		    "$SLURM_ARRAY_JOB_ID), the name all shards share");
	return 0;
}

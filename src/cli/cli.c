/*
 * Command-line parsing: subcommands and range-checked options, from two
 * tables.  The tables are the one place an option or command is written
 * down: getopt's list, `noisetop help` and `noisetop help COMMAND` are all
 * made from them, and the man page is tested against the help.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define B(c) (1u << (c))
/* Commands that train, or set up a training job. */
#define TRAINING (B(CLI_DASHBOARD) | B(CLI_TRAIN) | B(CLI_COMPARE) | \
    B(CLI_SWEEP) | B(CLI_SLURM))
#define DATA     (TRAINING | B(CLI_SHOW))
#define RUNS     (TRAINING | B(CLI_RUNS) | B(CLI_RESUME) | B(CLI_RM) | \
    B(CLI_PLOT) | B(CLI_MERGE))

static const struct cli_cmd {
	const char *name;
	cli_command cmd;
	const char *args;   /* positional arguments, for the synopsis */
	const char *help;
} commands[] = {
	{ "train", CLI_TRAIN, "", "train one model and print Keras-style "
	    "epoch lines" },
	{ "compare", CLI_COMPARE, "", "train clean and noisy (--noise 0.5) "
	    "side by side" },
	{ "sweep", CLI_SWEEP, "", "train a fresh model per noise scale, "
	    "print the table" },
	{ "show", CLI_SHOW, "", "print digits beside their noisy copies" },
	{ "runs", CLI_RUNS, "", "list the saved runs (--prune N: keep N)" },
	{ "resume", CLI_RESUME, "[RUN]", "continue an interrupted run "
	    "(default: the newest)" },
	{ "rm", CLI_RM, "RUN...", "delete saved runs (never a live one)" },
	{ "plot", CLI_PLOT, "[RUN]", "draw a run's results as an SVG figure" },
	{ "slurm", CLI_SLURM, "", "write (--submit: submit) a Slurm job array" },
	{ "merge", CLI_MERGE, "RUN", "assemble a sharded run's results" },
	{ "help", CLI_HELP, "[COMMAND]", "this text, or one command's" },
	{ "version", CLI_VERSION, "", "the version, build and kernels" },
	{ "dashboard", CLI_DASHBOARD, "", "the dashboard (also with no "
	    "command)" },
};

enum {
	OPT_DATA = 256, OPT_TRAIN_LIMIT, OPT_TEST_LIMIT, OPT_EPOCHS,
	OPT_BATCH, OPT_LR, OPT_DROPOUT, OPT_HIDDEN, OPT_SEED, OPT_THREADS,
	OPT_NOISE, OPT_SCALES, OPT_CSV, OPT_JSON, OPT_ASCII, OPT_NO_COLOR,
	OPT_SPLIT, OPT_INDEX, OPT_COUNT, OPT_NO_PROGRESS, OPT_RUNS,
	OPT_PRUNE, OPT_HELP, OPT_VERSION, OPT_SEEDS, OPT_TEST_SCALES,
	OPT_NOISE_MODE, OPT_CORRUPTION, OPT_SHARD, OPT_RUN_ID, OPT_SVG,
	OPT_FIGURE, OPT_ARRAY_SIZE, OPT_CPUS, OPT_SBATCH_ARG, OPT_SUBMIT,
	OPT_RESUBMIT, OPT_OUT, OPT_PRECISION,
};

static const struct cli_opt {
	const char *name;
	int         id;
	const char *arg;    /* the value's name; NULL for a flag */
	unsigned    cmds;   /* the commands it applies to */
	const char *group;
	const char *help;
} options[] = {
	{ "data", OPT_DATA, "DIR", DATA, "Data", "MNIST directory or "
	    "mnist.npz (else $NOISETOP_DATA, ./data/mnist, the XDG cache)" },
	{ "train-limit", OPT_TRAIN_LIMIT, "N", DATA, "Data",
	    "use only the first N training images" },
	{ "test-limit", OPT_TEST_LIMIT, "N", DATA, "Data",
	    "use only the first N test images" },
	{ "noise", OPT_NOISE, "S", DATA, "Model and training",
	    "noise scale: clip(x + N(0,S), 0, 1) per pixel" },
	{ "scales", OPT_SCALES, "LIST", B(CLI_DASHBOARD) | B(CLI_SWEEP) |
	    B(CLI_SLURM),
	    "Model and training",
	    "sweep scales (default 0,0.1,0.5,1,2,4)" },
	{ "corruption", OPT_CORRUPTION, "LIST", DATA | B(CLI_PLOT),
	    "Model and training",
	    "corruption families, comma-separated: gaussian (default), "
	    "shot, impulse, speckle, blur (see the man page)" },
	{ "seeds", OPT_SEEDS, "N", TRAINING, "Model and training",
	    "train every scale with N seeds (default 1): mean and sd" },
	{ "test-scales", OPT_TEST_SCALES, "LIST", TRAINING,
	    "Model and training", "evaluate every model at these test "
	    "scales (default: the training scales)" },
	{ "noise-mode", OPT_NOISE_MODE, "fixed|fresh", TRAINING,
	    "Model and training", "draw the training noise once (fixed, "
	    "default) or every epoch (fresh)" },
	{ "epochs", OPT_EPOCHS, "N", TRAINING, "Model and training",
	    "epochs per model (default 20)" },
	{ "batch", OPT_BATCH, "N", TRAINING, "Model and training",
	    "batch size (default 128)" },
	{ "lr", OPT_LR, "X", TRAINING, "Model and training",
	    "Adam's learning rate (default 0.001)" },
	{ "dropout", OPT_DROPOUT, "X", TRAINING, "Model and training",
	    "dropout after each hidden layer (default 0.2)" },
	{ "hidden", OPT_HIDDEN, "N,N,...", TRAINING, "Model and training",
	    "hidden layer sizes (default 512,512)" },
	{ "seed", OPT_SEED, "N", DATA, "Model and training",
	    "seed of every draw (default 42)" },
	{ "precision", OPT_PRECISION, "fp32|bf16", TRAINING | B(CLI_RESUME),
	    "Model and training", "fp32 (default), or bf16 GEMM inputs with "
	    "fp32 sums and weights (CPUs with AVX512-BF16)" },
	{ "threads", OPT_THREADS, "N", TRAINING | B(CLI_RESUME),
	    "Model and training", "OpenMP threads (default: all cores; "
	    "more than the cores is allowed, with a warning)" },
	{ "csv", OPT_CSV, "FILE", TRAINING | B(CLI_RESUME), "Output",
	    "write the per-epoch history as CSV (atomically)" },
	{ "json", OPT_JSON, "FILE", TRAINING | B(CLI_RESUME), "Output",
	    "write the history and summary as JSON (atomically)" },
	{ "no-progress", OPT_NO_PROGRESS, NULL, TRAINING | B(CLI_RESUME),
	    "Output", "no live progress bar" },
	{ "runs", OPT_RUNS, "DIR", RUNS, "Output", "where runs are saved "
	    "(default $XDG_DATA_HOME/noisetop/runs)" },
	{ "shard", OPT_SHARD, "K/N", B(CLI_SWEEP) | B(CLI_RESUME), "Output",
	    "train only shard K of N of the grid's rows (a cluster job)" },
	{ "run-id", OPT_RUN_ID, "ID", B(CLI_SWEEP), "Output",
	    "the run's name, shared by its shards (default: "
	    "$SLURM_ARRAY_JOB_ID with --shard, else the time)" },
	{ "prune", OPT_PRUNE, "N", B(CLI_RUNS), "Output",
	    "runs: delete all but the newest N finished runs" },
	{ "array-size", OPT_ARRAY_SIZE, "N", B(CLI_SLURM), "Slurm",
	    "shards of the sweep, one array task each (default 4)" },
	{ "cpus-per-task", OPT_CPUS, "T", B(CLI_SLURM), "Slurm",
	    "cores per task, and its --threads (default 2)" },
	{ "sbatch-arg", OPT_SBATCH_ARG, "OPTION", B(CLI_SLURM), "Slurm",
	    "one more #SBATCH line: an sbatch option, given with '='" },
	{ "submit", OPT_SUBMIT, NULL, B(CLI_SLURM), "Slurm",
	    "submit the array and its merge job with sbatch" },
	{ "resubmit", OPT_RESUBMIT, "RUN", B(CLI_SLURM), "Slurm",
	    "an array of only the unfinished shards of RUN" },
	{ "out", OPT_OUT, "DIR", B(CLI_SLURM), "Slurm",
	    "where to write the scripts (default .)" },
	{ "svg", OPT_SVG, "FILE", B(CLI_PLOT), "Plot",
	    "write the figure to FILE (atomically)" },
	{ "figure", OPT_FIGURE, "scales|epochs|matrix", B(CLI_PLOT), "Plot",
	    "accuracy against scale (default), the epoch curves, or the "
	    "train x test heat map" },
	{ "ascii", OPT_ASCII, NULL, B(CLI_DASHBOARD) | B(CLI_SHOW) |
	    B(CLI_SWEEP), "Terminal", "ASCII glyphs only" },
	{ "no-color", OPT_NO_COLOR, NULL, B(CLI_DASHBOARD), "Terminal",
	    "no colours (also NO_COLOR=1)" },
	{ "split", OPT_SPLIT, "train|test", B(CLI_SHOW), "Show",
	    "which split to show (default train)" },
	{ "index", OPT_INDEX, "I", B(CLI_SHOW), "Show",
	    "the first image to show (default 0)" },
	{ "count", OPT_COUNT, "N", B(CLI_SHOW), "Show",
	    "how many images (default 1)" },
	{ "help", OPT_HELP, NULL, ~0u, "Other", "this help" },
	{ "version", OPT_VERSION, NULL, ~0u, "Other",
	    "the version, build and kernels" },
};

#define NCMD (sizeof commands / sizeof commands[0])
#define NOPT (sizeof options / sizeof options[0])

static const struct cli_cmd *
find_command(const char *s)
{
	for (size_t i = 0; i < NCMD; i++)
		if (strcmp(s, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* help after a 23-column margin, wrapped at word boundaries to fit 79
 * columns. */
static void
usage_wrap(FILE *f, const char *help)
{
	const int   width = 79 - 23;
	const char *p = help;

	while (*p != '\0') {
		int len = (int)strlen(p);

		if (len > width) {
			len = width;
			while (len > 0 && p[len] != ' ')
				len--;
			if (len == 0)
				len = width;
		}
		fprintf(f, "%s%.*s\n", p == help ? "" : "                       ",
		    len, p);
		p += len;
		while (*p == ' ')
			p++;
	}
}

/* One option's line: "  --name ARG" padded, then its help. */
static void
usage_option(FILE *f, const struct cli_opt *p)
{
	char left[64];

	snprintf(left, sizeof left, "--%s%s%s", p->name, p->arg ? " " : "",
	    p->arg ? p->arg : "");
	if (strlen(left) > 20)
		fprintf(f, "  %s\n  %-20s ", left, "");
	else
		fprintf(f, "  %-20s ", left);
	usage_wrap(f, p->help);
}

/* The options of the commands in mask, grouped as in the table. */
static void
usage_options(FILE *f, unsigned mask)
{
	const char *groups[NOPT];
	size_t      ngroup = 0;

	for (size_t i = 0; i < NOPT; i++) {
		size_t g;

		for (g = 0; g < ngroup; g++)
			if (strcmp(groups[g], options[i].group) == 0)
				break;
		if (g == ngroup)
			groups[ngroup++] = options[i].group;
	}
	for (size_t g = 0; g < ngroup; g++) {
		int head = 0;

		for (size_t i = 0; i < NOPT; i++) {
			if (strcmp(options[i].group, groups[g]) != 0 ||
			    (options[i].cmds & mask) == 0)
				continue;
			if (!head++)
				fprintf(f, "%s:\n", groups[g]);
			usage_option(f, &options[i]);
		}
	}
}

int
cli_option_takes_value(const char *name)
{
	for (size_t i = 0; i < NOPT; i++)
		if (strcmp(name, options[i].name) == 0)
			return options[i].arg != NULL;
	return 0;
}

int
cli_usage(FILE *f, const char *topic)
{
	const struct cli_cmd *c;

	if (topic != NULL) {
		if ((c = find_command(topic)) == NULL)
			return -1;
		fprintf(f, "usage: noisetop %s%s%s [OPTIONS]\n\n%s.\n\n",
		    c->name, c->args[0] ? " " : "", c->args, c->help);
		usage_options(f, B(c->cmd));
		return 0;
	}
	fputs("usage: noisetop [COMMAND] [OPTIONS]\n\nCommands:\n", f);
	fprintf(f, "  %-20s %s\n", "(none)", "open the dashboard");
	for (size_t i = 0; i < NCMD; i++) {
		char left[64];

		if (commands[i].cmd == CLI_DASHBOARD)
			continue;
		snprintf(left, sizeof left, "%s%s%s", commands[i].name,
		    commands[i].args[0] ? " " : "", commands[i].args);
		fprintf(f, "  %-20s ", left);
		usage_wrap(f, commands[i].help);
	}
	fputc('\n', f);
	usage_options(f, ~0u);
	fputs("\n'noisetop help COMMAND' lists one command's options.\n", f);
	return 0;
}

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
parse_hidden(const char *s, train_config *c, char *err, size_t errlen)
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
		c->size[++n] = (int)v;
	}
	if (n == 0)
		return err_set(err, errlen, "--hidden '%s': give sizes like "
		    "512,512", s);
	c->nlayer = n + 1;
	c->size[n + 1] = 10;
	return 0;
}

/* Apply option id with value a.  Returns 0, or -1 with a message. */
static int
set_option(cli_options *o, int id, const char *a, char *err, size_t errlen)
{
	long v = 0;
	int  rc = 0;

	switch (id) {
	case OPT_DATA:
		o->data_dir = a;
		break;
	case OPT_TRAIN_LIMIT:
		rc = parse_long("--train-limit", a, 1, 100000000, &v, err,
		    errlen);
		o->train_limit = (size_t)v;
		break;
	case OPT_TEST_LIMIT:
		rc = parse_long("--test-limit", a, 1, 100000000, &v, err,
		    errlen);
		o->test_limit = (size_t)v;
		break;
	case OPT_EPOCHS:
		rc = parse_long("--epochs", a, 1, TRAIN_MAX_EPOCHS, &v, err,
		    errlen);
		o->cfg.epochs = (int)v;
		break;
	case OPT_BATCH:
		rc = parse_long("--batch", a, 1, TRAIN_MAX_BATCH, &v, err,
		    errlen);
		o->cfg.batch = (int)v;
		break;
	case OPT_LR:
		rc = parse_float("--lr", a, 0.0, 1, TRAIN_MAX_LR, &o->cfg.lr,
		    err, errlen);
		break;
	case OPT_DROPOUT:
		rc = parse_float("--dropout", a, 0.0, 0, TRAIN_MAX_DROPOUT,
		    &o->cfg.dropout, err, errlen);
		break;
	case OPT_HIDDEN:
		rc = parse_hidden(a, &o->cfg, err, errlen);
		break;
	case OPT_SEED:
		rc = parse_long("--seed", a, 0, 0x7fffffffL, &v, err, errlen);
		o->cfg.seed = (uint64_t)v;
		break;
	case OPT_THREADS:
		rc = parse_long("--threads", a, 1, TRAIN_MAX_THREADS, &v, err,
		    errlen);
		o->cfg.threads = (int)v;
		break;
	case OPT_NOISE:
		rc = parse_float("--noise", a, 0.0, 0, 100.0, &o->cfg.noise,
		    err, errlen);
		o->noise_set = 1;
		break;
	case OPT_SCALES:
		if ((o->nscales = sweep_parse_scales(a, o->scales, err,
		    errlen)) < 0) {
			o->nscales = 0;
			rc = -1;
		}
		o->scales_set = 1;
		break;
	case OPT_SEEDS:
		rc = parse_long("--seeds", a, 1, SWEEP_MAX_SEEDS, &v, err,
		    errlen);
		o->grid.nseeds = (int)v;
		break;
	case OPT_TEST_SCALES:
		if ((o->grid.ntest = sweep_parse_scales(a, o->grid.test_scales,
		    err, errlen)) < 0) {
			o->grid.ntest = 0;
			rc = -1;
		}
		break;
	case OPT_NOISE_MODE:
		rc = sweep_parse_mode(a, &o->grid.mode, err, errlen);
		break;
	case OPT_CORRUPTION:
		if ((o->grid.ncorruptions = corrupt_parse_list(a,
		    o->grid.corruptions, SWEEP_MAX_CORRUPTIONS, err,
		    errlen)) < 0)
			rc = -1;
		break;
	case OPT_SHARD: {
		int k, n, end = 0;

		if (sscanf(a, "%d/%d%n", &k, &n, &end) != 2 ||
		    a[end] != '\0' || n < 1 || n > SWEEP_MAX_ROWS || k < 1 ||
		    k > n)
			rc = err_set(err, errlen, "--shard '%s': give K/N with "
			    "1 <= K <= N", a);
		o->shard = k;
		o->nshards = n;
		break;
	}
	case OPT_RUN_ID:
		if (a[0] == '\0' || a[0] == '.' || strchr(a, '/') != NULL ||
		    strlen(a) > 200)
			rc = err_set(err, errlen, "--run-id '%s': a plain name, "
			    "no '/'", a);
		o->run_id = a;
		break;
	case OPT_PRECISION:
		rc = train_precision_parse(a, &o->cfg.precision, err, errlen);
		o->precision_set = 1;
		break;
	case OPT_CSV:
		o->csv = a;
		break;
	case OPT_JSON:
		o->json = a;
		break;
	case OPT_ASCII:
		o->ascii = 1;
		break;
	case OPT_NO_COLOR:
		o->no_color = 1;
		break;
	case OPT_SPLIT:
		if (strcmp(a, "train") == 0)
			o->split = 0;
		else if (strcmp(a, "test") == 0)
			o->split = 1;
		else
			rc = err_set(err, errlen, "--split '%s': must be train "
			    "or test", a);
		break;
	case OPT_INDEX:
		rc = parse_long("--index", a, 0, 100000000, &v, err, errlen);
		o->index = (size_t)v;
		break;
	case OPT_COUNT:
		rc = parse_long("--count", a, 1, 100000, &v, err, errlen);
		o->count = (size_t)v;
		break;
	case OPT_NO_PROGRESS:
		o->progress = 0;
		break;
	case OPT_RUNS:
		o->runs_dir = a;
		break;
	case OPT_PRUNE:
		rc = parse_long("--prune", a, 0, 1000000, &v, err, errlen);
		o->prune = (int)v;
		break;
	case OPT_SVG:
		o->svg = a;
		break;
	case OPT_ARRAY_SIZE:
		rc = parse_long("--array-size", a, 1, 1000, &v, err, errlen);
		o->array_size = (int)v;
		break;
	case OPT_CPUS:
		rc = parse_long("--cpus-per-task", a, 1, TRAIN_MAX_THREADS, &v,
		    err, errlen);
		o->cpus = (int)v;
		break;
	case OPT_SBATCH_ARG:
		if (a[0] != '-' || strchr(a, '\n') != NULL)
			rc = err_set(err, errlen, "--sbatch-arg '%s': one sbatch "
			    "option, starting with '-'", a);
		else if (o->nsbatch < CLI_MAX_ARGS)
			o->sbatch_args[o->nsbatch++] = a;
		break;
	case OPT_SUBMIT:
		o->submit = 1;
		break;
	case OPT_RESUBMIT:
		o->resubmit = a;
		break;
	case OPT_OUT:
		o->out_dir = a;
		break;
	case OPT_FIGURE:
		o->figure = a;
		break;
	case OPT_HELP:
		o->cmd = CLI_HELP;
		break;
	case OPT_VERSION:
		o->cmd = CLI_VERSION;
		break;
	}
	return rc;
}

int
cli_parse(int argc, char **argv, cli_options *o, char *err, size_t errlen)
{
	struct option         opts[NOPT + 1];
	const struct cli_cmd *cmd;
	char                **av;
	int                   c, ac, first = 1;

	memset(o, 0, sizeof *o);
	train_config_default(&o->cfg);
	o->nscales = 6;
	memcpy(o->scales, sweep_default_scales, sizeof sweep_default_scales);
	o->count = 1;
	o->progress = 1;
	o->prune = -1;
	o->argc = argc;
	o->argv = argv;
	sweep_plan_default(&o->grid, NULL, 0);
	o->grid.ntest = 0;
	for (size_t i = 0; i < NOPT; i++)
		opts[i] = (struct option){ options[i].name, options[i].arg ?
		    required_argument : no_argument, NULL, options[i].id };
	opts[NOPT] = (struct option){ NULL, 0, NULL, 0 };

	/* A subcommand, if any, comes first. */
	if (argc > 1 && argv[1][0] != '-') {
		if ((cmd = find_command(argv[1])) == NULL)
			return err_set(err, errlen, "unknown command '%s' (try "
			    "'noisetop help')", argv[1]);
		o->cmd = cmd->cmd;
		first = 2;
	}
	/*
	 * getopt from a clean state (optind 0: glibc starts over, so a second
	 * parse in one process reads its own argv), over the words after the
	 * subcommand: av[0] stands for the program or the subcommand.
	 */
	av = argv + first - 1;
	ac = argc - (first - 1);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(ac, av, ":hV", opts, NULL)) != -1) {
		const char *a = optarg;

		if (c == 'h')
			c = OPT_HELP;
		else if (c == 'V')
			c = OPT_VERSION;
		if (c == ':')
			return err_set(err, errlen, "%s needs a value",
			    av[optind - 1]);
		if (c < OPT_DATA)
			return err_set(err, errlen, "unknown option '%s' (try "
			    "'noisetop help')", av[optind - 1]);
		/* "--lr --train-limit 600": the next option is no value
		 * ("--sbatch-arg=--time=1:00" is one, given with '='). */
		if (a != NULL && a == av[optind - 1] &&
		    strncmp(a, "--", 2) == 0 && a[2] != '\0') {
			for (size_t i = 0; i < NOPT; i++)
				if (options[i].id == c)
					return err_set(err, errlen, "--%s needs "
					    "a value", options[i].name);
		}
		if (set_option(o, c, a, err, errlen) != 0)
			return -1;
	}
	if ((o->cmd == CLI_RESUME || o->cmd == CLI_HELP || o->cmd == CLI_PLOT ||
	    o->cmd == CLI_MERGE) && optind < ac)
		o->args[o->nargs++] = av[optind++];
	while (o->cmd == CLI_RM && optind < ac &&
	    o->nargs < CLI_MAX_ARGS)
		o->args[o->nargs++] = av[optind++];
	if (optind < ac)
		return err_set(err, errlen, "unexpected argument '%s'",
		    av[optind]);
	if (o->cmd == CLI_RM && o->nargs == 0)
		return err_set(err, errlen, "rm needs the name of a run "
		    "(see 'noisetop runs')");
	if (o->cmd == CLI_HELP && o->nargs == 1 &&
	    find_command(o->args[0]) == NULL)
		return err_set(err, errlen, "help: unknown command '%s'",
		    o->args[0]);
	if (o->cmd == CLI_MERGE && o->nargs == 0)
		return err_set(err, errlen, "merge needs the name of a run");
	if (o->cmd == CLI_PLOT && o->svg == NULL)
		return err_set(err, errlen, "plot needs --svg FILE");
	if ((o->cmd == CLI_RESUME || o->cmd == CLI_PLOT ||
	    o->cmd == CLI_MERGE) && o->nargs == 1)
		o->resume = o->args[0];
	if (o->cmd == CLI_COMPARE && !o->noise_set)
		o->cfg.noise = 0.5f;
	/* One other family and no --scales: that family's own scales. */
	if (!o->scales_set && o->grid.ncorruptions == 1 &&
	    o->grid.corruptions[0] != CORRUPT_GAUSSIAN) {
		const corrupt_info *ci = corrupt_info_of(o->grid.corruptions[0]);

		memcpy(o->scales, ci->scales, sizeof ci->scales);
		o->nscales = CORRUPT_NSCALES;
	}
	if (o->shard > 0 && o->cmd == CLI_SWEEP && o->run_id == NULL &&
	    (o->run_id = getenv("SLURM_ARRAY_JOB_ID")) == NULL)
		return err_set(err, errlen, "--shard needs --run-id ID (or "
		    "$SLURM_ARRAY_JOB_ID), the name all shards share");
	return 0;
}

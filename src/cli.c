/* Command-line parsing: subcommands and range-checked options. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void
cli_usage(FILE *f)
{
	fputs(
"usage: noisetop [COMMAND] [OPTIONS]\n"
"\n"
"Commands:\n"
"  (none)     open the dashboard\n"
"  train      train one model and print Keras-style epoch lines\n"
"  compare    train clean and noisy (--noise, default 0.5) side by side\n"
"  sweep      train a fresh model per noise scale, print the table\n"
"  show       print digits beside their noisy copies\n"
"  runs       list the saved runs and where each stopped\n"
"  resume [RUN]  continue an interrupted run (default: the newest)\n"
"  help, version\n"
"\n"
"Data:\n"
"  --data DIR          MNIST directory (else $NOISETOP_DATA, ./data/mnist,\n"
"                      $XDG_CACHE_HOME/noisetop/mnist)\n"
"  --train-limit N     use only the first N training images\n"
"  --test-limit N      use only the first N test images\n"
"Model and training:\n"
"  --noise S           noise scale: clip(x + N(0,S), 0, 1) per pixel\n"
"  --scales LIST       sweep scales (default 0,0.1,0.5,1,2,4)\n"
"  --epochs N          (default 20)     --batch N       (default 128)\n"
"  --lr X              (default 0.001)  --dropout X     (default 0.2)\n"
"  --hidden N,N,...    hidden layer sizes (default 512,512)\n"
"  --seed N            (default 42)     --threads N     (default: all cores)\n"
"  --precision P       fp32 (default) or bf16: GEMM inputs in bf16, fp32\n"
"                      sums and weights (CPUs with AVX512-BF16)\n"
"Output:\n"
"  --csv FILE, --json FILE   write the per-epoch history (atomically)\n"
"  --no-progress       no live progress bar\n"
"  --runs DIR          where runs are saved (default\n"
"                      $XDG_DATA_HOME/noisetop/runs)\n"
"  --ascii             ASCII glyphs only     --no-color  no colours\n"
"Show:\n"
"  --split train|test  --index I  --count N\n", f);
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
	snprintf(buf, sizeof buf, "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		long v = 0;

		if (n == MLP_MAX_LAYERS - 1)
			return err_set(err, errlen, "--hidden: at most %d hidden "
			    "layers", MLP_MAX_LAYERS - 1);
		if (parse_long("--hidden", tok, 1, 8192, &v, err, errlen))
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

static int
parse_command(const char *s, cli_command *cmd)
{
	static const struct {
		const char *name;
		cli_command cmd;
	} tab[] = {
		{ "train", CLI_TRAIN }, { "compare", CLI_COMPARE },
		{ "sweep", CLI_SWEEP }, { "show", CLI_SHOW },
		{ "help", CLI_HELP }, { "version", CLI_VERSION },
		{ "resume", CLI_RESUME }, { "runs", CLI_RUNS },
		{ "dashboard", CLI_DASHBOARD },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(s, tab[i].name) == 0) {
			*cmd = tab[i].cmd;
			return 0;
		}
	return -1;
}

enum {
	OPT_DATA = 256, OPT_TRAIN_LIMIT, OPT_TEST_LIMIT, OPT_EPOCHS,
	OPT_BATCH, OPT_LR, OPT_DROPOUT, OPT_HIDDEN, OPT_SEED, OPT_THREADS,
	OPT_NOISE, OPT_SCALES, OPT_CSV, OPT_JSON, OPT_ASCII, OPT_NO_COLOR,
	OPT_SPLIT, OPT_INDEX, OPT_COUNT, OPT_NO_PROGRESS, OPT_RUNS,
	OPT_PRECISION,
};

int
cli_parse(int argc, char **argv, cli_options *o, char *err, size_t errlen)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, OPT_DATA },
		{ "train-limit", required_argument, NULL, OPT_TRAIN_LIMIT },
		{ "test-limit", required_argument, NULL, OPT_TEST_LIMIT },
		{ "epochs", required_argument, NULL, OPT_EPOCHS },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "lr", required_argument, NULL, OPT_LR },
		{ "dropout", required_argument, NULL, OPT_DROPOUT },
		{ "hidden", required_argument, NULL, OPT_HIDDEN },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "noise", required_argument, NULL, OPT_NOISE },
		{ "scales", required_argument, NULL, OPT_SCALES },
		{ "csv", required_argument, NULL, OPT_CSV },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "split", required_argument, NULL, OPT_SPLIT },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "runs", required_argument, NULL, OPT_RUNS },
		{ "precision", required_argument, NULL, OPT_PRECISION },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	long v = 0;
	int  c, first = 1;

	memset(o, 0, sizeof *o);
	train_config_default(&o->cfg);
	o->nscales = 6;
	memcpy(o->scales, sweep_default_scales, sizeof sweep_default_scales);
	o->count = 1;
	o->progress = 1;

	/* A subcommand, if any, comes first. */
	if (argc > 1 && argv[1][0] != '-') {
		if (parse_command(argv[1], &o->cmd) != 0)
			return err_set(err, errlen, "unknown command '%s' (try "
			    "'noisetop help')", argv[1]);
		first = 2;
	}
	optind = first;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
		const char *a = optarg;
		int         rc = 0;

		switch (c) {
		case OPT_DATA:
			o->data_dir = a;
			break;
		case OPT_TRAIN_LIMIT:
			rc = parse_long("--train-limit", a, 1, 100000000, &v,
			    err, errlen);
			o->train_limit = (size_t)v;
			break;
		case OPT_TEST_LIMIT:
			rc = parse_long("--test-limit", a, 1, 100000000, &v,
			    err, errlen);
			o->test_limit = (size_t)v;
			break;
		case OPT_EPOCHS:
			rc = parse_long("--epochs", a, 1, TRAIN_MAX_EPOCHS, &v,
			    err, errlen);
			o->cfg.epochs = (int)v;
			break;
		case OPT_BATCH:
			rc = parse_long("--batch", a, 1, 65536, &v, err,
			    errlen);
			o->cfg.batch = (int)v;
			break;
		case OPT_LR:
			rc = parse_float("--lr", a, 0.0, 1, 10.0, &o->cfg.lr,
			    err, errlen);
			break;
		case OPT_DROPOUT:
			rc = parse_float("--dropout", a, 0.0, 0, 0.95,
			    &o->cfg.dropout, err, errlen);
			break;
		case OPT_HIDDEN:
			rc = parse_hidden(a, &o->cfg, err, errlen);
			break;
		case OPT_SEED:
			rc = parse_long("--seed", a, 0, 0x7fffffffL, &v, err,
			    errlen);
			o->cfg.seed = (uint64_t)v;
			break;
		case OPT_THREADS:
			rc = parse_long("--threads", a, 1, 1024, &v, err,
			    errlen);
			o->cfg.threads = (int)v;
			break;
		case OPT_NOISE:
			rc = parse_float("--noise", a, 0.0, 0, 100.0,
			    &o->cfg.noise, err, errlen);
			o->noise_set = 1;
			break;
		case OPT_SCALES:
			if ((o->nscales = sweep_parse_scales(a, o->scales, err,
			    errlen)) < 0) {
				o->nscales = 0;
				return -1;
			}
			break;
		case OPT_PRECISION:
			rc = train_precision_parse(a, &o->cfg.precision, err,
			    errlen);
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
				rc = err_set(err, errlen, "--split '%s': must be "
				    "train or test", a);
			break;
		case OPT_INDEX:
			rc = parse_long("--index", a, 0, 100000000, &v, err,
			    errlen);
			o->index = (size_t)v;
			break;
		case OPT_COUNT:
			rc = parse_long("--count", a, 1, 100000, &v, err,
			    errlen);
			o->count = (size_t)v;
			break;
		case OPT_NO_PROGRESS:
			o->progress = 0;
			break;
		case OPT_RUNS:
			o->runs_dir = a;
			break;
		case 'h':
			o->cmd = CLI_HELP;
			break;
		case 'V':
			o->cmd = CLI_VERSION;
			break;
		case ':':
			return err_set(err, errlen, "%s needs a value",
			    argv[optind - 1]);
		default:
			return err_set(err, errlen, "unknown option '%s' (try "
			    "'noisetop help')", argv[optind - 1]);
		}
		if (rc != 0)
			return -1;
	}
	if (o->cmd == CLI_RESUME && optind < argc)
		o->resume = argv[optind++];
	if (optind < argc)
		return err_set(err, errlen, "unexpected argument '%s'",
		    argv[optind]);
	if (o->cmd == CLI_COMPARE && !o->noise_set)
		o->cfg.noise = 0.5f;
	return 0;
}

/*
 * Command-line parsing: defaults, every command and option, range errors
 * in one line naming the option, "--x --y" (a value missing), help
 * COMMAND, rm's arguments; the help text fits 79 columns and names every
 * option the parser takes, and every option it names parses.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "kernels/gemm.h"
#include "tap.h"

/* Parse a command line given as one string of space-separated words. */
static int
parse(const char *line, cli_options *o, char *err, size_t errlen)
{
	static char buf[1024];
	char       *argv[64], *save = NULL;
	int         argc = 0;

	snprintf(buf, sizeof buf, "noisetop %s", line);
	/* glibc's getopt keeps where it was inside a cluster like "-hV"
	 * between calls: optind = 0 makes the next scan start clean. */
	optind = 0;
	getopt(1, (char *[]){ "x", NULL }, "");
	for (char *w = strtok_r(buf, " ", &save); w != NULL && argc < 63;
	    w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	err[0] = '\0';
	return cli_parse(argc, argv, o, err, errlen);
}

/* line is accepted. */
static int
good(const char *line, cli_options *o)
{
	char err[NT_ERR_LEN];

	if (parse(line, o, err, sizeof err) == 0)
		return 1;
	diag("'%s': %s", line, err);
	return 0;
}

/* line is refused with one line containing want. */
static void
bad(const char *line, const char *want)
{
	cli_options o;
	char        err[NT_ERR_LEN];
	int         rc = parse(line, &o, err, sizeof err);

	ok(rc == -1 && strstr(err, want) != NULL && strchr(err, '\n') == NULL,
	    "'%s' refused: '%s'", line, err);
}

/* The usage text for topic (NULL: all), malloc'd; *rc its return. */
static char *
usage(const char *topic, int *rc)
{
	char  *text = NULL;
	size_t len = 0;
	FILE  *f = open_memstream(&text, &len);

	*rc = cli_usage(f, topic);
	fclose(f);
	return text;
}

/* The widest line of text, in characters (UTF-8). */
static int
widest(const char *text)
{
	int w = 0, max = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n') {
			w = 0;
			continue;
		}
		if ((*p & 0xc0) != 0x80 && ++w > max)
			max = w;
	}
	return max;
}

static const char *const commands[] = {
	"train", "compare", "sweep", "show", "runs", "resume", "rm", "plot",
	"report", "slurm", "merge", "help", "version", "dashboard",
};

static void
test_defaults_and_commands(void)
{
	static const cli_command want[] = {
		CLI_TRAIN, CLI_COMPARE, CLI_SWEEP, CLI_SHOW, CLI_RUNS,
		CLI_RESUME, CLI_RM, CLI_PLOT, CLI_REPORT, CLI_SLURM, CLI_MERGE,
		CLI_HELP,
		CLI_VERSION, CLI_DASHBOARD,
	};
	cli_options  o;
	train_config d;

	train_config_default(&d);
	ok(good("", &o) && o.cmd == CLI_DASHBOARD && o.data_dir == NULL &&
	    o.cfg.epochs == d.epochs && o.cfg.batch == d.batch &&
	    o.cfg.lr == d.lr && o.cfg.nlayer == d.nlayer &&
	    o.cfg.seed == d.seed && o.nscales == 6 &&
	    o.scales[5] == sweep_default_scales[5] && o.progress == 1 &&
	    o.prune == -1 && o.count == 1 && o.index == 0 &&
	    o.train_limit == 0 && o.csv == NULL && o.runs_dir == NULL,
	    "no arguments: the dashboard with the defaults");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		/* The commands that need more to be complete get it. */
		const char *line = strcmp(commands[i], "rm") == 0 ? "rm x" :
		    strcmp(commands[i], "merge") == 0 ? "merge x" :
		    strcmp(commands[i], "plot") == 0 ? "plot --svg x.svg" :
		    commands[i];

		ok(good(line, &o) && o.cmd == want[i], "command '%s'",
		    commands[i]);
	}
	ok(good("report r1 --out d --force", &o) && o.cmd == CLI_REPORT &&
	    o.resume != NULL && strcmp(o.resume, "r1") == 0 &&
	    o.out_dir != NULL && strcmp(o.out_dir, "d") == 0 && o.force == 1,
	    "report RUN --out DIR --force");
	ok(good("report", &o) && o.resume == NULL && o.out_dir == NULL &&
	    o.force == 0, "report: the newest run, into its own directory");
	bad("report a b", "unexpected argument 'b'");
	ok(good("compare", &o) && o.cfg.noise == 0.5f && !o.noise_set,
	    "compare: noise 0.5 by default");
	ok(good("compare --noise 0.25", &o) && o.cfg.noise == 0.25f,
	    "compare --noise 0.25 keeps it");
	ok(good("train", &o) && o.cfg.noise == 0.0f,
	    "train: no noise by default");
	ok(good("-h", &o) && o.cmd == CLI_HELP, "-h is help");
	ok(good("sweep --help", &o) && o.cmd == CLI_HELP, "--help after a "
	    "command is help");
	ok(good("-V", &o) && o.cmd == CLI_VERSION, "-V is version");
	ok(good("--version", &o) && o.cmd == CLI_VERSION, "--version");
	bad("fly", "unknown command 'fly'");
	bad("train extra", "unexpected argument 'extra'");
	bad("train --frobnicate", "unknown option '--frobnicate'");
	bad("train -x", "unknown option");
}

static void
test_options(void)
{
	cli_options o;

	ok(good("--data /d/mnist", &o) && strcmp(o.data_dir, "/d/mnist") == 0,
	    "--data");
	ok(good("--data=/d/x.npz", &o) && strcmp(o.data_dir, "/d/x.npz") == 0,
	    "--data=VALUE");
	ok(good("--train-limit 600 --test-limit 100", &o) &&
	    o.train_limit == 600 && o.test_limit == 100,
	    "--train-limit, --test-limit");
	ok(good("--train-limit 1 --test-limit 1", &o) &&
	    o.train_limit == 1 && o.test_limit == 1 &&
	    good("--train-limit 100000000 --test-limit 100000000", &o) &&
	    o.train_limit == 100000000 && o.test_limit == 100000000,
	    "--train-limit, --test-limit: 1 and 100000000 are the bounds");
	ok(good("--epochs 3 --batch 64", &o) && o.cfg.epochs == 3 &&
	    o.cfg.batch == 64, "--epochs, --batch");
	ok(good("--lr 0.01 --dropout 0", &o) && o.cfg.lr == 0.01f &&
	    o.cfg.dropout == 0.0f, "--lr, --dropout 0");
	ok(good("--hidden 64,32,16", &o) && o.cfg.nlayer == 4 &&
	    o.cfg.size[0] == 784 && o.cfg.size[1] == 64 &&
	    o.cfg.size[2] == 32 && o.cfg.size[3] == 16 &&
	    o.cfg.size[4] == 10, "--hidden 64,32,16: 784-64-32-16-10");
	ok(good("--hidden 100", &o) && o.cfg.nlayer == 2 &&
	    o.cfg.size[1] == 100 && o.cfg.size[2] == 10,
	    "--hidden 100: one hidden layer");
	ok(good("--seed 0 --threads 2", &o) && o.cfg.seed == 0 &&
	    o.cfg.threads == 2, "--seed 0, --threads");
	ok(good("--noise 1.5", &o) && o.cfg.noise == 1.5f && o.noise_set,
	    "--noise");
	ok(good("sweep --scales 0,2,0.5", &o) && o.nscales == 3 &&
	    o.scales[0] == 0.0f && o.scales[1] == 2.0f &&
	    o.scales[2] == 0.5f, "--scales keeps the order given");
	ok(good("--csv a.csv --json b.json", &o) &&
	    strcmp(o.csv, "a.csv") == 0 && strcmp(o.json, "b.json") == 0,
	    "--csv, --json");
	ok(good("--ascii --no-color --no-progress", &o) && o.ascii &&
	    o.no_color && !o.progress, "--ascii, --no-color, --no-progress");
	ok(good("show --split test --index 5 --count 3", &o) &&
	    o.split == 1 && o.index == 5 && o.count == 3,
	    "--split test, --index, --count");
	ok(good("show --split train", &o) && o.split == 0, "--split train");
	ok(good("show --split test --split train", &o) && o.split == 0,
	    "--split test, then train: train");
	ok(good("runs --runs /tmp/r --prune 0", &o) &&
	    strcmp(o.runs_dir, "/tmp/r") == 0 && o.prune == 0,
	    "--runs, --prune 0");
	ok(good("sweep --seeds 3 --test-scales 0,1 --noise-mode fresh", &o) &&
	    o.grid.nseeds == 3 && o.grid.ntest == 2 &&
	    o.grid.test_scales[1] == 1.0f && o.grid.mode == SWEEP_FRESH,
	    "--seeds, --test-scales, --noise-mode fresh");
	ok(good("sweep --corruption gaussian,blur", &o) &&
	    o.grid.ncorruptions == 2 &&
	    o.grid.corruptions[0] == CORRUPT_GAUSSIAN &&
	    o.grid.corruptions[1] == CORRUPT_BLUR, "--corruption, two");
	ok(good("sweep --shard 2/3 --run-id job7", &o) && o.shard == 2 &&
	    o.nshards == 3 && strcmp(o.run_id, "job7") == 0,
	    "--shard 2/3 --run-id");
	ok(good("train --epochs 2 --epochs 5", &o) && o.cfg.epochs == 5,
	    "the last of a repeated option wins");
	ok(good("train", &o) && o.dataset == DATASET_AUTO,
	    "no --dataset: the set the path names, else MNIST");
	ok(good("train --dataset fashion", &o) &&
	    o.dataset == DATASET_FASHION && good("show --dataset kmnist", &o) &&
	    o.dataset == DATASET_KMNIST && good("--dataset mnist", &o) &&
	    o.dataset == DATASET_MNIST, "--dataset mnist|fashion|kmnist");
	bad("train --dataset cifar10", "--dataset 'cifar10': must be "
	    "mnist|fashion|kmnist");
	ok(good("runs --json", &o) && o.runs_json && o.json == NULL,
	    "runs --json: a flag, the list as JSON");
	ok(good("train --json h.json", &o) && !o.runs_json &&
	    strcmp(o.json, "h.json") == 0, "train --json FILE still takes "
	    "its file");
	bad("runs --json x", "unexpected argument 'x'");
	ok(good("sweep --weight-decay 0,1e-4 --probes", &o) &&
	    o.grid.ndecays == 2 && o.grid.decays[1] == 1e-4f &&
	    o.grid.probes == 1 && o.grid.nattacks == 0,
	    "--weight-decay, --probes");
	ok(good("sweep --attack fgsm:0.1,pgd:0.1:10 --attack fgsm:0.3", &o) &&
	    o.grid.nattacks == 3 && o.grid.attacks[1].kind == PROBE_PGD &&
	    o.grid.attacks[1].steps == 10 && o.grid.attacks[2].eps == 0.3f &&
	    sweep_plan_probes(&o.grid), "--attack: a list, and repeated it "
	    "adds to it (implying the probes)");
	ok(good("sweep", &o) && o.grid.ndecays == 0 && !o.grid.probes &&
	    o.grid.nattacks == 0, "no decay axis, probes or attacks unless "
	    "asked");
	ok(good("show --index 100000000", &o) && o.index == 100000000,
	    "--index 100000000, the largest");
	ok(good("slurm --cpus-per-task 4", &o) && o.cpus == 4,
	    "--cpus-per-task");
	ok(good("runs --prune 1000000", &o) && o.prune == 1000000,
	    "--prune 1000000, the largest");
	{
		char cmd[96];

		snprintf(cmd, sizeof cmd, "sweep --shard %d/%d --run-id a",
		    SWEEP_MAX_ROWS, SWEEP_MAX_ROWS);
		ok(good(cmd, &o) && o.shard == SWEEP_MAX_ROWS &&
		    o.nshards == SWEEP_MAX_ROWS, "--shard N/N for N the most "
		    "rows (%d)", SWEEP_MAX_ROWS);
		snprintf(cmd, sizeof cmd, "sweep --shard 1/%d --run-id a",
		    SWEEP_MAX_ROWS + 1);
		bad(cmd, "--shard '1/");
	}
	ok(good("train --precision fp32", &o) &&
	    o.cfg.precision == TRAIN_FP32 && o.precision_set,
	    "--precision fp32");
	if (gemm_bf16_available())
		ok(good("train --precision bf16", &o) &&
		    o.cfg.precision == TRAIN_BF16, "--precision bf16");
	else
		skip("no bf16 kernel here");
	ok(good("sweep --corruption blur", &o) && o.nscales ==
	    CORRUPT_NSCALES && o.scales[1] ==
	    corrupt_info_of(CORRUPT_BLUR)->scales[1],
	    "--corruption blur alone: blur's own scales");
	ok(good("sweep --corruption blur --scales 0,2", &o) &&
	    o.nscales == 2 && o.scales[1] == 2.0f,
	    "--corruption blur with --scales: the scales given");
}

static void
test_range_errors(void)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "--epochs 0", "--epochs 0: must be from 1" },
		{ "--weight-decay 2", "weight decay 2: must be from 0 to 1" },
		{ "--weight-decay 0,0", "weight decay 0 is given twice" },
		{ "--weight-decay -1e-4", "weight decay -0.0001" },
		{ "--attack fgsm:1.5", "attack 'fgsm:1.5': EPS" },
		{ "--attack pgd:0.1", "pgd needs STEPS" },
		{ "--attack cw:0.1", "must be fgsm:EPS or pgd:EPS:STEPS" },
		{ "--epochs 1001", "--epochs 1001" },
		{ "--epochs ten", "--epochs 'ten': not a whole number" },
		{ "--epochs 2.5", "--epochs '2.5'" },
		{ "--epochs 99999999999999999999", "--epochs" },
		{ "--batch 0", "--batch 0" },
		{ "--batch 100000000", "--batch" },
		{ "--lr 0", "--lr 0: must be above 0" },
		{ "--lr -1", "--lr -1" },
		{ "--lr 11", "--lr 11" },
		{ "--lr nan", "--lr 'nan': not a number" },
		{ "--lr inf", "--lr 'inf'" },
		{ "--lr 1e-3x", "--lr '1e-3x'" },
		{ "--dropout -0.1", "--dropout -0.1: must be at least 0" },
		{ "--dropout 0.96", "--dropout 0.96" },
		{ "--hidden 0", "--hidden 0" },
		{ "--hidden ,", "--hidden ',': give sizes" },
		{ "--hidden 64,", "--hidden '64,': give sizes" },
		{ "--hidden ,64", "--hidden ',64': give sizes" },
		{ "--hidden 64,,32", "--hidden '64,,32': give sizes" },
		{ "show --index 100000001", "--index 100000001" },
		{ "runs --prune 1000001", "--prune 1000001" },
		{ "slurm --cpus-per-task 0", "--cpus-per-task 0" },
		{ "train --precision fp16", "'fp16'" },
		{ "--hidden 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
		  "hidden layers" },
		{ "--hidden 99999999", "--hidden 99999999" },
		{ "--seed -1", "--seed -1" },
		{ "--seed 2147483648", "--seed 2147483648" },
		{ "--threads 0", "--threads 0" },
		{ "--threads 1025", "--threads 1025" },
		{ "--noise -0.5", "--noise -0.5" },
		{ "--noise 101", "--noise 101" },
		{ "--scales 0,-1", "-1" },
		{ "--scales 0,x", "x" },
		{ "--train-limit 0", "--train-limit 0: must be from 1" },
		{ "--train-limit 100000001", "--train-limit 100000001" },
		{ "--test-limit 0", "--test-limit 0: must be from 1" },
		{ "--test-limit 100000001", "--test-limit 100000001" },
		{ "show --split both",
		  "--split 'both': must be train or test" },
		{ "show --index -1", "--index -1" },
		{ "show --count 0", "--count 0" },
		{ "show --count 100001", "--count 100001" },
		{ "runs --prune -1", "--prune -1" },
		{ "sweep --seeds 0", "--seeds 0" },
		{ "sweep --seeds 33", "--seeds 33" },
		{ "sweep --test-scales 0,x", "x" },
		{ "sweep --noise-mode sometimes", "sometimes" },
		{ "sweep --corruption rain", "unknown corruption 'rain'" },
		{ "sweep --shard 3/2 --run-id a", "--shard '3/2'" },
		{ "sweep --shard 0/2 --run-id a", "--shard '0/2'" },
		{ "sweep --shard 1/2x --run-id a", "--shard '1/2x'" },
		{ "sweep --run-id a/b", "--run-id 'a/b'" },
		{ "sweep --run-id .hidden", "--run-id '.hidden'" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		bad(cases[i].line, cases[i].want);

	unsetenv("SLURM_ARRAY_JOB_ID");
	bad("sweep --shard 1/2", "--shard needs --run-id");
	setenv("SLURM_ARRAY_JOB_ID", "991", 1);
	{
		cli_options o;

		ok(good("sweep --shard 1/2", &o) &&
		    strcmp(o.run_id, "991") == 0,
		    "--shard takes the run id from $SLURM_ARRAY_JOB_ID");
	}
	unsetenv("SLURM_ARRAY_JOB_ID");

	/* "--x --y": the next option is not x's value. */
	bad("--lr --train-limit 600", "--lr needs a value");
	bad("train --data --epochs 2", "--data needs a value");
	bad("train --csv --json x", "--csv needs a value");
	bad("train --epochs", "--epochs needs a value");
	bad("sweep --scales", "--scales needs a value");
	{
		cli_options o;

		ok(good("train --csv -", &o) && strcmp(o.csv, "-") == 0,
		    "a lone '-' is a value");
		ok(good("train --data=--odd", &o) &&
		    strcmp(o.data_dir, "--odd") == 0,
		    "--data=--odd: a value given with '=' is taken as is");
	}
}

static void
test_args(void)
{
	cli_options o;

	ok(good("help sweep", &o) && o.cmd == CLI_HELP && o.nargs == 1 &&
	    strcmp(o.args[0], "sweep") == 0, "help COMMAND");
	bad("help fly", "help: unknown command 'fly'");
	bad("help sweep train", "unexpected argument 'train'");
	ok(good("resume", &o) && o.cmd == CLI_RESUME && o.resume == NULL,
	    "resume: the newest");
	ok(good("resume 20261130-0101-sweep --threads 2", &o) &&
	    strcmp(o.resume, "20261130-0101-sweep") == 0 &&
	    o.cfg.threads == 2, "resume RUN with an option after it");
	bad("resume a b", "unexpected argument 'b'");
	bad("rm", "rm needs the name of a run");
	ok(good("rm a b c", &o) && o.cmd == CLI_RM && o.nargs == 3 &&
	    strcmp(o.args[0], "a") == 0 && strcmp(o.args[2], "c") == 0,
	    "rm RUN RUN RUN: every name kept in order");
	ok(good("rm --runs /r a", &o) && o.nargs == 1 &&
	    strcmp(o.runs_dir, "/r") == 0, "rm with --runs");
	bad("train leftover", "unexpected argument 'leftover'");
	bad("merge", "merge needs the name of a run");
	bad("plot", "plot needs --svg FILE");
	ok(good("plot r1 --svg f.svg --figure matrix", &o) &&
	    o.cmd == CLI_PLOT && strcmp(o.resume, "r1") == 0 &&
	    strcmp(o.svg, "f.svg") == 0 && strcmp(o.figure, "matrix") == 0,
	    "plot RUN --svg FILE --figure");
	ok(good("merge r2", &o) && o.cmd == CLI_MERGE &&
	    strcmp(o.resume, "r2") == 0, "merge RUN");
}

/* A value the parser takes for option name, whose help line calls it
 * arg; NULL when neither is known here. */
static const char *
sample_value(const char *name, const char *arg)
{
	static const struct {
		const char *key, *value;
	} by_name[] = {
		{ "--corruption", "gaussian,impulse" },
		{ "--attack", "fgsm:0.1,pgd:0.1:10" },
		{ "--weight-decay", "0,0.001" },
	}, by_arg[] = {
		{ "N", "2" }, { "X", "0.1" }, { "S", "0.5" }, { "I", "0" },
		{ "DIR", "/tmp" }, { "FILE", "/tmp/x" }, { "LIST", "0,1" },
		{ "N,N,...", "8,8" },
		{ "K/N", "1/2" }, { "ID", "abc" }, { "T", "2" },
		{ "OPTION", "--time=10" }, { "RUN", "r1" },
	};
	static char first[64];

	for (size_t i = 0; i < sizeof by_name / sizeof by_name[0]; i++)
		if (strcmp(by_name[i].key, name) == 0)
			return by_name[i].value;
	for (size_t i = 0; i < sizeof by_arg / sizeof by_arg[0]; i++)
		if (strcmp(by_arg[i].key, arg) == 0)
			return by_arg[i].value;
	/* One of several words, "a|b|c": the first. */
	if (strchr(arg, '|') != NULL) {
		snprintf(first, sizeof first, "%.*s", (int)strcspn(arg, "|"),
		    arg);
		return first;
	}
	return NULL;
}

static void
test_help(void)
{
	static const char *const known[] = {
		"data", "train-limit", "test-limit", "noise", "scales",
		"epochs", "batch", "lr", "dropout", "hidden", "seed",
		"threads", "csv", "json", "no-progress", "runs", "prune",
		"ascii", "no-color", "split", "index", "count", "help",
		"version", "seeds", "test-scales", "noise-mode", "corruption",
		"shard", "run-id", "svg", "figure", "array-size",
		"cpus-per-task", "sbatch-arg", "submit", "resubmit", "out",
		"weight-decay", "probes", "attack",
	};
	int   rc, nopt = 0, parsed = 0;
	char *all = usage(NULL, &rc), *p;

	ok(rc == 0 && all != NULL && strncmp(all, "usage: noisetop", 15) == 0,
	    "the full help");
	ok(widest(all) <= 79, "the full help fits 79 columns (widest %d)",
	    widest(all));
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char want[64];

		snprintf(want, sizeof want, "  --%s", known[i]);
		ok(strstr(all, want) != NULL, "the help shows --%s",
		    known[i]);
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		char *one = usage(commands[i], &rc), want[64];

		snprintf(want, sizeof want, "usage: noisetop %s", commands[i]);
		ok(rc == 0 && one != NULL && strncmp(one, want,
		    strlen(want)) == 0 && widest(one) <= 79 &&
		    strstr(one, "  --help") != NULL &&
		    strstr(one, "  --version") != NULL,
		    "help %s: its synopsis, within 79 columns, --help and "
		    "--version", commands[i]);
		if (strcmp(commands[i], "dashboard") != 0) {
			snprintf(want, sizeof want, "\n  %s", commands[i]);
			ok(strstr(all, want) != NULL,
			    "the full help lists %s", commands[i]);
		}
		free(one);
	}
	/* Help wrapped at word boundaries onto the 23-column margin. */
	ok(strstr(all, "  --corruption LIST    corruption families, "
	    "comma-separated: gaussian\n                       (default), "
	    "shot, impulse, speckle, blur (see the man\n                     "
	    "  page)\n") != NULL, "a help of three lines wraps at words onto "
	    "the margin");
	ok(strstr(all, "  --noise-mode fixed|fresh\n                       "
	    "draw the training noise once (fixed, default) or every\n") !=
	    NULL, "a long option name puts its help on the next line");
	ok(cli_option_takes_value("epochs") && cli_option_takes_value("data") &&
	    !cli_option_takes_value("ascii") &&
	    !cli_option_takes_value("version") &&
	    !cli_option_takes_value("fly"), "which options take a value");
	free(usage("fly", &rc));
	ok(rc == -1, "help of an unknown command: -1");
	{
		char *sweep = usage("sweep", &rc), *show = usage("show", &rc);

		ok(strstr(sweep, "--scales") != NULL &&
		    strstr(sweep, "--split") == NULL,
		    "help sweep: sweep's options, not show's");
		ok(strstr(show, "--split") != NULL &&
		    strstr(show, "--scales") == NULL,
		    "help show: show's options, not sweep's");
		free(sweep);
		free(show);
	}

	/*
	 * Every option line of the help parses: "  --name ARG  help" (ARG
	 * after one space; the help after two or more, or on the next line).
	 */
	for (p = all; (p = strstr(p, "\n  --")) != NULL; p++) {
		char        name[64], arg[64] = "", line[256], cmd[32];
		const char *q = p + 3, *v = NULL;
		size_t      n = strcspn(q, " \n");
		cli_options o;

		snprintf(name, sizeof name, "%.*s", (int)n, q);
		q += n;
		if (q[0] == ' ' && q[1] != ' ' && q[1] != '\n') {
			n = strcspn(q + 1, " \n");
			snprintf(arg, sizeof arg, "%.*s", (int)n, q + 1);
			if ((v = sample_value(name, arg)) == NULL)
				diag("%s %s: no sample value for %s", name,
				    arg, arg);
		}
		nopt++;
		/* "runs: ..." in its help: an option of that command. */
		q += strspn(q, " \n");
		if (arg[0] != '\0')
			q += strlen(arg) + strspn(q + strlen(arg), " \n");
		n = strspn(q, "abcdefghijklmnopqrstuvwxyz");
		snprintf(cmd, sizeof cmd, "%.*s ", n > 0 && q[n] == ':' ?
		    (int)n : 0, q);
		if (arg[0] == '\0')
			snprintf(line, sizeof line, "%s%s", cmd[1] ? cmd : "",
			    name);
		else
			snprintf(line, sizeof line, "%s%s=%s", cmd[1] ? cmd :
			    "", name, v ? v : "");
		parsed += v != NULL || arg[0] == '\0' ? good(line, &o) : 0;
	}
	ok(nopt >= (int)(sizeof known / sizeof known[0]) && parsed == nopt,
	    "every option the help shows parses (%d of %d)", parsed, nopt);
	free(all);
}

/* cli_parse on an argv built here (more words than parse() splits). */
static int
parse_argv(int argc, char **argv, cli_options *o, char *err, size_t errlen)
{
	err[0] = '\0';
	return cli_parse(argc, argv, o, err, errlen);
}

static void
test_tables_and_bounds(void)
{
	/* Each command's row: its name, whether main loads the data for
	 * it, whether its argument names a run, and how many it takes. */
	static const struct {
		cli_command cmd;
		const char *name;
		unsigned    needs;
		int         takes_one;
	} rows[] = {
		{ CLI_TRAIN, "train", CLI_NEEDS_DATA, 0 },
		{ CLI_COMPARE, "compare", CLI_NEEDS_DATA, 0 },
		{ CLI_SWEEP, "sweep", CLI_NEEDS_DATA, 0 },
		{ CLI_SHOW, "show", CLI_NEEDS_DATA, 0 },
		{ CLI_RUNS, "runs", 0, 0 },
		{ CLI_RESUME, "resume", CLI_NAMES_RUN, 1 },
		{ CLI_PLOT, "plot", CLI_NAMES_RUN, 1 },
		{ CLI_SLURM, "slurm", 0, 0 },
		{ CLI_MERGE, "merge", CLI_NAMES_RUN, 1 },
		{ CLI_HELP, "help", 0, 1 },
		{ CLI_VERSION, "version", 0, 0 },
		{ CLI_DASHBOARD, "dashboard", CLI_NEEDS_DATA, 0 },
		{ CLI_RM, "rm", 0, 2 },
	};
	cli_options o;
	char        line[400], err[NT_ERR_LEN];

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const cli_cmd *c = cli_command_of(rows[i].cmd);

		ok(strcmp(c->name, rows[i].name) == 0 &&
		    c->needs == rows[i].needs, "%s: its row, needs %u (%u)",
		    rows[i].name, rows[i].needs, c->needs);
		if (rows[i].takes_one != 0)
			continue;
		snprintf(line, sizeof line, "%s%s extra", rows[i].name,
		    rows[i].cmd == CLI_PLOT ? " --svg x.svg" : "");
		bad(line, "unexpected argument 'extra'");
	}
	ok(good("help sweep", &o) && o.resume == NULL && good("rm a", &o) &&
	    o.resume == NULL, "help CMD and rm RUN name no run to open");

	/* Floating-point options at their upper bounds are taken. */
	ok(good("--noise 100", &o) && o.cfg.noise == 100.0f &&
	    good("--lr 10", &o) && o.cfg.lr == 10.0f &&
	    good("--dropout 0.95", &o) && o.cfg.dropout == 0.95f &&
	    good("plot --svg x --test-scale 100", &o) &&
	    o.test_scale == 100.0f && good("plot --svg x --test-scale 0.5",
	    &o) && o.test_scale == 0.5f, "--noise 100, --lr 10, --dropout "
	    "0.95, --test-scale 100 and 0.5 are taken");
	bad("plot --svg x --test-scale 100.5", "--test-scale 100.5");
	/* A stale errno from before does not refuse a good number. */
	errno = ERANGE;
	ok(good("--lr 0.01", &o) && o.cfg.lr == 0.01f, "--lr 0.01 with "
	    "errno set beforehand");
	errno = ERANGE;
	ok(good("--epochs 3", &o) && o.cfg.epochs == 3, "--epochs 3 with "
	    "errno set beforehand");

	/* --hidden: 7 hidden layers (MLP_MAX_LAYERS - 1), a 255-byte value,
	 * not 8 layers, not 256 bytes. */
	ok(good("--hidden 1,2,3,4,5,6,7", &o) && o.cfg.nlayer == 8 &&
	    o.cfg.size[7] == 7 && o.cfg.size[8] == 10,
	    "--hidden of 7 layers: 784-1-...-7-10");
	bad("--hidden 1,2,3,4,5,6,7,8", "--hidden: at most 7 hidden layers");
	snprintf(line, sizeof line, "--hidden %0255d", 64);
	ok(good(line, &o) && o.cfg.size[1] == 64, "--hidden of 255 bytes "
	    "(64 with leading zeros)");
	snprintf(line, sizeof line, "--hidden %0256d", 64);
	bad(line, "too long");

	/* Integer options at the bounds the help does not test. */
	bad("--jobs 0", "--jobs 0: must be from 1");
	bad("--threads-per-job 0", "--threads-per-job 0: must be from 1");
	ok(good("--jobs 1 --threads-per-job 1", &o) && o.jobs == 1 &&
	    o.threads_per_job == 1, "--jobs 1 --threads-per-job 1");
	bad("slurm --array-size 0", "--array-size 0: must be from 1");
	bad("slurm --array-size 1001", "--array-size 1001");
	ok(good("slurm --array-size 1000", &o) && o.array_size == 1000,
	    "--array-size 1000, the largest");
	ok(good("plot --svg x --row 0", &o) && o.plot_row == 0,
	    "--row 0, the first");
	snprintf(line, sizeof line, "plot --svg x --row %d",
	    SWEEP_MAX_ROWS - 1);
	ok(good(line, &o) && o.plot_row == SWEEP_MAX_ROWS - 1,
	    "--row %d, the last", SWEEP_MAX_ROWS - 1);
	snprintf(line, sizeof line, "plot --svg x --row %d", SWEEP_MAX_ROWS);
	bad(line, "--row");

	/* The defaults the flags change, and the flags. */
	ok(good("plot --svg x", &o) && o.bind == 1 && o.plot_row == -1 &&
	    o.test_scale == -1.0f && o.submit == 0 && o.from_init == 0 &&
	    o.grid.ntest == 0 && o.nsbatch == 0, "the defaults: bound "
	    "threads, no row, no test scale, no submit, no test scales");
	ok(good("sweep", &o) && o.grid.nseeds == 1 &&
	    o.grid.ncorruptions == 1 &&
	    o.grid.corruptions[0] == CORRUPT_GAUSSIAN &&
	    o.grid.mode == SWEEP_FIXED, "the grid's defaults: one seed of "
	    "gaussian noise drawn once");
	ok(good("--no-bind", &o) && o.bind == 0, "--no-bind");
	ok(good("slurm --submit", &o) && o.submit == 1, "--submit");
	ok(good("plot --svg x --from-init", &o) && o.from_init == 1,
	    "--from-init");

	/* --shard 1/1; --run-id of 200 bytes, not 201, not empty. */
	ok(good("sweep --shard 1/1 --run-id a", &o) && o.shard == 1 &&
	    o.nshards == 1, "--shard 1/1");
	bad("sweep --shard= --run-id a", "--shard ''");
	snprintf(line, sizeof line, "sweep --run-id %0200d", 7);
	ok(good(line, &o) && strlen(o.run_id) == 200, "--run-id of 200 "
	    "bytes");
	snprintf(line, sizeof line, "sweep --run-id %0201d", 7);
	bad(line, "--run-id '0");
	bad("sweep --run-id=", "--run-id '': a plain name");

	/* --sbatch-arg: in order, up to CLI_MAX_ARGS; one option each. */
	ok(good("slurm --sbatch-arg=-N2 --sbatch-arg=--time=1:00", &o) &&
	    o.nsbatch == 2 && strcmp(o.sbatch_args[0], "-N2") == 0 &&
	    strcmp(o.sbatch_args[1], "--time=1:00") == 0,
	    "--sbatch-arg twice: both, in order");
	bad("slurm --sbatch-arg x", "--sbatch-arg 'x': one sbatch option");
	{
		char *av[] = { "noisetop", "slurm", "--sbatch-arg=-a\nb", NULL };

		ok(parse_argv(3, av, &o, err, sizeof err) == -1 &&
		    strstr(err, "one sbatch option") != NULL,
		    "--sbatch-arg with a newline refused");
	}
	{
		char **av = calloc(CLI_MAX_ARGS + 4, sizeof *av);
		int    ac = 0;

		av[ac++] = "noisetop";
		av[ac++] = "slurm";
		for (int i = 0; i <= CLI_MAX_ARGS; i++)
			av[ac++] = i == CLI_MAX_ARGS ? "--sbatch-arg=-Z" :
			    "--sbatch-arg=-N1";
		ok(parse_argv(ac, av, &o, err, sizeof err) == 0 &&
		    o.nsbatch == CLI_MAX_ARGS &&
		    strcmp(o.sbatch_args[CLI_MAX_ARGS - 1], "-N1") == 0,
		    "%d --sbatch-arg: the first %d kept, the rest dropped",
		    CLI_MAX_ARGS + 1, CLI_MAX_ARGS);
		free(av);
	}

	/* A value of three characters starting "--" is no value either. */
	bad("train --csv --x", "--csv needs a value");
	/* Two families, the first not gaussian, and no --scales: the
	 * default scales. */
	ok(good("sweep --corruption blur,gaussian", &o) && o.nscales == 6 &&
	    memcmp(o.scales, sweep_default_scales, sizeof
	    sweep_default_scales) == 0, "--corruption blur,gaussian: the "
	    "default scales");
	/* The command line is kept for slurm. */
	{
		char *av[] = { "noisetop", "sweep", "--epochs", "2", NULL };

		ok(parse_argv(4, av, &o, err, sizeof err) == 0 && o.argc == 4 &&
		    o.argv == av, "argc and argv kept");
	}
	/* Two parses in one process, the first stopped inside "-xh": the
	 * second reads only its own words. */
	{
		char *a1[] = { "noisetop", "train", "-xh", NULL };
		char *a2[] = { "noisetop", "train", "--epochs", "5", NULL };

		ok(parse_argv(3, a1, &o, err, sizeof err) == -1 &&
		    parse_argv(4, a2, &o, err, sizeof err) == 0 &&
		    o.cmd == CLI_TRAIN && o.cfg.epochs == 5, "a second parse "
		    "after one stopped inside a cluster: '%s'", err);
	}
}

int
main(void)
{
	test_defaults_and_commands();
	test_options();
	test_range_errors();
	test_args();
	test_help();
	test_tables_and_bounds();
	return tap_done();
}

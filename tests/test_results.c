/*
 * Results files: the CSV and JSON of a small sweep table against golden
 * text, strings escaped, and the atomic writer leaving no temporary files
 * (also when the write fails).
 */
#include "runs/results.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "tap.h"

static char dir[] = "/tmp/noisetop-results-XXXXXX";

/* The file's text (NUL-terminated, caller frees), or NULL. */
static char *
slurp(const char *path)
{
	uint8_t *buf;
	size_t   len;
	char     err[NT_ERR_LEN];

	if (file_read(path, 1 << 20, &buf, &len, err, sizeof err) != 0)
		return NULL;
	return (char *)buf;
}

/* The names in dir, sorted, joined by spaces. */
static void
listing(char *out, size_t len)
{
	struct dirent **ents;
	int             n = scandir(dir, &ents, NULL, alphasort);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
			strncat(out, out[0] ? " " : "", len - strlen(out) - 1);
			strncat(out, name, len - strlen(out) - 1);
		}
		free(ents[i]);
	}
	free(ents);
}

/*
 * Two scales, two epochs, one seed of Gaussian noise (the notebook's
 * sweep): scale 0 done, with its matrix row; scale 0.5 stopped after its
 * first epoch, the way a cancelled sweep leaves its table.
 */
static int
small_table(sweep_table *t)
{
	const float  scales[2] = { 0.0f, 0.5f };
	train_config cfg;
	sweep_plan   plan;
	char         err[NT_ERR_LEN];

	train_config_default(&cfg);
	cfg.epochs = 2;
	sweep_plan_default(&plan, scales, 2);
	if (sweep_table_init(t, &cfg, &plan, err, sizeof err) != 0) {
		diag("%s", err);
		return -1;
	}
	t->rows[0].hist[0] = (train_epoch){ 1, 1.25, 0.9, 0.35, 0.95, 0.2 };
	t->rows[0].hist[1] = (train_epoch){ 2, 1.5, 0.96, 0.125, 0.97,
	    0.1 };
	t->rows[0].nhist = 2;
	t->rows[0].state = SWEEP_DONE;
	t->rows[0].test_acc[0] = 0.97;
	t->rows[0].test_loss[0] = 0.1;
	t->rows[0].test_acc[1] = 0.75;
	t->rows[0].test_loss[1] = 0.875;
	t->rows[1].hist[0] = (train_epoch){ 1, 2, 0.5, 1.5, 0.625, 1.25 };
	t->rows[1].nhist = 1;
	t->rows[1].state = SWEEP_CANCELLED;
	return 0;
}

static const char golden_csv[] =
    "# noisetop results\n"
    "# data: MNIST (test)\n"
    "# config: layers=784-512-512-10 dropout=0.2 lr=0.001 batch=128 "
    "epochs=2 seed=42 precision=fp32\n"
    "scale,state,epoch,seconds,accuracy,loss,val_accuracy,val_loss,seed,"
    "corruption\n"
    "0,done,1,1.250,0.900000,0.350000,0.950000,0.200000,42,gaussian\n"
    "0,done,2,1.500,0.960000,0.125000,0.970000,0.100000,42,gaussian\n"
    "0.5,cancelled,1,2.000,0.500000,1.500000,0.625000,1.250000,42,"
    "gaussian\n";

/* The matrix: the done row at each test scale; the cancelled row has
 * none. */
static const char golden_matrix[] =
    "corruption,train_scale,test_scale,seed,test_accuracy,test_loss\n"
    "gaussian,0,0,42,0.970000,0.100000\n"
    "gaussian,0,0.5,42,0.750000,0.875000\n";

/* Pieces of the JSON that say what each row holds; the layout around them
 * (line breaks, key order between them) is free. */
static const char *const json_has[] = {
	"\"data\": \"MNIST (test)\"",
	"\"layers\": [784, 512, 512, 10]",
	"\"epochs\": 2",
	"\"seed\": 42",
	"\"scale\": 0, \"seed\": 42, \"corruption\": \"gaussian\", "
	    "\"state\": \"done\"",
	"{\"scale\": 0.5, \"accuracy\": 0.750000, \"loss\": 0.875000}",
	"\"final\": {\"epoch\": 2, \"accuracy\": 0.960000, \"loss\": "
	    "0.125000, \"val_accuracy\": 0.970000, \"val_loss\": 0.100000}",
	"{\"epoch\": 1, \"seconds\": 1.250, \"accuracy\": 0.900000, "
	    "\"loss\": 0.350000, \"val_accuracy\": 0.950000, \"val_loss\": "
	    "0.200000}",
	"\"state\": \"cancelled\", \"final\": {\"epoch\": 1,",
	"{\"epoch\": 1, \"seconds\": 2.000, \"accuracy\": 0.500000, "
	    "\"loss\": 1.500000, \"val_accuracy\": 0.625000, \"val_loss\": "
	    "1.250000}",
};

static void show_diff(const char *want, const char *got);

/* test_summary()'s statistics in the JSON, each under its own name. */
static const char *const json_summary[] = {
	"\"accuracy\": {\"mean\": 0.625000, \"sd\": 0.176777, \"min\": "
	    "0.500000, \"max\": 0.750000}",
	"\"loss\": {\"mean\": 0.750000, \"sd\": 0.353553, \"min\": "
	    "0.500000, \"max\": 1.000000}",
	"\"val_accuracy\": {\"mean\": 0.850000, \"sd\": 0.070711, "
	    "\"min\": 0.800000, \"max\": 0.900000}",
	"\"val_loss\": {\"mean\": 0.312500, \"sd\": 0.088388, "
	    "\"min\": 0.250000, \"max\": 0.375000}",
};

/*
 * Whether text is one balanced JSON value: brackets and braces matched
 * outside strings, strings closed, nothing but white space after it.
 */
static int
json_balanced(const char *text)
{
	char stack[64];
	int  depth = 0, instr = 0, started = 0;

	for (const char *p = text; *p != '\0'; p++) {
		if (instr) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				instr = 0;
			else if ((unsigned char)*p < 0x20)
				return 0;
			continue;
		}
		if (started && depth == 0 && *p != ' ' && *p != '\n')
			return 0;
		if (*p == '"')
			instr = 1;
		else if (*p == '{' || *p == '[') {
			if (depth == (int)sizeof stack)
				return 0;
			stack[depth++] = *p == '{' ? '}' : ']';
			started = 1;
		} else if (*p == '}' || *p == ']') {
			if (depth == 0 || stack[--depth] != *p)
				return 0;
		}
	}
	return started && depth == 0 && !instr;
}

/*
 * Two seeds of one scale, both done: the summary reduces over the seeds.
 * Each metric has its own values, so a column showing another's is seen:
 * accuracy 0.5, 0.75; loss 1, 0.5; val accuracy 0.9, 0.8; val loss 0.25,
 * 0.375.  The mean of two values a, b is (a+b)/2, the sample sd |a-b|/√2.
 */
static void
test_summary(void)
{
	const float  scale = 0.5f;
	static const char golden_line[] = "\ngaussian,0.5,2,2,"
	    "0.625000,0.176777,0.500000,0.750000,"
	    "0.750000,0.353553,0.500000,1.000000,"
	    "0.850000,0.070711,0.800000,0.900000,"
	    "0.312500,0.088388,0.250000,0.375000\n";
	train_config cfg;
	sweep_plan   plan;
	sweep_table  t;
	char         path[NT_PATH_LEN], err[NT_ERR_LEN] = "", *text;

	train_config_default(&cfg);
	cfg.epochs = 1;
	sweep_plan_default(&plan, &scale, 1);
	plan.nseeds = 2;
	if (sweep_table_init(&t, &cfg, &plan, err, sizeof err) != 0 ||
	    t.n != 2) {
		ok(0, "a table of two seeds: %s", err);
		return;
	}
	for (int i = 0; i < 2; i++) {
		t.rows[i].hist[0] = (train_epoch){ 1, 1, 0.5 + 0.25 * i,
		    1.0 - 0.5 * i, 0.9 - 0.1 * i, 0.25 + 0.125 * i };
		t.rows[i].nhist = 1;
		t.rows[i].state = SWEEP_DONE;
		for (int j = 0; j < t.plan.ntest; j++)
			t.rows[i].test_acc[j] = t.rows[i].test_loss[j] = 0.5;
	}
	ok(t.rows[0].seed == 42 && t.rows[1].seed == 43,
	    "the seeds of the rows: 42, 43");
	snprintf(path, sizeof path, "%s/summary.csv", dir);
	ok(results_write_summary_csv(path, &t, "MNIST", err, sizeof err) == 0,
	    "summary CSV written: %s", err);
	text = slurp(path);
	ok(text != NULL && strstr(text, "\ncorruption,scale,seeds_done,seeds,"
	    "accuracy_mean,accuracy_sd,accuracy_min,accuracy_max,"
	    "loss_mean,loss_sd,loss_min,loss_max,"
	    "val_accuracy_mean,val_accuracy_sd,val_accuracy_min,"
	    "val_accuracy_max,val_loss_mean,val_loss_sd,val_loss_min,"
	    "val_loss_max\n") != NULL, "summary: the header names mean, sd, "
	    "min and max of each metric in turn");
	if (!ok(text != NULL && strstr(text, golden_line) != NULL &&
	    strstr(text, golden_line)[strlen(golden_line)] == '\0',
	    "summary: one line for the scale, the last, 2 of 2 seeds done, "
	    "and mean, sd, min, max of accuracy, loss, val accuracy and val "
	    "loss"))
		show_diff(golden_line, text ? strstr(text, "\ngaussian") :
		    NULL);
	ok(text != NULL && strstr(text, "\n# config: layers=784-512-512-10 "
	    "dropout=0.2 ") != NULL, "summary: the config line");
	free(text);
	snprintf(path, sizeof path, "%s/summary.json", dir);
	ok(results_write_json(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && json_balanced(text) &&
	    strstr(text, "\"seeds_done\": 2") != NULL,
	    "JSON summary over the seeds");
	for (size_t i = 0; i < sizeof json_summary / sizeof json_summary[0];
	    i++)
		if (!ok(text != NULL && strstr(text, json_summary[i]) != NULL,
		    "JSON summary piece %zu is there", i))
			diag("missing: %s", json_summary[i]);
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/summary.csv", dir);
	/* No seed done, probed: every statistic's fields empty, 4 of mean,
	 * sd, min and max, then 5 probes' mean and sd. */
	t.plan.probes = 1;
	t.rows[0].state = t.rows[1].state = SWEEP_CANCELLED;
	ok(results_write_summary_csv(path, &t, "MNIST", err, sizeof err) ==
	    0 && (text = slurp(path)) != NULL && strstr(text,
	    "\ngaussian,0.5,0,2," ",,,,,,,,,,,,,,," ",,,,,,,,,," "\n") != NULL,
	    "summary: nothing done, every field empty");
	free(text);
	unlink(path);
	sweep_table_free(&t);
}

/*
 * A probed table with the decay axis: two decays of one scale, both done,
 * with an attack.  The new columns come last and only here; the probes
 * file and the JSON carry the figures.
 */
static void
test_probes(void)
{
	const float  scale = 0.5f;
	train_config cfg;
	sweep_plan   plan;
	sweep_table  t;
	char         path[NT_PATH_LEN], err[NT_ERR_LEN], *text = NULL;
	int          na = 0;

	train_config_default(&cfg);
	cfg.epochs = 1;
	sweep_plan_default(&plan, &scale, 1);
	plan.ndecays = 2;
	plan.decays[0] = 0.0f;
	plan.decays[1] = 0.001f;
	probe_attack_parse("fgsm:0.1,pgd:0.1:10", plan.attacks, &na,
	    PROBE_MAX_ATTACKS, err, sizeof err);
	plan.nattacks = na;
	if (sweep_table_init(&t, &cfg, &plan, err, sizeof err) != 0 ||
	    t.n != 2) {
		ok(0, "a table of two decays: %s", err);
		return;
	}
	for (int i = 0; i < 2; i++) {
		sweep_row *r = &t.rows[i];

		r->hist[0] = (train_epoch){ 1, 1, 0.5, 1.0, 0.9 - 0.1 * i,
		    0.25 };
		r->nhist = 1;
		r->state = SWEEP_DONE;
		r->test_acc[0] = 0.875;
		r->test_loss[0] = 0.5;
		r->test_ece[0] = 0.0625 * (i + 1);
		r->test_conf[0] = 0.75;
		r->sens = (probe_sens){ 1.5, 0.25, 20.0 - i, 0.5, 0.75 };
		r->attack_acc[0] = 0.5;
		r->attack_acc[1] = 0.25 - 0.125 * i;
	}
	snprintf(path, sizeof path, "%s/m.csv", dir);
	ok(results_write_matrix_csv(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text,
	    "test_accuracy,test_loss,weight_decay,ece,confidence\n"
	    "gaussian,0.5,0.5,42,0.875000,0.500000,0,0.062500,0.750000\n"
	    "gaussian,0.5,0.5,42,0.875000,0.500000,0.001,0.125000,0.750000\n")
	    != NULL && strstr(text, "weight_decay=0,0.001 (Keras l2) "
	    "attacks=fgsm:0.1,pgd:0.1:10\n") != NULL,
	    "matrix: weight decay, ECE and confidence last");
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/p.csv", dir);
	ok(results_write_probes_csv(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text,
	    "corruption,train_scale,seed,weight_decay,grad_norm,jac_frob,"
	    "w1_norm,rf_rough,rf_rough_delta,acc_fgsm:0.1,acc_pgd:0.1:10\n"
	    "gaussian,0.5,42,0,1.5,0.25,20,0.500000,0.750000,0.500000,"
	    "0.250000\n"
	    "gaussian,0.5,42,0.001,1.5,0.25,19,0.500000,0.750000,0.500000,"
	    "0.125000\n")
	    != NULL && strstr(text, "\n# config: layers=784-512-512-10 ") !=
	    NULL, "probes: the config line, one line per row, an accuracy per "
	    "attack");
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/s.csv", dir);
	ok(results_write_summary_csv(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text,
	    "val_loss_max,weight_decay,grad_norm_mean,grad_norm_sd,") != NULL &&
	    strstr(text, ",rf_rough_delta_mean,rf_rough_delta_sd,"
	    "acc_fgsm:0.1_mean,acc_fgsm:0.1_sd,acc_pgd:0.1:10_mean,"
	    "acc_pgd:0.1:10_sd\ngaussian,0.5,1,1,") != NULL &&
	    strstr(text, "0.800000,0.250000,0.000000,0.250000,0.250000,0.001,"
	    "1.5,0,0.25,0,19,0,0.5,0,0.75,0,0.5,0,0.125,0\n") != NULL,
	    "summary: a line per decay and scale, the probes' mean and sd "
	    "last");
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/p.json", dir);
	ok(results_write_json(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && json_balanced(text) &&
	    strstr(text, "\"weight_decays\": [0, 0.001], "
	    "\"weight_decay_kind\": \"keras_l2\", \"probes\": true, "
	    "\"attacks\": [\"fgsm:0.1\", \"pgd:0.1:10\"]") != NULL &&
	    strstr(text, "\"weight_decay\": 0.001, \"test\": [{\"scale\": "
	    "0.5, \"accuracy\": 0.875000, \"loss\": 0.500000, \"ece\": "
	    "0.125000, \"confidence\": 0.750000}], \"probe\": "
	    "{\"grad_norm\": 1.5, \"jac_frob\": 0.25, \"w1_norm\": 19, "
	    "\"rf_rough\": 0.500000, \"rf_rough_delta\": 0.750000, "
	    "\"attacks\": {\"fgsm:0.1\": 0.500000, "
	    "\"pgd:0.1:10\": 0.125000}}") != NULL &&
	    strstr(text, "\"seeds_done\": 1, \"weight_decay\": 0.001")
	    != NULL && strstr(text, "\"probe\": {\"grad_norm\": {\"mean\": "
	    "1.5, \"sd\": 0}, \"jac_frob\": {\"mean\": 0.25, \"sd\": 0}, "
	    "\"w1_norm\": {\"mean\": 19, \"sd\": 0}, \"rf_rough\": "
	    "{\"mean\": 0.5, \"sd\": 0}, \"rf_rough_delta\": {\"mean\": "
	    "0.75, \"sd\": 0}, \"attacks\": {\"fgsm:0.1\": {\"mean\": "
	    "0.500000, \"sd\": 0.000000}, \"pgd:0.1:10\": {\"mean\": "
	    "0.125000, \"sd\": 0.000000}}}}") != NULL,
	    "JSON: decays, probes and attacks, and the probes over seeds");
	free(text);
	unlink(path);
	/* A row not done has no probes line. */
	t.rows[0].state = SWEEP_CANCELLED;
	snprintf(path, sizeof path, "%s/p.csv", dir);
	ok(results_write_probes_csv(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text, "acc_pgd:0.1:10\n"
	    "gaussian,0.5,42,0.001,1.5,") != NULL, "probes: a cancelled row "
	    "has no line");
	free(text);
	unlink(path);
	sweep_table_free(&t);
}

/* Lines of the results.csv at path counted by results_read_csv. */
static int
count_line(const results_line *l, void *user)
{
	(void)l;
	(*(int *)user)++;
	return 0;
}

/*
 * The data set axis: two sets, two scales, one seed.  Every file gains a
 * dataset column (last of those before the probes') and the config line
 * the sets; a file without the axis has neither (the golden files above);
 * results.csv still reads.
 */
static void
test_datasets(void)
{
	const float  scales[2] = { 0.0f, 0.5f };
	train_config cfg;
	sweep_plan   plan;
	sweep_table  t;
	char         path[NT_PATH_LEN], err[NT_ERR_LEN], *text = NULL;
	int          lines = 0;

	train_config_default(&cfg);
	cfg.epochs = 1;
	sweep_plan_default(&plan, scales, 2);
	plan.ndatasets = 2;
	plan.datasets[0] = DATASET_MNIST;
	plan.datasets[1] = DATASET_FASHION;
	if (sweep_table_init(&t, &cfg, &plan, err, sizeof err) != 0 ||
	    t.n != 4) {
		ok(0, "a table of two sets: %s", err);
		return;
	}
	for (int i = 0; i < 4; i++) {
		sweep_row *r = &t.rows[i];

		r->hist[0] = (train_epoch){ 1, 1, 0.5, 1.0, 0.875 - 0.125 * i,
		    0.25 };
		r->nhist = 1;
		r->state = SWEEP_DONE;
		r->test_acc[0] = r->test_acc[1] = 0.75;
		r->test_loss[0] = r->test_loss[1] = 0.5;
	}
	snprintf(path, sizeof path, "%s/d.csv", dir);
	ok(results_write_csv(path, &t, "MNIST (a) + Fashion-MNIST (b)", err,
	    sizeof err) == 0 && (text = slurp(path)) != NULL && strstr(text,
	    "# data: MNIST (a) + Fashion-MNIST (b)\n") != NULL && strstr(text,
	    " datasets=mnist,fashion\n") != NULL && strstr(text,
	    "val_loss,seed,corruption,dataset\n"
	    "0,done,1,1.000,0.500000,1.000000,0.875000,0.250000,42,gaussian,"
	    "mnist\n"
	    "0.5,done,1,1.000,0.500000,1.000000,0.750000,0.250000,42,gaussian,"
	    "mnist\n"
	    "0,done,1,1.000,0.500000,1.000000,0.625000,0.250000,42,gaussian,"
	    "fashion\n") != NULL, "results.csv: the sets in the config line, "
	    "a dataset column last, each row's set");
	ok(results_read_csv(path, count_line, &lines, err, sizeof err) == 0 &&
	    lines == 4, "results.csv with a dataset column reads: %d lines",
	    lines);
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/s.csv", dir);
	ok(results_write_summary_csv(path, &t, "x", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text,
	    "val_loss_min,val_loss_max,dataset\ngaussian,0,1,1,") != NULL &&
	    strstr(text, "0.250000,0.000000,0.250000,0.250000,mnist\n"
	    "gaussian,0.5,1,1,") != NULL && strstr(text, ",fashion\n"
	    "gaussian,0.5,1,1,0.500000,0.000000,0.500000,0.500000,1.000000,"
	    "0.000000,1.000000,1.000000,0.500000,0.000000,0.500000,0.500000,"
	    "0.250000,0.000000,0.250000,0.250000,fashion\n") != NULL,
	    "summary.csv: a line per set and scale, in grid order, the set "
	    "last");
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/m.csv", dir);
	ok(results_write_matrix_csv(path, &t, "x", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text,
	    "test_accuracy,test_loss,dataset\n"
	    "gaussian,0,0,42,0.750000,0.500000,mnist\n") != NULL && strstr(text,
	    "gaussian,0.5,0.5,42,0.750000,0.500000,fashion\n") != NULL,
	    "matrix.csv: the set last");
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/d.json", dir);
	ok(results_write_json(path, &t, "x", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && json_balanced(text) &&
	    strstr(text, "\"datasets\": [\"mnist\", \"fashion\"]}") != NULL &&
	    strstr(text, "\"corruption\": \"gaussian\", \"state\": \"done\", "
	    "\"dataset\": \"fashion\"") != NULL && strstr(text,
	    "\"seeds_done\": 1, \"dataset\": \"fashion\"") != NULL,
	    "JSON: the sets in the config, each row's and cell's set");
	free(text);
	unlink(path);
	sweep_table_free(&t);
}

/*
 * A table whose files outgrow the writer's first 4 KiB: 16 scales of 20
 * epochs.  Every line of the CSV, as its columns are documented, in
 * order and nothing after; the summary has one line per scale; the JSON
 * lists every run.
 */
static void
test_big(void)
{
	float        scales[16];
	train_config cfg;
	sweep_plan   plan;
	sweep_table  t;
	char         path[NT_PATH_LEN], err[NT_ERR_LEN] = "", line[256], *text;
	const char  *at;
	int          good = 1, lines = 0;

	for (int i = 0; i < 16; i++)
		scales[i] = 0.25f * (float)i;
	train_config_default(&cfg);
	cfg.epochs = 20;
	sweep_plan_default(&plan, scales, 16);
	plan.ntest = 1;
	if (sweep_table_init(&t, &cfg, &plan, err, sizeof err) != 0) {
		ok(0, "a 16-scale table: %s", err);
		return;
	}
	for (int i = 0; i < t.n; i++) {
		for (int e = 0; e < 20; e++)
			t.rows[i].hist[e] = (train_epoch){ e + 1, 0.5 * e + i,
			    0.01 * e, 2.0 - 0.05 * e, 0.02 * e + 0.001 * i,
			    1.5 - 0.01 * i };
		t.rows[i].nhist = 20;
		t.rows[i].state = SWEEP_DONE;
		t.rows[i].test_acc[0] = 0.5;
		t.rows[i].test_loss[0] = 1.0;
	}
	snprintf(path, sizeof path, "%s/big.csv", dir);
	ok(results_write_csv(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL, "a CSV of 320 lines written: %s",
	    err);
	at = text != NULL ? strstr(text, "val_loss,seed,corruption\n") : NULL;
	good = at != NULL;
	if (good)
		at += strlen("val_loss,seed,corruption\n");
	for (int i = 0; good && i < t.n; i++)
		for (int e = 0; good && e < 20; e++) {
			const train_epoch *h = &t.rows[i].hist[e];

			snprintf(line, sizeof line, "%g,done,%d,%.3f,%.6f,%.6f,"
			    "%.6f,%.6f,42,gaussian\n", (double)scales[i],
			    e + 1, h->seconds, h->acc, h->loss, h->val_acc,
			    h->val_loss);
			good = strncmp(at, line, strlen(line)) == 0;
			at += strlen(line);
			lines += good;
		}
	ok(good && *at == '\0', "the CSV: all %d lines in order, each with "
	    "its row's values, and nothing after", lines);
	free(text);

	snprintf(path, sizeof path, "%s/big-summary.csv", dir);
	ok(results_write_summary_csv(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL, "its summary written");
	lines = 0;
	for (at = text; at != NULL && (at = strstr(at, "\ngaussian,")) != NULL;
	    at++)
		lines++;
	ok(lines == 16, "the summary: one line per scale (%d)", lines);
	free(text);

	snprintf(path, sizeof path, "%s/big.json", dir);
	ok(results_write_json(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && json_balanced(text) &&
	    strstr(text, "\"test_scales\": [0]") != NULL &&
	    strstr(text, "{\"scale\": 3.75, \"seed\": 42, \"corruption\": "
	    "\"gaussian\", \"state\": \"done\", \"test\": [{\"scale\": 0, "
	    "\"accuracy\": 0.500000, \"loss\": 1.000000}]") != NULL,
	    "the JSON: balanced, its one test scale, the last run's matrix row");
	free(text);
	snprintf(path, sizeof path, "%s/big.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/big-summary.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/big.json", dir);
	unlink(path);

	/* One family other than gaussian is named in the config line and
	 * the JSON's list, alone. */
	t.plan.corruptions[0] = CORRUPT_BLUR;
	snprintf(path, sizeof path, "%s/blur.json", dir);
	ok(results_write_json(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL &&
	    strstr(text, "\"corruption\": [\"blur\"]") != NULL,
	    "the JSON lists the one family, blur, alone");
	free(text);
	unlink(path);
	/* With a weight decay of the configuration's, no decay axis: the
	 * decay shown is the configuration's, and a column says it. */
	t.cfg.weight_decay = 0.01f;
	t.rows[t.n - 1].weight_decay = 0.01f;
	snprintf(path, sizeof path, "%s/blur.csv", dir);
	ok(results_write_csv(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text, " corruption=blur "
	    "weight_decay=0.01 (Keras l2)\n") != NULL && strstr(text,
	    ",seed,corruption,weight_decay\n") != NULL && strstr(text,
	    ",42,gaussian,0.01\n") != NULL, "the CSV's config line names the "
	    "family and the configuration's decay; a row's decay ends its "
	    "lines");
	free(text);
	unlink(path);
	t.cfg.weight_decay = 0.0f;
	t.plan.corruptions[0] = CORRUPT_GAUSSIAN;

	/* A source that makes the first line exactly fill the writer's
	 * first 4096 bytes: the buffer must grow, not cut a byte. */
	{
		static char src[4059];

		memset(src, 's', 4058);
		src[4058] = '\0';
		snprintf(path, sizeof path, "%s/fill.csv", dir);
		ok(results_write_csv(path, &t, src, err, sizeof err) == 0 &&
		    (text = slurp(path)) != NULL && strstr(text, "sss\n# config: "
		    "layers=") != NULL, "a first line of exactly 4096 bytes is "
		    "written whole");
		free(text);
		unlink(path);
	}

	/* No test scales: no matrix in the runs. */
	t.plan.ntest = 0;
	snprintf(path, sizeof path, "%s/none.json", dir);
	ok(results_write_json(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text, "\"test\"") == NULL &&
	    strstr(text, "\"test_scales\": []") != NULL, "no test scales: no "
	    "matrix rows");
	free(text);
	unlink(path);

	/* The config line in full: three seeds, two families, fresh noise,
	 * a decay axis of one decay, probes. */
	t.plan.nseeds = 3;
	t.plan.ncorruptions = 2;
	t.plan.corruptions[1] = CORRUPT_SHOT;
	t.plan.mode = SWEEP_FRESH;
	t.plan.ndecays = 1;
	t.plan.decays[0] = 0.001f;
	t.plan.probes = 1;
	snprintf(path, sizeof path, "%s/grid.csv", dir);
	ok(results_write_csv(path, &t, "MNIST", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text, " seeds=3 "
	    "corruption=gaussian,shot noise_mode=fresh weight_decay=0.001 "
	    "(Keras l2) probes=1\n") != NULL, "the config line says the whole "
	    "grid");
	free(text);
	unlink(path);
	sweep_table_free(&t);

	ok(strcmp(results_sibling("out.csv", "summary", line, sizeof line),
	    "out-summary.csv") == 0 && strcmp(results_sibling("out", "matrix",
	    line, sizeof line), "out-matrix.csv") == 0 &&
	    strcmp(results_sibling("a.csv", "summary", line, sizeof line),
	    "a-summary.csv") == 0 &&
	    strcmp(results_sibling(".csv", "summary", line, sizeof line),
	    ".csv-summary.csv") == 0 && strcmp(results_sibling("a.csv.txt",
	    "summary", line, sizeof line), "a.csv.txt-summary.csv") == 0,
	    "the summary and matrix files beside the CSV: '%s'", line);
}

/* Two families of two scales: the summary's lines in grid order (family,
 * then scale), each with its own row's figures. */
static void
test_two_families(void)
{
	const float  scales[2] = { 0.0f, 0.5f };
	train_config cfg;
	sweep_plan   plan;
	sweep_table  t;
	char         path[NT_PATH_LEN], err[NT_ERR_LEN] = "", *text = NULL;
	const char  *at = NULL;
	static const char *const want[4] = { "\ngaussian,0,1,1,0.100000,",
	    "\ngaussian,0.5,1,1,0.200000,", "\nblur,0,1,1,0.300000,",
	    "\nblur,0.5,1,1,0.400000," };

	train_config_default(&cfg);
	cfg.epochs = 1;
	sweep_plan_default(&plan, scales, 2);
	plan.ncorruptions = 2;
	plan.corruptions[1] = CORRUPT_BLUR;
	if (!ok(sweep_table_init(&t, &cfg, &plan, err, sizeof err) == 0 &&
	    t.n == 4, "a table of two families of two scales: %s", err))
		return;
	for (int c = 0; c < 2; c++)
		for (int s = 0; s < 2; s++) {
			sweep_row *r = &t.rows[sweep_row_index_wd(&t, 0, c, s, 0)];

			r->hist[0] = (train_epoch){ 1, 1, 0.1 * (2 * c + s + 1),
			    1, 1, 1 };
			r->nhist = 1;
			r->state = SWEEP_DONE;
		}
	snprintf(path, sizeof path, "%s/families-summary.csv", dir);
	if (results_write_summary_csv(path, &t, "MNIST", err, sizeof err) == 0)
		at = text = slurp(path);
	for (int k = 0; k < 4 && at != NULL; k++)
		at = strstr(at, want[k]);
	ok(at != NULL && strchr(at + 1, '\n')[1] == '\0', "summary: "
	    "gaussian 0 and 0.5, then blur 0 and 0.5, each its row's accuracy");
	free(text);
	unlink(path);
	sweep_table_free(&t);
}

/* Where the two texts differ, for the diagnostics. */
static void
show_diff(const char *want, const char *got)
{
	size_t i = 0;

	if (got == NULL) {
		diag("no file");
		return;
	}
	while (want[i] != '\0' && want[i] == got[i])
		i++;
	diag("differs at byte %zu: want \"%.40s\", got \"%.40s\"", i,
	    want + i, got + i);
}

int
main(void)
{
	sweep_table t;
	char        path[NT_PATH_LEN], err[NT_ERR_LEN], names[1024];
	char       *text;

	if (mkdtemp(dir) == NULL || small_table(&t) != 0) {
		printf("1..0 # skip no temporary directory or table\n");
		return 0;
	}

	/* Results are for sharing: 0644 under the usual umask, not the
	 * 0600 of the temporary file they were written as. */
	umask(022);
	snprintf(path, sizeof path, "%s/r.csv", dir);
	ok(results_write_csv(path, &t, "MNIST (test)", err, sizeof err) == 0,
	    "CSV written: %s", err);
	{
		struct stat st;
		unsigned    mode = stat(path, &st) == 0 ?
		    (unsigned)(st.st_mode & 07777) : 0;

		ok(mode == 0644, "CSV: mode 0644 (%04o)", mode);
	}
	text = slurp(path);
	if (!ok(text != NULL && strcmp(text, golden_csv) == 0,
	    "CSV: comment lines, header, one line per row and epoch"))
		show_diff(golden_csv, text);
	free(text);

	snprintf(path, sizeof path, "%s/r.json", dir);
	ok(results_write_json(path, &t, "MNIST (test)", err, sizeof err) == 0,
	    "JSON written: %s", err);
	text = slurp(path);
	ok(text != NULL && json_balanced(text), "JSON: one balanced value");
	for (size_t i = 0; i < sizeof json_has / sizeof json_has[0]; i++) {
		const char *want = json_has[i];

		if (!ok(text != NULL && strstr(text, want) != NULL,
		    "JSON piece %zu is there", i)) {
			fputs("# missing: ", stdout);
			puts(want);
		}
	}
	ok(text != NULL && strstr(text, "\"cancelled\", \"test\"") == NULL,
	    "JSON: no test results for the cancelled row");
	free(text);

	snprintf(path, sizeof path, "%s/m.csv", dir);
	ok(results_write_matrix_csv(path, &t, "MNIST (test)", err,
	    sizeof err) == 0, "matrix CSV written: %s", err);
	text = slurp(path);
	if (!ok(text != NULL && strstr(text, golden_matrix) != NULL &&
	    strlen(strstr(text, golden_matrix)) == strlen(golden_matrix),
	    "matrix CSV: the done row at each test scale, last"))
		show_diff(golden_matrix, text ? strstr(text, "corruption") :
		    NULL);
	free(text);
	unlink(path);

	/* A row with no epoch yet has no "final" and an empty history. */
	t.rows[1].nhist = 0;
	t.rows[1].state = SWEEP_PENDING;
	snprintf(path, sizeof path, "%s/r.json", dir);
	ok(results_write_json(path, &t, "MNIST (test)", err, sizeof err) == 0,
	    "JSON with a pending row written");
	text = slurp(path);
	ok(text != NULL && json_balanced(text) &&
	    strstr(text, "\"state\": \"pending\",\n     \"history\": []}") !=
	    NULL, "a pending row: no final, empty history");
	free(text);
	snprintf(path, sizeof path, "%s/r.csv", dir);
	ok(results_write_csv(path, &t, "MNIST (test)", err, sizeof err) == 0 &&
	    (text = slurp(path)) != NULL && strstr(text, "0.5,") == NULL,
	    "a pending row has no CSV line");
	free(text);

	/* Sources come from paths and environment: quotes, backslashes and
	 * control bytes must not break the JSON string. */
	snprintf(path, sizeof path, "%s/r.json", dir);
	ok(results_write_json(path, &t, "a \"b\"\\c\td\n", err, sizeof err) ==
	    0, "JSON with an awkward source written");
	text = slurp(path);
	ok(text != NULL && json_balanced(text) &&
	    strstr(text, "\"data\": \"a \\\"b\\\"\\\\c\\u0009d\\u000a\",\n") !=
	    NULL, "the source is escaped in JSON");
	free(text);

	listing(names, sizeof names);
	ok(strcmp(names, "r.csv r.json") == 0,
	    "only the two results files in the directory: '%s'", names);

	/* Over an existing file: replaced whole. */
	snprintf(path, sizeof path, "%s/r.csv", dir);
	ok(file_write_atomic(path, "x\n", 2, err, sizeof err) == 0 &&
	    results_write_csv(path, &t, "MNIST (test)", err, sizeof err) ==
	    0 && (text = slurp(path)) != NULL &&
	    strncmp(text, "# noisetop results\n", 19) == 0,
	    "an older file is replaced");
	free(text);

	/* A failed write names the path and leaves nothing behind. */
	snprintf(path, sizeof path, "%s/missing/r.csv", dir);
	err[0] = '\0';
	ok(results_write_csv(path, &t, "MNIST", err, sizeof err) == -1 &&
	    strstr(err, path) != NULL && strchr(err, '\n') == NULL,
	    "no such directory: one line naming the file: '%s'", err);
	snprintf(path, sizeof path, "%s/r.json/x.json", dir);
	ok(results_write_json(path, &t, "MNIST", err, sizeof err) == -1 &&
	    strstr(err, path) != NULL, "a file as the directory: '%s'", err);
	listing(names, sizeof names);
	ok(strcmp(names, "r.csv r.json") == 0,
	    "no temporary file left after the failures: '%s'", names);

	/* The temporary file is written but the rename over the path fails
	 * (a directory is there): refused, and nothing left beside it. */
	snprintf(path, sizeof path, "%s/sub", dir);
	mkdir(path, 0755);
	err[0] = '\0';
	ok(results_write_csv(path, &t, "MNIST", err, sizeof err) == -1 &&
	    strstr(err, path) != NULL, "a directory at the path: refused: "
	    "'%s'", err);
	listing(names, sizeof names);
	ok(strcmp(names, "r.csv r.json sub") == 0,
	    "no temporary file left after a failed rename: '%s'", names);
	rmdir(path);

	/* The disk full half way (a file size limit: write() fails after
	 * the temporary file exists): refused, no temporary file left, the
	 * old file intact. */
	{
		struct rlimit old, small;

		signal(SIGXFSZ, SIG_IGN);
		getrlimit(RLIMIT_FSIZE, &old);
		small = old;
		small.rlim_cur = 64;
		setrlimit(RLIMIT_FSIZE, &small);
		snprintf(path, sizeof path, "%s/r.json", dir);
		err[0] = '\0';
		ok(results_write_json(path, &t, "other", err, sizeof err) ==
		    -1 && strstr(err, path) != NULL,
		    "a write error is reported: '%s'", err);
		setrlimit(RLIMIT_FSIZE, &old);
		text = slurp(path);
		ok(text != NULL && strstr(text, "a \\\"b") != NULL,
		    "the old file is intact");
		free(text);
		listing(names, sizeof names);
		ok(strcmp(names, "r.csv r.json") == 0,
		    "no temporary file left after a failed write: '%s'",
		    names);
	}

	sweep_table_free(&t);
	test_summary();
	test_probes();
	test_datasets();
	test_big();
	test_two_families();
	snprintf(path, sizeof path, "%s/r.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/r.json", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}

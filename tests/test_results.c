/*
 * Results files: the CSV and JSON of a small sweep table against golden
 * text, strings escaped, and the atomic writer leaving no temporary files
 * (also when the write fails).
 */
#include "results.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "file.h"
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
 * Two scales, two epochs: 0 done, 0.5 stopped after its first epoch, the
 * way a cancelled sweep leaves its table.
 */
static int
small_table(sweep_table *t)
{
	const float  scales[2] = { 0.0f, 0.5f };
	train_config cfg;
	char         err[NT_ERR_LEN];

	train_config_default(&cfg);
	cfg.epochs = 2;
	if (sweep_table_init(t, &cfg, scales, 2, err, sizeof err) != 0)
		return -1;
	t->rows[0].hist[0] = (train_epoch){ 1, 1.25, 0.9, 0.35, 0.95, 0.2 };
	t->rows[0].hist[1] = (train_epoch){ 2, 1.5, 0.96, 0.125, 0.97,
	    0.1 };
	t->rows[0].nhist = 2;
	t->rows[0].state = SWEEP_DONE;
	t->rows[1].hist[0] = (train_epoch){ 1, 2, 0.5, 1.5, 0.625, 1.25 };
	t->rows[1].nhist = 1;
	t->rows[1].state = SWEEP_CANCELLED;
	return 0;
}

static const char golden_csv[] =
    "# noisetop results\n"
    "# data: MNIST (test)\n"
    "# config: layers=784-512-512-10 dropout=0.2 lr=0.001 batch=128 "
    "epochs=2 seed=42\n"
    "scale,state,epoch,seconds,accuracy,loss,val_accuracy,val_loss\n"
    "0,done,1,1.250,0.900000,0.350000,0.950000,0.200000\n"
    "0,done,2,1.500,0.960000,0.125000,0.970000,0.100000\n"
    "0.5,cancelled,1,2.000,0.500000,1.500000,0.625000,1.250000\n";

static const char golden_json[] =
    "{\n"
    "  \"data\": \"MNIST (test)\",\n"
    "  \"config\": {\"layers\": [784, 512, 512, 10], \"dropout\": 0.2, "
    "\"lr\": 0.001, \"batch\": 128, \"epochs\": 2, \"seed\": 42},\n"
    "  \"runs\": [\n"
    "    {\"scale\": 0, \"state\": \"done\", \"final\": {\"epoch\": 2, "
    "\"accuracy\": 0.960000, \"loss\": 0.125000, \"val_accuracy\": "
    "0.970000, \"val_loss\": 0.100000},\n"
    "     \"history\": [\n"
    "       {\"epoch\": 1, \"seconds\": 1.250, \"accuracy\": 0.900000, "
    "\"loss\": 0.350000, \"val_accuracy\": 0.950000, \"val_loss\": "
    "0.200000},\n"
    "       {\"epoch\": 2, \"seconds\": 1.500, \"accuracy\": 0.960000, "
    "\"loss\": 0.125000, \"val_accuracy\": 0.970000, \"val_loss\": "
    "0.100000}]},\n"
    "    {\"scale\": 0.5, \"state\": \"cancelled\", \"final\": {\"epoch\": "
    "1, \"accuracy\": 0.500000, \"loss\": 1.500000, \"val_accuracy\": "
    "0.625000, \"val_loss\": 1.250000},\n"
    "     \"history\": [\n"
    "       {\"epoch\": 1, \"seconds\": 2.000, \"accuracy\": 0.500000, "
    "\"loss\": 1.500000, \"val_accuracy\": 0.625000, \"val_loss\": "
    "1.250000}]}\n"
    "  ]\n"
    "}\n";

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

	snprintf(path, sizeof path, "%s/r.csv", dir);
	ok(results_write_csv(path, &t, "MNIST (test)", err, sizeof err) == 0,
	    "CSV written: %s", err);
	text = slurp(path);
	if (!ok(text != NULL && strcmp(text, golden_csv) == 0,
	    "CSV: comment lines, header, one line per row and epoch"))
		show_diff(golden_csv, text);
	free(text);

	snprintf(path, sizeof path, "%s/r.json", dir);
	ok(results_write_json(path, &t, "MNIST (test)", err, sizeof err) == 0,
	    "JSON written: %s", err);
	text = slurp(path);
	if (!ok(text != NULL && strcmp(text, golden_json) == 0,
	    "JSON: config, per row its state, final epoch and history"))
		show_diff(golden_json, text);
	free(text);

	/* A row with no epoch yet has no "final" and an empty history. */
	t.rows[1].nhist = 0;
	t.rows[1].state = SWEEP_PENDING;
	ok(results_write_json(path, &t, "MNIST (test)", err, sizeof err) == 0,
	    "JSON with a pending row written");
	text = slurp(path);
	ok(text != NULL && strstr(text, "{\"scale\": 0.5, \"state\": "
	    "\"pending\",\n     \"history\": []}") != NULL,
	    "a pending row: no final, empty history");
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
	ok(text != NULL && strstr(text, "\"data\": \"a \\\"b\\\"\\\\c\\u0009d"
	    "\\u000a\",\n") != NULL, "the source is escaped in JSON");
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
	snprintf(path, sizeof path, "%s/r.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/r.json", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}

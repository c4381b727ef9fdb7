/* Results files read back (the one reader of results.csv), and the
 * dashboard's exports of the view on screen (results.h). */
#include "runs/results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/file.h"
#include "data/corrupt.h"
#include "runs/results_priv.h"

/* The column of name in a CSV header line, or -1. */
static int
csv_column(const char *header, const char *name)
{
	size_t len = strlen(name);
	int    col = 0;

	for (const char *p = header; *p != '\0'; col++) {
		if (strncmp(p, name, len) == 0 && (p[len] == ',' ||
		    p[len] == '\0'))
			return col;
		while (*p != ',' && *p != '\0')
			p++;
		if (*p == ',')
			p++;
	}
	return -1;
}

/* Field col of a CSV line as a number; 0 when col is -1 or missing. */
static double
csv_field(const char *line, int col)
{
	if (col < 0)
		return 0.0;
	for (int c = 0; c < col && line != NULL; c++)
		if ((line = strchr(line, ',')) != NULL)
			line++;
	return line != NULL ? strtod(line, NULL) : 0.0;
}

int
results_read_csv(const char *path,
    int (*fn)(const results_line *l, void *user), void *user, char *err,
    size_t errlen)
{
	uint8_t *buf;
	size_t   len;
	int      cs = -1, ce = -1, cv = -1, csec = -1, head = 0;

	if (file_read(path, RESULTS_CSV_MAX, &buf, &len, err, errlen) != 0)
		return -1;
	for (char *line = (char *)buf, *next; line != NULL && *line != '\0';
	    line = next) {
		results_line l;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!head) {  /* the header names the columns */
			cs = csv_column(line, "scale");
			ce = csv_column(line, "epoch");
			cv = csv_column(line, "val_accuracy");
			csec = csv_column(line, "seconds");
			if (cs < 0 || ce < 0 || cv < 0) {
				free(buf);
				return err_set(err, errlen, "%s: no scale, epoch "
				    "and val_accuracy columns", path);
			}
			head = 1;
			continue;
		}
		l.scale = csv_field(line, cs);
		l.epoch = csv_field(line, ce);
		l.val_acc = csv_field(line, cv);
		l.seconds = csv_field(line, csec);
		if (fn(&l, user) != 0)
			break;
	}
	free(buf);
	if (!head)
		return err_set(err, errlen, "%s: no scale, epoch and "
		    "val_accuracy columns", path);
	return 0;
}

/* What results_read_finals keeps between lines. */
struct finals {
	results_finals *f;
	int             maxep[SWEEP_MAX_SCALES], cnt[SWEEP_MAX_SCALES];
};

static int
add_final(const results_line *l, void *user)
{
	struct finals  *fs = user;
	results_finals *f = fs->f;
	int             k, ep = (int)l->epoch;

	for (k = 0; k < f->n && fabs(f->scale[k] - l->scale) > 1e-9; k++)
		;
	if (k == f->n) {
		if (f->n == SWEEP_MAX_SCALES)
			return 0;
		f->scale[f->n++] = l->scale;
	}
	/* The last epoch of each scale (averaged over its rows). */
	if (ep > fs->maxep[k]) {
		fs->maxep[k] = ep;
		f->val[k] = 0.0;
		fs->cnt[k] = 0;
	}
	if (ep == fs->maxep[k]) {
		f->val[k] = (f->val[k] * fs->cnt[k] + l->val_acc) /
		    (fs->cnt[k] + 1);
		fs->cnt[k]++;
	}
	return 0;
}

int
results_read_finals(const char *path, const char *id, results_finals *f,
    char *err, size_t errlen)
{
	struct finals fs;

	memset(&fs, 0, sizeof fs);
	memset(f, 0, sizeof *f);
	fs.f = f;
	snprintf(f->id, sizeof f->id, "%s", id);
	if (results_read_csv(path, add_final, &fs, err, errlen) != 0)
		return -1;
	if (f->n == 0)
		return err_set(err, errlen, "%s: no epoch yet", path);
	return 0;
}

/* The images of the confusion counts of w, and those on the diagonal. */
static void
confusion_totals(const results_export_what *w, long *all, long *right)
{
	*all = *right = 0;
	for (int c = 0; c < w->nclass; c++) {
		for (int p = 0; p < w->nclass; p++)
			*all += w->counts[c * w->nclass + p];
		*right += w->counts[c * w->nclass + c];
	}
}

/* One model's confusion matrix as CSV (a line per true class, then
 * "all") and as JSON (the row, the counts, the accuracy). */
static int
write_confusion(const char *csv, const char *json,
    const results_export_what *w, char *err, size_t errlen)
{
	const sweep_row *r = &w->t->rows[w->row];
	struct sbuf      b;
	long             all, right;

	confusion_totals(w, &all, &right);
	if (results_sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", csv);
	results_sb_printf(&b, "# noisetop confusion matrix: the model of row "
	    "%d (%s, scale %g, seed %llu) on its own test images\n# data: %s"
	    "\n# config: ", w->row, corrupt_name(r->corruption),
	    (double)r->scale, (unsigned long long)r->seed, w->source);
	results_config_line(&b, w->t);
	results_sb_printf(&b, "\ntrue");
	for (int p = 0; p < w->nclass; p++)
		results_sb_printf(&b, ",pred_%d", p);
	results_sb_printf(&b, ",images,accuracy\n");
	for (int c = 0; c < w->nclass; c++) {
		long n = 0;

		results_sb_printf(&b, "%d", c);
		for (int p = 0; p < w->nclass; p++) {
			n += w->counts[c * w->nclass + p];
			results_sb_printf(&b, ",%ld", w->counts[c * w->nclass +
			    p]);
		}
		results_sb_printf(&b, ",%ld,%.6f\n", n, n ? (double)w->counts[c *
		    w->nclass + c] / n : 0.0);
	}
	results_sb_printf(&b, "all,%ld,%.6f\n", all, all ? (double)right /
	    all : 0.0);
	if (results_finish(csv, &b, err, errlen) != 0)
		return -1;
	if (results_sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", json);
	results_sb_printf(&b, "{\n  \"data\": ");
	results_json_string(&b, w->source);
	results_sb_printf(&b, ",\n  \"view\": \"confusion\",\n  \"row\": "
	    "{\"index\": %d, \"corruption\": \"%s\", \"scale\": %g, \"seed\": "
	    "%llu},\n  \"counts\": [", w->row, corrupt_name(r->corruption),
	    (double)r->scale, (unsigned long long)r->seed);
	for (int c = 0; c < w->nclass; c++) {
		results_sb_printf(&b, "%s\n    [", c ? "," : "");
		for (int p = 0; p < w->nclass; p++)
			results_sb_printf(&b, "%s%ld", p ? ", " : "", w->counts[c *
			    w->nclass + p]);
		results_sb_printf(&b, "]");
	}
	results_sb_printf(&b, "\n  ],\n  \"images\": %ld,\n  \"accuracy\": "
	    "%.6f\n}\n", all, all ? (double)right / all : 0.0);
	return results_finish(json, &b, err, errlen);
}

/* The train x test matrix as JSON: a cell per done row and test scale. */
static int
write_matrix_json(const char *path, const results_export_what *w,
    char *err, size_t errlen)
{
	const sweep_table *t = w->t;
	struct sbuf        b;
	int                first = 1;

	if (results_sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	results_sb_printf(&b, "{\n  \"data\": ");
	results_json_string(&b, w->source);
	results_sb_printf(&b, ",\n  \"view\": \"matrix\",\n  \"cells\": [");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_DONE)
			continue;
		for (int j = 0; j < t->plan.ntest; j++, first = 0)
			results_sb_printf(&b, "%s\n    {\"corruption\": \"%s\", "
			    "\"train_scale\": %g, \"test_scale\": %g, \"seed\": "
			    "%llu, \"test_accuracy\": %.6f, \"test_loss\": "
			    "%.6f}", first ? "" : ",", corrupt_name(r->corruption),
			    (double)r->scale, (double)t->plan.test_scales[j],
			    (unsigned long long)r->seed, r->test_acc[j],
			    r->test_loss[j]);
	}
	results_sb_printf(&b, "\n  ]\n}\n");
	return results_finish(path, &b, err, errlen);
}

/* The files of one view. */
static int
write_view(const char *csv, const char *json, const results_export_what *w,
    char *err, size_t errlen)
{
	switch (w->kind) {
	case RESULTS_EXPORT_CONFUSION:
		if (w->row < 0 || w->row >= w->t->n || w->counts == NULL ||
		    w->nclass < 1)
			return err_set(err, errlen, "no confusion matrix to "
			    "export");
		return write_confusion(csv, json, w, err, errlen);
	case RESULTS_EXPORT_MATRIX:
		return results_write_matrix_csv(csv, w->t, w->source, err,
		    errlen) != 0 ? -1 : write_matrix_json(json, w, err, errlen);
	default:
		return results_write_csv(csv, w->t, w->source, err,
		    errlen) != 0 ? -1 : results_write_json(json, w->t,
		    w->source, err, errlen);
	}
}

int
results_export(const char *dir, const results_export_what *w, char *csv,
    char *json, size_t len, char *err, size_t errlen)
{
	static const char *const view[] = { "", "-confusion", "-matrix" };
	char      stamp[32];
	time_t    now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int k = 1; k < 100; k++) {
		char sfx[8] = "";

		if (k > 1)
			snprintf(sfx, sizeof sfx, "-%d", k);
		if (snprintf(csv, len, "%s/export-%s%s%s.csv", dir, stamp,
		    view[w->kind], sfx) >= (int)len || snprintf(json, len,
		    "%s/export-%s%s%s.json", dir, stamp, view[w->kind], sfx) >=
		    (int)len)
			return err_set(err, errlen, "%s: path too long", dir);
		if (access(csv, F_OK) == 0 || access(json, F_OK) == 0)
			continue;
		return write_view(csv, json, w, err, errlen);
	}
	return err_set(err, errlen, "no free export name in %s", dir);
}

/*
 * A run's report as blocks (report_doc_priv.h) and then as files: the
 * CSV tables turned column by column into the pages' tables, and the
 * figures of figure_write() that apply to the run.
 */
#include "render/report_doc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "data/dataset.h"
#include "render/figure.h"
#include "render/report_doc_priv.h"

/* ------------------------------------------------------------ blocks */

static char *
dup(report_blocks *bl, const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		bl->oom = 1;
	return d;
}

static char * __attribute__((format(printf, 2, 3)))
dupf(report_blocks *bl, const char *fmt, ...)
{
	va_list ap;
	char   *s;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
		bl->oom = 1;
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* A new zeroed block of kind at the end, or NULL (bl->oom set). */
static report_block *
add(report_blocks *bl, report_block_kind kind)
{
	if (bl->n == bl->cap) {
		int           cap = bl->cap ? 2 * bl->cap : 32;
		report_block *b = realloc(bl->b, (size_t)cap * sizeof *b);

		if (b == NULL) {
			bl->oom = 1;
			return NULL;
		}
		bl->b = b;
		bl->cap = cap;
	}
	memset(&bl->b[bl->n], 0, sizeof bl->b[0]);
	bl->b[bl->n].kind = kind;
	return &bl->b[bl->n++];
}

static void
add_text(report_blocks *bl, report_block_kind kind, int level,
    const char *text)
{
	report_block *b = add(bl, kind);

	if (b != NULL) {
		b->level = level;
		b->text = dup(bl, text);
	}
}

/* A table block of nrows + 1 rows (the header first) of ncols cells,
 * each NULL until set. */
static report_block *
add_table(report_blocks *bl, report_block_kind kind, int ncols, int nrows)
{
	report_block *b = add(bl, kind);

	if (b == NULL)
		return NULL;
	b->ncols = ncols;
	b->nrows = nrows;
	b->cell = calloc((size_t)(nrows + 1) * (size_t)(ncols > 0 ? ncols : 1),
	    sizeof *b->cell);
	if (b->cell == NULL) {
		bl->oom = 1;
		bl->n--;
		return NULL;
	}
	return b;
}

static void
blocks_free(report_blocks *bl)
{
	for (int i = 0; i < bl->n; i++) {
		report_block *b = &bl->b[i];
		int           ncell = (b->nrows + 1) * (b->ncols > 0 ?
		    b->ncols : 1);

		for (int c = 0; b->cell != NULL && c < ncell; c++)
			free(b->cell[c]);
		free(b->cell);
		free(b->text);
		free(b->file);
	}
	free(bl->b);
}

/* ------------------------------------------------------------ CSV */

/* A CSV text split in place: its header and rows, all fields strings
 * (noisetop's CSV files never quote), '#' lines kept as notes. */
typedef struct {
	char  *buf;
	int    ncols, nrows;
	char **head;
	char **cell;   /* nrows * ncols */
	char  *config; /* the "# config: " note's text, or NULL */
} csv_grid;

static int
count_fields(const char *line)
{
	int n = 1;

	for (; *line != '\0'; line++)
		n += *line == ',';
	return n;
}

/* Split line into n fields at its commas, into out. */
static void
split(char *line, char **out, int n)
{
	for (int i = 0; i < n; i++) {
		out[i] = line;
		if ((line = strchr(line, ',')) != NULL)
			*line++ = '\0';
		else
			line = out[i] + strlen(out[i]);
	}
}

static void
csv_free(csv_grid *g)
{
	free(g->buf);
	free(g->head);
	free(g->cell);
	memset(g, 0, sizeof *g);
}

/* Parse text (name for messages) into g (zeroed).  Returns 0, or -1. */
static int
csv_parse(const char *name, const char *text, csv_grid *g, char *err,
    size_t errlen)
{
	char *line, *next;
	int   lineno = 0, cap = 0;

	memset(g, 0, sizeof *g);
	if ((g->buf = strdup(text)) == NULL)
		return err_set(err, errlen, "out of memory");
	for (line = g->buf; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (line[0] == '#') {
			if (strncmp(line, "# config: ", 10) == 0)
				g->config = line + 10;
			continue;
		}
		if (line[0] == '\0')
			continue;
		if (g->head == NULL) {
			g->ncols = count_fields(line);
			if ((g->head = calloc((size_t)g->ncols, sizeof
			    *g->head)) == NULL)
				goto oom;
			split(line, g->head, g->ncols);
			continue;
		}
		if (count_fields(line) != g->ncols) {
			err_set(err, errlen, "%s: line %d has %d fields, its "
			    "header %d", name, lineno, count_fields(line),
			    g->ncols);
			csv_free(g);
			return -1;
		}
		if (g->nrows == cap) {
			char **c;

			cap = cap ? 2 * cap : 64;
			c = realloc(g->cell, (size_t)cap * (size_t)g->ncols *
			    sizeof *c);
			if (c == NULL)
				goto oom;
			g->cell = c;
		}
		split(line, g->cell + (size_t)g->nrows++ * (size_t)g->ncols,
		    g->ncols);
	}
	if (g->head == NULL) {
		csv_free(g);
		return err_set(err, errlen, "%s: no header line", name);
	}
	return 0;
oom:
	csv_free(g);
	return err_set(err, errlen, "out of memory");
}

static int
column(const csv_grid *g, const char *name)
{
	for (int c = 0; c < g->ncols; c++)
		if (strcmp(g->head[c], name) == 0)
			return c;
	return -1;
}

/* Does name end in suffix? */
static int
ends(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && strcmp(name + n - k, suffix) == 0;
}

/* "0.9843 ± 0.0012", or "0.9843" when sd is NULL or empty; a field that
 * is no number as it is. */
static char *
mean_sd(report_blocks *bl, const char *mean, const char *sd)
{
	char  *end;
	double m = strtod(mean, &end), s;

	if (end == mean || *end != '\0')
		return dup(bl, mean);
	if (sd == NULL || sd[0] == '\0' || !isfinite(s = strtod(sd, NULL)))
		return dupf(bl, "%.4f", m);
	return dupf(bl, "%.4f ± %.4f", m, s);
}

/* ------------------------------------------------------------ tables */

/*
 * The summary table from summary.csv, column by column: X_mean with X_sd
 * one "mean ± sd" column (just the mean when every sd is 0: one seed),
 * X_sd, X_min and X_max left out, anything else as written.
 */
static void
summary_table(report_blocks *bl, const csv_grid *g)
{
	int           src[64], sd[64], n = 0, any_sd = 0;
	report_block *b;

	for (int c = 0; c < g->ncols && n < 64; c++) {
		const char *h = g->head[c];
		char        want[256];

		if (ends(h, "_sd") || ends(h, "_min") || ends(h, "_max"))
			continue;
		src[n] = c;
		sd[n] = -1;
		if (ends(h, "_mean")) {
			snprintf(want, sizeof want, "%.*s_sd",
			    (int)(strlen(h) - 5), h);
			sd[n] = column(g, want);
			for (int r = 0; sd[n] >= 0 && r < g->nrows; r++)
				any_sd |= strtod(g->cell[(size_t)r * (size_t)
				    g->ncols + (size_t)sd[n]], NULL) != 0.0;
		}
		n++;
	}
	add_text(bl, RB_TEXT, 0, any_sd ? "The final metrics of every row "
	    "of the grid: mean ± sd over the seeds (the sample sd); their "
	    "minimum and maximum are in summary.csv." : "The final metrics "
	    "of every row of the grid (one seed each; summary.csv has the "
	    "same numbers to 6 decimals).");
	if ((b = add_table(bl, RB_TABLE, n, g->nrows)) == NULL)
		return;
	b->text = dup(bl, "summary");
	for (int k = 0; k < n; k++) {
		const char *h = g->head[src[k]];

		b->cell[k] = ends(h, "_mean") ? dupf(bl, "%.*s",
		    (int)(strlen(h) - 5), h) : dup(bl, h);
		for (int r = 0; r < g->nrows; r++) {
			char **row = g->cell + (size_t)r * (size_t)g->ncols;

			b->cell[(size_t)(r + 1) * (size_t)n + (size_t)k] =
			    ends(h, "_mean") ? mean_sd(bl, row[src[k]],
			    any_sd && sd[k] >= 0 ? row[sd[k]] : NULL) :
			    dup(bl, row[src[k]]);
		}
	}
}

/* The distinct values of column c of g in order of first appearance,
 * at most max, into v; returns their count. */
static int
distinct(const csv_grid *g, int c, const char **v, int max)
{
	int n = 0;

	for (int r = 0; r < g->nrows; r++) {
		const char *x = g->cell[(size_t)r * (size_t)g->ncols + (size_t)c];
		int         k = 0;

		while (k < n && strcmp(v[k], x) != 0)
			k++;
		if (k == n && n < max)
			v[n++] = x;
	}
	return n;
}

/* Is column c of matrix.csv one that names a group (corruption, decay,
 * dataset, ...) rather than a cell's place or value? */
static int
group_column(const csv_grid *g, int c)
{
	const char *h = g->head[c];

	return strcmp(h, "train_scale") != 0 && strcmp(h, "test_scale") != 0 &&
	    strcmp(h, "seed") != 0 && strncmp(h, "test_", 5) != 0;
}

/* Does row r of g belong to the group of row g0 (same group columns)? */
static int
same_group(const csv_grid *g, int r, int r0)
{
	for (int c = 0; c < g->ncols; c++)
		if (group_column(g, c) && strcmp(g->cell[(size_t)r * (size_t)
		    g->ncols + (size_t)c], g->cell[(size_t)r0 * (size_t)g->ncols +
		    (size_t)c]) != 0)
			return 0;
	return 1;
}

/* One matrix of the group of row r0: train scales down, test scales
 * across, each cell the mean ± sd of test_accuracy over its seeds. */
static void
matrix_group(report_blocks *bl, const csv_grid *g, int r0, int ctr,
    int cte, int cacc)
{
	const char   *tr[64], *te[64];
	int           ntr = distinct(g, ctr, tr, 64), nte = distinct(g, cte,
	    te, 64), seeds = 1, ti;
	char          what[512] = "";
	size_t        used = 0;
	report_block *b;

	for (int c = 0; c < g->ncols && used < sizeof what - 64; c++)
		if (group_column(g, c))
			used += (size_t)snprintf(what + used, sizeof what - used,
			    "%s%s %s", used ? ", " : "", g->head[c],
			    g->cell[(size_t)r0 * (size_t)g->ncols + (size_t)c]);
	/* the sentence before the table, written once the seeds are known */
	ti = bl->n;
	add_text(bl, RB_TEXT, 0, "");
	if ((b = add_table(bl, RB_TABLE, nte + 1, ntr)) == NULL)
		return;
	b->text = dup(bl, "matrix");
	b->cell[0] = dup(bl, "train \\ test");
	for (int j = 0; j < nte; j++)
		b->cell[1 + j] = dup(bl, te[j]);
	for (int i = 0; i < ntr; i++) {
		char **out = b->cell + (size_t)(i + 1) * (size_t)(nte + 1);

		out[0] = dup(bl, tr[i]);
		for (int j = 0; j < nte; j++) {
			double sum = 0, ss = 0, m;
			int    n = 0;

			for (int pass = 0; pass < 2; pass++)
				for (int r = 0; r < g->nrows; r++) {
					char **row = g->cell + (size_t)r *
					    (size_t)g->ncols;
					double v;

					if (!same_group(g, r, r0) ||
					    strcmp(row[ctr], tr[i]) != 0 ||
					    strcmp(row[cte], te[j]) != 0)
						continue;
					v = strtod(row[cacc], NULL);
					if (pass == 0) {
						sum += v;
						n++;
					} else
						ss += (v - sum / n) * (v - sum / n);
				}
			m = n ? sum / n : NAN;
			seeds = n > seeds ? n : seeds;
			out[1 + j] = n == 0 ? dup(bl, "-") : n == 1 ?
			    dupf(bl, "%.4f", m) : dupf(bl, "%.4f ± %.4f", m,
			    sqrt(ss / (n - 1)));
		}
	}
	if (bl->oom)
		return;
	free(bl->b[ti].text);
	bl->b[ti].text = dupf(bl, "Test accuracy%s%s: the training scale "
	    "down, the test scale across%s.", what[0] ? ", " : "", what,
	    seeds > 1 ? "; mean ± sd over the seeds" : "");
}

/* The train x test matrices of matrix.csv, one per group. */
static void
matrix_tables(report_blocks *bl, const csv_grid *g)
{
	int ctr = column(g, "train_scale"), cte = column(g, "test_scale");
	int cacc = column(g, "test_accuracy");
	const char *v[2];

	/* one training and one test scale (a train job): no matrix to show */
	if (ctr < 0 || cte < 0 || cacc < 0 || g->nrows == 0 ||
	    (distinct(g, ctr, v, 2) < 2 && distinct(g, cte, v, 2) < 2))
		return;
	add_text(bl, RB_HEADING, 2, "Train × test matrix");
	for (int r0 = 0; r0 < g->nrows; r0++) {
		int first = 1;

		for (int r = 0; r < r0 && first; r++)
			first = !same_group(g, r, r0);
		if (first)
			matrix_group(bl, g, r0, ctr, cte, cacc);
	}
}

/* ------------------------------------------------------------ files */

/* Append file name holding len bytes of data (taken over) to out.
 * Returns the file, or NULL (data freed) when out is full. */
static report_file *
add_file(report_files *out, const char *name, char *data, size_t len)
{
	report_file *f;

	if (out->n == REPORT_MAX_FILES) {
		free(data);
		return NULL;
	}
	f = &out->file[out->n++];
	snprintf(f->name, sizeof f->name, "%s", name);
	f->data = data;
	f->len = len;
	return f;
}

/* A copy of text as file name. */
static int
add_copy(report_files *out, const char *name, const char *text)
{
	char *d = strdup(text);

	return d != NULL && add_file(out, name, d, strlen(d)) != NULL ? 0 : -1;
}

/*
 * Figure kind of t (corruption k) as file name, and its block with
 * caption; a figure with nothing to draw yet becomes a sentence saying
 * so.  Returns 0, or -1 when out of memory.
 */
static int
figure(report_blocks *bl, report_files *out, const report_input *in,
    figure_kind kind, int k, int set, const char *name, const char *caption)
{
	const sweep_plan *p = &in->t->plan;
	const char   *sub = in->subtitle;
	char         *buf = NULL, err[NT_ERR_LEN], setsub[400];
	size_t        len = 0;
	FILE         *f = open_memstream(&buf, &len);
	report_file  *file;
	report_block *b;
	int           rc;

	if (f == NULL)
		return -1;
	/* with the axis, the sets by name (their paths are in the facts):
	 * every set in the scales figure, one set's figure that set alone */
	if (p->ndatasets > 1 && in->run_id != NULL) {
		size_t n = 0;

		for (int d = 0; d < p->ndatasets; d++)
			if (kind == FIGURE_SCALES || d == set)
				n += (size_t)snprintf(setsub + n, sizeof setsub - n,
				    "%s%s", n ? " + " : "",
				    sweep_plan_dataset_name(p, d));
		snprintf(setsub + n, sizeof setsub - n, ", %d epoch%s, run "
		    "%.200s", in->t->cfg.epochs, in->t->cfg.epochs == 1 ?
		    "" : "s", in->run_id);
		sub = setsub;
	}
	rc = figure_write_set(f, in->t, kind, k, set, sub, err, sizeof err);
	if (fclose(f) != 0 || buf == NULL) {
		free(buf);
		return -1;
	}
	if (rc != 0) {
		char *s = dupf(bl, "%s: not drawn (%s).", caption, err);

		add_text(bl, RB_TEXT, 0, s);
		free(s);
		free(buf);
		return bl->oom ? -1 : 0;
	}
	if ((file = add_file(out, name, buf, len)) == NULL)
		return 0;
	if ((b = add(bl, RB_FIGURE)) == NULL)
		return -1;
	b->file = dup(bl, name);
	b->text = dup(bl, caption);
	b->svg = file->data;
	return bl->oom ? -1 : 0;
}

/* The figures that apply to the run: with the data set axis, the epochs
 * and the matrix of each set (the scales figure draws every set). */
static int
figures(report_blocks *bl, report_files *out, const report_input *in)
{
	const sweep_plan *p = &in->t->plan;
	char              name[96], cap[320], sn[64];
	int               rc, nd = p->ndatasets > 1 ? p->ndatasets : 1;

	add_text(bl, RB_HEADING, 2, "Figures");
	/* against scale, and the matrix, only with more than one scale */
	rc = p->nscales < 2 ? 0 : figure(bl, out, in, FIGURE_SCALES, 0, 0,
	    "scales.svg", "Final train and val accuracy against the noise "
	    "scale");
	for (int i = 0; rc == 0 && i < nd * p->ncorruptions; i++) {
		int         d = i / p->ncorruptions, k = i % p->ncorruptions;
		const char *cn = corrupt_name(p->corruptions[k]);
		char        sfx[64] = "";

		if (nd > 1)
			snprintf(sfx, sizeof sfx, "-%s",
			    dataset_info_of(p->datasets[d])->key);
		if (p->ncorruptions > 1)
			snprintf(sfx + strlen(sfx), sizeof sfx - strlen(sfx),
			    "-%s", cn);
		snprintf(sn, sizeof sn, "%s%s", nd > 1 ?
		    sweep_plan_dataset_name(p, d) : "", nd > 1 ? ", " : "");
		snprintf(name, sizeof name, "epochs%s.svg", sfx);
		snprintf(cap, sizeof cap, "Accuracy and loss per epoch, %s%s "
		    "(the mean over the seeds)", sn, cn);
		rc = figure(bl, out, in, FIGURE_EPOCHS, k, d, name, cap);
		if (rc == 0 && (p->nscales > 1 || p->ntest > 1)) {
			snprintf(name, sizeof name, "matrix%s.svg", sfx);
			snprintf(cap, sizeof cap, "Test accuracy, %s%s: train "
			    "scale × test scale", sn, cn);
			rc = figure(bl, out, in, FIGURE_MATRIX, k, d, name,
			    cap);
		}
	}
	if (rc == 0 && sweep_plan_probes(p))
		rc = figure(bl, out, in, FIGURE_SENSITIVITY, 0, 0,
		    "sensitivity.svg", "The probes against the training scale");
	return rc;
}

/* The pages' blocks: what was run, the tables, the figures, the files. */
static int
build(report_blocks *bl, report_files *out, const report_input *in,
    char *err, size_t errlen)
{
	csv_grid      sum, mat;
	report_block *b;
	int           nfact = 0;

	memset(&sum, 0, sizeof sum);
	memset(&mat, 0, sizeof mat);
	if ((in->summary_csv != NULL && csv_parse("summary.csv",
	    in->summary_csv, &sum, err, errlen) != 0) ||
	    (in->matrix_csv != NULL && csv_parse("matrix.csv", in->matrix_csv,
	    &mat, err, errlen) != 0)) {
		csv_free(&sum);
		return -1;
	}
	add_text(bl, RB_HEADING, 1, in->title);
	add_text(bl, RB_HEADING, 2, "What was run");
	for (int i = 0; i < in->nfacts; i++)
		nfact += !in->facts[i].code;
	for (int i = 0; i < in->nfacts; i++)
		if (in->facts[i].code) {
			char *s = dupf(bl, "%s:", in->facts[i].key);

			add_text(bl, RB_TEXT, 0, s);
			free(s);
			add_text(bl, RB_CODE, 0, in->facts[i].value);
		}
	if (nfact > 0 && (b = add_table(bl, RB_FACTS, 2, nfact)) != NULL)
		for (int i = 0, r = 0; i < in->nfacts; i++)
			if (!in->facts[i].code) {
				b->cell[2 * r] = dup(bl, in->facts[i].key);
				b->cell[2 * r++ + 1] = dup(bl, in->facts[i].value);
			}
	if (sum.config != NULL) {
		char *s = dupf(bl, "Configuration: %s.", sum.config);

		add_text(bl, RB_TEXT, 0, s);
		free(s);
	}
	add_text(bl, RB_HEADING, 2, "Summary");
	if (sum.head != NULL && sum.nrows > 0)
		summary_table(bl, &sum);
	else
		add_text(bl, RB_TEXT, 0, "No row has finished yet.");
	if (mat.head != NULL)
		matrix_tables(bl, &mat);
	csv_free(&sum);
	csv_free(&mat);
	if (in->t != NULL && figures(bl, out, in) != 0)
		bl->oom = 1;
	if ((in->summary_csv != NULL && add_copy(out, "summary.csv",
	    in->summary_csv) != 0) || (in->matrix_csv != NULL &&
	    add_copy(out, "matrix.csv", in->matrix_csv) != 0))
		bl->oom = 1;
	add_text(bl, RB_HEADING, 2, "Files");
	if ((b = add_table(bl, RB_LINKS, 0, out->n)) != NULL) {
		b->text = dup(bl, "Everything in this folder:");
		for (int i = 0; i < out->n; i++)
			b->cell[i] = dup(bl, out->file[i].name);
	}
	return bl->oom ? err_set(err, errlen, "out of memory") : 0;
}

/* The blocks as page name, written by fn, into slot. */
static int
page(report_file *slot, const char *name, const char *title,
    const report_blocks *bl, void (*fn)(FILE *, const char *,
    const report_blocks *))
{
	FILE *f = open_memstream(&slot->data, &slot->len);

	snprintf(slot->name, sizeof slot->name, "%s", name);
	if (f == NULL)
		return -1;
	fn(f, title, bl);
	return fclose(f) == 0 ? 0 : -1;
}

int
report_render(const report_input *in, report_files *out, char *err,
    size_t errlen)
{
	report_blocks bl;
	int           rc;

	memset(out, 0, sizeof *out);
	memset(&bl, 0, sizeof bl);
	/* The two pages first, written once the blocks are known. */
	out->n = 2;
	snprintf(out->file[0].name, sizeof out->file[0].name, REPORT_README);
	snprintf(out->file[1].name, sizeof out->file[1].name, REPORT_HTML);
	rc = build(&bl, out, in, err, errlen);
	if (rc == 0 && (page(&out->file[0], REPORT_README, in->title, &bl,
	    report_write_md) != 0 || page(&out->file[1], REPORT_HTML,
	    in->title, &bl, report_write_html) != 0))
		rc = err_set(err, errlen, "out of memory");
	blocks_free(&bl);
	return rc;
}

void
report_files_free(report_files *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->n; i++)
		free(f->file[i].data);
	memset(f, 0, sizeof *f);
}

/*
 * ui_view: the result panes.  The training pane shows the job's progress
 * and, for the selected row, one of its views (v cycles): the epoch
 * curves as line plots, the per-epoch table, the kept model's confusion
 * matrix, or the train x test matrix (ui_heat.c's).  The ladder shows
 * the image on screen at every scale of the table with the kept model's
 * prediction.  (The sweep pane and the aside are ui_chart.c's.)  All of
 * it is drawn by the pure renderers of chart.h into a grid the terminal
 * layer copies.
 */
#include "ui/ui_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/corrupt.h"
#include "engine/probe.h"

/* The largest chart any pane draws (a 1000-column terminal is cut). */
#define GRID_W 512
#define GRID_H 128

static char          grid_text[GRID_H * CHART_ROW_BYTES(GRID_W)];
static unsigned char grid_tag[GRID_W * GRID_H];

/* A w x h grid over the one static buffer (the UI thread alone draws). */
chart_grid
ui_grid_of(int w, int h)
{
	chart_grid g = { w < GRID_W ? w : GRID_W, h < GRID_H ? h : GRID_H,
	    grid_text, grid_tag };

	return g;
}

/* The first of several titles that fits w cells (the longest first,
 * NULL-terminated); the last when none does. */
const char *
ui_fit(int w, const char *const *t)
{
	int i = 0;

	while (t[i + 1] != NULL && ui_cells(t[i]) > w)
		i++;
	return t[i];
}

/* A label at the right end of a rule: " curves @0.5 ". */
static void
rule_right(const ui *u, ui_rect r, const char *label)
{
	int n = ui_cells(label) + 2;

	if (n + 8 < r.w)
		ui_putf(u, r.y, r.x + r.w - n - 1, n, UI_STYLE(UI_C_HEAD,
		    UI_A_BOLD, UI_A_BOLD), " %s ", label);
}

/* The corruption the sweep pane plots: the selected row's. */
int
ui_shown_corruption(const ui *u, const sweep_table *t)
{
	return t == &u->snap->table && u->res.sel >= 0 && u->res.sel < t->n ?
	    t->rows[u->res.sel].corruption_index : 0;
}

int
ui_shown_group(const ui *u, const sweep_table *t)
{
	return t == &u->snap->table && u->res.sel >= 0 && u->res.sel < t->n ?
	    t->rows[u->res.sel].dataset_index * sweep_plan_ndecays(&t->plan) :
	    0;
}

/* ------------------------------------------------------------ progress */

/*
 * A loaded run's note in w cells, never a number cut: whole, else from
 * its second clause ("followed live: at scale 1 (2 of 2), epoch 1/2"),
 * else from where it stopped ("at scale 1 ..."), else its first word.
 */
static const char *
short_note(const char *note, int w)
{
	static char first[64];
	const char *p;

	if (ui_cells(note) <= w)
		return note;
	if (strstr(note, "on other data") != NULL)
		return "interrupted, on other data";
	if ((p = strstr(note, ", ")) != NULL && ui_cells(p + 2) <= w)
		return p + 2;
	if ((p = strstr(note, "at scale")) != NULL && ui_cells(p) <= w)
		return p;
	snprintf(first, sizeof first, "%.*s", (int)strcspn(note, " ,"), note);
	return first;
}

/* Lines 1 and 2 of the training pane: what runs and how fast. */
/* How many rows of t are training now (side by side with --jobs). */
static int
running_rows(const sweep_table *t)
{
	int n = 0;

	for (int i = 0; i < t->n; i++)
		n += t->rows[i].state == SWEEP_RUNNING;
	return n;
}

/*
 * Rows trained side by side: the job's line (how many rows at once, the
 * job's ETA), then each row in training with its own progress bar
 * (render_row_progress), sharing the second line.
 */
static void
draw_lanes(ui *u, int y, int x, int w)
{
	const worker_status *s = &u->snap->st;
	const sweep_table   *t = &u->snap->table;
	int  nr = running_rows(t), cw = (w - (nr - 1)) / nr, k = 0, done = 0;
	char a[32], buf[512], lab[32], sc[32];

	for (int i = 0; i < t->n; i++)
		done += t->rows[i].state == SWEEP_DONE;
	render_estimate(s->eta_lo, s->eta, s->eta_hi, a, sizeof a);
	ui_putf(u, y, x, w, UI_PLAIN(UI_A_BOLD), "%s%d rows at once, %d of %d "
	    "done  job ETA %s", s->paused ? "PAUSED " : s->cancelling ?
	    "stopping " : "", nr, done, t->n, a);
	for (int i = 0; i < t->n && k < nr; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_RUNNING)
			continue;
		snprintf(lab, sizeof lab, "s%s", ui_fmt_scale(r->scale, sc,
		    sizeof sc));
		render_row_progress(i + 1, t->n, lab, r->live.epoch,
		    t->cfg.epochs, r->live.batch, r->live.batches, cw,
		    u->look.cs, buf, sizeof buf);
		ui_put(u, y + 1, x + k * (cw + 1), cw, UI_STYLE(UI_C_RUN, 0, 0),
		    buf);
		k++;
	}
}

static void
draw_progress(ui *u, int y, int x, int w)
{
	const worker_status *s = &u->snap->st;
	const sweep_table   *t = &u->snap->table;
	char a[32], b[32], sc[32], buf[512];

	if (s->state == WORKER_LOADED) {
		const sweep_plan *p = &t->plan;

		/* What it was: its note, then its grid when that fits. */
		snprintf(buf, sizeof buf, "%s: %s %s, %d seed%s", s->run_note,
		    corrupt_name(p->corruptions[0]), sweep_mode_name(p->mode),
		    p->nseeds, p->nseeds == 1 ? "" : "s");
		ui_put(u, y, x, w, s->run_resumable ? UI_STYLE(UI_C_RUN,
		    UI_A_BOLD, UI_A_BOLD) : UI_PLAIN(UI_A_BOLD),
		    ui_cells(buf) <= w ? buf : short_note(s->run_note, w));
		/* Loaded results say with which limits. */
		snprintf(buf, sizeof buf, "%d row%s x %d ep, train %zu test %zu",
		    t->n, t->n == 1 ? "" : "s", t->cfg.epochs, s->train_n,
		    s->test_n);
		if (ui_cells(buf) > w)
			snprintf(buf, sizeof buf, "%dx%d ep, train %zu test %zu",
			    t->n, t->cfg.epochs, s->train_n, s->test_n);
		ui_put(u, y + 1, x, w, UI_PLAIN(UI_A_DIM), buf);
	} else if (s->state == WORKER_RUNNING && running_rows(t) > 1) {
		draw_lanes(u, y, x, w);
	} else if (s->state == WORKER_RUNNING) {
		int    row = t->current >= 0 ? t->current : 0;
		int    tail, bw;
		char   bar[4 * 512];
		double f = s->batches > 0 ? (double)s->batch / s->batches : 0.0;

		/* The ETA is the whole job's, and says so; a range while few
		 * of its parts are measured (runs/eta.h). */
		render_estimate(s->eta_lo, s->eta, s->eta_hi, a, sizeof a);
		snprintf(buf, sizeof buf, "%s%s %d/%d @%s ep %d/%d  job ETA %s",
		    s->paused ? "PAUSED " : "", s->cancelling ? "stopping" :
		    "row", row + 1, t->n, ui_fmt_scale(t->rows[row].scale, sc,
		    sizeof sc), s->epoch, s->epochs, a);
		for (int k = 0; k < 2 && ui_cells(buf) > w; k++) {
			/* Narrow: the short form, then the middle value. */
			if (k == 1)
				render_duration(s->eta, a, sizeof a);
			snprintf(buf, sizeof buf, "%s%d/%d @%s ep %d/%d ETA %s",
			    s->paused ? "PAUSED " : "", row + 1, t->n,
			    ui_fmt_scale(t->rows[row].scale, sc, sizeof sc),
			    s->epoch, s->epochs, a);
		}
		ui_put(u, y, x, w, UI_PLAIN(UI_A_BOLD), buf);
		/* Line 2: batch progress bar, then timings (paused time left
		 * out of s/epoch). */
		render_duration(s->sec_per_epoch, b, sizeof b);
		snprintf(buf, sizeof buf, " %d/%d %s/ep", s->batch, s->batches,
		    b);
		tail = ui_cells(buf);
		bw = w - 2 - tail;
		if (bw > 512)
			bw = 512;
		if (bw > 3) {
			render_bar(f, bw, u->look.cs, bar, sizeof bar);
			ui_put(u, y + 1, x, bw, UI_STYLE(UI_C_RUN, UI_A_REVERSE,
			    0), bar);
			ui_put(u, y + 1, x + bw, tail + 1, UI_PLAIN(0), buf);
		} else
			ui_put(u, y + 1, x, w, UI_PLAIN(0), buf);
	} else {
		render_duration(s->elapsed, a, sizeof a);
		ui_putf(u, y, x, w, s->state == WORKER_DONE ?
		    UI_PLAIN(UI_A_BOLD) : UI_STYLE(UI_C_BAD, UI_A_BOLD, 0),
		    "%s %s after %s", job_kind_name(s->job),
		    s->state == WORKER_DONE ? "done" :
		    s->state == WORKER_CANCELLED ? "cancelled" : "failed", a);
		render_duration(s->sec_per_epoch, b, sizeof b);
		ui_putf(u, y + 1, x, w, UI_PLAIN(UI_A_DIM), "%d row%s x %d "
		    "ep, %s/ep", t->n, t->n == 1 ? "" : "s", t->cfg.epochs, b);
	}
}

/* -------------------------------------------------------------- views */

/* Line plots of accuracy (and loss when there is room) of one row. */
static void
view_curves(ui *u, const sweep_row *row, int y, int x, int w, int h)
{
	double *v = malloc((size_t)(row->nhist > 0 ? row->nhist : 1) * 4 *
	    sizeof *v);
	int     n = row->nhist, nplot = h >= 10 ? 2 : 1;

	if (v == NULL || n == 0) {
		ui_put(u, y, x, w, UI_PLAIN(UI_A_DIM), n == 0 ?
		    "no finished epoch yet" : "out of memory");
		free(v);
		return;
	}
	for (int e = 0; e < n; e++) {
		v[e] = row->hist[e].acc;
		v[n + e] = row->hist[e].val_acc;
		v[2 * n + e] = row->hist[e].loss;
		v[3 * n + e] = row->hist[e].val_loss;
	}
	for (int p = 0; p < nplot; p++) {
		int          ph = nplot == 2 ? (p == 0 ? h - h / 2 : h / 2) : h;
		int          py = y + (p == 0 ? 0 : h - h / 2);
		chart_series s[2] = {
			{ v + 2 * p * n, n, p ? "train loss" : "train acc %" },
			{ v + (2 * p + 1) * n, n, p ? "val loss" : "val acc %" },
		};
		chart_lines_opts o = { 0.0, 0.0, { p ? CHART_NUM_G :
		    CHART_NUM_PCT, p ? 3 : 1, CHART_NUM_ROUND }, 1, ph >= 6 };
		chart_grid g = ui_grid_of(w, ph);

		if (chart_lines(s, 2, &o, u->look.cs, &g) == 0)
			ui_grid(u, py, x, &g);
	}
	free(v);
}

/* The per-epoch table of one row: the last epochs that fit. */
void
ui_view_table(ui *u, const sweep_row *row, int y, int x, int w, int h)
{
	int first = row->nhist - (h - 1);

	ui_put(u, y, x, w, UI_STYLE(UI_C_HEAD, UI_A_BOLD, UI_A_BOLD),
	    w >= 37 ? " ep    acc   loss    val  vloss     s" :
	    " ep    acc   loss    val  vloss");
	if (first < 0)
		first = 0;
	for (int e = first, yy = y + 1; e < row->nhist; e++, yy++) {
		const train_epoch *h1 = &row->hist[e];

		ui_putf(u, yy, x, w, UI_PLAIN(0), "%3d %6.2f %6.4f %6.2f %6.4f"
		    " %5.1f", h1->epoch, h1->acc * 100.0, h1->loss,
		    h1->val_acc * 100.0, h1->val_loss, h1->seconds);
	}
	if (row->nhist == 0)
		ui_put(u, y + 1, x, w, UI_PLAIN(UI_A_DIM), "no epoch yet");
}

int
ui_confusion(const ui *u, long *counts)
{
	const worker_snapshot *s = u->snap;

	memset(counts, 0, 100 * sizeof *counts);
	if (s->test_pred == NULL)
		return 0;
	for (size_t i = 0; i < s->test_n && i < u->ds->test.n; i++)
		if (s->test_pred[i] < 10 && u->ds->test.label[i] < 10)
			counts[u->ds->test.label[i] * 10 + s->test_pred[i]]++;
	return 1;
}

/* The matrix's options: the set's class names on its axes, where it has
 * them (NULL: digits). */
static const chart_confusion_opts *
confusion_opts(const ui *u, chart_confusion_opts *o)
{
	if (u->ds->class_name[0] == NULL)
		return NULL;
	o->labels = u->ds->class_name;
	o->levels = 8;
	return o;
}

static void
view_confusion(ui *u, const sweep_row *row, int y, int x, int w, int h)
{
	(void)row;
	long       counts[100];
	chart_grid g = ui_grid_of(w, h > 12 ? 12 : h);
	chart_confusion_opts co;

	u->hits.matrix = (ui_hit){ 0, 0, 0, 0 };
	if (!ui_confusion(u, counts)) {
		ui_put(u, y, x, w, UI_PLAIN(UI_A_DIM), "no model yet: the "
		    "matrix needs one");
		return;
	}
	if (chart_confusion(counts, 10, confusion_opts(u, &co), u->look.cs,
	    &g, &u->hits.matrix_cells) != 0) {
		ui_putf(u, y, x, w, UI_PLAIN(UI_A_DIM), "%dx%d is too small "
		    "for the matrix", w, h);
		return;
	}
	ui_grid(u, y, x, &g);
	u->hits.matrix = (ui_hit){ y, x, g.w, g.h };
	/* The chosen cell, reversed: m browses its images. */
	if (u->res.cell >= 0) {
		const chart_cells *c = &u->hits.matrix_cells;
		char num[32], c1[80], c2[80];

		snprintf(num, sizeof num, "%*ld", c->cw, counts[u->res.cell]);
		ui_put(u, y + c->y0 + u->res.cell / 10, x + c->x0 +
		    (u->res.cell % 10) * c->cw, c->cw, UI_PLAIN(UI_A_REVERSE |
		    UI_A_BOLD), num);
		if (h > g.h)
			ui_putf(u, y + g.h, x, w, UI_PLAIN(UI_A_DIM),
			    "true %s as %s: %ld, m shows them", ui_class(u,
			    u->res.cell / 10, c1, sizeof c1), ui_class(u,
			    u->res.cell % 10, c2, sizeof c2), counts[u->res.cell]);
	}
}

/*
 * The kept model's reliability diagram (Guo et al. 2017) on its run's own
 * test images at a test scale, the preview's (Up/Down choose it): per
 * confidence bin (PROBE_ECE_BINS equal widths; the empty ones left out)
 * its images, its accuracy as a bar and its mean confidence, under the
 * expected calibration error.  The worker evaluates at the scale asked.
 */
static void
view_calibration(ui *u, const sweep_row *row, int y, int x, int w, int h)
{
	const worker_snapshot *s = u->snap;
	const probe_reliability *c = &s->st.calib;
	float  scale = u->samples.scale;
	int    bw = w - 34, line = 2;
	char   bar[4 * 256], sc[32];

	(void)row;
	if (!s->st.have_model || s->test_n == 0) {
		ui_put(u, y, x, w, UI_PLAIN(UI_A_DIM), "no model yet: the "
		    "diagram needs one");
		return;
	}
	if (!s->st.calib_valid || s->st.calib_scale != scale ||
	    s->st.calib_gen != s->pred_gen) {
		/* Asked once per scale and model; the answer redraws. */
		if (u->res.calib_asked != scale ||
		    u->res.calib_asked_gen != s->pred_gen) {
			worker_calibrate(u->w, scale);
			u->res.calib_asked = scale;
			u->res.calib_asked_gen = s->pred_gen;
		}
		ui_putf(u, y, x, w, UI_PLAIN(UI_A_DIM), "evaluating at test "
		    "scale %s...", ui_fmt_scale(scale, sc, sizeof sc));
		return;
	}
	ui_putf(u, y, x, w, UI_STYLE(UI_C_HEAD, UI_A_BOLD, UI_A_BOLD),
	    "ECE %.3f  conf %.1f%%  acc %.1f%%  of %zu", c->total.ece,
	    c->total.conf * 100.0, c->total.acc * 100.0, s->test_n);
	ui_putf(u, y + 1, x, w, UI_PLAIN(UI_A_DIM), "at test scale %s "
	    "(Up/Down choose)", ui_fmt_scale(scale, sc, sizeof sc));
	ui_put(u, y + line++, x, w, UI_STYLE(UI_C_HEAD, UI_A_DIM, 0),
	    "confidence     n  acc% conf%  accuracy");
	for (int b = PROBE_ECE_BINS - 1; b >= 0 && line < h; b--) {
		if (c->count[b] == 0)
			continue;
		render_bar(c->acc[b], bw > 4 ? bw : 4, u->look.cs, bar,
		    sizeof bar);
		ui_putf(u, y + line++, x, w, UI_PLAIN(0), "%4.2f-%4.2f %5zu "
		    "%5.1f %5.1f  ", (double)b / PROBE_ECE_BINS,
		    (double)(b + 1) / PROBE_ECE_BINS, c->count[b],
		    c->acc[b] * 100.0, c->conf[b] * 100.0);
		ui_put(u, y + line - 1, x + 33, w - 33, UI_STYLE(UI_C_VAL, 0, 0),
		    bar);
	}
}

/* Receptive fields drawn at half size: 14 x 14, in 7 rows of 14 cells. */
#define FIELD_SIDE (DATASET_SIDE / 2)

/* One model's receptive fields in a panel at (y, x), w x h: its title,
 * then as many fields as fit, each over its unit's number. */
static void
weights_panel(ui *u, int k, const char *who, int y, int x, int w, int h)
{
	const worker_status *st = &u->snap->st;
	float img[FIELD_SIDE * FIELD_SIDE];
	int   per = w / (FIELD_SIDE + 1), rows = (h - 1) / (FIELD_SIDE / 2 + 1);
	float m = st->fields_max > 0.0f ? st->fields_max : 1.0f;
	char  sc[32];

	ui_putf(u, y, x, w, UI_STYLE(UI_C_HEAD, UI_A_BOLD, UI_A_BOLD),
	    "%s @ %s s%llu: %d units with the largest |W1|", who,
	    ui_fmt_scale(st->fields_scale[k], sc, sizeof sc),
	    (unsigned long long)st->fields_seed[k], st->nfields[k]);
	for (int f = 0; f < st->nfields[k] && f < per * rows; f++) {
		const float *wf = u->snap->fields[k] + (size_t)f * DATASET_NPIX;
		int          fy = y + 1 + f / per * (FIELD_SIDE / 2 + 1);
		int          fx = x + f % per * (FIELD_SIDE + 1);

		/* 2 x 2 means; 0 is mid grey, +-m white and black: one scale
		 * for both models. */
		for (int r = 0; r < FIELD_SIDE; r++)
			for (int c = 0; c < FIELD_SIDE; c++) {
				const float *p = wf + 2 * r * DATASET_SIDE + 2 * c;
				float        v = (p[0] + p[1] + p[DATASET_SIDE] +
				    p[DATASET_SIDE + 1]) / 4.0f;

				img[r * FIELD_SIDE + c] = 0.5f + 0.5f * v / m;
			}
		ui_image(u, img, FIELD_SIDE, fy, fx);
		ui_putf(u, fy + FIELD_SIDE / 2, fx, FIELD_SIDE, UI_PLAIN(UI_A_DIM),
		    "#%d", st->field_unit[k][f]);
	}
}

/*
 * The first layer's receptive fields of the kept model and, beside them,
 * of the clean row of its seed: 28 x 28 weights shown at half size on
 * one grey scale (black -max, grey 0, white +max) for both.
 */
static void
view_weights(ui *u, const sweep_row *row, int y, int x, int w, int h)
{
	const worker_status *st = &u->snap->st;
	int two = st->nfields[1] > 0, pw = two ? (w - 1) / 2 : w;

	(void)row;
	if (st->nfields[0] == 0 || u->snap->fields[0] == NULL) {
		ui_put(u, y, x, w, UI_PLAIN(UI_A_DIM), "no model yet: the "
		    "weights need one");
		return;
	}
	ui_putf(u, y, x, w, UI_PLAIN(UI_A_DIM), "W1 on one scale: black "
	    "-%.3g, grey 0, white +%.3g%s", (double)st->fields_max,
	    (double)st->fields_max, two ? "" : " (no clean row of this seed "
	    "to compare)");
	weights_panel(u, 0, "model", y + 1, x, pw, h - 1);
	if (two)
		weights_panel(u, 1, "clean", y + 1, x + pw + 1, pw, h - 1);
}

int
ui_view_fits(ui *u, ui_rect r)
{
	long        counts[100];
	chart_grid  g;
	chart_cells where;
	chart_confusion_opts co;

	if (u->res.view == UI_VIEW_CONFUSION) {
		/* The matrix at this size, drawn and thrown away. */
		if (r.h < 3 + 12)
			return 0;
		if (!ui_confusion(u, counts))
			return 1;
		g = ui_grid_of(r.w - 2, 12);
		return chart_confusion(counts, 10, confusion_opts(u, &co),
		    u->look.cs, &g, &where) == 0;
	}
	if (u->res.view == UI_VIEW_ROWS)  /* caption, plot, legend */
		return r.h - 3 >= 12 && r.w - 2 >= 30;
	if (u->res.view == UI_VIEW_WEIGHTS)
		return r.h >= 3 + 2 + 2 * (FIELD_SIDE / 2 + 1) &&
		    r.w - 2 >= 2 * 4 * (FIELD_SIDE + 1) + 1;
	if (u->res.view == UI_VIEW_GRID)
		return ui_heat_fits(u, r);
	return 1;
}

/* The train x test matrix as a view of the training pane. */
static void
view_grid(ui *u, const sweep_row *row, int y, int x, int w, int h)
{
	(void)row;
	ui_view_grid(u, y, x, w, h);
}

/* Every row's curves as a view of the training pane. */
static void
view_rows(ui *u, const sweep_row *row, int y, int x, int w, int h)
{
	(void)row;
	ui_view_rows(u, y, x, w, h, 1);
}

/* Each view's label and how it draws the selected row (v cycles). */
static void (*const view_draw[UI_NVIEWS])(ui *u, const sweep_row *row,
    int y, int x, int w, int h) = { view_curves, ui_view_table, view_confusion,
	view_grid, view_calibration, view_weights, view_rows };

static const char *const view_name[UI_NVIEWS] = { "curves", "epochs",
	"confusion", "train x test", "calibration", "weights", "all rows" };

void
ui_draw_training(ui *u, ui_rect r)
{
	const worker_status *s = &u->snap->st;
	const sweep_table   *t = &u->snap->table;
	char t1[512], t2[512], t3[320], lim[96], lab[64], sc[32];
	const char *titles[5] = { t1, t2, t3, NULL, NULL };
	int  k = ui_curves_row(u), w = r.w;

	ui_limits(u, lim, sizeof lim);
	lab[0] = '\0';
	if (s->state != WORKER_IDLE && t->n > 0 && k >= 0) {
		if (u->res.view == UI_VIEW_GRID || u->res.view == UI_VIEW_ROWS)
			snprintf(lab, sizeof lab, "%s", view_name[u->res.view]);
		else if (u->res.view == UI_VIEW_CONFUSION ||
		    u->res.view == UI_VIEW_CALIB ||
		    u->res.view == UI_VIEW_WEIGHTS)
			snprintf(lab, sizeof lab, "%s @%s s%llu",
			    view_name[u->res.view],
			    ui_fmt_scale(s->model_scale, sc, sizeof sc),
			    (unsigned long long)s->model_seed);
		else
			snprintf(lab, sizeof lab, "%s @%s%s%s s%llu",
			    view_name[u->res.view], ui_fmt_scale(t->rows[k].scale,
			    sc, sizeof sc), t->rows[k].corruption !=
			    CORRUPT_GAUSSIAN ? " " : "", t->rows[k].corruption !=
			    CORRUPT_GAUSSIAN ? corrupt_name(t->rows[k].corruption) :
			    "", (unsigned long long)t->rows[k].seed);
	}
	if (s->state == WORKER_IDLE) {
		snprintf(t1, sizeof t1, "Training: no job yet");
		titles[1] = NULL;
	} else if (s->state == WORKER_LOADED) {
		/* Loaded results say so, and with which limits. */
		snprintf(t1, sizeof t1, "Training: loaded run %s (%s)",
		    s->run_id, lim);
		snprintf(t2, sizeof t2, "Training: loaded run %s", s->run_id);
		snprintf(t3, sizeof t3, "Loaded %s", s->run_id);
		titles[3] = "Loaded run";
	} else {
		snprintf(t1, sizeof t1, "Training: %s  run %s (%s)",
		    job_kind_name(s->job), s->run_id, lim);
		snprintf(t2, sizeof t2, "Training: %s  run %s",
		    job_kind_name(s->job), s->run_id);
		snprintf(t3, sizeof t3, "Training: %s", job_kind_name(s->job));
	}
	/* The title leaves room for the view's label on the right; the
	 * label gives up its view's name ("@0.5 s42") before the title
	 * gives up the run's id. */
	{
		const char *at = strchr(lab, '@');
		const char *full = ui_fit(w - 6 - (lab[0] ? ui_cells(lab) + 2 : 0),
		    titles);
		const char *brief = at != NULL ? ui_fit(w - 6 - ui_cells(at) - 2,
		    titles) : full;
		int         fi = 0, bi = 0;

		while (titles[fi] != NULL && titles[fi] != full)
			fi++;
		while (titles[bi] != NULL && titles[bi] != brief)
			bi++;
		if (at != NULL && bi < fi)
			memmove(lab, at, strlen(at) + 1);
		ui_rule(u, r.y, r.x, w, bi < fi ? brief : full);
	}
	if (lab[0] != '\0')
		rule_right(u, r, lab);
	if (s->state == WORKER_IDLE || t->n == 0 || k < 0) {
		ui_put(u, r.y + 1, r.x + 1, w - 1, UI_PLAIN(UI_A_DIM),
		    "t train at the preview scale");
		ui_put(u, r.y + 2, r.x + 1, w - 1, UI_PLAIN(UI_A_DIM),
		    "c clean vs noisy, s sweep, o runs");
		return;
	}
	draw_progress(u, r.y + 1, r.x + 1, w - 1);
	if (r.h <= 3)
		return;
	view_draw[u->res.view](u, &t->rows[k], r.y + 3, r.x + 1, w - 2,
	    r.h - 3);
}



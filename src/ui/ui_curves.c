/*
 * ui_curves: every row at once, as TensorBoard shows its runs.  Each
 * row's validation accuracy by epoch, coloured (or, without colours,
 * glyphed and dashed) by its training scale, over the band of mean ± sd
 * of that scale's seeds; the selected row drawn last, bold.  A view of
 * the training pane (v) and, on a wide screen, a pane of its own.  The
 * plot is chart_curves()'s: this file only gathers the values.
 */
#include "ui/ui_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/corrupt.h"

/* What the plot is made of, for the rows of one corruption and decay. */
typedef struct {
	int           ns, nb, mark, nseeds, nscales, epochs;
	double       *v;        /* ns * epochs values, then the bands' */
	chart_series *s;
	int          *style;
	chart_band    band[SWEEP_MAX_SCALES];
	char          key[CHART_MAX_STYLES][32];
	const char   *keyp[CHART_MAX_STYLES];
	char          mark_key[64];
} curves;

/* The rows shown: those of the selected row's corruption and decay (the
 * first ones when none is selected). */
static int
shown(const sweep_row *r, int c, int d)
{
	return r->corruption_index == c && r->decay_index == d && r->nhist > 0;
}

/* What a plot shows of an epoch: val accuracy in per cent, or val loss. */
enum { METRIC_ACC, METRIC_LOSS };

static double
metric(const train_epoch *h, int m)
{
	return m == METRIC_ACC ? h->val_acc * 100.0 : h->val_loss;
}

/* Mean ± sd over the seeds of scale j at each epoch (two seeds at least
 * with that epoch, else NaN). */
static void
band_of(const sweep_table *t, int c, int d, int j, int m, int epochs,
    double *lo, double *hi)
{
	for (int e = 0; e < epochs; e++) {
		double sum = 0.0, sq = 0.0, mean;
		int    n = 0;

		for (int i = 0; i < t->n; i++) {
			const sweep_row *r = &t->rows[i];

			if (r->corruption_index != c || r->decay_index != d ||
			    r->scale_index != j || r->nhist <= e)
				continue;
			sum += metric(&r->hist[e], m);
			n++;
		}
		if (n < 2) {
			lo[e] = hi[e] = NAN;
			continue;
		}
		mean = sum / n;
		for (int i = 0; i < t->n; i++) {
			const sweep_row *r = &t->rows[i];

			if (r->corruption_index == c && r->decay_index == d &&
			    r->scale_index == j && r->nhist > e)
				sq += (metric(&r->hist[e], m) - mean) *
				    (metric(&r->hist[e], m) - mean);
		}
		lo[e] = mean - sqrt(sq / (n - 1));
		hi[e] = mean + sqrt(sq / (n - 1));
	}
}

/* Gather the plot of metric m of t's rows; 0, or -1 (none to show, out
 * of memory). */
static int
curves_gather(const ui *u, const sweep_table *t, int m, curves *cv)
{
	const sweep_plan *p = &t->plan;
	int   sel = u->res.sel >= 0 && u->res.sel < t->n ? u->res.sel : -1;
	int   c = ui_shown_corruption(u, t);
	int   d = sel >= 0 ? t->rows[sel].decay_index : 0;
	char  sc[32];

	memset(cv, 0, sizeof *cv);
	cv->mark = -1;
	cv->epochs = t->cfg.epochs > 0 ? t->cfg.epochs : 1;
	cv->nseeds = p->nseeds;
	cv->nscales = p->nscales;
	cv->v = malloc(((size_t)t->n + 2 * SWEEP_MAX_SCALES) *
	    (size_t)cv->epochs * sizeof *cv->v);
	cv->s = malloc(((size_t)t->n + 1) * sizeof *cv->s);
	cv->style = malloc(((size_t)t->n + 1) * sizeof *cv->style);
	if (cv->v == NULL || cv->s == NULL || cv->style == NULL)
		return -1;
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];
		double *v = cv->v + (size_t)cv->ns * cv->epochs;

		if (!shown(r, c, d))
			continue;
		for (int e = 0; e < r->nhist && e < cv->epochs; e++)
			v[e] = metric(&r->hist[e], m);
		if (i == sel)
			cv->mark = cv->ns;
		cv->s[cv->ns] = (chart_series){ v, r->nhist < cv->epochs ?
		    r->nhist : cv->epochs, NULL };
		cv->style[cv->ns++] = r->scale_index % CHART_MAX_STYLES;
	}
	if (cv->ns == 0)
		return -1;
	for (int j = 0; p->nseeds > 1 && j < p->nscales; j++) {
		double *lo = cv->v + ((size_t)t->n + 2 * (size_t)j) * cv->epochs;

		band_of(t, c, d, j, m, cv->epochs, lo, lo + cv->epochs);
		cv->band[cv->nb++] = (chart_band){ lo, lo + cv->epochs,
		    cv->epochs, j % CHART_MAX_STYLES };
	}
	/* The legend names each style's scales ("0.1", or "0.1/3" when
	 * more scales than styles share it). */
	for (int k = 0; k < CHART_MAX_STYLES && k < p->nscales; k++) {
		int n = snprintf(cv->key[k], sizeof cv->key[k], "%s",
		    ui_fmt_scale(p->scales[k], sc, sizeof sc));

		for (int j = k + CHART_MAX_STYLES; j < p->nscales; j +=
		    CHART_MAX_STYLES)
			if (n < (int)sizeof cv->key[k])
				n += snprintf(cv->key[k] + n, sizeof cv->key[k] -
				    (size_t)n, "/%s", ui_fmt_scale(p->scales[j],
				    sc, sizeof sc));
		cv->keyp[k] = cv->key[k];
	}
	if (sel >= 0 && cv->mark >= 0)
		snprintf(cv->mark_key, sizeof cv->mark_key, "selected %s s%llu",
		    ui_fmt_scale(t->rows[sel].scale, sc, sizeof sc),
		    (unsigned long long)t->rows[sel].seed);
	return 0;
}

static void
curves_free(curves *cv)
{
	free(cv->v);
	free(cv->s);
	free(cv->style);
}

/* The caption of the plot: what it shows, and of how many rows. */
static void
curves_caption(const ui *u, const curves *cv, char *buf, size_t len,
    int w)
{
	const sweep_table *t = &u->snap->table;
	const char *corr = corrupt_name(t->plan.corruptions[
	    ui_shown_corruption(u, t)]);

	snprintf(buf, len, "Val acc %% of %d rows (%s), by scale%s", cv->ns,
	    corr, cv->nseeds > 1 ? u->look.cs == RENDER_UTF8 ?
	    ", mean ± sd over seeds" : ", mean +- sd over seeds" : "");
	if (ui_cells(buf) > w)
		snprintf(buf, len, "Val acc %% of %d rows", cv->ns);
}

/* The plot of cv in w x h at (y, x), its legend on legend rows (0
 * none); its y labels as fmt.  Returns 0, or -1 (too small: says so). */
static int
curves_plot(ui *u, curves *cv, int y, int x, int w, int h, int legend,
    chart_fmt fmt)
{
	chart_curves_opts o = { 0.0, 0.0, fmt, 1, cv->style, cv->mark,
		cv->band, cv->nb, cv->keyp, cv->nscales < CHART_MAX_STYLES ?
		cv->nscales : CHART_MAX_STYLES, u->look.cs == RENDER_UTF8 ?
		"mean±sd" : "mean+-sd", cv->mark_key[0] ? cv->mark_key : NULL,
		legend };
	chart_grid g = ui_grid_of(w, h);

	if (chart_curves(cv->s, cv->ns, &o, u->look.cs, &g) != 0) {
		ui_putf(u, y, x, w, UI_PLAIN(UI_A_DIM), "%dx%d is too small "
		    "for the curves", w, h);
		return -1;
	}
	ui_grid(u, y, x, &g);
	return 0;
}

int
ui_view_rows(ui *u, int y, int x, int w, int h, int caption)
{
	const sweep_table *t = &u->snap->table;
	curves cv, cl;
	char   cap[160];
	int    rc, two = h - caption >= 2 * 10;

	if (u->snap->st.state == WORKER_IDLE || t->n == 0) {
		ui_put(u, y, x, w, UI_PLAIN(UI_A_DIM), "no rows yet: s sweeps");
		return -1;
	}
	if (curves_gather(u, t, METRIC_ACC, &cv) != 0) {
		ui_put(u, y, x, w, UI_PLAIN(UI_A_DIM), "no finished epoch yet");
		curves_free(&cv);
		return -1;
	}
	if (caption) {
		curves_caption(u, &cv, cap, sizeof cap, w);
		ui_put(u, y, x, w, UI_STYLE(UI_C_HEAD, UI_A_BOLD, UI_A_BOLD),
		    cap);
		y++;
		h--;
	}
	/* Room for two: val accuracy above, val loss below (TensorBoard's
	 * scalars, each over every row), one legend under both. */
	if (two && curves_gather(u, t, METRIC_LOSS, &cl) == 0) {
		int ha = h / 2 - 1;

		rc = curves_plot(u, &cv, y, x, w, ha, 0, (chart_fmt){
		    CHART_NUM_FIXED, 0, 0 });
		ui_put(u, y + ha, x, w, UI_STYLE(UI_C_HEAD, UI_A_DIM, 0),
		    "val loss");
		rc |= curves_plot(u, &cl, y + ha + 1, x, w, h - ha - 1, 2,
		    (chart_fmt){ CHART_NUM_G, 3, CHART_NUM_ROUND });
		curves_free(&cl);
	} else {
		if (two)
			curves_free(&cl);
		rc = curves_plot(u, &cv, y, x, w, h, h >= 8 ? 2 : h >= 6 ? 1 :
		    0, (chart_fmt){ CHART_NUM_FIXED, 0, 0 });
	}
	curves_free(&cv);
	return rc;
}

void
ui_draw_curves(ui *u, ui_rect r)
{
	const sweep_table *t = &u->snap->table;
	curves cv;
	char   cap[160];

	snprintf(cap, sizeof cap, "Val acc of every row");
	if (u->snap->st.state != WORKER_IDLE && t->n > 0) {
		if (curves_gather(u, t, METRIC_ACC, &cv) == 0)
			curves_caption(u, &cv, cap, sizeof cap, r.w - 6);
		curves_free(&cv);
	}
	ui_rule(u, r.y, r.x, r.w, cap);
	if (r.h > 1)
		ui_view_rows(u, r.y + 1, r.x + 1, r.w - 2, r.h - 1, 0);
}

void
ui_draw_epochs(ui *u, ui_rect r)
{
	const sweep_table *t = &u->snap->table;
	int  k = ui_curves_row(u);
	char title[96], sc[32];

	if (u->snap->st.state == WORKER_IDLE || k < 0 || k >= t->n) {
		ui_rule(u, r.y, r.x, r.w, "Epochs");
		return;
	}
	snprintf(title, sizeof title, "Epochs of the selected row @%s s%llu",
	    ui_fmt_scale(t->rows[k].scale, sc, sizeof sc),
	    (unsigned long long)t->rows[k].seed);
	ui_rule(u, r.y, r.x, r.w, title);
	ui_view_table(u, &t->rows[k], r.y + 1, r.x + 1, r.w - 1, r.h - 1);
}

/*
 * ui_chart: the sweep pane (accuracy against noise: a group of bars per
 * training scale, the values printed, whiskers over seeds, marked runs
 * overlaid; a window of its groups when they outnumber its lines) and,
 * on wide screens, the aside beside the samples: the train x test heat
 * map and the sortable row table.
 */
#include "ui/ui_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/corrupt.h"

/* -------------------------------------------------------------- sweep */

/* The value of a marked run at a scale, NaN when it has none. */
static double
overlay_at(const worker_overlay *ov, double scale)
{
	for (int i = 0; i < ov->n; i++)
		if (fabs(ov->scale[i] - scale) < 1e-6)
			return ov->val[i];
	return NAN;
}

/* The chart's values: per training scale of corruption c, the final
 * train (v[0]) and val (v[1]) accuracies, over the seeds (mean, sd,
 * range) when there are several, else the row's last epoch, finished or
 * not (part: a cancelled row's, not final); then the overlaid runs'
 * (v[2], v[3]). */
struct sweep_values {
	double scales[SWEEP_MAX_SCALES], v[4][SWEEP_MAX_SCALES];
	double sd[2][SWEEP_MAX_SCALES], lo[2][SWEEP_MAX_SCALES],
	       hi[2][SWEEP_MAX_SCALES];
	unsigned char part[SWEEP_MAX_SCALES];
};

static void
sweep_values(const ui *u, const sweep_table *t, int c, int seeds,
    struct sweep_values *sv)
{
	const sweep_plan *p = &t->plan;

	for (int j = 0; j < p->nscales; j++) {
		int              i = sweep_row_index(t, c, j, 0);
		const sweep_row *row = i >= 0 ? &t->rows[i] : NULL;

		sv->scales[j] = p->scales[j];
		sv->part[j] = !seeds && row != NULL && row->nhist > 0 &&
		    row->state == SWEEP_CANCELLED;
		if (seeds) {
			sweep_summary sum;

			sweep_summarize(t, c, j, &sum);
			sv->v[0][j] = sum.acc.n ? sum.acc.mean : NAN;
			sv->v[1][j] = sum.val_acc.n ? sum.val_acc.mean : NAN;
			sv->sd[0][j] = sum.acc.n ? sum.acc.sd : NAN;
			sv->sd[1][j] = sum.val_acc.n ? sum.val_acc.sd : NAN;
			sv->lo[0][j] = sum.acc.n ? sum.acc.min : NAN;
			sv->lo[1][j] = sum.val_acc.n ? sum.val_acc.min : NAN;
			sv->hi[0][j] = sum.acc.n ? sum.acc.max : NAN;
			sv->hi[1][j] = sum.val_acc.n ? sum.val_acc.max : NAN;
		} else {
			sv->v[0][j] = row != NULL && row->nhist > 0 ?
			    row->hist[row->nhist - 1].acc : NAN;
			sv->v[1][j] = row != NULL && row->nhist > 0 ?
			    row->hist[row->nhist - 1].val_acc : NAN;
		}
		for (int k = 0; k < u->snap->st.noverlay; k++)
			sv->v[2 + k][j] = overlay_at(&u->snap->st.overlay[k],
			    p->scales[j]);
	}
}

/* The chart's title over r: the longest of its forms that fits. */
static void
sweep_title(ui *u, ui_rect r, const sweep_plan *p, int c, int seeds,
    int has_train)
{
	const worker_status *s = &u->snap->st;
	char title[512], t2[128], grid[96], lim[96];

	ui_limits(u, lim, sizeof lim);
	grid[0] = '\0';
	if (seeds || p->ncorruptions > 1 || p->corruptions[c] !=
	    CORRUPT_GAUSSIAN || p->mode != SWEEP_FIXED)
		snprintf(grid, sizeof grid, ", %s %s, %d seed%s",
		    corrupt_name(p->corruptions[c]), sweep_mode_name(p->mode),
		    p->nseeds, p->nseeds == 1 ? "" : "s");
	if (s->state == WORKER_IDLE)
		snprintf(title, sizeof title, "Accuracy vs noise: s sweeps");
	else
		snprintf(title, sizeof title, "%s vs noise (%s%s%s)", has_train ?
		    "Accuracy" : "Val accuracy", s->state == WORKER_LOADED ?
		    "loaded, " : "", lim, grid);
	snprintf(t2, sizeof t2, "%s (%s%zu/%zu)", has_train ? "Accuracy" :
	    "Val acc", s->state == WORKER_LOADED ? "loaded " : "",
	    s->train_n ? s->train_n : u->ds->train.n, s->test_n ?
	    s->test_n : u->ds->test.n);
	{
		const char *tt[4] = { title, t2, s->state == WORKER_LOADED ?
		    "Accuracy (loaded)" : "Accuracy vs noise", NULL };

		ui_rule(u, r.y, r.x, r.w, ui_fit(r.w - 4, tt));
	}
}

/* The gutter left of the bars: the selected row's scale (>), the one
 * training (*), the cancelled (x); each row's line for the mouse. */
static void
sweep_gutter(ui *u, ui_rect r, const sweep_table *t, int c, int ns, int top,
    int vis)
{
	const sweep_plan *p = &t->plan;

	for (int j = top; j < top + vis && j < p->nscales; j++) {
		int         yy = r.y + 1 + (j - top) * ns;
		int         sel = t == &u->snap->table && u->res.sel >= 0 &&
		    u->res.sel < t->n && t->rows[u->res.sel].corruption_index ==
		    c && t->rows[u->res.sel].scale_index == j;
		int         busy = 0, cancelled = 0;
		const char *mark;

		for (int k = 0; k < p->nseeds * sweep_plan_ngroups(p); k++) {
			int ik = sweep_row_index_wd(t, k / p->nseeds, c, j,
			    k % p->nseeds);

			busy |= ik >= 0 && t->rows[ik].state == SWEEP_RUNNING &&
			    u->snap->st.state == WORKER_RUNNING;
			cancelled |= ik >= 0 && t->rows[ik].state ==
			    SWEEP_CANCELLED;
		}
		mark = sel ? ">" : busy ? "*" : cancelled ? "x" : " ";
		u->hits.sweep_row_y[j] = yy;
		ui_put(u, yy, r.x, 1, UI_STYLE(UI_C_RUN, UI_A_BOLD, UI_A_BOLD),
		    mark);
	}
}

/* The training-scale group of the selected row, or -1 (another
 * corruption's, or none). */
static int
selected_group(const ui *u, const sweep_table *t, int c)
{
	if (t != &u->snap->table || u->res.sel < 0 || u->res.sel >= t->n ||
	    t->rows[u->res.sel].corruption_index != c)
		return -1;
	return t->rows[u->res.sel].scale_index;
}

/*
 * The chart's window when its groups outnumber its lines: vis groups
 * from *top, keeping the selected group (or the one training) in view.
 */
static void
sweep_window(const ui *u, const sweep_table *t, int c, int n, int vis,
    int *top)
{
	int g = selected_group(u, t, c);

	if (g < 0 && t->current >= 0 && t->current < t->n)
		g = t->rows[t->current].scale_index;
	*top = g < 0 ? 0 : g - vis / 2;
	if (*top > n - vis)
		*top = n - vis;
	if (*top < 0)
		*top = 0;
}

/*
 * The data set axis: for each training scale of corruption c a bar per
 * set, side by side and named: its final val accuracy (over the seeds,
 * as a whisker, when several; else its row's last epoch, finished or
 * not).  Overlaid runs are left out: their finals mix the sets.
 */
static void
draw_sweep_sets(ui *u, ui_rect r, const sweep_table *t, int c)
{
	const sweep_plan *p = &t->plan;
	int    nd = p->ndatasets, n = p->nscales, seeds = p->nseeds > 1;
	int    gh = r.h - 1, top = 0, vis = n, foot;
	double x[SWEEP_MAX_SCALES], v[4][SWEEP_MAX_DATASETS][SWEEP_MAX_SCALES];
	unsigned char part[SWEEP_MAX_DATASETS][SWEEP_MAX_SCALES];
	char   title[256], names[160] = "";
	chart_bar_series bs[SWEEP_MAX_DATASETS];

	for (int d = 0; d < nd; d++) {
		snprintf(names + strlen(names), sizeof names - strlen(names),
		    "%s%s", d ? " vs " : "", sweep_plan_dataset_name(p, d));
		for (int j = 0; j < n; j++) {
			int              g = d * sweep_plan_ndecays(p);
			int              i = sweep_row_index_wd(t, g, c, j, 0);
			const sweep_row *row = i >= 0 ? &t->rows[i] : NULL;
			sweep_summary    sum;

			x[j] = p->scales[j];
			/* a cancelled row's last epoch: drawn as not final */
			part[d][j] = !seeds && row != NULL && row->nhist > 0 &&
			    row->state == SWEEP_CANCELLED;
			sweep_summarize_wd(t, g, c, j, &sum);
			v[0][d][j] = seeds ? (sum.val_acc.n ? sum.val_acc.mean :
			    NAN) : row != NULL && row->nhist > 0 ?
			    row->hist[row->nhist - 1].val_acc : NAN;
			v[1][d][j] = sum.val_acc.n ? sum.val_acc.sd : NAN;
			v[2][d][j] = sum.val_acc.n ? sum.val_acc.min : NAN;
			v[3][d][j] = sum.val_acc.n ? sum.val_acc.max : NAN;
		}
	}
	snprintf(title, sizeof title, "Val accuracy vs noise: %s (%s, %d "
	    "seed%s)", names, corrupt_name(p->corruptions[c]), p->nseeds,
	    seeds ? "s" : "");
	{
		const char *tt[3] = { title, names, NULL };

		ui_rule(u, r.y, r.x, r.w, ui_fit(r.w - 4, tt));
	}
	foot = gh > n * nd;
	if (gh < n * nd) {
		foot = 1;
		vis = (gh - foot) / nd;
		sweep_window(u, t, c, n, vis > 0 ? vis : 1, &top);
	}
	if (vis < 1) {
		ui_putf(u, r.y + 1, r.x + 1, r.w - 1, UI_PLAIN(UI_A_DIM),
		    "%d data sets need %d lines", nd, nd + 1);
		return;
	}
	for (int d = 0; d < nd; d++)
		bs[d] = (chart_bar_series){ sweep_plan_dataset_name(p, d),
		    v[0][d] + top, seeds ? v[1][d] + top : NULL, seeds ?
		    v[2][d] + top : NULL, seeds ? v[3][d] + top : NULL,
		    part[d] + top };
	{
		chart_grid g = ui_grid_of(r.w - 1, vis * nd);

		if (chart_scale_bars(x + top, vis, bs, nd, NULL, u->look.cs,
		    &g) != 0) {
			ui_put(u, r.y + 1, r.x + 1, r.w - 1, UI_PLAIN(UI_A_DIM),
			    "too narrow for the bars");
			return;
		}
		ui_grid(u, r.y + 1, r.x + 1, &g);
	}
	sweep_gutter(u, r, t, c, nd, top, vis);
	if (vis < n)
		ui_putf(u, r.y + 1 + vis * nd, r.x + 1, r.w - 1,
		    UI_PLAIN(UI_A_DIM), "rows %d-%d of %d (j/k)", top + 1,
		    top + vis, n);
	else if (foot && u->snap->st.noverlay > 0)
		ui_put(u, r.y + 1 + n * nd, r.x + 1, r.w - 1, UI_PLAIN(UI_A_DIM),
		    "marked runs are not overlaid on several data sets");
	else if (foot && t == &u->snap->table && u->res.sel >= 0 &&
	    u->res.sel < t->n)
		ui_putf(u, r.y + 1 + n * nd, r.x + 1, r.w - 1,
		    UI_PLAIN(UI_A_DIM), "selected: %s, %s, seed %d of %d (j/k)",
		    sweep_plan_dataset_name(p, t->rows[u->res.sel].dataset_index),
		    corrupt_name(t->rows[u->res.sel].corruption),
		    t->rows[u->res.sel].seed_index + 1, p->nseeds);
}

void
ui_draw_sweep(ui *u, ui_rect r)
{
	const worker_status *s = &u->snap->st;
	const sweep_table   *t = s->state != WORKER_IDLE &&
	    u->snap->table.n > 0 ? &u->snap->table : u->plan;
	const sweep_plan    *p = &t->plan;
	int    c = ui_shown_corruption(u, t), n = p->nscales, ns = 0;
	int    gw = r.w - 1, gh = r.h - 1, want, seeds = p->nseeds > 1;
	int    top = 0, vis = n, foot;
	struct sweep_values sv;
	chart_bar_series bs[4];
	const char *oname[2] = { "A val", "B val" };

	for (int i = 0; i < SWEEP_MAX_SCALES; i++)
		u->hits.sweep_row_y[i] = -1;
	u->hits.sweep = (ui_hit){ r.y + 1, r.x, r.w, r.h - 1 };
	if (p->ndatasets > 1) {
		draw_sweep_sets(u, r, t, c);
		return;
	}
	sweep_values(u, t, c, seeds, &sv);
	/* A line below the bars when overlays or a window need one: an
	 * overlay is never dropped without saying so. */
	foot = s->noverlay > 0 || gh < n;
	/* Val always; then the marked runs, then train, as room allows
	 * (train is drawn first); more groups than lines: a window. */
	want = 1;
	while (want < 1 + s->noverlay && gh - foot >= (want + 1) * n)
		want++;
	if (gh - foot < n) {
		/* The overlays too when one group of all fits. */
		foot = 1;
		want = gh - foot >= 1 + s->noverlay ? 1 + s->noverlay : 1;
		vis = (gh - foot) / want;
		if (vis > n)
			vis = n;
		sweep_window(u, t, c, n, vis > 0 ? vis : 1, &top);
	}
	if (vis == n && gh - foot >= (want + 1) * n)
		bs[ns++] = (chart_bar_series){ "train", sv.v[0], seeds ?
		    sv.sd[0] : NULL, seeds ? sv.lo[0] : NULL, seeds ?
		    sv.hi[0] : NULL, sv.part };
	bs[ns++] = (chart_bar_series){ "val", sv.v[1] + top, seeds ? sv.sd[1] +
	    top : NULL, seeds ? sv.lo[1] + top : NULL, seeds ? sv.hi[1] + top :
	    NULL, sv.part + top };
	for (int k = 0; k < want - 1; k++)
		bs[ns++] = (chart_bar_series){ oname[k], sv.v[2 + k] + top, 0, 0,
		    0, NULL };
	sweep_title(u, r, p, c, seeds, strcmp(bs[0].name, "train") == 0);
	if (n == 0 || vis < 1) {
		if (gh >= 1)
			ui_putf(u, r.y + 1, r.x + 1, r.w - 1, UI_PLAIN(UI_A_DIM),
			    n == 0 ? "no rows" : "%d scales need %d lines", n, 2);
		return;
	}
	{
		chart_grid g = ui_grid_of(gw, vis * ns);

		if (chart_scale_bars(sv.scales + top, vis, bs, ns, NULL,
		    u->look.cs, &g) != 0) {
			ui_put(u, r.y + 1, r.x + 1, r.w - 1, UI_PLAIN(UI_A_DIM),
			    "too narrow for the bars");
			return;
		}
		ui_grid(u, r.y + 1, r.x + 1, &g);
	}
	sweep_gutter(u, r, t, c, ns, top, vis);
	if (vis < n)
		ui_putf(u, r.y + 1 + vis * ns, r.x + 1, r.w - 1,
		    UI_PLAIN(UI_A_DIM), "rows %d-%d of %d (j/k)%s", top + 1,
		    top + vis, n, want - 1 < s->noverlay ? "; overlays need "
		    "more lines" : "");
	else if (s->noverlay > 0 && r.h - 1 > n * ns)
		ui_putf(u, r.y + 1 + n * ns, r.x + 1, r.w - 1,
		    UI_PLAIN(UI_A_DIM), "%s%s%s%s%s", want > 1 ? "A " : "",
		    want > 1 ? s->overlay[0].id : "", want > 2 ? "  B " : "",
		    want > 2 ? s->overlay[1].id : "", want - 1 < s->noverlay ?
		    (want > 1 ? "  (B needs more lines)" : s->noverlay > 1 ?
		    "A and B need more lines" : "A needs more lines") : "");
	else if ((seeds || p->ncorruptions > 1) && t == &u->snap->table &&
	    u->res.sel >= 0 && u->res.sel < t->n && r.h - 1 > n * ns)
		ui_putf(u, r.y + 1 + n * ns, r.x + 1, r.w - 1,
		    UI_PLAIN(UI_A_DIM), "selected: %s, seed %d of %d (j/k)",
		    corrupt_name(t->rows[u->res.sel].corruption),
		    t->rows[u->res.sel].seed_index + 1, p->nseeds);
}

int
ui_sweep_lines(const ui *u)
{
	const worker_status *s = &u->snap->st;
	const sweep_table   *t = s->state != WORKER_IDLE &&
	    u->snap->table.n > 0 ? &u->snap->table : u->plan;
	const sweep_plan    *p = t != NULL ? &t->plan : NULL;

	if (p == NULL || p->nscales == 0)
		return 0;
	/* the title, train and val and the overlays for every scale, the
	 * line under them */
	return 1 + p->nscales * (2 + s->noverlay) + (s->noverlay > 0 ||
	    p->nseeds > 1 || p->ncorruptions > 1);
}

/* ------------------------------------------------ the wide screen's aside */

static const char *const sort_names[UI_NSORTS] = { "row", "scale", "seed",
	"train acc", "val acc", "loss", "seconds" };

const char *
ui_sort_name(int sort)
{
	return sort >= 0 && sort < UI_NSORTS ? sort_names[sort] : "row";
}

/* A row's figures for the table: its last epoch's, and its seconds. */
static void
row_figures(const sweep_row *r, double *acc, double *val, double *loss,
    double *secs)
{
	*acc = *val = *loss = NAN;
	*secs = 0.0;
	for (int e = 0; e < r->nhist; e++)
		*secs += r->hist[e].seconds;
	if (r->nhist > 0) {
		*acc = r->hist[r->nhist - 1].acc;
		*val = r->hist[r->nhist - 1].val_acc;
		*loss = r->hist[r->nhist - 1].loss;
	}
}

/* The sort key of row i: ascending, missing figures last. */
static double
sort_key(const sweep_table *t, int i, int sort)
{
	const sweep_row *r = &t->rows[i];
	double acc, val, loss, secs, k;

	row_figures(r, &acc, &val, &loss, &secs);
	switch (sort) {
	case UI_SORT_SCALE:   k = r->scale; break;
	case UI_SORT_SEED:    k = (double)r->seed; break;
	case UI_SORT_TRAIN:   k = -acc; break;
	case UI_SORT_VAL:     k = -val; break;
	case UI_SORT_LOSS:    k = loss; break;
	case UI_SORT_SECONDS: k = secs; break;
	default:              k = i; break;
	}
	return isnan(k) ? HUGE_VAL : k;
}

/* The rows of t in the table's order into order[] (stable: ties keep
 * the grid's order). */
static void
sorted_rows(const sweep_table *t, int sort, int *order)
{
	for (int i = 0; i < t->n; i++) {
		int j = i;

		order[i] = i;
		while (j > 0 && sort_key(t, order[j - 1], sort) >
		    sort_key(t, i, sort)) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

#define SPARK_X 69  /* the sparkline's column: the wide table's end + 2 */

/* A row's val accuracy by epoch as a sparkline of w cells on 0..1 (its
 * epochs spread over them). */
static void
row_curve(ui *u, const sweep_row *row, int y, int x, int w, int sel)
{
	double v[40];
	char   buf[4 * 40 + 1];
	int    n = row->nhist < w ? row->nhist : w;

	for (int i = 0; i < n; i++)
		v[i] = row->hist[n > 1 ? (int)((long)i * (row->nhist - 1) /
		    (n - 1)) : row->nhist - 1].val_acc;
	render_sparkline(v, n, 0.0, 1.0, n, u->look.cs, buf, sizeof buf);
	ui_put(u, y, x, w, sel ? UI_STYLE(UI_C_RUN, UI_A_BOLD, UI_A_BOLD) :
	    UI_STYLE(UI_C_VAL, 0, 0), buf);
}

/* The row table: scale, seed, corruption, train and val accuracy, loss,
 * seconds, in the chosen order; the selected row marked, kept in view. */
static void
draw_row_table(ui *u, ui_rect r)
{
	const sweep_table *t = &u->snap->table;
	int   order[SWEEP_MAX_ROWS], top = 0, rows = r.h - 2, at = 0, wide;
	int   spark;
	char  title[96], v[4][16], sec[32], ep[16];

	snprintf(title, sizeof title, "Rows: %d, by %s (F6 sorts)", t->n,
	    ui_sort_name(u->res.sort));
	ui_rule(u, r.y, r.x, r.w, title);
	if (u->snap->st.state == WORKER_IDLE || t->n == 0 || rows < 1) {
		ui_put(u, r.y + 1, r.x + 1, r.w - 1, UI_PLAIN(UI_A_DIM),
		    "no rows yet: s sweeps");
		return;
	}
	/* the val loss and the epochs done where the width allows */
	wide = r.w - 1 >= 72;
	ui_put(u, r.y + 1, r.x + 1, r.w - 1, UI_STYLE(UI_C_HEAD, UI_A_BOLD,
	    UI_A_BOLD), wide ? (t->plan.ndatasets > 1 ? "   scale  seed data set "
	    "  train%   val%   loss  vloss       s   ep" : "   scale  seed "
	    "corruption  train%   val%   loss  vloss       s   ep") :
	    t->plan.ndatasets > 1 ? "   scale  seed data set   train%   val%"
	    "   loss       s" : "   scale  seed corruption  train%   val%"
	    "   loss       s");
	/* and, in the room left, each row's val curve (0..100%) */
	spark = wide ? r.w - SPARK_X : 0;
	spark = spark > 40 ? 40 : spark;
	if (spark >= 6)
		ui_put(u, r.y + 1, r.x + SPARK_X, spark, UI_STYLE(UI_C_HEAD,
		    UI_A_BOLD, UI_A_BOLD), spark >= 9 ? "val curve" : "curve");
	sorted_rows(t, u->res.sort, order);
	for (int k = 0; k < t->n; k++)
		if (order[k] == u->res.sel)
			at = k;
	if (at >= rows)
		top = at - rows + 1;
	for (int k = top; k < t->n && k - top < rows; k++) {
		const sweep_row *row = &t->rows[order[k]];
		double acc, val, loss, secs;
		int    sel = order[k] == u->res.sel;

		row_figures(row, &acc, &val, &loss, &secs);
		snprintf(v[0], sizeof v[0], isnan(acc) ? "-" : "%.2f",
		    acc * 100.0);
		snprintf(v[1], sizeof v[1], isnan(val) ? "-" : "%.2f",
		    val * 100.0);
		snprintf(v[2], sizeof v[2], isnan(loss) ? "-" : "%.4f", loss);
		snprintf(v[3], sizeof v[3], row->nhist == 0 ? "-" : "%.4f",
		    row->nhist > 0 ? row->hist[row->nhist - 1].val_loss : 0.0);
		render_duration(secs, sec, sizeof sec);
		snprintf(ep, sizeof ep, " %4d", row->nhist);
		ui_putf(u, r.y + 2 + k - top, r.x + 1, r.w - 1, sel ?
		    UI_STYLE(UI_C_RUN, UI_A_BOLD, UI_A_BOLD) : UI_PLAIN(0),
		    "%c %6g %5llu %-10s %6s %6s %6s%s%s %7s%s%s", sel ? '>' :
		    row->state == SWEEP_RUNNING ? '*' : row->state ==
		    SWEEP_CANCELLED ? 'x' : ' ', (double)row->scale,
		    (unsigned long long)row->seed, t->plan.ndatasets > 1 ?
		    dataset_info_of(t->plan.datasets[row->dataset_index])->key :
		    corrupt_name(row->corruption), v[0], v[1], v[2],
		    wide ? " " : "", wide ? v[3] : "", sec, wide ? ep : "",
		    row->state == SWEEP_DONE || row->nhist == 0 ? "" :
		    " (part)");
		if (spark >= 6 && row->nhist > 0 && (row->state == SWEEP_DONE ||
		    row->nhist == t->cfg.epochs))
			row_curve(u, row, r.y + 2 + k - top, r.x + SPARK_X, spark,
			    sel);
	}
}

void
ui_draw_aside(ui *u, ui_rect r)
{
	const sweep_table *t = &u->snap->table;
	int hm = t->n > 0 && u->snap->st.state != WORKER_IDLE ?
	    t->plan.nscales + 3 : 3;

	if (hm > r.h / 2)
		hm = r.h / 2;
	ui_rule(u, r.y, r.x, r.w, "Train x test: val accuracy % at every "
	    "test scale");
	if (u->snap->st.state == WORKER_IDLE || t->n == 0)
		ui_put(u, r.y + 1, r.x + 1, r.w - 1, UI_PLAIN(UI_A_DIM),
		    "no matrix yet: s sweeps");
	else
		ui_view_grid(u, r.y + 1, r.x + 1, r.w - 2, hm - 1);
	draw_row_table(u, (ui_rect){ r.y + hm, r.x, r.w, r.h - hm });
}

/*
 * ui_heat: the train x test matrix of a sweep as a heat map, for the
 * training pane's "train x test" view and the wide screen's aside.  Each
 * value sits on its level's colour from the ramp the terminal allows
 * (render/ramp.h: 256 colours, 8, or shade glyphs beside the numbers
 * where there are none), over the range of the values shown, which the
 * legend under it names; the selected row is marked ">".
 */
#include "ui/ui_priv.h"

#include <math.h>
#include <stdio.h>

#include "data/corrupt.h"
#include "engine/probe.h"

/*
 * Under the matrix, a run with --attack: each training scale's accuracy
 * under each attack (mean over seeds, on the clean test images), a column
 * per attack, so noise training can be read against adversarial
 * robustness (Gilmer et al. 2019).
 */
static void
attack_columns(ui *u, int y, int x, int w, int h, int c)
{
	const sweep_table *t = &u->snap->table;
	const sweep_plan  *p = &t->plan;
	char line[512], lab[64];
	int  n;

	if (p->nattacks == 0 || h < 2)
		return;
	n = snprintf(line, sizeof line, "%10s", "train\\att");
	for (int a = 0; a < p->nattacks && n < (int)sizeof line; a++)
		n += snprintf(line + n, sizeof line - (size_t)n, " %12s",
		    probe_attack_label(&p->attacks[a], lab, sizeof lab));
	ui_put(u, y, x, w, UI_STYLE(UI_C_HEAD, UI_A_DIM, 0), line);
	for (int j = 0; j < p->nscales && j + 1 < h; j++) {
		sweep_probe_summary ps;

		sweep_summarize_probes(t, 0, c, j, &ps);
		n = snprintf(line, sizeof line, "%10g", (double)p->scales[j]);
		for (int a = 0; a < p->nattacks && n < (int)sizeof line; a++) {
			if (ps.attack[a].n > 0)
				n += snprintf(line + n, sizeof line - (size_t)n,
				    " %12.1f", ps.attack[a].mean * 100.0);
			else
				n += snprintf(line + n, sizeof line - (size_t)n,
				    " %12s", "-");
		}
		ui_put(u, y + 1 + j, x, w, UI_PLAIN(0), line);
	}
}

/* The matrix of corruption c: its labels, means and sds (NaN where a
 * cell has none), and the range of its means (0 .. 1 when they are all
 * one value or none). */
struct heat_values {
	double rv[SWEEP_MAX_SCALES], cv[SWEEP_MAX_SCALES];
	double mean[SWEEP_MAX_SCALES * SWEEP_MAX_SCALES];
	double sd[SWEEP_MAX_SCALES * SWEEP_MAX_SCALES];
	double lo, hi;
};

static void
heat_values(const sweep_table *t, int grp, int c, struct heat_values *hv)
{
	const sweep_plan *p = &t->plan;
	int nr = p->nscales, nc = p->ntest;

	hv->lo = HUGE_VAL;
	hv->hi = -HUGE_VAL;
	for (int i = 0; i < nr; i++)
		hv->rv[i] = p->scales[i];
	for (int j = 0; j < nc; j++)
		hv->cv[j] = p->test_scales[j];
	for (int i = 0; i < nr; i++)
		for (int j = 0; j < nc; j++) {
			sweep_stat st;
			double     m;

			sweep_matrix_cell_wd(t, grp, c, i, j, &st);
			m = st.n > 0 ? st.mean : NAN;
			hv->mean[i * nc + j] = m;
			hv->sd[i * nc + j] = st.n > 1 ? st.sd : NAN;
			if (isfinite(m)) {
				hv->lo = m < hv->lo ? m : hv->lo;
				hv->hi = m > hv->hi ? m : hv->hi;
			}
		}
	if (!(hv->lo < hv->hi)) {
		hv->lo = 0.0;
		hv->hi = 1.0;
	}
}

/* The heat map's options for u's terminal: the ramp's levels, shade
 * glyphs without colours, the selected row of corruption c marked. */
static chart_heatmap_opts
heat_opts(const ui *u, const struct heat_values *hv, int c)
{
	const sweep_table *t = &u->snap->table;
	chart_heatmap_opts o = { "train\\test", { CHART_NUM_G, 0, 0 },
		{ CHART_NUM_G, 0, 0 }, { CHART_NUM_PCT, 1, CHART_NUM_ROUND },
		hv->lo, hv->hi, ramp_levels(u->look.heat, u->look.cs),
		u->look.heat == RAMP_MONO, 0 };

	if (u->res.sel >= 0 && u->res.sel < t->n &&
	    t->rows[u->res.sel].corruption_index == c)
		o.mark = t->rows[u->res.sel].scale_index + 1;
	return o;
}

int
ui_heat_fits(ui *u, ui_rect r)
{
	const sweep_table *t = &u->snap->table;
	const sweep_plan  *p = &t->plan;
	struct heat_values hv;
	chart_heatmap_opts o;
	chart_grid         g;
	int                c = ui_shown_corruption(u, t);

	if (p->nscales == 0 || p->ntest == 0)
		return 1;
	/* The pane's title and progress, the header, the rows, the
	 * legend: drawn at this size and thrown away. */
	if (r.h < 3 + p->nscales + 2)
		return 0;
	heat_values(t, ui_shown_group(u, t), c, &hv);
	o = heat_opts(u, &hv, c);
	g = ui_grid_of(r.w - 2, p->nscales + 1);
	return chart_heatmap(hv.rv, p->nscales, hv.cv, p->ntest, hv.mean,
	    p->nseeds > 1 ? hv.sd : NULL, &o, u->look.cs, &g, NULL) == 0;
}

/* The legend and what the values are, on one line: the ramp between the
 * lowest and the highest value shown, then the caption in what is left. */
static void
heat_legend(ui *u, int y, int x, int w, const struct heat_values *hv,
    const chart_heatmap_opts *o, int c)
{
	const sweep_plan *p = &u->snap->table.plan;
	chart_grid g = ui_grid_of(w, 1);
	int        n;

	n = chart_heat_legend(hv->lo, hv->hi, o->vfmt, o->levels, o->shade,
	    u->look.cs, &g);
	if (n < 0)
		n = 0;
	else
		ui_grid_heat(u, y, x, &g);
	ui_putf(u, y, x + n, w - n, UI_PLAIN(UI_A_DIM), "%stest acc %%, "
	    "%s%s%s%s", n > 0 ? "  " : "", p->ndatasets > 1 ?
	    sweep_plan_dataset_name(p, ui_shown_group(u, &u->snap->table) /
	    sweep_plan_ndecays(p)) : "", p->ndatasets > 1 ? ", " : "",
	    corrupt_name(p->corruptions[c]), p->nseeds > 1 ?
	    ", mean +- sd over seeds" : "");
}

void
ui_view_grid(ui *u, int y, int x, int w, int h)
{
	const sweep_table *t = &u->snap->table;
	const sweep_plan  *p = &t->plan;
	int    c = ui_shown_corruption(u, t), nr = p->nscales, nc = p->ntest;
	struct heat_values hv;
	chart_heatmap_opts o;
	chart_grid         g = ui_grid_of(w, nr + 1 < h ? nr + 1 : h);

	if (nc == 0 || nr == 0) {
		ui_put(u, y, x, w, UI_PLAIN(UI_A_DIM), "no matrix in this run");
		return;
	}
	heat_values(t, ui_shown_group(u, t), c, &hv);
	o = heat_opts(u, &hv, c);
	if (chart_heatmap(hv.rv, nr, hv.cv, nc, hv.mean, p->nseeds > 1 ?
	    hv.sd : NULL, &o, u->look.cs, &g, NULL) != 0) {
		ui_putf(u, y, x, w, UI_PLAIN(UI_A_DIM), "%dx%d is too small "
		    "for the %dx%d matrix", w, h, nr, nc);
		return;
	}
	ui_grid_heat(u, y, x, &g);
	if (h > g.h)
		heat_legend(u, y + g.h, x, w, &hv, &o, c);
	attack_columns(u, y + g.h + 1, x, w, h - g.h - 1, c);
}

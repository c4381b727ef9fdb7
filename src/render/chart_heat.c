/*
 * chart_heat: the train x test heat map as a grid of tagged cells, and its
 * legend.  The pane colours each CHART_TAG_SHADE cell from the ramp of
 * render/ramp.h; a screen without colours asks for the shade glyphs,
 * which the grid itself then carries, so the scale still reads.
 */
#include "render/chart.h"
#include "render/chart_priv.h"
#include "render/ramp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* mean (and "±sd") of one cell as text; returns its width in cells. */
static int
cell_text(double m, const double *sd, const chart_fmt *f,
    render_charset cs, char *buf, size_t n)
{
	size_t len = chart_num(m, *f, 0, buf, n);

	if (sd != NULL && isfinite(*sd) && !isnan(m)) {
		char s[64];

		chart_num(*sd, *f, 0, s, sizeof s);
		snprintf(buf + len, n - len, "%s%s",
		    cs == RENDER_UTF8 ? "±" : "+-", s);
	}
	return chart_width(buf);
}

/* The level of m between lo and hi on levels steps. */
static int
level_of(double m, double lo, double hi, int levels)
{
	return render_level((float)((m - lo) / (hi - lo)), levels);
}

/* Row r's values: a blank, then with shade its glyph, then the value
 * right-aligned; every cell of a value tagged by its level (NaN: plain). */
static void
heat_row(chart_grid *g, const chart_heatmap_opts *op, int r, int nc,
    const double *mean, const double *sd, int lw, int cw, double lo,
    double hi, render_charset cs)
{
	char buf[160];

	for (int c = 0; c < nc; c++) {
		double m = mean[r * nc + c];
		int    lev = isnan(m) ? -1 : level_of(m, lo, hi, op->levels);
		int    tag = lev < 0 ? CHART_TAG_PLAIN : CHART_TAG_SHADE + lev;
		int    x = lw + c * cw, vx = op->shade ? 2 : 0;

		for (int i = 0; i < cw; i++)
			chart_put(g, x + i, r + 1, " ", tag);
		if (op->shade && lev >= 0)
			chart_put(g, x + 1, r + 1, ramp_glyph(lev, cs), tag);
		cell_text(m, sd != NULL ? &sd[r * nc + c] : NULL, &op->vfmt, cs,
		    buf, sizeof buf);
		chart_text_right(g, x + vx, r + 1, cw - vx, buf, tag);
	}
}

int
chart_heatmap(const double *rv, int nr, const double *cv, int nc,
    const double *mean, const double *sd, const chart_heatmap_opts *o,
    render_charset cs, chart_grid *g, chart_cells *where)
{
	chart_heatmap_opts def = { "", { CHART_NUM_G, 0, 0 },
		{ CHART_NUM_G, 0, 0 }, { CHART_NUM_PCT, 1, 0 }, 0, 1, 8, 0, 0 };
	const chart_heatmap_opts *op = o != NULL ? o : &def;
	double lo = op->lo, hi = op->hi;
	int    lw = 1, cw = 1, r, c, n, corner, mark = op->mark > 0 ? 1 : 0;
	char   buf[160];

	if (!chart_grid_ok(g))
		return -1;
	chart_grid_clear(g);
	if (rv == NULL || cv == NULL || mean == NULL || nr < 1 || nc < 1 ||
	    op->levels < 2 || op->levels > CHART_MAX_LEVELS || g->h < nr + 1)
		return chart_fail(g);
	if (!(lo < hi)) {
		lo = 0.0;
		hi = 1.0;
	}
	for (r = 0; r < nr; r++) {
		n = (int)chart_num(rv[r], op->rfmt, 0, buf, sizeof buf) + mark;
		lw = n > lw ? n : lw;
	}
	for (c = 0; c < nc; c++) {
		n = (int)chart_num(cv[c], op->cfmt, 0, buf, sizeof buf);
		cw = n > cw ? n : cw;
	}
	for (r = 0; r < nr * nc; r++) {
		n = cell_text(mean[r], sd != NULL ? &sd[r] : NULL, &op->vfmt,
		    cs, buf, sizeof buf) + (op->shade ? 1 : 0);
		cw = n > cw ? n : cw;
	}
	cw++;  /* a blank before every value */
	/* The corner label gets what the figures leave, never more. */
	corner = chart_width(op->corner);
	if (corner > lw)
		lw = corner;
	if (lw + nc * cw > g->w)
		lw = g->w - nc * cw;
	for (r = 0; r < nr; r++)
		if ((int)chart_num(rv[r], op->rfmt, 0, buf, sizeof buf) + mark >
		    lw)
			return chart_fail(g);

	chart_text(g, 0, 0, op->corner, lw, CHART_TAG_AXIS);
	for (c = 0; c < nc; c++) {
		chart_num(cv[c], op->cfmt, 0, buf, sizeof buf);
		chart_text_right(g, lw + c * cw, 0, cw, buf, CHART_TAG_AXIS);
	}
	for (r = 0; r < nr; r++) {
		int sel = r == op->mark - 1;

		chart_num(rv[r], op->rfmt, 0, buf, sizeof buf);
		chart_text_right(g, 0, r + 1, lw, buf, sel ? CHART_TAG_MARK :
		    CHART_TAG_AXIS);
		if (sel)
			chart_put(g, 0, r + 1, ">", CHART_TAG_MARK);
		heat_row(g, op, r, nc, mean, sd, lw, cw, lo, hi, cs);
	}
	return chart_cells_done(g, where, lw, cw);
}

int
chart_heat_legend(double lo, double hi, chart_fmt f, int levels, int shade,
    render_charset cs, chart_grid *g)
{
	char a[64], b[64];
	int  la, lb, k, x;

	if (!chart_grid_ok(g))
		return -1;
	chart_grid_clear(g);
	if (levels < 2 || levels > CHART_MAX_LEVELS || !(lo <= hi))
		return chart_fail(g);
	la = (int)chart_num(lo, f, 0, a, sizeof a);
	lb = (int)chart_num(hi, f, 0, b, sizeof b);
	/* Two cells a step where they fit, else one. */
	k = la + 1 + 2 * levels + 1 + lb <= g->w ? 2 : 1;
	if (la == 0 || lb == 0 || la + 1 + k * levels + 1 + lb > g->w)
		return chart_fail(g);
	chart_text(g, 0, 0, a, la, CHART_TAG_PLAIN);
	x = la + 1;
	for (int l = 0; l < levels; l++)
		for (int i = 0; i < k; i++, x++)
			chart_put(g, x, 0, shade ? ramp_glyph(l, cs) : " ",
			    CHART_TAG_SHADE + l);
	chart_text(g, x + 1, 0, b, lb, CHART_TAG_PLAIN);
	chart_grid_pack(g);
	return x + 1 + lb;
}

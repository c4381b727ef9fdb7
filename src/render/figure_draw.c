/*
 * Standalone SVG figures: accuracy against scale, epoch curves, heat map.
 * Each lays out its figure and draws it with the primitives of
 * svg.c.
 */
#include "render/figure.h"

#include <math.h>

#include "base/err.h"
#include "render/svg.h"

#define SVG_MAXCELLS 64
#define CURVE_MAX_EPOCHS 4096  /* epochs of one curve in the epoch chart */

int
figure_scales_svg(FILE *f, const figure_scale_chart *c, char *err, size_t errlen)
{
	const int   W = 760, H = 470;
	double      x0 = 90, x1 = W - 200, y0 = 64, y1 = H - 70;
	const char *title = c->title ? c->title : "Accuracy against noise scale";
	double      lo = INFINITY, hi = -INFINITY, slot, nudge;
	int         bars = c->nseeds > 1;
	svg_axis   ya;
	svg_locale loc;
	double      xs[SVG_MAXCELLS * 4], ys[SVG_MAXCELLS * 4];

	if (c->n < 1 || c->n > SVG_MAXCELLS * 4 || c->scale == NULL)
		return err_set(err, errlen, "plot: %zu scales (1 to %d)", c->n,
		    SVG_MAXCELLS * 4);
	if (c->nseries < 1 || c->nseries > SVG_MAXSERIES || !c->series)
		return err_set(err, errlen, "plot: %zu series (1 to %d)",
		    c->nseries, SVG_MAXSERIES);
	for (size_t k = 0; k < c->nseries; k++)
		svg_extend(&lo, &hi, c->series[k].mean,
		    bars ? c->series[k].sd : NULL, c->n);
	if (!(lo <= hi))
		return err_set(err, errlen, "plot: no finite value to draw");
	if (!isfinite(c->ymin) || !isfinite(c->ymax))
		return err_set(err, errlen, "plot: y range not finite");
	svg_locale_enter(&loc);
	if (c->ymin < c->ymax)
		ya = svg_axis_fixed(c->ymin, c->ymax, y1, y0, 5);
	else
		ya = svg_axis_fit(lo, hi, y1, y0, 5);
	slot = (x1 - x0) / (double)c->n;
	nudge = fmin(7.0, slot / (3.0 * (double)c->nseries));

	svg_begin(f, W, H, title, c->subtitle);
	svg_y_axis(f, &ya, x0, x1, c->ylabel ? c->ylabel : "accuracy");
	for (size_t i = 0; i < c->n; i++) {
		double x = x0 + (i + 0.5) * slot;

		svg_line(f, x, y1, x, y1 + 5, AXIS_COLOUR);
		svg_text(f, x, y1 + 20, "text-anchor=\"middle\" "
		    "font-size=\"12\"", "%g", c->scale[i]);
	}
	svg_text(f, (x0 + x1) / 2, y1 + 46, "text-anchor=\"middle\"", "%s",
	    c->xlabel ? c->xlabel : "noise scale");
	svg_frame(f, x0, y0, x1, y1);
	/* Values outside a fixed y range are cut at the frame (with room
	 * for a marker on its edge), not drawn over the labels. */
	fprintf(f, "<defs><clipPath id=\"area\"><rect x=\"%.1f\" y=\"%.1f\" "
	    "width=\"%.1f\" height=\"%.1f\"/></clipPath></defs>\n", x0,
	    y0 - 6, x1 - x0, y1 - y0 + 12);

	for (size_t k = 0; k < c->nseries; k++) {
		const figure_series *s = &c->series[k];
		double             dx = ((double)k - (c->nseries - 1) / 2.0) *
		    nudge;

		if (!s->mean)
			continue;
		fprintf(f, "<g clip-path=\"url(#area)\">\n");
		svg_series(f, &ya, s->mean, s->sd, c->n, x0, slot, dx, (int)k,
		    bars, xs, ys);
		fprintf(f, "</g>\n");
	}

	/* Legend: one row per series, then what the whiskers mean. */
	{
		double lx = x1 + 16, ly = y0;
		double ynote = ly + 22 + 20.0 * (double)c->nseries;

		svg_legend_box(f, lx, ly, W - lx - 10, c->nseries + 1);
		for (size_t k = 0; k < c->nseries; k++) {
			double y = ly + 18 + 20.0 * (double)k;

			svg_key_line(f, lx + 8, lx + 34, y, svg_palette[k], 2,
			    NULL);
			svg_marker(f, (int)k, lx + 21, y, svg_palette[k],
			    "key");
			svg_text(f, lx + 42, y + 4, "font-size=\"12\"", "%s",
			    c->series[k].label ? c->series[k].label : "");
		}
		if (bars)
			svg_text(f, lx + 8, ynote, "font-size=\"11\" "
			    "fill=\"#555555\"", "mean \u00b1 sd, %d seeds",
			    c->nseeds);
		else
			svg_text(f, lx + 8, ynote, "font-size=\"11\" "
			    "fill=\"#555555\"", "one seed: no error bars");
	}
	svg_locale_leave(&loc);
	return svg_end(f, err, errlen);
}

/* One panel of the epoch chart: which = 0 accuracy, 1 loss. */
static void
epoch_panel(FILE *f, const figure_epoch_chart *c, int which, size_t nmax,
    double x0, double y0, double x1, double y1)
{
	double    lo = INFINITY, hi = -INFINITY;
	svg_axis xa, ya;
	double    xs[CURVE_MAX_EPOCHS], ys[CURVE_MAX_EPOCHS];
	int       d;

	for (size_t k = 0; k < c->ncurves; k++) {
		const figure_curve *cv = &c->curves[k];

		svg_extend(&lo, &hi, which ? cv->train_loss : cv->train_acc,
		    NULL, cv->n);
		svg_extend(&lo, &hi, which ? cv->val_loss : cv->val_acc,
		    NULL, cv->n);
	}
	if (!(lo <= hi)) {
		lo = 0;
		hi = 1;
		svg_text(f, (x0 + x1) / 2, (y0 + y1) / 2,
		    "text-anchor=\"middle\" fill=\"#888888\"", "no data");
	}
	ya = svg_axis_fit(lo, hi, y1, y0, 5);
	if (nmax > 1)
		xa = svg_axis_fit(1, (double)nmax, x0 + 8, x1 - 8, 6);
	else
		xa = svg_axis_fixed(0.5, 1.5, x0, x1, 1);
	if (xa.step < 1)
		xa.step = 1;
	xa.lo = fmax(xa.lo, nmax > 1 ? 1 : 0.5);
	xa.hi = fmax(xa.hi, (double)nmax);
	svg_y_axis(f, &ya, x0, x1, which ? "loss" : "accuracy");
	d = svg_step_decimals(xa.step);
	for (double v = ceil(xa.lo / xa.step) * xa.step; v <= xa.hi + 1e-9;
	    v += xa.step) {
		double x = svg_axis_px(&xa, v);

		if (v < 1)
			continue;
		svg_line(f, x, y1, x, y1 + 5, AXIS_COLOUR);
		svg_text(f, x, y1 + 19, "text-anchor=\"middle\" "
		    "font-size=\"11\"", "%.*f", d, v);
	}
	svg_text(f, (x0 + x1) / 2, y1 + 40, "text-anchor=\"middle\"",
	    "epoch");
	svg_text(f, (x0 + x1) / 2, y0 - 8, "text-anchor=\"middle\" "
	    "font-weight=\"bold\" font-size=\"13\"", "%s",
	    which ? "Loss" : "Accuracy");
	svg_frame(f, x0, y0, x1, y1);
	for (size_t k = 0; k < c->ncurves; k++) {
		const figure_curve *cv = &c->curves[k];
		const double     *tr = which ? cv->train_loss : cv->train_acc;
		const double     *va = which ? cv->val_loss : cv->val_acc;
		size_t            n = cv->n < CURVE_MAX_EPOCHS ? cv->n :
		    CURVE_MAX_EPOCHS;

		for (int pass = 0; pass < 2; pass++) {
			const double *v = pass ? va : tr;

			if (!v)
				continue;
			for (size_t i = 0; i < n; i++) {
				xs[i] = svg_axis_px(&xa, (double)(i + 1));
				ys[i] = isfinite(v[i]) ?
				    svg_axis_px(&ya, v[i]) : NAN;
			}
			svg_polyline(f, xs, ys, n, svg_palette[k],
			    pass ? "6 4" : NULL);
			/* A lone epoch or isolated point still shows. */
			for (size_t i = 0; i < n; i++)
				if (isfinite(ys[i]) && (n == 1 ||
				    ((i == 0 || !isfinite(ys[i - 1])) &&
				    (i + 1 == n || !isfinite(ys[i + 1])))))
					svg_marker(f, 0, xs[i], ys[i],
					    svg_palette[k], "point");
		}
	}
}

int
figure_epochs_svg(FILE *f, const figure_epoch_chart *c, char *err, size_t errlen)
{
	const int   W = 960, H = 440;
	const char *title = c->title ? c->title : "Training curves";
	size_t      nmax = 0;
	int         data = 0;
	svg_locale loc;

	if (c->ncurves < 1 || c->ncurves > SVG_MAXSERIES || !c->curves)
		return err_set(err, errlen, "plot: %zu curves (1 to %d)",
		    c->ncurves, SVG_MAXSERIES);
	for (size_t k = 0; k < c->ncurves; k++) {
		const figure_curve *cv = &c->curves[k];

		if (cv->n > CURVE_MAX_EPOCHS)
			return err_set(err, errlen, "plot: %zu epochs (at most "
			    "%d)", cv->n, CURVE_MAX_EPOCHS);
		nmax = cv->n > nmax ? cv->n : nmax;
		data |= svg_any_finite(cv->train_acc, cv->n) |
		    svg_any_finite(cv->val_acc, cv->n) |
		    svg_any_finite(cv->train_loss, cv->n) |
		    svg_any_finite(cv->val_loss, cv->n);
	}
	if (!data)
		return err_set(err, errlen, "plot: no finite value to draw");
	svg_locale_enter(&loc);
	svg_begin(f, W, H, title, c->subtitle);
	epoch_panel(f, c, 0, nmax, 80, 76, 400, H - 64);
	epoch_panel(f, c, 1, nmax, 480, 76, 800, H - 64);

	/* Legend: a colour per curve, then the two line styles. */
	{
		double lx = 818, ly = 76;

		svg_legend_box(f, lx, ly, W - lx - 8, c->ncurves + 2);
		for (size_t k = 0; k < c->ncurves; k++) {
			double y = ly + 18 + 20.0 * (double)k;

			svg_key_line(f, lx + 8, lx + 30, y, svg_palette[k], 3,
			    NULL);
			svg_text(f, lx + 38, y + 4, "font-size=\"12\"", "%s",
			    c->curves[k].label ? c->curves[k].label : "");
		}
		for (int s = 0; s < 2; s++) {
			double y = ly + 18 + 20.0 * (double)(c->ncurves + s);

			svg_key_line(f, lx + 8, lx + 30, y, "#555555", 2,
			    s ? "6 4" : NULL);
			svg_text(f, lx + 38, y + 4, "font-size=\"12\" "
			    "fill=\"#555555\"", "%s", s ? "val" : "train");
		}
	}
	svg_locale_leave(&loc);
	return svg_end(f, err, errlen);
}

/* Where the heat map's cells go, and how their values read. */
typedef struct {
	double x0, y0, cw, ch;  /* the first cell's corner, a cell's size */
	double lo, hi;          /* the colour range */
	double mul;             /* 100 for per cent, else 1 */
	int    bars;            /* "+-sd" under each mean */
	int    dec;             /* decimals of a value in a big cell */
} matrix_layout;

/*
 * m's shape and values, and the colour range into *lo, *hi: m's own, the
 * data's, or the data's widened around a single value.  Returns 0, or -1
 * with a message.
 */
static int
matrix_range(const figure_matrix *m, double *lo, double *hi, char *err,
    size_t errlen)
{
	if (m->nrows < 1 || m->ncols < 1 || m->nrows > SVG_MAXCELLS ||
	    m->ncols > SVG_MAXCELLS || !m->row_value || !m->col_value ||
	    !m->mean)
		return err_set(err, errlen, "plot: matrix %zux%zu (1 to %d "
		    "each, values needed)", m->nrows, m->ncols, SVG_MAXCELLS);
	*lo = INFINITY;
	*hi = -INFINITY;
	svg_extend(lo, hi, m->mean, NULL, m->nrows * m->ncols);
	if (!(*lo <= *hi))
		return err_set(err, errlen, "plot: no finite value to draw");
	if (!isfinite(m->vmin) || !isfinite(m->vmax))
		return err_set(err, errlen, "plot: colour range not finite");
	if (m->vmin < m->vmax) {
		*lo = m->vmin;
		*hi = m->vmax;
	} else if (*hi - *lo < 1e-9) {
		*lo -= 0.01;
		*hi += 0.01;
	}
	return 0;
}

/* Cell (r, c): its colour and mean, and the sd below when there are
 * bars; a missing value is a pale blank. */
static void
matrix_cell(FILE *f, const figure_matrix *m, const matrix_layout *L,
    size_t r, size_t c)
{
	double v = m->mean[r * m->ncols + c];
	double x = L->x0 + L->cw * (double)c, y = L->y0 + L->ch * (double)r;
	char   col[8];
	int    dark;
	int    big = L->cw >= 56 && L->ch >= 30;
	int    dec = big ? L->dec : L->dec - 1 < 0 ? 0 : L->dec - 1;

	if (!isfinite(v)) {
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#f4f4f4\" stroke=\"#ffffff\"/>\n",
		    x, y, L->cw, L->ch);
		return;
	}
	svg_viridis_colour((v - L->lo) / (L->hi - L->lo), col, &dark);
	fprintf(f, "<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\" "
	    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
	    "stroke=\"#ffffff\"/>\n", x, y, L->cw, L->ch, col);
	svg_text(f, x + L->cw / 2, y + L->ch / 2 + (L->bars ? 0 : 4),
	    dark ? "text-anchor=\"middle\" fill=\"#000000\" "
	    "font-size=\"12\"" : "text-anchor=\"middle\" "
	    "fill=\"#ffffff\" font-size=\"12\"", "%.*f", dec, v * L->mul);
	if (L->bars && isfinite(m->sd[r * m->ncols + c]))
		svg_text(f, x + L->cw / 2, y + L->ch / 2 + 15, dark ?
		    "text-anchor=\"middle\" fill=\"#000000\" "
		    "font-size=\"10\"" : "text-anchor=\"middle\" "
		    "fill=\"#ffffff\" font-size=\"10\"", "\u00b1%.*f", dec,
		    m->sd[r * m->ncols + c] * L->mul);
}

/* The cells row by row, each row after its label; then a red outline
 * where the test scale is the training scale. */
static void
matrix_cells(FILE *f, const figure_matrix *m, const matrix_layout *L)
{
	for (size_t r = 0; r < m->nrows; r++) {
		svg_text(f, L->x0 - 8, L->y0 + L->ch * (double)r + L->ch / 2 +
		    4, "text-anchor=\"end\" font-size=\"12\"", "%g",
		    m->row_value[r]);
		for (size_t c = 0; c < m->ncols; c++)
			matrix_cell(f, m, L, r, c);
	}
	for (size_t r = 0; r < m->nrows; r++)
		for (size_t c = 0; c < m->ncols; c++) {
			if (m->row_value[r] != m->col_value[c])
				continue;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"none\""
			    " stroke=\"#d00000\" stroke-width=\"2\"/>\n",
			    L->x0 + L->cw * (double)c + 1, L->y0 +
			    L->ch * (double)r + 1, L->cw - 2, L->ch - 2);
		}
}

/* The column values and both axis names, and the note under the map. */
static void
matrix_labels(FILE *f, const figure_matrix *m, const matrix_layout *L)
{
	double x0 = L->x0, y0 = L->y0, cw = L->cw, ch = L->ch;

	for (size_t c = 0; c < m->ncols; c++)
		svg_text(f, x0 + cw * ((double)c + 0.5), y0 + ch *
		    (double)m->nrows + 18, "text-anchor=\"middle\" "
		    "font-size=\"12\"", "%g", m->col_value[c]);
	svg_text(f, x0 + cw * (double)m->ncols / 2, y0 + ch * (double)m->nrows +
	    40, "text-anchor=\"middle\"", "%s \u2192",
	    m->col_label ? m->col_label : "test scale");
	fprintf(f, "<text x=\"0\" y=\"0\" text-anchor=\"middle\" "
	    "transform=\"translate(%.1f %.1f) rotate(-90)\">", x0 - 56,
	    y0 + ch * (double)m->nrows / 2);
	svg_put_escaped(f, m->row_label ? m->row_label : "train scale");
	fputs(" \u2192</text>\n", f);
	svg_text(f, x0, y0 + ch * (double)m->nrows + 58, "font-size=\"11\" "
	    "fill=\"#555555\"", "%s%s", "red outline: test scale = train scale",
	    L->bars ? "; cells: mean \u00b1 sd over seeds" : "");
}

/* The colour bar right of the map: a vertical gradient with ticks in the
 * cells' units. */
static void
matrix_colour_bar(FILE *f, const figure_matrix *m, const matrix_layout *L)
{
	double   bx = L->x0 + L->cw * (double)m->ncols + 24, bw = 16;
	double   by0 = L->y0, by1 = L->y0 + fmin(L->ch * (double)m->nrows,
	    260);
	svg_axis ca;
	int      d;

	svg_viridis_gradient(f, "viridis");
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"url(#viridis)\" stroke=\"%s\"/>\n",
	    bx, by0, bw, by1 - by0, AXIS_COLOUR);
	ca = svg_axis_fixed(L->lo * L->mul, L->hi * L->mul, by1, by0, 4);
	d = svg_step_decimals(ca.step);
	for (double v = ceil(ca.lo / ca.step - 1e-9) * ca.step;
	    v <= ca.hi + ca.step * 1e-6; v += ca.step) {
		double y = svg_axis_px(&ca, v);

		svg_line(f, bx + bw, y, bx + bw + 4, y, AXIS_COLOUR);
		svg_text(f, bx + bw + 7, y + 4, "font-size=\"11\"",
		    "%.*f", d, fabs(v) < ca.step * 1e-9 ? 0 : v);
	}
	svg_text(f, bx, by0 - 8, "font-size=\"11\" fill=\"#555555\"",
	    "%s", m->percent ? "%" : "value");
}

int
figure_matrix_svg(FILE *f, const figure_matrix *m, char *err, size_t errlen)
{
	const char   *title = m->title ? m->title :
	    "Accuracy: train scale \u00d7 test scale";
	matrix_layout L = { .x0 = 100, .y0 = 76,
	    .mul = m->percent ? 100.0 : 1.0,
	    .bars = m->sd && m->nseeds > 1, .dec = m->percent ? 1 : 3 };
	int           W, H;
	svg_locale    loc;

	if (matrix_range(m, &L.lo, &L.hi, err, errlen) != 0)
		return -1;
	L.cw = fmin(84.0, 640.0 / (double)m->ncols);
	L.ch = fmin(L.bars ? 46.0 : 36.0, 480.0 / (double)m->nrows);
	W = (int)ceil(L.x0 + L.cw * (double)m->ncols + 120);
	H = (int)ceil(L.y0 + L.ch * (double)m->nrows + 70);
	if (W < 480)
		W = 480;
	svg_locale_enter(&loc);
	svg_begin(f, W, H, title, m->subtitle);
	matrix_cells(f, m, &L);
	matrix_labels(f, m, &L);
	matrix_colour_bar(f, m, &L);
	svg_locale_leave(&loc);
	return svg_end(f, err, errlen);
}

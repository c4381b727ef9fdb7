/*
 * The probes' SVG figures (figure.h): the sensitivity panels against
 * training scale, a reliability diagram, and the first layer's receptive
 * fields.  Each lays out its figure and draws it with the primitives of
 * svg.c.
 */
#include "render/figure.h"

#include <math.h>

#include "base/err.h"
#include "render/svg.h"

#define PANELS_MAX_SCALES 64

/* One panel of the panel chart: frame, y axis, x ticks, its series. */
static void
panel_draw(FILE *f, const figure_panel_chart *c, size_t p, double x0,
    double y0, double x1, double y1)
{
	const figure_panel *pn = &c->panels[p];
	double              lo = INFINITY, hi = -INFINITY, slot, nudge;
	double              xs[PANELS_MAX_SCALES], ys[PANELS_MAX_SCALES];
	int                 bars = c->nseeds > 1;
	svg_axis            ya;

	for (size_t k = 0; k < c->nseries; k++)
		svg_extend(&lo, &hi, pn->series[k].mean,
		    bars ? pn->series[k].sd : NULL, c->n);
	if (!(lo <= hi)) {
		lo = 0;
		hi = 1;
		svg_text(f, (x0 + x1) / 2, (y0 + y1) / 2,
		    "text-anchor=\"middle\" fill=\"#888888\"", "no data");
	}
	ya = svg_axis_fit(lo, hi, y1, y0, 4);
	slot = (x1 - x0) / (double)c->n;
	nudge = fmin(6.0, slot / (3.0 * (double)c->nseries));
	svg_y_axis(f, &ya, x0, x1, pn->ylabel ? pn->ylabel : "");
	for (size_t i = 0; i < c->n; i++) {
		double x = x0 + ((double)i + 0.5) * slot;

		svg_line(f, x, y1, x, y1 + 5, AXIS_COLOUR);
		svg_text(f, x, y1 + 19, "text-anchor=\"middle\" "
		    "font-size=\"11\"", "%g", c->scale[i]);
	}
	svg_text(f, (x0 + x1) / 2, y1 + 38, "text-anchor=\"middle\" "
	    "font-size=\"12\"", "%s", c->xlabel ? c->xlabel :
	    "training scale");
	svg_text(f, (x0 + x1) / 2, y0 - 8, "text-anchor=\"middle\" "
	    "font-weight=\"bold\" font-size=\"13\"", "%s",
	    pn->title ? pn->title : "");
	svg_frame(f, x0, y0, x1, y1);
	for (size_t k = 0; k < c->nseries; k++) {
		const figure_series *s = &pn->series[k];
		double               dx = ((double)k - ((double)c->nseries - 1) /
		    2.0) * nudge;

		if (!s->mean)
			continue;
		svg_series(f, &ya, s->mean, s->sd, c->n, x0, slot, dx, (int)k,
		    bars, xs, ys);
	}
}

int
figure_panels_svg(FILE *f, const figure_panel_chart *c, char *err,
    size_t errlen)
{
	const int   W = 1040, PW = 330, PH = 210;
	const char *title = c->title ? c->title :
	    "Sensitivity against training scale";
	int         H, any = 0, bars = c->nseeds > 1;
	size_t      rows;
	svg_locale  loc;

	if (c->n < 1 || c->n > PANELS_MAX_SCALES || c->scale == NULL)
		return err_set(err, errlen, "plot: %zu scales (1 to %d)", c->n,
		    PANELS_MAX_SCALES);
	if (c->npanels < 1 || c->npanels > 4 || c->panels == NULL)
		return err_set(err, errlen, "plot: %zu panels (1 to 4)",
		    c->npanels);
	if (c->nseries < 1 || c->nseries > SVG_MAXSERIES)
		return err_set(err, errlen, "plot: %zu series (1 to %d)",
		    c->nseries, SVG_MAXSERIES);
	for (size_t p = 0; p < c->npanels; p++) {
		if (c->panels[p].series == NULL)
			return err_set(err, errlen, "plot: panel %zu has no "
			    "series", p);
		for (size_t k = 0; k < c->nseries; k++)
			any |= svg_any_finite(c->panels[p].series[k].mean,
			    c->n);
	}
	if (!any)
		return err_set(err, errlen, "plot: no finite value to draw");
	rows = (c->npanels + 1) / 2;
	H = 76 + (int)rows * (PH + 84) - 20;
	svg_locale_enter(&loc);
	svg_begin(f, W, H, title, c->subtitle);
	for (size_t p = 0; p < c->npanels; p++) {
		double x0 = 90 + (double)(p % 2) * (PW + 100);
		double y0 = 76 + (double)(p / 2) * (PH + 84);

		panel_draw(f, c, p, x0, y0, x0 + PW, y0 + PH);
	}
	/* Legend: one row per series, then what the whiskers mean. */
	{
		double lx = 90 + 2 * (PW + 100) - 70, ly = 76;

		svg_legend_box(f, lx, ly, W - lx - 10, c->nseries + 1);
		for (size_t k = 0; k < c->nseries; k++) {
			double      y = ly + 18 + 20.0 * (double)k;
			const char *lab = c->panels[0].series[k].label;

			svg_key_line(f, lx + 8, lx + 34, y, svg_palette[k], 2,
			    NULL);
			svg_marker(f, (int)k, lx + 21, y, svg_palette[k], "key");
			svg_text(f, lx + 42, y + 4, "font-size=\"12\"", "%s",
			    lab ? lab : "");
		}
		if (bars)
			svg_text(f, lx + 8, ly + 22 + 20.0 * (double)c->nseries,
			    "font-size=\"11\" fill=\"#555555\"",
			    "mean \u00b1 sd, %d seeds", c->nseeds);
		else
			svg_text(f, lx + 8, ly + 22 + 20.0 * (double)c->nseries,
			    "font-size=\"11\" fill=\"#555555\"", "%s",
			    "one seed: no error bars");
	}
	svg_locale_leave(&loc);
	return svg_end(f, err, errlen);
}

int
figure_reliability_svg(FILE *f, const figure_reliability *r, char *err,
    size_t errlen)
{
	const int   W = 720, H = 560;
	double      x0 = 90, y0 = 70, x1 = 490, y1 = 470;
	char        title[256];
	size_t      total = 0, shown = 0;
	svg_axis    xa, ya;
	svg_locale  loc;

	if (r->nbins < 1 || r->nbins > 64 || !r->count || !r->acc || !r->conf)
		return err_set(err, errlen, "plot: %zu bins (1 to 64, counts, "
		    "accuracies and confidences needed)", r->nbins);
	for (size_t b = 0; b < r->nbins; b++)
		total += r->count[b];
	if (total == 0)
		return err_set(err, errlen, "plot: no prediction to draw");
	if (!isfinite(r->ece))
		return err_set(err, errlen, "plot: ECE not finite");
	svg_locale_enter(&loc);
	snprintf(title, sizeof title, "%.200s: ECE %.4f", r->title ? r->title :
	    "Reliability diagram", r->ece);
	xa = svg_axis_fixed(0, 1, x0, x1, 5);
	ya = svg_axis_fixed(0, 1, y1, y0, 5);
	svg_begin(f, W, H, title, r->subtitle);
	svg_y_axis(f, &ya, x0, x1, "accuracy in the bin");
	for (double v = 0; v <= 1 + 1e-9; v += xa.step) {
		double x = svg_axis_px(&xa, v);

		svg_line(f, x, y1, x, y1 + 5, AXIS_COLOUR);
		svg_text(f, x, y1 + 19, "text-anchor=\"middle\" "
		    "font-size=\"11\"", "%.1f", v);
	}
	svg_text(f, (x0 + x1) / 2, y1 + 42, "text-anchor=\"middle\"",
	    "confidence (the top class's probability)");
	/* Bars first, the gaps over them, then the diagonal on top. */
	for (size_t b = 0; b < r->nbins; b++) {
		double bl = svg_axis_px(&xa, (double)b / (double)r->nbins);
		double br = svg_axis_px(&xa, (double)(b + 1) / (double)r->nbins);
		double ya_acc, ya_conf;

		if (r->count[b] == 0 || !isfinite(r->acc[b]) ||
		    !isfinite(r->conf[b]))
			continue;
		ya_acc = svg_axis_px(&ya, fmin(fmax(r->acc[b], 0), 1));
		ya_conf = svg_axis_px(&ya, fmin(fmax(r->conf[b], 0), 1));
		fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
		    "stroke=\"#ffffff\"/>\n", bl, ya_acc, br - bl, y1 - ya_acc,
		    svg_palette[0]);
		fprintf(f, "<rect class=\"gap\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
		    "fill-opacity=\"0.35\" stroke=\"%s\"/>\n", bl + 1,
		    fmin(ya_acc, ya_conf), br - bl - 2, fabs(ya_acc - ya_conf),
		    svg_palette[1], svg_palette[1]);
		shown++;
	}
	fprintf(f, "<line class=\"diagonal\" x1=\"%.1f\" y1=\"%.1f\" "
	    "x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
	    "stroke-dasharray=\"6 4\"/>\n", x0, y1, x1, y0, AXIS_COLOUR);
	svg_frame(f, x0, y0, x1, y1);
	/* Legend: the bar, the gap, the diagonal, then the counts. */
	{
		double lx = x1 + 20, ly = y0;

		svg_legend_box(f, lx, ly, W - lx - 10, 5);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" "
		    "height=\"12\" fill=\"%s\"/>\n", lx + 8, ly + 12,
		    svg_palette[0]);
		svg_text(f, lx + 38, ly + 22, "font-size=\"12\"",
		    "accuracy");
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" "
		    "height=\"12\" fill=\"%s\" fill-opacity=\"0.35\" "
		    "stroke=\"%s\"/>\n", lx + 8, ly + 32, svg_palette[1],
		    svg_palette[1]);
		svg_text(f, lx + 38, ly + 42, "font-size=\"12\"",
		    "gap to confidence");
		svg_key_line(f, lx + 8, lx + 30, ly + 58, AXIS_COLOUR, 2,
		    "6 4");
		svg_text(f, lx + 38, ly + 62, "font-size=\"12\"",
		    "perfect calibration");
		svg_text(f, lx + 8, ly + 82, "font-size=\"11\" "
		    "fill=\"#555555\"", "%zu predictions", total);
		svg_text(f, lx + 8, ly + 100, "font-size=\"11\" "
		    "fill=\"#555555\"", "%zu of %zu bins used", shown,
		    r->nbins);
	}
	svg_locale_leave(&loc);
	return svg_end(f, err, errlen);
}

/* The colour of level l in -FIGURE_FIELD_LEVELS .. FIGURE_FIELD_LEVELS:
 * white blended towards red (positive) or blue (negative). */
static void
field_colour(int l, char out[8])
{
	static const int red[3] = { 0xb2, 0x18, 0x2b }, blue[3] = { 0x21, 0x66,
		0xac };
	const int *end = l < 0 ? blue : red;
	double     t = fabs((double)l) / FIGURE_FIELD_LEVELS;
	int        c[3];

	for (int i = 0; i < 3; i++)
		c[i] = (int)lround(255.0 + t * (end[i] - 255.0));
	snprintf(out, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/* The level of weight v on a scale to vmax; -FIGURE_FIELD_LEVELS - 1 for
 * a missing one. */
static int
field_level(float v, double vmax)
{
	double t;

	if (!isfinite(v))
		return -FIGURE_FIELD_LEVELS - 1;
	t = lround((double)v / vmax * FIGURE_FIELD_LEVELS);
	return (int)fmax(-FIGURE_FIELD_LEVELS, fmin(FIGURE_FIELD_LEVELS, t));
}

/* Where figure_fields_svg puts things, in SVG pixels. */
struct fields_layout {
	int    side, cols, px, fw, gap, lab, setw, seth, W, H, x0, y0;
	size_t npix;
	double vmax;   /* the shared colour scale: -vmax .. +vmax */
};

/* c's colour scale: its own, else the largest |weight| of all sets.
 * Returns 0, or -1 with a message (a set without weights, all zero). */
static int
fields_vmax(const figure_fields *c, size_t npix, double *vmax, char *err,
    size_t errlen)
{
	*vmax = c->vmax;
	for (size_t s = 0; s < c->nsets; s++)
		if (c->sets[s].w == NULL)
			return err_set(err, errlen, "plot: set %zu has no "
			    "weights", s);
	if (*vmax > 0)
		return 0;
	*vmax = 0;
	for (size_t s = 0; s < c->nsets; s++)
		for (size_t i = 0; i < c->nunits * npix; i++)
			if (isfinite(c->sets[s].w[i]))
				*vmax = fmax(*vmax, fabs(c->sets[s].w[i]));
	if (!(*vmax > 0))
		return err_set(err, errlen, "plot: no nonzero weight to draw");
	return 0;
}

/* The fields' pixels: one path per colour level over every field
 * (compact; the white level is the background, not drawn). */
static void
fields_pixels(FILE *f, const figure_fields *c, const struct fields_layout *L)
{
	for (int l = -FIGURE_FIELD_LEVELS - 1; l <= FIGURE_FIELD_LEVELS; l++) {
		char col[8];
		int  open = 0;

		if (l == 0)
			continue;
		if (l < -FIGURE_FIELD_LEVELS)
			snprintf(col, sizeof col, "#888888");
		else
			field_colour(l, col);
		for (size_t s = 0; s < c->nsets; s++) {
			int sx = L->x0 + (int)s * (L->setw + 40);

			for (size_t u = 0; u < c->nunits; u++) {
				const float *w = c->sets[s].w + u * L->npix;
				int fx = sx + (int)(u % (size_t)L->cols) *
				    (L->fw + L->gap);
				int fy = L->y0 + (int)(u / (size_t)L->cols) *
				    (L->fw + L->lab + L->gap);

				for (int i = 0; i < (int)L->npix; i++) {
					if (field_level(w[i], L->vmax) != l)
						continue;
					if (!open)
						fprintf(f, "<path class=\"level\" "
						    "fill=\"%s\" shape-rendering="
						    "\"crispEdges\" d=\"", col);
					open = 1;
					fprintf(f, "M%d %dh%dv%dh-%dz", fx +
					    (i % L->side) * L->px, fy + (i /
					    L->side) * L->px, L->px, L->px, L->px);
				}
			}
		}
		if (open)
			fputs("\"/>\n", f);
	}
}

/* Frames, unit numbers and the set labels. */
static void
fields_frames(FILE *f, const figure_fields *c, const struct fields_layout *L)
{
	for (size_t s = 0; s < c->nsets; s++) {
		int sx = L->x0 + (int)s * (L->setw + 40);

		svg_text(f, sx + L->setw / 2.0, L->y0 - 12, "text-anchor="
		    "\"middle\" font-weight=\"bold\" font-size=\"13\"", "%s",
		    c->sets[s].label ? c->sets[s].label : "");
		for (size_t u = 0; u < c->nunits; u++) {
			int fx = sx + (int)(u % (size_t)L->cols) * (L->fw +
			    L->gap);
			int fy = L->y0 + (int)(u / (size_t)L->cols) * (L->fw +
			    L->lab + L->gap);

			fprintf(f, "<rect class=\"field\" x=\"%d\" y=\"%d\" "
			    "width=\"%d\" height=\"%d\" fill=\"none\" "
			    "stroke=\"#bbbbbb\"/>\n", fx, fy, L->fw, L->fw);
			if (c->sets[s].unit)
				svg_text(f, fx + L->fw / 2.0, fy + L->fw + 12,
				    "text-anchor=\"middle\" font-size=\"10\" "
				    "fill=\"#555555\"", "unit %d",
				    c->sets[s].unit[u]);
		}
	}
}

/* The colour bar: red at the top, white at 0, blue at the bottom. */
static void
fields_colour_bar(FILE *f, const figure_fields *c,
    const struct fields_layout *L)
{
	double bx = L->W - 80, by0 = L->y0, by1 = L->y0 + fmin(L->seth, 260);
	char   top[8], bot[8];

	field_colour(FIGURE_FIELD_LEVELS, top);
	field_colour(-FIGURE_FIELD_LEVELS, bot);
	fprintf(f, "<defs><linearGradient id=\"diverging\" x1=\"0\" "
	    "y1=\"1\" x2=\"0\" y2=\"0\"><stop offset=\"0\" "
	    "stop-color=\"%s\"/><stop offset=\"0.5\" "
	    "stop-color=\"#ffffff\"/><stop offset=\"1\" "
	    "stop-color=\"%s\"/></linearGradient></defs>\n", bot, top);
	fprintf(f, "<rect class=\"colour-bar\" x=\"%.1f\" y=\"%.1f\" "
	    "width=\"16\" height=\"%.1f\" fill=\"url(#diverging)\" "
	    "stroke=\"%s\"/>\n", bx, by0, by1 - by0, AXIS_COLOUR);
	for (int t = -1; t <= 1; t++) {
		double y = (by0 + by1) / 2 - t * (by1 - by0) / 2;

		svg_line(f, bx + 16, y, bx + 20, y, AXIS_COLOUR);
		if (t == 0)
			svg_text(f, bx + 23, y + 4, "font-size=\"11\"", "0");
		else
			svg_text(f, bx + 23, y + 4, "font-size=\"11\"",
			    "%+.3g", t * L->vmax);
	}
	svg_text(f, bx, by0 - 8, "font-size=\"11\" fill=\"#555555\"",
	    "%s", c->value ? c->value : "weight");
}

int
figure_fields_svg(FILE *f, const figure_fields *c, char *err, size_t errlen)
{
	const char *title = c->title ? c->title :
	    "First-layer receptive fields";
	struct fields_layout L = { .side = c->side, .gap = 8, .lab = 16,
	    .x0 = 30, .y0 = 96 };
	int         rows;
	svg_locale  loc;

	if (L.side < 1 || L.side > 64 || c->nunits < 1 || c->nunits > 64 ||
	    c->nsets < 1 || c->nsets > 2 || c->sets == NULL)
		return err_set(err, errlen, "plot: %zu sets of %zu fields of "
		    "side %d (1 or 2 sets, 1 to 64 fields, side 1 to 64)",
		    c->nsets, c->nunits, L.side);
	L.npix = (size_t)L.side * (size_t)L.side;
	if (fields_vmax(c, L.npix, &L.vmax, err, errlen) != 0)
		return -1;
	L.cols = (int)ceil(sqrt((double)c->nunits));
	rows = (int)((c->nunits + (size_t)L.cols - 1) / (size_t)L.cols);
	/* pixels of about 4 px for 28 x 28 fields in a 4 x 4 grid */
	L.px = (int)fmax(1, floor(480.0 / (L.cols * L.side)));
	L.fw = L.px * L.side;
	L.setw = L.cols * L.fw + (L.cols - 1) * L.gap;
	L.seth = rows * (L.fw + L.lab) + (rows - 1) * L.gap;
	L.W = L.x0 + (int)c->nsets * L.setw + ((int)c->nsets - 1) * 40 + 110;
	L.H = L.y0 + L.seth + 50;
	if (L.W < 520)
		L.W = 520;
	svg_locale_enter(&loc);
	svg_begin(f, L.W, L.H, title, c->subtitle);
	fields_pixels(f, c, &L);
	fields_frames(f, c, &L);
	if (c->note && *c->note)
		svg_text(f, L.x0, L.H - 18, "font-size=\"11\" fill=\"#555555\"",
		    "%s", c->note);
	fields_colour_bar(f, c, &L);
	svg_locale_leave(&loc);
	return svg_end(f, err, errlen);
}

/*
 * chart plots: epoch curves and accuracy against noise scale.  See
 * chart.h; the grid and the number formatter are in chart.c.
 *
 * The line plot works on a dot raster: 2x4 dots a cell in braille
 * (U+2800 + a bit per dot), 1x1 in ASCII.  Segments between epochs are
 * stepped dot by dot, so a dotted series is the same walk with dots left
 * out, and a column holding several epochs gets every one of their values.
 * chart_lines() is chart_curves() with one style per series and no band.
 */
#include "render/chart.h"
#include "render/chart_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- the dot raster ---- */

typedef struct {
	chart_grid *g;
	render_charset cs;
	int x0;      /* grid column of the plot's first cell */
	int dx, dy;  /* dots per cell */
} raster;

/* ASCII: a glyph per style; the marked series and the bands their own. */
static const char ascii_mark[CHART_MAX_STYLES] = { '*', 'o', 'x', '+', '%',
	'&', '=', '~' };
#define ASCII_MARKED '@'
#define ASCII_BAND '.'
#define UTF8_BAND "\xe2\x96\x91"  /* U+2591 light shade */

/* Braille: which dots of a line style k keeps, by the running dot count:
 * dot i when bit (i % cycle) of mask is set.  Styles 0-3 keep every
 * (k+1)th dot; 4-7 are dashes.  The marked series is solid (style 0). */
static const struct {
	int cycle;
	unsigned mask;
} dash[CHART_MAX_STYLES] = { { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 },
	{ 4, 0x3 }, { 6, 0x7 }, { 5, 0x5 }, { 6, 0xB } };

static int
dash_keeps(int style, int i)
{
	return dash[style].mask >> (i % dash[style].cycle) & 1u;
}

/* Who draws a dot: a style, or the marked series (drawn last). */
typedef struct {
	int style;   /* 0..CHART_MAX_STYLES-1 */
	int marked;  /* the series that stands out */
} pen;

/* Which cell a series owns: its style's tag, or MIXED once another style
 * shares it; a band under it gives way; the marked series takes it. */
static void
own(chart_grid *g, int x, int y, pen p)
{
	unsigned char *t;

	if (g->tag == NULL)
		return;
	t = &g->tag[y * g->w + x];
	if (p.marked)
		*t = CHART_TAG_MARK;
	else if (*t == CHART_TAG_PLAIN || (*t >= CHART_TAG_BAND &&
	    *t < CHART_TAG_BAND + CHART_MAX_STYLES))
		*t = (unsigned char)(CHART_TAG_SERIES + p.style);
	else if (*t != CHART_TAG_SERIES + p.style && *t != CHART_TAG_MARK)
		*t = CHART_TAG_MIXED;
}

/* Dot (px, py) of pen p. */
static void
dot(const raster *ra, int px, int py, pen p)
{
	/* braille dot bits by (column, row) inside the 2x4 cell */
	static const unsigned char bit[2][4] = { { 0x01, 0x02, 0x04, 0x40 },
		{ 0x08, 0x10, 0x20, 0x80 } };
	chart_grid *g = ra->g;
	int         x = ra->x0 + px / ra->dx, y = py / ra->dy;
	char        glyph[4];
	unsigned    bits = 0;
	unsigned char tag;

	if (x < 0 || x >= g->w || y < 0 || y >= g->h)
		return;
	tag = g->tag != NULL ? g->tag[y * g->w + x] : 0;
	if (ra->cs == RENDER_UTF8) {
		const unsigned char *q = (const unsigned char *)g->text +
		    (size_t)y * CHART_ROW_BYTES(g->w) +
		    (size_t)x * CHART_CELL_BYTES;

		if (q[0] == 0xE2 && (q[1] & 0xFC) == 0xA0)
			bits = ((q[1] & 0x03u) << 6) | (q[2] & 0x3Fu);
		bits |= bit[px % 2][py % 4];
		glyph[0] = (char)0xE2;
		glyph[1] = (char)(0xA0 | (bits >> 6));
		glyph[2] = (char)(0x80 | (bits & 0x3F));
		glyph[3] = '\0';
	} else {
		glyph[0] = p.marked ? ASCII_MARKED : ascii_mark[p.style];
		glyph[1] = '\0';
	}
	chart_put(g, x, y, glyph, tag);
	own(g, x, y, p);
}

/*
 * The dots from (ax, ay) (not included) to (bx, by) (included), those
 * the pen's dashes keep by the running count *step; the end point always.
 */
static void
segment(const raster *ra, int ax, int ay, int bx, int by, int *step, pen p)
{
	int dxs = bx - ax, dys = by - ay, k;
	int n = abs(dxs) > abs(dys) ? abs(dxs) : abs(dys);

	for (k = 1; k <= n; k++) {
		int x = ax + (int)lround((double)dxs * k / n);
		int y = ay + (int)lround((double)dys * k / n);

		if (k == n || ra->cs != RENDER_UTF8 || p.marked ||
		    dash_keeps(p.style, *step))
			dot(ra, x, y, p);
		(*step)++;
	}
}

/* ---- x axis ticks ---- */

/* The dot column of epoch i of n on a raster pwd dots wide. */
static int
xdot(int i, int n, int pwd)
{
	return n == 1 ? 0 : (int)lround((double)i * (pwd - 1) / (n - 1));
}

/*
 * Labels of the epochs first + i for i = 0, the multiples of step, and
 * n - 1 (unless last is 0), each starting at its tick (moved left at the
 * right edge), two blanks apart, on row y with tick marks on row y - 1.
 * Draws when draw is set; returns whether they all fit.
 */
static int
ticks(chart_grid *g, const raster *ra, int y, int n, int pwd, int first,
    int step, int last, const char *mark, int draw)
{
	char buf[16];
	int  i, end = ra->x0 - 3;

	for (i = 0; i < n; i++) {
		int len, x, tx;

		if (i != 0 && i != n - 1 && (first + i) % step != 0)
			continue;
		if (i == n - 1 && i != 0 && !last)
			continue;
		len = snprintf(buf, sizeof buf, "%d", first + i);
		tx = ra->x0 + xdot(i, n, pwd) / ra->dx;
		x = tx + len > g->w ? g->w - len : tx;
		if (x <= end + 2 || x < ra->x0)
			return 0;
		end = x + len - 1;
		if (draw) {
			chart_text(g, x, y, buf, len, CHART_TAG_AXIS);
			chart_put(g, tx, y - 1, mark, CHART_TAG_AXIS);
		}
	}
	return 1;
}

/*
 * The longest series' or band's length into *n; -1 when a series, a band
 * or the options are malformed (or there is no series).
 */
static int
lines_check(const chart_series *s, int ns, const chart_curves_opts *o,
    int *n)
{
	*n = 0;
	if (s == NULL || ns < 1 || ns > CHART_MAX_CURVES || o->nb < 0 ||
	    (o->nb > 0 && o->band == NULL) || o->mark >= ns)
		return -1;
	for (int si = 0; si < ns; si++) {
		if (s[si].n < 0 || (s[si].n > 0 && s[si].v == NULL) ||
		    (o->style != NULL && (o->style[si] < 0 ||
		    o->style[si] >= CHART_MAX_STYLES)))
			return -1;
		*n = s[si].n > *n ? s[si].n : *n;
	}
	for (int b = 0; b < o->nb; b++) {
		const chart_band *bd = &o->band[b];

		if (bd->n < 0 || (bd->n > 0 && (bd->lo == NULL ||
		    bd->hi == NULL)) || bd->style < 0 ||
		    bd->style >= CHART_MAX_STYLES)
			return -1;
		*n = bd->n > *n ? bd->n : *n;
	}
	return 0;
}

static void
widen(const double *v, int n, double *lo, double *hi)
{
	for (int i = 0; i < n; i++)
		if (isfinite(v[i])) {
			*lo = v[i] < *lo ? v[i] : *lo;
			*hi = v[i] > *hi ? v[i] : *hi;
		}
}

/*
 * The y range from the data when none is given: the min and max finite
 * values of the series and the bands, widened around a flat line.
 * Returns 0, or -1 when there is no finite value at all.
 */
static int
lines_range(const chart_series *s, int ns, const chart_curves_opts *o,
    double *lo, double *hi)
{
	if (*lo < *hi)
		return 0;
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int si = 0; si < ns; si++)
		widen(s[si].v, s[si].n, lo, hi);
	for (int b = 0; b < o->nb; b++) {
		widen(o->band[b].lo, o->band[b].n, lo, hi);
		widen(o->band[b].hi, o->band[b].n, lo, hi);
	}
	if (!(*lo <= *hi))
		return -1;
	if (*lo == *hi) {
		/* a flat line sits mid-height, with true labels */
		double u = *lo != 0.0 ? fabs(*lo) * 0.01 : 1.0;

		*lo -= u;
		*hi += u;
	}
	return 0;
}

/* The y axis in column lw, rows 0..ph-1, with its two labels, and the x
 * axis along row ph. */
static void
lines_axes(chart_grid *g, int lw, int ph, const char *top, const char *bot,
    int utf)
{
	chart_text_right(g, 0, 0, lw, top, CHART_TAG_AXIS);
	chart_text_right(g, 0, ph - 1, lw, bot, CHART_TAG_AXIS);
	for (int y = 0; y < ph; y++)
		chart_put(g, lw, y, y == 0 || y == ph - 1 ? (utf ? "┤" : "+")
		    : (utf ? "│" : "|"), CHART_TAG_AXIS);
	chart_put(g, lw, ph, utf ? "└" : "+", CHART_TAG_AXIS);
	for (int i = lw + 1; i < g->w; i++)
		chart_put(g, i, ph, utf ? "─" : "-", CHART_TAG_AXIS);
}

/* The dot row of v on a plot phd dots tall over lo..hi (clamped). */
static int
ydot(double v, double lo, double hi, int phd)
{
	double f = (hi - v) / (hi - lo);

	f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
	return (int)lround(f * (phd - 1));
}

/*
 * A series' line on a raster pwd x phd dots, n epochs spread over the
 * width (or sharing columns), lo..hi top to bottom; a non-finite value is
 * a gap.  In braille the pen's style keeps only some dots.
 */
static void
lines_series(const raster *ra, const chart_series *sr, pen p, int n,
    double lo, double hi, int pwd, int phd)
{
	int step_no = 0, have = 0, ax = 0, ay = 0;

	for (int i = 0; i < sr->n; i++) {
		double v = sr->v[i];
		int    x, yy;

		if (!isfinite(v)) {
			have = 0;  /* a gap, not a dive to the floor */
			continue;
		}
		x = xdot(i, n, pwd);
		yy = ydot(v, lo, hi, phd);
		if (have)
			segment(ra, ax, ay, x, yy, &step_no, p);
		else
			dot(ra, x, yy, p);
		ax = x;
		ay = yy;
		have = 1;
	}
}

/* v at epoch position e (0..n-1, between two epochs: on the straight
 * line between them); NaN when either end has none. */
static double
band_at(const double *v, int n, double e)
{
	int    i = (int)floor(e);
	double f = e - i;

	if (i >= n - 1)
		return i == n - 1 && f < 1e-9 ? v[i] : NAN;
	return f < 1e-9 ? v[i] : v[i] + (v[i + 1] - v[i]) * f;
}

/*
 * A band's cells: in every plot column, the cells from its top to its
 * bottom at the column's middle, shaded with its style's tag, under the
 * lines drawn later.  A column where an end is missing stays bare.
 */
static void
lines_band(const raster *ra, const chart_band *b, int n, double lo,
    double hi, int pw, int phd)
{
	chart_grid *g = ra->g;
	const char *glyph = ra->cs == RENDER_UTF8 ? UTF8_BAND :
	    (char[2]){ ASCII_BAND, 0 };
	int         pwd = pw * ra->dx;

	for (int c = 0; c < pw; c++) {
		double px = c * ra->dx + (ra->dx - 1) / 2.0, top, bot;
		double e = n > 1 ? px * (n - 1) / (pwd - 1) : 0.0;

		if (n <= 1 && c > 0)
			break;
		top = band_at(b->hi, b->n, e);
		bot = band_at(b->lo, b->n, e);
		if (!isfinite(top) || !isfinite(bot))
			continue;
		for (int y = ydot(top, lo, hi, phd) / ra->dy;
		    y <= ydot(bot, lo, hi, phd) / ra->dy; y++)
			chart_put(g, ra->x0 + c, y, glyph,
			    CHART_TAG_BAND + b->style);
	}
}

/* Epoch ticks and numbers on row y: the densest step whose labels do not
 * collide, else the first epoch alone. */
static void
lines_ticks(chart_grid *g, const raster *ra, int y, int n, int pwd,
    int first)
{
	static const int steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500,
		1000, 2000, 5000, 10000, 20000, 50000, 100000 };
	const char *mark = ra->cs == RENDER_UTF8 ? "┬" : "+";

	for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
		if (ticks(g, ra, y, n, pwd, first, steps[k], 1, mark, 0)) {
			ticks(g, ra, y, n, pwd, first, steps[k], 1, mark, 1);
			return;
		}
	/* not even the first and last fit: the first alone */
	ticks(g, ra, y, n, pwd, first, n + 1, 0, mark, 1);
}

/* One legend entry's sample at (x, ly): a level stretch of the pen's
 * dots (UTF-8) or its glyph, or a band's shade (band set). */
static void
legend_sample(chart_grid *g, const raster *ra, int x, int ly, pen p,
    int band)
{
	if (band) {
		for (int i = 0; i < (ra->cs == RENDER_UTF8 ? 2 : 1); i++)
			chart_put(g, x + i, ly, ra->cs == RENDER_UTF8 ? UTF8_BAND :
			    (char[2]){ ASCII_BAND, 0 }, CHART_TAG_BAND + p.style);
	} else if (ra->cs == RENDER_UTF8) {
		raster lr = *ra;

		lr.x0 = x;
		for (int d = 0; d < 4; d++)
			if (p.marked || dash_keeps(p.style, d))
				dot(&lr, d, ly * 4 + 1, p);
	} else
		chart_put(g, x, ly, (char[2]){ p.marked ? ASCII_MARKED :
		    ascii_mark[p.style], 0 }, p.marked ? CHART_TAG_MARK :
		    CHART_TAG_SERIES + p.style);
}

/*
 * The legend on the last rows rows: each named style's sample and name,
 * then the bands' and the marked series' entries, as many as fit, an
 * entry that does not fit the row starting the next.  Draws only when
 * draw is set; returns the rows it takes (at least 1).
 */
static int
lines_legend(chart_grid *g, const raster *ra, const chart_curves_opts *o,
    int rows, int draw)
{
	const int utf = ra->cs == RENDER_UTF8;
	int       x = 0, y0 = g->h - rows, ly = y0, n = o->nkeys + 2;

	for (int k = 0; k < n; k++) {
		const char *name = k < o->nkeys ? o->key[k] : k == o->nkeys ?
		    (o->nb > 0 ? o->band_key : NULL) : o->mark >= 0 ?
		    o->mark_key : NULL;
		pen         p = { k < o->nkeys ? k : o->nb > 0 ?
		    o->band[0].style : 0, k == o->nkeys + 1 };
		int         need = (utf ? 2 : 1) + 1 + chart_width(name);

		if (name == NULL || (k < o->nkeys && k >= CHART_MAX_STYLES))
			continue;
		if (p.marked && o->style != NULL)
			p.style = o->style[o->mark];
		if (x > 0)
			x += 2;
		if (x + need > g->w && x > 0 && ly + 1 < g->h) {
			ly++;
			x = 0;
		}
		if (x + need > g->w)
			break;
		if (draw)
			legend_sample(g, ra, x, ly, p, k == o->nkeys);
		x += need - chart_width(name);
		x += draw ? chart_text(g, x, ly, name, -1, CHART_TAG_PLAIN) :
		    chart_width(name);
	}
	return ly - y0 + 1;
}

int
chart_curves(const chart_series *s, int ns, const chart_curves_opts *o,
    render_charset cs, chart_grid *g)
{
	const int utf = cs == RENDER_UTF8;
	double lo = o != NULL ? o->lo : 0.0, hi = o != NULL ? o->hi : 0.0;
	char   top[64], bot[64];
	int    n, lw, pw, ph, legend;
	raster ra;

	if (!chart_grid_ok(g))
		return -1;
	chart_grid_clear(g);
	if (o == NULL || o->legend < 0 || lines_check(s, ns, o, &n) != 0 ||
	    lines_range(s, ns, o, &lo, &hi) != 0)
		return chart_fail(g);
	/* the legend's rows: those its entries take, up to o->legend (a
	 * row left over goes to the plot) */
	ra = (raster){ g, cs, 0, utf ? 2 : 1, utf ? 4 : 1 };
	legend = o->legend > 1 ? lines_legend(g, &ra, o, g->h, 0) : o->legend;
	legend = legend > o->legend ? o->legend : legend;
	chart_num(hi, o->yfmt, 0, top, sizeof top);
	chart_num(lo, o->yfmt, 0, bot, sizeof bot);
	lw = chart_width(top) > chart_width(bot) ? chart_width(top)
	                                         : chart_width(bot);
	ph = g->h - 2 - legend;
	pw = g->w - lw - 1;
	if (ph < 2 || pw < 2)
		return chart_fail(g);
	ra = (raster){ g, cs, lw + 1, utf ? 2 : 1, utf ? 4 : 1 };
	lines_axes(g, lw, ph, top, bot, utf);
	for (int b = 0; b < o->nb; b++)
		lines_band(&ra, &o->band[b], n, lo, hi, pw, ph * ra.dy);
	for (int si = 0; si < ns; si++)
		if (si != o->mark)
			lines_series(&ra, &s[si], (pen){ o->style != NULL ?
			    o->style[si] : si, 0 }, n, lo, hi, pw * ra.dx,
			    ph * ra.dy);
	if (o->mark >= 0)
		lines_series(&ra, &s[o->mark], (pen){ o->style != NULL ?
		    o->style[o->mark] : o->mark, 1 }, n, lo, hi, pw * ra.dx,
		    ph * ra.dy);
	lines_ticks(g, &ra, ph + 1, n, pw * ra.dx, o->first);
	if (legend > 0)
		lines_legend(g, &ra, o, legend, 1);
	chart_grid_pack(g);
	return 0;
}

int
chart_lines(const chart_series *s, int ns, const chart_lines_opts *o,
    render_charset cs, chart_grid *g)
{
	chart_lines_opts   def = { 0, 0, { CHART_NUM_G, 0, 0 }, 1, 0 };
	const chart_lines_opts *op = o != NULL ? o : &def;
	const char        *names[CHART_MAX_SERIES];
	chart_curves_opts  co = { op->lo, op->hi, op->yfmt, op->first, NULL,
		-1, NULL, 0, names, 0, NULL, NULL, op->legend ? 1 : 0 };

	if (s == NULL || ns < 1 || ns > CHART_MAX_SERIES)
		return chart_grid_ok(g) ? chart_fail(g) : -1;
	for (int si = 0; si < ns; si++)
		names[si] = s[si].name;
	co.nkeys = ns;
	return chart_curves(s, ns, &co, cs, g);
}

/* ---- accuracy against noise scale ---- */

static const char *const bar_utf8[CHART_MAX_SERIES] = { "█", "▓", "▒",
	"░" };
static const char bar_ascii[CHART_MAX_SERIES] = { '#', '=', '*', '+' };

static int
finite_at(const double *a, int j)
{
	return a != NULL && isfinite(a[j]);
}

/* Is the row's value at scale j there but not final? */
static int
partial_at(const chart_bar_series *s, int j)
{
	return s->partial != NULL && s->partial[j] && !isnan(s->mean[j]);
}

/* The row's value: "97.12", "97.12±0.08", "(72.00)" when it is not
 * final, or "-" before it is trained. */
static int
bar_value(const chart_bar_series *s, int j, const chart_fmt *f,
    render_charset cs, char *buf, size_t n)
{
	int    part = partial_at(s, j);
	size_t len;

	buf[0] = '(';
	len = (size_t)part + chart_num(s->mean[j], *f, 0, buf + part,
	    n - (size_t)part);
	if (finite_at(s->sd, j) && !isnan(s->mean[j])) {
		char sd[64];

		chart_num(s->sd[j], *f, 0, sd, sizeof sd);
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
		    cs == RENDER_UTF8 ? "±" : "+-", sd);
		len = len < n ? len : n - 1;
	}
	if (part && len + 2 <= n)
		snprintf(buf + len, n - len, ")");
	return chart_width(buf);
}

/* The cell of v on a bar of bw cells over lo..hi. */
static int
bar_cell(double v, double lo, double hi, int bw)
{
	double f = (v - lo) / (hi - lo);
	int    c;

	f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
	c = (int)floor(f * bw + 1e-9);  /* 0.95 on 0.9..1 is cell 6 of 12 */
	return c > bw - 1 ? bw - 1 : c;
}

/* Cells a .. b of row y (a <= b, clamped by chart_put) := glyph. */
static void
fill(chart_grid *g, int x, int a, int b, int y, const char *glyph, int tag)
{
	for (; a <= b; a++)
		chart_put(g, x + a, y, glyph, tag);
}

static void
whisker(chart_grid *g, int x, int y, int bw, const chart_bar_series *s,
    int j, double lo, double hi, int si, render_charset cs)
{
	const int utf = cs == RENDER_UTF8;
	const int tag = CHART_TAG_SERIES + si;
	char      mark[4] = { bar_ascii[si], 0 };
	double    m = s->mean[j];

	if (finite_at(s->min, j) && finite_at(s->max, j)) {
		int a = bar_cell(s->min[j], lo, hi, bw);
		int b = bar_cell(s->max[j], lo, hi, bw);

		fill(g, x, a, b, y, utf ? "─" : "-", tag);
		chart_put(g, x + a, y, utf ? "├" : "|", tag);
		chart_put(g, x + b, y, utf ? "┤" : "|", tag);
	}
	if (finite_at(s->sd, j))
		fill(g, x, bar_cell(m - s->sd[j], lo, hi, bw),
		    bar_cell(m + s->sd[j], lo, hi, bw), y, utf ? "━" : "~",
		    tag);
	chart_put(g, x + bar_cell(m, lo, hi, bw), y,
	    utf ? bar_utf8[si] : mark, tag);
}

static void
bar(chart_grid *g, int x, int y, int bw, double v, double lo, double hi,
    int si, render_charset cs)
{
	char   buf[3 * 512 + 1], mark[2] = { bar_ascii[si], 0 };
	double f = (v - lo) / (hi - lo);

	if (isnan(v))
		return;
	if (si == 0) {
		/* series 0 keeps render's bar, eighths and all */
		render_bar(f, bw, cs, buf, sizeof buf);
		chart_text(g, x, y, buf, bw, CHART_TAG_SERIES);
		return;
	}
	f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
	fill(g, x, 0, (int)lround(f * bw) - 1, y,
	    cs == RENDER_UTF8 ? bar_utf8[si] : mark, CHART_TAG_SERIES + si);
}

int
chart_scale_bars(const double *scales, int nscales,
    const chart_bar_series *s, int ns, const chart_bars_opts *o,
    render_charset cs, chart_grid *g)
{
	chart_bars_opts def = { 0, 1, { CHART_NUM_PCT, 2, 0 },
		{ CHART_NUM_G, 0, 0 } };
	const chart_bars_opts *op = o != NULL ? o : &def;
	double lo = op->lo, hi = op->hi;
	char   buf[160];
	int    sw = 0, nw = 0, vw = 0, bw, j, si, n;

	if (!chart_grid_ok(g))
		return -1;
	chart_grid_clear(g);
	if (scales == NULL || s == NULL || nscales < 1 || ns < 1 ||
	    ns > CHART_MAX_SERIES || g->h < nscales * ns)
		return chart_fail(g);
	if (!(lo < hi)) {
		lo = 0.0;
		hi = 1.0;
	}
	for (si = 0; si < ns; si++) {
		if (s[si].mean == NULL)
			return chart_fail(g);
		n = chart_width(s[si].name);
		nw = n > nw ? n : nw;
	}
	for (j = 0; j < nscales; j++) {
		n = (int)chart_num(scales[j], op->sfmt, 0, buf, sizeof buf);
		sw = n > sw ? n : sw;
		for (si = 0; si < ns; si++) {
			n = bar_value(&s[si], j, &op->vfmt, cs, buf, sizeof buf);
			vw = n > vw ? n : vw;
		}
	}
	/* SCALE NAME BAR VALUE: the names go before the bar gets tiny */
	bw = g->w - sw - 1 - (nw > 0 ? nw + 1 : 0) - 1 - vw;
	if (bw < 4 && nw > 0) {
		bw += nw + 1;
		nw = 0;
	}
	if (bw < 1)
		return chart_fail(g);

	for (j = 0; j < nscales; j++)
		for (si = 0; si < ns; si++) {
			int y = j * ns + si, x = 0;

			if (si == 0) {
				chart_num(scales[j], op->sfmt, 0, buf, sizeof buf);
				chart_text_right(g, 0, y, sw, buf, CHART_TAG_AXIS);
			}
			x = sw + 1;
			if (nw > 0) {
				chart_text(g, x, y, s[si].name, nw,
				    CHART_TAG_AXIS);
				x += nw + 1;
			}
			if (!isnan(s[si].mean[j]) && (finite_at(s[si].sd, j) ||
			    (finite_at(s[si].min, j) &&
			    finite_at(s[si].max, j))))
				whisker(g, x, y, bw, &s[si], j, lo, hi, si, cs);
			else
				bar(g, x, y, bw, s[si].mean[j], lo, hi, si, cs);
			bar_value(&s[si], j, &op->vfmt, cs, buf, sizeof buf);
			chart_text_right(g, x + bw + 1, y, vw, buf,
			    partial_at(&s[si], j) ? CHART_TAG_PARTIAL :
			    CHART_TAG_PLAIN);
		}
	chart_grid_pack(g);
	return 0;
}

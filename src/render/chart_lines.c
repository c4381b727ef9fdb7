/*
 * chart plots: epoch curves and accuracy against noise scale.  See
 * chart.h; the grid and the number formatter are in chart.c.
 *
 * The line plot works on a dot raster: 2x4 dots a cell in braille
 * (U+2800 + a bit per dot), 1x1 in ASCII.  Segments between epochs are
 * stepped dot by dot, so a dotted series is the same walk with dots left
 * out, and a column holding several epochs gets every one of their values.
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

static const char ascii_mark[CHART_MAX_SERIES] = { '*', 'o', 'x', '+' };

/* Which cell a series owns: its own tag, or MIXED once another shares it. */
static void
own(chart_grid *g, int x, int y, int si)
{
	unsigned char *t;

	if (g->tag == NULL)
		return;
	t = &g->tag[y * g->w + x];
	if (*t == CHART_TAG_PLAIN)
		*t = (unsigned char)(CHART_TAG_SERIES + si);
	else if (*t != CHART_TAG_SERIES + si)
		*t = CHART_TAG_MIXED;
}

/* Dot (px, py) of series si. */
static void
dot(const raster *ra, int px, int py, int si)
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
		const unsigned char *p = (const unsigned char *)g->text +
		    (size_t)y * CHART_ROW_BYTES(g->w) +
		    (size_t)x * CHART_CELL_BYTES;

		if (p[0] == 0xE2 && (p[1] & 0xFC) == 0xA0)
			bits = ((p[1] & 0x03u) << 6) | (p[2] & 0x3Fu);
		bits |= bit[px % 2][py % 4];
		glyph[0] = (char)0xE2;
		glyph[1] = (char)(0xA0 | (bits >> 6));
		glyph[2] = (char)(0x80 | (bits & 0x3F));
		glyph[3] = '\0';
	} else {
		glyph[0] = ascii_mark[si];
		glyph[1] = '\0';
	}
	chart_put(g, x, y, glyph, tag);
	own(g, x, y, si);
}

/*
 * The dots from (ax, ay) (not included) to (bx, by) (included), every
 * period-th one by the running count *step; the end point always.
 */
static void
segment(const raster *ra, int ax, int ay, int bx, int by, int period,
    int *step, int si)
{
	int dxs = bx - ax, dys = by - ay, k;
	int n = abs(dxs) > abs(dys) ? abs(dxs) : abs(dys);

	for (k = 1; k <= n; k++) {
		int x = ax + (int)lround((double)dxs * k / n);
		int y = ay + (int)lround((double)dys * k / n);

		if (k == n || *step % period == 0)
			dot(ra, x, y, si);
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
 * The longest series' length into *n; -1 when a series is malformed (or
 * there are none, or too many).
 */
static int
lines_check(const chart_series *s, int ns, int *n)
{
	*n = 0;
	if (s == NULL || ns < 1 || ns > CHART_MAX_SERIES)
		return -1;
	for (int si = 0; si < ns; si++) {
		if (s[si].n < 0 || (s[si].n > 0 && s[si].v == NULL))
			return -1;
		*n = s[si].n > *n ? s[si].n : *n;
	}
	return 0;
}

/*
 * The y range from the data when none is given: the min and max finite
 * values, widened around a flat line.  Returns 0, or -1 when there is no
 * finite value at all.
 */
static int
lines_range(const chart_series *s, int ns, double *lo, double *hi)
{
	if (*lo < *hi)
		return 0;
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int si = 0; si < ns; si++)
		for (int i = 0; i < s[si].n; i++)
			if (isfinite(s[si].v[i])) {
				*lo = s[si].v[i] < *lo ? s[si].v[i] : *lo;
				*hi = s[si].v[i] > *hi ? s[si].v[i] : *hi;
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

/*
 * Series si's line on a raster pwd x phd dots, n epochs spread over the
 * width (or sharing columns), lo..hi top to bottom; a non-finite value is
 * a gap.  In braille, series si keeps every (si+1)th dot.
 */
static void
lines_series(const raster *ra, const chart_series *sr, int si, int n,
    double lo, double hi, int pwd, int phd)
{
	int step_no = 0, have = 0, ax = 0, ay = 0;
	int period = ra->cs == RENDER_UTF8 ? si + 1 : 1;

	for (int i = 0; i < sr->n; i++) {
		double v = sr->v[i], f;
		int    x, yy;

		if (!isfinite(v)) {
			have = 0;  /* a gap, not a dive to the floor */
			continue;
		}
		f = (hi - v) / (hi - lo);
		f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
		x = xdot(i, n, pwd);
		yy = (int)lround(f * (phd - 1));
		if (have)
			segment(ra, ax, ay, x, yy, period, &step_no, si);
		else
			dot(ra, x, yy, si);
		ax = x;
		ay = yy;
		have = 1;
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

/* The legend on the last row: a sample of each named series' dots, then
 * its name, as many as fit. */
static void
lines_legend(chart_grid *g, const raster *ra, const chart_series *s,
    int ns)
{
	const int utf = ra->cs == RENDER_UTF8;
	int       x = 0, ly = g->h - 1;

	for (int si = 0; si < ns; si++) {
		int need = (utf ? 2 : 1) + 1 + chart_width(s[si].name);

		if (s[si].name == NULL)
			continue;
		if (x > 0)
			x += 2;
		if (x + need > g->w)
			break;
		if (utf) {
			raster lr = *ra;

			/* the dots of a level stretch of the series */
			lr.x0 = x;
			for (int d = 0; d < 4; d += si + 1)
				dot(&lr, d, ly * 4 + 1, si);
		} else
			chart_put(g, x, ly, (char[2]){ ascii_mark[si], 0 },
			    CHART_TAG_SERIES + si);
		x += need - chart_width(s[si].name);
		x += chart_text(g, x, ly, s[si].name, -1, CHART_TAG_PLAIN);
	}
}

int
chart_lines(const chart_series *s, int ns, const chart_lines_opts *o,
    render_charset cs, chart_grid *g)
{
	chart_lines_opts def = { 0, 0, { CHART_NUM_G, 0, 0 }, 1, 0 };
	const chart_lines_opts *op = o != NULL ? o : &def;
	const int utf = cs == RENDER_UTF8;
	double lo = op->lo, hi = op->hi;
	char   top[64], bot[64];
	int    n, lw, pw, ph;
	raster ra;

	if (!chart_grid_ok(g))
		return -1;
	chart_grid_clear(g);
	if (lines_check(s, ns, &n) != 0 || lines_range(s, ns, &lo, &hi) != 0)
		return chart_fail(g);
	chart_num(hi, op->yfmt, 0, top, sizeof top);
	chart_num(lo, op->yfmt, 0, bot, sizeof bot);
	lw = chart_width(top) > chart_width(bot) ? chart_width(top)
	                                         : chart_width(bot);
	ph = g->h - 2 - (op->legend ? 1 : 0);
	pw = g->w - lw - 1;
	if (ph < 2 || pw < 2)
		return chart_fail(g);
	ra = (raster){ g, cs, lw + 1, utf ? 2 : 1, utf ? 4 : 1 };
	lines_axes(g, lw, ph, top, bot, utf);
	for (int si = 0; si < ns; si++)
		lines_series(&ra, &s[si], si, n, lo, hi, pw * ra.dx,
		    ph * ra.dy);
	lines_ticks(g, &ra, ph + 1, n, pw * ra.dx, op->first);
	if (op->legend)
		lines_legend(g, &ra, s, ns);
	chart_grid_pack(g);
	return 0;
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

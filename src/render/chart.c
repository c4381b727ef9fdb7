/*
 * chart: the grid every renderer draws into, the number formatter, and the
 * table-like charts (confusion matrix, noise ladder).  The train x test
 * heat map is in chart_heat.c, the plots (epoch lines, accuracy against
 * scale) in chart_lines.c.
 *
 * While a renderer draws, row r holds w fixed slots of CHART_CELL_BYTES
 * bytes (a glyph, NUL-padded), so any cell can be overwritten in place and
 * in any order; chart_grid_pack() then squeezes each row into a plain
 * string.  Packing only moves bytes to the left, so it works in place and a
 * row never outgrows CHART_ROW_BYTES(w).
 */
#include "render/chart.h"
#include "render/chart_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
slot(const chart_grid *g, int x, int y)
{
	return g->text + (size_t)y * CHART_ROW_BYTES(g->w) +
	    (size_t)x * CHART_CELL_BYTES;
}

/*
 * The glyph at s: returns its length when it is a valid 1..3-byte UTF-8
 * sequence (the only ones a cell stores), else 0; *adv gets the bytes to
 * skip (0 at the NUL).
 */
static size_t
utf8_next(const char *s, size_t *adv)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i;

	if (u[0] == 0) {
		*adv = 0;
		return 0;
	}
	if (u[0] < 0x80)
		n = 1;
	else if (u[0] >= 0xC2 && u[0] < 0xE0)
		n = 2;
	else if (u[0] >= 0xE0 && u[0] < 0xF0)
		n = 3;
	else {
		/* a 4-byte glyph may be two cells wide: skip it whole */
		n = u[0] >= 0xF0 && u[0] < 0xF5 ? 4 : 1;
		for (i = 1; i < n; i++)
			if ((u[i] & 0xC0) != 0x80)
				break;
		*adv = i;
		return 0;
	}
	for (i = 1; i < n; i++)
		if ((u[i] & 0xC0) != 0x80) {
			*adv = i;
			return 0;
		}
	*adv = n;
	return n;
}

size_t
chart_glyph_len(const char *p)
{
	size_t adv;

	utf8_next(p, &adv);
	return adv;
}

int
chart_width(const char *s)
{
	size_t adv;
	int    n = 0;

	for (; s != NULL && *s; s += adv, n++)
		utf8_next(s, &adv);
	return n;
}

void
chart_grid_clear(chart_grid *g)
{
	int x, y;

	for (y = 0; y < g->h; y++) {
		for (x = 0; x < g->w; x++) {
			char *p = slot(g, x, y);

			p[0] = ' ';
			p[1] = p[2] = '\0';
		}
		*slot(g, g->w, y) = '\0';
	}
	if (g->tag != NULL)
		memset(g->tag, CHART_TAG_PLAIN, (size_t)g->w * (size_t)g->h);
}

int
chart_put(chart_grid *g, int x, int y, const char *glyph, int tag)
{
	char  *p;
	size_t n, adv;

	if (x < 0 || y < 0 || x >= g->w || y >= g->h || glyph == NULL)
		return 0;
	p = slot(g, x, y);
	memset(p, 0, CHART_CELL_BYTES);
	if (glyph[0] == '\0')
		p[0] = ' ';
	else if ((n = utf8_next(glyph, &adv)) == 0)
		p[0] = '?';
	else
		memcpy(p, glyph, n);
	if (g->tag != NULL)
		g->tag[y * g->w + x] = (unsigned char)tag;
	return 1;
}

int
chart_text(chart_grid *g, int x, int y, const char *s, int maxcells, int tag)
{
	size_t adv;
	int    n = 0;

	for (; s != NULL && *s && (maxcells < 0 || n < maxcells); s += adv) {
		utf8_next(s, &adv);
		if (!chart_put(g, x + n, y, s, tag))
			break;
		n++;
	}
	return n;
}

void
chart_grid_pack(chart_grid *g)
{
	int x, y;

	for (y = 0; y < g->h; y++) {
		char *row = slot(g, 0, y), *d = row;

		for (x = 0; x < g->w; x++) {
			const char *p = slot(g, x, y);
			size_t      n = p[0] == '\0' ? 0 : p[1] == '\0' ? 1 :
			    p[2] == '\0' ? 2 : 3;

			memmove(d, p, n);
			d += n;
		}
		*d = '\0';
	}
}

int
chart_grid_ok(const chart_grid *g)
{
	return g != NULL && g->text != NULL && g->w > 0 && g->h > 0;
}

int
chart_fail(chart_grid *g)
{
	chart_grid_clear(g);
	chart_grid_pack(g);
	return -1;
}

void
chart_text_right(chart_grid *g, int x, int y, int w, const char *s, int tag)
{
	int n = chart_width(s);

	chart_text(g, x + (n < w ? w - n : 0), y, s, w, tag);
}

int
chart_cells_done(chart_grid *g, chart_cells *where, int x0, int cw)
{
	if (where != NULL) {
		where->x0 = x0;
		where->y0 = 1;
		where->cw = cw;
	}
	chart_grid_pack(g);
	return 0;
}

/* ---- numbers ---- */

static size_t
num_plain(double v, const chart_fmt *f, int prec, char *buf, size_t n)
{
	size_t i, len;
	int    m;

	if (f->kind == CHART_NUM_PCT)
		m = snprintf(buf, n, "%.*f", prec, v * 100.0);
	else if (f->kind == CHART_NUM_FIXED)
		m = snprintf(buf, n, "%.*f", prec, v);
	else if (fabs(v) < 1e15 && v == floor(v))
		m = snprintf(buf, n, "%.0f", v);
	else
		m = snprintf(buf, n, "%.*g", prec, v);
	if (m < 0 || (size_t)m >= n) {
		buf[0] = '\0';  /* 1e300 as "%.2f": left out, not cut */
		return 0;
	}
	len = (size_t)m;
	/* "-0.00": the value rounded to zero, and zero has no sign */
	if (buf[0] == '-') {
		for (i = 1; i < len && (buf[i] == '0' || buf[i] == '.'); i++)
			;
		if (i == len) {
			memmove(buf, buf + 1, len);
			len--;
		}
	}
	return len;
}

/* v with a k/M/G/T suffix in at most maxw cells (exact unless ROUND). */
static size_t
num_si(double v, const chart_fmt *f, int maxw, char *buf, size_t n)
{
	static const char sfx[] = "kMGT";
	double d = 1e3;
	int    i, sig;

	for (i = 0; i < 4; i++, d *= 1e3) {
		double x = v / d;

		if (fabs(x) < 1.0)
			break;
		if (fabs(x) >= 999.5)
			continue;
		for (sig = 3; sig >= 1; sig--) {
			size_t len;

			snprintf(buf, n, "%.*g%c", sig, x, sfx[i]);
			len = strlen(buf);
			if (strchr(buf, 'e') != NULL || (int)len > maxw)
				continue;
			if (!(f->flags & CHART_NUM_ROUND) &&
			    strtod(buf, NULL) != x)
				continue;
			return len;
		}
	}
	buf[0] = '\0';
	return 0;
}

size_t
chart_num(double v, chart_fmt f, int maxw, char *out, size_t outlen)
{
	char   buf[64];
	size_t len;
	int    prec, low;

	if (out == NULL || outlen == 0)
		return 0;
	out[0] = '\0';
	if (f.kind == CHART_NUM_G) {
		prec = f.decimals > 0 ? f.decimals : 6;
		low = 1;
	} else {
		prec = f.decimals < 0 ? 0 : f.decimals;
		low = 0;
	}
	if (prec > 9)
		prec = 9;
	if (isnan(v))
		len = (size_t)snprintf(buf, sizeof buf, "-");
	else if (isinf(v))
		len = (size_t)snprintf(buf, sizeof buf, v > 0 ? "inf" : "-inf");
	else {
		len = num_plain(v, &f, prec, buf, sizeof buf);
		while (len > 0 && maxw > 0 && (int)len > maxw &&
		    (f.flags & CHART_NUM_ROUND) && prec > low)
			len = num_plain(v, &f, --prec, buf, sizeof buf);
		if (maxw > 0 && (int)len > maxw && (f.flags & CHART_NUM_SI) &&
		    f.kind != CHART_NUM_PCT && fabs(v) >= 1000.0) {
			char si[64];
			size_t m = num_si(v, &f, maxw, si, sizeof si);

			if (m > 0) {
				memcpy(buf, si, m + 1);
				len = m;
			}
		}
	}
	if ((maxw > 0 && (int)len > maxw) || len + 1 > outlen)
		return 0;
	memcpy(out, buf, len + 1);
	return len;
}

/* ---- confusion matrix ---- */

static int
levels_ok(int levels)
{
	return levels >= 2 && levels <= CHART_MAX_LEVELS;
}

int
chart_confusion(const long *counts, int k, const chart_confusion_opts *o,
    render_charset cs, chart_grid *g, chart_cells *where)
{
	const chart_fmt pct1 = { CHART_NUM_PCT, 1, 0 };
	const char *const *labels = o != NULL ? o->labels : NULL;
	int  levels = o != NULL ? o->levels : 8;
	int  lw = 3, lwant = 3, cw, aw = 6, t, p;
	long maxc = 0, all = 0, right = 0;
	char buf[64];

	if (!chart_grid_ok(g))
		return -1;
	chart_grid_clear(g);
	if (counts == NULL || k < 1 || k > 1000 || !levels_ok(levels) ||
	    g->h < k + 1)
		return chart_fail(g);
	for (t = 0; t < k * k; t++) {
		if (counts[t] < 0)
			return chart_fail(g);
		if (counts[t] > maxc)
			maxc = counts[t];
	}
	cw = snprintf(buf, sizeof buf, "%ld", maxc);
	cw = (cw < 2 ? 2 : cw) + 1;  /* a blank before every count */
	for (t = 0; labels != NULL && t < k; t++) {
		int n = chart_width(labels[t]);

		if (n > lwant)
			lwant = n;
	}
	/* Row labels as wide as they ask (up to 10), unless the counts
	 * need the room: then they are shortened, the counts never. */
	lw = lwant > 10 ? 10 : lwant;
	if (lw + k * cw + aw > g->w)
		lw = 3;
	if (lw + k * cw + aw > g->w)
		return chart_fail(g);

	chart_text(g, 0, 0, "t\\p", lw, CHART_TAG_AXIS);
	for (p = 0; p < k; p++) {
		const char *lab = labels != NULL ? labels[p] : buf;
		int         n;

		if (labels == NULL)
			snprintf(buf, sizeof buf, "%d", p);
		n = chart_width(lab);
		n = n < cw - 1 ? n : cw - 1;
		chart_text(g, lw + p * cw + cw - n, 0, lab, n, CHART_TAG_AXIS);
	}
	chart_text_right(g, lw + k * cw, 0, aw, "acc", CHART_TAG_AXIS);

	for (t = 0; t < k; t++) {
		const long *row = counts + (size_t)t * (size_t)k;
		long        tot = 0;
		int         y = 1 + t;

		for (p = 0; p < k; p++)
			tot += row[p];
		all += tot;
		right += row[t];
		if (labels != NULL) {
			int n = chart_width(labels[t]);

			chart_text(g, n < lw ? lw - n : 0, y, labels[t], lw,
			    CHART_TAG_AXIS);
		} else {
			snprintf(buf, sizeof buf, "%d", t);
			chart_text_right(g, 0, y, lw, buf, CHART_TAG_AXIS);
		}
		for (p = 0; p < k; p++) {
			int lev = tot > 0 ? render_level((float)row[p] /
			    (float)tot, levels) : 0;
			int x = lw + p * cw, c;

			for (c = 0; c < cw; c++)
				chart_put(g, x + c, y, " ",
				    CHART_TAG_SHADE + lev);
			if (row[p] == 0)
				chart_text_right(g, x, y, cw,
				    cs == RENDER_UTF8 ? "·" : ".",
				    CHART_TAG_SHADE + lev);
			else {
				snprintf(buf, sizeof buf, "%ld", row[p]);
				chart_text_right(g, x, y, cw, buf,
				    CHART_TAG_SHADE + lev);
			}
		}
		chart_num(tot > 0 ? (double)row[t] / (double)tot : NAN, pct1,
		    0, buf, sizeof buf);
		chart_text_right(g, lw + k * cw, y, aw, buf, CHART_TAG_PLAIN);
	}
	if (g->h > k + 1) {
		chart_text_right(g, 0, k + 1, lw, "all", CHART_TAG_AXIS);
		chart_num(all > 0 ? (double)right / (double)all : NAN, pct1, 0,
		    buf, sizeof buf);
		chart_text_right(g, lw + k * cw, k + 1, aw, buf, CHART_TAG_PLAIN);
	}
	return chart_cells_done(g, where, lw, cw);
}

/* ---- the noise ladder ---- */

void
chart_zoom(const float *img, int side, int zoom, float *out)
{
	int zs = side * zoom, x, y;

	for (y = 0; y < zs; y++)
		for (x = 0; x < zs; x++)
			out[y * zs + x] = img[(y / zoom) * side + x / zoom];
}

/* s into buf without the whole words that do not fit in w cells. */
static void
fit_words(const char *s, int w, char *buf, size_t n)
{
	char *sp;

	snprintf(buf, n, "%s", s != NULL ? s : "");
	while (chart_width(buf) > w) {
		sp = strrchr(buf, ' ');
		if (sp == NULL) {
			buf[0] = '\0';
			return;
		}
		while (sp > buf && sp[-1] == ' ')
			sp--;
		*sp = '\0';
	}
}

int
chart_ladder(const chart_ladder_item *it, int n, int side, int zoom,
    render_charset cs, chart_grid *g, int *xs)
{
	float *zimg;
	char row[CHART_ZOOM_MAX_SIDE * 3 + 1], cap[256];
	int  zs = side * zoom, rows = zs / 2, ncap = 0, fit, i, j, r;

	if (!chart_grid_ok(g))
		return -1;
	chart_grid_clear(g);
	if (it == NULL || n < 1 || side < 2 || zoom < 1 ||
	    zs > CHART_ZOOM_MAX_SIDE)
		return chart_fail(g);
	for (i = 0; i < n; i++) {
		if (it[i].img == NULL)
			return chart_fail(g);
		for (j = 0; j < 2; j++)
			if (it[i].caption[j] != NULL && j + 1 > ncap)
				ncap = j + 1;
	}
	fit = (g->w + 1) / (zs + 1);
	if (fit < 1 || g->h < rows + ncap)
		return chart_fail(g);
	if (fit > n)
		fit = n;
	/* up to 50 KB: too much for the stack of a pane's draw call */
	zimg = malloc(sizeof *zimg * (size_t)zs * (size_t)zs);
	if (zimg == NULL)
		return chart_fail(g);
	for (i = 0; i < fit; i++) {
		int x = i * (zs + 1);

		chart_zoom(it[i].img, side, zoom, zimg);
		for (r = 0; r < rows; r++) {
			render_digit_row(zimg, zs, r, cs, row, sizeof row);
			chart_text(g, x, r, row, zs, CHART_TAG_DIGIT);
		}
		for (j = 0; j < 2; j++) {
			int tag = j == 1 ? it[i].verdict : CHART_TAG_PLAIN;
			int cwid;

			fit_words(it[i].caption[j], zs, cap, sizeof cap);
			cwid = chart_width(cap);
			chart_text(g, x + (zs - cwid) / 2, rows + j, cap, zs,
			    tag);
		}
		if (xs != NULL)
			xs[i] = x;
	}
	free(zimg);
	chart_grid_pack(g);
	return fit;
}

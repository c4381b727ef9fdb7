/* Golden rows for every chart renderer (UTF-8 and ASCII), and the
 * properties the panes rely on: every row exactly w cells, within its
 * bytes, numbers whole, nothing written outside the grid. */
#include "render/chart.h"
#include "render/ramp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

#define MAXW 100
#define MAXH 40
#define CANARY 64

static char          text[MAXH * (MAXW * CHART_CELL_BYTES + 1) + CANARY];
static unsigned char tags[MAXW * MAXH + CANARY];

/* A w x h grid over the static buffers, canaries after both. */
static chart_grid
grid(int w, int h)
{
	chart_grid g = { w, h, text, tags };

	memset(text, 'X', sizeof text);
	memset(tags, 0xEE, sizeof tags);
	return g;
}

static const char *
row(const chart_grid *g, int r)
{
	return g->text + (size_t)r * CHART_ROW_BYTES(g->w);
}

static int
tag_at(const chart_grid *g, int x, int y)
{
	return g->tag[y * g->w + x];
}

/* Every row exactly w cells within its bytes, canaries intact. */
static int
shape_ok(const chart_grid *g)
{
	size_t end = (size_t)g->h * CHART_ROW_BYTES(g->w), i;
	int    r;

	for (r = 0; r < g->h; r++)
		if (chart_width(row(g, r)) != g->w ||
		    strlen(row(g, r)) >= CHART_ROW_BYTES(g->w))
			return 0;
	for (i = end; i < end + CANARY; i++)
		if (text[i] != 'X')
			return 0;
	for (i = (size_t)g->w * (size_t)g->h; i < (size_t)g->w * (size_t)g->h +
	    CANARY; i++)
		if (tags[i] != 0xEE)
			return 0;
	return 1;
}

/* The rows against want[0..h-1] (the first difference diagnosed), then
 * the shape. */
static void
rows_are(const chart_grid *g, const char *const *want, const char *name)
{
	int r, bad = -1;

	for (r = 0; r < g->h && bad < 0; r++)
		if (strcmp(row(g, r), want[r]) != 0)
			bad = r;
	if (!ok(bad < 0, "%s", name)) {
		diag("row %d: got \"%s\", want \"%s\"", bad, row(g, bad),
		    want[bad]);
		for (r = 0; r < g->h; r++)
			diag("\"%s\",", row(g, r));
	}
	ok(shape_ok(g), "%s (shape)", name);
}

static int
blank(const chart_grid *g)
{
	int r, c;

	for (r = 0; r < g->h; r++)
		for (c = 0; c < g->w; c++)
			if (row(g, r)[c] != ' ' || row(g, r)[g->w] != '\0')
				return 0;
	return shape_ok(g);
}

/* Does some row hold s? */
static int
has(const chart_grid *g, const char *s)
{
	int r;

	for (r = 0; r < g->h; r++)
		if (strstr(row(g, r), s) != NULL)
			return 1;
	return 0;
}

static void
test_num(void)
{
	static const struct {
		double      v;
		chart_fmt   f;
		int         maxw;
		const char *want;
	} c[] = {
		{ 20000, { CHART_NUM_G, 0, 0 }, 0, "20000" },
		{ 20000, { CHART_NUM_G, 0, 0 }, 3, "" },
		{ 20000, { CHART_NUM_G, 0, CHART_NUM_SI }, 3, "20k" },
		{ 20000, { CHART_NUM_G, 0, CHART_NUM_SI }, 5, "20000" },
		{ 12345, { CHART_NUM_G, 0, CHART_NUM_SI }, 4, "" },
		{ 12345, { CHART_NUM_G, 0, CHART_NUM_SI | CHART_NUM_ROUND },
		    4, "12k" },
		{ 12345, { CHART_NUM_G, 0, CHART_NUM_SI | CHART_NUM_ROUND },
		    5, "12345" },
		{ 1500000, { CHART_NUM_G, 0, CHART_NUM_SI }, 4, "1.5M" },
		{ 0.9843, { CHART_NUM_PCT, 2, 0 }, 0, "98.43" },
		{ 1.0, { CHART_NUM_PCT, 2, 0 }, 0, "100.00" },
		{ 0.9843, { CHART_NUM_PCT, 2, 0 }, 4, "" },
		{ 0.9843, { CHART_NUM_PCT, 2, CHART_NUM_ROUND }, 4, "98.4" },
		{ 0.9843, { CHART_NUM_PCT, 2, CHART_NUM_ROUND }, 2, "98" },
		{ 0.1, { CHART_NUM_G, 0, 0 }, 0, "0.1" },
		{ 4, { CHART_NUM_G, 0, 0 }, 0, "4" },
		{ 0.123456, { CHART_NUM_G, 3, 0 }, 0, "0.123" },
		{ -0.0001, { CHART_NUM_FIXED, 2, 0 }, 0, "0.00" },
		{ -0.25, { CHART_NUM_FIXED, 2, 0 }, 0, "-0.25" },
		{ NAN, { CHART_NUM_PCT, 2, 0 }, 0, "-" },
		{ -INFINITY, { CHART_NUM_G, 0, 0 }, 0, "-inf" },
		{ 1e300, { CHART_NUM_FIXED, 2, 0 }, 0, "" },
		{ 1e300, { CHART_NUM_G, 0, 0 }, 0, "1e+300" },
	};
	char   buf[32];
	size_t i, n;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		int good;

		memset(buf, 'X', sizeof buf);
		n = chart_num(c[i].v, c[i].f, c[i].maxw, buf, sizeof buf);
		good = strcmp(buf, c[i].want) == 0 && n == strlen(c[i].want);
		ok(good, "chart_num(%g, kind %d, flags %d, maxw %d) = \"%s\"",
		    c[i].v, (int)c[i].f.kind, c[i].f.flags, c[i].maxw,
		    c[i].want);
		if (!good)
			diag("got \"%s\" (%zu)", buf, n);
	}
	memset(buf, 'X', sizeof buf);
	n = chart_num(20000, (chart_fmt){ CHART_NUM_G, 0, 0 }, 0, buf, 5);
	ok(n == 0 && buf[0] == '\0' && buf[5] == 'X',
	    "a number that does not fit outlen is left out, not cut");
}

static void
test_grid(void)
{
	chart_grid g = grid(4, 2);

	chart_grid_clear(&g);
	ok(chart_put(&g, 0, 0, "█x", 9) == 1 && chart_put(&g, 4, 0, "a", 0)
	    == 0 && chart_put(&g, 0, 2, "a", 0) == 0 &&
	    chart_put(&g, -1, 0, "a", 0) == 0, "put: inside only");
	ok(chart_text(&g, 1, 0, "±é€😀", -1, 5) == 3,
	    "text stops at the row's end");
	ok(chart_text(&g, 2, 1, "abcdef", 1, 0) == 1, "text stops at maxcells");
	chart_put(&g, 1, 1, "\xff", 0);
	chart_grid_pack(&g);
	ok(strcmp(row(&g, 0), "█±é€") == 0 && strcmp(row(&g, 1), " ?a ") == 0,
	    "pack: glyphs in order, invalid UTF-8 as '?'");
	ok(shape_ok(&g), "pack: rows of w cells, within their bytes");
	ok(tag_at(&g, 0, 0) == 9 && tag_at(&g, 1, 0) == 5 &&
	    tag_at(&g, 3, 1) == 0, "tags follow the cells");

	g = grid(3, 1);
	chart_grid_clear(&g);
	chart_text(&g, 0, 0, "😀ab", -1, 0);
	chart_grid_pack(&g);
	ok(strcmp(row(&g, 0), "?ab") == 0,
	    "a 4-byte (maybe double-width) glyph becomes one '?'");
	ok(chart_width("a±€") == 3 && chart_glyph_len("€x") == 3 &&
	    chart_glyph_len("±") == 2 && chart_glyph_len("") == 0,
	    "width and glyph length");
}

static void
test_lines(void)
{
	const double up[3] = { 0, 0.5, 1 };
	const double tr[3] = { 0.9, 0.95, 1 };
	const double va[3] = { 0.9, 0.92, 0.94 };
	const chart_series one = { up, 3, "acc" };
	const chart_series two[2] = { { tr, 3, "train" }, { va, 3, "val" } };
	chart_lines_opts o = { 0, 0, { CHART_NUM_G, 0, 0 }, 1, 0 };
	chart_grid g;

	g = grid(10, 5);
	ok(chart_lines(&one, 1, &o, RENDER_ASCII, &g) == 0, "lines: fits");
	rows_are(&g, (const char *const[]){
		"1+      **",
		" |  ****  ",
		"0+**      ",
		" ++---+--+",
		"  1   2  3",
	}, "lines ASCII: a rising series, labels, epoch ticks");
	ok(tag_at(&g, 2, 2) == CHART_TAG_SERIES && tag_at(&g, 1, 0) ==
	    CHART_TAG_AXIS && tag_at(&g, 0, 0) == CHART_TAG_AXIS &&
	    tag_at(&g, 5, 0) == CHART_TAG_PLAIN, "lines ASCII: tags");

	g = grid(6, 4);
	chart_lines(&one, 1, &o, RENDER_UTF8, &g);
	rows_are(&g, (const char *const[]){
		"1┤  ⢀⠎",
		"0┤⡠⠒⠁ ",
		" └┬──┬",
		"  1  3",
	}, "lines UTF-8: braille, 2x4 dots a cell, ticks 2 blanks apart");

	o.yfmt = (chart_fmt){ CHART_NUM_PCT, 0, 0 };
	o.legend = 1;
	g = grid(16, 6);
	chart_lines(two, 2, &o, RENDER_ASCII, &g);
	rows_are(&g, (const char *const[]){
		"100+         ***",
		"   |   ******ooo",
		" 90+ooooooooo   ",
		"   ++-----+----+",
		"    1     2    3",
		"* train  o val  ",
	}, "lines ASCII: two series and a legend");
	ok(tag_at(&g, 12, 2) == CHART_TAG_SERIES + 1 &&
	    tag_at(&g, 7, 1) == CHART_TAG_SERIES &&
	    tag_at(&g, 4, 2) == CHART_TAG_MIXED &&
	    tag_at(&g, 0, 5) == CHART_TAG_SERIES &&
	    tag_at(&g, 9, 5) == CHART_TAG_SERIES + 1,
	    "lines: series tags in the plot and the legend");

	g = grid(16, 6);
	chart_lines(two, 2, &o, RENDER_UTF8, &g);
	rows_are(&g, (const char *const[]){
		"100┤        ⢀⡠⠔⠊",
		"   │    ⢀⡠⠔⠊⠁ ⢀⢀",
		" 90┤⣀⠤⠲⠩⠑⠐⠒⠈⠈⠈  ",
		"   └┬─────┬────┬",
		"    1     2    3",
		"⠒⠒ train  ⠂⠂ val",
	}, "lines UTF-8: solid and dotted series, legend samples");
	ok(tag_at(&g, 4, 2) == CHART_TAG_MIXED,
	    "lines: a cell two series share is MIXED");
}

/* Many curves: two styles of two series each, a band per style under
 * them, one series marked, the legend over two rows. */
static void
test_curves(void)
{
	const double a0[4] = { 0.2, 0.4, 0.6, 0.8 }, a1[4] = { 0.3, 0.5, 0.7,
		0.9 };
	const double b0[4] = { 0.1, 0.1, 0.2, 0.2 }, b1[4] = { 0.2, 0.2, 0.3,
		0.3 };
	const double alo[4] = { 0.2, 0.4, 0.6, 0.8 }, ahi[4] = { 0.3, 0.5,
		0.7, 0.9 };
	const double blo[4] = { 0.1, 0.1, NAN, 0.2 }, bhi[4] = { 0.2, 0.2,
		NAN, 0.3 };
	const chart_series s[4] = { { a0, 4, NULL }, { a1, 4, NULL },
		{ b0, 4, NULL }, { b1, 4, NULL } };
	const int style[4] = { 0, 0, 1, 1 };
	const chart_band band[2] = { { alo, ahi, 4, 0 }, { blo, bhi, 4, 1 } };
	const char *const key[2] = { "0", "0.5" };
	chart_curves_opts o = { 0, 1, { CHART_NUM_PCT, 0, 0 }, 1, style, 1,
		band, 2, key, 2, "sd", "sel", 2 };
	chart_grid g;
	int marks = 0, bands = 0, ser = 0;

	g = grid(16, 10);
	ok(chart_curves(s, 4, &o, RENDER_ASCII, &g) == 0, "curves: fits");
	rows_are(&g, (const char *const[]){
		"100+          @@",
		"   |        @@**",
		"   |    ..@@*.  ",
		"   | .@@@@      ",
		"   |@@oooooooooo",
		"  0+oooooo      ",
		"   ++---+--+---+",
		"    1   2  3   4",
		"* 0  o 0.5  . sd",
		"@ sel           ",
	}, "curves ASCII: a glyph a style, bands '.', the mark '@' on top, "
	    "the legend over two rows");
	for (int r = 0; r < 6; r++)
		for (int c = 4; c < 16; c++) {
			marks += tag_at(&g, c, r) == CHART_TAG_MARK;
			bands += tag_at(&g, c, r) >= CHART_TAG_BAND &&
			    tag_at(&g, c, r) < CHART_TAG_BAND + 2;
			ser += tag_at(&g, c, r) == CHART_TAG_SERIES + 1;
		}
	ok(shape_ok(&g) && marks > 0 && bands > 0 && ser > 0,
	    "curves: tags of the mark, the bands, a style");
	g = grid(16, 10);
	ok(chart_curves(s, 4, &o, RENDER_UTF8, &g) == 0, "curves UTF-8: fits");
	rows_are(&g, (const char *const[]){
		"100┤          ⢀⡠",
		"   │       ⢀⠤⣊⠥⠒",
		"   │    ⢀⡠⡪⠕⠉   ",
		"   │⢀⡠⢔⡪⠕⠊      ",
		"   │⠵⠪⠡⠠⠤⠐⢐⠨⠨⠨⠨⠨",
		"  0┤⠒⠐⠐⠐⠒⠈      ",
		"   └┬───┬──┬───┬",
		"    1   2  3   4",
		"⠒⠒ 0  ⠂⠂ 0.5    ",
		"░░ sd  ⠒⠒ sel   ",
	}, "curves UTF-8: solid and dotted styles, the band's shade in the "
	    "legend");
	ok(tag_at(&g, 0, 9) == CHART_TAG_BAND && tag_at(&g, 7, 9) ==
	    CHART_TAG_MARK && tag_at(&g, 0, 8) == CHART_TAG_SERIES &&
	    tag_at(&g, 6, 8) == CHART_TAG_SERIES + 1,
	    "curves: legend samples tagged as their lines and bands");

	/* many series: more than chart_lines' 4, each style its glyph */
	{
		static double v[40][3];
		static chart_series many[40];
		static int st[40];
		chart_curves_opts m = { 0, 1, { CHART_NUM_PCT, 0, 0 }, 1, st,
			-1, NULL, 0, NULL, 0, NULL, NULL, 0 };
		int seen[CHART_MAX_STYLES] = { 0 }, all = 1;

		for (int k = 0; k < 40; k++) {
			for (int e = 0; e < 3; e++)
				v[k][e] = (k % 8) / 8.0 + 0.01 * e;
			many[k] = (chart_series){ v[k], 3, NULL };
			st[k] = k % 8;
		}
		g = grid(20, 20);
		ok(chart_curves(many, 40, &m, RENDER_ASCII, &g) == 0,
		    "curves: 40 series draw");
		for (int r = 0; r < 18; r++)
			for (const char *p = row(&g, r); *p; p++)
				for (int k = 0; k < CHART_MAX_STYLES; k++)
					seen[k] |= *p == "*ox+%&=~"[k];
		for (int k = 0; k < CHART_MAX_STYLES; k++)
			all &= seen[k];
		ok(all, "curves: 8 styles, 8 glyphs");
		st[3] = CHART_MAX_STYLES;
		ok(chart_curves(many, 40, &m, RENDER_ASCII, &g) == -1 &&
		    blank(&g), "curves: a style out of range fails blank");
		st[3] = 3;
		m.mark = 40;
		ok(chart_curves(many, 40, &m, RENDER_ASCII, &g) == -1,
		    "curves: a mark past the series fails");
		ok(chart_curves(many, 40, NULL, RENDER_ASCII, &g) == -1,
		    "curves: no options fails");
	}
}

static void
test_lines_edges(void)
{
	double many[40], flat[4] = { 0.98, 0.98, 0.98, 0.98 };
	double gap[5] = { 0, 1, NAN, 1, 0 };
	const double pct[2] = { 0.9843, 0.9912 };
	chart_series s = { many, 40, NULL };
	chart_lines_opts o = { 0, 0, { CHART_NUM_FIXED, 1, 0 }, 1, 0 };
	chart_grid g;
	int i;

	for (i = 0; i < 40; i++)
		many[i] = i % 2;  /* zig-zag: every column must span 0..1 */
	g = grid(12, 5);
	chart_lines(&s, 1, &o, RENDER_ASCII, &g);
	rows_are(&g, (const char *const[]){
		"1.0+********",
		"   |********",
		"0.0+********",
		"   ++------+",
		"    1     40",
	}, "lines: 40 epochs in 8 columns cover every value");

	s.v = gap;
	s.n = 5;
	g = grid(9, 4);
	chart_lines(&s, 1, NULL, RENDER_ASCII, &g);
	rows_are(&g, (const char *const[]){
		"1+ **  * ",
		"0+*     *",
		" ++-----+",
		"  1     5",
	}, "lines: NaN is a gap, o NULL numbers epochs from 1");

	s.v = flat;
	s.n = 4;
	o.yfmt = (chart_fmt){ CHART_NUM_PCT, 2, 0 };
	g = grid(12, 5);
	ok(chart_lines(&s, 1, &o, RENDER_ASCII, &g) == 0 &&
	    has(&g, "98.98+") && has(&g, "97.02+") && strcmp(row(&g, 1), "     |******") == 0,
	    "lines: a flat series sits mid-height between true labels");

	s.v = pct;
	s.n = 2;
	g = grid(8, 4);
	ok(chart_lines(&s, 1, &o, RENDER_ASCII, &g) == 0 &&
	    strcmp(row(&g, 0), "99.12+ *") == 0 &&
	    strcmp(row(&g, 1), "98.43+* ") == 0 && shape_ok(&g),
	    "lines: labels whole, the plot shrinks to 2 columns... ");
	g = grid(7, 4);
	ok(chart_lines(&s, 1, &o, RENDER_ASCII, &g) == -1 && blank(&g),
	    "lines: ... and with no room left it fails blank, never cuts");
	{
		char copy[4][CHART_ROW_BYTES(8)];
		int  same = 1;

		g = grid(8, 4);
		chart_lines(&s, 1, &o, RENDER_UTF8, &g);
		for (i = 0; i < 4; i++)
			memcpy(copy[i], row(&g, i), CHART_ROW_BYTES(8));
		g = grid(8, 4);
		g.tag = NULL;
		ok(chart_lines(&s, 1, &o, RENDER_UTF8, &g) == 0,
		    "lines: a grid without tags draws");
		for (i = 0; i < 4; i++)
			same &= strcmp(copy[i], row(&g, i)) == 0;
		ok(same && tags[0] == 0xEE, "... the same rows, no tag written");
	}
	o.first = 11;
	g = grid(12, 4);
	chart_lines(&s, 1, &o, RENDER_ASCII, &g);
	ok(strcmp(row(&g, 3), "      11  12") == 0,
	    "lines: epochs numbered from o->first (\"%s\")", row(&g, 3));
	o.first = 1;
	g = grid(10, 3);
	ok(chart_lines(&s, 1, &o, RENDER_UTF8, &g) == -1 && blank(&g),
	    "lines: under 2 plot rows fails");
	g = grid(10, 5);
	ok(chart_lines(&s, 0, &o, RENDER_UTF8, &g) == -1 && blank(&g),
	    "lines: no series fails");
	s.v = (const double[1]){ NAN };
	s.n = 1;
	ok(chart_lines(&s, 1, &o, RENDER_UTF8, &g) == -1,
	    "lines: no finite value fails");

	/* 400 epochs, 5 wide: the end tick still reads "400" whole */
	{
		static double v[400];

		for (i = 0; i < 400; i++)
			v[i] = i;
		s.v = v;
		s.n = 400;
		o.yfmt = (chart_fmt){ CHART_NUM_G, 0, 0 };
		g = grid(14, 4);
		ok(chart_lines(&s, 1, &o, RENDER_UTF8, &g) == 0 &&
		    strcmp(row(&g, 3), "    1      400") == 0 &&
		    has(&g, "399┤") && shape_ok(&g),
		    "lines: first and last epoch labels whole");
		if (!has(&g, "399┤"))
			diag("%s / %s", row(&g, 0), row(&g, 3));
	}
}

static void
test_bars(void)
{
	const double sc[3] = { 0, 0.5, 4 };
	const double mt[3] = { 0.99, 0.97, NAN };
	const double mv[3] = { 0.98, 0.95, NAN };
	const double sd[3] = { 0.01, 0.02, NAN };
	const double mn[3] = { 0.965, 0.91, NAN };
	const double mx[3] = { 0.995, 0.98, NAN };
	const chart_bar_series s[2] = { { "train", mt, NULL, NULL, NULL, NULL },
		{ "val", mv, sd, mn, mx, NULL } };
	chart_bars_opts o = { 0.9, 1.0, { CHART_NUM_PCT, 1, 0 },
		{ CHART_NUM_G, 0, 0 } };
	chart_grid g;

	g = grid(31, 6);
	ok(chart_scale_bars(sc, 3, s, 2, &o, RENDER_UTF8, &g) == 0,
	    "bars: fits");
	rows_are(&g, (const char *const[]){
		"  0 train ██████████▊      99.0",
		"    val          ├━▓━┤ 98.0±1.0",
		"0.5 train ████████▍        97.0",
		"    val    ├─━━━▓━━┤   95.0±2.0",
		"  4 train                     -",
		"    val                       -",
	}, "bars UTF-8: eighths, whiskers (min..max, sd, mean), values");
	ok(tag_at(&g, 0, 2) == CHART_TAG_AXIS && tag_at(&g, 10, 0) ==
	    CHART_TAG_SERIES && tag_at(&g, 17, 1) == CHART_TAG_SERIES + 1 &&
	    tag_at(&g, 30, 0) == CHART_TAG_PLAIN, "bars: tags");
	g = grid(31, 6);
	chart_scale_bars(sc, 3, s, 2, &o, RENDER_ASCII, &g);
	rows_are(&g, (const char *const[]){
		"  0 train ##########       99.0",
		"    val          ~=~| 98.0+-1.0",
		"0.5 train ########         97.0",
		"    val    |-~~=~~|   95.0+-2.0",
		"  4 train                     -",
		"    val                       -",
	}, "bars ASCII: the sd band wins a cell it shares with min");
}

static void
test_bars_overlay(void)
{
	const double sc[2] = { 0.5, 20000 };
	const double a[2] = { 0.5, 0.25 };
	const double b[2] = { 0.75, NAN };
	const chart_bar_series s[2] = { { "A val", a, NULL, NULL, NULL, NULL },
		{ "B val", b, NULL, NULL, NULL, NULL } };
	chart_grid g;

	g = grid(20, 4);
	ok(chart_scale_bars(sc, 2, s, 2, NULL, RENDER_UTF8, &g) == 0,
	    "overlay: fits");
	rows_are(&g, (const char *const[]){
		"  0.5 ████     50.00",
		"      ▓▓▓▓▓▓   75.00",
		"20000 ██       25.00",
		"                   -",
	}, "overlay: names dropped when they leave a bar under 4 cells");
	g = grid(24, 4);
	chart_scale_bars(sc, 2, s, 2, NULL, RENDER_UTF8, &g);
	rows_are(&g, (const char *const[]){
		"  0.5 A val ███    50.00",
		"      B val ▓▓▓▓▓  75.00",
		"20000 A val █▌     25.00",
		"      B val            -",
	}, "overlay UTF-8: run A in blocks, run B in dark shade");
	g = grid(14, 4);
	chart_scale_bars(sc, 2, s, 2, NULL, RENDER_ASCII, &g);
	rows_are(&g, (const char *const[]){
		"  0.5 #  50.00",
		"      == 75.00",
		"20000 #  25.00",
		"             -",
	}, "overlay ASCII, narrow: names dropped, scale 20000 whole");
	g = grid(12, 4);
	ok(chart_scale_bars(sc, 2, s, 2, NULL, RENDER_ASCII, &g) == -1 &&
	    blank(&g), "overlay: no room for a bar fails blank");
	g = grid(30, 3);
	ok(chart_scale_bars(sc, 2, s, 2, NULL, RENDER_ASCII, &g) == -1,
	    "overlay: fewer rows than scales x series fails");
}

/* A cancelled row's value, not final: in parentheses, tagged partial;
 * the finished rows' as before. */
static void
test_bars_partial(void)
{
	const double sc[2] = { 0, 0.5 };
	const double v[2] = { 0.98, 0.72 };
	const double nan2[2] = { NAN, NAN };
	const unsigned char part[2] = { 0, 1 };
	const chart_bar_series s[1] = { { "val", v, NULL, NULL, NULL, part } };
	const chart_bar_series t[1] = { { "val", nan2, NULL, NULL, NULL,
		part } };
	chart_grid g;

	g = grid(24, 2);
	ok(chart_scale_bars(sc, 2, s, 1, NULL, RENDER_UTF8, &g) == 0,
	    "partial: fits");
	rows_are(&g, (const char *const[]){
		"  0 val ███████▉   98.00",
		"0.5 val █████▊   (72.00)",
	}, "partial: the cancelled row's value in parentheses");
	ok(tag_at(&g, 23, 1) == CHART_TAG_PARTIAL && tag_at(&g, 17, 1) ==
	    CHART_TAG_PARTIAL && tag_at(&g, 23, 0) == CHART_TAG_PLAIN,
	    "partial: its value tagged partial, a final one plain");
	g = grid(24, 2);
	chart_scale_bars(sc, 2, t, 1, NULL, RENDER_ASCII, &g);
	rows_are(&g, (const char *const[]){
		"  0 val                -",
		"0.5 val                -",
	}, "partial: no value yet is '-', not '(-)'");
}

/* The heat map's ramps: distinct colours, luminance rising with the
 * level (so the scale reads in grey too), the ends where viridis has
 * them (purple low, yellow high), white text on the dark end only. */
static void
test_ramp(void)
{
	int n = ramp_levels(RAMP_256, RENDER_UTF8), mono = 1, distinct = 1;

	ok(n == RAMP_MAX_LEVELS && n >= 8 && n <= CHART_MAX_LEVELS,
	    "ramp: 256 colours give %d levels", n);
	for (int l = 1; l < n; l++) {
		if (!(ramp_luminance(ramp_colour(RAMP_256, l)) >
		    ramp_luminance(ramp_colour(RAMP_256, l - 1))))
			mono = 0;
		for (int k = 0; k < l; k++)
			if (ramp_colour(RAMP_256, k) == ramp_colour(RAMP_256, l))
				distinct = 0;
	}
	ok(mono, "ramp 256: luminance rises with every level");
	ok(distinct, "ramp 256: every level its own colour");
	ok(ramp_colour(RAMP_256, 0) == 53 && ramp_colour(RAMP_256, n - 1) ==
	    220, "ramp 256: purple #5f005f (53) low, yellow #ffd700 (220) high");
	ok(ramp_colour(RAMP_256, -5) == 53 && ramp_colour(RAMP_256, 99) ==
	    220, "ramp 256: levels clamped to the ends");
	ok(ramp_colour(RAMP_256, 0) >= 16 && ramp_colour(RAMP_256, n - 1) <=
	    231, "ramp 256: cube colours, not the terminal's own 16");
	ok(ramp_dark(RAMP_256, 0) && !ramp_dark(RAMP_256, n - 1),
	    "ramp 256: white text on the dark end, black on the bright");
	ok(fabs(ramp_luminance(16)) < 1e-9 && fabs(ramp_luminance(231) - 1.0) <
	    1e-9 && ramp_luminance(7) < 0 && ramp_luminance(244) > 0.2 &&
	    ramp_luminance(244) < 0.3, "ramp: xterm luminance (black 16, "
	    "white 231, grey 244, the 16 system colours unknown)");
	ok(ramp_levels(RAMP_8, RENDER_UTF8) == 4 && ramp_colour(RAMP_8, 0) ==
	    4 && ramp_colour(RAMP_8, 3) == 3 && ramp_dark(RAMP_8, 0) &&
	    !ramp_dark(RAMP_8, 3), "ramp 8: blue (white text) .. yellow");
	ok(ramp_levels(RAMP_MONO, RENDER_UTF8) == 4 &&
	    strcmp(ramp_glyph(0, RENDER_UTF8), "░") == 0 &&
	    strcmp(ramp_glyph(3, RENDER_UTF8), "█") == 0 &&
	    ramp_levels(RAMP_MONO, RENDER_ASCII) == 5 &&
	    strcmp(ramp_glyph(0, RENDER_ASCII), ".") == 0 &&
	    strcmp(ramp_glyph(9, RENDER_ASCII), "@") == 0 &&
	    ramp_colour(RAMP_MONO, 0) == -1,
	    "ramp mono: shade glyphs light to full, no colour");
}

static void
test_confusion(void)
{
	const long cm[9] = { 50, 2, 0, 1, 40, 9, 0, 0, 1200 };
	const char *const names[3] = { "T-shirt", "Trouser", "Pullover" };
	chart_confusion_opts o = { NULL, 8 };
	chart_cells where = { -1, -1, -1 };
	long big[100];
	chart_grid g;
	int i;

	g = grid(26, 5);
	ok(chart_confusion(cm, 3, &o, RENDER_UTF8, &g, &where) == 0,
	    "confusion: fits");
	rows_are(&g, (const char *const[]){
		"t\\p    0    1    2   acc  ",
		"  0   50    2    ·  96.2  ",
		"  1    1   40    9  80.0  ",
		"  2    ·    · 1200 100.0  ",
		"all                 99.1  ",
	}, "confusion UTF-8: counts, per-class and overall accuracy");
	ok(where.x0 == 3 && where.y0 == 1 && where.cw == 5,
	    "confusion: where the cells are (%d, %d, %d)", where.x0,
	    where.y0, where.cw);
	ok(tag_at(&g, 3, 1) == CHART_TAG_SHADE + 7 &&
	    tag_at(&g, 7, 1) == CHART_TAG_SHADE + 7 &&
	    tag_at(&g, 8, 1) == CHART_TAG_SHADE + 0 &&
	    tag_at(&g, 17, 2) == CHART_TAG_SHADE + 1 &&
	    tag_at(&g, 2, 1) == CHART_TAG_AXIS &&
	    tag_at(&g, 18, 1) == CHART_TAG_PLAIN,
	    "confusion: each count's cells shaded by count / row total");

	g = grid(24, 4);
	chart_confusion(cm, 3, NULL, RENDER_ASCII, &g, NULL);
	rows_are(&g, (const char *const[]){
		"t\\p    0    1    2   acc",
		"  0   50    2    .  96.2",
		"  1    1   40    9  80.0",
		"  2    .    . 1200 100.0",
	}, "confusion ASCII, no room for the overall row");
	g = grid(23, 4);
	ok(chart_confusion(cm, 3, NULL, RENDER_ASCII, &g, NULL) == -1 &&
	    blank(&g), "confusion: one column short fails, counts uncut");

	o.labels = names;
	g = grid(32, 4);
	chart_confusion(cm, 3, &o, RENDER_ASCII, &g, NULL);
	rows_are(&g, (const char *const[]){
		"t\\p      T-sh Trou Pull   acc   ",
		" T-shirt   50    2    .  96.2   ",
		" Trouser    1   40    9  80.0   ",
		"Pullover    .    . 1200 100.0   ",
	}, "confusion: class names, headers shortened to the cells");
	g = grid(24, 4);
	chart_confusion(cm, 3, &o, RENDER_ASCII, &g, NULL);
	rows_are(&g, (const char *const[]){
		"t\\p T-sh Trou Pull   acc",
		"T-s   50    2    .  96.2",
		"Tro    1   40    9  80.0",
		"Pul    .    . 1200 100.0",
	}, "confusion: narrow, row names shortened, never the counts");

	for (i = 0; i < 100; i++)
		big[i] = i % 11 == 0 ? 99999 : i;
	g = grid(80, 12);
	ok(chart_confusion(big, 10, NULL, RENDER_UTF8, &g, &where) == 0 &&
	    where.cw == 6 && has(&g, " 99999 ") && shape_ok(&g),
	    "confusion: 10 x 10 with 5-digit counts fits 80 columns");
	big[3] = -1;
	ok(chart_confusion(big, 10, NULL, RENDER_UTF8, &g, NULL) == -1,
	    "confusion: a negative count fails");
	big[3] = 3;
	g = grid(80, 10);
	ok(chart_confusion(big, 10, NULL, RENDER_UTF8, &g, NULL) == -1,
	    "confusion: fewer rows than classes + 1 fails");
}

static void
test_heatmap(void)
{
	const double rv[2] = { 0, 1 }, cv[3] = { 0, 0.5, 1 };
	const double m[6] = { 0.98, 0.9, 0.5, 0.97, NAN, 0.93 };
	const double sd[6] = { 0.001, 0.01, 0.02, NAN, NAN, 0.01 };
	chart_heatmap_opts o = { "train\\test", { CHART_NUM_G, 0, 0 },
		{ CHART_NUM_G, 0, 0 }, { CHART_NUM_PCT, 1, 0 }, 0.5, 1.0, 6, 0,
		0 };
	chart_cells where;
	chart_grid g;

	g = grid(38, 3);
	ok(chart_heatmap(rv, 2, cv, 3, m, sd, &o, RENDER_UTF8, &g, &where) ==
	    0, "heatmap: fits");
	rows_are(&g, (const char *const[]){
		"train\\test        0      0.5        1 ",
		"         0 98.0±0.1 90.0±1.0 50.0±2.0 ",
		"         1     97.0        - 93.0±1.0 ",
	}, "heatmap UTF-8: mean ± sd, '-' for none, headers");
	ok(where.x0 == 10 && where.y0 == 1 && where.cw == 9,
	    "heatmap: where the cells are");
	ok(tag_at(&g, 10, 1) == CHART_TAG_SHADE + 5 &&
	    tag_at(&g, 28, 1) == CHART_TAG_SHADE + 0 &&
	    tag_at(&g, 19, 1) == CHART_TAG_SHADE + 4 &&
	    tag_at(&g, 0, 0) == CHART_TAG_AXIS,
	    "heatmap: shade levels between lo and hi");

	g = grid(31, 3);
	chart_heatmap(rv, 2, cv, 3, m, NULL, &o, RENDER_ASCII, &g, NULL);
	rows_are(&g, (const char *const[]){
		"train\\test    0  0.5    1      ",
		"         0 98.0 90.0 50.0      ",
		"         1 97.0    - 93.0      ",
	}, "heatmap ASCII without sd");
	g = grid(16, 3);
	chart_heatmap(rv, 2, cv, 3, m, NULL, &o, RENDER_ASCII, &g, NULL);
	rows_are(&g, (const char *const[]){
		"t    0  0.5    1",
		"0 98.0 90.0 50.0",
		"1 97.0    - 93.0",
	}, "heatmap: narrow, the corner label shortened");
	g = grid(15, 3);
	ok(chart_heatmap(rv, 2, cv, 3, m, NULL, &o, RENDER_ASCII, &g, NULL) ==
	    -1 && blank(&g), "heatmap: too narrow fails blank");

	/* Without colours: each value after its shade glyph; the selected
	 * row (1) marked. */
	o.levels = ramp_levels(RAMP_MONO, RENDER_UTF8);
	o.shade = 1;
	o.mark = 2;
	g = grid(28, 3);
	ok(chart_heatmap(rv, 2, cv, 3, m, NULL, &o, RENDER_UTF8, &g, &where) ==
	    0, "heatmap shaded: fits");
	rows_are(&g, (const char *const[]){
		"train\\test     0   0.5     1",
		"         0 █98.0 ▓90.0 ░50.0",
		">        1 █97.0     - █93.0",
	}, "heatmap shaded UTF-8: glyphs by level, '-' bare, row 1 marked");
	ok(tag_at(&g, 0, 2) == CHART_TAG_MARK && tag_at(&g, 9, 2) ==
	    CHART_TAG_MARK && tag_at(&g, 9, 1) == CHART_TAG_AXIS &&
	    tag_at(&g, 17, 2) == CHART_TAG_PLAIN && tag_at(&g, 11, 1) ==
	    CHART_TAG_SHADE + 3 && where.cw == 6,
	    "heatmap: the mark's tags, a missing value plain, cells 6 wide");
	o.levels = ramp_levels(RAMP_MONO, RENDER_ASCII);
	g = grid(28, 3);
	chart_heatmap(rv, 2, cv, 3, m, NULL, &o, RENDER_ASCII, &g, NULL);
	rows_are(&g, (const char *const[]){
		"train\\test     0   0.5     1",
		"         0 @98.0 #90.0 .50.0",
		">        1 @97.0     - #93.0",
	}, "heatmap shaded ASCII");
	/* The mark needs a cell of its own left of the labels. */
	o.corner = "";
	o.shade = 0;
	g = grid(17, 3);
	chart_heatmap(rv, 2, cv, 3, m, NULL, &o, RENDER_ASCII, &g, NULL);
	rows_are(&g, (const char *const[]){
		"      0  0.5    1",
		" 0 98.0 90.0 50.0",
		">1 97.0    - 93.0",
	}, "heatmap: the mark's column");
	g = grid(16, 3);
	ok(chart_heatmap(rv, 2, cv, 3, m, NULL, &o, RENDER_ASCII, &g, NULL) ==
	    -1, "heatmap: no room for the mark fails (a label is never cut)");
}

/* The legend: the ramp between the values it spans. */
static void
test_heat_legend(void)
{
	const chart_fmt f = { CHART_NUM_PCT, 1, 0 };
	chart_grid g;

	g = grid(20, 1);
	ok(chart_heat_legend(0.113, 0.984, f, 4, 1, RENDER_UTF8, &g) == 18,
	    "legend: 18 cells");
	rows_are(&g, (const char *const[]){ "11.3 ░░▒▒▓▓██ 98.4  " },
	    "legend shaded UTF-8: two cells a level");
	ok(tag_at(&g, 5, 0) == CHART_TAG_SHADE && tag_at(&g, 12, 0) ==
	    CHART_TAG_SHADE + 3 && tag_at(&g, 0, 0) == CHART_TAG_PLAIN,
	    "legend: each level's cells tagged");
	g = grid(15, 1);
	chart_heat_legend(0.113, 0.984, f, 5, 1, RENDER_ASCII, &g);
	rows_are(&g, (const char *const[]){ "11.3 .:+#@ 98.4" },
	    "legend ASCII, narrow: one cell a level");
	g = grid(30, 1);
	chart_heat_legend(0.5, 1.0, f, 11, 0, RENDER_UTF8, &g);
	ok(strncmp(row(&g, 0), "50.0 ", 5) == 0 &&
	    strstr(row(&g, 0), " 100.0") != NULL && tag_at(&g, 15, 0) ==
	    CHART_TAG_SHADE + 10, "legend in colour: blank cells, 11 levels");
	g = grid(14, 1);
	ok(chart_heat_legend(0.113, 0.984, f, 5, 1, RENDER_ASCII, &g) == -1 &&
	    blank(&g), "legend: too narrow fails blank");
	g = grid(30, 1);
	ok(chart_heat_legend(0.9, 0.1, f, 5, 1, RENDER_ASCII, &g) == -1 &&
	    chart_heat_legend(NAN, 0.1, f, 5, 1, RENDER_ASCII, &g) == -1,
	    "legend: lo > hi or NaN fails");
}

static void
test_ladder(void)
{
	const float img[16] = {
		0, 1, 1, 0,
		0, 1, 1, 0,
		0, 0, 1, 0,
		0, 0, 1, 0,
	};
	const chart_ladder_item it[3] = {
		{ img, { "0.5", "pred 7 ok" }, CHART_TAG_OK },
		{ img, { "4", "pred 3 MISS" }, CHART_TAG_MISS },
		{ img, { "8", NULL }, CHART_TAG_PLAIN },
	};
	float z[64];
	int   xs[3] = { -1, -1, -1 };
	chart_grid g;

	g = grid(14, 4);
	ok(chart_ladder(it, 3, 4, 1, RENDER_UTF8, &g, xs) == 3,
	    "ladder: three 4-wide images fit 14 columns");
	rows_are(&g, (const char *const[]){
		" ██   ██   ██ ",
		"  █    █    █ ",
		"0.5   4    8  ",
		"pred pred     ",
	}, "ladder 1x UTF-8: render's shades, captions by whole words");
	ok(xs[0] == 0 && xs[1] == 5 && xs[2] == 10, "ladder: image columns");
	ok(tag_at(&g, 1, 0) == CHART_TAG_DIGIT && tag_at(&g, 0, 3) ==
	    CHART_TAG_OK && tag_at(&g, 5, 3) == CHART_TAG_MISS &&
	    tag_at(&g, 4, 0) == CHART_TAG_PLAIN, "ladder: tags");

	g = grid(17, 6);
	ok(chart_ladder(it, 3, 4, 2, RENDER_ASCII, &g, NULL) == 2,
	    "ladder 2x: two of three fit, and it says so");
	rows_are(&g, (const char *const[]){
		"  @@@@     @@@@  ",
		"  @@@@     @@@@  ",
		"    @@       @@  ",
		"    @@       @@  ",
		"  0.5       4    ",
		" pred 7   pred 3 ",
	}, "ladder 2x ASCII: a pixel per row, two cells wide");
	chart_zoom(img, 4, 2, z);
	ok(z[0] == 0 && z[2] == 1 && z[3] == 1 && z[8 + 2] == 1 &&
	    z[7 * 8 + 5] == 1 && z[7 * 8 + 6] == 0, "zoom: pixel squares");

	g = grid(3, 4);
	ok(chart_ladder(it, 3, 4, 1, RENDER_UTF8, &g, NULL) == -1 &&
	    blank(&g), "ladder: no image fits fails blank");
	g = grid(20, 3);
	ok(chart_ladder(it, 3, 4, 1, RENDER_UTF8, &g, NULL) == -1,
	    "ladder: no room for the captions fails");
	g = grid(MAXW, MAXH);
	ok(chart_ladder(it, 1, 28, 5, RENDER_UTF8, &g, NULL) == -1,
	    "ladder: zoom beyond CHART_ZOOM_MAX_SIDE fails");
}

/* Every run of digits and dots in the grid is one of the n figures. */
static int figures_quiet;  /* while the checker is itself checked */

static int
figures_whole(const chart_grid *g, const char *const *fig, int n)
{
	int r, i;

	for (r = 0; r < g->h; r++) {
		const char *p = row(g, r);

		while (*p) {
			size_t len = strspn(p, "0123456789.");
			int    found = 0;

			if (len == strspn(p, ".")) {  /* no digit: shades */
				p += len > 0 ? len : 1;
				continue;
			}
			for (i = 0; i < n && !found; i++)
				found = strlen(fig[i]) == len &&
				    strncmp(fig[i], p, len) == 0;
			if (!found) {
				if (!figures_quiet)
						diag("row %d: \"%.*s\" is not a "
					    "whole figure", r, (int)len, p);
				return 0;
			}
			p += len;
		}
	}
	return 1;
}

/* Every size from 1x1 up: rows exactly w cells, and figures whole. */
static void
test_properties(void)
{
	static const char *const epochs[] = { "1", "2", "3", "4", "5", "6",
		"7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17",
		"18", "19", "20", "90.00", "98.43" };
	static const char *const barfig[] = { "0", "0.1", "0.5", "20000",
		"98.43", "90.00", "0.12", "97.10", "-" };
	static const char *const conffig[] = { "0", "1", "2", "1135", "20000",
		"99.9", "100.0", "0.0", "-" };
	static const char *const ladfig[] = { "0.5", "7", "4", "3" };
	double tr[20], va[20];
	const chart_series ser[2] = { { tr, 20, "train" }, { va, 20, "val" } };
	const chart_lines_opts lo = { 0, 0, { CHART_NUM_PCT, 2, 0 }, 1, 1 };
	const double sc[3] = { 0, 0.5, 20000 };
	const double m[3] = { 0.9843, 0.9, NAN }, sd[3] = { 0.0012, NAN, NAN };
	const chart_bar_series bs[2] = { { "train", m, NULL, NULL, NULL, NULL },
		{ "val", m, sd, m, m, NULL } };
	const double sc2[3] = { 0.1, 0.5, 20000 };
	long cm[9] = { 1135, 1, 0, 0, 20000, 0, 2, 0, 0 };
	const chart_ladder_item it[2] = {
		{ NULL, { "0.5", "pred 7 ok" }, CHART_TAG_OK },
		{ NULL, { "4", "pred 3 MISS" }, CHART_TAG_MISS } };
	chart_ladder_item lit[2];
	float img[28 * 28];
	int w, h, i, cs, bad = 0, good = 0, drawn = 0, last = 0;

	for (i = 0; i < 20; i++) {
		tr[i] = 0.9 + 0.0843 * i / 19.0;
		va[i] = 0.9 + 0.05 * sqrt(i / 19.0);
	}
	for (i = 0; i < 28 * 28; i++)
		img[i] = (float)(i % 28) / 27.0f;
	memcpy(lit, it, sizeof lit);
	lit[0].img = lit[1].img = img;
	for (cs = 0; cs < 2; cs++)
		for (w = 1; w <= MAXW; w += (w < 30 ? 1 : 7))
			for (h = 1; h <= 30; h += (h < 14 ? 1 : 5)) {
				chart_grid g = grid(w, h);
				int rc;

				rc = chart_lines(ser, 2, &lo, cs, &g);
				bad += !shape_ok(&g) || (rc == 0 &&
				    !(figures_whole(&g, epochs, 22) &&
				    has(&g, "98.43") && has(&g, "90.00")));
				good += rc == 0;
				g = grid(w, h);
				rc = chart_scale_bars(sc, 3, bs, 2, NULL, cs, &g);
				bad += !shape_ok(&g) || (rc == 0 &&
				    !(figures_whole(&g, barfig, 9) &&
				    has(&g, "20000")));
				good += rc == 0;
				g = grid(w, h);
				rc = chart_confusion(cm, 3, NULL, cs, &g, NULL);
				bad += !shape_ok(&g) || (rc == 0 &&
				    !(figures_whole(&g, conffig, 9) &&
				    has(&g, "20000")));
				good += rc == 0;
				g = grid(w, h);
				rc = chart_heatmap(sc2, 3, sc2, 3, (const double[9]){
				    0.9843, 0.9, 0.9, 0.9, 0.9843, 0.9, 0.9,
				    0.9, 0.9843 }, NULL, NULL, cs, &g, NULL);
				bad += !shape_ok(&g) || (rc == 0 &&
				    !figures_whole(&g, (const char *const[]){
				    "0.1", "0.5", "20000", "98.4", "90.0" }, 5));
				good += rc == 0;
				g = grid(w, h);
				rc = chart_ladder(lit, 2, 28, 1 + (h > 20), cs, &g,
				    NULL);
				bad += !shape_ok(&g) || (rc > 0 &&
				    !(figures_whole(&g, ladfig, 4) &&
				    (rc < 2 || has(&g, "pred 3 MISS"))));
				good += rc > 0;
				drawn += rc == 2;
				if (bad != last) {
					diag("w %d h %d cs %d: %d", w, h, cs,
					    bad - last);
					last = bad;
				}
			}
	ok(bad == 0, "every renderer at every size: rows exactly w cells "
	    "within their bytes, figures whole (%d bad)", bad);
	{
		chart_grid g = grid(8, 1);

		chart_grid_clear(&g);
		chart_text(&g, 0, 0, "98.4 ±1", -1, 0);
		chart_grid_pack(&g);
		figures_quiet = 1;
		ok(!figures_whole(&g, (const char *const[]){ "98.43", "1" },
		    2) && figures_whole(&g, (const char *const[]){ "98.4",
		    "1" }, 2), "the checker itself catches a cut figure");
		figures_quiet = 0;
	}
	ok(good > 500 && drawn > 10, "... and most sizes draw (%d, %d)",
	    good, drawn);
}

int
main(void)
{
	(void)skip_all;  /* tap.h helper this test does not need */
	test_num();
	test_grid();
	test_lines();
	test_lines_edges();
	test_curves();
	test_bars();
	test_bars_overlay();
	test_confusion();
	test_heatmap();
	test_heat_legend();
	test_bars_partial();
	test_ramp();
	test_ladder();
	test_properties();
	return tap_done();
}

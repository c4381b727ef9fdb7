/* Golden rows for every chart renderer (UTF-8 and ASCII), and the
 * properties the panes rely on: every row exactly w cells, within its
 * bytes, numbers whole, nothing written outside the grid. */
#include "chart.h"

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

/* The rows against want[0..h-1]; diagnoses the first difference. */
static int
rows_are(const chart_grid *g, const char *const *want, const char *name)
{
	int r;

	for (r = 0; r < g->h; r++)
		if (strcmp(row(g, r), want[r]) != 0) {
			ok(0, "%s", name);
			diag("row %d: got \"%s\", want \"%s\"", r, row(g, r),
			    want[r]);
			for (r = 0; r < g->h; r++)
				diag("\"%s\",", row(g, r));
			return 0;
		}
	ok(shape_ok(g), "%s (shape)", name);
	return ok(1, "%s", name);
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
	const chart_bar_series s[2] = { { "train", mt, NULL, NULL, NULL },
		{ "val", mv, sd, mn, mx } };
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
	const chart_bar_series s[2] = { { "A val", a, NULL, NULL, NULL },
		{ "B val", b, NULL, NULL, NULL } };
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

int
main(void)
{
	(void)skip_all;  /* tap.h helper this test does not need */
	test_num();
	test_grid();
	test_lines();
	test_lines_edges();
	test_bars();
	test_bars_overlay();
	return tap_done();
}

/*
 * More of render's edges, each against a string, a count or a colour worked
 * out by hand (or a plain integer loop), never a second call to render:
 * glyphs cut at an exact fit, grey ramps of many levels, rows out of range,
 * the row-progress line's odd inputs, sparklines' odd series, paths and
 * messages cut at negative, zero and exact widths.  tests/test_render.c
 * holds the golden strings of the common cases.
 */
#include "render/render.h"

#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"

static char out[4096];

static int
is(const char *got, const char *want, const char *name)
{
	int good = strcmp(got, want) == 0;

	ok(good, "%s", name);
	if (!good)
		diag("got \"%s\", want \"%s\"", got, want);
	return good;
}

/* s repeated n times into buf (at most size - 1 bytes, NUL-terminated). */
static char *
rep(char *buf, size_t size, const char *s, int n)
{
	size_t l = strlen(s), k = 0;

	for (int i = 0; i < n && k + l < size; i++, k += l)
		memcpy(buf + k, s, l);
	buf[k] = '\0';
	return buf;
}

/* The ANSI row fills its buffer to the byte and reads the right rows. */
static void
test_ansi(void)
{
	/* rows: 0 black, 1 white; "\033[38;5;16;48;5;231m" is 19 bytes, the
	 * half block 3, the reset 4 */
	const float two[4] = { 0, 0, 1, 1 };
	/* rows 0 and 3 white, 1 and 2 black: text row 1 is black over white,
	 * row 0 white over black */
	const float img[16] = {
		1, 1, 1, 1,
		0, 0, 0, 0,
		0, 0, 0, 0,
		1, 1, 1, 1,
	};
	char   buf[64];
	size_t n;

	memset(buf, 'X', sizeof buf);
	n = render_digit_row_ansi(two, 2, 0, buf, 27);
	ok(n == 26 && strcmp(buf, "\033[38;5;16;48;5;231m▀\033[0m") == 0 &&
	    buf[27] == 'X', "ANSI row: 26 bytes in a buffer of 27 (one cell, "
	    "the reset and the NUL exactly)");
	memset(buf, 'X', sizeof buf);
	n = render_digit_row_ansi(two, 2, 0, buf, 26);
	ok(n == 0 && buf[0] == '\0', "ANSI row: one byte short of a cell is "
	    "empty");
	memset(buf, 'X', sizeof buf);
	n = render_digit_row_ansi(two, 2, 0, buf, 30);
	ok(n == 29 && strcmp(buf, "\033[38;5;16;48;5;231m▀▀\033[0m") == 0,
	    "ANSI row: the second cell (3 bytes, no new colour) fits in 30");

	n = render_digit_row_ansi(img, 4, 1, out, sizeof out);
	is(out, "\033[38;5;16;48;5;231m▀▀▀▀\033[0m",
	    "ANSI row 1: pixel rows 2 (black) over 3 (white)");
	ok(n == 35, "ANSI row 1 is 19 + 4 * 3 + 4 bytes (%zu)", n);
	render_digit_row_ansi(img, 4, 0, out, sizeof out);
	is(out, "\033[38;5;231;48;5;16m▀▀▀▀\033[0m",
	    "ANSI row 0: pixel rows 0 (white) over 1 (black)");

	memset(out, 'X', 8);
	n = render_digit_row_ansi(img, 4, 2, out, sizeof out);
	ok(n == 0 && out[0] == '\0', "ANSI row past the image: empty, 0");
	n = render_digit_row_ansi(img, 4, -1, out, sizeof out);
	ok(n == 0 && out[0] == '\0', "ANSI row -1: empty, 0");
	n = render_digit_row_ansi(NULL, 4, 0, out, sizeof out);
	ok(n == 0 && out[0] == '\0', "ANSI row of no image: empty, 0");
}

/* Expected xterm index of level l of L: the nearest of the 26 grey steps
 * (halves up), in integers. */
static int
grey_ref(int l, int levels)
{
	int step;

	if (levels < 2 || l <= 0)
		return 16;
	if (l >= levels - 1)
		return 231;
	step = (2 * 25 * l + (levels - 1)) / (2 * (levels - 1));
	return step == 0 ? 16 : step == 25 ? 231 : 231 + step;
}

static void
test_grey_ramps(void)
{
	int bad = 0;

	ok(render_grey256(1, 2) == 231, "two levels: level 1 is white");
	ok(render_grey256(1, 1) == 16 && render_grey256(5, 0) == 16,
	    "fewer than two levels: black whatever the level");
	/* 52 levels: level 1 is 25/51 = 0.49 of a step, level 50 is 24.51 */
	ok(render_grey256(1, 52) == 16, "52 levels: level 1 rounds to black "
	    "(%d)", render_grey256(1, 52));
	ok(render_grey256(50, 52) == 231, "52 levels: level 50 rounds to "
	    "white (%d)", render_grey256(50, 52));
	ok(render_grey256(2, 52) == 232 && render_grey256(49, 52) == 255,
	    "52 levels: levels 2 and 49 are the ramp's ends");
	for (int levels = 2; levels <= 120; levels++)
		for (int l = 0; l < levels; l++) {
			int g = render_grey256(l, levels);

			if (g != grey_ref(l, levels) && bad++ < 5)
				diag("level %d of %d: %d, want %d", l, levels,
				    g, grey_ref(l, levels));
		}
	ok(bad == 0, "every level of 2..120-level ramps is the nearest grey "
	    "(%d wrong)", bad);
}

/* Halves write (side/2)*side entries each, nothing past them. */
static void
test_halves_bounds(void)
{
	/* rows past the 4x4 image are readable (a wrong loop reads there
	 * rather than past the array) and bright, the entries past the
	 * output canaries */
	float         img[64];
	unsigned char top[32], bot[32];
	int           clean = 1;

	for (int i = 0; i < 64; i++)
		img[i] = i < 16 ? (float)(i % 2) : 1.0f;
	memset(top, 0xAA, sizeof top);
	memset(bot, 0xAA, sizeof bot);
	render_digit_halves(img, 4, 2, top, bot);
	for (int i = 0; i < 8; i++)
		if (top[i] != i % 2 || bot[i] != i % 2)
			clean = 0;
	ok(clean, "halves of a 4x4: 8 levels each, alternating 0 1");
	clean = 1;
	for (int i = 8; i < 32; i++)
		if (top[i] != 0xAA || bot[i] != 0xAA)
			clean = 0;
	ok(clean, "halves of a 4x4 write nothing past entry 8");
}

static void
test_bar_edges(void)
{
	char want[2048], bar[1600];

	render_bar(1.0, 1, RENDER_UTF8, out, sizeof out);
	is(out, "█", "bar one cell wide, full");
	render_bar(0.5, 1, RENDER_UTF8, out, sizeof out);
	is(out, "▌", "bar one cell wide, half: four eighths");
	render_bar(0.0, 1, RENDER_ASCII, out, sizeof out);
	is(out, " ", "bar one cell wide, empty: a space");

	render_bar_row(0.5, 1.0, 1, RENDER_ASCII, out, sizeof out);
	is(out, " 0.5 # 100.00", "bar row with a bar of one cell");
	render_bar_row(0.5, 0.25, 0, RENDER_ASCII, out, sizeof out);
	is(out, " 0.5  25.00", "bar row with no bar: label and value");

	/* 512 cells is the widest bar: 512 full blocks are 1536 bytes */
	render_bar_row(1, 1.0, 512, RENDER_UTF8, out, sizeof out);
	snprintf(want, sizeof want, "   1 %s 100.00",
	    rep(bar, sizeof bar, "█", 512));
	ok(strcmp(out, want) == 0 && strlen(out) == 5 + 1536 + 7,
	    "bar row of 512 full blocks: all of them (%zu bytes)",
	    strlen(out));
	render_bar_row(1, 0.0, 513, RENDER_UTF8, out, sizeof out);
	snprintf(want, sizeof want, "   1 %s  0.00",
	    rep(bar, sizeof bar, " ", 512));
	ok(strcmp(out, want) == 0, "bar row asked for 513 cells: 512 "
	    "(%zu bytes)", strlen(out));
	render_bar_row(1, 0.0, 600, RENDER_UTF8, out, sizeof out);
	ok(strcmp(out, want) == 0, "bar row asked for 600 cells: 512 "
	    "(%zu bytes)", strlen(out));

	render_duration(0.0, out, sizeof out);
	is(out, "0.0s", "duration 0 s is known: 0.0s");
}

/* A glyph that does not fit ends the string: nothing smaller after it. */
static void
test_progress_cut(void)
{
	char   buf[64];
	size_t n;

	/* "3/12 s0.5 e2/4 " (15) "[" (1) then a bar of 16 bytes that does
	 * not fit in 20; "]" would */
	memset(buf, 'X', sizeof buf);
	n = render_row_progress(3, 12, "s0.5", 2, 4, 60, 100, 30, RENDER_UTF8,
	    buf, 20);
	ok(n == 16 && strcmp(buf, "3/12 s0.5 e2/4 [") == 0 && buf[20] == 'X',
	    "row progress cut in the bar stops there: '%s'", buf);
}

static void
test_progress_inputs(void)
{
	char text[128], want[256], a[100], sp[64];

	render_row_progress(1, 2, "s0", 1, 0, 1, 2, 30, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/2 s0 e1/0 [           ]   0%", "no epochs known: 0%");
	render_row_progress(3, 12, "s0.5", 2, 4, 0, 0, 30, RENDER_ASCII, out,
	    sizeof out);
	is(out, "3/12 s0.5 e2/4 [##      ]  25%", "no batches known: the "
	    "epochs done, 1 of 4");
	render_row_progress(1, 1, "s1", 1, 2, 1, 1, 30, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/1 s1 e1/2 [######     ]  50%", "one batch an epoch, done: "
	    "half of 2 epochs (6 of 11 cells)");
	render_row_progress(1, 2, "s0", 0, 4, 0, 100, 30, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/2 s0 e0/4 [           ]   0%", "epoch 0 (not started): 0%, "
	    "not negative");
	render_row_progress(1, 1, "s1", 2, 2, 20, 10, 30, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/1 s1 e2/2 [###########] 100%", "more batches than "
	    "batches: 100%, not more");

	/* the bar's limits: exactly 4 cells, and 60 of a wide line */
	render_row_progress(3, 12, "s0.5", 2, 4, 50, 100, 26, RENDER_ASCII,
	    out, sizeof out);
	is(out, "3/12 s0.5 e2/4 [##  ]  37%", "room for exactly 4 cells: a "
	    "bar of 4");
	render_row_progress(1, 1, "s1", 1, 1, 1, 2, 90, RENDER_ASCII, out,
	    sizeof out);
	snprintf(want, sizeof want, "1/1 s1 e1/1 [%s%s]  50%%%s",
	    rep(text, sizeof text, "#", 30), rep(a, sizeof a, " ", 30),
	    rep(sp, sizeof sp, " ", 11));
	is(out, want, "90 cells: a bar of 60, half full, then 11 spaces");

	/* cut to tiny widths */
	render_row_progress(10, 10, "s4", 20, 20, 469, 469, 1, RENDER_ASCII,
	    out, sizeof out);
	is(out, "1", "one cell: the first byte of the text");
	render_row_progress(10, 10, "s4", 20, 20, 469, 469, 0, RENDER_ASCII,
	    out, sizeof out);
	is(out, "", "no cells: empty");
	render_row_progress(10, 10, "s4", 20, 20, 469, 469, -3, RENDER_ASCII,
	    out, sizeof out);
	is(out, "", "negative width: empty");

	/* A label long enough that "1/2 LABEL e1/4 " is 96 bytes: the text
	 * before the bar is cut to 95 (the space goes), then [bar] 0%. */
	rep(a, sizeof a, "a", 86);
	render_row_progress(1, 2, a, 1, 4, 0, 100, 120, RENDER_ASCII, out,
	    sizeof out);
	snprintf(want, sizeof want, "1/2 %s e1/4[%s]   0%%", a,
	    rep(sp, sizeof sp, " ", 18));
	is(out, want, "a 96-byte head is cut to 95, the line stays 120 cells");
	ok(strlen(out) == 120, "... and is 120 bytes (%zu)", strlen(out));
	rep(a, sizeof a, "b", 99);
	render_row_progress(1, 2, a, 1, 4, 0, 100, 120, RENDER_ASCII, out,
	    sizeof out);
	ok(strlen(out) == 120 && strncmp(out, "1/2 bbb", 7) == 0 &&
	    strcmp(out + 95, "[                  ]   0%") == 0,
	    "a 109-byte head: 95 of it, then the bar (%zu bytes)",
	    strlen(out));
}

static void
test_sparkline_series(void)
{
	const double ramp[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	const double inf[3] = { 0, INFINITY, 1 };
	const double ninf[3] = { 0, -INFINITY, 1 };
	const double one = 1.0;

	ok(render_sparkline(NULL, 3, 0, 1, 3, RENDER_UTF8, out, sizeof out)
	    == 0 && out[0] == '\0', "no series (NULL, 3 values): empty");
	render_sparkline(&one, 1, 0, 1, 5, RENDER_UTF8, out, sizeof out);
	is(out, "█", "a single value at the top of a fixed range");
	render_sparkline(&one, 1, 0, 0, 5, RENDER_ASCII, out, sizeof out);
	is(out, "-", "a single value, auto range: mid-ramp");
	render_sparkline(ramp, 8, 100, 50, 8, RENDER_UTF8, out, sizeof out);
	is(out, "▁▂▃▄▅▆▇█", "lo > hi (100 > 50): the series' own range");
	render_sparkline(inf, 3, 0, 0, 3, RENDER_UTF8, out, sizeof out);
	is(out, "▁ █", "+inf is a blank and not the top of the range");
	render_sparkline(ninf, 3, 0, 0, 3, RENDER_UTF8, out, sizeof out);
	is(out, "▁ █", "-inf is a blank and not the bottom of the range");
}

/* A buffer whose first byte follows a page that may not be touched: a
 * write or read before out faults. */
static char *
guarded(size_t *size)
{
	long  pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p, (size_t)pg, PROT_NONE) != 0)
		return NULL;
	*size = (size_t)pg;
	return p + pg;
}

static void
test_fit_edges(void)
{
	char   fit[256], *g;
	size_t n, gs;

	render_fit_message("x /aaaa/bb/c /dddd/ee/f", 21, RENDER_ASCII, fit,
	    sizeof fit);
	is(fit, "x .../bb/c /dddd/ee/f", "two paths as long: the first "
	    "gives way first");
	render_fit_message("see docs/testing-and-mutation.md /home/me/runs/r1",
	    46, RENDER_ASCII, fit, sizeof fit);
	is(fit, "see docs/testing-and-mutation.md .../runs/r1", "a longer "
	    "word with one slash is not a path to shorten");
	render_fit_message("x /home/me/r1", 13, RENDER_ASCII, fit, sizeof fit);
	is(fit, "x /home/me/r1", "exactly width cells: left alone");
	render_fit_message("café", 4, RENDER_UTF8, fit, sizeof fit);
	is(fit, "café", "é is one cell: 'café' fits in 4");
	render_fit_message("ééé", 2, RENDER_UTF8, fit, sizeof fit);
	is(fit, "éé", "cut between two-byte glyphs");
	render_fit_message("abc", 0, RENDER_ASCII, fit, sizeof fit);
	is(fit, "", "width 0: empty");

	memset(fit, 'X', 8);
	n = render_fit_message("abc", 10, RENDER_ASCII, fit, 1);
	ok(n == 0 && fit[0] == '\0' && fit[1] == 'X', "outlen 1: the empty "
	    "string, nothing after it");
	memset(fit, 'X', 8);
	n = render_fit_message("abc", 10, RENDER_ASCII, fit, 0);
	ok(n == 0 && fit[0] == 'X', "outlen 0: nothing written, 0");

	/* A zero-width pane asks for width -1: the empty string, and no byte
	 * before out touched (the page before it faults). */
	g = guarded(&gs);
	if (g == NULL) {
		skip("no guard page (mmap failed)");
		skip("no guard page (mmap failed)");
		return;
	}
	n = render_fit_message("abc", -1, RENDER_ASCII, g, gs);
	ok(n == 0 && g[0] == '\0', "width -1: empty");
	n = render_fit_message("\x80\x80", -1, RENDER_UTF8, g, gs);
	ok(n == 0 && g[0] == '\0', "width -1, stray continuation bytes only: "
	    "empty");
}

int
main(void)
{
	(void)skip_all;  /* tap.h helper this test does not need */
	test_ansi();
	test_grey_ramps();
	test_halves_bounds();
	test_bar_edges();
	test_progress_cut();
	test_progress_inputs();
	test_sparkline_series();
	test_fit_edges();
	return tap_done();
}

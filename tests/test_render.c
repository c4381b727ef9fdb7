/* Golden strings for every render function, and truncation safety. */
#include "render/render.h"

#include <math.h>
#include <string.h>

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

/* Calls that write into a buffer of outlen bytes leave the rest alone. */
static int
canary_ok(const char *buf, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (buf[i] != 'X')
			return 0;
	return 1;
}

static void
test_digit_rows(void)
{
	/* 4x4: row pair 0 has columns 0/0, 1/1, .25/.25, .6/.8 */
	const float img[16] = {
		0, 1, 0.25f, 0.6f,
		0, 1, 0.25f, 0.8f,
		0, 0, 0, 0,
		0, 0, 0, 0,
	};
	const float two[4] = { 0, 0, 1, 1 };
	const float grey[8] = { 0, 0.52f, 0, 0, 1, 1, 1, 1 };
	size_t n;

	n = render_digit_row(img, 4, 0, RENDER_UTF8, out, sizeof out);
	is(out, " █░▓", "digit row UTF-8 shades");
	ok(n == strlen(out), "digit row returns its length (%zu)", n);
	render_digit_row(img, 4, 0, RENDER_ASCII, out, sizeof out);
	is(out, " @:*", "digit row ASCII ramp");
	/* Every step of both ramps: column c of a 10x10 image is c/9. */
	{
		float ramp[100];

		for (int i = 0; i < 100; i++)
			ramp[i] = (float)(i % 10) / 9.0f;
		render_digit_row(ramp, 10, 0, RENDER_ASCII, out, sizeof out);
		is(out, " .:-=+*#%@", "digit row ASCII: the whole ramp in order");
		render_digit_row(ramp, 10, 2, RENDER_UTF8, out, sizeof out);
		is(out, "  ░░▒▒▓▓██", "digit row UTF-8: the whole ramp in order");
	}
	render_digit_row(img, 4, 1, RENDER_ASCII, out, sizeof out);
	is(out, "    ", "blank row is spaces");
	n = render_digit_row(img, 4, 2, RENDER_ASCII, out, sizeof out);
	ok(n == 0 && out[0] == '\0', "row out of range gives empty string");

	n = render_digit_row_ansi(two, 2, 0, out, sizeof out);
	is(out, "\033[38;5;16;48;5;231m▀▀\033[0m",
	    "ANSI row: colours once, half blocks, reset");
	ok(n == strlen(out), "ANSI row returns its length");
	render_digit_row_ansi(grey, 4, 0, out, sizeof out);
	is(out, "\033[38;5;16;48;5;231m▀\033[38;5;244;48;5;231m▀"
	    "\033[38;5;16;48;5;231m▀▀\033[0m",
	    "ANSI row: a colour change emits a new escape");
	/* Text row 1 of 4x4 is pixel rows 2 (top, white) and 3 (black). */
	{
		const float low[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
			1, 1, 1, 1, 0, 0, 0, 0 };

		render_digit_row_ansi(low, 4, 1, out, sizeof out);
		is(out, "\033[38;5;231;48;5;16m▀▀▀▀\033[0m",
		    "ANSI row 1: pixel rows 2 and 3");
	}
	n = render_digit_row_ansi(two, 2, 1, out, sizeof out);
	ok(n == 0 && out[0] == '\0', "ANSI row out of range gives empty "
	    "string (%zu)", n);
}

static void
test_grey(void)
{
	ok(render_grey256(0, 26) == 16, "grey level 0 is black (16)");
	ok(render_grey256(25, 26) == 231, "top grey level is white (231)");
	ok(render_grey256(1, 26) == 232 && render_grey256(24, 26) == 255,
	    "inner levels use the 232..255 ramp");
	ok(render_grey256(8, 16) == 244, "16-level grey 8 -> 244");
	ok(render_level(1.0f, 2) == 1 && render_level(0.4f, 2) == 0 &&
	    render_level(1.0f, 1) == 0, "two levels: 0 and 1; one level: 0");
	ok(render_grey256(1, 2) == 231 && render_grey256(0, 2) == 16,
	    "two levels: black and white");
	ok(render_grey256(0, 1) == 16 && render_grey256(1, 1) == 16,
	    "one level: black, whatever the level");
	/* level * 25 / (levels - 1) rounded: 25/99 -> 0, 99*25/100 -> 25 */
	ok(render_grey256(1, 100) == 16, "100 levels: level 1 rounds to "
	    "black (16), got %d", render_grey256(1, 100));
	ok(render_grey256(99, 101) == 231, "101 levels: level 99 rounds to "
	    "white (231), got %d", render_grey256(99, 101));
	ok(render_level(0.5f, 3) == 1 && render_level(2.0f, 3) == 2 &&
	    render_level(-1.0f, 3) == 0 && render_level(NAN, 3) == 0,
	    "render_level rounds and clamps (NaN -> 0)");
}

static void
test_halves(void)
{
	const float img[16] = {
		0, 1, 0, 0,
		1, 0, 0, 0,
		0, 0, 0.5f, 0,
		0, 0, 1, 0,
	};
	unsigned char top[8], bot[8];
	const unsigned char wt[8] = { 0, 2, 0, 0, 0, 0, 1, 0 };
	const unsigned char wb[8] = { 2, 0, 0, 0, 0, 0, 2, 0 };

	render_digit_halves(img, 4, 3, top, bot);
	ok(memcmp(top, wt, 8) == 0 && memcmp(bot, wb, 8) == 0,
	    "halves: top = even pixel rows, bottom = odd rows");
	/* An image with rows past side (as in a larger buffer): only
	 * (side/2) * side cells are written. */
	{
		float         big[24];
		unsigned char t2[16], b2[16];
		int           i, untouched = 1;

		for (i = 0; i < 24; i++)
			big[i] = i < 16 ? img[i] : 1.0f;
		memset(t2, 0xEE, sizeof t2);
		memset(b2, 0xEE, sizeof b2);
		render_digit_halves(big, 4, 3, t2, b2);
		for (i = 8; i < 16; i++)
			untouched &= t2[i] == 0xEE && b2[i] == 0xEE;
		ok(untouched && memcmp(t2, wt, 8) == 0 && memcmp(b2, wb, 8) == 0,
		    "halves: nothing written past (side/2) * side cells");
	}
}

/* The rows trained side by side, a line each. */
static void
test_row_progress(void)
{
	render_row_progress(3, 12, "s0.5", 2, 4, 50, 100, 30, RENDER_ASCII, out,
	    sizeof out);
	is(out, "3/12 s0.5 e2/4 [###     ]  37%", "a row at 37.5%, 30 cells "
	    "ASCII: 3 of the bar's 8");
	render_row_progress(3, 12, "s0.5", 2, 4, 60, 100, 30, RENDER_UTF8, out,
	    sizeof out);
	is(out, "3/12 s0.5 e2/4 [███▎    ]  40%", "40% in UTF-8: 3 and a "
	    "quarter cells");
	render_row_progress(1, 2, "s0", 1, 20, 0, 469, 28, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/2 s0 e1/20 [        ]   0%", "a row starting: an empty bar");
	render_row_progress(10, 10, "s4", 20, 20, 469, 469, 24, RENDER_ASCII,
	    out, sizeof out);
	is(out, "10/10 s4 e20/20  100%   ", "too narrow for a bar of 4: the "
	    "text, padded to 24");
	render_row_progress(10, 10, "s4", 20, 20, 469, 469, 12, RENDER_ASCII,
	    out, sizeof out);
	is(out, "10/10 s4 e20", "narrower still: cut to 12");
	render_row_progress(1, 1, "s1", 1, 1, 1, 2, 90, RENDER_ASCII, out,
	    sizeof out);
	ok(strlen(out) == 90 && strstr(out, "]  50%") != NULL &&
	    out[89] == ' ', "wide: the bar stops at 60 cells, the line is "
	    "padded to 90");
	/* "1/1 s1 e1/1 " is 12 cells: '[' at 12, 60 cells, ']' at 73 */
	ok(out[12] == '[' && out[73] == ']' && strspn(out + 13, "#") == 30,
	    "wide: 60 cells of bar, half full: '%s'", out);
	render_row_progress(3, 12, "s0.5", 2, 4, 50, 100, 26, RENDER_ASCII, out,
	    sizeof out);
	is(out, "3/12 s0.5 e2/4 [##  ]  37%", "a bar of exactly 4 cells");
	/* the whole progress, (epoch - 1 + batch / batches) / epochs */
	render_row_progress(1, 1, "s", 2, 4, 1, 1, 16, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/1 s e2/4   50%", "one batch of one done in epoch 2 of 4: 50%");
	render_row_progress(1, 1, "s", 2, 4, 0, 0, 16, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/1 s e2/4   25%", "no batches known: the epochs done, 25%");
	render_row_progress(1, 1, "s", 1, 0, 5, 10, 16, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/1 s e1/0    0%", "no epochs known: 0%");
	render_row_progress(1, 1, "s", 5, 4, 0, 10, 16, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/1 s e5/4  100%", "past the last epoch: held at 100%");
	render_row_progress(1, 1, "s", 0, 4, 0, 10, 16, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1/1 s e0/4    0%", "before the first epoch: held at 0%");
	render_row_progress(1, 1, "s", 1, 4, 0, 10, 1, RENDER_ASCII, out,
	    sizeof out);
	is(out, "1", "one cell wide: the first character");
	render_row_progress(1, 1, "s", 1, 4, 0, 10, 0, RENDER_ASCII, out,
	    sizeof out);
	is(out, "", "zero cells wide: nothing");
	/* A label too long for the 95-byte head: the line is still width
	 * cells, cut head then bar then per cent. */
	{
		char label[87];

		memset(label, 'L', 86);
		label[86] = '\0';
		render_row_progress(1, 1, label, 1, 1, 1, 2, 120, RENDER_ASCII,
		    out, sizeof out);
		ok(strlen(out) == 120 && out[95] == '[' && out[114] == ']' &&
		    strcmp(out + 115, "  50%") == 0, "a 96-byte head is cut to "
		    "95, then the bar: '%s'", out);
	}
	/* A bar that does not fit in outlen: nothing after it either. */
	render_row_progress(3, 12, "s0.5", 2, 4, 50, 100, 30, RENDER_ASCII, out,
	    18);
	is(out, "3/12 s0.5 e2/4 [", "cut at the bar: no ']' after it");
}

static void
test_bars(void)
{
	render_bar(0.5, 4, RENDER_UTF8, out, sizeof out);
	is(out, "██  ", "bar 1/2 of 4 UTF-8");
	render_bar(0.3, 4, RENDER_UTF8, out, sizeof out);
	is(out, "█▎  ", "bar 0.3 of 4 uses a quarter block");
	render_bar(1.0 / 32, 4, RENDER_UTF8, out, sizeof out);
	is(out, "▏   ", "bar one eighth");
	render_bar(7.0 / 32, 4, RENDER_UTF8, out, sizeof out);
	is(out, "▉   ", "bar seven eighths");
	render_bar(1.5, 3, RENDER_UTF8, out, sizeof out);
	is(out, "███", "bar clamps above 1");
	render_bar(-1.0, 3, RENDER_UTF8, out, sizeof out);
	is(out, "   ", "bar clamps below 0");
	render_bar(NAN, 3, RENDER_ASCII, out, sizeof out);
	is(out, "   ", "bar NaN is empty");
	render_bar(0.3, 4, RENDER_ASCII, out, sizeof out);
	is(out, "#   ", "bar 0.3 of 4 ASCII");
	render_bar(0.5, 4, RENDER_ASCII, out, sizeof out);
	is(out, "##  ", "bar 1/2 of 4 ASCII");
	ok(render_bar(0.5, 0, RENDER_ASCII, out, sizeof out) == 0 &&
	    out[0] == '\0', "bar of width 0 is empty");
	render_bar(1.0, 1, RENDER_ASCII, out, sizeof out);
	is(out, "#", "bar of width 1, full");

	render_bar_row(0.5, 0.9712, 4, RENDER_UTF8, out, sizeof out);
	is(out, " 0.5 ███▉ 97.12", "bar row: label, bar, per cent");
	render_bar_row(4, NAN, 3, RENDER_ASCII, out, sizeof out);
	is(out, "   4       -  ", "bar row: NaN shows a dash");
	render_bar_row(0, 1.0, 2, RENDER_ASCII, out, sizeof out);
	is(out, "   0 ## 100.00", "bar row: scale 0, full bar");
	render_bar_row(0.5, 1.0, 1, RENDER_ASCII, out, sizeof out);
	is(out, " 0.5 # 100.00", "bar row: a bar of one cell");
	/* the bar is at most 512 cells: 513 asked, 512 drawn; 512 full
	 * blocks of UTF-8 (1536 bytes) fit */
	render_bar_row(1, 0.5, 513, RENDER_ASCII, out, sizeof out);
	ok(strlen(out) == 5 + 512 + 6 && strspn(out + 5, "#") == 256 &&
	    strcmp(out + 5 + 512, " 50.00") == 0, "bar row: 513 cells asked, "
	    "512 drawn (%zu bytes)", strlen(out));
	render_bar_row(1, 1.0, 512, RENDER_UTF8, out, sizeof out);
	ok(strlen(out) == 5 + 3 * 512 + 7 && strcmp(out + 5 + 3 * 512,
	    " 100.00") == 0, "bar row: 512 full blocks (%zu bytes)",
	    strlen(out));
}

static void
test_sparklines(void)
{
	const double ramp[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	const double clampv[5] = { 0, 5, 10, 20, -5 };
	const double flat[3] = { 3, 3, 3 };
	const double gap[3] = { 0, NAN, 1 };

	render_sparkline(ramp, 8, 0, 0, 8, RENDER_UTF8, out, sizeof out);
	is(out, "▁▂▃▄▅▆▇█", "sparkline UTF-8 auto range");
	render_sparkline(ramp, 5, 0, 0, 5, RENDER_ASCII, out, sizeof out);
	is(out, "_.-=^", "sparkline ASCII auto range");
	render_sparkline(ramp, 8, 0, 0, 3, RENDER_UTF8, out, sizeof out);
	is(out, "▁▅█", "sparkline keeps the last width values");
	render_sparkline(clampv, 5, 0, 10, 10, RENDER_UTF8, out, sizeof out);
	is(out, "▁▅██▁", "sparkline fixed range clamps");
	render_sparkline(flat, 3, 0, 0, 3, RENDER_UTF8, out, sizeof out);
	is(out, "▄▄▄", "flat sparkline sits mid-ramp (UTF-8)");
	render_sparkline(flat, 3, 0, 0, 3, RENDER_ASCII, out, sizeof out);
	is(out, "---", "flat sparkline sits mid-ramp (ASCII)");
	render_sparkline(gap, 3, 0, 1, 3, RENDER_ASCII, out, sizeof out);
	is(out, "_ ^", "NaN is a blank cell");
	ok(render_sparkline(ramp, 0, 0, 0, 5, RENDER_UTF8, out, sizeof out)
	    == 0 && out[0] == '\0', "empty series gives empty string");
	render_sparkline(ramp, 8, 0, 7, 1, RENDER_ASCII, out, sizeof out);
	is(out, "^", "sparkline one cell wide: the last value");
	ok(render_sparkline(ramp, 8, 0, 7, 0, RENDER_ASCII, out, sizeof out)
	    == 0 && out[0] == '\0', "sparkline zero cells wide: empty");
	ok(render_sparkline(NULL, 3, 0, 1, 3, RENDER_ASCII, out, sizeof out)
	    == 0 && out[0] == '\0', "no series gives empty string");
	render_sparkline(flat, 1, 0, 0, 5, RENDER_UTF8, out, sizeof out);
	is(out, "▄", "a single value sits mid-ramp");
	/* lo >= hi: the range is the values', whatever lo and hi were */
	render_sparkline(ramp, 4, 100, 100, 4, RENDER_UTF8, out, sizeof out);
	is(out, "▁▃▆█", "auto range ignores a degenerate lo = hi = 100");
	{
		const double inf[3] = { 0, INFINITY, 1 };
		const double ninf[3] = { 0, -INFINITY, 1 };

		render_sparkline(inf, 3, 0, 0, 3, RENDER_ASCII, out, sizeof out);
		is(out, "_ ^", "an infinity is a blank cell, not the top of "
		    "the range");
		render_sparkline(ninf, 3, 0, 0, 3, RENDER_ASCII, out,
		    sizeof out);
		is(out, "_ ^", "nor -infinity the bottom");
	}
}

static void
test_probs_duration(void)
{
	const float p[5] = { 0, 0.05f, 0.1f, 0.6f, 1 };

	render_probs(p, 5, RENDER_UTF8, out, sizeof out);
	is(out, "  ▁▅█", "probability columns UTF-8");
	render_probs(p, 5, RENDER_ASCII, out, sizeof out);
	is(out, "  .+@", "probability columns ASCII");

	render_duration(0.42, out, sizeof out);
	is(out, "0.4s", "duration under ten seconds has a tenth");
	render_duration(12.4, out, sizeof out);
	is(out, "12s", "duration seconds");
	render_duration(185, out, sizeof out);
	is(out, "3m05s", "duration minutes");
	render_duration(3725, out, sizeof out);
	is(out, "1h02m", "duration hours");
	render_duration(-1, out, sizeof out);
	is(out, "--", "duration unknown");
	render_duration(0, out, sizeof out);
	is(out, "0.0s", "duration 0 s");
	/* each side of each switch */
	render_duration(9.94, out, sizeof out);
	is(out, "9.9s", "duration 9.94 s: still tenths");
	render_duration(9.95, out, sizeof out);
	is(out, "10s", "duration 9.95 s: whole seconds");
	render_duration(59.4, out, sizeof out);
	is(out, "59s", "duration 59.4 s: seconds");
	render_duration(59.5, out, sizeof out);
	is(out, "1m00s", "duration 59.5 s: a minute");
	render_duration(3599.4, out, sizeof out);
	is(out, "59m59s", "duration 3599.4 s: minutes");
	render_duration(3599.5, out, sizeof out);
	is(out, "1h00m", "duration 3599.5 s: an hour");
	render_duration(1e8, out, sizeof out);
	is(out, "27777h46m", "duration 1e8 s: the longest shown");
	render_duration(1e8 + 1, out, sizeof out);
	is(out, "--", "duration past 1e8 s: unknown");
	render_duration(NAN, out, sizeof out);
	is(out, "--", "duration NaN: unknown");
}

static void
test_truncation(void)
{
	const float img[16] = { 0, 1, 0.25f, 0.6f, 0, 1, 0.25f, 0.8f };
	const float two[4] = { 0, 0, 1, 1 };
	const double ramp[4] = { 0, 1, 2, 3 };
	char   buf[64];
	size_t n;

	memset(buf, 'X', sizeof buf);
	n = render_bar(1.0, 4, RENDER_UTF8, buf, 7);
	ok(n == 6 && strcmp(buf, "██") == 0 && canary_ok(buf, 7, 64),
	    "bar cut at whole glyphs, NUL inside outlen");

	memset(buf, 'X', sizeof buf);
	n = render_digit_row(img, 4, 0, RENDER_UTF8, buf, 5);
	ok(n == 4 && strcmp(buf, " █") == 0 && canary_ok(buf, 5, 64),
	    "digit row cut before a split glyph");

	memset(buf, 'X', sizeof buf);
	n = render_digit_row_ansi(two, 2, 0, buf, 29);
	ok(n == 26 && strcmp(buf, "\033[38;5;16;48;5;231m▀\033[0m") == 0 &&
	    canary_ok(buf, 29, 64), "ANSI row cut keeps the reset");

	/* room for exactly one cell and the reset (19 + 3 + 4 + NUL), and
	 * for exactly two (the second sends no escape: 3 more, 22 + 3 + 4 +
	 * NUL) */
	memset(buf, 'X', sizeof buf);
	n = render_digit_row_ansi(two, 2, 0, buf, 27);
	ok(n == 26 && canary_ok(buf, 27, 64), "ANSI row: one cell in exactly "
	    "27 bytes (%zu)", n);
	memset(buf, 'X', sizeof buf);
	n = render_digit_row_ansi(two, 2, 0, buf, 30);
	ok(n == 29 && strcmp(buf, "\033[38;5;16;48;5;231m▀▀\033[0m") == 0 &&
	    canary_ok(buf, 30, 64), "ANSI row: both cells in exactly 30 "
	    "(%zu)", n);

	memset(buf, 'X', sizeof buf);
	n = render_digit_row_ansi(two, 2, 0, buf, 20);
	ok(n == 0 && buf[0] == '\0' && canary_ok(buf, 20, 64),
	    "ANSI row with no room for one cell is empty");

	memset(buf, 'X', sizeof buf);
	n = render_sparkline(ramp, 4, 0, 0, 4, RENDER_UTF8, buf, 10);
	ok(n == 9 && strcmp(buf, "▁▃▆") == 0 && canary_ok(buf, 10, 64),
	    "sparkline cut at whole glyphs");

	memset(buf, 'X', sizeof buf);
	n = render_bar(0.5, 10, RENDER_ASCII, buf, 1);
	ok(n == 0 && buf[0] == '\0' && canary_ok(buf, 1, 64),
	    "outlen 1 gives the empty string");

	memset(buf, 'X', sizeof buf);
	n = render_bar(0.5, 10, RENDER_ASCII, buf, 0);
	ok(n == 0 && canary_ok(buf, 0, 64), "outlen 0 writes nothing");

	memset(buf, 'X', sizeof buf);
	n = render_bar_row(0.5, 0.5, 20, RENDER_UTF8, buf, 12);
	ok(n == 5 && strcmp(buf, " 0.5 ") == 0 && canary_ok(buf, 12, 64),
	    "bar row drops a bar that does not fit whole");

	memset(buf, 'X', sizeof buf);
	n = render_probs((const float[3]){ 1, 1, 1 }, 3, RENDER_UTF8, buf, 8);
	ok(n == 6 && canary_ok(buf, 8, 64), "probability bar cut");

	memset(buf, 'X', sizeof buf);
	n = render_duration(185, buf, 3);
	ok(n == 0 && buf[0] == '\0' && canary_ok(buf, 3, 64),
	    "duration that does not fit is left out");
}

/* Messages fitted to the status line: paths shortened in the middle. */
static void
test_fit_message(void)
{
	char fit[256];

	render_fit_message("sweep cancelled; saved in /home/me/.local/share/"
	    "noisetop/runs/20261207-152206-sweep: r resumes", 70, RENDER_ASCII,
	    fit, sizeof fit);
	ok(strcmp(fit, "sweep cancelled; saved in .../runs/"
	    "20261207-152206-sweep: r resumes") == 0,
	    "a path loses its leading directories, the run id and the end "
	    "stay: '%s'", fit);
	render_fit_message("saved in /a/b/runs/20261207-152206-sweep", 38,
	    RENDER_UTF8, fit, sizeof fit);
	ok(strcmp(fit, "saved in \xe2\x80\xa6/runs/20261207-152206-sweep") == 0,
	    "UTF-8: one ellipsis cell: '%s'", fit);
	render_fit_message("short enough /a/b/c", 40, RENDER_ASCII, fit,
	    sizeof fit);
	ok(strcmp(fit, "short enough /a/b/c") == 0, "a message that fits is "
	    "left alone");
	render_fit_message("no path here at all, just words", 10,
	    RENDER_ASCII, fit, sizeof fit);
	ok(strcmp(fit, "no path he") == 0, "without a path the end is cut: "
	    "'%s'", fit);
	render_fit_message("x /very/long/path/to/run-id done", 18,
	    RENDER_ASCII, fit, sizeof fit);
	ok(strcmp(fit, "x .../run-id done") == 0, "down to .../name when "
	    "needed: '%s'", fit);
	render_fit_message("short enough /a/b/c", 19, RENDER_ASCII, fit,
	    sizeof fit);
	ok(strcmp(fit, "short enough /a/b/c") == 0, "a message of exactly "
	    "width is left alone: '%s'", fit);
	/* cells, not bytes: n with a tilde is one cell (two bytes, the
	 * second 0xB1) */
	render_fit_message("ma\xc3\xb1" "ana", 6, RENDER_UTF8, fit, sizeof fit);
	ok(strcmp(fit, "ma\xc3\xb1" "ana") == 0, "six cells in 7 bytes fit 6: "
	    "'%s'", fit);
	/* two paths of one length: the first loses a directory */
	render_fit_message("/aaa/b/c /ddd/e/f", 16, RENDER_ASCII, fit,
	    sizeof fit);
	ok(strcmp(fit, ".../b/c /ddd/e/f") == 0, "of two paths as long, the "
	    "first is shortened: '%s'", fit);
	/* words with one slash, even followed by one that starts with a
	 * slash, are no paths to shorten: the end is cut */
	render_fit_message("see a/bc and c/d now", 8, RENDER_ASCII, fit,
	    sizeof fit);
	ok(strcmp(fit, "see a/bc") == 0, "one slash a word: cut at the end: "
	    "'%s'", fit);
	render_fit_message("see a/b /c now", 8, RENDER_ASCII, fit, sizeof fit);
	ok(strcmp(fit, "see a/b ") == 0, "nor 'a/b /c': cut: '%s'", fit);
	ok(render_fit_message("abc", 0, RENDER_ASCII, fit, sizeof fit) == 0 &&
	    fit[0] == '\0', "width 0: empty");
	ok(render_fit_message("abc", -1, RENDER_ASCII, fit, sizeof fit) == 0 &&
	    fit[0] == '\0', "width -1: empty");
	/* not UTF-8 (a file name can be anything): a stray continuation
	 * byte first, cut to nothing without reading before out */
	ok(render_fit_message("\x80", -1, RENDER_UTF8, fit, sizeof fit) == 0 &&
	    fit[0] == '\0', "a stray continuation byte, width -1: empty");
	memset(fit, 'X', sizeof fit);
	ok(render_fit_message("abc", 10, RENDER_ASCII, fit, 1) == 0 &&
	    fit[0] == '\0' && fit[1] == 'X', "outlen 1: the empty string");
	ok(render_fit_message("abc", 10, RENDER_ASCII, fit, 0) == 0 &&
	    fit[1] == 'X', "outlen 0: nothing written, 0 returned");
}

int
main(void)
{
	(void)skip_all;  /* tap.h helper this test does not need */
	test_digit_rows();
	test_grey();
	test_halves();
	test_bars();
	test_row_progress();
	test_sparklines();
	test_probs_duration();
	test_truncation();
	test_fit_message();
	return tap_done();
}

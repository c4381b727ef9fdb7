/*
 * render: arrays in, text out.  See render.h.  Every writer goes through
 * the small append buffer below, which only takes whole glyphs, so output
 * cut short by outlen is still valid UTF-8 and always NUL-terminated.
 */
#include "render/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	char  *p;
	size_t len, cap;  /* cap = outlen; len < cap keeps room for the NUL */
	int    full;      /* a glyph did not fit: write nothing after it */
} abuf;

static void
ab_init(abuf *b, char *out, size_t outlen)
{
	b->p = out;
	b->len = 0;
	b->cap = outlen;
	b->full = (out == NULL || outlen == 0);
	if (!b->full)
		out[0] = '\0';
}

/* Append s[0..n) whole or not at all; returns 0 when it did not fit. */
static int
ab_put(abuf *b, const char *s, size_t n)
{
	if (b->full || b->len + n + 1 > b->cap) {
		b->full = 1;
		return 0;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 1;
}

static int
ab_str(abuf *b, const char *s)
{
	return ab_put(b, s, strlen(s));
}

/* Room for n more bytes (and the NUL)? */
static int
ab_room(const abuf *b, size_t n)
{
	return !b->full && b->len + n + 1 <= b->cap;
}

static const char *const shade_utf8[] = { " ", "░", "▒", "▓", "█" };
static const char shade_ascii[] = " .:-=+*#%@";
static const char *const spark_utf8[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇",
	"█" };
static const char spark_ascii[] = "_.-=^";
/* Left-aligned eighth blocks: eighth_utf8[k] covers k/8 of a cell. */
static const char *const eighth_utf8[] = { "", "▏", "▎", "▍", "▌", "▋", "▊",
	"▉", "█" };
static const char *const column_utf8[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆",
	"▇", "█" };

static float
clamp01f(float v)
{
	if (!(v > 0.0f))  /* NaN too */
		return 0.0f;
	return v > 1.0f ? 1.0f : v;
}

int
render_level(float v, int levels)
{
	if (levels < 2)
		return 0;
	return (int)lrintf(clamp01f(v) * (float)(levels - 1));
}

int
render_grey256(int level, int levels)
{
	int g;

	if (levels < 2 || level <= 0)
		return 16;
	if (level >= levels - 1)
		return 231;
	g = (int)lround((double)level * (RENDER_GREY_STEPS - 1) / (levels - 1));
	if (g <= 0)
		return 16;
	if (g >= RENDER_GREY_STEPS - 1)
		return 231;
	return 231 + g;  /* 232 .. 255 */
}

/* The two pixel rows behind text row r, or NULL when r is out of range. */
static int
row_ok(const float *img, int side, int r)
{
	return img != NULL && side > 1 && r >= 0 && r < side / 2;
}

size_t
render_digit_row(const float *img, int side, int r, render_charset cs,
    char *out, size_t outlen)
{
	abuf b;
	int  c;

	ab_init(&b, out, outlen);
	if (!row_ok(img, side, r))
		return 0;
	for (c = 0; c < side; c++) {
		float v = 0.5f * (clamp01f(img[(2 * r) * side + c]) +
		    clamp01f(img[(2 * r + 1) * side + c]));
		if (cs == RENDER_UTF8) {
			if (!ab_str(&b, shade_utf8[render_level(v, 5)]))
				break;
		} else if (!ab_put(&b, &shade_ascii[render_level(v, 10)], 1))
			break;
	}
	return b.len;
}

size_t
render_digit_row_ansi(const float *img, int side, int r, char *out,
    size_t outlen)
{
	static const char reset[] = "\033[0m";
	abuf b;
	char esc[32];
	int  c, fg = -1, bg = -1;

	ab_init(&b, out, outlen);
	if (!row_ok(img, side, r))
		return 0;
	for (c = 0; c < side; c++) {
		int t = render_grey256(render_level(img[(2 * r) * side + c],
		    RENDER_GREY_STEPS), RENDER_GREY_STEPS);
		int u = render_grey256(render_level(img[(2 * r + 1) * side + c],
		    RENDER_GREY_STEPS), RENDER_GREY_STEPS);
		int n = 0;

		/* Colours are sent only when they change; every cell is
		 * written only if the final reset still fits after it. */
		if (t != fg || u != bg)
			n = snprintf(esc, sizeof esc, "\033[38;5;%d;48;5;%dm",
			    t, u);
		if (!ab_room(&b, (size_t)n + 3 + sizeof reset - 1))
			break;
		ab_put(&b, esc, (size_t)n);
		ab_str(&b, "▀");
		fg = t;
		bg = u;
	}
	if (b.len > 0)
		ab_str(&b, reset);
	return b.len;
}

size_t
render_bar(double frac, int width, render_charset cs, char *out,
    size_t outlen)
{
	abuf b;
	long eighths, full, rem, c, used;

	ab_init(&b, out, outlen);
	if (width <= 0)
		return 0;
	if (!(frac > 0.0))
		frac = 0.0;
	if (frac > 1.0)
		frac = 1.0;
	if (cs == RENDER_UTF8) {
		eighths = lround(frac * width * 8.0);
		full = eighths / 8;
		rem = eighths % 8;
	} else {
		full = lround(frac * width);
		rem = 0;
	}
	for (c = 0; c < full; c++)
		if (!(cs == RENDER_UTF8 ? ab_str(&b, "█") : ab_put(&b, "#", 1)))
			return b.len;
	used = full;
	if (rem > 0) {
		if (!ab_str(&b, eighth_utf8[rem]))
			return b.len;
		used++;
	}
	for (c = used; c < width; c++)
		if (!ab_put(&b, " ", 1))
			break;
	return b.len;
}

size_t
render_row_progress(int row, int n, const char *label, int epoch, int epochs,
    int batch, int batches, int width, render_charset cs, char *out,
    size_t outlen)
{
	char   text[160], bar[256];
	double frac = 0.0;
	int    hl, tl, bw, len;
	abuf   b;

	if (epochs > 0)
		frac = (epoch - 1 + (batches > 0 ? (double)batch / batches : 0.0)) /
		    epochs;
	frac = frac > 0.0 ? (frac < 1.0 ? frac : 1.0) : 0.0;
	hl = snprintf(text, 96, "%d/%d %s e%d/%d ", row, n, label != NULL ?
	    label : "", epoch, epochs);
	hl = hl < 96 ? hl : 95;
	tl = snprintf(text + hl, sizeof text - (size_t)hl, " %3d%%",
	    (int)(frac * 100.0));
	/* the bar: what is left between the brackets, at most 60 cells */
	bw = width - hl - tl - 2;
	bw = bw < 60 ? bw : 60;
	ab_init(&b, out, outlen);
	if (bw >= 4) {
		render_bar(frac, bw, cs, bar, sizeof bar);
		ab_put(&b, text, (size_t)hl);
		ab_put(&b, "[", 1);
		ab_str(&b, bar);
		ab_put(&b, "]", 1);
		ab_put(&b, text + hl, (size_t)tl);
		len = hl + bw + 2 + tl;
	} else {
		/* no room for a bar: the text alone, cut to width */
		len = hl + tl < width ? hl + tl : width;
		ab_put(&b, text, (size_t)(len > 0 ? len : 0));
	}
	for (; len < width; len++)
		if (!ab_put(&b, " ", 1))
			break;
	return b.len;
}

size_t
render_sparkline(const double *v, int n, double lo, double hi, int width,
    render_charset cs, char *out, size_t outlen)
{
	abuf   b;
	int    i, first, levels = cs == RENDER_UTF8 ? 8 : 5;

	ab_init(&b, out, outlen);
	if (v == NULL || n <= 0 || width <= 0)
		return 0;
	first = n > width ? n - width : 0;
	if (!(lo < hi)) {
		lo = INFINITY;
		hi = -INFINITY;
		for (i = first; i < n; i++) {
			if (!isfinite(v[i]))
				continue;
			if (v[i] < lo)
				lo = v[i];
			if (v[i] > hi)
				hi = v[i];
		}
	}
	for (i = first; i < n; i++) {
		int k;

		if (!isfinite(v[i])) {
			if (!ab_put(&b, " ", 1))
				break;
			continue;
		}
		/* A flat series sits in the middle of the ramp, not on the
		 * floor, so a steady 98% does not read as a collapse. */
		if (!(lo < hi))
			k = (levels - 1) / 2;
		else {
			double f = (v[i] - lo) / (hi - lo);
			f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
			k = (int)lround(f * (levels - 1));
		}
		if (!(cs == RENDER_UTF8 ? ab_str(&b, spark_utf8[k])
		                        : ab_put(&b, &spark_ascii[k], 1)))
			break;
	}
	return b.len;
}

void
render_digit_halves(const float *img, int side, int levels,
    unsigned char *top, unsigned char *bot)
{
	int r, c;

	for (r = 0; r < side / 2; r++)
		for (c = 0; c < side; c++) {
			top[r * side + c] = (unsigned char)render_level(
			    img[(2 * r) * side + c], levels);
			bot[r * side + c] = (unsigned char)render_level(
			    img[(2 * r + 1) * side + c], levels);
		}
}

size_t
render_probs(const float *p, int n, render_charset cs, char *out,
    size_t outlen)
{
	abuf b;
	int  i;

	ab_init(&b, out, outlen);
	for (i = 0; p != NULL && i < n; i++) {
		float v = clamp01f(p[i]);
		int   ok;

		if (cs == RENDER_UTF8) {
			/* Blank below 1/16, else at least one eighth, so any
			 * visible probability shows as a sliver. */
			int k = v < 0.0625f ? 0 : (int)lroundf(v * 8.0f);
			ok = ab_str(&b, column_utf8[v >= 0.0625f && k < 1 ? 1 : k]);
		} else
			ok = ab_put(&b, &shade_ascii[render_level(v, 10)], 1);
		if (!ok)
			break;
	}
	return b.len;
}

size_t
render_bar_row(double scale, double value, int bar_width, render_charset cs,
    char *out, size_t outlen)
{
	abuf   b;
	char   tmp[32];
	size_t n;

	ab_init(&b, out, outlen);
	snprintf(tmp, sizeof tmp, "%4g ", scale);
	if (!ab_str(&b, tmp))
		return b.len;
	if (bar_width > 0) {
		/* The bar goes in whole or not at all, like any glyph. */
		char bar[3 * 512 + 1];

		if (bar_width > 512)
			bar_width = 512;
		n = render_bar(isnan(value) ? 0.0 : value, bar_width, cs, bar,
		    sizeof bar);
		if (!ab_put(&b, bar, n))
			return b.len;
	}
	if (isnan(value))
		snprintf(tmp, sizeof tmp, "   -  ");
	else
		snprintf(tmp, sizeof tmp, " %5.2f", value * 100.0);
	ab_str(&b, tmp);
	return b.len;
}

size_t
render_duration(double seconds, char *out, size_t outlen)
{
	abuf b;
	char tmp[32];
	long s;

	ab_init(&b, out, outlen);
	if (!isfinite(seconds) || seconds < 0.0 || seconds > 1e8) {
		ab_str(&b, "--");
		return b.len;
	}
	s = lround(seconds);
	if (seconds < 9.95)
		snprintf(tmp, sizeof tmp, "%.1fs", seconds);
	else if (s < 60)
		snprintf(tmp, sizeof tmp, "%lds", s);
	else if (s < 3600)
		snprintf(tmp, sizeof tmp, "%ldm%02lds", s / 60, s % 60);
	else
		snprintf(tmp, sizeof tmp, "%ldh%02ldm", s / 3600, (s / 60) % 60);
	ab_str(&b, tmp);
	return b.len;
}

size_t
render_estimate(double lo, double mid, double hi, char *out, size_t outlen)
{
	char   a[32], b[32];
	size_t n;

	if (!(mid >= 0.0) || !(lo < hi))
		return render_duration(mid, out, outlen);
	render_duration(lo, a, sizeof a);
	render_duration(hi, b, sizeof b);
	/* Both ends round alike ("1m02s-1m02s"): one value. */
	if (strcmp(a, b) == 0)
		return render_duration(mid, out, outlen);
	n = (size_t)snprintf(out, outlen, "%s-%s", a, b);
	return n < outlen ? n : outlen > 0 ? outlen - 1 : 0;
}

/* Cells of a UTF-8 string: every glyph drawn here is one cell. */
static int
cells(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/*
 * Shorten the longest path in buf (a word with a '/' not already at its
 * shortest) by one leading directory, as ELLIPSIS/rest.  Returns 0 when no
 * path could be shortened.
 */
static int
shorten_one_path(char *buf, const char *dots)
{
	char  *best = NULL;
	size_t best_len = 0;

	for (char *p = buf; *p != '\0';) {
		size_t len = strcspn(p, " \t");
		char  *slash = memchr(p, '/', len);

		/* A word with at least two slashes after its start can
		 * lose a leading part. */
		if (slash != NULL && len > best_len) {
			char *second = memchr(slash + 1, '/', len - (size_t)
			    (slash + 1 - p));

			if (second != NULL) {
				best = p;
				best_len = len;
			}
		}
		p += len;
		p += strspn(p, " \t");
	}
	if (best == NULL)
		return 0;
	{
		/* Keep from the second slash on: ".../b/c" from "x/a/b/c"
		 * (or "…/a/b/c" -> "…/b/c"). */
		char  *first = memchr(best, '/', best_len);
		char  *keep = memchr(first + 1, '/', best_len - (size_t)(first +
		    1 - best));
		size_t dl = strlen(dots), rest = strlen(keep);

		memmove(best + dl, keep, rest + 1);
		memcpy(best, dots, dl);
	}
	return 1;
}

size_t
render_fit_message(const char *msg, int width, render_charset cs,
    char *out, size_t outlen)
{
	const char *dots = cs == RENDER_UTF8 ? "\xe2\x80\xa6" : "...";
	size_t      n;

	if (outlen == 0)
		return 0;
	snprintf(out, outlen, "%s", msg);
	while (cells(out) > width && shorten_one_path(out, dots))
		;
	/* Still too long: cut at a glyph boundary. */
	n = strlen(out);
	while (n > 0 && cells(out) > width) {
		do
			n--;
		while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80);
		out[n] = '\0';
	}
	return strlen(out);
}

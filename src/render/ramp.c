/*
 * ramp: the heat map's colour scales (see ramp.h).  The 256-colour ramp
 * was picked by hand from the xterm cube along matplotlib's viridis
 * (#440154 .. #fde725): the cube is too coarse for the nearest colour of
 * evenly spaced viridis samples (they repeat, and their luminance goes
 * back once), so each step is a distinct cube colour whose luminance is
 * above the one before; tests/test_chart.c holds it to that.
 */
#include "render/ramp.h"

#include <math.h>

static const int ramp256[RAMP_MAX_LEVELS] = {
	53,   /* #5f005f purple */
	55,   /* #5f00af indigo */
	24,   /* #005f87 blue */
	30,   /* #008787 teal */
	36,   /* #00af87 green-teal */
	71,   /* #5faf5f green */
	77,   /* #5fd75f light green */
	113,  /* #87d75f */
	149,  /* #afd75f yellow-green */
	184,  /* #d7d700 */
	220,  /* #ffd700 yellow */
};

/* ANSI blue, cyan, green, yellow (curses' COLOR_* numbers). */
static const int ramp8[] = { 4, 6, 2, 3 };
static const int ramp8_dark[] = { 1, 0, 0, 0 };
#define RAMP8_LEVELS ((int)(sizeof ramp8 / sizeof ramp8[0]))

static const char *const glyph_utf8[] = { "░", "▒", "▓", "█" };
static const char *const glyph_ascii[] = { ".", ":", "+", "#", "@" };
#define NGLYPH_UTF8 ((int)(sizeof glyph_utf8 / sizeof glyph_utf8[0]))
#define NGLYPH_ASCII ((int)(sizeof glyph_ascii / sizeof glyph_ascii[0]))

int
ramp_levels(ramp_tier t, render_charset cs)
{
	switch (t) {
	case RAMP_256: return RAMP_MAX_LEVELS;
	case RAMP_8:   return RAMP8_LEVELS;
	default:       return cs == RENDER_UTF8 ? NGLYPH_UTF8 : NGLYPH_ASCII;
	}
}

static int
clamp(int l, int n)
{
	return l < 0 ? 0 : l >= n ? n - 1 : l;
}

int
ramp_colour(ramp_tier t, int l)
{
	if (t == RAMP_256)
		return ramp256[clamp(l, RAMP_MAX_LEVELS)];
	if (t == RAMP_8)
		return ramp8[clamp(l, RAMP8_LEVELS)];
	return -1;
}

/* An sRGB channel (0..255) as linear light. */
static double
linear(int c)
{
	double v = c / 255.0;

	return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double
ramp_luminance(int c)
{
	static const int cube[6] = { 0, 95, 135, 175, 215, 255 };
	int r, g, b;

	if (c < 16 || c > 255)
		return -1.0;
	if (c >= 232) {
		r = g = b = 8 + 10 * (c - 232);
	} else {
		r = cube[(c - 16) / 36];
		g = cube[(c - 16) / 6 % 6];
		b = cube[(c - 16) % 6];
	}
	return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

int
ramp_dark(ramp_tier t, int l)
{
	if (t == RAMP_256) {
		double y = ramp_luminance(ramp_colour(t, l));

		/* WCAG contrast: white (1.05 / (y + 0.05)) against black
		 * ((y + 0.05) / 0.05). */
		return 1.05 / (y + 0.05) > (y + 0.05) / 0.05;
	}
	if (t == RAMP_8)
		return ramp8_dark[clamp(l, RAMP8_LEVELS)];
	return 0;
}

const char *
ramp_glyph(int l, render_charset cs)
{
	if (cs == RENDER_UTF8)
		return glyph_utf8[clamp(l, NGLYPH_UTF8)];
	return glyph_ascii[clamp(l, NGLYPH_ASCII)];
}

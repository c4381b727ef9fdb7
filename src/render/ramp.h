#ifndef NOISETOP_RAMP_H
#define NOISETOP_RAMP_H

#include "render/render.h"

/*
 * The heat map's colour scales, pure: a level (0 the lowest value,
 * levels - 1 the highest) to a terminal colour, or to a shade glyph where
 * the terminal has no colours.  Three tiers, as the terminal allows:
 *
 *   RAMP_256   a viridis-like ramp in the xterm 6x6x6 cube (purple, blue,
 *              teal, green, yellow), its luminance rising with the level
 *              so the scale also reads in grey;
 *   RAMP_8     the same hues in the eight ANSI colours (blue, cyan,
 *              green, yellow);
 *   RAMP_MONO  shade glyphs beside the numbers: UTF-8 "░▒▓█", ASCII
 *              ".:+#@".
 *
 * Text over a colour takes the foreground ramp_dark() asks for.
 */
typedef enum { RAMP_MONO, RAMP_8, RAMP_256 } ramp_tier;

#define RAMP_MAX_LEVELS 11  /* the largest ramp: RAMP_256's */

/* The levels of tier t's ramp (shade glyphs of charset cs for
 * RAMP_MONO). */
int ramp_levels(ramp_tier t, render_charset cs);

/* Level l (clamped to 0 .. ramp_levels - 1) of tier t as a colour: an
 * xterm 256-colour index for RAMP_256, an ANSI colour 0..7 for RAMP_8,
 * -1 for RAMP_MONO. */
int ramp_colour(ramp_tier t, int l);

/* 1 when white text reads better than black over level l's colour (the
 * higher WCAG contrast), else 0; 0 for RAMP_MONO. */
int ramp_dark(ramp_tier t, int l);

/* The relative luminance (0 black .. 1 white, WCAG's) of xterm colour
 * index c in 16..255, from the standard palette; -1 for 0..15 (whose
 * palette the terminal chooses) and anything else. */
double ramp_luminance(int c);

/* Level l of cs's shade glyphs (clamped to 0 .. ramp_levels(RAMP_MONO,
 * cs) - 1), a static string. */
const char *ramp_glyph(int l, render_charset cs);

#endif

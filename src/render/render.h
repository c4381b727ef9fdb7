#ifndef NOISETOP_RENDER_H
#define NOISETOP_RENDER_H

#include <stddef.h>

/*
 * Pure text rendering: arrays in, UTF-8 (or ASCII) strings out.  Nothing
 * here knows about ncurses or terminals; tests call it directly with golden
 * strings.  Every function writing into out (outlen bytes) NUL-terminates,
 * never writes past outlen, and returns the bytes written (without the NUL).
 * A glyph (or an escape sequence) that does not fit whole is left out, so a
 * truncated string is still valid UTF-8.  Every glyph is one terminal cell.
 */
typedef enum { RENDER_UTF8, RENDER_ASCII } render_charset;

/*
 * Row r (0 <= r < side/2) of a side x side greyscale image (img, values in
 * [0,1], row-major) as side characters of a shade ramp, each cell the mean
 * of the two pixel rows 2r and 2r+1 (a terminal cell is about twice as tall
 * as wide).  UTF-8: " ░▒▓█"; ASCII: " .:-=+*#%@".
 */
size_t render_digit_row(const float *img, int side, int r,
    render_charset cs, char *out, size_t outlen);

/*
 * The same row with the upper half block U+2580, the foreground coloured as
 * pixel row 2r and the background as row 2r+1 from the xterm 256-colour
 * grey ramp (ANSI escapes, reset at the end): full resolution on a colour
 * terminal.
 */
size_t render_digit_row_ansi(const float *img, int side, int r, char *out,
    size_t outlen);

/*
 * A horizontal bar of width cells for frac in [0,1] (clamped), with eighth
 * blocks in UTF-8 ("█" and "▏".."▉") and '#' in ASCII, padded with spaces to
 * width cells.
 */
size_t render_bar(double frac, int width, render_charset cs, char *out,
    size_t outlen);

/*
 * A sparkline of the last width values of v[0..n-1] scaled between lo and
 * hi (if lo >= hi, the min and max of the shown values): UTF-8 "▁▂▃▄▅▆▇█",
 * ASCII "_.-=^" style ramp.  One cell per value.
 */
size_t render_sparkline(const double *v, int n, double lo, double hi,
    int width, render_charset cs, char *out, size_t outlen);

/* ---- cell-level helpers for the dashboard (still pure) ---- */

/* Number of grey steps of the xterm 256-colour ramp: 16 (black), the 24
 * greys 232..255, 231 (white). */
#define RENDER_GREY_STEPS 26

/*
 * v in [0,1] (clamped; NaN counts as 0) quantised to one of levels steps
 * (levels >= 2): 0 .. levels-1, rounding to the nearest.
 */
int render_level(float v, int levels);

/* Level l of levels (as from render_level) as an xterm 256-colour index on
 * the grey ramp: 16 for black, 231 for white, 232..255 between. */
int render_grey256(int level, int levels);

/*
 * A side x side image as (side/2) x side half-block cells: top[r*side + c]
 * is the level of pixel row 2r, bot[...] of row 2r+1 (a cell drawn as "▀"
 * with the foreground top and the background bot shows both).  top and bot
 * hold (side/2)*side entries each, owned by the caller.
 */
void render_digit_halves(const float *img, int side, int levels,
    unsigned char *top, unsigned char *bot);

/*
 * Class probabilities p[0..n-1] (each in [0,1]) as n cells of a small
 * column chart, one column per class: UTF-8 " ▁▂▃▄▅▆▇█" (a blank below
 * 1/16), ASCII " .:-=+*#%@".
 */
size_t render_probs(const float *p, int n, render_charset cs, char *out,
    size_t outlen);

/*
 * One row of the accuracy-versus-noise chart: "LABEL BAR VALUE" where LABEL
 * is the scale right-aligned in 4 cells ("0", "0.1", "4"), BAR is bar_width
 * cells of render_bar(value) and VALUE is "97.12" (per cent, 5 cells), or
 * "  -  " when value is NaN (not yet trained).  Returns bytes written.
 */
size_t render_bar_row(double scale, double value, int bar_width,
    render_charset cs, char *out, size_t outlen);

/*
 * One row in training as a line of exactly width cells, for a pane that
 * lists the rows trained side by side (--jobs): "3/12 s0.5 e2/20
 * [██▌     ]  45%": the row (1-based) of n, the caller's label (ASCII;
 * "s0.5"), the epoch in progress of epochs, a bar of the row's whole
 * progress ((epoch - 1 + batch / batches) / epochs) in what is left, and
 * its per cent.  Narrower than the text without a bar of 4 cells, the bar
 * goes; narrower still, the line is cut.  Returns bytes written.
 */
size_t render_row_progress(int row, int n, const char *label, int epoch,
    int epochs, int batch, int batches, int width, render_charset cs,
    char *out, size_t outlen);

/*
 * A message fitted to width cells without losing what matters: when it
 * is longer, the paths in it (words with a '/') lose their leading
 * directories first, longest path first, down to ".../parent/name" and
 * then ".../name" (cs's ellipsis: "…" or "..."), so a run's id and the end
 * of the sentence stay; only then is the message cut at its end.  Returns
 * the bytes written to out (NUL-terminated, at most outlen - 1).
 */
size_t render_fit_message(const char *msg, int width, render_charset cs,
    char *out, size_t outlen);

/* A duration in seconds as "0.4s", "12s", "3m05s", "1h02m" (or "--" when
 * negative or not finite) into out. */
size_t render_duration(double seconds, char *out, size_t outlen);

/*
 * An estimate as render_duration writes it: "2m10s-2m40s" for a range lo
 * to hi, one duration when lo == hi, "--" when mid < 0.  Returns the
 * length, as render_duration.
 */
size_t render_estimate(double lo, double mid, double hi, char *out,
    size_t outlen);

#endif

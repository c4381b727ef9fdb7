#ifndef NOISETOP_RENDER_H
#define NOISETOP_RENDER_H

#include <stddef.h>

/*
 * Pure text rendering: arrays in, UTF-8 (or ASCII) strings out.  Nothing
 * here knows about ncurses or terminals; tests call it directly with golden
 * strings.  Every function writing into out (outlen bytes) NUL-terminates,
 * never writes past outlen, and returns the bytes written (without the NUL).
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

#endif

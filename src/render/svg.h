/*
 * The SVG figures' private half (not installed): figure_draw.c lays out and
 * draws the three figures of figure.h with the primitives of svg.c.
 * Coordinates are SVG pixels; every primitive writes to f and ignores
 * write errors, which svg_end() reports once.
 */
#ifndef NOISETOP_SVG_H
#define NOISETOP_SVG_H

#include <locale.h>
#include <stddef.h>
#include <stdio.h>

#define SVG_MAXSERIES 8
#define GRID_COLOUR    "#e3e3e3"
#define AXIS_COLOUR    "#333333"

/* The series colours (Okabe-Ito), one per legend row. */
extern const char *const svg_palette[SVG_MAXSERIES];

/* A numeric axis: data lo .. hi mapped to pixels p_lo .. p_hi. */
typedef struct {
	double lo, hi, step;
	double p_lo, p_hi;
} svg_axis;

/*
 * The C locale for the duration of one figure, so "%.1f" never writes a
 * decimal comma (main() calls setlocale(LC_ALL, "") for ncurses).  Per
 * thread: uselocale() leaves other threads alone.
 */
typedef struct {
	locale_t c, old;
} svg_locale;

void svg_locale_enter(svg_locale *l);
void svg_locale_leave(svg_locale *l);

/*
 * Write s as XML character data: & < > " ' escaped, control bytes
 * dropped, invalid UTF-8 written as '?'.
 */
/* The length of the well-formed UTF-8 sequence at p (1 for ASCII), or 0
 * when the bytes there are not one. */
int svg_utf8_len(const unsigned char *p);

void svg_put_escaped(FILE *f, const char *s);

/* <text x y attrs>escaped printf text</text> */
void svg_text(FILE *f, double x, double y, const char *attrs,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The XML header, <svg> of w x h, white background, title and subtitle
 * (subtitle may be NULL or empty). */
void svg_begin(FILE *f, int w, int h, const char *title,
    const char *subtitle);

/* </svg>, then flush: 0, or -1 with a message on a write error. */
int svg_end(FILE *f, char *err, size_t errlen);

/* An axis over data lo .. hi (finite, lo <= hi) ending on whole ticks. */
svg_axis svg_axis_fit(double lo, double hi, double p_lo, double p_hi,
    int target);

/* A fixed axis lo .. hi with about target ticks. */
svg_axis svg_axis_fixed(double lo, double hi, double p_lo, double p_hi,
    int target);

/* The pixel of data value v. */
double svg_axis_px(const svg_axis *a, double v);

/* Decimals that show a tick step exactly (0.05 -> 2, 5 -> 0). */
int svg_step_decimals(double step);

/* Grid lines, ticks and labels of a y axis left of the frame x0 .. x1. */
void svg_y_axis(FILE *f, const svg_axis *a, double x0, double x1,
    const char *label);

/* A line of one pixel from (x1, y1) to (x2, y2): a tick or a grid line. */
void svg_line(FILE *f, double x1, double y1, double x2, double y2,
    const char *colour);

/* The plot area's outline. */
void svg_frame(FILE *f, double x0, double y0, double x1, double y1);

/* A marker of shape k (circle, square, triangle, diamond) at (x, y), of
 * class cls ("point" on the plot, "key" in the legend). */
void svg_marker(FILE *f, int k, double x, double y, const char *colour,
    const char *cls);

/* A line through (xs[i], ys[i]), lifting the pen at NaN; dash is a
 * stroke-dasharray or NULL.  Nothing when fewer than two are finite. */
void svg_polyline(FILE *f, const double *xs, const double *ys, size_t n,
    const char *colour, const char *dash);

/* The legend's frame: rows of 20 px from (x, y), w wide. */
void svg_legend_box(FILE *f, double x, double y, double w, size_t rows);

/* A legend's sample line from x0 to x1 at y, width px wide; dash is a
 * stroke-dasharray or NULL. */
void svg_key_line(FILE *f, double x0, double x1, double y,
    const char *colour, int width, const char *dash);

/* Whether v (n values, may be NULL) holds a finite one. */
int svg_any_finite(const double *v, size_t n);

/* Widen [*lo, *hi] to hold the finite values of v (and v +- sd). */
void svg_extend(double *lo, double *hi, const double *v, const double *sd,
    size_t n);

/* The viridis colour of t in [0, 1] as "#rrggbb", and whether dark text
 * reads on it. */
void svg_viridis_colour(double t, char out[8], int *dark_text);

/* <defs> with a vertical viridis gradient named id, bottom to top. */
void svg_viridis_gradient(FILE *f, const char *id);

/*
 * Series k of a chart of n slots slot px wide from x0 (nudged by dx): a
 * line through its means (NaN: a gap), an sd whisker at each when bars,
 * and a marker; xs and ys (n each, caller's) get the points.
 */
void svg_series(FILE *f, const svg_axis *ya, const double *mean,
    const double *sd, size_t n, double x0, double slot, double dx, int k,
    int bars, double *xs, double *ys);

#endif

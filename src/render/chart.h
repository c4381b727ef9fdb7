#ifndef NOISETOP_CHART_H
#define NOISETOP_CHART_H

#include <stddef.h>

#include "render/render.h"

/*
 * Pure charts for the dashboard panes, built on render: arrays in, a grid
 * of text cells out.  Nothing here knows about ncurses; tests compare the
 * rows with golden strings.
 *
 * Every renderer draws into a chart_grid the caller owns: h rows of text,
 * row r at text + r * CHART_ROW_BYTES(w), and optionally one tag byte per
 * cell.  On return every row is a NUL-terminated UTF-8 (or ASCII) string
 * of exactly w glyphs, each one terminal cell wide and at most
 * CHART_CELL_BYTES bytes, so a row never needs more than CHART_ROW_BYTES(w)
 * bytes.  A pane draws row r with one addstr, or walks it glyph by glyph
 * (chart_glyph_len) beside tag[r * w + c] to colour cell c.
 *
 * Renderers return -1 when the arguments are bad or the box is too small
 * to show the chart without cutting a number; the grid is then all blank
 * (still w spaces a row), and the pane can say "too small" itself.
 * Numbers are never cut: labels are shortened, plots shrink.
 *
 * A pane, for example:
 *
 *	char text[H * CHART_ROW_BYTES(W)];
 *	unsigned char tag[W * H];
 *	chart_grid g = { w, h, text, tag };       (w <= W, h <= H)
 *
 *	if (chart_lines(s, 2, &opts, cs, &g) < 0)
 *		... "too small" ...
 *	for (r = 0; r < g.h; r++) {
 *		const char *p = g.text + r * CHART_ROW_BYTES(g.w);
 *		for (c = 0; c < g.w; c++, p += n) {
 *			n = chart_glyph_len(p);
 *			attrset(attr_for(g.tag[r * g.w + c]));
 *			mvaddnstr(y + r, x + c, p, (int)n);
 *		}
 *	}
 */

#define CHART_CELL_BYTES 3
#define CHART_ROW_BYTES(w) ((size_t)(w) * CHART_CELL_BYTES + 1)

typedef struct {
	int            w, h;  /* size in cells */
	char          *text;  /* h * CHART_ROW_BYTES(w) bytes, caller-owned */
	unsigned char *tag;   /* NULL, or w * h bytes (row-major), caller-owned */
} chart_grid;

/* What a cell shows, for the pane's colours (tag[r * w + c]). */
enum {
	CHART_TAG_PLAIN = 0,   /* blank, values, captions */
	CHART_TAG_AXIS = 1,    /* axes, ticks, headers, row and column labels */
	CHART_TAG_OK = 2,      /* a caption reporting a right prediction */
	CHART_TAG_MISS = 3,    /* ... and a wrong one */
	CHART_TAG_DIGIT = 4,   /* a cell of a digit image (ladder) */
	CHART_TAG_MARK = 5,    /* the selected row: its marker and label (heat
	                        * map), or its series in a plot of many */
	CHART_TAG_PARTIAL = 6, /* a value that is not final (a cancelled
	                        * row's last epoch) */
	CHART_TAG_MIXED = 7,   /* plot cell shared by two or more series */
	CHART_TAG_SERIES = 8,  /* + series index (a plot's: its style): a
	                        * series' line, bar, marker */
	CHART_TAG_BAND = 16,   /* + style: a band's shaded cell */
	CHART_TAG_SHADE = 32   /* + shade level 0..levels-1 (matrix cells) */
};
#define CHART_MAX_SERIES 4
#define CHART_MAX_LEVELS RENDER_GREY_STEPS

/* ---- numbers ---- */

typedef enum {
	CHART_NUM_G,      /* integers whole ("20000"), others "%.{decimals}g"
	                   * (decimals = significant digits, 0 means 6) */
	CHART_NUM_FIXED,  /* "%.{decimals}f" */
	CHART_NUM_PCT     /* a fraction as per cent: 0.9843 -> "98.43" (2) */
} chart_numkind;

#define CHART_NUM_SI 1     /* may write 20000 as "20k", 1500000 as "1.5M" */
#define CHART_NUM_ROUND 2  /* may drop decimals (rounding) to fit */

typedef struct {
	chart_numkind kind;
	int           decimals;  /* 0..9 */
	int           flags;     /* CHART_NUM_SI | CHART_NUM_ROUND */
} chart_fmt;

/*
 * v as text of at most maxw cells (maxw <= 0: no limit) into out (outlen
 * bytes, NUL-terminated).  The full form comes first; only when it is
 * wider than maxw, and only as the flags allow, fewer decimals (ROUND) or
 * a k/M/G/T suffix (SI; exact values only, unless ROUND too) are tried.
 * A number is never cut: when nothing fits (maxw, outlen, or a figure
 * over 63 characters such as 1e300 as FIXED), out is "" and 0 is returned.
 * NaN is "-" (no value yet), infinities "inf" and "-inf", and a value that
 * rounds to zero loses its minus sign.  Returns the length (one byte = one
 * cell: the output is ASCII).
 */
size_t chart_num(double v, chart_fmt f, int maxw, char *out, size_t outlen);

/* ---- the grid (shared by every renderer; a pane may compose its own) ---- */

/*
 * Start drawing: every cell a blank, every tag CHART_TAG_PLAIN.  While
 * drawing, cells sit in fixed slots and may be overwritten in any order;
 * chart_grid_pack() then turns each row into its string.  Every chart_*
 * renderer clears and packs by itself.
 */
void chart_grid_clear(chart_grid *g);

/* Cell (x, y) := the first glyph of glyph (a 4-byte or invalid UTF-8
 * sequence becomes '?'), with tag.  Returns 1, or 0 when (x, y) is outside
 * the grid (nothing written). */
int chart_put(chart_grid *g, int x, int y, const char *glyph, int tag);

/* The glyphs of s into cells x, x+1, ... of row y, at most maxcells of
 * them (maxcells < 0: up to the row's end).  Returns the cells written. */
int chart_text(chart_grid *g, int x, int y, const char *s, int maxcells,
    int tag);

/* Every row to its string (see the top of this header).  Call once, last. */
void chart_grid_pack(chart_grid *g);

/* Cells in a UTF-8 string (glyphs, each counted as one cell). */
int chart_width(const char *s);

/* Bytes of the glyph at p in a packed row (0 at the NUL). */
size_t chart_glyph_len(const char *p);

/* Where a renderer put its matrix: cell (r, c) covers columns
 * x0 + c * cw .. x0 + (c + 1) * cw - 1 of row y0 + r (for mouse hits). */
typedef struct {
	int x0, y0, cw;
} chart_cells;

/* ---- plots (chart_lines.c) ---- */

typedef struct {
	const double *v;     /* v[0..n-1], one value per epoch; NaN: none */
	int           n;
	const char   *name;  /* legend label ("train", "val"), or NULL */
} chart_series;

typedef struct {
	double    lo, hi;  /* y range (values outside are clamped); lo >= hi:
	                    * the data's min and max */
	chart_fmt yfmt;    /* the min and max labels of the y axis */
	int       first;   /* the number of epoch v[0] */
	int       legend;  /* nonzero: the last row names the series */
} chart_lines_opts;

/*
 * Line plot of ns (1..CHART_MAX_SERIES) series in the whole grid: the max
 * and min labels left of the y axis (as wide as they need: the plot
 * shrinks), the x axis with epoch ticks and their numbers below, then the
 * optional legend.  UTF-8 draws braille dots (2x4 per cell), series 0 a
 * solid line, series k a dotted one (every (k+1)th dot; the epochs' own
 * points always); ASCII draws one glyph per cell, "*ox+" by series, the
 * later series on top.  n epochs spread over the plot's width; with more
 * epochs than dot columns several share a column and the line through
 * them covers all their values.  o NULL: auto range, G labels, first 1,
 * no legend.  Needs h >= 4 (+1 with the legend).  Returns 0, or -1.
 */
int chart_lines(const chart_series *s, int ns, const chart_lines_opts *o,
    render_charset cs, chart_grid *g);

/* Many curves in one plot: styles (a glyph, a dash, a tag) shared by the
 * series of a group, shaded bands under them, one series standing out. */
#define CHART_MAX_STYLES 8    /* tags CHART_TAG_SERIES + 0..7 */
#define CHART_MAX_CURVES 4096 /* series in one plot */

typedef struct {
	const double *lo, *hi;  /* lo[i] .. hi[i] at epoch first + i; NaN
	                         * at either end: no band there */
	int           n;
	int           style;    /* 0..CHART_MAX_STYLES-1 */
} chart_band;

typedef struct {
	double            lo, hi;   /* y range as chart_lines_opts' (lo >= hi:
	                             * the series' and the bands' min, max) */
	chart_fmt         yfmt;
	int               first;    /* the number of epoch v[0] */
	const int        *style;    /* style[k] of series k (0..
	                             * CHART_MAX_STYLES-1); NULL: style k */
	int               mark;     /* the series that stands out, or -1 */
	const chart_band *band;     /* nb bands, or NULL */
	int               nb;
	const char *const *key;     /* legend: key[k] names style k (NULL:
	                             * left out), nkeys of them */
	int               nkeys;
	const char       *band_key; /* legend: the bands' entry, or NULL */
	const char       *mark_key; /* legend: the marked series', or NULL */
	int               legend;   /* rows the legend may take (0: none) */
} chart_curves_opts;

/*
 * chart_lines() for any number of series (1..CHART_MAX_CURVES): the bands
 * first, each a shade in every plot column from its top to its bottom
 * (UTF-8 "░", ASCII "."; tag CHART_TAG_BAND + style), then the series in
 * order, each in its style (braille: style 0 solid, 1-3 every 2nd to
 * 4th dot, 4-7 dashes; ASCII "*ox+%&=~"; tag CHART_TAG_SERIES + style,
 * CHART_TAG_MIXED where two styles meet), then the marked series last,
 * solid (ASCII "@"; CHART_TAG_MARK).  The legend takes the last o->legend
 * rows: each named style's sample and name, the bands' and the marked
 * series' entries, an entry that does not fit starting the next row, as
 * many as fit.  Needs h >= 4 + o->legend.  Returns 0, or -1 (o NULL, a
 * style out of range, a malformed series or band, no room).
 */
int chart_curves(const chart_series *s, int ns, const chart_curves_opts *o,
    render_charset cs, chart_grid *g);

typedef struct {
	const char   *name;      /* "train", "val", "A val"; NULL: none */
	const double *mean;      /* mean[j] at scale j; NaN: not trained yet */
	const double *sd;        /* NULL, or the sd over seeds (NaN: none) */
	const double *min, *max; /* NULL, or the range over seeds */
	const unsigned char *partial;  /* NULL, or nonzero at scale j: the
	                                * value is not final (the row was
	                                * cancelled before its last epoch) */
} chart_bar_series;

typedef struct {
	double    lo, hi;  /* the bars' range; lo >= hi: 0 .. 1 */
	chart_fmt vfmt;    /* values and sd */
	chart_fmt sfmt;    /* the scale labels */
} chart_bars_opts;

/*
 * Accuracy against noise scale: for each scale j, one row per series,
 * "SCALE NAME BAR VALUE" (the scale on the group's first row only; names
 * dropped when they would leave the bar under 4 cells).  The bar is
 * series 0 "█" with eighths, series 1.. "▓▒░" in whole cells (ASCII
 * "#=*+").  A row with an sd or a min/max is a whisker instead: min..max
 * "├──┤", mean ± sd "━", the mean the series' glyph (ASCII "|--~~#~~--|"),
 * and its value "97.12±0.08" ("97.12+-0.08").  Overlaying two runs is
 * two (or four) series, one per run (and split).  A partial value is
 * in parentheses, "(72.00)", tagged CHART_TAG_PARTIAL, so that it is
 * not read as a final result.  Needs
 * h >= nscales * ns.  o NULL: 0..1, PCT 2 values, G scales.  Returns 0,
 * or -1.
 */
int chart_scale_bars(const double *scales, int nscales,
    const chart_bar_series *s, int ns, const chart_bars_opts *o,
    render_charset cs, chart_grid *g);

/* ---- tables (chart.c) ---- */

typedef struct {
	const char *const *labels;  /* k class names, NULL: "0".."k-1";
	                             * shortened to fit, never the counts */
	int levels;                 /* shade levels 2..CHART_MAX_LEVELS */
} chart_confusion_opts;

/*
 * A k x k confusion matrix (counts[t * k + p]: true class t, predicted p)
 * as a header row ("t\p", the predicted labels, "acc"), k rows of counts
 * (0 as "·", ASCII ".") with the class's accuracy (per cent, 1 decimal)
 * at the end, and, when h > k + 1, a row "all" with the overall accuracy.
 * Each count's cells get CHART_TAG_SHADE + its level: count / row total
 * on levels steps.  where (may be NULL) gets the cells' position.  k = 10
 * with counts under 100000 fits 80 columns.  o NULL: digits, 8 levels.
 * Returns 0, or -1 (too narrow, h <= k, k < 1, a negative count).
 */
int chart_confusion(const long *counts, int k,
    const chart_confusion_opts *o, render_charset cs, chart_grid *g,
    chart_cells *where);

/* ---- the train x test heat map (chart_heat.c) ---- */

typedef struct {
	const char *corner;  /* header of the row labels ("train\\test"),
	                      * shortened to fit */
	chart_fmt   rfmt, cfmt;  /* row and column labels */
	chart_fmt   vfmt;        /* cell values and sd */
	double      lo, hi;      /* shade range; lo >= hi: 0 .. 1 */
	int         levels;      /* shade levels 2..CHART_MAX_LEVELS */
	int         shade;       /* nonzero: each value follows its level's
	                          * shade glyph (ramp_glyph; levels should be
	                          * ramp_levels(RAMP_MONO, cs)), for a screen
	                          * without colours */
	int         mark;        /* 1 + the row marked ">" (the selected
	                          * one), its label tagged CHART_TAG_MARK;
	                          * 0 none */
} chart_heatmap_opts;

/*
 * A nr x nc matrix of values (mean[r * nc + c]; NaN "-") with row labels
 * rv[r] (e.g. train scale, down) and column labels cv[c] (test scale,
 * across), each value printed whole with, when sd is not NULL and sd[..]
 * is finite, "±sd" (ASCII "+-sd"); every cell of a value (its leading
 * blank, the shade glyph and the figures) tagged CHART_TAG_SHADE + the
 * level of its mean between lo and hi, a NaN's CHART_TAG_PLAIN.  Row 0
 * is the header.  o NULL: G labels, PCT 1 values, 0..1, 8 levels, no
 * shade, no mark.  Returns 0, or -1.
 */
int chart_heatmap(const double *rv, int nr, const double *cv, int nc,
    const double *mean, const double *sd, const chart_heatmap_opts *o,
    render_charset cs, chart_grid *g, chart_cells *where);

/*
 * The heat map's legend in row 0 of g: "LO", the levels' cells (two
 * cells a level where they fit, else one; each tagged CHART_TAG_SHADE +
 * its level, blank, or with shade its glyph), "HI", lo and hi formatted
 * by f ("11.3 ░░▒▒▓▓██ 98.4").  Returns the cells used, or -1 (too
 * narrow, bad levels, lo > hi or NaN).
 */
int chart_heat_legend(double lo, double hi, chart_fmt f, int levels,
    int shade, render_charset cs, chart_grid *g);

/* ---- the noise ladder ---- */

#define CHART_ZOOM_MAX_SIDE 112  /* side * zoom at most */

typedef struct {
	const float *img;         /* side x side, values in [0,1] */
	const char  *caption[2];  /* lines under it ("0.5", "pred 7 ok"), or
	                           * NULL; whole words dropped to fit */
	int          verdict;     /* tag of caption[1]: CHART_TAG_OK,
	                           * CHART_TAG_MISS or CHART_TAG_PLAIN */
} chart_ladder_item;

/* img (side x side) scaled up zoom times into out ((side * zoom)^2,
 * caller-owned): each pixel a zoom x zoom square. */
void chart_zoom(const float *img, int side, int zoom, float *out);

/*
 * The images side by side, one column apart, each side * zoom cells wide
 * and side * zoom / 2 rows tall (zoom 1: render_digit_row's half-height
 * shades; zoom 2: one row per pixel row, two cells per pixel), its
 * caption lines centred below.  As many images as fit the width are drawn;
 * xs (may be NULL, n entries) gets each drawn image's column.  A colour
 * pane draws its half blocks over the CHART_TAG_DIGIT cells with
 * render_digit_halves() of chart_zoom()'s image.  Returns the number of
 * images drawn, or -1 (none fits, zoom < 1, side * zoom over
 * CHART_ZOOM_MAX_SIDE, out of memory).
 */
int chart_ladder(const chart_ladder_item *it, int n, int side, int zoom,
    render_charset cs, chart_grid *g, int *xs);

#endif

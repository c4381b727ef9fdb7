#ifndef NOISETOP_FIGURE_H
#define NOISETOP_FIGURE_H

#include <stddef.h>
#include <stdio.h>

#include "engine/sweep.h"

/*
 * Standalone SVG figures of a run's results: pure C, no libraries, writing
 * to a FILE (a file, or a buffer through open_memstream() / fmemopen()).
 * Every figure is one well-formed SVG 1.1 document (UTF-8, xmlns, width,
 * height and viewBox) with a white background, axes, ticks, axis labels, a
 * title and a legend, so it can be opened in a browser, rendered with
 * rsvg-convert or pasted into a paper.  Text is XML-escaped (control bytes
 * dropped, invalid UTF-8 replaced by '?') and numbers are written in the C
 * locale whatever LC_NUMERIC says.
 *
 * Inputs are plain arrays owned by the caller and only read.  A NaN value
 * is a missing one: no point, a gap in a line, an empty cell.  Every
 * function returns 0, or -1 with a one-line message in err (bad shape,
 * nothing to draw, or a write error on f).
 */

/* One series of the accuracy-against-scale chart. */
typedef struct {
	const char   *label; /* legend text, e.g. "train" or "val" */
	const double *mean;  /* n values, one per scale (mean over seeds) */
	const double *sd;    /* n standard deviations, or NULL; whiskers at
	                        mean +- sd are drawn when nseeds > 1 */
} figure_series;

/*
 * The notebook's figure: final accuracy against noise scale.  The x axis is
 * categorical: one evenly spaced slot per scale, each ticked with its value
 * ("%g"), so 0, 0.1, 0.5, 1, 2, 4 are all readable and no axis pretends to
 * be linear or logarithmic.  Points are joined per series; series are
 * nudged sideways a little so their whiskers do not overlap.
 */
typedef struct {
	const char        *title;    /* NULL: "Accuracy against noise scale" */
	const char        *subtitle; /* a second line (data, epochs), or NULL */
	const char        *xlabel;   /* NULL: "noise scale" */
	const char        *ylabel;   /* NULL: "accuracy" */
	size_t             n;        /* number of scales, >= 1 */
	const double      *scale;    /* n scale values, left to right */
	size_t             nseries;  /* >= 1, at most 8 (the palette) */
	const figure_series *series;
	int                nseeds;   /* seeds behind each mean: > 1 draws the
	                                whiskers and says "mean +- sd over N
	                                seeds"; 1 plain points */
	double             ymin, ymax; /* fixed y range (e.g. 0 and 1), or
	                                  ymin == ymax to fit the data */
} figure_scale_chart;

int figure_scales_svg(FILE *f, const figure_scale_chart *c, char *err,
    size_t errlen);

/*
 * One run's epoch curves: values for epochs 1 .. n.  Any of the four
 * arrays may be NULL (not drawn).
 */
typedef struct {
	const char   *label;      /* legend text, e.g. "scale 0.5" */
	size_t        n;          /* epochs, at most 4096 */
	const double *train_acc;  /* n each */
	const double *val_acc;
	const double *train_loss;
	const double *val_loss;
} figure_curve;

/*
 * Epoch curves, two panels side by side: accuracy and loss against epoch.
 * One colour per curve (run), train solid and val dashed, as the notebook's
 * history plots; the legend names both.
 */
typedef struct {
	const char       *title;     /* NULL: "Training curves" */
	const char       *subtitle;  /* or NULL */
	size_t            ncurves;   /* >= 1, at most 8 */
	const figure_curve *curves;
} figure_epoch_chart;

int figure_epochs_svg(FILE *f, const figure_epoch_chart *c, char *err,
    size_t errlen);

/*
 * A heat map of a train-scale x test-scale matrix: rows are the training
 * scales (top to bottom), columns the test scales (left to right), each
 * cell shaded by its mean (viridis: dark low, yellow high, with a colour
 * bar) and printed with it, and with "+-sd" below when sd is given and
 * nseeds > 1.
 */
typedef struct {
	const char   *title;      /* NULL: "Accuracy: train scale × test
	                             scale" */
	const char   *subtitle;   /* or NULL */
	const char   *row_label;  /* NULL: "train scale" */
	const char   *col_label;  /* NULL: "test scale" */
	size_t        nrows, ncols;           /* each >= 1, at most 64 */
	const double *row_value;  /* nrows values, ticked "%g" */
	const double *col_value;  /* ncols values */
	const double *mean;       /* nrows * ncols, row-major:
	                             mean[r * ncols + c] */
	const double *sd;         /* same shape, or NULL */
	int           nseeds;
	int           percent;    /* print values x 100 with one decimal
	                             ("98.4"); 0 prints them with 3 ("0.984") */
	double        vmin, vmax; /* colour range, or vmin == vmax to span the
	                             data */
} figure_matrix;

int figure_matrix_svg(FILE *f, const figure_matrix *m, char *err,
    size_t errlen);

/* One panel of a multi-panel chart: its title and its series. */
typedef struct {
	const char          *title;   /* above the panel, e.g. "Jacobian" */
	const char          *ylabel;  /* or NULL */
	const figure_series *series;  /* the chart's nseries */
} figure_panel;

/*
 * Up to four panels in a 2 x 2 grid sharing a categorical x axis (one slot
 * per scale, as figure_scales_svg) and one legend: the probes of a run
 * against its training scale, one panel per figure of merit, one series
 * per weight decay.  Each panel fits its own y range.
 */
typedef struct {
	const char         *title;    /* NULL: "Sensitivity against training
	                                 scale" */
	const char         *subtitle; /* or NULL */
	const char         *xlabel;   /* NULL: "training scale" */
	size_t              n;        /* scales, 1 to 64 */
	const double       *scale;
	size_t              npanels;  /* 1 to 4 */
	const figure_panel *panels;
	size_t              nseries;  /* 1 to 8; labels from panels[0] */
	int                 nseeds;   /* > 1: whiskers at mean +- sd */
} figure_panel_chart;

int figure_panels_svg(FILE *f, const figure_panel_chart *c, char *err,
    size_t errlen);

/*
 * A reliability diagram (Guo et al. 2017): nbins equal-width confidence
 * bins over [0, 1], each a bar as high as the accuracy of the predictions
 * in it, the gap between that and their mean confidence shaded, the
 * diagonal of perfect calibration dashed, and the ECE in the title.  Bins
 * with no prediction draw nothing.
 */
typedef struct {
	const char   *title;    /* NULL: "Reliability diagram"; ": ECE
	                           0.0123" is appended */
	const char   *subtitle; /* or NULL */
	size_t        nbins;    /* 1 to 64 */
	const size_t *count;    /* nbins each */
	const double *acc;      /* fraction correct in the bin */
	const double *conf;     /* mean confidence in the bin */
	double        ece;      /* drawn as given */
} figure_reliability;

int figure_reliability_svg(FILE *f, const figure_reliability *r, char *err,
    size_t errlen);

/* One model's fields in the receptive-field figure. */
typedef struct {
	const char  *label;  /* above its grid, e.g. "row 3: scale 0.5" */
	const float *w;      /* nunits fields of side * side weights, unit
	                        after unit, row-major pixels */
	const int   *unit;   /* nunits unit numbers, printed under each */
} figure_field_set;

/*
 * First-layer receptive fields: each set a grid of nunits side x side
 * fields (ceil(sqrt(nunits)) columns), the sets side by side, every
 * weight on one symmetric diverging scale (blue negative, white 0, red
 * positive, in FIGURE_FIELD_LEVELS steps each way) with a colour bar.  A
 * non-finite weight is drawn grey.
 */
#define FIGURE_FIELD_LEVELS 12
typedef struct {
	const char             *title;    /* NULL: "First-layer receptive
	                                     fields" */
	const char             *subtitle; /* or NULL */
	const char             *note;     /* a line under the grids, or
	                                     NULL */
	int                     side;     /* 1 to 64 */
	size_t                  nunits;   /* 1 to 64 */
	size_t                  nsets;    /* 1 or 2 */
	const figure_field_set *sets;
	double                  vmax;     /* the scale's end, > 0, or 0: the
	                                     largest |w| drawn */
	const char             *value;    /* the colour bar's name, NULL:
	                                     "weight" */
} figure_fields;

int figure_fields_svg(FILE *f, const figure_fields *c, char *err,
    size_t errlen);

/*
 * A run's results as those figures: what `noisetop plot` writes.
 * Only finished rows count; a statistic over seeds is drawn as mean +- sd.
 */
typedef enum {
	FIGURE_SCALES,   /* train and val accuracy against scale: the
	                    notebook's figure, one pair per corruption */
	FIGURE_EPOCHS,   /* accuracy and loss per epoch, one curve per scale */
	FIGURE_MATRIX,   /* the train x test heat map */
	FIGURE_SENSITIVITY, /* the probes against scale, a line per decay */
	FIGURE_CALIBRATION, /* one row's reliability diagram: drawn by
	                       figure_reliability_svg from bins the caller
	                       computes, not by figure_write */
	FIGURE_WEIGHTS,  /* one row's first-layer fields: drawn by
	                    figure_fields_svg, not by figure_write */
} figure_kind;

/* "scales", "epochs", "matrix", "sensitivity", "calibration" or "weights"
 * into *kind.  Returns 0, or -1. */
int figure_parse(const char *s, figure_kind *kind, char *err,
    size_t errlen);

/*
 * Write figure kind of table t to f as a standalone SVG; corruption picks
 * the family for the epochs, matrix and sensitivity figures (an index into
 * t->plan.corruptions); subtitle (or NULL) names the data and run.
 * Returns 0, or -1 with a message (nothing finished or probed to draw, or
 * a kind that needs more than the table: calibration, weights).
 */
int figure_write(FILE *f, const sweep_table *t, figure_kind kind,
    int corruption, const char *subtitle, char *err, size_t errlen);

/*
 * figure_write for a table with the data set axis: the scales figure
 * draws every set (a train and a val series per set, each named), and
 * the epochs, matrix and sensitivity figures draw set `set` (an index
 * into t->plan.datasets; 0 without the axis).  figure_write is this
 * with set 0.
 */
int figure_write_set(FILE *f, const sweep_table *t, figure_kind kind,
    int corruption, int set, const char *subtitle, char *err,
    size_t errlen);

#endif

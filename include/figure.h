#ifndef NOISETOP_FIGURE_H
#define NOISETOP_FIGURE_H

#include <stddef.h>
#include <stdio.h>

#include "sweep.h"

/*
 * A run's results as the figures of plot.h: what `noisetop plot` writes.
 * Only finished rows count; a statistic over seeds is drawn as mean +- sd.
 */
typedef enum {
	FIGURE_SCALES,   /* train and val accuracy against scale: the
	                    notebook's figure, one pair per corruption */
	FIGURE_EPOCHS,   /* accuracy and loss per epoch, one curve per scale */
	FIGURE_MATRIX,   /* the train x test heat map */
} figure_kind;

/* "scales", "epochs" or "matrix" into *kind.  Returns 0, or -1. */
int figure_parse(const char *s, figure_kind *kind, char *err,
    size_t errlen);

/*
 * Write figure kind of table t to f as a standalone SVG; corruption picks
 * the family for the epochs and matrix figures (an index into
 * t->plan.corruptions); subtitle (or NULL) names the data and run.
 * Returns 0, or -1 with a message (nothing finished to draw).
 */
int figure_write(FILE *f, const sweep_table *t, figure_kind kind,
    int corruption, const char *subtitle, char *err, size_t errlen);

#endif

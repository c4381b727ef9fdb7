#ifndef NOISETOP_REPORT_H
#define NOISETOP_REPORT_H

#include <stdio.h>

#include "render/render.h"
#include "engine/sweep.h"

/*
 * The text tables a finished (or interrupted) job prints: the notebook's
 * sweep table and bars, the same with mean +- sd over seeds, the train x
 * test matrix, and the clean-versus-noisy comparison.  Pure formatting of
 * a sweep table onto a stream; rows without a finished epoch are left out.
 */

/* Final metrics per (corruption, scale): the notebook's table when there
 * is one seed, else mean +- sd with min and max; then bars of train and
 * val accuracy (whiskers of min..max when several seeds). */
void report_sweep(FILE *f, const sweep_table *t, render_charset cs);

/* The train x test matrix of every (weight decay,) corruption: val accuracy (mean, +- sd
 * over seeds), training scale down, test scale across. */
void report_matrix(FILE *f, const sweep_table *t);

/* With the plan's probes (sweep_plan_probes), one line per done row: its
 * sensitivity, the ECE of each matrix cell and the accuracy under each
 * attack.  Nothing for a plan without them. */
void report_probes(FILE *f, const sweep_table *t);

/* Two rows side by side, epoch by epoch (compare jobs). */
void report_compare(FILE *f, const sweep_table *t);

#endif

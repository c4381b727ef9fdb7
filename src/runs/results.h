#ifndef NOISETOP_RESULTS_H
#define NOISETOP_RESULTS_H

#include <stddef.h>

#include "engine/sweep.h"

/*
 * The per-epoch history of every row of t (one line per scale and epoch),
 * preceded by '#' comment lines naming the data source and configuration.
 * Returns 0, or -1 with a message.
 */
int results_write_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen);

/*
 * The final metrics of every (corruption, scale) over its seeds: mean, sd,
 * min and max of train and val accuracy and loss, one line each.
 */
int results_write_summary_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen);

/* The train x test matrix: one line per done row and test scale. */
int results_write_matrix_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen);

/*
 * The same as JSON: configuration and grid, source, per-row history and
 * matrix row, and the summary over seeds.
 */
int results_write_json(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen);

/* The file beside a --csv path for its summary or matrix: "x.csv" and
 * "summary" give "x-summary.csv".  Returns out. */
char *results_sibling(const char *path, const char *what, char *out,
    size_t len);

#endif

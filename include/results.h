#ifndef NOISETOP_RESULTS_H
#define NOISETOP_RESULTS_H

#include <stddef.h>

#include "sweep.h"

/*
 * The per-epoch history of every row of t (one line per scale and epoch),
 * preceded by '#' comment lines naming the data source and configuration.
 * Returns 0, or -1 with a message.
 */
int results_write_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen);

/* The same as JSON: configuration, source, per-row history and summary. */
int results_write_json(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen);

#endif

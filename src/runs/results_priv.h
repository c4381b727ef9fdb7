#ifndef NOISETOP_RESULTS_PRIV_H
#define NOISETOP_RESULTS_PRIV_H

/*
 * What results.c (the CSV files), results_json.c (the JSON) and
 * results_read.c (reading back, and the dashboard's exports) share;
 * nobody else needs it.
 */
#include <stddef.h>

#include "engine/sweep.h"

/* A growing string buffer; on allocation failure it stays failed. */
struct sbuf {
	char  *s;
	size_t len, cap;
	int    oom;
};

/* Start b empty.  Returns 0, or -1 when out of memory. */
int results_sb_init(struct sbuf *b);

/* Append to b, printf-style. */
void results_sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Write b to path atomically and free it.  Returns 0, or -1 with a
 * message. */
int results_finish(const char *path, struct sbuf *b, char *err,
    size_t errlen);

/* "pending", "running", "done", "cancelled". */
const char *results_state_name(int state);

/* Does t have a weight-decay axis or a nonzero decay to show? */
int results_decay_shown(const sweep_table *t);

/* Whether the files show the data set of each row (a plan with the data
 * set axis; without it they read as before it existed), and the key
 * ("fashion") of row r's set. */
int results_dataset_shown(const sweep_table *t);
const char *results_dataset_key(const sweep_table *t, const sweep_row *r);

/* The "# config: " line's text: layers, optimizer, grid. */
void results_config_line(struct sbuf *b, const sweep_table *t);

/* The sensitivity figures' column and key names, SWEEP_NSENS of them. */
extern const char *const results_sens_names[SWEEP_NSENS];

/* A JSON string literal: quotes, backslashes and control bytes escaped. */
void results_json_string(struct sbuf *b, const char *s);

#endif

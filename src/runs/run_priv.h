#ifndef NOISETOP_RUN_PRIV_H
#define NOISETOP_RUN_PRIV_H

/* What run.c and run_file.c share; nobody else needs it. */

#include "runs/run.h"

#define RUN_FILE_MAX 65536   /* a run's text files are small */

/* text as dir/name, atomically.  Returns 0, or -1 with a message. */
int run_write_file(const char *dir, const char *name, const char *text,
    char *err, size_t errlen);

/* config.txt's text for r into text (len bytes); written as config.txt. */
int run_format_config(const run *r, char *text, size_t len, char *err,
    size_t errlen);
int run_write_config(const run *r, char *err, size_t errlen);

/* The data set axis's keys of config.txt (run_data.c): c's into text
 * (len bytes), returning the bytes written (0 without the axis) or -1
 * when they do not fit; and one key read back, returning 0, -1 with a
 * message, or 1: not one of these keys. */
int run_format_data(const run_config *c, char *text, size_t len);
int run_data_key(run_config *c, const char *k, const char *v, char *err,
    size_t errlen);

/* Read and check r->dir's config.txt into r->conf. */
int run_read_config(run *r, char *err, size_t errlen);

/* This process's state file: state.txt, or state-K.txt for a shard. */
int run_write_state(const run *r, const char *state, int row, int nrows,
    int epoch, int epochs, char *err, size_t errlen);

/* results.csv, summary.csv, matrix.csv and results.json of t. */
int run_write_results(const run *r, const sweep_table *t,
    const char *source, char *err, size_t errlen);

/* A done row's matrix row, row-R.txt, exactly; and read back into t. */
int run_write_matrix_row(const run *r, const sweep_table *t, int i,
    char *err, size_t errlen);
int run_read_matrix_row(const run *r, sweep_table *t, int i, char *err,
    size_t errlen);

#endif

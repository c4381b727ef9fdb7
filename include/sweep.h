#ifndef NOISETOP_SWEEP_H
#define NOISETOP_SWEEP_H

#include "dataset.h"
#include "train.h"

#define SWEEP_MAX_SCALES 16

/* One scale of a sweep: its history so far and, once done, its result. */
typedef struct {
	float        scale;
	int          state;    /* SWEEP_PENDING, SWEEP_RUNNING, SWEEP_DONE, SWEEP_CANCELLED */
	train_epoch *hist;     /* cfg.epochs entries, owned by the table */
	int          nhist;
} sweep_row;

enum { SWEEP_PENDING, SWEEP_RUNNING, SWEEP_DONE, SWEEP_CANCELLED };

typedef struct {
	int          n;
	int          current;  /* row being trained, -1 when none */
	train_config cfg;      /* shared by every row; cfg.noise is per row */
	sweep_row    rows[SWEEP_MAX_SCALES];
	/* The rows' histories, sized to the job: n * cap epochs, owned. */
	train_epoch *store;
	size_t       cap;      /* entries store holds */
} sweep_table;

/* What the sweep callback sees: the table, and the row's live progress
 * (progress is NULL at the start and end of a row). */
typedef struct {
	const sweep_table    *table;
	int                   row;
	const train_progress *progress;
} sweep_progress;

typedef int (*sweep_callback)(const sweep_progress *p, void *user);

/* The notebook's sweep, with 0 as the baseline. */
extern const float sweep_default_scales[6];

/*
 * Parse "0,0.1,0.5" into scales (at most SWEEP_MAX_SCALES, each finite and
 * in [0, 100]).  Returns the count, or -1 with a message in err.
 */
int sweep_parse_scales(const char *s, float *scales, char *err,
    size_t errlen);

/*
 * Set up t (uninitialised or freed) as a table of pending rows for the
 * given scales, with room for cfg->epochs epochs per row.  Returns 0, or
 * -1 with a message in err (out of memory, bad epochs).  Free with
 * sweep_table_free().
 */
int sweep_table_init(sweep_table *t, const train_config *cfg,
    const float *scales, int n, char *err, size_t errlen);

/*
 * Make dst (zeroed, or a table from sweep_table_init/_copy) equal to src,
 * reusing dst's storage when it is large enough; only the epochs in use
 * are copied.  Returns 0, or -1 when out of memory (dst then holds no
 * rows).
 */
int sweep_table_copy(sweep_table *dst, const sweep_table *src);

/* Frees what t owns and leaves it empty; accepts a zeroed table. */
void sweep_table_free(sweep_table *t);

/* 1 when t has rows and every one is SWEEP_DONE: the job finished. */
int sweep_table_finished(const sweep_table *t);

/*
 * Train a fresh model for every pending row of t in turn, each on its own
 * noisy copy of ds (train and test drawn with cfg.seed), filling the row's
 * history as epochs finish.  from, when not NULL, is where the first row
 * not done stopped (not owned): that row continues from it instead of
 * starting afresh.  Stops early when ctl or the callback cancels; finished
 * rows are kept.  When keep_model is not NULL it receives the last row's
 * model (caller frees).  Returns 0, or -1 with a message in err.
 */
int sweep_run(sweep_table *t, const dataset *ds, const train_resume *from,
    train_control *ctl, sweep_callback cb, void *user, mlp **keep_model,
    char *err, size_t errlen);

#endif

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
 * The probes of every done row (sweep_plan_probes): one line per row with
 * its sensitivity and its accuracy under each attack, on the clean test
 * set.
 */
int results_write_probes_csv(const char *path, const sweep_table *t,
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

/* ---- reading back: the one reader of results.csv ---- */

/* A run's results.csv is never larger than this. */
#define RESULTS_CSV_MAX (64u << 20)

/* One epoch line of a results.csv, by its header's column names (a
 * column the file lacks reads as 0). */
typedef struct {
	double scale, epoch, val_acc, seconds;
} results_line;

/*
 * Call fn for every epoch line of the results.csv at path, in file order;
 * a nonzero return from fn stops the reading.  Returns 0, or -1 with a
 * message naming the file (unreadable, no header with scale, epoch and
 * val_accuracy columns).
 */
int results_read_csv(const char *path,
    int (*fn)(const results_line *l, void *user), void *user, char *err,
    size_t errlen);

/* A run's final val accuracy by scale: the last epoch of each scale,
 * averaged over that scale's rows. */
typedef struct {
	char   id[256];
	int    n;
	double scale[SWEEP_MAX_SCALES], val[SWEEP_MAX_SCALES];
} results_finals;

/* The finals of the results.csv at path into *f, named id.  Returns 0,
 * or -1 with a message (unreadable, no epoch yet). */
int results_read_finals(const char *path, const char *id, results_finals *f,
    char *err, size_t errlen);

/* What the dashboard's e exports: the view on screen. */
typedef enum {
	RESULTS_EXPORT_HISTORY,    /* every row's epochs (CSV), the whole
	                              table (JSON) */
	RESULTS_EXPORT_CONFUSION,  /* one model's confusion matrix */
	RESULTS_EXPORT_MATRIX,     /* the train x test matrix */
} results_export_kind;

typedef struct {
	results_export_kind kind;
	const sweep_table  *t;
	const char         *source;   /* the data and its limits */
	/* CONFUSION: the model's row of t, and its counts on its own test
	 * images, counts[true * nclass + predicted]. */
	int                 row;
	const long         *counts;
	int                 nclass;
} results_export_what;

/*
 * Write what w says as new files dir/export-STAMP[-view][-k].csv and
 * .json ("-confusion", "-matrix"; STAMP the local time, k the first that
 * makes both new: an export never replaces another), their paths into
 * csv and json (len bytes each).  Returns 0, or -1 with a message.
 */
int results_export(const char *dir, const results_export_what *w,
    char *csv, char *json, size_t len, char *err, size_t errlen);

#endif

#ifndef NOISETOP_REPORT_DOC_H
#define NOISETOP_REPORT_DOC_H

#include <stddef.h>

#include "engine/sweep.h"

/*
 * A run's report as the files of a folder a colleague can open without
 * noisetop: README.md (renders on any Git forge), report.html (one
 * self-contained page: the figures inline, no script, nothing fetched),
 * the figures as SVG files, and copies of summary.csv and matrix.csv.
 * Pure: text and a sweep table in, file contents out; the caller reads
 * the run and writes the folder.
 *
 * The tables are made from the CSV text as it is, column by column: a
 * column X_mean with an X_sd beside it becomes one column "mean ± sd",
 * X_min and X_max are left to the copied file, and any other column
 * (corruption, scale, a dataset, a decay) is shown as written.  So a
 * column a later version adds shows up without a change here.
 */

/* One line of "what was run": "Command" and its value. */
typedef struct {
	const char *key;
	const char *value;
	int         code;   /* show the value as code (a command line) */
} report_fact;

typedef struct {
	const char        *title;       /* the page's title and heading */
	const report_fact *facts;
	int                nfacts;
	const char        *summary_csv; /* summary.csv's text, or NULL */
	const char        *matrix_csv;  /* matrix.csv's text, or NULL */
	const sweep_table *t;           /* the run's rows, for the figures;
	                                   or NULL: none */
	const char        *subtitle;    /* the figures' subtitle, or NULL */
	const char        *run_id;      /* with the data set axis, each set's
	                                   figures say "SET, N epochs, run
	                                   RUN_ID" instead; or NULL */
} report_input;

/* One file of the folder: its name and contents (malloc'd, owned). */
typedef struct {
	char   name[64];
	char  *data;
	size_t len;
} report_file;

#define REPORT_MAX_FILES 48

typedef struct {
	report_file file[REPORT_MAX_FILES];
	int         n;
} report_files;

/* The names of the folder's two pages. */
#define REPORT_README "README.md"
#define REPORT_HTML   "report.html"

/*
 * Every file of the report of in into *out (uninitialised; free it with
 * report_files_free, also after a failure): README.md and report.html
 * first, then the figures that apply to the run (accuracy against scale,
 * the epoch curves and the train x test matrix of each corruption, the
 * probes when it has them), then the CSV copies.  A figure with nothing
 * to draw yet is left out, and the pages say so.  Returns 0, or -1 with a
 * message (a CSV without a header, out of memory).
 */
int report_render(const report_input *in, report_files *out, char *err,
    size_t errlen);

void report_files_free(report_files *f);

#endif

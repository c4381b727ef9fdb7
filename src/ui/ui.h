#ifndef NOISETOP_UI_H
#define NOISETOP_UI_H

#include "data/dataset.h"
#include "engine/sweep.h"
#include "engine/train.h"

/* What the dashboard starts with; main fills it from the command line. */
typedef struct {
	const dataset *ds;        /* loaded by main, not owned */
	train_config   cfg;       /* the configuration jobs start from */
	float          scales[SWEEP_MAX_SCALES];  /* for the sweep key */
	int            nscales;
	int            ascii;     /* --ascii: force the ASCII glyph set */
	int            no_color;  /* --no-color (or NO_COLOR set) */
	const char    *export_dir;  /* where 'e' writes results ("." default) */
	const char    *runs_root; /* the runs root, resolved and made by
	                             main; NULL: runs are not recorded, and
	                             runs_err says why */
	const char    *runs_err;
	int            jobs;      /* --jobs: rows a sweep trains at once (0:
	                             the default, job_lanes) */
	const char    *prefs;     /* the job form's remembered values
	                             ("key = value" lines), NULL none */
} ui_options;

/*
 * Run the ncurses dashboard until the user quits.  Every job it starts
 * records a run directory under the runs root (see run.h); at start-up it
 * shows the newest run there, and 'r' resumes the newest interrupted one.  Returns the process exit
 * status: 0 on a normal quit, non-zero when the terminal cannot be used (a
 * message is then in err: stdout not a terminal, unknown TERM, ...), and
 * 128 + the signal number when SIGINT, SIGTERM or SIGHUP ended it (err
 * empty).  On every return the terminal is restored, the worker thread is
 * joined (a job still running is stopped and its run left interrupted,
 * with its finished epochs on disk), and what was written to stderr
 * meanwhile has been replayed.
 */
int ui_run(const ui_options *o, char *err, size_t errlen);

#endif

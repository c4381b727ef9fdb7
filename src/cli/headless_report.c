/*
 * The headless report command: a saved run's report folder, README.md,
 * report.html, its figures and its CSV files (worker_report.h).  Part of
 * the headless front end (headless.h).
 */
#include "cli/headless.h"

#include <stdio.h>

#include "base/err.h"
#include "runs/run.h"
#include "worker/worker_report.h"

int
headless_report(const cli_options *o)
{
	char root[NT_PATH_LEN], newest[256], where[NT_PATH_LEN + 16];
	char err[NT_ERR_LEN];
	const char *name = o->resume;

	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0)
		goto fail;
	/* No run named: the newest, finished or not. */
	if (name == NULL) {
		if (run_newest(root, 1, newest, sizeof newest, err,
		    sizeof err) != 0)
			goto fail;
		name = newest;
	}
	if (worker_report_write(root, name, o->out_dir, o->force, where,
	    sizeof where, err, sizeof err) != 0)
		goto fail;
	printf("Wrote the report of run %s: %s/README.md and "
	    "%s/report.html\n", name, where, where);
	return 0;
fail:
	fprintf(stderr, "noisetop: %s\n", err);
	return 1;
}

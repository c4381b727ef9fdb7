/*
 * The run browser's requests, answered on the worker thread through the
 * runs layer: the list of runs, deleting one, the finals of runs to
 * overlay, exporting the shown table, and saving the job form.  The UI
 * thread never touches a file; each answer is published in a snapshot.
 */
#include "worker/worker_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "runs/prefs.h"
#include "worker/worker_report.h"

void
worker_do_list(worker *w)
{
	runlist_entry *runs = NULL;
	char           err[NT_ERR_LEN];
	int            n = 0, rc;

	rc = runlist_read(w->root, &runs, &n, err, sizeof err);
	pthread_mutex_lock(&w->mu);
	free(w->pub.runs);
	w->pub.runs = runs;
	w->pub.nruns = rc == 0 ? n : 0;
	w->pub.runs_gen++;
	if (rc != 0)
		worker_say_locked(w, "cannot list the runs: %s", err);
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);
}

void
worker_do_delete(worker *w, const char *name)
{
	char err[NT_ERR_LEN];
	int  rc = runlist_remove(w->root, name, err, sizeof err);

	pthread_mutex_lock(&w->mu);
	if (rc != 0)
		worker_say_locked(w, "not deleted: %s", err);
	else
		worker_say_locked(w, "deleted run %s", name);
	pthread_mutex_unlock(&w->mu);
	worker_do_list(w);
}

void
worker_do_overlay(worker *w, const worker_req *r)
{
	worker_overlay ov[2];
	char           err[NT_ERR_LEN] = "", path[NT_PATH_LEN + 300];
	int            n = 0;

	for (int k = 0; k < r->u.overlay.n; k++) {
		char e1[NT_ERR_LEN];

		snprintf(path, sizeof path, "%s/%s/results.csv", w->root,
		    r->u.overlay.id[k]);
		if (results_read_finals(path, r->u.overlay.id[k], &ov[n], e1,
		    sizeof e1) == 0)
			n++;
		else
			snprintf(err, sizeof err, "%s", e1);
	}
	pthread_mutex_lock(&w->mu);
	memcpy(w->pub.st.overlay, ov, (size_t)n * sizeof *ov);
	w->pub.st.noverlay = n;
	if (err[0] != '\0')
		worker_say_locked(w, "not overlaid: %s", err);
	else
		worker_say_locked(w, "%s", n == 2 ? "2 runs overlaid in the "
		    "chart (A, B)" : n == 1 ? "1 run overlaid in the chart (A)" :
		    "no run overlaid");
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);
}

void
worker_do_export(worker *w, const worker_req *r)
{
	sweep_table t;
	char        dir[NT_PATH_LEN], err[NT_ERR_LEN];
	char        csv[NT_PATH_LEN + 64], json[NT_PATH_LEN + 64];
	char        rep[NT_PATH_LEN + 16] = "", rerr[NT_ERR_LEN] = "";
	int         rc, running, has_run;

	memset(&t, 0, sizeof t);
	pthread_mutex_lock(&w->mu);
	snprintf(dir, sizeof dir, "%s", w->pub.st.run_dir[0] != '\0' ?
	    w->pub.st.run_dir : r->u.export.dir);
	sweep_table_copy(&t, &w->pub.table);
	running = w->pub.st.state == WORKER_RUNNING;
	has_run = w->pub.st.run_dir[0] != '\0';
	pthread_mutex_unlock(&w->mu);
	if (t.n > 0) {
		results_export_what what = { r->u.export.view, &t,
		    r->u.export.source, r->u.export.row, r->u.export.counts,
		    DATASET_NCLASS };

		rc = results_export(dir, &what, csv, json, sizeof csv, err,
		    sizeof err);
	} else
		rc = err_set(err, sizeof err, "nothing to export yet: t, c or "
		    "s starts a job");
	sweep_table_free(&t);
	/* and the run's report folder, a new one each time, read back from
	 * the run's files as `noisetop report` reads them */
	if (rc == 0 && has_run && worker_report_write(w->root, dir, NULL, 0,
	    rep, sizeof rep, rerr, sizeof rerr) != 0)
		rep[0] = '\0';
	pthread_mutex_lock(&w->mu);
	if (rc != 0)
		worker_say_locked(w, "export failed: %s", err);
	else if (rep[0] != '\0')
		worker_say_locked(w, "exported %s (and .json)%s; report in %s",
		    csv, running ? " so far" : "", rep);
	else if (rerr[0] != '\0')
		worker_say_locked(w, "exported %s (and .json)%s; no report: %s",
		    csv, running ? " so far" : "", rerr);
	else
		worker_say_locked(w, "exported %s (and .json)%s", csv,
		    running ? " so far" : "");
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);
}

void
worker_do_remember(worker *w, const char *text)
{
	char err[NT_ERR_LEN];

	if (prefs_write(text, err, sizeof err) != 0) {
		pthread_mutex_lock(&w->mu);
		worker_say_locked(w, "the form's values are not remembered: %s",
		    err);
		worker_publish_locked(w);
		pthread_mutex_unlock(&w->mu);
	}
}

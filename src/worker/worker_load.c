/*
 * The run on show while no job runs: read a run (the newest, or the one
 * chosen in the browser) with its model, and follow it as other
 * processes write it (shards on other machines), by polling the runs
 * root and the run's directory once a second.  The worker thread only.
 */
#include "worker/worker_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/err.h"

/*
 * A loaded run's rows as the screen shows them (a row stopped part way as
 * cancelled), with its note: "finished", or "interrupted at ..." and
 * whether it can be resumed here; returns that.
 */
static int
loaded_note(worker *w, job *j, char *note, size_t notelen, double *secs,
    int *nep)
{
	sweep_table *t = &j->table;
	char         stop[160];
	int          resumable = 0;

	for (int i = 0; i < t->n; i++) {
		sweep_row *row = &t->rows[i];

		for (int e = 0; e < row->nhist; e++, (*nep)++)
			*secs += row->hist[e].seconds;
		if (row->state != SWEEP_DONE && row->nhist > 0)
			row->state = SWEEP_CANCELLED;
		if (row->state != SWEEP_DONE)
			resumable = 1;
	}
	job_stopped_at(t, stop, sizeof stop);
	if (!resumable)
		snprintf(note, notelen, "finished");
	else if (!worker_fits(w, &j->rec.conf, &w->view)) {
		snprintf(note, notelen, "interrupted at %s, on other data",
		    stop);
		resumable = 0;
	} else
		snprintf(note, notelen, "interrupted at %s", stop);
	return resumable;
}

/* Has the runs root changed (a run made or removed) since last asked? */
static int
root_changed(worker *w)
{
	struct stat st;
	int         changed;

	if (stat(w->root, &st) != 0)
		return 1;
	changed = st.st_mtim.tv_sec != w->root_mtime.tv_sec ||
	    st.st_mtim.tv_nsec != w->root_mtime.tv_nsec;
	w->root_mtime = st.st_mtim;
	return changed;
}

/* The modification time of run name's directory (a file renamed into it
 * changes it).  Returns 0, or -1. */
static int
dir_mtime(const worker *w, const char *name, struct timespec *mt)
{
	char        path[NT_PATH_LEN + 300];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", w->root, name);
	if (stat(path, &st) != 0)
		return -1;
	*mt = st.st_mtim;
	return 0;
}

/*
 * Read run name (the newest when "") and publish it as
 * WORKER_LOADED, with its model
 * (job_model) and that model's test-set predictions at its row's scale,
 * computed as execute() does for a finished job (the same batch cap, so
 * the same predictions, bit for bit), when the run was trained on the
 * worker's data.
 */
void
worker_do_load(worker *w, const char *want)
{
	job          *j = calloc(1, sizeof *j);
	worker_status *st = &w->pub.st;
	run_state     rs;
	char          name[256], err[NT_ERR_LEN], note[256];
	mlp          *m = NULL;
	uint8_t      *pred = NULL;
	float        *conf = NULL, mscale = 0.0f;
	double        acc = 0.0, secs = 0.0;
	int           nep = 0, ok, resumable = 0, fits = 0, mrow, kept = 0;

	snprintf(name, sizeof name, "%s", want);
	/* A run chosen in the browser is followed by itself; else the
	 * newest. */
	w->watch_pinned = name[0] != '\0';
	if (w->watch_pinned)
		ok = j != NULL && dir_mtime(w, name, &w->watch_mtime) == 0;
	else
		ok = j != NULL && run_latest(w->root, name, sizeof name,
		    &w->watch_mtime, NULL, 0) == 0;
	if (ok)
		snprintf(w->watch_name, sizeof w->watch_name, "%s", name);
	if (ok && (job_open(j, w->root, name, err, sizeof err) != 0 ||
	    run_read_state(j->rec.dir, &rs, err, sizeof err) != 0 ||
	    job_restore(j, err, sizeof err) != 0)) {
		pthread_mutex_lock(&w->mu);
		if (!w->busy) {
			worker_say_locked(w, "cannot show run %s: %s", name,
			    err);
			worker_publish_locked(w);
		}
		pthread_mutex_unlock(&w->mu);
		ok = 0;
	}
	if (ok) {
		resumable = loaded_note(w, j, note, sizeof note, &secs, &nep);
		fits = worker_fits(w, &j->rec.conf, &w->view);
	}
	for (mrow = ok ? j->table.n - 1 : -1; mrow >= 0 &&
	    j->table.rows[mrow].nhist == 0; mrow--)
		;
	/* Written by another process right now: followed, not resumed. */
	if (ok && (rs.alive || (rs.elsewhere && strcmp(rs.state,
	    "running") == 0) || (rs.nshards > 1 && strcmp(rs.state,
	    "finished") != 0))) {
		char stop[160];

		job_stopped_at(&j->table, stop, sizeof stop);
		snprintf(note, sizeof note, "%s, followed live: at %s",
		    rs.nshards > 1 ? "sharded" : "running", stop);
		resumable = 0;
	}
	/* Not worth the test-set pass when a job already owns the screen
	 * (checked again below: one may start during the pass). */
	if (ok && !worker_busy(w) && fits &&
	    (m = job_model(&j->rec, &j->table, &mscale, err,
	    sizeof err)) != NULL && worker_predict_test_set(w, m,
	    &j->table.rows[mrow], j->rec.conf.test_limit, &pred, &conf,
	    &acc) != 0) {
		mlp_free(m);
		m = NULL;
	}
	pthread_mutex_lock(&w->mu);
	/* A job started meanwhile owns the screen, and its model. */
	if (ok && !w->busy) {
		kept = m != NULL;
		if (m != NULL)
			worker_keep_model_locked(w, &m, &pred, &conf,
			    j->rec.conf.test_limit, &j->table.rows[mrow],
			    j->kind, acc, mrow, j->rec.id);
		w->shown = j->rec;
		w->have_shown = 1;
		w->shown_fits = fits;
		w->shown_kind = j->kind;
		st->train_n = j->rec.conf.train_limit;
		st->test_n = j->rec.conf.test_limit;
		sweep_table_copy(&w->pub.table, &j->table);
		sweep_table_copy(&w->pub.sweep, &j->table);
		st->have_sweep = 1;
		st->state = WORKER_LOADED;
		st->job = j->kind;
		st->epoch = st->batch = st->batches = 0;
		st->epochs = j->table.cfg.epochs;
		st->sec_per_epoch = nep > 0 ? secs / nep : -1.0;
		st->elapsed = secs;
		st->eta = -1.0;
		snprintf(st->run_id, sizeof st->run_id, "%s", j->rec.id);
		snprintf(st->run_dir, sizeof st->run_dir, "%s", j->rec.dir);
		snprintf(st->run_note, sizeof st->run_note, "%s", note);
		st->run_resumable = resumable;
		worker_say_locked(w, "showing run %s (%s)%s", j->rec.id, note,
		    resumable ? ": r resumes it" : "");
		worker_publish_locked(w);
	}
	pthread_mutex_unlock(&w->mu);
	if (kept)
		worker_publish_fields(w);
	mlp_free(m);
	free(pred);
	free(conf);
	job_free(j);
	free(j);
}

/* Read the run on show again (the followed one, else the newest); mu
 * held. */
void
worker_post_load_locked(worker *w)
{
	worker_req *r = malloc(sizeof *r);

	if (r == NULL)
		return;
	r->kind = WREQ_LOAD;
	snprintf(r->u.name, sizeof r->u.name, "%s", w->watch_pinned ?
	    w->watch_name : "");
	worker_post_locked(w, r);
	free(r);
}

/*
 * Idle with a runs root: wait for a request for up to a second, then look
 * whether the newest run changed (another run appeared, or a file was
 * renamed into the one on show): one readdir and one stat a second, which
 * works on NFS and costs nothing measurable.  Called and returns with mu
 * held; 1 when the run should be read again.
 */
int
worker_wait_or_changed(worker *w)
{
	struct timespec until, mt;
	char            name[256];
	int             changed, rc;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
		return 0;  /* woken: a request to look at first */
	pthread_mutex_unlock(&w->mu);
	/*
	 * A new run changes the root's mtime: only then is the root listed
	 * again (run_latest stats every run); otherwise one stat of the root
	 * and one of the run on show.
	 */
	snprintf(name, sizeof name, "%s", w->watch_name);
	if (!w->watch_pinned && root_changed(w))
		rc = run_latest(w->root, name, sizeof name, &mt, NULL, 0);
	else
		rc = name[0] != '\0' ? dir_mtime(w, name, &mt) : -1;
	changed = rc == 0 && (strcmp(name, w->watch_name) != 0 ||
	    mt.tv_sec != w->watch_mtime.tv_sec ||
	    mt.tv_nsec != w->watch_mtime.tv_nsec);
	pthread_mutex_lock(&w->mu);
	return changed && !w->busy && !w->quit;
}


/*
 * worker: the mailbox and the snapshots of the dashboard's background
 * thread.  The UI thread posts requests (a job, a resume, a load, a
 * prediction, the run browser's listing ...) under the mutex and wakes
 * the thread; the thread (worker_thread.c) does the work and publishes a
 * snapshot, which the UI copies under the mutex after a byte on the
 * self-pipe wakes it.
 */
#include "worker/worker_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"

void
worker_publish_locked(worker *w)
{
	ssize_t r;

	w->pub.st.version++;
	/* A full pipe already means "wake up": EAGAIN is fine. */
	do
		r = write(w->pipe[1], "", 1);
	while (r < 0 && errno == EINTR);
}

void
worker_say_locked(worker *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->pub.st.message, sizeof w->pub.st.message, fmt, ap);
	va_end(ap);
}

void
worker_post_locked(worker *w, const worker_req *r)
{
	w->slot[r->kind] = *r;
	w->pending |= 1u << r->kind;
	pthread_cond_signal(&w->cv);
}

int
worker_take_locked(worker *w, unsigned mask, worker_req *r)
{
	unsigned ready = w->pending & mask;

	for (int k = 0; k < WREQ_NKINDS; k++)
		if (ready & 1u << k) {
			*r = w->slot[k];
			w->pending &= ~(1u << k);
			return 1;
		}
	return 0;
}

void
worker_set_jobs(worker *w, int jobs)
{
	pthread_mutex_lock(&w->mu);
	w->jobs = jobs;
	pthread_mutex_unlock(&w->mu);
}

int
worker_fd(const worker *w)
{
	return w->pipe[0];
}

void
worker_drain(worker *w)
{
	char    buf[256];
	ssize_t r;

	do
		r = read(w->pipe[0], buf, sizeof buf);
	while (r > 0 || (r < 0 && errno == EINTR));
}

/* The refusal of a request while a job runs; mu held. */
static void
busy_message_locked(const worker *w, char *msg, size_t msglen)
{
	err_set(msg, msglen, "a %s job is running: x cancels it",
	    w->busy_job == JOB_NONE ? "resumed" : job_kind_name(w->busy_job));
}

/* A job or resume is starting: the worker is busy with it; mu held. */
static void
start_busy_locked(worker *w, job_kind kind)
{
	atomic_store(&w->ctl.cancel, 0);
	atomic_store(&w->ctl.pause, 0);
	w->pending &= ~(1u << WREQ_LOAD);  /* the job, not an older run, is
	                                      shown */
	w->busy = 1;
	w->busy_job = kind;
}

int
worker_start(worker *w, job_kind kind, const train_config *cfg,
    const float *scales, int n, char *msg, size_t msglen)
{
	sweep_plan grid;

	sweep_plan_default(&grid, scales, n);
	grid.ntest = 0;
	return worker_start_plan(w, kind, cfg, &grid, msg, msglen);
}

int
worker_start_plan(worker *w, job_kind kind, const train_config *cfg,
    const sweep_plan *grid, char *msg, size_t msglen)
{
	return worker_start_limited(w, kind, cfg, grid, 0, 0, msg, msglen);
}

int
worker_start_limited(worker *w, job_kind kind, const train_config *cfg,
    const sweep_plan *grid, size_t train_n, size_t test_n, char *msg,
    size_t msglen)
{
	float       rows[SWEEP_MAX_SCALES];
	worker_req *r = calloc(1, sizeof *r);
	int         rc = -1;

	if (r == NULL)
		return err_set(msg, msglen, "out of memory");
	pthread_mutex_lock(&w->mu);
	if (w->busy)
		busy_message_locked(w, msg, msglen);
	else if (job_scales(kind, grid->scales, grid->nscales, rows, msg,
	    msglen) >= 0) {
		/* The request as given: the job layer makes its rows. */
		r->kind = WREQ_JOB;
		r->u.job.kind = kind;
		r->u.job.cfg = *cfg;
		r->u.job.plan = *grid;
		r->u.job.train_n = train_n;
		r->u.job.test_n = test_n;
		start_busy_locked(w, kind);
		worker_post_locked(w, r);
		snprintf(msg, msglen, "%s started", job_kind_name(kind));
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	free(r);
	return rc;
}

/* Post a request that names a run (or "" for the newest); mu held. */
static void
post_named_locked(worker *w, worker_req_kind kind, const char *name)
{
	worker_req *r = calloc(1, sizeof *r);

	if (r == NULL)
		return;
	r->kind = kind;
	snprintf(r->u.name, sizeof r->u.name, "%s", name != NULL ? name : "");
	worker_post_locked(w, r);
	free(r);
}

void
worker_load_latest(worker *w)
{
	worker_load(w, NULL);
}

int
worker_load(worker *w, const char *name)
{
	int rc = -1;

	pthread_mutex_lock(&w->mu);
	if (w->root[0] != '\0' && !w->busy && (name == NULL ||
	    strlen(name) < sizeof w->watch_name)) {
		post_named_locked(w, WREQ_LOAD, name);
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int
worker_resume(worker *w, const char *name, char *msg, size_t msglen)
{
	int rc = -1;

	pthread_mutex_lock(&w->mu);
	if (w->busy)
		busy_message_locked(w, msg, msglen);
	else if (w->root[0] == '\0')
		err_set(msg, msglen, "runs are not recorded here: nothing to "
		    "resume");
	else if (name != NULL && strlen(name) >= NT_PATH_LEN)
		err_set(msg, msglen, "%s: name too long", name);
	else {
		start_busy_locked(w, JOB_NONE);  /* known once the run is
		                                    read */
		post_named_locked(w, WREQ_RESUME, name);
		snprintf(msg, msglen, "looking for %s to resume...",
		    name != NULL ? name : "the newest interrupted run");
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

void
worker_probe(worker *w, const train_config *cfg)
{
	worker_req r;

	pthread_mutex_lock(&w->mu);
	if (!w->busy) {
		r.kind = WREQ_PROBE;
		r.u.probe = *cfg;
		worker_post_locked(w, &r);
	}
	pthread_mutex_unlock(&w->mu);
}

void
worker_select(worker *w, int row)
{
	worker_req r;

	pthread_mutex_lock(&w->mu);
	if (row >= 0 && row < w->pub.table.n) {
		r.kind = WREQ_SELECT;
		r.u.row = row;
		worker_post_locked(w, &r);
	}
	pthread_mutex_unlock(&w->mu);
}

void
worker_cancel(worker *w)
{
	pthread_mutex_lock(&w->mu);
	if (w->busy) {
		atomic_store(&w->ctl.cancel, 1);
		atomic_store(&w->ctl.pause, 0);
		w->pub.st.cancelling = 1;
		w->pub.st.paused = 0;
		worker_say_locked(w, "cancelling %s...",
		    job_kind_name(w->busy_job));
		worker_publish_locked(w);
	}
	pthread_mutex_unlock(&w->mu);
}

int
worker_toggle_pause(worker *w)
{
	int paused = 0;

	pthread_mutex_lock(&w->mu);
	if (w->busy && !atomic_load(&w->ctl.cancel)) {
		paused = !atomic_load(&w->ctl.pause);
		atomic_store(&w->ctl.pause, paused);
		w->pub.st.paused = paused;
		worker_say_locked(w, "%s %s", job_kind_name(w->busy_job),
		    paused ? "paused: p resumes" : "resumed");
		worker_publish_locked(w);
	}
	pthread_mutex_unlock(&w->mu);
	return paused;
}

int
worker_busy(worker *w)
{
	int busy;

	pthread_mutex_lock(&w->mu);
	busy = w->busy;
	pthread_mutex_unlock(&w->mu);
	return busy;
}

void
worker_predict(worker *w, int split, size_t index, float scale,
    uint64_t seed)
{
	worker_predict_ladder(w, split, index, scale, seed, CORRUPT_GAUSSIAN,
	    NULL, 0);
}

void
worker_predict_ladder(worker *w, int split, size_t index, float scale,
    uint64_t seed, corrupt_family family, const float *scales, int n)
{
	worker_req r;

	if (n > SWEEP_MAX_SCALES)
		n = SWEEP_MAX_SCALES;
	memset(&r, 0, sizeof r.kind + sizeof r.u.predict);
	r.kind = WREQ_PREDICT;
	r.u.predict.split = split;
	r.u.predict.index = index;
	r.u.predict.scale = scale;
	r.u.predict.seed = seed;
	r.u.predict.family = family;
	r.u.predict.n = n > 0 ? n : 0;
	if (n > 0)
		memcpy(r.u.predict.scales, scales, (size_t)n * sizeof *scales);
	pthread_mutex_lock(&w->mu);
	if (w->pub.st.have_model)
		worker_post_locked(w, &r);
	pthread_mutex_unlock(&w->mu);
}

void
worker_calibrate(worker *w, float scale)
{
	worker_req r;

	r.kind = WREQ_CALIB;
	r.u.scale = scale;
	pthread_mutex_lock(&w->mu);
	if (w->pub.st.have_model)
		worker_post_locked(w, &r);
	pthread_mutex_unlock(&w->mu);
}

/* ---- the run browser ---- */

void
worker_list_runs(worker *w)
{
	pthread_mutex_lock(&w->mu);
	if (w->root[0] != '\0')
		post_named_locked(w, WREQ_LIST, "");
	pthread_mutex_unlock(&w->mu);
}

void
worker_delete_run(worker *w, const char *name)
{
	pthread_mutex_lock(&w->mu);
	if (w->root[0] != '\0')
		post_named_locked(w, WREQ_DELETE, name);
	pthread_mutex_unlock(&w->mu);
}

void
worker_overlay_runs(worker *w, const char *const *ids, int n)
{
	worker_req r;

	memset(&r, 0, sizeof r.kind + sizeof r.u.overlay);
	r.kind = WREQ_OVERLAY;
	r.u.overlay.n = n < 0 ? 0 : n > 2 ? 2 : n;
	for (int k = 0; k < r.u.overlay.n; k++)
		snprintf(r.u.overlay.id[k], sizeof r.u.overlay.id[k], "%s",
		    ids[k]);
	pthread_mutex_lock(&w->mu);
	worker_post_locked(w, &r);
	pthread_mutex_unlock(&w->mu);
}

void
worker_export(worker *w, results_export_kind view, int row,
    const long *counts, const char *source, const char *export_dir)
{
	worker_req *r = calloc(1, sizeof *r);

	if (r == NULL)
		return;
	r->kind = WREQ_EXPORT;
	r->u.export.view = view;
	r->u.export.row = row;
	if (counts != NULL)
		memcpy(r->u.export.counts, counts, sizeof r->u.export.counts);
	snprintf(r->u.export.source, sizeof r->u.export.source, "%s", source);
	snprintf(r->u.export.dir, sizeof r->u.export.dir, "%s",
	    export_dir != NULL && export_dir[0] != '\0' ? export_dir : ".");
	pthread_mutex_lock(&w->mu);
	worker_post_locked(w, r);
	pthread_mutex_unlock(&w->mu);
	free(r);
}

void
worker_remember(worker *w, const char *text)
{
	worker_req *r = calloc(1, sizeof *r);

	if (r == NULL)
		return;
	r->kind = WREQ_REMEMBER;
	snprintf(r->u.text, sizeof r->u.text, "%s", text);
	pthread_mutex_lock(&w->mu);
	worker_post_locked(w, r);
	pthread_mutex_unlock(&w->mu);
	free(r);
}

/* ---- snapshots ---- */

/*
 * The prediction arrays of src into dst, reusing dst's when the size
 * holds; on a failed allocation dst holds none (and copies again next
 * time).
 */
static void
copy_predictions(worker_snapshot *dst, const worker_snapshot *src)
{
	size_t n = src->test_n ? src->test_n : 1;

	if (dst->test_pred == NULL || dst->test_n != src->test_n) {
		free(dst->test_pred);
		free(dst->test_conf);
		dst->test_pred = malloc(n);
		dst->test_conf = malloc(n * sizeof *dst->test_conf);
	}
	if (dst->test_pred == NULL || dst->test_conf == NULL) {
		free(dst->test_pred);
		free(dst->test_conf);
		dst->test_pred = NULL;
		dst->test_conf = NULL;
		dst->test_n = 0;
		return;
	}
	memcpy(dst->test_pred, src->test_pred, src->test_n);
	memcpy(dst->test_conf, src->test_conf, src->test_n *
	    sizeof *src->test_conf);
	dst->test_n = src->test_n;
	dst->pred_gen = src->pred_gen;
}

/* The receptive fields of src into dst (allocated once). */
static void
copy_fields(worker_snapshot *dst, const worker_snapshot *src)
{
	for (int k = 0; k < 2; k++) {
		if (src->fields[k] == NULL)
			continue;
		if (dst->fields[k] == NULL)
			dst->fields[k] = malloc(WORKER_FIELDS * DATASET_NPIX *
			    sizeof *dst->fields[k]);
		if (dst->fields[k] != NULL)
			memcpy(dst->fields[k], src->fields[k], WORKER_FIELDS *
			    DATASET_NPIX * sizeof *dst->fields[k]);
	}
	dst->fields_gen = src->fields_gen;
}

/* The run list of src into dst; on a failed allocation dst has none. */
static void
copy_runs(worker_snapshot *dst, const worker_snapshot *src)
{
	size_t n = (size_t)(src->nruns > 0 ? src->nruns : 1);

	free(dst->runs);
	dst->runs = malloc(n * sizeof *dst->runs);
	dst->nruns = dst->runs != NULL ? src->nruns : 0;
	if (dst->runs != NULL && src->nruns > 0)
		memcpy(dst->runs, src->runs, (size_t)src->nruns *
		    sizeof *src->runs);
	dst->runs_gen = src->runs_gen;
}

int
worker_snapshot_copy(worker *w, worker_snapshot *dst)
{
	const worker_snapshot *s = &w->pub;
	int changed = 0;

	pthread_mutex_lock(&w->mu);
	if (dst->st.version != s->st.version) {
		/* The status whole; the tables by the rows and epochs in
		 * use; the predictions and the run list only when they were
		 * replaced. */
		dst->st = s->st;
		sweep_table_copy(&dst->table, &s->table);
		sweep_table_copy(&dst->sweep, &s->sweep);
		if (s->test_pred != NULL && (dst->pred_gen != s->pred_gen ||
		    dst->test_pred == NULL))
			copy_predictions(dst, s);
		if (dst->runs_gen != s->runs_gen)
			copy_runs(dst, s);
		if (dst->fields_gen != s->fields_gen)
			copy_fields(dst, s);
		changed = 1;
	}
	pthread_mutex_unlock(&w->mu);
	return changed;
}

void
worker_snapshot_free(worker_snapshot *s)
{
	if (s == NULL)
		return;
	free(s->test_pred);
	free(s->test_conf);
	free(s->runs);
	free(s->fields[0]);
	free(s->fields[1]);
	sweep_table_free(&s->table);
	sweep_table_free(&s->sweep);
	memset(s, 0, sizeof *s);
}

/*
 * worker: the mailbox and the snapshots of the dashboard's background
 * thread.  The UI thread posts requests (a job, a resume, a load, a
 * prediction) under the mutex and wakes the thread; the thread
 * (worker_thread.c) does the work and publishes a snapshot, which the UI
 * copies under the mutex after a byte on the self-pipe wakes it.
 */
#include "worker/worker_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"

const char *
worker_job_name(worker_job kind)
{
	return job_kind_name(kind);
}

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
	    w->busy_job == WORKER_JOB_NONE ? "resumed" :
	    worker_job_name(w->busy_job));
}

int
worker_start(worker *w, worker_job kind, const train_config *cfg,
    const float *scales, int n, char *msg, size_t msglen)
{
	sweep_plan grid;

	sweep_plan_default(&grid, scales, n);
	grid.ntest = 0;
	return worker_start_plan(w, kind, cfg, &grid, msg, msglen);
}

int
worker_start_plan(worker *w, worker_job kind, const train_config *cfg,
    const sweep_plan *grid, char *msg, size_t msglen)
{
	return worker_start_limited(w, kind, cfg, grid, 0, 0, msg, msglen);
}

int
worker_start_limited(worker *w, worker_job kind, const train_config *cfg,
    const sweep_plan *grid, size_t train_n, size_t test_n, char *msg,
    size_t msglen)
{
	float rows[SWEEP_MAX_SCALES];
	int   rc = -1;

	pthread_mutex_lock(&w->mu);
	if (w->busy)
		busy_message_locked(w, msg, msglen);
	else if (job_scales(kind, grid->scales, grid->nscales, rows, msg,
	    msglen) >= 0) {
		/* The request as given: the job layer makes its rows. */
		w->pend_job = kind;
		w->pend_cfg = *cfg;
		w->pend_plan = *grid;
		w->pend_train_n = train_n;
		w->pend_test_n = test_n;
		atomic_store(&w->ctl.cancel, 0);
		atomic_store(&w->ctl.pause, 0);
		w->job_pending = 1;
		w->want_load = 0;  /* the job, not an older run, is shown */
		w->busy = 1;
		w->busy_job = kind;
		pthread_cond_signal(&w->cv);
		snprintf(msg, msglen, "%s started", worker_job_name(kind));
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
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
	    strlen(name) < sizeof w->load_name)) {
		snprintf(w->load_name, sizeof w->load_name, "%s",
		    name != NULL ? name : "");
		w->want_load = 1;
		rc = 0;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

void
worker_probe(worker *w, const train_config *cfg)
{
	pthread_mutex_lock(&w->mu);
	if (!w->busy) {
		w->probe_cfg = *cfg;
		w->want_probe = 1;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
}

void
worker_select(worker *w, int row)
{
	pthread_mutex_lock(&w->mu);
	if (row >= 0 && row < w->pub.table.n) {
		w->want_select = 1;
		w->sel_row = row;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
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
	else if (name != NULL && snprintf(w->resume_name,
	    sizeof w->resume_name, "%s", name) >= (int)sizeof w->resume_name)
		err_set(msg, msglen, "%s: name too long", name);
	else {
		if (name == NULL)
			w->resume_name[0] = '\0';
		atomic_store(&w->ctl.cancel, 0);
		atomic_store(&w->ctl.pause, 0);
		w->want_resume = 1;
		w->want_load = 0;
		w->busy = 1;
		w->busy_job = WORKER_JOB_NONE;  /* known once the run is read */
		pthread_cond_signal(&w->cv);
		snprintf(msg, msglen, "looking for %s to resume...",
		    name != NULL ? name : "the newest interrupted run");
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
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
		    worker_job_name(w->busy_job));
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
		worker_say_locked(w, "%s %s", worker_job_name(w->busy_job),
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
	if (n > SWEEP_MAX_SCALES)
		n = SWEEP_MAX_SCALES;
	pthread_mutex_lock(&w->mu);
	if (w->pub.st.have_model) {
		w->pr_nladder = n > 0 ? n : 0;
		w->pr_family = family;
		if (n > 0)
			memcpy(w->pr_ladder, scales, (size_t)n * sizeof *scales);
		w->want_predict = 1;
		w->pr_split = split;
		w->pr_index = index;
		w->pr_scale = scale;
		w->pr_seed = seed;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
}

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

int
worker_snapshot_copy(worker *w, worker_snapshot *dst)
{
	const worker_snapshot *s = &w->pub;
	int changed = 0;

	pthread_mutex_lock(&w->mu);
	if (dst->st.version != s->st.version) {
		/* The status whole; the tables by the rows and epochs in
		 * use; the predictions only when they were replaced. */
		dst->st = s->st;
		sweep_table_copy(&dst->table, &s->table);
		sweep_table_copy(&dst->sweep, &s->sweep);
		if (s->test_pred != NULL && (dst->pred_gen != s->pred_gen ||
		    dst->test_pred == NULL))
			copy_predictions(dst, s);
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
	sweep_table_free(&s->table);
	sweep_table_free(&s->sweep);
	memset(s, 0, sizeof *s);
}

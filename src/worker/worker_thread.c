/*
 * The worker thread: its life (worker_new starts it, worker_free joins
 * it), its loop over the mailbox, and its work through the job layer
 * (job.h): train a new job or resume a run, show the newest run with its
 * model, and answer prediction requests with the kept model.  It alone
 * touches the models: the one being trained (inside sweep_run) and the
 * kept one.  All the disk work of the run directories happens here, so
 * the screen thread never waits on a checkpoint.
 */
#include "worker/worker_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "data/noise.h"

/*
 * Seconds per epoch: the mean of this job's finished epochs, else a
 * projection of the running epoch from its batches (for the job line).
 * The ETA is the job layer's (runs/eta.h): every part of every row.
 */
static void
estimate(worker *w, const train_progress *p, double *spe, eta_range *eta)
{
	const sweep_table *t = &w->cur.table;
	double sum = 0.0;
	int    nep = 0;

	for (int i = 0; i < t->n; i++)
		for (int e = 0; e < t->rows[i].nhist; e++) {
			sum += t->rows[i].hist[e].seconds;
			nep++;
		}
	if (nep > 0)
		*spe = sum / nep;
	else if (p != NULL && p->batch > 0 && p->batches > 0)
		*spe = p->epoch_seconds * p->batches / p->batch;
	else
		*spe = -1.0;
	job_eta(&w->cur, eta);
}

/* The job's table into pub (and into pub's sweep for a sweep); mu held. */
static void
publish_table_locked(worker *w, const sweep_table *t)
{
	sweep_table_copy(&w->pub.table, t);
	if (w->cur.kind == JOB_SWEEP)
		sweep_table_copy(&w->pub.sweep, t);
}

/* Serve the requests a running job answers between batches. */
static void
serve_between_batches(worker *w)
{
	worker_req *r = malloc(sizeof *r);
	int         got;

	if (r == NULL)
		return;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		got = worker_take_locked(w, WREQ_BETWEEN_BATCHES, r);
		pthread_mutex_unlock(&w->mu);
		if (!got)
			break;
		worker_handle(w, r);
	}
	free(r);
}

/* While the job is paused: the same requests as between batches, and
 * its claim on the run kept fresh. */
static void
serve_while_paused(void *user)
{
	worker *w = user;
	int     want;

	job_keep_claim(&w->cur);
	pthread_mutex_lock(&w->mu);
	want = (w->pending & WREQ_BETWEEN_BATCHES) != 0;
	pthread_mutex_unlock(&w->mu);
	if (want)
		serve_between_batches(w);
}

/* The job layer has recorded the event: publish it. */
static int
on_progress(const sweep_progress *sp, void *user)
{
	worker        *w = user;
	worker_status *st = &w->pub.st;
	const train_progress *p = sp->progress;
	double    spe;
	eta_range eta;
	int       want;

	estimate(w, p, &spe, &eta);
	pthread_mutex_lock(&w->mu);
	publish_table_locked(w, sp->table);
	if (p != NULL) {
		st->epoch = p->epoch;
		st->epochs = p->epochs;
		st->batch = p->batch;
		st->batches = p->batches;
		st->acc = p->acc;
		st->loss = p->loss;
		st->epoch_seconds = p->epoch_seconds;
	} else {
		st->epoch = 0;
		st->epochs = sp->table->cfg.epochs;
		st->batch = 0;
		st->acc = st->loss = NAN;
		st->epoch_seconds = 0.0;
	}
	st->sec_per_epoch = spe;
	st->eta = eta.mid;
	st->eta_lo = eta.lo;
	st->eta_hi = eta.hi;
	st->elapsed = clock_now() - w->run_t0;
	worker_publish_locked(w);
	want = (w->pending & WREQ_BETWEEN_BATCHES) != 0;
	pthread_mutex_unlock(&w->mu);

	/* The kept model is not the one training, so it can answer between
	 * batches without disturbing the run; a finished row's model can be
	 * selected the same way, and the run browser served. */
	if (want)
		serve_between_batches(w);
	return atomic_load(&w->ctl.cancel) != 0;
}

/* The end of a request: the worker is idle again; mu held. */
static void
idle_locked(worker *w)
{
	w->busy = 0;
	atomic_store(&w->ctl.cancel, 0);
	atomic_store(&w->ctl.pause, 0);
	worker_publish_locked(w);
}

/* What to say after the job, about its run: " (run not saved: ...)",
 * "; saved in DIR: r resumes", ": run DIR". */
static void
run_note(const job *j, const job_result *res, char *where, size_t len)
{
	where[0] = '\0';
	if (!j->recording)
		return;
	if (res->outcome == JOB_UNSAVED && res->gone)
		snprintf(where, len, " (run not saved: %s)", res->err);
	else if (res->outcome == JOB_UNSAVED)
		snprintf(where, len, " (run not saved: %s; it is interrupted at "
		    "its last saved epoch: make room, then r)", res->err);
	else if (res->save_err[0] != '\0')
		snprintf(where, len, " (run not saved: %s)", res->save_err);
	else if (res->outcome == JOB_STOPPED)
		snprintf(where, len, "; saved in %s: r resumes", j->rec.dir);
	else
		snprintf(where, len, ": run %s", j->rec.dir);
}

/* The status at the start of a job: running, its run, its data; mu held. */
static void
start_status_locked(worker *w, const job *j, const char *started)
{
	worker_status *st = &w->pub.st;

	w->busy_job = j->kind;
	st->state = WORKER_RUNNING;
	st->job = j->kind;
	st->paused = atomic_load(&w->ctl.pause) != 0;
	st->cancelling = 0;
	publish_table_locked(w, &j->table);
	if (j->kind == JOB_SWEEP)
		st->have_sweep = 1;
	st->epoch = st->batch = st->batches = 0;
	st->epochs = j->table.cfg.epochs;
	st->acc = st->loss = NAN;
	st->sec_per_epoch = st->eta = -1.0;
	st->elapsed = 0.0;
	snprintf(st->run_id, sizeof st->run_id, "%s",
	    j->recording ? j->rec.id : "");
	snprintf(st->run_dir, sizeof st->run_dir, "%s",
	    j->recording ? j->rec.dir : "");
	st->run_note[0] = '\0';
	st->run_resumable = 0;
	st->train_n = w->view.train.n;
	st->test_n = w->view.test.n;
	/* The rows' checkpoints are this run's now (worker_select). */
	w->have_shown = j->recording;
	w->shown_fits = 1;
	if (j->recording)
		w->shown = j->rec;
	w->shown_kind = j->kind;
	worker_say_locked(w, "%s", started);
	worker_publish_locked(w);
}

/*
 * Train the job in w->cur (new, or resumed) through the job layer, which
 * records it; publish the outcome and free the job.  started is the
 * status message at the start.
 */
static void
execute(worker *w, const char *started)
{
	job           *j = &w->cur;
	job_kind       kind = j->kind;
	worker_status *st = &w->pub.st;
	job_result    *res = malloc(sizeof *res);
	char           where[NT_ERR_LEN + NT_PATH_LEN + 128];
	mlp           *m = NULL;
	uint8_t       *pred = NULL;
	float         *conf = NULL;
	double         acc = 0.0;
	int            last;

	if (res == NULL) {
		job_free(j);
		pthread_mutex_lock(&w->mu);
		worker_say_locked(w, "%s not started: out of memory",
		    job_kind_name(kind));
		idle_locked(w);
		pthread_mutex_unlock(&w->mu);
		return;
	}
	w->run_t0 = clock_now();
	pthread_mutex_lock(&w->mu);
	/* The last probe stands in for the parts not yet measured. */
	if (w->pub.st.have_probe && eta_probe_fits(&w->pub.st.probe,
	    &j->table.cfg)) {
		j->probe = w->pub.st.probe;
		j->probed = 1;
	}
	start_status_locked(w, j, started);
	pthread_mutex_unlock(&w->mu);

	job_run(j, &w->view, &w->ctl, on_progress, w, &m, res);
	last = j->table.n - 1;
	run_note(j, res, where, sizeof where);

	/* Only a model that finished its epochs replaces the kept one. */
	if (m != NULL && worker_predict_test_set(w, m, &j->table.rows[last],
	    w->view.test.n, &pred, &conf, &acc) != 0) {
		mlp_free(m);
		m = NULL;
	}

	pthread_mutex_lock(&w->mu);
	publish_table_locked(w, &j->table);
	st->paused = 0;
	st->cancelling = 0;
	st->batch = 0;
	st->eta = -1.0;
	st->elapsed = clock_now() - w->run_t0;
	if (res->outcome == JOB_FAILED) {
		st->state = WORKER_FAILED;
		worker_say_locked(w, "%s failed: %s%s", job_kind_name(kind),
		    res->err, where);
	} else if (res->outcome != JOB_DONE) {
		st->state = WORKER_CANCELLED;
		/* Short enough for 80 columns with the run's path shortened
		 * (render_fit_message): "saved" says the epochs are kept. */
		worker_say_locked(w, "%s cancelled%s", job_kind_name(kind),
		    where[0] != '\0' ? where : "; finished epochs kept");
	} else {
		st->state = WORKER_DONE;
		worker_say_locked(w, "%s done in %.0f s%s",
		    job_kind_name(kind), st->elapsed, where);
	}
	if (pred != NULL)
		worker_keep_model_locked(w, &m, &pred, &conf, w->view.test.n,
		    &j->table.rows[last], kind, acc, last, j->recording ?
		    j->rec.id : "");
	else if (res->outcome == JOB_DONE)
		worker_say_locked(w, "%s done, but out of memory for the "
		    "predictions", job_kind_name(kind));
	idle_locked(w);
	pthread_mutex_unlock(&w->mu);
	if (pred == NULL && m == NULL && res->outcome == JOB_DONE)
		worker_publish_fields(w);
	mlp_free(m);
	free(res);
	job_free(j);
}

/* The rows a job trains at once, as the UI set it. */
static int
worker_jobs(worker *w)
{
	int jobs;

	pthread_mutex_lock(&w->mu);
	jobs = w->jobs;
	pthread_mutex_unlock(&w->mu);
	return jobs;
}

/* End a request that started no job: say why, and be idle again. */
__attribute__((format(printf, 2, 3))) static void
refuse(worker *w, const char *fmt, ...)
{
	va_list ap;

	job_free(&w->cur);
	pthread_mutex_lock(&w->mu);
	va_start(ap, fmt);
	vsnprintf(w->pub.st.message, sizeof w->pub.st.message, fmt, ap);
	va_end(ap);
	idle_locked(w);
	pthread_mutex_unlock(&w->mu);
}

/* A new job: its rows, a run directory when runs are recorded, then
 * execute(). */
static void
do_job(worker *w, const worker_req *r)
{
	job_kind kind = r->u.job.kind;
	char     err[NT_ERR_LEN], started[NT_ERR_LEN + 64];
	uint32_t crc;

	if (job_new(&w->cur, kind, &r->u.job.cfg, &r->u.job.plan, err,
	    sizeof err) != 0) {
		refuse(w, "%s not started: %s", job_kind_name(kind), err);
		return;
	}
	snprintf(started, sizeof started, "%s started", job_kind_name(kind));
	job_data_view(w->ds, r->u.job.train_n, r->u.job.test_n, &w->view);
	/* Rows side by side (--jobs), refused before the run exists when
	 * they would not fit in memory. */
	if (job_lanes(&w->cur, &w->view, worker_jobs(w), 0,
	    r->u.job.cfg.threads, 1, err, sizeof err) != 0) {
		refuse(w, "%s not started: %s", job_kind_name(kind), err);
		return;
	}
	crc = w->view.train.n == w->ds->train.n && w->view.test.n ==
	    w->ds->test.n ? worker_data_crc(w) : run_data_crc(&w->view);
	if (w->root[0] != '\0' && job_record(&w->cur, w->root, &w->view,
	    crc, err, sizeof err) != 0)
		snprintf(started, sizeof started, "%s started, but not "
		    "recorded: %s", job_kind_name(kind), err);
	execute(w, started);
}

/*
 * Continue run name ("": the newest interrupted) on the worker's data:
 * the job layer's checks (job_resume), then execute() with the restored
 * rows.  The run's own configuration and scales apply, not the
 * dashboard's.
 */
static void
do_resume(worker *w, const char *name)
{
	job     *j = &w->cur;
	job_step step;
	char     err[NT_ERR_LEN], started[NT_ERR_LEN], stop[160];
	int      left;

	left = job_resume(j, w->root, name[0] != '\0' ? name : NULL, 0, 0,
	    w->ds, worker_data_crc(w), &w->view, &step, err, sizeof err);
	if (left < 0 && step == JOB_AT_OPEN)
		refuse(w, "nothing resumed: %s", err);
	else if (left < 0)
		refuse(w, "run %s not resumed: %s", j->rec.id, err);
	else if (left == 0)
		refuse(w, "run %s is already finished", j->rec.id);
	else if (job_lanes(j, &w->view, worker_jobs(w), 0,
	    j->table.cfg.threads, 1, err, sizeof err) != 0)
		refuse(w, "run %s not resumed: %s", j->rec.id, err);
	else {
		job_stopped_at(&j->table, stop, sizeof stop);
		snprintf(started, sizeof started, "resumed run %s at %s%s%s",
		    j->rec.id, stop, j->rec.claim.note[0] != '\0' ? "; " : "",
		    j->rec.claim.note);
		execute(w, started);
	}
}

void
worker_handle(worker *w, const worker_req *r)
{
	switch (r->kind) {
	case WREQ_JOB:      do_job(w, r); break;
	case WREQ_RESUME:   do_resume(w, r->u.name); break;
	case WREQ_LOAD:     worker_do_load(w, r->u.name); break;
	case WREQ_SELECT:   worker_do_select(w, r->u.row); break;
	case WREQ_PROBE:    worker_do_probe(w, &r->u.probe); break;
	case WREQ_PREDICT:  worker_do_predict(w, r); break;
	case WREQ_CALIB:    worker_do_calibrate(w, r->u.scale); break;
	case WREQ_DELETE:   worker_do_delete(w, r->u.name); break;
	case WREQ_LIST:     worker_do_list(w); break;
	case WREQ_OVERLAY:  worker_do_overlay(w, r); break;
	case WREQ_EXPORT:   worker_do_export(w, r); break;
	case WREQ_REMEMBER: worker_do_remember(w, r->u.text); break;
	case WREQ_NKINDS:   break;
	}
}

/* The kinds the worker takes now: the probe only when idle (a pending
 * job makes it busy, and goes first). */
static unsigned
takes_now(const worker *w)
{
	unsigned all = (1u << WREQ_NKINDS) - 1;

	return w->busy ? all & ~(1u << WREQ_PROBE) : all;
}

static void *
worker_main(void *arg)
{
	worker     *w = arg;
	worker_req *r = malloc(sizeof *r);

	pthread_mutex_lock(&w->mu);
	while (!w->quit && r != NULL) {
		if (worker_take_locked(w, takes_now(w), r)) {
			pthread_mutex_unlock(&w->mu);
			worker_handle(w, r);
			pthread_mutex_lock(&w->mu);
		} else if (w->root[0] != '\0' && !w->busy &&
		    (w->pub.st.state == WORKER_IDLE ||
		    w->pub.st.state == WORKER_LOADED)) {
			if (worker_wait_or_changed(w))
				worker_post_load_locked(w);
		} else
			pthread_cond_wait(&w->cv, &w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	free(r);
	return NULL;
}

worker *
worker_new(const dataset *ds, const char *runs_root, char *err,
    size_t errlen)
{
	worker  *w = calloc(1, sizeof *w);
	sigset_t all, old;
	int      rc;

	if (w == NULL) {
		err_set(err, errlen, "out of memory for the worker");
		return NULL;
	}
	w->ds = ds;
	if (runs_root != NULL && snprintf(w->root, sizeof w->root, "%s",
	    runs_root) >= (int)sizeof w->root) {
		err_set(err, errlen, "%s: path too long", runs_root);
		free(w);
		return NULL;
	}
	w->pub.st.version = 1;  /* a zeroed copy differs from it */
	w->pub.st.eta = w->pub.st.sec_per_epoch = -1.0;
	w->pub.st.acc = w->pub.st.loss = NAN;
	w->cur.table.current = -1;
	atomic_init(&w->ctl.cancel, 0);
	atomic_init(&w->ctl.pause, 0);
	w->ctl.paused = serve_while_paused;
	w->ctl.paused_user = w;
	if (pipe(w->pipe) != 0) {
		err_set(err, errlen, "pipe: %s", strerror(errno));
		free(w);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(w->pipe[i], F_SETFL, fcntl(w->pipe[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(w->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);

	/* The worker (and the OpenMP team it starts) must never take a
	 * signal: SIGWINCH, SIGTSTP and SIGINT belong to the UI thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		err_set(err, errlen, "cannot start the worker thread: %s",
		    strerror(rc));
		close(w->pipe[0]);
		close(w->pipe[1]);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w);
		return NULL;
	}
	return w;
}

void
worker_free(worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->quit = 1;
	w->pending = 0;
	atomic_store(&w->ctl.cancel, 1);
	atomic_store(&w->ctl.pause, 0);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);

	job_free(&w->cur);
	mlp_free(w->model);
	worker_snapshot_free(&w->pub);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}


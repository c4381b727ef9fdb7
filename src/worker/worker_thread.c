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
 * projection of the running epoch from its batches.  The ETA counts the
 * epochs left in this row and in the pending rows.
 */
static void
estimate(worker *w, const train_progress *p, double *spe, double *eta)
{
	const sweep_table *t = &w->cur.table;
	double sum = 0.0, done = 0.0, left;
	int    nep = 0, epochs = t->cfg.epochs;

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

	if (p != NULL)
		done = p->event == TRAIN_EPOCH ? p->epoch :
		    (p->epoch - 1) + (p->batches > 0 ?
		    (double)p->batch / p->batches : 0.0);
	left = epochs - done;
	for (int i = 0; i < t->n; i++)
		if (t->rows[i].state == SWEEP_PENDING)
			left += epochs;
	*eta = *spe >= 0.0 ? left * *spe : -1.0;
}

/* The job's table into pub (and into pub's sweep for a sweep); mu held. */
static void
publish_table_locked(worker *w, const sweep_table *t)
{
	sweep_table_copy(&w->pub.table, t);
	if (w->cur.kind == WORKER_JOB_SWEEP)
		sweep_table_copy(&w->pub.sweep, t);
}

static int
on_progress(const sweep_progress *sp, void *user)
{
	worker        *w = user;
	worker_status *st = &w->pub.st;
	const train_progress *p = sp->progress;
	double spe, eta;
	int    want;

	/* At epoch ends (and row starts and ends) the run directory gets
	 * the checkpoint, results and state: even a cancel requested during
	 * this epoch keeps it. */
	/* A run that cannot be recorded (a full disk) stops, its last
	 * complete files kept; nothing more is written after the failure. */
	if (w->rec_failed)
		return 1;
	if (w->cur.recording && run_record(&w->cur.rec, sp,
	    w->cur.rec.conf.source, w->rec_err, sizeof w->rec_err) != 0) {
		w->rec_failed = 1;
		return 1;
	}
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
	st->eta = eta;
	st->elapsed = clock_now() - w->run_t0;
	worker_publish_locked(w);
	want = w->want_predict | w->want_select << 1;
	pthread_mutex_unlock(&w->mu);

	/* The kept model is not the one training, so it can answer between
	 * batches without disturbing the run; a finished row's model can be
	 * selected the same way. */
	if (want & 2)
		worker_do_select(w);
	if (want & 1)
		worker_do_predict(w);
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

/*
 * Train the job in w->cur (new, or opened and restored), recording into
 * its run directory when it has one, publish the outcome, and free the
 * job.  started is the status message at the start.
 */
static void
execute(worker *w, const char *started)
{
	job           *j = &w->cur;
	worker_job     kind = j->kind;
	worker_status *st = &w->pub.st;
	char     err[1024] = "", where[4400] = "";
	mlp     *m = NULL;
	uint8_t *pred = NULL;
	float   *conf = NULL;
	double   acc = 0.0;
	int      rc, cancelled = 0, unfinished, last;
	float    mscale;

	w->run_t0 = clock_now();
	w->rec_failed = 0;
	pthread_mutex_lock(&w->mu);
	w->busy_job = kind;
	st->state = WORKER_RUNNING;
	st->job = kind;
	st->paused = atomic_load(&w->ctl.pause) != 0;
	st->cancelling = 0;
	publish_table_locked(w, &j->table);
	if (kind == WORKER_JOB_SWEEP)
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
	w->shown_kind = kind;
	worker_say_locked(w, "%s", started);
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);

	rc = sweep_run(&j->table, &w->view, j->resuming ? &j->from : NULL, 1, 1,
	    &w->ctl, on_progress, w, &m, err, sizeof err);
	last = j->table.n - 1;
	unfinished = !job_finished(j);
	cancelled = unfinished || atomic_load(&w->ctl.cancel);
	mscale = last >= 0 ? j->table.rows[last].scale : 0.0f;

	/* A run with a row left to train stays resumable: interrupted. */
	if (j->recording && w->rec_failed && run_lost(&j->rec, NULL, 0))
		snprintf(where, sizeof where, " (run not saved: %s)",
		    w->rec_err);
	else if (j->recording && w->rec_failed) {
		char ferr[1024];

		run_interrupt(&j->rec, ferr, sizeof ferr);
		snprintf(where, sizeof where, " (run not saved: %s; it is "
		    "interrupted at its last saved epoch: make room, then r)",
		    w->rec_err);
	} else if (j->recording) {
		char ferr[1024];

		if (run_finish(&j->rec, &j->table, j->rec.conf.source,
		    rc != 0 || unfinished, ferr, sizeof ferr) != 0)
			snprintf(where, sizeof where, " (run not saved: %s)",
			    ferr);
		else if (rc == 0 && unfinished)
			snprintf(where, sizeof where, "; saved in %s: r resumes",
			    j->rec.dir);
		else
			snprintf(where, sizeof where, ": run %s", j->rec.dir);
	}

	/* Only a model that finished its epochs replaces the kept one. */
	if (rc == 0 && !cancelled && m != NULL &&
	    worker_predict_test_set(w, m, &j->table.rows[last], &pred, &conf,
	    &acc) != 0) {
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
	if (rc != 0) {
		st->state = WORKER_FAILED;
		worker_say_locked(w, "%s failed: %s%s", worker_job_name(kind),
		    err, where);
	} else if (cancelled) {
		st->state = WORKER_CANCELLED;
		worker_say_locked(w, "%s cancelled; finished epochs kept%s",
		    worker_job_name(kind), where);
	} else {
		st->state = WORKER_DONE;
		worker_say_locked(w, "%s done in %.0f s%s",
		    worker_job_name(kind), st->elapsed, where);
	}
	if (pred != NULL)
		worker_keep_model_locked(w, &m, &pred, &conf, mscale, kind,
		    acc, last, j->recording ? j->rec.id : "");
	else if (rc == 0 && !cancelled)
		worker_say_locked(w, "%s done, but out of memory for the "
		    "predictions", worker_job_name(kind));
	idle_locked(w);
	pthread_mutex_unlock(&w->mu);
	mlp_free(m);
	job_free(j);
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
do_job(worker *w, worker_job kind, const train_config *cfg,
    const sweep_plan *grid, size_t train_n, size_t test_n)
{
	char     err[1024], started[1200];
	uint32_t crc;

	if (job_new(&w->cur, kind, cfg, grid, err, sizeof err) != 0) {
		refuse(w, "%s not started: %s", worker_job_name(kind), err);
		return;
	}
	snprintf(started, sizeof started, "%s started", worker_job_name(kind));
	worker_view(w, train_n, test_n, &w->view);
	crc = w->view.train.n == w->ds->train.n && w->view.test.n ==
	    w->ds->test.n ? worker_data_crc(w) : run_data_crc(&w->view);
	if (w->root[0] != '\0' && job_record(&w->cur, w->root, &w->view,
	    crc, err, sizeof err) != 0)
		snprintf(started, sizeof started, "%s started, but not "
		    "recorded: %s", worker_job_name(kind), err);
	execute(w, started);
}

/*
 * Continue run name (NULL: the newest interrupted) on the worker's data:
 * the same checks as 'noisetop resume', then execute() with the restored
 * rows.  The run's own configuration and scales apply, not the
 * dashboard's.
 */
static void
do_resume(worker *w, const char *name)
{
	job *j = &w->cur;
	char err[1024], started[1024], stop[160];

	if (job_open(j, w->root, name, err, sizeof err) != 0) {
		refuse(w, "nothing resumed: %s", err);
		return;
	}
	if (!worker_fits(w, &j->rec.conf, &w->view)) {
		refuse(w, "run %s not resumed: it was trained on other data "
		    "(%s, checksum %08x; the dashboard has %08x)", j->rec.id,
		    j->rec.conf.source, j->rec.conf.data_crc, worker_data_crc(w));
		return;
	}
	if (job_claim(j, err, sizeof err) != 0 ||
	    job_restore(j, err, sizeof err) != 0) {
		refuse(w, "run %s not resumed: %s", j->rec.id, err);
		return;
	}
	if (job_finished(j)) {
		refuse(w, "run %s is already finished", j->rec.id);
		return;
	}
	job_stopped_at(&j->table, stop, sizeof stop);
	snprintf(started, sizeof started, "resumed run %s at %s%s%s",
	    j->rec.id, stop, j->rec.claim.note[0] != '\0' ? "; " : "",
	    j->rec.claim.note);
	execute(w, started);
}

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
	char        path[4400];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", w->root, name);
	if (stat(path, &st) != 0)
		return -1;
	*mt = st.st_mtim;
	return 0;
}

/*
 * Read run w->load_name (the newest when "") and publish it as
 * WORKER_LOADED, with its model
 * (job_model) and that model's test-set predictions at its row's scale,
 * computed as execute() does for a finished job (the same batch cap, so
 * the same predictions, bit for bit), when the run was trained on the
 * worker's data.
 */
static void
do_load(worker *w)
{
	job          *j = calloc(1, sizeof *j);
	worker_status *st = &w->pub.st;
	run_state     rs;
	char          name[256], err[1024], note[256];
	mlp          *m = NULL;
	uint8_t      *pred = NULL;
	float        *conf = NULL, mscale = 0.0f;
	double        acc = 0.0, secs = 0.0;
	int           nep = 0, ok, resumable = 0, fits = 0, mrow;

	pthread_mutex_lock(&w->mu);
	memcpy(name, w->load_name, sizeof name);
	pthread_mutex_unlock(&w->mu);
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
	    &j->table.rows[mrow], &pred, &conf, &acc) != 0) {
		mlp_free(m);
		m = NULL;
	}
	pthread_mutex_lock(&w->mu);
	/* A job started meanwhile owns the screen, and its model. */
	if (ok && !w->busy) {
		if (m != NULL)
			worker_keep_model_locked(w, &m, &pred, &conf, mscale,
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
	mlp_free(m);
	free(pred);
	free(conf);
	job_free(j);
	free(j);
}

/*
 * Idle with a runs root: wait for a request for up to a second, then look
 * whether the newest run changed (another run appeared, or a file was
 * renamed into the one on show): one readdir and one stat a second, which
 * works on NFS and costs nothing measurable.  Called and returns with mu
 * held; 1 when the run should be read again.
 */
static int
wait_or_changed(worker *w)
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

static void *
worker_main(void *arg)
{
	worker *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->quit) {
		if (w->job_pending) {
			worker_job   kind = w->pend_job;
			train_config cfg = w->pend_cfg;
			sweep_plan   grid = w->pend_plan;
			size_t       trn = w->pend_train_n, ten = w->pend_test_n;

			w->job_pending = 0;
			pthread_mutex_unlock(&w->mu);
			do_job(w, kind, &cfg, &grid, trn, ten);
			pthread_mutex_lock(&w->mu);
		} else if (w->want_resume) {
			char name[4096];

			memcpy(name, w->resume_name, sizeof name);
			w->want_resume = 0;
			pthread_mutex_unlock(&w->mu);
			do_resume(w, name[0] != '\0' ? name : NULL);
			pthread_mutex_lock(&w->mu);
		} else if (w->want_load) {
			w->want_load = 0;
			pthread_mutex_unlock(&w->mu);
			do_load(w);
			pthread_mutex_lock(&w->mu);
		} else if (w->want_select) {
			pthread_mutex_unlock(&w->mu);
			worker_do_select(w);
			pthread_mutex_lock(&w->mu);
		} else if (w->want_probe && !w->busy) {
			pthread_mutex_unlock(&w->mu);
			worker_do_probe(w);
			pthread_mutex_lock(&w->mu);
		} else if (w->want_predict) {
			pthread_mutex_unlock(&w->mu);
			worker_do_predict(w);
			pthread_mutex_lock(&w->mu);
		} else if (w->root[0] != '\0' && !w->busy &&
		    (w->pub.st.state == WORKER_IDLE ||
		    w->pub.st.state == WORKER_LOADED)) {
			if (wait_or_changed(w))
				w->want_load = 1;
		} else
			pthread_cond_wait(&w->cv, &w->mu);
	}
	pthread_mutex_unlock(&w->mu);
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
	w->pub.st.probe_spe = -1.0;
	w->pub.st.acc = w->pub.st.loss = NAN;
	w->cur.table.current = -1;
	atomic_init(&w->ctl.cancel, 0);
	atomic_init(&w->ctl.pause, 0);
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
	w->job_pending = 0;
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


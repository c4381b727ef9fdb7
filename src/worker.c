/*
 * worker: the dashboard's background thread.  It alone touches the models:
 * the one being trained (inside sweep_run) and the kept one (the last
 * finished job's), which it uses between batches and between jobs to
 * answer prediction requests.  The UI sees only snapshots, copied under
 * the mutex, and is woken through a self-pipe.  It also does the disk
 * work of the run directories (recording, loading, resuming), so the
 * screen thread never waits on a checkpoint.
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "mlp.h"
#include "noise.h"

#include "version.h"

struct worker {
	const dataset  *ds;
	pthread_t       thread;
	pthread_mutex_t mu;
	pthread_cond_t  cv;
	int             pipe[2];  /* [0] the UI polls, [1] the worker pokes */
	train_control   ctl;
	char            root[4096];  /* the runs root, "" to record nothing */

	/* Guarded by mu. */
	int             quit;
	int             busy;         /* a job is pending or running */
	worker_job      busy_job;     /* which one */
	int             job_pending;
	worker_job      pend_job;
	train_config    pend_cfg;
	float           pend_scales[SWEEP_MAX_SCALES];
	int             pend_n;
	int             want_predict;
	int             pr_split;
	size_t          pr_index;
	float           pr_scale;
	uint64_t        pr_seed;
	int             want_load;    /* worker_load_latest() asked */
	int             want_resume;  /* worker_resume() asked */
	char            resume_name[4096];
	worker_snapshot pub;  /* pub.test_pred/test_conf are owned here */

	/* The worker thread's own. */
	sweep_table     run;      /* the running job's table */
	worker_job      run_job;
	double          run_t0;
	mlp            *model;    /* kept model, NULL until a job finished */
	run             rec;      /* the running job's run directory */
	int             recording;     /* rec is in use */
	int             rec_warned;    /* a failed record was reported */
	char            rec_source[4200];  /* the data as the run names it */
	checkpoint      ck;       /* a resumed job's checkpoint: the table's
	                             resume points into it until the job ends */
	uint32_t        crc;      /* run_data_crc(ds), computed once */
	int             have_crc;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *
worker_job_name(worker_job job)
{
	switch (job) {
	case WORKER_JOB_TRAIN:   return "train";
	case WORKER_JOB_COMPARE: return "compare";
	case WORKER_JOB_SWEEP:   return "sweep";
	default:                 return "none";
	}
}

/* Copy only the rows and epochs in use: a full sweep_table is ~770 kB. */
static void
table_copy(sweep_table *dst, const sweep_table *src)
{
	dst->n = src->n;
	dst->current = src->current;
	dst->cfg = src->cfg;
	for (int i = 0; i < src->n; i++) {
		const sweep_row *s = &src->rows[i];
		sweep_row       *d = &dst->rows[i];

		d->scale = s->scale;
		d->state = s->state;
		d->nhist = s->nhist;
		memcpy(d->hist, s->hist, (size_t)s->nhist * sizeof *s->hist);
	}
}

/* Tell the UI that pub changed; called with mu held. */
static void
publish_locked(worker *w)
{
	ssize_t r;

	w->pub.version++;
	/* A full pipe already means "wake up": EAGAIN is fine. */
	do
		r = write(w->pipe[1], "", 1);
	while (r < 0 && errno == EINTR);
}

__attribute__((format(printf, 2, 3))) static void
set_message_locked(worker *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->pub.message, sizeof w->pub.message, fmt, ap);
	va_end(ap);
}

/* Class probabilities of one image under the kept model. */
static void
serve_predict(worker *w)
{
	const dataset_split *sp;
	float    x[DATASET_NPIX], probs[WORKER_NCLASS] = { 0 };
	int      split, valid = 0;
	size_t   index;
	float    scale;
	uint64_t seed;

	pthread_mutex_lock(&w->mu);
	split = w->pr_split;
	index = w->pr_index;
	scale = w->pr_scale;
	seed = w->pr_seed;
	w->want_predict = 0;
	pthread_mutex_unlock(&w->mu);

	sp = split ? &w->ds->test : &w->ds->train;
	if (w->model != NULL && index < sp->n) {
		int nc = w->model->size[w->model->nlayer];

		noise_apply(sp->pix, index, 1, DATASET_NPIX, scale, seed,
		    split, x);
		mlp_forward(w->model, x, 1, 0, 0, 0);
		for (int c = 0; c < nc && c < WORKER_NCLASS; c++)
			probs[c] = w->model->probs[c];
		valid = 1;
	}
	pthread_mutex_lock(&w->mu);
	w->pub.probs_valid = valid;
	w->pub.probs_split = split;
	w->pub.probs_index = index;
	w->pub.probs_scale = scale;
	memcpy(w->pub.probs, probs, sizeof probs);
	publish_locked(w);
	pthread_mutex_unlock(&w->mu);
}

/*
 * Seconds per epoch: the mean of this job's finished epochs, else a
 * projection of the running epoch from its batches.  The ETA counts the
 * epochs left in this row and in the pending rows.
 */
static void
estimate(worker *w, const train_progress *p, double *spe, double *eta)
{
	const sweep_table *t = &w->run;
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

static int
on_progress(const sweep_progress *sp, void *user)
{
	worker *w = user;
	const train_progress *p = sp->progress;
	double spe, eta;
	int    want;

	/* At epoch ends (and row starts and ends) the run directory gets
	 * the checkpoint, results and state: even a cancel requested during
	 * this epoch keeps it. */
	if (w->recording) {
		char err[1024];

		if (run_record(&w->rec, sp, w->rec_source, err,
		    sizeof err) != 0 && !w->rec_warned) {
			w->rec_warned = 1;
			pthread_mutex_lock(&w->mu);
			set_message_locked(w, "warning: run not saved: %s", err);
			pthread_mutex_unlock(&w->mu);
		}
	}
	estimate(w, p, &spe, &eta);
	pthread_mutex_lock(&w->mu);
	table_copy(&w->pub.table, sp->table);
	if (w->run_job == WORKER_JOB_SWEEP)
		table_copy(&w->pub.sweep, sp->table);
	if (p != NULL) {
		w->pub.epoch = p->epoch;
		w->pub.epochs = p->epochs;
		w->pub.batch = p->batch;
		w->pub.batches = p->batches;
		w->pub.acc = p->acc;
		w->pub.loss = p->loss;
		w->pub.epoch_seconds = p->epoch_seconds;
	} else {
		w->pub.epoch = 0;
		w->pub.epochs = sp->table->cfg.epochs;
		w->pub.batch = 0;
		w->pub.acc = w->pub.loss = NAN;
		w->pub.epoch_seconds = 0.0;
	}
	w->pub.sec_per_epoch = spe;
	w->pub.eta = eta;
	w->pub.elapsed = now() - w->run_t0;
	publish_locked(w);
	want = w->want_predict;
	pthread_mutex_unlock(&w->mu);

	/* The kept model is not the one training, so it can answer between
	 * batches without disturbing the run. */
	if (want)
		serve_predict(w);
	return atomic_load(&w->ctl.cancel) != 0;
}

/*
 * The model's predictions on the whole test set at its own noise scale,
 * for the "misclassified" browser.  Returns 0, or -1 when out of memory.
 */
static int
predict_test_set(worker *w, mlp *m, float scale, uint64_t seed,
    uint8_t **pred, float **conf, double *acc)
{
	size_t n = w->ds->test.n;
	float *x = malloc((n ? n : 1) * DATASET_NPIX * sizeof *x);
	train_data te = { x, w->ds->test.label, n, DATASET_NPIX };

	*pred = malloc(n ? n : 1);
	*conf = malloc((n ? n : 1) * sizeof **conf);
	if (x == NULL || *pred == NULL || *conf == NULL) {
		free(x);
		free(*pred);
		free(*conf);
		*pred = NULL;
		*conf = NULL;
		return -1;
	}
	noise_apply(w->ds->test.pix, 0, n, DATASET_NPIX, scale, seed, 1, x);
	train_evaluate(m, &te, NULL, acc, *pred, *conf);
	free(x);
	return 0;
}

static uint32_t
data_crc(worker *w)
{
	if (!w->have_crc) {
		w->crc = run_data_crc(w->ds);
		w->have_crc = 1;
	}
	return w->crc;
}

static worker_job
job_of_kind(const char *kind)
{
	return strcmp(kind, "train") == 0 ? WORKER_JOB_TRAIN :
	    strcmp(kind, "compare") == 0 ? WORKER_JOB_COMPARE :
	    WORKER_JOB_SWEEP;
}

/*
 * Start a run directory for a new job, filled as the headless front end
 * does, so that 'noisetop resume' and 'noisetop runs' treat it alike.
 * Returns 0, or -1 with a message (the job then runs unrecorded).
 */
static int
record_new(worker *w, worker_job job, char *err, size_t errlen)
{
	const dataset *ds = w->ds;
	run_config    *c = calloc(1, sizeof *c);
	int            rc;

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(c->kind, sizeof c->kind, "%s", worker_job_name(job));
	snprintf(c->version, sizeof c->version, "%s", version_string());
	/* Absolute, so that resume works from any directory. */
	if (ds->dir[0] == '\0' || realpath(ds->dir, c->data_dir) == NULL)
		snprintf(c->data_dir, sizeof c->data_dir, "%s", ds->dir);
	snprintf(c->source, sizeof c->source, "%s", ds->source);
	c->synthetic = ds->synthetic || strncmp(ds->name, "SYNTHETIC", 9) == 0;
	c->train_limit = ds->train.n;
	c->test_limit = ds->test.n;
	c->cfg = w->run.cfg;
	for (int i = 0; i < w->run.n; i++)
		c->scales[i] = w->run.rows[i].scale;
	c->nscales = w->run.n;
	c->data_crc = data_crc(w);
	rc = run_create(&w->rec, w->root, c, err, errlen);
	free(c);
	if (rc == 0)
		snprintf(w->rec_source, sizeof w->rec_source, "%s", ds->source);
	return rc;
}

/* "scale 1 (2 of 2), epoch 1/4": the first row of t not done. */
static void
describe_stop(const sweep_table *t, char *out, size_t outlen)
{
	int i = 0;

	while (i < t->n - 1 && t->rows[i].state == SWEEP_DONE)
		i++;
	snprintf(out, outlen, "scale %g (%d of %d), epoch %d/%d",
	    t->n > 0 ? (double)t->rows[i].scale : 0.0, i + 1, t->n,
	    t->n > 0 ? t->rows[i].nhist : 0, t->cfg.epochs);
}

/*
 * Train the table in w->run (set up by the caller: fresh, or restored
 * with w->run.resume) as job, recording into w->rec when w->recording,
 * and publish the outcome.  started is the status message at the start.
 */
static void
execute(worker *w, worker_job job, const char *started)
{
	const train_config *cfg = &w->run.cfg;
	char     err[1024] = "", where[4400] = "";
	mlp     *m = NULL;
	uint8_t *pred = NULL;
	float   *conf = NULL;
	double   acc = 0.0;
	int      rc, cancelled = 0, unfinished = 0, last;
	float    mscale;

	w->run_job = job;
	w->run_t0 = now();
	w->rec_warned = 0;
	pthread_mutex_lock(&w->mu);
	w->busy_job = job;
	w->pub.state = WORKER_RUNNING;
	w->pub.job = job;
	w->pub.paused = atomic_load(&w->ctl.pause) != 0;
	w->pub.cancelling = 0;
	table_copy(&w->pub.table, &w->run);
	if (job == WORKER_JOB_SWEEP) {
		table_copy(&w->pub.sweep, &w->run);
		w->pub.have_sweep = 1;
	}
	w->pub.epoch = w->pub.batch = w->pub.batches = 0;
	w->pub.epochs = cfg->epochs;
	w->pub.acc = w->pub.loss = NAN;
	w->pub.sec_per_epoch = w->pub.eta = -1.0;
	w->pub.elapsed = 0.0;
	snprintf(w->pub.run_id, sizeof w->pub.run_id, "%s",
	    w->recording ? w->rec.id : "");
	snprintf(w->pub.run_dir, sizeof w->pub.run_dir, "%s",
	    w->recording ? w->rec.dir : "");
	w->pub.run_note[0] = '\0';
	w->pub.run_resumable = 0;
	set_message_locked(w, "%s", started);
	publish_locked(w);
	pthread_mutex_unlock(&w->mu);

	rc = sweep_run(&w->run, w->ds, &w->ctl, on_progress, w, &m, err,
	    sizeof err);
	last = w->run.n - 1;
	for (int i = 0; i < w->run.n; i++)
		if (w->run.rows[i].state != SWEEP_DONE)
			unfinished = 1;
	cancelled = unfinished || atomic_load(&w->ctl.cancel);
	mscale = last >= 0 ? w->run.rows[last].scale : 0.0f;

	/* A run with a row left to train stays resumable: interrupted. */
	if (w->recording) {
		char ferr[1024];

		if (run_finish(&w->rec, &w->run, w->rec_source,
		    rc != 0 || unfinished, ferr, sizeof ferr) != 0)
			snprintf(where, sizeof where, " (run not saved: %s)",
			    ferr);
		else if (rc == 0 && unfinished)
			snprintf(where, sizeof where, "; saved in %s: r resumes",
			    w->rec.dir);
		else
			snprintf(where, sizeof where, ": run %s", w->rec.dir);
		w->recording = 0;
	}
	checkpoint_free(&w->ck);
	w->run.resume = NULL;

	/* Only a model that finished its epochs replaces the kept one. */
	if (rc == 0 && !cancelled && m != NULL &&
	    predict_test_set(w, m, mscale, cfg->seed, &pred, &conf, &acc) == 0) {
		mlp_free(w->model);
		w->model = m;
		m = NULL;
	}
	mlp_free(m);

	pthread_mutex_lock(&w->mu);
	table_copy(&w->pub.table, &w->run);
	if (job == WORKER_JOB_SWEEP)
		table_copy(&w->pub.sweep, &w->run);
	w->pub.paused = 0;
	w->pub.cancelling = 0;
	w->pub.batch = 0;
	w->pub.eta = -1.0;
	w->pub.elapsed = now() - w->run_t0;
	if (rc != 0) {
		w->pub.state = WORKER_FAILED;
		set_message_locked(w, "%s failed: %s%s", worker_job_name(job),
		    err, where);
	} else if (cancelled) {
		w->pub.state = WORKER_CANCELLED;
		set_message_locked(w, "%s cancelled; finished epochs kept%s",
		    worker_job_name(job), where);
	} else {
		w->pub.state = WORKER_DONE;
		set_message_locked(w, "%s done in %.0f s%s",
		    worker_job_name(job), w->pub.elapsed, where);
	}
	if (pred != NULL) {
		free(w->pub.test_pred);
		free(w->pub.test_conf);
		w->pub.test_pred = pred;
		w->pub.test_conf = conf;
		w->pub.test_n = w->ds->test.n;
		w->pub.pred_gen++;
		w->pub.have_model = 1;
		w->pub.model_scale = mscale;
		w->pub.model_job = job;
		w->pub.model_acc = acc;
		w->pub.probs_valid = 0;  /* the old answer was another model's */
	} else if (rc == 0 && !cancelled)
		set_message_locked(w, "%s done, but out of memory for the "
		    "predictions", worker_job_name(job));
	w->busy = 0;
	atomic_store(&w->ctl.cancel, 0);
	atomic_store(&w->ctl.pause, 0);
	publish_locked(w);
	pthread_mutex_unlock(&w->mu);
}

/* A new job: a fresh table, a new run directory, then execute(). */
static void
run_job(worker *w, worker_job job, const train_config *cfg,
    const float *scales, int n)
{
	char err[1024], started[1200];

	sweep_table_init(&w->run, cfg, scales, n);
	w->recording = 0;
	snprintf(started, sizeof started, "%s started", worker_job_name(job));
	if (w->root[0] != '\0') {
		if (record_new(w, job, err, sizeof err) == 0)
			w->recording = 1;
		else
			snprintf(started, sizeof started, "%s started, but not "
			    "recorded: %s", worker_job_name(job), err);
	}
	execute(w, job, started);
}

/* End a request that started no job: say why, and be idle again. */
__attribute__((format(printf, 2, 3))) static void
refuse(worker *w, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&w->mu);
	va_start(ap, fmt);
	vsnprintf(w->pub.message, sizeof w->pub.message, fmt, ap);
	va_end(ap);
	w->busy = 0;
	atomic_store(&w->ctl.cancel, 0);
	atomic_store(&w->ctl.pause, 0);
	publish_locked(w);
	pthread_mutex_unlock(&w->mu);
}

/*
 * Continue run name (NULL: the newest interrupted) on the worker's data:
 * the same checks as 'noisetop resume', then execute() with the restored
 * table.  The run's own configuration and scales apply, not the
 * dashboard's.
 */
static void
resume_job(worker *w, const char *name)
{
	char err[1024], started[1024], stop[160];
	int  todo = 0;

	if (run_open(&w->rec, w->root, name, err, sizeof err) != 0) {
		refuse(w, "nothing resumed: %s", err);
		return;
	}
	if (data_crc(w) != w->rec.conf.data_crc) {
		refuse(w, "run %s not resumed: it was trained on other data "
		    "(%s, checksum %08x; the dashboard has %08x)", w->rec.id,
		    w->rec.conf.source, w->rec.conf.data_crc, data_crc(w));
		return;
	}
	if (run_restore(&w->rec, &w->run, &w->ck, err, sizeof err) != 0) {
		checkpoint_free(&w->ck);
		refuse(w, "run %s not resumed: %s", w->rec.id, err);
		return;
	}
	for (int i = 0; i < w->run.n; i++)
		if (w->run.rows[i].state != SWEEP_DONE)
			todo = 1;
	if (!todo) {
		checkpoint_free(&w->ck);
		refuse(w, "run %s is already finished", w->rec.id);
		return;
	}
	describe_stop(&w->run, stop, sizeof stop);
	snprintf(started, sizeof started, "resumed run %s at %s", w->rec.id,
	    stop);
	snprintf(w->rec_source, sizeof w->rec_source, "%s",
	    w->rec.conf.source);
	w->recording = 1;
	execute(w, job_of_kind(w->rec.conf.kind), started);
}

/*
 * The model of a loaded run, so that the sample pane and the misclassified
 * browser work before any job: rebuilt from the checkpoint of the last row
 * of t with a finished epoch, with its test-set predictions at that row's
 * scale, computed as execute() does for a finished job (the same batch cap,
 * so the same predictions, bit for bit).  Only a checkpoint of the run's
 * shapes, on the worker's data, is used.  Returns the model (the caller
 * owns it and *pred, *conf), or NULL quietly when there is none to use.
 */
static mlp *
restore_model(worker *w, const run *r, const sweep_table *t, float *scale,
    uint8_t **pred, float **conf, double *acc)
{
	const train_config *cfg = &r->conf.cfg;
	checkpoint ck;
	mlp       *m = NULL;
	char       path[4400], err[1024];
	int        row = t->n - 1;

	while (row >= 0 && t->rows[row].nhist == 0)
		row--;
	if (row < 0 || data_crc(w) != r->conf.data_crc)
		return NULL;
	snprintf(path, sizeof path, "%s/ckpt-%d.bin", r->dir, row);
	if (checkpoint_load(path, &ck, err, sizeof err) != 0)
		return NULL;
	if (ck.nhist > 0 && ck.nlayer == cfg->nlayer &&
	    memcmp(ck.size, cfg->size, (size_t)(cfg->nlayer + 1) *
	    sizeof *ck.size) == 0 && ck.size[0] == DATASET_NPIX &&
	    ck.scale == t->rows[row].scale &&
	    (m = mlp_new(ck.nlayer, ck.size, cfg->batch, cfg->dropout, err,
	    sizeof err)) != NULL && m->nparam == ck.nparam)
		memcpy(m->param, ck.param, ck.nparam * sizeof *ck.param);
	else {
		mlp_free(m);
		m = NULL;
	}
	checkpoint_free(&ck);
	*scale = t->rows[row].scale;
	if (m != NULL &&
	    predict_test_set(w, m, *scale, cfg->seed, pred, conf, acc) != 0) {
		mlp_free(m);
		m = NULL;
	}
	return m;
}

/* Read the newest run and publish it as WORKER_LOADED (worker thread). */
static void
load_latest(worker *w)
{
	sweep_table *t = malloc(sizeof *t);
	run         *r = malloc(sizeof *r);
	checkpoint   ck;
	run_state    st;
	char         name[256], err[1024], note[256], stop[160];
	mlp         *m = NULL;
	uint8_t     *pred = NULL;
	float       *conf = NULL, mscale = 0.0f;
	double       acc = 0.0;
	double       secs = 0.0;
	int          nep = 0, ok, resumable = 0;

	memset(&ck, 0, sizeof ck);
	ok = t != NULL && r != NULL && run_newest(w->root, 1, name,
	    sizeof name, NULL, 0) == 0;
	if (ok && (run_open(r, w->root, name, err, sizeof err) != 0 ||
	    run_read_state(r->dir, &st, err, sizeof err) != 0 ||
	    run_restore(r, t, &ck, err, sizeof err) != 0)) {
		pthread_mutex_lock(&w->mu);
		if (!w->busy) {
			set_message_locked(w, "cannot show the last run: %s",
			    err);
			publish_locked(w);
		}
		pthread_mutex_unlock(&w->mu);
		ok = 0;
	}
	checkpoint_free(&ck);
	if (ok) {
		t->resume = NULL;
		for (int i = 0; i < t->n; i++) {
			sweep_row *row = &t->rows[i];

			for (int e = 0; e < row->nhist; e++, nep++)
				secs += row->hist[e].seconds;
			/* A row stopped part way shows as cancelled. */
			if (row->state != SWEEP_DONE && row->nhist > 0)
				row->state = SWEEP_CANCELLED;
			if (row->state != SWEEP_DONE)
				resumable = 1;
		}
		describe_stop(t, stop, sizeof stop);
		if (!resumable)
			snprintf(note, sizeof note, "finished");
		else if (data_crc(w) != r->conf.data_crc) {
			snprintf(note, sizeof note, "interrupted at %s, on "
			    "other data", stop);
			resumable = 0;
		} else
			snprintf(note, sizeof note, "interrupted at %s", stop);
	}
	/* Not worth the test-set pass when a job already owns the screen
	 * (checked again below: one may start during the pass). */
	if (ok && !worker_busy(w))
		m = restore_model(w, r, t, &mscale, &pred, &conf, &acc);
	pthread_mutex_lock(&w->mu);
	/* A job started meanwhile owns the screen, and its model. */
	if (ok && !w->busy) {
		if (m != NULL) {
			mlp_free(w->model);
			w->model = m;
			m = NULL;
			free(w->pub.test_pred);
			free(w->pub.test_conf);
			w->pub.test_pred = pred;
			w->pub.test_conf = conf;
			pred = NULL;
			conf = NULL;
			w->pub.test_n = w->ds->test.n;
			w->pub.pred_gen++;
			w->pub.have_model = 1;
			w->pub.model_scale = mscale;
			w->pub.model_job = job_of_kind(r->conf.kind);
			w->pub.model_acc = acc;
			w->pub.probs_valid = 0;
		}
		table_copy(&w->pub.table, t);
		table_copy(&w->pub.sweep, t);
		w->pub.have_sweep = 1;
		w->pub.state = WORKER_LOADED;
		w->pub.job = job_of_kind(r->conf.kind);
		w->pub.epoch = w->pub.batch = w->pub.batches = 0;
		w->pub.epochs = t->cfg.epochs;
		w->pub.sec_per_epoch = nep > 0 ? secs / nep : -1.0;
		w->pub.elapsed = secs;
		w->pub.eta = -1.0;
		snprintf(w->pub.run_id, sizeof w->pub.run_id, "%s", r->id);
		snprintf(w->pub.run_dir, sizeof w->pub.run_dir, "%s", r->dir);
		snprintf(w->pub.run_note, sizeof w->pub.run_note, "%s", note);
		w->pub.run_resumable = resumable;
		set_message_locked(w, "showing run %s (%s)%s", r->id, note,
		    resumable ? ": r resumes it" : "");
		publish_locked(w);
	}
	pthread_mutex_unlock(&w->mu);
	mlp_free(m);
	free(pred);
	free(conf);
	free(t);
	free(r);
}

static void *
worker_main(void *arg)
{
	worker *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->quit) {
		if (w->job_pending) {
			worker_job   job = w->pend_job;
			train_config cfg = w->pend_cfg;
			float        scales[SWEEP_MAX_SCALES];
			int          n = w->pend_n;

			memcpy(scales, w->pend_scales, sizeof scales);
			w->job_pending = 0;
			pthread_mutex_unlock(&w->mu);
			run_job(w, job, &cfg, scales, n);
			pthread_mutex_lock(&w->mu);
		} else if (w->want_resume) {
			char name[4096];

			memcpy(name, w->resume_name, sizeof name);
			w->want_resume = 0;
			pthread_mutex_unlock(&w->mu);
			resume_job(w, name[0] != '\0' ? name : NULL);
			pthread_mutex_lock(&w->mu);
		} else if (w->want_load) {
			w->want_load = 0;
			pthread_mutex_unlock(&w->mu);
			load_latest(w);
			pthread_mutex_lock(&w->mu);
		} else if (w->want_predict) {
			pthread_mutex_unlock(&w->mu);
			serve_predict(w);
			pthread_mutex_lock(&w->mu);
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
		snprintf(err, errlen, "out of memory for the worker");
		return NULL;
	}
	w->ds = ds;
	if (runs_root != NULL && snprintf(w->root, sizeof w->root, "%s",
	    runs_root) >= (int)sizeof w->root) {
		snprintf(err, errlen, "%s: path too long", runs_root);
		free(w);
		return NULL;
	}
	w->pub.version = 1;  /* a zeroed copy differs from it */
	w->pub.eta = w->pub.sec_per_epoch = -1.0;
	w->pub.acc = w->pub.loss = NAN;
	atomic_init(&w->ctl.cancel, 0);
	atomic_init(&w->ctl.pause, 0);
	if (pipe(w->pipe) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
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
		snprintf(err, errlen, "cannot start the worker thread: %s",
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

	checkpoint_free(&w->ck);
	mlp_free(w->model);
	free(w->pub.test_pred);
	free(w->pub.test_conf);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
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

int
worker_start(worker *w, worker_job job, const train_config *cfg,
    const float *scales, int n, char *msg, size_t msglen)
{
	int rc = -1;

	pthread_mutex_lock(&w->mu);
	if (w->busy)
		snprintf(msg, msglen, "a %s job is running: x cancels it",
		    w->busy_job == WORKER_JOB_NONE ? "resumed" :
		    worker_job_name(w->busy_job));
	else if (n < 1 || (job != WORKER_JOB_SWEEP && n != 1))
		snprintf(msg, msglen, "no noise scale to train");
	else {
		w->pend_job = job;
		w->pend_cfg = *cfg;
		if (job == WORKER_JOB_COMPARE) {
			w->pend_scales[0] = 0.0f;
			w->pend_scales[1] = scales[0];
			w->pend_n = 2;
		} else {
			w->pend_n = n < SWEEP_MAX_SCALES ? n : SWEEP_MAX_SCALES;
			memcpy(w->pend_scales, scales,
			    (size_t)w->pend_n * sizeof *scales);
		}
		atomic_store(&w->ctl.cancel, 0);
		atomic_store(&w->ctl.pause, 0);
		w->job_pending = 1;
		w->want_load = 0;  /* the job, not an older run, is shown */
		w->busy = 1;
		w->busy_job = job;
		pthread_cond_signal(&w->cv);
		snprintf(msg, msglen, "%s started", worker_job_name(job));
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

void
worker_load_latest(worker *w)
{
	pthread_mutex_lock(&w->mu);
	if (w->root[0] != '\0') {
		w->want_load = 1;
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
		snprintf(msg, msglen, "a %s job is running: x cancels it",
		    w->busy_job == WORKER_JOB_NONE ? "resumed" :
		    worker_job_name(w->busy_job));
	else if (w->root[0] == '\0')
		snprintf(msg, msglen, "runs are not recorded here: nothing to "
		    "resume");
	else if (name != NULL && snprintf(w->resume_name,
	    sizeof w->resume_name, "%s", name) >= (int)sizeof w->resume_name)
		snprintf(msg, msglen, "%s: name too long", name);
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
		w->pub.cancelling = 1;
		w->pub.paused = 0;
		set_message_locked(w, "cancelling %s...",
		    worker_job_name(w->busy_job));
		publish_locked(w);
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
		w->pub.paused = paused;
		set_message_locked(w, "%s %s", worker_job_name(w->busy_job),
		    paused ? "paused: p resumes" : "resumed");
		publish_locked(w);
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
	pthread_mutex_lock(&w->mu);
	if (w->pub.have_model) {
		w->want_predict = 1;
		w->pr_split = split;
		w->pr_index = index;
		w->pr_scale = scale;
		w->pr_seed = seed;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
}

int
worker_snapshot_copy(worker *w, worker_snapshot *dst)
{
	int changed = 0;

	pthread_mutex_lock(&w->mu);
	if (dst->version != w->pub.version) {
		const worker_snapshot *s = &w->pub;
		uint8_t *pred = dst->test_pred;
		float   *conf = dst->test_conf;
		size_t   oldn = dst->test_n;
		uint64_t oldgen = dst->pred_gen;

		/* Scalars and strings whole; tables by the rows in use;
		 * the prediction arrays only when they were replaced. */
		table_copy(&dst->table, &s->table);
		table_copy(&dst->sweep, &s->sweep);
		dst->version = s->version;
		dst->state = s->state;
		dst->job = s->job;
		dst->paused = s->paused;
		dst->cancelling = s->cancelling;
		dst->have_sweep = s->have_sweep;
		dst->epoch = s->epoch;
		dst->epochs = s->epochs;
		dst->batch = s->batch;
		dst->batches = s->batches;
		dst->acc = s->acc;
		dst->loss = s->loss;
		dst->epoch_seconds = s->epoch_seconds;
		dst->sec_per_epoch = s->sec_per_epoch;
		dst->eta = s->eta;
		dst->elapsed = s->elapsed;
		memcpy(dst->message, s->message, sizeof dst->message);
		memcpy(dst->run_id, s->run_id, sizeof dst->run_id);
		memcpy(dst->run_dir, s->run_dir, sizeof dst->run_dir);
		memcpy(dst->run_note, s->run_note, sizeof dst->run_note);
		dst->run_resumable = s->run_resumable;
		dst->have_model = s->have_model;
		dst->model_scale = s->model_scale;
		dst->model_job = s->model_job;
		dst->model_acc = s->model_acc;
		dst->probs_valid = s->probs_valid;
		dst->probs_split = s->probs_split;
		dst->probs_index = s->probs_index;
		dst->probs_scale = s->probs_scale;
		memcpy(dst->probs, s->probs, sizeof dst->probs);
		if (s->test_pred != NULL && (oldgen != s->pred_gen ||
		    pred == NULL)) {
			if (oldn != s->test_n || pred == NULL) {
				free(pred);
				free(conf);
				pred = malloc(s->test_n ? s->test_n : 1);
				conf = malloc((s->test_n ? s->test_n : 1) *
				    sizeof *conf);
			}
			if (pred != NULL && conf != NULL) {
				memcpy(pred, s->test_pred, s->test_n);
				memcpy(conf, s->test_conf,
				    s->test_n * sizeof *conf);
				oldn = s->test_n;
				oldgen = s->pred_gen;
			} else {
				free(pred);
				free(conf);
				pred = NULL;
				conf = NULL;
				oldn = 0;
			}
		}
		dst->test_pred = pred;
		dst->test_conf = conf;
		dst->test_n = pred != NULL ? oldn : 0;
		dst->pred_gen = oldgen;
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
	s->test_pred = NULL;
	s->test_conf = NULL;
	s->test_n = 0;
}

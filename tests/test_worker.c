/* The dashboard's worker thread on a tiny synthetic data set and net:
 * jobs, refusal while busy, snapshots, predictions, pause, cancel, free. */
#include "worker.h"

#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Digits as bright bands: image i of label k lights rows 2k and 2k+1. */
static void
make_split(dataset_split *s, size_t n, unsigned seed)
{
	s->n = n;
	s->pix = calloc(n, DATASET_NPIX);
	s->label = malloc(n);
	for (size_t i = 0; i < n; i++) {
		int k = (int)((i * 7 + seed) % 10);

		s->label[i] = (uint8_t)k;
		for (int c = 0; c < DATASET_SIDE; c++) {
			s->pix[i * DATASET_NPIX + (2 * k) * DATASET_SIDE + c] = 200;
			s->pix[i * DATASET_NPIX + (2 * k + 1) * DATASET_SIDE + c] =
			    (uint8_t)(100 + (i + (size_t)c) % 100);
		}
	}
}

/* Wait (polling the self-pipe) until done(snapshot) or the timeout. */
static int
wait_for(worker *w, worker_snapshot *s, int (*done)(const worker_snapshot *),
    double timeout)
{
	double end = now() + timeout;

	for (;;) {
		struct pollfd pfd = { worker_fd(w), POLLIN, 0 };

		worker_snapshot_copy(w, s);
		if (done(s))
			return 1;
		if (now() > end)
			return 0;
		if (poll(&pfd, 1, 100) > 0)
			worker_drain(w);
	}
}

static int
finished(const worker_snapshot *s)
{
	return s->state != WORKER_RUNNING && s->state != WORKER_IDLE;
}

static int
progressing(const worker_snapshot *s)
{
	return s->state == WORKER_RUNNING && s->batch > 0;
}

static int
paused(const worker_snapshot *s)
{
	return s->paused;
}

static size_t want_index;

static int
answered(const worker_snapshot *s)
{
	return s->probs_valid && s->probs_index == want_index;
}

int
main(void)
{
	static worker_snapshot s;
	dataset      ds;
	train_config cfg;
	worker      *w;
	char         err[256], msg[256];
	float        half = 0.5f;
	const float  scales[3] = { 0.0f, 1.0f, 2.0f };
	double       t0;

	memset(&ds, 0, sizeof ds);
	make_split(&ds.train, 512, 0);
	make_split(&ds.test, 128, 3);
	strcpy(ds.source, "synthetic");
	train_config_default(&cfg);
	cfg.nlayer = 2;
	cfg.size[0] = DATASET_NPIX;
	cfg.size[1] = 32;
	cfg.size[2] = 10;
	cfg.batch = 32;
	cfg.epochs = 2;
	cfg.threads = 1;

	w = worker_new(&ds, err, sizeof err);
	if (!ok(w != NULL, "worker_new")) {
		diag("%s", err);
		return tap_done();
	}
	worker_snapshot_copy(w, &s);
	ok(s.state == WORKER_IDLE && !s.have_model, "idle with no model");

	ok(worker_start(w, WORKER_JOB_TRAIN, &cfg, &half, 1, msg,
	    sizeof msg) == 0, "train job starts");
	ok(worker_start(w, WORKER_JOB_SWEEP, &cfg, scales, 3, msg,
	    sizeof msg) != 0 && strstr(msg, "running") != NULL,
	    "a second job is refused: %s", msg);
	ok(worker_busy(w), "busy while the job runs");
	ok(wait_for(w, &s, finished, 60), "train job finishes");
	ok(s.state == WORKER_DONE && s.job == WORKER_JOB_TRAIN,
	    "state done, job train (%s)", s.message);
	ok(s.table.n == 1 && s.table.rows[0].state == SWEEP_DONE &&
	    s.table.rows[0].nhist == 2 && s.table.rows[0].scale == 0.5f,
	    "snapshot table: one row, two epochs at 0.5");
	ok(s.have_model && s.model_scale == 0.5f && s.test_n == 128 &&
	    s.test_pred != NULL && s.test_conf != NULL,
	    "model kept, test-set predictions published");
	ok(fabs(s.model_acc - s.table.rows[0].hist[1].val_acc) < 1e-9,
	    "prediction accuracy equals the last validation (%.4f)",
	    s.model_acc);
	ok(!worker_busy(w), "idle after the job");

	want_index = 5;
	worker_predict(w, 1, 5, 0.5f, cfg.seed);
	ok(wait_for(w, &s, answered, 10), "one-image prediction answered");
	{
		float sum = 0.0f;
		int   arg = 0;

		for (int c = 0; c < WORKER_NCLASS; c++) {
			sum += s.probs[c];
			if (s.probs[c] > s.probs[arg])
				arg = c;
		}
		ok(fabsf(sum - 1.0f) < 1e-4f, "probabilities sum to 1");
		ok(arg == s.test_pred[5] &&
		    fabsf(s.probs[arg] - s.test_conf[5]) < 1e-5f,
		    "same class and confidence as the test-set pass");
	}

	/* A long compare: pause stops progress, cancel stops the job. */
	cfg.epochs = 200;
	ok(worker_start(w, WORKER_JOB_COMPARE, &cfg, &half, 1, msg,
	    sizeof msg) == 0, "compare job starts");
	ok(wait_for(w, &s, progressing, 30), "compare makes progress");
	ok(s.table.n == 2 && s.table.rows[0].scale == 0.0f &&
	    s.table.rows[1].scale == 0.5f, "compare trains 0 and 0.5");
	ok(worker_toggle_pause(w) == 1, "pause");
	ok(wait_for(w, &s, paused, 5), "snapshot says paused");
	t0 = now();
	worker_cancel(w);
	ok(wait_for(w, &s, finished, 10), "cancel stops a paused job");
	diag("cancel took %.0f ms", (now() - t0) * 1e3);
	ok(s.state == WORKER_CANCELLED && s.model_scale == 0.5f &&
	    s.model_job == WORKER_JOB_TRAIN,
	    "cancelled; the kept model is still the train job's");

	ok(worker_start(w, WORKER_JOB_SWEEP, &cfg, scales, 3, msg,
	    sizeof msg) == 0, "sweep starts after a cancel");
	ok(wait_for(w, &s, progressing, 30) && s.have_sweep &&
	    s.sweep.n == 3 && s.sweep.current == 0,
	    "sweep snapshot shows the running row");
	t0 = now();
	worker_free(w);
	diag("free while training took %.0f ms", (now() - t0) * 1e3);
	ok(now() - t0 < 5.0, "worker_free cancels and joins a running job");
	worker_snapshot_free(&s);
	dataset_free(&ds);
	(void)skip_all;
	return tap_done();
}

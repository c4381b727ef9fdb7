/*
 * eta_probe: the timed probe of eta.h.  It trains the job's model for a
 * few real epochs on the first images, with their evaluation, through the
 * trainer itself (train_run), so that every kernel, the batch gathering,
 * dropout and Adam are what the job will run; then it draws noise on
 * those images and writes the last epoch's checkpoint and a small file
 * where the runs are, as an epoch's record does.
 */
#include "runs/eta.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/file.h"
#include "data/noise.h"
#include "kernels/adam.h"
#include "runs/checkpoint.h"

/* Epochs of each probe: the first warms up, the others are timed. */
#define PROBE_EPOCHS 3
/* An epoch's batches shorter than this are grown, to time them well. */
#define PROBE_MIN_SECONDS 0.1
/* The size of a small record (results.csv, state.txt): a few lines. */
#define PROBE_SMALL_BYTES 2048

struct probe_run {
	double train[PROBE_EPOCHS], eval[PROBE_EPOCHS];
};

static int
on_epoch(const train_progress *p, void *user)
{
	struct probe_run *r = user;

	if (p->event == TRAIN_EPOCH && p->epoch >= 1 &&
	    p->epoch <= PROBE_EPOCHS) {
		r->train[p->epoch - 1] = p->epoch_seconds - p->eval_seconds;
		r->eval[p->epoch - 1] = p->eval_seconds;
	}
	return 0;
}

/* Time a checkpoint of model m (with an Adam state of its size) and a
 * small file, written atomically in dir and removed: an epoch's record. */
static int
time_records(const char *dir, const mlp *m, const train_result *res,
    eta_probe *out, char *err, size_t errlen)
{
	char   path[NT_PATH_LEN + 64], text[PROBE_SMALL_BYTES];
	adam   opt;
	double t;
	int    rc;

	if (adam_init(&opt, m->nparam, 1e-3f) != 0)
		return err_set(err, errlen, "out of memory for the probe");
	snprintf(path, sizeof path, "%s/.eta-probe-%ld.bin", dir,
	    (long)getpid());
	t = clock_work();
	rc = checkpoint_save(path, m, &opt, res->hist, res->nhist, 0, 0.0f,
	    res->nhist, err, errlen);
	out->ckpt = clock_work() - t;
	adam_destroy(&opt);
	unlink(path);
	if (rc != 0)
		return -1;
	memset(text, '0', sizeof text);
	snprintf(path, sizeof path, "%s/.eta-probe-%ld.txt", dir,
	    (long)getpid());
	t = clock_work();
	rc = file_write_atomic(path, text, sizeof text, err, errlen);
	out->small = clock_work() - t;
	unlink(path);
	return rc;
}

/* Seconds to corrupt n images (the second of two draws: the first
 * touches the pages). */
static double
time_noise(const dataset *ds, size_t n, uint64_t seed, float *x, char *err,
    size_t errlen)
{
	double t = 0.0;

	for (int k = 0; k < 2; k++) {
		t = clock_work();
		if (sweep_corrupt(CORRUPT_GAUSSIAN, 0.5f, seed, &ds->train, 0, 0,
		    n, (uint32_t)k, x, err, errlen) != 0)
			return -1.0;
		t = clock_work() - t;
	}
	return t;
}

/* One probe on n images (trained on, and evaluated: the cost per image
 * is the same on any): PROBE_EPOCHS epochs into r, the model into res.
 * Returns 0, or -1 with a message. */
static int
probe_once(const train_config *cfg, const dataset *ds, size_t n, float *x,
    train_result *res, struct probe_run *r, char *err, size_t errlen)
{
	train_config  c = *cfg;
	train_data    tr = { x, ds->train.label, n, DATASET_NPIX, NULL, NULL };
	train_control ctl;

	memset(&ctl, 0, sizeof ctl);
	ctl.probe = 1;  /* the tests' stops are the job's */
	c.epochs = PROBE_EPOCHS;
	memset(r, 0, sizeof *r);
	noise_clean(ds->train.pix, n, DATASET_NPIX, x);
	return train_run(&c, &tr, &tr, NULL, &ctl, on_epoch, r, res, err,
	    errlen);
}

int
eta_probe_run(const train_config *cfg, const dataset *ds, const char *dir,
    eta_probe *out, char *err, size_t errlen)
{
	struct probe_run r;
	train_result    *res = calloc(1, sizeof *res);
	size_t           n = (size_t)cfg->batch * 4, most = n * 16;
	float           *x = NULL;
	double           a, b;
	int              rc = -1;

	memset(out, 0, sizeof *out);
	n = n < ds->train.n ? n : ds->train.n;
	most = most < ds->train.n ? most : ds->train.n;
	if (res == NULL || (x = malloc((most ? most : 1) * DATASET_NPIX *
	    sizeof *x)) == NULL) {
		err_set(err, errlen, "out of memory for the probe");
		goto out;
	}
	/* Grow the probe (4 batches, 16, 64 at most) until an epoch's
	 * batches take long enough to time. */
	for (int grow = 0;; grow++) {
		if (probe_once(cfg, ds, n, x, res, &r, err, errlen) != 0)
			goto out;
		if (r.train[PROBE_EPOCHS - 1] >= PROBE_MIN_SECONDS ||
		    n >= most || grow == 2)
			break;
		mlp_free(res->model);
		res->model = NULL;
		n = n * 4 < most ? n * 4 : most;
	}
	if (dir != NULL && time_records(dir, res->model, res, out, err,
	    errlen) != 0)
		goto out;
	a = r.train[PROBE_EPOCHS - 2];
	b = r.train[PROBE_EPOCHS - 1];
	out->train_img = (a + b) / 2.0 / (double)n;
	out->eval_img = (r.eval[PROBE_EPOCHS - 2] + r.eval[PROBE_EPOCHS - 1]) /
	    2.0 / (double)n;
	if ((out->noise_img = time_noise(ds, n, cfg->seed, x, err,
	    errlen)) < 0.0)
		goto out;
	out->noise_img /= (double)n;
	/* One probe: a fifth, and as much as its two epochs differ. */
	out->spread = 0.2 + (a + b > 0.0 ? fabs(a - b) / ((a + b) / 2.0) : 0.0);
	out->nlayer = cfg->nlayer;
	memcpy(out->size, cfg->size, sizeof out->size);
	out->batch = cfg->batch;
	out->threads = cfg->threads;
	out->precision = cfg->precision;
	rc = 0;
out:
	if (res != NULL)
		mlp_free(res->model);
	free(x);
	free(res);
	return rc;
}

int
eta_probe_fits(const eta_probe *p, const train_config *cfg)
{
	if (p->nlayer != cfg->nlayer || p->batch != cfg->batch ||
	    p->threads != cfg->threads || p->precision != cfg->precision)
		return 0;
	for (int l = 0; l <= cfg->nlayer; l++)
		if (p->size[l] != cfg->size[l])
			return 0;
	return 1;
}

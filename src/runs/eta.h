#ifndef NOISETOP_ETA_H
#define NOISETOP_ETA_H

#include <stddef.h>

#include "data/dataset.h"
#include "engine/sweep.h"
#include "engine/train.h"

/*
 * How long a job takes: the one estimator of both front ends (the
 * dashboard's form and job line, the headless printer).  A row costs
 *
 *	head + epochs x epoch + tail
 *
 *   head   its noisy images drawn (training and test set; in fresh mode
 *          only the test set) and the record of its start;
 *   epoch  the batches, the evaluation on the test set (and in fresh mode
 *          the training set drawn again), and the record of the epoch: its
 *          checkpoint, results and state, each written and synced;
 *   tail   the train x test matrix (the test set drawn and evaluated at
 *          every test scale), the probes, and the record of the row's end.
 *
 * Before a job, a timed probe measures each part per image (or per write)
 * on this machine, at the job's widths, batch and threads
 * (eta_probe_run), and eta_estimate scales it by the work (images,
 * epochs, test scales, rows, rows at once).  While a job runs, an
 * eta_tracker measures every part of what has finished, and eta_left
 * counts what is left from those measurements (the probe, when there is
 * one, stands in for a part not yet measured).  Every time is in
 * clock_work() seconds (base/clock.h).
 *
 * An estimate is a range: each part's mean give or take its uncertainty,
 * 0.2 / n of it with n measurements (a probe counts as one) plus twice
 * the standard error of the mean once there are two; the range closes to
 * one value when it is narrower than a tenth of the estimate.
 */

/* Seconds: lo <= mid <= hi; mid < 0 when unknown.  elapsed: since the
 * job started (eta_left only). */
typedef struct {
	double lo, mid, hi;
	double elapsed;
} eta_range;

/* What a probe measured, per image or per write, and for which model. */
typedef struct {
	double train_img;   /* a training image: forward, loss, backward,
	                       Adam, at cfg's batch and threads */
	double eval_img;    /* an image evaluated (forward, no dropout) */
	double noise_img;   /* an image corrupted (Gaussian noise) */
	double ckpt;        /* a checkpoint written and synced; 0 when the
	                       probe had nowhere to write (nothing records) */
	double small;       /* a small file written atomically and synced */
	double spread;      /* the relative uncertainty of the above */
	/* The model probed: a probe fits a job of the same shape. */
	int    nlayer, size[MLP_MAX_LAYERS + 1], batch, threads, precision;
} eta_probe;

/* The work of a job, what the probe is scaled by. */
typedef struct {
	int    rows;       /* rows to train, each from its start */
	int    epochs;
	int    ncols;      /* test scales of the train x test matrix */
	size_t ntr, nte;   /* training and test images */
	int    fresh;      /* training noise drawn again every epoch */
	int    njobs;      /* rows trained at once (0 or 1: one at a time) */
} eta_work;

/*
 * Time a few real training epochs of cfg's model (its widths, batch,
 * dropout, precision and threads) on the first images of ds, after one to
 * warm up, with their evaluation; Gaussian noise drawn on them; and, when
 * dir is not NULL, a checkpoint of the trained model and a small file
 * written atomically in dir (a runs root) and removed.  Grows the images
 * until an epoch takes long enough to time (a few hundred milliseconds at
 * most on any machine).  Returns 0 with *out filled, or -1 with a message.
 */
int eta_probe_run(const train_config *cfg, const dataset *ds,
    const char *dir, eta_probe *out, char *err, size_t errlen);

/* 1 when probe p measured a model of cfg's shape, batch, threads and
 * precision. */
int eta_probe_fits(const eta_probe *p, const train_config *cfg);

/* The work of table t's rows (all, or those of shard k of n) on ntr / nte
 * images, njobs at once. */
void eta_work_of(const sweep_table *t, int shard, int nshards, size_t ntr,
    size_t nte, int njobs, eta_work *w);

/* A job's duration before it starts: probe p scaled by work w.  Records
 * are counted when p has them (ckpt > 0). */
void eta_estimate(const eta_probe *p, const eta_work *w, eta_range *out);

/* The measurements of a running job. */
typedef struct eta_tracker eta_tracker;

/*
 * A tracker for table t's job on ntr / nte images, starting now; probe,
 * when not NULL, stands in for a part until it is measured (copied).
 * Returns NULL when out of memory (then there is no estimate).  Free with
 * eta_tracker_free (NULL is fine).
 */
eta_tracker *eta_tracker_new(const sweep_table *t, size_t ntr, size_t nte,
    const eta_probe *probe);
void eta_tracker_free(eta_tracker *k);

/*
 * Event p of the job (a row's start or end, a batch report, an epoch)
 * was recorded between t_before and t_after (clock_work()): measure it.
 * Rows side by side call it under the table's lock, as they record.
 */
void eta_note(eta_tracker *k, const sweep_progress *p, double t_before,
    double t_after);

/*
 * What is left of table t's rows (shard k of n; 0 or 1: all) with njobs
 * at once, as of the last event: the rows in training keep their lanes,
 * each row not started goes, in grid order, to the lane that frees
 * first, and the longest lane is the answer.  mid < 0 when nothing is
 * measured yet (and there is no probe).
 */
void eta_left(const eta_tracker *k, const sweep_table *t, int shard,
    int nshards, int njobs, eta_range *out);

#endif

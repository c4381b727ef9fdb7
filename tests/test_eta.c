/*
 * test_eta: the estimates' arithmetic (runs/eta.h) on made-up times: a
 * probe scaled by the work, a running job's parts measured from its
 * events, what is left on one or several lanes, and the range that closes
 * as measurements come in.  No clock is read for the answers, so nothing
 * here depends on the machine's speed; the probe itself is timed once, for
 * its sanity only.
 */
#include "runs/eta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "data/dataset.h"
#include "render/render.h"
#include "tap.h"

static int
near(double a, double b)
{
	return fabs(a - b) <= 1e-6 * (fabs(b) > 1.0 ? fabs(b) : 1.0);
}

/* A probe of round numbers: a training image 1e-4 s, an evaluated one
 * 5e-5, a corrupted one 1e-5, a checkpoint 0.1, a small file 0.01. */
static eta_probe
round_probe(void)
{
	eta_probe p;

	memset(&p, 0, sizeof p);
	p.train_img = 1e-4;
	p.eval_img = 5e-5;
	p.noise_img = 1e-5;
	p.ckpt = 0.1;
	p.small = 0.01;
	p.spread = 0.2;
	return p;
}

static void
test_estimate(void)
{
	eta_probe p = round_probe();
	eta_work  w = { 6, 4, 6, 1000, 200, 0, 1 };
	eta_range r;
	double    one;

	/* head 1e-5 x 1200 + 2 x 0.01 = 0.032; epoch 0.1 + 0.01 + 0.1 +
	 * 0.02 = 0.23; tail 6 x 6e-5 x 200 + 0.03 = 0.102: a row 1.054 s. */
	eta_estimate(&p, &w, &r);
	ok(near(r.mid, 6 * 1.054), "6 rows of 4 epochs: 6 x (head + 4 "
	    "epochs + tail) = 6.324 s (%g)", r.mid);
	ok(near(r.lo, 0.8 * r.mid) && near(r.hi, 1.2 * r.mid),
	    "give or take the probe's spread, a fifth (%g-%g)", r.lo, r.hi);
	one = r.mid;
	w.rows = 12;
	eta_estimate(&p, &w, &r);
	ok(near(r.mid, 2 * one), "twice the rows, twice the time (%g)", r.mid);
	w.rows = 6;
	w.njobs = 4;
	eta_estimate(&p, &w, &r);
	ok(near(r.mid, 2 * 1.054), "4 at once: the longest lane, 2 rows "
	    "(%g)", r.mid);
	w.njobs = 1;
	w.epochs = 8;
	eta_estimate(&p, &w, &r);
	ok(near(r.mid, 6 * (1.054 + 4 * 0.23)), "4 more epochs: 4 more "
	    "epochs' time, records included (%g)", r.mid);
	w.epochs = 4;
	w.fresh = 1;
	eta_estimate(&p, &w, &r);
	ok(near(r.mid, 6 * (1.054 - 1e-5 * 1000 + 4 * 1e-5 * 1000)),
	    "fresh noise: the training images drawn every epoch, not once "
	    "(%g)", r.mid);
	w.fresh = 0;
	w.ntr = 2000;
	eta_estimate(&p, &w, &r);
	ok(near(r.mid, 6 * (1.054 + 1e-5 * 1000 + 4 * 1e-4 * 1000)),
	    "twice the training images: their training and noise only, "
	    "not the records (%g)", r.mid);
	p.spread = 0.04;
	w.ntr = 1000;
	eta_estimate(&p, &w, &r);
	ok(r.lo == r.mid && r.hi == r.mid, "a spread under a twentieth: "
	    "one value");
}

/* Event of row i: a start or end (no progress), a batch or an epoch,
 * recorded between t0 and t1. */
static void
note(eta_tracker *k, sweep_table *t, int i, const train_progress *p,
    double t0, double t1)
{
	sweep_progress sp = { t, i, p };

	eta_note(k, &sp, t0, t1);
}

static train_progress
epoch_event(int ep, double seconds, double eval)
{
	train_progress p;

	memset(&p, 0, sizeof p);
	p.event = TRAIN_EPOCH;
	p.epoch = ep;
	p.epoch_seconds = seconds;
	p.eval_seconds = eval;
	return p;
}

/* Row i of 2 epochs through its events from base b: started at b, its
 * training begun at b + 0.1 (head 0.1), epochs of 1.0 s recorded in 0.1 s
 * (1.1 s each), its matrix and end 0.3 s: 2.6 s. */
static void
row_events(eta_tracker *k, sweep_table *t, int i, double b)
{
	train_progress p;

	t->rows[i].state = SWEEP_RUNNING;
	note(k, t, i, NULL, b, b + 0.01);
	memset(&p, 0, sizeof p);
	p.event = TRAIN_BATCH;
	p.epoch = 1;
	p.batch = 40;
	p.batches = 100;
	p.epoch_seconds = 0.4;
	note(k, t, i, &p, b + 0.5, b + 0.5);
	p = epoch_event(1, 1.0, 0.2);
	note(k, t, i, &p, b + 1.1, b + 1.2);
	p = epoch_event(2, 1.0, 0.2);
	note(k, t, i, &p, b + 2.2, b + 2.3);
	t->rows[i].nhist = 2;
	t->rows[i].state = SWEEP_DONE;
	note(k, t, i, NULL, b + 2.5, b + 2.6);
}

static void
test_tracker(void)
{
	train_config cfg;
	sweep_plan   plan;
	sweep_table  t;
	float        sc[6] = { 0.0f, 0.1f, 0.5f, 1.0f, 2.0f, 4.0f };
	char         err[256];
	eta_tracker *k;
	eta_range    r;
	double       b;

	train_config_default(&cfg);
	cfg.epochs = 2;
	sweep_plan_default(&plan, sc, 6);
	if (sweep_table_init(&t, &cfg, &plan, err, sizeof err) != 0 ||
	    (k = eta_tracker_new(&t, 1000, 200, NULL)) == NULL) {
		ok(0, "table and tracker: %s", err);
		return;
	}
	b = clock_work();
	eta_left(k, &t, 0, 0, 1, &r);
	ok(r.mid < 0.0, "nothing measured, no probe: unknown");
	row_events(k, &t, 0, b);
	eta_left(k, &t, 0, 0, 1, &r);
	ok(near(r.mid, 5 * 2.6), "one row done in 2.6 s: 5 more, 13 s (%g)",
	    r.mid);
	/* head 0.1 +- 0.02, epochs 1.1 +- 0.11 (two alike), tail 0.3 +- 0.06 */
	ok(near(r.lo, 5 * (0.08 + 2 * 0.99 + 0.24)) &&
	    near(r.hi, 5 * (0.12 + 2 * 1.21 + 0.36)),
	    "a range while few parts are measured (%g-%g)", r.lo, r.hi);
	ok(fabs(r.elapsed - 2.6) < 0.05, "2.6 s since the job started (%g)",
	    r.elapsed);
	for (int i = 1; i < 4; i++)
		row_events(k, &t, i, b + 2.6 * i);
	eta_left(k, &t, 0, 0, 1, &r);
	ok(near(r.mid, 2 * 2.6) && r.lo == r.mid && r.hi == r.mid,
	    "four rows alike: 2 more, 5.2 s, one value (%g-%g)", r.lo, r.hi);
	/* Row 4 in its second epoch, half of it (0.5 s) run. */
	t.rows[4].state = SWEEP_RUNNING;
	note(k, &t, 4, NULL, b + 10.4, b + 10.41);
	{
		train_progress p = epoch_event(1, 1.0, 0.2);

		p.event = TRAIN_BATCH;
		p.epoch_seconds = 0.1;
		p.batch = 10;
		p.batches = 100;
		note(k, &t, 4, &p, b + 10.6, b + 10.6);
		p = epoch_event(1, 1.0, 0.2);
		note(k, &t, 4, &p, b + 11.6, b + 11.7);
	}
	t.rows[4].nhist = 1;
	t.rows[4].live = (sweep_live){ 2, 50, 100, 0.5, 0.5, 1.0 };
	eta_left(k, &t, 0, 0, 1, &r);
	ok(near(r.mid, (1.1 - 0.5) + 0.3 + 2.6), "row 5 half through its "
	    "last epoch: 0.6 + its tail 0.3, then row 6's 2.6 s (%g)", r.mid);
	ok(near(r.elapsed, 11.7) || fabs(r.elapsed - 11.7) < 0.05,
	    "11.7 s in (%g)", r.elapsed);
	eta_tracker_free(k);
	sweep_table_free(&t);
}

/* Rows side by side: running rows keep their lanes, the others go to the
 * lane that frees first (a probe of 2 s an epoch, nothing else). */
static void
test_lanes(void)
{
	train_config cfg;
	sweep_plan   plan;
	sweep_table  t;
	float        sc[4] = { 0.0f, 0.5f, 1.0f, 2.0f };
	char         err[256];
	eta_probe    p;
	eta_tracker *k;
	eta_range    r;
	train_progress tp;

	train_config_default(&cfg);
	cfg.epochs = 10;
	sweep_plan_default(&plan, sc, 4);
	memset(&p, 0, sizeof p);
	p.train_img = 0.002;   /* 2 s an epoch of 1000 images */
	if (sweep_table_init(&t, &cfg, &plan, err, sizeof err) != 0 ||
	    (k = eta_tracker_new(&t, 1000, 0, &p)) == NULL) {
		ok(0, "table and tracker: %s", err);
		return;
	}
	t.rows[0].state = SWEEP_DONE;
	t.rows[0].nhist = 10;
	t.rows[1].state = SWEEP_RUNNING;   /* 2.5 epochs done */
	t.rows[1].nhist = 2;
	t.rows[1].live = (sweep_live){ 3, 50, 100, 1.0, 0.5, 1.0 };
	t.rows[2].state = SWEEP_RUNNING;   /* none done */
	t.rows[2].live = (sweep_live){ 1, 0, 100, 0.0, 0.5, 1.0 };
	memset(&tp, 0, sizeof tp);
	tp.event = TRAIN_BATCH;
	for (int i = 1; i <= 2; i++)
		note(k, &t, i, &tp, 0.0, 0.0);
	eta_left(k, &t, 0, 0, 2, &r);
	ok(near(r.mid, 35.0), "2 lanes: 7.5 + 10 epochs on the first, 10 on "
	    "the other: 35 s at 2 s an epoch (%g)", r.mid);
	eta_left(k, &t, 0, 0, 3, &r);
	ok(near(r.mid, 20.0), "3 lanes: the longest is a whole row, 20 s "
	    "(%g)", r.mid);
	t.rows[2].state = SWEEP_PENDING;
	t.rows[3].nhist = 4;               /* part-trained, to resume */
	eta_left(k, &t, 0, 0, 1, &r);
	ok(near(r.mid, 15.0 + 20.0 + 12.0), "1 lane: every epoch left, 47 s "
	    "(%g)", r.mid);
	eta_left(k, &t, 2, 2, 1, &r);
	ok(near(r.mid, 15.0 + 12.0), "shard 2/2: its own rows, 27 s (%g)",
	    r.mid);
	eta_tracker_free(k);
	sweep_table_free(&t);
}

static void
test_render(void)
{
	char b[64];

	render_estimate(130.0, 145.0, 160.0, b, sizeof b);
	ok(strcmp(b, "2m10s-2m40s") == 0, "a range: %s", b);
	render_estimate(145.0, 145.0, 145.0, b, sizeof b);
	ok(strcmp(b, "2m25s") == 0, "one value: %s", b);
	render_estimate(144.8, 145.0, 145.2, b, sizeof b);
	ok(strcmp(b, "2m25s") == 0, "ends that read alike: one value: %s", b);
	render_estimate(-1.0, -1.0, -1.0, b, sizeof b);
	ok(strcmp(b, "--") == 0, "unknown: %s", b);
}

/* The probe on the synthetic digits, with a checkpoint written in a
 * temporary directory: positive costs, its model's shape, nothing left. */
static void
test_probe(void)
{
	dataset      ds;
	train_config cfg;
	eta_probe    p;
	char         dir[] = "/tmp/noisetop-test-eta-XXXXXX", err[256] = "";
	int          rc;

	memset(&ds, 0, sizeof ds);
	if (dataset_synthetic(&ds, 42, 2000, 200, err, sizeof err) != 0 ||
	    mkdtemp(dir) == NULL) {
		ok(0, "synthetic digits and a directory: %s", err);
		return;
	}
	train_config_default(&cfg);
	cfg.nlayer = 2;
	cfg.size[1] = 32;
	cfg.size[2] = 10;
	cfg.threads = 1;
	rc = eta_probe_run(&cfg, &ds, dir, &p, err, sizeof err);
	ok(rc == 0 && p.train_img > 0.0 && p.eval_img > 0.0 && p.noise_img > 0.0 &&
	    p.ckpt > 0.0 && p.small > 0.0 && p.spread >= 0.2,
	    "the probe measures every part (%.3g %.3g %.3g %.3g %.3g s): %s",
	    p.train_img, p.eval_img, p.noise_img, p.ckpt, p.small, err);
	ok(eta_probe_fits(&p, &cfg), "it fits its model");
	cfg.batch = 64;
	ok(!eta_probe_fits(&p, &cfg), "not another batch");
	ok(rmdir(dir) == 0, "its files are removed");
	dataset_free(&ds);
}

int
main(void)
{
	test_estimate();
	test_tracker();
	test_lanes();
	test_render();
	test_probe();
	return tap_done();
}

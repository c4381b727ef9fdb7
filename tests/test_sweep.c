/*
 * The sweep grid: seeds, the train x test matrix, fixed and fresh noise,
 * corruption families, summaries over seeds and shards, on the synthetic
 * digits and a small net (no MNIST needed).
 */
#include "engine/sweep.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"
#include "base/err.h"
#include "tap.h"

static train_config cfg;
static dataset      ds;

/* A table over plan, trained (the rows of shard k of n), or NULL. */
static sweep_table *
trained(const sweep_plan *plan, int k, int n, int threads)
{
	sweep_table *t = calloc(1, sizeof *t);
	char         err[NT_ERR_LEN];
	train_config c = cfg;

	c.threads = threads;
	if (t == NULL || sweep_table_init(t, &c, plan, err, sizeof err) != 0 ||
	    sweep_run(t, &ds, NULL, k, n, NULL, NULL, NULL, NULL, err,
	    sizeof err) != 0) {
		diag("sweep failed: %s", err);
		if (t != NULL)
			sweep_table_free(t);
		free(t);
		return NULL;
	}
	return t;
}

static void
drop(sweep_table *t)
{
	if (t != NULL)
		sweep_table_free(t);
	free(t);
}

/* Rows i of a and b have the same history and matrix row, bit for bit. */
static int
same_row(const sweep_table *a, const sweep_table *b, int i)
{
	const sweep_row *x = &a->rows[i], *y = &b->rows[i];

	if (x->state != y->state || x->nhist != y->nhist || x->seed != y->seed)
		return 0;
	for (int e = 0; e < x->nhist; e++)
		if (x->hist[e].acc != y->hist[e].acc ||
		    x->hist[e].loss != y->hist[e].loss ||
		    x->hist[e].val_acc != y->hist[e].val_acc ||
		    x->hist[e].val_loss != y->hist[e].val_loss)
			return 0;
	for (int j = 0; j < a->plan.ntest; j++)
		if (memcmp(&x->test_acc[j], &y->test_acc[j], sizeof(double)) ||
		    memcmp(&x->test_loss[j], &y->test_loss[j], sizeof(double)))
			return 0;
	return 1;
}

static void
test_summary_math(void)
{
	sweep_table t;
	sweep_plan  p;
	float       s = 0.5f;
	char        err[256];
	double      v[3] = { 0.80, 0.90, 0.85 };
	sweep_summary m;

	sweep_plan_default(&p, &s, 1);
	p.nseeds = 3;
	train_config c = cfg;
	c.epochs = 1;
	if (!ok(sweep_table_init(&t, &c, &p, err, sizeof err) == 0 &&
	    t.n == 3 && t.rows[2].seed == cfg.seed + 2, "3 seeds: 3 rows, "
	    "the third with seed %llu", (unsigned long long)cfg.seed + 2)) {
		diag("%s", err);
		return;
	}
	for (int i = 0; i < 3; i++) {
		t.rows[i].nhist = 1;
		t.rows[i].hist[0].val_acc = v[i];
		t.rows[i].state = SWEEP_DONE;
	}
	sweep_summarize(&t, 0, 0, &m);
	ok(m.val_acc.n == 3 && fabs(m.val_acc.mean - 0.85) < 1e-12 &&
	    fabs(m.val_acc.sd - 0.05) < 1e-12 && m.val_acc.min == 0.80 &&
	    m.val_acc.max == 0.90, "summary: mean %.4f sd %.4f min %.2f max "
	    "%.2f of 0.80, 0.90, 0.85", m.val_acc.mean, m.val_acc.sd,
	    m.val_acc.min, m.val_acc.max);
	t.rows[1].state = SWEEP_CANCELLED;
	sweep_summarize(&t, 0, 0, &m);
	ok(m.val_acc.n == 2 && fabs(m.val_acc.mean - 0.825) < 1e-12,
	    "summary: only done seeds count (%d, mean %.4f)", m.val_acc.n,
	    m.val_acc.mean);
	/* Every state but done, each with a history: a running row, a
	 * pending one, a cancelled one, and a done row with no epoch. */
	t.rows[0].state = SWEEP_RUNNING;
	t.rows[2].state = SWEEP_PENDING;
	sweep_summarize(&t, 0, 0, &m);
	ok(m.val_acc.n == 0 && isnan(m.val_acc.mean),
	    "summary: running, pending and cancelled rows do not count (%d)",
	    m.val_acc.n);
	t.rows[0].state = SWEEP_DONE;
	t.rows[2].state = SWEEP_DONE;
	t.rows[2].nhist = 0;
	sweep_summarize(&t, 0, 0, &m);
	ok(m.val_acc.n == 1 && m.val_acc.mean == 0.80 && m.val_acc.sd == 0.0,
	    "summary: a done row with no epoch does not count; one seed has "
	    "sd 0 (%d, mean %.4f, sd %.4f)", m.val_acc.n, m.val_acc.mean,
	    m.val_acc.sd);
	sweep_table_free(&t);

	/* Plans that cannot be trained. */
	sweep_plan_default(&p, &s, 1);
	p.ncorruptions = 2;
	p.corruptions[1] = CORRUPT_GAUSSIAN;
	ok(sweep_plan_check(&p, err, sizeof err) != 0 &&
	    strstr(err, "twice") != NULL, "a corruption twice is refused: %s",
	    err);
	float big = 2.0f;
	sweep_plan_default(&p, &big, 1);
	p.corruptions[0] = CORRUPT_IMPULSE;
	ok(sweep_plan_check(&p, err, sizeof err) != 0, "impulse 2 (a "
	    "fraction above 1) is refused: %s", err);
	ok(sweep_in_shard(0, 1, 2) && !sweep_in_shard(1, 1, 2) &&
	    sweep_in_shard(1, 2, 2) && sweep_in_shard(5, 1, 1),
	    "shards deal rows round-robin");
}

int
main(void)
{
	char         err[NT_ERR_LEN];
	float        scales[2] = { 0.0f, 1.0f };
	sweep_plan   p;
	sweep_table *a, *b, *c;

	train_config_default(&cfg);
	cfg.size[1] = cfg.size[2] = 64;
	cfg.epochs = 2;
	if (dataset_synthetic(&ds, 42, 3000, 500, err, sizeof err) != 0) {
		ok(0, "synthetic digits: %s", err);
		return tap_done();
	}
	test_summary_math();

	/* Seeds change the results; the same seed repeats them. */
	sweep_plan_default(&p, scales, 1);
	p.nseeds = 2;
	a = trained(&p, 1, 1, 2);
	b = trained(&p, 1, 1, 2);
	ok(a != NULL && b != NULL && a->n == 2 && sweep_table_finished(a),
	    "2 seeds of one scale train");
	ok(a != NULL && a->rows[0].hist[1].val_loss !=
	    a->rows[1].hist[1].val_loss && a->rows[0].hist[0].loss !=
	    a->rows[1].hist[0].loss, "seeds 42 and 43 differ (val_loss %.6f "
	    "vs %.6f)", a ? a->rows[0].hist[1].val_loss : 0.0,
	    a ? a->rows[1].hist[1].val_loss : 0.0);
	ok(a != NULL && b != NULL && same_row(a, b, 0) && same_row(a, b, 1),
	    "the same seeds repeat bit for bit");
	drop(a);
	drop(b);

	/* The 2x2 matrix: its shape, and the diagonal is the sweep's own
	 * val accuracy, exactly. */
	sweep_plan_default(&p, scales, 2);
	a = trained(&p, 1, 1, 2);
	ok(a != NULL && a->plan.ntest == 2 && a->n == 2 &&
	    !isnan(a->rows[0].test_acc[1]) && !isnan(a->rows[1].test_acc[0]),
	    "a 2x2 matrix: 2 rows x 2 test scales, all filled");
	ok(a != NULL && a->rows[0].test_acc[0] == a->rows[0].hist[1].val_acc &&
	    a->rows[1].test_acc[1] == a->rows[1].hist[1].val_acc &&
	    a->rows[1].test_loss[1] == a->rows[1].hist[1].val_loss,
	    "the diagonal equals the rows' final val accuracy and loss "
	    "(%.4f, %.4f)", a ? a->rows[0].test_acc[0] : 0.0,
	    a ? a->rows[1].test_acc[1] : 0.0);
	ok(a != NULL && a->rows[0].test_acc[1] < a->rows[0].test_acc[0],
	    "the clean model loses accuracy on noisy test images (%.4f < "
	    "%.4f)", a ? a->rows[0].test_acc[1] : 0.0,
	    a ? a->rows[0].test_acc[0] : 0.0);

	/* Shards: 1/2 and 2/2 into separate tables, their union is the
	 * whole sweep, bit for bit. */
	b = trained(&p, 1, 2, 2);
	c = trained(&p, 2, 2, 2);
	ok(b != NULL && c != NULL && b->rows[0].state == SWEEP_DONE &&
	    b->rows[1].state == SWEEP_PENDING && c->rows[1].state ==
	    SWEEP_DONE && c->rows[0].state == SWEEP_PENDING,
	    "shard 1/2 trains row 0 only, shard 2/2 row 1 only");
	ok(a != NULL && b != NULL && c != NULL && same_row(a, b, 0) &&
	    same_row(a, c, 1), "the shards' rows equal the unsharded sweep's");
	drop(a);
	drop(b);
	drop(c);

	/* Fresh noise: new draws each epoch, the same for any thread count. */
	{
		size_t n = 50 * DATASET_NPIX;
		float *x0 = malloc(n * sizeof *x0), *x1 = malloc(n * sizeof *x1);
		float *x2 = malloc(n * sizeof *x2), *x3 = malloc(n * sizeof *x3);

		omp_set_num_threads(1);
		sweep_corrupt(CORRUPT_GAUSSIAN, 0.5f, 42, &ds.train, 0, 0, 50, 1,
		    x1, err, sizeof err);
		omp_set_num_threads(2);
		sweep_corrupt(CORRUPT_GAUSSIAN, 0.5f, 42, &ds.train, 0, 0, 50, 1,
		    x3, err, sizeof err);
		sweep_corrupt(CORRUPT_GAUSSIAN, 0.5f, 42, &ds.train, 0, 0, 50, 2,
		    x2, err, sizeof err);
		sweep_corrupt(CORRUPT_GAUSSIAN, 0.5f, 42, &ds.train, 0, 0, 50, 0,
		    x0, err, sizeof err);
		ok(memcmp(x1, x2, n * sizeof *x1) != 0 &&
		    memcmp(x0, x1, n * sizeof *x1) != 0,
		    "fresh: epochs 1 and 2 draw differently, and neither is "
		    "the fixed draw");
		ok(memcmp(x1, x3, n * sizeof *x1) == 0,
		    "fresh: epoch 1's draw is the same on 1 and 2 threads");
		free(x0);
		free(x1);
		free(x2);
		free(x3);
	}
	sweep_plan_default(&p, scales + 1, 1);
	p.mode = SWEEP_FRESH;
	a = trained(&p, 1, 1, 1);
	b = trained(&p, 1, 1, 2);
	sweep_plan_default(&p, scales + 1, 1);
	c = trained(&p, 1, 1, 2);
	ok(a != NULL && b != NULL && same_row(a, b, 0),
	    "fresh training: 1 and 2 threads bit-identical");
	ok(a != NULL && c != NULL && a->rows[0].hist[1].loss !=
	    c->rows[0].hist[1].loss, "fresh and fixed train differently "
	    "(loss %.4f vs %.4f)", a ? a->rows[0].hist[1].loss : 0.0,
	    c ? c->rows[0].hist[1].loss : 0.0);
	drop(a);
	drop(b);
	drop(c);

	/* Another family sweeps its own severity. */
	{
		float sev[2] = { 0.0f, 0.3f };

		sweep_plan_default(&p, sev, 2);
		p.corruptions[0] = CORRUPT_IMPULSE;
		a = trained(&p, 1, 1, 2);
		/* Both rows learn (chance is 0.1), and impulse noise costs
		 * accuracy: in training, and for the clean model in the
		 * matrix. */
		ok(a != NULL && sweep_table_finished(a) &&
		    a->rows[1].corruption == CORRUPT_IMPULSE &&
		    a->rows[0].hist[1].val_acc > 0.5 &&
		    a->rows[1].hist[1].val_acc > 0.25,
		    "an impulse sweep trains (val %.3f clean > 0.5, %.3f at "
		    "p=0.3 > 0.25)", a ? a->rows[0].hist[1].val_acc : 0.0,
		    a ? a->rows[1].hist[1].val_acc : 0.0);
		ok(a != NULL && a->rows[1].hist[1].val_acc <
		    a->rows[0].hist[1].val_acc - 0.1 && a->rows[0].test_acc[1] <
		    a->rows[0].test_acc[0] - 0.1, "impulse noise costs "
		    "accuracy: val %.3f at p=0.3 < %.3f clean - 0.1; the clean "
		    "model %.3f at p=0.3 < %.3f clean - 0.1",
		    a ? a->rows[1].hist[1].val_acc : 0.0,
		    a ? a->rows[0].hist[1].val_acc : 0.0,
		    a ? a->rows[0].test_acc[1] : 0.0,
		    a ? a->rows[0].test_acc[0] : 0.0);
		drop(a);
	}
	dataset_free(&ds);
	return tap_done();
}

/*
 * The sweep grid: seeds, the train x test matrix, fixed and fresh noise,
 * corruption families, summaries over seeds and shards, on the synthetic
 * digits and a small net (no MNIST needed).
 */
#include "engine/sweep.h"

#include <math.h>
#include <pthread.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"
#include "base/err.h"
#include "tap.h"

static train_config cfg;
static dataset      ds;

/* A table over plan, trained on sets (the rows of shard k of n), or
 * NULL. */
static sweep_table *
trained_on(const sweep_plan *plan, const dataset *sets, int k, int n,
    int threads)
{
	sweep_table *t = calloc(1, sizeof *t);
	char         err[NT_ERR_LEN];
	train_config c = cfg;

	c.threads = threads;
	if (t == NULL || sweep_table_init(t, &c, plan, err, sizeof err) != 0 ||
	    sweep_run(t, sets, NULL, k, n, NULL, NULL, NULL, NULL, err,
	    sizeof err) != 0) {
		diag("sweep failed: %s", err);
		if (t != NULL)
			sweep_table_free(t);
		free(t);
		return NULL;
	}
	return t;
}

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

/* Parsing, plans and tables, no training. */
static void
test_plan_and_table(void)
{
	float       sc[SWEEP_MAX_SCALES + 1], three[3] = { 0.0f, 0.5f, 2.0f };
	char        err[256], list[256] = "";
	sweep_plan  p;
	sweep_mode  mode;
	sweep_table t, u;
	train_config c = cfg;
	int          good = 1;

	ok(sweep_parse_scales("0,0.5,2", sc, err, sizeof err) == 3 &&
	    sc[0] == 0.0f && sc[1] == 0.5f && sc[2] == 2.0f, "scales: 0,0.5,2");
	ok(sweep_parse_scales("100", sc, err, sizeof err) == 1 &&
	    sc[0] == 100.0f, "scales: 100, the largest");
	{
		static const char *const bad[] = { "", "0,x", "0,,1", "0,",
			"1e999", "100.5", "-0.5", "0,0", "nan", "1 2" };

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
			ok(sweep_parse_scales(bad[i], sc, err, sizeof err) == -1,
			    "scales '%s' refused: %s", bad[i], err);
	}
	for (int i = 0; i < SWEEP_MAX_SCALES; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list),
		    "%s%d", i ? "," : "", i);
	ok(sweep_parse_scales(list, sc, err, sizeof err) == SWEEP_MAX_SCALES,
	    "%d scales, the most", SWEEP_MAX_SCALES);
	strcat(list, ",99");
	ok(sweep_parse_scales(list, sc, err, sizeof err) == -1 &&
	    strstr(err, "more than") != NULL, "one more refused: %s", err);
	ok(sweep_default_scales[0] == 0.0f && sweep_default_scales[1] == 0.1f &&
	    sweep_default_scales[2] == 0.5f && sweep_default_scales[3] == 1.0f &&
	    sweep_default_scales[4] == 2.0f && sweep_default_scales[5] == 4.0f,
	    "the default scales: 0, 0.1, 0.5, 1, 2, 4");
	mode = SWEEP_FRESH;
	ok(sweep_parse_mode("fixed", &mode, err, sizeof err) == 0 &&
	    mode == SWEEP_FIXED && sweep_parse_mode("fresh", &mode, err,
	    sizeof err) == 0 && mode == SWEEP_FRESH &&
	    sweep_parse_mode("always", &mode, err, sizeof err) == -1 &&
	    strcmp(sweep_mode_name(SWEEP_FIXED), "fixed") == 0 &&
	    strcmp(sweep_mode_name(SWEEP_FRESH), "fresh") == 0,
	    "noise modes fixed and fresh, by name both ways");

	/* A default plan over dirty memory: every field set, unused slots
	 * zero. */
	memset(&p, 0x5a, sizeof p);
	sweep_plan_default(&p, three, 3);
	ok(p.nscales == 3 && p.ntest == 3 && p.scales[2] == 2.0f &&
	    p.test_scales[2] == 2.0f && p.scales[3] == 0.0f &&
	    p.test_scales[3] == 0.0f && p.nseeds == 1 &&
	    p.ncorruptions == 1 && p.corruptions[0] == CORRUPT_GAUSSIAN &&
	    p.corruptions[1] == 0 && p.mode == SWEEP_FIXED &&
	    sweep_plan_check(&p, err, sizeof err) == 0,
	    "a default plan: the scales as train and test scales, 1 seed of "
	    "gaussian noise, fixed, the rest zero");
	sweep_plan_default(&p, NULL, 0);
	ok(p.nscales == 0 && p.ntest == 0 && sweep_plan_check(&p, err,
	    sizeof err) == -1 && strstr(err, "0 scales") != NULL,
	    "a plan of no scales is refused: %s", err);

	/* 2 corruptions x 3 scales x 2 seeds: rows in that order. */
	sweep_plan_default(&p, three, 3);
	p.ncorruptions = 2;
	p.corruptions[1] = CORRUPT_SPECKLE;
	p.nseeds = 2;
	p.ntest = 2;
	ok(sweep_plan_rows(&p) == 12, "2 x 3 x 2: 12 rows");
	for (int i = 0; i < 12; i++)
		good &= sweep_plan_scale(&p, i) == three[(i / 2) % 3];
	ok(good && sweep_plan_scale(&p, 12) == 0.0f &&
	    sweep_plan_scale(&p, -1) == 0.0f, "the scale of each row, 0 out "
	    "of range");
	c.epochs = 3;
	good = sweep_table_init(&t, &c, &p, err, sizeof err) == 0 && t.n == 12 &&
	    t.current == -1;
	for (int ci = 0; good && ci < 2; ci++)
		for (int si = 0; si < 3; si++)
			for (int k = 0; k < 2; k++) {
				int        i = sweep_row_index(&t, ci, si, k);
				sweep_row *r = &t.rows[i];

				good &= i == (ci * 3 + si) * 2 + k &&
				    r->corruption_index == ci &&
				    r->corruption == p.corruptions[ci] &&
				    r->scale_index == si &&
				    r->scale == three[si] && r->seed_index == k &&
				    r->seed == c.seed + (uint64_t)k &&
				    r->state == SWEEP_PENDING &&
				    r->nhist == 0 && isnan(r->test_acc[1]);
			}
	ok(good && sweep_row_index(&t, 2, 0, 0) == -1 &&
	    sweep_row_index(&t, 0, 3, 0) == -1 &&
	    sweep_row_index(&t, 0, 0, 2) == -1 &&
	    sweep_row_index(&t, -1, 0, 0) == -1 && !sweep_table_finished(&t),
	    "a table: rows by corruption, scale, seed, each pending with its "
	    "own seed; indices out of range are -1");

	/* Histories and matrix rows, copied whole into a smaller table and
	 * into a bigger one. */
	for (int i = 0; i < t.n; i++) {
		t.rows[i].nhist = i % 4;
		for (int e = 0; e < 3; e++)
			t.rows[i].hist[e] = (train_epoch){ e + 1, i, 0.5, 1.0 + i,
			    0.25, 2.0 + e };
		t.rows[i].test_acc[0] = t.rows[i].test_loss[1] = i;
		t.rows[i].state = i % 2 ? SWEEP_DONE : SWEEP_CANCELLED;
	}
	t.current = 5;
	memset(&u, 0, sizeof u);
	good = sweep_table_copy(&u, &t) == 0 && u.n == 12 && u.current == 5;
	for (int i = 0; good && i < 12; i++)
		good &= u.rows[i].nhist == t.rows[i].nhist &&
		    u.rows[i].state == t.rows[i].state &&
		    u.rows[i].seed == t.rows[i].seed &&
		    memcmp(u.rows[i].hist, t.rows[i].hist, (size_t)t.rows[i].nhist *
		    sizeof *t.rows[i].hist) == 0 && u.rows[i].test_acc[0] == i &&
		    u.rows[i].test_loss[1] == i && u.rows[i].hist != t.rows[i].hist &&
		    u.rows[i].test_acc != t.rows[i].test_acc &&
		    u.rows[i].test_loss != t.rows[i].test_loss &&
		    u.rows[i].test_ece != t.rows[i].test_ece &&
		    u.rows[i].test_conf != t.rows[i].test_conf &&
		    u.rows[i].attack_acc != t.rows[i].attack_acc;
	ok(good && u.cfg.epochs == t.cfg.epochs && u.cfg.seed == t.cfg.seed &&
	    u.plan.nscales == t.plan.nscales && u.plan.nseeds == t.plan.nseeds &&
	    u.plan.ntest == t.plan.ntest, "a copy: the configuration, the "
	    "plan, every row's state, history and matrix row, in its own "
	    "storage");
	for (int i = 0; i < t.n; i++)
		t.rows[i].state = i ? SWEEP_DONE : SWEEP_PENDING;
	ok(!sweep_table_finished(&t), "every row done but the first: not "
	    "finished");
	t.rows[0].state = SWEEP_DONE;
	ok(sweep_table_finished(&t), "every row done: finished");
	sweep_table_free(&u);
	ok(u.n == 0 && u.rows == NULL && u.current == -1, "a freed table is "
	    "empty");
	sweep_table_free(NULL);

	/* A table freed and made again the same shape starts clean. */
	sweep_table_free(&t);
	ok(sweep_table_init(&t, &c, &p, err, sizeof err) == 0 &&
	    t.rows[3].nhist == 0 && t.rows[3].state == SWEEP_PENDING,
	    "a new table over an old one's memory: no history");

	/* The matrix cell counts done rows only, at test scales that exist. */
	for (int i = 0; i < t.n; i++) {
		t.rows[i].test_acc[0] = 0.5 + 0.125 * (i % 2);
		t.rows[i].test_loss[0] = 1.0;   /* just past test_acc[1] */
		t.rows[i].state = i == 1 ? SWEEP_RUNNING : SWEEP_DONE;
	}
	{
		sweep_stat st;

		sweep_matrix_cell(&t, 0, 0, 0, &st);
		ok(st.n == 1 && st.mean == 0.5, "matrix cell: a running seed "
		    "does not count (%d)", st.n);
		sweep_matrix_cell(&t, 0, 0, 2, &st);
		ok(st.n == 0, "matrix cell: no test scale 2 of 2");
		sweep_matrix_cell(&t, 0, 1, 0, &st);
		ok(st.n == 2 && st.mean == 0.5625 && st.min == 0.5 &&
		    st.max == 0.625, "matrix cell over two seeds");
	}
	sweep_table_free(&t);
}

/* Stop at the start of row want (progress NULL), counting calls. */
struct stopper {
	int want, calls, ends;
	int live, bad;  /* progress reports seen; one not in the table */
	int threads;    /* the OpenMP team a report came from */
};

/*
 * A table before training: its rows in grid order (decay, corruption,
 * scale, seed) against nested loops, each with its decay, every result
 * cell NAN and its own (one attack's cell is not the next row's test
 * accuracy); made over dirty memory; no decay axis or one decay; an empty
 * table copied over a full one; epochs and plans out of range refused.
 */
static void
test_table_layout(void)
{
	float        sc[2] = { 0.0f, 0.5f };
	sweep_plan   p;
	sweep_table  t, u;
	train_config c = cfg;
	char         err[256] = "";
	int          good = 1, i = 0, na = 0;

	sweep_plan_default(&p, sc, 2);
	p.ncorruptions = 2;
	p.corruptions[1] = CORRUPT_IMPULSE;
	p.ndecays = 2;
	p.decays[0] = 0.0f;
	p.decays[1] = 1e-4f;
	p.nseeds = 2;
	p.probes = 1;
	probe_attack_parse("fgsm:0.1", p.attacks, &na, PROBE_MAX_ATTACKS, err,
	    sizeof err);
	p.nattacks = na;
	c.weight_decay = 0.5f;
	memset(&t, 0x5a, sizeof t);
	if (!ok(sweep_table_init(&t, &c, &p, err, sizeof err) == 0 &&
	    t.n == 16, "a table of 2 decays x 2 corruptions x 2 scales x 2 "
	    "seeds, made over dirty memory: %s", err))
		return;
	for (int d = 0; d < 2; d++)
		for (int k = 0; k < 2; k++)
			for (int s = 0; s < 2; s++)
				for (int e = 0; e < 2; e++, i++) {
					const sweep_row *r = &t.rows[i];

					good &= r->decay_index == d &&
					    r->weight_decay == p.decays[d] &&
					    r->corruption_index == k &&
					    r->corruption == p.corruptions[k] &&
					    r->scale_index == s &&
					    r->scale == sc[s] &&
					    r->seed_index == e &&
					    r->seed == c.seed + (uint64_t)e &&
					    r->state == SWEEP_PENDING &&
					    r->nhist == 0;
				}
	ok(good, "rows in grid order: decay, corruption, scale, seed");
	good = 1;
	i = 0;
	for (int d = 0; d < 2; d++)
		for (int k = 0; k < 2; k++)
			for (int s = 0; s < 2; s++)
				for (int e = 0; e < 2; e++, i++)
					good &= sweep_row_index_wd(&t, d, k, s,
					    e) == i;
	ok(good && sweep_row_index_wd(&t, -1, 0, 0, 0) == -1 &&
	    sweep_row_index_wd(&t, 2, 0, 0, 0) == -1, "sweep_row_index_wd "
	    "finds each; decay -1 and 2 of 2 are -1");
	good = 1;
	for (i = 0; i < t.n; i++) {
		const sweep_row *r = &t.rows[i];

		for (int j = 0; j < p.ntest; j++)
			good &= isnan(r->test_acc[j]) && isnan(r->test_loss[j]) &&
			    isnan(r->test_ece[j]) && isnan(r->test_conf[j]);
		good &= isnan(r->sens.grad_norm) && isnan(r->sens.jac_frob) &&
		    isnan(r->sens.w1_norm) && isnan(r->sens.rf_rough) &&
		    isnan(r->sens.rf_rough_delta) && isnan(r->attack_acc[0]);
	}
	ok(good, "every result cell NAN before training");
	for (i = 0; i < t.n; i++)
		t.rows[i].attack_acc[0] = i;
	for (i = 0; i < t.n; i++)
		t.rows[i].test_acc[0] = -1.0 - i;
	good = 1;
	for (i = 0; i < t.n; i++)
		good &= t.rows[i].attack_acc[0] == i;
	ok(good, "each row's attack cell is its own");
	sweep_table_free(&t);

	sweep_plan_default(&p, sc, 2);
	ok(sweep_table_init(&t, &c, &p, err, sizeof err) == 0 &&
	    t.rows[1].weight_decay == 0.5f, "no decay axis: every row has the "
	    "configuration's weight decay");
	sweep_table_free(&t);
	p.ndecays = 1;
	p.decays[0] = 1e-4f;
	ok(sweep_table_init(&t, &c, &p, err, sizeof err) == 0 && t.n == 2 &&
	    t.rows[1].weight_decay == 1e-4f, "one decay: every row has it");
	if (sweep_table_init(&u, &c, &p, err, sizeof err) == 0) {
		sweep_table_free(&t);
		ok(sweep_table_copy(&u, &t) == 0 && u.n == 0, "an empty table "
		    "copied over a full one: empty");
		sweep_table_free(&u);
	}
	sweep_table_free(&t);

	ok(!sweep_table_finished(&t), "an empty table is not finished");
	ok(sweep_in_shard(5, 0, 0) && sweep_in_shard(5, 0, 1) &&
	    sweep_in_shard(5, 1, 1) && sweep_in_shard(5, 2, 4) &&
	    !sweep_in_shard(5, 1, 4), "shards: n of 0 or 1 takes every row, "
	    "row 5 of 4 shards is shard 2's");
	p.ndecays = 0;
	sweep_plan_default(&p, sc, 1);
	if (sweep_table_init(&t, &c, &p, err, sizeof err) == 0) {
		t.rows[0].state = SWEEP_DONE;
		ok(t.n == 1 && sweep_table_finished(&t), "one row done: "
		    "finished");
		sweep_table_free(&t);
	}
	/* the most seeds: each counts in every statistic */
	p.nseeds = SWEEP_MAX_SEEDS;
	if (sweep_table_init(&t, &c, &p, err, sizeof err) == 0) {
		sweep_summary sum;
		double        want = 0.0;

		for (i = 0; i < t.n; i++) {
			t.rows[i].state = SWEEP_DONE;
			t.rows[i].nhist = 1;
			t.rows[i].hist[0] = (train_epoch){ 1, 1.0, 0.5 + i / 100.0,
			    1.0 + i, 0.25 + i / 100.0, 2.0 + i };
			want += 1.0 + i;
		}
		sweep_summarize(&t, 0, 0, &sum);
		{
			sweep_stat cell;

			for (i = 0; i < t.n; i++)
				t.rows[i].test_acc[0] = i;
			sweep_matrix_cell(&t, 0, 0, 0, &cell);
			ok(cell.n == SWEEP_MAX_SEEDS && cell.max == t.n - 1,
			    "%d seeds: each in its matrix cell",
			    SWEEP_MAX_SEEDS);
		}
		ok(sum.acc.n == SWEEP_MAX_SEEDS && sum.loss.n == SWEEP_MAX_SEEDS &&
		    sum.val_acc.n == SWEEP_MAX_SEEDS &&
		    sum.val_loss.n == SWEEP_MAX_SEEDS && sum.loss.min == 1.0 &&
		    fabs(sum.loss.mean - want / SWEEP_MAX_SEEDS) < 1e-12,
		    "%d seeds: every one in each statistic (loss mean %g)",
		    SWEEP_MAX_SEEDS, sum.loss.mean);
		sweep_table_free(&t);
	}
	/* and in every probe statistic, of the most attacks; only done rows
	 * count; attacks past the plan's are left zero */
	p.probes = 1;
	na = 0;
	{
		char list[256] = "";

		for (int a = 0; a < PROBE_MAX_ATTACKS; a++)
			snprintf(list + strlen(list), sizeof list - strlen(list),
			    "%sfgsm:0.%02d", a ? "," : "", a + 1);
		probe_attack_parse(list, p.attacks, &na, PROBE_MAX_ATTACKS, err,
		    sizeof err);
	}
	p.nattacks = na;
	if (sweep_table_init(&t, &c, &p, err, sizeof err) == 0) {
		sweep_probe_summary ps;

		for (i = 0; i < t.n; i++) {
			t.rows[i].state = SWEEP_DONE;
			t.rows[i].sens = (probe_sens){ i, i, i, i, i };
			for (int a = 0; a < na; a++)
				t.rows[i].attack_acc[a] = a + i;
		}
		sweep_summarize_probes(&t, 0, 0, 0, &ps);
		good = 1;
		for (int q = 0; q < SWEEP_NSENS; q++)
			good &= ps.sens[q].n == SWEEP_MAX_SEEDS &&
			    ps.sens[q].min == 0.0;
		for (int a = 0; a < na; a++)
			good &= ps.attack[a].n == SWEEP_MAX_SEEDS &&
			    ps.attack[a].min == a;
		ok(good && na == PROBE_MAX_ATTACKS, "%d seeds, %d attacks: "
		    "every one in each probe statistic", SWEEP_MAX_SEEDS, na);
		t.rows[0].state = SWEEP_RUNNING;
		sweep_summarize_probes(&t, 0, 0, 0, &ps);
		ok(ps.sens[0].n == SWEEP_MAX_SEEDS - 1 && ps.sens[0].min == 1.0,
		    "a row not done does not count, its figures set or not");
		t.plan.nattacks = 0;
		memset(&ps, 0x5a, sizeof ps);
		sweep_summarize_probes(&t, 0, 0, 0, &ps);
		ok(ps.attack[0].n == 0 && ps.sens[4].n == SWEEP_MAX_SEEDS - 1,
		    "of no attacks: the attacks' statistics zero");
		t.plan.nattacks = 1;
		memset(&ps, 0x5a, sizeof ps);
		sweep_summarize_probes(&t, 0, 0, 0, &ps);
		ok(ps.attack[0].n == SWEEP_MAX_SEEDS - 1 && ps.attack[1].n == 0 &&
		    ps.attack[PROBE_MAX_ATTACKS - 1].n == 0, "of one attack: "
		    "the others' statistics zero");
		sweep_table_free(&t);
	}
	p.probes = 0;
	p.nattacks = 0;
	c.epochs = 0;
	ok(sweep_table_init(&t, &c, &p, err, sizeof err) == -1 &&
	    strstr(err, "epochs 0") != NULL, "0 epochs refused: %s", err);
	c.epochs = TRAIN_MAX_EPOCHS + 1;
	ok(sweep_table_init(&t, &c, &p, err, sizeof err) == -1 &&
	    strstr(err, "epochs") != NULL, "%d epochs refused: %s",
	    c.epochs, err);
	c.epochs = TRAIN_MAX_EPOCHS;
	ok(sweep_table_init(&t, &c, &p, err, sizeof err) == 0,
	    "%d epochs, the most, taken", c.epochs);
	sweep_table_free(&t);
	c = cfg;
	p.nseeds = 0;
	ok(sweep_table_init(&t, &c, &p, err, sizeof err) == -1,
	    "a plan of 0 seeds refused: %s", err);
}

/* A fresh row's training images for an epoch, drawn here. */
struct fresh_draws {
	const sweep_row *row;
	float           *x;
};

static int
fresh_draw(void *arg, int epoch, char *err, size_t errlen)
{
	struct fresh_draws *f = arg;

	return sweep_corrupt(f->row->corruption, f->row->scale, f->row->seed,
	    &ds.train, 0, 0, ds.train.n, (uint32_t)epoch, f->x, err, errlen);
}

/*
 * Row i of t trains as train_run does on the draws its plan names, made
 * here: the training split's draws of epoch 0 (fixed) or of each epoch
 * (fresh), the validation set the test split's, drawn once.
 */
static int
replays(const sweep_table *t, int i)
{
	const sweep_row *r = &t->rows[i];
	size_t        ntr = ds.train.n, nte = ds.test.n;
	float        *xtr = malloc(ntr * DATASET_NPIX * sizeof *xtr);
	float        *xte = malloc(nte * DATASET_NPIX * sizeof *xte);
	struct fresh_draws fr = { r, xtr };
	train_data    tr = { xtr, ds.train.label, ntr, DATASET_NPIX, NULL,
	    NULL };
	train_data    te = { xte, ds.test.label, nte, DATASET_NPIX, NULL,
	    NULL };
	train_result *res = malloc(sizeof *res);
	train_config  c1 = t->cfg;
	char          err[NT_ERR_LEN] = "";
	int           same = 0;

	if (t->plan.mode == SWEEP_FRESH) {
		tr.refresh = fresh_draw;
		tr.refresh_arg = &fr;
	} else
		sweep_corrupt(r->corruption, r->scale, r->seed, &ds.train, 0, 0,
		    ntr, 0, xtr, err, sizeof err);
	c1.seed = r->seed;
	c1.weight_decay = r->weight_decay;
	if (sweep_corrupt(r->corruption, r->scale, r->seed, &ds.test, 1, 0,
	    nte, 0, xte, err, sizeof err) == 0 && train_run(&c1, &tr, &te,
	    NULL, NULL, NULL, NULL, res, err, sizeof err) == 0) {
		same = res->nhist == r->nhist;
		for (int e = 0; same && e < r->nhist; e++)
			same = res->hist[e].loss == r->hist[e].loss &&
			    res->hist[e].acc == r->hist[e].acc &&
			    res->hist[e].val_loss == r->hist[e].val_loss &&
			    res->hist[e].val_acc == r->hist[e].val_acc;
		mlp_free(res->model);
	}
	if (err[0] != '\0')
		diag("%s", err);
	free(res);
	free(xtr);
	free(xte);
	return same;
}

static int
stop_at_row(const sweep_progress *p, void *user)
{
	struct stopper *s = user;

	s->calls++;
	if (p->progress == NULL && p->table->rows[p->row].state != SWEEP_RUNNING)
		s->ends++;
	/* a row's start: where it is, nothing of its epoch yet */
	if (p->progress == NULL &&
	    p->table->rows[p->row].state == SWEEP_RUNNING) {
		const sweep_row *r = &p->table->rows[p->row];

		if (p->table->current != p->row || r->live.epoch != r->nhist + 1 ||
		    r->live.batch != 0 || r->live.batches != 0 ||
		    r->live.seconds != 0.0 || !isnan(r->live.acc) ||
		    !isnan(r->live.loss))
			s->bad++;
	}
	/* a report of training: the row already holds its history and
	 * where it is */
	if (p->progress != NULL) {
		const sweep_row      *r = &p->table->rows[p->row];
		const train_progress *q = p->progress;

		s->live++;
		s->threads = omp_get_max_threads();
		if (r->nhist != q->nhist || memcmp(r->hist, q->hist,
		    (size_t)q->nhist * sizeof *q->hist) != 0 ||
		    r->live.epoch != q->epoch || r->live.batch != q->batch)
			s->bad++;
	}
	return p->progress == NULL && p->row == s->want &&
	    p->table->rows[p->row].state == SWEEP_RUNNING;
}

/* After row 0 ends, stop. */
static int
stop_after_row0(const sweep_progress *p, void *user)
{
	(void)user;
	return p->progress == NULL && p->row == 0 &&
	    p->table->rows[0].state == SWEEP_DONE;
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
	ok(m.val_acc.n == 2 && fabs(m.val_acc.mean - 0.825) < 1e-12 &&
	    m.acc.n == 2 && m.loss.n == 2 && m.val_loss.n == 2,
	    "summary: only done seeds count, in every metric (%d, mean %.4f)",
	    m.val_acc.n, m.val_acc.mean);
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

/* Rows i of a and b have the same probes, bit for bit. */
static int
same_probes(const sweep_table *a, const sweep_table *b, int i)
{
	const sweep_row *x = &a->rows[i], *y = &b->rows[i];

	return memcmp(&x->sens, &y->sens, sizeof x->sens) == 0 &&
	    memcmp(x->test_ece, y->test_ece, (size_t)a->plan.ntest *
	    sizeof(double)) == 0 && memcmp(x->test_conf, y->test_conf,
	    (size_t)a->plan.ntest * sizeof(double)) == 0 &&
	    memcmp(x->attack_acc, y->attack_acc, (size_t)a->plan.nattacks *
	    sizeof(double)) == 0;
}

/*
 * Weight decay as the grid's outer axis, and the probes of every row: the
 * same bits on 1 and 2 threads and in shards; the calibration's accuracy is
 * the matrix's; FGSM at eps 0 is the clean test accuracy; decay shrinks
 * the first layer.
 */
static void
test_probes_and_decay(void)
{
	float        sc[2] = { 0.0f, 1.0f };
	sweep_plan   p;
	sweep_table *a, *b, *c, *d;
	char         err[NT_ERR_LEN];
	int          n = 0;

	sweep_plan_default(&p, sc, 2);
	p.ndecays = sweep_parse_decays("0,0.01", p.decays, err, sizeof err);
	probe_attack_parse("fgsm:0,fgsm:0.1,pgd:0.1:5", p.attacks, &n,
	    PROBE_MAX_ATTACKS, err, sizeof err);
	p.nattacks = n;
	ok(p.ndecays == 2 && sweep_plan_rows(&p) == 4 && sweep_plan_probes(&p),
	    "2 decays x 2 scales: 4 rows, probed");
	a = trained(&p, 1, 1, 1);
	b = trained(&p, 1, 1, 2);
	c = trained(&p, 1, 2, 2);
	d = trained(&p, 2, 2, 2);
	if (!ok(a != NULL && b != NULL && c != NULL && d != NULL &&
	    sweep_table_finished(a), "a probed sweep with decays trains")) {
		drop(a);
		drop(b);
		drop(c);
		drop(d);
		return;
	}
	ok(a->rows[1].weight_decay == 0.0f && a->rows[2].weight_decay == 0.01f &&
	    a->rows[2].decay_index == 1 && a->rows[2].scale_index == 0 &&
	    sweep_row_index_wd(a, 1, 0, 1, 0) == 3, "decay is the outer axis "
	    "(row 2: decay 0.01, scale 0)");
	int same = 1;
	for (int i = 0; i < 4; i++)
		same = same && same_row(a, b, i) && same_probes(a, b, i) &&
		    same_row(b, i % 2 ? d : c, i) &&
		    same_probes(b, i % 2 ? d : c, i);
	ok(same, "probes and decays: 1 and 2 threads and 2 shards give the "
	    "same bits");
	int calib = 1;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 2; j++)
			calib = calib && a->rows[i].test_ece[j] >= 0.0 &&
			    a->rows[i].test_ece[j] <= 1.0 &&
			    a->rows[i].test_conf[j] > 0.1;
	ok(calib, "every cell calibrated (clean model: ECE %.4f at 0, %.4f "
	    "at 1; confidence %.4f, %.4f)", a->rows[0].test_ece[0],
	    a->rows[0].test_ece[1], a->rows[0].test_conf[0],
	    a->rows[0].test_conf[1]);
	ok(a->rows[0].attack_acc[0] == a->rows[0].test_acc[0] &&
	    a->rows[3].attack_acc[0] == a->rows[3].test_acc[0] &&
	    a->rows[0].attack_acc[2] <= a->rows[0].attack_acc[1] &&
	    a->rows[0].attack_acc[1] < a->rows[0].attack_acc[0],
	    "FGSM at 0 is the clean accuracy %.4f exactly; FGSM 0.1 %.4f, "
	    "PGD 0.1x5 %.4f", a->rows[0].test_acc[0], a->rows[0].attack_acc[1],
	    a->rows[0].attack_acc[2]);
	ok(a->rows[2].sens.w1_norm < a->rows[0].sens.w1_norm &&
	    a->rows[0].sens.grad_norm > 0.0 && a->rows[0].sens.jac_frob > 0.0,
	    "decay 0.01 shrinks W1 (%.3f < %.3f); input gradient %.4f, "
	    "Jacobian %.4f, roughness %.3f", a->rows[2].sens.w1_norm,
	    a->rows[0].sens.w1_norm, a->rows[0].sens.grad_norm,
	    a->rows[0].sens.jac_frob, a->rows[0].sens.rf_rough);
	sweep_probe_summary ps;

	sweep_summarize_probes(a, 1, 0, 0, &ps);
	ok(ps.sens[0].n == 1 && ps.sens[0].mean == a->rows[2].sens.grad_norm &&
	    ps.sens[4].mean == a->rows[2].sens.rf_rough_delta &&
	    ps.attack[2].mean == a->rows[2].attack_acc[2] &&
	    ps.attack[2].sd == 0.0, "the probes over seeds of (decay 0.01, "
	    "scale 0): its one row's");
	ok(a->rows[0].sens.rf_rough_delta > 0.0 &&
	    a->rows[3].sens.rf_rough_delta > 0.0, "the roughness of the first "
	    "layer's change from its initialisation: %.3f (clean), %.3f",
	    a->rows[0].sens.rf_rough_delta, a->rows[3].sens.rf_rough_delta);
	ok(a->rows[0].sens.grad_norm != a->rows[1].sens.grad_norm &&
	    !isnan(a->rows[1].sens.rf_rough), "training at scale 1 changes "
	    "the input gradient (%.4f vs %.4f clean) and roughness (%.3f vs "
	    "%.3f)", a->rows[1].sens.grad_norm, a->rows[0].sens.grad_norm,
	    a->rows[1].sens.rf_rough, a->rows[0].sens.rf_rough);
	drop(a);
	drop(b);
	drop(c);
	drop(d);

	/* A default plan probes nothing and leaves the values NAN. */
	sweep_plan_default(&p, sc, 1);
	a = trained(&p, 1, 1, 2);
	ok(a != NULL && !sweep_plan_probes(&p) && isnan(a->rows[0].sens.grad_norm)
	    && isnan(a->rows[0].test_ece[0]) && a->rows[0].weight_decay == 0.0f,
	    "a default plan: no probes, no decay");
	drop(a);
	p.ndecays = 1;
	p.decays[0] = -1.0f;
	ok(sweep_plan_check(&p, err, sizeof err) != 0, "a negative decay is "
	    "refused: %s", err);
	ok(sweep_parse_decays("0,0", p.decays, err, sizeof err) == -1 &&
	    sweep_parse_decays("2", p.decays, err, sizeof err) == -1 &&
	    sweep_parse_decays("1e-4,x", p.decays, err, sizeof err) == -1,
	    "decay lists with repeats, values above 1 or junk are refused");
}

/*
 * The data set axis: the outermost of the grid, each row on its own set
 * (sets of different sizes), the same bits as a sweep of that set alone,
 * and shards that make up the whole.
 */
static void
test_datasets(void)
{
	float        sc[2] = { 0.0f, 1.0f };
	dataset      sets[2];
	sweep_plan   p, one;
	sweep_table *a, *b, *s1, *s2, *alone0, *alone1;
	dataset_kind k[SWEEP_MAX_DATASETS + 1];
	char         err[NT_ERR_LEN];
	int          good = 1;

	/* parsing */
	ok(sweep_parse_datasets("mnist,fashion", k, err, sizeof err) == 2 &&
	    k[0] == DATASET_MNIST && k[1] == DATASET_FASHION,
	    "'mnist,fashion': two sets, in order");
	ok(sweep_parse_datasets("kmnist", k, err, sizeof err) == 1 &&
	    k[0] == DATASET_KMNIST, "'kmnist': one set");
	ok(sweep_parse_datasets("mnist,cifar10", k, err, sizeof err) == -1 &&
	    strstr(err, "'cifar10'") != NULL && strstr(err,
	    "mnist|fashion|kmnist") != NULL, "an unknown set is named: '%s'",
	    err);
	ok(sweep_parse_datasets("mnist,mnist", k, err, sizeof err) == -1 &&
	    strstr(err, "twice") != NULL, "a set twice: '%s'", err);
	ok(sweep_parse_datasets("", k, err, sizeof err) == -1 &&
	    sweep_parse_datasets("mnist,", k, err, sizeof err) == -1,
	    "an empty list, an empty name: refused");

	/* the grid */
	sweep_plan_default(&p, sc, 2);
	p.nseeds = 3;
	p.ncorruptions = 2;
	p.corruptions[1] = CORRUPT_SPECKLE;
	p.ndatasets = 2;
	p.datasets[0] = DATASET_MNIST;
	p.datasets[1] = DATASET_FASHION;
	ok(sweep_plan_check(&p, err, sizeof err) == 0 &&
	    sweep_plan_rows(&p) == 2 * 2 * 2 * 3 && sweep_plan_ndatasets(&p) ==
	    2 && sweep_plan_ngroups(&p) == 2, "2 sets x 2 corruptions x 2 "
	    "scales x 3 seeds: %d rows", sweep_plan_rows(&p));
	p.ndecays = 2;
	p.decays[1] = 0.001f;
	ok(sweep_plan_rows(&p) == 48 && sweep_plan_ngroups(&p) == 4,
	    "and 2 decays: 48 rows, 4 groups");
	{
		sweep_table t;
		train_config c = cfg;

		if (sweep_table_init(&t, &c, &p, err, sizeof err) != 0)
			good = 0;
		for (int i = 0; good && i < t.n; i++) {
			const sweep_row *r = &t.rows[i];

			good &= r->dataset_index == i / 24 && r->decay_index ==
			    i / 12 % 2 && r->corruption_index == i / 6 % 2 &&
			    r->scale_index == i / 3 % 2 && r->seed_index == i % 3 &&
			    sweep_row_index_wd(&t, sweep_row_group(&t, r),
			    r->corruption_index, r->scale_index,
			    r->seed_index) == i;
		}
		ok(good && t.n == 48 && sweep_row_index_wd(&t, 4, 0, 0, 0) == -1,
		    "each row's set is the outermost index (rows 0-23 MNIST, "
		    "24-47 Fashion-MNIST), and its group finds it again");
		ok(strcmp(sweep_plan_dataset_name(&p, 1), "Fashion-MNIST") == 0 &&
		    strcmp(sweep_plan_dataset_name(&p, 2), "") == 0,
		    "set 1 is named Fashion-MNIST; no set 2");
		if (good)
			sweep_table_free(&t);
	}
	p.datasets[1] = DATASET_MNIST;
	ok(sweep_plan_check(&p, err, sizeof err) != 0 && strstr(err,
	    "twice") != NULL, "a plan with a set twice is refused: '%s'", err);
	p.datasets[1] = DATASET_AUTO;
	ok(sweep_plan_check(&p, err, sizeof err) != 0, "an unnamed set in "
	    "the axis is refused: '%s'", err);

	/* training: each set its own, sizes differing */
	memset(sets, 0, sizeof sets);
	sets[0] = ds;
	if (dataset_synthetic(&sets[1], 7, 2000, 300, err, sizeof err) != 0) {
		ok(0, "synthetic digits, seed 7: %s", err);
		return;
	}
	sweep_plan_default(&p, sc, 2);
	p.ndatasets = 2;
	p.datasets[0] = DATASET_MNIST;
	p.datasets[1] = DATASET_FASHION;
	sweep_plan_default(&one, sc, 2);
	a = trained_on(&p, sets, 1, 1, 2);
	b = trained_on(&p, sets, 1, 1, 1);
	s1 = trained_on(&p, sets, 1, 2, 2);
	s2 = trained_on(&p, sets, 2, 2, 2);
	alone0 = trained_on(&one, &sets[0], 1, 1, 2);
	alone1 = trained_on(&one, &sets[1], 1, 1, 2);
	if (ok(a != NULL && b != NULL && s1 != NULL && s2 != NULL &&
	    alone0 != NULL && alone1 != NULL && a->n == 4 &&
	    sweep_table_finished(a), "a sweep of two sets trains 4 rows")) {
		int same0 = 1, same1 = 1, shards = 1;

		for (int i = 0; i < 2; i++) {
			sweep_table x = *a;

			/* a's rows 2 and 3 against alone1's 0 and 1 */
			x.rows = a->rows + 2;
			same0 &= same_row(a, alone0, i);
			same1 &= same_row(&x, alone1, i);
		}
		for (int i = 0; i < 4; i++) {
			shards &= same_row(a, b, i);
			shards &= same_row(a, i % 2 ? s2 : s1, i);
		}
		ok(same0, "the first set's rows: the bits of a sweep of it alone");
		ok(same1, "the second set's rows (2000 images, not 3000): the "
		    "bits of a sweep of it alone");
		ok(shards, "1 and 2 threads, and 2 shards, give the same bits");
		ok(a->rows[0].hist[1].val_loss != a->rows[2].hist[1].val_loss,
		    "the two sets train differently (val loss %.4f vs %.4f)",
		    a->rows[0].hist[1].val_loss, a->rows[2].hist[1].val_loss);
	}
	drop(a);
	drop(b);
	drop(s1);
	drop(s2);
	drop(alone0);
	drop(alone1);
	dataset_free(&sets[1]);
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
	test_table_layout();
	test_plan_and_table();
	test_datasets();

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

	/* A callback stops a sweep at the start of a row, or after one. */
	{
		sweep_table    t;
		struct stopper st = { 1, 0, 0, 0, 0, 0 };
		mlp           *keep = (mlp *)&st;
		train_config   c1 = cfg;

		float          three[3] = { 0.0f, 0.5f, 1.0f };

		c1.epochs = 1;
		c1.threads = 2;
		sweep_plan_default(&p, three, 3);
		sweep_table_init(&t, &c1, &p, err, sizeof err);
		ok(sweep_run(&t, &ds, NULL, 1, 1, NULL, stop_at_row, &st, &keep,
		    err, sizeof err) == 0 && t.rows[0].state == SWEEP_DONE &&
		    t.rows[1].state == SWEEP_CANCELLED && t.current == -1 &&
		    t.rows[2].state == SWEEP_PENDING &&
		    keep != NULL && keep->nlayer == 3, "a callback stopping "
		    "row 1 at its start: row 0 done, row 1 cancelled, row 2 not "
		    "begun, row 0's model kept");
		ok(st.live >= 1 && st.bad == 0, "the callback saw %d reports "
		    "of training, each with the row's history and place in "
		    "the table (%d not)", st.live, st.bad);
		mlp_free(keep);
		keep = (mlp *)&st;
		ok(sweep_run(&t, &ds, NULL, 1, 1, NULL, NULL, NULL, &keep, err,
		    sizeof err) == 0 && t.rows[1].state == SWEEP_DONE &&
		    sweep_table_finished(&t), "run again: the rest done");
		mlp_free(keep);
		keep = (mlp *)&st;
		ok(sweep_run(&t, &ds, NULL, 1, 1, NULL, NULL, NULL, &keep, err,
		    sizeof err) == 0 && keep == NULL, "a finished sweep trains "
		    "nothing and keeps no model");
		sweep_table_free(&t);
		sweep_table_init(&t, &c1, &p, err, sizeof err);
		{
			train_control ctl;

			atomic_init(&ctl.cancel, 1);
			atomic_init(&ctl.pause, 0);
			ctl.paused = NULL;
			ctl.paused_user = NULL;
			ok(sweep_run(&t, &ds, NULL, 1, 1, &ctl, NULL, NULL, NULL,
			    err, sizeof err) == 0 && t.rows[0].state ==
			    SWEEP_PENDING && t.rows[0].nhist == 0, "cancelled "
			    "before it starts: no row begun");
		}
		ok(sweep_run(&t, &ds, NULL, 1, 1, NULL, stop_after_row0, NULL,
		    NULL, err, sizeof err) == 0 && t.rows[0].state ==
		    SWEEP_DONE && t.rows[1].state == SWEEP_PENDING,
		    "a callback stopping after row 0: row 1 left pending");
		sweep_table_free(&t);
		/* A row trained under a lock (rows side by side): every
		 * report relayed, the lock free after. */
		{
			sweep_lane      l;
			pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
			struct stopper  s2 = { -1, 0, 0, 0, 0, 0 };
			sweep_plan      pp = p;
			mlp            *m = NULL;
			train_config    one = c1;

			pp.probes = 1;
			one.threads = 1;
			sweep_table_init(&t, &one, &pp, err, sizeof err);
			memset(&l, 0x5a, sizeof l);   /* a lane over dirty memory */
			if (sweep_lane_init(&l, &ds, 1, err, sizeof err) == 0) {
				int rc = sweep_run_row(&t, 0, &ds, &l, NULL,
				    NULL, stop_at_row, &s2, &lock, &m, err,
				    sizeof err);

				ok(rc == 0 && t.rows[0].state == SWEEP_DONE &&
				    l.threads == 0 && s2.live >= 1 && s2.bad == 0 &&
				    s2.threads == 1 &&
				    pthread_mutex_trylock(&lock) == 0,
				    "a row under a lock: done, %d reports from "
				    "the table's 1 thread (%d), the lock free "
				    "after", s2.live, s2.threads);
				pthread_mutex_unlock(&lock);
				/* a row that cannot train, under the lock:
				 * cancelled, the lock free after */
				t.rows[1].state = SWEEP_PENDING;
				t.cfg.batch = 5000;
				rc = sweep_run_row(&t, 1, &ds, &l, NULL, NULL,
				    NULL, NULL, &lock, NULL, err, sizeof err);
				t.cfg.batch = one.batch;
				ok(rc == -1 && t.rows[1].state ==
				    SWEEP_CANCELLED &&
				    pthread_mutex_trylock(&lock) == 0,
				    "a row failing under a lock: cancelled, the "
				    "lock free after: '%s'", err);
				pthread_mutex_unlock(&lock);
				sweep_lane_free(&l);
				sweep_lane_free(&l);   /* a freed lane, */
				sweep_lane_free(NULL); /* and none */
			}
			/* its first layer's roughness change, from the
			 * row's own initial weights */
			if (m != NULL) {
				float *w0 = malloc((size_t)m->size[0] *
				    m->size[1] * sizeof *w0);

				mlp_init_layer(m, 0, t.rows[0].seed, w0);
				ok(t.rows[0].sens.rf_rough_delta ==
				    probe_roughness(m->W[0], w0, m->size[0],
				    m->size[1], DATASET_SIDE, DATASET_SIDE),
				    "rf_rough_delta: from layer 0's initial "
				    "weights (%g)", t.rows[0].sens.rf_rough_delta);
				free(w0);
				mlp_free(m);
			} else
				ok(0, "the row's model kept");
			sweep_table_free(&t);
		}
		/* A batch larger than the data: train_run refuses it, and
		 * the row is cancelled with the message. */
		c1.batch = 5000;
		sweep_table_init(&t, &c1, &p, err, sizeof err);
		ok(sweep_run(&t, &ds, NULL, 1, 1, NULL, NULL, NULL, NULL, err,
		    sizeof err) == -1 && strstr(err, "larger than") != NULL &&
		    t.rows[0].state == SWEEP_CANCELLED && t.rows[1].state ==
		    SWEEP_PENDING && t.current == -1, "a row that cannot train: "
		    "cancelled, the sweep stops: '%s'", err);
		sweep_table_free(&t);
	}

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
	ok(a != NULL && replays(a, 0), "fresh training: each epoch on that "
	    "epoch's draws of the training split, as train_run has it");
	ok(c != NULL && replays(c, 0), "fixed training: on epoch 0's draws of "
	    "the training split every epoch, as train_run has it");
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
	test_probes_and_decay();
	dataset_free(&ds);
	return tap_done();
}

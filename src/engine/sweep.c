/*
 * Sweeps: a grid of (corruption, scale, seed) rows, a fresh model each on
 * its own corrupted copy, evaluated at every test scale when done.
 */
#include "engine/sweep.h"

#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "data/noise.h"
#include "kernels/rng.h"

/* Doubles per row in mstore: test accuracy, loss, ECE and confidence at
 * each test scale, then the attacks' accuracies. */
static size_t
row_width(int ntest, int nattacks)
{
	size_t w = 4 * (size_t)(ntest > 0 ? ntest : 0) + (size_t)(nattacks > 0 ?
	    nattacks : 0);

	return w > 0 ? w : 1;
}

/* Room for n rows of epochs each in t->store, and their matrix rows. */
static int
reserve(sweep_table *t, int n, int epochs, int ntest, int nattacks)
{
	size_t need = (size_t)(n > 0 ? n : 1) * (size_t)(epochs > 0 ? epochs : 1);
	size_t w = row_width(ntest, nattacks);
	size_t mneed = (size_t)(n > 0 ? n : 1) * w;
	sweep_row *rows;

	if (need > t->cap) {
		train_epoch *p = realloc(t->store, need * sizeof *p);

		if (p == NULL)
			return -1;
		t->store = p;
		t->cap = need;
	}
	if (mneed > t->mcap) {
		double *p = realloc(t->mstore, mneed * sizeof *p);

		if (p == NULL)
			return -1;
		t->mstore = p;
		t->mcap = mneed;
	}
	if ((rows = realloc(t->rows, (size_t)(n > 0 ? n : 1) *
	    sizeof *rows)) == NULL)
		return -1;
	t->rows = rows;
	for (int i = 0; i < n; i++) {
		rows[i].hist = t->store + (size_t)i * (size_t)epochs;
		rows[i].test_acc = t->mstore + (size_t)i * w;
		rows[i].test_loss = rows[i].test_acc + ntest;
		rows[i].test_ece = rows[i].test_loss + ntest;
		rows[i].test_conf = rows[i].test_ece + ntest;
		rows[i].attack_acc = rows[i].test_conf + ntest;
	}
	return 0;
}

int
sweep_table_init(sweep_table *t, const train_config *cfg,
    const sweep_plan *plan, char *err, size_t errlen)
{
	int n;

	memset(t, 0, sizeof *t);
	t->cfg = *cfg;
	t->current = -1;
	if (cfg->epochs < 1 || cfg->epochs > TRAIN_MAX_EPOCHS)
		return err_set(err, errlen, "epochs %d: must be 1 to %d",
		    cfg->epochs, TRAIN_MAX_EPOCHS);
	if (sweep_plan_check(plan, err, errlen) != 0)
		return -1;
	t->plan = *plan;
	n = sweep_plan_rows(plan);
	if (reserve(t, n, cfg->epochs, plan->ntest, plan->nattacks) != 0) {
		sweep_table_free(t);
		return err_set(err, errlen, "out of memory for the sweep table");
	}
	t->n = n;
	/* grid order: data set, decay, corruption, scale, seed (the
	 * innermost) */
	for (int i = 0; i < n; i++) {
		sweep_row *r = &t->rows[i];
		int        k = i % plan->nseeds, s = i / plan->nseeds %
		    plan->nscales;
		int        c = i / (plan->nseeds * plan->nscales) %
		    plan->ncorruptions;
		int        g = i / (plan->nseeds * plan->nscales *
		    plan->ncorruptions);
		int        d = g % sweep_plan_ndecays(plan);

		r->scale = plan->scales[s];
		r->scale_index = s;
		r->seed_index = k;
		r->corruption_index = c;
		r->corruption = plan->corruptions[c];
		r->decay_index = d;
		r->dataset_index = g / sweep_plan_ndecays(plan);
		r->weight_decay = plan->ndecays > 0 ? plan->decays[d] :
		    cfg->weight_decay;
		r->seed = cfg->seed + (uint64_t)k;
		r->state = SWEEP_PENDING;
		r->nhist = 0;
		for (int j = 0; j < plan->ntest; j++)
			r->test_acc[j] = r->test_loss[j] = r->test_ece[j] =
			    r->test_conf[j] = NAN;
		r->sens.grad_norm = r->sens.jac_frob = NAN;
		r->sens.w1_norm = r->sens.rf_rough = NAN;
		r->sens.rf_rough_delta = NAN;
		for (int a = 0; a < plan->nattacks; a++)
			r->attack_acc[a] = NAN;
	}
	return 0;
}

int
sweep_table_copy(sweep_table *dst, const sweep_table *src)
{
	int epochs = src->cfg.epochs > 0 ? src->cfg.epochs : 1;
	int ntest = src->plan.ntest, na = src->plan.nattacks;

	if (reserve(dst, src->n, epochs, ntest, na) != 0) {
		dst->n = 0;
		return -1;
	}
	dst->n = src->n;
	dst->current = src->current;
	dst->cfg = src->cfg;
	dst->plan = src->plan;
	for (int i = 0; i < src->n; i++) {
		const sweep_row *s = &src->rows[i];
		sweep_row       *d = &dst->rows[i];
		train_epoch     *hist = d->hist;
		/* The row's arrays live in dst's store: keep them through the
		 * struct copy, then copy their contents. */
		double **dv[5] = { &d->test_acc, &d->test_loss, &d->test_ece,
		    &d->test_conf, &d->attack_acc };
		const double *sv[5] = { s->test_acc, s->test_loss, s->test_ece,
		    s->test_conf, s->attack_acc };
		size_t   len[5] = { (size_t)ntest, (size_t)ntest, (size_t)ntest,
		    (size_t)ntest, (size_t)na };
		double  *keep[5];

		for (int k = 0; k < 5; k++)
			keep[k] = *dv[k];
		*d = *s;
		d->hist = hist;
		memcpy(d->hist, s->hist, (size_t)s->nhist * sizeof *s->hist);
		for (int k = 0; k < 5; k++) {
			*dv[k] = keep[k];
			memcpy(keep[k], sv[k], len[k] * sizeof(double));
		}
	}
	return 0;
}

void
sweep_table_free(sweep_table *t)
{
	if (t == NULL)
		return;
	free(t->store);
	free(t->mstore);
	free(t->rows);
	memset(t, 0, sizeof *t);
	t->current = -1;
}

int
sweep_table_finished(const sweep_table *t)
{
	for (int i = 0; i < t->n; i++)
		if (t->rows[i].state != SWEEP_DONE)
			return 0;
	return t->n > 0;
}

int
sweep_row_index_wd(const sweep_table *t, int decay, int corruption,
    int scale, int seed)
{
	const sweep_plan *p = &t->plan;

	if (decay < 0 || decay >= sweep_plan_ngroups(p) || corruption < 0 ||
	    corruption >= p->ncorruptions || scale < 0 ||
	    scale >= p->nscales || seed < 0 || seed >= p->nseeds)
		return -1;
	return ((decay * p->ncorruptions + corruption) * p->nscales + scale) *
	    p->nseeds + seed;
}

int
sweep_row_group(const sweep_table *t, const sweep_row *r)
{
	return r->dataset_index * sweep_plan_ndecays(&t->plan) + r->decay_index;
}

int
sweep_row_index(const sweep_table *t, int corruption, int scale, int seed)
{
	return sweep_row_index_wd(t, 0, corruption, scale, seed);
}

/* Mean, sd, min and max of v[0..n-1], skipping NANs. */
static void
stat_of(const double *v, int n, sweep_stat *s)
{
	double sum = 0.0, ss = 0.0;

	memset(s, 0, sizeof *s);
	s->mean = s->sd = s->min = s->max = NAN;
	for (int i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (s->n == 0 || v[i] < s->min)
			s->min = v[i];
		if (s->n == 0 || v[i] > s->max)
			s->max = v[i];
		sum += v[i];
		s->n++;
	}
	if (s->n == 0)
		return;
	s->mean = sum / s->n;
	for (int i = 0; i < n; i++)
		if (!isnan(v[i]))
			ss += (v[i] - s->mean) * (v[i] - s->mean);
	s->sd = s->n > 1 ? sqrt(ss / (s->n - 1)) : 0.0;
}

void
sweep_summarize(const sweep_table *t, int corruption, int scale,
    sweep_summary *out)
{
	sweep_summarize_wd(t, 0, corruption, scale, out);
}

void
sweep_summarize_wd(const sweep_table *t, int decay, int corruption,
    int scale, sweep_summary *out)
{
	double v[4][SWEEP_MAX_SEEDS];
	int    n = t->plan.nseeds;

	for (int k = 0; k < n; k++) {
		int              i = sweep_row_index_wd(t, decay, corruption,
		    scale, k);
		const sweep_row *r = i >= 0 ? &t->rows[i] : NULL;
		const train_epoch *f;

		if (r == NULL || r->state != SWEEP_DONE || r->nhist == 0) {
			v[0][k] = v[1][k] = v[2][k] = v[3][k] = NAN;
			continue;
		}
		f = &r->hist[r->nhist - 1];
		v[0][k] = f->acc;
		v[1][k] = f->loss;
		v[2][k] = f->val_acc;
		v[3][k] = f->val_loss;
	}
	stat_of(v[0], n, &out->acc);
	stat_of(v[1], n, &out->loss);
	stat_of(v[2], n, &out->val_acc);
	stat_of(v[3], n, &out->val_loss);
}

void
sweep_summarize_probes(const sweep_table *t, int decay, int corruption,
    int scale, sweep_probe_summary *out)
{
	double v[SWEEP_NSENS + PROBE_MAX_ATTACKS][SWEEP_MAX_SEEDS];
	int    n = t->plan.nseeds, na = t->plan.nattacks;

	memset(out, 0, sizeof *out);
	for (int k = 0; k < n; k++) {
		int              i = sweep_row_index_wd(t, decay, corruption,
		    scale, k);
		const sweep_row *r = i >= 0 && t->rows[i].state == SWEEP_DONE ?
		    &t->rows[i] : NULL;

		v[0][k] = r ? r->sens.grad_norm : NAN;
		v[1][k] = r ? r->sens.jac_frob : NAN;
		v[2][k] = r ? r->sens.w1_norm : NAN;
		v[3][k] = r ? r->sens.rf_rough : NAN;
		v[4][k] = r ? r->sens.rf_rough_delta : NAN;
		for (int a = 0; a < na; a++)
			v[SWEEP_NSENS + a][k] = r ? r->attack_acc[a] : NAN;
	}
	for (int q = 0; q < SWEEP_NSENS; q++)
		stat_of(v[q], n, &out->sens[q]);
	for (int a = 0; a < na; a++)
		stat_of(v[SWEEP_NSENS + a], n, &out->attack[a]);
}

void
sweep_matrix_cell(const sweep_table *t, int corruption, int scale, int test,
    sweep_stat *acc)
{
	sweep_matrix_cell_wd(t, 0, corruption, scale, test, acc);
}

void
sweep_matrix_cell_wd(const sweep_table *t, int decay, int corruption,
    int scale, int test, sweep_stat *acc)
{
	double v[SWEEP_MAX_SEEDS];
	int    n = t->plan.nseeds;

	for (int k = 0; k < n; k++) {
		int i = sweep_row_index_wd(t, decay, corruption, scale, k);

		v[k] = i >= 0 && t->rows[i].state == SWEEP_DONE &&
		    test >= 0 && test < t->plan.ntest ?
		    t->rows[i].test_acc[test] : NAN;
	}
	stat_of(v, n, acc);
}

int
sweep_in_shard(int row, int k, int n)
{
	return n <= 1 || row % n == k - 1;
}

int
sweep_corrupt(corrupt_family family, float scale, uint64_t seed,
    const dataset_split *s, int split, size_t first, size_t n,
    uint32_t epoch, float *out, char *err, size_t errlen)
{
	corrupt_spec cs = { family, scale };

	return corrupt_apply(&cs, s->pix, first, n, DATASET_SIDE,
	    DATASET_SIDE, seed, split, epoch, out, err, errlen);
}

struct relay {
	sweep_table     *t;
	int              row;
	sweep_callback   cb;
	void            *user;
	pthread_mutex_t *lock;
};

static void
lock_table(pthread_mutex_t *lock)
{
	if (lock != NULL)
		pthread_mutex_lock(lock);
}

static void
unlock_table(pthread_mutex_t *lock)
{
	if (lock != NULL)
		pthread_mutex_unlock(lock);
}

/*
 * Copy finished epochs and where the row is into the row, then pass the
 * progress on; under the table's lock when there is one.  A batch's
 * report, which only says how far the row is, is skipped when another
 * thread holds the lock (recording an epoch: a checkpoint's write and
 * fsync), so that rows side by side never wait on each other's files
 * between their epochs; the next report comes a moment later.
 */
static int
relay_progress(const train_progress *p, void *arg)
{
	struct relay  *r = arg;
	sweep_row     *row = &r->t->rows[r->row];
	sweep_progress sp = { r->t, r->row, p };
	int            rc;

	if (r->lock != NULL && p->event == TRAIN_BATCH) {
		if (pthread_mutex_trylock(r->lock) != 0)
			return 0;
	} else
		lock_table(r->lock);
	memcpy(row->hist, p->hist, (size_t)p->nhist * sizeof *p->hist);
	row->nhist = p->nhist;
	row->live = (sweep_live){ p->epoch, p->batch, p->batches,
	    p->epoch_seconds, p->acc, p->loss };
	rc = r->cb != NULL ? r->cb(&sp, r->user) : 0;
	unlock_table(r->lock);
	return rc;
}

/* Fresh mode: the training images of one row, drawn again each epoch. */
struct fresh {
	const dataset *ds;
	const sweep_row *row;
	float         *x;
};

static int
fresh_epoch(void *arg, int epoch, char *err, size_t errlen)
{
	struct fresh *f = arg;

	return sweep_corrupt(f->row->corruption, f->row->scale, f->row->seed,
	    &f->ds->train, 0, 0, f->ds->train.n, (uint32_t)epoch, f->x, err,
	    errlen);
}

/*
 * The finished model of row on the test set at every test scale, each
 * with its own draws (the row's own scale gives its own validation set);
 * with probes, each cell's calibration from the same predictions (pred and
 * conf: ds->test.n each), then the probes on the clean test set.
 */
static int
fill_matrix(sweep_table *t, sweep_row *row, mlp *m, const dataset *ds,
    float *x, uint8_t *pred, float *conf, char *err, size_t errlen)
{
	train_data te = { x, ds->test.label, ds->test.n, DATASET_NPIX,
	    NULL, NULL };
	int        probes = sweep_plan_probes(&t->plan);
	float     *w0;

	for (int j = 0; j < t->plan.ntest; j++) {
		probe_calib c;

		if (sweep_corrupt(row->corruption, t->plan.test_scales[j],
		    row->seed, &ds->test, 1, 0, ds->test.n, 0, x, err,
		    errlen) != 0)
			return -1;
		train_evaluate(m, &te, &row->test_loss[j], &row->test_acc[j],
		    probes ? pred : NULL, probes ? conf : NULL);
		if (!probes)
			continue;
		probe_calibration(pred, conf, ds->test.label, ds->test.n, &c);
		row->test_ece[j] = c.ece;
		row->test_conf[j] = c.conf;
	}
	if (!probes)
		return 0;
	noise_clean(ds->test.pix, ds->test.n, DATASET_NPIX, x);
	if (probe_sensitivity(m, x, ds->test.label, ds->test.n, DATASET_SIDE,
	    DATASET_SIDE, &row->sens, err, errlen) != 0)
		return -1;
	/* the first layer's change from the row's own initialisation */
	if ((w0 = malloc((size_t)m->size[0] * m->size[1] * sizeof *w0)) ==
	    NULL)
		return err_set(err, errlen, "out of memory for the probes");
	mlp_init_layer(m, 0, row->seed, w0);
	row->sens.rf_rough_delta = probe_roughness(m->W[0], w0, m->size[0],
	    m->size[1], DATASET_SIDE, DATASET_SIDE);
	free(w0);
	for (int a = 0; a < t->plan.nattacks; a++)
		if (probe_attack_accuracy(m, &t->plan.attacks[a], x,
		    ds->test.label, ds->test.n, &row->attack_acc[a], err,
		    errlen) != 0)
			return -1;
	return 0;
}

int
sweep_lane_init(sweep_lane *l, const dataset *ds, int nds, char *err,
    size_t errlen)
{
	size_t ntr = 0, nte = 0;

	for (int k = 0; k < nds; k++) {
		ntr = ds[k].train.n > ntr ? ds[k].train.n : ntr;
		nte = ds[k].test.n > nte ? ds[k].test.n : nte;
	}

	memset(l, 0, sizeof *l);
	l->xtr = malloc((ntr ? ntr : 1) * DATASET_NPIX * sizeof(float));
	l->xte = malloc((nte ? nte : 1) * DATASET_NPIX * sizeof(float));
	l->res = malloc(sizeof *l->res);
	l->pred = malloc(nte ? nte : 1);
	l->conf = malloc((nte ? nte : 1) * sizeof *l->conf);
	l->mbuf = malloc(row_width(SWEEP_MAX_SCALES, PROBE_MAX_ATTACKS) *
	    sizeof *l->mbuf);
	if (l->xtr == NULL || l->xte == NULL || l->res == NULL ||
	    l->pred == NULL || l->conf == NULL || l->mbuf == NULL) {
		sweep_lane_free(l);
		return err_set(err, errlen, "out of memory for the noisy images");
	}
	return 0;
}

void
sweep_lane_free(sweep_lane *l)
{
	if (l == NULL)
		return;
	free(l->xtr);
	free(l->xte);
	free(l->res);
	free(l->pred);
	free(l->conf);
	free(l->mbuf);
	memset(l, 0, sizeof *l);
}

/*
 * The lane's scratch for row's matrix part (its test accuracy, loss, ECE
 * and confidence at each test scale, its attacks; laid out as reserve()
 * lays out a row's from test_acc on), so that fill_matrix works outside
 * the table's lock.
 */
static void
scratch_row(const sweep_table *t, const sweep_row *row, double *buf,
    sweep_row *out)
{
	int ntest = t->plan.ntest;

	/* What fill_matrix leaves alone (the probes' cells of an unprobed
	 * plan) stays as the row has it: NAN. */
	memcpy(buf, row->test_acc, row_width(ntest, t->plan.nattacks) *
	    sizeof *buf);
	*out = *row;
	out->test_acc = buf;
	out->test_loss = buf + ntest;
	out->test_ece = out->test_loss + ntest;
	out->test_conf = out->test_ece + ntest;
	out->attack_acc = out->test_conf + ntest;
}

/* Row i leaves training: its history and state and (done) its matrix
 * part and probes from the lane's scratch, then the callback.  Returns
 * nonzero when the sweep stops here (the row was cancelled, or the
 * callback says so).  Under the table's lock when there is one. */
static int
end_row(sweep_table *t, int i, const sweep_lane *l, const sweep_row *scratch,
    int state, sweep_callback cb, void *user, pthread_mutex_t *lock)
{
	sweep_row     *row = &t->rows[i];
	sweep_progress sp = { t, i, NULL };
	int            rc;

	lock_table(lock);
	memcpy(row->hist, l->res->hist, (size_t)l->res->nhist *
	    sizeof *l->res->hist);
	row->nhist = l->res->nhist;
	row->state = state;
	if (state == SWEEP_DONE) {
		memcpy(row->test_acc, scratch->test_acc, row_width(t->plan.ntest,
		    t->plan.nattacks) * sizeof(double));
		row->sens = scratch->sens;
	}
	rc = cb != NULL ? cb(&sp, user) : 0;
	unlock_table(lock);
	return rc != 0 || state != SWEEP_DONE;
}

int
sweep_run_row(sweep_table *t, int i, const dataset *sets, sweep_lane *l,
    const train_resume *from, train_control *ctl, sweep_callback cb,
    void *user, pthread_mutex_t *lock, mlp **keep_model, char *err,
    size_t errlen)
{
	sweep_row     *row = &t->rows[i];
	const dataset *ds = &sets[row->dataset_index];
	size_t         ntr = ds->train.n, nte = ds->test.n;
	train_config   cfg = t->cfg;
	struct fresh   fr = { ds, row, l->xtr };
	train_data     tr = { l->xtr, ds->train.label, ntr, DATASET_NPIX,
	    NULL, NULL };
	train_data     te = { l->xte, ds->test.label, nte, DATASET_NPIX,
	    NULL, NULL };
	struct relay   r = { t, i, cb, user, lock };
	sweep_progress sp = { t, i, NULL };
	sweep_row      scratch;
	int            rc;

	lock_table(lock);
	row->state = SWEEP_RUNNING;
	row->nhist = from != NULL ? from->nhist : 0;
	row->live = (sweep_live){ row->nhist + 1, 0, 0, 0.0, NAN, NAN };
	t->current = i;
	scratch_row(t, row, l->mbuf, &scratch);
	rc = cb != NULL ? cb(&sp, user) : 0;
	if (rc != 0)
		row->state = SWEEP_CANCELLED;
	unlock_table(lock);
	if (rc != 0)
		return 1;
	cfg.noise = row->scale;
	cfg.seed = row->seed;
	cfg.weight_decay = row->weight_decay;
	if (l->threads > 0)
		cfg.threads = l->threads;
	/*
	 * Fixed: the training images are drawn once per row.  Fresh: again
	 * before every epoch, from the epoch's own draws.  The validation set
	 * is drawn once either way.  The row's own fields read here are the
	 * grid's, which nothing changes.
	 */
	if (t->plan.mode == SWEEP_FRESH) {
		tr.refresh = fresh_epoch;
		tr.refresh_arg = &fr;
	} else if (sweep_corrupt(row->corruption, row->scale, row->seed,
	    &ds->train, 0, 0, ntr, 0, l->xtr, err, errlen) != 0)
		goto fail;
	if (sweep_corrupt(row->corruption, row->scale, row->seed, &ds->test,
	    1, 0, nte, 0, l->xte, err, errlen) != 0)
		goto fail;
	if (train_run(&cfg, &tr, &te, from, ctl, relay_progress, &r, l->res,
	    err, errlen) != 0)
		goto fail;
	/* The matrix part and the probes are made in the lane's scratch,
	 * outside the lock, and copied into the table with the row's end. */
	if (!l->res->cancelled && fill_matrix(t, &scratch, l->res->model, ds,
	    l->xte, l->pred, l->conf, err, errlen) != 0) {
		mlp_free(l->res->model);
		goto fail;
	}
	if (keep_model != NULL) {
		mlp_free(*keep_model);
		*keep_model = l->res->model;
	} else
		mlp_free(l->res->model);
	l->res->model = NULL;
	rc = end_row(t, i, l, &scratch, l->res->cancelled ? SWEEP_CANCELLED :
	    SWEEP_DONE, cb, user, lock);
	return rc != 0 ? 1 : 0;
fail:
	lock_table(lock);
	row->state = SWEEP_CANCELLED;
	unlock_table(lock);
	return -1;
}

int
sweep_run(sweep_table *t, const dataset *ds, const train_resume *from,
    int shard, int nshards, train_control *ctl, sweep_callback cb,
    void *user, mlp **keep_model, char *err, size_t errlen)
{
	sweep_lane lane;
	int        rc = 0;

	if (keep_model != NULL)
		*keep_model = NULL;
	if (sweep_lane_init(&lane, ds, sweep_plan_ndatasets(&t->plan), err,
	    errlen) != 0)
		return -1;
	for (int i = 0; i < t->n; i++) {
		if (t->rows[i].state == SWEEP_DONE || !sweep_in_shard(i, shard,
		    nshards))
			continue;
		if (ctl != NULL && atomic_load(&ctl->cancel))
			break;
		/* only the first row not done continues */
		rc = sweep_run_row(t, i, ds, &lane, from, ctl, cb, user, NULL,
		    keep_model, err, errlen);
		from = NULL;
		if (rc != 0)
			break;
	}
	t->current = -1;
	sweep_lane_free(&lane);
	return rc < 0 ? -1 : 0;
}

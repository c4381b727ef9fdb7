/*
 * Sweeps: a grid of (corruption, scale, seed) rows, a fresh model each on
 * its own corrupted copy, evaluated at every test scale when done.
 */
#include "engine/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "data/noise.h"
#include "kernels/rng.h"

const float sweep_default_scales[6] = { 0.0f, 0.1f, 0.5f, 1.0f, 2.0f, 4.0f };

int
sweep_parse_scales(const char *s, float *scales, char *err, size_t errlen)
{
	int         n = 0;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return err_set(err, errlen, "empty list of scales");
	for (;;) {
		char  *end;
		double v;

		errno = 0;
		v = strtod(p, &end);
		if (end == p || (*end != ',' && *end != '\0') || errno != 0)
			return err_set(err, errlen, "'%s': not a list of numbers "
			    "like 0,0.1,0.5", s);
		if (!isfinite(v) || v < 0.0 || v > 100.0)
			return err_set(err, errlen, "scale %g: must be between 0 "
			    "and 100", v);
		if (n == SWEEP_MAX_SCALES)
			return err_set(err, errlen, "more than %d scales",
			    SWEEP_MAX_SCALES);
		for (int i = 0; i < n; i++)
			if (scales[i] == (float)v)
				return err_set(err, errlen, "scale %g is given "
				    "twice", v);
		scales[n++] = (float)v;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return n;
}

int
sweep_parse_mode(const char *s, sweep_mode *mode, char *err, size_t errlen)
{
	if (strcmp(s, "fixed") == 0)
		*mode = SWEEP_FIXED;
	else if (strcmp(s, "fresh") == 0)
		*mode = SWEEP_FRESH;
	else
		return err_set(err, errlen, "noise mode '%s': must be fixed or "
		    "fresh", s);
	return 0;
}

const char *
sweep_mode_name(sweep_mode mode)
{
	return mode == SWEEP_FRESH ? "fresh" : "fixed";
}

void
sweep_plan_default(sweep_plan *p, const float *scales, int n)
{
	memset(p, 0, sizeof *p);
	n = n < 0 ? 0 : n < SWEEP_MAX_SCALES ? n : SWEEP_MAX_SCALES;
	if (n > 0) {
		memcpy(p->scales, scales, (size_t)n * sizeof *scales);
		memcpy(p->test_scales, scales, (size_t)n * sizeof *scales);
	}
	p->nscales = p->ntest = n;
	p->nseeds = 1;
	p->corruptions[0] = CORRUPT_GAUSSIAN;
	p->ncorruptions = 1;
	p->mode = SWEEP_FIXED;
}

int
sweep_plan_check(const sweep_plan *p, char *err, size_t errlen)
{
	if (p->nscales < 1 || p->nscales > SWEEP_MAX_SCALES)
		return err_set(err, errlen, "%d scales: must be 1 to %d",
		    p->nscales, SWEEP_MAX_SCALES);
	if (p->nseeds < 1 || p->nseeds > SWEEP_MAX_SEEDS)
		return err_set(err, errlen, "%d seeds: must be 1 to %d",
		    p->nseeds, SWEEP_MAX_SEEDS);
	if (p->ncorruptions < 1 || p->ncorruptions > SWEEP_MAX_CORRUPTIONS)
		return err_set(err, errlen, "%d corruptions: must be 1 to %d",
		    p->ncorruptions, SWEEP_MAX_CORRUPTIONS);
	if (p->ntest < 0 || p->ntest > SWEEP_MAX_SCALES)
		return err_set(err, errlen, "%d test scales: at most %d",
		    p->ntest, SWEEP_MAX_SCALES);
	for (int c = 0; c < p->ncorruptions; c++) {
		for (int i = 0; i < p->nscales + p->ntest; i++) {
			corrupt_spec cs = { p->corruptions[c], i < p->nscales ?
			    p->scales[i] : p->test_scales[i - p->nscales] };

			if (corrupt_check(&cs, err, errlen) != 0)
				return -1;
		}
		for (int d = 0; d < c; d++)
			if (p->corruptions[d] == p->corruptions[c])
				return err_set(err, errlen, "corruption %s is "
				    "given twice", corrupt_name(p->corruptions[c]));
	}
	return 0;
}

int
sweep_plan_rows(const sweep_plan *p)
{
	return p->ncorruptions * p->nscales * p->nseeds;
}

float
sweep_plan_scale(const sweep_plan *p, int i)
{
	if (i < 0 || i >= sweep_plan_rows(p) || p->nseeds < 1)
		return 0.0f;
	return p->scales[(i / p->nseeds) % p->nscales];
}

/* Room for n rows of epochs each in t->store, and their matrix rows. */
static int
reserve(sweep_table *t, int n, int epochs, int ntest)
{
	size_t need = (size_t)(n > 0 ? n : 1) * (size_t)(epochs > 0 ? epochs : 1);
	size_t mneed = 2 * (size_t)(n > 0 ? n : 1) * (size_t)(ntest > 0 ?
	    ntest : 1);
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
		rows[i].test_acc = t->mstore + 2 * (size_t)i * (size_t)ntest;
		rows[i].test_loss = rows[i].test_acc + ntest;
	}
	return 0;
}

int
sweep_table_init(sweep_table *t, const train_config *cfg,
    const sweep_plan *plan, char *err, size_t errlen)
{
	int n, i = 0;

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
	if (reserve(t, n, cfg->epochs, plan->ntest) != 0) {
		sweep_table_free(t);
		return err_set(err, errlen, "out of memory for the sweep table");
	}
	t->n = n;
	for (int c = 0; c < plan->ncorruptions; c++)
		for (int s = 0; s < plan->nscales; s++)
			for (int k = 0; k < plan->nseeds; k++, i++) {
				sweep_row *r = &t->rows[i];

				r->scale = plan->scales[s];
				r->scale_index = s;
				r->seed_index = k;
				r->corruption_index = c;
				r->corruption = plan->corruptions[c];
				r->seed = cfg->seed + (uint64_t)k;
				r->state = SWEEP_PENDING;
				r->nhist = 0;
				for (int j = 0; j < plan->ntest; j++)
					r->test_acc[j] = r->test_loss[j] = NAN;
			}
	return 0;
}

int
sweep_table_copy(sweep_table *dst, const sweep_table *src)
{
	int epochs = src->cfg.epochs > 0 ? src->cfg.epochs : 1;
	int ntest = src->plan.ntest;

	if (reserve(dst, src->n, epochs, ntest) != 0) {
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
		double          *acc = d->test_acc, *loss = d->test_loss;

		*d = *s;
		d->hist = hist;
		d->test_acc = acc;
		d->test_loss = loss;
		memcpy(d->hist, s->hist, (size_t)s->nhist * sizeof *s->hist);
		memcpy(d->test_acc, s->test_acc, (size_t)ntest * sizeof(double));
		memcpy(d->test_loss, s->test_loss, (size_t)ntest *
		    sizeof(double));
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
sweep_row_index(const sweep_table *t, int corruption, int scale, int seed)
{
	const sweep_plan *p = &t->plan;

	if (corruption < 0 || corruption >= p->ncorruptions || scale < 0 ||
	    scale >= p->nscales || seed < 0 || seed >= p->nseeds)
		return -1;
	return (corruption * p->nscales + scale) * p->nseeds + seed;
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
	double v[4][SWEEP_MAX_SEEDS];
	int    n = t->plan.nseeds;

	for (int k = 0; k < n; k++) {
		int              i = sweep_row_index(t, corruption, scale, k);
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
sweep_matrix_cell(const sweep_table *t, int corruption, int scale, int test,
    sweep_stat *acc)
{
	double v[SWEEP_MAX_SEEDS];
	int    n = t->plan.nseeds;

	for (int k = 0; k < n; k++) {
		int i = sweep_row_index(t, corruption, scale, k);

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
	sweep_table   *t;
	int            row;
	sweep_callback cb;
	void          *user;
};

/* Copy finished epochs into the row, then pass the progress on. */
static int
relay_progress(const train_progress *p, void *arg)
{
	struct relay  *r = arg;
	sweep_row     *row = &r->t->rows[r->row];
	sweep_progress sp = { r->t, r->row, p };

	memcpy(row->hist, p->hist, (size_t)p->nhist * sizeof *p->hist);
	row->nhist = p->nhist;
	return r->cb != NULL ? r->cb(&sp, r->user) : 0;
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

/* The finished model of row on the test set at every test scale, each
 * with its own draws (the row's own scale gives its own validation set). */
static int
fill_matrix(sweep_table *t, sweep_row *row, mlp *m, const dataset *ds,
    float *x, char *err, size_t errlen)
{
	train_data te = { x, ds->test.label, ds->test.n, DATASET_NPIX,
	    NULL, NULL };

	for (int j = 0; j < t->plan.ntest; j++) {
		if (sweep_corrupt(row->corruption, t->plan.test_scales[j],
		    row->seed, &ds->test, 1, 0, ds->test.n, 0, x, err,
		    errlen) != 0)
			return -1;
		train_evaluate(m, &te, &row->test_loss[j], &row->test_acc[j],
		    NULL, NULL);
	}
	return 0;
}

int
sweep_run(sweep_table *t, const dataset *ds, const train_resume *from,
    int shard, int nshards, train_control *ctl, sweep_callback cb,
    void *user, mlp **keep_model, char *err, size_t errlen)
{
	size_t        ntr = ds->train.n, nte = ds->test.n;
	float        *xtr, *xte = NULL;
	train_result *res;
	int           rc = 0;

	if (keep_model != NULL)
		*keep_model = NULL;
	xtr = malloc((ntr ? ntr : 1) * DATASET_NPIX * sizeof(float));
	xte = malloc((nte ? nte : 1) * DATASET_NPIX * sizeof(float));
	res = malloc(sizeof *res);
	if (xtr == NULL || xte == NULL || res == NULL) {
		free(xtr);
		free(xte);
		free(res);
		return err_set(err, errlen, "out of memory for the noisy images");
	}
	for (int i = 0; i < t->n; i++) {
		sweep_row     *row = &t->rows[i];
		train_config   cfg = t->cfg;
		struct fresh   fr = { ds, row, xtr };
		train_data     tr = { xtr, ds->train.label, ntr, DATASET_NPIX,
		    NULL, NULL };
		train_data     te = { xte, ds->test.label, nte, DATASET_NPIX,
		    NULL, NULL };
		struct relay   r = { t, i, cb, user };
		sweep_progress sp = { t, i, NULL };

		if (row->state == SWEEP_DONE || !sweep_in_shard(i, shard,
		    nshards))
			continue;
		if (ctl != NULL && atomic_load(&ctl->cancel))
			break;
		row->state = SWEEP_RUNNING;
		row->nhist = from != NULL ? from->nhist : 0;
		t->current = i;
		cfg.noise = row->scale;
		cfg.seed = row->seed;
		if (cb != NULL && cb(&sp, user) != 0) {
			row->state = SWEEP_CANCELLED;
			break;
		}
		/*
		 * Fixed: the training images are drawn once per row.  Fresh:
		 * again before every epoch, from the epoch's own draws.  The
		 * validation set is drawn once either way.
		 */
		if (t->plan.mode == SWEEP_FRESH) {
			tr.refresh = fresh_epoch;
			tr.refresh_arg = &fr;
		} else if (sweep_corrupt(row->corruption, row->scale, row->seed,
		    &ds->train, 0, 0, ntr, 0, xtr, err, errlen) != 0) {
			row->state = SWEEP_CANCELLED;
			rc = -1;
			break;
		}
		if (sweep_corrupt(row->corruption, row->scale, row->seed,
		    &ds->test, 1, 0, nte, 0, xte, err, errlen) != 0) {
			row->state = SWEEP_CANCELLED;
			rc = -1;
			break;
		}
		const train_resume *row_from = from;

		from = NULL;  /* only the first row not done continues */
		if (train_run(&cfg, &tr, &te, row_from, ctl, relay_progress, &r,
		    res, err, errlen) != 0) {
			row->state = SWEEP_CANCELLED;
			rc = -1;
			break;
		}
		memcpy(row->hist, res->hist, (size_t)res->nhist *
		    sizeof *res->hist);
		row->nhist = res->nhist;
		row->state = res->cancelled ? SWEEP_CANCELLED : SWEEP_DONE;
		if (row->state == SWEEP_DONE && fill_matrix(t, row, res->model,
		    ds, xte, err, errlen) != 0) {
			row->state = SWEEP_CANCELLED;
			rc = -1;
		}
		if (keep_model != NULL) {
			mlp_free(*keep_model);
			*keep_model = res->model;
		} else
			mlp_free(res->model);
		if (rc != 0)
			break;
		if (cb != NULL && cb(&sp, user) != 0)
			break;
		if (res->cancelled)
			break;
	}
	t->current = -1;
	free(xtr);
	free(xte);
	free(res);
	return rc;
}

/* Noise sweeps: a fresh model per scale, each on its own noisy copy. */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "noise.h"

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

/* Room for n rows of epochs each in t->store, rows pointing into it. */
static int
reserve(sweep_table *t, int n, int epochs)
{
	size_t need = (size_t)(n > 0 ? n : 1) * (size_t)(epochs > 0 ? epochs : 1);

	if (need > t->cap) {
		train_epoch *p = realloc(t->store, need * sizeof *p);

		if (p == NULL)
			return -1;
		t->store = p;
		t->cap = need;
	}
	for (int i = 0; i < SWEEP_MAX_SCALES; i++)
		t->rows[i].hist = i < n ? t->store + (size_t)i * (size_t)epochs :
		    NULL;
	return 0;
}

int
sweep_table_init(sweep_table *t, const train_config *cfg,
    const float *scales, int n, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	t->cfg = *cfg;
	t->n = n < SWEEP_MAX_SCALES ? n : SWEEP_MAX_SCALES;
	t->current = -1;
	if (cfg->epochs < 1 || cfg->epochs > TRAIN_MAX_EPOCHS) {
		t->n = 0;
		return err_set(err, errlen, "epochs %d: must be 1 to %d",
		    cfg->epochs, TRAIN_MAX_EPOCHS);
	}
	if (reserve(t, t->n, cfg->epochs) != 0) {
		t->n = 0;
		return err_set(err, errlen, "out of memory for the sweep table");
	}
	for (int i = 0; i < t->n; i++) {
		t->rows[i].scale = scales[i];
		t->rows[i].state = SWEEP_PENDING;
	}
	return 0;
}

int
sweep_table_copy(sweep_table *dst, const sweep_table *src)
{
	int epochs = src->cfg.epochs > 0 ? src->cfg.epochs : 1;

	if (reserve(dst, src->n, epochs) != 0) {
		dst->n = 0;
		return -1;
	}
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
	return 0;
}

void
sweep_table_free(sweep_table *t)
{
	if (t == NULL)
		return;
	free(t->store);
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

int
sweep_run(sweep_table *t, const dataset *ds, const train_resume *from,
    train_control *ctl, sweep_callback cb, void *user, mlp **keep_model,
    char *err, size_t errlen)
{
	size_t       ntr = ds->train.n, nte = ds->test.n;
	float       *xtr, *xte = NULL;
	train_result *res;
	int          rc = 0;

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
		train_data     tr = { xtr, ds->train.label, ntr, DATASET_NPIX };
		train_data     te = { xte, ds->test.label, nte, DATASET_NPIX };
		struct relay   r = { t, i, cb, user };
		sweep_progress sp = { t, i, NULL };

		if (row->state == SWEEP_DONE)
			continue;
		if (ctl != NULL && atomic_load(&ctl->cancel))
			break;
		row->state = SWEEP_RUNNING;
		row->nhist = from != NULL ? from->nhist : 0;
		t->current = i;
		cfg.noise = row->scale;
		if (cb != NULL && cb(&sp, user) != 0) {
			row->state = SWEEP_CANCELLED;
			break;
		}
		/* Noise is drawn once per dataset and scale, not per epoch. */
		noise_apply(ds->train.pix, 0, ntr, DATASET_NPIX, row->scale,
		    cfg.seed, 0, xtr);
		noise_apply(ds->test.pix, 0, nte, DATASET_NPIX, row->scale,
		    cfg.seed, 1, xte);
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
		if (keep_model != NULL) {
			mlp_free(*keep_model);
			*keep_model = res->model;
		} else
			mlp_free(res->model);
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

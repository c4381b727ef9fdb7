/*
 * The worker's models: the kept one (the model behind the sample pane's
 * prediction and the misclassified browser), its test-set predictions,
 * answers to prediction requests, and the row a user selects, rebuilt
 * from that row's checkpoint in the run directory.  Also the views of the
 * dataset a job trains on (its first N images).  Runs on the worker
 * thread only.
 */
#include "worker/worker_priv.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/adam.h"
#include "base/clock.h"
#include "data/noise.h"

/* Class probabilities of one image under the kept model. */
void
worker_do_predict(worker *w, const worker_req *r)
{
	const dataset_split *sp;
	float    x[DATASET_NPIX], probs[DATASET_NCLASS] = { 0 };
	float    ladder[SWEEP_MAX_SCALES];
	uint8_t  lpred[SWEEP_MAX_SCALES];
	int      split, valid = 0, nl;
	size_t   index;
	float    scale;
	uint64_t seed;
	corrupt_family fam;
	char     err[256];

	split = r->u.predict.split;
	index = r->u.predict.index;
	scale = r->u.predict.scale;
	seed = r->u.predict.seed;
	nl = r->u.predict.n;
	fam = r->u.predict.family;
	memcpy(ladder, r->u.predict.scales, sizeof ladder);

	sp = split ? &w->ds->test : &w->ds->train;
	if (w->model != NULL && index < sp->n) {
		int nc = w->model->size[w->model->nlayer];

		/* The preview's image: the family's, as the UI draws it. */
		if (fam == CORRUPT_GAUSSIAN || sweep_corrupt(fam, scale, seed,
		    sp, split, index, 1, 0, x, err, sizeof err) != 0)
			noise_apply(sp->pix, index, 1, DATASET_NPIX, scale,
			    seed, split, x);
		mlp_forward(w->model, x, 1, 0, 0, 0);
		for (int c = 0; c < nc && c < DATASET_NCLASS; c++)
			probs[c] = w->model->probs[c];
		valid = 1;
		for (int k = 0; k < nl; k++) {
			int arg = 0;

			/* The ladder's images: the shown run's corruption. */
			if (sweep_corrupt(fam, ladder[k], seed, sp, split, index,
			    1, 0, x, err, sizeof err) != 0) {
				lpred[k] = 255;
				continue;
			}
			mlp_forward(w->model, x, 1, 0, 0, 0);
			for (int c = 1; c < nc && c < DATASET_NCLASS; c++)
				if (w->model->probs[c] > w->model->probs[arg])
					arg = c;
			lpred[k] = (uint8_t)arg;
		}
	}
	pthread_mutex_lock(&w->mu);
	w->pub.st.probs_valid = valid;
	w->pub.st.probs_split = split;
	w->pub.st.probs_index = index;
	w->pub.st.probs_scale = scale;
	memcpy(w->pub.st.probs, probs, sizeof probs);
	w->pub.st.ladder_valid = valid && nl > 0;
	w->pub.st.ladder_split = split;
	w->pub.st.ladder_index = index;
	w->pub.st.ladder_n = valid ? nl : 0;
	memcpy(w->pub.st.ladder_scale, ladder, sizeof ladder);
	memcpy(w->pub.st.ladder_pred, lpred, sizeof lpred);
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);
}

/*
 * The model's predictions on the whole test set at its own noise scale,
 * for the "misclassified" browser.  Returns 0, or -1 when out of memory.
 */
int
worker_predict_test_set(worker *w, mlp *m, const sweep_row *row,
    size_t test_n, uint8_t **pred, float **conf, double *acc)
{
	size_t n = test_n > 0 && test_n < w->ds->test.n ? test_n :
	    w->ds->test.n;
	float *x = malloc((n ? n : 1) * DATASET_NPIX * sizeof *x);
	train_data te = { x, w->ds->test.label, n, DATASET_NPIX, NULL, NULL };
	char   err[256];

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
	/* The row's own corruption of the test set, as validation drew it. */
	if (sweep_corrupt(row->corruption, row->scale, row->seed, &w->ds->test,
	    1, 0, n, 0, x, err, sizeof err) != 0) {
		free(x);
		free(*pred);
		free(*conf);
		*pred = NULL;
		*conf = NULL;
		return -1;
	}
	train_evaluate(m, &te, NULL, acc, *pred, *conf);
	free(x);
	return 0;
}

/*
 * Make m the kept model (taking it, *pred and *conf, which are set to
 * NULL), with its test-set predictions published; mu held.
 */
void
worker_keep_model_locked(worker *w, mlp **m, uint8_t **pred, float **conf,
    size_t test_n, const sweep_row *r, job_kind kind, double acc, int row,
    const char *run_id)
{
	mlp_free(w->model);
	w->model = *m;
	*m = NULL;
	free(w->pub.test_pred);
	free(w->pub.test_conf);
	w->pub.test_pred = *pred;
	w->pub.test_conf = *conf;
	*pred = NULL;
	*conf = NULL;
	w->pub.test_n = test_n > 0 && test_n < w->ds->test.n ? test_n :
	    w->ds->test.n;
	w->pub.pred_gen++;
	w->pub.st.have_model = 1;
	w->pub.st.model_scale = r->scale;
	w->pub.st.model_seed = r->seed;
	w->pub.st.model_corruption = r->corruption;
	w->pub.st.model_job = kind;
	w->pub.st.model_acc = acc;
	w->pub.st.model_row = row;
	snprintf(w->pub.st.model_run, sizeof w->pub.st.model_run, "%s",
	    run_id != NULL ? run_id : "");
	w->pub.st.probs_valid = 0;  /* the old answer was another model's */
	w->pub.st.ladder_valid = 0;
}


int
worker_fits(worker *w, const run_config *c, dataset *view)
{
	return job_data_fits(c, w->ds, worker_data_crc(w), view);
}

void
worker_do_select(worker *w, int row)
{
	char     err[NT_ERR_LEN];
	sweep_row r;
	mlp     *m = NULL;
	uint8_t *pred = NULL;
	float   *conf = NULL, scale = 0.0f;
	double   acc = 0.0;

	pthread_mutex_lock(&w->mu);
	if (row >= 0 && row < w->pub.table.n)
		r = w->pub.table.rows[row];
	else
		row = -1;
	pthread_mutex_unlock(&w->mu);
	if (!w->have_shown || row < 0)
		snprintf(err, sizeof err, "runs are not recorded here: only the "
		    "last model is kept");
	else if (!w->shown_fits && w->shown.conf.plan.ndatasets > 1)
		snprintf(err, sizeof err, "run %s was trained on several data "
		    "sets, the dashboard has one", w->shown.id);
	else if (!w->shown_fits)
		snprintf(err, sizeof err, "run %s was trained on other data",
		    w->shown.id);
	else if ((m = job_model_row(&w->shown, row, &scale, err,
	    sizeof err)) != NULL) {
		r.scale = scale;  /* the checkpoint's own */
		if (worker_predict_test_set(w, m, &r,
		    w->shown.conf.test_limit, &pred, &conf, &acc) != 0) {
			snprintf(err, sizeof err, "out of memory for the "
			    "predictions");
			mlp_free(m);
			m = NULL;
		}
	}
	pthread_mutex_lock(&w->mu);
	/* Quiet when it worked (the sample pane names the model): the
	 * status line keeps the job's own news. */
	if (m != NULL)
		worker_keep_model_locked(w, &m, &pred, &conf,
		    w->shown.conf.test_limit, &r,
		    w->shown_kind, acc, row, w->shown.id);
	else
		worker_say_locked(w, "row %d's model not loaded: %s", row + 1,
		    err);
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);
	if (m == NULL && pred == NULL && w->model != NULL)
		worker_publish_fields(w);
	mlp_free(m);
}

void
worker_do_probe(worker *w, const train_config *cfg)
{
	eta_probe p;
	char      err[NT_ERR_LEN];
	int       ok;

	/* Where the job will record: its checkpoints' writes are timed there. */
	ok = eta_probe_run(cfg, w->ds, w->root[0] != '\0' ? w->root : NULL, &p,
	    err, sizeof err) == 0;
	pthread_mutex_lock(&w->mu);
	if (ok) {
		w->pub.st.probe = p;
		w->pub.st.have_probe = 1;
	} else
		worker_say_locked(w, "no estimate: %s", err);
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);
}

uint32_t
worker_data_crc(worker *w)
{
	if (!w->have_crc) {
		w->crc = run_data_crc(w->ds);
		w->have_crc = 1;
	}
	return w->crc;
}

/* ---- the weights view's receptive fields ---- */

/*
 * The first layer's receptive fields of m's WORKER_FIELDS hidden units
 * with the largest weight norm (ties: the lower unit first), in that
 * order: W1's columns into f (WORKER_FIELDS x DATASET_NPIX), their units
 * and norms; *max grows to their largest |weight|.  Returns how many.
 */
static int
receptive_fields(const mlp *m, float *f, int *unit, float *norm, float *max)
{
	int    nh = m->size[1], n = 0;
	float *w = m->W[0];

	if (m->size[0] != DATASET_NPIX)
		return 0;
	for (int j = 0; j < nh; j++) {
		double s = 0.0;
		int    at;

		for (int i = 0; i < DATASET_NPIX; i++)
			s += (double)w[(size_t)i * nh + j] * w[(size_t)i * nh + j];
		/* insert j among the best so far */
		for (at = n; at > 0 && norm[at - 1] < (float)sqrt(s); at--)
			if (at < WORKER_FIELDS) {
				norm[at] = norm[at - 1];
				unit[at] = unit[at - 1];
			}
		if (at < WORKER_FIELDS) {
			norm[at] = (float)sqrt(s);
			unit[at] = j;
			if (n < WORKER_FIELDS)
				n++;
		}
	}
	for (int k = 0; k < n; k++)
		for (int i = 0; i < DATASET_NPIX; i++) {
			float v = w[(size_t)i * nh + unit[k]];

			f[(size_t)k * DATASET_NPIX + i] = v;
			if (fabsf(v) > *max)
				*max = fabsf(v);
		}
	return n;
}

/* The shown table's clean row for row i: scale 0 with its seed, decay
 * and corruption, done, and another row; -1 when there is none. */
static int
clean_row(const sweep_table *t, int i)
{
	const sweep_row *r = &t->rows[i];

	for (int j = 0; j < t->plan.nscales; j++)
		if (t->plan.scales[j] == 0.0f) {
			int c = sweep_row_index_wd(t, sweep_row_group(t, r),
			    r->corruption_index, j, r->seed_index);

			return c >= 0 && c != i && t->rows[c].nhist > 0 ? c : -1;
		}
	return -1;
}

void
worker_publish_fields(worker *w)
{
	float   *f[2] = { NULL, NULL }, max = 0.0f;
	int      unit[2][WORKER_FIELDS], nf[2] = { 0, 0 }, row, clean = -1;
	float    norm[2][WORKER_FIELDS], sc[2] = { 0, 0 };
	uint64_t seed[2] = { 0, 0 };
	mlp     *other = NULL;
	char     err[NT_ERR_LEN];

	f[0] = malloc(WORKER_FIELDS * DATASET_NPIX * sizeof *f[0]);
	f[1] = malloc(WORKER_FIELDS * DATASET_NPIX * sizeof *f[1]);
	if (f[0] == NULL || f[1] == NULL || w->model == NULL)
		goto out;
	pthread_mutex_lock(&w->mu);
	row = w->pub.st.model_row;
	if (w->have_shown && w->shown_fits && row >= 0 &&
	    row < w->pub.table.n && strcmp(w->pub.st.model_run,
	    w->shown.id) == 0 && (clean = clean_row(&w->pub.table, row)) >= 0)
		seed[1] = w->pub.table.rows[clean].seed;
	sc[0] = w->pub.st.model_scale;
	seed[0] = w->pub.st.model_seed;
	pthread_mutex_unlock(&w->mu);
	nf[0] = receptive_fields(w->model, f[0], unit[0], norm[0], &max);
	if (clean >= 0 && (other = job_model_row(&w->shown, clean, &sc[1], err,
	    sizeof err)) != NULL)
		nf[1] = receptive_fields(other, f[1], unit[1], norm[1], &max);
	pthread_mutex_lock(&w->mu);
	for (int k = 0; k < 2; k++) {
		free(w->pub.fields[k]);
		w->pub.fields[k] = f[k];
		f[k] = NULL;
		w->pub.st.nfields[k] = nf[k];
		w->pub.st.fields_scale[k] = sc[k];
		w->pub.st.fields_seed[k] = seed[k];
		memcpy(w->pub.st.field_unit[k], unit[k], sizeof unit[k]);
		memcpy(w->pub.st.field_norm[k], norm[k], sizeof norm[k]);
	}
	w->pub.st.fields_max = max;
	w->pub.fields_gen++;
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);
out:
	mlp_free(other);
	free(f[0]);
	free(f[1]);
}

void
worker_do_calibrate(worker *w, float scale)
{
	probe_reliability rel;
	sweep_row  row;
	size_t     n;
	uint64_t   gen;
	float     *x = NULL, *conf = NULL;
	uint8_t   *pred = NULL;
	double     acc;
	char       err[NT_ERR_LEN];
	int        ok = 0;

	pthread_mutex_lock(&w->mu);
	n = w->pub.test_n;
	gen = w->pub.pred_gen;
	memset(&row, 0, sizeof row);
	row.corruption = w->pub.st.model_corruption;
	row.seed = w->pub.st.model_seed;
	pthread_mutex_unlock(&w->mu);
	if (w->model != NULL && n > 0 && n <= w->ds->test.n &&
	    (x = malloc(n * DATASET_NPIX * sizeof *x)) != NULL &&
	    (conf = malloc(n * sizeof *conf)) != NULL &&
	    (pred = malloc(n)) != NULL &&
	    sweep_corrupt(row.corruption, scale, row.seed, &w->ds->test, 1,
	    0, n, 0, x, err, sizeof err) == 0) {
		/* The run's test images at this scale, drawn as its matrix
		 * and its validation draw them. */
		train_data te = { x, w->ds->test.label, n, DATASET_NPIX, NULL,
		    NULL };

		train_evaluate(w->model, &te, NULL, &acc, pred, conf);
		probe_reliability_bins(pred, conf, w->ds->test.label, n, &rel);
		ok = 1;
	}
	pthread_mutex_lock(&w->mu);
	w->pub.st.calib_valid = ok;
	w->pub.st.calib_scale = scale;
	w->pub.st.calib_gen = gen;
	if (ok)
		w->pub.st.calib = rel;
	worker_publish_locked(w);
	pthread_mutex_unlock(&w->mu);
	free(x);
	free(conf);
	free(pred);
}

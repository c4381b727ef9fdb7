/*
 * The headless plot command: a saved run drawn as one SVG figure.  The
 * figures of the run's table are figure_write()'s; those of one row's
 * model (calibration, weights) are computed here from the runs and engine
 * layers and drawn by render's figure_probe.c.  Part of the headless front
 * end (headless.h).
 */
#include "cli/headless.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/file.h"
#include "engine/probe.h"
#include "render/figure.h"
#include "runs/job.h"
#include "runs/run.h"

/* Open run o->resume (NULL: the newest, finished or not) and rebuild its
 * table. */
static int
open_run(const cli_options *o, job *j, char *err, size_t errlen)
{
	char root[NT_PATH_LEN], newest[256];
	const char *name = o->resume;

	if (run_root(o->runs_dir, root, sizeof root, err, errlen) != 0)
		return -1;
	if (name == NULL) {
		if (run_newest(root, 1, newest, sizeof newest, err,
		    errlen) != 0)
			return -1;
		name = newest;
	}
	if (job_open(j, root, name, err, errlen) != 0)
		return -1;
	/* Any run, finished or not: plot shows what is there. */
	return job_restore(j, err, errlen);
}

/*
 * The row a one-row figure draws: want when given (-1: not), else the
 * first done row (group g: a data set's first decay, corruption k, seeds
 * in order) of the
 * largest training scale.  Returns the row, or -1 with a message.
 */
static int
plot_row(const sweep_table *t, int want, int g, int k, char *err,
    size_t errlen)
{
	const sweep_plan *p = &t->plan;
	int               top = 0;

	if (want >= 0) {
		if (want >= t->n)
			return err_set(err, errlen, "--row %d: the run has rows "
			    "0 to %d", want, t->n - 1);
		return want;
	}
	for (int s = 1; s < p->nscales; s++)
		if (p->scales[s] > p->scales[top])
			top = s;
	for (int seed = 0; seed < p->nseeds; seed++) {
		int i = sweep_row_index_wd(t, g, k, top, seed);

		if (i >= 0 && t->rows[i].state == SWEEP_DONE)
			return i;
	}
	return err_set(err, errlen, "no done row at scale %g: name one with "
	    "--row", (double)p->scales[top]);
}

/* "row 3: gaussian scale 0.5, seed 43, decay 0.001" into out. */
static void
row_words(const sweep_table *t, int row, char *out, size_t outlen)
{
	const sweep_row *w = &t->rows[row];
	char             decay[48] = "";

	if (sweep_plan_ndecays(&t->plan) > 1)
		snprintf(decay, sizeof decay, ", decay %g",
		    (double)w->weight_decay);
	if (t->plan.ndatasets > 1)
		snprintf(decay + strlen(decay), sizeof decay - strlen(decay),
		    ", %s", sweep_plan_dataset_name(&t->plan, w->dataset_index));
	snprintf(out, outlen, "row %d: %s scale %g, seed %llu%s", row,
	    corrupt_name(w->corruption), (double)w->scale,
	    (unsigned long long)w->seed, decay);
}

/* The reliability diagram of the chosen row at the chosen test scale,
 * rebuilt from its checkpoint on the run's own test images. */
static int
calibration_figure(FILE *f, const job *j, const cli_options *o, int g,
    int k, char *err, size_t errlen)
{
	dataset            ds[SWEEP_MAX_DATASETS];
	probe_reliability  rel;
	figure_reliability fr;
	char               words[160], sub[512];
	int                row = plot_row(&j->table, o->plot_row, g, k, err,
	    errlen);
	float              ts;
	size_t             nimg;
	int                rc;

	if (row < 0)
		return -1;
	ts = o->test_scale >= 0 ? o->test_scale : j->table.rows[row].scale;
	memset(ds, 0, sizeof ds);
	rc = job_load_data(&j->rec, ds, err, errlen);
	if (rc == 0)
		rc = job_reliability(&j->rec, &j->table, row, ts,
		    &ds[j->table.rows[row].dataset_index], &rel, err, errlen);
	nimg = ds[j->table.rows[row].dataset_index].test.n;
	for (int d = 0; d < SWEEP_MAX_DATASETS; d++)
		dataset_free(&ds[d]);
	if (rc != 0)
		return -1;
	row_words(&j->table, row, words, sizeof words);
	snprintf(sub, sizeof sub, "%s; tested at scale %g, %zu images; run "
	    "%.200s", words, (double)ts, nimg, j->rec.id);
	memset(&fr, 0, sizeof fr);
	fr.subtitle = sub;
	fr.nbins = PROBE_ECE_BINS;
	fr.count = rel.count;
	fr.acc = rel.acc;
	fr.conf = rel.conf;
	fr.ece = rel.total.ece;
	return figure_reliability_svg(f, &fr, err, errlen);
}

#define WEIGHTS_UNITS 16

/*
 * --from-init: the first layers of m and m0 (may be NULL) less their
 * Glorot start, which seed drew for both (the sweep's rows of one seed
 * start alike): what training changed.  Returns 0, or -1 with a message.
 */
static int
from_init(mlp *m, mlp *m0, uint64_t seed, char *err, size_t errlen)
{
	size_t nw = (size_t)m->size[0] * (size_t)m->size[1];
	float *w0 = malloc(nw * sizeof *w0);

	if (w0 == NULL)
		return err_set(err, errlen, "out of memory");
	mlp_init_layer(m, 0, seed, w0);
	for (size_t i = 0; i < nw; i++) {
		m->W[0][i] -= w0[i];
		if (m0 != NULL)
			m0->W[0][i] -= w0[i];
	}
	free(w0);
	return 0;
}

/*
 * The weights figure: the first-layer fields of the chosen row's
 * WEIGHTS_UNITS units of largest weight norm, and beside them (on the
 * left) the same units of the clean row of the same decay, corruption
 * and seed when the run has scale 0: the same seed is the same Glorot
 * start, so unit u is comparable across the two.  With --from-init, the
 * fields less that start.
 */
static int
weights_figure(FILE *f, const job *j, const cli_options *o, int g, int k,
    char *err, size_t errlen)
{
	const sweep_table *t = &j->table;
	const sweep_row   *w;
	mlp               *m = NULL, *m0 = NULL;
	float             *fields = NULL, ck_scale;
	int                units[WEIGHTS_UNITS], n, clean = -1, rc = -1;
	int                row = plot_row(t, o->plot_row, g, k, err, errlen);
	char               lab[2][160], sub[512];
	figure_field_set   set[2];
	figure_fields      c;

	if (row < 0)
		return -1;
	w = &t->rows[row];
	for (int s = 0; s < t->plan.nscales; s++)
		if (t->plan.scales[s] == 0.0f && s != w->scale_index)
			clean = sweep_row_index_wd(t, sweep_row_group(t, w),
			    w->corruption_index, s, w->seed_index);
	/* a clean twin still training (or never started) is left out */
	if (clean >= 0 && t->rows[clean].state != SWEEP_DONE)
		clean = -1;
	if ((m = job_model_row(&j->rec, row, &ck_scale, err, errlen)) == NULL)
		return -1;
	if (m->size[0] != DATASET_NPIX) {
		err_set(err, errlen, "row %d: not a model of %dx%d images", row,
		    DATASET_SIDE, DATASET_SIDE);
		goto out;
	}
	if (clean >= 0 && (m0 = job_model_row(&j->rec, clean, &ck_scale, err,
	    errlen)) == NULL)
		goto out;
	fields = malloc(2 * WEIGHTS_UNITS * DATASET_NPIX * sizeof *fields);
	if (fields == NULL || (o->from_init && from_init(m, m0, w->seed,
	    err, errlen) != 0)) {
		if (fields == NULL)
			err_set(err, errlen, "out of memory");
		goto out;
	}
	n = probe_top_fields(m, WEIGHTS_UNITS, units, fields +
	    (m0 ? WEIGHTS_UNITS * DATASET_NPIX : 0));
	memset(set, 0, sizeof set);
	if (m0 != NULL) {
		/* the clean model's fields of the same units */
		for (int u = 0; u < n; u++)
			for (int i = 0; i < DATASET_NPIX; i++)
				fields[(size_t)u * DATASET_NPIX + i] =
				    m0->W[0][(size_t)i * m0->size[1] + units[u]];
		row_words(t, clean, lab[0], sizeof lab[0]);
		set[0] = (figure_field_set){ lab[0], fields, units };
	}
	row_words(t, row, lab[1], sizeof lab[1]);
	set[m0 ? 1 : 0] = (figure_field_set){ lab[1], fields +
	    (m0 ? WEIGHTS_UNITS * DATASET_NPIX : 0), units };
	snprintf(sub, sizeof sub, "the %d units of largest %s norm in "
	    "row %d%s; run %.200s", n, o->from_init ? "weight change" :
	    "weight", row, m0 ? ", the same units clean" : "", j->rec.id);
	memset(&c, 0, sizeof c);
	c.title = o->from_init ? "First-layer receptive fields: the change "
	    "from initialisation" : NULL;
	c.subtitle = sub;
	c.value = o->from_init ? "change" : NULL;
	c.note = m0 ? "same seed, same start: unit u of both models began "
	    "from the same Glorot weights; one colour scale for both" :
	    "the run has no clean row (scale 0) of this seed to compare";
	c.side = DATASET_SIDE;
	c.nunits = (size_t)n;
	c.nsets = m0 ? 2 : 1;
	c.sets = set;
	rc = figure_fields_svg(f, &c, err, errlen);
out:
	free(fields);
	mlp_free(m);
	mlp_free(m0);
	return rc;
}

int
headless_plot(const cli_options *o)
{
	job        *j = calloc(1, sizeof *j);
	char        err[NT_ERR_LEN], sub[512], *buf = NULL;
	size_t      len = 0;
	figure_kind kind = FIGURE_SCALES;
	FILE       *f;
	int         rc = 1, k = 0, d = 0;

	if (j == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		return 1;
	}
	if ((o->figure != NULL && figure_parse(o->figure, &kind, err,
	    sizeof err) != 0) || open_run(o, j, err, sizeof err) != 0)
		goto fail;
	/* --corruption names the family of the epochs and matrix figures. */
	if (o->grid.corruptions[0] != CORRUPT_GAUSSIAN)
		for (k = 0; k < j->table.plan.ncorruptions &&
		    j->table.plan.corruptions[k] != o->grid.corruptions[0]; k++)
			;
	/* --dataset names the set of the one-set figures of a run over
	 * several (the first by default); their subtitle names it alone. */
	if (j->table.plan.ndatasets > 1 && o->dataset != DATASET_AUTO) {
		for (d = 0; d < j->table.plan.ndatasets &&
		    j->table.plan.datasets[d] != o->dataset; d++)
			;
		if (d == j->table.plan.ndatasets) {
			err_set(err, sizeof err, "run %s has no data set %s",
			    j->rec.id, dataset_info_of(o->dataset)->key);
			goto fail;
		}
	}
	snprintf(sub, sizeof sub, "%.200s, %d epoch%s, run %.200s",
	    j->table.plan.ndatasets > 1 && kind != FIGURE_SCALES ?
	    sweep_plan_dataset_name(&j->table.plan, d) : j->rec.conf.source,
	    j->table.cfg.epochs, j->table.cfg.epochs == 1 ? "" : "s",
	    j->rec.id);
	if (kind == FIGURE_SENSITIVITY && !sweep_plan_probes(&j->table.plan)) {
		err_set(err, sizeof err, "run %s has no probes: sweep with "
		    "--probes", j->rec.id);
		goto fail;
	}
	if ((f = open_memstream(&buf, &len)) == NULL) {
		err_set(err, sizeof err, "out of memory");
		goto fail;
	}
	if (kind == FIGURE_CALIBRATION)
		rc = calibration_figure(f, j, o, d * sweep_plan_ndecays(
		    &j->table.plan), k, err, sizeof err);
	else if (kind == FIGURE_WEIGHTS)
		rc = weights_figure(f, j, o, d * sweep_plan_ndecays(
		    &j->table.plan), k, err, sizeof err);
	else
		rc = figure_write_set(f, &j->table, kind, k, d, sub, err,
		    sizeof err);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(err, sizeof err, "out of memory");
	if (rc == 0 && file_write_atomic(o->svg, buf, len, err,
	    sizeof err) == 0) {
		printf("Wrote %s\n", o->svg);
		free(buf);
		job_free(j);
		free(j);
		return 0;
	}
fail:
	fprintf(stderr, "noisetop: %s\n", err);
	free(buf);
	job_free(j);
	free(j);
	return 1;
}

/* A sweep table drawn as the SVG figures of figure_draw.c. */
#include "render/figure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "render/figure.h"

int
figure_parse(const char *s, figure_kind *kind, char *err, size_t errlen)
{
	if (strcmp(s, "scales") == 0)
		*kind = FIGURE_SCALES;
	else if (strcmp(s, "epochs") == 0)
		*kind = FIGURE_EPOCHS;
	else if (strcmp(s, "matrix") == 0)
		*kind = FIGURE_MATRIX;
	else if (strcmp(s, "sensitivity") == 0)
		*kind = FIGURE_SENSITIVITY;
	else if (strcmp(s, "calibration") == 0)
		*kind = FIGURE_CALIBRATION;
	else if (strcmp(s, "weights") == 0)
		*kind = FIGURE_WEIGHTS;
	else
		return err_set(err, errlen, "--figure '%s': must be scales, "
		    "epochs, matrix, sensitivity, calibration or weights", s);
	return 0;
}

/* Accuracy against scale: a train and a val series per corruption (and
 * data set: "val, Fashion-MNIST"), at most 8. */
static int
scales_figure(FILE *f, const sweep_table *t, const char *subtitle,
    char *err, size_t errlen)
{
	const sweep_plan *p = &t->plan;
	size_t            ns = (size_t)p->nscales, nser = 0;
	double            x[SWEEP_MAX_SCALES];
	double            v[8][2][SWEEP_MAX_SCALES];
	char              label[8][96];
	figure_series       ser[8];
	figure_scale_chart  c;
	int               any = 0, nk = p->ncorruptions;

	for (size_t s = 0; s < ns; s++)
		x[s] = p->scales[s];
	for (int dk = 0; dk < sweep_plan_ndatasets(p) * nk && nser + 2 <= 8;
	    dk++) {
		int k = dk % nk, g = dk / nk * sweep_plan_ndecays(p);

		for (int q = 0; q < 2; q++, nser++) {
			snprintf(label[nser], sizeof label[nser], "%s%s%s%s%s",
			    q ? "val" : "train", nk > 1 ? ", " : "", nk > 1 ?
			    corrupt_name(p->corruptions[k]) : "",
			    p->ndatasets > 1 ? ", " : "",
			    sweep_plan_dataset_name(p, dk / nk));
			for (size_t s = 0; s < ns; s++) {
				sweep_summary m;
				const sweep_stat *st;

				sweep_summarize_wd(t, g, k, (int)s, &m);
				st = q ? &m.val_acc : &m.acc;
				v[nser][0][s] = st->n ? st->mean : NAN;
				v[nser][1][s] = st->n ? st->sd : NAN;
				any |= st->n > 0;
			}
			ser[nser] = (figure_series){ label[nser], v[nser][0],
			    p->nseeds > 1 ? v[nser][1] : NULL };
		}
	}
	if (!any)
		return err_set(err, errlen, "no finished row to draw");
	memset(&c, 0, sizeof c);
	c.subtitle = subtitle;
	c.xlabel = p->ncorruptions == 1 && p->corruptions[0] !=
	    CORRUPT_GAUSSIAN ? corrupt_info_of(p->corruptions[0])->severity :
	    NULL;
	c.n = ns;
	c.scale = x;
	c.nseries = nser;
	c.series = ser;
	c.nseeds = p->nseeds;
	c.ymin = 0.0;
	c.ymax = 1.0;
	return figure_scales_svg(f, &c, err, errlen);
}

/* Per-epoch curves, one per scale: the mean over the done seeds; g the
 * group (data set) drawn. */
static int
epochs_figure(FILE *f, const sweep_table *t, int g, int k,
    const char *subtitle, char *err, size_t errlen)
{
	const sweep_plan *p = &t->plan;
	int               E = t->cfg.epochs, n = 0;
	double           *buf = calloc((size_t)p->nscales * 4 * (size_t)E,
	    sizeof *buf);
	figure_curve        cur[8];
	char              label[8][48];
	figure_epoch_chart  c;
	int               rc;

	if (buf == NULL)
		return err_set(err, errlen, "out of memory");
	for (int s = 0; s < p->nscales && n < 8; s++) {
		double *v = buf + (size_t)n * 4 * (size_t)E;
		int     len = E;

		for (int e = 0; e < E; e++) {
			double sum[4] = { 0, 0, 0, 0 };
			int    cnt = 0;

			for (int seed = 0; seed < p->nseeds; seed++) {
				const sweep_row *r =
				    &t->rows[sweep_row_index_wd(t, g, k, s, seed)];

				if (r->nhist <= e)
					continue;
				sum[0] += r->hist[e].acc;
				sum[1] += r->hist[e].val_acc;
				sum[2] += r->hist[e].loss;
				sum[3] += r->hist[e].val_loss;
				cnt++;
			}
			if (cnt == 0) {
				len = e;
				break;
			}
			for (int q = 0; q < 4; q++)
				v[(size_t)q * E + e] = sum[q] / cnt;
		}
		if (len == 0)
			continue;
		snprintf(label[n], sizeof label[n], "scale %g%s",
		    (double)p->scales[s], p->nseeds > 1 ? " (mean)" : "");
		cur[n] = (figure_curve){ label[n], (size_t)len, v, v + E,
		    v + 2 * (size_t)E, v + 3 * (size_t)E };
		n++;
	}
	if (n == 0) {
		free(buf);
		return err_set(err, errlen, "no finished epoch to draw");
	}
	memset(&c, 0, sizeof c);
	c.subtitle = subtitle;
	c.ncurves = (size_t)n;
	c.curves = cur;
	rc = figure_epochs_svg(f, &c, err, errlen);
	free(buf);
	return rc;
}

static int
matrix_figure(FILE *f, const sweep_table *t, int g, int k,
    const char *subtitle, char *err, size_t errlen)
{
	const sweep_plan *p = &t->plan;
	size_t            nr = (size_t)p->nscales, nc = (size_t)p->ntest;
	double            rv[SWEEP_MAX_SCALES], cv[SWEEP_MAX_SCALES];
	double            mean[SWEEP_MAX_SCALES * SWEEP_MAX_SCALES];
	double            sd[SWEEP_MAX_SCALES * SWEEP_MAX_SCALES];
	figure_matrix       m;
	int               any = 0;

	if (nc == 0)
		return err_set(err, errlen, "the run has no test scales");
	for (size_t r = 0; r < nr; r++) {
		rv[r] = p->scales[r];
		for (size_t c = 0; c < nc; c++) {
			sweep_stat st;

			sweep_matrix_cell_wd(t, g, k, (int)r, (int)c, &st);
			mean[r * nc + c] = st.n ? st.mean : NAN;
			sd[r * nc + c] = st.n ? st.sd : NAN;
			any |= st.n > 0;
		}
	}
	for (size_t c = 0; c < nc; c++)
		cv[c] = p->test_scales[c];
	if (!any)
		return err_set(err, errlen, "no finished row to draw");
	memset(&m, 0, sizeof m);
	m.subtitle = subtitle;
	m.nrows = nr;
	m.ncols = nc;
	m.row_value = rv;
	m.col_value = cv;
	m.mean = mean;
	m.sd = p->nseeds > 1 ? sd : NULL;
	m.nseeds = p->nseeds;
	m.percent = 1;
	return figure_matrix_svg(f, &m, err, errlen);
}

/* The probes figure_sensitivity draws: sweep_probe_summary's first four
 * (rf_rough_delta is NAN for rows probed before it existed). */
#define SENS_PANELS 4
static const char *const sens_title[SENS_PANELS] = {
	"Input-gradient norm", "Jacobian Frobenius norm",
	"First-layer weight norm", "Receptive-field roughness",
};
static const char *const sens_ylabel[SENS_PANELS] = {
	"mean ‖∂loss/∂x‖", "mean ‖J‖F",
	"‖W1‖F", "roughness",
};

/* The probes against training scale: a panel per probe, a line per weight
 * decay, mean +- sd over the done seeds. */
static int
sensitivity_figure(FILE *f, const sweep_table *t, int g0, int k,
    const char *subtitle, char *err, size_t errlen)
{
	const sweep_plan  *p = &t->plan;
	int                nd = sweep_plan_ndecays(p), ns = p->nscales;
	double             v[SENS_PANELS][SWEEP_MAX_DECAYS][2][SWEEP_MAX_SCALES];
	double             x[SWEEP_MAX_SCALES];
	char               label[SWEEP_MAX_DECAYS][48];
	figure_series      ser[SENS_PANELS][SWEEP_MAX_DECAYS];
	figure_panel       pan[SENS_PANELS];
	figure_panel_chart c;
	int                any = 0;

	if (!sweep_plan_probes(p))
		return err_set(err, errlen, "the run has no probes: sweep with "
		    "--probes");
	for (int s = 0; s < ns; s++)
		x[s] = p->scales[s];
	for (int d = 0; d < nd; d++) {
		if (nd > 1)
			snprintf(label[d], sizeof label[d], "decay %g",
			    (double)p->decays[d]);
		else
			snprintf(label[d], sizeof label[d], "%s",
			    p->nseeds > 1 ? "mean over seeds" : "one seed");
		for (int s = 0; s < ns; s++) {
			sweep_probe_summary ps;

			sweep_summarize_probes(t, g0 + d, k, s, &ps);
			for (int q = 0; q < SENS_PANELS; q++) {
				v[q][d][0][s] = ps.sens[q].n ? ps.sens[q].mean :
				    NAN;
				v[q][d][1][s] = ps.sens[q].n ? ps.sens[q].sd :
				    NAN;
				any |= ps.sens[q].n > 0;
			}
		}
		for (int q = 0; q < SENS_PANELS; q++)
			ser[q][d] = (figure_series){ label[d], v[q][d][0],
			    v[q][d][1] };
	}
	if (!any)
		return err_set(err, errlen, "no probed row to draw");
	for (int q = 0; q < SENS_PANELS; q++)
		pan[q] = (figure_panel){ sens_title[q], sens_ylabel[q],
		    ser[q] };
	memset(&c, 0, sizeof c);
	c.subtitle = subtitle;
	c.xlabel = p->corruptions[k] != CORRUPT_GAUSSIAN ?
	    corrupt_info_of(p->corruptions[k])->severity : NULL;
	c.n = (size_t)ns;
	c.scale = x;
	c.npanels = SENS_PANELS;
	c.panels = pan;
	c.nseries = (size_t)nd;
	c.nseeds = p->nseeds;
	return figure_panels_svg(f, &c, err, errlen);
}

int
figure_write(FILE *f, const sweep_table *t, figure_kind kind, int corruption,
    const char *subtitle, char *err, size_t errlen)
{
	return figure_write_set(f, t, kind, corruption, 0, subtitle, err,
	    errlen);
}

int
figure_write_set(FILE *f, const sweep_table *t, figure_kind kind,
    int corruption, int set, const char *subtitle, char *err,
    size_t errlen)
{
	/* the set's first group: its first weight decay */
	int g = set * sweep_plan_ndecays(&t->plan);

	if (corruption < 0 || corruption >= t->plan.ncorruptions)
		return err_set(err, errlen, "the run has no corruption %d",
		    corruption);
	if (set < 0 || set >= sweep_plan_ndatasets(&t->plan))
		return err_set(err, errlen, "the run has no data set %d", set);
	switch (kind) {
	case FIGURE_SCALES:
		return scales_figure(f, t, subtitle, err, errlen);
	case FIGURE_EPOCHS:
		return epochs_figure(f, t, g, corruption, subtitle, err,
		    errlen);
	case FIGURE_MATRIX:
		return matrix_figure(f, t, g, corruption, subtitle, err,
		    errlen);
	case FIGURE_SENSITIVITY:
		return sensitivity_figure(f, t, g, corruption, subtitle, err,
		    errlen);
	case FIGURE_CALIBRATION:
	case FIGURE_WEIGHTS:
		return err_set(err, errlen, "this figure needs the run's "
		    "models, not only its table");
	}
	return err_set(err, errlen, "unknown figure");
}

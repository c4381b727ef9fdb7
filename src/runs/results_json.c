/* Results files: the JSON of a sweep table (results.h). */
#include "runs/results.h"

#include <math.h>
#include <stdio.h>

#include "base/err.h"
#include "data/corrupt.h"
#include "engine/probe.h"
#include "runs/results_priv.h"

/* A JSON string literal: quotes, backslashes and control bytes escaped. */
void
results_json_string(struct sbuf *b, const char *s)
{
	results_sb_printf(b, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			results_sb_printf(b, "\\%c", c);
		else if (c < 0x20)
			results_sb_printf(b, "\\u%04x", c);
		else
			results_sb_printf(b, "%c", c);
	}
	results_sb_printf(b, "\"");
}

/* ", \"probe\": {...}": each probe's mean and sd over the done seeds of
 * a cell, those without a value left out. */
static void
json_probe_summary(struct sbuf *b, const sweep_table *t, int d, int c,
    int s)
{
	sweep_probe_summary ps;
	int                 k = 0;

	sweep_summarize_probes(t, d, c, s, &ps);
	results_sb_printf(b, ", \"probe\": {");
	for (int q = 0; q < SWEEP_NSENS; q++)
		if (ps.sens[q].n > 0 && isfinite(ps.sens[q].mean))
			results_sb_printf(b, "%s\"%s\": {\"mean\": %.6g, \"sd\": %.6g}",
			    k++ ? ", " : "", results_sens_names[q], ps.sens[q].mean,
			    ps.sens[q].sd);
	results_sb_printf(b, "%s\"attacks\": {", k ? ", " : "");
	k = 0;
	for (int a = 0; a < t->plan.nattacks; a++) {
		char lab[64];

		if (ps.attack[a].n > 0)
			results_sb_printf(b, "%s\"%s\": {\"mean\": %.6f, \"sd\": "
			    "%.6f}", k++ ? ", " : "", probe_attack_label(
			    &t->plan.attacks[a], lab, sizeof lab),
			    ps.attack[a].mean, ps.attack[a].sd);
	}
	results_sb_printf(b, "}}");
}

/* "config": the layers, the optimizer, the grid. */
static void
json_config(struct sbuf *b, const sweep_table *t)
{
	const train_config *c = &t->cfg;

	results_sb_printf(b, ",\n  \"config\": {\"layers\": [");
	for (int l = 0; l <= c->nlayer; l++)
		results_sb_printf(b, "%s%d", l ? ", " : "", c->size[l]);
	results_sb_printf(b, "], \"dropout\": %g, \"lr\": %g, \"batch\": %d, "
	    "\"epochs\": %d, \"seed\": %llu, \"precision\": \"%s\", "
	    "\"seeds\": %d, \"noise_mode\": \"%s\", \"corruption\": [",
	    (double)c->dropout, (double)c->lr, c->batch, c->epochs,
	    (unsigned long long)c->seed, train_precision_name(c->precision),
	    t->plan.nseeds, sweep_mode_name(t->plan.mode));
	for (int i = 0; i < t->plan.ncorruptions; i++)
		results_sb_printf(b, "%s\"%s\"", i ? ", " : "",
		    corrupt_name(t->plan.corruptions[i]));
	results_sb_printf(b, "], \"test_scales\": [");
	for (int j = 0; j < t->plan.ntest; j++)
		results_sb_printf(b, "%s%g", j ? ", " : "",
		    (double)t->plan.test_scales[j]);
	results_sb_printf(b, "]");
	if (results_decay_shown(t)) {
		results_sb_printf(b, ", \"weight_decays\": [");
		for (int d = 0; d < sweep_plan_ndecays(&t->plan); d++)
			results_sb_printf(b, "%s%g", d ? ", " : "", (double)(
			    t->plan.ndecays > 0 ? t->plan.decays[d] :
			    t->cfg.weight_decay));
		results_sb_printf(b, "], \"weight_decay_kind\": \"keras_l2\"");
	}
	for (int d = 0; results_dataset_shown(t) && d < t->plan.ndatasets; d++)
		results_sb_printf(b, "%s\"%s\"%s", d ? ", " : ", \"datasets\": [",
		    dataset_info_of(t->plan.datasets[d])->key, d + 1 ==
		    t->plan.ndatasets ? "]" : "");
	if (sweep_plan_probes(&t->plan)) {
		results_sb_printf(b, ", \"probes\": true, \"attacks\": [");
		for (int a = 0; a < t->plan.nattacks; a++) {
			char lab[64];

			results_sb_printf(b, "%s\"%s\"", a ? ", " : "",
			    probe_attack_label(&t->plan.attacks[a], lab,
			    sizeof lab));
		}
		results_sb_printf(b, "]");
	}
	results_sb_printf(b, "}");
}

/* Row i: what it is, its matrix row, its probes, its history. */
static void
json_row(struct sbuf *b, const sweep_table *t, int i)
{
	const sweep_row *r = &t->rows[i];

	results_sb_printf(b, "{\"scale\": %g, \"seed\": %llu, "
	    "\"corruption\": \"%s\", \"state\": \"%s\"",
	    (double)r->scale, (unsigned long long)r->seed,
	    corrupt_name(r->corruption), results_state_name(r->state));
	if (results_decay_shown(t))
		results_sb_printf(b, ", \"weight_decay\": %g",
		    (double)r->weight_decay);
	if (results_dataset_shown(t))
		results_sb_printf(b, ", \"dataset\": \"%s\"",
		    results_dataset_key(t, r));
	if (r->state == SWEEP_DONE && t->plan.ntest > 0) {
		results_sb_printf(b, ", \"test\": [");
		for (int j = 0; j < t->plan.ntest; j++) {
			results_sb_printf(b, "%s{\"scale\": %g, \"accuracy\": "
			    "%.6f, \"loss\": %.6f", j ? ", " : "",
			    (double)t->plan.test_scales[j],
			    r->test_acc[j], r->test_loss[j]);
			if (sweep_plan_probes(&t->plan))
				results_sb_printf(b, ", \"ece\": %.6f, "
				    "\"confidence\": %.6f",
				    r->test_ece[j], r->test_conf[j]);
			results_sb_printf(b, "}");
		}
		results_sb_printf(b, "]");
	}
	if (r->state == SWEEP_DONE && sweep_plan_probes(&t->plan)) {
		results_sb_printf(b, ", \"probe\": {\"grad_norm\": %.6g, "
		    "\"jac_frob\": %.6g, \"w1_norm\": %.6g, "
		    "\"rf_rough\": %.6f, \"rf_rough_delta\": ",
		    r->sens.grad_norm, r->sens.jac_frob,
		    r->sens.w1_norm, r->sens.rf_rough);
		/* unknown for a row probed before it existed */
		if (isfinite(r->sens.rf_rough_delta))
			results_sb_printf(b, "%.6f", r->sens.rf_rough_delta);
		else
			results_sb_printf(b, "null");
		results_sb_printf(b, ", \"attacks\": {");
		for (int a = 0; a < t->plan.nattacks; a++) {
			char lab[64];

			results_sb_printf(b, "%s\"%s\": %.6f", a ? ", " : "",
			    probe_attack_label(&t->plan.attacks[a], lab,
			    sizeof lab), r->attack_acc[a]);
		}
		results_sb_printf(b, "}}");
	}
	if (r->nhist > 0) {
		const train_epoch *f = &r->hist[r->nhist - 1];

		results_sb_printf(b, ", \"final\": {\"epoch\": %d, "
		    "\"accuracy\": %.6f, \"loss\": %.6f, "
		    "\"val_accuracy\": %.6f, \"val_loss\": %.6f}",
		    f->epoch, f->acc, f->loss, f->val_acc,
		    f->val_loss);
	}
	results_sb_printf(b, ",\n     \"history\": [");
	for (int e = 0; e < r->nhist; e++) {
		const train_epoch *h = &r->hist[e];

		results_sb_printf(b, "%s\n       {\"epoch\": %d, "
		    "\"seconds\": %.3f, \"accuracy\": %.6f, "
		    "\"loss\": %.6f, \"val_accuracy\": %.6f, "
		    "\"val_loss\": %.6f}", e ? "," : "", h->epoch,
		    h->seconds, h->acc, h->loss, h->val_acc,
		    h->val_loss);
	}
	results_sb_printf(b, "]}");
}

/* Summary cell k of the grid (data set and decay, corruption, scale): the final
 * metrics over its seeds. */
static void
json_summary(struct sbuf *b, const sweep_table *t, int k)
{
	int d = k / (t->plan.ncorruptions * t->plan.nscales);
	int ci = k / t->plan.nscales % t->plan.ncorruptions;
	int sc = k % t->plan.nscales;
	sweep_summary      sm;
	const sweep_stat  *st[4];
	static const char *const m[] = { "accuracy", "loss",
	    "val_accuracy", "val_loss" };

	sweep_summarize_wd(t, d, ci, sc, &sm);
	st[0] = &sm.acc;
	st[1] = &sm.loss;
	st[2] = &sm.val_acc;
	st[3] = &sm.val_loss;
	results_sb_printf(b, "{\"corruption\": \"%s\", "
	    "\"scale\": %g, \"seeds_done\": %d",
	    corrupt_name(t->plan.corruptions[ci]),
	    (double)t->plan.scales[sc], sm.val_acc.n);
	if (results_decay_shown(t))
		results_sb_printf(b, ", \"weight_decay\": %g",
		    (double)t->rows[sweep_row_index_wd(t, d, ci,
		    sc, 0)].weight_decay);
	if (results_dataset_shown(t))
		results_sb_printf(b, ", \"dataset\": \"%s\"",
		    results_dataset_key(t, &t->rows[sweep_row_index_wd(t, d,
		    ci, sc, 0)]));
	for (int q = 0; q < 4; q++)
		if (st[q]->n > 0)
			results_sb_printf(b, ", \"%s\": {\"mean\": %.6f, "
			    "\"sd\": %.6f, \"min\": %.6f, "
			    "\"max\": %.6f}", m[q], st[q]->mean,
			    st[q]->sd, st[q]->min, st[q]->max);
	if (sweep_plan_probes(&t->plan))
		json_probe_summary(b, t, d, ci, sc);
	results_sb_printf(b, "}");
}

int
results_write_json(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf b;

	if (results_sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	results_sb_printf(&b, "{\n  \"data\": ");
	results_json_string(&b, source);
	json_config(&b, t);
	results_sb_printf(&b, ",\n  \"runs\": [");
	for (int i = 0; i < t->n; i++) {
		results_sb_printf(&b, "%s\n    ", i ? "," : "");
		json_row(&b, t, i);
	}
	results_sb_printf(&b, "\n  ],\n  \"summary\": [");
	for (int k = 0; k < sweep_plan_rows(&t->plan) / t->plan.nseeds; k++) {
		results_sb_printf(&b, "%s\n    ", k ? "," : "");
		json_summary(&b, t, k);
	}
	results_sb_printf(&b, "\n  ]\n}\n");
	return results_finish(path, &b, err, errlen);
}

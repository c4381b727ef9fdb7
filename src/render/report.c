/* Text tables of a sweep's results: summary, matrix, comparison. */
#include "render/report.h"

#include <math.h>
#include <string.h>

/* "0.9843" or "0.9843 +- 0.0012"; "-" when there is no value. */
static const char *
mean_sd(char *buf, size_t len, const sweep_stat *s, int seeds)
{
	if (s->n == 0)
		snprintf(buf, len, "-");
	else if (seeds > 1)
		snprintf(buf, len, "%.4f +- %.4f", s->mean, s->sd);
	else
		snprintf(buf, len, "%.4f", s->mean);
	return buf;
}

/* In the functions below, g is a group of the grid (data set and weight
 * decay: sweep_plan_ngroups); report_sweep shows each data set's first
 * decay, as it has always shown the first decay. */
static void
report_one_seed(FILE *f, const sweep_table *t, int g, int c,
    render_charset cs)
{
	char bar[256];

	fprintf(f, "\n%-7s%-10s%-10s%-14s%-10s\n", "scale", "accuracy", "loss",
	    "val_accuracy", "val_loss");
	for (int s = 0; s < t->plan.nscales; s++) {
		const sweep_row   *r = &t->rows[sweep_row_index_wd(t, g, c, s,
		    0)];
		const train_epoch *e = &r->hist[r->nhist - 1];

		if (r->nhist == 0)
			continue;
		fprintf(f, "%-7g%-10.4f%-10.4f%-14.4f%-10.4f%s\n",
		    (double)r->scale, e->acc, e->loss, e->val_acc, e->val_loss,
		    r->state == SWEEP_DONE ? "" : "  (unfinished)");
	}
	fprintf(f, "\nfinal accuracy by noise scale (train, val)\n");
	for (int s = 0; s < t->plan.nscales; s++) {
		const sweep_row   *r = &t->rows[sweep_row_index_wd(t, g, c, s,
		    0)];
		const train_epoch *e = &r->hist[r->nhist - 1];

		if (r->nhist == 0)
			continue;
		render_bar(e->acc, 40, cs, bar, sizeof bar);
		fprintf(f, "%5g train |%s| %.4f\n", (double)r->scale, bar,
		    e->acc);
		render_bar(e->val_acc, 40, cs, bar, sizeof bar);
		fprintf(f, "%5s   val |%s| %.4f\n", "", bar, e->val_acc);
	}
}

/* A bar of width cells for mean, with the cells from min to max marked
 * ('-' in ASCII, a light line in UTF-8): the spread over seeds. */
static void
whisker_bar(const sweep_stat *s, int width, render_charset cs, char *out,
    size_t len)
{
	int    lo = (int)floor(s->min * width), hi = (int)ceil(s->max * width);
	size_t used;

	render_bar(s->mean, width, cs, out, len);
	/* render_bar pads with spaces: mark the spread past the bar's end. */
	used = strlen(out);
	for (int i = 0, col = 0; out[i] != '\0' && (size_t)i < used; col++) {
		int step = ((unsigned char)out[i] & 0x80) ? (((unsigned char)
		    out[i] & 0xe0) == 0xc0 ? 2 : ((unsigned char)out[i] &
		    0xf0) == 0xe0 ? 3 : 4) : 1;

		if (out[i] == ' ' && col >= lo && col < hi) {
			if (cs == RENDER_ASCII)
				out[i] = '-';
			else if (len > used + 2) {
				/* U+2500 is three bytes for one space. */
				memmove(out + i + 3, out + i + 1, used - i);
				memcpy(out + i, "\xe2\x94\x80", 3);
				used += 2;
				step = 3;
			}
		}
		i += step;
	}
}

static void
report_seeds(FILE *f, const sweep_table *t, int g, int c, render_charset cs)
{
	char a[48], l[48], va[48], vl[48], bar[512];
	int  seeds = t->plan.nseeds;

	fprintf(f, "\n%d seeds per scale: mean +- sd [min, max]\n", seeds);
	fprintf(f, "%-7s%-20s%-20s%-20s%-20s%s\n", "scale", "accuracy", "loss",
	    "val_accuracy", "val_loss", "val_accuracy min..max");
	for (int s = 0; s < t->plan.nscales; s++) {
		sweep_summary m;

		sweep_summarize_wd(t, g, c, s, &m);
		if (m.val_acc.n == 0)
			continue;
		fprintf(f, "%-7g%-20s%-20s%-20s%-20s%.4f..%.4f (%d of %d)\n",
		    (double)t->plan.scales[s], mean_sd(a, sizeof a, &m.acc,
		    seeds), mean_sd(l, sizeof l, &m.loss, seeds), mean_sd(va,
		    sizeof va, &m.val_acc, seeds), mean_sd(vl, sizeof vl,
		    &m.val_loss, seeds), m.val_acc.min, m.val_acc.max,
		    m.val_acc.n, seeds);
	}
	fprintf(f, "\nfinal accuracy by scale (train, val; the spread over "
	    "seeds as a whisker)\n");
	for (int s = 0; s < t->plan.nscales; s++) {
		sweep_summary m;

		sweep_summarize_wd(t, g, c, s, &m);
		if (m.val_acc.n == 0)
			continue;
		whisker_bar(&m.acc, 40, cs, bar, sizeof bar);
		fprintf(f, "%5g train |%s| %.4f +- %.4f\n",
		    (double)t->plan.scales[s], bar, m.acc.mean, m.acc.sd);
		whisker_bar(&m.val_acc, 40, cs, bar, sizeof bar);
		fprintf(f, "%5s   val |%s| %.4f +- %.4f\n", "", bar,
		    m.val_acc.mean, m.val_acc.sd);
	}
}

/*
 * With the data set axis: the final val accuracy of every (corruption,
 * training scale), a column per data set, side by side.
 */
static void
report_datasets(FILE *f, const sweep_table *t)
{
	const sweep_plan *p = &t->plan;
	int               seeds = p->nseeds, w = seeds > 1 ? 20 : 15;

	fprintf(f, "\nval accuracy by data set%s: training scale down, data "
	    "set across\n", seeds > 1 ? " (mean +- sd over seeds)" : "");
	for (int c = 0; c < p->ncorruptions; c++) {
		/* the corruption named only on a grid of several */
		if (p->ncorruptions > 1)
			fprintf(f, "%s\n", corrupt_name(p->corruptions[c]));
		fprintf(f, "%-7s", "scale");
		for (int d = 0; d < p->ndatasets; d++)
			fprintf(f, "%-*s", d + 1 < p->ndatasets ? w : 0,
			    sweep_plan_dataset_name(p, d));
		fputc('\n', f);
		for (int s = 0; s < p->nscales; s++) {
			fprintf(f, "%-7g", (double)p->scales[s]);
			for (int d = 0; d < p->ndatasets; d++) {
				sweep_summary m;
				char          cell[48];

				sweep_summarize_wd(t, d * sweep_plan_ndecays(p), c,
				    s, &m);
				fprintf(f, "%-*s", d + 1 < p->ndatasets ? w : 0,
				    mean_sd(cell, sizeof cell, &m.val_acc, seeds));
			}
			fputc('\n', f);
		}
	}
}

void
report_sweep(FILE *f, const sweep_table *t, render_charset cs)
{
	const sweep_plan *p = &t->plan;

	for (int d = 0; d < sweep_plan_ndatasets(p); d++) {
		int g = d * sweep_plan_ndecays(p);

		if (p->ndatasets > 1)
			fprintf(f, "\n== %s\n", sweep_plan_dataset_name(p, d));
		for (int c = 0; c < p->ncorruptions; c++) {
			if (p->ncorruptions > 1 || p->corruptions[c] !=
			    CORRUPT_GAUSSIAN) {
				const corrupt_info *ci =
				    corrupt_info_of(p->corruptions[c]);

				fprintf(f, "\n== %s: %s; scale = %s\n", ci->name,
				    ci->formula, ci->severity);
			}
			if (p->nseeds == 1)
				report_one_seed(f, t, g, c, cs);
			else
				report_seeds(f, t, g, c, cs);
		}
	}
	if (p->ndatasets > 1)
		report_datasets(f, t);
}

void
report_matrix(FILE *f, const sweep_table *t)
{
	int seeds = t->plan.nseeds, w = seeds > 1 ? 17 : 8;
	int nd = sweep_plan_ndecays(&t->plan);

	if (t->plan.ntest == 0)
		return;
	for (int k = 0; k < sweep_plan_ngroups(&t->plan) *
	    t->plan.ncorruptions; k++) {
		int  d = k / t->plan.ncorruptions, c = k % t->plan.ncorruptions;
		char wd[48] = "", ds[80] = "";

		/* the decay and the data set named only on a grid of several */
		if (nd > 1)
			snprintf(wd, sizeof wd, ", weight decay %g",
			    (double)t->plan.decays[d % nd]);
		if (t->plan.ndatasets > 1)
			snprintf(ds, sizeof ds, "%s, ", sweep_plan_dataset_name(
			    &t->plan, d / nd));
		fprintf(f, "\nval accuracy, %s%s%s: training scale down, test "
		    "scale across%s\n", ds,
		    corrupt_name(t->plan.corruptions[c]), wd, seeds > 1 ?
		    " (mean +- sd over seeds)" : "");
		fprintf(f, "%-7s", "train");
		for (int j = 0; j < t->plan.ntest; j++)
			fprintf(f, "%*g", w, (double)t->plan.test_scales[j]);
		fputc('\n', f);
		for (int s = 0; s < t->plan.nscales; s++) {
			fprintf(f, "%-7g", (double)t->plan.scales[s]);
			for (int j = 0; j < t->plan.ntest; j++) {
				sweep_stat st;
				char       cell[48];

				sweep_matrix_cell_wd(t, d, c, s, j, &st);
				fprintf(f, "%*s", w, mean_sd(cell, sizeof cell,
				    &st, seeds));
			}
			fputc('\n', f);
		}
	}
}

void
report_probes(FILE *f, const sweep_table *t)
{
	if (!sweep_plan_probes(&t->plan))
		return;
	fprintf(f, "\nprobes of each model on the clean test set: mean "
	    "input-gradient norm, Jacobian\nFrobenius norm, first-layer weight "
	    "norm, roughness of its weights and of their change\nsince the "
	    "initialisation, then ECE (15 bins) at each test scale and "
	    "accuracy under\neach attack\n");
	fprintf(f, "%-11s%-6s%-8s%-9s%-9s%-8s%-7s%-8s", "corruption", "train",
	    "seed", "grad", "jac_F", "W1", "rough", "rough_d");
	if (t->plan.ndecays > 0)
		fprintf(f, "%-8s", "decay");
	if (t->plan.ndatasets > 1)
		fprintf(f, "%-8s", "data");
	for (int j = 0; j < t->plan.ntest; j++) {
		char h[32];

		snprintf(h, sizeof h, "ece@%g", (double)t->plan.test_scales[j]);
		fprintf(f, " %-9s", h);
	}
	for (int a = 0; a < t->plan.nattacks; a++) {
		char h[64];

		fprintf(f, " %-11s", probe_attack_label(&t->plan.attacks[a], h,
		    sizeof h));
	}
	fputc('\n', f);
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_DONE)
			continue;
		fprintf(f, "%-11s%-6g%-8llu%-9.4f%-9.4f%-8.3f%-7.4f%-8.4f",
		    corrupt_name(r->corruption), (double)r->scale,
		    (unsigned long long)r->seed, r->sens.grad_norm,
		    r->sens.jac_frob, r->sens.w1_norm, r->sens.rf_rough,
		    r->sens.rf_rough_delta);
		if (t->plan.ndecays > 0)
			fprintf(f, "%-8g", (double)r->weight_decay);
		if (t->plan.ndatasets > 1)
			fprintf(f, "%-8s", dataset_info_of(
			    t->plan.datasets[r->dataset_index])->key);
		for (int j = 0; j < t->plan.ntest; j++)
			fprintf(f, " %-9.4f", r->test_ece[j]);
		for (int a = 0; a < t->plan.nattacks; a++)
			fprintf(f, " %-11.4f", r->attack_acc[a]);
		fputc('\n', f);
	}
}

void
report_compare(FILE *f, const sweep_table *t)
{
	const sweep_row *a = &t->rows[0], *b = &t->rows[t->n > 1 ? 1 : 0];

	/* Every cell is 8 wide and each block 4 cells, so the bars line up:
	 * "epoch  | acc     loss    val_acc val_loss | ...". */
	fprintf(f, "\n%-6s | %-32s | noisy, scale %g\n", "", "clean",
	    (double)b->scale);
	fprintf(f, "%-6s | %-8s%-8s%-8s%-8s | %-8s%-8s%-8s%s\n", "epoch",
	    "acc", "loss", "val_acc", "val_loss", "acc", "loss", "val_acc",
	    "val_loss");
	for (int e = 0; e < a->nhist || e < b->nhist; e++) {
		fprintf(f, "%-6d |", e + 1);
		for (int k = 0; k < 2; k++) {
			const sweep_row *r = k ? b : a;

			if (e < r->nhist)
				fprintf(f, " %-8.4f%-8.4f%-8.4f%-8.4f",
				    r->hist[e].acc, r->hist[e].loss,
				    r->hist[e].val_acc, r->hist[e].val_loss);
			else
				fprintf(f, " %-32s", "");
			fprintf(f, "%s", k ? "\n" : " |");
		}
	}
}

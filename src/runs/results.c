/* Results files: CSV and JSON of a sweep table, written atomically. */
#include "runs/results.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "data/corrupt.h"
#include "base/err.h"
#include "base/file.h"
#include "runs/results_priv.h"

void
results_sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int     n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len)
			break;
		size_t ncap = (b->cap + (size_t)n + 1) * 2;
		char  *ns = realloc(b->s, ncap);
		if (ns == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	b->len += (size_t)n;
}

int
results_sb_init(struct sbuf *b)
{
	memset(b, 0, sizeof *b);
	b->cap = 4096;
	if ((b->s = malloc(b->cap)) == NULL)
		return -1;
	b->s[0] = '\0';
	return 0;
}

const char *
results_state_name(int state)
{
	switch (state) {
	case SWEEP_RUNNING:
		return "running";
	case SWEEP_DONE:
		return "done";
	case SWEEP_CANCELLED:
		return "cancelled";
	}
	return "pending";
}

int
results_finish(const char *path, struct sbuf *b, char *err, size_t errlen)
{
	int rc;

	if (b->oom) {
		free(b->s);
		return err_set(err, errlen, "%s: out of memory", path);
	}
	rc = file_write_atomic(path, b->s, b->len, err, errlen);
	free(b->s);
	return rc;
}

/*
 * Whether the files show weight decay: a plan with the axis, or a
 * configuration with a decay.  Without it they read as before it existed.
 */
int
results_decay_shown(const sweep_table *t)
{
	return t->plan.ndecays > 0 || t->cfg.weight_decay != 0.0f;
}

int
results_dataset_shown(const sweep_table *t)
{
	return t->plan.ndatasets > 1;
}

const char *
results_dataset_key(const sweep_table *t, const sweep_row *r)
{
	int d = r->dataset_index;

	return d >= 0 && d < t->plan.ndatasets ?
	    dataset_info_of(t->plan.datasets[d])->key : "";
}

void
results_config_line(struct sbuf *b, const sweep_table *t)
{
	const train_config *c = &t->cfg;

	results_sb_printf(b, "layers=");
	for (int l = 0; l <= c->nlayer; l++)
		results_sb_printf(b, "%s%d", l ? "-" : "", c->size[l]);
	results_sb_printf(b, " dropout=%g lr=%g batch=%d epochs=%d seed=%llu "
	    "precision=%s", (double)c->dropout, (double)c->lr, c->batch,
	    c->epochs, (unsigned long long)c->seed,
	    train_precision_name(c->precision));
	/* The grid, where it is more than the notebook's one seed of
	 * Gaussian noise drawn once. */
	if (t->plan.nseeds > 1)
		results_sb_printf(b, " seeds=%d", t->plan.nseeds);
	if (t->plan.ncorruptions > 1 || t->plan.corruptions[0] !=
	    CORRUPT_GAUSSIAN) {
		results_sb_printf(b, " corruption=");
		for (int i = 0; i < t->plan.ncorruptions; i++)
			results_sb_printf(b, "%s%s", i ? "," : "",
			    corrupt_name(t->plan.corruptions[i]));
	}
	if (t->plan.mode != SWEEP_FIXED)
		results_sb_printf(b, " noise_mode=%s", sweep_mode_name(t->plan.mode));
	if (results_decay_shown(t)) {
		results_sb_printf(b, " weight_decay=");
		for (int d = 0; d < sweep_plan_ndecays(&t->plan); d++)
			results_sb_printf(b, "%s%g", d ? "," : "", (double)(t->plan.ndecays >
			    0 ? t->plan.decays[d] : t->cfg.weight_decay));
		results_sb_printf(b, " (Keras l2)");
	}
	for (int d = 0; results_dataset_shown(t) && d < t->plan.ndatasets; d++)
		results_sb_printf(b, "%s%s", d ? "," : " datasets=",
		    dataset_info_of(t->plan.datasets[d])->key);
	if (t->plan.probes)
		results_sb_printf(b, " probes=1");
	for (int a = 0; a < t->plan.nattacks; a++) {
		char lab[64];

		results_sb_printf(b, "%s%s", a ? "," : " attacks=", probe_attack_label(
		    &t->plan.attacks[a], lab, sizeof lab));
	}
}

int
results_write_csv(const char *path, const sweep_table *t, const char *source,
    char *err, size_t errlen)
{
	struct sbuf b;

	if (results_sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	results_sb_printf(&b, "# noisetop results\n# data: %s\n# config: ", source);
	results_config_line(&b, t);
	/* seed and corruption last: older readers of the first eight
	 * columns see the file they always did. */
	results_sb_printf(&b, "\nscale,state,epoch,seconds,accuracy,loss,"
	    "val_accuracy,val_loss,seed,corruption%s%s\n", results_decay_shown(t) ?
	    ",weight_decay" : "", results_dataset_shown(t) ? ",dataset" : "");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		for (int e = 0; e < r->nhist; e++) {
			const train_epoch *h = &r->hist[e];

			results_sb_printf(&b, "%g,%s,%d,%.3f,%.6f,%.6f,%.6f,%.6f,%llu,"
			    "%s", (double)r->scale, results_state_name(r->state),
			    h->epoch, h->seconds, h->acc, h->loss, h->val_acc,
			    h->val_loss, (unsigned long long)r->seed,
			    corrupt_name(r->corruption));
			if (results_decay_shown(t))
				results_sb_printf(&b, ",%g", (double)r->weight_decay);
			if (results_dataset_shown(t))
				results_sb_printf(&b, ",%s",
				    results_dataset_key(t, r));
			results_sb_printf(&b, "\n");
		}
	}
	return results_finish(path, &b, err, errlen);
}

/* A statistic as CSV fields "mean,sd,min,max" (empty when no value). */
static void
csv_stat(struct sbuf *b, const sweep_stat *s)
{
	if (s->n == 0)
		results_sb_printf(b, ",,,");
	else
		results_sb_printf(b, "%.6f,%.6f,%.6f,%.6f", s->mean, s->sd, s->min,
		    s->max);
}

/* ",mean,sd" of a statistic (",," when no value). */
static void
csv_mean_sd(struct sbuf *b, const sweep_stat *s)
{
	if (s->n == 0 || isnan(s->mean))
		results_sb_printf(b, ",,");
	else
		results_sb_printf(b, ",%.6g,%.6g", s->mean, s->sd);
}

/* The probe_sens figures, in sweep_probe_summary's order. */
const char *const results_sens_names[SWEEP_NSENS] = { "grad_norm",
	"jac_frob", "w1_norm", "rf_rough", "rf_rough_delta" };

int
results_write_summary_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf b;

	if (results_sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	results_sb_printf(&b, "# noisetop summary: final metrics over seeds\n"
	    "# data: %s\n# config: ", source);
	results_config_line(&b, t);
	results_sb_printf(&b, "\ncorruption,scale,seeds_done,seeds");
	static const char *const m[] = { "accuracy", "loss", "val_accuracy",
	    "val_loss" };
	for (int k = 0; k < 4; k++)
		results_sb_printf(&b, ",%s_mean,%s_sd,%s_min,%s_max", m[k], m[k], m[k],
		    m[k]);
	results_sb_printf(&b, "%s%s", results_decay_shown(t) ? ",weight_decay" :
	    "", results_dataset_shown(t) ? ",dataset" : "");
	/* a probed plan: each probe's mean and sd over the seeds, last */
	for (int q = 0; q < (sweep_plan_probes(&t->plan) ? SWEEP_NSENS : 0);
	    q++)
		results_sb_printf(&b, ",%s_mean,%s_sd", results_sens_names[q], results_sens_names[q]);
	for (int a = 0; a < t->plan.nattacks; a++) {
		char lab[64];

		probe_attack_label(&t->plan.attacks[a], lab, sizeof lab);
		results_sb_printf(&b, ",acc_%s_mean,acc_%s_sd", lab, lab);
	}
	results_sb_printf(&b, "\n");
	/* one line per (data set, decay, corruption, scale), in grid order */
	for (int k = 0; k < sweep_plan_rows(&t->plan) / t->plan.nseeds; k++) {
		int d = k / (t->plan.ncorruptions * t->plan.nscales);
		int c = k / t->plan.nscales % t->plan.ncorruptions;
		int s = k % t->plan.nscales;
		sweep_summary sm;

		sweep_summarize_wd(t, d, c, s, &sm);
		results_sb_printf(&b, "%s,%g,%d,%d,",
		    corrupt_name(t->plan.corruptions[c]),
		    (double)t->plan.scales[s], sm.val_acc.n,
		    t->plan.nseeds);
		csv_stat(&b, &sm.acc);
		results_sb_printf(&b, ",");
		csv_stat(&b, &sm.loss);
		results_sb_printf(&b, ",");
		csv_stat(&b, &sm.val_acc);
		results_sb_printf(&b, ",");
		csv_stat(&b, &sm.val_loss);
		if (results_decay_shown(t))
			results_sb_printf(&b, ",%g", (double)t->rows[
			    sweep_row_index_wd(t, d, c, s, 0)].weight_decay);
		if (results_dataset_shown(t))
			results_sb_printf(&b, ",%s", results_dataset_key(t,
			    &t->rows[sweep_row_index_wd(t, d, c, s, 0)]));
		if (sweep_plan_probes(&t->plan)) {
			sweep_probe_summary ps;

			sweep_summarize_probes(t, d, c, s, &ps);
			for (int q = 0; q < SWEEP_NSENS; q++)
				csv_mean_sd(&b, &ps.sens[q]);
			for (int a = 0; a < t->plan.nattacks; a++)
				csv_mean_sd(&b, &ps.attack[a]);
		}
		results_sb_printf(&b, "\n");
	}
	return results_finish(path, &b, err, errlen);
}

int
results_write_matrix_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf b;

	if (results_sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	results_sb_printf(&b, "# noisetop train x test matrix: each model evaluated on "
	    "the test set at each test scale\n# data: %s\n# config: ",
	    source);
	results_config_line(&b, t);
	/* the new columns last, and only where used */
	results_sb_printf(&b, "\ncorruption,train_scale,test_scale,seed,"
	    "test_accuracy,test_loss%s%s%s\n", results_decay_shown(t) ?
	    ",weight_decay" : "", results_dataset_shown(t) ? ",dataset" : "",
	    sweep_plan_probes(&t->plan) ? ",ece,confidence" : "");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_DONE)
			continue;
		for (int j = 0; j < t->plan.ntest; j++) {
			results_sb_printf(&b, "%s,%g,%g,%llu,%.6f,%.6f",
			    corrupt_name(r->corruption), (double)r->scale,
			    (double)t->plan.test_scales[j],
			    (unsigned long long)r->seed, r->test_acc[j],
			    r->test_loss[j]);
			if (results_decay_shown(t))
				results_sb_printf(&b, ",%g", (double)r->weight_decay);
			if (results_dataset_shown(t))
				results_sb_printf(&b, ",%s",
				    results_dataset_key(t, r));
			if (sweep_plan_probes(&t->plan))
				results_sb_printf(&b, ",%.6f,%.6f", r->test_ece[j],
				    r->test_conf[j]);
			results_sb_printf(&b, "\n");
		}
	}
	return results_finish(path, &b, err, errlen);
}

int
results_write_probes_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf b;
	char        lab[64];

	if (results_sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	results_sb_printf(&b, "# noisetop probes: each model on the clean test set "
	    "(input-gradient norm, Jacobian Frobenius norm, first-layer "
	    "weight norm, roughness of the weights and of their change from "
	    "the initialisation, accuracy under each attack)\n"
	    "# data: %s\n# config: ", source);
	results_config_line(&b, t);
	results_sb_printf(&b, "\ncorruption,train_scale,seed,weight_decay,grad_norm,"
	    "jac_frob,w1_norm,rf_rough,rf_rough_delta");
	for (int a = 0; a < t->plan.nattacks; a++)
		results_sb_printf(&b, ",acc_%s", probe_attack_label(&t->plan.attacks[a],
		    lab, sizeof lab));
	results_sb_printf(&b, "%s\n", results_dataset_shown(t) ? ",dataset" : "");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_DONE)
			continue;
		results_sb_printf(&b, "%s,%g,%llu,%g,%.6g,%.6g,%.6g,%.6f,%.6f",
		    corrupt_name(r->corruption), (double)r->scale,
		    (unsigned long long)r->seed, (double)r->weight_decay,
		    r->sens.grad_norm, r->sens.jac_frob, r->sens.w1_norm,
		    r->sens.rf_rough, r->sens.rf_rough_delta);
		for (int a = 0; a < t->plan.nattacks; a++)
			results_sb_printf(&b, ",%.6f", r->attack_acc[a]);
		if (results_dataset_shown(t))
			results_sb_printf(&b, ",%s", results_dataset_key(t, r));
		results_sb_printf(&b, "\n");
	}
	return results_finish(path, &b, err, errlen);
}

char *
results_sibling(const char *path, const char *what, char *out, size_t len)
{
	size_t n = strlen(path);

	if (n > 4 && strcmp(path + n - 4, ".csv") == 0)
		snprintf(out, len, "%.*s-%s.csv", (int)(n - 4), path, what);
	else
		snprintf(out, len, "%s-%s.csv", path, what);
	return out;
}


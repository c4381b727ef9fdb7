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

/* A growing string buffer; on allocation failure it stays failed. */
struct sbuf {
	char  *s;
	size_t len, cap;
	int    oom;
};

__attribute__((format(printf, 2, 3))) static void
sb_printf(struct sbuf *b, const char *fmt, ...)
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

static int
sb_init(struct sbuf *b)
{
	memset(b, 0, sizeof *b);
	b->cap = 4096;
	if ((b->s = malloc(b->cap)) == NULL)
		return -1;
	b->s[0] = '\0';
	return 0;
}

static const char *
state_name(int state)
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

static int
finish(const char *path, struct sbuf *b, char *err, size_t errlen)
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
static int
decay_shown(const sweep_table *t)
{
	return t->plan.ndecays > 0 || t->cfg.weight_decay != 0.0f;
}

static void
config_line(struct sbuf *b, const sweep_table *t)
{
	const train_config *c = &t->cfg;

	sb_printf(b, "layers=");
	for (int l = 0; l <= c->nlayer; l++)
		sb_printf(b, "%s%d", l ? "-" : "", c->size[l]);
	sb_printf(b, " dropout=%g lr=%g batch=%d epochs=%d seed=%llu "
	    "precision=%s", (double)c->dropout, (double)c->lr, c->batch,
	    c->epochs, (unsigned long long)c->seed,
	    train_precision_name(c->precision));
	/* The grid, where it is more than the notebook's one seed of
	 * Gaussian noise drawn once. */
	if (t->plan.nseeds > 1)
		sb_printf(b, " seeds=%d", t->plan.nseeds);
	if (t->plan.ncorruptions > 1 || t->plan.corruptions[0] !=
	    CORRUPT_GAUSSIAN) {
		sb_printf(b, " corruption=");
		for (int i = 0; i < t->plan.ncorruptions; i++)
			sb_printf(b, "%s%s", i ? "," : "",
			    corrupt_name(t->plan.corruptions[i]));
	}
	if (t->plan.mode != SWEEP_FIXED)
		sb_printf(b, " noise_mode=%s", sweep_mode_name(t->plan.mode));
	if (decay_shown(t)) {
		sb_printf(b, " weight_decay=");
		for (int d = 0; d < sweep_plan_ndecays(&t->plan); d++)
			sb_printf(b, "%s%g", d ? "," : "", (double)(t->plan.ndecays >
			    0 ? t->plan.decays[d] : t->cfg.weight_decay));
		sb_printf(b, " (Keras l2)");
	}
	if (t->plan.probes)
		sb_printf(b, " probes=1");
	for (int a = 0; a < t->plan.nattacks; a++) {
		char lab[64];

		sb_printf(b, "%s%s", a ? "," : " attacks=", probe_attack_label(
		    &t->plan.attacks[a], lab, sizeof lab));
	}
}

int
results_write_csv(const char *path, const sweep_table *t, const char *source,
    char *err, size_t errlen)
{
	struct sbuf b;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "# noisetop results\n# data: %s\n# config: ", source);
	config_line(&b, t);
	/* seed and corruption last: older readers of the first eight
	 * columns see the file they always did. */
	sb_printf(&b, "\nscale,state,epoch,seconds,accuracy,loss,"
	    "val_accuracy,val_loss,seed,corruption%s\n", decay_shown(t) ?
	    ",weight_decay" : "");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		for (int e = 0; e < r->nhist; e++) {
			const train_epoch *h = &r->hist[e];

			sb_printf(&b, "%g,%s,%d,%.3f,%.6f,%.6f,%.6f,%.6f,%llu,"
			    "%s", (double)r->scale, state_name(r->state),
			    h->epoch, h->seconds, h->acc, h->loss, h->val_acc,
			    h->val_loss, (unsigned long long)r->seed,
			    corrupt_name(r->corruption));
			if (decay_shown(t))
				sb_printf(&b, ",%g", (double)r->weight_decay);
			sb_printf(&b, "\n");
		}
	}
	return finish(path, &b, err, errlen);
}

/* A statistic as CSV fields "mean,sd,min,max" (empty when no value). */
static void
csv_stat(struct sbuf *b, const sweep_stat *s)
{
	if (s->n == 0)
		sb_printf(b, ",,,");
	else
		sb_printf(b, "%.6f,%.6f,%.6f,%.6f", s->mean, s->sd, s->min,
		    s->max);
}

/* ",mean,sd" of a statistic (",," when no value). */
static void
csv_mean_sd(struct sbuf *b, const sweep_stat *s)
{
	if (s->n == 0 || isnan(s->mean))
		sb_printf(b, ",,");
	else
		sb_printf(b, ",%.6g,%.6g", s->mean, s->sd);
}

/* The probe_sens figures, in sweep_probe_summary's order. */
static const char *const sens_names[SWEEP_NSENS] = { "grad_norm",
	"jac_frob", "w1_norm", "rf_rough", "rf_rough_delta" };

int
results_write_summary_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf b;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "# noisetop summary: final metrics over seeds\n"
	    "# data: %s\n# config: ", source);
	config_line(&b, t);
	sb_printf(&b, "\ncorruption,scale,seeds_done,seeds");
	static const char *const m[] = { "accuracy", "loss", "val_accuracy",
	    "val_loss" };
	for (int k = 0; k < 4; k++)
		sb_printf(&b, ",%s_mean,%s_sd,%s_min,%s_max", m[k], m[k], m[k],
		    m[k]);
	sb_printf(&b, "%s", decay_shown(t) ? ",weight_decay" : "");
	/* a probed plan: each probe's mean and sd over the seeds, last */
	for (int q = 0; q < (sweep_plan_probes(&t->plan) ? SWEEP_NSENS : 0);
	    q++)
		sb_printf(&b, ",%s_mean,%s_sd", sens_names[q], sens_names[q]);
	for (int a = 0; a < t->plan.nattacks; a++) {
		char lab[64];

		probe_attack_label(&t->plan.attacks[a], lab, sizeof lab);
		sb_printf(&b, ",acc_%s_mean,acc_%s_sd", lab, lab);
	}
	sb_printf(&b, "\n");
	/* one line per (decay, corruption, scale), in grid order */
	for (int k = 0; k < sweep_plan_rows(&t->plan) / t->plan.nseeds; k++) {
		int d = k / (t->plan.ncorruptions * t->plan.nscales);
		int c = k / t->plan.nscales % t->plan.ncorruptions;
		int s = k % t->plan.nscales;
		sweep_summary sm;

		sweep_summarize_wd(t, d, c, s, &sm);
		sb_printf(&b, "%s,%g,%d,%d,",
		    corrupt_name(t->plan.corruptions[c]),
		    (double)t->plan.scales[s], sm.val_acc.n,
		    t->plan.nseeds);
		csv_stat(&b, &sm.acc);
		sb_printf(&b, ",");
		csv_stat(&b, &sm.loss);
		sb_printf(&b, ",");
		csv_stat(&b, &sm.val_acc);
		sb_printf(&b, ",");
		csv_stat(&b, &sm.val_loss);
		if (decay_shown(t))
			sb_printf(&b, ",%g", (double)t->rows[
			    sweep_row_index_wd(t, d, c, s, 0)].weight_decay);
		if (sweep_plan_probes(&t->plan)) {
			sweep_probe_summary ps;

			sweep_summarize_probes(t, d, c, s, &ps);
			for (int q = 0; q < SWEEP_NSENS; q++)
				csv_mean_sd(&b, &ps.sens[q]);
			for (int a = 0; a < t->plan.nattacks; a++)
				csv_mean_sd(&b, &ps.attack[a]);
		}
		sb_printf(&b, "\n");
	}
	return finish(path, &b, err, errlen);
}

int
results_write_matrix_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf b;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "# noisetop train x test matrix: each model evaluated on "
	    "the test set at each test scale\n# data: %s\n# config: ",
	    source);
	config_line(&b, t);
	/* the new columns last, and only where used */
	sb_printf(&b, "\ncorruption,train_scale,test_scale,seed,"
	    "test_accuracy,test_loss%s%s\n", decay_shown(t) ?
	    ",weight_decay" : "", sweep_plan_probes(&t->plan) ?
	    ",ece,confidence" : "");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_DONE)
			continue;
		for (int j = 0; j < t->plan.ntest; j++) {
			sb_printf(&b, "%s,%g,%g,%llu,%.6f,%.6f",
			    corrupt_name(r->corruption), (double)r->scale,
			    (double)t->plan.test_scales[j],
			    (unsigned long long)r->seed, r->test_acc[j],
			    r->test_loss[j]);
			if (decay_shown(t))
				sb_printf(&b, ",%g", (double)r->weight_decay);
			if (sweep_plan_probes(&t->plan))
				sb_printf(&b, ",%.6f,%.6f", r->test_ece[j],
				    r->test_conf[j]);
			sb_printf(&b, "\n");
		}
	}
	return finish(path, &b, err, errlen);
}

int
results_write_probes_csv(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf b;
	char        lab[64];

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "# noisetop probes: each model on the clean test set "
	    "(input-gradient norm, Jacobian Frobenius norm, first-layer "
	    "weight norm, roughness of the weights and of their change from "
	    "the initialisation, accuracy under each attack)\n"
	    "# data: %s\n# config: ", source);
	config_line(&b, t);
	sb_printf(&b, "\ncorruption,train_scale,seed,weight_decay,grad_norm,"
	    "jac_frob,w1_norm,rf_rough,rf_rough_delta");
	for (int a = 0; a < t->plan.nattacks; a++)
		sb_printf(&b, ",acc_%s", probe_attack_label(&t->plan.attacks[a],
		    lab, sizeof lab));
	sb_printf(&b, "\n");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_DONE)
			continue;
		sb_printf(&b, "%s,%g,%llu,%g,%.6g,%.6g,%.6g,%.6f,%.6f",
		    corrupt_name(r->corruption), (double)r->scale,
		    (unsigned long long)r->seed, (double)r->weight_decay,
		    r->sens.grad_norm, r->sens.jac_frob, r->sens.w1_norm,
		    r->sens.rf_rough, r->sens.rf_rough_delta);
		for (int a = 0; a < t->plan.nattacks; a++)
			sb_printf(&b, ",%.6f", r->attack_acc[a]);
		sb_printf(&b, "\n");
	}
	return finish(path, &b, err, errlen);
}

/* A JSON string literal: quotes, backslashes and control bytes escaped. */
static void
json_string(struct sbuf *b, const char *s)
{
	sb_printf(b, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20)
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
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
	sb_printf(b, ", \"probe\": {");
	for (int q = 0; q < SWEEP_NSENS; q++)
		if (ps.sens[q].n > 0 && isfinite(ps.sens[q].mean))
			sb_printf(b, "%s\"%s\": {\"mean\": %.6g, \"sd\": %.6g}",
			    k++ ? ", " : "", sens_names[q], ps.sens[q].mean,
			    ps.sens[q].sd);
	sb_printf(b, "%s\"attacks\": {", k ? ", " : "");
	k = 0;
	for (int a = 0; a < t->plan.nattacks; a++) {
		char lab[64];

		if (ps.attack[a].n > 0)
			sb_printf(b, "%s\"%s\": {\"mean\": %.6f, \"sd\": "
			    "%.6f}", k++ ? ", " : "", probe_attack_label(
			    &t->plan.attacks[a], lab, sizeof lab),
			    ps.attack[a].mean, ps.attack[a].sd);
	}
	sb_printf(b, "}}");
}

int
results_write_json(const char *path, const sweep_table *t,
    const char *source, char *err, size_t errlen)
{
	struct sbuf         b;
	const train_config *c = &t->cfg;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "{\n  \"data\": ");
	json_string(&b, source);
	sb_printf(&b, ",\n  \"config\": {\"layers\": [");
	for (int l = 0; l <= c->nlayer; l++)
		sb_printf(&b, "%s%d", l ? ", " : "", c->size[l]);
	sb_printf(&b, "], \"dropout\": %g, \"lr\": %g, \"batch\": %d, "
	    "\"epochs\": %d, \"seed\": %llu, \"precision\": \"%s\", "
	    "\"seeds\": %d, \"noise_mode\": \"%s\", \"corruption\": [",
	    (double)c->dropout, (double)c->lr, c->batch, c->epochs,
	    (unsigned long long)c->seed, train_precision_name(c->precision),
	    t->plan.nseeds, sweep_mode_name(t->plan.mode));
	for (int i = 0; i < t->plan.ncorruptions; i++)
		sb_printf(&b, "%s\"%s\"", i ? ", " : "",
		    corrupt_name(t->plan.corruptions[i]));
	sb_printf(&b, "], \"test_scales\": [");
	for (int j = 0; j < t->plan.ntest; j++)
		sb_printf(&b, "%s%g", j ? ", " : "",
		    (double)t->plan.test_scales[j]);
	sb_printf(&b, "]");
	if (decay_shown(t)) {
		sb_printf(&b, ", \"weight_decays\": [");
		for (int d = 0; d < sweep_plan_ndecays(&t->plan); d++)
			sb_printf(&b, "%s%g", d ? ", " : "", (double)(
			    t->plan.ndecays > 0 ? t->plan.decays[d] :
			    t->cfg.weight_decay));
		sb_printf(&b, "], \"weight_decay_kind\": \"keras_l2\"");
	}
	if (sweep_plan_probes(&t->plan)) {
		sb_printf(&b, ", \"probes\": true, \"attacks\": [");
		for (int a = 0; a < t->plan.nattacks; a++) {
			char lab[64];

			sb_printf(&b, "%s\"%s\"", a ? ", " : "",
			    probe_attack_label(&t->plan.attacks[a], lab,
			    sizeof lab));
		}
		sb_printf(&b, "]");
	}
	sb_printf(&b, "},\n  \"runs\": [");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		sb_printf(&b, "%s\n    {\"scale\": %g, \"seed\": %llu, "
		    "\"corruption\": \"%s\", \"state\": \"%s\"", i ? "," : "",
		    (double)r->scale, (unsigned long long)r->seed,
		    corrupt_name(r->corruption), state_name(r->state));
		if (decay_shown(t))
			sb_printf(&b, ", \"weight_decay\": %g",
			    (double)r->weight_decay);
		if (r->state == SWEEP_DONE && t->plan.ntest > 0) {
			sb_printf(&b, ", \"test\": [");
			for (int j = 0; j < t->plan.ntest; j++) {
				sb_printf(&b, "%s{\"scale\": %g, \"accuracy\": "
				    "%.6f, \"loss\": %.6f", j ? ", " : "",
				    (double)t->plan.test_scales[j],
				    r->test_acc[j], r->test_loss[j]);
				if (sweep_plan_probes(&t->plan))
					sb_printf(&b, ", \"ece\": %.6f, "
					    "\"confidence\": %.6f",
					    r->test_ece[j], r->test_conf[j]);
				sb_printf(&b, "}");
			}
			sb_printf(&b, "]");
		}
		if (r->state == SWEEP_DONE && sweep_plan_probes(&t->plan)) {
			sb_printf(&b, ", \"probe\": {\"grad_norm\": %.6g, "
			    "\"jac_frob\": %.6g, \"w1_norm\": %.6g, "
			    "\"rf_rough\": %.6f, \"rf_rough_delta\": ",
			    r->sens.grad_norm, r->sens.jac_frob,
			    r->sens.w1_norm, r->sens.rf_rough);
			/* unknown for a row probed before it existed */
			if (isfinite(r->sens.rf_rough_delta))
				sb_printf(&b, "%.6f", r->sens.rf_rough_delta);
			else
				sb_printf(&b, "null");
			sb_printf(&b, ", \"attacks\": {");
			for (int a = 0; a < t->plan.nattacks; a++) {
				char lab[64];

				sb_printf(&b, "%s\"%s\": %.6f", a ? ", " : "",
				    probe_attack_label(&t->plan.attacks[a], lab,
				    sizeof lab), r->attack_acc[a]);
			}
			sb_printf(&b, "}}");
		}
		if (r->nhist > 0) {
			const train_epoch *f = &r->hist[r->nhist - 1];

			sb_printf(&b, ", \"final\": {\"epoch\": %d, "
			    "\"accuracy\": %.6f, \"loss\": %.6f, "
			    "\"val_accuracy\": %.6f, \"val_loss\": %.6f}",
			    f->epoch, f->acc, f->loss, f->val_acc,
			    f->val_loss);
		}
		sb_printf(&b, ",\n     \"history\": [");
		for (int e = 0; e < r->nhist; e++) {
			const train_epoch *h = &r->hist[e];

			sb_printf(&b, "%s\n       {\"epoch\": %d, "
			    "\"seconds\": %.3f, \"accuracy\": %.6f, "
			    "\"loss\": %.6f, \"val_accuracy\": %.6f, "
			    "\"val_loss\": %.6f}", e ? "," : "", h->epoch,
			    h->seconds, h->acc, h->loss, h->val_acc,
			    h->val_loss);
		}
		sb_printf(&b, "]}");
	}
	sb_printf(&b, "\n  ],\n  \"summary\": [");
	for (int k = 0; k < sweep_plan_rows(&t->plan) / t->plan.nseeds; k++) {
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
		sb_printf(&b, "%s\n    {\"corruption\": \"%s\", "
		    "\"scale\": %g, \"seeds_done\": %d", k ? "," : "",
		    corrupt_name(t->plan.corruptions[ci]),
		    (double)t->plan.scales[sc], sm.val_acc.n);
		if (decay_shown(t))
			sb_printf(&b, ", \"weight_decay\": %g",
			    (double)t->rows[sweep_row_index_wd(t, d, ci,
			    sc, 0)].weight_decay);
		for (int q = 0; q < 4; q++)
			if (st[q]->n > 0)
				sb_printf(&b, ", \"%s\": {\"mean\": %.6f, "
				    "\"sd\": %.6f, \"min\": %.6f, "
				    "\"max\": %.6f}", m[q], st[q]->mean,
				    st[q]->sd, st[q]->min, st[q]->max);
		if (sweep_plan_probes(&t->plan))
			json_probe_summary(&b, t, d, ci, sc);
		sb_printf(&b, "}");
	}
	sb_printf(&b, "\n  ]\n}\n");
	return finish(path, &b, err, errlen);
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

/* ---- reading back ---- */

/* The column of name in a CSV header line, or -1. */
static int
csv_column(const char *header, const char *name)
{
	size_t len = strlen(name);
	int    col = 0;

	for (const char *p = header; *p != '\0'; col++) {
		if (strncmp(p, name, len) == 0 && (p[len] == ',' ||
		    p[len] == '\0'))
			return col;
		while (*p != ',' && *p != '\0')
			p++;
		if (*p == ',')
			p++;
	}
	return -1;
}

/* Field col of a CSV line as a number; 0 when col is -1 or missing. */
static double
csv_field(const char *line, int col)
{
	if (col < 0)
		return 0.0;
	for (int c = 0; c < col && line != NULL; c++)
		if ((line = strchr(line, ',')) != NULL)
			line++;
	return line != NULL ? strtod(line, NULL) : 0.0;
}

int
results_read_csv(const char *path,
    int (*fn)(const results_line *l, void *user), void *user, char *err,
    size_t errlen)
{
	uint8_t *buf;
	size_t   len;
	int      cs = -1, ce = -1, cv = -1, csec = -1, head = 0;

	if (file_read(path, RESULTS_CSV_MAX, &buf, &len, err, errlen) != 0)
		return -1;
	for (char *line = (char *)buf, *next; line != NULL && *line != '\0';
	    line = next) {
		results_line l;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!head) {  /* the header names the columns */
			cs = csv_column(line, "scale");
			ce = csv_column(line, "epoch");
			cv = csv_column(line, "val_accuracy");
			csec = csv_column(line, "seconds");
			if (cs < 0 || ce < 0 || cv < 0) {
				free(buf);
				return err_set(err, errlen, "%s: no scale, epoch "
				    "and val_accuracy columns", path);
			}
			head = 1;
			continue;
		}
		l.scale = csv_field(line, cs);
		l.epoch = csv_field(line, ce);
		l.val_acc = csv_field(line, cv);
		l.seconds = csv_field(line, csec);
		if (fn(&l, user) != 0)
			break;
	}
	free(buf);
	if (!head)
		return err_set(err, errlen, "%s: no scale, epoch and "
		    "val_accuracy columns", path);
	return 0;
}

/* What results_read_finals keeps between lines. */
struct finals {
	results_finals *f;
	int             maxep[SWEEP_MAX_SCALES], cnt[SWEEP_MAX_SCALES];
};

static int
add_final(const results_line *l, void *user)
{
	struct finals  *fs = user;
	results_finals *f = fs->f;
	int             k, ep = (int)l->epoch;

	for (k = 0; k < f->n && fabs(f->scale[k] - l->scale) > 1e-9; k++)
		;
	if (k == f->n) {
		if (f->n == SWEEP_MAX_SCALES)
			return 0;
		f->scale[f->n++] = l->scale;
	}
	/* The last epoch of each scale (averaged over its rows). */
	if (ep > fs->maxep[k]) {
		fs->maxep[k] = ep;
		f->val[k] = 0.0;
		fs->cnt[k] = 0;
	}
	if (ep == fs->maxep[k]) {
		f->val[k] = (f->val[k] * fs->cnt[k] + l->val_acc) /
		    (fs->cnt[k] + 1);
		fs->cnt[k]++;
	}
	return 0;
}

int
results_read_finals(const char *path, const char *id, results_finals *f,
    char *err, size_t errlen)
{
	struct finals fs;

	memset(&fs, 0, sizeof fs);
	memset(f, 0, sizeof *f);
	fs.f = f;
	snprintf(f->id, sizeof f->id, "%s", id);
	if (results_read_csv(path, add_final, &fs, err, errlen) != 0)
		return -1;
	if (f->n == 0)
		return err_set(err, errlen, "%s: no epoch yet", path);
	return 0;
}

/* One model's confusion matrix as CSV: a line per true class. */
static int
write_confusion_csv(const char *path, const results_export_what *w,
    char *err, size_t errlen)
{
	const sweep_row *r = &w->t->rows[w->row];
	struct sbuf      b;
	long             all = 0, right = 0;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "# noisetop confusion matrix: the model of row %d "
	    "(%s, scale %g, seed %llu) on its own test images\n# data: %s\n"
	    "# config: ", w->row, corrupt_name(r->corruption), (double)r->scale,
	    (unsigned long long)r->seed, w->source);
	config_line(&b, w->t);
	sb_printf(&b, "\ntrue");
	for (int p = 0; p < w->nclass; p++)
		sb_printf(&b, ",pred_%d", p);
	sb_printf(&b, ",images,accuracy\n");
	for (int c = 0; c < w->nclass; c++) {
		long n = 0;

		for (int p = 0; p < w->nclass; p++)
			n += w->counts[c * w->nclass + p];
		sb_printf(&b, "%d", c);
		for (int p = 0; p < w->nclass; p++)
			sb_printf(&b, ",%ld", w->counts[c * w->nclass + p]);
		sb_printf(&b, ",%ld,%.6f\n", n, n ? (double)w->counts[c *
		    w->nclass + c] / n : 0.0);
		all += n;
		right += w->counts[c * w->nclass + c];
	}
	sb_printf(&b, "all,%ld,%.6f\n", all, all ? (double)right / all : 0.0);
	return finish(path, &b, err, errlen);
}

/* The same as JSON: the row, the counts, the accuracy. */
static int
write_confusion_json(const char *path, const results_export_what *w,
    char *err, size_t errlen)
{
	const sweep_row *r = &w->t->rows[w->row];
	struct sbuf      b;
	long             all = 0, right = 0;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "{\n  \"data\": ");
	json_string(&b, w->source);
	sb_printf(&b, ",\n  \"view\": \"confusion\",\n  \"row\": {\"index\": "
	    "%d, \"corruption\": \"%s\", \"scale\": %g, \"seed\": %llu},\n"
	    "  \"counts\": [", w->row, corrupt_name(r->corruption),
	    (double)r->scale, (unsigned long long)r->seed);
	for (int c = 0; c < w->nclass; c++) {
		sb_printf(&b, "%s\n    [", c ? "," : "");
		for (int p = 0; p < w->nclass; p++) {
			sb_printf(&b, "%s%ld", p ? ", " : "", w->counts[c *
			    w->nclass + p]);
			all += w->counts[c * w->nclass + p];
		}
		right += w->counts[c * w->nclass + c];
		sb_printf(&b, "]");
	}
	sb_printf(&b, "\n  ],\n  \"images\": %ld,\n  \"accuracy\": %.6f\n}\n",
	    all, all ? (double)right / all : 0.0);
	return finish(path, &b, err, errlen);
}

/* The train x test matrix as JSON: a cell per done row and test scale. */
static int
write_matrix_json(const char *path, const results_export_what *w,
    char *err, size_t errlen)
{
	const sweep_table *t = w->t;
	struct sbuf        b;
	int                first = 1;

	if (sb_init(&b) != 0)
		return err_set(err, errlen, "%s: out of memory", path);
	sb_printf(&b, "{\n  \"data\": ");
	json_string(&b, w->source);
	sb_printf(&b, ",\n  \"view\": \"matrix\",\n  \"cells\": [");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_DONE)
			continue;
		for (int j = 0; j < t->plan.ntest; j++, first = 0)
			sb_printf(&b, "%s\n    {\"corruption\": \"%s\", "
			    "\"train_scale\": %g, \"test_scale\": %g, \"seed\": "
			    "%llu, \"test_accuracy\": %.6f, \"test_loss\": "
			    "%.6f}", first ? "" : ",", corrupt_name(r->corruption),
			    (double)r->scale, (double)t->plan.test_scales[j],
			    (unsigned long long)r->seed, r->test_acc[j],
			    r->test_loss[j]);
	}
	sb_printf(&b, "\n  ]\n}\n");
	return finish(path, &b, err, errlen);
}

/* The files of one view. */
static int
write_view(const char *csv, const char *json, const results_export_what *w,
    char *err, size_t errlen)
{
	switch (w->kind) {
	case RESULTS_EXPORT_CONFUSION:
		if (w->row < 0 || w->row >= w->t->n || w->counts == NULL ||
		    w->nclass < 1)
			return err_set(err, errlen, "no confusion matrix to "
			    "export");
		return write_confusion_csv(csv, w, err, errlen) != 0 ? -1 :
		    write_confusion_json(json, w, err, errlen);
	case RESULTS_EXPORT_MATRIX:
		return results_write_matrix_csv(csv, w->t, w->source, err,
		    errlen) != 0 ? -1 : write_matrix_json(json, w, err, errlen);
	default:
		return results_write_csv(csv, w->t, w->source, err,
		    errlen) != 0 ? -1 : results_write_json(json, w->t,
		    w->source, err, errlen);
	}
}

int
results_export(const char *dir, const results_export_what *w, char *csv,
    char *json, size_t len, char *err, size_t errlen)
{
	static const char *const view[] = { "", "-confusion", "-matrix" };
	char      stamp[32];
	time_t    now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int k = 1; k < 100; k++) {
		char sfx[8] = "";

		if (k > 1)
			snprintf(sfx, sizeof sfx, "-%d", k);
		if (snprintf(csv, len, "%s/export-%s%s%s.csv", dir, stamp,
		    view[w->kind], sfx) >= (int)len || snprintf(json, len,
		    "%s/export-%s%s%s.json", dir, stamp, view[w->kind], sfx) >=
		    (int)len)
			return err_set(err, errlen, "%s: path too long", dir);
		if (access(csv, F_OK) == 0 || access(json, F_OK) == 0)
			continue;
		return write_view(csv, json, w, err, errlen);
	}
	return err_set(err, errlen, "no free export name in %s", dir);
}

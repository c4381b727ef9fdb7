/* Results files: CSV and JSON of a sweep table, written atomically. */
#include "runs/results.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	    "val_accuracy,val_loss,seed,corruption\n");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		for (int e = 0; e < r->nhist; e++) {
			const train_epoch *h = &r->hist[e];

			sb_printf(&b, "%g,%s,%d,%.3f,%.6f,%.6f,%.6f,%.6f,%llu,"
			    "%s\n", (double)r->scale, state_name(r->state),
			    h->epoch, h->seconds, h->acc, h->loss, h->val_acc,
			    h->val_loss, (unsigned long long)r->seed,
			    corrupt_name(r->corruption));
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
	sb_printf(&b, "\n");
	for (int c = 0; c < t->plan.ncorruptions; c++)
		for (int s = 0; s < t->plan.nscales; s++) {
			sweep_summary sm;

			sweep_summarize(t, c, s, &sm);
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
	sb_printf(&b, "\ncorruption,train_scale,test_scale,seed,"
	    "test_accuracy,test_loss\n");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		if (r->state != SWEEP_DONE)
			continue;
		for (int j = 0; j < t->plan.ntest; j++)
			sb_printf(&b, "%s,%g,%g,%llu,%.6f,%.6f\n",
			    corrupt_name(r->corruption), (double)r->scale,
			    (double)t->plan.test_scales[j],
			    (unsigned long long)r->seed, r->test_acc[j],
			    r->test_loss[j]);
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
	sb_printf(&b, "]},\n  \"runs\": [");
	for (int i = 0; i < t->n; i++) {
		const sweep_row *r = &t->rows[i];

		sb_printf(&b, "%s\n    {\"scale\": %g, \"seed\": %llu, "
		    "\"corruption\": \"%s\", \"state\": \"%s\"", i ? "," : "",
		    (double)r->scale, (unsigned long long)r->seed,
		    corrupt_name(r->corruption), state_name(r->state));
		if (r->state == SWEEP_DONE && t->plan.ntest > 0) {
			sb_printf(&b, ", \"test\": [");
			for (int j = 0; j < t->plan.ntest; j++)
				sb_printf(&b, "%s{\"scale\": %g, \"accuracy\": "
				    "%.6f, \"loss\": %.6f}", j ? ", " : "",
				    (double)t->plan.test_scales[j],
				    r->test_acc[j], r->test_loss[j]);
			sb_printf(&b, "]");
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
	for (int ci = 0, k = 0; ci < t->plan.ncorruptions; ci++)
		for (int sc = 0; sc < t->plan.nscales; sc++, k++) {
			sweep_summary      sm;
			const sweep_stat  *st[4];
			static const char *const m[] = { "accuracy", "loss",
			    "val_accuracy", "val_loss" };

			sweep_summarize(t, ci, sc, &sm);
			st[0] = &sm.acc;
			st[1] = &sm.loss;
			st[2] = &sm.val_acc;
			st[3] = &sm.val_loss;
			sb_printf(&b, "%s\n    {\"corruption\": \"%s\", "
			    "\"scale\": %g, \"seeds_done\": %d", k ? "," : "",
			    corrupt_name(t->plan.corruptions[ci]),
			    (double)t->plan.scales[sc], sm.val_acc.n);
			for (int q = 0; q < 4; q++)
				if (st[q]->n > 0)
					sb_printf(&b, ", \"%s\": {\"mean\": %.6f, "
					    "\"sd\": %.6f, \"min\": %.6f, "
					    "\"max\": %.6f}", m[q], st[q]->mean,
					    st[q]->sd, st[q]->min, st[q]->max);
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

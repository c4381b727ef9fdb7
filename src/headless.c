/* The headless printer: Keras-style epoch lines, tables and digits. */
#include "headless.h"

#include <langinfo.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gemm.h"
#include "noise.h"
#include "render.h"
#include "results.h"
#include "sweep.h"

/* What the progress printer needs between callbacks. */
struct printer {
	const cli_options *o;
	int                live;   /* draw a progress bar */
	int                label;  /* prefix lines with the scale */
};

int
headless_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && strcmp(cs, "UTF-8") == 0;
}

static void
print_epoch(const train_epoch *e, int epochs)
{
	printf("Epoch %d/%d - %.1fs - accuracy: %.4f - loss: %.4f - "
	    "val_accuracy: %.4f - val_loss: %.4f\n", e->epoch, epochs,
	    e->seconds, e->acc, e->loss, e->val_acc, e->val_loss);
}

static int
on_progress(const sweep_progress *sp, void *user)
{
	struct printer       *pr = user;
	const train_progress *p = sp->progress;
	const sweep_row      *row = &sp->table->rows[sp->row];

	if (p == NULL) {
		if (row->state == SWEEP_RUNNING && pr->label)
			printf("-- noise scale %g (%d of %d) --\n",
			    (double)row->scale, sp->row + 1, sp->table->n);
		fflush(stdout);
		return 0;
	}
	if (p->event == TRAIN_EPOCH) {
		if (pr->live)
			printf("\r\033[K");
		print_epoch(&p->hist[p->nhist - 1], p->epochs);
	} else if (pr->live) {
		char   bar[64];
		int    w = 30, done = p->batches ? w * p->batch / p->batches : 0;
		double eta = p->batch ? p->epoch_seconds *
		    (p->batches - p->batch) / p->batch : 0.0;

		memset(bar, '=', (size_t)done);
		bar[done] = done < w ? '>' : '=';
		memset(bar + done + 1, '.', (size_t)(w - done));
		bar[w] = '\0';
		printf("\r%d/%d %4d/%d [%s] - ETA: %.1fs - accuracy: %.4f - "
		    "loss: %.4f\033[K", p->epoch, p->epochs, p->batch,
		    p->batches, bar, eta, p->acc, p->loss);
	}
	fflush(stdout);
	return 0;
}

static int
write_results(const cli_options *o, const sweep_table *t, const dataset *ds)
{
	char err[8192];
	int  rc = 0;

	if (o->csv != NULL) {
		if (results_write_csv(o->csv, t, ds->source, err,
		    sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			rc = 1;
		} else
			printf("Wrote %s\n", o->csv);
	}
	if (o->json != NULL) {
		if (results_write_json(o->json, t, ds->source, err,
		    sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			rc = 1;
		} else
			printf("Wrote %s\n", o->json);
	}
	return rc;
}

static void
print_header(const char *what, const cli_options *o, const dataset *ds)
{
	const train_config *c = &o->cfg;

	printf("noisetop %s: %s, %zu train / %zu test images\nmodel ", what,
	    ds->source, ds->train.n, ds->test.n);
	for (int l = 0; l <= c->nlayer; l++)
		printf("%s%d", l ? "-" : "", c->size[l]);
	printf(", dropout %g, Adam lr %g, batch %d, %d epochs, seed %llu, "
	    "%d threads, gemm %s\n", (double)c->dropout, (double)c->lr,
	    c->batch, c->epochs, (unsigned long long)c->seed,
	    c->threads > 0 ? c->threads : omp_get_max_threads(),
	    gemm_kernel_name());
}

/* Run t with the printer; returns the exit status (130 when cancelled). */
static int
run_table(const cli_options *o, const dataset *ds, sweep_table *t,
    int label)
{
	struct printer pr = { o, o->progress && isatty(STDOUT_FILENO), label };
	char           err[1024];

	if (o->cfg.threads > 0)
		omp_set_num_threads(o->cfg.threads);
	if (sweep_run(t, ds, NULL, on_progress, &pr, NULL, err,
	    sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		return 1;
	}
	return 0;
}

int
headless_train(const cli_options *o, const dataset *ds)
{
	sweep_table *t = malloc(sizeof *t);
	int          rc;

	if (t == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		return 1;
	}
	print_header("train", o, ds);
	printf("noise scale %g\n", (double)o->cfg.noise);
	sweep_table_init(t, &o->cfg, &o->cfg.noise, 1);
	if ((rc = run_table(o, ds, t, 0)) == 0) {
		const sweep_row *r = &t->rows[0];

		if (r->nhist > 0)
			printf("Test loss: %.4f - test accuracy: %.4f\n",
			    r->hist[r->nhist - 1].val_loss,
			    r->hist[r->nhist - 1].val_acc);
		rc = write_results(o, t, ds);
	}
	free(t);
	return rc;
}

int
headless_compare(const cli_options *o, const dataset *ds)
{
	float        scales[2] = { 0.0f, o->cfg.noise };
	sweep_table *t = malloc(sizeof *t);
	int          rc;

	if (t == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		return 1;
	}
	print_header("compare", o, ds);
	sweep_table_init(t, &o->cfg, scales, 2);
	if ((rc = run_table(o, ds, t, 1)) == 0) {
		const sweep_row *a = &t->rows[0], *b = &t->rows[1];

		printf("\n%-6s | %-33s | noisy, scale %g\n", "", "clean",
		    (double)b->scale);
		printf("%-6s | %-8s%-8s%-8s%-9s | %-8s%-8s%-8s%-9s\n", "epoch",
		    "acc", "loss", "val_acc", "val_loss", "acc", "loss",
		    "val_acc", "val_loss");
		for (int e = 0; e < a->nhist || e < b->nhist; e++) {
			printf("%-6d |", e + 1);
			for (int k = 0; k < 2; k++) {
				const sweep_row *r = k ? b : a;

				if (e < r->nhist)
					printf(" %-8.4f%-8.4f%-8.4f%-9.4f%s",
					    r->hist[e].acc, r->hist[e].loss,
					    r->hist[e].val_acc,
					    r->hist[e].val_loss,
					    k ? "\n" : "|");
				else
					printf(" %-33s%s", "", k ? "\n" : "|");
			}
		}
		rc = write_results(o, t, ds);
	}
	free(t);
	return rc;
}

int
headless_sweep(const cli_options *o, const dataset *ds)
{
	sweep_table   *t = malloc(sizeof *t);
	render_charset cs = !o->ascii && headless_utf8() ? RENDER_UTF8 :
	    RENDER_ASCII;
	int            rc;

	if (t == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		return 1;
	}
	print_header("sweep", o, ds);
	sweep_table_init(t, &o->cfg, o->scales, o->nscales);
	if ((rc = run_table(o, ds, t, 1)) == 0) {
		char bar[256];

		printf("\n%-7s%-10s%-10s%-14s%-10s\n", "scale", "accuracy",
		    "loss", "val_accuracy", "val_loss");
		for (int i = 0; i < t->n; i++) {
			const sweep_row   *r = &t->rows[i];
			const train_epoch *f = &r->hist[r->nhist - 1];

			if (r->nhist == 0)
				continue;
			printf("%-7g%-10.4f%-10.4f%-14.4f%-10.4f\n",
			    (double)r->scale, f->acc, f->loss, f->val_acc,
			    f->val_loss);
		}
		printf("\nfinal accuracy by noise scale (train, val)\n");
		for (int i = 0; i < t->n; i++) {
			const sweep_row   *r = &t->rows[i];
			const train_epoch *f = &r->hist[r->nhist - 1];

			if (r->nhist == 0)
				continue;
			render_bar(f->acc, 40, cs, bar, sizeof bar);
			printf("%5g train |%s| %.4f\n", (double)r->scale, bar,
			    f->acc);
			render_bar(f->val_acc, 40, cs, bar, sizeof bar);
			printf("%5s   val |%s| %.4f\n", "", bar, f->val_acc);
		}
		rc = write_results(o, t, ds);
	}
	free(t);
	return rc;
}

int
headless_show(const cli_options *o, const dataset *ds)
{
	const dataset_split *s = o->split ? &ds->test : &ds->train;
	render_charset       cs = !o->ascii && headless_utf8() ? RENDER_UTF8 :
	    RENDER_ASCII;
	int                  ansi = cs == RENDER_UTF8 && !o->no_color &&
	    getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO);
	float                clean[DATASET_NPIX], noisy[DATASET_NPIX];
	char                 a[2048], b[2048];

	if (o->index >= s->n) {
		fprintf(stderr, "noisetop: --index %zu: the %s split has %zu "
		    "images (0 to %zu)\n", o->index, o->split ? "test" :
		    "train", s->n, s->n - 1);
		return 1;
	}
	printf("%s, %s split, noise scale %g, seed %llu\n", ds->source,
	    o->split ? "test" : "train", (double)o->cfg.noise,
	    (unsigned long long)o->cfg.seed);
	for (size_t i = o->index; i < o->index + o->count && i < s->n; i++) {
		noise_clean(s->pix + i * DATASET_NPIX, 1, DATASET_NPIX, clean);
		noise_apply(s->pix, i, 1, DATASET_NPIX, o->cfg.noise,
		    o->cfg.seed, o->split, noisy);
		printf("\n#%zu  label %d%*soriginal%*snoisy (scale %g)\n", i,
		    s->label[i], 1, "", 22, "", (double)o->cfg.noise);
		for (int r = 0; r < DATASET_SIDE / 2; r++) {
			if (ansi) {
				render_digit_row_ansi(clean, DATASET_SIDE, r, a,
				    sizeof a);
				render_digit_row_ansi(noisy, DATASET_SIDE, r, b,
				    sizeof b);
			} else {
				render_digit_row(clean, DATASET_SIDE, r, cs, a,
				    sizeof a);
				render_digit_row(noisy, DATASET_SIDE, r, cs, b,
				    sizeof b);
			}
			printf("  %s  |  %s\n", a, b);
		}
	}
	return 0;
}

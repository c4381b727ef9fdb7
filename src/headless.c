/* The headless printer: Keras-style epoch lines, tables and digits. */
#include "headless.h"

#include <langinfo.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gemm.h"
#include "noise.h"
#include "render.h"
#include "results.h"
#include "run.h"
#include "sweep.h"

#ifndef NOISETOP_VERSION
#define NOISETOP_VERSION "0.1"
#endif

/* The signal that asked the job to stop, 0 if none. */
static volatile sig_atomic_t headless_signal;

/* What the progress printer needs between callbacks. */
struct printer {
	const cli_options *o;
	int                live;    /* draw a progress bar */
	int                label;   /* print a line when a scale starts */
	run               *r;       /* the run directory to record into */
	const dataset     *ds;
	int                warned;  /* a failed record was reported */
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
	char                  err[8192];

	if (pr->r != NULL && run_record(pr->r, sp, pr->ds->source, err,
	    sizeof err) != 0 && !pr->warned) {
		fprintf(stderr, "noisetop: warning: %s\n", err);
		pr->warned = 1;
	}
	if (headless_signal != 0)
		return 1;
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
print_header(const char *what, const train_config *c, const dataset *ds)
{
	printf("noisetop %s: %s, %zu train / %zu test images\nmodel ", what,
	    ds->source, ds->train.n, ds->test.n);
	for (int l = 0; l <= c->nlayer; l++)
		printf("%s%d", l ? "-" : "", c->size[l]);
	printf(", dropout %g, Adam lr %g, batch %d, %d epochs, seed %llu, "
	    "%d threads, gemm %s%s\n", (double)c->dropout, (double)c->lr,
	    c->batch, c->epochs, (unsigned long long)c->seed,
	    c->threads > 0 ? c->threads : omp_get_max_threads(),
	    gemm_kernel_name(), c->precision == TRAIN_BF16 ?
	    ", bf16 inputs (avx512bf16)" : "");
}

static void
on_signal(int sig)
{
	headless_signal = sig;
}

/*
 * SIGINT, SIGTERM and SIGHUP stop the job at the next batch boundary.  A
 * SIGHUP already ignored (nohup) stays ignored, so a dropped SSH session
 * does not stop a job started under nohup.
 */
static void
install_signals(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
}

/* Summaries after the epochs: per kind of job. */
static void
print_train_summary(const sweep_table *t)
{
	const sweep_row *r = &t->rows[0];

	if (r->nhist > 0)
		printf("Test loss: %.4f - test accuracy: %.4f\n",
		    r->hist[r->nhist - 1].val_loss,
		    r->hist[r->nhist - 1].val_acc);
}

static void
print_compare_summary(const sweep_table *t)
{
	const sweep_row *a = &t->rows[0], *b = &t->rows[1];

	printf("\n%-6s | %-33s | noisy, scale %g\n", "", "clean",
	    (double)b->scale);
	printf("%-6s | %-8s%-8s%-8s%-9s | %-8s%-8s%-8s%-9s\n", "epoch", "acc",
	    "loss", "val_acc", "val_loss", "acc", "loss", "val_acc",
	    "val_loss");
	for (int e = 0; e < a->nhist || e < b->nhist; e++) {
		printf("%-6d |", e + 1);
		for (int k = 0; k < 2; k++) {
			const sweep_row *r = k ? b : a;

			if (e < r->nhist)
				printf(" %-8.4f%-8.4f%-8.4f%-9.4f%s",
				    r->hist[e].acc, r->hist[e].loss,
				    r->hist[e].val_acc, r->hist[e].val_loss,
				    k ? "\n" : "|");
			else
				printf(" %-33s%s", "", k ? "\n" : "|");
		}
	}
}

static void
print_sweep_summary(const sweep_table *t, render_charset cs)
{
	char bar[256];

	printf("\n%-7s%-10s%-10s%-14s%-10s\n", "scale", "accuracy", "loss",
	    "val_accuracy", "val_loss");
	for (int i = 0; i < t->n; i++) {
		const sweep_row   *r = &t->rows[i];
		const train_epoch *f = &r->hist[r->nhist - 1];

		if (r->nhist == 0)
			continue;
		printf("%-7g%-10.4f%-10.4f%-14.4f%-10.4f%s\n",
		    (double)r->scale, f->acc, f->loss, f->val_acc, f->val_loss,
		    r->state == SWEEP_DONE ? "" : "  (unfinished)");
	}
	printf("\nfinal accuracy by noise scale (train, val)\n");
	for (int i = 0; i < t->n; i++) {
		const sweep_row   *r = &t->rows[i];
		const train_epoch *f = &r->hist[r->nhist - 1];

		if (r->nhist == 0)
			continue;
		render_bar(f->acc, 40, cs, bar, sizeof bar);
		printf("%5g train |%s| %.4f\n", (double)r->scale, bar, f->acc);
		render_bar(f->val_acc, 40, cs, bar, sizeof bar);
		printf("%5s   val |%s| %.4f\n", "", bar, f->val_acc);
	}
}

/*
 * Run the table t of a job of kind ("train", "compare", "sweep") with the
 * printer, recording it in the run directory r; then print the summary and
 * write --csv/--json.  Returns the exit status: 0, 1 on an error, 128 +
 * the signal when interrupted (the run stays resumable).
 */
static int
run_job(const cli_options *o, const dataset *ds, const char *kind,
    sweep_table *t, run *r)
{
	struct printer pr = { o, o->progress && isatty(STDOUT_FILENO),
	    t->n > 1, r, ds, 0 };
	char           err[8192];
	int            rc;

	if (o->cfg.threads > 0)
		omp_set_num_threads(o->cfg.threads);
	install_signals();
	printf("run %s\n", r->dir);
	rc = sweep_run(t, ds, NULL, on_progress, &pr, NULL, err, sizeof err);
	if (pr.live)
		printf("\r\033[K");
	if (rc != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		run_finish(r, t, ds->source, 1, err, sizeof err);
		return 1;
	}
	if (headless_signal != 0) {
		if (run_finish(r, t, ds->source, 1, err, sizeof err) != 0)
			fprintf(stderr, "noisetop: %s\n", err);
		write_results(o, t, ds);
		fprintf(stderr, "noisetop: interrupted by signal %d; finished "
		    "epochs are saved: continue with 'noisetop resume %s'\n",
		    (int)headless_signal, r->id);
		return 128 + (int)headless_signal;
	}
	if (run_finish(r, t, ds->source, 0, err, sizeof err) != 0)
		fprintf(stderr, "noisetop: %s\n", err);
	if (strcmp(kind, "train") == 0)
		print_train_summary(t);
	else if (strcmp(kind, "compare") == 0)
		print_compare_summary(t);
	else
		print_sweep_summary(t, !o->ascii && headless_utf8() ?
		    RENDER_UTF8 : RENDER_ASCII);
	return write_results(o, t, ds);
}

/* Start a new job of kind over scales: a run directory, then run_job. */
static int
new_job(const cli_options *o, const dataset *ds, const char *kind,
    const float *scales, int n)
{
	sweep_table *t = malloc(sizeof *t);
	run         *r = malloc(sizeof *r);
	run_config  *c = calloc(1, sizeof *c);
	char         root[4096], err[8192];
	int          rc = 1;

	if (t == NULL || r == NULL || c == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		goto out;
	}
	snprintf(c->kind, sizeof c->kind, "%s", kind);
	snprintf(c->version, sizeof c->version, "%s", NOISETOP_VERSION);
	/* Absolute, so that resume works from any directory. */
	if (ds->dir[0] == '\0' || realpath(ds->dir, c->data_dir) == NULL)
		snprintf(c->data_dir, sizeof c->data_dir, "%s", ds->dir);
	snprintf(c->source, sizeof c->source, "%s", ds->source);
	c->synthetic = strncmp(ds->name, "SYNTHETIC", 9) == 0;
	c->train_limit = ds->train.n;
	c->test_limit = ds->test.n;
	c->cfg = o->cfg;
	memcpy(c->scales, scales, (size_t)n * sizeof *scales);
	c->nscales = n;
	c->data_crc = run_data_crc(ds);
	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0 ||
	    run_create(r, root, c, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		goto out;
	}
	print_header(kind, &o->cfg, ds);
	if (strcmp(kind, "train") == 0)
		printf("noise scale %g\n", (double)scales[0]);
	sweep_table_init(t, &o->cfg, scales, n);
	rc = run_job(o, ds, kind, t, r);
out:
	free(t);
	free(r);
	free(c);
	return rc;
}

int
headless_train(const cli_options *o, const dataset *ds)
{
	return new_job(o, ds, "train", &o->cfg.noise, 1);
}

int
headless_compare(const cli_options *o, const dataset *ds)
{
	float scales[2] = { 0.0f, o->cfg.noise };

	return new_job(o, ds, "compare", scales, 2);
}

int
headless_sweep(const cli_options *o, const dataset *ds)
{
	return new_job(o, ds, "sweep", o->scales, o->nscales);
}

int
headless_runs(const cli_options *o)
{
	char root[4096], err[8192];

	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0 ||
	    run_list(root, stdout, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		return 1;
	}
	return 0;
}

int
headless_resume(const cli_options *o)
{
	run         *r = malloc(sizeof *r);
	sweep_table *t = malloc(sizeof *t);
	dataset     *ds = calloc(1, sizeof *ds);
	cli_options *ro = malloc(sizeof *ro);
	checkpoint   ck;
	char         root[4096], err[8192];
	int          rc = 1;

	memset(&ck, 0, sizeof ck);
	if (r == NULL || t == NULL || ds == NULL || ro == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		goto out;
	}
	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0 ||
	    run_open(r, root, o->resume, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		goto out;
	}
	if (o->precision_set && o->cfg.precision != r->conf.cfg.precision) {
		fprintf(stderr, "noisetop: run %s trained in %s: resuming it in "
		    "%s would mix precisions\n", r->id,
		    train_precision_name(r->conf.cfg.precision),
		    train_precision_name(o->cfg.precision));
		goto out;
	}
	/* The same data, checked by its checksum. */
	if ((r->conf.synthetic ? dataset_synthetic(ds, r->conf.cfg.seed,
	    r->conf.train_limit, r->conf.test_limit, err, sizeof err) :
	    dataset_load(ds, r->conf.data_dir, r->conf.train_limit,
	    r->conf.test_limit, err, sizeof err)) != 0) {
		fprintf(stderr, "noisetop: run %s: %s\n", r->id, err);
		goto out;
	}
	if (run_data_crc(ds) != r->conf.data_crc) {
		fprintf(stderr, "noisetop: run %s: the data in %s has changed "
		    "since the run started (checksum %08x, run has %08x)\n",
		    r->id, r->conf.data_dir, run_data_crc(ds),
		    r->conf.data_crc);
		goto out;
	}
	snprintf(ds->source, sizeof ds->source, "%s", r->conf.source);
	if (run_restore(r, t, &ck, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		goto out;
	}
	if (t->n > 0 && t->rows[t->n - 1].state == SWEEP_DONE) {
		printf("run %s is already finished\n", r->id);
		rc = 0;
		goto out;
	}
	/* Everything as the run had it; output options from this call. */
	*ro = *o;
	ro->cfg = r->conf.cfg;
	print_header(r->conf.kind, &ro->cfg, ds);
	for (int i = 0; i < t->n; i++)
		if (t->rows[i].state == SWEEP_DONE)
			printf("scale %g: done earlier (%d epochs, "
			    "val_accuracy %.4f)\n", (double)t->rows[i].scale,
			    t->rows[i].nhist,
			    t->rows[i].hist[t->rows[i].nhist - 1].val_acc);
	if (t->resume != NULL)
		printf("resuming scale %g after epoch %d\n",
		    (double)ck.scale, ck.nhist);
	rc = run_job(ro, ds, r->conf.kind, t, r);
out:
	checkpoint_free(&ck);
	if (ds != NULL)
		dataset_free(ds);
	free(ds);
	free(r);
	free(t);
	free(ro);
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
		if (ds->class_name[s->label[i]] != NULL)
			printf("\n#%zu  label %d (%s)\n", i, s->label[i],
			    ds->class_name[s->label[i]]);
		else
			printf("\n#%zu  label %d\n", i, s->label[i]);
		printf("  %-*s  |  noisy, scale %g\n", DATASET_SIDE,
		    "original", (double)o->cfg.noise);
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

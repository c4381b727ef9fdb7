/* The headless printer: Keras-style epoch lines, tables and digits. */
#include "cli/headless.h"

#include <errno.h>
#include <langinfo.h>
#include <omp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "kernels/gemm.h"
#include "runs/job.h"
#include "data/noise.h"
#include "render/render.h"
#include "render/report.h"
#include "runs/results.h"
#include "runs/run.h"
#include "runs/run_origin.h"
#include "runs/runlist.h"
#include "engine/sweep.h"

/* The signal that asked the job to stop, 0 if none.  Atomic, not only
 * volatile: with rows side by side (--jobs) the threads that read it are
 * not the one the handler runs on (a lock-free atomic_int is safe in a
 * handler). */
static atomic_int headless_signal;

/* What the progress printer needs between callbacks. */
struct printer {
	int        live;    /* draw a progress bar */
	int        label;   /* print a line when a scale starts */
	int        lanes;   /* rows trained at once: several name their row */
	const job *j;       /* its estimate (job_eta) */
};

int
headless_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && strcmp(cs, "UTF-8") == 0;
}

/* An epoch's line, with the job's time so far and its ETA once known
 * (runs/eta.h: the dashboard's, a range while few parts are measured). */
static void
print_epoch(const train_epoch *e, int epochs, const job *j)
{
	eta_range r;
	char      a[32], b[64];

	printf("Epoch %d/%d - %.1fs - accuracy: %.4f - loss: %.4f - "
	    "val_accuracy: %.4f - val_loss: %.4f", e->epoch, epochs,
	    e->seconds, e->acc, e->loss, e->val_acc, e->val_loss);
	job_eta(j, &r);
	if (r.mid >= 0.0) {
		render_duration(r.elapsed, a, sizeof a);
		render_estimate(r.lo, r.mid, r.hi, b, sizeof b);
		printf(" - job %s, ETA %s", a, b);
	}
	printf("\n");
}

/* With rows side by side, one line of 79 cells for up to four of them:
 * "2/6 s0.5 e1/20 [##   ]  31% | 3/6 s1 e1/20 [#    ]  12%". */
static void
print_lanes_bar(const sweep_table *t, render_charset cs)
{
	int  running = 0, shown = 0;
	char one[512], label[32];

	for (int i = 0; i < t->n; i++)
		running += t->rows[i].state == SWEEP_RUNNING;
	running = running < 4 ? running : 4;
	printf("\r");
	for (int i = 0; i < t->n && shown < running; i++) {
		const sweep_live *l = &t->rows[i].live;

		if (t->rows[i].state != SWEEP_RUNNING)
			continue;
		snprintf(label, sizeof label, "s%g", (double)t->rows[i].scale);
		render_row_progress(i + 1, t->n, label, l->epoch, t->cfg.epochs,
		    l->batch, l->batches, (79 - 3 * (running - 1)) / running,
		    cs, one, sizeof one);
		printf("%s%s", shown++ ? " | " : "", one);
	}
	printf("\033[K");
}

/* The job layer has recorded the event: print it, and stop on a signal. */
static int
on_progress(const sweep_progress *sp, void *user)
{
	struct printer       *pr = user;
	const train_progress *p = sp->progress;
	const sweep_row      *row = &sp->table->rows[sp->row];

	if (atomic_load(&headless_signal) != 0)
		return 1;
	if (p == NULL) {
		if (row->state == SWEEP_RUNNING && pr->label) {
			if (pr->live)
				printf("\r\033[K");
			const sweep_plan *pl = &sp->table->plan;

			printf("-- %s scale %g", pl->ncorruptions > 1 ||
			    row->corruption != CORRUPT_GAUSSIAN ?
			    corrupt_name(row->corruption) : "noise",
			    (double)row->scale);
			if (pl->nseeds > 1)
				printf(", seed %llu", (unsigned long long)row->seed);
			if (pl->ndecays > 0)
				printf(", weight decay %g",
				    (double)row->weight_decay);
			if (pl->ndatasets > 1)
				printf(", %s", sweep_plan_dataset_name(pl,
				    row->dataset_index));
			printf(" (%d of %d) --\n", sp->row + 1, sp->table->n);
		}
		fflush(stdout);
		return 0;
	}
	if (p->event == TRAIN_EPOCH) {
		if (pr->live)
			printf("\r\033[K");
		if (pr->lanes > 1)
			printf("row %d of %d: ", sp->row + 1, sp->table->n);
		print_epoch(&p->hist[p->nhist - 1], p->epochs, pr->j);
	} else if (pr->live && pr->lanes > 1)
		print_lanes_bar(sp->table, headless_utf8() ? RENDER_UTF8 :
		    RENDER_ASCII);
	else if (pr->live) {
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

/* --csv and --json of t, whose data source is source. */
static int
write_results(const cli_options *o, const sweep_table *t, const char *source)
{
	char err[NT_ERR_LEN];
	int  rc = 0;

	if (o->csv != NULL) {
		char sum[NT_PATH_LEN + 16], mat[NT_PATH_LEN + 16];

		results_sibling(o->csv, "summary", sum, sizeof sum);
		results_sibling(o->csv, "matrix", mat, sizeof mat);
		if (results_write_csv(o->csv, t, source, err,
		    sizeof err) != 0 || results_write_summary_csv(sum, t,
		    source, err, sizeof err) != 0 ||
		    results_write_matrix_csv(mat, t, source, err,
		    sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			rc = 1;
		} else
			printf("Wrote %s, %s and %s\n", o->csv, sum, mat);
		/* and beside them, for a probed plan, the probes */
		if (rc == 0 && sweep_plan_probes(&t->plan)) {
			char pro[NT_PATH_LEN + 16];

			results_sibling(o->csv, "probes", pro, sizeof pro);
			if (results_write_probes_csv(pro, t, source, err,
			    sizeof err) != 0) {
				fprintf(stderr, "noisetop: %s\n", err);
				rc = 1;
			} else
				printf("Wrote %s\n", pro);
		}
	}
	if (o->json != NULL) {
		if (results_write_json(o->json, t, source, err,
		    sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			rc = 1;
		} else
			printf("Wrote %s\n", o->json);
	}
	return rc;
}

/* What is trained on what: each of the nds sets of ds, then the model. */
static void
print_header(const char *what, const train_config *c, const dataset *ds,
    int nds)
{
	for (int d = 0; d < nds; d++)
		printf("noisetop %s: %s, %zu train / %zu test images\n", what,
		    ds[d].source, ds[d].train.n, ds[d].test.n);
	printf("model ");
	for (int l = 0; l <= c->nlayer; l++)
		printf("%s%d", l ? "-" : "", c->size[l]);
	printf(", dropout %g, Adam lr %g, batch %d, %d epoch%s, seed %llu, "
	    "%d threads, gemm %s%s\n", (double)c->dropout, (double)c->lr,
	    c->batch, c->epochs, c->epochs == 1 ? "" : "s",
	    (unsigned long long)c->seed,
	    c->threads > 0 ? c->threads : omp_get_max_threads(),
	    gemm_kernel_name(), c->precision == TRAIN_BF16 ?
	    ", bf16 inputs (avx512bf16)" : "");
}

static void
on_signal(int sig)
{
	int saved = errno;

	atomic_store(&headless_signal, sig);
	errno = saved;
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

/* "2 rows at once, 1 thread each, each on its own cores" */
static void
print_lanes(const job *j)
{
	int per = j->job_threads > 0 ? j->job_threads : j->total_threads /
	    j->njobs;

	printf("%d rows at once, %d thread%s each%s\n", j->njobs, per,
	    per == 1 ? "" : "s", j->bind ? ", each on its own cores" : "");
}

/* "sweep done in 1m02s": the job's time, as its estimates count it. */
static void
print_took(const job *j)
{
	eta_range r;
	char      a[32];

	job_eta(j, &r);
	render_duration(r.elapsed, a, sizeof a);
	printf("%s done in %s\n", job_kind_name(j->kind), a);
}

/*
 * --estimate-only: how long job j would take here, from a timed probe of
 * its model on ds, with a checkpoint written in root (eta.h), as the
 * dashboard's form estimates it.  Returns the exit status.
 */
static int
print_estimate(const job *j, const dataset *ds, const char *root)
{
	train_config cfg = j->table.cfg;
	eta_probe    p;
	eta_work     w;
	eta_range    r;
	char         a[64], err[NT_ERR_LEN];

	/* Rows side by side: each on its own share of the threads. */
	if (j->njobs > 1 && j->job_threads > 0)
		cfg.threads = j->job_threads;
	if (eta_probe_run(&cfg, ds, root, &p, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: no estimate: %s\n", err);
		return 1;
	}
	eta_work_of(&j->table, j->shard, j->nshards, ds->train.n, ds->test.n,
	    j->njobs, &w);
	eta_estimate(&p, &w, &r);
	render_estimate(r.lo, r.mid, r.hi, a, sizeof a);
	printf("estimate: %s (%.1f s) for %d row%s of %d epoch%s on %zu/%zu "
	    "images, from a timed probe of this machine\n", a, r.mid, w.rows,
	    w.rows == 1 ? "" : "s", w.epochs, w.epochs == 1 ? "" : "s",
	    w.ntr, w.nte);
	return 0;
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

/* The end of a job that did not finish: say why and how to go on.
 * Returns the exit status. */
static int
print_unfinished(const job *j, const job_result *res, int sig)
{
	const char *id = j->rec.id;

	if (res->save_err[0] != '\0')
		fprintf(stderr, "noisetop: %s\n", res->save_err);
	switch (res->outcome) {
	case JOB_FAILED:
		fprintf(stderr, "noisetop: %s\n", res->err);
		return 1;
	case JOB_UNSAVED:
		/* Removed or taken over, not a full disk: the message says
		 * so, and nothing is left here to resume. */
		fprintf(stderr, "noisetop: %s\n", res->err);
		if (!res->gone)
			fprintf(stderr, "noisetop: the run is interrupted at its "
			    "last saved epoch: make room, then 'noisetop resume "
			    "%s'\n", id);
		return 1;
	default:
		fprintf(stderr, "noisetop: interrupted by signal %d; finished "
		    "epochs are saved: continue with 'noisetop resume %s'\n",
		    sig, id);
		return 128 + sig;
	}
}

/*
 * Run job j (its table, recording into its run directory) with the
 * printer; then print the summary and write --csv/--json.  Returns the
 * exit status: 0, 1 on an error, 128 + the signal when interrupted (the
 * run stays resumable).
 */
static int
run_job(const cli_options *o, const dataset *ds, job *j)
{
	sweep_table   *t = &j->table;
	struct printer pr = { o->progress && isatty(STDOUT_FILENO), t->n > 1,
	    j->njobs, j };
	job_result    *res = malloc(sizeof *res);
	int            rc;

	if (res == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		return 1;
	}
	if (o->cfg.threads > 0)
		omp_set_num_threads(o->cfg.threads);
	install_signals();
	printf("run %s\n", j->rec.dir);
	if (j->rec.claim.note[0] != '\0')
		printf("%s\n", j->rec.claim.note);
	if (j->njobs > 1)
		print_lanes(j);
	job_run(j, ds, NULL, on_progress, &pr, NULL, res);
	/* Clear the bar (and the terminal's "^C") before any message on
	 * stderr, so that it starts on its own line. */
	if (pr.live)
		printf("\r\033[K");
	fflush(stdout);
	if (res->outcome != JOB_DONE) {
		/* A signal's partial results still go to --csv/--json. */
		if (res->outcome == JOB_STOPPED)
			write_results(o, t, j->rec.conf.source);
		rc = print_unfinished(j, res, atomic_load(&headless_signal));
		free(res);
		return rc;
	}
	if (res->save_err[0] != '\0')
		fprintf(stderr, "noisetop: %s\n", res->save_err);
	free(res);
	print_took(j);
	/* A shard has only its own rows: the run's tables come from the
	 * merge, which the last shard to finish does. */
	if (j->nshards > 1) {
		char st[NT_PATH_LEN + 32];

		snprintf(st, sizeof st, "%s/state.txt", j->rec.dir);
		printf("shard %d of %d done; %s\n", j->shard, j->nshards,
		    access(st, F_OK) == 0 ? "every shard is: the run is merged "
		    "('noisetop plot', results.csv)" : "waiting for the other "
		    "shards ('noisetop runs' shows them)");
		return 0;
	}
	if (j->kind == JOB_TRAIN && t->n == 1)
		print_train_summary(t);
	else if (j->kind == JOB_COMPARE && t->n == 2)
		report_compare(stdout, t);
	else {
		report_sweep(stdout, t, !o->ascii && headless_utf8() ?
		    RENDER_UTF8 : RENDER_ASCII);
		if (t->plan.nscales > 1 || t->plan.ntest > 1)
			report_matrix(stdout, t);
		report_probes(stdout, t);
	}
	return write_results(o, t, j->rec.conf.source);
}

/* Start a new job of kind over scales: a run directory, then run_job. */
static int
new_job(const cli_options *o, const dataset *ds, job_kind kind,
    const float *scales, int n)
{
	job        *j = calloc(1, sizeof *j);
	char        root[NT_PATH_LEN], err[NT_ERR_LEN], command[4096];
	int         rc = 1;
	sweep_plan  grid = o->grid;

	if (j == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		return 1;
	}
	n = n < SWEEP_MAX_SCALES ? n : SWEEP_MAX_SCALES;
	memcpy(grid.scales, scales, (size_t)n * sizeof *scales);
	grid.nscales = n;
	if (job_new(j, kind, &o->cfg, &grid, err, sizeof err) != 0)
		goto fail;
	if (o->nshards > 1) {
		j->shard = o->shard;
		j->nshards = o->nshards;
	}
	/* Before the run exists: a --jobs that does not fit leaves none. */
	if (job_lanes(j, ds, o->jobs, o->threads_per_job, o->cfg.threads,
	    o->bind, err, sizeof err) != 0)
		goto fail;
	if (o->run_id != NULL)
		snprintf(j->run_id, sizeof j->run_id, "%s", o->run_id);
	run_command_line(o->argc, o->argv, command, sizeof command);
	j->command = command;
	if (o->estimate_only) {
		/* Nothing is recorded: the probe writes in the runs root. */
		if (run_root(o->runs_dir, root, sizeof root, err,
		    sizeof err) != 0)
			goto fail;
		if (o->cfg.threads > 0)
			omp_set_num_threads(o->cfg.threads);
		rc = print_estimate(j, ds, root);
		goto out;
	}
	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0 ||
	    job_record(j, root, ds, run_data_crc(ds), err, sizeof err) != 0) {
fail:
		fprintf(stderr, "noisetop: %s\n", err);
		goto out;
	}
	if (j->nshards > 1)
		printf("shard %d of %d: rows %d, %d, ... of %d\n", j->shard,
		    j->nshards, j->shard - 1, j->shard - 1 + j->nshards,
		    j->table.n);
	print_header(job_kind_name(kind), &o->cfg, ds,
	    sweep_plan_ndatasets(&j->table.plan));
	if (kind == JOB_TRAIN)
		printf("noise scale %g\n", (double)scales[0]);
	rc = run_job(o, ds, j);
out:
	job_free(j);
	free(j);
	return rc;
}

int
headless_train(const cli_options *o, const dataset *ds)
{
	return new_job(o, ds, JOB_TRAIN, &o->cfg.noise, 1);
}

int
headless_compare(const cli_options *o, const dataset *ds)
{
	return new_job(o, ds, JOB_COMPARE, &o->cfg.noise, 1);
}

int
headless_sweep(const cli_options *o, const dataset *ds)
{
	return new_job(o, ds, JOB_SWEEP, o->scales, o->nscales);
}

int
headless_resume(const cli_options *o)
{
	job         *j = calloc(1, sizeof *j);
	dataset     *ds = calloc(SWEEP_MAX_DATASETS, sizeof *ds);
	cli_options *ro = malloc(sizeof *ro);
	sweep_table *t;
	job_step     step;
	char         root[NT_PATH_LEN], err[NT_ERR_LEN];
	int          rc = 1, left;

	if (j == NULL || ds == NULL || ro == NULL) {
		fprintf(stderr, "noisetop: out of memory\n");
		goto out;
	}
	t = &j->table;
	if (run_root(o->runs_dir, root, sizeof root, err, sizeof err) != 0 ||
	    (left = job_resume(j, root, o->resume, o->shard, o->nshards, NULL,
	    0, ds, &step, err, sizeof err)) < 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		goto out;
	}
	if (o->precision_set &&
	    o->cfg.precision != j->rec.conf.cfg.precision) {
		fprintf(stderr, "noisetop: run %s trained in %s: resuming it in "
		    "%s would mix precisions\n", j->rec.id,
		    train_precision_name(j->rec.conf.cfg.precision),
		    train_precision_name(o->cfg.precision));
		goto out;
	}
	if (left == 0) {
		if (j->nshards > 1)
			printf("shard %d of %d of run %s is already finished\n",
			    j->shard, j->nshards, j->rec.id);
		else
			printf("run %s is already finished\n", j->rec.id);
		rc = 0;
		goto out;
	}
	if (job_lanes(j, ds, o->jobs, o->threads_per_job, o->cfg.threads,
	    o->bind, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		goto out;
	}
	/* Everything as the run had it; output options from this call. */
	*ro = *o;
	ro->cfg = j->rec.conf.cfg;
	print_header(j->rec.conf.kind, &ro->cfg, ds,
	    sweep_plan_ndatasets(&t->plan));
	for (int i = 0; i < t->n; i++)
		if (t->rows[i].state == SWEEP_DONE)
			printf("scale %g%s%s: done earlier (%d epoch%s, "
			    "val_accuracy %.4f)\n", (double)t->rows[i].scale,
			    t->plan.ndatasets > 1 ? ", " : "",
			    sweep_plan_dataset_name(&t->plan,
			    t->rows[i].dataset_index), t->rows[i].nhist,
			    t->rows[i].nhist == 1 ? "" : "s",
			    t->rows[i].hist[t->rows[i].nhist - 1].val_acc);
	for (int i = 0; i < t->n; i++) {
		train_resume        buf;
		const train_resume *f = job_row_from(j, i, &buf);

		if (f != NULL)
			printf("resuming scale %g%s%s after epoch %d\n",
			    (double)t->rows[i].scale, t->plan.ndatasets > 1 ?
			    ", " : "", sweep_plan_dataset_name(&t->plan,
			    t->rows[i].dataset_index), f->nhist);
	}
	rc = run_job(ro, ds, j);
out:
	job_free(j);
	for (int d = 0; ds != NULL && d < SWEEP_MAX_DATASETS; d++)
		dataset_free(&ds[d]);
	free(ds);
	free(j);
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
	char                 a[2048], b[2048], err[NT_ERR_LEN], what[96];
	corrupt_spec         spec;

	if (o->index >= s->n) {
		fprintf(stderr, "noisetop: --index %zu: the %s split has %zu "
		    "images (0 to %zu)\n", o->index, o->split ? "test" :
		    "train", s->n, s->n - 1);
		return 2;
	}
	/* The first --corruption family (gaussian by default) at --noise,
	 * drawn exactly as the trainer draws it (the fixed draw). */
	spec.family = o->grid.corruptions[0];
	spec.severity = o->cfg.noise;
	if (corrupt_check(&spec, err, sizeof err) != 0) {
		fprintf(stderr, "noisetop: %s\n", err);
		return 2;
	}
	/* "noise scale 0.5" as always for Gaussian noise, else the family
	 * and its severity ("impulse p=0.2"). */
	if (spec.family == CORRUPT_GAUSSIAN)
		snprintf(what, sizeof what, "noise scale %g",
		    (double)o->cfg.noise);
	else
		corrupt_describe(&spec, what, sizeof what);
	printf("%s, %s split, %s, seed %llu\n", ds->source,
	    o->split ? "test" : "train", what, (unsigned long long)o->cfg.seed);
	for (size_t i = o->index; i < o->index + o->count && i < s->n; i++) {
		noise_clean(s->pix + i * DATASET_NPIX, 1, DATASET_NPIX, clean);
		if (sweep_corrupt(spec.family, o->cfg.noise, o->cfg.seed, s,
		    o->split, i, 1, 0, noisy, err, sizeof err) != 0) {
			fprintf(stderr, "noisetop: %s\n", err);
			return 1;
		}
		if (ds->class_name[s->label[i]] != NULL)
			printf("\n#%zu  label %d (%s)\n", i, s->label[i],
			    ds->class_name[s->label[i]]);
		else
			printf("\n#%zu  label %d\n", i, s->label[i]);
		if (spec.family == CORRUPT_GAUSSIAN)
			printf("  %-*s  |  noisy, scale %g\n", DATASET_SIDE,
			    "original", (double)o->cfg.noise);
		else
			printf("  %-*s  |  %s\n", DATASET_SIDE, "original",
			    what);
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

/*
 * Training benchmark on real MNIST: load and noise times, seconds per
 * training epoch and per evaluation of the reference MLP at 1 thread and
 * at every core, achieved GFLOP/s, peak RSS, where an epoch's time goes,
 * the cost of an OpenMP barrier, and rows trained side by side (one per
 * core, one thread each) against one row on every core.
 */
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "kernels/adam.h"
#include "base/clock.h"
#include "data/dataset.h"
#include "kernels/gemm.h"
#include "engine/mlp.h"
#include "data/noise.h"
#include "kernels/rng.h"
#include "engine/train.h"

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

/* The phases of a training step, in breakdown() order. */
enum { PH_GATHER, PH_FWD, PH_LOSS, PH_BWD, PH_ADAM, PH_GEMM, PH_N };

/* With the phases, apart from them: adam_floor() of a bare epoch. */
enum { PH_FLOOR = PH_N, PH_ALL };

/*
 * The GEMMs of one step alone (no epilogue, no column sums), on the running
 * team, with the barriers the passes have: what the step would cost if the
 * epilogues and bias gradients were free.
 */
static void
step_gemms(mlp *m, const float *xb, int bs)
{
	int        L = m->nlayer;
	gemm_extra x = { NULL, NULL, NULL, m->bf16, NULL };

	for (int l = 0; l < L; l++) {
		/* the weights as the passes take them (mlp.h: wpk) */
		x.packed_b = m->packed_ok ? m->wpk[l] : NULL;
		gemm_team(0, 0, bs, m->size[l + 1], m->size[l], l ? m->act[l] :
		    xb, m->size[l], m->W[l], m->size[l + 1], 0.0f,
		    m->buf[l + 1], m->size[l + 1], &x);
#pragma omp barrier
	}
	for (int l = L - 1; l >= 0; l--) {
		int in = m->size[l], out = m->size[l + 1];

		x.packed_b = NULL;
		gemm_team(1, 0, in, out, bs, l ? m->act[l] : xb, in,
		    m->delta[l + 1], out, 0.0f, m->dW[l], out, &x);
		if (l > 0) {
			x.packed_b = m->packed_ok ? m->wtpk[l] : NULL;
			gemm_team(0, 1, bs, in, out, m->delta[l + 1], out,
			    m->W[l], out, 0.0f, m->delta[l], in, &x);
#pragma omp barrier
		}
	}
}

/*
 * Adam's arithmetic alone: the update of nparam elements per step, as
 * adam_step_team() shares them on 2 threads, but each thread going over
 * the same 2048 elements (32 KiB with the gradient and moments: in L1)
 * again and again.  Seconds per epoch of nbatch steps, best of 20: the
 * floor that the square roots and divisions set under the Adam row, since
 * no epoch can do the update with less.
 */
static double
adam_floor(size_t nparam, int nbatch)
{
	enum { CHUNK = 2048 };
	double best = 1e30;

	omp_set_num_threads(2);
#pragma omp parallel
	{
		adam   a;
		float *p = aligned_alloc(64, CHUNK * sizeof(float));
		float *g = aligned_alloc(64, CHUNK * sizeof(float));
		size_t share = nparam / (size_t)omp_get_num_threads();

		if (p == NULL || g == NULL || adam_init(&a, CHUNK, 1e-3f) != 0) {
			fprintf(stderr, "bench_train: out of memory\n");
			exit(1);
		}
		for (int i = 0; i < CHUNK; i++) {
			p[i] = 0.01f * (float)(i % 97);
			g[i] = 1e-3f * (float)(i % 13 + 1);
		}
		for (int r = 0; r < 20; r++) {
			double t = 0.0;

#pragma omp barrier
#pragma omp master
			t = clock_now();
			for (size_t i = 0; i < share; i += CHUNK)
				adam_update(&a, 1e-3f, p, g, 0, share - i <
				    CHUNK ? share - i : CHUNK);
#pragma omp barrier
#pragma omp master
			{
				t = clock_now() - t;
				best = t < best ? t : best;
			}
		}
		adam_destroy(&a);
		free(p);
		free(g);
	}
	return best * nbatch;
}

/*
 * One epoch of train_run()'s loop by hand on 2 threads (shuffle, gather,
 * forward, loss, backward, Adam), timing each phase between barriers.
 * bare: the same epoch with the passes cut down to their GEMMs (no
 * epilogue, no column sums, no loss) and Adam alone (in bf16, without
 * packing the weights): what the products cost in place, with
 * the caches as the epoch leaves them (the weights just out of Adam, the
 * batch just gathered), which a replay of each step's products right after
 * it, all in cache, would understate.  The numbers it computes are not
 * used.  sec[PH_ALL]: seconds per phase over the epoch, and for bare,
 * after the epoch, adam_floor() of its model and steps; returns the
 * epoch's seconds.
 */
static double
breakdown(const train_config *cfg, const train_data *tr, double *sec,
    int bare)
{
	char      err[256];
	mlp      *m = mlp_new(cfg->nlayer, cfg->size, cfg->batch, cfg->dropout,
	    err, sizeof err);
	adam      opt;
	size_t    n = tr->n, *perm = malloc(n * sizeof *perm);
	float    *xb = aligned_alloc(64, (size_t)cfg->batch * tr->npix *
	    sizeof(float));
	uint8_t  *yb = malloc((size_t)cfg->batch);
	int       nbatch = (int)((n + cfg->batch - 1) /
	    cfg->batch);
	uint64_t  dkey = rng_key(cfg->seed, RNG_DROPOUT, 0);
	double    total;

	if (m == NULL || perm == NULL || xb == NULL || yb == NULL ||
	    adam_init(&opt, m->nparam, cfg->lr) != 0) {
		fprintf(stderr, "bench_train: out of memory\n");
		exit(1);
	}
	mlp_init(m, cfg->seed);
	if (mlp_set_bf16(m, cfg->precision == TRAIN_BF16) != 0) {
		fprintf(stderr, "bench_train: out of memory\n");
		exit(1);
	}
	/*
	 * bare: the weights packed in bf16 once (they stay stale, which only
	 * the unused numbers see) and Adam without packing, so that the
	 * packing done in the optimizer step shows apart from Adam's own cost
	 */
	for (int l = 0; bare && m->bf16 && l < m->nlayer; l++)
		mlp_pack_rows(m, l, 0, m->size[l]);
	m->packed_ok = bare && m->bf16;
	omp_set_num_threads(2);
	for (int p = 0; p < PH_ALL; p++)
		sec[p] = 0.0;
	total = clock_now();
	train_shuffle(perm, n, cfg->seed, 1);
	for (int bi = 0; bi < nbatch; bi++) {
		size_t b0 = (size_t)bi * cfg->batch;
		int    bs = n - b0 < (size_t)cfg->batch ? (int)(n - b0) :
		    cfg->batch;

#pragma omp parallel
		{
			double t = 0.0, t1;
			int    c;

#pragma omp master
			t = clock_now();
			train_gather_team(tr, perm + b0, bs, xb, yb);
#pragma omp master
			{
				t1 = clock_now();
				sec[PH_GATHER] += t1 - t;
				t = t1;
			}
			if (bare) {
				step_gemms(m, xb, bs);
#pragma omp master
				{
					t1 = clock_now();
					sec[PH_GEMM] += t1 - t;
					t = t1;
				}
			} else {
				mlp_forward_team(m, xb, bs, 1, dkey, (uint64_t)bi);
#pragma omp master
				{
					t1 = clock_now();
					sec[PH_FWD] += t1 - t;
					t = t1;
				}
#pragma omp single
				mlp_loss(m, yb, bs, &c);
#pragma omp master
				{
					t1 = clock_now();
					sec[PH_LOSS] += t1 - t;
					t = t1;
				}
				mlp_backward_team(m, bs);
#pragma omp master
				{
					t1 = clock_now();
					sec[PH_BWD] += t1 - t;
					t = t1;
				}
			}
			if (bare)
				adam_step_team(&opt, m->param, m->grad);
			else
				train_adam_team(m, &opt);
#pragma omp master
			sec[PH_ADAM] += clock_now() - t;
		}
	}
	total = clock_now() - total;
	if (bare)
		sec[PH_FLOOR] = adam_floor(m->nparam, nbatch);
	free(perm);
	free(xb);
	free(yb);
	adam_destroy(&opt);
	mlp_free(m);
	return total;
}

/*
 * breakdown() twice, each phase's best, and twice bare for the GEMM,
 * alternating; printed as a table; with summary, also the line bench/run
 * reads ("breakdown <epoch s> <GEMM s>").
 */
static void
print_breakdown(const train_config *cfg, const train_data *tr, int summary)
{
	double ph[PH_ALL], best[PH_ALL], tot = 1e30, fb, epi, bare = 1e30, pack;

	for (int p = 0; p < PH_ALL; p++)
		best[p] = 1e30;
	for (int k = 0; k < 4; k++) {
		double t = breakdown(cfg, tr, ph, k % 2);

		if (k % 2 == 0)
			tot = t < tot ? t : tot;
		for (int p = 0; p < PH_ALL; p++)
			if ((p == PH_GEMM || p == PH_FLOOR) == (k % 2) &&
			    ph[p] < best[p])
				best[p] = ph[p];
		if (k % 2 && ph[PH_ADAM] < bare)
			bare = ph[PH_ADAM];
	}
	/* bf16: the step's Adam less a bare Adam is the weights' packing */
	if (cfg->precision != TRAIN_BF16 || bare > best[PH_ADAM])
		bare = best[PH_ADAM];
	pack = best[PH_ADAM] - bare;
	fb = best[PH_FWD] + best[PH_BWD];
	epi = fb > best[PH_GEMM] ? fb - best[PH_GEMM] : 0.0;
	printf("epoch breakdown, %s, 2 threads, gemm %s, adam %s (train_run's "
	    "step by hand, phases timed between barriers, best of 2):\n",
	    train_precision_name(cfg->precision), cfg->precision == TRAIN_BF16 ?
	    gemm_bf16_kernel_name() : gemm_kernel_name(), adam_kernel_name());
#define ROW(name, v) printf("  %-44s %6.3f s  %5.1f%%\n", name, v, \
	100.0 * (v) / tot)
	ROW("GEMM (the step's 8 products, bare, in place)", best[PH_GEMM]);
	ROW("epilogues (bias, ReLU, dropout, softmax, db)", epi);
	ROW("loss (mlp_loss: argmax, log, dlogits)", best[PH_LOSS]);
	ROW("Adam", bare);
	if (cfg->precision == TRAIN_BF16)
		ROW("bf16 weights packed (in the Adam step)", pack);
	ROW("batch gather", best[PH_GATHER]);
	ROW("rest (shuffle, parallel regions)", tot - fb - best[PH_LOSS] -
	    best[PH_ADAM] - best[PH_GATHER]);
	ROW("epoch", tot);
	/* the Adam row's floor, apart from the epoch's rows */
	ROW("(Adam's arithmetic alone, its data in L1)", best[PH_FLOOR]);
#undef ROW
	if (summary)
		printf("breakdown %.3f %.3f\n", tot, best[PH_GEMM]);
}

/* Seconds one barrier of a team of th threads takes (best of 5 x 20000). */
static double
barrier_seconds(int th)
{
	double best = 1e30;

	for (int k = 0; k < 5; k++) {
		double t0 = clock_now();

#pragma omp parallel num_threads(th)
		for (int i = 0; i < 20000; i++) {
#pragma omp barrier
		}
		t0 = (clock_now() - t0) / 20000;
		best = t0 < best ? t0 : best;
	}
	return best;
}

/* One row of the side-by-side measurement: its own seed, one thread. */
struct side_row {
	pthread_t          th;
	train_config       cfg;
	const train_data  *tr;
	train_result      *res;
	int                rc;
};

static void *
side_main(void *arg)
{
	struct side_row *r = arg;
	char             err[256];

	omp_set_num_threads(r->cfg.threads);
	r->rc = train_run(&r->cfg, r->tr, NULL, NULL, NULL, NULL, NULL, r->res,
	    err, sizeof err);
	mlp_free(r->res->model);
	return NULL;
}

/*
 * n rows at once, each on th threads of its own (what --jobs n does,
 * without the files): the wall seconds of one epoch, every row's, and the
 * slowest row's own epoch time.  Returns the wall seconds, or -1.
 */
static double
side_by_side(const train_config *cfg, const train_data *tr, int n, int th,
    double *slowest)
{
	struct side_row *r = calloc((size_t)n, sizeof *r);
	double           t0 = clock_now(), wall;
	int              ok = r != NULL;

	*slowest = 0.0;
	for (int k = 0; ok && k < n; k++) {
		r[k].cfg = *cfg;
		r[k].cfg.threads = th;
		r[k].cfg.epochs = 1;
		r[k].cfg.seed = cfg->seed + (uint64_t)k;
		r[k].tr = tr;
		if ((r[k].res = malloc(sizeof *r[k].res)) == NULL)
			ok = 0;
	}
	for (int k = 0; ok && k < n; k++)
		if (pthread_create(&r[k].th, NULL, side_main, &r[k]) != 0)
			ok = 0;
	for (int k = 0; ok && k < n; k++)
		pthread_join(r[k].th, NULL);
	wall = clock_now() - t0;
	for (int k = 0; ok && k < n; k++) {
		ok = r[k].rc == 0;
		if (r[k].res->hist[0].seconds > *slowest)
			*slowest = r[k].res->hist[0].seconds;
	}
	for (int k = 0; r != NULL && k < n; k++)
		free(r[k].res);
	free(r);
	return ok ? wall : -1.0;
}

int
main(int argc, char **argv)
{
	const char  *dir = argc > 1 ? argv[1] : "../shared/data/mnist";
	int          epochs = argc > 2 ? atoi(argv[2]) : 2;
	char         err[8192];
	dataset      ds;
	train_config cfg;
	train_result *res = malloc(sizeof *res);
	float        *xtr, *xte;
	double       t0;
	struct rusage ru;
	double        sec[3] = { 0 }, evs[3] = { 0 };
	int           all = omp_get_num_procs(), thl[2] = { 1, 2 };

	t0 = clock_now();
	if (dataset_load(&ds, dir, 0, 0, err, sizeof err) != 0) {
		fprintf(stderr, "bench_train: %s\n", err);
		return 1;
	}
	printf("load MNIST (gzip, 70000 images):   %.3f s\n", clock_now() - t0);
	xtr = malloc(ds.train.n * DATASET_NPIX * sizeof(float));
	xte = malloc(ds.test.n * DATASET_NPIX * sizeof(float));
	/* fault the pages in first: noise is timed, not the kernel's zeroing */
	memset(xtr, 0, ds.train.n * DATASET_NPIX * sizeof(float));
	memset(xte, 0, ds.test.n * DATASET_NPIX * sizeof(float));
	for (int th = 1; th <= 2; th++) {
		double best = 1e30;

		omp_set_num_threads(th);
		for (int k = 0; k < 3; k++) {
			t0 = clock_now();
			noise_apply(ds.train.pix, 0, ds.train.n, DATASET_NPIX,
			    0.5f, 1, 0, xtr);
			noise_apply(ds.test.pix, 0, ds.test.n, DATASET_NPIX,
			    0.5f, 1, 1, xte);
			t0 = clock_now() - t0;
			best = t0 < best ? t0 : best;
		}
		printf("noise 70000 images, %d thread%s:     %.3f s (%s "
		    "normals, best of 3)\n", th, th > 1 ? "s" : " ", best,
		    rng_kernel_name());
	}

	train_config_default(&cfg);
	cfg.epochs = epochs;
	printf("gemm kernel: %s; OMP_WAIT_POLICY=%s GOMP_SPINCOUNT=%s; %d "
	    "epochs per measurement, best epoch reported\n",
	    gemm_kernel_name(), getenv("OMP_WAIT_POLICY") ?
	    getenv("OMP_WAIT_POLICY") : "(unset)", getenv("GOMP_SPINCOUNT") ?
	    getenv("GOMP_SPINCOUNT") : "(unset)", epochs);
	/*
	 * CPU s/ep: the process's CPU time over the run per epoch (evaluation
	 * included).  On a loaded machine wall time says how much CPU we got;
	 * this says how much we needed, spin-waiting included.
	 */
	printf("threads  s/epoch  GFLOP/s  eval s  eval GFLOP/s  val_acc  "
	    "CPU s/ep\n");
	/* 1 thread and every core (at least 2, as the bench always has) */
	thl[1] = all > 2 ? all : 2;
	for (int ti = 0; ti < 2; ti++) {
		int th = thl[ti];

		train_data tr = { xtr, ds.train.label, ds.train.n,
		    DATASET_NPIX, NULL, NULL };
		train_data te = { xte, ds.test.label, ds.test.n,
		    DATASET_NPIX, NULL, NULL };
		double     best = 1e30, ev = 1e30, loss, acc, cpu;

		cfg.threads = th;
		cpu = cpu_seconds();

		if (train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, res, err,
		    sizeof err) != 0) {
			fprintf(stderr, "bench_train: %s\n", err);
			return 1;
		}
		cpu = (cpu_seconds() - cpu) / res->nhist;
		for (int e = 0; e < res->nhist; e++) {
			double s = res->hist[e].seconds;
			best = s < best ? s : best;
		}
		for (int k = 0; k < 3; k++) {
			t0 = clock_now();
			train_evaluate(res->model, &te, &loss, &acc, NULL, NULL);
			double s = clock_now() - t0;
			ev = s < ev ? s : ev;
		}
		/* The epoch time includes one evaluation: take it out. */
		double train_s = best - ev;
		sec[ti + 1] = train_s;
		evs[ti + 1] = ev;
		printf("%7d  %7.3f  %7.1f  %6.3f  %12.1f  %.4f  %8.3f\n", th,
		    train_s, train_flops_per_sample(&cfg) * ds.train.n /
		    train_s * 1e-9, ev, train_eval_flops_per_sample(&cfg) *
		    ds.test.n / ev * 1e-9, res->hist[res->nhist - 1].val_acc,
		    cpu);
		mlp_free(res->model);
	}
	printf("speed-up 1 -> %d threads: %.2fx training, %.2fx evaluation\n",
	    thl[1], sec[1] / sec[2], evs[1] / evs[2]);
	/* Rows side by side: one per core on one thread each, against one
	 * row on every core, the same epochs. */
	if (getenv("BENCH_QUICK") == NULL) {
		printf("OpenMP barrier: %.2f us at 2 threads, %.2f us at %d\n",
		    barrier_seconds(2) * 1e6, barrier_seconds(thl[1]) * 1e6,
		    thl[1]);
	}
	if (getenv("BENCH_QUICK") == NULL) {
		train_data tr = { xtr, ds.train.label, ds.train.n,
		    DATASET_NPIX, NULL, NULL };
		double     slow, wall = side_by_side(&cfg, &tr, thl[1], 1,
		    &slow);

		if (wall > 0) {
			printf("%d rows at once, 1 thread each: %.3f s wall for "
			    "an epoch of each (slowest row %.3f s), %.2f "
			    "row-epochs/s; one row on %d threads: %.2f "
			    "row-epochs/s; side by side %.2fx\n", thl[1],
			    wall, slow, thl[1] / wall, thl[1], 1.0 / sec[2],
			    thl[1] / wall * sec[2]);
			printf("jobs %d %.3f %.3f\n", thl[1], wall, sec[2]);
		}
	}
	/* BENCH_QUICK: bench/run's second pass wants the epoch times only */
	if (getenv("BENCH_QUICK") == NULL) {
		train_data tr = { xtr, ds.train.label, ds.train.n,
		    DATASET_NPIX, NULL, NULL };

		print_breakdown(&cfg, &tr, 1);
		if (gemm_bf16_available()) {
			cfg.precision = TRAIN_BF16;
			print_breakdown(&cfg, &tr, 0);
			cfg.precision = TRAIN_FP32;
		}
	}
	/* Mixed precision, where the CPU has a bf16 GEMM kernel. */
	if (getenv("BENCH_QUICK") == NULL && gemm_bf16_available()) {
		train_data tr = { xtr, ds.train.label, ds.train.n,
		    DATASET_NPIX, NULL, NULL };
		train_data te = { xte, ds.test.label, ds.test.n,
		    DATASET_NPIX, NULL, NULL };
		double     best = 1e30, ev = 1e30, loss, acc;

		cfg.threads = 2;
		cfg.precision = TRAIN_BF16;
		if (train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, res, err,
		    sizeof err) != 0) {
			fprintf(stderr, "bench_train: %s\n", err);
			return 1;
		}
		for (int e = 0; e < res->nhist; e++)
			best = res->hist[e].seconds < best ?
			    res->hist[e].seconds : best;
		for (int k = 0; k < 3; k++) {
			t0 = clock_now();
			train_evaluate(res->model, &te, &loss, &acc, NULL, NULL);
			t0 = clock_now() - t0;
			ev = t0 < ev ? t0 : ev;
		}
		printf("bf16 (%s), 2 threads: %.3f s/epoch, eval %.3f s, "
		    "val_acc %.4f after %d epoch%s (fp32: %.3f s/epoch)\n",
		    gemm_bf16_kernel_name(), best - ev, ev,
		    res->hist[res->nhist - 1].val_acc, res->nhist,
		    res->nhist > 1 ? "s" : "", sec[2]);
		printf("bf16_epoch %.3f %s\n", best - ev,
		    gemm_bf16_kernel_name());
		mlp_free(res->model);
		cfg.precision = TRAIN_FP32;
	} else if (getenv("BENCH_QUICK") == NULL)
		printf("bf16 training: skipped, no bf16 GEMM kernel on this "
		    "CPU (AVX512-BF16 needed)\n");
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS: %.0f MB\n", ru.ru_maxrss / 1024.0);
	/* for bench/run */
	printf("noisetop %d %.3f %.3f\n", thl[1], sec[2], evs[2]);
	free(xtr);
	free(xte);
	free(res);
	dataset_free(&ds);
	return 0;
}

/*
 * bench_gemm: time gemm() on the MLP's shapes at the current OpenMP thread
 * count (best of several repeats, since the machine is shared), and the
 * GEMM time of one training epoch.
 *
 *   usage: bench_gemm [portable|avx2]
 */
#include "gemm.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EPOCH_BATCHES	469	/* ceil(60000 / 128) */
#define LAST_BATCH	96	/* 60000 - 468 * 128 */
#define BATCH		128

/* One gemm() call of a training step; 'B' in m/n/k stands for the batch. */
struct call {
	const char	*what;
	int		 ta, tb, m, n, k;
};

#define B_ (-1)
static const struct call calls[] = {
	{ "fwd   X@W1  ", 0, 0, B_, 512, 784 },
	{ "fwd   H@W2  ", 0, 0, B_, 512, 512 },
	{ "fwd   H@W3  ", 0, 0, B_, 10, 512 },
	{ "wgrad X^T@dY", 1, 0, 784, 512, B_ },
	{ "wgrad H^T@dY", 1, 0, 512, 512, B_ },
	{ "wgrad H^T@dY", 1, 0, 512, 10, B_ },
	{ "igrad dY@W2^T", 0, 1, B_, 512, 512 },
	{ "igrad dY@W3^T", 0, 1, B_, 512, 10 },
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static float *
fill(size_t n)
{
	float	*p = malloc(n * sizeof *p);
	size_t	 i;

	if (p == NULL) {
		fprintf(stderr, "bench_gemm: out of memory\n");
		exit(1);
	}
	for (i = 0; i < n; i++)
		p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
	return p;
}

/* One shape's operands and its best time so far. */
struct run {
	int	 ta, tb, m, n, k, reps;
	float	*a, *b, *c;
	double	 best;		/* seconds per call */
};

static void
run_init(struct run *r, const struct call *cl, int batch)
{
	r->ta = cl->ta;
	r->tb = cl->tb;
	r->m = cl->m == B_ ? batch : cl->m;
	r->n = cl->n == B_ ? batch : cl->n;
	r->k = cl->k == B_ ? batch : cl->k;
	r->a = fill((size_t)r->m * r->k);
	r->b = fill((size_t)r->k * r->n);
	r->c = fill((size_t)r->m * r->n);
	/* about 2 ms per sample, at least one call */
	r->reps = (int)(2e-3 / (2.0 * r->m * r->n * r->k / 50e9)) + 1;
	r->best = 1e30;
}

/* One timed sample of r->reps calls; keeps the best per-call time. */
static void
run_sample(struct run *r)
{
	double	t = now();
	int	i;

	for (i = 0; i < r->reps; i++)
		gemm(r->ta, r->tb, r->m, r->n, r->k, r->a, r->ta ? r->m : r->k,
		    r->b, r->tb ? r->k : r->n, 0.0f, r->c, r->n);
	t = (now() - t) / r->reps;
	if (t < r->best)
		r->best = t;
}

/*
 * The machine is shared and noisy, so every shape is sampled once per round
 * over many rounds (a few seconds in all) and the best sample kept: a burst
 * of load then costs one round, not one shape's whole measurement.
 */
int
main(int argc, char **argv)
{
	enum { NCALL = sizeof calls / sizeof calls[0], ROUNDS = 40 };
	struct run	full[NCALL], last[NCALL];
	size_t		i;
	double		epoch = 0.0, flops_epoch = 0.0, flops;
	int		round;

	if (argc > 1 && gemm_force_kernel(argv[1]) != 0) {
		fprintf(stderr, "usage: bench_gemm [portable|avx2]\n");
		return 1;
	}
	for (i = 0; i < NCALL; i++) {
		run_init(&full[i], &calls[i], BATCH);
		run_init(&last[i], &calls[i], LAST_BATCH);
		run_sample(&full[i]);	/* warm up: buffers, threads */
		full[i].best = 1e30;
	}
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < NCALL; i++) {
			run_sample(&full[i]);
			if (round % 4 == 0)
				run_sample(&last[i]);
		}
	}

	printf("kernel %s, %d threads, best of %d rounds\n",
	    gemm_kernel_name(), omp_get_max_threads(), ROUNDS);
	printf("%-14s %5s %5s %5s  %9s %8s\n", "call", "M", "N", "K",
	    "ms/call", "GFLOP/s");
	for (i = 0; i < NCALL; i++) {
		struct run	*r = &full[i];

		flops = 2.0 * r->m * r->n * r->k;
		printf("%-14s %5d %5d %5d  %9.4f %8.1f  %s\n", calls[i].what,
		    r->m, r->n, r->k, r->best * 1e3, flops / r->best / 1e9,
		    gemm_kernel_name());
		epoch += (EPOCH_BATCHES - 1) * r->best + last[i].best;
		flops_epoch += (EPOCH_BATCHES - 1) * flops +
		    2.0 * last[i].m * last[i].n * last[i].k;
		free(r->a);
		free(r->b);
		free(r->c);
		free(last[i].a);
		free(last[i].b);
		free(last[i].c);
	}
	printf("epoch (%d batches, last %d): %.3f s of GEMM, %.1f GFLOP, "
	    "%.1f GFLOP/s\n", EPOCH_BATCHES, LAST_BATCH, epoch,
	    flops_epoch / 1e9, flops_epoch / epoch / 1e9);
	return 0;
}

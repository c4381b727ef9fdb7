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

/* Best seconds per call of one shape over several timed batches of calls. */
static double
time_call(const struct call *cl, int batch)
{
	int	 m = cl->m == B_ ? batch : cl->m;
	int	 n = cl->n == B_ ? batch : cl->n;
	int	 k = cl->k == B_ ? batch : cl->k;
	float	*a = fill((size_t)m * k), *b = fill((size_t)k * n);
	float	*c = fill((size_t)m * n);
	double	 flops = 2.0 * m * n * k, best = 1e30, t;
	int	 reps, r, i;

	/* about 5 ms per repeat, at least one call */
	reps = (int)(5e-3 / (flops / 50e9)) + 1;
	for (i = 0; i < reps; i++)	/* warm up: buffers, caches, threads */
		gemm(cl->ta, cl->tb, m, n, k, a, cl->ta ? m : k, b,
		    cl->tb ? k : n, 0.0f, c, n);
	for (r = 0; r < 15; r++) {
		t = now();
		for (i = 0; i < reps; i++)
			gemm(cl->ta, cl->tb, m, n, k, a, cl->ta ? m : k, b,
			    cl->tb ? k : n, 0.0f, c, n);
		t = (now() - t) / reps;
		if (t < best)
			best = t;
	}
	free(a);
	free(b);
	free(c);
	return best;
}

int
main(int argc, char **argv)
{
	size_t	i;
	double	epoch = 0.0, flops_epoch = 0.0, t, t96;

	if (argc > 1 && gemm_force_kernel(argv[1]) != 0) {
		fprintf(stderr, "usage: bench_gemm [portable|avx2]\n");
		return 1;
	}
	printf("kernel %s, %d threads\n", gemm_kernel_name(),
	    omp_get_max_threads());
	printf("%-14s %5s %5s %5s  %9s %8s\n", "call", "M", "N", "K",
	    "ms/call", "GFLOP/s");
	for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		const struct call	*cl = &calls[i];
		int	m = cl->m == B_ ? BATCH : cl->m;
		int	n = cl->n == B_ ? BATCH : cl->n;
		int	k = cl->k == B_ ? BATCH : cl->k;
		double	flops = 2.0 * m * n * k;

		t = time_call(cl, BATCH);
		t96 = time_call(cl, LAST_BATCH);
		printf("%-14s %5d %5d %5d  %9.4f %8.1f  %s\n", cl->what, m, n, k,
		    t * 1e3, flops / t / 1e9, gemm_kernel_name());
		epoch += (EPOCH_BATCHES - 1) * t + t96;
		flops_epoch += (EPOCH_BATCHES - 1) * flops + flops *
		    LAST_BATCH / BATCH;
	}
	printf("epoch (%d batches, last %d): %.3f s of GEMM, %.1f GFLOP, "
	    "%.1f GFLOP/s\n", EPOCH_BATCHES, LAST_BATCH, epoch,
	    flops_epoch / 1e9, flops_epoch / epoch / 1e9);
	return 0;
}

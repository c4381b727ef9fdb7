/*
 * bench_gemm: time gemm() on the MLP's shapes at the current OpenMP thread
 * count (best of several repeats, since the machine is shared), and the
 * GEMM time of one training epoch; beside it OpenBLAS's cblas_sgemm and
 * oneDNN's dnnl_sgemm on the same shapes and thread count when
 * libopenblas.so.0 and libdnnl.so.2 can be loaded (at run time, so the build
 * never depends on them), and noisetop's own bf16 GEMM (gemm_extra.bf16,
 * the weights packed beforehand as training keeps them) beside oneDNN's
 * (dnnl_gemm_bf16bf16f32, its inputs converted beforehand, untimed) where
 * the CPU has AVX512-BF16.  The last line is for bench/run:
 * "gemm_epoch_s <threads> <noisetop> <openblas> <onednn> <bf16>
 * <onednn bf16>", na where one could not run.  A second table gives the
 * fp32 figures warm: each call a dozen times in a row, operands in cache.
 *
 *   usage: bench_gemm [portable|avx2|avx512]
 */
#include "kernels/gemm.h"

#include <dlfcn.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

#define EPOCH_BATCHES	469	/* ceil(60000 / 128) */
#define LAST_BATCH	96	/* 60000 - 468 * 128 */
#define BATCH		128

/*
 * One gemm() call of a training step; 'B' in m/n/k stands for the batch.
 * w: op(B) is a layer's weights, which bf16 training keeps packed (mlp.h:
 * wpk), so noisetop's bf16 GEMM gets them packed beforehand, untimed, as
 * oneDNN's bf16 GEMM gets both its inputs converted.
 */
struct call {
	const char	*what;
	int		 ta, tb, m, n, k, w;
};

#define B_ (-1)
static const struct call calls[] = {
	{ "fwd   X@W1  ", 0, 0, B_, 512, 784, 1 },
	{ "fwd   H@W2  ", 0, 0, B_, 512, 512, 1 },
	{ "fwd   H@W3  ", 0, 0, B_, 10, 512, 1 },
	{ "wgrad X^T@dY", 1, 0, 784, 512, B_, 0 },
	{ "wgrad H^T@dY", 1, 0, 512, 512, B_, 0 },
	{ "wgrad H^T@dY", 1, 0, 512, 10, B_, 0 },
	{ "igrad dY@W2^T", 0, 1, B_, 512, 512, 1 },
	{ "igrad dY@W3^T", 0, 1, B_, 512, 10, 1 },
};

static float *
fill(size_t n)
{
	float	*p = NULL;
	size_t	 i;

	if (posix_memalign((void **)&p, 64, n * sizeof *p) != 0) {
		fprintf(stderr, "bench_gemm: out of memory\n");
		exit(1);
	}
	for (i = 0; i < n; i++)
		p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
	return p;
}

/* OpenBLAS's CBLAS entry point and thread setter, from dlopen(). */
typedef void cblas_sgemm_fn(int, int, int, int, int, int, float,
    const float *, int, const float *, int, float, float *, int);
typedef void set_threads_fn(int);
static cblas_sgemm_fn	*ob_sgemm;

/* oneDNN's row-major SGEMM (dnnl_dim_t is int64_t); it runs on OpenMP. */
typedef int dnnl_sgemm_fn(char, char, int64_t, int64_t, int64_t, float,
    const float *, int64_t, const float *, int64_t, float, float *, int64_t);
static dnnl_sgemm_fn	*dn_sgemm;

/* and its bf16 GEMM with fp32 results, on inputs already in bf16 */
typedef int dnnl_gemm_bf16_fn(char, char, int64_t, int64_t, int64_t, float,
    const uint16_t *, int64_t, const uint16_t *, int64_t, float, float *,
    int64_t);
static dnnl_gemm_bf16_fn *dn_gemm_bf16;

enum { LIB_NOISETOP, LIB_OPENBLAS, LIB_ONEDNN, LIB_BF16, LIB_ONEDNN_BF16,
    NLIB };
static const char *const lib_name[NLIB] = { "noisetop", "OpenBLAS",
	"oneDNN", "noisetop bf16", "oneDNN bf16" };

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

/*
 * Load OpenBLAS with its own core detection: this machine's environment may
 * pin OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which OpenBLAS reads when it is
 * loaded, so they are dropped first (for OpenBLAS only: noisetop reads
 * neither).  Returns 0 when it is there.
 */
static int
openblas_load(int threads)
{
	void		*h;
	set_threads_fn	*set;

	unsetenv("OPENBLAS_CORETYPE");
	unsetenv("OPENBLAS_L2_SIZE");
	if ((h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return -1;
	ob_sgemm = (cblas_sgemm_fn *)dlsym(h, "cblas_sgemm");
	set = (set_threads_fn *)dlsym(h, "openblas_set_num_threads");
	if (ob_sgemm == NULL)
		return -1;
	if (set != NULL)
		set(threads);
	return 0;
}

/* oneDNN, when libdnnl.so.2 is there: 0, else -1. */
static int
onednn_load(void)
{
	void	*h;

	if ((h = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return -1;
	dn_sgemm = (dnnl_sgemm_fn *)dlsym(h, "dnnl_sgemm");
	dn_gemm_bf16 = (dnnl_gemm_bf16_fn *)dlsym(h, "dnnl_gemm_bf16bf16f32");
	return dn_sgemm != NULL ? 0 : -1;
}

/* One shape's operands and its best times so far. */
struct run {
	int	 ta, tb, m, n, k, reps;
	float	*a, *b, *c;
	uint16_t *a16, *b16;	/* a and b in bf16, for oneDNN's bf16 GEMM */
	uint32_t *pk;		/* weights packed for noisetop's, or NULL */
	double	 best[NLIB];	/* seconds per call, per library */
};

/* n floats rounded to bf16 (nearest even), in a new array. */
static uint16_t *
bf16_copy(const float *x, size_t n)
{
	uint16_t	*p = malloc(n * sizeof *p);
	uint32_t	 u;

	if (p == NULL) {
		fprintf(stderr, "bench_gemm: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(&u, &x[i], sizeof u);
		p[i] = (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
	}
	return p;
}

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
	r->a16 = bf16_copy(r->a, (size_t)r->m * r->k);
	r->b16 = bf16_copy(r->b, (size_t)r->k * r->n);
	r->pk = NULL;
	if (cl->w && gemm_bf16_available()) {
		r->pk = aligned_alloc(64, (gemm_bf16_packed_words(r->k, r->n) *
		    4 + 63) / 64 * 64);
		if (r->pk == NULL) {
			fprintf(stderr, "bench_gemm: out of memory\n");
			exit(1);
		}
		gemm_bf16_pack(r->tb, r->k, r->n, r->b, r->tb ? r->k : r->n, 0,
		    r->tb ? r->n : r->k, r->pk);
	}
	/* about 2 ms per sample, at least one call */
	r->reps = (int)(2e-3 / (2.0 * r->m * r->n * r->k / 50e9)) + 1;
	for (int l = 0; l < NLIB; l++)
		r->best[l] = 1e30;
}

/* The header's columns of libraries 1..last that ran, and the newline. */
static void
lib_columns(const int *have, int last)
{
	static const char *const col[NLIB][2] = { { "", "" },
		[LIB_OPENBLAS] = { "OB GF/s", "nt/OB" },
		[LIB_ONEDNN] = { "DN GF/s", "nt/DN" },
		[LIB_BF16] = { "bf16 GF/s", "nt/bf16" },
		[LIB_ONEDNN_BF16] = { "DNbf GF/s", "bf/DNbf" } };

	for (int lib = 1; lib <= last; lib++)
		if (have[lib])
			printf("  %8s %6s", col[lib][0], col[lib][1]);
	printf("\n");
}

/* One timed sample of r->reps calls; keeps the best per-call time. */
static void
run_sample(struct run *r, int lib)
{
	int	lda = r->ta ? r->m : r->k, ldb = r->tb ? r->k : r->n;
	double	t = clock_now();
	int	i;

	for (i = 0; i < r->reps; i++) {
		if (lib == LIB_OPENBLAS)
			ob_sgemm(ROW_MAJOR, r->ta ? TRANS : NO_TRANS,
			    r->tb ? TRANS : NO_TRANS, r->m, r->n, r->k, 1.0f,
			    r->a, lda, r->b, ldb, 0.0f, r->c, r->n);
		else if (lib == LIB_BF16) {
			gemm_extra	x = { NULL, NULL, NULL, 1, r->pk };

#pragma omp parallel
			gemm_team(r->ta, r->tb, r->m, r->n, r->k, r->a, lda,
			    r->b, ldb, 0.0f, r->c, r->n, &x);
		} else if (lib == LIB_ONEDNN_BF16)
			dn_gemm_bf16(r->ta ? 'T' : 'N', r->tb ? 'T' : 'N', r->m,
			    r->n, r->k, 1.0f, r->a16, lda, r->b16, ldb, 0.0f,
			    r->c, r->n);
		else if (lib == LIB_ONEDNN)
			dn_sgemm(r->ta ? 'T' : 'N', r->tb ? 'T' : 'N', r->m,
			    r->n, r->k, 1.0f, r->a, lda, r->b, ldb, 0.0f,
			    r->c, r->n);
		else
			gemm(r->ta, r->tb, r->m, r->n, r->k, r->a, lda, r->b,
			    ldb, 0.0f, r->c, r->n);
	}
	t = (clock_now() - t) / r->reps;
	if (t < r->best[lib])
		r->best[lib] = t;
}

/*
 * The machine is shared and noisy, so every shape is sampled once per round
 * over many rounds (a few seconds in all) and the best sample kept: a burst
 * of load then costs one round, not one shape's whole measurement.  The two
 * libraries take turns in phases of several rounds, with a pause between so
 * that the idle one's threads have stopped spinning (libgomp spins a while
 * after a parallel region, OpenBLAS's pool about 0.1 s after a call) and do
 * not compete with the one being measured.
 */
int
main(int argc, char **argv)
{
	enum { NCALL = sizeof calls / sizeof calls[0], ROUNDS = 40,
	    PHASES = 5 };
	struct run	full[NCALL], last[NCALL];
	double		warm[NCALL][NLIB];
	size_t		i;
	double		epoch[NLIB] = { 0 }, flops_epoch = 0.0, flops;
	int		phase, round, lib, have[NLIB] = { 1, 0, 0 };
	int		nt = omp_get_max_threads();

	if (argc > 1 && gemm_force_kernel(argv[1]) != 0) {
		fprintf(stderr, "usage: bench_gemm [portable|avx2|avx512] "
		    "(one this CPU runs)\n");
		return 1;
	}
	have[LIB_OPENBLAS] = openblas_load(nt) == 0;
	have[LIB_ONEDNN] = onednn_load() == 0;
	have[LIB_BF16] = gemm_bf16_available();
	/* oneDNN's bf16 GEMM falls back to slow reference code without
	 * AVX512-BF16 or AMX: compare only where ours runs too */
	have[LIB_ONEDNN_BF16] = have[LIB_ONEDNN] && dn_gemm_bf16 != NULL &&
	    have[LIB_BF16];
	for (i = 0; i < NCALL; i++) {
		run_init(&full[i], &calls[i], BATCH);
		run_init(&last[i], &calls[i], LAST_BATCH);
		for (lib = 0; lib < NLIB; lib++)
			if (have[lib])
				run_sample(&full[i], lib);	/* warm up */
		for (lib = 0; lib < NLIB; lib++)
			full[i].best[lib] = 1e30;
	}
	for (phase = 0; phase < PHASES; phase++) {
		for (lib = 0; lib < NLIB; lib++) {
			if (!have[lib])
				continue;
			if (have[LIB_OPENBLAS] || have[LIB_ONEDNN])
				usleep(250000);
			for (round = 0; round < ROUNDS / PHASES; round++)
				for (i = 0; i < NCALL; i++) {
					run_sample(&full[i], lib);
					if (round % 4 == 0)
						run_sample(&last[i], lib);
				}
		}
	}

	/*
	 * Warm: each call a dozen times in a row, the best of the last ten,
	 * so its operands are in cache; the rounds above bring them back from
	 * L3 or memory, as a shape's turn comes round after the others'.
	 */
	for (i = 0; i < NCALL; i++)
		for (lib = 0; lib < NLIB; lib++)
			warm[i][lib] = 1e30;
	for (phase = 0; phase < PHASES; phase++)
		for (lib = 0; lib <= LIB_ONEDNN; lib++) {
			if (!have[lib])
				continue;
			if (have[LIB_OPENBLAS] || have[LIB_ONEDNN])
				usleep(250000);
			for (i = 0; i < NCALL; i++) {
				double	keep = full[i].best[lib];

				full[i].best[lib] = 1e30;
				for (round = 0; round < 12; round++) {
					if (round == 2)
						full[i].best[lib] = 1e30;
					run_sample(&full[i], lib);
				}
				if (full[i].best[lib] < warm[i][lib])
					warm[i][lib] = full[i].best[lib];
				full[i].best[lib] = keep;
			}
		}

	printf("kernel %s, %d threads, best of %d rounds; OpenBLAS %s; "
	    "oneDNN %s\n", gemm_kernel_name(), nt, ROUNDS,
	    have[LIB_OPENBLAS] ? "beside it, same threads" : "not found "
	    "(apt-get install libopenblas0)", have[LIB_ONEDNN] ? "beside it, "
	    "same threads (OpenMP)" : "not found (apt-get install libdnnl2)");
	printf("%-14s %5s %5s %5s  %9s %8s", "call", "M", "N", "K",
	    "ms/call", "GFLOP/s");
	lib_columns(have, NLIB - 1);
	for (i = 0; i < NCALL; i++) {
		struct run	*r = &full[i];

		flops = 2.0 * r->m * r->n * r->k;
		printf("%-14s %5d %5d %5d  %9.4f %8.1f", calls[i].what,
		    r->m, r->n, r->k, r->best[0] * 1e3, flops / r->best[0] /
		    1e9);
		for (lib = 1; lib < NLIB; lib++)
			if (have[lib])
				printf("  %8.1f %5.0f%%", flops / r->best[lib] /
				    1e9, 100.0 * r->best[lib] /
				    r->best[lib == LIB_ONEDNN_BF16 ? LIB_BF16 :
				    LIB_NOISETOP]);
		printf("\n");
		for (lib = 0; lib < NLIB; lib++)
			epoch[lib] += (EPOCH_BATCHES - 1) * r->best[lib] +
			    last[i].best[lib];
		flops_epoch += (EPOCH_BATCHES - 1) * flops +
		    2.0 * last[i].m * last[i].n * last[i].k;
		free(r->a);
		free(r->b);
		free(r->c);
		free(r->a16);
		free(r->b16);
		free(r->pk);
		free(last[i].a16);
		free(last[i].b16);
		free(last[i].a);
		free(last[i].b);
		free(last[i].c);
	}
	printf("warm (each call 12 times in a row, operands in cache):\n");
	printf("%-14s %8s", "call", "GFLOP/s");
	lib_columns(have, LIB_ONEDNN);
	for (i = 0; i < NCALL; i++) {
		flops = 2.0 * full[i].m * full[i].n * full[i].k;
		printf("%-14s %8.1f", calls[i].what, flops / warm[i][0] / 1e9);
		for (lib = 1; lib <= LIB_ONEDNN; lib++)
			if (have[lib])
				printf("  %8.1f %5.0f%%", flops / warm[i][lib] /
				    1e9, 100.0 * warm[i][lib] / warm[i][0]);
		printf("\n");
	}
	printf("epoch (%d batches, last %d): %.1f GFLOP of GEMM", EPOCH_BATCHES,
	    LAST_BATCH, flops_epoch / 1e9);
	for (lib = 0; lib < NLIB; lib++)
		if (have[lib])
			printf("; %s %.3f s, %.1f GFLOP/s", lib_name[lib],
			    epoch[lib], flops_epoch / epoch[lib] / 1e9);
	printf("\n");
	if (!have[LIB_BF16])
		printf("noisetop bf16: no kernel on this CPU (AVX512-BF16 "
		    "needed)\n");
	printf("gemm_epoch_s %d %.3f", nt, epoch[0]);
	for (lib = 1; lib < NLIB; lib++)
		if (have[lib])
			printf(" %.3f", epoch[lib]);
		else
			printf(" na");
	printf("\n");
	return 0;
}

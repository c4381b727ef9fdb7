/*
 * gemm() against gemm_ref() for every kernel, transpose combination and
 * beta on awkward shapes and on the MLP's own, plus beta 0 over NaN garbage
 * and bit-identical results for 1 and 2 threads; gemm_team()'s epilogue and
 * column sums; the AVX-512 kernel bit for bit against the AVX2 one.  Kernels
 * this CPU lacks are skipped, with the reason.
 */
#include "kernels/gemm.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

struct shape {
	int	m, n, k;
	int	pad;		/* extra leading-dimension slack */
};

/* Awkward shapes: tiny, odd, just off the MR/NR/KC/MC/NC multiples. */
static const struct shape odd[] = {
	{ 1, 1, 1, 0 }, { 7, 13, 5, 0 }, { 17, 33, 65, 3 }, { 6, 16, 256, 0 },
	{ 5, 15, 257, 1 }, { 145, 17, 300, 0 }, { 13, 513, 9, 5 },
	{ 150, 600, 300, 2 }, { 127, 511, 783, 7 },
	/* B read in place (K above 256, whole 16-column panels), with the
	 * AVX-512 tiles of 5, 11 and 4 rows at the M edge */
	{ 29, 48, 301, 3 }, { 11, 64, 400, 0 }, { 100, 32, 513, 1 },
};

/* The MLP's calls: transa, transb, M, N, K. */
static const int mlp[][5] = {
	{ 0, 0, 128, 512, 784 }, { 0, 0, 128, 512, 512 }, { 0, 0, 128, 10, 512 },
	{ 1, 0, 784, 512, 128 }, { 1, 0, 512, 512, 128 }, { 1, 0, 512, 10, 128 },
	{ 0, 1, 128, 512, 512 }, { 0, 1, 128, 512, 10 },
	{ 0, 0, 96, 512, 784 }, { 1, 0, 784, 512, 96 }, { 0, 1, 96, 512, 512 },
	{ 0, 0, 1000, 10, 512 },
};

static uint64_t	rng_state = 0x9e3779b97f4a7c15ULL;

/* Uniform in [-1, 1), from a fixed xorshift stream. */
static float
urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (float)((rng_state >> 40) / 8388608.0 - 1.0);
}

static float *
fill(size_t n)
{
	float	*p = malloc(n * sizeof *p);
	size_t	 i;

	if (p == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	for (i = 0; i < n; i++)
		p[i] = urand();
	return p;
}

/*
 * Run one case, return the max error relative to sum_p |a||b| (+|c| when
 * accumulating) over C, or INFINITY if anything in C outside the (m, n)
 * window changed.  C starts random (beta 1) or NaN (beta 0).
 */
static double
check(int ta, int tb, int m, int n, int k, int pad, float beta)
{
	int	 lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad;
	int	 ldc = n + pad, i, j, p;
	int	 arows = ta ? k : m, brows = tb ? n : k;
	float	*a = fill((size_t)arows * lda), *b = fill((size_t)brows * ldb);
	float	*c = fill((size_t)m * ldc), *r;
	double	 worst = 0.0;

	if (beta == 0.0f)
		for (i = 0; i < m; i++)
			for (j = 0; j < n; j++)
				c[(size_t)i * ldc + j] = NAN;
	r = malloc((size_t)m * ldc * sizeof *r);
	if (r == NULL)
		exit(2);
	memcpy(r, c, (size_t)m * ldc * sizeof *r);
	gemm(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);
	gemm_ref(ta, tb, m, n, k, a, lda, b, ldb, beta, r, ldc);

	for (i = 0; i < m && worst < INFINITY; i++) {
		for (j = 0; j < ldc; j++) {
			double	scale = 0.0, e;
			size_t	o = (size_t)i * ldc + j;

			if (j >= n) {
				if (memcmp(&c[o], &r[o], sizeof c[o]) != 0)
					worst = INFINITY;
				continue;
			}
			for (p = 0; p < k; p++) {
				double	av, bv;

				av = ta ? a[(size_t)p * lda + i] :
				    a[(size_t)i * lda + p];
				bv = tb ? b[(size_t)j * ldb + p] :
				    b[(size_t)p * ldb + j];
				scale += fabs(av * bv);
			}
			if (beta != 0.0f)
				scale += fabs(r[o]);
			e = fabs((double)c[o] - r[o]) / (scale > 0 ? scale : 1);
			if (!(e <= worst))
				worst = isnan(e) ? INFINITY : e;
		}
	}
	free(a);
	free(b);
	free(c);
	free(r);
	return worst;
}

static void
check_kernel(const char *kname)
{
	const double	tol = 1e-5;
	const float	betas[] = { 0.0f, 1.0f };
	size_t		s;
	int		ta, tb, bi;

	for (s = 0; s < sizeof odd / sizeof odd[0]; s++) {
		const struct shape	*sh = &odd[s];

		for (ta = 0; ta < 2; ta++)
			for (tb = 0; tb < 2; tb++)
				for (bi = 0; bi < 2; bi++) {
					double	e = check(ta, tb, sh->m, sh->n,
					    sh->k, sh->pad, betas[bi]);

					ok(e < tol, "%s %c%c %dx%dx%d pad %d "
					    "beta %g: rel err %.2e", kname,
					    ta ? 'T' : 'N', tb ? 'T' : 'N',
					    sh->m, sh->n, sh->k, sh->pad,
					    betas[bi], e);
				}
	}
	for (s = 0; s < sizeof mlp / sizeof mlp[0]; s++) {
		for (bi = 0; bi < 2; bi++) {
			double	e = check(mlp[s][0], mlp[s][1], mlp[s][2],
			    mlp[s][3], mlp[s][4], 0, betas[bi]);

			ok(e < tol, "%s MLP gemm(%d,%d,%d,%d,%d) beta %g: "
			    "rel err %.2e", kname, mlp[s][0], mlp[s][1],
			    mlp[s][2], mlp[s][3], mlp[s][4], betas[bi], e);
		}
	}
}

/* 1 and 2 threads must give the same bits, for every MLP shape. */
static void
check_threads(const char *kname)
{
	size_t	s;

	for (s = 0; s < sizeof mlp / sizeof mlp[0]; s++) {
		int	 ta = mlp[s][0], tb = mlp[s][1];
		int	 m = mlp[s][2], n = mlp[s][3], k = mlp[s][4];
		size_t	 na = (size_t)m * k, nb = (size_t)k * n;
		size_t	 nc = (size_t)m * n;
		float	*a = fill(na), *b = fill(nb), *c1 = fill(nc);
		float	*c2 = malloc(nc * sizeof *c2);
		int	 bi;

		if (c2 == NULL)
			exit(2);
		for (bi = 0; bi < 2; bi++) {
			memcpy(c2, c1, nc * sizeof *c2);
			omp_set_num_threads(1);
			gemm(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n,
			    (float)bi, c1, n);
			omp_set_num_threads(2);
			gemm(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n,
			    (float)bi, c2, n);
			ok(memcmp(c1, c2, nc * sizeof *c1) == 0,
			    "%s gemm(%d,%d,%d,%d,%d) beta %d: 1 and 2 threads "
			    "bit-identical", kname, ta, tb, m, n, k, bi);
		}
		free(a);
		free(b);
		free(c1);
		free(c2);
	}
}

/* An epilogue that records which tiles it saw and scales them by ctx. */
struct seen {
	unsigned char	*hits;	/* (m, n) times each element was passed */
	int		 n, wide;
	float		 mul;
};

static void
epi_scale(void *ctx, int i0, int j0, int mr, int nr, float *c, ptrdiff_t ldc)
{
	struct seen	*s = ctx;
	int		 i, j;

	if (nr > GEMM_TILE_N)
		s->wide = 1;
	for (i = 0; i < mr; i++)
		for (j = 0; j < nr; j++) {
			c[i * ldc + j] *= s->mul;
			s->hits[(size_t)(i0 + i) * s->n + j0 + j]++;
		}
}

/*
 * gemm_team() with an epilogue and column sums, run by a team of 1 and of
 * 2: C must be gemm()'s C scaled by the epilogue, bit for bit, with every
 * element passed to the epilogue exactly once, and colsum the column sums of
 * op(B) in k order.
 */
static void
check_team(const char *kname, int ta, int tb, int m, int n, int k)
{
	size_t		 na = (size_t)m * k, nb = (size_t)k * n;
	size_t		 nc = (size_t)m * n, i;
	float		*a = fill(na), *b = fill(nb), *ref = fill(nc);
	float		*c1 = fill(nc), *c2 = fill(nc);
	float		*cs1 = fill((size_t)n), *cs2 = fill((size_t)n);
	unsigned char	*h1 = calloc(nc, 1), *h2 = calloc(nc, 1);
	struct seen	 s1 = { h1, n, 0, 0.5f }, s2 = { h2, n, 0, 0.5f };
	gemm_extra	 x1 = { epi_scale, &s1, cs1, 0, NULL },
			 x2 = { epi_scale, &s2, cs2, 0, NULL };
	int		 once = 1, sums = 1, p, j;

	if (h1 == NULL || h2 == NULL)
		exit(2);
	gemm(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, 0.0f, ref, n);
	gemm_team(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, 0.0f, c1, n,
	    &x1);
#pragma omp parallel num_threads(2)
	gemm_team(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, 0.0f, c2, n,
	    &x2);
	for (i = 0; i < nc; i++) {
		once &= h1[i] == 1 && h2[i] == 1;
		ref[i] *= 0.5f;
	}
	for (j = 0; j < n; j++) {
		float	acc = 0.0f;

		for (p = 0; p < k; p++)
			acc += tb ? b[(size_t)j * k + p] : b[(size_t)p * n + j];
		sums &= acc == cs1[j] && acc == cs2[j];
	}
	ok(once && !s1.wide && !s2.wide && memcmp(ref, c1, nc * 4) == 0 &&
	    memcmp(ref, c2, nc * 4) == 0 && sums, "%s gemm_team(%d,%d,%d,%d,%d):"
	    " epilogue once per element, C == gemm's, column sums, teams of 1 "
	    "and 2", kname, ta, tb, m, n, k);
	free(a);
	free(b);
	free(ref);
	free(c1);
	free(c2);
	free(cs1);
	free(cs2);
	free(h1);
	free(h2);
}

/*
 * The FMA kernels (AVX2, AVX-512) must give the same bits on every shape,
 * transpose and beta: the AVX-512 one keeps the AVX2 one's order of
 * operations per element, so the README's results hold on both.
 */
static void
check_same_bits(const char *k1, const char *k2)
{
	size_t	s, nshape = sizeof odd / sizeof odd[0] + sizeof mlp / sizeof mlp[0];
	int	bad = 0, cases = 0;

	for (s = 0; s < nshape; s++) {
		int	m, n, k, pad, ta, tb, bi;

		if (s < sizeof odd / sizeof odd[0]) {
			m = odd[s].m;
			n = odd[s].n;
			k = odd[s].k;
			pad = odd[s].pad;
		} else {
			const int	*c = mlp[s - sizeof odd / sizeof odd[0]];

			m = c[2];
			n = c[3];
			k = c[4];
			pad = 0;
		}
		for (ta = 0; ta < 2; ta++)
			for (tb = 0; tb < 2; tb++)
				for (bi = 0; bi < 2; bi++) {
					int	 lda = (ta ? m : k) + pad;
					int	 ldb = (tb ? k : n) + pad;
					int	 ldc = n + pad;
					size_t	 na = (size_t)(ta ? k : m) * lda;
					size_t	 nb = (size_t)(tb ? n : k) * ldb;
					size_t	 nc = (size_t)m * ldc;
					float	*a = fill(na), *b = fill(nb);
					float	*c1 = fill(nc);
					float	*c2 = malloc(nc * sizeof *c2);

					if (c2 == NULL)
						exit(2);
					memcpy(c2, c1, nc * sizeof *c2);
					gemm_force_kernel(k1);
					gemm(ta, tb, m, n, k, a, lda, b, ldb,
					    (float)bi, c1, ldc);
					gemm_force_kernel(k2);
					gemm(ta, tb, m, n, k, a, lda, b, ldb,
					    (float)bi, c2, ldc);
					if (memcmp(c1, c2, nc * sizeof *c1) != 0) {
						if (bad++ < 3)
							diag("differ: %c%c %dx%dx%d "
							    "beta %d", ta ? 'T' : 'N',
							    tb ? 'T' : 'N', m, n, k,
							    bi);
					}
					cases++;
					free(a);
					free(b);
					free(c1);
					free(c2);
				}
	}
	ok(bad == 0, "%s and %s kernels: bit-identical C on %d cases (odd and "
	    "MLP shapes, all transposes, beta 0 and 1)", k1, k2, cases);
}

/* fp32 to bf16 and back, round to nearest even. */
static float
bf16(float f)
{
	uint32_t	u;

	memcpy(&u, &f, sizeof u);
	u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
	memcpy(&f, &u, sizeof f);
	return f;
}

/*
 * gemm_team() with x.bf16 on one shape: against the double reference on
 * bf16-rounded inputs (only fp32 accumulation error left: < 1e-5 of
 * sum |a b|), and against fp32 on the unrounded inputs (the bf16 error,
 * about 2e-3: < 8e-3 of sum |a b| anywhere, < 4e-3 in the Frobenius norm,
 * on 100 elements or more); the same bits
 * for teams of 1 and 2, the epilogue once per element, fp32 column sums.
 * Returns 1 when all hold.
 */
static int
check_bf16(int ta, int tb, int m, int n, int k, float beta)
{
	size_t		 na = (size_t)m * k, nb = (size_t)k * n, nc = (size_t)m * n;
	float		*a = fill(na), *b = fill(nb), *c0 = fill(nc);
	float		*c1 = malloc(nc * 4), *c2 = malloc(nc * 4);
	float		*r = malloc(nc * 4), *f = malloc(nc * 4);
	float		*ar = malloc(na * 4), *br = malloc(nb * 4);
	float		*cs = fill((size_t)n);
	unsigned char	*h = calloc(nc, 1);
	struct seen	 s1 = { h, n, 0, 1.0f };
	float		*c3 = malloc(nc * 4);
	uint32_t	*pk = aligned_alloc(64,
			    (gemm_bf16_packed_words(k, n) * 4 + 63) / 64 * 64);
	gemm_extra	 x1 = { epi_scale, &s1, cs, 1, NULL },
			 x2 = { NULL, NULL, NULL, 1, NULL },
			 x3 = { NULL, NULL, NULL, 1, pk };
	double		 worst_r = 0, worst_f = 0, num = 0, den = 0;
	int		 lda = ta ? m : k, ldb = tb ? k : n, good, once = 1, sums = 1;
	int		 rows = tb ? n : k;
	size_t		 i;

	if (c1 == NULL || c2 == NULL || c3 == NULL || pk == NULL || r == NULL ||
	    f == NULL || ar == NULL || br == NULL || h == NULL)
		exit(2);
	/* B rounded beforehand, in blocks of its stored rows, as mlp does */
	for (int r0 = 0; r0 < rows; r0 += GEMM_TILE_N)
		gemm_bf16_pack(tb, k, n, b, ldb, r0, rows - r0 < GEMM_TILE_N ?
		    rows : r0 + GEMM_TILE_N, pk);
	for (i = 0; i < na; i++)
		ar[i] = bf16(a[i]);
	for (i = 0; i < nb; i++)
		br[i] = bf16(b[i]);
	memcpy(c1, c0, nc * 4);
	memcpy(c2, c0, nc * 4);
	memcpy(r, c0, nc * 4);
	memcpy(f, c0, nc * 4);
	memcpy(c3, c0, nc * 4);
	gemm_team(ta, tb, m, n, k, a, lda, b, ldb, beta, c1, n, &x1);
#pragma omp parallel num_threads(2)
	gemm_team(ta, tb, m, n, k, a, lda, b, ldb, beta, c2, n, &x2);
#pragma omp parallel num_threads(2)
	gemm_team(ta, tb, m, n, k, a, lda, b, ldb, beta, c3, n, &x3);
	gemm_ref(ta, tb, m, n, k, ar, lda, br, ldb, beta, r, n);
	gemm_ref(ta, tb, m, n, k, a, lda, b, ldb, beta, f, n);
	for (i = 0; i < nc; i++) {
		int	ii = (int)(i / n), jj = (int)(i % n), p;
		double	scale = beta != 0.0f ? fabs(c0[i]) : 0.0, er, ef;

		for (p = 0; p < k; p++)
			scale += fabs((double)(ta ? a[(size_t)p * m + ii] :
			    a[(size_t)ii * k + p]) * (tb ? b[(size_t)jj * k + p] :
			    b[(size_t)p * n + jj]));
		scale = scale > 0 ? scale : 1;
		er = fabs((double)c1[i] - r[i]) / scale;
		ef = fabs((double)c1[i] - f[i]) / scale;
		worst_r = er > worst_r || isnan(er) ? er : worst_r;
		worst_f = ef > worst_f || isnan(ef) ? ef : worst_f;
		num += ((double)c1[i] - f[i]) * ((double)c1[i] - f[i]);
		den += (double)f[i] * f[i];
		once &= h[i] == 1;
	}
	for (int j = 0; j < n; j++) {
		float	acc = 0.0f;

		for (int p = 0; p < k; p++)
			acc += tb ? b[(size_t)j * k + p] : b[(size_t)p * n + j];
		sums &= acc == cs[j];
	}
	good = worst_r < 1e-5 && worst_f < 8e-3 && (nc < 100 ||
	    sqrt(num / den) < 4e-3) &&
	    memcmp(c1, c2, nc * 4) == 0 && memcmp(c2, c3, nc * 4) == 0 &&
	    once && sums;
	ok(good, "bf16 %c%c %dx%dx%d beta %g: %.1e of the rounded inputs' "
	    "product, %.1e of fp32 (max), %.1e (Frobenius); teams of 1 and 2 "
	    "bit-identical, and with B packed beforehand; epilogue, column "
	    "sums", ta ? 'T' : 'N',
	    tb ? 'T' : 'N', m, n, k, (double)beta, worst_r, worst_f,
	    sqrt(num / den));
	free(a);
	free(b);
	free(c0);
	free(c1);
	free(c2);
	free(c3);
	free(pk);
	free(r);
	free(f);
	free(ar);
	free(br);
	free(cs);
	free(h);
	return good;
}

/*
 * A product with a zero factor is exactly +0 everywhere, beta 0 or 1 over
 * a zero C: the accumulators start from nothing.
 */
static void
check_zero(const char *kname)
{
	enum { M = 13, N = 37, K = 29 };
	static float	a[M * K], b[K * N], c[M * N];
	int		zero = 1;

	for (int i = 0; i < K * N; i++)
		b[i] = (float)(i % 7) - 3.0f;
	memset(a, 0, sizeof a);
	memset(c, 0, sizeof c);
	gemm(0, 0, M, N, K, a, K, b, N, 0.0f, c, N);
	for (int i = 0; i < M * N; i++)
		zero &= c[i] == 0.0f && !signbit(c[i]);
	gemm(0, 0, M, N, K, a, K, b, N, 1.0f, c, N);
	for (int i = 0; i < M * N; i++)
		zero &= c[i] == 0.0f && !signbit(c[i]);
	ok(zero, "%s: 0 x B is exactly +0, also added to a zero C", kname);
}

int
main(void)
{
	const char	*kernels[] = { "portable", "avx2", "avx512" };
	int		 nthreads = omp_get_max_threads(), i, nk = 3;
	int		 have_avx2 = 0, have_avx512 = 0;
	/* NOISETOP_TEST_KERNEL=portable (make mutate on the portable
	 * kernel): that kernel's checks only */
	const char	*only = getenv("NOISETOP_TEST_KERNEL");

	(void)skip_all;		/* tap.h's, unused: this test always has a plan */
	diag("default kernel %s, %d threads", gemm_kernel_name(), nthreads);
	for (i = 0; i < nk; i++) {
		if (only != NULL && strcmp(only, kernels[i]) != 0)
			continue;
		if (gemm_force_kernel(kernels[i]) != 0) {
			printf("ok %d # SKIP %s kernel: not supported here\n",
			    ++tap_n, kernels[i]);
			continue;
		}
		have_avx2 |= i == 1;
		have_avx512 |= i == 2;
		ok(strcmp(gemm_kernel_name(), kernels[i]) == 0,
		    "forced kernel is %s", kernels[i]);
		omp_set_num_threads(nthreads > 1 ? nthreads : 2);
		check_kernel(kernels[i]);
		check_threads(kernels[i]);
		for (size_t j = 0; j < sizeof mlp / sizeof mlp[0]; j++)
			check_team(kernels[i], mlp[j][0], mlp[j][1], mlp[j][2],
			    mlp[j][3], mlp[j][4]);
		check_team(kernels[i], 0, 0, 13, 37, 1100);
		check_team(kernels[i], 1, 1, 150, 600, 300);
		check_team(kernels[i], 0, 1, 7, 5, 3);
		check_team(kernels[i], 1, 0, 150, 600, 300);
		check_team(kernels[i], 0, 0, 31, 100, 77);
		check_zero(kernels[i]);
	}
	if (have_avx2 && have_avx512)
		check_same_bits("avx2", "avx512");
	else
		printf("ok %d # SKIP avx2 == avx512 bits: %s\n", ++tap_n,
		    only != NULL ? "NOISETOP_TEST_KERNEL is set" :
		    "the CPU lacks one");
	diag("bf16 kernel %s", gemm_bf16_kernel_name());
	if (only != NULL)
		printf("ok %d # SKIP bf16 GEMM: NOISETOP_TEST_KERNEL=%s\n",
		    ++tap_n, only);
	else if (gemm_bf16_available()) {
		static const int	sh[][3] = { { 1, 1, 1 }, { 7, 13, 5 },
			{ 17, 33, 65 }, { 13, 37, 1100 }, { 150, 600, 300 },
			{ 127, 511, 783 }, { 128, 512, 784 }, { 784, 512, 128 },
			{ 128, 10, 512 }, { 512, 10, 128 }, { 128, 512, 10 } };

		for (size_t q = 0; q < sizeof sh / sizeof sh[0]; q++)
			for (int ta = 0; ta < 2; ta++)
				for (int tb = 0; tb < 2; tb++)
					check_bf16(ta, tb, sh[q][0], sh[q][1],
					    sh[q][2], (float)((ta + tb + q) & 1));
	} else
		printf("ok %d # SKIP bf16 GEMM: the CPU has no AVX512-BF16\n",
		    ++tap_n);
	ok(gemm_force_kernel("nonsense") == -1, "unknown kernel refused");
	return tap_done();
}

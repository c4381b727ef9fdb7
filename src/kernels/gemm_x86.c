/*
 * The x86 micro-kernels of the GEMM: AVX2+FMA (6, 16) and AVX-512 (6, 16)
 * with its wide (6, 64) and (12, 32) tiles and their shorter forms, and the
 * AVX2 transposing B packer.  Built
 * with per-function target attributes, chosen at run time by gemm.c.
 */
#include "kernels/gemm_kern.h"

#ifdef GEMM_HAVE_X86

/*
 * AVX2+FMA micro-kernel: the (6, 16) tile lives in 12 ymm accumulators;
 * each k step loads one 16-float row of the B panel (2 ymm), broadcasts the
 * 6 values of A in turn and issues 12 FMAs.  16 ymm registers in all.
 */
__attribute__((target("avx2,fma"))) void
gemm_kern_avx2(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
    const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc, int accum)
{
	const float	*a0 = a, *a1 = a + rsa, *a2 = a + 2 * rsa;
	const float	*a3 = a + 3 * rsa, *a4 = a + 4 * rsa, *a5 = a + 5 * rsa;
	__m256		 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41;
	__m256		 c50, c51, b0, b1, av;
	ptrdiff_t	 off = 0;
	int		 p;

	c00 = c01 = c10 = c11 = c20 = c21 = _mm256_setzero_ps();
	c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();
	for (p = 0; p < kc; p++) {
		b0 = _mm256_loadu_ps(b);
		b1 = _mm256_loadu_ps(b + 8);
		av = _mm256_broadcast_ss(a0 + off);
		c00 = _mm256_fmadd_ps(av, b0, c00);
		c01 = _mm256_fmadd_ps(av, b1, c01);
		av = _mm256_broadcast_ss(a1 + off);
		c10 = _mm256_fmadd_ps(av, b0, c10);
		c11 = _mm256_fmadd_ps(av, b1, c11);
		av = _mm256_broadcast_ss(a2 + off);
		c20 = _mm256_fmadd_ps(av, b0, c20);
		c21 = _mm256_fmadd_ps(av, b1, c21);
		av = _mm256_broadcast_ss(a3 + off);
		c30 = _mm256_fmadd_ps(av, b0, c30);
		c31 = _mm256_fmadd_ps(av, b1, c31);
		av = _mm256_broadcast_ss(a4 + off);
		c40 = _mm256_fmadd_ps(av, b0, c40);
		c41 = _mm256_fmadd_ps(av, b1, c41);
		av = _mm256_broadcast_ss(a5 + off);
		c50 = _mm256_fmadd_ps(av, b0, c50);
		c51 = _mm256_fmadd_ps(av, b1, c51);
		off += csa;
		b += rsb;
	}
#define STORE_ROW(r, lo, hi) do {					\
	float	*cr = c + (r) * ldc;					\
	if (accum) {							\
		lo = _mm256_add_ps(lo, _mm256_loadu_ps(cr));		\
		hi = _mm256_add_ps(hi, _mm256_loadu_ps(cr + 8));	\
	}								\
	_mm256_storeu_ps(cr, lo);					\
	_mm256_storeu_ps(cr + 8, hi);					\
} while (0)
	STORE_ROW(0, c00, c01);
	STORE_ROW(1, c10, c11);
	STORE_ROW(2, c20, c21);
	STORE_ROW(3, c30, c31);
	STORE_ROW(4, c40, c41);
	STORE_ROW(5, c50, c51);
#undef STORE_ROW
}

/*
 * AVX-512 micro-kernels.  One zmm holds a 16-float row of a B panel, so a
 * (rows, 16 np) tile takes rows x np accumulators.  The main tiles are
 * (6, 64): 24 accumulators, 4 rows of B loaded and 6 values of A
 * broadcast per k step for 24 FMAs; and (12, 32), 2 loads and 12
 * broadcasts for the same 24, where fewer than 4 panels are left.  The
 * broadcasts compete with the FMAs for issue, so the wider tile is the
 * faster one (3-10% on the MLP's shapes).  Every element is a chain of FMAs
 * in k order from zero, then (accum) one add of C, exactly as in
 * gemm_kern_avx2: the AVX2 and AVX-512 kernels give the same bits.  Tiles
 * of every height below the full one serve a block's last rows.
 */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")
static inline __attribute__((always_inline)) void
k512(const int rows, const int np, int kc, const float *a, ptrdiff_t rsa,
    ptrdiff_t csa, ptrdiff_t a_hi, const float *b, ptrdiff_t rsb,
    ptrdiff_t b_hi, float *c, ptrdiff_t ldc, int accum, const float *pf,
    int nr)
{
	__m512		 acc[12][4], bv[4], av;
	int		 p, r, q;

	for (r = 0; r < rows; r++)
		for (q = 0; q < np; q++)
			acc[r][q] = _mm512_setzero_ps();
	for (p = 0; p < kc; p++) {
		if (pf != NULL)
			for (q = 0; q < np; q++)
				_mm_prefetch((const char *)(pf + q * b_hi +
				    (ptrdiff_t)p * rsb), _MM_HINT_T1);
		for (q = 0; q < np; q++)
			bv[q] = _mm512_loadu_ps(b + q * b_hi + (ptrdiff_t)p *
			    rsb);
		for (r = 0; r < rows; r++) {
			av = _mm512_set1_ps(a[(r >= 6 ? a_hi : 0) +
			    (r % 6) * rsa + p * csa]);
			for (q = 0; q < np; q++)
				acc[r][q] = _mm512_fmadd_ps(av, bv[q],
				    acc[r][q]);
		}
	}
	GEMM_STORE512_N(acc, rows, np, nr, c, ldc, accum);
}

void
gemm_kern_avx512(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
    const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc, int accum)
{
	k512(6, 1, kc, a, rsa, csa, 0, b, rsb, 0, c, ldc, accum, NULL, NR);
}

/* The (R, 16 NP) tile. */
#define K512(R, NP)							\
static void								\
k512_##R##x##NP(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,	\
    ptrdiff_t a_hi, const float *b, ptrdiff_t rsb, ptrdiff_t b_hi,	\
    float *c, ptrdiff_t ldc, int accum, const float *pf)		\
{									\
	k512(R, NP, kc, a, rsa, csa, a_hi, b, rsb, b_hi, c, ldc, accum,	\
	    pf, NR);							\
}
/* The (R, 16) tile storing the first nr columns. */
#define K512E(R)							\
static void								\
k512_##R##e(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,	\
    ptrdiff_t a_hi, const float *b, ptrdiff_t rsb, float *c,		\
    ptrdiff_t ldc, int accum, int nr)					\
{									\
	k512(R, 1, kc, a, rsa, csa, a_hi, b, rsb, 0, c, ldc, accum,	\
	    NULL, nr);							\
}
/* 16 and 32 columns up to 12 rows; 64 columns up to 6 */
#define K512_ROWS(R)	K512(R, 1) K512(R, 2) K512(R, 4)
#define K512_TALL(R)	K512(R, 1) K512(R, 2)
K512_ROWS(1) K512_ROWS(2) K512_ROWS(3) K512_ROWS(4) K512_ROWS(5)
K512_ROWS(6) K512_TALL(7) K512_TALL(8) K512_TALL(9) K512_TALL(10)
K512_TALL(11) K512_TALL(12)

#define T4(R)	{ NULL, k512_##R##x1, k512_##R##x2, NULL, k512_##R##x4 }
#define T2(R)	{ NULL, k512_##R##x1, k512_##R##x2, NULL, NULL }
gemm_wide *const gemm_kern_avx512_tiles[2 * MR + 1][5] = {
	{ NULL }, T4(1), T4(2), T4(3), T4(4), T4(5), T4(6), T2(7), T2(8),
	T2(9), T2(10), T2(11), T2(12),
};
K512E(1) K512E(2) K512E(3) K512E(4) K512E(5) K512E(6) K512E(7) K512E(8)
K512E(9) K512E(10) K512E(11) K512E(12)
gemm_edge *const gemm_kern_avx512_edge[2 * MR + 1] = { NULL, k512_1e,
	k512_2e, k512_3e, k512_4e, k512_5e, k512_6e, k512_7e, k512_8e,
	k512_9e, k512_10e, k512_11e, k512_12e };
#pragma GCC pop_options

/*
 * One full panel of a transposed B: src holds NR rows of op(B)^T, row j at
 * src + j*ldb running over k; dst gets the (kc, NR) panel.  8x8 blocks are
 * transposed in registers; a k tail shorter than 8 is copied one by one.
 */
__attribute__((target("avx2,fma"))) void
gemm_pack_bt_avx2(int kc, const float *src, ptrdiff_t ldb, float *dst)
{
	__m256	r[8], t[8], s[8];
	int	h, p, q, j;

	for (h = 0; h < NR; h += 8) {
		const float	*b = src + h * ldb;

		for (p = 0; p + 8 <= kc; p += 8) {
			for (q = 0; q < 8; q++)
				r[q] = _mm256_loadu_ps(b + q * ldb + p);
			for (q = 0; q < 8; q += 2) {
				t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
				t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
			}
			for (q = 0; q < 8; q += 4) {
				s[q] = _mm256_shuffle_ps(t[q], t[q + 2], 0x44);
				s[q + 1] = _mm256_shuffle_ps(t[q], t[q + 2], 0xee);
				s[q + 2] = _mm256_shuffle_ps(t[q + 1], t[q + 3],
				    0x44);
				s[q + 3] = _mm256_shuffle_ps(t[q + 1], t[q + 3],
				    0xee);
			}
			for (q = 0; q < 4; q++) {
				_mm256_store_ps(dst + (p + q) * NR + h,
				    _mm256_permute2f128_ps(s[q], s[q + 4], 0x20));
				_mm256_store_ps(dst + (p + q + 4) * NR + h,
				    _mm256_permute2f128_ps(s[q], s[q + 4], 0x31));
			}
		}
		for (; p < kc; p++)
			for (j = 0; j < 8; j++)
				dst[(ptrdiff_t)p * NR + h + j] = b[j * ldb + p];
	}
}

#endif

/*
 * The x86 micro-kernels of the GEMM: AVX2+FMA (6, 16) and AVX-512 (6, 16)
 * with its wide (12, 32) tiles, and the AVX2 transposing B packer.  Built
 * with per-function target attributes, chosen at run time by gemm.c.
 */
#include "gemm_kern.h"

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
 * (6 mp, 16 np) tile takes 6 mp np accumulators: the (12, 32) tile keeps 24
 * of the 32 zmm registers busy, loads 2 rows of B and broadcasts 12 values
 * of A per k step for 24 FMAs.  Each element is a chain of FMAs in k order
 * from zero, then (accum) one add of C, exactly as in gemm_kern_avx2: the AVX2
 * and AVX-512 kernels give the same bits.  The (6, 16) kernel serves the
 * edges; 6x32 and 12x16 the ragged last row or column panels.
 */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")
static inline __attribute__((always_inline)) void
k512(const int rows, const int np, int kc, const float *a, ptrdiff_t rsa,
    ptrdiff_t csa, ptrdiff_t a_hi, const float *b, ptrdiff_t rsb,
    ptrdiff_t b_hi, float *c, ptrdiff_t ldc, int accum, const float *pf)
{
	const float	*b2 = b + b_hi;
	__m512		 acc[12][2], b0, b1, av;
	int		 p, r, q;

	for (r = 0; r < rows; r++)
		for (q = 0; q < np; q++)
			acc[r][q] = _mm512_setzero_ps();
	for (p = 0; p < kc; p++) {
		if (pf != NULL) {
			_mm_prefetch((const char *)(pf + (ptrdiff_t)p * rsb),
			    _MM_HINT_T1);
			if (np > 1)
				_mm_prefetch((const char *)(pf + b_hi +
				    (ptrdiff_t)p * rsb), _MM_HINT_T1);
		}
		b0 = _mm512_loadu_ps(b + (ptrdiff_t)p * rsb);
		b1 = np > 1 ? _mm512_loadu_ps(b2 + (ptrdiff_t)p * rsb) : b0;
		for (r = 0; r < rows; r++) {
			av = _mm512_set1_ps(a[(r >= 6 ? a_hi : 0) +
			    (r % 6) * rsa + p * csa]);
			acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
			if (np > 1)
				acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
		}
	}
	GEMM_STORE512(acc, rows, np, c, ldc, accum);
}

void
gemm_kern_avx512(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
    const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc, int accum)
{
	k512(6, 1, kc, a, rsa, csa, 0, b, rsb, 0, c, ldc, accum, NULL);
}

/* An (R, 16 NP) kernel, named for its tile. */
#define K512(R, NP, name)						\
void									\
name(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,		\
    ptrdiff_t a_hi, const float *b, ptrdiff_t rsb, ptrdiff_t b_hi,	\
    float *c, ptrdiff_t ldc, int accum, const float *pf)		\
{									\
	k512(R, NP, kc, a, rsa, csa, a_hi, b, rsb, b_hi, c, ldc, accum,	\
	    pf);							\
}

K512(6, 2, gemm_kern_avx512_6x32)
K512(12, 1, gemm_kern_avx512_12x16)
K512(12, 2, gemm_kern_avx512_12x32)

/*
 * The M edge: the last row panels of a block, fewer than 12 rows, as one
 * tile of exactly their height instead of 6-row tiles padded with zeros.
 */
#define K512_ROWS(R)							\
static K512(R, 1, k512_##R##x16)					\
static K512(R, 2, k512_##R##x32)
K512_ROWS(1) K512_ROWS(2) K512_ROWS(3) K512_ROWS(4) K512_ROWS(5)
K512_ROWS(7) K512_ROWS(8) K512_ROWS(9) K512_ROWS(10) K512_ROWS(11)
static K512(6, 1, k512_6x16)

gemm_wide *const gemm_kern_avx512_rows[2 * MR][2] = {
	{ NULL, NULL },
	{ k512_1x16, k512_1x32 }, { k512_2x16, k512_2x32 },
	{ k512_3x16, k512_3x32 }, { k512_4x16, k512_4x32 },
	{ k512_5x16, k512_5x32 },
	{ k512_6x16, gemm_kern_avx512_6x32 },
	{ k512_7x16, k512_7x32 }, { k512_8x16, k512_8x32 },
	{ k512_9x16, k512_9x32 }, { k512_10x16, k512_10x32 },
	{ k512_11x16, k512_11x32 },
};
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

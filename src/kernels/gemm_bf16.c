/*
 * The GEMM with bf16 inputs, fp32 accumulation (gemm_extra.bf16), on CPUs
 * with AVX512-BF16. Both operands are converted to bf16 pairs along k, the
 * layout vdpbf16ps takes: a B panel is (ceil(kc/2), NR) pairs, 32 bf16 per
 * k pair; A is a block of pairs that the kernel broadcasts one 32-bit pair
 * at a time, with a row and a pair stride as the fp32 kernel reads A, so
 * either way A is stored it is converted in one pass with no transpose:
 * stored (M, K), row by row into (mc, kp) pairs; stored (K, M), two rows
 * of A at a time into (kp, mc) pairs. An odd kc is padded with a zero.
 * Each vdpbf16ps adds two products to an fp32 accumulator, in k order, so
 * results still do not depend on the thread count. Rounding to bf16 is to
 * nearest even (NaNs with small payloads may become infinities), done
 * while converting; the column sums (gemm.c) are of the fp32 values, as in
 * fp32 mode.
 */
#include "kernels/gemm_kern.h"

#ifdef GEMM_HAVE_X86
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,avx512bf16,avx2,fma")

/*
 * 16 floats rounded to bf16, to nearest even on the bits (u + 0x7fff + the
 * lowest kept bit), each in the upper half of its 32-bit lane.
 */
static inline __m512i
bf16_round16(__m512 x)
{
	__m512i	u = _mm512_castps_si512(x);
	__m512i	odd = _mm512_and_si512(_mm512_srli_epi32(u, 16),
	    _mm512_set1_epi32(1));

	return _mm512_add_epi32(_mm512_add_epi32(u, _mm512_set1_epi32(0x7fff)),
	    odd);
}

/* The first n lanes of 16 (none for n <= 0, all for n >= 16). */
static inline __mmask16
lanes(int n)
{
	return (__mmask16)(n <= 0 ? 0 : n >= 16 ? 0xffff : (1u << n) - 1);
}

/*
 * Columns j of two rows (k at r0, k+1 at r1; r1 NULL: zeros), lanes m of
 * 16, as 16 pairs: lane j's lower half is element k (little-endian x86);
 * lanes outside m are 0.
 */
static inline __m512i
pairs16(const float *r0, const float *r1, __mmask16 m)
{
	__m512i	lo = bf16_round16(_mm512_maskz_loadu_ps(m, r0));
	__m512i	hi = r1 != NULL ? bf16_round16(_mm512_maskz_loadu_ps(m, r1)) :
	    _mm512_setzero_si512();

	/* lo >> 16 | (hi & 0xffff0000) */
	return _mm512_ternarylogic_epi32(_mm512_srli_epi32(lo, 16), hi,
	    _mm512_set1_epi32((int)0xffff0000u), 0xf8);
}

/* Two rows of n floats (k and k+1; r1 NULL: zeros) as n pairs at dst. */
static void
pairs_of_rows(const float *r0, const float *r1, int n, uint32_t *dst)
{
	int	j;

	for (j = 0; j < n; j += 16)
		_mm512_mask_storeu_epi32(dst + j, lanes(n - j), pairs16(r0 + j,
		    r1 != NULL ? r1 + j : NULL, lanes(n - j)));
}

/*
 * Floats k0..k0+31 of a row of kc as 16 pairs (k, k+1), in order: 32
 * floats rounded, their upper halves gathered by a single word permute;
 * floats past kc are 0 (an odd kc's last pair padded with a zero).
 */
static inline __m512i
row_pairs16(const float *src, int k0, int kc)
{
	/* the upper (odd) 16-bit word of each of two vectors' 32 lanes */
	static const uint16_t	 hi_words[32] __attribute__((aligned(64))) = {
		1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31,
		33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57, 59, 61,
		63 };
	__m512i	lo = bf16_round16(_mm512_maskz_loadu_ps(lanes(kc - k0),
	    src + k0));
	__m512i	hi = bf16_round16(_mm512_maskz_loadu_ps(lanes(kc - k0 - 16),
	    src + k0 + 16));

	return _mm512_permutex2var_epi16(lo, _mm512_load_si512(hi_words), hi);
}

/* A row of kc floats as kp = ceil(kc/2) pairs at dst. */
static void
bf16_row(const float *src, int kc, uint32_t *dst)
{
	int	k;

	for (k = 0; k < kc; k += 32)
		_mm512_mask_storeu_epi32(dst + k / 2, lanes((kc - k + 1) / 2),
		    row_pairs16(src, k, kc));
}

/* Transpose 16 vectors of 16 32-bit lanes: r[i][j] becomes r[j][i]. */
static inline void
transpose16(__m512i r[16])
{
	__m512i	t[16];
	int	i;

	for (i = 0; i < 16; i += 2) {
		t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
		t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
	}
	for (i = 0; i < 16; i += 4) {
		r[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
		r[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
		r[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
		r[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
	}
	for (i = 0; i < 4; i++) {
		t[i] = _mm512_shuffle_i32x4(r[i], r[i + 4], 0x88);
		t[i + 4] = _mm512_shuffle_i32x4(r[i], r[i + 4], 0xdd);
		t[i + 8] = _mm512_shuffle_i32x4(r[i + 8], r[i + 12], 0x88);
		t[i + 12] = _mm512_shuffle_i32x4(r[i + 8], r[i + 12], 0xdd);
	}
	for (i = 0; i < 4; i++) {
		r[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
		r[i + 4] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0x88);
		r[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
		r[i + 12] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0xdd);
	}
}

/*
 * One panel of pairs from n (<= NR) rows that run along k (row i at
 * src + i*ld, kc floats): row i becomes lane i of dst, (ceil(kc/2), NR)
 * pairs; lanes n..NR-1 are 0.  16 pairs of each row at a time, turned
 * into 16 rows of the panel by a transpose in registers.
 */
static void
panel_of_rows(const float *src, ptrdiff_t ld, int n, int kc, uint32_t *dst)
{
	__m512i	r[NR];
	int	kp = (kc + 1) / 2, i, k, q;

	for (k = 0; k < kc; k += 32) {
		for (i = 0; i < NR; i++)
			r[i] = i < n ? row_pairs16(src + i * ld, k, kc) :
			    _mm512_setzero_si512();
		transpose16(r);
		for (q = 0; q < NR && k / 2 + q < kp; q++)
			_mm512_storeu_si512(dst + (ptrdiff_t)(k / 2 + q) * NR,
			    r[q]);
	}
}

/*
 * Convert op(A)[0:mc, 0:kc] to bf16 pairs at dst and give the strides the
 * kernel reads them with: pair p of row i at dst[i * rs + p * cs].  A
 * stored (M, K) becomes (mc, kp) pairs, a row at a time; stored (K, M),
 * (kp, mcp) pairs, two rows of A (k and k+1) at a time, mcp = mc rounded
 * up to whole cache lines.
 */
static void
pack_a_bf16(int transa, int mc, int kc, const float *a, ptrdiff_t lda,
    uint32_t *dst, ptrdiff_t *rs, ptrdiff_t *cs)
{
	int		 kp = (kc + 1) / 2, mcp = (mc + 15) / 16 * 16;
	int		 i, p, q;

	if (transa) {
		for (q = 0; q < kp; q++) {
			p = 2 * q;
			pairs_of_rows(a + p * lda, p + 1 < kc ? a + (p + 1) *
			    lda : NULL, mc, dst + (ptrdiff_t)q * mcp);
		}
		*rs = 1;
		*cs = mcp;
		return;
	}
	for (i = 0; i < mc; i++)
		bf16_row(a + i * lda, kc, dst + (ptrdiff_t)i * kp);
	*rs = kp;
	*cs = 1;
}

/*
 * Rows 0..nk-1 of B stored (K, N) (rows from kend on are 0), all nc
 * columns, as pairs (k, k+1) in NR-column panels ps words apart: pair q of
 * the panel of columns j0.. at dst + j0 / NR * ps + q * NR; columns past nc
 * are 0.  STRIP pairs of rows at a time, panel by panel (see gemm_pack_b()).
 */
static void
pairs_into_panels(const float *b, ptrdiff_t ldb, int nk, int kend, int nc,
    uint32_t *dst, ptrdiff_t ps)
{
	enum { STRIP = 8 };
	int	qend = (nk + 1) / 2, j0, p, q, q0, qe;

	for (q0 = 0; q0 < qend; q0 = qe) {
		qe = qend - q0 < STRIP ? qend : q0 + STRIP;
		for (j0 = 0; j0 < nc; j0 += NR)
			for (q = q0; q < qe; q++) {
				p = 2 * q;
				_mm512_store_si512(dst + j0 / NR * ps + q * NR,
				    pairs16(b + p * ldb + j0, p + 1 < kend ?
				    b + (p + 1) * ldb + j0 : NULL,
				    lanes(nc - j0)));
			}
	}
}

/*
 * gemm_bf16_pack(): B stored (K, N) (transb 0) in rows of k, or (N, K) in
 * columns of op(B), each a panel's worth, NR rows that run along k; a
 * product's K block of B is the same with k = kc and all its rows.
 */
void
gemm_pack_bf16(int transb, int k, int n, const float *b, ptrdiff_t ldb,
    int r0, int r1, uint32_t *dst)
{
	ptrdiff_t	ps = (ptrdiff_t)NR * ((k + 1) / 2);
	int		j0;

	if (!transb) {
		pairs_into_panels(b + (ptrdiff_t)r0 * ldb, ldb, r1 - r0, k - r0,
		    n, dst + (ptrdiff_t)r0 / 2 * NR, ps);
		return;
	}
	for (j0 = r0; j0 < r1; j0 += NR)
		panel_of_rows(b + j0 * ldb, ldb, r1 - j0 < NR ? r1 - j0 : NR,
		    k, dst + j0 / NR * ps);
}

/*
 * The bf16 micro-kernel on a (rows, 16 np) tile: pair p of A's row i
 * (i < 6) at a[i * rsa + p * csa], rows 6..11 the same from a + a_hi;
 * packed B panels at b and b + b_hi; kp k pairs; only the tile's rows of A
 * are read and of C stored, and of the last panel's columns the first nr
 * (the packed panel is zero past them).  c as in gemm_kernel.
 */
static inline __attribute__((always_inline)) void
kbf16(const int rows, const int np, int kp, const uint32_t *a,
    ptrdiff_t rsa, ptrdiff_t csa, ptrdiff_t a_hi, const uint32_t *b,
    ptrdiff_t b_hi, float *c, ptrdiff_t ldc, int accum, int nr)
{
	__m512		acc[12][2];
	__m512i		b0, b1, av;
	int		p, r, q;

	for (r = 0; r < rows; r++)
		for (q = 0; q < np; q++)
			acc[r][q] = _mm512_setzero_ps();
	for (p = 0; p < kp; p++) {
		b0 = _mm512_load_si512(b + (ptrdiff_t)p * NR);
		b1 = np > 1 ? _mm512_load_si512(b + b_hi + (ptrdiff_t)p * NR) :
		    b0;
		for (r = 0; r < rows; r++) {
			av = _mm512_set1_epi32((int)a[(r >= 6 ? a_hi : 0) +
			    (r % 6) * rsa + p * csa]);
			acc[r][0] = _mm512_dpbf16_ps(acc[r][0], (__m512bh)av,
			    (__m512bh)b0);
			if (np > 1)
				acc[r][1] = _mm512_dpbf16_ps(acc[r][1],
				    (__m512bh)av, (__m512bh)b1);
		}
	}
	GEMM_STORE512_N(acc, rows, np, nr, c, ldc, accum);
}

/* The kernel at each register tile: (rows, 16 np). */
#define KBF16(name, rows, np)						\
	static void							\
	name(int kp, const uint32_t *a, ptrdiff_t rsa, ptrdiff_t csa,	\
	    ptrdiff_t a_hi, const uint32_t *b, ptrdiff_t b_hi,		\
	    float *c, ptrdiff_t ldc, int accum, int nr)			\
	{								\
		kbf16(rows, np, kp, a, rsa, csa, a_hi, b, b_hi, c, ldc,	\
		    accum, nr);						\
	}
#define KBF16_ROWS(r)							\
	KBF16(kbf16_##r##x16, r, 1)					\
	KBF16(kbf16_##r##x32, r, 2)
KBF16_ROWS(1) KBF16_ROWS(2) KBF16_ROWS(3) KBF16_ROWS(4) KBF16_ROWS(5)
KBF16_ROWS(6) KBF16_ROWS(7) KBF16_ROWS(8) KBF16_ROWS(9) KBF16_ROWS(10)
KBF16_ROWS(11) KBF16_ROWS(12)
#undef KBF16_ROWS
#undef KBF16

typedef void kbf16_fn(int, const uint32_t *, ptrdiff_t, ptrdiff_t, ptrdiff_t,
    const uint32_t *, ptrdiff_t, float *, ptrdiff_t, int, int);
/* kbf16_of[rows][np - 1]: the last rows of a block (M = 128: ten 12-row
 * tiles and one of 8) are one tile of exactly their height */
static kbf16_fn *const kbf16_of[2 * MR + 1][2] = { { NULL, NULL },
	{ kbf16_1x16, kbf16_1x32 }, { kbf16_2x16, kbf16_2x32 },
	{ kbf16_3x16, kbf16_3x32 }, { kbf16_4x16, kbf16_4x32 },
	{ kbf16_5x16, kbf16_5x32 }, { kbf16_6x16, kbf16_6x32 },
	{ kbf16_7x16, kbf16_7x32 }, { kbf16_8x16, kbf16_8x32 },
	{ kbf16_9x16, kbf16_9x32 }, { kbf16_10x16, kbf16_10x32 },
	{ kbf16_11x16, kbf16_11x32 }, { kbf16_12x16, kbf16_12x32 } };

/*
 * The (mc, nc) block of C at (ic, jc) for the K block [pc, pc+kc), B
 * packed in bp: pack A, then tiles as block() does, the last rows of the
 * block in one tile of their height, a partial last column panel in tiles
 * that store only its columns.
 */
static void
block_bf16(const struct gemm_job *j, struct gemm_buf *buf, int ic, int mc,
    int jc, int nc, int pc, int kc, int accum, int last, const uint32_t *bp,
    ptrdiff_t bps)
{
	const float	*a = j->transa ? j->a + pc * j->lda + ic :
	    j->a + ic * j->lda + pc;
	const uint32_t	*ap = (const uint32_t *)buf->ap;
	float		*c;
	ptrdiff_t	 rsa, csa;
	int		 kp = (kc + 1) / 2, ir, jr, nr, np, rows;

	pack_a_bf16(j->transa, mc, kc, a, j->lda, (uint32_t *)buf->ap, &rsa,
	    &csa);
	for (jr = 0; jr < nc; jr += NR * np) {
		np = jr + 2 * NR <= nc ? 2 : 1;
		nr = nc - jr < NR ? nc - jr : NR;
		for (ir = 0; ir < mc; ir += rows) {
			rows = mc - ir < 2 * MR ? mc - ir : 2 * MR;
			c = j->c + (ic + ir) * j->ldc + jc + jr;
			kbf16_of[rows][np - 1](kp, ap + ir * rsa, rsa, csa, MR *
			    rsa, bp + jr / NR * bps, bps, c, j->ldc, accum, nr);
			if (!last)
				continue;
			gemm_epilogue_tiles(j, ic + ir, jc + jr, 1, np, rows <
			    MR ? rows : MR, nr, c);
			if (rows > MR)
				gemm_epilogue_tiles(j, ic + ir + MR, jc + jr, 1,
				    np, rows - MR, nr, c + MR * j->ldc);
		}
	}
}

/* run_part()'s loop nest for a bf16 job over rows [m0, m1), columns
 * [n0, n1). */
void
gemm_rect_bf16(const struct gemm_job *j, struct gemm_buf *buf, int m0, int m1,
    int n0, int n1)
{
	const uint32_t	*bp;
	ptrdiff_t	 bps;
	int		 ic, jc, pc, mc, nc, kc;

	for (jc = n0; jc < n1; jc += NC) {
		nc = n1 - jc < NC ? n1 - jc : NC;
		for (pc = 0; pc < j->k; pc += kc) {
			const float	*b = j->transb ? j->b + jc * j->ldb + pc :
			    j->b + pc * j->ldb + jc;

			kc = j->k - pc < j->kc ? j->k - pc : j->kc;
			if (j->packed_b != NULL) {
				/* whole-K panels: this block's pairs in each */
				bps = (ptrdiff_t)NR * ((j->k + 1) / 2);
				bp = j->packed_b + jc / NR * bps + pc / 2 * NR;
			} else {
				gemm_pack_bf16(j->transb, kc, nc, b, j->ldb, 0,
				    j->transb ? nc : kc, (uint32_t *)buf->bp);
				bp = (const uint32_t *)buf->bp;
				bps = (ptrdiff_t)NR * ((kc + 1) / 2);
			}
			for (ic = m0; ic < m1; ic += MC) {
				mc = m1 - ic < MC ? m1 - ic : MC;
				block_bf16(j, buf, ic, mc, jc, nc, pc, kc,
				    j->accum || pc > 0, pc + kc >= j->k, bp,
				    bps);
			}
		}
	}
}
#pragma GCC pop_options
#endif

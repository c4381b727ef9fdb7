/*
 * The GEMM with bf16 inputs, fp32 accumulation (gemm_extra.bf16), on CPUs
 * with AVX512-BF16. Both operands are packed as bf16 pairs along k, the
 * layout vdpbf16ps takes: a B panel is (ceil(kc/2), NR) pairs, 32 bf16 per
 * k pair; an A panel (ceil(kc/2), MR) pairs, one 32-bit broadcast per row;
 * an odd kc is padded with a zero. Each vdpbf16ps adds two products to an
 * fp32 accumulator, in k order, so results still do not depend on the
 * thread count. Rounding to bf16 is to nearest even (NaNs with small
 * payloads may become infinities), done while packing; the column sums
 * (gemm.c) are of the fp32 values, as in fp32 mode.
 */
#include "gemm_kern.h"

#include <string.h>

#ifdef GEMM_HAVE_X86
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,avx512bf16,avx2,fma")

/* fp32 to bf16, round to nearest even, on the bits; vectorises. */
static inline uint16_t
bf16_round(float f)
{
	uint32_t	u;

	memcpy(&u, &f, sizeof u);
	return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

/* A bf16 pair (lo: k, hi: k+1) as one 32-bit word. */
static inline uint32_t
bf16_pair(float lo, float hi)
{
	return (uint32_t)bf16_round(lo) | (uint32_t)bf16_round(hi) << 16;
}

/*
 * Interleave two rows of n floats (k and k+1; r1 NULL: zeros) into n pairs
 * at dst.
 */
static void
pairs_of_rows(const float *r0, const float *r1, int n, uint32_t *dst)
{
	int	j;

	if (r1 == NULL) {
		for (j = 0; j < n; j++)
			dst[j] = bf16_round(r0[j]);
		return;
	}
	for (j = 0; j < n; j++)
		dst[j] = bf16_pair(r0[j], r1[j]);
}

/*
 * One panel of pairs from rows that run along k: row i (i < n, at
 * src + i*ld, kc floats) becomes lane i of dst, (ceil(kc/2), width) pairs;
 * lanes n..width-1 are 0.  Each row is rounded whole into a bf16 row (a
 * loop that vectorises; two neighbours along k are then one 32-bit pair),
 * then the panel is written in order: strided stores into the panel, row by
 * row, took a fifth of a product's time.
 */
static void
panel_of_rows(const float *src, ptrdiff_t ld, int n, int kc, int width,
    uint32_t *dst)
{
	uint16_t	 t[NR][KC + 1];
	uint32_t	 w;
	int		 kp = (kc + 1) / 2, i, p, q;

	for (i = 0; i < width; i++) {
		if (i >= n) {
			memset(t[i], 0, sizeof(uint16_t) * 2 * kp);
			continue;
		}
		for (p = 0; p < kc; p++)
			t[i][p] = bf16_round(src[i * ld + p]);
		if (kc & 1)
			t[i][kc] = 0;
	}
	/* little-endian x86: the lower half of a pair is element k */
	for (q = 0; q < kp; q++)
		for (i = 0; i < width; i++) {
			memcpy(&w, &t[i][2 * q], sizeof w);
			dst[(ptrdiff_t)q * width + i] = w;
		}
}

/*
 * Pack op(A)[0:mc, 0:kc] into MR-row panels of pairs, (kp, MR) each with
 * kp = ceil(kc/2); rows past mc are 0.
 */
static void
pack_a_bf16(int transa, int mc, int kc, const float *a, ptrdiff_t lda,
    uint32_t *dst)
{
	int		 kp = (kc + 1) / 2, np = (mc + MR - 1) / MR;
	int		 i, p, q, i0;
	uint32_t	 row[MC];

	if (transa) {
		/* A stored (K, M): rows k and k+1 are contiguous over i */
		for (q = 0; q < kp; q++) {
			p = 2 * q;
			pairs_of_rows(a + p * lda, p + 1 < kc ? a + (p + 1) *
			    lda : NULL, mc, row);
			for (i0 = 0; i0 < np * MR; i0 += MR)
				for (i = 0; i < MR; i++)
					dst[(ptrdiff_t)i0 * kp + q * MR + i] =
					    i0 + i < mc ? row[i0 + i] : 0;
		}
		return;
	}
	/* A stored (M, K): row i is contiguous over k */
	for (i0 = 0; i0 < np * MR; i0 += MR, dst += (ptrdiff_t)MR * kp)
		panel_of_rows(a + i0 * lda, lda, mc - i0 < MR ? mc - i0 : MR,
		    kc, MR, dst);
}

/*
 * Pack op(B)[0:kc, 0:nc] into NR-column panels of pairs, (kp, NR) each;
 * columns past nc are 0.
 */
static void
pack_b_bf16(int transb, int kc, int nc, const float *b, ptrdiff_t ldb,
    uint32_t *dst)
{
	enum { STRIP = 8 };	/* k pairs at a time: see pack_b() */
	int		 kp = (kc + 1) / 2, npan = (nc + NR - 1) / NR;
	int		 j, j0, p, q, q0, qe;
	uint32_t	 row[STRIP][NC];

	if (!transb) {
		/* B stored (K, N): rows k and k+1 are contiguous over j */
		for (q0 = 0; q0 < kp; q0 = qe) {
			qe = kp - q0 < STRIP ? kp : q0 + STRIP;
			for (q = q0; q < qe; q++) {
				p = 2 * q;
				pairs_of_rows(b + p * ldb, p + 1 < kc ? b +
				    (p + 1) * ldb : NULL, nc, row[q - q0]);
				for (j = nc; j < npan * NR; j++)
					row[q - q0][j] = 0;
			}
			for (j0 = 0; j0 < npan * NR; j0 += NR)
				for (q = q0; q < qe; q++)
					memcpy(dst + (ptrdiff_t)j0 * kp + q * NR,
					    row[q - q0] + j0, sizeof(uint32_t) *
					    NR);
		}
		return;
	}
	/* B stored (N, K): column j of op(B) is row j, contiguous over k */
	for (j0 = 0; j0 < npan * NR; j0 += NR, dst += (ptrdiff_t)NR * kp)
		panel_of_rows(b + j0 * ldb, ldb, nc - j0 < NR ? nc - j0 : NR,
		    kc, NR, dst);
}

/*
 * The bf16 micro-kernel on a (rows, 16 np) tile of full column panels:
 * packed A panels at a (rows 6..11 at a + a_hi), packed B panels at b and
 * b + b_hi, kp k pairs; only the tile's rows of C are stored.  c as in
 * gemm_kernel.
 */
static inline __attribute__((always_inline)) void
kbf16(const int rows, const int np, int kp, const uint32_t *a,
    ptrdiff_t a_hi, const uint32_t *b, ptrdiff_t b_hi, float *c,
    ptrdiff_t ldc, int accum)
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
			    p * MR + r % 6]);
			acc[r][0] = _mm512_dpbf16_ps(acc[r][0], (__m512bh)av,
			    (__m512bh)b0);
			if (np > 1)
				acc[r][1] = _mm512_dpbf16_ps(acc[r][1],
				    (__m512bh)av, (__m512bh)b1);
		}
	}
	GEMM_STORE512(acc, rows, np, c, ldc, accum);
}

/* The kernel at each register tile: (rows, 16 np). */
#define KBF16(name, rows, np)						\
	static void							\
	name(int kp, const uint32_t *a, ptrdiff_t a_hi,			\
	    const uint32_t *b, ptrdiff_t b_hi, float *c, ptrdiff_t ldc,	\
	    int accum)							\
	{								\
		kbf16(rows, np, kp, a, a_hi, b, b_hi, c, ldc, accum);	\
	}
#define KBF16_ROWS(r)							\
	KBF16(kbf16_##r##x16, r, 1)					\
	KBF16(kbf16_##r##x32, r, 2)
KBF16_ROWS(1) KBF16_ROWS(2) KBF16_ROWS(3) KBF16_ROWS(4) KBF16_ROWS(5)
KBF16_ROWS(6) KBF16_ROWS(7) KBF16_ROWS(8) KBF16_ROWS(9) KBF16_ROWS(10)
KBF16_ROWS(11) KBF16_ROWS(12)
#undef KBF16_ROWS
#undef KBF16

typedef void kbf16_fn(int, const uint32_t *, ptrdiff_t, const uint32_t *,
    ptrdiff_t, float *, ptrdiff_t, int);
/* kbf16_of[rows][np - 1]: the packed A panels are zero-padded to 6 rows, so
 * any height reads within them, and the last rows of a block (M = 128: ten
 * 12-row tiles and one of 8) are one tile of exactly their height */
static kbf16_fn *const kbf16_of[2 * MR + 1][2] = { { NULL, NULL },
	{ kbf16_1x16, kbf16_1x32 }, { kbf16_2x16, kbf16_2x32 },
	{ kbf16_3x16, kbf16_3x32 }, { kbf16_4x16, kbf16_4x32 },
	{ kbf16_5x16, kbf16_5x32 }, { kbf16_6x16, kbf16_6x32 },
	{ kbf16_7x16, kbf16_7x32 }, { kbf16_8x16, kbf16_8x32 },
	{ kbf16_9x16, kbf16_9x32 }, { kbf16_10x16, kbf16_10x32 },
	{ kbf16_11x16, kbf16_11x32 }, { kbf16_12x16, kbf16_12x32 } };

/*
 * The (mc, nc) block of C at (ic, jc) for the K block [pc, pc+kc), B
 * packed in bp: pack A, then tiles as block() does; a tile with rows or
 * columns past C's edge is made in a scratch tile.
 */
static void
block_bf16(const struct gemm_job *j, struct gemm_buf *buf, int ic, int mc,
    int jc, int nc, int pc, int kc, int accum, int last)
{
	const float	*a = j->transa ? j->a + pc * j->lda + ic :
	    j->a + ic * j->lda + pc;
	const uint32_t	*ap = (const uint32_t *)buf->ap;
	const uint32_t	*bp = (const uint32_t *)buf->bp;
	float		 t[MR * NR] __attribute__((aligned(64)));
	float		*c;
	int		 kp = (kc + 1) / 2, ir, jr, mr, nr, mp, np, i, jj, q;
	int		 step;

	pack_a_bf16(j->transa, mc, kc, a, j->lda, (uint32_t *)buf->ap);
	for (jr = 0; jr < nc; jr += NR * np) {
		np = jr + 2 * NR <= nc ? 2 : 1;
		nr = nc - jr < NR ? nc - jr : NR;
		for (ir = 0; ir < mc; ir += step) {
			int	rows = mc - ir < 2 * MR ? mc - ir : 2 * MR;

			mr = rows < MR ? rows : MR;
			mp = nr == NR && rows > MR ? 2 : 1;
			step = nr == NR ? rows : MR;
			c = j->c + (ic + ir) * j->ldc + jc + jr;
			if (nr == NR) {
				kbf16_of[rows][np - 1](kp, ap + (ptrdiff_t)ir *
				    kp, (ptrdiff_t)MR * kp, bp + (ptrdiff_t)jr *
				    kp, (ptrdiff_t)NR * kp, c, j->ldc, accum);
			} else {
				/* a partial row panel, np full column panels,
				 * or a partial column panel */
				for (q = 0; q < np; q++) {
					float	*cq = c + q * NR;

					memset(t, 0, sizeof t);
					for (i = 0; accum && i < mr; i++)
						for (jj = 0; jj < nr; jj++)
							t[i * NR + jj] =
							    cq[i * j->ldc + jj];
					kbf16_6x16(kp, ap + (ptrdiff_t)ir * kp, 0,
					    bp + (ptrdiff_t)(jr + q * NR) * kp,
					    0, t, NR, accum);
					for (i = 0; i < mr; i++)
						for (jj = 0; jj < nr; jj++)
							cq[i * j->ldc + jj] =
							    t[i * NR + jj];
				}
			}
			if (!last)
				continue;
			gemm_epilogue_tiles(j, ic + ir, jc + jr, 1, np, mr, nr,
			    c);
			if (mp > 1)
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
	int	ic, jc, pc, mc, nc, kc;

	for (jc = n0; jc < n1; jc += NC) {
		nc = n1 - jc < NC ? n1 - jc : NC;
		for (pc = 0; pc < j->k; pc += kc) {
			const float	*b = j->transb ? j->b + jc * j->ldb + pc :
			    j->b + pc * j->ldb + jc;

			kc = j->k - pc < j->kc ? j->k - pc : j->kc;
			pack_b_bf16(j->transb, kc, nc, b, j->ldb,
			    (uint32_t *)buf->bp);
			for (ic = m0; ic < m1; ic += MC) {
				mc = m1 - ic < MC ? m1 - ic : MC;
				block_bf16(j, buf, ic, mc, jc, nc, pc, kc,
				    j->accum || pc > 0, pc + kc >= j->k);
			}
		}
	}
}
#pragma GCC pop_options
#endif

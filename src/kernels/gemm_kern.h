#ifndef NOISETOP_GEMM_KERN_H
#define NOISETOP_GEMM_KERN_H

/*
 * What the GEMM's files share and nobody else needs: the blocking, the
 * kernel types, one call's job, the packing (gemm_pack.c), and the
 * portable kernel (gemm_portable.c), x86 kernels (gemm_x86.c) and bf16
 * path (gemm_bf16.c) that gemm.c dispatches to.  See gemm.c's top comment.
 */

#include <stddef.h>
#include <stdint.h>

#include "kernels/gemm.h"

#if (defined(__x86_64__) || defined(__i386__)) && \
    !defined(NOISETOP_PORTABLE_ONLY)
#define GEMM_HAVE_X86 1
#include <immintrin.h>
#endif

#define MR	6		/* micro-tile rows: 6 x 2 ymm accumulators */
#define NR	16		/* micro-tile columns: two ymm of 8 floats */
/*
 * Block sizes for a 32 KiB L1d and 512 KiB L2 per core (Zen 3), measured on
 * the MLP's shapes: K up to 512 in one block (784 in two of 392) beat 256,
 * since every extra K block re-reads and re-writes C.  A (MC, KC) block of A
 * stays in L2 while the (KC, NR) panels of B stream through L1.
 */
#define KC	512		/* max depth of a K block */
#define MC	144		/* rows of A per block, a multiple of MR */
#define NC	512		/* columns of B packed at once */

/*
 * Below this many flops per thread the parallel region and the duplicated
 * packing cost more than they save, so small products use fewer threads.
 * The MLP's N = 10 and K = 10 calls (1.3 MFLOP) still gain from two.
 */
#define MIN_FLOPS_PER_THREAD	(1L << 18)

/*
 * A micro-kernel: the full (MR, NR) tile
 *
 *   c[i*ldc + j] = sum_p a[i*rsa + p*csa] * b[p*rsb + j]   (+ c[..] if accum)
 *
 * a: MR rows of op(A) with row stride rsa and depth stride csa (a packed
 * panel has rsa 1, csa MR); b: NR columns of op(B), row stride rsb: a
 * packed panel (kc, NR) with rsb NR, or B itself where it is stored (K, N)
 * (rsb ldb).  Where B lies changes the speed only, never the bits.
 */
typedef void gemm_kernel(int kc, const float *a, ptrdiff_t rsa,
    ptrdiff_t csa, const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc,
    int accum);

/*
 * A wide micro-kernel: like gemm_kernel on a (rows, 16 np) tile of np full
 * column panels, reading only its rows of A and storing only its rows of C.
 * Rows 6..11 of A start at a + a_hi (the next packed panel, or 6 rows
 * further down A); column panel q of B at b + q b_hi.  Every element gets
 * the same operations in the same order as under the (6, 16) kernel, so the
 * shape only changes the speed.  pf, unless NULL: np column panels laid out
 * like b's, to be fetched into L2 as the kernel goes (the next panels, when
 * B is read in place).
 */
typedef void gemm_wide(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
    ptrdiff_t a_hi, const float *b, ptrdiff_t rsb, ptrdiff_t b_hi, float *c,
    ptrdiff_t ldc, int accum, const float *pf);

/*
 * A wide micro-kernel's (rows, 16) tile on a partial column panel: only
 * the first nr (< 16) columns of C are read and stored.  The packed panel
 * is zero past them, so every stored element is what the full tile gives.
 */
typedef void gemm_edge(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
    ptrdiff_t a_hi, const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc,
    int accum, int nr);

/*
 * The kernels of one SIMD level: the (MR, NR) tile, and, where the level
 * has them, tiles[rows][np], the (rows, 16 np) wide tiles for rows 1 to
 * 2 MR and np 1, 2 or 4 (NULL where a tile would not fit the registers),
 * and then also edge[rows], their (rows, 16) forms for a packed partial
 * panel.
 */
struct gemm_kset {
	gemm_kernel	*tile;
	gemm_wide	*const (*tiles)[5];
	gemm_edge	*const *edge;
};

/* Per-thread packing space, allocated once at fixed size (see buf_get). */
struct gemm_buf {
	float	*ap;		/* (MC, KC) packed A block */
	float	*bp;		/* (KC, NC) packed B block */
	float	*edge;		/* (MR, KC) one packed A panel at the M edge */
};

/* One call's operands, shared read-only by the threads. */
struct gemm_job {
	int		 transa, transb;
	int		 m, n, k;
	const float	*a, *b;
	ptrdiff_t	 lda, ldb, ldc;
	float		*c;
	int		 accum;		/* beta != 0: add to C */
	int		 split_n;	/* threads split columns, else rows */
	int		 pack_a;	/* A panels reused across jr: pack them */
	int		 kc;		/* depth of every K block but the last */
	gemm_epilogue	*epi;		/* on each finished tile, or NULL */
	void		*epi_ctx;
	float		*colsum;	/* column sums of op(B), or NULL */
	int		 bf16;		/* inputs rounded to bf16 (x->bf16) */
	const uint32_t	*packed_b;	/* x->packed_b where it can be used */
};

/* Run j's epilogue on the mp x np finished tiles whose first element is
 * (i0, j0), at c; the first row of tiles has mr valid rows, each tile nr
 * valid columns. */
static inline void
gemm_epilogue_tiles(const struct gemm_job *j, int i0, int j0, int mp, int np,
    int mr, int nr, float *c)
{
	for (int x = 0; j->epi != NULL && x < mp * np; x++)
		j->epi(j->epi_ctx, i0 + x / np * MR, j0 + x % np * NR,
		    x / np ? MR : mr, nr, c + x / np * MR * j->ldc + x % np * NR,
		    j->ldc);
}

/* The portable (MR, NR) kernel (gemm_portable.c). */
gemm_kernel gemm_kern_portable;

/*
 * Pack op(A)[0:mc, 0:kc] into MR-row panels, op(B)[0:kc, 0:nc] into
 * NR-column panels (gemm_pack.c); a and b point at the block's first
 * element, and the panels are zero past mc rows and nc columns.
 */
void gemm_pack_a(int transa, int mc, int kc, const float *a, ptrdiff_t lda,
    float *dst);
void gemm_pack_b(int transb, int kc, int nc, const float *b, ptrdiff_t ldb,
    float *dst, int fast);

#ifdef GEMM_HAVE_X86
/*
 * The AVX-512 kernels' last step: the (rows, 16 np) tile of accumulators
 * acc[r][q] added to C (when accum) and stored; GEMM_STORE512_N only the
 * first nr columns of the last panel.  Macros, as they must be compiled
 * inside each kernel's AVX-512 target region.
 */
#define GEMM_STORE512_N(acc, rows, np, nr, c, ldc, accum) do {	\
	for (int r_ = 0; r_ < (rows); r_++)				\
		for (int q_ = 0; q_ < (np); q_++) {			\
			float *cr_ = (c) + r_ * (ldc) + q_ * NR;	\
			__mmask16 m_ = (__mmask16)((1u << (nr)) - 1);	\
									\
			if (q_ < (np) - 1 || (nr) >= NR) {		\
				if (accum)				\
					(acc)[r_][q_] = _mm512_add_ps(	\
					    (acc)[r_][q_],		\
					    _mm512_loadu_ps(cr_));	\
				_mm512_storeu_ps(cr_, (acc)[r_][q_]);	\
				continue;				\
			}						\
			if (accum)					\
				(acc)[r_][q_] = _mm512_add_ps(		\
				    (acc)[r_][q_],				\
				    _mm512_maskz_loadu_ps(m_, cr_));	\
			_mm512_mask_storeu_ps(cr_, m_, (acc)[r_][q_]);	\
		}							\
} while (0)
#define GEMM_STORE512(acc, rows, np, c, ldc, accum)			\
	GEMM_STORE512_N(acc, rows, np, NR, c, ldc, accum)

/* The AVX2+FMA (MR, NR) kernel; the AVX-512 one, and its wide tiles. */
gemm_kernel gemm_kern_avx2, gemm_kern_avx512;
extern gemm_wide *const gemm_kern_avx512_tiles[2 * MR + 1][5];
extern gemm_edge *const gemm_kern_avx512_edge[2 * MR + 1];

/* One full panel of a transposed B into a packed (kc, NR) panel. */
void gemm_pack_bt_avx2(int kc, const float *src, ptrdiff_t ldb, float *dst);

/* Thread's rectangle [m0, m1) x [n0, n1) of j with bf16 inputs. */
void gemm_rect_bf16(const struct gemm_job *j, struct gemm_buf *buf, int m0,
    int m1, int n0, int n1);
/* gemm_bf16_pack() on a CPU that runs the bf16 kernel. */
void gemm_pack_bf16(int transb, int k, int n, const float *b, ptrdiff_t ldb,
    int r0, int r1, uint32_t *dst);
#endif

#endif

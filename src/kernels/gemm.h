#ifndef NOISETOP_GEMM_H
#define NOISETOP_GEMM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Single-precision matrix multiply for the MLP, row-major throughout.
 *
 *   C(M,N) = op(A)(M,K) @ op(B)(K,N) + beta * C(M,N)
 *
 * op(A) is A (M,K) with row stride lda when transa == 0, or the transpose of
 * A stored as (K,M) with row stride lda when transa != 0; likewise op(B) is
 * B (K,N) or the transpose of B stored as (N,K).  beta is 0 (C is written,
 * its old contents ignored, NaNs included) or 1 (accumulate).
 *
 * The three shapes the MLP uses:
 *   forward:      Y(B,OUT)   = X(B,IN)     @ W(IN,OUT)      gemm(0,0,...)
 *   weight grad:  dW(IN,OUT) = X^T(IN,B)   @ dY(B,OUT)      gemm(1,0,...)
 *   input grad:   dX(B,IN)   = dY(B,OUT)   @ W^T(OUT,IN)    gemm(0,1,...)
 *
 * gemm() packs A and B into cache-sized panels and runs a SIMD micro-kernel
 * chosen once at run time (AVX-512 or AVX2+FMA where the CPU has it,
 * portable C otherwise; NOISETOP_SIMD=portable|avx2|avx512 forces one).
 * It opens its own OpenMP parallel region, splitting the output into tiles;
 * every element of C is summed in the same order whatever the thread count,
 * so results are bit-identical for 1 or N threads.  It allocates nothing
 * after the first call (packing buffers are thread-local, of fixed size).
 * gemm_ref() is the naive triple loop the tests hold gemm() against.
 */
void gemm(int transa, int transb, int m, int n, int k, const float *a,
    int lda, const float *b, int ldb, float beta, float *c, int ldc);
void gemm_ref(int transa, int transb, int m, int n, int k, const float *a,
    int lda, const float *b, int ldb, float beta, float *c, int ldc);

/* Epilogues see tiles of C at most this many columns wide (and 6 rows):
 * when N <= GEMM_TILE_N, every tile holds whole rows of C. */
#define GEMM_TILE_N 16

/*
 * An epilogue: called once on each finished tile of C, rows i0..i0+mr-1 and
 * columns j0..j0+nr-1 (c points at C[i0][j0], row stride ldc), right after
 * the tile's last K block while it is still in L1, by the thread that made
 * it.  It may rewrite the tile in place; tiles never overlap.
 */
typedef void gemm_epilogue(void *ctx, int i0, int j0, int mr, int nr,
    float *c, ptrdiff_t ldc);

/* What gemm_team() does besides the product; NULL fields are off. */
typedef struct {
	gemm_epilogue	*epilogue;
	void		*ctx;		/* passed to the epilogue */
	float		*colsum;	/* (N): colsum[j] = sum_p op(B)[p][j] */
	int		 bf16;		/* round A and B to bf16 (see below) */
	/* with bf16: op(B) already rounded, in gemm_bf16_pack()'s layout */
	const uint32_t	*packed_b;
} gemm_extra;

/*
 * gemm() for a team that is already running: every thread of the enclosing
 * OpenMP parallel region (or a lone thread outside one) calls it with the
 * same arguments, and the team splits C exactly as gemm() does, so results
 * are bit-identical to gemm()'s for any team size.  m, n, k >= 1 and beta
 * 0 or 1.  There is no barrier at the end: place one before C, colsum or
 * anything an epilogue wrote is read by another thread.  Saves a parallel
 * region per call and lets bias, activation or mask work ride on the tile
 * while it is in cache (x->epilogue); x->colsum gets the column sums of
 * op(B), each summed in k order, the columns shared among the threads.  x
 * may be NULL.
 */
void gemm_team(int transa, int transb, int m, int n, int k, const float *a,
    int lda, const float *b, int ldb, float beta, float *c, int ldc,
    const gemm_extra *x);

/*
 * The name of the micro-kernel gemm() uses: "portable", "avx2" or "avx512"
 * (NOISETOP_SIMD, see simd.h).  The AVX2 and AVX-512 kernels give the same
 * bits; the portable one (no FMA) may differ from them in the last bits.
 */
const char *gemm_kernel_name(void);

/*
 * The micro-kernels this build contains, space-separated ("portable avx2
 * avx512", or "portable" for PORTABLE=1 and non-x86 builds).  A static
 * string.
 */
const char *gemm_kernels_compiled(void);

/*
 * Make gemm() use the named micro-kernel ("portable", "avx2" or "avx512")
 * from now on, for tests and benchmarks.  Not safe while another thread is
 * in gemm().  Returns 0, or -1 if the name is unknown or the CPU lacks the
 * instructions (the kernel in use is then unchanged).
 */
int gemm_force_kernel(const char *name);

/*
 * Mixed precision: with x->bf16 set, gemm_team() rounds op(A) and op(B) to
 * bf16 (nearest even) as it packs them and accumulates their products in
 * fp32 (AVX512-BF16's vdpbf16ps), about 2e-3 relative error against fp32;
 * C, the epilogue and the column sums (of the fp32 B) are as in fp32, and
 * results are still the same for any team size.  Only where
 * gemm_bf16_available() is 1: elsewhere x->bf16 is ignored (fp32).
 * gemm_bf16_kernel_name() is "avx512bf16", or "none" without one.
 * AMX tiles are not used (no kernel for them yet).
 */
int gemm_bf16_available(void);
const char *gemm_bf16_kernel_name(void);

/*
 * op(B) (k, n) kept in bf16 by the caller, so that a product does not round
 * the same B again each time it uses it (a network's weights: once per
 * optimizer step, not once per product).  gemm_bf16_pack() rounds rows
 * [r0, r1) of B as stored (op(B)'s rows for transb 0: r0 even, r1 even or
 * k; its columns for transb 1: r0 a multiple of GEMM_TILE_N, r1 one too or
 * n) into dst, gemm_bf16_packed_words(k, n) 32-bit words, 64-byte aligned.
 * Passed as x->packed_b with x->bf16, it stands for op(B): the products'
 * bits are the same as from b itself, which gemm_team() still reads for
 * x->colsum and wherever the bf16 kernel does not run.
 */
size_t gemm_bf16_packed_words(int k, int n);
void gemm_bf16_pack(int transb, int k, int n, const float *b, int ldb,
    int r0, int r1, uint32_t *dst);

/*
 * Why the bf16 kernel does or does not run here: GEMM_BF16_OK; not in this
 * build (PORTABLE=1, or not x86); NOISETOP_SIMD below avx512 (the kernel is
 * an AVX-512 one); or no AVX512-BF16 on this CPU.
 */
enum { GEMM_BF16_OK, GEMM_BF16_NOT_BUILT, GEMM_BF16_SIMD_OFF,
    GEMM_BF16_NO_CPU };
int gemm_bf16_status(void);

#endif

#ifndef NOISETOP_GEMM_H
#define NOISETOP_GEMM_H

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
 * chosen once at run time (AVX2+FMA where the CPU has it, portable C
 * otherwise; NOISETOP_SIMD=portable|avx2 forces one).  It opens its own
 * OpenMP parallel region, splitting the output into tiles; every element of C
 * is summed in the same order whatever the thread count, so results are
 * bit-identical for 1 or N threads.  It allocates nothing after the first
 * call on a given shape (packing buffers are thread-local and grown once).
 * gemm_ref() is the naive triple loop the tests hold gemm() against.
 */
void gemm(int transa, int transb, int m, int n, int k, const float *a,
    int lda, const float *b, int ldb, float beta, float *c, int ldc);
void gemm_ref(int transa, int transb, int m, int n, int k, const float *a,
    int lda, const float *b, int ldb, float beta, float *c, int ldc);

/* The name of the micro-kernel gemm() uses: "avx2" or "portable". */
const char *gemm_kernel_name(void);

/*
 * Make gemm() use the named micro-kernel ("avx2" or "portable") from now on,
 * for tests and benchmarks.  Not safe while another thread is in gemm().
 * Returns 0, or -1 if the name is unknown or the CPU lacks the instructions
 * (the kernel in use is then unchanged).
 */
int gemm_force_kernel(const char *name);

#endif

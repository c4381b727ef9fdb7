#ifndef NOISETOP_SIMD_H
#define NOISETOP_SIMD_H

/*
 * Which SIMD kernels the modules with a run-time choice (gemm, adam, rng)
 * start with.  One policy for all of them: NOISETOP_SIMD=portable forces the
 * portable C paths (to test what a CPU without AVX2 runs); otherwise AVX2
 * when the CPU has AVX2 and FMA.  Each module still owns its kernels and
 * its x_force_kernel() for tests.
 */

/* 1 when this CPU has AVX2 and FMA. */
int simd_has_avx2(void);

/* "avx2" or "portable": the kernel to start with, as above. */
const char *simd_default(void);

#endif

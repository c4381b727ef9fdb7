/*
 * The portable micro-kernel: the (MR, NR) tile of gemm_kernel
 * (gemm_kern.h) in plain C, for CPUs without the x86 kernels of
 * gemm_x86.c and for NOISETOP_SIMD=portable.
 */
#include <stddef.h>
#include <string.h>

#include "kernels/gemm_kern.h"

/*
 * Portable micro-kernel.  Written with GCC/Clang vector types of 4 floats,
 * which every SIMD target has (SSE on baseline x86-64, NEON on arm64);
 * GCC 12 left plain loops over the tile scalar.  The (6, 16) tile is done
 * as two (6, 8) halves so the 12 accumulators stay in SSE's 16 registers.
 */
typedef float gemm_v4 __attribute__((vector_size(16)));

void
gemm_kern_portable(int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
    const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc, int accum)
{
	gemm_v4	acc[MR][2], b0, b1, cv;
	int	h, i, j, p;

	for (h = 0; h < NR; h += 8) {
		memset(acc, 0, sizeof acc);
		for (p = 0; p < kc; p++) {
			memcpy(&b0, b + p * rsb + h, sizeof b0);
			memcpy(&b1, b + p * rsb + h + 4, sizeof b1);
			for (i = 0; i < MR; i++) {
				float	av = a[i * rsa + p * csa];

				acc[i][0] += av * b0;
				acc[i][1] += av * b1;
			}
		}
		for (i = 0; i < MR; i++) {
			for (j = 0; j < 2; j++) {
				float	*cp = c + i * ldc + h + 4 * j;

				if (accum) {
					memcpy(&cv, cp, sizeof cv);
					acc[i][j] += cv;
				}
				memcpy(cp, &acc[i][j], sizeof cv);
			}
		}
	}
}

/*
 * Packing for the GEMM (gemm.c): blocks of op(A) and op(B) copied into the
 * zero-padded MR-row and NR-column panels the micro-kernels read, so that
 * one kernel serves every transpose.  Copies only: the packed values are
 * the operands' own bits.
 */
#include <stddef.h>
#include <string.h>

#include "kernels/gemm_kern.h"

/*
 * Pack op(A)[0:mc, 0:kc] (a points at its first element) into MR-row
 * panels, each (kc, MR) with a row of MR values per k; rows past mc are 0.
 */
void
gemm_pack_a(int transa, int mc, int kc, const float *a, ptrdiff_t lda,
    float *dst)
{
	const float	*s;
	float		*d;
	int		 i0, i, p, full = mc / MR * MR;

	if (transa) {
		/* A stored (K, M): MR contiguous values per k; stream by rows */
		for (p = 0; p < kc; p++) {
			s = a + p * lda;
			for (i0 = 0; i0 < full; i0 += MR)
				memcpy(dst + (ptrdiff_t)i0 * kc + p * MR, s + i0,
				    sizeof(float) * MR);
			if (full == mc)
				continue;
			d = dst + (ptrdiff_t)full * kc + p * MR;
			for (i = 0; i < mc - full; i++)
				d[i] = s[full + i];
			for (; i < MR; i++)
				d[i] = 0.0f;
		}
		return;
	}

	/* A stored (M, K): each row of op(A) is contiguous */
	for (i0 = 0; i0 < mc; i0 += MR, dst += (ptrdiff_t)MR * kc) {
		for (i = 0; i < MR; i++) {
			s = a + (i0 + i) * lda;
			if (i0 + i < mc)
				for (p = 0; p < kc; p++)
					dst[p * MR + i] = s[p];
			else
				for (p = 0; p < kc; p++)
					dst[p * MR + i] = 0.0f;
		}
	}
}


/*
 * Pack op(B)[0:kc, 0:nc] (b points at its first element) into NR-column
 * panels, each (kc, NR); columns past nc are 0.  fast: the AVX2 transpose
 * may be used.
 */
void
gemm_pack_b(int transb, int kc, int nc, const float *b, ptrdiff_t ldb,
    float *dst, int fast)
{
	const float	*s;
	float		*d;
	int		 j0, j, p, full = nc / NR * NR;

	if (!transb) {
		/*
		 * B stored (K, N): NR contiguous values per k.  A strip of
		 * PACK_ROWS rows of B at a time, panel by panel: the strip
		 * stays in L1 while each panel gets PACK_ROWS cache lines in a
		 * row.  Row by row, each row would write one line to every
		 * panel, nc/NR streams kc*NR*4 bytes apart (32 KiB at kc 512,
		 * one L1 set): a fifth of the time of a forward product went
		 * to those misses.  Panel by panel over all of kc, the reads
		 * would stride ldb and miss instead.
		 */
		enum { PACK_ROWS = 8 };
		int	p0, pe;

		for (p0 = 0; p0 < kc; p0 = pe) {
			pe = kc - p0 < PACK_ROWS ? kc : p0 + PACK_ROWS;
			for (j0 = 0; j0 < full; j0 += NR) {
				d = dst + (ptrdiff_t)j0 * kc;
				for (p = p0; p < pe; p++)
					memcpy(d + p * NR, b + p * ldb + j0,
					    sizeof(float) * NR);
			}
			for (p = p0; p < pe; p++) {
				s = b + p * ldb;
				if (full == nc)
					continue;
				d = dst + (ptrdiff_t)full * kc + p * NR;
				for (j = 0; j < nc - full; j++)
					d[j] = s[full + j];
				for (; j < NR; j++)
					d[j] = 0.0f;
			}
		}
		return;
	}

	/* B stored (N, K): each column of op(B) is a contiguous row */
	for (j0 = 0; j0 < nc; j0 += NR, dst += (ptrdiff_t)NR * kc) {
#ifdef GEMM_HAVE_X86
		if (fast && j0 < full) {
			gemm_pack_bt_avx2(kc, b + j0 * ldb, ldb, dst);
			continue;
		}
#else
		(void)fast;
#endif
		for (j = 0; j < NR; j++) {
			s = b + (j0 + j) * ldb;
			if (j0 + j < nc)
				for (p = 0; p < kc; p++)
					dst[p * NR + j] = s[p];
			else
				for (p = 0; p < kc; p++)
					dst[p * NR + j] = 0.0f;
		}
	}
}

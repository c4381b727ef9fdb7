/*
 * Packed, cache-blocked single-precision GEMM (BLIS / llm.c style).
 *
 *   C(M,N) = op(A)(M,K) @ op(B)(K,N) + beta * C(M,N), all row-major.
 *
 * Loop nest, per thread, over that thread's rectangle of C:
 *
 *   for jc in N step NC:                    Bp: (KC, NC) as NR-column panels
 *     for pc in K step kc:                  pack op(B)[pc:, jc:] into Bp
 *       for ic in M step MC:                Ap: (MC, KC) as MR-row panels
 *         pack op(A)[ic:, pc:] into Ap      (A stored transposed, 6x16 tiles)
 *         for jr in NC step NR:             one Bp panel (kc, NR) in L1
 *           for ir in MC step MR:           one A panel (MR, kc) from L2
 *             C[ir:ir+MR, jr:jr+NR] (+)= A panel @ Bp panel
 *
 * The packing routines (gemm_pack.c) absorb transa/transb, and the
 * micro-kernel takes A
 * with any row and depth strides and B with any row stride, so one kernel
 * serves every shape, packed or in place.  B stored (K, N) is read in place
 * when its panels are too deep to stay in L1 (a forward product's weights);
 * otherwise it is packed.  Packed panels are zero-padded past M and N; edge
 * tiles go through a small scratch tile and only the valid part is written
 * back, except that AVX-512 has tiles of every height for the last rows
 * of a block (M = 128 at 64 columns is 21 6-row tiles and one of 2 rows),
 * and masked forms of them for a last, partial column panel (N = 10).
 *
 * Kernels per SIMD level (simd.h), chosen once: portable (4-wide vector
 * types, no FMA), AVX2+FMA (6, 16) and AVX-512, which also takes four B
 * panels at once, a (6, 64) register tile, or two B panels and two A
 * panels, (12, 32), where fewer are left.  The panels and blocking are the
 * same for all.  With gemm_extra.bf16
 * the panels are packed as bf16 pairs instead and an AVX512-BF16 kernel
 * sums them in fp32 (see "bf16" below).
 *
 * Threads: gemm() opens its own parallel region and gives each thread a
 * contiguous run of NR-column tiles when M <= N (each thread then needs all
 * of A, which is read in place) or of MR-row tiles otherwise (each packs all
 * of B, the smaller operand).  Tiny products run on fewer threads.
 *
 * Extras (gemm_team): an epilogue runs on each tile of C right after its
 * last K block, while the tile is in L1 (the MLP's bias, ReLU and dropout, or
 * their derivative), and column sums of op(B) are taken (the bias
 * gradient), each in k order, the columns shared out among the threads.
 * gemm_team() runs on a team that is already there, so a caller with several
 * products in a row pays for one parallel region, not one per product.
 *
 * Reproducibility: the K blocking depends only on K, and the micro-kernel
 * sums each element of a block in k order into a zeroed accumulator, then
 * adds the block to C.  Threads split the output only (never K), so every
 * element of C sees the same operations in the same order whatever the
 * thread count, the element's position in a thread's rectangle or the
 * register tile that made it.  The AVX2 and AVX-512 kernels both use one
 * FMA per product, so they give the same bits; the portable one rounds the
 * product and the sum apart.
 */
#include "kernels/gemm.h"

#include <omp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "kernels/gemm_kern.h"
#include "base/simd.h"

/* The kernels of each SIMD level; a NULL tile: not in this build. */
static const struct gemm_kset ksets[SIMD_NLEVELS] = {
	[SIMD_PORTABLE] = { gemm_kern_portable, NULL, NULL },
#ifdef GEMM_HAVE_X86
	[SIMD_AVX2] = { gemm_kern_avx2, NULL, NULL },
	[SIMD_AVX512] = { gemm_kern_avx512, gemm_kern_avx512_tiles,
	    gemm_kern_avx512_edge },
#endif
};

/*
 * The level is chosen once per process (CPU features, NOISETOP_SIMD) and
 * only gemm_force_kernel() changes it afterwards.
 */
static int		 level = SIMD_PORTABLE;
static int		 bf16_why = GEMM_BF16_NOT_BUILT;	/* see kernel_init */
static pthread_once_t	 kernel_once = PTHREAD_ONCE_INIT;

static pthread_key_t	 buf_key;
static pthread_once_t	 buf_once = PTHREAD_ONCE_INIT;

static unsigned
kernel_mask(void)
{
	unsigned	mask = 0;
	int		l;

	for (l = 0; l < SIMD_NLEVELS; l++)
		if (ksets[l].tile != NULL)
			mask |= 1u << l;
	return mask;
}

static void
kernel_init(void)
{
	level = simd_pick(kernel_mask(), simd_default());
#ifdef GEMM_HAVE_X86
	/* an AVX-512 kernel: not when NOISETOP_SIMD asks for less */
	bf16_why = !simd_has_avx512_bf16() ? GEMM_BF16_NO_CPU :
	    simd_default() < SIMD_AVX512 ? GEMM_BF16_SIMD_OFF : GEMM_BF16_OK;
#endif
}

const char *
gemm_kernel_name(void)
{
	pthread_once(&kernel_once, kernel_init);
	return simd_level_name(level);
}

const char *
gemm_kernels_compiled(void)
{
#ifdef GEMM_HAVE_X86
	return "portable avx2 avx512";
#else
	return "portable";
#endif
}

int
gemm_force_kernel(const char *name)
{
	pthread_once(&kernel_once, kernel_init);
	return simd_force(kernel_mask(), name, &level);
}

static void
buf_free(void *p)
{
	struct gemm_buf	*buf = p;

	if (buf == NULL)
		return;
	free(buf->ap);
	free(buf->bp);
	free(buf->edge);
	free(buf);
}

static void
buf_key_init(void)
{
	pthread_key_create(&buf_key, buf_free);
}

/*
 * This thread's packing buffers.  Their size does not depend on the shape,
 * so they are allocated on a thread's first call and never grown; the key's
 * destructor frees them when the thread exits.  NULL if memory runs out.
 */
static struct gemm_buf *
buf_get(void)
{
	struct gemm_buf	*buf;

	pthread_once(&buf_once, buf_key_init);
	if ((buf = pthread_getspecific(buf_key)) != NULL)
		return buf;
	if ((buf = calloc(1, sizeof *buf)) == NULL)
		return NULL;
	if (posix_memalign((void **)&buf->ap, 64, sizeof(float) * MC * KC) ||
	    posix_memalign((void **)&buf->bp, 64, sizeof(float) * KC * NC) ||
	    posix_memalign((void **)&buf->edge, 64, sizeof(float) * MR * KC) ||
	    pthread_setspecific(buf_key, buf) != 0) {
		buf_free(buf);
		return NULL;
	}
	return buf;
}

/*
 * One (mr, nr) tile of C at c.  A full tile goes straight to C; an edge tile
 * is computed whole into scratch and only its valid part is copied back.
 */
static void
tile(gemm_kernel *kern, int kc, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
    const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc, int accum, int mr,
    int nr)
{
	float	t[MR * NR] __attribute__((aligned(64)));
	int	i, j;

	if (mr == MR && nr == NR) {
		kern(kc, a, rsa, csa, b, rsb, c, ldc, accum);
		return;
	}
	memset(t, 0, sizeof t);
	if (accum)
		for (i = 0; i < mr; i++)
			for (j = 0; j < nr; j++)
				t[i * NR + j] = c[i * ldc + j];
	kern(kc, a, rsa, csa, b, rsb, t, NR, accum);
	for (i = 0; i < mr; i++)
		for (j = 0; j < nr; j++)
			c[i * ldc + j] = t[i * NR + j];
}

/*
 * The (mc, nc) block of C at rows ic, columns jc, for the K block [pc,
 * pc+kc), with op(B) at bsrc: packed panels, or (b_inplace) B's own rows
 * from [pc][jc].  A is packed into buf->ap when its panels are reused
 * across several B panels; otherwise the kernel reads A where it lies,
 * except for a partial panel at the M edge which is packed (zero-padded) so
 * the (MR, NR) kernel never reads past the matrix.  Levels with wide tiles
 * never use that kernel here: their tiles come in every height, read only
 * their rows, and store only the columns of a partial panel, which is
 * always packed (B in place is whole panels).
 */
static void
block(const struct gemm_job *j, struct gemm_buf *buf,
    const struct gemm_kset *ks, int ic, int mc, int jc, int nc, int pc,
    int kc, int accum, int last, const float *bsrc, int b_inplace)
{
	const float	*a, *ap, *bp, *pf;
	ptrdiff_t	 rsa, csa, prs, pcs, a_hi;
	/* B's panels: packed (kc, NR) one after the other, or B in place */
	ptrdiff_t	 rsb = b_inplace ? j->ldb : NR;
	ptrdiff_t	 b_hi = b_inplace ? NR : (ptrdiff_t)NR * kc;
	float		*c;
	int		 ir, jr, mr, nr, np, step, medge = mc / MR * MR;

	if (j->transa) {
		a = j->a + pc * j->lda + ic;
		rsa = 1;
		csa = j->lda;
	} else {
		a = j->a + ic * j->lda + pc;
		rsa = j->lda;
		csa = 1;
	}
	if (j->pack_a)
		gemm_pack_a(j->transa, mc, kc, a, j->lda, buf->ap);
	else if (medge < mc && ks->tiles == NULL)
		gemm_pack_a(j->transa, mc - medge, kc, a + medge * rsa, j->lda,
		    buf->edge);

	for (jr = 0; jr < nc; jr += NR * np) {
		/* full panels left: four at once where the level has wide
		 * tiles, else two, else one */
		int	full = (nc - jr) / NR;

		np = ks->tiles == NULL || full < 2 ? 1 : full < 4 ? 2 : 4;
		nr = nc - jr < NR ? nc - jr : NR;
		bp = bsrc + (b_inplace ? jr : (ptrdiff_t)jr * kc);
		/*
		 * In place, B comes from memory: the first row tile of each
		 * column panel fetches the next panels into L2 as it goes,
		 * a row of them per k step.
		 */
		pf = b_inplace && jr + NR * np < nc ? bp + NR * np : NULL;
		for (ir = 0; ir < mc; ir += step) {
			/* as many rows as the tile holds: 6 at 4 panels, 12
			 * at 1 or 2; the last tile of the block is shorter */
			int	rows = mc - ir, hmax = np == 4 ? MR : 2 * MR;

			c = j->c + (ic + ir) * j->ldc + jc + jr;
			if (ks->tiles != NULL) {
				rows = rows < hmax ? rows : hmax;
				ap = j->pack_a ? buf->ap + (ptrdiff_t)ir * kc :
				    a + ir * rsa;
				prs = j->pack_a ? 1 : rsa;
				pcs = j->pack_a ? MR : csa;
				a_hi = j->pack_a ? (ptrdiff_t)MR * kc : MR * rsa;
				if (nr == NR)
					ks->tiles[rows][np](kc, ap, prs, pcs,
					    a_hi, bp, rsb, b_hi, c, j->ldc,
					    accum, ir == 0 ? pf : NULL);
				else
					ks->edge[rows](kc, ap, prs, pcs, a_hi,
					    bp, rsb, c, j->ldc, accum, nr);
				step = rows;
				/* the tile is finished and still in L1 */
				if (!last)
					continue;
				gemm_epilogue_tiles(j, ic + ir, jc + jr, 1, np,
				    rows < MR ? rows : MR, nr, c);
				if (rows > MR)
					gemm_epilogue_tiles(j, ic + ir + MR, jc +
					    jr, 1, np, rows - MR, nr, c + MR *
					    j->ldc);
				continue;
			}
			/* the (MR, NR) kernel: a 6-row panel, through a
			 * scratch tile at an edge */
			mr = rows < MR ? rows : MR;
			step = MR;
			if (j->pack_a || ir == medge) {
				ap = j->pack_a ? buf->ap + (ptrdiff_t)ir * kc :
				    buf->edge;
				prs = 1;
				pcs = MR;
			} else {
				ap = a + ir * rsa;
				prs = rsa;
				pcs = csa;
			}
			tile(ks->tile, kc, ap, prs, pcs, bp, rsb, c, j->ldc,
			    accum, mr, nr);
			if (last)
				gemm_epilogue_tiles(j, ic + ir, jc + jr, 1, 1,
				    mr, nr, c);
		}
	}
}

/*
 * Rows [m0, m1), columns [n0, n1) of C by the plain loop, used only when a
 * thread cannot get its packing buffers: slow and not bit-identical to the
 * kernels, but correct, since gemm() has no way to report the failure.
 */
static void
rect_unpacked(const struct gemm_job *j, int m0, int m1, int n0, int n1)
{
	int	i, jj, p;

	for (i = m0; i < m1; i++) {
		for (jj = n0; jj < n1; jj++) {
			float	s = 0.0f;

			for (p = 0; p < j->k; p++) {
				float	av, bv;

				av = j->transa ? j->a[p * j->lda + i] :
				    j->a[i * j->lda + p];
				bv = j->transb ? j->b[jj * j->ldb + p] :
				    j->b[p * j->ldb + jj];
				s += av * bv;
			}
			if (j->accum)
				s += j->c[i * j->ldc + jj];
			j->c[i * j->ldc + jj] = s;
		}
	}
	for (i = m0; j->epi != NULL && i < m1; i += MR)
		for (jj = n0; jj < n1; jj += NR)
			j->epi(j->epi_ctx, i, jj, m1 - i < MR ? m1 - i : MR,
			    n1 - jj < NR ? n1 - jj : NR,
			    j->c + (ptrdiff_t)i * j->ldc + jj, j->ldc);
}

/* Whether this CPU runs the bf16 path (gemm_bf16.c). */
static int
bf16_ok(void)
{
	return gemm_bf16_status() == GEMM_BF16_OK;
}

int
gemm_bf16_status(void)
{
	pthread_once(&kernel_once, kernel_init);
	return bf16_why;
}

int
gemm_bf16_available(void)
{
	return bf16_ok();
}

const char *
gemm_bf16_kernel_name(void)
{
	return bf16_ok() ? "avx512bf16" : "none";
}

size_t
gemm_bf16_packed_words(int k, int n)
{
	return (size_t)((n + NR - 1) / NR) * NR * (size_t)((k + 1) / 2);
}

void
gemm_bf16_pack(int transb, int k, int n, const float *b, int ldb, int r0,
    int r1, uint32_t *dst)
{
#ifdef GEMM_HAVE_X86
	if (bf16_ok()) {
		gemm_pack_bf16(transb, k, n, b, ldb, r0, r1, dst);
		return;
	}
#endif
	/* no bf16 kernel: no product reads the packed copy */
	(void)transb, (void)k, (void)n, (void)b, (void)ldb, (void)r0,
	    (void)r1, (void)dst;
}


/*
 * colsum[c0, c1): the column sums of op(B), each in k order from zero, so
 * the same bits whichever thread makes which.
 */
static void
colsum_part(const struct gemm_job *j, int c0, int c1)
{
	float	*cs = j->colsum;

	if (c0 >= c1)
		return;
	if (j->transb) {
		/* column c of op(B) is row c of B */
		for (int c = c0; c < c1; c++) {
			const float	*s = j->b + c * j->ldb;
			float		 acc = 0.0f;

			for (int p = 0; p < j->k; p++)
				acc += s[p];
			cs[c] = acc;
		}
		return;
	}
	/* 16 columns at a time, their sums held in registers down all of K */
	for (; c0 + 16 <= c1; c0 += 16) {
		float	acc[16] = { 0 };

		for (int p = 0; p < j->k; p++) {
			const float	*s = j->b + p * j->ldb + c0;

			for (int q = 0; q < 16; q++)
				acc[q] += s[q];
		}
		memcpy(cs + c0, acc, sizeof acc);
	}
	if (c0 >= c1)
		return;
	memset(cs + c0, 0, sizeof(float) * (c1 - c0));
	for (int p = 0; p < j->k; p++) {
		const float	*s = j->b + p * j->ldb;

		for (int c = c0; c < c1; c++)
			cs[c] += s[c];
	}
}

/*
 * Thread t of nt: take a contiguous share of the MR-row (or NR-column)
 * tiles of C and run the blocked loop nest over it.
 */
static void
run_part(const struct gemm_job *j, int t, int nt)
{
	struct gemm_buf	*buf;
	const struct gemm_kset *ks = &ksets[level];
	int		 m0 = 0, m1 = j->m, n0 = 0, n1 = j->n, tiles, unit;
	int		 ic, jc, pc, mc, nc, kc;

	if (nt > 1) {
		unit = j->split_n ? NR : MR;
		tiles = ((j->split_n ? j->n : j->m) + unit - 1) / unit;
		if (j->split_n) {
			n0 = (int)((long)tiles * t / nt) * unit;
			n1 = (int)((long)tiles * (t + 1) / nt) * unit;
			n1 = n1 < j->n ? n1 : j->n;
		} else {
			m0 = (int)((long)tiles * t / nt) * unit;
			m1 = (int)((long)tiles * (t + 1) / nt) * unit;
			m1 = m1 < j->m ? m1 : j->m;
		}
	}
	/*
	 * The column sums of op(B), each made once, in k order: threads that
	 * split the columns sum their own; threads that split the rows (and
	 * so all need all of B) a slice each.
	 */
	if (j->colsum != NULL && j->split_n)
		colsum_part(j, n0, n1);
	else if (j->colsum != NULL)
		colsum_part(j, (int)((long)j->n * t / nt),
		    (int)((long)j->n * (t + 1) / nt));
	if (m0 >= m1 || n0 >= n1)
		return;
	if ((buf = buf_get()) == NULL) {
		rect_unpacked(j, m0, m1, n0, n1);
		return;
	}
#ifdef GEMM_HAVE_X86
	if (j->bf16) {
		gemm_rect_bf16(j, buf, m0, m1, n0, n1);
		return;
	}
#endif

	for (jc = n0; jc < n1; jc += NC) {
		nc = n1 - jc < NC ? n1 - jc : NC;
		for (pc = 0; pc < j->k; pc += kc) {
			kc = j->k - pc < j->kc ? j->k - pc : j->kc;
			const float	*bsrc = j->transb ?
			    j->b + jc * j->ldb + pc : j->b + pc * j->ldb + jc;
			/*
			 * B stored (K, N) in whole panels is read in place
			 * when a pair of its panels is too deep to stay in L1
			 * anyway (a forward product's weights): packing would
			 * copy it, larger than L2, to save only its row
			 * stride.  Shallow panels are packed: in L1 they
			 * serve every row panel of A, where B's own rows,
			 * a power of two apart, would collide in a few sets.
			 */
			int		 inplace = !j->transb && nc % NR == 0 &&
			    kc * 2 * NR * (int)sizeof(float) > 32768;

			if (!inplace)
				gemm_pack_b(j->transb, kc, nc, bsrc, j->ldb, buf->bp,
				    level >= SIMD_AVX2);
			for (ic = m0; ic < m1; ic += MC) {
				mc = m1 - ic < MC ? m1 - ic : MC;
				block(j, buf, ks, ic, mc, jc, nc, pc, kc,
				    j->accum || pc > 0, pc + kc >= j->k,
				    inplace ? bsrc : buf->bp, inplace);
			}
		}
	}
}

/*
 * Fill a job for C(M,N) = op(A) @ op(B) (+ C when beta != 0), m, n, k >= 1,
 * and return how many threads it is worth (at most nt).
 */
static int
job_init(struct gemm_job *job, int transa, int transb, int m, int n, int k,
    const float *a, int lda, const float *b, int ldb, float beta, float *c,
    int ldc, const gemm_extra *x, int nt)
{
	double	flops = 2.0 * m * n * k;
	/* K blocks of near-equal depth, a function of K alone */
	int	nkb = (k + KC - 1) / KC;

	pthread_once(&kernel_once, kernel_init);
	job->transa = transa;
	job->transb = transb;
	job->m = m;
	job->n = n;
	job->k = k;
	job->a = a;
	job->b = b;
	job->lda = lda;
	job->ldb = ldb;
	job->ldc = ldc;
	job->c = c;
	job->accum = beta != 0.0f;
	job->kc = (k + nkb - 1) / nkb;
	job->epi = x != NULL ? x->epilogue : NULL;
	job->epi_ctx = x != NULL ? x->ctx : NULL;
	job->colsum = x != NULL ? x->colsum : NULL;
	job->bf16 = x != NULL && x->bf16 && bf16_ok();
	/* whole-K panels serve K blocks that start on a k pair */
	job->packed_b = job->bf16 && (nkb == 1 || job->kc % 2 == 0) ?
	    x->packed_b : NULL;
	/*
	 * The kernel reads A in place when it is stored (M, K): each panel is
	 * six rows streaming forward, and threads splitting N would otherwise
	 * each pack all of it.  Stored (K, M), a panel strides lda per k, so
	 * the (6, 16) kernels, which read each A panel once per 16 columns,
	 * get it packed, unless it is used only once (N within one panel).
	 * The AVX-512 tiles read it once per 64 columns, from L2 either way:
	 * there the packing cost more than it saved (the weight gradients,
	 * 784 and 512 x 512 x 128, 1-3% faster in place on 1 and 2 threads).
	 */
	job->pack_a = transa && n > NR && level < SIMD_AVX512;
	/*
	 * Splitting columns makes every thread pack all of A; splitting rows,
	 * all of B.  Duplicate the smaller one.
	 */
	job->split_n = m <= n;
	if (nt > flops / MIN_FLOPS_PER_THREAD)
		nt = (int)(flops / MIN_FLOPS_PER_THREAD);
	return nt < 1 ? 1 : nt;
}

void
gemm(int transa, int transb, int m, int n, int k, const float *a, int lda,
    const float *b, int ldb, float beta, float *c, int ldc)
{
	struct gemm_job	 job;
	int		 i, jj, nt;

	if (m <= 0 || n <= 0)
		return;
	if (beta != 0.0f && beta != 1.0f) {
		for (i = 0; i < m; i++)
			for (jj = 0; jj < n; jj++)
				c[(ptrdiff_t)i * ldc + jj] *= beta;
	}
	if (k <= 0) {
		if (beta == 0.0f)
			for (i = 0; i < m; i++)
				memset(c + (ptrdiff_t)i * ldc, 0,
				    sizeof(float) * n);
		return;
	}
	nt = job_init(&job, transa, transb, m, n, k, a, lda, b, ldb, beta, c,
	    ldc, NULL, omp_get_max_threads());
	if (nt <= 1) {
		run_part(&job, 0, 1);
		return;
	}
#pragma omp parallel num_threads(nt)
	run_part(&job, omp_get_thread_num(), omp_get_num_threads());
}

void
gemm_team(int transa, int transb, int m, int n, int k, const float *a,
    int lda, const float *b, int ldb, float beta, float *c, int ldc,
    const gemm_extra *x)
{
	struct gemm_job	 job;
	int		 t = omp_get_thread_num(), nt;

	nt = job_init(&job, transa, transb, m, n, k, a, lda, b, ldb, beta, c,
	    ldc, x, omp_get_num_threads());
	if (t < nt)
		run_part(&job, t, nt);
}

void
gemm_ref(int transa, int transb, int m, int n, int k, const float *a, int lda,
    const float *b, int ldb, float beta, float *c, int ldc)
{
	int	i, j, p;

	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j++) {
			double	s = 0.0;

			for (p = 0; p < k; p++) {
				double	av, bv;

				av = transa ? a[(ptrdiff_t)p * lda + i] :
				    a[(ptrdiff_t)i * lda + p];
				bv = transb ? b[(ptrdiff_t)j * ldb + p] :
				    b[(ptrdiff_t)p * ldb + j];
				s += av * bv;
			}
			if (beta != 0.0f)
				s += (double)beta * c[(ptrdiff_t)i * ldc + j];
			c[(ptrdiff_t)i * ldc + j] = (float)s;
		}
	}
}

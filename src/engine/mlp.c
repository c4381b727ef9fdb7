/* The MLP: dense layers, ReLU, inverted dropout, softmax cross-entropy. */
#include "engine/mlp.h"

#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "kernels/gemm.h"
#include "kernels/rng.h"
#include "base/simd.h"

#if (defined(__x86_64__) || defined(__i386__)) && \
    !defined(NOISETOP_PORTABLE_ONLY)
#define MLP_HAVE_X86 1
#include <immintrin.h>
#endif

static float *
alloc_floats(size_t n)
{
	void *p = NULL;

	/* 64-byte alignment: whole cache lines, aligned SIMD loads. */
	if (posix_memalign(&p, 64, (n ? n : 1) * sizeof(float)) != 0)
		return NULL;
	memset(p, 0, (n ? n : 1) * sizeof(float));
	return p;
}

mlp *
mlp_new(int nlayer, const int *size, int batch_cap, float dropout, char *err,
    size_t errlen)
{
	mlp   *m;
	size_t off = 0;

	if (nlayer < 1 || nlayer > MLP_MAX_LAYERS) {
		err_set(err, errlen, "%d layers: must be 1 to %d", nlayer,
		    MLP_MAX_LAYERS);
		return NULL;
	}
	for (int l = 0; l <= nlayer; l++) {
		if (size[l] < 1 || size[l] > MLP_MAX_WIDTH) {
			err_set(err, errlen, "layer size %d: must be 1 to %d",
			    size[l], MLP_MAX_WIDTH);
			return NULL;
		}
	}
	if (batch_cap < 1 || batch_cap > MLP_MAX_BATCH) {
		err_set(err, errlen, "batch %d: must be 1 to %d", batch_cap,
		    MLP_MAX_BATCH);
		return NULL;
	}
	if (!(dropout >= 0.0f && dropout < 1.0f)) {
		err_set(err, errlen, "dropout %g: must be in [0, 1)",
		    (double)dropout);
		return NULL;
	}
	if ((m = calloc(1, sizeof *m)) == NULL)
		goto oom;
	m->nlayer = nlayer;
	memcpy(m->size, size, (size_t)(nlayer + 1) * sizeof *size);
	m->batch_cap = batch_cap;
	m->dropout = dropout;
	for (int l = 0; l < nlayer; l++)
		m->nparam += (size_t)size[l] * size[l + 1] + size[l + 1];
	if ((m->param = alloc_floats(m->nparam)) == NULL ||
	    (m->grad = alloc_floats(m->nparam)) == NULL)
		goto oom;
	for (int l = 0; l < nlayer; l++) {
		/*
		 * The blocks follow each other with no padding: param itself
		 * is 64-byte aligned, and a block is too only when the sizes
		 * before it are multiples of 16 (784-512-512-10: all but the
		 * last bias).  The kernels use unaligned loads.
		 */
		m->W[l] = m->param + off;
		m->dW[l] = m->grad + off;
		off += (size_t)size[l] * size[l + 1];
		m->b[l] = m->param + off;
		m->db[l] = m->grad + off;
		off += size[l + 1];
	}
	for (int l = 0; l <= nlayer; l++) {
		size_t n = (size_t)batch_cap * size[l];

		if (l > 0 && (m->buf[l] = alloc_floats(n)) == NULL)
			goto oom;
		if ((m->delta[l] = alloc_floats(n)) == NULL)
			goto oom;
		m->act[l] = m->buf[l];
	}
	if ((m->probs = alloc_floats((size_t)batch_cap * size[nlayer])) ==
	    NULL)
		goto oom;
	return m;
oom:
	err_set(err, errlen, "out of memory for a %d-layer network", nlayer);
	mlp_free(m);
	return NULL;
}

void
mlp_free(mlp *m)
{
	if (m == NULL)
		return;
	free(m->param);
	free(m->grad);
	for (int l = 0; l <= MLP_MAX_LAYERS; l++) {
		free(m->buf[l]);
		free(m->delta[l]);
	}
	free(m->probs);
	for (int l = 0; l < MLP_MAX_LAYERS; l++) {
		free(m->wpk[l]);
		free(m->wtpk[l]);
	}
	free(m);
}

int
mlp_set_bf16(mlp *m, int on)
{
	if (on && m->wpk[0] == NULL && gemm_bf16_available()) {
		for (int l = 0; l < m->nlayer; l++) {
			int	in = m->size[l], out = m->size[l + 1];
			void	*p = NULL, *q = NULL;

			if (posix_memalign(&p, 64, 4 * gemm_bf16_packed_words(in,
			    out)) != 0 || (l > 0 && posix_memalign(&q, 64, 4 *
			    gemm_bf16_packed_words(out, in)) != 0)) {
				free(p);
				for (l--; l >= 0; l--) {
					free(m->wpk[l]);
					free(m->wtpk[l]);
					m->wpk[l] = m->wtpk[l] = NULL;
				}
				return -1;
			}
			m->wpk[l] = p;
			m->wtpk[l] = q;
		}
	}
	m->bf16 = on;
	m->packed_ok = 0;
	return 0;
}

void
mlp_pack_rows(mlp *m, int l, int r0, int r1)
{
	int	in = m->size[l], out = m->size[l + 1];

	if (!m->bf16 || m->wpk[l] == NULL)
		return;
	/* forward: op(B) = W (in, out); input gradient: op(B) = W^T */
	gemm_bf16_pack(0, in, out, m->W[l], out, r0, r1, m->wpk[l]);
	if (l > 0)
		gemm_bf16_pack(1, out, in, m->W[l], out, r0, r1, m->wtpk[l]);
}

void
mlp_init_layer(const mlp *m, int l, uint64_t seed, float *w)
{
	uint64_t key = rng_key(seed, RNG_INIT, (uint64_t)l);
	size_t   n = (size_t)m->size[l] * m->size[l + 1];
	float    lim = sqrtf(6.0f / (float)(m->size[l] + m->size[l + 1]));

#pragma omp parallel for schedule(static)
	for (size_t i = 0; i < n; i++)
		w[i] = (2.0f * rng_uniform(key, i) - 1.0f) * lim;
}

void
mlp_init(mlp *m, uint64_t seed)
{
	m->packed_ok = 0;
	for (int l = 0; l < m->nlayer; l++) {
		mlp_init_layer(m, l, seed, m->W[l]);
		memset(m->b[l], 0, (size_t)m->size[l + 1] * sizeof(float));
	}
}

/*
 * The forward epilogues.  Hidden layers: y = relu(y + b) * keep / (1 - rate)
 * on each tile of y (B, n) = x @ W as the GEMM finishes it.  The mask for
 * element e of the batch at this step is one 16-bit lane of
 * rng_hash(key, step << 32 | e / 4): four decisions per hash, a function of
 * the element alone, so of neither the tiling nor the thread count.
 */
struct fwd_ctx {
	const float *b;      /* (n) bias */
	int          n;      /* columns of y */
	int          drop;   /* dropout on */
	uint32_t     thr;    /* drop when the 16-bit lane is below this */
	float        scale;  /* 1 / (1 - rate) */
	uint64_t     key, step;
	float       *probs;  /* output layer: (B, n) softmax, or NULL */
	int          simd;   /* epi_level(): the GEMM's SIMD level */
};

#ifdef MLP_HAVE_X86
/*
 * epi_hidden() with dropout on a full-width tile (16 columns, e0 of every
 * row a multiple of 4) in AVX-512: the four hashes of a row in one vector
 * (vpmullq), their sixteen 16-bit lanes compared at once.  The same integer
 * work and the same float add, max (NaN and -0 give +0, as "v > 0 ? v : 0"
 * does) and multiply, so the same bits as the plain loop.
 */
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2"))) static void
hidden_drop_avx512(const struct fwd_ctx *f, int i0, int j0, int mr,
    float *c, ptrdiff_t ldc)
{
	const __m256i quad = _mm256_set_epi64x(3, 2, 1, 0);
	const __m256i golden = _mm256_set1_epi64x((long long)RNG_GOLDEN);
	const __m256i mix1 = _mm256_set1_epi64x((long long)RNG_MIX1);
	const __m256i mix2 = _mm256_set1_epi64x((long long)RNG_MIX2);
	const __m256i key = _mm256_set1_epi64x((long long)f->key);
	const __m512i thr = _mm512_set1_epi32((int)f->thr);
	const __m512  scale = _mm512_set1_ps(f->scale), zero = _mm512_setzero_ps();
	const __m512  b = _mm512_loadu_ps(f->b + j0);

	for (int i = 0; i < mr; i++) {
		uint64_t e0 = (uint64_t)(i0 + i) * f->n + (uint64_t)j0;
		__m256i  z = _mm256_add_epi64(_mm256_set1_epi64x((long long)
		    ((f->step << 32 | e0 >> 2) + 1)), quad);
		__m512   v, keep;
		float   *row = c + i * ldc;

		z = _mm256_add_epi64(key, _mm256_mullo_epi64(z, golden));
		z = _mm256_mullo_epi64(_mm256_xor_si256(z,
		    _mm256_srli_epi64(z, 30)), mix1);
		z = _mm256_mullo_epi64(_mm256_xor_si256(z,
		    _mm256_srli_epi64(z, 27)), mix2);
		z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
		/* lane j: bits 16 (j % 4) of hash j / 4, little-endian */
		keep = _mm512_mask_blend_ps(_mm512_cmpge_epu32_mask(
		    _mm512_cvtepu16_epi32(z), thr), zero, scale);
		v = _mm512_max_ps(_mm512_add_ps(_mm512_loadu_ps(row), b), zero);
		_mm512_storeu_ps(row, _mm512_mul_ps(v, keep));
	}
}


/*
 * The low 64 bits of each lane's a * b, which AVX2 lacks (vpmullq is
 * AVX-512DQ): with a = ah 2^32 + al and b = bh 2^32 + bl,
 * a b mod 2^64 = al bl + ((ah bl + al bh) << 32).  bh is b >> 32, passed
 * in because b is a constant the caller hoists.
 */
__attribute__((target("avx2,fma"))) static inline __m256i
mullo64_avx2(__m256i a, __m256i b, __m256i bh)
{
	__m256i cross = _mm256_add_epi64(_mm256_mul_epu32(
	    _mm256_srli_epi64(a, 32), b), _mm256_mul_epu32(a, bh));

	return _mm256_add_epi64(_mm256_mul_epu32(a, b),
	    _mm256_slli_epi64(cross, 32));
}

/*
 * hidden_drop_avx512() in AVX2, on the same full-width tiles: a row's four
 * hashes in one ymm, their sixteen 16-bit lanes widened to two ymm of 32-bit
 * and compared, the floats in two halves of 8.  key + (ctr + 1 + q) GOLDEN
 * is one scalar multiply per row plus q GOLDEN per lane (the same sum mod
 * 2^64); the mixing multiplies go through mullo64_avx2().  max(v, 0) with v
 * first: vmaxps returns its second operand when either is NaN or both are
 * zero, so NaN and -0 give +0, as "v > 0 ? v : 0" does.  Same bits as the
 * plain loop.
 */
__attribute__((target("avx2,fma"))) static void
hidden_drop_avx2(const struct fwd_ctx *f, int i0, int j0, int mr,
    float *c, ptrdiff_t ldc)
{
	const __m256i quad = _mm256_set_epi64x((long long)(3 * RNG_GOLDEN),
	    (long long)(2 * RNG_GOLDEN), (long long)RNG_GOLDEN, 0);
	const __m256i mix1 = _mm256_set1_epi64x((long long)RNG_MIX1);
	const __m256i mix1h = _mm256_set1_epi64x((long long)(RNG_MIX1 >> 32));
	const __m256i mix2 = _mm256_set1_epi64x((long long)RNG_MIX2);
	const __m256i mix2h = _mm256_set1_epi64x((long long)(RNG_MIX2 >> 32));
	/* lanes are 0..65535 and thr at most 65536: a signed compare will do */
	const __m256i thr = _mm256_set1_epi32((int)f->thr);
	const __m256  scale = _mm256_set1_ps(f->scale);
	const __m256  zero = _mm256_setzero_ps();
	const __m256  blo = _mm256_loadu_ps(f->b + j0);
	const __m256  bhi = _mm256_loadu_ps(f->b + j0 + 8);

	for (int i = 0; i < mr; i++) {
		uint64_t e0 = (uint64_t)(i0 + i) * f->n + (uint64_t)j0;
		uint64_t z0 = f->key + ((f->step << 32 | e0 >> 2) + 1) *
		    RNG_GOLDEN;
		__m256i  z = _mm256_add_epi64(_mm256_set1_epi64x((long long)z0),
		    quad);
		__m256   lo, hi, klo, khi;
		float   *row = c + i * ldc;

		z = mullo64_avx2(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)),
		    mix1, mix1h);
		z = mullo64_avx2(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)),
		    mix2, mix2h);
		z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
		/* lane j: bits 16 (j % 4) of hash j / 4, little-endian; the
		 * drop mask clears scale to +0 */
		klo = _mm256_castsi256_ps(_mm256_cmpgt_epi32(thr,
		    _mm256_cvtepu16_epi32(_mm256_castsi256_si128(z))));
		khi = _mm256_castsi256_ps(_mm256_cmpgt_epi32(thr,
		    _mm256_cvtepu16_epi32(_mm256_extracti128_si256(z, 1))));
		klo = _mm256_andnot_ps(klo, scale);
		khi = _mm256_andnot_ps(khi, scale);
		lo = _mm256_max_ps(_mm256_add_ps(_mm256_loadu_ps(row), blo),
		    zero);
		hi = _mm256_max_ps(_mm256_add_ps(_mm256_loadu_ps(row + 8), bhi),
		    zero);
		_mm256_storeu_ps(row, _mm256_mul_ps(lo, klo));
		_mm256_storeu_ps(row + 8, _mm256_mul_ps(hi, khi));
	}
}
#endif

/*
 * The SIMD level of the epilogues' own paths: they follow the GEMM kernel,
 * which is where a test or NOISETOP_SIMD chose the level.
 */
static int
epi_level(void)
{
#ifdef MLP_HAVE_X86
	return simd_level_of(gemm_kernel_name());
#else
	return SIMD_PORTABLE;
#endif
}

static void
epi_hidden(void *ctx, int i0, int j0, int mr, int nr, float *c, ptrdiff_t ldc)
{
	const struct fwd_ctx *f = ctx;
	const float *restrict b = f->b + j0;
	float                 keep[GEMM_TILE_N + 3];

#ifdef MLP_HAVE_X86
	/* whole rows of 16, and counters that OR into step << 32 as they add */
	if (f->drop && f->simd >= SIMD_AVX2 && nr == 16 && f->n % 4 == 0 &&
	    (uint64_t)(i0 + mr) * f->n < (uint64_t)1 << 34) {
		if (f->simd >= SIMD_AVX512)
			hidden_drop_avx512(f, i0, j0, mr, c, ldc);
		else
			hidden_drop_avx2(f, i0, j0, mr, c, ldc);
		return;
	}
#endif

	for (int i = 0; i < mr; i++) {
		float *restrict row = c + i * ldc;
		uint64_t        e0 = (uint64_t)(i0 + i) * f->n + (uint64_t)j0;

		if (!f->drop) {
			for (int j = 0; j < nr; j++) {
				float v = row[j] + b[j];
				row[j] = v > 0.0f ? v : 0.0f;
			}
			continue;
		}
		/* the keep factors first, a hash per four, then one
		 * vectorisable pass over the row */
		for (int j = 0; j < nr; j += 4) {
			uint64_t e = e0 + (uint64_t)j, h;

			if ((e & 3) == 0) {
				h = rng_hash(f->key, f->step << 32 | e >> 2);
				for (int q = 0; q < 4; q++)
					keep[j + q] = (uint32_t)(h >> 16 * q &
					    0xffff) >= f->thr ? f->scale : 0.0f;
				continue;
			}
			for (int q = 0; q < 4; q++, e++) {
				h = rng_hash(f->key, f->step << 32 | e >> 2);
				keep[j + q] = (uint32_t)(h >> 16 * (e & 3) &
				    0xffff) >= f->thr ? f->scale : 0.0f;
			}
		}
		/* max, then multiply: "v > 0 ? v * keep : 0" would be
		 * left scalar and branchy (with -ftrapping-math GCC will not
		 * if-convert arithmetic in one arm of a select) */
		for (int j = 0; j < nr; j++) {
			float v = row[j] + b[j];
			v = v > 0.0f ? v : 0.0f;
			row[j] = v * keep[j];
		}
	}
}

/*
 * Output layer: logits += b, and when the tile holds whole rows (n <=
 * GEMM_TILE_N) their softmax into probs as well.
 */
static void
softmax_row(const float *z, float *p, int n)
{
	float mx = z[0], sum = 0.0f;

	for (int j = 1; j < n; j++)
		mx = z[j] > mx ? z[j] : mx;
	for (int j = 0; j < n; j++) {
		p[j] = expf(z[j] - mx);
		sum += p[j];
	}
	for (int j = 0; j < n; j++)
		p[j] /= sum;
}

static void
epi_logits(void *ctx, int i0, int j0, int mr, int nr, float *c, ptrdiff_t ldc)
{
	const struct fwd_ctx *f = ctx;

	for (int i = 0; i < mr; i++) {
		float *row = c + i * ldc;

		for (int j = 0; j < nr; j++)
			row[j] += f->b[j0 + j];
		if (f->probs != NULL)
			softmax_row(row, f->probs + (size_t)(i0 + i) * f->n,
			    f->n);
	}
}

/*
 * The forward pass on a running team: each layer's GEMM with its epilogue,
 * a barrier between layers.  No barrier at the end.
 */
static void
forward_team(mlp *m, const float *x, int batch, int train,
    uint64_t dropout_key, uint64_t step)
{
	int   L = m->nlayer, nout = m->size[L];
	float rate = m->dropout;

	if (omp_get_thread_num() == 0)
		m->act[0] = x;   /* for mlp_backward(), after a barrier */
	{
		for (int l = 0; l < L; l++) {
			int            in = m->size[l], out = m->size[l + 1];
			struct fwd_ctx f = { m->b[l], out, 0, 0, 1.0f,
			    dropout_key + (uint64_t)l, step, NULL,
			    epi_level() };
			gemm_extra     ex = { l < L - 1 ? epi_hidden : epi_logits,
			    &f, NULL, m->bf16, m->packed_ok ? m->wpk[l] :
			    NULL };

			if (l < L - 1 && train && rate > 0.0f) {
				f.drop = 1;
				f.thr = (uint32_t)(rate * 65536.0f + 0.5f);
				f.scale = 1.0f / (1.0f - rate);
			}
			if (l == L - 1 && nout <= GEMM_TILE_N)
				f.probs = m->probs;
			/* act[l]: (B, in), W[l]: (in, out), buf[l+1]: (B, out) */
			gemm_team(0, 0, batch, out, in, l ? m->act[l] : x, in,
			    m->W[l], out, 0.0f, m->buf[l + 1], out, &ex);
			if (l < L - 1 || nout > GEMM_TILE_N) {
#pragma omp barrier
			}
		}
		if (nout > GEMM_TILE_N) {
#pragma omp for schedule(static) nowait
			for (int r = 0; r < batch; r++)
				softmax_row(m->buf[L] + (size_t)r * nout,
				    m->probs + (size_t)r * nout, nout);
		}
	}
}

/* One parallel region for the whole pass; its end is the last barrier. */
void
mlp_forward(mlp *m, const float *x, int batch, int train,
    uint64_t dropout_key, uint64_t step)
{
#pragma omp parallel
	forward_team(m, x, batch, train, dropout_key, step);
}

void
mlp_forward_team(mlp *m, const float *x, int batch, int train,
    uint64_t dropout_key, uint64_t step)
{
	forward_team(m, x, batch, train, dropout_key, step);
#pragma omp barrier
}

double
mlp_loss(mlp *m, const uint8_t *y, int batch, int *correct)
{
	int    n = m->size[m->nlayer], right = 0;
	double loss = 0.0;
	float *d = m->delta[m->nlayer];
	float  inv = 1.0f / (float)batch;

	for (int r = 0; r < batch; r++) {
		const float *p = m->probs + (size_t)r * n;
		int          arg = 0;

		for (int j = 1; j < n; j++)
			if (p[j] > p[arg])
				arg = j;
		right += arg == y[r];
		/* Keras clips probabilities to [eps, 1-eps] before the log. */
		float py = p[y[r]] < 1e-7f ? 1e-7f : p[y[r]];
		loss -= log((double)py);
		for (int j = 0; j < n; j++)
			d[(size_t)r * n + j] = (p[j] - (j == y[r])) * inv;
	}
	if (correct != NULL)
		*correct = right;
	return loss / batch;
}

/*
 * Input-gradient epilogue: delta (B, n) *= (act > 0) / keep, the ReLU and
 * dropout derivative (act is 0 wherever either cut the unit).
 */
struct bwd_ctx {
	const float *act;    /* (B, n) the layer's output */
	int          n;
	float        scale;
	int          simd;   /* epi_level() */
};

#ifdef MLP_HAVE_X86
/*
 * epi_relu_back() on a tile 16 columns wide, a row per vector: the same
 * multiply, and the compare "a > 0" (false for NaN) picking it or +0.
 */
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2"))) static void
relu_back_avx512(const struct bwd_ctx *g, int i0, int j0, int mr, float *c,
    ptrdiff_t ldc)
{
	const __m512 scale = _mm512_set1_ps(g->scale), zero = _mm512_setzero_ps();

	for (int i = 0; i < mr; i++) {
		const float *a = g->act + (size_t)(i0 + i) * g->n + j0;
		float       *row = c + i * ldc;
		__m512       v = _mm512_mul_ps(_mm512_loadu_ps(row), scale);

		_mm512_storeu_ps(row, _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(
		    _mm512_loadu_ps(a), zero, _CMP_GT_OQ), v));
	}
}

/* The same in AVX2: two 8-float halves per row. */
__attribute__((target("avx2,fma"))) static void
relu_back_avx2(const struct bwd_ctx *g, int i0, int j0, int mr, float *c,
    ptrdiff_t ldc)
{
	const __m256 scale = _mm256_set1_ps(g->scale), zero = _mm256_setzero_ps();

	for (int i = 0; i < mr; i++) {
		const float *a = g->act + (size_t)(i0 + i) * g->n + j0;
		float       *row = c + i * ldc;

		for (int h = 0; h < 16; h += 8) {
			__m256 v = _mm256_mul_ps(_mm256_loadu_ps(row + h), scale);
			__m256 k = _mm256_cmp_ps(_mm256_loadu_ps(a + h), zero,
			    _CMP_GT_OQ);

			_mm256_storeu_ps(row + h, _mm256_and_ps(k, v));
		}
	}
}
#endif

static void
epi_relu_back(void *ctx, int i0, int j0, int mr, int nr, float *c,
    ptrdiff_t ldc)
{
	const struct bwd_ctx *g = ctx;
	float                 scale = g->scale;

#ifdef MLP_HAVE_X86
	if (nr == 16 && g->simd >= SIMD_AVX512) {
		relu_back_avx512(g, i0, j0, mr, c, ldc);
		return;
	}
	if (nr == 16 && g->simd >= SIMD_AVX2) {
		relu_back_avx2(g, i0, j0, mr, c, ldc);
		return;
	}
#endif
	for (int i = 0; i < mr; i++) {
		const float *restrict a = g->act + (size_t)(i0 + i) * g->n + j0;
		float *restrict       row = c + i * ldc;

		/* two branch-free passes, not "a > 0 ? row * scale : 0",
		 * for the reason given in epi_hidden() */
		for (int j = 0; j < nr; j++)
			row[j] *= scale;
		for (int j = 0; j < nr; j++)
			row[j] = a[j] > 0.0f ? row[j] : 0.0f;
	}
}

/*
 * One parallel region: per layer, the weight gradient (with the bias
 * gradient as the column sums of delta, taken while it is packed) and the
 * input gradient (with the ReLU/dropout derivative as its epilogue) both
 * read delta[l+1] and write different buffers, so they share one barrier.
 */
static void
backward_team(mlp *m, int batch)
{
	float scale = 1.0f / (1.0f - m->dropout);

	for (int l = m->nlayer - 1; l >= 0; l--) {
		int            in = m->size[l], out = m->size[l + 1];
		gemm_extra     wx = { NULL, NULL, m->db[l], m->bf16, NULL };
		struct bwd_ctx g = { m->act[l], in, scale, epi_level() };
		gemm_extra     ix = { epi_relu_back, &g, NULL, m->bf16,
		    m->packed_ok ? m->wtpk[l] : NULL };

		/* dW(in,out) = act[l]^T (in,B) @ delta[l+1] (B,out) */
		gemm_team(1, 0, in, out, batch, m->act[l], in, m->delta[l + 1],
		    out, 0.0f, m->dW[l], out, &wx);
		/* delta[l](B,in) = delta[l+1] (B,out) @ W[l]^T (out,in) */
		if (l > 0) {
			gemm_team(0, 1, batch, in, out, m->delta[l + 1], out,
			    m->W[l], out, 0.0f, m->delta[l], in, &ix);
#pragma omp barrier
		}
	}
}

void
mlp_backward(mlp *m, int batch)
{
#pragma omp parallel
	backward_team(m, batch);
}

void
mlp_backward_team(mlp *m, int batch)
{
	backward_team(m, batch);
#pragma omp barrier
}

/*
 * The input-gradient half of backward_team(), with no dropout to undo
 * (scale 1: the mask is the ReLU's alone) and one more product for layer 0,
 * which has no activation to differentiate.
 */
static void
input_grad_team(mlp *m, int batch)
{
	for (int l = m->nlayer - 1; l >= 0; l--) {
		int            in = m->size[l], out = m->size[l + 1];
		struct bwd_ctx g = { m->act[l], in, 1.0f, epi_level() };
		gemm_extra     ix = { l > 0 ? epi_relu_back : NULL, &g, NULL, 0,
		    NULL };

		/* delta[l](B,in) = delta[l+1] (B,out) @ W[l]^T (out,in) */
		gemm_team(0, 1, batch, in, out, m->delta[l + 1], out, m->W[l],
		    out, 0.0f, m->delta[l], in, &ix);
#pragma omp barrier
	}
}

void
mlp_input_grad(mlp *m, int batch)
{
#pragma omp parallel
	input_grad_team(m, batch);
}

void
mlp_decay_team(mlp *m, float l2)
{
	float k = 2.0f * l2;

	for (int l = 0; l < m->nlayer; l++) {
		size_t       n = (size_t)m->size[l] * m->size[l + 1];
		const float *w = m->W[l];
		float       *dw = m->dW[l];

#pragma omp for schedule(static) nowait
		for (size_t i = 0; i < n; i++)
			dw[i] += k * w[i];
	}
#pragma omp barrier
}

void
mlp_copy_params(const mlp *m, float *dst)
{
	memcpy(dst, m->param, m->nparam * sizeof(float));
}

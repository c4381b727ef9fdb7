/* The MLP: dense layers, ReLU, inverted dropout, softmax cross-entropy. */
#include "mlp.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "rng.h"

#define MLP_MAX_WIDTH (1 << 16)

__attribute__((format(printf, 3, 4))) static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

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
		set_err(err, errlen, "%d layers: must be 1 to %d", nlayer,
		    MLP_MAX_LAYERS);
		return NULL;
	}
	for (int l = 0; l <= nlayer; l++) {
		if (size[l] < 1 || size[l] > MLP_MAX_WIDTH) {
			set_err(err, errlen, "layer size %d: must be 1 to %d",
			    size[l], MLP_MAX_WIDTH);
			return NULL;
		}
	}
	if (batch_cap < 1 || batch_cap > 1 << 20) {
		set_err(err, errlen, "batch %d: must be 1 to %d", batch_cap,
		    1 << 20);
		return NULL;
	}
	if (!(dropout >= 0.0f && dropout < 1.0f)) {
		set_err(err, errlen, "dropout %g: must be in [0, 1)",
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
		/* Keep every block 16-float aligned inside param. */
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
	set_err(err, errlen, "out of memory for a %d-layer network", nlayer);
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
	free(m);
}

void
mlp_init(mlp *m, uint64_t seed)
{
	for (int l = 0; l < m->nlayer; l++) {
		uint64_t key = rng_key(seed, RNG_INIT, (uint64_t)l);
		size_t   n = (size_t)m->size[l] * m->size[l + 1];
		float    lim = sqrtf(6.0f / (float)(m->size[l] +
		    m->size[l + 1]));
		float   *w = m->W[l];

#pragma omp parallel for schedule(static)
		for (size_t i = 0; i < n; i++)
			w[i] = (2.0f * rng_uniform(key, i) - 1.0f) * lim;
		memset(m->b[l], 0, (size_t)m->size[l + 1] * sizeof(float));
	}
}

/*
 * Hidden-layer epilogue, in place on y (B, n) holding x @ W:
 *   y = relu(y + b) * keep_mask / (1 - rate)
 * The mask for element e of the batch at this step is one 16-bit lane of
 * rng_hash(key, step << 32 | e / 4): four decisions per hash.
 */
static void
bias_relu_dropout(float *y, const float *b, int batch, int n, int train,
    float rate, uint64_t key, uint64_t step)
{
	uint32_t thr = (uint32_t)(rate * 65536.0f + 0.5f);
	float    scale = train && rate > 0.0f ? 1.0f / (1.0f - rate) : 1.0f;
	int      drop = train && rate > 0.0f;

#pragma omp parallel for schedule(static)
	for (int r = 0; r < batch; r++) {
		float   *row = y + (size_t)r * n;
		uint64_t e0 = (uint64_t)r * n;

		if (!drop) {
#pragma omp simd
			for (int j = 0; j < n; j++) {
				float v = row[j] + b[j];
				row[j] = v > 0.0f ? v : 0.0f;
			}
			continue;
		}
		uint64_t h = rng_hash(key, step << 32 | e0 >> 2);
		for (int j = 0; j < n; j++) {
			uint64_t e = e0 + (uint64_t)j;
			uint32_t lane;
			float    v = row[j] + b[j];

			if ((e & 3) == 0)
				h = rng_hash(key, step << 32 | e >> 2);
			lane = (uint32_t)(h >> (16 * (e & 3))) & 0xffff;
			row[j] = (v > 0.0f && lane >= thr) ? v * scale : 0.0f;
		}
	}
}

/* Softmax of each row of logits (B, n) into probs. */
static void
softmax_rows(const float *logits, float *probs, int batch, int n)
{
#pragma omp parallel for schedule(static)
	for (int r = 0; r < batch; r++) {
		const float *z = logits + (size_t)r * n;
		float       *p = probs + (size_t)r * n;
		float        mx = z[0], sum = 0.0f;

		for (int j = 1; j < n; j++)
			mx = z[j] > mx ? z[j] : mx;
		for (int j = 0; j < n; j++) {
			p[j] = expf(z[j] - mx);
			sum += p[j];
		}
		for (int j = 0; j < n; j++)
			p[j] /= sum;
	}
}

void
mlp_forward(mlp *m, const float *x, int batch, int train,
    uint64_t dropout_key, uint64_t step)
{
	int L = m->nlayer;

	m->act[0] = x;
	for (int l = 0; l < L; l++) {
		int in = m->size[l], out = m->size[l + 1];

		/* act[l]: (B, in), W[l]: (in, out), buf[l+1]: (B, out) */
		gemm(0, 0, batch, out, in, m->act[l], in, m->W[l], out, 0.0f,
		    m->buf[l + 1], out);
		if (l < L - 1)
			bias_relu_dropout(m->buf[l + 1], m->b[l], batch, out,
			    train, m->dropout, dropout_key + (uint64_t)l,
			    step);
		else {
			float       *z = m->buf[L];
			const float *b = m->b[l];

			for (int r = 0; r < batch; r++)
				for (int j = 0; j < out; j++)
					z[(size_t)r * out + j] += b[j];
		}
	}
	softmax_rows(m->buf[L], m->probs, batch, m->size[L]);
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

/* db(n) = column sums of d (B, n); each thread owns a range of columns. */
static void
column_sums(const float *d, int batch, int n, float *db)
{
#pragma omp parallel for schedule(static)
	for (int j0 = 0; j0 < n; j0 += 64) {
		int   j1 = j0 + 64 < n ? j0 + 64 : n;
		float acc[64] = { 0 };

		for (int r = 0; r < batch; r++) {
			const float *row = d + (size_t)r * n;
#pragma omp simd
			for (int j = j0; j < j1; j++)
				acc[j - j0] += row[j];
		}
		for (int j = j0; j < j1; j++)
			db[j] = acc[j - j0];
	}
}

/* delta (B, n) *= (act > 0) / keep: the ReLU and dropout derivative. */
static void
relu_dropout_backward(float *delta, const float *act, size_t total,
    float scale)
{
#pragma omp parallel for simd schedule(static)
	for (size_t i = 0; i < total; i++)
		delta[i] = act[i] > 0.0f ? delta[i] * scale : 0.0f;
}

void
mlp_backward(mlp *m, int batch)
{
	float scale = 1.0f / (1.0f - m->dropout);

	for (int l = m->nlayer - 1; l >= 0; l--) {
		int in = m->size[l], out = m->size[l + 1];

		/* dW(in,out) = act[l]^T (in,B) @ delta[l+1] (B,out) */
		gemm(1, 0, in, out, batch, m->act[l], in, m->delta[l + 1],
		    out, 0.0f, m->dW[l], out);
		column_sums(m->delta[l + 1], batch, out, m->db[l]);
		if (l == 0)
			break;
		/* delta[l](B,in) = delta[l+1] (B,out) @ W[l]^T (out,in) */
		gemm(0, 1, batch, in, out, m->delta[l + 1], out, m->W[l], out,
		    0.0f, m->delta[l], in);
		relu_dropout_backward(m->delta[l], m->act[l],
		    (size_t)batch * in, scale);
	}
}

void
mlp_copy_params(const mlp *m, float *dst)
{
	memcpy(dst, m->param, m->nparam * sizeof(float));
}

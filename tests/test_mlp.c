/* The MLP's gradients against finite differences; Adam against a scalar
 * reference; the team entry points against the plain ones (and in bf16,
 * with the weights kept packed, where the CPU has the kernel); a short
 * training run; the hidden epilogue's SIMD paths against its plain loop.
 * The kernel-dependent checks run under every SIMD path the CPU has
 * (the portable one always), as a CPU without AVX2 would run them. */
#include "engine/mlp.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/adam.h"
#include "kernels/gemm.h"
#include "kernels/rng.h"
#include "tap.h"
#include "engine/train.h"

#define B 5

static double
loss_at(mlp *m, const float *x, const uint8_t *y)
{
	mlp_forward(m, x, B, 1, 99, 7);
	return mlp_loss(m, y, B, NULL);
}

static void
gradient_check(float dropout)
{
	int      size[4] = { 13, 9, 7, 5 };
	char     err[256];
	mlp     *m = mlp_new(3, size, B, dropout, err, sizeof err);
	float    x[B * 13];
	uint8_t  y[B];
	float   *g;
	int      bad = 0, checked = 0;
	double   worst = 0;

	mlp_init(m, 5);
	/* Non-zero biases so that every path is exercised. */
	for (int l = 0; l < 3; l++)
		for (int j = 0; j < size[l + 1]; j++)
			m->b[l][j] = 0.1f * (rng_uniform(11, l * 100 + j) - 0.3f);
	for (int i = 0; i < B * 13; i++)
		x[i] = rng_uniform(12, i);
	for (int r = 0; r < B; r++)
		y[r] = r % 5;

	loss_at(m, x, y);
	mlp_backward(m, B);
	g = malloc(m->nparam * sizeof *g);
	for (size_t i = 0; i < m->nparam; i++)
		g[i] = m->grad[i];

	for (size_t i = 0; i < m->nparam; i++) {
		float  p = m->param[i], h = 1e-3f;
		double lp, lm, fd, d;

		m->param[i] = p + h;
		lp = loss_at(m, x, y);
		m->param[i] = p - h;
		lm = loss_at(m, x, y);
		m->param[i] = p;
		fd = (lp - lm) / (2.0 * h);
		d = fabs(fd - g[i]);
		if (d > 2e-3 + 2e-2 * fabs(fd)) {
			if (bad < 5)
				diag("param %zu: analytic %.6g numeric %.6g", i,
				    (double)g[i], fd);
			bad++;
		}
		worst = d > worst ? d : worst;
		checked++;
	}
	ok(bad == 0, "dropout %.1f: all %d gradients match central "
	    "differences (largest difference %.2g)", (double)dropout, checked,
	    worst);
	free(g);
	mlp_free(m);
}

/*
 * Keras's L2 weight decay: the gradient of mean loss + l2 sum(W^2) (weights,
 * not biases) from mlp_backward_team() and mlp_decay_team() on a team of
 * two, against central differences of that objective in double.
 */
static void
decay_check(float dropout, float l2)
{
	int      size[4] = { 13, 9, 7, 5 };
	char     err[256];
	mlp     *m = mlp_new(3, size, B, dropout, err, sizeof err);
	float    x[B * 13];
	uint8_t  y[B];
	float   *g;
	int      bad = 0, checked = 0, biases = 0;
	double   worst = 0;

	mlp_init(m, 6);
	for (int l = 0; l < 3; l++)
		for (int j = 0; j < size[l + 1]; j++)
			m->b[l][j] = 0.1f * (rng_uniform(11, l * 100 + j) - 0.3f);
	for (int i = 0; i < B * 13; i++)
		x[i] = rng_uniform(12, i);
	for (int r = 0; r < B; r++)
		y[r] = r % 5;
	loss_at(m, x, y);
#pragma omp parallel num_threads(2)
	{
		mlp_backward_team(m, B);
		mlp_decay_team(m, l2);
	}
	g = malloc(m->nparam * sizeof *g);
	memcpy(g, m->grad, m->nparam * sizeof *g);
	for (size_t i = 0; i < m->nparam; i++) {
		float  p = m->param[i], h = 1e-3f;
		double lp, lm, fd, d, pen = 0.0;
		int    is_w = 0;

		for (int l = 0; l < 3; l++)
			if (m->param + i >= m->W[l] && m->param + i < m->W[l] +
			    (size_t)size[l] * size[l + 1])
				is_w = 1;
		/* the penalty's change alone, in double: the rest of
		 * sum(W^2) cancels in the difference */
		if (is_w)
			pen = l2 * (((double)p + h) * ((double)p + h) -
			    ((double)p - h) * ((double)p - h));
		m->param[i] = p + h;
		lp = loss_at(m, x, y);
		m->param[i] = p - h;
		lm = loss_at(m, x, y);
		m->param[i] = p;
		fd = (lp - lm + pen) / (2.0 * h);
		d = fabs(fd - g[i]);
		if (d > 2e-3 + 2e-2 * fabs(fd)) {
			if (bad < 5)
				diag("param %zu: analytic %.6g numeric %.6g", i,
				    (double)g[i], fd);
			bad++;
		}
		worst = d > worst ? d : worst;
		checked++;
		biases += !is_w;
	}
	ok(bad == 0, "weight decay %g, dropout %.1f: all %d gradients (%d "
	    "biases, undecayed) match central differences of loss + l2 "
	    "sum(W^2) (largest difference %.2g)", (double)l2,
	    (double)dropout, checked, biases, worst);
	free(g);
	mlp_free(m);
}

/*
 * Three steps of training (forward, loss, backward, Adam) on batch 11,
 * through the plain calls (m1) and through the _team entry points on a team
 * of two with train_adam_team() (m2), in bf16 mode or not: 1 when loss,
 * parameters and gradients agree bit for bit.  *packed: whether m2 ended
 * with its weights kept packed in bf16 and m1 (whose products round them
 * each time) not.
 */
static int
plain_vs_team(const int size[4], int bf16, int *packed)
{
	char     err[256];
	mlp     *m1 = mlp_new(3, size, 11, 0.25f, err, sizeof err);
	mlp     *m2 = mlp_new(3, size, 11, 0.25f, err, sizeof err);
	adam     a1, a2;
	float   *x = malloc((size_t)11 * size[0] * sizeof *x);
	uint8_t  y[11];
	double   l1 = 0, l2 = 0;
	int      same;

	if (m1 == NULL || m2 == NULL || x == NULL ||
	    mlp_set_bf16(m1, bf16) != 0 || mlp_set_bf16(m2, bf16) != 0 ||
	    adam_init(&a1, m1->nparam, 1e-3f) != 0 ||
	    adam_init(&a2, m2->nparam, 1e-3f) != 0)
		exit(2);
	mlp_init(m1, 3);
	mlp_init(m2, 3);
	for (int i = 0; i < 11 * size[0]; i++)
		x[i] = rng_uniform(4, i);
	for (int r = 0; r < 11; r++)
		y[r] = (uint8_t)(r * 7 % size[3]);
	for (int s = 0; s < 3; s++) {
		mlp_forward(m1, x, 11, 1, 8, s);
		l1 += mlp_loss(m1, y, 11, NULL);
		mlp_backward(m1, 11);
		adam_step(&a1, m1->param, m1->grad);
#pragma omp parallel num_threads(2)
		{
			mlp_forward_team(m2, x, 11, 1, 8, s);
#pragma omp single
			l2 += mlp_loss(m2, y, 11, NULL);
			mlp_backward_team(m2, 11);
			train_adam_team(m2, &a2);
		}
	}
	same = l1 == l2 && a1.t == 3 && a2.t == 3 &&
	    memcmp(m1->param, m2->param, m1->nparam * sizeof(float)) == 0 &&
	    memcmp(m1->grad, m2->grad, m1->nparam * sizeof(float)) == 0;
	*packed = !m1->packed_ok && m2->packed_ok;
	adam_destroy(&a1);
	adam_destroy(&a2);
	mlp_free(m1);
	mlp_free(m2);
	free(x);
	return same;
}

/* Odd sizes and an output layer wider than a GEMM tile. */
static void
team_check(void)
{
	int	packed;

	ok(plain_vs_team((int[]){ 37, 29, 23, 19 }, 0, &packed),
	    "%s: 3 steps through the _team calls on 2 threads == plain calls, "
	    "bit for bit", gemm_kernel_name());
}

/*
 * bf16 mode, where train_adam_team() keeps the weights rounded and packed
 * for the next step's products (mlp.h: wpk) and the plain calls' products
 * round them each time: the same bits.  Layer 0's K of 600 makes two K
 * blocks.
 */
static void
bf16_packed_check(void)
{
	int	packed;

	if (!gemm_bf16_available()) {
		skip("bf16 with packed weights: no bf16 kernel here");
		return;
	}
	ok(plain_vs_team((int[]){ 600, 70, 45, 10 }, 1, &packed) && packed,
	    "bf16: 3 steps with the weights packed by train_adam_team() == "
	    "plain calls that round them each product, bit for bit");
}

/*
 * A short training run: 200 steps of batch 32 on a linearly separable
 * 3-class problem; the loss must fall well below its start (ln 3).
 */
static void
train_check(void)
{
	int      size[4] = { 20, 64, 64, 3 };
	char     err[256];
	mlp     *m = mlp_new(3, size, 32, 0.2f, err, sizeof err);
	adam     a;
	float    x[32 * 20];
	uint8_t  y[32];
	double   first = 0, last = 0;
	int      right = 0;

	mlp_init(m, 9);
	adam_init(&a, m->nparam, 1e-3f);
	for (int s = 0; s < 200; s++) {
		for (int r = 0; r < 32; r++) {
			uint64_t id = (uint64_t)s * 32 + r;

			y[r] = (uint8_t)(rng_hash(21, id) % 3);
			for (int j = 0; j < 20; j++)
				x[r * 20 + j] = rng_uniform(22, id * 20 + j) +
				    (j % 3 == y[r] ? 0.6f : 0.0f);
		}
		mlp_forward(m, x, 32, 1, 5, (uint64_t)s);
		double l = mlp_loss(m, y, 32, s == 199 ? &right : NULL);
		if (s < 10)
			first += l / 10;
		if (s >= 190)
			last += l / 10;
		mlp_backward(m, 32);
		adam_step(&a, m->param, m->grad);
	}
	ok(first > 0.9 && last < 0.3 && right >= 28, "gemm %s, adam %s: 200 "
	    "steps take the loss from %.3f to %.3f (%d/32 right)",
	    gemm_kernel_name(), adam_kernel_name(), first, last, right);
	adam_destroy(&a);
	mlp_free(m);
}

/*
 * 20 training steps of a net with odd widths (84: whole 16-column tiles
 * and a ragged one, through both dropout epilogue paths) on
 * the given kernels for gemm and adam; the parameters into out (nparam).
 */
static size_t
train_steps(const char *kname, float *out)
{
	int      size[4] = { 50, 84, 40, 10 };
	char     err[256];
	mlp     *m = mlp_new(3, size, 33, 0.2f, err, sizeof err);
	adam     a;
	float    x[33 * 50];
	uint8_t  y[33];
	size_t   n = m->nparam;

	gemm_force_kernel(kname);
	adam_force_kernel(kname);
	mlp_init(m, 4);
	adam_init(&a, m->nparam, 1e-3f);
	for (int s = 0; s < 20; s++) {
		for (int i = 0; i < 33 * 50; i++)
			x[i] = rng_uniform(31, (uint64_t)s * 33 * 50 + i);
		for (int r = 0; r < 33; r++)
			y[r] = (uint8_t)(rng_hash(32, (uint64_t)s * 33 + r) % 10);
		mlp_forward(m, x, 33, 1, 6, (uint64_t)s);
		mlp_loss(m, y, 33, NULL);
		mlp_backward(m, 33);
		adam_step(&a, m->param, m->grad);
	}
	memcpy(out, m->param, n * sizeof *out);
	adam_destroy(&a);
	mlp_free(m);
	return n;
}

/*
 * Training on the AVX2 and the AVX-512 kernels (GEMM and Adam) gives the
 * same bits, so results published from either CPU hold on the other.
 */
static void
kernels_same_bits(void)
{
	static float p2[8192], p5[8192];
	size_t       n;

	if (gemm_force_kernel("avx2") != 0 || gemm_force_kernel("avx512") != 0) {
		printf("ok %d # SKIP avx2 == avx512 training: the CPU lacks "
		    "one\n", ++tap_n);
		return;
	}
	n = train_steps("avx2", p2);
	train_steps("avx512", p5);
	ok(n <= 8192 && memcmp(p2, p5, n * sizeof *p2) == 0, "20 training "
	    "steps: avx2 and avx512 kernels give bit-identical weights");
}

/*
 * The hidden epilogue (bias, ReLU, dropout) gives the same bits on every
 * path: the plain loop (every tile under the portable GEMM; the ragged
 * 4-column tile of the 84-wide layer and all of the 30-wide one under every
 * kernel), hidden_drop_avx2 and hidden_drop_avx512.  The epilogue follows
 * the GEMM kernel, and the portable kernel rounds differently from the FMA
 * ones, so the inputs are small dyadic numbers: every product and sum in
 * the GEMM is exact, the three kernels give the same pre-activations (held
 * against gemm() first), and only the epilogue can differ.  The one
 * deliberate exception is row 5 of layer 1 in the columns of EPI_NEGZ:
 * 2^-100 * -2^-100 underflows, which an FMA from +0 rounds to -0 and a
 * product then a sum to +0, and the bias there is -0, so the FMA kernels
 * feed -0 into the ReLU.  x[3][5] = +inf gives +inf, -inf and (where
 * W = 0) NaN pre-activations, two NaN biases NaN columns; kept infinities
 * stay +inf and dropped ones become inf * 0 = NaN on every path alike.
 * Dropout 0.5: keep scale 2, exact in the second layer too.
 */
#define EB 13
static const int epi_negz[] = { 3, 20, 47, 81 };   /* b = -0, 81 ragged */

static int
is_negz_col(int j)
{
	for (size_t q = 0; q < sizeof epi_negz / sizeof *epi_negz; q++)
		if (epi_negz[q] == j)
			return 1;
	return 0;
}

static uint32_t
bits(float v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof u);
	return u;
}

static void
epilogue_same_bits(void)
{
	static const char *kn[3] = { "portable", "avx2", "avx512" };
	static float pre[3][EB * 84], a1[3][2][EB * 84], a2[3][2][EB * 30];
	int          size[4] = { 37, 84, 30, 10 }, have[3] = { 0 };
	char         err[256], was[16];
	mlp         *m = mlp_new(3, size, EB, 0.5f, err, sizeof err);
	float        x[EB * 37];
	int          diff = 0, negz = 0, nan = 0, inf = 0, dropped = 0;
	int          kept = 0, signed0 = 0;

	snprintf(was, sizeof was, "%s", gemm_kernel_name());
	mlp_init(m, 1);
	for (int l = 0; l < 2; l++) {
		for (int k = 0; k < size[l]; k++)
			for (int j = 0; j < size[l + 1]; j++)
				m->W[l][k * size[l + 1] + j] = (float)((k * 5 +
				    j * 3 + l) % 9 - 4) / 8.0f;
		for (int j = 0; j < size[l + 1]; j++)
			m->b[l][j] = (float)(j * 7 % 11 - 5) / 16.0f;
	}
	for (int r = 0; r < EB; r++)
		for (int k = 0; k < 37; k++)
			x[r * 37 + k] = (float)((r * 3 + k * 7) % 17 - 8) /
			    4.0f;
	x[3 * 37 + 5] = INFINITY;
	x[5 * 37] = 0x1p-100f;
	for (int k = 1; k < 37; k++)
		x[5 * 37 + k] = -0.0f;
	for (int j = 0; j < 84; j++) {
		if (!is_negz_col(j))
			continue;
		m->b[0][j] = -0.0f;
		m->W[0][j] = -0x1p-100f;
		for (int k = 1; k < 37; k++)
			m->W[0][k * 84 + j] = fabsf(m->W[0][k * 84 + j]);
	}
	m->b[0][50] = m->b[0][82] = NAN;

	for (int k = 0; k < 3; k++) {
		if (gemm_force_kernel(kn[k]) != 0)
			continue;
		have[k] = 1;
		gemm(0, 0, EB, 84, 37, x, 37, m->W[0], 84, 0.0f, pre[k], 84);
		for (int t = 0; t < 2; t++) {
			mlp_forward(m, x, EB, !t, 77, 0x12345);
			memcpy(a1[k][t], m->act[1], sizeof a1[k][t]);
			memcpy(a2[k][t], m->act[2], sizeof a2[k][t]);
		}
	}
	gemm_force_kernel(was);

	/* the reference: the documented formula on the portable GEMM */
	for (int e = 0; e < EB * 84; e++) {
		uint64_t h = rng_hash(77, (uint64_t)0x12345 << 32 |
		    (uint64_t)e >> 2);
		int      keep = (h >> 16 * (e & 3) & 0xffff) >= 32768;
		float    v = pre[0][e] + m->b[0][e % 84];

		nan += isnan(v);
		inf += isinf(v) && v > 0;
		dropped += !keep;
		kept += keep;
		v = v > 0.0f ? v : 0.0f;
		diff += bits(a1[0][0][e]) != bits(v * (keep ? 2.0f : 0.0f));
	}
	ok(diff == 0 && nan > 0 && inf > 0 && dropped > 300 && kept > 300,
	    "epilogue, portable: bias, ReLU, dropout 0.5 as the formula on "
	    "%d NaN and %d +inf inputs, %d dropped, %d kept (%d differ)", nan,
	    inf, dropped, kept, diff);

	for (int k = 1; k < 3; k++) {
		if (!have[k]) {
			skip("%s epilogue: not in this build or CPU", kn[k]);
			continue;
		}
		/* the GEMM's output is the same but for the planned -0s */
		diff = negz = 0;
		for (int e = 0; e < EB * 84; e++) {
			if (e / 84 == 5 && is_negz_col(e % 84)) {
				negz += bits(pre[k][e]) == 0x80000000u &&
				    bits(pre[0][e]) == 0;
				continue;
			}
			diff += bits(pre[k][e]) != bits(pre[0][e]);
		}
		ok(diff == 0 && negz == 4, "%s GEMM: pre-activations identical "
		    "to portable's but for %d planned -0 (%d differ)", kn[k],
		    negz, diff);
		for (int t = 0; t < 2; t++)
			ok(memcmp(a1[k][t], a1[0][t], sizeof a1[k][t]) == 0 &&
			    memcmp(a2[k][t], a2[0][t], sizeof a2[k][t]) == 0,
			    "%s epilogue, %s: activations of the 84- and "
			    "30-wide layers bit-identical to the plain loop's",
			    kn[k],
			    t ? "ReLU alone" : "dropout");
	}
	for (int k = 0; k < 3; k++)
		for (int e = 0; have[k] && e < EB * 84; e++)
			signed0 += bits(a1[k][0][e]) == 0x80000000u;
	ok(signed0 == 0, "no -0 out of the ReLU (%d)", signed0);
	mlp_free(m);
}

/* Adam against the formula, in double. */
static void
adam_check(void)
{
	adam   a;
	float  p[3] = { 0.5f, -1.0f, 2.0f }, gr[3] = { 0.1f, -2.0f, 0 };
	double pd[3] = { 0.5, -1.0, 2.0 }, md[3] = { 0 }, vd[3] = { 0 };
	double worst = 0;

	adam_init(&a, 3, 1e-3f);
	for (int t = 1; t <= 10; t++) {
		adam_step(&a, p, gr);
		double lr = 1e-3 * sqrt(1 - pow(0.999, t)) /
		    (1 - pow(0.9, t));
		for (int i = 0; i < 3; i++) {
			md[i] = 0.9 * md[i] + 0.1 * gr[i];
			vd[i] = 0.999 * vd[i] + 0.001 * gr[i] * gr[i];
			pd[i] -= lr * md[i] / (sqrt(vd[i]) + 1e-7);
			double d = fabs(pd[i] - p[i]);
			worst = d > worst ? d : worst;
		}
	}
	ok(worst < 1e-6, "adam %s matches Keras's update over 10 "
	    "steps (largest difference %.2g)", adam_kernel_name(), worst);
	adam_destroy(&a);
}

/*
 * Dropout in a hidden layer whose width is not a multiple of 4 (6), so
 * rows start mid-hash: against mlp.h's formula in plain loops, the mask of
 * element e being lane e % 4 of rng_hash(key, step << 32 | e / 4).
 */
static void
dropout_odd_width(void)
{
	enum { DB = 7, DIN = 5, DH = 6, DOUT = 3 };
	const int size[3] = { DIN, DH, DOUT };
	char      err[256];
	mlp      *m = mlp_new(2, size, DB, 0.5f, err, sizeof err);
	float     x[DB * DIN];
	int       diff = 0, dropped = 0, kept = 0;

	if (m == NULL) {
		ok(0, "a 5-6-3 net: %s", err);
		return;
	}
	mlp_init(m, 4);
	for (int j = 0; j < DH; j++)
		m->b[0][j] = 0.25f;
	for (int i = 0; i < DB * DIN; i++)
		x[i] = (float)(i % 7) / 7.0f;
	mlp_forward(m, x, DB, 1, 99, 5);
	for (int r = 0; r < DB; r++)
		for (int j = 0; j < DH; j++) {
			uint64_t e = (uint64_t)r * DH + j;
			uint64_t h = rng_hash(99, (uint64_t)5 << 32 | e >> 2);
			int      keep = (h >> 16 * (e & 3) & 0xffff) >= 32768;
			double   v = m->b[0][j];

			for (int k = 0; k < DIN; k++)
				v += (double)x[r * DIN + k] * m->W[0][k * DH + j];
			v = v > 0.0 ? v * (keep ? 2.0 : 0.0) : 0.0;
			diff += !(fabs(m->act[1][e] - v) <= 1e-5);
			dropped += !keep;
			kept += keep;
		}
	ok(diff == 0 && dropped > 5 && kept > 5, "dropout on a 6-wide layer: "
	    "relu(x W + b) times each element's own mask lane (%d dropped, %d "
	    "kept, %d differ)", dropped, kept, diff);
	mlp_free(m);
}

/*
 * The drop threshold of rate 0.5 is lane 32768 exactly: an element whose
 * lane is 32767 is dropped and one whose lane is 32768 kept (found by
 * searching the steps); and the loss clips a vanishing probability at
 * 1e-7, as Keras does.
 */
static void
dropout_edge_and_clip(void)
{
	enum { EB2 = 4, EW = 8 };
	const int size[3] = { 2, EW, 2 };
	char      err[256];
	mlp      *m = mlp_new(2, size, EB2, 0.5f, err, sizeof err);
	float     x[EB2 * 2] = { 0 };
	int       found[2] = { -1, -1 };
	uint64_t  step[2] = { 0, 0 };

	if (m == NULL) {
		ok(0, "a 2-8-2 net: %s", err);
		return;
	}
	mlp_init(m, 1);
	memset(m->W[0], 0, 2 * EW * sizeof(float));
	for (int j = 0; j < EW; j++)
		m->b[0][j] = 1.0f;   /* every unit 1 before dropout */
	for (uint64_t st = 0; st < 100000 && (found[0] < 0 || found[1] < 0);
	    st++)
		for (int e = 0; e < EB2 * EW; e++) {
			uint64_t h = rng_hash(5, st << 32 | (uint64_t)e >> 2);
			int      lane = (int)(h >> 16 * (e & 3) & 0xffff);

			for (int k = 0; k < 2; k++)
				if (lane == 32767 + k && found[k] < 0) {
					found[k] = e;
					step[k] = st;
				}
		}
	for (int k = 0; k < 2; k++) {
		float want = k ? 2.0f : 0.0f;

		if (found[k] < 0) {
			skip("no lane %d in the steps searched", 32767 + k);
			continue;
		}
		mlp_forward(m, x, EB2, 1, 5, step[k]);
		ok(m->act[1][found[k]] == want, "dropout 0.5: lane %d is %s "
		    "(%g)", 32767 + k, k ? "kept" : "dropped",
		    (double)m->act[1][found[k]]);
	}

	/* Logits 0 and -40 for class 1: p = e^-40, clipped to 1e-7. */
	memset(m->W[1], 0, EW * 2 * sizeof(float));
	m->b[1][0] = 0.0f;
	m->b[1][1] = -40.0f;
	mlp_forward(m, x, 1, 0, 0, 0);
	{
		uint8_t y = 1;
		double  loss = mlp_loss(m, &y, 1, NULL);

		ok(fabs(loss - -log((double)1e-7f)) < 1e-6, "a probability of "
		    "e^-40 costs -log(1e-7) = %.4f, not %.1f", loss, 40.0);
	}
	/* Equal logits: the prediction is the first class, so only label 0
	 * counts as right. */
	m->b[1][1] = 0.0f;
	mlp_forward(m, x, 2, 0, 0, 0);
	{
		uint8_t y[2] = { 0, 0 };
		int     right = -1;

		mlp_loss(m, y, 2, &right);
		ok(right == 2, "a tie predicts the first class: both labels 0 "
		    "right (%d)", right);
	}
	mlp_free(m);
}

/*
 * An output layer wider than a GEMM tile takes the softmax after the
 * product instead of in its epilogue: probabilities against a plain
 * softmax of x W + b, for each width either side of the tile.
 */
static void
softmax_wide(void)
{
	const int widths[2] = { GEMM_TILE_N, 3 * GEMM_TILE_N + 5 };

	for (int k = 0; k < 2; k++) {
		int    size[2] = { 5, widths[k] }, bad = 0;
		char   err[256];
		mlp   *m = mlp_new(1, size, 3, 0.0f, err, sizeof err);
		float  x[15];

		if (m == NULL) {
			ok(0, "a 5-%d net: %s", widths[k], err);
			continue;
		}
		mlp_init(m, 9);
		for (int j = 0; j < widths[k]; j++)
			m->b[0][j] = 0.01f * (float)(j % 7);
		for (int i = 0; i < 15; i++)
			x[i] = (float)(i % 4) - 1.0f;
		mlp_forward(m, x, 3, 0, 0, 0);
		for (int r = 0; r < 3; r++) {
			double z[256], zmax = -1e300, sum = 0.0;

			for (int j = 0; j < widths[k]; j++) {
				z[j] = m->b[0][j];
				for (int i = 0; i < 5; i++)
					z[j] += (double)x[r * 5 + i] *
					    m->W[0][i * widths[k] + j];
				zmax = z[j] > zmax ? z[j] : zmax;
			}
			for (int j = 0; j < widths[k]; j++)
				sum += exp(z[j] - zmax);
			for (int j = 0; j < widths[k]; j++)
				bad += !(fabs(m->probs[r * widths[k] + j] -
				    exp(z[j] - zmax) / sum) <= 1e-6);
		}
		ok(bad == 0, "softmax of a %d-wide output (tile %d): every row "
		    "as the plain formula (%d differ)", widths[k], GEMM_TILE_N,
		    bad);
		mlp_free(m);
	}
}

/*
 * Dropout 0.3 in two hidden layers against mlp.h's formula in plain loops:
 * with W = 0 and b = 1 every unit is 1 before dropout, so act[l] is the
 * mask itself, element e kept when lane e % 4 of rng_hash(key + l, step <<
 * 32 | e / 4) is at least the threshold round(0.3 * 65536) = 19661.  The
 * widths are odd, so rows start mid-hash, and layer 1 has enough elements
 * to hold lanes 19660 and 19661 (the two sides of the threshold).
 */
static void
dropout_rate_layers(void)
{
	enum { RB = 64, RIN = 3, RH1 = 8191, RH2 = 7, ROUT = 3 };
	const int size[4] = { RIN, RH1, RH2, ROUT };
	char      err[256], was[16];
	mlp      *m = mlp_new(3, size, RB, 0.3f, err, sizeof err);
	float     x[RB * RIN], scale = 1.0f / (1.0f - 0.3f);
	int       diff[2] = { 0 }, edge[2] = { 0 }, kept = 0;

	if (m == NULL) {
		ok(0, "a 3-8191-7-3 net: %s", err);
		return;
	}
	snprintf(was, sizeof was, "%s", gemm_kernel_name());
	gemm_force_kernel("portable");
	mlp_init(m, 2);
	for (int l = 0; l < 2; l++) {
		memset(m->W[l], 0, (size_t)size[l] * size[l + 1] *
		    sizeof(float));
		for (int j = 0; j < size[l + 1]; j++)
			m->b[l][j] = 1.0f;
	}
	for (int i = 0; i < RB * RIN; i++)
		x[i] = (float)(i % 5) - 2.0f;
	mlp_forward(m, x, RB, 1, 1000, 9);
	for (int l = 0; l < 2; l++)
		for (int e = 0; e < RB * size[l + 1]; e++) {
			uint64_t h = rng_hash(1000 + (uint64_t)l, (uint64_t)9 <<
			    32 | (uint64_t)e >> 2);
			int      lane = (int)(h >> 16 * (e & 3) & 0xffff);
			float    want = lane >= 19661 ? scale : 0.0f;

			diff[l] += m->act[l + 1][e] != want;
			kept += l == 0 && lane >= 19661;
			edge[0] += l == 0 && lane == 19660;
			edge[1] += l == 0 && lane == 19661;
		}
	ok(diff[0] == 0 && edge[0] > 0 && edge[1] > 0 &&
	    fabs((double)kept / (RB * RH1) - 0.7) < 0.01, "dropout 0.3, layer "
	    "1: the mask of key + 0, threshold lane 19661 (%d elements at "
	    "19660, %d at 19661; %d differ)", edge[0], edge[1], diff[0]);
	ok(diff[1] == 0, "dropout 0.3, layer 2: the mask of key + 1 (%d "
	    "differ)", diff[1]);
	gemm_force_kernel(was);
	mlp_free(m);
}

/*
 * Logits far apart: the softmax subtracts the row's largest logit before
 * exp, so 0, 100 and 50 give e^-100, 1 and e^-50 (not inf / inf).
 */
static void
softmax_large_logits(void)
{
	const int size[2] = { 2, 3 };
	char      err[256];
	mlp      *m = mlp_new(1, size, 2, 0.0f, err, sizeof err);
	float     x[4] = { 1.0f, -1.0f, 0.5f, 2.0f };
	double    z[2][3] = { { 0, 100, 50 }, { 100, 0, 50 } }, worst = 0;

	if (m == NULL) {
		ok(0, "a 2-3 net: %s", err);
		return;
	}
	memset(m->W[0], 0, 6 * sizeof(float));
	for (int r = 0; r < 2; r++) {
		for (int j = 0; j < 3; j++)
			m->b[0][j] = (float)z[r][j];
		mlp_forward(m, x, 2, 0, 0, 0);
		for (int j = 0; j < 3; j++) {
			double mx = z[r][0] > z[r][1] ? z[r][0] : z[r][1];
			double sum = exp(z[r][0] - mx) + exp(z[r][1] - mx) +
			    exp(z[r][2] - mx);
			double p = exp(z[r][j] - mx) / sum;
			double d = fabs(m->probs[j] - p);

			worst = d > worst || isnan(d) ? (isnan(d) ? 1e9 : d) :
			    worst;
		}
	}
	ok(worst < 1e-6, "softmax of logits 0, 100, 50 (and 100, 0, 50) "
	    "without overflow (largest difference %.2g)", worst);
	mlp_free(m);
}

/*
 * mlp_input_grad against plain loops in double: delta[0] = ((delta[2]
 * W[1]^T) masked by act[1] > 0) W[0]^T, no mask at the input (some
 * inputs negative, some hidden units off), whatever delta[0] and delta[1]
 * held before; and mlp_copy_params copies every parameter.
 */
static void
input_grad_check(void)
{
	enum { GB = 3, GI = 5, GH = 6, GO = 4 };
	const int size[3] = { GI, GH, GO };
	char      err[256], was[16];
	mlp      *m = mlp_new(2, size, GB, 0.0f, err, sizeof err);
	float     x[GB * GI], dst[GI * GH + GH + GH * GO + GO + 1];
	uint8_t   y[GB] = { 0, 3, 1 };
	double    d1[GB * GH], worst = 0;
	int       off = 0, same = 1;

	if (m == NULL) {
		ok(0, "a 5-6-4 net: %s", err);
		return;
	}
	snprintf(was, sizeof was, "%s", gemm_kernel_name());
	gemm_force_kernel("portable");
	mlp_init(m, 21);
	for (int j = 0; j < GH; j++)
		m->b[0][j] = (float)(j % 3) * 0.1f - 0.1f;
	for (int i = 0; i < GB * GI; i++)
		x[i] = (float)((i * 7) % 11 - 5) / 4.0f;
	mlp_forward(m, x, GB, 0, 0, 0);
	mlp_loss(m, y, GB, NULL);
	for (int i = 0; i < GB * GI; i++)
		m->delta[0][i] = 99.0f;
	for (int i = 0; i < GB * GH; i++)
		m->delta[1][i] = -99.0f;
	for (int r = 0; r < GB; r++) {
		for (int k = 0; k < GH; k++) {
			double s = 0;

			for (int j = 0; j < GO; j++)
				s += (double)m->delta[2][r * GO + j] *
				    m->W[1][k * GO + j];
			d1[r * GH + k] = m->act[1][r * GH + k] > 0.0f ? s : 0.0;
			off += m->act[1][r * GH + k] == 0.0f;
		}
	}
	mlp_input_grad(m, GB);
	for (int r = 0; r < GB; r++)
		for (int i = 0; i < GI; i++) {
			double s = 0, d;

			for (int k = 0; k < GH; k++)
				s += d1[r * GH + k] * m->W[0][i * GH + k];
			d = fabs(m->delta[0][r * GI + i] - s);
			worst = d > worst || isnan(d) ? (isnan(d) ? 1e9 : d) :
			    worst;
		}
	ok(worst < 1e-6 && off > 0 && off < GB * GH, "mlp_input_grad: "
	    "delta[0] the chain rule's in plain loops (%d hidden units off; "
	    "largest difference %.2g)", off, worst);

	dst[GI * GH + GH + GH * GO + GO] = 7.0f;
	for (size_t i = 0; i < m->nparam; i++)
		dst[i] = -1.0f;
	mlp_copy_params(m, dst);
	for (size_t i = 0; i < m->nparam; i++)
		same &= memcmp(&dst[i], &m->param[i], sizeof(float)) == 0;
	ok(m->nparam == GI * GH + GH + GH * GO + GO && same &&
	    dst[m->nparam] == 7.0f, "mlp_copy_params: all %zu parameters, "
	    "nothing past them", m->nparam);
	gemm_force_kernel(was);
	mlp_free(m);
}

/*
 * L2 decay on a net of the maximum depth: each weight gradient gains
 * exactly 2 l2 W, every bias gradient stays 0 (plain loop over the
 * parameter layout W[0] b[0] W[1] b[1] ...).
 */
static void
decay_deepest(void)
{
	int   size[MLP_MAX_LAYERS + 1], bad = 0;
	char  err[256];
	mlp  *m;

	for (int l = 0; l <= MLP_MAX_LAYERS; l++)
		size[l] = 3;
	m = mlp_new(MLP_MAX_LAYERS, size, 2, 0.0f, err, sizeof err);
	if (m == NULL) {
		ok(0, "a %d-layer net: %s", MLP_MAX_LAYERS, err);
		return;
	}
	mlp_init(m, 5);
	for (int l = 0; l < m->nlayer; l++)
		for (int j = 0; j < 3; j++)
			m->b[l][j] = 0.25f * (float)(j + 1);
	memset(m->grad, 0, m->nparam * sizeof(float));
#pragma omp parallel
	mlp_decay_team(m, 0.5f);
	for (size_t i = 0, l = 0; l < (size_t)m->nlayer; l++) {
		for (int k = 0; k < 9; k++, i++)
			bad += m->grad[i] != 2.0f * 0.5f * m->param[i];
		for (int k = 0; k < 3; k++, i++)
			bad += m->grad[i] != 0.0f;
	}
	ok(bad == 0 && m->nparam == (size_t)12 * MLP_MAX_LAYERS, "decay on a "
	    "%d-layer net: dW = 2 l2 W, db = 0 (%d differ)", MLP_MAX_LAYERS,
	    bad);

	/* its forward pass: relu(a W + b) through every layer, softmax */
	{
		float  x[6] = { 0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.5f };
		double a[2][3], worst = 0;

		mlp_forward(m, x, 2, 0, 0, 0);
		for (int r = 0; r < 2; r++) {
			double z[3], mx, sum = 0;

			for (int j = 0; j < 3; j++)
				a[r][j] = x[r * 3 + j];
			for (int l = 0; l < m->nlayer; l++) {
				for (int j = 0; j < 3; j++) {
					z[j] = m->b[l][j];
					for (int k = 0; k < 3; k++)
						z[j] += a[r][k] *
						    m->W[l][k * 3 + j];
				}
				for (int j = 0; j < 3; j++)
					a[r][j] = l < m->nlayer - 1 && z[j] < 0 ?
					    0 : z[j];
			}
			mx = fmax(a[r][0], fmax(a[r][1], a[r][2]));
			for (int j = 0; j < 3; j++)
				sum += exp(a[r][j] - mx);
			for (int j = 0; j < 3; j++)
				worst = fmax(worst, fabs(m->probs[r * 3 + j] -
				    exp(a[r][j] - mx) / sum));
		}
		ok(worst < 1e-5, "forward on a %d-layer net: the plain loops' "
		    "softmax (largest difference %.2g)", MLP_MAX_LAYERS, worst);
	}
	mlp_free(m);
}

/*
 * mlp_new's limits, each side of each bound, and its promise that the
 * weights are zero until mlp_init() even on a heap full of old values.
 */
static void
test_shapes(void)
{
	static const struct {
		int         nlayer, size[MLP_MAX_LAYERS + 2], batch;
		float       dropout;
		const char *want;   /* NULL: accepted */
	} cases[] = {
		{ 1, { 1, 1 }, 1, 0.0f, NULL },
		{ 0, { 4 }, 8, 0.0f, "0 layers: must be 1 to 8" },
		{ MLP_MAX_LAYERS, { 3, 3, 3, 3, 3, 3, 3, 3, 3 }, 2, 0.5f, NULL },
		{ MLP_MAX_LAYERS + 1, { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 }, 2, 0.5f,
		  "9 layers" },
		{ 2, { 4, MLP_MAX_WIDTH, 2 }, 1, 0.0f, NULL },
		{ 2, { 4, MLP_MAX_WIDTH + 1, 2 }, 1, 0.0f,
		  "layer size 8193: must be 1 to 8192" },
		{ 2, { 4, 3, 0 }, 1, 0.0f, "layer size 0" },
		{ 2, { 0, 3, 2 }, 1, 0.0f, "layer size 0" },
		{ 2, { MLP_MAX_WIDTH + 1, 3, 2 }, 1, 0.0f, "layer size 8193" },
		{ 1, { 2, 2 }, 0, 0.0f, "batch 0: must be 1 to 65536" },
		{ 1, { 2, 2 }, MLP_MAX_BATCH, 0.0f, NULL },
		{ 1, { 2, 2 }, MLP_MAX_BATCH + 1, 0.0f,
		  "batch 65537: must be 1 to 65536" },
		{ 1, { 2, 2 }, 4, -0.01f, "dropout -0.01" },
		{ 1, { 2, 2 }, 4, 0.999f, NULL },
	};
	char err[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mlp *m;

		err[0] = '\0';
		m = mlp_new(cases[i].nlayer, cases[i].size, cases[i].batch,
		    cases[i].dropout, err, sizeof err);
		if (cases[i].want == NULL) {
			int    init_ok = m != NULL;
			size_t off = 0;

			/* Glorot: |w| <= sqrt(6 / (in + out)), biases 0, in
			 * every layer and nothing beyond the last. */
			if (m != NULL)
				mlp_init(m, 3);
			for (int l = 0; m != NULL && l < m->nlayer; l++) {
				int    in = m->size[l], out = m->size[l + 1];
				double lim = sqrt(6.0 / (in + out));
				int    nz = 0;

				for (int k = 0; k < in * out; k++) {
					init_ok &= fabs(m->W[l][k]) <= lim;
					nz += m->W[l][k] != 0.0f;
				}
				for (int k = 0; k < out; k++)
					init_ok &= m->b[l][k] == 0.0f;
				init_ok &= nz > 0;
				/* the layout: W[0] b[0] W[1] b[1] ... packed */
				init_ok &= m->W[l] == m->param + off &&
				    m->b[l] == m->W[l] + (size_t)in * out;
				off += (size_t)in * out + out;
			}
			init_ok &= m == NULL || off == m->nparam;
			ok(init_ok && m->nlayer == cases[i].nlayer &&
			    m->batch_cap == cases[i].batch, "mlp_new: %d "
			    "layers, batch %d, dropout %g accepted, mlp_init "
			    "fills every layer: %s", cases[i].nlayer,
			    cases[i].batch, (double)cases[i].dropout, err);
		} else
			ok(m == NULL && strstr(err, cases[i].want) != NULL,
			    "mlp_new: refused with '%s': '%s'", cases[i].want,
			    err);
		mlp_free(m);
	}

	/* Dirty the heap with blocks of the sizes a small net asks for,
	 * free them, and the new net's weights are still zero. */
	{
		const int size[3] = { 30, 20, 10 };
		size_t    nparam = 30 * 20 + 20 + 20 * 10 + 10;
		void     *junk[8];
		mlp      *m;
		int       zero = 1;

		for (int i = 0; i < 8; i++) {
			junk[i] = NULL;
			if (posix_memalign(&junk[i], 64, nparam *
			    sizeof(float)) == 0)
				memset(junk[i], 0x5a, nparam * sizeof(float));
		}
		for (int i = 0; i < 8; i++)
			free(junk[i]);
		m = mlp_new(2, size, 4, 0.0f, err, sizeof err);
		for (size_t i = 0; m != NULL && i < m->nparam; i++)
			zero &= m->param[i] == 0.0f && m->grad[i] == 0.0f;
		ok(m != NULL && m->nparam == nparam && zero, "a new net's %zu "
		    "weights and gradients are zero until mlp_init",
		    m ? m->nparam : 0);

		/* fp32 keeps no bf16 copies; mlp_init invalidates them
		 * (mlp.h: "mlp_init() clears it"). */
		ok(m != NULL && mlp_set_bf16(m, 0) == 0 && !m->bf16 &&
		    m->wpk[0] == NULL && m->wpk[1] == NULL,
		    "bf16 off: no packed weights allocated");
		zero = m != NULL;
		if (m != NULL) {
			m->packed_ok = 1;
			for (size_t i = 0; i < m->nparam; i++)
				m->param[i] = 0.5f;
			mlp_init(m, 1);
			for (int l = 0; l < m->nlayer; l++)
				for (int k = 0; k < m->size[l + 1]; k++)
					zero &= m->b[l][k] == 0.0f;
		}
		ok(m != NULL && m->packed_ok == 0, "mlp_init clears packed_ok");
		ok(zero, "mlp_init over a trained net sets every bias to 0");
		/* a mode change leaves no packs trusted; bf16 on where the CPU
		 * has no bf16 kernel (no packed copies): packing is a no-op */
		if (m != NULL) {
			m->packed_ok = 1;
			mlp_set_bf16(m, 0);
		}
		ok(m != NULL && m->packed_ok == 0, "mlp_set_bf16 clears "
		    "packed_ok");
		{
			/* mlp_init_layer fills exactly size[0] x size[1] */
			float w[30 * 20 + 1];

			w[30 * 20] = 12345.0f;
			if (m != NULL)
				mlp_init_layer(m, 0, 7, w);
			ok(w[30 * 20] == 12345.0f, "mlp_init_layer writes "
			    "nothing past the layer's 600 weights");
		}
		if (m != NULL) {
			m->bf16 = 1;
			for (int l = 0; l < m->nlayer; l++)
				mlp_pack_rows(m, l, 0, m->size[l]);
			m->bf16 = 0;
		}
		ok(m != NULL && m->wpk[0] == NULL && m->wtpk[1] == NULL,
		    "mlp_pack_rows in bf16 mode without packed copies packs "
		    "nothing");
		mlp_free(m);
	}
}

int
main(void)
{
	char err[256];
	int  size[4] = { 784, 512, 512, 10 };
	mlp *m;
	const char *kernels[] = { "portable", "avx2", "avx512" };

	for (int k = 0; k < 3; k++) {
		if (gemm_force_kernel(kernels[k]) != 0 ||
		    adam_force_kernel(kernels[k]) != 0) {
			printf("ok %d # SKIP %s kernels: not supported here\n",
			    ++tap_n, kernels[k]);
			continue;
		}
		diag("kernels: gemm %s, adam %s", gemm_kernel_name(),
		    adam_kernel_name());
		gradient_check(0.0f);
		gradient_check(0.3f);
		decay_check(0.0f, 0.05f);
		decay_check(0.3f, 0.5f);
		team_check();
		train_check();
		adam_check();
	}
	ok(adam_force_kernel("nonsense") == -1, "unknown adam kernel refused");
	bf16_packed_check();
	kernels_same_bits();
	epilogue_same_bits();

	/* Shapes and the reference parameter count. */
	m = mlp_new(3, size, 128, 0.2f, err, sizeof err);
	ok(m != NULL && m->nparam == 669706, "784-512-512-10 has 669706 "
	    "parameters");
	mlp_init(m, 1);
	{
		double lim = sqrt(6.0 / (784 + 512)), s = 0, mx = 0;
		size_t n = 784 * 512;
		for (size_t i = 0; i < n; i++) {
			s += m->W[0][i];
			mx = fabs(m->W[0][i]) > mx ? fabs(m->W[0][i]) : mx;
		}
		ok(mx <= lim && mx > 0.99 * lim && fabs(s / n) < 0.01 * lim,
		    "Glorot uniform: |w| <= %.4f, max %.4f, mean %.2g", lim, mx,
		    s / n);
		int zero = 1;
		for (int j = 0; j < 512; j++)
			zero &= m->b[0][j] == 0.0f;
		ok(zero, "biases start at zero");
	}
	/* Dropout drops about 20% of the units, and scales the rest. */
	{
		float *x = malloc(128 * 784 * sizeof *x);
		size_t zeros = 0, n = 128 * 512;
		for (int i = 0; i < 128 * 784; i++)
			x[i] = rng_uniform(3, i);
		mlp_forward(m, x, 128, 0, 0, 0);
		size_t off = 0;
		for (size_t i = 0; i < n; i++)
			off += m->act[1][i] == 0.0f;
		mlp_forward(m, x, 128, 1, 1, 1);
		for (size_t i = 0; i < n; i++)
			zeros += m->act[1][i] == 0.0f;
		double frac = (double)(zeros - off) / (n - off);
		ok(fabs(frac - 0.2) < 0.02, "dropout 0.2 drops %.3f of the "
		    "active units", frac);
		free(x);
	}
	mlp_free(m);
	ok(mlp_new(3, (int[]){ 784, 0, 512, 10 }, 128, 0.2f, err,
	    sizeof err) == NULL, "a layer of size 0 is refused: '%s'", err);
	ok(mlp_new(3, size, 128, 1.0f, err, sizeof err) == NULL,
	    "dropout 1 is refused: '%s'", err);
	test_shapes();
	dropout_odd_width();
	dropout_edge_and_clip();
	softmax_wide();
	dropout_rate_layers();
	softmax_large_logits();
	input_grad_check();
	decay_deepest();

	return tap_done();
}

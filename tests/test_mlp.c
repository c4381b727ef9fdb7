/* The MLP's gradients against finite differences; Adam against a scalar
 * reference. */
#include "mlp.h"

#include <math.h>
#include <stdlib.h>

#include "adam.h"
#include "rng.h"
#include "tap.h"

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

int
main(void)
{
	char err[256];
	int  size[4] = { 784, 512, 512, 10 };
	mlp *m;

	gradient_check(0.0f);
	gradient_check(0.3f);

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

	/* Adam against the formula, in double. */
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
		ok(worst < 1e-6, "Adam matches Keras's update over 10 steps "
		    "(largest difference %.2g)", worst);
		adam_destroy(&a);
	}
	return tap_done();
}

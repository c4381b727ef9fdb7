/* Adam, as Keras applies it, in one fused parallel pass. */
#include "adam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
adam_init(adam *a, size_t n, float lr)
{
	memset(a, 0, sizeof *a);
	a->lr = lr;
	a->beta1 = 0.9f;
	a->beta2 = 0.999f;
	a->eps = 1e-7f;
	a->n = n;
	a->m = calloc(n ? n : 1, sizeof(float));
	a->v = calloc(n ? n : 1, sizeof(float));
	if (a->m == NULL || a->v == NULL) {
		adam_destroy(a);
		return -1;
	}
	return 0;
}

void
adam_destroy(adam *a)
{
	if (a == NULL)
		return;
	free(a->m);
	free(a->v);
	a->m = a->v = NULL;
}

void
adam_step(adam *a, float *param, const float *grad)
{
	float *m = a->m, *v = a->v;
	float  b1 = a->beta1, b2 = a->beta2, eps = a->eps;
	size_t n = a->n;
	double t;
	float  lr_t;

	a->t++;
	t = (double)a->t;
	/* The bias corrections folded into the step size, as Keras does. */
	lr_t = (float)(a->lr * sqrt(1.0 - pow(b2, t)) / (1.0 - pow(b1, t)));

#pragma omp parallel for simd schedule(static)
	for (size_t i = 0; i < n; i++) {
		float g = grad[i];
		float mi = b1 * m[i] + (1.0f - b1) * g;
		float vi = b2 * v[i] + (1.0f - b2) * g * g;

		m[i] = mi;
		v[i] = vi;
		param[i] -= lr_t * mi / (sqrtf(vi) + eps);
	}
}

/* Adam, as Keras applies it, in one fused parallel pass. */
#include "kernels/adam.h"

#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/simd.h"

#if (defined(__x86_64__) || defined(__i386__)) && \
    !defined(NOISETOP_PORTABLE_ONLY)
#define ADAM_HAVE_X86 1
#endif

/*
 * The update of elements [i0, i1): memory bound on one core only when the
 * square root and division are 8 wide, so the loop is compiled twice, for
 * baseline x86-64 (or whatever the build targets) and for AVX2+FMA, and the
 * CPU picks (NOISETOP_SIMD=portable forces the first).  The two may differ
 * in the last bit (FMA contraction); each element's update depends on that
 * element alone, so neither depends on the thread count.
 */
#define ADAM_LOOP							\
	for (size_t i = i0; i < i1; i++) {				\
		float g = grad[i];					\
		float mi = b1 * m[i] + (1.0f - b1) * g;			\
		float vi = b2 * v[i] + (1.0f - b2) * g * g;		\
									\
		m[i] = mi;						\
		v[i] = vi;						\
		param[i] -= lr_t * mi / (sqrtf(vi) + eps);		\
	}

typedef void adam_kernel(float *restrict param, const float *restrict grad,
    float *restrict m, float *restrict v, float b1, float b2, float eps,
    float lr_t, size_t i0, size_t i1);

static void
kern_portable(float *restrict param, const float *restrict grad,
    float *restrict m, float *restrict v, float b1, float b2, float eps,
    float lr_t, size_t i0, size_t i1)
{
	ADAM_LOOP
}

#ifdef ADAM_HAVE_X86
__attribute__((target("avx2,fma"))) static void
kern_avx2(float *restrict param, const float *restrict grad,
    float *restrict m, float *restrict v, float b1, float b2, float eps,
    float lr_t, size_t i0, size_t i1)
{
	ADAM_LOOP
}

__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,"
    "prefer-vector-width=512"))) static void
kern_avx512(float *restrict param, const float *restrict grad,
    float *restrict m, float *restrict v, float b1, float b2, float eps,
    float lr_t, size_t i0, size_t i1)
{
	ADAM_LOOP
}
#endif

/* The kernel of each SIMD level, NULL where this build has none. */
static adam_kernel *const kernels[SIMD_NLEVELS] = {
	[SIMD_PORTABLE] = kern_portable,
#ifdef ADAM_HAVE_X86
	[SIMD_AVX2] = kern_avx2,
	[SIMD_AVX512] = kern_avx512,
#endif
};

static int             level = SIMD_PORTABLE;
static pthread_once_t  kernel_once = PTHREAD_ONCE_INIT;

static unsigned
kernel_mask(void)
{
	unsigned mask = 0;

	for (int l = 0; l < SIMD_NLEVELS; l++)
		if (kernels[l] != NULL)
			mask |= 1u << l;
	return mask;
}

static void
kernel_init(void)
{
	level = simd_pick(kernel_mask(), simd_default());
}

const char *
adam_kernel_name(void)
{
	pthread_once(&kernel_once, kernel_init);
	return simd_level_name(level);
}

int
adam_force_kernel(const char *name)
{
	pthread_once(&kernel_once, kernel_init);
	return simd_force(kernel_mask(), name, &level);
}

int
adam_init(adam *a, size_t n, float lr)
{
	size_t bytes = (n ? n : 1) * sizeof(float);
	void  *pm = NULL, *pv = NULL;

	memset(a, 0, sizeof *a);
	a->lr = lr;
	a->beta1 = 0.9f;
	a->beta2 = 0.999f;
	a->eps = 1e-7f;
	a->n = n;
	/* whole cache lines, like the parameters the moments run beside */
	if (posix_memalign(&pm, 64, bytes) != 0 ||
	    posix_memalign(&pv, 64, bytes) != 0) {
		free(pm);
		return -1;
	}
	a->m = memset(pm, 0, bytes);
	a->v = memset(pv, 0, bytes);
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
	pthread_once(&kernel_once, kernel_init);
#pragma omp parallel
	adam_step_team(a, param, grad);
}

float
adam_step_size(const adam *a)
{
	long	step = a->t + 1;

	/* The bias corrections folded into the step size, as Keras does. */
	return (float)(a->lr * sqrt(1.0 - pow(a->beta2, (double)step)) /
	    (1.0 - pow(a->beta1, (double)step)));
}

void
adam_update(const adam *a, float lr_t, float *param, const float *grad,
    size_t i0, size_t i1)
{
	pthread_once(&kernel_once, kernel_init);
	kernels[level](param, grad, a->m, a->v, a->beta1, a->beta2, a->eps,
	    lr_t, i0, i1);
}

void
adam_step_done(adam *a)
{
	a->t++;
}

void
adam_step_team(adam *a, float *param, const float *grad)
{
	size_t n = a->n;
	int    t = omp_get_thread_num(), nt = omp_get_num_threads();
	/* every thread reads the step count before any writes it */
	float  lr_t = adam_step_size(a);
	/* contiguous shares in whole cache lines */
	size_t i0 = n * t / nt / 16 * 16, i1 = n * (t + 1) / nt / 16 * 16;

	if (t == nt - 1)
		i1 = n;
	adam_update(a, lr_t, param, grad, i0, i1);
#pragma omp barrier
	if (t == 0)
		adam_step_done(a);
}

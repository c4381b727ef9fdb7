/*
 * Adam against adam.h's formula computed here in double: Keras's defaults,
 * zeroed moments, five steps on every kernel the CPU has and on 1 and 3
 * threads (a size that does not split into whole cache lines), the step in
 * pieces equal to the whole step, and the kernel switch.
 */
#include "kernels/adam.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/simd.h"
#include "tap.h"

#define N     1003
#define STEPS 5

static float  param0[N], grad[STEPS][N];
static double ref[N];
/* STEPS steps of adam_update alone in a fresh process (shared memory). */
static float *fresh;

static void
fill_inputs(void)
{
	for (int i = 0; i < N; i++) {
		param0[i] = (float)(i % 13) / 13.0f - 0.5f;
		for (int t = 0; t < STEPS; t++)
			grad[t][i] = (float)((i * 7 + t * 11) % 17 - 8) /
			    (8.0f + t);
	}
}

/* The reference: STEPS steps of adam.h's formula, in double. */
static void
reference(float lr)
{
	double m[N] = { 0 }, v[N] = { 0 };

	for (int i = 0; i < N; i++)
		ref[i] = param0[i];
	for (int t = 1; t <= STEPS; t++) {
		double lr_t = lr * sqrt(1.0 - pow(0.999, t)) /
		    (1.0 - pow(0.9, t));

		for (int i = 0; i < N; i++) {
			double g = grad[t - 1][i];

			m[i] = 0.9 * m[i] + 0.1 * g;
			v[i] = 0.999 * v[i] + 0.001 * g * g;
			ref[i] -= lr_t * m[i] / (sqrt(v[i]) + 1e-7);
		}
	}
}

/* STEPS steps of adam_step on threads threads; the parameters in p. */
static int
steps(float lr, int threads, float *p)
{
	adam a;

	if (adam_init(&a, N, lr) != 0)
		return -1;
	memcpy(p, param0, sizeof param0);
	omp_set_num_threads(threads);
	for (int t = 0; t < STEPS; t++)
		adam_step(&a, p, grad[t]);
	adam_destroy(&a);
	return 0;
}

/* The larger of w and d, or NaN once either is (fmax drops NaNs). */
static double
worse(double w, double d)
{
	return w != w || d != d ? NAN : d > w ? d : w;
}

static void
test_init(void)
{
	adam  a;
	void *junk[4];
	int   zero = 1;

	/* Freed blocks full of old values: the moments must still be 0. */
	for (int i = 0; i < 4; i++) {
		junk[i] = NULL;
		if (posix_memalign(&junk[i], 64, N * sizeof(float)) == 0)
			memset(junk[i], 0x5a, N * sizeof(float));
	}
	for (int i = 0; i < 4; i++)
		free(junk[i]);
	ok(adam_init(&a, N, 0.01f) == 0, "adam_init for %d parameters", N);
	for (int i = 0; i < N; i++)
		zero &= a.m[i] == 0.0f && a.v[i] == 0.0f;
	ok(zero && a.t == 0 && a.n == N, "moments zero, no step taken");
	ok(a.lr == 0.01f && a.beta1 == 0.9f && a.beta2 == 0.999f &&
	    a.eps == 1e-7f, "Keras's defaults: b1 0.9, b2 0.999, eps 1e-7, "
	    "and the learning rate given");
	/* to 1e-5: b1 and b2 are floats, 0.9 and 0.999 to 1e-8 */
	ok(fabs(adam_step_size(&a) / (0.01 * sqrt(1 - 0.999) / (1 - 0.9)) -
	    1) < 1e-5, "step 1's size: lr sqrt(1 - b2) / (1 - b1) = %.7f",
	    (double)adam_step_size(&a));
	a.t = 9;
	ok(fabs(adam_step_size(&a) / (0.01 * sqrt(1 - pow(0.999, 10)) /
	    (1 - pow(0.9, 10))) - 1) < 1e-5, "step 10's size with its bias "
	    "corrections: %.7f", (double)adam_step_size(&a));
	adam_destroy(&a);
	ok(a.m == NULL && a.v == NULL, "adam_destroy frees the moments");
	adam_destroy(&a);
	adam_destroy(NULL);
	ok(adam_init(&a, 0, 0.01f) == 0 && a.m != NULL && a.v != NULL,
	    "no parameters is fine");
	adam_step(&a, NULL, NULL);
	ok(a.t == 1, "a step over no parameters counts");
	adam_destroy(&a);
}

static void
test_steps(void)
{
	static const char *const names[] = { "portable", "avx2", "avx512" };
	static float p1[N], p3[N], pk[3][N], pp[N];
	int          have[3] = { 0 };

	fill_inputs();
	reference(0.01f);
	for (int k = 0; k < 3; k++) {
		double worst = 0.0;

		if (k > SIMD_PORTABLE && !simd_cpu_has(k)) {
			skip("no %s on this CPU", names[k]);
			continue;
		}
		if (!ok(adam_force_kernel(names[k]) == 0 &&
		    strcmp(adam_kernel_name(), names[k]) == 0, "the %s kernel "
		    "is there", names[k]))
			continue;
		have[k] = 1;
		steps(0.01f, 1, p1);
		steps(0.01f, 3, p3);
		for (int i = 0; i < N; i++)
			worst = worse(worst, fabs(p1[i] - ref[i]));
		ok(worst < 2e-6, "%s: %d steps as adam.h's formula in double "
		    "(largest difference %.2g)", names[k], STEPS, worst);
		ok(memcmp(p1, p3, sizeof p1) == 0, "%s: 1 and 3 threads give "
		    "the same bits", names[k]);
		memcpy(pk[k], p1, sizeof p1);
	}
	if (have[1] && have[2])
		ok(memcmp(pk[1], pk[2], sizeof pk[1]) == 0, "avx2 and avx512 "
		    "give the same bits");
	else
		skip("avx2 == avx512: the CPU lacks one");
	/* adam_update alone, in a process that never asked for a kernel,
	 * runs the CPU's best one. */
	ok(fresh != MAP_FAILED && memcmp(fresh, pk[simd_default()],
	    sizeof pk[0]) == 0, "a fresh process's adam_update runs the "
	    "default kernel, %s (which %s portable's bits here)",
	    simd_level_name(simd_default()), memcmp(pk[0],
	    pk[simd_default()], sizeof pk[0]) ? "differs from" : "equals");
	ok(adam_force_kernel("nonsense") == -1, "an unknown kernel is "
	    "refused");

	/* The step in pieces is the whole step, bit for bit. */
	{
		adam a;

		adam_force_kernel("portable");
		adam_init(&a, N, 0.01f);
		memcpy(pp, param0, sizeof pp);
		for (int t = 0; t < STEPS; t++) {
			float lr_t = adam_step_size(&a);

			adam_update(&a, lr_t, pp, grad[t], 0, 500);
			adam_update(&a, lr_t, pp, grad[t], 500, N);
			adam_step_done(&a);
		}
		ok(a.t == STEPS && memcmp(pp, pk[0], sizeof pp) == 0,
		    "adam_update in two pieces and adam_step_done == adam_step");
		adam_destroy(&a);
	}
}

int
main(void)
{
	/* Before any other call: adam_update in a fresh process. */
	fresh = mmap(NULL, sizeof(float) * N, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fresh != MAP_FAILED) {
		pid_t pid = fork();

		if (pid == 0) {
			adam a;

			fill_inputs();
			if (adam_init(&a, N, 0.01f) != 0)
				_exit(1);
			memcpy(fresh, param0, sizeof param0);
			for (int t = 0; t < STEPS; t++) {
				adam_update(&a, adam_step_size(&a), fresh, grad[t],
				    0, N);
				adam_step_done(&a);
			}
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	/* In a fresh process the default is the best kernel the CPU has;
	 * here, a switch made before anything else holds. */
	{
		pid_t pid = fork();
		int   status = -1;

		if (pid == 0)
			_exit(strcmp(adam_kernel_name(),
			    simd_level_name(simd_default())) != 0);
		waitpid(pid, &status, 0);
		ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "the default kernel is the CPU's best (%s)",
		    simd_level_name(simd_default()));
	}
	ok(adam_force_kernel("portable") == 0 &&
	    strcmp(adam_kernel_name(), "portable") == 0,
	    "a switch made before any step holds");
	test_init();
	test_steps();
	return tap_done();
}

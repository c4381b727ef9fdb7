#ifndef NOISETOP_ADAM_H
#define NOISETOP_ADAM_H

#include <stddef.h>

/*
 * Adam as Keras applies it:
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
 *   p -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)
 * Keras's defaults: lr 1e-3, b1 0.9, b2 0.999, eps 1e-7.
 */
typedef struct adam {
	float  lr, beta1, beta2, eps;
	long   t;       /* steps taken */
	size_t n;
	float *m, *v;   /* n each, owned */
} adam;

/* Zeroed moments for n parameters.  Returns 0, or -1 when out of memory. */
int adam_init(adam *a, size_t n, float lr);
void adam_destroy(adam *a);

/*
 * One step over all n parameters in a single fused, vectorised pass, split
 * over the OpenMP threads (AVX-512 or AVX2+FMA where the CPU has it, plain C
 * otherwise; NOISETOP_SIMD, see simd.h).  Each element's update depends on
 * that element alone, so the result does not depend on the thread count;
 * the AVX2 and AVX-512 paths give the same bits.
 */
void adam_step(adam *a, float *param, const float *grad);

/*
 * adam_step() for a team already running: every thread of the enclosing
 * parallel region calls it with the same arguments (a lone thread outside
 * one may too).  Its barrier comes after the update; thread 0 then advances
 * a->t, so read a->t (or step again) only after a later barrier or the
 * region's end.
 */
void adam_step_team(adam *a, float *param, const float *grad);

/*
 * The step in pieces, for a caller that does more with each piece while it
 * is in cache: every element of [0, n) is updated once by adam_update(),
 * on any thread, with adam_step_size() read before any thread finishes
 * (it reads a->t); then, after a barrier, one thread calls adam_step_done().
 * Bit for bit the same as adam_step_team().
 */
float adam_step_size(const adam *a);
void adam_update(const adam *a, float lr_t, float *param, const float *grad,
    size_t i0, size_t i1);
void adam_step_done(adam *a);

/*
 * The kernel adam_step() uses, "portable", "avx2" or "avx512", and a switch
 * for tests and benchmarks (not while a step runs): 0, or -1 if the name is
 * unknown or the CPU lacks the instructions.
 */
const char *adam_kernel_name(void);
int adam_force_kernel(const char *name);

#endif

#ifndef NOISETOP_RNG_H
#define NOISETOP_RNG_H

#include <stdint.h>

/*
 * Counter-based random numbers: every draw is a pure function of a 64-bit
 * key (seed and purpose mixed together) and a 64-bit counter (the position
 * of the draw).  Nothing is stateful, so any thread can compute any draw and
 * results never depend on how the work was split.
 */

/* A well-mixed 64-bit value for (key, ctr).  */
uint64_t rng_hash(uint64_t key, uint64_t ctr);

/* Derive a key for one purpose ("noise train", "dropout layer 1", ...). */
uint64_t rng_key(uint64_t seed, uint64_t purpose, uint64_t sub);

/* Uniform in [0, 1) with 24 random bits, from rng_hash(key, ctr). */
float rng_uniform(uint64_t key, uint64_t ctr);

/*
 * Two independent standard normals for (key, ctr) by Box-Muller on two
 * 32-bit uniforms taken from one hash.
 */
void rng_normal2(uint64_t key, uint64_t ctr, float *z0, float *z1);

/* Purposes for rng_key(); distinct so streams never overlap. */
enum {
	RNG_NOISE = 1,
	RNG_INIT = 2,
	RNG_SHUFFLE = 3,
	RNG_DROPOUT = 4,
	RNG_SYNTH = 5,
};

#endif

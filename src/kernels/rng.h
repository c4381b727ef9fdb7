#ifndef NOISETOP_RNG_H
#define NOISETOP_RNG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Counter-based random numbers: every draw is a pure function of a 64-bit
 * key (seed and purpose mixed together) and a 64-bit counter (the position
 * of the draw).  Nothing is stateful, so any thread can compute any draw and
 * results never depend on how the work was split.
 */

/* A well-mixed 64-bit value for (key, ctr).  */
uint64_t rng_hash(uint64_t key, uint64_t ctr);

/*
 * rng_hash's constants, for vectorised callers that must draw the same
 * bits: rng_hash(key, ctr) = mix(key + (ctr + 1) * RNG_GOLDEN), where
 * mix(z) = z ^= z >> 30, z *= RNG_MIX1, z ^= z >> 27, z *= RNG_MIX2,
 * z ^ z >> 31 (SplitMix64's finaliser).
 */
#define RNG_GOLDEN 0x9e3779b97f4a7c15ULL
#define RNG_MIX1   0xbf58476d1ce4e5b9ULL
#define RNG_MIX2   0x94d049bb133111ebULL

/* Derive a key for one purpose ("noise train", "dropout layer 1", ...). */
uint64_t rng_key(uint64_t seed, uint64_t purpose, uint64_t sub);

/* Uniform in [0, 1) with 24 random bits, from rng_hash(key, ctr). */
float rng_uniform(uint64_t key, uint64_t ctr);

/*
 * Two independent standard normals for (key, ctr) by Box-Muller on two
 * 32-bit uniforms taken from one hash.
 */
void rng_normal2(uint64_t key, uint64_t ctr, float *z0, float *z1);

/*
 * n pairs of standard normals for counters ctr0 .. ctr0+n-1, interleaved:
 * z[2i] and z[2i+1] are the pair of counter ctr0+i (z holds 2n floats, the
 * caller's).  Box-Muller in float with our own polynomial log and sincos
 * (about 1e-7 relative error) on two 24-bit uniforms from rng_hash(key, ctr),
 * so the tails stop at 5.8 sd.  No libm and no fused multiply-adds: the
 * portable, AVX2 and AVX-512 paths give the same bits, and a pair's value
 * does not depend on n or on where the block starts.  These are not
 * rng_normal2's values.
 */
void rng_normal2_block(uint64_t key, uint64_t ctr0, size_t n, float *z);

/*
 * The path rng_normal2_block() takes: "portable", "avx2" or "avx512", chosen
 * once from the CPU (NOISETOP_SIMD, see simd.h).  rng_force_kernel()
 * switches it, for tests and benchmarks (not while another thread is drawing);
 * it returns 0, or -1 if the name is unknown or the CPU lacks the level.
 */
const char *rng_kernel_name(void);
int rng_force_kernel(const char *name);

/* Purposes for rng_key(); distinct so streams never overlap. */
enum {
	RNG_NOISE = 1,
	RNG_INIT = 2,
	RNG_SHUFFLE = 3,
	RNG_DROPOUT = 4,
	RNG_SYNTH = 5,
};

#endif

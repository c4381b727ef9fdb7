/* Counter-based random numbers: SplitMix64's finaliser over key + ctr. */
#include "rng.h"

#include <math.h>

#define GOLDEN 0x9e3779b97f4a7c15ULL

static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
rng_hash(uint64_t key, uint64_t ctr)
{
	/*
	 * Keys come from rng_key() and are themselves well mixed, so two
	 * streams only overlap if their keys differ by a multiple of GOLDEN
	 * smaller than the stream length: about 2^-28 for 2^36 draws.
	 */
	return mix64(key + (ctr + 1) * GOLDEN);
}

uint64_t
rng_key(uint64_t seed, uint64_t purpose, uint64_t sub)
{
	uint64_t k = mix64(seed ^ 0x6a09e667f3bcc909ULL);

	k = mix64(k + purpose * GOLDEN);
	return mix64(k ^ (sub * 0xd1b54a32d192ed03ULL));
}

float
rng_uniform(uint64_t key, uint64_t ctr)
{
	return (float)(rng_hash(key, ctr) >> 40) * (1.0f / 16777216.0f);
}

void
rng_normal2(uint64_t key, uint64_t ctr, float *z0, float *z1)
{
	uint64_t h = rng_hash(key, ctr);
	/* u1 in (0, 1] so the log is finite; u2 in [0, 1). */
	double   u1 = ((double)(h >> 32) + 1.0) * (1.0 / 4294967296.0);
	double   u2 = (double)(h & 0xffffffffu) * (1.0 / 4294967296.0);
	float    r = (float)sqrt(-2.0 * log(u1));
	float    t = (float)(2.0 * M_PI * u2);

	*z0 = r * cosf(t);
	*z1 = r * sinf(t);
}

/*
 * Counter-based random numbers against what rng.h says they are: the hash
 * is SplitMix64's finaliser over key + (ctr + 1) * RNG_GOLDEN, computed here
 * on its own; the uniform is its top 24 bits; the normals are Box-Muller,
 * computed here in double from the same bits; the SIMD paths all exist
 * where the CPU has them; and the draws are pinned, since resumed runs and
 * sharded sweeps rely on them not changing between builds.
 */
#include "kernels/rng.h"

#include <math.h>
#include <string.h>

#include "base/simd.h"
#include "tap.h"

static uint64_t
ref_hash(uint64_t key, uint64_t ctr)
{
	uint64_t z = key + (ctr + 1) * RNG_GOLDEN;

	z ^= z >> 30;
	z *= RNG_MIX1;
	z ^= z >> 27;
	z *= RNG_MIX2;
	return z ^ z >> 31;
}

/* FNV-1a over the bits of n floats. */
static uint64_t
digest(const float *x, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		uint32_t u;

		memcpy(&u, &x[i], sizeof u);
		for (int k = 0; k < 4; k++) {
			h ^= (u >> (8 * k)) & 0xff;
			h *= 1099511628211ULL;
		}
	}
	return h;
}

/* The larger of w and d, or NaN once either is (fmax drops NaNs). */
static double
worse(double w, double d)
{
	return w != w || d != d ? NAN : d > w ? d : w;
}

static void
test_hash(void)
{
	static const uint64_t keys[] = { 0, 1, 42, 0x8000000000000000ULL,
		0xffffffffffffffffULL };
	int hash_ok = 1, uni_ok = 1;

	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		for (uint64_t c = 0; c < 1000; c += 7) {
			uint64_t ctr = c * 0x10001ULL + (c & 1 ? ~0ULL - c : 0);

			hash_ok &= rng_hash(keys[k], ctr) ==
			    ref_hash(keys[k], ctr);
			uni_ok &= rng_uniform(keys[k], ctr) ==
			    (float)(ref_hash(keys[k], ctr) >> 40) / 16777216.0f;
		}
	ok(hash_ok, "rng_hash is SplitMix64's finaliser of key + (ctr + 1) "
	    "* golden");
	ok(uni_ok, "rng_uniform is the hash's top 24 bits / 2^24");
	ok(rng_key(42, RNG_NOISE, 0) == 0xe531f4c471dcf0ceULL &&
	    rng_key(42, RNG_NOISE, 1) == 0x491e4d783124816cULL &&
	    rng_key(43, RNG_NOISE, 0) == 0x36fc306c27963c9fULL &&
	    rng_key(42, RNG_SHUFFLE, 0) == 0x3124f137fe9812bcULL,
	    "rng_key: seed, purpose and sub as pinned (%016llx %016llx "
	    "%016llx %016llx)",
	    (unsigned long long)rng_key(42, RNG_NOISE, 0),
	    (unsigned long long)rng_key(42, RNG_NOISE, 1),
	    (unsigned long long)rng_key(43, RNG_NOISE, 0),
	    (unsigned long long)rng_key(42, RNG_SHUFFLE, 0));
}

/* rng_normal2: Box-Muller in double on the hash's two 32-bit halves. */
static void
test_normal2(void)
{
	uint64_t key = rng_key(7, RNG_NOISE, 3);
	double   worst = 0.0;

	for (uint64_t c = 0; c < 20000; c++) {
		uint64_t h = ref_hash(key, c);
		double   u1 = ((double)(h >> 32) + 1.0) / 4294967296.0;
		double   u2 = (double)(h & 0xffffffffu) / 4294967296.0;
		double   r = sqrt(-2.0 * log(u1));
		float    z0, z1;

		rng_normal2(key, c, &z0, &z1);
		worst = worse(worst, fabs(z0 - r * cos(2 * M_PI * u2)));
		worst = worse(worst, fabs(z1 - r * sin(2 * M_PI * u2)));
	}
	ok(worst < 2e-6, "rng_normal2 is Box-Muller of the hash's halves "
	    "(largest difference %.2g)", worst);
}

/*
 * rng_normal2_block: Box-Muller from the hash's top 24 bits (u1, plus one
 * ulp so it is never 0) and bits 8..31 (the angle), to about 1e-7; on every
 * path the CPU has, the same bits.
 */
static void
test_block(void)
{
	enum { N = 50000 };
	static float z[2 * N], zp[2 * N];
	static const char *const names[] = { "portable", "avx2", "avx512" };
	uint64_t key = rng_key(11, RNG_NOISE, 0);
	double   worst = 0.0;
	float    part[6];

	ok(strcmp(rng_kernel_name(), simd_level_name(simd_default())) == 0,
	    "the default path is the CPU's best: %s", rng_kernel_name());
	ok(rng_force_kernel("portable") == 0 &&
	    strcmp(rng_kernel_name(), "portable") == 0,
	    "the portable path can always be chosen");
	rng_normal2_block(key, 0, N, zp);
	for (size_t i = 0; i < N; i++) {
		uint64_t h = ref_hash(key, i);
		double   u1 = ((double)(h >> 40) + 1.0) / 16777216.0;
		double   u2 = (double)((h >> 8) & 0xffffff) / 16777216.0;
		double   r = sqrt(-2.0 * log(u1));

		worst = worse(worst, fabs(zp[2 * i] - r * cos(2 * M_PI * u2)));
		worst = worse(worst, fabs(zp[2 * i + 1] - r *
		    sin(2 * M_PI * u2)));
	}
	ok(worst < 2e-6, "rng_normal2_block is Box-Muller of bits 40..63 and "
	    "8..31 (largest difference %.2g)", worst);
	ok(digest(zp, 2 * N) == 0x9c337d1223b28788ULL, "rng_normal2_block: "
	    "the draws as pinned (%016llx)",
	    (unsigned long long)digest(zp, 2 * N));
	rng_normal2_block(key, 5, 3, part);
	ok(memcmp(part, zp + 10, sizeof part) == 0, "a block from counter 5 "
	    "is the same pairs");
	for (int l = SIMD_AVX2; l <= SIMD_AVX512; l++) {
		if (!simd_cpu_has(l)) {
			skip("no %s on this CPU", names[l]);
			continue;
		}
		if (!ok(rng_force_kernel(names[l]) == 0 &&
		    strcmp(rng_kernel_name(), names[l]) == 0,
		    "the %s path is there on a CPU that has it", names[l]))
			continue;
		rng_normal2_block(key, 0, N, z);
		ok(memcmp(z, zp, sizeof z) == 0, "%s and portable: the same "
		    "bits", names[l]);
	}
	ok(rng_force_kernel("nonsense") == -1, "an unknown path is refused");
}

/*
 * A path forced before any draw (the first rng call of the process) is
 * still the path after the first draw: a later first initialisation must
 * not put the default back.  Then the default is restored for test_block.
 */
static void
test_force_first(void)
{
	const char *dflt = simd_level_name(simd_default());
	const char *want = strcmp(dflt, "portable") == 0 ? "avx2" : "portable";
	float       z[2];

	if (rng_force_kernel(want) != 0) {
		skip("no %s path on this CPU", want);
		return;
	}
	rng_normal2_block(1, 0, 1, z);
	ok(strcmp(rng_kernel_name(), want) == 0, "%s forced before the first "
	    "draw holds after it (default %s): %s", want, dflt,
	    rng_kernel_name());
	rng_force_kernel(dflt);
}

int
main(void)
{
	test_force_first();
	test_hash();
	test_normal2();
	test_block();
	return tap_done();
}

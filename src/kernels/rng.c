/* Counter-based random numbers: SplitMix64's finaliser over key + ctr. */
#include "kernels/rng.h"

#include <math.h>
#include <pthread.h>

#include "base/simd.h"

#define GOLDEN RNG_GOLDEN

static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * RNG_MIX1;
	z = (z ^ (z >> 27)) * RNG_MIX2;
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

/*
 * The vectorisable Box-Muller.  Everything below is IEEE single-precision
 * +, -, *, sqrt and integer bit work, written as a plain loop that GCC
 * vectorises: the same source compiled for baseline x86-64 (or any CPU), for
 * AVX2 and for AVX-512 rounds identically, provided no multiply-add is fused,
 * hence fp-contract off (and no "fma" in the AVX2 target).
 */
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")

typedef union {
	float    f;
	int32_t  i;
} f32bits;

/*
 * Selects and sign flips below are integer bit work, not branches: with
 * -ftrapping-math GCC sinks float arithmetic into the arms of a ?: and then
 * cannot if-convert (so cannot vectorise) the loop.
 */
static inline float
f32_from(int32_t i)
{
	f32bits b = { .i = i };

	return b.f;
}

static inline int32_t
f32_bits(float f)
{
	f32bits b = { .f = f };

	return b.i;
}

/* ln(u) for u in (0, 1], Cephes's logf polynomial (about 1 ulp). */
static inline float
log_unit(float u)
{
	int32_t bits = f32_bits(u), mant = bits & 0x007fffff;
	/* u = m 2^e with m in [sqrt(1/2), sqrt(2)): halve m's range below
	 * sqrt(1/2) (mantissa 0x3504f3) by moving one power of 2 into e */
	int32_t lo = mant < 0x3504f3;
	int32_t e = (bits >> 23) - 126 - lo;
	float   x = f32_from((mant | 0x3f000000) + (lo << 23)) - 1.0f;
	float   z = x * x, y, fe;

	float   x4, q0, q1, q2, q3;

	/* Estrin's scheme: a short dependency chain, so the vector loop is
	 * not bound by the latency of nine multiply-adds in a row */
	x4 = z * z;
	q0 = 3.3333331174e-1f + -2.4999993993e-1f * x;
	q1 = 2.0000714765e-1f + -1.6668057665e-1f * x;
	q2 = 1.4249322787e-1f + -1.2420140846e-1f * x;
	q3 = 1.1676998740e-1f + -1.1514610310e-1f * x;
	q0 = q0 + q1 * z;
	q2 = q2 + q3 * z;
	y = q0 + q2 * x4 + 7.0376836292e-2f * (x4 * x4);
	y = y * x * z;
	fe = (float)e;
	y = y + -2.12194440e-4f * fe;
	y = y - 0.5f * z;
	x = x + y;
	return x + 0.693359375f * fe;
}

/*
 * The pair for one hash: u1 = (top 24 bits + 1) / 2^24 in (0, 1], the angle
 * 2 pi u2 from the next 24 bits as a quadrant q and a remainder in
 * [-pi/4, pi/4) (both exact in integers), where Cephes's sinf/cosf
 * polynomials are accurate; the quadrant then rotates (cos, sin).
 */
static inline void
box_muller(uint64_t h, float *z0, float *z1)
{
	int32_t a = (int32_t)(h >> 40), b = (int32_t)((h >> 8) & 0xffffff);
	int32_t q = (b + (1 << 21)) >> 22;       /* nearest quarter turn */
	float   u1 = (float)(a + 1) * 0x1p-24f;
	float   th = (float)(b - (q << 22)) * (0x1p-22f * 1.57079632679f);
	float   t2 = th * th, s, c, r;
	int32_t si, ci, swap, cs, sn, ri;

	s = -1.9515295891e-4f;
	s = s * t2 + 8.3321608736e-3f;
	s = s * t2 - 1.6666654611e-1f;
	s = s * t2 * th + th;
	c = 2.443315711809948e-5f;
	c = c * t2 - 1.388731625493765e-3f;
	c = c * t2 + 4.166664568298827e-2f;
	c = c * t2 * t2 - 0.5f * t2 + 1.0f;
	/* angle = q pi/2 + th: odd quadrants swap (cos, sin), quadrants 1
	 * and 2 negate the cosine, 2 and 3 the sine */
	si = f32_bits(s);
	ci = f32_bits(c);
	swap = -(q & 1);
	cs = (si & swap) | (ci & ~swap);
	sn = (ci & swap) | (si & ~swap);
	cs ^= (int32_t)((uint32_t)((q + 1) & 2) << 30);
	sn ^= (int32_t)((uint32_t)(q & 2) << 30);
	/* -2 ln u1 >= 0; a -0 (u1 = 1) is cleared to +0 */
	ri = f32_bits(-2.0f * log_unit(u1));
	r = sqrtf(f32_from(ri & ~(ri >> 31)));
	*z0 = r * f32_from(cs);
	*z1 = r * f32_from(sn);
}

#define NORMAL2_LOOP							\
	for (size_t i = 0; i < n; i++) {				\
		uint64_t h = mix64(key + (ctr0 + i + 1) * GOLDEN);	\
		float    z0, z1;					\
									\
		box_muller(h, &z0, &z1);				\
		z[2 * i] = z0;						\
		z[2 * i + 1] = z1;					\
	}

static void
normal2_portable(uint64_t key, uint64_t ctr0, size_t n, float *restrict z)
{
	NORMAL2_LOOP
}

#if (defined(__x86_64__) || defined(__i386__)) && \
    !defined(NOISETOP_PORTABLE_ONLY)
#define RNG_HAVE_X86 1
__attribute__((target("avx2"))) static void
normal2_avx2(uint64_t key, uint64_t ctr0, size_t n, float *restrict z)
{
	NORMAL2_LOOP
}

__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,"
    "prefer-vector-width=512"))) static void
normal2_avx512(uint64_t key, uint64_t ctr0, size_t n, float *restrict z)
{
	NORMAL2_LOOP
}
#endif
#undef NORMAL2_LOOP

#pragma GCC pop_options

typedef void normal2_fn(uint64_t, uint64_t, size_t, float *restrict);

/* The path of each SIMD level, NULL where this build has none. */
static normal2_fn *const paths[SIMD_NLEVELS] = {
	[SIMD_PORTABLE] = normal2_portable,
#ifdef RNG_HAVE_X86
	[SIMD_AVX2] = normal2_avx2,
	[SIMD_AVX512] = normal2_avx512,
#endif
};

static int             level = SIMD_PORTABLE;
static pthread_once_t  normal2_once = PTHREAD_ONCE_INIT;

static unsigned
path_mask(void)
{
	unsigned mask = 0;

	for (int l = 0; l < SIMD_NLEVELS; l++)
		if (paths[l] != NULL)
			mask |= 1u << l;
	return mask;
}

static void
normal2_init(void)
{
	level = simd_pick(path_mask(), simd_default());
}

void
rng_normal2_block(uint64_t key, uint64_t ctr0, size_t n, float *z)
{
	pthread_once(&normal2_once, normal2_init);
	paths[level](key, ctr0, n, z);
}

const char *
rng_kernel_name(void)
{
	pthread_once(&normal2_once, normal2_init);
	return simd_level_name(level);
}

int
rng_force_kernel(const char *name)
{
	pthread_once(&normal2_once, normal2_init);
	return simd_force(path_mask(), name, &level);
}

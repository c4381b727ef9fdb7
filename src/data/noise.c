/* Clipped Gaussian noise, per pixel, from counter-based draws. */
#include "data/noise.h"

#include "kernels/rng.h"

/*
 * Pairs drawn per rng_normal2_block() call: 2 KiB of normals on the stack,
 * enough for a whole 28x28 image (392 or 393 pairs) in one go.
 */
#define NOISE_PAIRS 512

/* Below this many pixels one thread is quicker than waking a team. */
#define NOISE_MIN_PARALLEL (1 << 15)

static uint64_t
noise_key(uint64_t seed, int split)
{
	return rng_key(seed, RNG_NOISE, (uint64_t)split);
}

float
noise_draw(uint64_t seed, int split, size_t image, size_t npix, size_t pixel)
{
	uint64_t g = (uint64_t)image * npix + pixel;
	float    z[2];

	/* Draws come in Box-Muller pairs: global pixel g uses pair g/2. */
	rng_normal2_block(noise_key(seed, split), g >> 1, 1, z);
	return z[g & 1];
}

void
noise_clean(const uint8_t *pix, size_t n, size_t npix, float *out)
{
	size_t total = n * npix;

#pragma omp parallel for simd schedule(static) if (total >= NOISE_MIN_PARALLEL)
	for (size_t i = 0; i < total; i++)
		out[i] = pix[i] * (1.0f / 255.0f);
}

/*
 * Pixels g0 .. g0+n-1 of a split's global pixel sequence: src (n) to dst (n).
 * The normals come a block of pairs at a time, starting at pair g0/2; an odd
 * g0 starts on the second normal of its pair.  The arithmetic here is the
 * same whichever path drew the normals, so it rounds the same way too.
 */
static void
noise_run(uint64_t key, uint64_t g0, size_t n, const uint8_t *src,
    float scale, float *dst)
{
	float z[2 * NOISE_PAIRS];

	while (n > 0) {
		size_t odd = g0 & 1;
		size_t cnt = 2 * NOISE_PAIRS - odd < n ? 2 * NOISE_PAIRS - odd : n;

		rng_normal2_block(key, g0 >> 1, (odd + cnt + 1) / 2, z);
		for (size_t p = 0; p < cnt; p++) {
			float v = src[p] * (1.0f / 255.0f) + scale * z[odd + p];

			dst[p] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
		}
		g0 += cnt;
		n -= cnt;
		src += cnt;
		dst += cnt;
	}
}

void
noise_apply(const uint8_t *pix, size_t first, size_t n, size_t npix,
    float scale, uint64_t seed, int split, float *out)
{
	uint64_t key = noise_key(seed, split);

	if (scale == 0.0f) {
		noise_clean(pix + first * npix, n, npix, out);
		return;
	}
	/* Image by image: a draw depends on its global index alone, so any
	 * split of the images over threads gives the same bits. */
#pragma omp parallel for schedule(static) if (n * npix >= NOISE_MIN_PARALLEL)
	for (size_t i = 0; i < n; i++)
		noise_run(key, (uint64_t)(first + i) * npix, npix,
		    pix + (first + i) * npix, scale, out + i * npix);
}

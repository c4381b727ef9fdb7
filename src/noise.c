/* Clipped Gaussian noise, per pixel, from counter-based draws. */
#include "noise.h"

#include "rng.h"

static uint64_t
noise_key(uint64_t seed, int split)
{
	return rng_key(seed, RNG_NOISE, (uint64_t)split);
}

float
noise_draw(uint64_t seed, int split, size_t image, size_t npix, size_t pixel)
{
	uint64_t g = (uint64_t)image * npix + pixel;
	float    z0, z1;

	/* Draws come in Box-Muller pairs: global pixel g uses pair g/2. */
	rng_normal2(noise_key(seed, split), g >> 1, &z0, &z1);
	return (g & 1) ? z1 : z0;
}

void
noise_clean(const uint8_t *pix, size_t n, size_t npix, float *out)
{
	size_t total = n * npix;

#pragma omp parallel for simd schedule(static)
	for (size_t i = 0; i < total; i++)
		out[i] = pix[i] * (1.0f / 255.0f);
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
#pragma omp parallel for schedule(static)
	for (size_t i = 0; i < n; i++) {
		const uint8_t *src = pix + (first + i) * npix;
		float         *dst = out + i * npix;
		uint64_t       g0 = (uint64_t)(first + i) * npix;

		for (size_t p = 0; p < npix; p++) {
			uint64_t g = g0 + p;
			float    z0, z1, z, v;

			/* One pair serves two pixels; an odd start takes z1. */
			rng_normal2(key, g >> 1, &z0, &z1);
			if ((g & 1) == 0 && p + 1 < npix) {
				v = src[p] * (1.0f / 255.0f) + scale * z0;
				dst[p] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
				p++;
				z = z1;
			} else
				z = (g & 1) ? z1 : z0;
			v = src[p] * (1.0f / 255.0f) + scale * z;
			dst[p] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
		}
	}
}

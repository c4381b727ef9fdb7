#ifndef NOISETOP_NOISE_H
#define NOISETOP_NOISE_H

#include <stddef.h>
#include <stdint.h>

/*
 * x_noisy = clip(x + N(0, scale), 0, 1) for every pixel of every image, x the
 * 8-bit pixel / 255.  The draw for pixel p of image i of a split is
 * normal(key(seed, split), i * npix + p), so image i's noisy copy is the same
 * whether it is made alone (the dashboard preview) or with the whole set
 * (the trainer), for any thread count.  split is 0 for train, 1 for test, so
 * the two sets get their own draws.  scale 0 gives the clean images.
 */

/* Fill out[n*npix] for images first..first+n-1 of a split.  OpenMP-parallel. */
void noise_apply(const uint8_t *pix, size_t first, size_t n, size_t npix,
    float scale, uint64_t seed, int split, float *out);

/* Scale pixels to [0,1] without noise: out = pix / 255. */
void noise_clean(const uint8_t *pix, size_t n, size_t npix, float *out);

/*
 * The raw standard-normal draw used for (image, pixel): exposed so the tests
 * can check the noise statistics before clipping.
 */
float noise_draw(uint64_t seed, int split, size_t image, size_t npix,
    size_t pixel);

#endif

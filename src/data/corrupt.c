/* Corruption families (MNIST-C style) from counter-based draws. */
#include "data/corrupt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "base/err.h"
#include "data/noise.h"
#include "kernels/rng.h"

/*
 * rng_key() purposes of this module, well away from rng.h's small enum so a
 * new purpose there never collides: one for the epoch seed, one for the
 * families' own draws (gaussian draws through noise.c's key).
 */
#define CORRUPT_PURPOSE_EPOCH 0x45504f43ULL   /* "EPOC" */
#define CORRUPT_PURPOSE_DRAW  0x434f5252ULL   /* "CORR" */

/* Normal pairs per rng_normal2_block() call, as in noise.c. */
#define CORRUPT_PAIRS 512

/* Below this many pixels one thread is quicker than waking a team. */
#define CORRUPT_MIN_PARALLEL (1 << 15)

/* Poisson means at or above this use PTRS rather than inversion. */
#define SHOT_PTRS_MIN 10.0

static const corrupt_info corrupt_table[CORRUPT_NFAMILY] = {
	{ CORRUPT_GAUSSIAN, "gaussian", "clip(x + N(0, s), 0, 1)",
	    "standard deviation of the added noise", "sd", 100.0f,
	    { 0.0f, 0.1f, 0.5f, 1.0f, 2.0f, 4.0f } },
	{ CORRUPT_SHOT, "shot", "clip(Poisson(x / s) * s, 0, 1)",
	    "1/lambda: lambda photons at full intensity; variance x*s", "s",
	    100.0f, { 0.0f, 0.03f, 0.1f, 0.3f, 1.0f, 3.0f } },
	{ CORRUPT_IMPULSE, "impulse", "fraction s of pixels set to 0 or 1",
	    "fraction of pixels hit (half to 0, half to 1)", "p", 1.0f,
	    { 0.0f, 0.03f, 0.1f, 0.2f, 0.4f, 0.8f } },
	{ CORRUPT_SPECKLE, "speckle", "clip(x + x * N(0, s), 0, 1)",
	    "standard deviation of the multiplicative noise", "sd", 100.0f,
	    { 0.0f, 0.1f, 0.5f, 1.0f, 2.0f, 4.0f } },
	{ CORRUPT_BLUR, "blur", "Gaussian blur, zero outside the image",
	    "sigma of the blur kernel in pixels", "sigma", 16.0f,
	    { 0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f } },
};

const corrupt_info *
corrupt_info_of(corrupt_family f)
{
	if ((int)f < 0 || f >= CORRUPT_NFAMILY)
		return NULL;
	return &corrupt_table[f];
}

const char *
corrupt_name(corrupt_family f)
{
	const corrupt_info *ci = corrupt_info_of(f);

	return ci ? ci->name : "?";
}

int
corrupt_parse(const char *name, corrupt_family *f, char *err, size_t errlen)
{
	char   list[256];
	size_t len = 0;

	for (int i = 0; i < CORRUPT_NFAMILY; i++) {
		if (name && strcmp(name, corrupt_table[i].name) == 0) {
			*f = (corrupt_family)i;
			return 0;
		}
	}
	list[0] = '\0';
	for (int i = 0; i < CORRUPT_NFAMILY && len < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
		    i ? ", " : "", corrupt_table[i].name);
	return err_set(err, errlen, "unknown corruption '%s' (%s)",
	    name ? name : "", list);
}

int
corrupt_parse_list(const char *list, corrupt_family *f, int max, char *err,
    size_t errlen)
{
	char buf[256], *save = NULL;
	int  n = 0;

	if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf)
		return err_set(err, errlen, "corruption list too long");
	for (char *t = strtok_r(buf, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return err_set(err, errlen, "more than %d corruptions",
			    max);
		if (corrupt_parse(t, &f[n], err, errlen) != 0)
			return -1;
		for (int i = 0; i < n; i++)
			if (f[i] == f[n])
				return err_set(err, errlen, "corruption %s is "
				    "given twice", t);
		n++;
	}
	if (n == 0)
		return err_set(err, errlen, "no corruption named in '%s'", list);
	return n;
}

int
corrupt_check(const corrupt_spec *c, char *err, size_t errlen)
{
	const corrupt_info *ci = corrupt_info_of(c->family);

	if (ci == NULL)
		return err_set(err, errlen, "unknown corruption family %d",
		    (int)c->family);
	if (!isfinite(c->severity) || c->severity < 0.0f ||
	    c->severity > ci->max)
		return err_set(err, errlen, "%s: severity %g out of range "
		    "(%s from 0 to %g)", ci->name, (double)c->severity,
		    ci->severity, (double)ci->max);
	return 0;
}

char *
corrupt_describe(const corrupt_spec *c, char *buf, size_t len)
{
	const corrupt_info *ci = corrupt_info_of(c->family);

	if (len == 0)
		return buf;
	if (ci == NULL)
		snprintf(buf, len, "? %g", (double)c->severity);
	else
		snprintf(buf, len, "%s %s=%g", ci->name, ci->symbol,
		    (double)c->severity);
	return buf;
}

uint64_t
corrupt_epoch_seed(uint64_t seed, uint32_t epoch)
{
	if (epoch == 0)
		return seed;
	return rng_key(seed, CORRUPT_PURPOSE_EPOCH, epoch);
}

/* The key of a family's own draws for (seed, epoch, split). */
static uint64_t
corrupt_key(corrupt_family f, uint64_t seed, uint32_t epoch, int split)
{
	return rng_key(corrupt_epoch_seed(seed, epoch), CORRUPT_PURPOSE_DRAW,
	    (uint64_t)f << 8 | (uint64_t)(split & 0xff));
}

static inline float
clip01(float v)
{
	return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
}

/* Uniform in [0, 1) with 53 random bits: draw j of a pixel's stream. */
static inline double
unit53(uint64_t stream, uint64_t j)
{
	return (double)(rng_hash(stream, j) >> 11) * 0x1p-53;
}

/*
 * A Poisson(mu) count from the pixel's own stream of uniforms (mu > 0):
 * inversion by multiplication (Knuth) for small means, and Hormann's PTRS
 * transformed rejection (1993; numpy's choice) for large ones, so the cost
 * stays bounded as s goes to 0.  Pure function of (stream, mu).
 */
static double
poisson_draw(uint64_t stream, double mu)
{
	uint64_t j = 0;

	if (mu < SHOT_PTRS_MIN) {
		double lim = exp(-mu), prod = 1.0, k = 0.0;

		for (;;) {
			prod *= unit53(stream, j++);
			if (prod <= lim)
				return k;
			k += 1.0;
		}
	}

	double slam = sqrt(mu), loglam = log(mu);
	double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
	double invalpha = 1.1239 + 1.1328 / (b - 3.4);
	double vr = 0.9277 - 3.6224 / (b - 2.0);

	for (;;) {
		double u = unit53(stream, j++) - 0.5;
		double v = unit53(stream, j++);
		double us = 0.5 - fabs(u);
		double k = floor((2.0 * a / us + b) * u + mu + 0.43);
		int    sg;

		if (us >= 0.07 && v <= vr)
			return k;
		if (k < 0.0 || (us < 0.013 && v > us))
			continue;
		/* log(v) for v = 0 is -inf, which accepts: fine, v = 0 has
		 * probability 2^-53 and the branch is exact either way. */
		if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
		    -mu + k * loglam - lgamma_r(k + 1.0, &sg))
			return k;
	}
}

/* Shot noise on one image: pixels g0 .. g0+n-1 of the split's sequence. */
static void
shot_image(uint64_t key, uint64_t g0, size_t n, const uint8_t *src,
    float s, float *dst)
{
	double inv = 1.0 / (double)s;

	for (size_t p = 0; p < n; p++) {
		double x = src[p] * (1.0 / 255.0);

		/* A black pixel has mean 0: no photons, no draw. */
		if (src[p] == 0) {
			dst[p] = 0.0f;
			continue;
		}
		double k = poisson_draw(rng_hash(key, g0 + p), x * inv);

		dst[p] = clip01((float)(k * (double)s));
	}
}

/*
 * Impulse noise on one image: each pixel's hash decides hit (top 53 bits
 * below p) and, if hit, salt (1) or pepper (0) from its lowest bit.
 */
static void
impulse_image(uint64_t key, uint64_t g0, size_t n, const uint8_t *src,
    float p, float *dst)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t h = rng_hash(key, g0 + i);
		double   u = (double)(h >> 11) * 0x1p-53;

		if (u < (double)p)
			dst[i] = (h & 1) ? 1.0f : 0.0f;
		else
			dst[i] = src[i] * (1.0f / 255.0f);
	}
}

/*
 * Speckle noise on one image: x + s * x * z with the normals in Box-Muller
 * pairs of the global pixel sequence, as noise.c draws them, so an image
 * alone gets the same draws as within its set.
 */
static void
speckle_image(uint64_t key, uint64_t g0, size_t n, const uint8_t *src,
    float s, float *dst)
{
	float z[2 * CORRUPT_PAIRS];

	while (n > 0) {
		size_t odd = g0 & 1;
		size_t cnt = 2 * CORRUPT_PAIRS - odd < n ?
		    2 * CORRUPT_PAIRS - odd : n;

		rng_normal2_block(key, g0 >> 1, (odd + cnt + 1) / 2, z);
		for (size_t p = 0; p < cnt; p++) {
			float x = src[p] * (1.0f / 255.0f);

			dst[p] = clip01(x + s * x * z[odd + p]);
		}
		g0 += cnt;
		n -= cnt;
		src += cnt;
		dst += cnt;
	}
}

/*
 * Gaussian blur of one w x h image: a separable kernel of radius
 * ceil(4 sigma) (scipy's truncate=4), normalised to sum 1 over its taps,
 * zero outside the image.  Rows into dst, then each column through col
 * (h doubles).  An image whose mass lies more than the radius inside the
 * border keeps its total mass.
 */
/* Tap i of a line v of len values through kernel k of radius r, with
 * zero outside the line. */
static double
blur_tap(const double *k, int r, const double *v, long len, long i)
{
	long   a = i - r < 0 ? 0 : i - r, b = i + r >= len ? len - 1 : i + r;
	double acc = 0.0;

	for (long j = a; j <= b; j++)
		acc += k[j - i + r] * v[j];
	return acc;
}

static void
blur_image(const double *k, int r, size_t w, size_t h, const uint8_t *src,
    float *dst, double *col)
{
	/* col holds max(w, h) doubles: one row, then one column, at a time. */
	for (size_t y = 0; y < h; y++) {
		for (size_t x = 0; x < w; x++)
			col[x] = src[y * w + x];
		for (size_t x = 0; x < w; x++)
			dst[y * w + x] = (float)(blur_tap(k, r, col, (long)w,
			    (long)x) * (1.0 / 255.0));
	}
	for (size_t x = 0; x < w; x++) {
		for (size_t y = 0; y < h; y++)
			col[y] = dst[y * w + x];
		for (size_t y = 0; y < h; y++)
			dst[y * w + x] = clip01((float)blur_tap(k, r, col,
			    (long)h, (long)y));
	}
}

static int
blur_apply(float sigma, const uint8_t *pix, size_t first, size_t n,
    size_t w, size_t h, float *out, char *err, size_t errlen)
{
	size_t  npix = w * h;
	int     r = (int)ceil(4.0 * (double)sigma);
	double *k = malloc((size_t)(2 * r + 1) * sizeof *k);
	double *col = NULL;
	double  sum = 0.0;
	int     threads = 1;
	size_t  line = w > h ? w : h;

	if (k == NULL)
		return err_set(err, errlen, "blur: out of memory");
	for (int d = -r; d <= r; d++) {
		k[d + r] = exp(-(double)d * d / (2.0 * sigma * sigma));
		sum += k[d + r];
	}
	for (int d = 0; d <= 2 * r; d++)
		k[d] /= sum;
#ifdef _OPENMP
	threads = omp_get_max_threads();
#endif
	/* One line buffer per thread, each thread at its own offset. */
	col = malloc((size_t)threads * line * sizeof *col);
	if (col == NULL) {
		free(k);
		return err_set(err, errlen, "blur: out of memory");
	}
#pragma omp parallel for schedule(static) num_threads(threads) \
    if (n * npix >= CORRUPT_MIN_PARALLEL)
	for (size_t i = 0; i < n; i++) {
		int t = 0;
#ifdef _OPENMP
		t = omp_get_thread_num();
#endif
		blur_image(k, r, w, h, pix + (first + i) * npix,
		    out + i * npix, col + (size_t)t * line);
	}
	free(col);
	free(k);
	return 0;
}

int
corrupt_apply(const corrupt_spec *c, const uint8_t *pix, size_t first,
    size_t n, size_t w, size_t h, uint64_t seed, int split, uint32_t epoch,
    float *out, char *err, size_t errlen)
{
	size_t   npix = w * h;
	float    s = c->severity;
	uint64_t key;

	if (corrupt_check(c, err, errlen) != 0)
		return -1;
	if (w == 0 || h == 0)
		return err_set(err, errlen, "%s: empty image size %zux%zu",
		    corrupt_name(c->family), w, h);
	if (s == 0.0f) {
		noise_clean(pix + first * npix, n, npix, out);
		return 0;
	}
	switch (c->family) {
	case CORRUPT_GAUSSIAN:
		noise_apply(pix, first, n, npix, s,
		    corrupt_epoch_seed(seed, epoch), split, out);
		return 0;
	case CORRUPT_BLUR:
		return blur_apply(s, pix, first, n, w, h, out, err, errlen);
	default:
		break;
	}

	key = corrupt_key(c->family, seed, epoch, split);
	/* Image by image: a draw depends on its global pixel index alone, so
	 * any split of the images over threads gives the same bits. */
#pragma omp parallel for schedule(static) if (n * npix >= CORRUPT_MIN_PARALLEL)
	for (size_t i = 0; i < n; i++) {
		uint64_t       g0 = (uint64_t)(first + i) * npix;
		const uint8_t *src = pix + (first + i) * npix;
		float         *dst = out + i * npix;

		switch (c->family) {
		case CORRUPT_SHOT:
			shot_image(key, g0, npix, src, s, dst);
			break;
		case CORRUPT_IMPULSE:
			impulse_image(key, g0, npix, src, s, dst);
			break;
		default:
			speckle_image(key, g0, npix, src, s, dst);
			break;
		}
	}
	return 0;
}

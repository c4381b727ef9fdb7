#ifndef NOISETOP_CORRUPT_H
#define NOISETOP_CORRUPT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Corruption families for the input images, after MNIST-C (Mu & Gilmer,
 * 2019) and ImageNet-C (Hendrycks & Dietterich, 2019).  x is the 8-bit pixel
 * / 255, s the family's one severity parameter (what --scales sweeps); every
 * result is clipped to [0, 1] and s = 0 always gives the clean image x.
 *
 *   gaussian  x + N(0, s)               s: standard deviation; exactly
 *                                          noise_apply() (noise.h), bit for bit
 *   shot      Poisson(x / s) * s        s = 1/lambda, lambda photons at full
 *                                          intensity: mean x, variance x*s
 *   impulse   salt and pepper           s: fraction of pixels hit, each
 *                                          set to 0 or 1 with equal odds
 *   speckle   x + x * N(0, s)           s: sd of the multiplicative noise
 *   blur      Gaussian blur             s: sigma in pixels; deterministic
 *                                          (no draws), zero outside the image
 *
 * Larger s is more corruption in every family.
 *
 * Reproducibility: every draw is a pure function of (seed, split, epoch,
 * family, image index, pixel), made with the counter-based generator of
 * rng.h, so image i's corrupted copy is the same whether it is made alone
 * (a preview) or with the whole set, for any OpenMP thread count.  split is
 * 0 for train and 1 for test (as in noise.h).  epoch selects an independent
 * set of draws for a "fresh noise every epoch" mode; epoch 0 is the fixed
 * mode's draw, so gaussian at epoch 0 equals noise_apply(..., seed, split).
 */

typedef enum {
	CORRUPT_GAUSSIAN = 0,
	CORRUPT_SHOT,
	CORRUPT_IMPULSE,
	CORRUPT_SPECKLE,
	CORRUPT_BLUR,
	CORRUPT_NFAMILY
} corrupt_family;

/* One corruption: a family at one severity. */
typedef struct {
	corrupt_family family;
	float          severity;
} corrupt_spec;

#define CORRUPT_NSCALES 6

/* What the table says of a family (static data, never freed). */
typedef struct {
	corrupt_family family;
	const char    *name;       /* "gaussian", "shot", ...: what --corruption
	                              takes and what run files record */
	const char    *formula;    /* one line, e.g. "clip(x + N(0, s))" */
	const char    *severity;   /* what s means, e.g. "sigma in pixels" */
	const char    *symbol;     /* short name of s for labels: "sd", "p" */
	float          max;        /* largest accepted severity */
	float          scales[CORRUPT_NSCALES]; /* default --scales, rising,
	                                           starting at 0 */
} corrupt_info;

/* The table entry of family f, or NULL when f is out of range. */
const corrupt_info *corrupt_info_of(corrupt_family f);

/* The family's name ("gaussian", ...), or "?" when f is out of range. */
const char *corrupt_name(corrupt_family f);

/*
 * Parse a family name (exact, lower case) into *f.  Returns 0, or -1 with a
 * one-line message listing the valid names, e.g.
 * "unknown corruption 'foo' (gaussian, shot, impulse, speckle, blur)".
 */
int corrupt_parse(const char *name, corrupt_family *f, char *err,
    size_t errlen);

/*
 * Parse a comma-separated list of family names ("gaussian,blur") into f
 * (at most max, none twice).  Returns the count, or -1 with a message.
 */
int corrupt_parse_list(const char *list, corrupt_family *f, int max,
    char *err, size_t errlen);

/*
 * Check that a severity is valid for the spec's family: finite, >= 0 and
 * <= the family's max in the table (impulse is a fraction, at most 1; blur
 * sigma at most 16 pixels).  Returns 0, or -1 with a one-line message.
 */
int corrupt_check(const corrupt_spec *c, char *err, size_t errlen);

/*
 * Write a short description such as "impulse p=0.1" or "blur sigma=2" into
 * buf (NUL-terminated, truncated to len).  Returns buf.
 */
char *corrupt_describe(const corrupt_spec *c, char *buf, size_t len);

/*
 * Corrupt images first .. first+n-1 of a split into out[n * w * h]
 * (the caller's).  pix is the whole split (image i at pix + i * w * h),
 * as in noise_apply(); w and h are the image's width and height (blur needs
 * them; the pixel families only use w * h).  OpenMP-parallel over images.
 * Returns 0, or -1 with a one-line message (corrupt_check() fails, or w or h
 * is 0, or out of memory for a large blur), leaving out unspecified.
 */
int corrupt_apply(const corrupt_spec *c, const uint8_t *pix, size_t first,
    size_t n, size_t w, size_t h, uint64_t seed, int split, uint32_t epoch,
    float *out, char *err, size_t errlen);

/*
 * The seed corrupt_apply() hands to noise_apply() for (seed, epoch): seed
 * itself for epoch 0, a mixed 64-bit value of both otherwise.  Exposed so
 * callers and tests can relate the two modules.
 */
uint64_t corrupt_epoch_seed(uint64_t seed, uint32_t epoch);

#endif

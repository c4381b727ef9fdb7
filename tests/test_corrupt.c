/*
 * Corruption families: each family's statistics against the analytic
 * expectation (mean and spread of the change, fraction of pixels hit), and
 * the reproducibility rules (threads, seeds, epochs, one image alone).
 */
#include "data/corrupt.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "data/noise.h"
#include "tap.h"

#define SIDE 28
#define NPIX (SIDE * SIDE)
#define NIMG 2000

/* Moments of out - x over pixels of one source value, and the hit rate. */
typedef struct {
	double mean, sd, hit;
	size_t m;
} change_stats;

static change_stats
stats_of(const uint8_t *pix, const float *out, size_t total, int value)
{
	change_stats st = { 0 };
	double       s = 0, s2 = 0;
	size_t       hit = 0;

	for (size_t i = 0; i < total; i++) {
		if (value >= 0 && pix[i] != value)
			continue;
		double d = (double)out[i] - pix[i] / 255.0;

		s += d;
		s2 += d * d;
		hit += fabs(d) > 1e-6;
		st.m++;
	}
	if (st.m) {
		st.mean = s / st.m;
		st.sd = sqrt(s2 / st.m - st.mean * st.mean);
		st.hit = (double)hit / st.m;
	}
	return st;
}

static int
apply(corrupt_family f, float s, const uint8_t *pix, size_t first, size_t n,
    uint64_t seed, int split, uint32_t epoch, float *out)
{
	corrupt_spec c = { f, s };
	char         err[256];
	int          rc = corrupt_apply(&c, pix, first, n, SIDE, SIDE, seed,
	    split, epoch, out, err, sizeof err);

	if (rc != 0)
		diag("corrupt_apply: %s", err);
	return rc;
}

static void
test_table(void)
{
	corrupt_family f = CORRUPT_NFAMILY;
	char           err[256] = "";
	corrupt_spec   c;
	int            good = 1;

	for (int i = 0; i < CORRUPT_NFAMILY; i++) {
		const corrupt_info *ci = corrupt_info_of((corrupt_family)i);

		good &= ci != NULL && (int)ci->family == i &&
		    corrupt_parse(ci->name, &f, err, sizeof err) == 0 &&
		    (int)f == i && ci->scales[0] == 0.0f;
		for (int k = 1; k < CORRUPT_NSCALES; k++)
			good &= ci->scales[k] > ci->scales[k - 1] &&
			    ci->scales[k] <= ci->max;
	}
	ok(good, "every family parses by its table name; default scales rise "
	    "from 0 within the range");
	ok(corrupt_info_of(CORRUPT_NFAMILY) == NULL &&
	    strcmp(corrupt_name(CORRUPT_NFAMILY), "?") == 0,
	    "out-of-range family has no table entry");
	ok(corrupt_parse("fog", &f, err, sizeof err) == -1 &&
	    strstr(err, "'fog'") && strstr(err, "gaussian") &&
	    strstr(err, "shot") && strstr(err, "impulse") &&
	    strstr(err, "speckle") && strstr(err, "blur") &&
	    !strchr(err, '\n'), "unknown name: one line listing the valid "
	    "ones (%s)", err);
	ok(corrupt_parse("Gaussian", &f, err, sizeof err) == -1,
	    "names are exact (lower case)");

	c = (corrupt_spec){ CORRUPT_IMPULSE, 1.5f };
	ok(corrupt_check(&c, err, sizeof err) == -1 && strstr(err, "impulse"),
	    "impulse fraction 1.5 refused: %s", err);
	c = (corrupt_spec){ CORRUPT_BLUR, -0.5f };
	ok(corrupt_check(&c, err, sizeof err) == -1, "negative sigma refused");
	c = (corrupt_spec){ CORRUPT_SHOT, NAN };
	ok(corrupt_check(&c, err, sizeof err) == -1, "NaN severity refused");
	c = (corrupt_spec){ CORRUPT_IMPULSE, 1.0f };
	ok(corrupt_check(&c, err, sizeof err) == 0, "impulse fraction 1 "
	    "accepted");
	{
		char buf[64];

		c = (corrupt_spec){ CORRUPT_BLUR, 1.5f };
		ok(strcmp(corrupt_describe(&c, buf, sizeof buf),
		    "blur sigma=1.5") == 0, "describe: %s", buf);
		buf[0] = 'X';
		corrupt_describe(&c, buf, 1);
		ok(buf[0] == '\0', "describe into 1 byte: the empty string");
		buf[0] = 'X';
		corrupt_describe(&c, buf, 0);
		ok(buf[0] == 'X', "describe into 0 bytes writes nothing");
	}
}

/* corrupt_parse_list: names in order, none twice, at most max. */
static void
test_list(void)
{
	corrupt_family f[CORRUPT_NFAMILY + 1];
	char           err[256] = "";

	ok(corrupt_parse_list("gaussian,blur,shot", f, 5, err, sizeof err) ==
	    3 && f[0] == CORRUPT_GAUSSIAN && f[1] == CORRUPT_BLUR &&
	    f[2] == CORRUPT_SHOT, "list: three names, in the order given");
	ok(corrupt_parse_list(",impulse,", f, 5, err, sizeof err) == 1 &&
	    f[0] == CORRUPT_IMPULSE, "list: empty items are skipped");
	ok(corrupt_parse_list("speckle", f, 1, err, sizeof err) == 1 &&
	    f[0] == CORRUPT_SPECKLE, "list: one name when one is allowed");
	ok(corrupt_parse_list("gaussian,blur", f, 1, err, sizeof err) == -1 &&
	    strstr(err, "more than 1") != NULL, "list: more than max refused: "
	    "%s", err);
	ok(corrupt_parse_list("blur,shot,blur", f, 5, err, sizeof err) == -1 &&
	    strstr(err, "blur is given twice") != NULL, "list: a name twice "
	    "refused: %s", err);
	ok(corrupt_parse_list("blur,fog", f, 5, err, sizeof err) == -1 &&
	    strstr(err, "'fog'") != NULL, "list: an unknown name refused: %s",
	    err);
	ok(corrupt_parse_list(",", f, 5, err, sizeof err) == -1 &&
	    strstr(err, "no corruption") != NULL, "list: no name refused: %s",
	    err);
	{
		/* 256 characters do not fit the 256-byte copy (with its
		 * '\0'); 255 do, and then fail only on what they name */
		char long_list[257];

		memset(long_list, ',', 256);
		memcpy(long_list, "blur", 4);
		long_list[256] = '\0';
		ok(corrupt_parse_list(long_list, f, 5, err, sizeof err) == -1 &&
		    strstr(err, "too long") != NULL, "list: 256 characters "
		    "too long: %s", err);
		long_list[255] = '\0';
		ok(corrupt_parse_list(long_list, f, 5, err, sizeof err) == 1 &&
		    f[0] == CORRUPT_BLUR, "list: 255 characters fit");
	}
	{
		corrupt_spec c = { CORRUPT_NFAMILY, 0.5f };
		char         buf[32] = "X";

		ok(strcmp(corrupt_describe(&c, buf, sizeof buf), "? 0.5") ==
		    0, "describe: an unknown family as '? 0.5' (%s)", buf);
	}
}

/*
 * The draws themselves, pinned: a run resumed by a later build, and a
 * train x test matrix filled by shards of different builds, rely on every
 * family drawing the same values for the same (seed, split, epoch, pixel).
 * The digest is FNV-1a over the output floats' bits; the rejection
 * sampler of shot noise is pinned at a large mean (s = 0.005) too.
 */
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

static void
test_pinned(uint8_t *pix, float *a)
{
	static const struct {
		corrupt_family f;
		float          s;
		uint64_t       want;
	} pin[] = {
		{ CORRUPT_GAUSSIAN, 0.3f, 0xa55e531df4ad77e7ULL },
		{ CORRUPT_SHOT, 0.1f, 0xc9623a61f002ed33ULL },
		{ CORRUPT_SHOT, 0.005f, 0xc90b5529d1926d91ULL },
		{ CORRUPT_IMPULSE, 0.1f, 0x08d2f43ae8e77b83ULL },
		{ CORRUPT_SPECKLE, 0.5f, 0x5fa62d84bc38fea2ULL },
		{ CORRUPT_BLUR, 1.5f, 0x0bc065f108fc56c5ULL },
	};

	for (size_t i = 0; i < 20 * NPIX; i++)
		pix[i] = (uint8_t)(i * 7 % 256);
	for (size_t k = 0; k < sizeof pin / sizeof pin[0]; k++) {
		uint64_t h;

		apply(pin[k].f, pin[k].s, pix, 3, 17, 42, 1, 2, a);
		h = digest(a, 17 * NPIX);
		ok(h == pin[k].want, "%s %g: the draws as pinned (%016llx)",
		    corrupt_name(pin[k].f), (double)pin[k].s,
		    (unsigned long long)h);
	}
}

static void
test_gaussian(uint8_t *pix, float *a, float *b)
{
	size_t       total = (size_t)NIMG * NPIX;
	change_stats st;

	for (size_t i = 0; i < total; i++)
		pix[i] = (uint8_t)(i * 7 % 256);
	apply(CORRUPT_GAUSSIAN, 0.7f, pix, 3, NIMG - 3, 11, 1, 0, a);
	noise_apply(pix, 3, NIMG - 3, NPIX, 0.7f, 11, 1, b);
	ok(memcmp(a, b, (NIMG - 3) * NPIX * sizeof *a) == 0,
	    "gaussian, epoch 0: bit-identical to noise_apply");
	apply(CORRUPT_GAUSSIAN, 0.7f, pix, 3, NIMG - 3, 11, 1, 5, a);
	noise_apply(pix, 3, NIMG - 3, NPIX, 0.7f, corrupt_epoch_seed(11, 5), 1,
	    b);
	ok(memcmp(a, b, (NIMG - 3) * NPIX * sizeof *a) == 0,
	    "gaussian, epoch 5: noise_apply with corrupt_epoch_seed");

	memset(pix, 128, total);
	apply(CORRUPT_GAUSSIAN, 0.1f, pix, 0, NIMG, 1, 0, 0, a);
	st = stats_of(pix, a, total, -1);
	ok(fabs(st.mean) < 3 * 0.1 / sqrt((double)st.m),
	    "gaussian 0.1: mean change %.6f within 3 SE of 0", st.mean);
	ok(fabs(st.sd - 0.1) < 0.02 * 0.1, "gaussian 0.1: sd of change %.5f "
	    "within 2%% of 0.1", st.sd);
	ok(st.hit > 0.99, "gaussian 0.1: %.4f of pixels hit (expect ~1)",
	    st.hit);
}

/* P(Poisson(mu) = k). */
static double
poisson_pmf(double mu, int k)
{
	return exp(-mu + k * log(mu) - lgamma(k + 1.0));
}

/*
 * Mean and variance of the change clip(k s, 0, 1) - x, k ~ Poisson(x / s):
 * the clip at 1 pulls the mean a little below 0 for bright pixels.
 */
static void
shot_expect(double x, double s, double *mean, double *var)
{
	double mu = x / s, m1 = 0, m2 = 0;

	for (int k = 0; k < mu + 40 * sqrt(mu) + 40; k++) {
		double p = poisson_pmf(mu, k), v = k * s > 1 ? 1 : k * s;

		m1 += p * (v - x);
		m2 += p * (v - x) * (v - x);
	}
	*mean = m1;
	*var = m2 - m1 * m1;
}

static void
test_shot(uint8_t *pix, float *a)
{
	size_t       total = (size_t)NIMG * NPIX;
	change_stats st;

	/* Small means (inversion): x = 0.4, s = 0.1, so mu = 4 photons. */
	for (size_t i = 0; i < total; i++)
		pix[i] = i % 2 ? 102 : 0;
	apply(CORRUPT_SHOT, 0.1f, pix, 0, NIMG, 3, 0, 0, a);
	st = stats_of(pix, a, total, 102);
	{
		double mean, var, se, hit, hse;

		shot_expect(102 / 255.0, (double)0.1f, &mean, &var);
		se = sqrt(var / st.m);
		hit = 1.0 - poisson_pmf(4.0, 4);
		hse = sqrt(hit * (1 - hit) / st.m);
		ok(fabs(st.mean - mean) < 4 * se, "shot s=0.1, x=0.4: mean "
		    "change %.6f, expect %.6f (clip at 1), 4 SE %.6f",
		    st.mean, mean, 4 * se);
		ok(fabs(st.sd * st.sd - var) < 0.02 * var, "shot s=0.1: "
		    "variance %.5f within 2%% of %.5f (x*s = 0.04 unclipped)",
		    st.sd * st.sd, var);
		ok(fabs(st.hit - hit) < 5 * hse, "shot s=0.1: %.4f of pixels "
		    "hit, expect 1 - P(k=4) = %.4f", st.hit, hit);
	}
	st = stats_of(pix, a, total, 0);
	ok(st.hit == 0.0 && st.m > 0, "shot: black pixels are never hit");

	/* The rejection sampler at its smallest means: x = 1, s = 0.0999,
	 * mu = 10.01 (PTRS from 10).  Counts of k = 0 .. 10 (k s <= 1,
	 * unclipped) against N P(k), each within 5 SE: k = 0, P = e^-10,
	 * about 70 of 1.57M, must come out too. */
	memset(pix, 255, total);
	apply(CORRUPT_SHOT, 0.0999f, pix, 0, NIMG, 5, 0, 0, a);
	{
		double mu = 1.0 / (double)0.0999f, worst = 0;
		size_t cnt[11] = { 0 };
		int    bad = 0;

		for (size_t i = 0; i < total; i++) {
			long k = lround(a[i] / (double)0.0999f);

			if (a[i] < 1.0f && k >= 0 && k <= 10)
				cnt[k]++;
		}
		for (int k = 0; k <= 10; k++) {
			double e = total * poisson_pmf(mu, k);
			double z = fabs(cnt[k] - e) / sqrt(e);

			bad += z > 5;
			worst = z > worst ? z : worst;
		}
		ok(bad == 0 && cnt[0] > 0, "shot at mu = 10.01 (rejection "
		    "sampler): counts of k = 0 .. 10 within 5 SE of Poisson's "
		    "(%zu zeros, expect %.0f; worst %.1f SE)", cnt[0],
		    total * poisson_pmf(mu, 0), worst);
	}
	for (size_t i = 0; i < total; i++)
		pix[i] = i % 2 ? 102 : 0;

	/* Large means (PTRS): x = 0.4, s = 0.005, mu = 80 photons. */
	apply(CORRUPT_SHOT, 0.005f, pix, 0, NIMG, 3, 0, 0, a);
	st = stats_of(pix, a, total, 102);
	{
		double var = 0.4 * 0.005, se = sqrt(var / st.m);
		double p80 = poisson_pmf(80.0, 80), f80 = 0;
		size_t c80 = 0;

		ok(fabs(st.mean) < 4 * se, "shot s=0.005 (mu 80): mean change "
		    "%.7f within 4 SE of 0", st.mean);
		ok(fabs(st.sd * st.sd - var) < 0.02 * var, "shot s=0.005: "
		    "variance %.6f within 2%% of x*s = %.4f", st.sd * st.sd,
		    var);
		/* The mode's mass: the shape, not only two moments. */
		for (size_t i = 1; i < total; i += 2)
			c80 += fabsf(a[i] - 0.4f) < 1e-5f;
		f80 = (double)c80 / st.m;
		ok(fabs(f80 - p80) < 5 * sqrt(p80 * (1 - p80) / st.m),
		    "shot s=0.005: P(k = 80) measured %.5f, Poisson %.5f", f80,
		    p80);
	}
}

static void
test_impulse(uint8_t *pix, float *a)
{
	size_t       total = (size_t)NIMG * NPIX, ones = 0, hits = 0;
	double       p = 0.1, x = 128 / 255.0;
	change_stats st;

	memset(pix, 128, total);
	apply(CORRUPT_IMPULSE, (float)p, pix, 0, NIMG, 5, 0, 0, a);
	st = stats_of(pix, a, total, -1);
	for (size_t i = 0; i < total; i++) {
		hits += a[i] == 0.0f || a[i] == 1.0f;
		ones += a[i] == 1.0f;
	}
	{
		double se = sqrt(p * (1 - p) / total);
		double mean = p * (0.5 - x);
		double m2 = p * 0.5 * ((1 - x) * (1 - x) + x * x);
		double sd = sqrt(m2 - mean * mean);
		double half = (double)ones / hits;

		ok(fabs(st.hit - p) < 5 * se, "impulse p=0.1: %.5f of pixels "
		    "hit (5 SE %.5f)", st.hit, 5 * se);
		ok(fabs(half - 0.5) < 5 * sqrt(0.25 / hits), "impulse: %.4f of "
		    "hits are salt (1), the rest pepper (0)", half);
		ok(fabs(st.mean - mean) < 5 * sd / sqrt((double)total),
		    "impulse: mean change %.6f, expect %.6f", st.mean, mean);
		ok(fabs(st.sd - sd) < 0.01 * sd, "impulse: sd of change %.5f "
		    "within 1%% of %.5f", st.sd, sd);
	}
	apply(CORRUPT_IMPULSE, 1.0f, pix, 0, NIMG, 5, 0, 0, a);
	st = stats_of(pix, a, total, -1);
	ok(st.hit == 1.0, "impulse p=1: every pixel hit");
}

static void
test_speckle(uint8_t *pix, float *a)
{
	size_t       total = (size_t)NIMG * NPIX;
	double       s = 0.2, x = 128 / 255.0;
	change_stats st;

	for (size_t i = 0; i < total; i++)
		pix[i] = i % 2 ? 128 : 0;
	apply(CORRUPT_SPECKLE, (float)s, pix, 0, NIMG, 9, 0, 0, a);
	st = stats_of(pix, a, total, 128);
	ok(fabs(st.mean) < 3 * x * s / sqrt((double)st.m),
	    "speckle s=0.2: mean change %.6f within 3 SE of 0", st.mean);
	ok(fabs(st.sd - x * s) < 0.02 * x * s, "speckle s=0.2: sd of change "
	    "%.5f within 2%% of x*s = %.5f", st.sd, x * s);
	ok(st.hit > 0.99, "speckle: %.4f of grey pixels hit", st.hit);
	st = stats_of(pix, a, total, 0);
	ok(st.hit == 0.0 && st.m > 0, "speckle: black pixels never hit "
	    "(multiplicative)");
}

static void
test_blur(uint8_t *pix, float *a, float *b)
{
	uint8_t img[NPIX];
	float   o[NPIX];
	double  in = 0, outm = 0, mx = 0, my = 0, vx = 0, vy = 0;
	size_t  nz = 0;

	/* An interior blob keeps its mass (radius 4 at sigma 1). */
	memset(img, 0, sizeof img);
	for (int y = 9; y < 19; y++)
		for (int x = 8; x < 20; x++)
			img[y * SIDE + x] = (uint8_t)(40 + 13 * x + 7 * y);
	ok(apply(CORRUPT_BLUR, 1.0f, img, 0, 1, 0, 0, 0, o) == 0,
	    "blur succeeds: corrupt_apply returns 0");
	for (int i = 0; i < NPIX; i++) {
		in += img[i] / 255.0;
		outm += o[i];
	}
	ok(fabs(outm - in) < 1e-5 * in, "blur sigma 1: interior mass %.5f "
	    "kept (%.5f before)", outm, in);

	/* A point spreads into the truncated discrete Gaussian. */
	memset(img, 0, sizeof img);
	img[14 * SIDE + 13] = 255;
	apply(CORRUPT_BLUR, 1.5f, img, 0, 1, 0, 0, 0, o);
	for (int y = 0; y < SIDE; y++)
		for (int x = 0; x < SIDE; x++) {
			double v = o[y * SIDE + x];

			nz += v > 0;
			mx += v * x;
			my += v * y;
		}
	for (int y = 0; y < SIDE; y++)
		for (int x = 0; x < SIDE; x++) {
			double v = o[y * SIDE + x];

			vx += v * (x - mx) * (x - mx);
			vy += v * (y - my) * (y - my);
		}
	ok(fabs(mx - 13) < 1e-4 && fabs(my - 14) < 1e-4,
	    "blur: a point's centre stays at (%.4f, %.4f)", mx, my);
	ok(fabs(vx - 2.25) < 0.02 * 2.25 && fabs(vy - 2.25) < 0.02 * 2.25,
	    "blur sigma 1.5: spread %.4f x %.4f px^2 within 2%% of sigma^2",
	    vx, vy);
	ok(nz == 13 * 13, "blur sigma 1.5: %zu pixels hit, the 13x13 kernel "
	    "(radius ceil(4 sigma) = 6)", nz);

	/* Sigma 0 hits nothing; seed and epoch change nothing. */
	for (size_t i = 0; i < (size_t)NIMG * NPIX; i++)
		pix[i] = (uint8_t)(i * 7 % 256);
	apply(CORRUPT_BLUR, 0.0f, pix, 0, NIMG, 1, 0, 0, a);
	ok(stats_of(pix, a, (size_t)NIMG * NPIX, -1).hit == 0.0,
	    "blur sigma 0: 0%% of pixels hit");
	apply(CORRUPT_BLUR, 2.0f, pix, 0, NIMG, 1, 0, 0, a);
	apply(CORRUPT_BLUR, 2.0f, pix, 0, NIMG, 99, 1, 7, b);
	ok(memcmp(a, b, (size_t)NIMG * NPIX * sizeof *a) == 0,
	    "blur is deterministic: seed, split and epoch change nothing");
}

/*
 * Images larger than a block of normals (51 x 49 = 2499 pixels, odd, from
 * image 3): speckle's draws run across blocks, so image 4 alone is image 4
 * of the set, and at x = 1 a fraction about one half (z >= 0) is clipped
 * to 1.
 */
static void
test_big_images(uint8_t *pix, float *a, float *b)
{
	const size_t w = 51, h = 49, np = w * h;
	corrupt_spec c = { CORRUPT_SPECKLE, 0.5f };
	char         err[256];
	size_t       ones = 0;

	memset(pix, 255, 8 * np);
	ok(corrupt_apply(&c, pix, 3, 4, w, h, 9, 0, 1, a, err, sizeof err) ==
	    0 && corrupt_apply(&c, pix, 4, 1, w, h, 9, 0, 1, b, err,
	    sizeof err) == 0 && memcmp(a + np, b, np * sizeof *a) == 0,
	    "speckle on 2499-pixel images: image 4 alone == in the set");
	for (size_t i = 0; i < 4 * np; i++)
		ones += a[i] == 1.0f;
	ok(fabs((double)ones / (4 * np) - 0.5) < 0.03, "speckle at x = 1: "
	    "%.3f of the pixels clipped to 1 (z >= 0: one half)",
	    (double)ones / (4 * np));

	/* Speckle across blocks of normals: a 2499-pixel image of varied
	 * pixels from an odd global index is its 2499 pixels as images of
	 * 1 x 1 (each within one block). */
	for (size_t i = 0; i < 2 * np; i++)
		pix[i] = (uint8_t)(1 + i * 37 % 250);
	c.severity = 0.1f;
	ok(corrupt_apply(&c, pix, 1, 1, w, h, 9, 0, 1, a, err, sizeof err) ==
	    0 && corrupt_apply(&c, pix, np, np, 1, 1, 9, 0, 1, b, err,
	    sizeof err) == 0 && memcmp(a, b, np * sizeof *a) == 0,
	    "speckle on a 2499-pixel image: each pixel as drawn alone");

	/* 1025 pixels from an odd index: the block that fits is 1023 (the
	 * normals hold 1024 values, the first unused), then 2 */
	ok(corrupt_apply(&c, pix, 1, 1, 41, 25, 9, 0, 1, a, err, sizeof err) ==
	    0 && corrupt_apply(&c, pix, 1025, 1025, 1, 1, 9, 0, 1, b, err,
	    sizeof err) == 0 && memcmp(a, b, 1025 * sizeof *a) == 0,
	    "speckle on a 1025-pixel image from an odd index: each pixel as "
	    "drawn alone");

	/* A draw is a function of the pixel's global index alone: 10
	 * images of 3 x 1 pixels are 30 images of 1 x 1, in every family
	 * that draws per pixel (odd starts, one-pixel blocks). */
	for (size_t i = 0; i < 30; i++)
		pix[i] = (uint8_t)(40 + i * 7);
	for (int f = 0; f < CORRUPT_NFAMILY; f++) {
		corrupt_spec cs = { (corrupt_family)f,
		    corrupt_info_of((corrupt_family)f)->scales[3] };

		if (f == CORRUPT_BLUR)
			continue;
		for (int i = 0; i < 30; i++)
			b[i] = -1.0f;
		ok(corrupt_apply(&cs, pix, 0, 10, 3, 1, 9, 0, 2, a, err,
		    sizeof err) == 0 && corrupt_apply(&cs, pix, 0, 30, 1, 1, 9,
		    0, 2, b, err, sizeof err) == 0 && memcmp(a, b, 30 *
		    sizeof *a) == 0, "%s: images of 3 pixels draw as images "
		    "of 1", corrupt_name(cs.family));
	}
}

/* Threads, seeds, epochs, splits and one image alone, for every family. */
static void
test_reproducible(uint8_t *pix, float *a, float *b)
{
	size_t total = (size_t)NIMG * NPIX, bytes = total * sizeof(float);
	int    procs = omp_get_num_procs();

	for (size_t i = 0; i < total; i++)
		pix[i] = (uint8_t)(i * 7 % 256);
	for (int f = 0; f < CORRUPT_NFAMILY; f++) {
		const corrupt_info *ci = corrupt_info_of((corrupt_family)f);
		float               s = ci->scales[3], one[NPIX];
		int                 random = f != CORRUPT_BLUR;

		omp_set_num_threads(1);
		apply((corrupt_family)f, s, pix, 0, NIMG, 42, 0, 3, a);
		omp_set_num_threads(2);
		apply((corrupt_family)f, s, pix, 0, NIMG, 42, 0, 3, b);
		ok(memcmp(a, b, bytes) == 0, "%s %g: 1 thread == 2 threads",
		    ci->name, (double)s);
		omp_set_num_threads(procs);
		apply((corrupt_family)f, s, pix, 0, NIMG, 42, 0, 3, b);
		ok(memcmp(a, b, bytes) == 0, "%s: same seed repeats", ci->name);
		apply((corrupt_family)f, s, pix, 1234, 1, 42, 0, 3, one);
		ok(memcmp(one, a + 1234 * NPIX, sizeof one) == 0,
		    "%s: image 1234 alone == image 1234 of the set", ci->name);
		if (!random)
			continue;
		apply((corrupt_family)f, s, pix, 0, NIMG, 43, 0, 3, b);
		ok(memcmp(a, b, bytes) != 0, "%s: another seed differs",
		    ci->name);
		apply((corrupt_family)f, s, pix, 0, NIMG, 42, 0, 4, b);
		ok(memcmp(a, b, bytes) != 0, "%s: another epoch differs",
		    ci->name);
		apply((corrupt_family)f, s, pix, 0, NIMG, 42, 1, 3, b);
		ok(memcmp(a, b, bytes) != 0, "%s: the test split differs",
		    ci->name);
	}

	/* The families draw independently of each other. */
	memset(pix, 128, total);
	apply(CORRUPT_GAUSSIAN, 0.1f, pix, 0, NIMG, 42, 0, 0, a);
	apply(CORRUPT_SPECKLE, 0.1f / (128 / 255.0f), pix, 0, NIMG, 42, 0, 0,
	    b);
	{
		double c = 0, sa = 0, sb = 0, x = 128 / 255.0;

		for (size_t i = 0; i < total; i++) {
			c += (a[i] - x) * (b[i] - x);
			sa += (a[i] - x) * (a[i] - x);
			sb += (b[i] - x) * (b[i] - x);
		}
		c /= sqrt(sa * sb);
		ok(fabs(c) < 0.01, "gaussian and speckle draws uncorrelated "
		    "(r = %.4f)", c);
	}

	/* Scale 0 is the clean image in every family, from the first image
	 * asked for (images that differ, so one in the wrong place shows). */
	for (size_t i = 0; i < total; i++)
		pix[i] = (uint8_t)(i * 7 % 256);
	{
		int eq = 1;

		for (int f = 0; f < CORRUPT_NFAMILY; f++) {
			apply((corrupt_family)f, 0.0f, pix, 5, 10, 1, 0, 2, a);
			for (size_t i = 0; i < 10 * NPIX; i++)
				eq &= a[i] == pix[5 * NPIX + i] * (1.0f / 255.0f);
		}
		ok(eq, "severity 0 gives x / 255 in every family");
	}
}

int
main(void)
{
	size_t   total = (size_t)NIMG * NPIX;
	uint8_t *pix = malloc(total);
	float   *a = malloc(total * sizeof(float));
	float   *b = malloc(total * sizeof(float));
	char     err[256];

	if (!pix || !a || !b)
		return skip_all("out of memory");
	test_table();
	test_list();
	test_pinned(pix, a);
	test_gaussian(pix, a, b);
	test_shot(pix, a);
	test_impulse(pix, a);
	test_speckle(pix, a);
	test_blur(pix, a, b);
	test_reproducible(pix, a, b);
	test_big_images(pix, a, b);
	{
		corrupt_spec c = { CORRUPT_IMPULSE, 2.0f };

		ok(corrupt_apply(&c, pix, 0, 1, SIDE, SIDE, 1, 0, 0, a, err,
		    sizeof err) == -1, "corrupt_apply refuses a bad severity");
		c.severity = 0.5f;
		ok(corrupt_apply(&c, pix, 0, 1, 0, SIDE, 1, 0, 0, a, err,
		    sizeof err) == -1, "corrupt_apply refuses width 0");
	}
	free(pix);
	free(a);
	free(b);
	return tap_done();
}

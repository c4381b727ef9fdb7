/* Noise: statistics, independence, and reproducibility. */
#include "data/noise.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/rng.h"
#include "tap.h"

#define NPIX 784

int
main(void)
{
	size_t   n = 2000, total = n * NPIX;
	uint8_t *pix = malloc(total);
	float   *a = malloc(total * sizeof(float));
	float   *b = malloc(total * sizeof(float));
	float    one[NPIX];

	/* The raw draws are standard normal. */
	{
		double s = 0, s2 = 0;
		size_t m = 1000000;
		for (size_t i = 0; i < m; i++) {
			double z = noise_draw(7, 0, i / NPIX, NPIX, i % NPIX);
			s += z;
			s2 += z * z;
		}
		double mean = s / m, sd = sqrt(s2 / m - mean * mean);
		ok(fabs(mean) < 3.0 / sqrt((double)m),
		    "raw draws: mean %.5f within 3 standard errors of 0", mean);
		ok(fabs(sd - 1.0) < 0.01, "raw draws: sd %.4f within 1%% of 1",
		    sd);
	}

	/* Mid-grey images: the added noise on unclipped pixels. */
	memset(pix, 128, total);
	for (int k = 0; k < 2; k++) {
		float  scale = k ? 0.25f : 0.1f;
		double s = 0, s2 = 0;
		size_t m = 0, clipped = 0;

		noise_apply(pix, 0, n, NPIX, scale, 1, 0, a);
		for (size_t i = 0; i < total; i++) {
			double d = a[i] - 128 / 255.0;

			if (a[i] <= 0.0f || a[i] >= 1.0f)
				clipped++;
			/* A symmetric window inside [0, 1] keeps the mean
			 * unbiased (128/255 is not quite the centre). */
			if (fabs(d) >= 0.49)
				continue;
			s += d;
			s2 += d * d;
			m++;
		}
		double mean = s / m, sd = sqrt(s2 / m - mean * mean);
		double se = scale / sqrt((double)m);
		ok(fabs(mean) < 3 * se, "scale %g: mean of added noise %.6f "
		    "within 3 SE (%.6f) of 0", (double)scale, mean, se);
		/* At 0.25 about 4.6% of draws pass a clip; those removed
		 * shrink the sd, so only the 0.1 case is held to 2%. */
		if (k == 0)
			ok(fabs(sd - scale) < 0.02 * scale, "scale %g: sd %.5f "
			    "within 2%% of the scale", (double)scale, sd);
		else
			ok(clipped > 0 && sd < scale, "scale %g: %zu clipped, "
			    "sd %.4f below the scale", (double)scale, clipped,
			    sd);
	}

	/* Values stay in [0, 1] at a large scale. */
	for (size_t i = 0; i < total; i++)
		pix[i] = (uint8_t)(i * 7 % 256);
	noise_apply(pix, 0, n, NPIX, 4.0f, 3, 0, a);
	{
		int in = 1;
		for (size_t i = 0; i < total; i++)
			in &= a[i] >= 0.0f && a[i] <= 1.0f;
		ok(in, "scale 4: every pixel clipped to [0, 1]");
	}

	/* No two images share draws; per pixel, not one scalar per image. */
	{
		int    same = 0, flat = 0;
		double maxcorr = 0;
		for (size_t i = 0; i < 50; i++) {
			double zi[NPIX];
			for (int p = 0; p < NPIX; p++)
				zi[p] = noise_draw(3, 0, i, NPIX, p);
			flat += zi[0] == zi[1] && zi[1] == zi[2];
			for (size_t j = i + 1; j < 50; j++) {
				double c = 0;
				int    eq = 0;
				for (int p = 0; p < NPIX; p++) {
					double zj = noise_draw(3, 0, j, NPIX, p);
					c += zi[p] * zj;
					eq += zi[p] == zj;
				}
				same += eq > 2;
				c = fabs(c / NPIX);
				maxcorr = c > maxcorr ? c : maxcorr;
			}
		}
		ok(same == 0 && flat == 0, "50 images: no shared draws, no "
		    "image with one scalar");
		ok(maxcorr < 0.2, "50 images: largest correlation %.3f of "
		    "their noise < 0.2", maxcorr);
	}

	/* Train and test draw differently; seeds differ. */
	noise_apply(pix, 0, n, NPIX, 0.5f, 3, 1, b);
	ok(memcmp(a, b, total * sizeof(float)) != 0, "test split has its own "
	    "draws");
	noise_apply(pix, 0, n, NPIX, 4.0f, 4, 0, b);
	ok(memcmp(a, b, total * sizeof(float)) != 0, "another seed draws "
	    "differently");

	/* Thread count does not change anything. */
	omp_set_num_threads(1);
	noise_apply(pix, 0, n, NPIX, 4.0f, 3, 0, b);
	ok(memcmp(a, b, total * sizeof(float)) == 0, "1 thread == %d threads",
	    omp_get_num_procs());
	omp_set_num_threads(3);
	noise_apply(pix, 0, n, NPIX, 4.0f, 3, 0, b);
	ok(memcmp(a, b, total * sizeof(float)) == 0, "3 threads == default");
	omp_set_num_threads(omp_get_num_procs());

	/* One image alone (the dashboard preview) == its slice of the set. */
	noise_apply(pix, 1234, 1, NPIX, 4.0f, 3, 0, one);
	ok(memcmp(one, a + 1234 * NPIX, sizeof one) == 0,
	    "image 1234 alone == image 1234 of the set");
	{
		/* Odd npix: pairs straddle images; a lone image still agrees. */
		float set[5 * 7], alone[7];
		noise_apply(pix, 0, 5, 7, 1.0f, 9, 0, set);
		noise_apply(pix, 3, 1, 7, 1.0f, 9, 0, alone);
		ok(memcmp(alone, set + 21, sizeof alone) == 0,
		    "odd image size: image 3 alone == in the set");
	}

	/* noise_apply adds exactly noise_draw's values (odd first image, so
	 * blocks of pairs start mid-pair). */
	memset(pix, 128, total);
	noise_apply(pix, 7, 300, NPIX, 0.1f, 5, 1, a);
	{
		int eq = 1;
		for (size_t i = 0; i < 300 * NPIX; i++) {
			float v = 128 * (1.0f / 255.0f) + 0.1f *
			    noise_draw(5, 1, 7 + i / NPIX, NPIX, i % NPIX);
			v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
			eq &= memcmp(&v, &a[i], sizeof v) == 0;
		}
		ok(eq, "noise_apply == clip(x + scale * noise_draw), bit for bit");
	}

	/* The AVX2, AVX-512 and portable paths draw the same bits. */
	diag("normal kernel %s", rng_kernel_name());
	for (int k = 0; k < 2; k++) {
		const char *kn = k ? "avx512" : "avx2";
		float       zp[2 * 1001], za[2 * 1001];

		if (rng_force_kernel(kn) != 0) {
			printf("ok %d # SKIP %s normals: not supported here\n",
			    ++tap_n, kn);
			printf("ok %d # SKIP %s normals: not supported here\n",
			    ++tap_n, kn);
			continue;
		}
		for (size_t i = 0; i < total; i++)
			pix[i] = (uint8_t)(i * 7 % 256);
		noise_apply(pix, 3, n - 3, NPIX, 0.7f, 11, 0, a);
		ok(rng_force_kernel("portable") == 0 &&
		    strcmp(rng_kernel_name(), "portable") == 0,
		    "portable normals forced");
		noise_apply(pix, 3, n - 3, NPIX, 0.7f, 11, 0, b);
		rng_normal2_block(12345, (uint64_t)1 << 40, 1001, zp);
		rng_force_kernel(kn);
		rng_normal2_block(12345, (uint64_t)1 << 40, 1001, za);
		ok(memcmp(a, b, (n - 3) * NPIX * sizeof(float)) == 0 &&
		    memcmp(zp, za, sizeof zp) == 0,
		    "%s and portable paths: bit-identical noise and normals",
		    kn);
	}
	ok(rng_force_kernel("nonsense") == -1, "unknown normal kernel refused");

	/*
	 * Images larger than a block of normals (1024): the draws go on
	 * across blocks, from an odd pixel (2501-pixel images from image 3,
	 * a 1025-pixel one from image 3) and from an even one to a last block
	 * of one pixel (1025 from image 2); and pixels of every value at
	 * scale 0.7, clipped at both ends.
	 */
	{
		static const struct {
			size_t npix, first, n;
		} big[3] = { { 2501, 3, 4 }, { 1025, 2, 1 }, { 1025, 3, 1 } };

		for (int k = 0; k < 3; k++) {
			size_t np = big[k].npix, cnt = big[k].n * np;
			int    eq = 1, lo = 0, hi = 0;

			for (size_t i = 0; i < (big[k].first + big[k].n) * np;
			    i++)
				pix[i] = (uint8_t)(i * 37 % 256);
			noise_apply(pix, big[k].first, big[k].n, np, 0.7f, 5,
			    0, a);
			for (size_t i = 0; i < cnt; i++) {
				size_t img = big[k].first + i / np;
				float  v = pix[img * np + i % np] *
				    (1.0f / 255.0f) + 0.7f * noise_draw(5, 0,
				    img, np, i % np);

				lo += v < 0.0f;
				hi += v > 1.0f;
				v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
				eq &= memcmp(&v, &a[i], sizeof v) == 0;
			}
			ok(eq && lo > 0 && hi > 0, "%zu images of %zu pixels "
			    "from image %zu: noise_draw's values across blocks, "
			    "bit for bit, %d clipped to 0 and %d to 1",
			    big[k].n, np, big[k].first, lo, hi);
		}
	}

	/* noise_clean writes n * npix values and not one more. */
	{
		float out[11];

		for (int i = 0; i < 11; i++)
			out[i] = -1.0f;
		noise_clean(pix, 2, 5, out);
		ok(out[0] == pix[0] / 255.0f && out[9] == pix[9] / 255.0f &&
		    out[10] == -1.0f, "noise_clean: 2 x 5 values, the 11th "
		    "left alone");
	}

	/* Scale 0 is the clean image, from the first image asked for. */
	noise_apply(pix, 5, 3, NPIX, 0.0f, 3, 0, a);
	{
		int eq = 1;
		for (size_t i = 0; i < 3 * NPIX; i++)
			eq &= a[i] == pix[5 * NPIX + i] * (1.0f / 255.0f);
		ok(eq, "scale 0 from image 5 gives images 5 to 7 as x / 255");
	}

	/* Scale 0 is the clean image. */
	noise_apply(pix, 0, 10, NPIX, 0.0f, 3, 0, a);
	{
		int eq = 1;
		for (size_t i = 0; i < 10 * NPIX; i++)
			eq &= a[i] == pix[i] * (1.0f / 255.0f);
		ok(eq, "scale 0 gives x / 255");
	}

	free(pix);
	free(a);
	free(b);
	return tap_done();
}

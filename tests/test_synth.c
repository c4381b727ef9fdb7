/* Synthetic digits: deterministic, thread-invariant, MNIST-like, learnable. */
#include "data/synth.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"
#include "engine/mlp.h"
#include "mnist_path.h"
#include "data/noise.h"
#include "tap.h"
#include "engine/train.h"

/* The asset beside the sources (tests run from the repository root). */
static char *
read_asset(void)
{
	static const char *const where[] = {
		"assets/digits.strokes", "../assets/digits.strokes",
	};
	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
		FILE *f = fopen(where[i], "rb");
		char *b;
		long  n;

		if (f == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		b = calloc(1, (size_t)n + 1);
		if (fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		}
		fclose(f);
		return b;
	}
	return NULL;
}

static void
test_font(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "stroke 1,2 3,4\n", "line 1: a stroke before any 'digit'" },
		{ "digit 0\nstroke 1,2\n", "line 2: a stroke needs at least two" },
		{ "digit 0\nstroke 1,2 3;4\n", "line 2: point 2 is not x,y" },
		{ "digit 0\nstroke 1,2 3,140\n", "line 2: point 3,140 outside" },
		{ "digit 12\n", "line 1: 'digit' needs one digit 0-9" },
		{ "# c\n\ndigit 1\nstrok 1,2 3,4\n", "line 4: expected 'digit'" },
		{ "digit 0\n", "template 1 has no strokes" },
		{ "digit 0\nstroke 1,2 3,4\n", "digit 1 has no template" },
	};
	char       *asset = read_asset(), err[256];
	synth_font *f;

	ok(asset != NULL && strcmp(asset, synth_builtin_strokes()) == 0,
	    "the built-in templates are byte for byte assets/digits.strokes "
	    "(%s)", asset == NULL ? "asset not found" : "compared");
	free(asset);
	ok(synth_font_parse(synth_builtin_strokes(), &f, err, sizeof err) ==
	    0 && f != NULL, "the built-in templates parse (%s)",
	    f ? "ok" : err);
	synth_font_free(f);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = synth_font_parse(bad[i].text, &f, err, sizeof err);

		ok(rc == -1 && f == NULL && strstr(err, bad[i].want) != NULL,
		    "bad template %zu: '%s'", i + 1, err);
	}
}

/* n samples of split 0 for seed with nthreads OpenMP threads. */
static void
gen(uint64_t seed, size_t n, int nthreads, uint8_t *pix, uint8_t *lab)
{
	char err[256];

	omp_set_num_threads(nthreads);
	if (synth_generate(NULL, seed, 0, 0, n, pix, lab, err, sizeof err) !=
	    0)
		diag("synth_generate: %s", err);
}

static void
test_determinism(void)
{
	const size_t n = 3000;
	uint8_t *a = malloc(n * DATASET_NPIX), *b = malloc(n * DATASET_NPIX);
	uint8_t *la = malloc(n), *lb = malloc(n), one[DATASET_NPIX], l1;
	char     err[256];
	size_t   same = 0, dup = 0;
	int      nthreads = omp_get_max_threads();

	gen(42, n, 1, a, la);
	gen(42, n, 2, b, lb);
	ok(memcmp(a, b, n * DATASET_NPIX) == 0 && memcmp(la, lb, n) == 0,
	    "seed 42: 1 and 2 threads give the same bytes");
	gen(42, n, 2, b, lb);
	ok(memcmp(a, b, n * DATASET_NPIX) == 0, "seed 42 again: same bytes");
	synth_generate(NULL, 42, 0, 1234, 1, one, &l1, err, sizeof err);
	ok(memcmp(one, a + 1234 * DATASET_NPIX, DATASET_NPIX) == 0 &&
	    l1 == la[1234] && l1 == synth_label(42, 0, 1234),
	    "sample 1234 made alone equals the one made in the set");
	gen(43, n, 2, b, lb);
	for (size_t i = 0; i < n; i++)
		same += memcmp(a + i * DATASET_NPIX, b + i * DATASET_NPIX,
		    DATASET_NPIX) == 0;
	ok(same == 0 && memcmp(la, lb, n) != 0,
	    "seed 43 differs from 42 (%zu identical images)", same);
	synth_generate(NULL, 42, 1, 0, 1, one, &l1, err, sizeof err);
	ok(memcmp(one, a, DATASET_NPIX) != 0,
	    "the test split draws its own samples");
	/* Every image its own: no two equal among the first 300 pairs. */
	for (size_t i = 0; i < 300; i++)
		for (size_t j = i + 1; j < 300; j++)
			dup += memcmp(a + i * DATASET_NPIX, a + j * DATASET_NPIX,
			    DATASET_NPIX) == 0;
	ok(dup == 0, "no duplicate images among 300 (%zu)", dup);
	omp_set_num_threads(nthreads);
	free(a);
	free(b);
	free(la);
	free(lb);
}

static void
test_labels(void)
{
	size_t count[10] = { 0 }, lo = (size_t)-1, hi = 0, n = 20005;
	int    ordered = 1;

	for (size_t i = 0; i < n; i++)
		count[synth_label(7, 0, i)]++;
	for (int c = 0; c < 10; c++) {
		lo = count[c] < lo ? count[c] : lo;
		hi = count[c] > hi ? count[c] : hi;
	}
	ok(lo >= 2000 && hi <= 2001, "20005 labels: every digit 2000-2001 "
	    "times (%zu-%zu)", lo, hi);
	for (size_t i = 0; i < 100; i++)
		ordered &= synth_label(7, 0, i) == i % 10;
	ok(!ordered, "labels are shuffled within each block of ten");
}

/* Mean intensity, mean centre of mass, mean ink bbox of a split. */
static void
stats(const dataset_split *s, double *mean, double *cx, double *cy,
    double *worst, double *bw, double *bh)
{
	double sum = 0, sx = 0, sy = 0, w = 0, W = 0, H = 0;

	for (size_t i = 0; i < s->n; i++) {
		const uint8_t *p = s->pix + i * DATASET_NPIX;
		double         m = 0, x = 0, y = 0, d;
		int            x0 = 99, x1 = -1, y0 = 99, y1 = -1;

		for (int r = 0; r < 28; r++)
			for (int c = 0; c < 28; c++) {
				double v = p[r * 28 + c] / 255.0;

				m += v;
				x += v * c;
				y += v * r;
				if (p[r * 28 + c] > 0) {
					x0 = c < x0 ? c : x0;
					x1 = c > x1 ? c : x1;
					y0 = r < y0 ? r : y0;
					y1 = r > y1 ? r : y1;
				}
			}
		sum += m;
		if (m > 0) {
			sx += x / m;
			sy += y / m;
			d = hypot(x / m - 14, y / m - 14);
			w = d > w ? d : w;
			W += x1 - x0 + 1;
			H += y1 - y0 + 1;
		}
	}
	*mean = sum / (double)s->n / DATASET_NPIX;
	*cx = sx / (double)s->n;
	*cy = sy / (double)s->n;
	*worst = w;
	*bw = W / (double)s->n;
	*bh = H / (double)s->n;
}

static void
test_statistics(dataset *ds)
{
	double mean, cx, cy, worst, bw, bh;
	char   dir[4096], err[8192];
	dataset real;

	stats(&ds->train, &mean, &cx, &cy, &worst, &bw, &bh);
	ok(mean > 0.09 && mean < 0.18, "mean intensity %.4f (MNIST 0.1307)",
	    mean);
	ok(fabs(cx - 14) < 0.3 && fabs(cy - 14) < 0.3,
	    "mean centre of mass (%.3f, %.3f), MNIST's is (14.0, 14.0)", cx,
	    cy);
	ok(worst < 1.0, "every image's centre of mass within %.2f px of "
	    "(14, 14)", worst);
	ok(bh > 17 && bh <= 20.5 && bw > 10 && bw < 20,
	    "ink box %.1f x %.1f px (MNIST 15.7 x 19.7)", bw, bh);
	if (test_mnist_dir(dir, sizeof dir) == 0 &&
	    dataset_load(&real, dir, 10000, 1, err, sizeof err) == 0) {
		stats(&real.train, &mean, &cx, &cy, &worst, &bw, &bh);
		diag("real MNIST, first 10000: mean %.4f, centre (%.3f, "
		    "%.3f), ink box %.1f x %.1f", mean, cx, cy, bw, bh);
		dataset_free(&real);
	}
}

static void
test_learnable(void)
{
	dataset       ds;
	train_config  cfg;
	train_result *res = calloc(1, sizeof *res);
	char          err[1024];
	float        *xtr, *xte;
	double        t;

	/* The sanitizer pass (make test-sanitize) has run this unsanitized
	 * already: skip the slow part there. */
	if (getenv("NOISETOP_TEST_QUICK") != NULL) {
		free(res);
		diag("learnability: checked in the unsanitized run");
		return;
	}
	t = omp_get_wtime();
	if (dataset_synthetic(&ds, 42, 12000, 3000, err, sizeof err) != 0) {
		ok(0, "synthetic set for training: %s", err);
		free(res);
		return;
	}
	t = omp_get_wtime() - t;
	xtr = malloc(ds.train.n * DATASET_NPIX * sizeof *xtr);
	xte = malloc(ds.test.n * DATASET_NPIX * sizeof *xte);
	noise_clean(ds.train.pix, ds.train.n, DATASET_NPIX, xtr);
	noise_clean(ds.test.pix, ds.test.n, DATASET_NPIX, xte);
	train_config_default(&cfg);
	cfg.epochs = 2;
	{
		train_data tr = { xtr, ds.train.label, ds.train.n,
		    DATASET_NPIX, NULL, NULL };
		train_data te = { xte, ds.test.label, ds.test.n,
		    DATASET_NPIX, NULL, NULL };
		int        rc = train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL,
		    res, err, sizeof err);

		ok(rc == 0 && res->nhist == 2, "2 epochs on 12000 synthetic "
		    "digits train (%s)", rc == 0 ? "ok" : err);
		ok(res->test_acc >= 0.90, "learnable: val_accuracy %.4f >= 0.90 "
		    "on its own test split (epoch 1 %.4f)", res->test_acc,
		    res->hist[0].val_acc);
		ok(res->test_acc < 0.99, "not trivial: val_accuracy %.4f below "
		    "0.99 (real MNIST: about 0.97 after 2 epochs)",
		    res->test_acc);
		diag("2 epochs: %.1f s + %.1f s, train accuracy %.4f, set "
		    "generated in %.3f s", res->hist[0].seconds,
		    res->hist[1].seconds, res->hist[1].acc, t);
	}
	mlp_free(res->model);
	free(res);
	free(xtr);
	free(xte);
	dataset_free(&ds);
}

int
main(void)
{
	dataset ds;
	char    err[1024];
	double  t;

	test_font();
	test_determinism();
	test_labels();

	t = omp_get_wtime();
	ok(dataset_synthetic(&ds, 42, 0, 0, err, sizeof err) == 0 &&
	    ds.train.n == 60000 && ds.test.n == 10000,
	    "the default synthetic set: 60000 + 10000");
	t = omp_get_wtime() - t;
	diag("generated 70000 synthetic digits in %.3f s with %d threads", t,
	    omp_get_max_threads());
	test_statistics(&ds);
	dataset_free(&ds);
	test_learnable();
	return tap_done();
}

/* The probes: the input gradient against central differences of a double
 * reference network; the Jacobian against its definition; ECE on a hand-made
 * case; FGSM at eps 0 against the clean accuracy, PGD against FGSM; attack
 * parsing; and every probe bit-identical for 1 and 2 threads and for the
 * AVX2 and AVX-512 kernels. */
#include "engine/probe.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"
#include "data/noise.h"
#include "engine/train.h"
#include "kernels/gemm.h"
#include "kernels/rng.h"
#include "tap.h"

/* The network of m in double: the softmax of x (size[0]) into p. */
static void
ref_forward(const mlp *m, const double *x, double *p)
{
	double a[MLP_MAX_WIDTH], z[MLP_MAX_WIDTH], mx, sum = 0.0;
	int    L = m->nlayer, nc = m->size[L];

	memcpy(a, x, (size_t)m->size[0] * sizeof *a);
	for (int l = 0; l < L; l++) {
		int in = m->size[l], out = m->size[l + 1];

		for (int j = 0; j < out; j++) {
			double s = m->b[l][j];

			for (int i = 0; i < in; i++)
				s += a[i] * (double)m->W[l][(size_t)i * out + j];
			z[j] = l < L - 1 && s < 0.0 ? 0.0 : s;
		}
		memcpy(a, z, (size_t)out * sizeof *a);
	}
	mx = a[0];
	for (int j = 1; j < nc; j++)
		mx = a[j] > mx ? a[j] : mx;
	for (int j = 0; j < nc; j++)
		sum += (p[j] = exp(a[j] - mx));
	for (int j = 0; j < nc; j++)
		p[j] /= sum;
}

static double
ref_loss(const mlp *m, const double *x, int y)
{
	double p[MLP_MAX_WIDTH];

	ref_forward(m, x, p);
	return -log(p[y]);
}

/* A network of the given shape with Glorot weights and non-zero biases. */
static mlp *
random_net(int nlayer, const int *size, int batch, uint64_t seed)
{
	char err[256];
	mlp *m = mlp_new(nlayer, size, batch, 0.2f, err, sizeof err);

	mlp_init(m, seed);
	for (int l = 0; l < nlayer; l++)
		for (int j = 0; j < size[l + 1]; j++)
			m->b[l][j] = 0.1f * (rng_uniform(seed + 11, (uint64_t)
			    (l * 10000 + j)) - 0.3f);
	return m;
}

/*
 * probe_loss_grad()'s gradient of each image's loss against central
 * differences of the double reference (h = 1e-5, truncation error about
 * 1e-10): relative error ||g - fd|| / ||fd|| per image, on every pixel or
 * on npick of them.
 */
static void
input_gradient_check(int nlayer, const int *size, int bs, int npick)
{
	mlp     *m = random_net(nlayer, size, bs, 3);
	int      npix = size[0];
	float   *x = malloc((size_t)bs * npix * sizeof *x);
	double  *xd = malloc((size_t)npix * sizeof *xd), worst = 0.0;
	uint8_t  y[64];
	int      bad = 0;

	for (int i = 0; i < bs * npix; i++)
		x[i] = rng_uniform(21, (uint64_t)i);
	for (int r = 0; r < bs; r++)
		y[r] = (uint8_t)(r % size[nlayer]);
	probe_loss_grad(m, x, y, bs);
	for (int r = 0; r < bs; r++) {
		const float *g = m->delta[0] + (size_t)r * npix;
		double       num = 0.0, den = 0.0;

		for (int i = 0; i < npix; i++)
			xd[i] = x[(size_t)r * npix + i];
		for (int q = 0; q < (npick ? npick : npix); q++) {
			int    i = npick ? (int)(rng_hash(22, (uint64_t)(r *
			    1000 + q)) % (uint64_t)npix) : q;
			double h = 1e-5, v = xd[i], fd;

			xd[i] = v + h;
			fd = ref_loss(m, xd, y[r]);
			xd[i] = v - h;
			fd = (fd - ref_loss(m, xd, y[r])) / (2.0 * h);
			xd[i] = v;
			num += (g[i] - fd) * (g[i] - fd);
			den += fd * fd;
		}
		double rel = sqrt(num / (den > 0.0 ? den : 1e-300));

		worst = rel > worst ? rel : worst;
		bad += !(rel < 1e-3);
	}
	ok(bad == 0, "%d-%d-...-%d, %s pixels of %d images: input gradient "
	    "within 1e-3 of central differences (largest relative error "
	    "%.2g)", size[0], size[1], size[nlayer], npick ? "sampled" :
	    "all", bs, worst);
	free(x);
	free(xd);
	mlp_free(m);
}

/* jac_frob against the double reference's Jacobian by differences. */
static void
jacobian_check(void)
{
	int        size[4] = { 12, 10, 8, 4 }, bs = 3, npix = 12;
	mlp       *m = random_net(3, size, bs, 5);
	float      x[36];
	uint8_t    y[3] = { 0, 1, 2 };
	double     want = 0.0, xd[12];
	probe_sens s;
	char       err[256];
	int        rc;

	for (int i = 0; i < bs * npix; i++)
		x[i] = rng_uniform(23, (uint64_t)i);
	for (int r = 0; r < bs; r++) {
		double f2 = 0.0;

		for (int i = 0; i < npix; i++)
			xd[i] = x[r * npix + i];
		for (int i = 0; i < npix; i++) {
			double pp[8], pm[8], v = xd[i], h = 1e-5;

			xd[i] = v + h;
			ref_forward(m, xd, pp);
			xd[i] = v - h;
			ref_forward(m, xd, pm);
			xd[i] = v;
			for (int k = 0; k < 4; k++)
				f2 += pow((pp[k] - pm[k]) / (2 * h), 2);
		}
		want += sqrt(f2) / bs;
	}
	rc = probe_sensitivity(m, x, y, (size_t)bs, 4, 3, &s, err, sizeof err);
	ok(rc == 0 && fabs(s.jac_frob - want) < 1e-6 * want, "Jacobian "
	    "Frobenius norm %.9g, by differences %.9g", s.jac_frob, want);
	rc = probe_sensitivity(m, x, y, (size_t)bs, 5, 3, &s, err, sizeof err);
	ok(rc == -1, "5x3 images refused for 12 inputs: %s", err);
	mlp_free(m);
}

/* The first layer's figures on weights made by hand. */
static void
weights_check(void)
{
	int        size[3] = { 6, 2, 2 };
	char       err[256];
	mlp       *m = mlp_new(2, size, 1, 0.0f, err, sizeof err);
	probe_sens s;

	/* 3x2 fields: unit 0 constant 1 (smooth), unit 1 a checkerboard */
	for (int i = 0; i < 6; i++) {
		m->W[0][i * 2] = 1.0f;
		m->W[0][i * 2 + 1] = (i % 3 + i / 3) % 2 ? 1.0f : -1.0f;
	}
	probe_weights(m, 3, 2, &s, err, sizeof err);
	/* 7 pairs per unit; unit 1's differences are all 2: msd 4 * 7 / 14 =
	 * 2, mean square 1, so 2 / 2 = 1 */
	ok(fabs(s.w1_norm - sqrt(12.0)) < 1e-12 && fabs(s.rf_rough - 1.0) <
	    1e-12, "W1 norm %.6g (sqrt 12), roughness %.6g (1: one constant, "
	    "one checkerboard)", s.w1_norm, s.rf_rough);
	/* less a start of 1 everywhere: unit 0 is 0, unit 1 the checkerboard
	 * shifted by -1 (0 or -2): differences all 2 again (msd 2), mean
	 * square (6 * 4 / 2) / 12 = 1, so 1; less itself: 0 */
	float w0[12], dr, self;

	for (int i = 0; i < 12; i++)
		w0[i] = 1.0f;
	dr = (float)probe_roughness(m->W[0], w0, 6, 2, 3, 2);
	self = (float)probe_roughness(m->W[0], m->W[0], 6, 2, 3, 2);
	ok(fabs(dr - 1.0) < 1e-6 && self == 0.0f && isnan(probe_roughness(
	    m->W[0], NULL, 6, 2, 2, 2)), "roughness of the change from a "
	    "start: %.6g (1), from itself %g (0), misshapen NAN", dr,
	    (double)self);
	mlp_free(m);
}

/* The top fields: units by their incoming weights' norm, ties to the
 * lower index, each field copied out. */
static void
top_fields_check(void)
{
	int   size[3] = { 4, 5, 2 }, units[5] = { -1, -1, -1, -1, -1 };
	float fields[3 * 4];
	char  err[256];
	mlp  *m = mlp_new(2, size, 1, 0.0f, err, sizeof err);
	int   n;

	if (m == NULL) {
		ok(0, "mlp_new: %s", err);
		return;
	}
	/* W[0] is (4, 5): unit j's norm^2 is 4 * v[j]^2 */
	for (int i = 0; i < 4; i++) {
		const float v[5] = { 0.1f, -0.5f, 0.3f, 0.5f, 0.0f };

		for (int j = 0; j < 5; j++)
			m->W[0][i * 5 + j] = v[j] * (float)(i + 1 == 4 && j == 2 ?
			    -1 : 1);
	}
	n = probe_top_fields(m, 3, units, fields);
	ok(n == 3 && units[0] == 1 && units[1] == 3 && units[2] == 2 &&
	    units[3] == -1 && fields[0] == -0.5f && fields[4] == 0.5f &&
	    fields[8] == 0.3f && fields[11] == -0.3f,
	    "top fields: units 1, 3 (a tie, lower first), 2, with their "
	    "weights (%d: %d %d %d)", n, units[0], units[1], units[2]);
	ok(probe_top_fields(m, 9, units, NULL) == 5 && units[4] == 4,
	    "top fields: at most the layer's units");
	mlp_free(m);
}

/* ECE on a case worked by hand. */
static void
ece_check(void)
{
	/* 4 at 0.9 (bin 13), 3 right: |0.75 - 0.9| * 0.4 = 0.06; 6 at 0.55
	 * (bin 8), 3 right: |0.5 - 0.55| * 0.6 = 0.03.  ECE 0.09, mean
	 * confidence 0.69, accuracy 0.6. */
	float       conf[10] = { 0.9f, 0.9f, 0.9f, 0.9f, 0.55f, 0.55f, 0.55f,
	    0.55f, 0.55f, 0.55f };
	uint8_t     pred[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 };
	uint8_t     y[10] = { 1, 2, 3, 0, 5, 6, 7, 0, 0, 1 };
	probe_calib c;

	probe_calibration(pred, conf, y, 10, &c);
	ok(fabs(c.ece - 0.09) < 1e-7 && fabs(c.conf - 0.69) < 1e-7 &&
	    c.acc == 0.6, "ECE %.8f (0.09), confidence %.8f (0.69), accuracy "
	    "%g (0.6)", c.ece, c.conf, c.acc);
	{
		probe_reliability r;
		size_t            total = 0;

		probe_reliability_bins(pred, conf, y, 10, &r);
		for (int b = 0; b < PROBE_ECE_BINS; b++)
			total += r.count[b];
		ok(r.count[13] == 4 && r.count[8] == 6 && total == 10 &&
		    r.acc[13] == 0.75 && r.acc[8] == 0.5 &&
		    fabs(r.conf[13] - 0.9) < 1e-7 &&
		    fabs(r.conf[8] - 0.55) < 1e-7 && r.acc[0] == 0.0 &&
		    memcmp(&r.total, &c, sizeof c) == 0,
		    "reliability bins: 4 in bin 13 (0.75 right), 6 in bin 8 "
		    "(0.5 right), the same ECE to the bit");
	}
	/* two bins, each calibrated: ECE 0; confidence 1 is in the last bin
	 * and 0.5 in bin 7 ((7/15, 8/15]) */
	float   c2[4] = { 1.0f, 1.0f, 0.5f, 0.5f };
	uint8_t p2[4] = { 1, 1, 1, 1 }, y2[4] = { 1, 1, 1, 0 };

	probe_calibration(p2, c2, y2, 4, &c);
	ok(c.ece == 0.0 && c.acc == 0.75, "calibrated bins: ECE %g (0)",
	    c.ece);
	/* one bin, all wrong at confidence 0.4: ECE 0.4 */
	float   c3[2] = { 0.4f, 0.4f };
	uint8_t y3[2] = { 0, 0 };

	probe_calibration(p2, c3, y3, 2, &c);
	ok(fabs(c.ece - 0.4) < 1e-7 && c.acc == 0.0, "overconfident: ECE %g "
	    "(0.4)", c.ece);
}

static void
parse_check(void)
{
	probe_attack a[PROBE_MAX_ATTACKS];
	int          n = 0;
	char         err[256], l0[64], l1[64], l2[64];

	int          r1 = probe_attack_parse("fgsm:0.1,pgd:0.1:10", a, &n,
	    PROBE_MAX_ATTACKS, err, sizeof err);
	int          r2 = probe_attack_parse("fgsm:0.3", a, &n,
	    PROBE_MAX_ATTACKS, err, sizeof err);

	probe_attack_label(&a[0], l0, sizeof l0);
	probe_attack_label(&a[1], l1, sizeof l1);
	probe_attack_label(&a[2], l2, sizeof l2);
	ok(r1 == 0 && r2 == 0 && n == 3 && a[1].kind == PROBE_PGD &&
	    a[1].steps == 10 && strcmp(l0, "fgsm:0.1") == 0 &&
	    strcmp(l1, "pgd:0.1:10") == 0 && strcmp(l2, "fgsm:0.3") == 0,
	    "attacks parse and label: %s %s %s", l0, l1, l2);
	static const char *const bad[] = { "", "fgsm", "fgsm:", "fgsm:1.5",
	    "fgsm:-0.1", "pgd:0.1", "pgd:0.1:0", "pgd:0.1:2.5", "pgd:0.1:10x",
	    "cw:0.1", "fgsm:0.1,", "fgsm:0.1,fgsm:0.1", "fgsm:nan" };
	int                      refused = 0;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		n = 0;
		if (probe_attack_parse(bad[i], a, &n, PROBE_MAX_ATTACKS, err,
		    sizeof err) == -1)
			refused++;
		else
			diag("'%s' accepted", bad[i]);
	}
	ok(refused == (int)(sizeof bad / sizeof *bad), "%d malformed attack "
	    "lists refused (last: %s)", refused, err);
}

struct probes {
	probe_sens s;
	double     fgsm, pgd;
	float      g[16];
};

static void
run_probes(mlp *m, const float *x, const uint8_t *y, size_t n,
    struct probes *p)
{
	char         err[256];
	probe_attack f = { PROBE_FGSM, 0.1f, 1 }, g = { PROBE_PGD, 0.1f, 5 };

	memset(p, 0, sizeof *p);
	probe_sensitivity(m, x, y, n, 28, 28, &p->s, err, sizeof err);
	probe_attack_accuracy(m, &f, x, y, n, &p->fgsm, err, sizeof err);
	probe_attack_accuracy(m, &g, x, y, n, &p->pgd, err, sizeof err);
	probe_loss_grad(m, x, y, 16);
	memcpy(p->g, m->delta[0] + 300, sizeof p->g);
}

int
main(void)
{
	int          sz1[4] = { 13, 9, 7, 5 }, sz2[4] = { 784, 48, 40, 10 };
	char         err[8192];
	dataset      ds;
	float       *xtr, *xte;
	train_config cfg;
	train_result *res = malloc(sizeof *res);
	size_t       nsub = 500;

	input_gradient_check(3, sz1, 5, 0);
	input_gradient_check(3, sz2, 7, 40);
	jacobian_check();
	weights_check();
	ece_check();
	top_fields_check();
	parse_check();

	/* A model trained briefly on the synthetic digits (always there). */
	if (dataset_synthetic(&ds, 42, 3000, 600, err, sizeof err) != 0) {
		ok(0, "synthetic digits: %s", err);
		return tap_done();
	}
	xtr = malloc(ds.train.n * DATASET_NPIX * sizeof(float));
	xte = malloc(ds.test.n * DATASET_NPIX * sizeof(float));
	noise_clean(ds.train.pix, ds.train.n, DATASET_NPIX, xtr);
	noise_clean(ds.test.pix, ds.test.n, DATASET_NPIX, xte);
	train_config_default(&cfg);
	cfg.size[1] = 128;
	cfg.size[2] = 64;
	cfg.epochs = 2;
	{
		train_data tr = { xtr, ds.train.label, ds.train.n, DATASET_NPIX,
		    NULL, NULL };
		train_data te = { xte, ds.test.label, nsub, DATASET_NPIX, NULL,
		    NULL };
		double     loss, acc, fa, prev = 2.0;
		int        worse = 0;
		mlp       *m;

		if (train_run(&cfg, &tr, NULL, NULL, NULL, NULL, NULL, res, err,
		    sizeof err) != 0) {
			ok(0, "train: %s", err);
			return tap_done();
		}
		m = res->model;
		train_evaluate(m, &te, &loss, &acc, NULL, NULL);
		probe_attack f0 = { PROBE_FGSM, 0.0f, 1 };
		probe_attack_accuracy(m, &f0, xte, ds.test.label, nsub, &fa,
		    err, sizeof err);
		ok(fa == acc && acc > 0.5, "FGSM at eps 0: %.4f, the clean "
		    "accuracy %.4f exactly", fa, acc);

		/* PGD, more steps, never above FGSM at the same eps */
		static const float eps[3] = { 0.05f, 0.1f, 0.2f };
		for (int e = 0; e < 3; e++) {
			probe_attack f = { PROBE_FGSM, eps[e], 1 };
			double       pa[3];
			static const int st[3] = { 1, 10, 40 };

			probe_attack_accuracy(m, &f, xte, ds.test.label, nsub,
			    &fa, err, sizeof err);
			worse += !(fa <= prev);
			prev = fa;
			for (int k = 0; k < 3; k++) {
				probe_attack p = { PROBE_PGD, eps[e], st[k] };

				probe_attack_accuracy(m, &p, xte, ds.test.label,
				    nsub, &pa[k], err, sizeof err);
			}
			ok(pa[0] <= fa && pa[1] <= fa && pa[2] <= fa, "eps %g: "
			    "PGD 1/10/40 steps %.4f %.4f %.4f, none above FGSM "
			    "%.4f", (double)eps[e], pa[0], pa[1], pa[2], fa);
		}
		ok(worse == 0, "FGSM accuracy falls as eps grows");

		/* Every probe the same bits on 1 and 2 threads, and on the
		 * AVX2 and AVX-512 kernels. */
		struct probes p1, p2;

		omp_set_num_threads(1);
		run_probes(m, xte, ds.test.label, 200, &p1);
		omp_set_num_threads(2);
		run_probes(m, xte, ds.test.label, 200, &p2);
		ok(memcmp(&p1, &p2, sizeof p1) == 0, "1 and 2 threads: the same "
		    "bits (gradient norm %.6g, Jacobian %.6g, W1 %.6g, "
		    "roughness %.4f, FGSM %.3f, PGD %.3f)", p1.s.grad_norm,
		    p1.s.jac_frob, p1.s.w1_norm, p1.s.rf_rough, p1.fgsm,
		    p1.pgd);
		if (gemm_force_kernel("avx2") == 0 &&
		    gemm_force_kernel("avx512") == 0) {
			gemm_force_kernel("avx2");
			run_probes(m, xte, ds.test.label, 200, &p1);
			gemm_force_kernel("avx512");
			run_probes(m, xte, ds.test.label, 200, &p2);
			ok(memcmp(&p1, &p2, sizeof p1) == 0, "AVX2 and AVX-512 "
			    "kernels: the same bits");
		} else
			skip("this CPU lacks AVX2 or AVX-512");
		mlp_free(m);
	}
	free(res);
	free(xtr);
	free(xte);
	dataset_free(&ds);
	return tap_done();
}

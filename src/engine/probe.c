/* Probes of a trained model: sensitivity, calibration, L-inf attacks. */
#include "engine/probe.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/kv.h"

/* Index of the largest of p[0..n), the first of equal maxima (as
 * mlp_loss() and train_evaluate() pick it). */
static int
argmax(const float *p, int n)
{
	int arg = 0;

	for (int j = 1; j < n; j++)
		if (p[j] > p[arg])
			arg = j;
	return arg;
}

int
probe_loss_grad(mlp *m, const float *x, const uint8_t *y, int bs)
{
	int    nc = m->size[m->nlayer], right = 0;
	float *d = m->delta[m->nlayer];

	mlp_forward(m, x, bs, 0, 0, 0);
	for (int r = 0; r < bs; r++) {
		const float *p = m->probs + (size_t)r * nc;

		right += argmax(p, nc) == y[r];
		/* the image's own loss: no 1/batch, so that neither the
		 * gradient nor its sign depends on how images are batched */
		for (int j = 0; j < nc; j++)
			d[(size_t)r * nc + j] = p[j] - (j == y[r]);
	}
	mlp_input_grad(m, bs);
	return right;
}

/* ||row||_2 of each of the bs rows of g (bs, npix), in double, one row per
 * thread at a time: the same sums for any thread count. */
static void
row_norms2(const float *g, int bs, int npix, double *out)
{
#pragma omp parallel for schedule(static)
	for (int r = 0; r < bs; r++) {
		const float *row = g + (size_t)r * npix;
		double       s = 0.0;

		for (int i = 0; i < npix; i++)
			s += (double)row[i] * row[i];
		out[r] = s;
	}
}

/* Weight k of w, less its initial value when w0 is given. */
static double
wt(const float *w, const float *w0, size_t k)
{
	return w0 != NULL ? (double)w[k] - w0[k] : w[k];
}

double
probe_roughness(const float *w, const float *w0, int in, int nh, int width,
    int height)
{
	double sq = 0.0, dsq = 0.0;
	size_t pairs = 0;

	if (width < 1 || height < 1 || (long)width * height != in || nh < 1)
		return NAN;
	/* w is (in, nh): pixel i's weight into unit j is w[i * nh + j] */
	for (size_t k = 0; k < (size_t)in * nh; k++)
		sq += wt(w, w0, k) * wt(w, w0, k);
	for (int py = 0; py < height; py++)
		for (int px = 0; px < width; px++) {
			size_t a = (size_t)(py * width + px) * nh;

			for (int j = 0; px + 1 < width && j < nh; j++) {
				double d = wt(w, w0, a + j) - wt(w, w0, a + nh +
				    j);

				dsq += d * d;
			}
			for (int j = 0; py + 1 < height && j < nh; j++) {
				double d = wt(w, w0, a + j) - wt(w, w0, a +
				    (size_t)width * nh + j);

				dsq += d * d;
			}
			pairs += (size_t)nh * ((px + 1 < width) +
			    (py + 1 < height));
		}
	/* msd / (2 mean square); no pairs (1x1 images) or zero weights: 0 */
	return pairs > 0 && sq > 0.0 ? (dsq / (double)pairs) / (2.0 * sq /
	    ((double)in * nh)) : 0.0;
}

int
probe_weights(const mlp *m, int width, int height, probe_sens *out,
    char *err, size_t errlen)
{
	int          in = m->size[0], nh = m->size[1];
	const float *w = m->W[0];
	double       sq = 0.0;

	if (width < 1 || height < 1 || (long)width * height != in)
		return err_set(err, errlen, "%dx%d images do not fit a %d-input "
		    "network", width, height, in);
	for (size_t i = 0; i < (size_t)in * nh; i++)
		sq += (double)w[i] * w[i];
	out->w1_norm = sqrt(sq);
	out->rf_rough = probe_roughness(w, NULL, in, nh, width, height);
	return 0;
}

int
probe_top_fields(const mlp *m, int k, int *units, float *fields)
{
	int          in = m->size[0], nh = m->size[1], n = 0;
	const float *w = m->W[0];
	double      *nrm = malloc((size_t)nh * sizeof *nrm);

	if (nrm == NULL || k < 1) {
		free(nrm);
		return 0;
	}
	/* w is (in, nh): unit j's field is w[i * nh + j] over pixels i */
	for (int j = 0; j < nh; j++) {
		double sq = 0.0;

		for (int i = 0; i < in; i++)
			sq += (double)w[(size_t)i * nh + j] * w[(size_t)i * nh + j];
		nrm[j] = sq;
	}
	/* k passes of selection: k is small (a figure's units) */
	for (; n < k && n < nh; n++) {
		int best = -1;

		for (int j = 0; j < nh; j++)
			if (nrm[j] >= 0 && (best < 0 || nrm[j] > nrm[best]))
				best = j;
		units[n] = best;
		nrm[best] = -1.0;
		if (fields != NULL)
			for (int i = 0; i < in; i++)
				fields[(size_t)n * in + i] =
				    w[(size_t)i * nh + best];
	}
	free(nrm);
	return n;
}

int
probe_sensitivity(mlp *m, const float *x, const uint8_t *y, size_t n,
    int width, int height, probe_sens *out, char *err, size_t errlen)
{
	int     L = m->nlayer, nc = m->size[L], npix = m->size[0];
	int     bf16 = m->bf16;
	double *nrm, *jac, gsum = 0.0, jsum = 0.0;

	memset(out, 0, sizeof *out);
	out->rf_rough_delta = NAN;
	if (probe_weights(m, width, height, out, err, errlen) != 0)
		return -1;
	nrm = malloc((size_t)m->batch_cap * sizeof *nrm);
	jac = malloc((size_t)m->batch_cap * sizeof *jac);
	if (nrm == NULL || jac == NULL) {
		free(nrm);
		free(jac);
		return err_set(err, errlen, "out of memory for the probes");
	}
	m->bf16 = 0;
	for (size_t i = 0; i < n; i += (size_t)m->batch_cap) {
		int          bs = n - i < (size_t)m->batch_cap ? (int)(n - i) :
		    m->batch_cap;
		const float *xb = x + i * (size_t)npix;

		probe_loss_grad(m, xb, y + i, bs);
		row_norms2(m->delta[0], bs, npix, nrm);
		for (int r = 0; r < bs; r++) {
			gsum += sqrt(nrm[r]);
			jac[r] = 0.0;
		}
		/*
		 * Row k of J is the gradient of p_k: back from the logits
		 * with dp_k/dz_j = p_k (delta_kj - p_j).  The forward pass
		 * above left the activations and probs for every k.
		 */
		for (int k = 0; k < nc; k++) {
			float *d = m->delta[L];

			for (int r = 0; r < bs; r++) {
				const float *p = m->probs + (size_t)r * nc;

				for (int j = 0; j < nc; j++)
					d[(size_t)r * nc + j] = p[k] *
					    ((j == k) - p[j]);
			}
			mlp_input_grad(m, bs);
			row_norms2(m->delta[0], bs, npix, nrm);
			for (int r = 0; r < bs; r++)
				jac[r] += nrm[r];
		}
		for (int r = 0; r < bs; r++)
			jsum += sqrt(jac[r]);
	}
	m->bf16 = bf16;
	out->grad_norm = n ? gsum / (double)n : 0.0;
	out->jac_frob = n ? jsum / (double)n : 0.0;
	free(nrm);
	free(jac);
	return 0;
}

void
probe_reliability_bins(const uint8_t *pred, const float *conf,
    const uint8_t *y, size_t n, probe_reliability *out)
{
	size_t right[PROBE_ECE_BINS] = { 0 };
	double csum[PROBE_ECE_BINS] = { 0 }, call = 0.0;
	size_t rall = 0;

	memset(out, 0, sizeof *out);
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		double c = conf[i];
		/* bin b holds (b/15, (b+1)/15]; 0 and below go to the first */
		int    b = (int)ceil(c * PROBE_ECE_BINS) - 1;

		b = b < 0 ? 0 : b >= PROBE_ECE_BINS ? PROBE_ECE_BINS - 1 : b;
		out->count[b]++;
		csum[b] += c;
		right[b] += pred[i] == y[i];
		call += c;
		rall += pred[i] == y[i];
	}
	for (int b = 0; b < PROBE_ECE_BINS; b++) {
		if (out->count[b] == 0)
			continue;
		out->acc[b] = (double)right[b] / (double)out->count[b];
		out->conf[b] = csum[b] / (double)out->count[b];
		out->total.ece += (double)out->count[b] / (double)n *
		    fabs(out->acc[b] - out->conf[b]);
	}
	out->total.conf = call / (double)n;
	out->total.acc = (double)rall / (double)n;
}

void
probe_calibration(const uint8_t *pred, const float *conf, const uint8_t *y,
    size_t n, probe_calib *out)
{
	probe_reliability r;

	probe_reliability_bins(pred, conf, y, n, &r);
	*out = r.total;
}

/* One number of an attack spec; end is past it.  -1 on a bad one. */
static int
attack_num(const char *p, char **end, double lo, double hi, double *v)
{
	errno = 0;
	*v = strtod(p, end);
	if (*end == p || errno != 0 || !isfinite(*v) || *v < lo || *v > hi)
		return -1;
	return 0;
}

int
probe_attack_parse(const char *s, probe_attack *a, int *n, int max,
    char *err, size_t errlen)
{
	const char *p = s;

	if (s == NULL || *s == '\0')
		return err_set(err, errlen, "empty list of attacks");
	for (;;) {
		probe_attack at = { PROBE_FGSM, 0.0f, 1 };
		char        *end;
		double       v;

		if (strncmp(p, "fgsm:", 5) == 0)
			p += 5;
		else if (strncmp(p, "pgd:", 4) == 0) {
			at.kind = PROBE_PGD;
			p += 4;
		} else
			return err_set(err, errlen, "attack '%s': must be "
			    "fgsm:EPS or pgd:EPS:STEPS, comma-separated", s);
		if (attack_num(p, &end, 0.0, 1.0, &v) != 0)
			return err_set(err, errlen, "attack '%s': EPS must be a "
			    "number from 0 to 1", s);
		at.eps = (float)v;
		p = end;
		if (at.kind == PROBE_PGD) {
			if (*p != ':' || attack_num(p + 1, &end, 1,
			    PROBE_MAX_STEPS, &v) != 0 || v != floor(v))
				return err_set(err, errlen, "attack '%s': pgd "
				    "needs STEPS, a whole number from 1 to %d",
				    s, PROBE_MAX_STEPS);
			at.steps = (int)v;
			p = end;
		}
		if (*p != ',' && *p != '\0')
			return err_set(err, errlen, "attack '%s': must be "
			    "fgsm:EPS or pgd:EPS:STEPS, comma-separated", s);
		for (int i = 0; i < *n; i++)
			if (a[i].kind == at.kind && a[i].eps == at.eps &&
			    a[i].steps == at.steps) {
				char lab[64];

				return err_set(err, errlen, "attack %s is given "
				    "twice", probe_attack_label(&at, lab,
				    sizeof lab));
			}
		if (*n >= max)
			return err_set(err, errlen, "more than %d attacks", max);
		a[(*n)++] = at;
		if (*p == '\0')
			return 0;
		p++;
	}
}

char *
probe_attack_label(const probe_attack *a, char *buf, size_t len)
{
	char f[32];

	if (a->kind == PROBE_PGD)
		snprintf(buf, len, "pgd:%s:%d", kv_float(f, a->eps), a->steps);
	else
		snprintf(buf, len, "fgsm:%s", kv_float(f, a->eps));
	return buf;
}

static float
sign_of(float g)
{
	return g > 0.0f ? 1.0f : g < 0.0f ? -1.0f : 0.0f;
}

/*
 * One signed-gradient step of xa (cnt floats) from the gradient g, kept
 * within eps of x0 and in [0, 1].  Elementwise: thread-invariant.  With
 * alpha >= eps and xa == x0 this is FGSM's x'.
 */
static void
step(float *xa, const float *x0, const float *g, size_t cnt, float alpha,
    float eps)
{
#pragma omp parallel for schedule(static)
	for (size_t i = 0; i < cnt; i++) {
		float v = xa[i] + alpha * sign_of(g[i]);
		float lo = x0[i] - eps, hi = x0[i] + eps;

		v = v < lo ? lo : v > hi ? hi : v;
		xa[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
	}
}

int
probe_attack_accuracy(mlp *m, const probe_attack *a, const float *x,
    const uint8_t *y, size_t n, double *acc, char *err, size_t errlen)
{
	int      npix = m->size[0], nc = m->size[m->nlayer];
	int      bf16 = m->bf16, steps = a->kind == PROBE_PGD ? a->steps : 1;
	float    eps = a->eps;
	/* FGSM: one step of eps; PGD: 2.5 eps / steps, as Madry et al. */
	float    alpha = a->kind == PROBE_PGD ? 2.5f * eps / (float)steps :
	    eps;
	float   *xa;
	uint8_t *alive;
	size_t   right = 0;

	xa = malloc((size_t)m->batch_cap * npix * sizeof *xa);
	alive = malloc((size_t)m->batch_cap);
	if (xa == NULL || alive == NULL) {
		free(xa);
		free(alive);
		return err_set(err, errlen, "out of memory for the attack");
	}
	m->bf16 = 0;
	for (size_t i = 0; i < n; i += (size_t)m->batch_cap) {
		int          bs = n - i < (size_t)m->batch_cap ? (int)(n - i) :
		    m->batch_cap;
		const float *x0 = x + i * (size_t)npix;
		size_t       cnt = (size_t)bs * npix;

		memcpy(xa, x0, cnt * sizeof *xa);
		memset(alive, 1, (size_t)bs);
		for (int s = 0; s < steps; s++) {
			probe_loss_grad(m, xa, y + i, bs);
			/* FGSM scores only its x'; PGD every iterate */
			for (int r = 0; a->kind == PROBE_PGD && r < bs; r++)
				if (argmax(m->probs + (size_t)r * nc, nc) !=
				    y[i + r])
					alive[r] = 0;
			step(xa, x0, m->delta[0], cnt, alpha, eps);
		}
		mlp_forward(m, xa, bs, 0, 0, 0);
		for (int r = 0; r < bs; r++)
			right += alive[r] && argmax(m->probs + (size_t)r * nc,
			    nc) == y[i + r];
	}
	m->bf16 = bf16;
	*acc = n ? (double)right / (double)n : 0.0;
	free(xa);
	free(alive);
	return 0;
}

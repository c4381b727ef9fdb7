#ifndef NOISETOP_PROBE_H
#define NOISETOP_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/mlp.h"

/*
 * Probes of a trained model: how sensitive it is to its input (input
 * gradients, the Jacobian, its first layer's weights), how well calibrated
 * its confidence is, and how it fares under L-inf attacks (FGSM, PGD).
 *
 * Every probe runs the model in evaluation mode (dropout off) and in fp32,
 * whatever precision it trained in (a bf16 model is switched to fp32 for
 * the probe and back).  Gradients come from mlp_input_grad(), the exact
 * backward pass; every per-image figure is summed in image order in double,
 * so results are the same bits for any thread count and for the AVX2 and
 * AVX-512 kernels (the portable kernel, without FMA, may differ in the last
 * bits).  Images are (n, size[0]) floats in [0, 1]; labels 0..size[L]-1.
 * Batches are m->batch_cap images; the model's buffers are overwritten.
 */

/* The sensitivity of one model on a set of images. */
typedef struct {
	/* mean over the images of ||d loss / d x||_2, loss the image's own
	 * cross-entropy (not divided by a batch size) */
	double grad_norm;
	/* mean over the images of ||J||_F, J = d softmax(x) / d x the
	 * (classes, pixels) Jacobian of the output probabilities: Bishop's
	 * (1995) regulariser is the mean of ||J||_F^2 / 2.  Exact, from one
	 * backward pass per class, not a random-projection estimate. */
	double jac_frob;
	/* ||W[0]||_F, the first layer's weights (biases left out) */
	double w1_norm;
	/*
	 * The roughness of the first layer's receptive fields: the mean
	 * squared difference of horizontally and vertically neighbouring
	 * pixels' weights, over every hidden unit, divided by twice the mean
	 * squared weight.  1 for fields of independent weights (white
	 * noise), 0 for constant fields; smoother fields score lower.
	 */
	double rf_rough;
	/* rf_rough of W[0] less its Glorot initialisation: the roughness of
	 * what training changed.  NAN unless the caller knows the initial
	 * weights (probe_roughness; the sweep does). */
	double rf_rough_delta;
} probe_sens;

/*
 * The sensitivity of m on images x with labels y (n images of width *
 * height pixels, which must be size[0]); rf_rough_delta is left NAN, for a
 * caller that knows the initial weights (probe_roughness).  Returns 0, or
 * -1 with a message (shape, out of memory).
 */
int probe_sensitivity(mlp *m, const float *x, const uint8_t *y, size_t n,
    int width, int height, probe_sens *out, char *err, size_t errlen);

/* The first-layer figures of probe_sens alone (w1_norm, rf_rough); the
 * others are left as they are.  Returns 0, or -1 on a shape mismatch. */
int probe_weights(const mlp *m, int width, int height, probe_sens *out,
    char *err, size_t errlen);

/*
 * The roughness of probe_sens of first-layer weights w (in, nh), in =
 * width * height, less w0 (the same shape) when w0 is not NULL.  NAN when
 * the shapes do not fit.
 */
double probe_roughness(const float *w, const float *w0, int in, int nh,
    int width, int height);

/*
 * The receptive fields of units of m's first layer, for a figure: the
 * first min(k, size[1]) units by the norm of their incoming weights
 * (W[0]'s columns), largest first, ties to the lower index, into units;
 * fields, when not NULL, gets each one's size[0] weights, unit after unit
 * (k, size[0]).  Returns the count.
 */
int probe_top_fields(const mlp *m, int k, int *units, float *fields);

/* Calibration over n predictions. */
#define PROBE_ECE_BINS 15
typedef struct {
	/* expected calibration error (Guo et al. 2017): the confidences in
	 * PROBE_ECE_BINS equal-width bins (b/15, (b+1)/15] (0 in the first),
	 * sum over bins of (count / n) |accuracy - mean confidence| */
	double ece;
	double conf;  /* mean confidence (the top class's probability) */
	double acc;   /* fraction correct */
} probe_calib;

/*
 * Calibration of predictions pred with confidences conf against labels y
 * (n each; what train_evaluate() returns).  n == 0 gives zeros.
 */
void probe_calibration(const uint8_t *pred, const float *conf,
    const uint8_t *y, size_t n, probe_calib *out);

/* The bins behind the ECE: a reliability diagram. */
typedef struct {
	size_t count[PROBE_ECE_BINS];  /* predictions in bin b */
	double acc[PROBE_ECE_BINS];    /* their fraction correct (0 when
	                                  count is 0) */
	double conf[PROBE_ECE_BINS];   /* their mean confidence (0 when
	                                  count is 0) */
	probe_calib total;             /* what probe_calibration gives */
} probe_reliability;

/*
 * probe_calibration with its bins (the same bins, the same sums, so
 * out->total is bit for bit probe_calibration's).  n == 0 gives zeros.
 */
void probe_reliability_bins(const uint8_t *pred, const float *conf,
    const uint8_t *y, size_t n, probe_reliability *out);

/*
 * L-inf attacks, no random start, so deterministic:
 *   FGSM: x' = clip(x + eps sign(g), 0, 1), g = d loss / d x at x.
 *   PGD:  steps of size alpha = 2.5 eps / steps from x0 = x,
 *         x_{s+1} = clip(proj_eps(x_s + alpha sign(g_s)), 0, 1), with
 *         proj_eps clamping each pixel to [x - eps, x + eps].
 * FGSM's accuracy is that at x'.  PGD's counts an image as correct only if
 * it is classified correctly at every iterate x_0 .. x_steps (all lie in
 * the ball; an attacker keeps the first that fools the model), so it never
 * exceeds the clean accuracy; with one step it ends at FGSM's x'.
 */
typedef enum { PROBE_FGSM, PROBE_PGD } probe_attack_kind;

typedef struct {
	probe_attack_kind kind;
	float             eps;    /* in [0, 1] */
	int               steps;  /* PGD: 1 to PROBE_MAX_STEPS; FGSM: 1 */
} probe_attack;

#define PROBE_MAX_ATTACKS 16
#define PROBE_MAX_STEPS   1000

/*
 * Parse a list "fgsm:EPS,...,pgd:EPS:STEPS,..." (kinds mixed freely)
 * appending to a[*n..max).  Returns 0, or -1 with a message (syntax, a
 * value out of range, too many, one given twice).
 */
int probe_attack_parse(const char *s, probe_attack *a, int *n, int max,
    char *err, size_t errlen);

/* "fgsm:0.1" or "pgd:0.1:10" into buf (len bytes); returns buf. */
char *probe_attack_label(const probe_attack *a, char *buf, size_t len);

/*
 * The accuracy of m under attack a on images x with labels y (n images)
 * into *acc.  Returns 0, or -1 with a message (out of memory).
 */
int probe_attack_accuracy(mlp *m, const probe_attack *a, const float *x,
    const uint8_t *y, size_t n, double *acc, char *err, size_t errlen);

/*
 * The building block of the probes: an evaluation forward pass of the bs
 * images x (bs <= m->batch_cap) and the gradient of each image's own loss
 * (cross-entropy against y) with respect to it, into m->delta[0]
 * (bs, size[0]); m->probs holds the softmax.  In the model's precision:
 * callers wanting fp32 switch m->bf16 off first.  Returns the number of
 * images classified correctly (argmax, the first of equal maxima).
 */
int probe_loss_grad(mlp *m, const float *x, const uint8_t *y, int bs);

#endif

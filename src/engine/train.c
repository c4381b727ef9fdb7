/* Training: epochs, shuffling, batches, evaluation, progress, cancel. */
#include "engine/train.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/err.h"
#include "kernels/adam.h"
#include "kernels/gemm.h"
#include "kernels/rng.h"
#include "base/testpoint.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#define PROGRESS_INTERVAL 0.05  /* seconds between TRAIN_BATCH callbacks */

void
train_config_default(train_config *c)
{
	memset(c, 0, sizeof *c);
	c->nlayer = 3;
	c->size[0] = 784;
	c->size[1] = 512;
	c->size[2] = 512;
	c->size[3] = 10;
	c->dropout = 0.2f;
	c->lr = 1e-3f;
	c->batch = 128;
	c->epochs = 20;
	c->seed = 42;
	c->noise = 0.0f;
	c->threads = 0;
	c->precision = TRAIN_FP32;
}

const char *
train_precision_name(int precision)
{
	return precision == TRAIN_FP32 ? "fp32" : precision == TRAIN_BF16 ?
	    "bf16" : "?";
}

/* 0 when this CPU trains in the precision, else -1 and a message. */
static int
precision_check(int precision, char *err, size_t errlen)
{
	if (precision == TRAIN_FP32)
		return 0;
	if (precision != TRAIN_BF16)
		return err_set(err, errlen, "precision %d: must be fp32 or "
		    "bf16", precision);
	switch (gemm_bf16_status()) {
	case GEMM_BF16_OK:
		return 0;
	case GEMM_BF16_NOT_BUILT:
		return err_set(err, errlen, "--precision bf16: this build has "
		    "no bf16 kernel (PORTABLE=1, or not x86); use fp32");
	case GEMM_BF16_SIMD_OFF:
		return err_set(err, errlen, "--precision bf16: the AVX512-BF16 "
		    "kernel is an AVX-512 one, and NOISETOP_SIMD=%s rules "
		    "AVX-512 out; use fp32", getenv("NOISETOP_SIMD") ?
		    getenv("NOISETOP_SIMD") : "?");
	default:
		return err_set(err, errlen, "--precision bf16: this CPU has "
		    "neither AMX-BF16 nor AVX512-BF16; use fp32");
	}
}

int
train_precision_parse(const char *s, int *precision, char *err,
    size_t errlen)
{
	if (strcmp(s, "fp32") == 0)
		*precision = TRAIN_FP32;
	else if (strcmp(s, "bf16") == 0)
		*precision = TRAIN_BF16;
	else
		return err_set(err, errlen, "--precision '%s': must be fp32 "
		    "or bf16", s);
	return precision_check(*precision, err, errlen);
}

double
train_eval_flops_per_sample(const train_config *cfg)
{
	double f = 0.0;

	for (int l = 0; l < cfg->nlayer; l++)
		f += 2.0 * cfg->size[l] * cfg->size[l + 1];
	return f;
}

double
train_flops_per_sample(const train_config *cfg)
{
	/* Forward, weight gradient, and input gradient for all but layer 0. */
	double f = 2.0 * train_eval_flops_per_sample(cfg);

	for (int l = 1; l < cfg->nlayer; l++)
		f += 2.0 * cfg->size[l] * cfg->size[l + 1];
	return f;
}

/*
 * Flush subnormal floats to zero in every thread of the team (FTZ and DAZ,
 * as TensorFlow does on CPUs).  On clean MNIST the border pixels are always
 * 0, so their weights' gradients are exactly 0 and Adam's moments decay
 * geometrically into the subnormal range, where each operation costs about
 * a hundred cycles: clean epochs ran 1.5x slower than noisy ones without
 * this.  The values involved are below 1e-38; results stay the same for
 * any thread count.
 */
static void
flush_denormals(void)
{
#if defined(__x86_64__) || defined(__i386__)
#pragma omp parallel
	_mm_setcsr(_mm_getcsr() | 0x8040);
#endif
}

void
train_evaluate(mlp *m, const train_data *d, double *loss, double *acc,
    uint8_t *pred, float *conf)
{
	int    nc = m->size[m->nlayer];
	double sum = 0.0;
	size_t right = 0;

	for (size_t i = 0; i < d->n; i += (size_t)m->batch_cap) {
		int bs = d->n - i < (size_t)m->batch_cap ? (int)(d->n - i) :
		    m->batch_cap;
		int c;

		mlp_forward(m, d->x + i * d->npix, bs, 0, 0, 0);
		if (d->y != NULL) {
			sum += mlp_loss(m, d->y + i, bs, &c) * bs;
			right += (size_t)c;
		}
		for (int r = 0; pred != NULL && r < bs; r++) {
			const float *p = m->probs + (size_t)r * nc;
			int          arg = 0;

			for (int j = 1; j < nc; j++)
				if (p[j] > p[arg])
					arg = j;
			pred[i + r] = (uint8_t)arg;
			if (conf != NULL)
				conf[i + r] = p[arg];
		}
	}
	if (loss != NULL)
		*loss = d->n ? sum / d->n : 0.0;
	if (acc != NULL)
		*acc = d->n ? (double)right / d->n : 0.0;
}

int
train_config_check(const train_config *c, char *err, size_t errlen)
{
	if (c->nlayer < 1 || c->nlayer > MLP_MAX_LAYERS)
		return err_set(err, errlen, "%d layers: must be 1 to %d",
		    c->nlayer, MLP_MAX_LAYERS);
	for (int l = 0; l <= c->nlayer; l++)
		if (c->size[l] < 1 || c->size[l] > TRAIN_MAX_HIDDEN)
			return err_set(err, errlen, "layer size %d: must be "
			    "from 1 to %d", c->size[l], TRAIN_MAX_HIDDEN);
	if (c->epochs < 1 || c->epochs > TRAIN_MAX_EPOCHS)
		return err_set(err, errlen, "epochs %d: must be 1 to %d",
		    c->epochs, TRAIN_MAX_EPOCHS);
	if (c->batch < 1 || c->batch > TRAIN_MAX_BATCH)
		return err_set(err, errlen, "batch %d: must be 1 to %d",
		    c->batch, TRAIN_MAX_BATCH);
	if (!(c->lr > 0.0f && c->lr <= TRAIN_MAX_LR))
		return err_set(err, errlen, "learning rate %g: must be above "
		    "0 and at most %g", (double)c->lr, TRAIN_MAX_LR);
	if (!(c->dropout >= 0.0f && c->dropout <= TRAIN_MAX_DROPOUT))
		return err_set(err, errlen, "dropout %g: must be at least 0 "
		    "and at most %g", (double)c->dropout, TRAIN_MAX_DROPOUT);
	if (c->threads < 0 || c->threads > TRAIN_MAX_THREADS)
		return err_set(err, errlen, "threads %d: must be 1 to %d",
		    c->threads, TRAIN_MAX_THREADS);
	if (c->precision != TRAIN_FP32 && c->precision != TRAIN_BF16)
		return err_set(err, errlen, "precision %d: must be fp32 or "
		    "bf16", c->precision);
	return 0;
}

static int
check_config(const train_config *c, const train_data *train,
    const train_data *test, char *err, size_t errlen)
{
	if (train_config_check(c, err, errlen) != 0)
		return -1;
	if (train->n == 0)
		return err_set(err, errlen, "no training images");
	if ((size_t)c->batch > train->n)
		return err_set(err, errlen,
		    "batch %d is larger than the %zu training images",
		    c->batch, train->n);
	if (train->npix != c->size[0] || (test != NULL && test->n > 0 &&
	    test->npix != c->size[0]))
		return err_set(err, errlen, "input size %d does not match the "
		    "images (%d pixels)", c->size[0], train->npix !=
		    c->size[0] ? train->npix : test->npix);
	return precision_check(c->precision, err, errlen);
}

/* Block while paused, returning early when cancelled; returns the
 * seconds spent waiting, which the epoch's time leaves out. */
static double
wait_while_paused(train_control *ctl)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	double          t0;

	if (ctl == NULL || !atomic_load(&ctl->pause))
		return 0.0;
	t0 = clock_now();
	while (atomic_load(&ctl->pause) && !atomic_load(&ctl->cancel))
		nanosleep(&ts, NULL);
	return clock_now() - t0;
}

void
train_shuffle(size_t *perm, size_t n, uint64_t seed, int epoch)
{
	uint64_t key = rng_key(seed, RNG_SHUFFLE, (uint64_t)epoch);

	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n - 1; n > 0 && i > 0; i--) {
		size_t j = (size_t)(rng_hash(key, i) % (i + 1));
		size_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
}

void
train_adam_team(mlp *m, adam *opt)
{
	int	t = omp_get_thread_num(), nt = omp_get_num_threads();
	float	lr_t;

	if (!m->bf16 || m->wpk[0] == NULL) {
		adam_step_team(opt, m->param, m->grad);
		return;
	}
	/* every thread reads the step count before the barrier below */
	lr_t = adam_step_size(opt);
	for (int l = 0; l < m->nlayer; l++) {
		int	in = m->size[l], out = m->size[l + 1];
		int	nb = (in + MLP_PACK_ROWS - 1) / MLP_PACK_ROWS;
		size_t	w = (size_t)(m->W[l] - m->param);
		size_t	b = (size_t)(m->b[l] - m->param);

		/* each thread a contiguous share of the row blocks */
		for (int k = nb * t / nt; k < nb * (t + 1) / nt; k++) {
			int	r0 = k * MLP_PACK_ROWS;
			int	r1 = in - r0 < MLP_PACK_ROWS ? in : r0 +
			    MLP_PACK_ROWS;

			adam_update(opt, lr_t, m->param, m->grad, w +
			    (size_t)r0 * out, w + (size_t)r1 * out);
			mlp_pack_rows(m, l, r0, r1);
		}
		adam_update(opt, lr_t, m->param, m->grad, b + (size_t)out * t /
		    nt, b + (size_t)out * (t + 1) / nt);
	}
#pragma omp barrier
	if (t == 0) {
		adam_step_done(opt);
		m->packed_ok = 1;
	}
}

void
train_gather_team(const train_data *d, const size_t *idx, int bs, float *xb,
    uint8_t *yb)
{
	size_t bytes = (size_t)d->npix * sizeof(float);

#pragma omp for schedule(static)
	for (int r = 0; r < bs; r++) {
		/*
		 * The rows are scattered over a set far larger than the
		 * caches: ask for the row after next while this one is
		 * copied, so that a few rows are in flight at once (the
		 * batch gather took a quarter less time so).
		 */
		if (r + 2 < bs) {
			const char *next = (const char *)(d->x + idx[r + 2] *
			    (size_t)d->npix);

			for (size_t o = 0; o < bytes; o += 64)
				__builtin_prefetch(next + o, 0, 1);
		}
		memcpy(xb + (size_t)r * d->npix, d->x + idx[r] * (size_t)d->npix,
		    bytes);
		yb[r] = d->y[idx[r]];
	}
}

int
train_run(const train_config *cfg, const train_data *train,
    const train_data *test, const train_resume *from, train_control *ctl,
    train_callback cb, void *user, train_result *res, char *err,
    size_t errlen)
{
	mlp           *m;
	adam           opt;
	size_t         n = train->n, *perm = NULL;
	float         *xb = NULL;
	uint8_t       *yb = NULL;
	int            npix = train->npix, nbatch;
	uint64_t       step = 0;
	uint64_t       dkey = rng_key(cfg->seed, RNG_DROPOUT, 0);
	train_progress pr;
	testpoint      tp;

	memset(res, 0, sizeof *res);
	if (check_config(cfg, train, test, err, errlen) != 0)
		return -1;
	if (cfg->threads > 0)
		omp_set_num_threads(cfg->threads);
	flush_denormals();
	if ((m = mlp_new(cfg->nlayer, cfg->size, cfg->batch, cfg->dropout,
	    err, errlen)) == NULL)
		return -1;
	if (mlp_set_bf16(m, cfg->precision == TRAIN_BF16) != 0 ||
	    adam_init(&opt, m->nparam, cfg->lr) != 0) {
		mlp_free(m);
		return err_set(err, errlen, "out of memory for the optimizer "
		    "or the bf16 weights");
	}
	perm = malloc(n * sizeof *perm);
	xb = aligned_alloc(64, ((size_t)cfg->batch * npix * sizeof(float) +
	    63) / 64 * 64);
	yb = malloc((size_t)cfg->batch);
	if (perm == NULL || xb == NULL || yb == NULL) {
		free(perm);
		free(xb);
		free(yb);
		adam_destroy(&opt);
		mlp_free(m);
		return err_set(err, errlen, "out of memory for the batches");
	}
	nbatch = (int)((n + cfg->batch - 1) / cfg->batch);
	mlp_init(m, cfg->seed);
	testpoint_run_start(&tp);
	if (from != NULL) {
		if (from->nhist < 0 || from->nhist > cfg->epochs ||
		    from->t != (long)from->nhist * nbatch) {
			free(perm);
			free(xb);
			free(yb);
			adam_destroy(&opt);
			mlp_free(m);
			return err_set(err, errlen, "resume state does not fit: "
			    "%d epochs and %ld steps done, %d batches an "
			    "epoch", from->nhist, from->t, nbatch);
		}
		memcpy(m->param, from->param, m->nparam * sizeof(float));
		m->packed_ok = 0;
		memcpy(opt.m, from->m, m->nparam * sizeof(float));
		memcpy(opt.v, from->v, m->nparam * sizeof(float));
		opt.t = from->t;
		memcpy(res->hist, from->hist, (size_t)from->nhist *
		    sizeof *from->hist);
		res->nhist = from->nhist;
		step = (uint64_t)from->t;
		if (res->nhist > 0) {
			res->test_acc = res->hist[res->nhist - 1].val_acc;
			res->test_loss = res->hist[res->nhist - 1].val_loss;
		}
	}

	for (int ep = res->nhist + 1; ep <= cfg->epochs && !res->cancelled;
	    ep++) {
		double   t0 = clock_now(), tlast = t0, lsum = 0.0;
		size_t   right = 0, seen = 0;

		if (train->refresh != NULL &&
		    train->refresh(train->refresh_arg, ep, err, errlen) != 0) {
			free(perm);
			free(xb);
			free(yb);
			adam_destroy(&opt);
			mlp_free(m);
			return -1;
		}

		train_shuffle(perm, n, cfg->seed, ep);
		for (int bi = 0; bi < nbatch; bi++) {
			size_t b0 = (size_t)bi * cfg->batch;
			int    bs = n - b0 < (size_t)cfg->batch ? (int)(n - b0) :
			    cfg->batch;
			int    c;

			testpoint_batch(&tp, ep, bi, ctl != NULL ?
			    &ctl->cancel : NULL);
			/* Paused time is not training time: s/epoch and
			 * the ETA leave it out. */
			t0 += wait_while_paused(ctl);
			if (ctl != NULL && atomic_load(&ctl->cancel)) {
				res->cancelled = 1;
				break;
			}
			/*
			 * One parallel region per batch: the team gathers the
			 * batch, runs the passes (each ends with a barrier) and
			 * the optimizer; only the loss is serial.
			 */
#pragma omp parallel
			{
				train_gather_team(train, perm + b0, bs, xb, yb);
				mlp_forward_team(m, xb, bs, 1, dkey, step);
#pragma omp single
				{
					lsum += mlp_loss(m, yb, bs, &c) * bs;
					right += (size_t)c;
					seen += (size_t)bs;
				}
				mlp_backward_team(m, bs);
				train_adam_team(m, &opt);
			}
			step++;

			double t = clock_now();
			if (cb != NULL && (t - tlast >= PROGRESS_INTERVAL ||
			    bi == nbatch - 1)) {
				tlast = t;
				pr = (train_progress){ TRAIN_BATCH, ep,
				    cfg->epochs, bi + 1, nbatch,
				    (double)right / seen, lsum / seen, t - t0,
				    res->hist, res->nhist, NULL, NULL };
				if (cb(&pr, user) != 0) {
					res->cancelled = 1;
					break;
				}
			}
		}
		if (res->cancelled)
			break;

		train_epoch *e = &res->hist[res->nhist];
		e->epoch = ep;
		e->acc = (double)right / seen;
		e->loss = lsum / seen;
		if (test != NULL && test->n > 0)
			train_evaluate(m, test, &e->val_loss, &e->val_acc,
			    NULL, NULL);
		e->seconds = clock_now() - t0;
		res->nhist++;
		res->test_acc = e->val_acc;
		res->test_loss = e->val_loss;
		if (cb != NULL) {
			pr = (train_progress){ TRAIN_EPOCH, ep, cfg->epochs,
			    nbatch, nbatch, e->acc, e->loss, e->seconds,
			    res->hist, res->nhist, m, &opt };
			if (cb(&pr, user) != 0)
				res->cancelled = ep < cfg->epochs;
		}
	}
	free(perm);
	free(xb);
	free(yb);
	adam_destroy(&opt);
	res->model = m;
	return 0;
}

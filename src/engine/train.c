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
	if (!(c->weight_decay >= 0.0f && c->weight_decay <=
	    TRAIN_MAX_WEIGHT_DECAY))
		return err_set(err, errlen, "weight decay %g: must be at least "
		    "0 and at most %g", (double)c->weight_decay,
		    TRAIN_MAX_WEIGHT_DECAY);
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
	t0 = clock_work();
	while (atomic_load(&ctl->pause) && !atomic_load(&ctl->cancel)) {
		nanosleep(&ts, NULL);
		if (ctl->paused != NULL)
			ctl->paused(ctl->paused_user);
	}
	return clock_work() - t0;
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

/*
 * What one train_run() holds while it trains: the model, optimizer and
 * batch buffers, which trainer_close() frees (the model unless handed to
 * the result), and the step count that runs on from epoch to epoch.
 */
typedef struct {
	const train_config *cfg;
	const train_data   *train, *test;
	train_control      *ctl;
	train_callback      cb;
	void               *user;
	train_result       *res;
	mlp                *m;
	adam                opt;
	size_t             *perm;    /* this epoch's order of the images */
	float              *xb;      /* (batch, npix) the gathered batch */
	uint8_t            *yb;      /* (batch) its labels */
	int                 nbatch;  /* batches an epoch */
	uint64_t            step;    /* batches trained, over all epochs */
	uint64_t            dkey;    /* the dropout masks' key */
	testpoint           tp;
} trainer;

/* An epoch's running sums, and its clock (paused time taken out). */
typedef struct {
	double t0, tlast, lsum;
	size_t right, seen;
} epoch_sums;

/*
 * The model (Glorot init from the seed), its optimizer and the batch
 * buffers.  Returns 0, or -1 with a message; trainer_close() frees what
 * was made either way.
 */
static int
trainer_open(trainer *tr, char *err, size_t errlen)
{
	const train_config *cfg = tr->cfg;
	size_t              xbytes = (size_t)cfg->batch * tr->train->npix *
	    sizeof(float);

	if ((tr->m = mlp_new(cfg->nlayer, cfg->size, cfg->batch, cfg->dropout,
	    err, errlen)) == NULL)
		return -1;
	if (mlp_set_bf16(tr->m, cfg->precision == TRAIN_BF16) != 0 ||
	    adam_init(&tr->opt, tr->m->nparam, cfg->lr) != 0)
		return err_set(err, errlen, "out of memory for the optimizer "
		    "or the bf16 weights");
	tr->perm = malloc(tr->train->n * sizeof *tr->perm);
	tr->xb = aligned_alloc(64, (xbytes + 63) / 64 * 64);
	tr->yb = malloc((size_t)cfg->batch);
	if (tr->perm == NULL || tr->xb == NULL || tr->yb == NULL)
		return err_set(err, errlen, "out of memory for the batches");
	tr->nbatch = (int)((tr->train->n + cfg->batch - 1) / cfg->batch);
	tr->dkey = rng_key(cfg->seed, RNG_DROPOUT, 0);
	mlp_init(tr->m, cfg->seed);
	if (tr->ctl == NULL || !tr->ctl->probe)
		testpoint_run_start(&tr->tp);
	return 0;
}

/* Frees what trainer_open() made; the model only if still tr's. */
static void
trainer_close(trainer *tr)
{
	free(tr->perm);
	free(tr->xb);
	free(tr->yb);
	adam_destroy(&tr->opt);
	mlp_free(tr->m);
	tr->m = NULL;
}

/*
 * Continue from an interrupted run's state: weights, Adam's moments and
 * step, and the finished epochs.  Returns 0, or -1 with a message when the
 * state does not fit this configuration.
 */
static int
trainer_resume(trainer *tr, const train_resume *from, char *err,
    size_t errlen)
{
	train_result *res = tr->res;
	size_t        bytes = tr->m->nparam * sizeof(float);

	if (from->nhist < 0 || from->nhist > tr->cfg->epochs ||
	    from->t != (long)from->nhist * tr->nbatch)
		return err_set(err, errlen, "resume state does not fit: %d "
		    "epochs and %ld steps done, %d batches an epoch",
		    from->nhist, from->t, tr->nbatch);
	memcpy(tr->m->param, from->param, bytes);
	tr->m->packed_ok = 0;
	memcpy(tr->opt.m, from->m, bytes);
	memcpy(tr->opt.v, from->v, bytes);
	tr->opt.t = from->t;
	memcpy(res->hist, from->hist, (size_t)from->nhist *
	    sizeof *from->hist);
	res->nhist = from->nhist;
	tr->step = (uint64_t)from->t;
	if (res->nhist > 0) {
		res->test_acc = res->hist[res->nhist - 1].val_acc;
		res->test_loss = res->hist[res->nhist - 1].val_loss;
	}
	return 0;
}

/*
 * One batch of bs images from perm[b0]: one parallel region, in which the
 * team gathers the batch, runs the passes (each ends with a barrier) and
 * the optimizer; only the loss is serial.
 */
static void
train_batch(trainer *tr, size_t b0, int bs, epoch_sums *s)
{
	int c;

#pragma omp parallel
	{
		train_gather_team(tr->train, tr->perm + b0, bs, tr->xb, tr->yb);
		mlp_forward_team(tr->m, tr->xb, bs, 1, tr->dkey, tr->step);
#pragma omp single
		{
			s->lsum += mlp_loss(tr->m, tr->yb, bs, &c) * bs;
			s->right += (size_t)c;
			s->seen += (size_t)bs;
		}
		mlp_backward_team(tr->m, bs);
		if (tr->cfg->weight_decay > 0.0f)
			mlp_decay_team(tr->m, tr->cfg->weight_decay);
		train_adam_team(tr->m, &tr->opt);
	}
	tr->step++;
}

/* TRAIN_BATCH to the callback, at most every PROGRESS_INTERVAL and after
 * the last batch; returns the callback's verdict (nonzero: cancel). */
static int
report_batch(trainer *tr, int ep, int bi, epoch_sums *s)
{
	double         t = clock_work();
	train_progress pr;

	if (tr->cb == NULL || (t - s->tlast < PROGRESS_INTERVAL &&
	    bi != tr->nbatch - 1))
		return 0;
	s->tlast = t;
	pr = (train_progress){ TRAIN_BATCH, ep, tr->cfg->epochs, bi + 1,
	    tr->nbatch, (double)s->right / s->seen, s->lsum / s->seen,
	    t - s->t0, tr->res->hist, tr->res->nhist, NULL, NULL, 0.0 };
	return tr->cb(&pr, tr->user);
}

/* The batches of epoch ep, in perm's order, until done or cancelled
 * (res->cancelled set). */
static void
run_batches(trainer *tr, int ep, epoch_sums *s)
{
	const train_config *cfg = tr->cfg;
	size_t              n = tr->train->n;
	train_control      *ctl = tr->ctl;

	for (int bi = 0; bi < tr->nbatch; bi++) {
		size_t b0 = (size_t)bi * cfg->batch;
		int    bs = n - b0 < (size_t)cfg->batch ? (int)(n - b0) :
		    cfg->batch;

		testpoint_batch(&tr->tp, ep, bi, ctl != NULL ? &ctl->cancel :
		    NULL);
		/* Paused time is not training time: s/epoch and the ETA
		 * leave it out. */
		s->t0 += wait_while_paused(ctl);
		if (ctl != NULL && atomic_load(&ctl->cancel)) {
			tr->res->cancelled = 1;
			return;
		}
		train_batch(tr, b0, bs, s);
		if (report_batch(tr, ep, bi, s) != 0) {
			tr->res->cancelled = 1;
			return;
		}
	}
}

/* Epoch ep's line in the history, with its evaluation on the test set,
 * and TRAIN_EPOCH to the callback. */
static void
end_epoch(trainer *tr, int ep, const epoch_sums *s)
{
	train_result  *res = tr->res;
	train_epoch   *e = &res->hist[res->nhist];
	train_progress pr;
	double         t_eval = clock_work();

	e->epoch = ep;
	e->acc = (double)s->right / s->seen;
	e->loss = s->lsum / s->seen;
	if (tr->test != NULL && tr->test->n > 0)
		train_evaluate(tr->m, tr->test, &e->val_loss, &e->val_acc,
		    NULL, NULL);
	e->seconds = clock_work() - s->t0;
	t_eval = clock_work() - t_eval;
	res->nhist++;
	res->test_acc = e->val_acc;
	res->test_loss = e->val_loss;
	if (tr->cb == NULL)
		return;
	pr = (train_progress){ TRAIN_EPOCH, ep, tr->cfg->epochs, tr->nbatch,
	    tr->nbatch, e->acc, e->loss, e->seconds, res->hist, res->nhist,
	    tr->m, &tr->opt, t_eval };
	if (tr->cb(&pr, tr->user) != 0)
		res->cancelled = ep < tr->cfg->epochs;
}

/* Epoch ep: fresh noise if the data asks, the shuffle, the batches, and
 * (unless cancelled) its history line.  Returns 0, or -1 with a message
 * when the data's refresh fails. */
static int
run_epoch(trainer *tr, int ep, char *err, size_t errlen)
{
	const train_data *train = tr->train;
	epoch_sums        s = { 0 };

	s.t0 = s.tlast = clock_work();
	if (train->refresh != NULL &&
	    train->refresh(train->refresh_arg, ep, err, errlen) != 0)
		return -1;
	train_shuffle(tr->perm, train->n, tr->cfg->seed, ep);
	run_batches(tr, ep, &s);
	if (!tr->res->cancelled)
		end_epoch(tr, ep, &s);
	return 0;
}

int
train_run(const train_config *cfg, const train_data *train,
    const train_data *test, const train_resume *from, train_control *ctl,
    train_callback cb, void *user, train_result *res, char *err,
    size_t errlen)
{
	trainer tr = { .cfg = cfg, .train = train, .test = test, .ctl = ctl,
	    .cb = cb, .user = user, .res = res };
	int     rc = 0;

	memset(res, 0, sizeof *res);
	if (check_config(cfg, train, test, err, errlen) != 0)
		return -1;
	if (cfg->threads > 0)
		omp_set_num_threads(cfg->threads);
	flush_denormals();
	if (trainer_open(&tr, err, errlen) != 0 ||
	    (from != NULL && trainer_resume(&tr, from, err, errlen) != 0))
		rc = -1;
	for (int ep = res->nhist + 1; rc == 0 && ep <= cfg->epochs &&
	    !res->cancelled; ep++)
		rc = run_epoch(&tr, ep, err, errlen);
	if (rc == 0) {
		res->model = tr.m;   /* the caller's now */
		tr.m = NULL;
	}
	trainer_close(&tr);
	return rc;
}

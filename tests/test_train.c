/*
 * Training: accuracy after one epoch (real MNIST when it is there, the
 * synthetic digits always), determinism across thread counts, cancel, and a
 * sweep that trains every scale.  Without MNIST only the real-accuracy
 * checks are skipped.
 */
#include "engine/train.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/adam.h"
#include "data/dataset.h"
#include "kernels/gemm.h"
#include "base/simd.h"
#include "mnist_path.h"
#include "data/noise.h"
#include "kernels/rng.h"
#include "engine/sweep.h"
#include "tap.h"

static int
cancel_after_batches(const train_progress *p, void *user)
{
	int *calls = user;

	(*calls)++;
	return p->event == TRAIN_BATCH && p->batch >= 3;
}

/*
 * The configuration: train_config_default is DESIGN.md's reference,
 * train_config_check takes each limit and refuses one past it, the
 * precision names, and the flop counts computed here from the sizes.
 */
static void
test_config(void)
{
	static const struct {
		const char *what;
		int         field;  /* 0 layers, 1 size, 2 epochs, 3 batch,
		                     * 4 lr, 5 dropout, 6 threads, 7 prec.,
		                     * 8 decay, 9 the input size, 10 the
		                     * output size */
		double      good, bad;
	} cases[] = {
		{ "layers", 0, MLP_MAX_LAYERS, MLP_MAX_LAYERS + 1 },
		{ "layers", 0, 1, 0 },
		{ "size", 1, TRAIN_MAX_HIDDEN, TRAIN_MAX_HIDDEN + 1 },
		{ "size", 1, 1, 0 },
		{ "epochs", 2, TRAIN_MAX_EPOCHS, TRAIN_MAX_EPOCHS + 1 },
		{ "epochs", 2, 1, 0 },
		{ "batch", 3, TRAIN_MAX_BATCH, TRAIN_MAX_BATCH + 1 },
		{ "batch", 3, 1, 0 },
		{ "learning rate", 4, TRAIN_MAX_LR, 10.001 },
		{ "learning rate", 4, 1e-9, 0 },
		{ "dropout", 5, TRAIN_MAX_DROPOUT, 0.951 },
		{ "dropout", 5, 0, -0.001 },
		{ "threads", 6, TRAIN_MAX_THREADS, TRAIN_MAX_THREADS + 1 },
		{ "threads", 6, 0, -1 },
		{ "precision", 7, TRAIN_BF16, 2 },
		{ "precision", 7, TRAIN_FP32, -1 },
		{ "weight decay", 8, TRAIN_MAX_WEIGHT_DECAY, 1.001 },
		{ "size", 9, 1, 0 },
		{ "size", 10, 1, 0 },
	};
	train_config d, c;
	char         err[256];
	int          prec;

	train_config_default(&d);
	ok(d.nlayer == 3 && d.size[0] == 784 && d.size[1] == 512 &&
	    d.size[2] == 512 && d.size[3] == 10 && d.dropout == 0.2f &&
	    d.lr == 1e-3f && d.batch == 128 && d.epochs == 20 &&
	    d.seed == 42 && d.noise == 0.0f && d.threads == 0 &&
	    d.precision == TRAIN_FP32, "the default is the reference "
	    "experiment: 784-512-512-10, dropout 0.2, lr 1e-3, batch 128, 20 "
	    "epochs, seed 42");
	ok(train_config_check(&d, err, sizeof err) == 0, "the default passes "
	    "the check");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int b = 0; b < 2; b++) {
			double v = b ? cases[i].bad : cases[i].good;
			int    rc;

			c = d;
			switch (cases[i].field) {
			case 0:
				c.nlayer = (int)v;
				for (int l = 0; l <= MLP_MAX_LAYERS; l++)
					c.size[l] = 4;
				break;
			case 1: c.size[2] = (int)v; break;
			case 2: c.epochs = (int)v; break;
			case 3: c.batch = (int)v; break;
			case 4: c.lr = (float)v; break;
			case 5: c.dropout = (float)v; break;
			case 6: c.threads = (int)v; break;
			case 8: c.weight_decay = (float)v; break;
			case 9: c.size[0] = (int)v; break;
			case 10: c.size[c.nlayer] = (int)v; break;
			default: c.precision = (int)v; break;
			}
			err[0] = '\0';
			rc = train_config_check(&c, err, sizeof err);
			ok(b ? rc == -1 && strstr(err, cases[i].what) != NULL :
			    rc == 0, "config: %s %g %s%s%s", cases[i].what, v,
			    b ? "refused: '" : "accepted", b ? err : "",
			    b ? "'" : "");
		}
	ok(strcmp(train_precision_name(TRAIN_FP32), "fp32") == 0 &&
	    strcmp(train_precision_name(TRAIN_BF16), "bf16") == 0 &&
	    strcmp(train_precision_name(7), "?") == 0, "precision names");
	prec = TRAIN_BF16;
	ok(train_precision_parse("fp32", &prec, err, sizeof err) == 0 &&
	    prec == TRAIN_FP32, "'fp32' parses (over bf16)");
	ok(train_precision_parse("fp16", &prec, err, sizeof err) == -1 &&
	    strstr(err, "'fp16'") != NULL, "'fp16' refused: '%s'", err);
	ok(train_precision_parse("bf16", &prec, err, sizeof err) ==
	    (gemm_bf16_available() ? 0 : -1) && (!gemm_bf16_available() ||
	    prec == TRAIN_BF16), "'bf16' parses where the CPU has a bf16 "
	    "kernel, and only there");
	/* 784-512-512-10: a product is 2 in out flops per sample; training
	 * has the forward, the weight gradients and the input gradients of
	 * layers 1 and 2. */
	ok(train_eval_flops_per_sample(&d) == 2.0 * (784 * 512 + 512 * 512 +
	    512 * 10) && train_flops_per_sample(&d) == 3 * 2.0 * (784 * 512 +
	    512 * 512 + 512 * 10) - 2.0 * 784 * 512, "flops per sample: "
	    "%.0f to evaluate, %.0f to train", train_eval_flops_per_sample(&d),
	    train_flops_per_sample(&d));
	/* only the sizes up to nlayer count, whatever follows them */
	c = d;
	c.nlayer = 2;
	c.size[2] = 10;
	c.size[3] = 999;
	ok(train_eval_flops_per_sample(&c) == 2.0 * (784 * 512 + 512 * 10) &&
	    train_flops_per_sample(&c) == 3 * 2.0 * (784 * 512 + 512 * 10) -
	    2.0 * 784 * 512, "flops per sample of 784-512-10, a stale size "
	    "after it: %.0f, %.0f", train_eval_flops_per_sample(&c),
	    train_flops_per_sample(&c));
}

/*
 * train_shuffle against what a shuffle must be, not against itself: each
 * epoch a permutation of 0..n-1, a different one each epoch and each seed,
 * the same for the same pair; and over many epochs every order of three
 * items about equally often (a Fisher-Yates off by one, or Sattolo's
 * variant, reaches only some of them).
 */
static void
test_shuffle(void)
{
	enum { N = 1000, DRAWS = 6000 };
	static size_t p1[N], p2[N], p3[N], p4[N];
	static unsigned char seen[N];
	int    perm_ok = 1, moved = 0, count[27] = { 0 }, lo = DRAWS, hi = 0;
	int    orders = 0;
	size_t one[1] = { 7 }, three[3];

	train_shuffle(p1, N, 42, 1);
	train_shuffle(p2, N, 42, 2);
	train_shuffle(p3, N, 42, 1);
	train_shuffle(p4, N, 43, 1);
	for (int e = 0; e < 2; e++) {
		const size_t *p = e ? p2 : p1;

		memset(seen, 0, sizeof seen);
		for (int i = 0; i < N; i++) {
			if (p[i] >= N || seen[p[i]])
				perm_ok = 0;
			else
				seen[p[i]] = 1;
		}
	}
	for (int i = 0; i < N; i++)
		moved += p1[i] != (size_t)i;
	ok(perm_ok, "shuffle: epochs 1 and 2 are permutations of 0..%d",
	    N - 1);
	ok(moved > N * 9 / 10, "shuffle: %d of %d items leave their place "
	    "(a shuffle keeps about 1)", moved, N);
	ok(memcmp(p1, p2, sizeof p1) != 0, "shuffle: epoch 2's order is not "
	    "epoch 1's");
	ok(memcmp(p1, p3, sizeof p1) == 0, "shuffle: the same seed and epoch "
	    "give the same order");
	ok(memcmp(p1, p4, sizeof p1) != 0, "shuffle: seed 43's order is not "
	    "seed 42's");
	train_shuffle(one, 1, 42, 1);
	train_shuffle(NULL, 0, 42, 1);
	ok(one[0] == 0, "shuffle: one item stays, none is fine");

	/* Three items, DRAWS epochs: each of the 6 orders about DRAWS/6
	 * times (binomial sd 29; 800..1200 is 7 sd either side). */
	for (int e = 1; e <= DRAWS; e++) {
		train_shuffle(three, 3, 42, e);
		count[three[0] * 9 + three[1] * 3 + three[2]]++;
	}
	for (int k = 0; k < 27; k++) {
		if (count[k] == 0)
			continue;
		orders++;
		lo = count[k] < lo ? count[k] : lo;
		hi = count[k] > hi ? count[k] : hi;
	}
	ok(orders == 6 && lo >= 800 && hi <= 1200, "shuffle: %d orders of 3 "
	    "items over %d epochs, each %d to %d times (want 6, 800..1200)",
	    orders, DRAWS, lo, hi);
}

/*
 * train_evaluate against a plain loop over the images, one at a time: a
 * 5-4-3 net, a batch capacity of 4 and 10 images, so the batches are 4, 4
 * and 2 and a mean that does not weight each batch by its size is off.
 */
static void
test_evaluate(void)
{
	enum { N = 10, IN = 5, H = 4, OUT = 3 };
	const int size[3] = { IN, H, OUT };
	float     x[N * IN], conf[N + 1];
	uint8_t   y[N], pred[N + 1], want_pred[N];
	double    loss, acc, want_loss = 0.0, want_conf[N];
	int       right = 0, pred_ok = 1;
	char      err[256];
	mlp      *m = mlp_new(2, size, 4, 0.2f, err, sizeof err);
	train_data d = { x, y, N, IN, NULL, NULL };

	if (!ok(m != NULL, "evaluate: a 5-4-3 net: %s", m ? "" : err))
		return;
	mlp_init(m, 7);
	for (int j = 0; j < H; j++)
		m->b[0][j] = 0.05f * (float)(j - 1);
	for (int j = 0; j < OUT; j++)
		m->b[1][j] = 0.1f * (float)j;
	for (int i = 0; i < N; i++) {
		for (int k = 0; k < IN; k++)
			x[i * IN + k] = (float)((i * 7 + k * 3) % 11) / 10.0f;
		y[i] = (uint8_t)(i * 2 % OUT);
	}
	for (int i = 0; i < N; i++) {
		double h[H], z[OUT], zmax, sum = 0.0;
		int    arg = 0;

		for (int j = 0; j < H; j++) {
			h[j] = m->b[0][j];
			for (int k = 0; k < IN; k++)
				h[j] += (double)x[i * IN + k] * m->W[0][k * H + j];
			h[j] = h[j] > 0.0 ? h[j] : 0.0;
		}
		for (int j = 0; j < OUT; j++) {
			z[j] = m->b[1][j];
			for (int k = 0; k < H; k++)
				z[j] += h[k] * m->W[1][k * OUT + j];
			if (z[j] > z[arg])
				arg = j;
		}
		zmax = z[arg];
		for (int j = 0; j < OUT; j++)
			sum += exp(z[j] - zmax);
		want_loss += log(sum) - (z[y[i]] - zmax);
		want_pred[i] = (uint8_t)arg;
		want_conf[i] = 1.0 / sum;
		right += arg == y[i];
	}
	want_loss /= N;
	memset(pred, 0xEE, sizeof pred);
	conf[N] = -7.0f;
	train_evaluate(m, &d, &loss, &acc, pred, conf);
	for (int i = 0; i < N; i++)
		if (pred[i] != want_pred[i] ||
		    !(fabs(conf[i] - want_conf[i]) <= 1e-5))
			pred_ok = 0;
	ok(pred[N] == 0xEE && conf[N] == -7.0f, "evaluate: nothing written "
	    "past the %d images", N);
	ok(fabs(loss - want_loss) < 1e-5 * want_loss, "evaluate: loss %.7f, "
	    "the plain mean over the 10 images %.7f", loss, want_loss);
	ok(acc == (double)right / N, "evaluate: accuracy %.2f, plainly %d of "
	    "%d", acc, right, N);
	ok(pred_ok, "evaluate: each image's class and its probability as "
	    "the plain loop has them");
	/* All logits equal: every prediction the first class. */
	memset(m->param, 0, m->nparam * sizeof(float));
	memset(pred, 0xEE, sizeof pred);
	train_evaluate(m, &d, &loss, &acc, pred, conf);
	pred_ok = 1;
	for (int i = 0; i < N; i++)
		pred_ok &= pred[i] == 0;
	ok(pred_ok && fabs(conf[0] - 1.0 / OUT) < 1e-6, "evaluate: a tie "
	    "predicts the first class, with probability 1/3");
	d.n = 0;
	loss = acc = -1.0;
	train_evaluate(m, &d, &loss, &acc, NULL, NULL);
	ok(loss == 0.0 && acc == 0.0, "evaluate: no images give loss 0 and "
	    "accuracy 0");
	mlp_free(m);
}

/* The paused callback of test_small_runs: counts, then lets the run go. */
static void
unpause(void *user)
{
	train_control *ctl = user;

	atomic_store(&ctl->pause, 0);
}

/*
 * train_run's checks of its data on a 4-3-2 net, 16 images of 4 pixels:
 * no images refused as such, a batch of all of them taken, an empty test
 * set (no pixels either) taken; a run paused before its first batch waits
 * in the paused callback until it clears the flag, and the epoch's time
 * leaves the wait out (not negative).
 */
static void
test_small_runs(void)
{
	float        x[16 * 4];
	uint8_t      y[16];
	train_config c;
	train_result *r = malloc(sizeof *r);
	train_data   tr = { x, y, 16, 4, NULL, NULL };
	train_data   none = { NULL, NULL, 0, 0, NULL, NULL };
	train_control ctl;
	char         err[512] = "";

	for (int i = 0; i < 16; i++) {
		y[i] = (uint8_t)(i % 2);
		for (int k = 0; k < 4; k++)
			x[i * 4 + k] = (float)((i + k) % 2);
	}
	train_config_default(&c);
	c.nlayer = 2;
	c.size[0] = 4;
	c.size[1] = 3;
	c.size[2] = 2;
	c.epochs = 1;
	c.batch = 16;
	c.threads = 1;
	tr.n = 0;
	ok(train_run(&c, &tr, NULL, NULL, NULL, NULL, NULL, r, err,
	    sizeof err) == -1 && strstr(err, "no training images") != NULL,
	    "no training images refused: '%s'", err);
	tr.n = 16;
	err[0] = '\0';
	ok(train_run(&c, &tr, &none, NULL, NULL, NULL, NULL, r, err,
	    sizeof err) == 0 && r->nhist == 1, "a batch of all 16 images, and "
	    "an empty test set, taken: %s", err);
	mlp_free(r->model);
	atomic_init(&ctl.cancel, 0);
	atomic_init(&ctl.pause, 1);
	ctl.paused = unpause;
	ctl.paused_user = &ctl;
	err[0] = '\0';
	ok(train_run(&c, &tr, NULL, NULL, &ctl, NULL, NULL, r, err,
	    sizeof err) == 0 && r->nhist == 1 && !r->cancelled &&
	    atomic_load(&ctl.pause) == 0 && r->hist[0].seconds >= 0.0 &&
	    r->hist[0].seconds < 3600.0, "paused: waits in the callback until "
	    "it clears the flag, then trains (epoch %.3f s without the wait)",
	    r->hist[0].seconds);
	mlp_free(r->model);
	free(r);
}

/* What the progress callback saw, and the state after each epoch. */
struct seen {
	int     last_batch[3], batches[3], threads;
	double  batch_seconds[3];
	double  acc[3], loss[3];
	int     bad;          /* a running accuracy outside [0, 1] */
	float  *param[3], *m[3], *v[3];
	long    t[3];
};

static int
record(const train_progress *p, void *user)
{
	struct seen *s = user;
	int          e = p->epoch;

	if (e < 1 || e > 2)
		return 0;
	if (p->acc < 0.0 || p->acc > 1.0 || !(p->loss > 0.0))
		s->bad = 1;
	s->threads = omp_get_max_threads();
	if (p->event == TRAIN_BATCH) {
		s->batch_seconds[e] = p->epoch_seconds;
		s->last_batch[e] = p->batch;
		s->batches[e] = p->batches;
		s->acc[e] = p->acc;
		s->loss[e] = p->loss;
	} else {
		size_t n = p->model->nparam * sizeof(float);

		s->param[e] = malloc(n);
		s->m[e] = malloc(n);
		s->v[e] = malloc(n);
		memcpy(s->param[e], p->model->param, n);
		memcpy(s->m[e], p->opt->m, n);
		memcpy(s->v[e], p->opt->v, n);
		s->t[e] = p->opt->t;
	}
	return 0;
}

/*
 * On the synthetic digits, a small net for two epochs of 16 batches (the
 * last one short): the progress of each epoch's last batch is the epoch's
 * record; a run resumed after epoch 1 ends with the uninterrupted run's
 * bits; a run resumed when finished only reports; a state that does not
 * fit is refused; and in bf16 the weights are left packed as a fresh pack
 * of them.
 */
static void
test_resume(const dataset *ds, const float *xtr, const float *xte)
{
	train_config  cfg;
	train_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	train_data    tr = { xtr, ds->train.label, 1550, DATASET_NPIX, NULL,
	    NULL };
	train_data    te = { xte, ds->test.label, 300, DATASET_NPIX, NULL,
	    NULL };
	train_resume  from;
	struct seen   s;
	char          err[256] = "";
	int           same = 1;

	memset(&s, 0, sizeof s);
	train_config_default(&cfg);
	cfg.nlayer = 3;
	cfg.size[1] = 60;   /* not whole blocks of 16 rows */
	cfg.size[2] = 30;
	cfg.batch = 100;
	cfg.epochs = 2;
	cfg.threads = 2;
	if (!ok(train_run(&cfg, &tr, &te, NULL, NULL, record, &s, a, err,
	    sizeof err) == 0 && a->nhist == 2 && s.param[2] != NULL,
	    "a small net trains two epochs: %s", err))
		goto out;
	for (int e = 1; e <= 2; e++)
		same &= s.last_batch[e] == 16 && s.batches[e] == 16 &&
		    s.batch_seconds[e] >= 0.0 &&
		    s.batch_seconds[e] <= a->hist[e - 1].seconds &&
		    s.acc[e] == a->hist[e - 1].acc &&
		    s.loss[e] == a->hist[e - 1].loss;
	ok(same && !s.bad && a->hist[1].acc <= 1.0 && a->hist[1].val_acc <=
	    1.0 && a->test_acc == a->hist[1].val_acc && a->test_loss ==
	    a->hist[1].val_loss && s.threads == 2, "progress: each epoch's "
	    "batch 16 of 16 reported, with the epoch's accuracy %.4f and loss "
	    "%.4f and at most its time; all in range; on the 2 threads asked "
	    "for", a->hist[1].acc, a->hist[1].loss);

	from = (train_resume){ s.param[1], s.m[1], s.v[1], s.t[1], a->hist,
	    1 };
	ok(train_run(&cfg, &tr, &te, &from, NULL, NULL, NULL, b, err,
	    sizeof err) == 0 && b->nhist == 2 && memcmp(&b->hist[1].acc,
	    &a->hist[1].acc, 2 * sizeof(double)) == 0 && b->hist[1].val_acc ==
	    a->hist[1].val_acc && b->hist[1].val_loss == a->hist[1].val_loss &&
	    memcmp(b->model->param, a->model->param, a->model->nparam *
	    sizeof(float)) == 0, "resumed after epoch 1: epoch 2 and the "
	    "weights as the uninterrupted run's, bit for bit (%s)", err);
	mlp_free(b->model);

	from = (train_resume){ s.param[2], s.m[2], s.v[2], s.t[2], a->hist,
	    2 };
	ok(train_run(&cfg, &tr, &te, &from, NULL, NULL, NULL, b, err,
	    sizeof err) == 0 && b->nhist == 2 && b->test_acc ==
	    a->hist[1].val_acc && b->test_loss == a->hist[1].val_loss &&
	    memcmp(b->model->param, s.param[2], a->model->nparam *
	    sizeof(float)) == 0, "resumed when finished: nothing trained, the "
	    "last epoch's test accuracy and loss reported");
	mlp_free(b->model);

	from.t = s.t[2] + 1;
	ok(train_run(&cfg, &tr, &te, &from, NULL, NULL, NULL, b, err,
	    sizeof err) == -1 && strstr(err, "does not fit") != NULL,
	    "a resume state whose step count does not fit is refused: '%s'",
	    err);

	/* A test set of one image of the wrong size is refused too. */
	te.n = 1;
	te.npix = 100;
	ok(train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, b, err,
	    sizeof err) == -1 && strstr(err, "input size 784 does not match "
	    "the images (100 pixels)") != NULL,
	    "one test image of another size is refused: '%s'", err);
	te.npix = DATASET_NPIX;
	te.n = 300;

	if (!gemm_bf16_available()) {
		skip("bf16 training: no bf16 kernel here");
	} else {
		/*
		 * One bf16 epoch on 1 and on 2 threads: every weight
		 * trained, the step count one a batch, and the weights left
		 * packed as a fresh pack of them.
		 */
		float *one = NULL;   /* the weights trained on 1 thread */

		cfg.precision = TRAIN_BF16;
		cfg.epochs = 1;
		for (int nt = 1; nt <= 2; nt++) {
			struct seen q;
			mlp        *init = mlp_new(cfg.nlayer, cfg.size, 1, 0.0f,
			    err, sizeof err);
			int         packed = 1, nb = 0, trained = 0, last = 1;
			size_t      nw = 0, moved = 0, moved32 = 0;
			float       b32[2][64];
			double      bd = 0.0, bs = 0.0;

			memset(&q, 0, sizeof q);
			cfg.threads = nt;
			mlp_init(init, cfg.seed);
			/* the weights fp32 moves (those of pixels always 0 and
			 * of dead units stay) */
			cfg.precision = TRAIN_FP32;
			train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, b, err,
			    sizeof err);
			for (int l = 0; l < b->model->nlayer; l++)
				for (int k = 0; k < cfg.size[l] * cfg.size[l + 1];
				    k++)
					moved32 += b->model->W[l][k] !=
					    init->W[l][k];
			for (int l = 1; l <= 2; l++)
				memcpy(b32[l - 1], b->model->b[l],
				    (size_t)cfg.size[l + 1] * sizeof(float));
			mlp_free(b->model);
			cfg.precision = TRAIN_BF16;
			train_run(&cfg, &tr, &te, NULL, NULL, record, &q, b, err,
			    sizeof err);
			for (int l = 0; l < b->model->nlayer; l++) {
				mlp   *m = b->model;
				int    in = m->size[l], out = m->size[l + 1];
				size_t w = gemm_bf16_packed_words(in, out) * 4;
				size_t wt = gemm_bf16_packed_words(out, in) * 4;
				void  *p = malloc(w), *pt = malloc(wt);

				for (int k = 0; k < in * out; k++) {
					nw++;
					moved += m->W[l][k] != init->W[l][k];
				}
				memcpy(p, m->wpk[l], w);
				if (l > 0)
					memcpy(pt, m->wtpk[l], wt);
				mlp_pack_rows(m, l, 0, in);
				packed &= memcmp(p, m->wpk[l], w) == 0 &&
				    (l == 0 || memcmp(pt, m->wtpk[l], wt) == 0);
				for (int j = 0; j < out; j++) {
					nb++;
					trained += m->b[l][j] != 0.0f;
					if (l == m->nlayer - 1)
						last &= m->b[l][j] != 0.0f;
				}
				free(p);
				free(pt);
			}
			/* biases of layers 1 and 2 as fp32 trains them, to
			 * bf16's rounding of the products */
			for (int l = 1; l <= 2; l++)
				for (int j = 0; j < cfg.size[l + 1]; j++) {
					bd += fabs(b->model->b[l][j] -
					    b32[l - 1][j]);
					bs += fabs(b32[l - 1][j]);
				}
			ok(b->model->packed_ok && packed, "bf16, %d thread%s: "
			    "after an epoch the packed weights are the weights "
			    "packed afresh", nt, nt > 1 ? "s" : "");
			/* a unit dead from the start keeps its 0 */
			ok(moved >= moved32 * 99 / 100 && moved <= nw && last &&
			    trained > nb * 8 / 10 && q.t[1] == 16 &&
			    q.threads == nt && bd < 0.15 * bs, "bf16, %d "
			    "thread%s: %zu weights trained (fp32: %zu), %d of %d "
			    "biases, within %.1f%% of fp32's, %ld Adam steps for "
			    "16 batches, %d OpenMP threads", nt, nt > 1 ? "s" : "",
			    moved, moved32, trained, nb, 100.0 * bd / bs, q.t[1],
			    q.threads);
			for (int e = 1; e <= 2; e++) {
				free(q.param[e]);
				free(q.m[e]);
				free(q.v[e]);
			}
			if (nt == 1 && (one = malloc(b->model->nparam *
			    sizeof(float))) != NULL)
				memcpy(one, b->model->param, b->model->nparam *
				    sizeof(float));
			else if (nt == 2)
				ok(one != NULL && memcmp(one, b->model->param,
				    b->model->nparam * sizeof(float)) == 0,
				    "bf16: 2 threads train the weights 1 thread "
				    "does, bit for bit");
			mlp_free(init);
			mlp_free(b->model);
		}
		free(one);
	}
	mlp_free(a->model);
out:
	for (int e = 1; e <= 2; e++) {
		free(s.param[e]);
		free(s.m[e]);
		free(s.v[e]);
	}
	free(a);
	free(b);
}

/*
 * One clean epoch of the reference model on ds: at least want validation
 * accuracy, and a running accuracy and loss that show it learned.
 */
static void
one_epoch_in(const dataset *ds, const float *xtr, const float *xte,
    size_t ntr, size_t nte, double want, double want_acc, double want_loss,
    int precision)
{
	train_config cfg;
	train_result *r = malloc(sizeof *r);
	train_data   tr = { xtr, ds->train.label, ntr,
	    DATASET_NPIX, NULL, NULL };
	train_data   te = { xte, ds->test.label, nte,
	    DATASET_NPIX, NULL, NULL };
	char         err[8192];

	const char  *pn = precision == TRAIN_BF16 ? " bf16" : "";

	train_config_default(&cfg);
	cfg.epochs = 1;
	cfg.precision = precision;
	if (!ok(train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, r, err,
	    sizeof err) == 0 && (precision != TRAIN_BF16 ||
	    (r->model->bf16 && r->model->packed_ok)),
	    "%s%s: one epoch trains%s", ds->name, pn, *pn ? " (weights kept "
	    "packed in bf16)" : "")) {
		diag("%s", err);
		free(r);
		return;
	}
	ok(r->nhist == 1 && r->hist[0].val_acc >= want, "%s%s: one epoch on "
	    "%zu images: val_accuracy %.4f >= %.2f (%.1f s)", ds->name, pn,
	    ntr, r->hist[0].val_acc, want, r->hist[0].seconds);
	ok(r->hist[0].acc > want_acc && r->hist[0].loss < want_loss,
	    "%s%s: one epoch: running accuracy %.4f > %.2f, loss %.4f < %.2f",
	    ds->name, pn, r->hist[0].acc, want_acc, r->hist[0].loss,
	    want_loss);
	mlp_free(r->model);
	free(r);
}

static void
one_epoch(const dataset *ds, const float *xtr, const float *xte, size_t ntr,
    size_t nte, double want, double want_acc, double want_loss)
{
	one_epoch_in(ds, xtr, xte, ntr, nte, want, want_acc, want_loss,
	    TRAIN_FP32);
}

int
main(void)
{
	char         dir[4096], err[8192];
	dataset      ds, syn;
	train_config cfg;
	train_result *r1 = malloc(sizeof *r1), *r2 = malloc(sizeof *r2);
	float        *xtr, *xte;
	int          quick = getenv("NOISETOP_TEST_QUICK") != NULL;
	int          real = test_mnist_dir(dir, sizeof dir) == 0;

	test_config();
	test_shuffle();
	test_evaluate();
	test_small_runs();

	/*
	 * The synthetic digits, as a machine without MNIST has them: one
	 * epoch on 6000 of them learns (chance is 10%).
	 */
	if (dataset_synthetic(&syn, 42, 6000, 1000, err, sizeof err) != 0) {
		ok(0, "synthetic digits: %s", err);
		return tap_done();
	}
	xtr = malloc(syn.train.n * DATASET_NPIX * sizeof(float));
	xte = malloc(syn.test.n * DATASET_NPIX * sizeof(float));
	noise_clean(syn.train.pix, syn.train.n, DATASET_NPIX, xtr);
	noise_clean(syn.test.pix, syn.test.n, DATASET_NPIX, xte);
	one_epoch(&syn, xtr, xte, syn.train.n, syn.test.n, 0.60, 0.40, 1.8);
	test_resume(&syn, xtr, xte);
	free(xtr);
	free(xte);

	if (real && dataset_load(&ds, dir, 0, 0, err, sizeof err) != 0) {
		ok(0, "load MNIST: %s", err);
		return tap_done();
	}
	if (!real) {
		skip("no MNIST found (../shared/data/mnist, $NOISETOP_DATA, "
		    "./data/mnist): 96%% after one epoch needs the real set");
		ds = syn;
	} else {
		dataset_free(&syn);
		ok(ds.train.n == 60000 && ds.test.n == 10000, "MNIST from %s: "
		    "60000 train, 10000 test", dir);
	}
	xtr = malloc(ds.train.n * DATASET_NPIX * sizeof(float));
	xte = malloc(ds.test.n * DATASET_NPIX * sizeof(float));
	noise_clean(ds.train.pix, ds.train.n, DATASET_NPIX, xtr);
	noise_clean(ds.test.pix, ds.test.n, DATASET_NPIX, xte);

	/*
	 * One clean epoch of the reference model: 96% on the whole set.  Under
	 * the sanitizers (NOISETOP_TEST_QUICK) a fifth of it, held to 90%.
	 */
	if (real)
		one_epoch(&ds, xtr, xte, quick ? 12000 : ds.train.n,
		    quick ? 2000 : ds.test.n, quick ? 0.90 : 0.96,
		    quick ? 0.75 : 0.85, quick ? 0.8 : 0.5);
	train_config_default(&cfg);

	/*
	 * The same in mixed precision (bf16 GEMM inputs, fp32 sums and
	 * weights), where the CPU has a bf16 kernel; elsewhere train_run
	 * refuses it with one line.
	 */
	if (!gemm_bf16_available()) {
		train_result *r = malloc(sizeof *r);
		train_data    tr = { xtr, ds.train.label, 1000, DATASET_NPIX,
		    NULL, NULL };
		/* the reason: the build, NOISETOP_SIMD, or the CPU */
		const char   *why = strstr(gemm_kernels_compiled(), "avx512") ==
		    NULL ? "this build has no bf16 kernel" :
		    simd_has_avx512_bf16() ? "NOISETOP_SIMD" : "neither";

		cfg.precision = TRAIN_BF16;
		ok(train_run(&cfg, &tr, NULL, NULL, NULL, NULL, NULL, r, err,
		    sizeof err) == -1 && strstr(err, why) != NULL,
		    "bf16 refused here, saying why ('%s'): '%s'", why, err);
		cfg.precision = TRAIN_FP32;
		free(r);
	} else if (real)
		one_epoch_in(&ds, xtr, xte, quick ? 12000 : ds.train.n,
		    quick ? 2000 : ds.test.n, quick ? 0.90 : 0.96,
		    quick ? 0.75 : 0.85, quick ? 0.8 : 0.5, TRAIN_BF16);
	else
		skip("no MNIST found: 96%% after one bf16 epoch needs the "
		    "real set");

	/* Bit-identical histories for 1 and 2 threads. */
	{
		train_data tr = { xtr, ds.train.label, 3000,
		    DATASET_NPIX, NULL, NULL };
		train_data te = { xte, ds.test.label, 1000,
		    DATASET_NPIX, NULL, NULL };

		cfg.epochs = 2;
		cfg.threads = 1;
		train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, r1, err,
		    sizeof err);
		cfg.threads = 2;
		train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, r2, err,
		    sizeof err);
		ok(r1->nhist == 2 && r2->nhist == 2 &&
		    r1->hist[1].loss == r2->hist[1].loss &&
		    r1->hist[1].val_loss == r2->hist[1].val_loss &&
		    memcmp(r1->model->param, r2->model->param,
		    r1->model->nparam * sizeof(float)) == 0,
		    "1 and 2 threads give bit-identical weights and history "
		    "(loss %.6f)", r1->hist[1].loss);
		mlp_free(r1->model);
		mlp_free(r2->model);

		/* The AVX2 and AVX-512 kernels (GEMM, Adam, normals) train to
		 * the same bits, so the README's table holds on both. */
		if (gemm_force_kernel("avx2") == 0 &&
		    gemm_force_kernel("avx512") == 0) {
			const char *kn[2] = { "avx2", "avx512" };
			train_result *r[2] = { r1, r2 };

			for (int k = 0; k < 2; k++) {
				gemm_force_kernel(kn[k]);
				adam_force_kernel(kn[k]);
				rng_force_kernel(kn[k]);
				train_run(&cfg, &tr, &te, NULL, NULL, NULL,
				    NULL, r[k], err, sizeof err);
			}
			ok(r1->nhist == 2 && r2->nhist == 2 &&
			    r1->hist[1].loss == r2->hist[1].loss &&
			    r1->hist[1].val_loss == r2->hist[1].val_loss &&
			    memcmp(r1->model->param, r2->model->param,
			    r1->model->nparam * sizeof(float)) == 0,
			    "avx2 and avx512 kernels give bit-identical "
			    "weights and history (loss %.6f)",
			    r1->hist[1].loss);
			mlp_free(r1->model);
			mlp_free(r2->model);
		} else
			printf("ok %d # SKIP avx2 == avx512 training: the "
			    "CPU lacks one\n", ++tap_n);

		/* Cancel from the callback stops within the batch. */
		int calls = 0;
		ok(train_run(&cfg, &tr, &te, NULL, NULL, cancel_after_batches,
		    &calls, r1, err, sizeof err) == 0 && r1->cancelled &&
		    r1->nhist == 0 && r1->model != NULL,
		    "cancel stops the run, model kept");
		mlp_free(r1->model);

		train_control ctl;
		atomic_init(&ctl.cancel, 1);
		atomic_init(&ctl.pause, 0);
		ok(train_run(&cfg, &tr, &te, NULL, &ctl, NULL, NULL, r1, err,
		    sizeof err) == 0 && r1->cancelled && r1->nhist == 0,
		    "a set cancel flag stops before the first batch");
		mlp_free(r1->model);

		/*
		 * Weight decay (Keras's l2): the same bits on 1 and 2 threads,
		 * smaller weights than without it, the biases' norm free; and
		 * out-of-range values refused.
		 */
		{
			double w0 = 0.0, w1 = 0.0;

			cfg.epochs = 1;
			cfg.threads = 2;
			train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, r1,
			    err, sizeof err);
			for (size_t i = 0; i < (size_t)784 * 512; i++)
				w0 += (double)r1->model->W[0][i] *
				    r1->model->W[0][i];
			mlp_free(r1->model);
			cfg.weight_decay = 1e-3f;
			cfg.threads = 1;
			train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, r1,
			    err, sizeof err);
			cfg.threads = 2;
			train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, r2,
			    err, sizeof err);
			for (size_t i = 0; i < (size_t)784 * 512; i++)
				w1 += (double)r2->model->W[0][i] *
				    r2->model->W[0][i];
			ok(memcmp(r1->model->param, r2->model->param,
			    r1->model->nparam * sizeof(float)) == 0 &&
			    r1->hist[0].loss == r2->hist[0].loss && w1 < w0,
			    "weight decay 1e-3: 1 and 2 threads the same bits; "
			    "||W1|| %.3f, below %.3f without", sqrt(w1),
			    sqrt(w0));
			mlp_free(r1->model);
			mlp_free(r2->model);
			cfg.weight_decay = -1e-3f;
			ok(train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, r1,
			    err, sizeof err) == -1 && strstr(err, "weight decay")
			    != NULL, "negative weight decay refused: '%s'", err);
			cfg.weight_decay = 0.0f;
			cfg.epochs = 2;
		}

		cfg.batch = 5000;
		ok(train_run(&cfg, &tr, &te, NULL, NULL, NULL, NULL, r1, err,
		    sizeof err) == -1 && strstr(err, "larger than") != NULL,
		    "batch larger than the data is refused: '%s'", err);
		cfg.batch = 128;
	}

	/* A two-scale sweep really trains both scales, differently. */
	{
		sweep_table *t = malloc(sizeof *t);
		float        scales[2] = { 0.0f, 2.0f };
		dataset      small = ds;

		small.train.n = 2000;
		small.test.n = 500;
		cfg.epochs = 1;
		sweep_plan   plan;

		sweep_plan_default(&plan, scales, 2);
		sweep_table_init(t, &cfg, &plan, err, sizeof err);
		ok(sweep_run(t, &small, NULL, 1, 1, NULL, NULL, NULL, NULL, err,
		    sizeof err) == 0 && t->rows[0].state == SWEEP_DONE &&
		    t->rows[1].state == SWEEP_DONE && t->rows[0].nhist == 1 &&
		    t->rows[1].nhist == 1, "sweep: both scales trained");
		ok(t->rows[1].hist[0].val_acc < t->rows[0].hist[0].val_acc,
		    "sweep (%s): scale 2 (%.3f) below clean (%.3f)", ds.name,
		    t->rows[1].hist[0].val_acc, t->rows[0].hist[0].val_acc);
		sweep_table_free(t);
		free(t);
	}

	free(xtr);
	free(xte);
	free(r1);
	free(r2);
	dataset_free(&ds);
	return tap_done();
}

#ifndef NOISETOP_TRAIN_H
#define NOISETOP_TRAIN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/adam.h"
#include "engine/mlp.h"

/* The limits of a configuration, written once: cli, run files, checkpoints
 * and the trainer all check against these (train_config_check). */
#define TRAIN_MAX_EPOCHS  1000
#define TRAIN_MAX_HIDDEN  MLP_MAX_WIDTH
#define TRAIN_MAX_BATCH   MLP_MAX_BATCH
#define TRAIN_MAX_LR      10.0
#define TRAIN_MAX_DROPOUT 0.95
#define TRAIN_MAX_THREADS 1024
#define TRAIN_MAX_WEIGHT_DECAY 1.0

/* Everything that defines one training run; train_config_default() fills
 * the reference experiment of DESIGN.md. */
typedef struct {
	int      nlayer;                   /* dense layers: 3 */
	int      size[MLP_MAX_LAYERS + 1]; /* 784, 512, 512, 10 */
	float    dropout;                  /* 0.2 */
	float    lr;                       /* 1e-3 */
	int      batch;                    /* 128 */
	int      epochs;                   /* 20 */
	uint64_t seed;                     /* init, shuffle, dropout, noise */
	float    noise;                    /* scale of N(0, scale) on inputs */
	int      threads;                  /* OpenMP threads, 0 = all cores */
	int      precision;                /* TRAIN_FP32 (default) or TRAIN_BF16 */
	/*
	 * L2 weight decay as Keras's kernel_regularizer=l2(weight_decay) on
	 * every Dense layer: weight_decay * sum(W^2) over the weights (not
	 * the biases) joins the loss, so 2 * weight_decay * W joins their
	 * gradients before Adam (coupled, not AdamW's decoupled decay; see
	 * mlp_decay_team).  The reported losses stay the cross-entropy
	 * alone.  0 (the default) leaves training as it was, bit for bit.
	 */
	float    weight_decay;
} train_config;

/*
 * GEMM precision: fp32 throughout, or bf16 GEMM inputs with fp32
 * accumulation, fp32 master weights and Adam (gemm.h: gemm_bf16_available).
 */
enum { TRAIN_FP32, TRAIN_BF16 };

void train_config_default(train_config *c);

/*
 * Is c within the limits above (layers, sizes, dropout, learning rate,
 * batch, epochs, threads)?  Returns 0, or -1 with a one-line message.
 */
int train_config_check(const train_config *c, char *err, size_t errlen);
/* "fp32" or "bf16" for a precision, "?" for another value. */
const char *train_precision_name(int precision);

/*
 * Parse "fp32" or "bf16" into *precision.  Returns 0, or -1 with a one-line
 * message when the name is unknown or names bf16 on a CPU without a bf16
 * GEMM kernel.
 */
int train_precision_parse(const char *s, int *precision, char *err,
    size_t errlen);

/* What one finished epoch measured. */
typedef struct {
	int    epoch;       /* 1-based */
	double seconds;     /* wall time of the epoch, evaluation included */
	double acc, loss;   /* running means over the epoch's batches, dropout on */
	double val_acc, val_loss;  /* on the test set, dropout off */
} train_epoch;

/* Where a run is, passed to the progress callback. */
typedef enum {
	TRAIN_BATCH,   /* a group of batches finished (about every 50 ms) */
	TRAIN_EPOCH,   /* an epoch and its evaluation finished: hist grew */
} train_event;

struct adam;

typedef struct {
	train_event        event;
	int                epoch, epochs;   /* 1-based epoch in progress */
	int                batch, batches;  /* batches done in this epoch */
	double             acc, loss;       /* running means so far */
	double             epoch_seconds;   /* elapsed in this epoch (clock_work) */
	const train_epoch *hist;            /* finished epochs */
	int                nhist;
	/* At TRAIN_EPOCH: the model and optimizer after the epoch, for a
	 * checkpoint.  Read-only, and only during the callback. */
	const mlp         *model;
	const struct adam *opt;
	/* At TRAIN_EPOCH: the seconds of the evaluation on the test set,
	 * part of epoch_seconds (clock_work: base/clock.h). */
	double             eval_seconds;
} train_progress;

/* Return nonzero from the callback to cancel the run. */
typedef int (*train_callback)(const train_progress *p, void *user);

/* Flags another thread sets; the trainer checks them between batches.
 * While paused, it calls paused(paused_user) (when set) every 20 ms, so
 * its owner can answer requests meanwhile. */
typedef struct {
	atomic_int cancel;
	atomic_int pause;
	void     (*paused)(void *user);
	void      *paused_user;
	int        probe;   /* a timed probe, not a job's run: no test point
	                       (base/testpoint.h) counts it */
} train_control;

/* The data a run trains on: noisy (or clean) float pixels in [0,1]. */
typedef struct {
	const float   *x;      /* n * npix */
	const uint8_t *y;      /* n */
	size_t         n;
	int            npix;
	/*
	 * Fresh draws every epoch: when refresh is set, train_run calls it
	 * before each epoch (1-based) it trains, and refresh rewrites the
	 * images behind x (which its owner allocated).  Returns 0, or -1
	 * with a message.
	 */
	int          (*refresh)(void *arg, int epoch, char *err,
	                  size_t errlen);
	void          *refresh_arg;
} train_data;

/* The result of a run: per-epoch history, and the trained model. */
typedef struct {
	train_epoch hist[TRAIN_MAX_EPOCHS];
	int         nhist;
	int         cancelled;   /* stopped by control or callback */
	double      test_acc, test_loss;  /* final evaluation (= last val) */
	mlp        *model;       /* owned by the caller after train_run */
} train_result;

/*
 * Where an interrupted run stopped: the state after its last finished
 * epoch.  Every draw (shuffle, dropout) is a function of the seed, the epoch
 * and the step, so continuing from here gives the same history, bit for
 * bit, as a run that was never interrupted (same thread count).
 */
typedef struct {
	const float       *param;    /* nparam weights and biases */
	const float       *m, *v;    /* nparam Adam moments each */
	long               t;        /* Adam steps taken */
	const train_epoch *hist;     /* the finished epochs */
	int                nhist;
} train_resume;

/*
 * Train a model on train, validating on test after every epoch: a fresh one
 * (Glorot init from cfg->seed) when from is NULL, else the one from
 * continues after its last finished epoch.  ctl and cb may be NULL.  The
 * model is left in res->model (free it with mlp_free) even when cancelled.
 * Returns 0, or -1 with a message in err (bad configuration, a resume state
 * that does not fit, out of memory).
 */
int train_run(const train_config *cfg, const train_data *train,
    const train_data *test, const train_resume *from, train_control *ctl,
    train_callback cb, void *user, train_result *res, char *err,
    size_t errlen);

/*
 * train_run()'s order of an epoch's images: perm[0..n) the identity
 * shuffled afresh each epoch (as Keras does), with counter-based draws, so
 * the order depends on the seed and the epoch alone and a resumed run sees
 * the same batches.
 */
void train_shuffle(size_t *perm, size_t n, uint64_t seed, int epoch);

/*
 * train_run()'s batch gather, for a running team (every thread calls it;
 * it ends with the barrier of an omp for): rows idx[0..bs) of d into xb
 * (bs x npix) and their labels into yb.
 */
void train_gather_team(const train_data *d, const size_t *idx, int bs,
    float *xb, uint8_t *yb);

/*
 * train_run()'s optimizer step, for a running team (every thread calls it;
 * it ends with a barrier): Adam on every parameter, and in bf16 mode each
 * block of MLP_PACK_ROWS rows of a weight matrix packed in bf16
 * (mlp_pack_rows) right after Adam has updated it, while it is in cache,
 * so that the next step's products need not round the weights again.
 */
void train_adam_team(mlp *m, adam *opt);

/*
 * Evaluate a model on data (dropout off): mean loss and accuracy.  When
 * pred is not NULL it receives the argmax class of each image, and when
 * conf is not NULL the probability of that class.
 */
void train_evaluate(mlp *m, const train_data *d, double *loss, double *acc,
    uint8_t *pred, float *conf);

/* Floating-point operations of one training sample / one evaluated sample. */
double train_flops_per_sample(const train_config *cfg);
double train_eval_flops_per_sample(const train_config *cfg);

#endif

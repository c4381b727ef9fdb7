#ifndef NOISETOP_MLP_H
#define NOISETOP_MLP_H

#include <stddef.h>
#include <stdint.h>

#define MLP_MAX_LAYERS 8
#define MLP_MAX_WIDTH  8192   /* units in one layer, input and output too */
#define MLP_MAX_BATCH  65536

/*
 * A multilayer perceptron: dense layers with ReLU and inverted dropout on
 * every hidden layer, softmax cross-entropy on the last.  All parameters
 * live in one block (param, with gradients in grad of the same layout) so
 * the optimizer updates them in one pass.
 *
 * Layer l maps size[l] -> size[l+1]:
 *   W[l]: (size[l], size[l+1]) row-major, b[l]: (size[l+1])
 *   act[l+1] = dropout(relu(act[l] @ W[l] + b[l]))   for hidden layers
 *   logits    = act[L-1] @ W[L-1] + b[L-1]            for the last
 * act[0] is the caller's input batch (B, size[0]); the others are owned.
 */
typedef struct {
	int     nlayer;                    /* dense layers (3 for the reference) */
	int     size[MLP_MAX_LAYERS + 1];  /* 784, 512, 512, 10 */
	int     batch_cap;                 /* largest batch the buffers hold */
	float   dropout;                   /* rate in [0,1): fraction dropped */
	size_t  nparam;
	float  *param, *grad;              /* nparam each, owned */
	float  *W[MLP_MAX_LAYERS], *b[MLP_MAX_LAYERS];    /* into param */
	float  *dW[MLP_MAX_LAYERS], *db[MLP_MAX_LAYERS];  /* into grad */
	const float *act[MLP_MAX_LAYERS + 1];  /* act[0] = input, rest owned */
	float  *buf[MLP_MAX_LAYERS + 1];       /* storage behind act[1..L] */
	float  *delta[MLP_MAX_LAYERS + 1];     /* dLoss/d(pre-activation) */
	float  *probs;                         /* (batch_cap, size[L]) softmax */
	int     bf16;  /* GEMM inputs in bf16, fp32 accumulation (0: fp32);
	                * set by mlp_set_bf16() */
	/*
	 * In bf16 mode, the weights kept rounded in the GEMM's packed layout
	 * (gemm_bf16_pack): wpk[l] is W[l] as the forward product's op(B),
	 * wtpk[l] (l > 0) W[l]^T as the input gradient's.  The products use
	 * them only while packed_ok, which a trainer sets after a step that
	 * re-packed every row of every W with mlp_pack_rows(); mlp_init()
	 * clears it, and so must anything else that writes W.
	 */
	uint32_t *wpk[MLP_MAX_LAYERS], *wtpk[MLP_MAX_LAYERS];
	int     packed_ok;
} mlp;

/*
 * Allocate a network of nlayer dense layers with the given sizes
 * (nlayer + 1 entries) and buffers for batches up to batch_cap.  Weights
 * are zero until mlp_init().  Returns NULL with a message in err on a bad
 * shape or when memory runs out.  Free with mlp_free() (NULL is fine).
 */
mlp *mlp_new(int nlayer, const int *size, int batch_cap, float dropout,
    char *err, size_t errlen);
void mlp_free(mlp *m);

/* Glorot-uniform weights (limit sqrt(6/(in+out))), zero biases. */
void mlp_init(mlp *m, uint64_t seed);

/* The weights of layer l that mlp_init(m, seed) draws, into w (size[l] x
 * size[l+1], the caller's), m itself untouched. */
void mlp_init_layer(const mlp *m, int l, uint64_t seed, float *w);

/*
 * bf16 mode on (with the packed weights, where gemm_bf16_available()) or
 * off.  Returns 0, or -1 when out of memory (mode unchanged).
 */
int mlp_set_bf16(mlp *m, int on);

/*
 * In bf16 mode, round rows [r0, r1) of W[l] into wpk[l] and wtpk[l]; r0 a
 * multiple of MLP_PACK_ROWS, r1 one too or size[l].  Any thread, for rows
 * no other thread is packing.
 */
#define MLP_PACK_ROWS 16
void mlp_pack_rows(mlp *m, int l, int r0, int r1);

/*
 * Forward pass of a batch x (batch, size[0]) into m->probs (softmax).
 * With train != 0 dropout is on and its masks are drawn from
 * rng(dropout_key, step, layer, element), independent of the thread count.
 * One OpenMP parallel region; bias, ReLU and dropout are applied to each
 * GEMM tile while it is in cache.
 */
void mlp_forward(mlp *m, const float *x, int batch, int train,
    uint64_t dropout_key, uint64_t step);

/*
 * Mean cross-entropy of the last forward pass against labels y, and the
 * number of correct argmax predictions in *correct (may be NULL).  Also
 * writes dLoss/dlogits (the mean over the batch) into delta[L] ready for
 * mlp_backward().
 */
double mlp_loss(mlp *m, const uint8_t *y, int batch, int *correct);

/*
 * Gradients of the mean loss into grad (overwritten, not accumulated), in
 * one OpenMP parallel region; the bias gradients are summed while delta is
 * packed for the weight gradient, and the ReLU/dropout derivative is the
 * input-gradient GEMM's epilogue.
 */
void mlp_backward(mlp *m, int batch);

/*
 * The same passes for a team that is already running, so that a trainer can
 * open one OpenMP parallel region per batch instead of one per pass: every
 * thread of the enclosing region calls them with the same arguments (a lone
 * thread outside one may too), and each ends with a barrier.  mlp_loss() is
 * serial and cheap: call it from one thread (omp single) in between.
 * Results are bit-identical to mlp_forward()/mlp_backward()'s.
 */
void mlp_forward_team(mlp *m, const float *x, int batch, int train,
    uint64_t dropout_key, uint64_t step);
void mlp_backward_team(mlp *m, int batch);

/*
 * The gradient with respect to the input batch of the last forward pass,
 * which must have run with train == 0 (dropout off, as at evaluation):
 * delta[L] (batch, size[L]), dLoss/dlogits, is the caller's (mlp_loss()
 * fills it for the mean loss; a probe may put per-image gradients or any
 * output direction there), and it is carried back through every layer, the
 * ReLU derivative from the forward activations, into delta[0]
 * (batch, size[0]).  Weight gradients are left alone.  Always fp32, even in
 * bf16 mode (run the forward pass with bf16 off too for a consistent
 * gradient).  One OpenMP parallel region, the products split over the
 * batch rows as in mlp_backward(): a row's gradient depends on that row
 * alone and is summed in the same order for any thread count.
 */
void mlp_input_grad(mlp *m, int batch);

/*
 * Keras-style L2 weight decay, kernel_regularizer=l2(l2) on every layer:
 * the loss gains l2 * sum(W^2) over the weights (not the biases), so each
 * weight gradient gains 2 * l2 * W: dW[l] += 2 l2 W[l].  For a running
 * team (every thread calls it, it ends with a barrier), after
 * mlp_backward_team() and before the optimizer.  Elementwise, so the same
 * bits for any thread count.
 */
void mlp_decay_team(mlp *m, float l2);

/* Copy of all parameters: into dst (nparam floats). */
void mlp_copy_params(const mlp *m, float *dst);

#endif

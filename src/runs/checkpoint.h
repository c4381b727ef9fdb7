#ifndef NOISETOP_CHECKPOINT_H
#define NOISETOP_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/adam.h"
#include "engine/mlp.h"
#include "engine/train.h"

/*
 * A model checkpoint: weights, Adam state and the history of the finished
 * epochs, so a run can continue exactly where it stopped.  The file is
 * little-endian:
 *
 *   "NOISECKP" | u32 version (1) | u32 nlayer | u32 size[nlayer+1]
 *   | u64 seed | f32 scale | u32 epochs (planned) | i64 adam steps
 *   | u32 nhist | nhist x { u32 epoch, f64 seconds, acc, loss, val_acc,
 *   val_loss } | u64 nparam | f32 param[nparam] | f32 m[nparam]
 *   | f32 v[nparam] | u32 crc32 of everything before it
 *
 * and is rejected unless every field fits and its length is exact.
 */
typedef struct {
	int          nlayer;
	int          size[MLP_MAX_LAYERS + 1];
	uint64_t     seed;
	float        scale;
	int          epochs;
	long         t;
	int          nhist;
	train_epoch *hist;            /* nhist, owned */
	size_t       nparam;
	float       *param, *m, *v;   /* nparam each, owned */
} checkpoint;

/*
 * Write a checkpoint of m and opt after the epochs in hist to path,
 * atomically.  Returns 0, or -1 with a message naming path.
 */
int checkpoint_save(const char *path, const mlp *m, const struct adam *opt,
    const train_epoch *hist, int nhist, uint64_t seed, float scale,
    int epochs, char *err, size_t errlen);

/*
 * Read and validate a checkpoint (from a file, or from bytes already in
 * memory with name used in messages).  Returns 0 with ck filled (free with
 * checkpoint_free), or -1 with a one-line message naming the file and the
 * defect.
 */
int checkpoint_load(const char *path, checkpoint *ck, char *err,
    size_t errlen);
int checkpoint_parse(const char *name, const uint8_t *buf, size_t len,
    checkpoint *ck, char *err, size_t errlen);

/* Frees what ck owns; accepts a zeroed or already freed checkpoint. */
void checkpoint_free(checkpoint *ck);

/*
 * The model a checkpoint holds, put into m: a model of the checkpoint's
 * shapes (mlp_new with the run's layer sizes; its batch and dropout are
 * the caller's).  Only a checkpoint with at least one finished epoch is
 * used.  Returns 0, or -1 with a message in err (no finished epoch,
 * shapes differ); m is unchanged then.
 */
int checkpoint_into_model(const checkpoint *ck, mlp *m, char *err,
    size_t errlen);

/* The resume state a checkpoint describes (pointers into ck). */
void checkpoint_resume(const checkpoint *ck, train_resume *out);

#endif

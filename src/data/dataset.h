#ifndef NOISETOP_DATASET_H
#define NOISETOP_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define DATASET_NPIX 784  /* 28 x 28 */
#define DATASET_SIDE 28
#define DATASET_NCLASS 10

/* Default sizes of the synthetic set: MNIST's. */
#define DATASET_SYNTH_TRAIN 60000
#define DATASET_SYNTH_TEST  10000

/* One split: n images of DATASET_NPIX bytes each, and their labels 0-9. */
typedef struct {
	size_t   n;
	uint8_t *pix;    /* n * DATASET_NPIX, row-major, owned */
	uint8_t *label;  /* n, owned */
} dataset_split;

typedef struct {
	dataset_split train, test;
	char dir[4096];      /* where the data was found: an IDX directory or
	                        an .npz file; "" for the synthetic set */
	char name[64];       /* "MNIST", "Fashion-MNIST" or "SYNTHETIC" */
	char source[4200];   /* "MNIST (/path/to/dir)": shown in every output */
	/* Names of the ten classes for sets that are not digits
	 * (Fashion-MNIST: "T-shirt/top", ...); all NULL for digits.  The
	 * strings are static: never freed. */
	const char *class_name[DATASET_NCLASS];
	int      synthetic;  /* 1 for the built-in generated digits */
	uint64_t seed;       /* the synthetic set's seed */
} dataset;

/*
 * Find MNIST.  A location may be a directory of the four IDX files (raw
 * or .gz: MNIST, Fashion-MNIST or any set in that layout), a torchvision
 * root (<root>/MNIST/raw/ or <root>/FashionMNIST/raw/ holds the files; so
 * may <root>/raw/ when given <root>/MNIST), a directory holding mnist.npz,
 * or a Keras mnist.npz file itself.
 *
 * With dir (--data) only dir is tried.  Otherwise, in order:
 * $NOISETOP_DATA, ./data/mnist, ./data/MNIST/raw (torchvision's usual
 * root), $XDG_CACHE_HOME/noisetop/mnist (default ~/.cache/noisetop/mnist),
 * then Keras's cache $KERAS_HOME/datasets/mnist.npz (default
 * ~/.keras/datasets/mnist.npz).
 *
 * Returns 0 with the resolved location (the IDX directory or the .npz
 * file) in out, or -1 with a one-line message naming every place looked
 * in.  Whether a found .npz is intact is for dataset_load() to say.
 */
int dataset_find(const char *dir, char *out, size_t outlen, char *err,
    size_t errlen);

/* The places dataset_find(NULL, ...) looks, comma-separated, into out. */
void dataset_search_path(char *out, size_t outlen);

/*
 * Load train and test splits from path (anything dataset_find accepts),
 * keeping only the first train_limit and test_limit images when those are
 * > 0.  Every file is validated (see idx.h and npz.h) and image and label
 * counts must agree.  A path containing "fashion" (any case) is taken as
 * Fashion-MNIST: name, source and class_name say so.  Returns 0, or -1
 * with a one-line message naming the file and the defect.  Free with
 * dataset_free().
 */
int dataset_load(dataset *ds, const char *path, size_t train_limit,
    size_t test_limit, char *err, size_t errlen);

/*
 * The offline fallback: ntrain and ntest synthetic digits (0 for
 * DATASET_SYNTH_TRAIN / DATASET_SYNTH_TEST) drawn by synth.h from seed;
 * the same seed gives the same bytes for any thread count.  name is
 * "SYNTHETIC" and source "SYNTHETIC digits, seed N (no MNIST found: run
 * make data)", so no output can pass it off as MNIST.  Returns 0, or -1
 * with a message (out of memory).  Free with dataset_free().
 */
int dataset_synthetic(dataset *ds, uint64_t seed, size_t ntrain,
    size_t ntest, char *err, size_t errlen);

/* Frees the arrays; accepts a zeroed or already freed dataset. */
void dataset_free(dataset *ds);

#endif

#ifndef NOISETOP_DATASET_H
#define NOISETOP_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define DATASET_NPIX 784  /* 28 x 28 */
#define DATASET_SIDE 28

/* One split: n images of DATASET_NPIX bytes each, and their labels 0-9. */
typedef struct {
	size_t   n;
	uint8_t *pix;    /* n * DATASET_NPIX, row-major, owned */
	uint8_t *label;  /* n, owned */
} dataset_split;

typedef struct {
	dataset_split train, test;
	char dir[4096];      /* where the files were found */
	char name[64];       /* "MNIST" */
	char source[4200];   /* "MNIST (/path/to/dir)": shown in every output */
} dataset;

/*
 * Find the directory holding the four MNIST IDX files (raw or .gz): dir if
 * given (--data), else $NOISETOP_DATA, else ./data/mnist, else
 * $XDG_CACHE_HOME/noisetop/mnist (default ~/.cache/noisetop/mnist).
 * Returns 0 and the directory in out, or -1 with a message naming every
 * place looked in.
 */
int dataset_find(const char *dir, char *out, size_t outlen, char *err,
    size_t errlen);

/*
 * Load train and test splits from dir, keeping only the first train_limit
 * and test_limit images when those are > 0.  Every file is validated (see
 * idx.h) and image and label counts must agree.  Returns 0, or -1 with a
 * one-line message naming the file.  Free with dataset_free().
 */
int dataset_load(dataset *ds, const char *dir, size_t train_limit,
    size_t test_limit, char *err, size_t errlen);

/* Frees the arrays; accepts a zeroed or already freed dataset. */
void dataset_free(dataset *ds);

#endif

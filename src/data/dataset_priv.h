/*
 * Shared by the data set module's two files: dataset_find.c (where a set
 * is) and dataset.c (what it is, and loading it).
 */
#ifndef NOISETOP_DATASET_PRIV_H
#define NOISETOP_DATASET_PRIV_H

#include <stddef.h>

#include "data/dataset.h"

/* The four IDX files' names without ".gz": train images, train labels,
 * test images, test labels. */
extern const char *const dataset_file_base[4];

/* The path of one of the four files in dir, raw or .gz: 0 if found. */
int dataset_find_file(const char *dir, const char *base, char *out,
    size_t outlen);

/* Is path a directory (1), a readable regular file (2), or neither (0)? */
int dataset_path_kind(const char *path);

/*
 * Resolve a location to the IDX directory or .npz file of set kind that
 * it names (see dataset_find_kind for the layouts).  0 with it in out, or
 * -1.
 */
int dataset_resolve(dataset_kind kind, const char *path, char *out,
    size_t outlen);

#endif

#ifndef NOISETOP_NPZ_H
#define NOISETOP_NPZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * NumPy .npz archives (what Keras caches as ~/.keras/datasets/mnist.npz):
 * a zip file whose members are .npy arrays.  Members may be stored or
 * deflated; every member's CRC-32 and sizes are checked, and so is the
 * .npy header (magic "\x93NUMPY", version 1-3, a dict with 'descr',
 * 'fortran_order' and 'shape').  Only unsigned-byte arrays are read:
 * that is all MNIST needs.
 *
 * Every failure is one line naming the file, the member and the defect,
 * e.g. "mnist.npz: x_train.npy: CRC-32 mismatch (...)".
 */

#define NPZ_MAX_DIMS 4

typedef struct npz_file npz_file;

/* One decoded .npy array of unsigned bytes, C order. */
typedef struct {
	int      ndim;
	size_t   shape[NPZ_MAX_DIMS];
	uint8_t *data;  /* shape[0] * ... * shape[ndim-1] bytes, owned */
	size_t   size;  /* bytes in data */
} npz_array;

/*
 * Read the archive at path into memory and parse its central directory.
 * Returns the archive (free with npz_close), or NULL with a message in err
 * (not a zip, truncated, unsupported zip feature).
 */
npz_file *npz_open(const char *path, char *err, size_t errlen);

/* The same for an archive already in memory: takes ownership of buf
 * (malloc'd; freed by npz_close, or here on failure); label names it in
 * messages. */
npz_file *npz_open_mem(const char *label, uint8_t *buf, size_t len,
    char *err, size_t errlen);

/*
 * Extract member name (without ".npy", e.g. "x_train"), inflate it, check
 * its CRC and parse it as a uint8 array with want_ndim dimensions (0 for
 * any).  Returns 0 with the array in *out (free with npz_array_free), or -1
 * with a message in err and *out empty.
 */
int npz_read_u8(npz_file *z, const char *name, int want_ndim,
    npz_array *out, char *err, size_t errlen);

/* Parse .npy bytes already in memory; label names the array in errors. */
int npz_parse_npy(const char *label, const uint8_t *buf, size_t len,
    int want_ndim, npz_array *out, char *err, size_t errlen);

/* Free an archive; accepts NULL. */
void npz_close(npz_file *z);

/* Free an array's data; accepts an empty or already freed array. */
void npz_array_free(npz_array *a);

#endif

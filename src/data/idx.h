#ifndef NOISETOP_IDX_H
#define NOISETOP_IDX_H

#include <stddef.h>
#include <stdint.h>

/*
 * IDX files (the MNIST container): a big-endian header of magic
 * 0x000008NN (NN = number of dimensions, type 0x08 = unsigned byte), the
 * dimensions as 32-bit big-endian counts, then the bytes.  Files may be raw
 * or gzip-compressed; the reader decides from the content, not the name.
 */
typedef struct {
	int      ndim;     /* 1 for labels, 3 for images */
	uint32_t dims[3];  /* dims[0] is the item count */
	uint8_t *data;     /* dims[0]*dims[1]*dims[2] bytes, owned */
	size_t   size;     /* bytes in data */
} idx_array;

/*
 * Load an IDX file holding unsigned bytes with want_ndim dimensions.  The
 * header, the dimensions and the payload length are all checked against the
 * file's real length (a gzip stream must also end cleanly).  On failure
 * returns -1 and writes a one-line message naming path and the defect into
 * err; *out is left empty.  On success returns 0; free with idx_free().
 */
int idx_load(const char *path, int want_ndim, idx_array *out, char *err,
    size_t errlen);

/* Same, from bytes already in memory (gzip or raw); name is used in
 * errors. */
int idx_parse(const char *name, const uint8_t *buf, size_t len,
    int want_ndim, idx_array *out, char *err, size_t errlen);

/*
 * Read a whole file, inflating it when it is gzip.  *out is malloc'd (caller
 * frees), *outlen its length.  Gives up past maxlen bytes inflated.
 * Returns 0, or -1 with a message in err.
 */
int idx_read_file(const char *path, size_t maxlen, uint8_t **out,
    size_t *outlen, char *err, size_t errlen);

void idx_free(idx_array *a);

#endif

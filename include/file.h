#ifndef NOISETOP_FILE_H
#define NOISETOP_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Read a whole regular file of at most maxlen bytes into *out (malloc'd,
 * caller frees; one spare byte past the end is allocated and set to 0, so
 * text can be used as a C string) and its length into *outlen.  Returns 0,
 * or -1 with a one-line message naming path (missing, not a regular file,
 * too large, read error, out of memory) and *out NULL.
 */
int file_read(const char *path, size_t maxlen, uint8_t **out, size_t *outlen,
    char *err, size_t errlen);

#endif

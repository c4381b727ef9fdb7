#ifndef NOISETOP_FILE_H
#define NOISETOP_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/*
 * Read a whole regular file of at most maxlen bytes into *out (malloc'd,
 * caller frees; one spare byte past the end is allocated and set to 0, so
 * text can be used as a C string) and its length into *outlen.  Never
 * blocks on a FIFO or device: anything but a regular file is refused at
 * once.  Returns 0, or -1 with a one-line message naming path (missing, a
 * directory, FIFO, device or socket, too large, read error, out of memory)
 * and *out NULL.
 */
int file_read(const char *path, size_t maxlen, uint8_t **out, size_t *outlen,
    char *err, size_t errlen);

/*
 * Write data to path atomically: a temporary file beside it, fsync, then
 * rename over path, so a reader sees the old file or the new one, never a
 * half-written one; a full disk (ENOSPC) or an I/O error leaves the old one
 * intact.  Returns 0, or -1 with a message naming path and the reason.
 */
int file_write_atomic(const char *path, const char *data, size_t len,
    char *err, size_t errlen);

/*
 * Make the directory a folder of files (a run's report) goes into, its
 * name into out.  fresh: path when it does not exist, else the first of
 * path-2, path-3, ... that does not: never an existing directory.  Else
 * path itself, made when it does not exist (its parent must), or an
 * existing empty writable directory; a directory with files in it only
 * when force (the caller then writes over its files of the same names).
 * Returns 0, or -1 with a one-line message naming the path (cannot be
 * made, not a directory, not writable, not empty).
 */
int file_make_dir(const char *path, int fresh, int force, char *out,
    size_t outlen, char *err, size_t errlen);

#endif

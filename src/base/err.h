#ifndef NOISETOP_ERR_H
#define NOISETOP_ERR_H

#include <stddef.h>

/*
 * The limits every module shares, written once: a path (a data file, a run
 * directory and what is in it) fits NT_PATH_LEN bytes with its NUL, and a
 * one-line message, which may quote a path or two, fits NT_ERR_LEN.
 */
#define NT_PATH_LEN 4096
#define NT_ERR_LEN  (2 * NT_PATH_LEN + 512)

/*
 * Library modules report failure as -1 (or NULL) and a one-line message in
 * a caller's buffer, tmux's "char **cause" style: they never print or exit.
 * err_set() formats that message into err (errlen bytes, NUL-terminated;
 * err may be NULL) and returns -1, so a failure path reads
 *
 *	return err_set(err, errlen, "%s: truncated header", path);
 */
int err_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

#ifndef NOISETOP_KV_H
#define NOISETOP_KV_H

#include <stddef.h>

/*
 * The run files' "key = value" text (config.txt, state.txt): one pair a
 * line, '#' comment lines and blank lines skipped, values to the end of the
 * line.  The readers below are the whole of what parses such a file, so a
 * fuzzer can hold them to untrusted bytes (tests/fuzz/fuzz_kv.c).
 */

/* The callback for one pair; returns 0, or -1 with a message (no path or
 * line number: kv_parse adds them). */
typedef int (*kv_fn)(void *arg, const char *key, const char *value,
    char *err, size_t errlen);

/*
 * Read a small text file whole (at most maxlen bytes; a NUL byte inside is
 * an error).  Returns the NUL-terminated text (caller frees), or NULL with
 * a message naming path.
 */
char *kv_read(const char *path, size_t maxlen, char *err, size_t errlen);

/*
 * Call fn for each pair of text, which is modified in place.  label names
 * the text in messages ("DIR/config.txt: line 3: ...").  Stops at the first
 * bad line or failing callback.  Returns 0, or -1 with a message.
 */
int kv_parse(const char *label, char *text, kv_fn fn, void *arg, char *err,
    size_t errlen);

/* value as a finite number within [lo, hi] into *out; key names it in the
 * message.  Returns 0, or -1. */
int kv_num(const char *key, const char *value, double lo, double hi,
    double *out, char *err, size_t errlen);

/* value as a comma-separated list of at most max whole numbers within
 * [lo, hi] into out, their count in *n.  Returns 0, or -1. */
int kv_int_list(const char *key, const char *value, int lo, int hi, int *out,
    int max, int *n, char *err, size_t errlen);

/*
 * The shortest decimal that reads back as exactly f (0.2f is written
 * "0.2", not "0.200000003"), into buf of at least 32 bytes.  Returns buf.
 */
char *kv_float(char *buf, float f);

#endif

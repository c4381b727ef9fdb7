#ifndef NOISETOP_PREFS_H
#define NOISETOP_PREFS_H

#include <stddef.h>

/*
 * The user's remembered settings: the dashboard's job form keeps its last
 * values as "key = value" lines (base/kv.h) in
 * $XDG_CONFIG_HOME/noisetop/form.conf (default ~/.config/noisetop/),
 * written atomically.  The file is the user's, not a run's, but like the
 * runs it is storage, so only this layer touches it; the UI gets its text
 * from main and saves it through the worker.
 */

/* A form.conf is never larger than this. */
#define PREFS_MAX 65536

/*
 * The remembered text into a new buffer (*text, caller frees), or NULL in
 * *text when there is none yet (no file, no home).  Returns 0, or -1 with
 * a message when the file exists but cannot be read.
 */
int prefs_read(char **text, char *err, size_t errlen);

/* Replace the remembered text, making the directory when missing.
 * Returns 0, or -1 with a message. */
int prefs_write(const char *text, char *err, size_t errlen);

#endif

#ifndef NOISETOP_RUNLIST_H
#define NOISETOP_RUNLIST_H

#include <stddef.h>
#include <time.h>

/*
 * The runs under a root, summarised for `noisetop runs` and the dashboard's
 * run browser, and their safe removal.  Reads only the files every run
 * writes atomically (config.txt, state.txt, results.csv), so it can list a
 * directory other processes are writing.
 */

typedef struct {
	char      id[256];       /* the directory's name */
	char      kind[16];      /* train, compare, sweep; "" if unreadable */
	char      status[192];   /* "finished (6 scales, 20 epochs)", ... */
	char      data[32];      /* MNIST, Fashion-MNIST, SYNTHETIC */
	char      grid[96];      /* "gaussian fixed, 2 seeds" */
	time_t    made;          /* when config.txt was written */
	size_t    train_limit, test_limit;
	int       nscales, epochs;
	double    best_val;      /* best val accuracy of any epoch; -1: none */
	double    seconds;       /* training time recorded so far */
	long long bytes;         /* size on disk */
	int       readable;      /* config.txt and state.txt parsed */
	int       finished;      /* state.txt says finished */
	int       alive;         /* a live process is writing it */
	int       elsewhere;     /* another host is writing it (a fresh
	                            claim) */
} runlist_entry;

/*
 * Summarise every run under root, newest first, into *out (malloc'd,
 * caller frees) and their count into *n.  A run whose files cannot be read
 * is listed with readable 0 and the reason in status.  Returns 0, or -1
 * with a message (root unreadable, out of memory).
 */
int runlist_read(const char *root, runlist_entry **out, int *n, char *err,
    size_t errlen);

/*
 * Delete the run name under root: its files, then its directory, under a
 * claim of the whole run (claim.h), so that nothing can start writing it
 * meanwhile.  Refuses a run with a live claim (its own or a shard's, on any
 * host: the message names the holder), a name that is not a run directory
 * directly under root, and anything in it but plain files.  Returns 0, or
 * -1 with a message naming the run.
 */
int runlist_remove(const char *root, const char *name, char *err,
    size_t errlen);

#endif

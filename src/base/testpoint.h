#ifndef NOISETOP_TESTPOINT_H
#define NOISETOP_TESTPOINT_H

#include <stdatomic.h>

/*
 * A deterministic rendezvous for tests, so that no test has to sleep and
 * then signal a running job and hope it is still running.
 *
 *	NOISETOP_TEST_STOP=R:E:B  NOISETOP_TEST_STOP_FILE=PATH
 *
 * makes the R-th training run of the process (1-based: the rows of a
 * sweep, the two models of a compare, each dashboard job in turn) stop
 * before batch B (0-based) of epoch E (1-based).  It then writes its pid to
 * PATH and waits until PATH is removed or the job is cancelled; everything
 * finished before that point is already on disk.  A test waits for PATH to
 * appear, then signals, kills, cancels or removes PATH to let it go on.
 * When NOISETOP_TEST_STOP changes, the count of runs starts again (a C test
 * can set it between jobs).  Several points, R:E:B,R:E:B (at most 8), hold
 * several runs of one process (rows trained side by side): PATH is
 * written when the last of them is reached, and each waits until then
 * and until PATH is removed.  A PATH ending in '/' is a directory where each
 * process writes its own file, stop.PID, so that a test can hold several
 * processes (the tasks of a job array) at once.  Unset, each call costs one getenv per run and
 * one integer compare per batch.
 */

/* Where one run stops; epoch 0 means nowhere. */
typedef struct {
	int epoch, batch;
} testpoint;

/* A training run starts: fill *tp with where it must stop, if anywhere. */
void testpoint_run_start(testpoint *tp);

/* Before batch `batch` (0-based) of epoch `epoch` (1-based): stop there if
 * tp says so.  cancel may be NULL; a nonzero *cancel ends the wait. */
void testpoint_batch(const testpoint *tp, int epoch, int batch,
    atomic_int *cancel);

#endif

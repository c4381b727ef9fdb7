/* The tests' rendezvous point inside the trainer (see testpoint.h). */
#include "base/testpoint.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * The one piece of process-wide state outside the UI: which stop point is
 * set and how many runs have started since it was set.  A test hook has no
 * caller to hold it, and runs start from either front end's thread.
 */
#define TP_MAX 8
static pthread_mutex_t tp_lock = PTHREAD_MUTEX_INITIALIZER;
static char            tp_spec[128];
static int             tp_runs, tp_npoint, tp_held;
static int             tp_run[TP_MAX], tp_epoch[TP_MAX], tp_batch[TP_MAX];
static atomic_int      tp_written;

void
testpoint_run_start(testpoint *tp)
{
	const char *s = getenv("NOISETOP_TEST_STOP");

	tp->epoch = tp->batch = 0;
	if (s == NULL || *s == '\0')
		return;
	pthread_mutex_lock(&tp_lock);
	if (strncmp(s, tp_spec, sizeof tp_spec) != 0) {
		const char *p = s;
		int         used;

		snprintf(tp_spec, sizeof tp_spec, "%s", s);
		tp_runs = tp_npoint = tp_held = 0;
		atomic_store(&tp_written, 0);
		while (tp_npoint < TP_MAX && sscanf(p, "%d:%d:%d%n",
		    &tp_run[tp_npoint], &tp_epoch[tp_npoint],
		    &tp_batch[tp_npoint], &used) == 3) {
			tp_npoint++;
			if (p[used] != ',')
				break;
			p += used + 1;
		}
	}
	tp_runs++;
	for (int i = 0; i < tp_npoint; i++)
		if (tp_runs == tp_run[i]) {
			tp->epoch = tp_epoch[i];
			tp->batch = tp_batch[i];
		}
	pthread_mutex_unlock(&tp_lock);
}

void
testpoint_batch(const testpoint *tp, int epoch, int batch, atomic_int *cancel)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	const char     *path = getenv("NOISETOP_TEST_STOP_FILE");
	char            tmp[4300], own[4200], line[32];
	int             fd, len, last;

	if (tp->epoch == 0 || epoch != tp->epoch || batch != tp->batch ||
	    path == NULL)
		return;
	/* A directory (a path ending in '/'): one file per process in it,
	 * stop.PID, for tests that hold several processes at once. */
	if (path[0] != '\0' && path[strlen(path) - 1] == '/') {
		snprintf(own, sizeof own, "%sstop.%ld", path, (long)getpid());
		path = own;
	}
	/* Several points: the file says when every one is held. */
	pthread_mutex_lock(&tp_lock);
	last = ++tp_held >= tp_npoint;
	pthread_mutex_unlock(&tp_lock);
	if (!last)
		goto wait;
	/* Renamed into place whole: a test never reads it half written. */
	len = snprintf(line, sizeof line, "%ld\n", (long)getpid());
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		atomic_store(&tp_written, 1);
		return;
	}
	if (write(fd, line, (size_t)len) != len || close(fd) != 0 ||
	    rename(tmp, path) != 0) {
		unlink(tmp);
		atomic_store(&tp_written, 1);
		return;
	}
	atomic_store(&tp_written, 1);
wait:
	while ((!atomic_load(&tp_written) || access(path, F_OK) == 0) &&
	    (cancel == NULL || atomic_load(cancel) == 0))
		nanosleep(&ts, NULL);
}

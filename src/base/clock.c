/* clock: the one monotonic clock for elapsed times and timeouts, and the
 * clock a job's work is timed in. */
#include "base/clock.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double
clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double
clock_work(void)
{
	/* -1 unread, 0 monotonic, 1 CPU time; two threads reading it at
	 * once store the same value. */
	static atomic_int cpu = -1;
	struct timespec   ts;

	if (atomic_load(&cpu) < 0) {
		const char *e = getenv("NOISETOP_TEST_CLOCK");

		atomic_store(&cpu, e != NULL && strcmp(e, "cpu") == 0);
	}
	if (!atomic_load(&cpu))
		return clock_now();
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* clock: the one monotonic clock for elapsed times and timeouts. */
#include "base/clock.h"

#include <time.h>

double
clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

#ifndef NOISETOP_CLOCK_H
#define NOISETOP_CLOCK_H

/*
 * clock_now: seconds on the monotonic clock (CLOCK_MONOTONIC), from an
 * arbitrary origin: only differences mean anything.  Never fails; it does
 * not jump when the wall clock is set.
 */
double clock_now(void);

/*
 * clock_work: the clock a job's parts are timed in (the epochs' seconds,
 * the estimates of runs/eta.h): clock_now(), unless the environment has
 * NOISETOP_TEST_CLOCK=cpu, when it is this process's CPU time
 * (CLOCK_PROCESS_CPUTIME_ID, every thread's), so that a test of the
 * estimates on a shared machine times its own work, not other processes'
 * load.  Read once per process.  Seconds from an arbitrary origin.
 */
double clock_work(void);

#endif

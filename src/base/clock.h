#ifndef NOISETOP_CLOCK_H
#define NOISETOP_CLOCK_H

/*
 * clock_now: seconds on the monotonic clock (CLOCK_MONOTONIC), from an
 * arbitrary origin: only differences mean anything.  Never fails; it does
 * not jump when the wall clock is set.
 */
double clock_now(void);

#endif

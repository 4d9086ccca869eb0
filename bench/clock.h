/*
 * bench/clock.h — milliseconds of the monotonic clock, for the timings of
 * bench/plan_bench.c and of the unit tests' perf notes (test/unit/test_perf.c).
 * The including file defines _POSIX_C_SOURCE 200809L (clock_gettime).
 */
#ifndef MG_BENCH_CLOCK_H
#define MG_BENCH_CLOCK_H

#include <time.h>

static inline double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

#endif							/* MG_BENCH_CLOCK_H */

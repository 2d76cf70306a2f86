/*
 * The monotonic clock, the one clock the project measures intervals and
 * ages with (never the wall clock, which an operator or NTP may move).
 */
#ifndef TK_CLOCK_H
#define TK_CLOCK_H

#include <stdint.h>
#include <time.h>

/* clock_mono_us: microseconds of CLOCK_MONOTONIC. */
static inline int64_t
clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* clock_mono_ms: milliseconds of the same clock. */
static inline int64_t
clock_mono_ms(void)
{
	return clock_mono_us() / 1000;
}

#endif

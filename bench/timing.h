/* SPDX-License-Identifier: GPL-2.0 */
/* The one clock every sample is taken with, and what reading it costs. */
#ifndef KX_TIMING_H
#define KX_TIMING_H

#include <stdint.h>
#include <time.h>

static inline uint64_t kx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct kx_clock {
	double overhead_ns;	/* median cost of one kx_now_ns() */
	double resolution_ns;	/* clock_getres() */
};

void kx_clock_calibrate(struct kx_clock *c);

/*
 * Shortest timed sample: long enough that reading the clock twice costs
 * at most 0.1% of it, and never under 10 us.
 */
uint64_t kx_sample_target_ns(const struct kx_clock *c);

#endif

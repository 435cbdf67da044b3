// SPDX-License-Identifier: GPL-2.0
/*
 * The clock's own cost is measured as lmbench does: many back-to-back reads
 * timed as a group, so the result is the per-call cost rather than a
 * single read's quantisation; the median over rounds ignores rounds hit by
 * an interrupt.
 */
#include <stdlib.h>

#include "stats.h"
#include "timing.h"

#define ROUNDS		31
#define CALLS_PER_ROUND	1000

void kx_clock_calibrate(struct kx_clock *c)
{
	double per_call[ROUNDS];
	struct timespec res;
	volatile uint64_t sink = 0;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = kx_now_ns();

		for (int i = 0; i < CALLS_PER_ROUND; i++)
			sink += kx_now_ns();
		per_call[r] = (double)(kx_now_ns() - t0) / CALLS_PER_ROUND;
	}
	(void)sink;
	{
		struct kx_stats st;

		if (!kx_stats_compute(per_call, ROUNDS, &st))
			c->overhead_ns = st.p50;
		else
			c->overhead_ns = per_call[0];
	}
	if (!clock_getres(CLOCK_MONOTONIC, &res))
		c->resolution_ns = (double)res.tv_sec * 1e9 + res.tv_nsec;
	else
		c->resolution_ns = 0;
}

uint64_t kx_sample_target_ns(const struct kx_clock *c)
{
	double t = 1000.0 * c->overhead_ns;

	if (t < 10000.0)
		t = 10000.0;
	/* A coarse (jiffies-based) clock: quantisation at most 1%. */
	if (t < 100.0 * c->resolution_ns)
		t = 100.0 * c->resolution_ns;
	return (uint64_t)t;
}

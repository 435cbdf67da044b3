// SPDX-License-Identifier: GPL-2.0
/* Statistics against values computed by hand (see the comments). */
#include <math.h>

#include "stats.h"
#include "tap.h"

void test_stats(void)
{
	struct kx_stats st;

	{
		/* 1..10, shuffled: sorting is part of the job. */
		double s[] = { 7, 3, 10, 1, 5, 9, 2, 8, 6, 4 };

		tap_ok(!kx_stats_compute(s, 10, &st), "stats: 1..10 computes");
		TAP_NEAR(st.min, 1, 0, "stats 1..10: min 1");
		TAP_NEAR(st.max, 10, 0, "stats 1..10: max 10");
		/* h = 9 * 0.5 = 4.5: (5 + 6) / 2 */
		TAP_NEAR(st.p50, 5.5, 1e-12, "stats 1..10: p50 5.5");
		/* h = 8.1: 9 + 0.1 * (10 - 9) */
		TAP_NEAR(st.p90, 9.1, 1e-12, "stats 1..10: p90 9.1");
		/* 10 samples: no p99 (< 100) and no p99.9 (< 1000). */
		tap_ok(isnan(st.p99) && isnan(st.p999),
		       "stats 1..10: p99 and p99.9 empty below 100 / 1000 samples");
		/* The interpolation itself, h = 8.91 and 8.991: */
		TAP_NEAR(kx_percentile_sorted((double[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
					      10, 0.99), 9.91, 1e-12,
			 "percentile type 7: p99 of 1..10 is 9.91");
		TAP_NEAR(st.mean, 5.5, 1e-12, "stats 1..10: mean 5.5");
		/* sum of squares 82.5, / 9, sqrt */
		TAP_NEAR(st.stddev, 3.0276503540974917, 1e-12,
			 "stats 1..10: sample stddev 3.02765");
		/* |x - 5.5| = .5 .5 1.5 1.5 2.5 2.5 3.5 3.5 4.5 4.5 */
		TAP_NEAR(st.mad, 2.5, 1e-12, "stats 1..10: MAD 2.5");
		tap_ok(st.samples == 10, "stats 1..10: 10 samples");
	}
	{
		double s[] = { 9, 4, 2, 5, 4, 7, 4, 5 };

		kx_stats_compute(s, 8, &st);
		/* sorted 2 4 4 4 5 5 7 9; h = 3.5 */
		TAP_NEAR(st.p50, 4.5, 1e-12, "stats 8 values: p50 4.5");
		/* h = 6.3: 7 + 0.3 * 2 */
		TAP_NEAR(st.p90, 7.6, 1e-12, "stats 8 values: p90 7.6");
		TAP_NEAR(st.mean, 5, 1e-12, "stats 8 values: mean 5");
		/* squares 9 1 1 1 0 0 4 16 = 32; 32 / 7 */
		TAP_NEAR(st.stddev, 2.1380899352993952, 1e-12,
			 "stats 8 values: stddev sqrt(32/7)");
		/* deviations .5 .5 .5 .5 .5 2.5 2.5 4.5 */
		TAP_NEAR(st.mad, 0.5, 1e-12, "stats 8 values: MAD 0.5");
		tap_ok(st.min <= st.p50 && st.p50 <= st.p90 &&
		       st.p90 <= st.max, "stats 8 values: ordered");
	}
	{
		double s[] = { 42 };

		kx_stats_compute(s, 1, &st);
		tap_ok(st.min == 42 && st.p50 == 42 && isnan(st.p999) &&
		       st.max == 42 && st.stddev == 0 && st.mad == 0,
		       "stats one sample: all 42, spread 0");
	}
	{
		double s[1];

		tap_ok(kx_stats_compute(s, 0, &st) == -1,
		       "stats: zero samples rejected");
	}
	{
		/* 1000 values 1..1000: p99.9 h = 998.001 */
		static double s[1000];

		for (int i = 0; i < 1000; i++)
			s[i] = 1000 - i;
		kx_stats_compute(s, 1000, &st);
		TAP_NEAR(st.p999, 999.001, 1e-9, "stats 1..1000: p99.9 999.001");
		TAP_NEAR(st.p99, 990.01, 1e-9, "stats 1..1000: p99 990.01");
	}
	{
		static double s[999];

		for (int i = 0; i < 999; i++)
			s[i] = i;
		kx_stats_compute(s, 999, &st);
		tap_ok(!isnan(st.p99) && isnan(st.p999),
		       "stats 999 samples: p99 yes, p99.9 only from 1000");
		kx_stats_compute(s, 99, &st);
		tap_ok(isnan(st.p99), "stats 99 samples: no p99");
		kx_stats_compute(s, 100, &st);
		tap_ok(!isnan(st.p99), "stats 100 samples: p99");
	}
}

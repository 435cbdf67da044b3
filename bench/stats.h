/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Summary statistics of per-operation times.  Definitions (documented in
 * docs/benchmark-methods.md, tested in tests/test_stats.c):
 *  - percentiles interpolate linearly between closest ranks (Hyndman &
 *    Fan type 7, the default of R and numpy): h = (n - 1) * p,
 *    q = x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]);
 *  - stddev is the sample standard deviation (n - 1), 0 for n = 1;
 *  - mad is the raw median absolute deviation from the median (not scaled
 *    by 1.4826).
 */
#ifndef KX_STATS_H
#define KX_STATS_H

#include <stddef.h>
#include <stdint.h>

struct kx_stats {
	uint64_t samples;
	double min, p50, p90, p99, p999, max;
	double mean, stddev, mad;
};

/* p in [0, 1]; s sorted ascending, n >= 1. */
double kx_percentile_sorted(const double *s, size_t n, double p);

/*
 * Fills st from n >= 1 samples.  Sorts s in place.  Returns 0, or -1 when
 * n is 0 or memory for the MAD runs out.
 */
int kx_stats_compute(double *s, size_t n, struct kx_stats *st);

#endif

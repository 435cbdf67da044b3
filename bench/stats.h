/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Summary statistics of per-operation times.  Definitions (documented in
 * docs/benchmark-methods.md, tested in tests/test_stats.c):
 *  - percentiles interpolate linearly between closest ranks (Hyndman &
 *    Fan type 7, the default of R and numpy): h = (n - 1) * p,
 *    q = x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]);
 *  - stddev is the sample standard deviation (n - 1), 0 for n = 1;
 *  - mad is the raw median absolute deviation from the median (not scaled
 *    by 1.4826);
 *  - p99 needs at least KX_P99_MIN_SAMPLES samples and p999 at least
 *    KX_P999_MIN_SAMPLES, else they are NAN (an empty CSV field): from
 *    fewer, the "tail" is one of the few largest samples, not a tail.
 */
#ifndef KX_STATS_H
#define KX_STATS_H

#include <stddef.h>
#include <stdint.h>

#define KX_P99_MIN_SAMPLES	100
#define KX_P999_MIN_SAMPLES	1000

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

/* Median of n >= 1 values (type 7); v is not modified. */
double kx_median(const double *v, size_t n);

/* Between-sample coefficient of variation: sample stddev / mean; 0 for n < 2. */
double kx_cv(const double *v, size_t n);

/*
 * Resamples of the bootstrap intervals: fixed, like the seed, so that the
 * same data always gives the same interval.  2000 is where the 2.5% and
 * 97.5% percentiles of the resampled medians stop moving by more than a
 * rank of the data (Efron & Tibshirani recommend >= 1000 for percentile
 * intervals).
 */
#define KX_BOOT_RESAMPLES	2000
#define KX_BOOT_SEED		0x6b786672U

/*
 * 95% percentile bootstrap interval of the median of v[0..n): resample n
 * values with replacement KX_BOOT_RESAMPLES times, take the median of
 * each, and the 2.5% and 97.5% percentiles (type 7) of those.  Returns 0,
 * or -1 when n is 0 or memory runs out.
 */
int kx_boot_median_ci(const double *v, size_t n, double *lo, double *hi);

/*
 * The same for the ratio median(a) / median(b) of paired values (a[i] and
 * b[i] from the same repetition): each resample draws repetitions, the
 * same indices for both.
 */
int kx_boot_ratio_ci(const double *a, const double *b, size_t n, double *lo,
		     double *hi);

/* splitmix64: the one pseudo-random generator (bootstrap, run order). */
uint64_t kx_rand_next(uint64_t *state);

#endif

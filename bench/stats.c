// SPDX-License-Identifier: GPL-2.0
/*
 * Order statistics need the samples sorted; the mean and stddev are taken
 * in two passes (mean first) so that nanosecond-scale spreads on top of
 * millisecond-scale values do not vanish in cancellation.
 */
#include <math.h>
#include <stdlib.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double kx_percentile_sorted(const double *s, size_t n, double p)
{
	double h, frac;
	size_t lo;

	if (p <= 0 || n == 1)
		return s[0];
	if (p >= 1)
		return s[n - 1];
	h = (double)(n - 1) * p;
	lo = (size_t)h;
	frac = h - (double)lo;
	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + frac * (s[lo + 1] - s[lo]);
}

int kx_stats_compute(double *s, size_t n, struct kx_stats *st)
{
	double sum = 0, sq = 0, *dev;

	if (!n)
		return -1;
	dev = malloc(n * sizeof(*dev));
	if (!dev)
		return -1;

	qsort(s, n, sizeof(*s), cmp_double);
	st->samples = n;
	st->min = s[0];
	st->max = s[n - 1];
	st->p50 = kx_percentile_sorted(s, n, 0.50);
	st->p90 = kx_percentile_sorted(s, n, 0.90);
	st->p99 = kx_percentile_sorted(s, n, 0.99);
	st->p999 = kx_percentile_sorted(s, n, 0.999);

	for (size_t i = 0; i < n; i++)
		sum += s[i];
	st->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (s[i] - st->mean) * (s[i] - st->mean);
	st->stddev = n > 1 ? sqrt(sq / (double)(n - 1)) : 0;

	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(s[i] - st->p50);
	qsort(dev, n, sizeof(*dev), cmp_double);
	st->mad = kx_percentile_sorted(dev, n, 0.50);
	free(dev);
	return 0;
}

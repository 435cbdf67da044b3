// SPDX-License-Identifier: GPL-2.0
/*
 * Order statistics need the samples sorted; the mean and stddev are taken
 * in two passes (mean first) so that nanosecond-scale spreads on top of
 * millisecond-scale values do not vanish in cancellation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	st->p99 = n >= KX_P99_MIN_SAMPLES ?
		  kx_percentile_sorted(s, n, 0.99) : NAN;
	st->p999 = n >= KX_P999_MIN_SAMPLES ?
		   kx_percentile_sorted(s, n, 0.999) : NAN;

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

double kx_median(const double *v, size_t n)
{
	double *s = malloc(n * sizeof(*s)), m;

	if (!s)
		return v[0];
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = kx_percentile_sorted(s, n, 0.5);
	free(s);
	return m;
}

double kx_cv(const double *v, size_t n)
{
	double sum = 0, sq = 0, mean;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (v[i] - mean) * (v[i] - mean);
	return mean > 0 ? sqrt(sq / (double)(n - 1)) / mean : 0;
}

uint64_t kx_rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Median of the resample v[idx[0..n)] (tmp: n doubles). */
static double resample_median(const double *v, const size_t *idx, size_t n,
			      double *tmp)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = v[idx[i]];
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return kx_percentile_sorted(tmp, n, 0.5);
}

/* b == NULL: interval of median(a); else of median(a) / median(b). */
static int bootstrap(const double *a, const double *b, size_t n, double *lo,
		     double *hi)
{
	double *stat = malloc(KX_BOOT_RESAMPLES * sizeof(*stat));
	double *tmp = malloc(n * sizeof(*tmp));
	size_t *idx = malloc(n * sizeof(*idx));
	uint64_t state = KX_BOOT_SEED;
	int ret = -1;

	if (!n || !stat || !tmp || !idx)
		goto out;
	for (size_t r = 0; r < KX_BOOT_RESAMPLES; r++) {
		double x;

		for (size_t i = 0; i < n; i++)
			idx[i] = (size_t)(kx_rand_next(&state) % n);
		x = resample_median(a, idx, n, tmp);
		if (b) {
			double y = resample_median(b, idx, n, tmp);

			x = y > 0 ? x / y : 0;
		}
		stat[r] = x;
	}
	qsort(stat, KX_BOOT_RESAMPLES, sizeof(*stat), cmp_double);
	*lo = kx_percentile_sorted(stat, KX_BOOT_RESAMPLES, 0.025);
	*hi = kx_percentile_sorted(stat, KX_BOOT_RESAMPLES, 0.975);
	ret = 0;
out:
	free(stat);
	free(tmp);
	free(idx);
	return ret;
}

int kx_boot_median_ci(const double *v, size_t n, double *lo, double *hi)
{
	return bootstrap(v, NULL, n, lo, hi);
}

int kx_boot_ratio_ci(const double *a, const double *b, size_t n, double *lo,
		     double *hi)
{
	return bootstrap(a, b, n, lo, hi);
}

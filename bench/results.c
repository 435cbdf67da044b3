// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

/* Median of the finite values of v (one per repetition); NAN if none. */
static double finite_median(const double *v, unsigned int n)
{
	double tmp[n ? n : 1];
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		if (isfinite(v[i]))
			tmp[k++] = v[i];
	return k ? kx_median(tmp, k) : NAN;
}

int kx_result_from_reps(struct kx_result *x, const struct kx_rep *reps,
			unsigned int n, uint64_t size)
{
	size_t total = 0, k = 0;
	double *pool, kept[n ? n : 1], col[n ? n : 1];
	double cpu = 0, bytes = 0, overhead = 0;

	for (unsigned int r = 0; r < n; r++)
		total += reps[r].n;
	pool = malloc((total ? total : 1) * sizeof(*pool));
	x->rep_p50 = malloc((n ? n : 1) * sizeof(*x->rep_p50));
	if (!pool || !x->rep_p50 || !total) {
		free(pool);
		return -1;
	}
	x->repeats = n;
	x->iterations = 0;
	x->dropped = 0;
	for (unsigned int r = 0; r < n; r++) {
		memcpy(pool + k, reps[r].samples, reps[r].n * sizeof(*pool));
		k += reps[r].n;
		x->rep_p50[r] = reps[r].p50;
		kept[r] = (double)reps[r].n;
		x->iterations += reps[r].ops;
		x->dropped += reps[r].dropped;
		cpu += reps[r].cpu_ns;
		bytes += (double)reps[r].kept_ops * (double)size;
	}
	if (kx_stats_compute(pool, total, &x->st)) {
		free(pool);
		return -1;
	}
	free(pool);
	x->st.p50 = kx_median(x->rep_p50, n);
	if (kx_boot_median_ci(x->rep_p50, n, &x->ci_low, &x->ci_high))
		return -1;
	x->cv = kx_cv(x->rep_p50, n);
	x->noisy = x->cv > KX_NOISY_CV;
	x->samples = kx_median(kept, n);
	x->cpu_ns_per_byte = bytes > 0 && !x->no_data ? cpu / bytes : NAN;
	for (int c = 0; c < KX_NR_COUNTERS; c++) {
		for (unsigned int r = 0; r < n; r++)
			col[r] = reps[r].counters[c];
		x->counters[c] = finite_median(col, n);
	}
	x->batch = reps[n - 1].batch;
	x->faults_per_op = reps[n - 1].faults_per_op;
	x->pmd_bytes = reps[n - 1].pmd_bytes;
	x->bytes_per_s = x->st.p50 > 0 ?
		(double)x->threads * (double)size * 1e9 / x->st.p50 : 0;
	for (unsigned int r = 0; r < n; r++)
		if (reps[r].sample_wall_ns > 0)
			overhead = fmax(overhead, 1.0 / reps[r].sample_wall_ns);
	x->overhead_frac = overhead;	/* times the overhead, by the caller */
	return 0;
}

void kx_result_free(struct kx_result *x)
{
	free(x->rep_p50);
	x->rep_p50 = NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From repetitions to points: a point's row (struct kx_result) from its
 * R repetitions (struct kx_rep).  Definitions (docs/benchmark-methods.md):
 *  - p50_ns: the median of the R repetition medians; p50_ci_*: its
 *    bootstrap 95% interval (stats.h, resampling the repetition medians);
 *    cv: their coefficient of variation, noisy above KX_NOISY_CV;
 *  - min, p90, p99, p999, max, mean, stddev, mad: of every kept sample of
 *    every repetition, pooled (p99/p999 only from enough samples);
 *  - samples: kept samples per repetition (median over repetitions);
 *    dropped: disturbed samples of all repetitions;
 *  - cpu_ns_per_byte: thread CPU time of the kept samples / the bytes
 *    they moved; counters: per operation, median over repetitions.
 */
#ifndef KX_RESULTS_H
#define KX_RESULTS_H

#include <stddef.h>

#include "runner.h"

/*
 * Fills x's statistics from reps[0..n) (n >= 1); the caller set the
 * naming fields.  Returns 0 or -1 (memory).
 */
int kx_result_from_reps(struct kx_result *x, const struct kx_rep *reps,
			unsigned int n, uint64_t size);
void kx_result_free(struct kx_result *x);

#endif

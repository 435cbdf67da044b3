/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The answer to "copy or mmap, by how much, where is the crossover",
 * computed once, here; the CSV and JSON carry it (columns pair, ratio,
 * ratio_ci_low, ratio_ci_high, verdict and the crossover metadata), and
 * the table, the report and the plots only format it.
 *
 * Pairs: the copy-path and the mmap-path method of the same transfer.  On
 * the mmap-path row of a pair, for the copy row of the same backing, size,
 * --consume, --cache and threads:
 *   ratio    = copy p50 / mmap p50 (> 1: the mmap path is faster), with
 *              the paired bootstrap 95% interval over the repetitions
 *              (stats.h: kx_boot_ratio_ci);
 *   verdict  = mmap when the whole interval is above 1, copy when it is
 *              below 1, tie when it contains 1.
 * Crossover of a pair's rows over size (one backing, page map, consume,
 * cache): the first size from which the ratio of the medians stays above
 * 1 up to the largest size, when the smallest size is not already above
 * 1: "between low and high" (the two neighbouring sizes).  agree counts
 * the repetitions whose own ratios (copy p50 / mmap p50 of that
 * repetition) cross at the same place.  No crossing (mmap faster at
 * every size, or not at the largest): low and high empty, agree none.
 */
#ifndef KX_VERDICT_H
#define KX_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "runner.h"

/* The partner of a pair member, NULL when name is in no pair. */
const char *kx_pair_partner(const char *name);
/* 1 when name is the mmap-path member of a pair. */
int kx_pair_is_mmap(const char *name);

/* tie, copy or mmap from a ratio interval (the rule above). */
const char *kx_verdict_of(double ratio_low, double ratio_high);

struct kx_crossover {
	const char *copy, *mmap, *direction, *consume, *backing, *page_map;
	const char *cache;
	int found;
	uint64_t low, high;
	unsigned int agree, reps;
};

/*
 * Index of the first of n ascending-size ratios from which all are above
 * 1, or n when there is no crossing (none above at the top, or all).
 */
size_t kx_cross_index(const double *ratio, size_t n);

/*
 * Fills pair, ratio, interval and verdict on the mmap rows of pairs, and
 * the crossovers (malloc()ed, *ncross of them).  Returns 0 or -1 (memory).
 */
int kx_verdicts(struct kx_result *r, size_t n, struct kx_crossover **cross,
		size_t *ncross);

/*
 * One crossover as its metadata line's value: "pair=write/mmap-write
 * direction=to_kernel consume=fill backing=vmalloc low=512 high=1024
 * agree=5/5" (then " page_map=base" and " cache=cold" when they are).
 */
void kx_crossover_line(const struct kx_crossover *c, char *buf, size_t len);

#endif

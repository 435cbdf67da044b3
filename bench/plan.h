/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plan: every measurement of a run as a flat list of points (method,
 * backing, page map, size, repetition), built here and only here, in the
 * order they run:
 *
 *   backing -> repetition -> size -> method group
 *
 * A method group is one method, or the two methods of a copy/mmap pair
 * (verdict.h) with every page map of the mmap one: they run adjacent in
 * time, in an order drawn from a seeded generator per group and
 * repetition, so that drift between the two is noise in the ratio, not
 * bias.  Points a method cannot run (its supported() hook) are left out
 * and listed in the metadata.
 */
#ifndef KX_PLAN_H
#define KX_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "method.h"

/* Backing of points that use no device. */
#define KX_NO_BACKING	UINT32_MAX

struct kx_point {
	const struct kx_method *m;
	uint32_t backing;		/* KXFER_BACKING_* or KX_NO_BACKING */
	uint32_t page_map;		/* KX_PAGEMAP_*; HUGE when n/a */
	uint64_t size;
	unsigned int rep;
	size_t result;			/* index of the point over repetitions */
};

struct kx_plan {
	struct kx_point *pts;
	size_t n;
	size_t nresults;		/* distinct points over repetitions */
	unsigned int repeats;
	char skipped[1024];		/* "method (why); ..." for the metadata */
};

struct kx_plan_in {
	const struct kx_method *const *methods;	/* selected, table order */
	size_t nmethods;
	const uint32_t *backings;	/* device backings to sweep */
	unsigned int nbackings;		/* 0: no device */
	const uint32_t *pagemaps;
	unsigned int npagemaps;
	const uint64_t *sizes;
	size_t nsizes;
	unsigned int repeats;
	uint64_t seed;
	/* Run-wide settings; backing, page_map, info.huge_size per point. */
	const struct kx_cfg *cfg;
	uint64_t pmd_size;		/* THP's PMD size, 0 without THP */
};

/*
 * Builds the plan.  Returns 0, or -1 when memory runs out.  A plan with
 * no points is valid; the caller says why that is a problem.
 */
int kx_plan_build(const struct kx_plan_in *in, struct kx_plan *plan);
void kx_plan_free(struct kx_plan *plan);

/* huge_size a buffer of this backing will report (ABI 4: shmem + THP). */
uint64_t kx_plan_huge_size(uint32_t backing, uint64_t pmd_size);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The answer to "copy or mmap, by how much, where is the crossover": per
 * size, which path has the lower median time, and the smallest size from
 * which the mmap path wins at every larger measured size.
 */
#ifndef KX_COMPARE_H
#define KX_COMPARE_H

#include <stdint.h>
#include <stdio.h>

#include "runner.h"

enum kx_winner { KX_WIN_TIE, KX_WIN_COPY, KX_WIN_MMAP };

/*
 * A difference no larger than the larger MAD (or 2% of the faster
 * median, whichever is more) is noise: a tie.
 */
enum kx_winner kx_winner(double copy_p50, double copy_mad, double mmap_p50,
			 double mmap_mad);

enum kx_cross_kind {
	KX_CROSS_MMAP_ALWAYS,	/* mmap wins at every size */
	KX_CROSS_COPY_ALWAYS,	/* mmap never wins */
	KX_CROSS_AT,		/* mmap wins from sizes[index] upward */
	KX_CROSS_NOT_AT_TOP,	/* mmap wins somewhere, but not at the top */
	KX_CROSS_ONLY_TOP,	/* mmap wins at the largest size alone */
};

struct kx_cross {
	enum kx_cross_kind kind;
	size_t index;		/* KX_CROSS_AT: first size of the mmap run */
	double estimate;	/* KX_CROSS_AT: size where mmap/copy = 1, or 0
				 * when the ratio is already below 1 at
				 * sizes[index - 1] (a tie there) */
};

/*
 * winners[i] for sizes[i], ascending; ratio[i] = mmap_p50 / copy_p50.  A
 * crossover needs at least two mmap wins in a row at the top, so that
 * one noisy point at the largest size is not reported as one.
 */
void kx_crossover(const uint64_t *sizes, const enum kx_winner *winners,
		  const double *ratio, size_t n, struct kx_cross *out);

/* The comparison section of the table output. */
void kx_write_comparisons(FILE *f, const struct kx_result *r, size_t n);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs a plan: switches the device buffer's backing where the plan does,
 * measures every point (runner.h), reports progress, and turns the
 * repetitions into one row per point (results.h).
 */
#ifndef KX_RUN_H
#define KX_RUN_H

#include <stdio.h>

#include "backing.h"
#include "meta.h"
#include "plan.h"
#include "runner.h"

struct kx_run_out {
	struct kx_result *res;		/* one per point that ran */
	size_t n;
	double max_overhead_frac;	/* worst sample bookkeeping share */
};

struct kx_run_in {
	const struct kx_plan *plan;
	struct kx_run_params *rp;
	struct kx_cfg *cfg;		/* backing, page_map set per point */
	struct kx_backing_state *bst;	/* fd < 0: no device */
	uint64_t need;			/* bytes a buffer of another backing gets */
	const char *cache;		/* "hot" or "cold" */
	double sample_overhead_ns;
	int progress_lines;		/* --progress: one line per point */
	int progress_tty;		/* redraw one line on a terminal */
	int verify;
};

/*
 * Returns 0, or -1 after printing what failed (a measurement, or
 * --verify); skipped backings are noted in meta.
 */
int kx_run_plan(const struct kx_run_in *in, struct kx_meta *meta,
		struct kx_run_out *out);
void kx_run_out_free(struct kx_run_out *out);

/* "progress: 12/140 points, 35 s elapsed, ~6 min left" */
void kx_progress_line(char *buf, size_t len, size_t done, size_t total,
		      double elapsed_s);

#endif

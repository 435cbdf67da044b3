/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Measures one (method, size) point: per thread, setup, optional verify,
 * a warm-up that also sizes the batches, then timed batches until the
 * minimum time and sample count are reached.  Threads start each phase
 * together (barrier) and work on disjoint page-aligned ranges.
 */
#ifndef KX_RUNNER_H
#define KX_RUNNER_H

#include "method.h"
#include "stats.h"

struct kx_run_params {
	const struct kx_cfg *cfg;
	double min_time_s;
	unsigned int min_samples;
	uint64_t target_ns;		/* shortest timed sample */
	unsigned int threads;
	const int *cpus;		/* per thread; -1: not pinned */
};

struct kx_result {
	const char *method, *path, *direction, *consume, *work;
	/*
	 * Set by the caller: KXFER_BACKING_*, KXFER_CACHE_* and KX_PAGEMAP_*
	 * names, or n/a
	 */
	const char *backing, *mapping, *page_map;
	uint64_t size;
	unsigned int threads;
	uint64_t iterations;		/* timed operations, all threads */
	uint64_t batch;			/* operations per sample (thread 0) */
	struct kx_stats st;		/* ns per operation */
	double bytes_per_s;		/* threads * size * 1e9 / p50 */
	double faults_per_op;		/* driver-counted, < 0 if unknown */
	/* PMD-mapped bytes of one mapping (pmdprobe.h), or KX_PMD_* */
	long long pmd_bytes;
	int no_data;			/* KXM_NO_DATA: throughput is moot */
};

/* Distance between two threads' ranges in the device buffer. */
uint64_t kx_thread_stride(uint64_t size, size_t page);

/* Returns 0, or -1 with "what failed" in err (method, size and thread). */
int kx_run_point(const struct kx_run_params *rp, const struct kx_method *m,
		 size_t size, struct kx_result *res, char *err,
		 size_t errlen);

#endif

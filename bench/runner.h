/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Measures one repetition of one (method, size) point: per thread, setup, optional verify,
 * a warm-up that also sizes the batches, then timed batches until the
 * minimum time and sample count are reached.  Threads start each phase
 * together (barrier) and work on disjoint page-aligned ranges.
 */
#ifndef KX_RUNNER_H
#define KX_RUNNER_H

#include "method.h"
#include "stats.h"

#include "perfctr.h"

/*
 * Sample hygiene (docs/benchmark-methods.md): a sample is disturbed, and
 * dropped, when the measuring thread was switched out involuntarily
 * during it (getrusage(RUSAGE_THREAD).ru_nivcsw moved) or ran on a CPU for
 * less than KX_DISTURB_CPU_FRACTION of its wall time
 * (CLOCK_THREAD_CPUTIME_ID): something else had the CPU.
 */
#define KX_DISTURB_CPU_FRACTION	0.9
/* Operations every warm-up runs at least, whatever the time. */
#define KX_WARMUP_MIN_OPS	3
/* Kept samples every point has at least, over all repetitions. */
#define KX_MIN_POINT_SAMPLES	30

struct kx_sample {
	uint64_t wall_ns, cpu_ns;
	long nivcsw;
};

/* 1 when a sample with these readings is kept. */
int kx_sample_ok(uint64_t wall_ns, uint64_t cpu_ns, long nivcsw);

/*
 * What the bookkeeping around one sample costs (getrusage, the thread
 * CPU clock and the clock, twice each): the runner makes every sample at
 * least KX_OVERHEAD_FACTOR times longer, so that it stays below 1% of
 * the measured time (metadata: sample_overhead_ns, tool_overhead_max_pct).
 */
double kx_sample_overhead_ns(void);
#define KX_OVERHEAD_FACTOR	120

struct kx_run_params {
	const struct kx_cfg *cfg;
	double min_time_s;		/* per repetition */
	unsigned int min_samples;	/* per repetition */
	uint64_t target_ns;		/* shortest timed sample */
	unsigned int threads;
	const int *cpus;		/* per thread; -1: not pinned */
	int counters;			/* open perf counters on thread 0 */
};

/* One repetition of one point. */
struct kx_rep {
	double *samples;		/* kept, ns per operation; malloc()ed */
	size_t n;
	double p50;			/* median of samples */
	double sample_wall_ns;		/* median batch time of kept samples */
	uint64_t ops, kept_ops, batch, dropped;
	double cpu_ns;			/* thread CPU time of kept samples */
	double counters[KX_NR_COUNTERS];	/* per op; NAN: unavailable */
	double faults_per_op;		/* driver-counted, < 0 if unknown */
	long long pmd_bytes;		/* pmdprobe.h */
};

/* One point (method, backing, page map, size) over all repetitions. */
struct kx_result {
	const char *method, *path, *direction, *consume, *work;
	/* KXFER_BACKING_* name, the mapping it gives, KX_PAGEMAP_*, or n/a */
	const char *backing, *mapping, *page_map;
	const char *cache;		/* hot or cold */
	uint64_t size;
	unsigned int threads;
	uint64_t iterations;		/* timed operations, all repetitions */
	uint64_t batch;			/* operations per sample (thread 0) */
	/*
	 * ns per operation: p50 is the median of the repetition medians,
	 * the rest from the kept samples of all repetitions pooled.
	 */
	struct kx_stats st;
	double bytes_per_s;		/* threads * size * 1e9 / p50 */
	double faults_per_op;		/* driver-counted, < 0 if unknown */
	long long pmd_bytes;		/* pmdprobe.h */
	int no_data;			/* KXM_NO_DATA: throughput is moot */

	unsigned int repeats;
	double *rep_p50;		/* [repeats]; malloc()ed */
	double samples;			/* kept per repetition, median */
	uint64_t dropped;
	double ci_low, ci_high;		/* bootstrap 95% of p50 */
	double cv;			/* of the repetition medians */
	int noisy;			/* cv > KX_NOISY_CV */
	double cpu_ns_per_byte;		/* NAN when no bytes move */
	double counters[KX_NR_COUNTERS];	/* per op, NAN: unavailable */
	double overhead_frac;		/* sample bookkeeping / sample time */

	/* Set by kx_verdicts() on the mmap-path row of a pair, else NULL. */
	const char *pair;
	double ratio, ratio_low, ratio_high;
	const char *verdict;
};

/* Between-repetition CV above which a point is flagged noisy. */
#define KX_NOISY_CV	0.03

/* Distance between two threads' ranges in the device buffer. */
uint64_t kx_thread_stride(uint64_t size, size_t page);
/* --cache cold rotation slots of a point (1: hot, or no rotation). */
unsigned int kx_point_slots(const struct kx_cfg *cfg,
			    const struct kx_method *m, uint64_t size);
/* Device bytes one point of size uses with every thread's range. */
uint64_t kx_point_need(const struct kx_cfg *cfg, uint64_t size,
		       unsigned int threads);

/*
 * One repetition of one point into rep (rep->samples to free).  Returns
 * 0, or -1 with "what failed" in err (method, size and thread).
 */
int kx_run_point(const struct kx_run_params *rp, const struct kx_method *m,
		 size_t size, struct kx_rep *rep, char *err, size_t errlen);

#endif

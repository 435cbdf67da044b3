/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hardware and software counters of the measuring thread through
 * perf_event_open(): cycles, instructions, page faults, dTLB load misses
 * and last-level-cache misses, counted as one group over the whole
 * measuring phase of a repetition (every timed sample and the few
 * syscalls of bookkeeping between them, < 1% of the time; no ioctl per
 * sample) and divided by its operations.  Counters the machine lacks (no
 * PMU in a TCG guest, perf_event_paranoid, no such event) stay closed and
 * their columns empty; kx_perf_status() says why.
 */
#ifndef KX_PERFCTR_H
#define KX_PERFCTR_H

#include <stddef.h>
#include <stdint.h>

enum kx_counter {
	KX_CTR_CYCLES,
	KX_CTR_INSTRUCTIONS,
	KX_CTR_PAGE_FAULTS,
	KX_CTR_DTLB_MISSES,
	KX_CTR_LLC_MISSES,
	KX_NR_COUNTERS,
};

struct kx_perf {
	int fd[KX_NR_COUNTERS];		/* -1: not counting */
	int leader;			/* fd of the group leader, -1: none */
	int slot[KX_NR_COUNTERS];	/* position in the group read */
	int n;				/* counters in the group */
	uint64_t total[KX_NR_COUNTERS];
	long faults0;			/* getrusage() faults at start, -1: none */
	int faults_ok;			/* total[KX_CTR_PAGE_FAULTS] is valid */
};

/* CSV column name of a counter ("cycles", ..., "llc_misses"). */
const char *kx_counter_name(enum kx_counter c);

/* Opens what this thread can count; never fails (fds stay -1). */
void kx_perf_open(struct kx_perf *p);
/* Around run(): cheap (one ioctl each) when anything is open. */
void kx_perf_start(struct kx_perf *p);
void kx_perf_stop(struct kx_perf *p);
void kx_perf_close(struct kx_perf *p);
/* Whether total[c] holds a count after kx_perf_close(). */
int kx_perf_counted(const struct kx_perf *p, enum kx_counter c);

/*
 * Probes the counters once (in the calling thread) and describes them for
 * the metadata: which count, user+kernel or user only, and why the others
 * do not.
 */
void kx_perf_status(char *buf, size_t len);

#endif

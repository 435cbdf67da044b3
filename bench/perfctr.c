// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "perfctr.h"

#define CACHE_MISS(cache) \
	((cache) | (PERF_COUNT_HW_CACHE_OP_READ << 8) | \
	 (PERF_COUNT_HW_CACHE_RESULT_MISS << 16))

static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} events[KX_NR_COUNTERS] = {
	[KX_CTR_CYCLES] = { "cycles", PERF_TYPE_HARDWARE,
			    PERF_COUNT_HW_CPU_CYCLES },
	[KX_CTR_INSTRUCTIONS] = { "instructions", PERF_TYPE_HARDWARE,
				  PERF_COUNT_HW_INSTRUCTIONS },
	[KX_CTR_PAGE_FAULTS] = { "page_faults", PERF_TYPE_SOFTWARE,
				 PERF_COUNT_SW_PAGE_FAULTS },
	[KX_CTR_DTLB_MISSES] = { "dtlb_misses", PERF_TYPE_HW_CACHE,
				 CACHE_MISS(PERF_COUNT_HW_CACHE_DTLB) },
	[KX_CTR_LLC_MISSES] = { "llc_misses", PERF_TYPE_HW_CACHE,
				CACHE_MISS(PERF_COUNT_HW_CACHE_LL) },
};

const char *kx_counter_name(enum kx_counter c)
{
	return events[c].name;
}

static int open_one(enum kx_counter c, int group, int user_only)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = events[c].type;
	a.config = events[c].config;
	a.disabled = group < 0;
	a.exclude_kernel = user_only;
	a.exclude_hv = 1;
	a.read_format = PERF_FORMAT_GROUP;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, group,
			    PERF_FLAG_FD_CLOEXEC);
}

/*
 * Page faults come from getrusage(RUSAGE_THREAD), not from a perf software
 * event: where no PMU exists (QEMU TCG guests) that event would be the
 * only perf event, and opening, disabling and closing one per point trips
 * a WARN in the 6.1 arm64 kernel's perf core (event_function()), which the
 * guest runner rightly counts as a failure.  The thread's fault count is
 * the same number without perf.
 */
static long thread_faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return -1;
	return ru.ru_minflt + ru.ru_majflt;
}

int kx_perf_counted(const struct kx_perf *p, enum kx_counter c)
{
	return c == KX_CTR_PAGE_FAULTS ? p->faults_ok : p->fd[c] >= 0;
}

/* Kernel work is most of a transfer: count it unless not allowed to. */
static int user_only_needed(void)
{
	int fd = open_one(KX_CTR_CYCLES, -1, 0);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EACCES || errno == EPERM;
}

static void open_all(struct kx_perf *p, int user_only, int *err)
{
	memset(p, 0, sizeof(*p));
	p->leader = -1;
	p->faults0 = -1;
	for (int c = 0; c < KX_NR_COUNTERS; c++) {
		if (c == KX_CTR_PAGE_FAULTS) {
			p->fd[c] = -1;	/* getrusage(), see thread_faults() */
			err[c] = 0;
			continue;
		}
		p->fd[c] = open_one(c, p->leader, user_only);
		err[c] = p->fd[c] < 0 ? errno : 0;
		if (p->fd[c] < 0)
			continue;
		if (p->leader < 0)
			p->leader = p->fd[c];
		p->slot[c] = p->n++;
	}
}

void kx_perf_open(struct kx_perf *p)
{
	int err[KX_NR_COUNTERS];

	open_all(p, user_only_needed(), err);
}

void kx_perf_start(struct kx_perf *p)
{
	if (p->leader >= 0)
		ioctl(p->leader, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
	p->faults0 = thread_faults();
}

void kx_perf_stop(struct kx_perf *p)
{
	long now = thread_faults();

	if (p->leader >= 0)
		ioctl(p->leader, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
	if (p->faults0 >= 0 && now >= p->faults0) {
		p->total[KX_CTR_PAGE_FAULTS] = (uint64_t)(now - p->faults0);
		p->faults_ok = 1;
	}
	p->faults0 = -1;
}

void kx_perf_close(struct kx_perf *p)
{
	uint64_t buf[1 + KX_NR_COUNTERS];

	if (p->leader >= 0 &&
	    read(p->leader, buf, sizeof(buf)) >= (ssize_t)sizeof(uint64_t))
		for (int c = 0; c < KX_NR_COUNTERS; c++)
			if (p->fd[c] >= 0 && p->slot[c] < (int)buf[0])
				p->total[c] = buf[1 + p->slot[c]];
	for (int c = KX_NR_COUNTERS - 1; c >= 0; c--)
		if (p->fd[c] >= 0)
			close(p->fd[c]);
	p->leader = -1;
}

static const char *why(int e)
{
	switch (e) {
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		return "no such event (no hardware PMU here: a VM without a virtual PMU, or an emulated CPU such as QEMU TCG)";
	case EACCES:
	case EPERM:
		return "not permitted (kernel.perf_event_paranoid; run as root or lower it)";
	case ENOSYS:
		return "no perf_event_open (CONFIG_PERF_EVENTS off)";
	default:
		return strerror(e);
	}
}

void kx_perf_status(char *buf, size_t len)
{
	int err[KX_NR_COUNTERS], user_only = user_only_needed();
	struct kx_perf p;
	size_t w = 0;

	open_all(&p, user_only, err);
	w += snprintf(buf + w, len - w, "per operation, thread 0, %s;",
		      user_only ? "user space only (kernel work not counted: perf_event_paranoid)" :
		      "user and kernel");
	for (int c = 0; c < KX_NR_COUNTERS && w < len; c++)
		w += snprintf(buf + w, len - w, " %s: %s;", events[c].name,
			      c == KX_CTR_PAGE_FAULTS ? "yes (getrusage)" :
			      p.fd[c] >= 0 ? "yes" : why(err[c]));
	kx_perf_close(&p);
}

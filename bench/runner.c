// SPDX-License-Identifier: GPL-2.0
/*
 * Timing discipline (after lmbench): the clock is read only around whole
 * batches that last at least target_ns (>= 1000x the clock's cost), the
 * per-operation time is batch time / batch size, and a warm-up at the
 * final batch size precedes every measurement, so caches, TLB, branch
 * predictors and the CPU's frequency have settled.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "attrs.h"
#include "buffers.h"
#include "device.h"
#include "perfctr.h"
#include "pmdprobe.h"
#include "runner.h"
#include "timing.h"

/* Seeds of the patterns --verify moves; any two distinct values do. */
#define VERIFY_SEED_A	0x6b786672U
#define VERIFY_SEED_B	0x13579bdfU
#define FILL_SEED_BASE	0x5eed0000U

struct point;

struct worker {
	struct point *pt;
	struct kx_ctx ctx;
	int cpu;
	double *samples;		/* kept samples, ns per operation */
	double *walls;			/* their batch times, ns */
	size_t nsamples, cap;
	uint64_t ops, batch;		/* ops: all timed, kept or not */
	uint64_t dropped;		/* disturbed samples (sample_ok()) */
	double cpu_ns;			/* thread CPU time of the kept ones */
	uint64_t kept_ops;
	struct kx_perf perf;		/* thread 0 only */
	/* --cache cold: slot 0's buffers, and the next slot to use */
	unsigned char *ubuf0, *ubuf20, *xbuf0, *map0;
	uint64_t dev0;
	unsigned int next_slot;
	pthread_t tid;
};

struct point {
	const struct kx_run_params *rp;
	const struct kx_method *m;
	pthread_barrier_t bar;
	int abort;			/* atomic: a thread failed */
	struct worker *w;
	/* Threads wait here until all exist (or creating one failed). */
	pthread_mutex_t gate_lock;
	pthread_cond_t gate_cond;
	int gate;			/* 0 wait, 1 go, -1 give up */
	unsigned int done;		/* atomic: threads with enough samples */
	int count_faults;
	double faults0, faults1;	/* driver fault counter around timing */
};

uint64_t kx_thread_stride(uint64_t size, size_t page)
{
	/* Page aligned: own pages, no shared cache lines, mappable. */
	return (size + page - 1) / page * page;
}

unsigned int kx_point_slots(const struct kx_cfg *cfg,
			    const struct kx_method *m, uint64_t size)
{
	/* Methods with prepare() map afresh per operation: no rotation. */
	if (!cfg->cold_llc || (m && m->prepare))
		return 1;
	return kx_cold_slots(size, cfg->page_size, cfg->cold_llc);
}

uint64_t kx_point_need(const struct kx_cfg *cfg, uint64_t size,
		       unsigned int threads)
{
	uint64_t stride = kx_thread_stride(size, cfg->page_size);
	unsigned int slots = kx_point_slots(cfg, NULL, size);

	if (slots > 1)
		return (uint64_t)threads * slots * stride;
	return (threads - 1) * stride + size;
}

static void set_abort(struct point *pt)
{
	__atomic_store_n(&pt->abort, 1, __ATOMIC_RELAXED);
}

static int aborted(struct point *pt)
{
	return __atomic_load_n(&pt->abort, __ATOMIC_RELAXED);
}

/*
 * Every thread passes every sync, failed or not, and all of them return
 * the same verdict: abort is only set during phase work, never between
 * the two barriers, so a thread that fails early in the next phase cannot
 * make a slower one skip this sync and leave the others waiting forever.
 */
static int sync_phase(struct point *pt)
{
	int stop;

	if (pt->rp->threads == 1)
		return aborted(pt);
	pthread_barrier_wait(&pt->bar);
	stop = aborted(pt);
	pthread_barrier_wait(&pt->bar);
	return stop;
}

static int push_sample(struct worker *w, double ns, double wall)
{
	if (w->nsamples == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		double *s = realloc(w->samples, cap * sizeof(*s));
		double *t;

		if (!s)
			return kx_fail(&w->ctx, "out of memory for samples");
		w->samples = s;
		t = realloc(w->walls, cap * sizeof(*t));
		if (!t)
			return kx_fail(&w->ctx, "out of memory for samples");
		w->walls = t;
		w->cap = cap;
	}
	w->samples[w->nsamples] = ns;
	w->walls[w->nsamples++] = wall;
	return 0;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static long involuntary_switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return 0;
	return ru.ru_nivcsw;
}

int kx_sample_ok(uint64_t wall_ns, uint64_t cpu_ns, long nivcsw)
{
	return nivcsw == 0 &&
	       (double)cpu_ns >= KX_DISTURB_CPU_FRACTION * (double)wall_ns;
}

/* Points the buffers of the context at slot s (--cache cold). */
static void select_slot(struct worker *w, unsigned int s)
{
	struct kx_ctx *c = &w->ctx;
	size_t off = (size_t)s * kx_thread_stride(c->size,
						   c->cfg->page_size);

	c->ubuf = w->ubuf0 ? w->ubuf0 + off : NULL;
	c->ubuf2 = w->ubuf20 ? w->ubuf20 + off : NULL;
	c->xbuf = w->xbuf0 ? w->xbuf0 + off : NULL;
	c->map = w->map0 ? w->map0 + off : NULL;
	c->dev_off = w->dev0 + off;
	c->file_off = off;
}

/* n operations, each on the next slot's buffers. */
static int run_rotating(struct worker *w, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		select_slot(w, w->next_slot);
		w->next_slot = (w->next_slot + 1) % w->ctx.slots;
		if (w->pt->m->run(&w->ctx, 1))
			return -1;
	}
	return 0;
}

/*
 * The bookkeeping around every sample: the thread's involuntary context
 * switches and CPU time before and after (outside the clock reads), the
 * counters started and stopped.  Only run() is inside the clock reads.
 */
static int timed_batch(struct worker *w, uint64_t n, struct kx_sample *s)
{
	const struct kx_method *m = w->pt->m;
	uint64_t t0, t1, c0, c1;
	long v0, v1;

	if (m->prepare && m->prepare(&w->ctx, n))
		return -1;
	v0 = involuntary_switches();
	c0 = thread_cpu_ns();
	t0 = kx_now_ns();
	if (w->ctx.slots > 1 ? run_rotating(w, n) : m->run(&w->ctx, n))
		return -1;
	t1 = kx_now_ns();
	if (w->ctx.slots > 1)
		select_slot(w, 0);
	c1 = thread_cpu_ns();
	v1 = involuntary_switches();
	if (m->finish && m->finish(&w->ctx, n))
		return -1;
	s->wall_ns = t1 - t0;
	s->cpu_ns = c1 - c0;
	s->nivcsw = v1 - v0;
	return 0;
}

double kx_sample_overhead_ns(void)
{
	uint64_t t0, best = UINT64_MAX;
	volatile uint64_t sink = 0;

	for (int r = 0; r < 11; r++) {
		t0 = kx_now_ns();
		for (int i = 0; i < 100; i++) {
			sink += (uint64_t)involuntary_switches();
			sink += thread_cpu_ns();
			sink += kx_now_ns();
			sink += kx_now_ns();
			sink += thread_cpu_ns();
			sink += (uint64_t)involuntary_switches();
		}
		if (kx_now_ns() - t0 < best)
			best = kx_now_ns() - t0;
	}
	(void)sink;
	return (double)best / 100.0;
}

static uint64_t grow_batch(uint64_t batch, uint64_t ns, uint64_t target,
			   uint64_t max)
{
	uint64_t next;

	if (!ns)
		next = batch * 10;
	else
		/* Aim 25% past the target; at most 10x per step. */
		next = (uint64_t)((double)batch * 1.25 * (double)target /
				  (double)ns) + 1;
	if (next > batch * 10)
		next = batch * 10;
	if (next <= batch)
		next = batch + 1;
	if (max && next > max)
		next = max;
	return next;
}

/*
 * Warm-up: double the batch (roughly) until one batch lasts target_ns,
 * then keep running at that size until a quarter of min_time has passed.
 */
static int warm_up(struct worker *w)
{
	const struct kx_run_params *rp = w->pt->rp;
	uint64_t max = w->pt->m->max_batch;
	uint64_t warm_ns = (uint64_t)(rp->min_time_s * 0.25 * 1e9);
	uint64_t start = kx_now_ns(), ops = 0;
	uint64_t batch = 1;
	struct kx_sample s;
	int in_row = 0;

	for (;;) {
		int sized;

		if (aborted(w->pt))
			return -1;
		if (timed_batch(w, batch, &s))
			return -1;
		ops += batch;
		sized = s.wall_ns >= rp->target_ns || (max && batch >= max);
		if (!sized) {
			batch = grow_batch(batch, s.wall_ns, rp->target_ns,
					   max);
			in_row = 0;
			continue;
		}
		/*
		 * Two long enough batches in a row: one batch stretched by
		 * a preemption (a descheduled VM) must not fix a batch
		 * size whose samples are mostly bookkeeping.
		 */
		if (++in_row >= 2 && kx_now_ns() - start >= warm_ns &&
		    ops >= KX_WARMUP_MIN_OPS)
			break;
	}
	w->batch = batch;
	return 0;
}

/*
 * Timed samples until this thread has min_time of *measured* time (time
 * lost outside the samples, e.g. to a preempted VM, does not count) and
 * min_samples samples.  Threads go on until all of them are done, so
 * that every sample is taken with all threads running.
 */
static int measure(struct worker *w)
{
	const struct kx_run_params *rp = w->pt->rp;
	uint64_t want_ns = (uint64_t)(rp->min_time_s * 1e9);
	uint64_t timed = 0, tries = 0;
	uint64_t give_up = 10ULL * rp->min_samples + 100;
	struct kx_sample s;
	int counted = 0;

	while (!aborted(w->pt) &&
	       __atomic_load_n(&w->pt->done, __ATOMIC_RELAXED) <
	       rp->threads) {
		if (timed_batch(w, w->batch, &s))
			return -1;
		w->ops += w->batch;
		tries++;
		/*
		 * A machine that disturbs nearly every sample still ends:
		 * after give_up tries the disturbed samples are kept (and
		 * not counted as dropped), so the point has its samples.
		 */
		if (!kx_sample_ok(s.wall_ns, s.cpu_ns, s.nivcsw) &&
		    tries < give_up) {
			w->dropped++;
			continue;
		}
		if (push_sample(w, (double)s.wall_ns / (double)w->batch,
				(double)s.wall_ns))
			return -1;
		w->cpu_ns += (double)s.cpu_ns;
		w->kept_ops += w->batch;
		timed += s.wall_ns;
		if (!counted && timed >= want_ns &&
		    w->nsamples >= rp->min_samples) {
			counted = 1;
			__atomic_add_fetch(&w->pt->done, 1, __ATOMIC_RELAXED);
		}
	}
	return 0;
}

static int pin(struct worker *w)
{
	cpu_set_t set;

	if (w->cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return kx_fail(&w->ctx, "cannot pin to cpu %d: %s", w->cpu,
			       strerror(errno));
	return 0;
}

static int open_fds(struct worker *w)
{
	struct kx_ctx *c = &w->ctx;
	const struct kx_cfg *cfg = c->cfg;
	int ret;

	c->fd = open(cfg->device, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return kx_fail(c, "%s: %s", cfg->device, strerror(errno));
	ret = kx_dev_set_mode(c->fd, cfg->work, c->fill_seed);
	if (ret)
		return kx_fail(c, "KXFER_IOC_SET_MODE work=%s: %s",
			       kx_work_name(cfg->work), strerror(-ret));
	if (!cfg->verify)
		return 0;
	c->vfd = open(cfg->device, O_RDWR | O_CLOEXEC);
	if (c->vfd < 0)
		return kx_fail(c, "%s: %s", cfg->device, strerror(errno));
	ret = kx_dev_set_mode(c->vfd, KXFER_WORK_NONE, 0);
	if (ret)
		return kx_fail(c, "KXFER_IOC_SET_MODE: %s", strerror(-ret));
	return 0;
}

static int do_verify(struct worker *w, uint32_t seed, const char *when)
{
	struct kx_ctx *c = &w->ctx;
	char prefix[64];
	size_t pre;

	if (!w->pt->m->verify(c, seed))
		return 0;
	/* Prefix the method's message with when it failed. */
	pre = (size_t)snprintf(prefix, sizeof(prefix), "verify %s: ", when);
	memmove(c->err + pre, c->err, sizeof(c->err) - pre - 1);
	memcpy(c->err, prefix, pre);
	c->err[sizeof(c->err) - 1] = '\0';
	return -1;
}

static int wait_gate(struct point *pt)
{
	int gate;

	if (pt->rp->threads == 1)
		return 1;
	pthread_mutex_lock(&pt->gate_lock);
	while (!pt->gate)
		pthread_cond_wait(&pt->gate_cond, &pt->gate_lock);
	gate = pt->gate;
	pthread_mutex_unlock(&pt->gate_lock);
	return gate > 0;
}

static void open_gate(struct point *pt, int go)
{
	pthread_mutex_lock(&pt->gate_lock);
	pt->gate = go ? 1 : -1;
	pthread_cond_broadcast(&pt->gate_cond);
	pthread_mutex_unlock(&pt->gate_lock);
}

/* Driver-counted page faults so far, or -1 when there are no stats. */
static double fault_count(const struct kx_cfg *cfg)
{
	struct kxfer_stats st;
	double n = -1;
	int fd;

	if (!cfg->have_device || !(cfg->info.features & KXFER_FEAT_STATS))
		return -1;
	fd = open(cfg->device, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!ioctl(fd, KXFER_IOC_GET_STATS, &st))
		n = (double)st.calls[KXFER_PATH_FAULT];
	close(fd);
	return n;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct point *pt = w->pt;
	const struct kx_method *m = pt->m;
	struct kx_ctx *c = &w->ctx;
	int verify = c->cfg->verify;
	int ok;

	if (!wait_gate(pt))
		return NULL;
	ok = !pin(w) &&
	     (!(m->flags & KXM_DEVICE) || !open_fds(w)) &&
	     !m->setup(c);
	if (!ok)
		set_abort(pt);
	w->ubuf0 = c->ubuf;
	w->ubuf20 = c->ubuf2;
	w->xbuf0 = c->xbuf;
	w->map0 = c->map;
	w->dev0 = c->dev_off;
	if (sync_phase(pt))
		return NULL;

	if (verify && (do_verify(w, VERIFY_SEED_A, "before timing") ||
		       do_verify(w, VERIFY_SEED_B, "before timing")))
		set_abort(pt);
	if (sync_phase(pt))
		return NULL;

	if (warm_up(w))
		set_abort(pt);
	if (sync_phase(pt))
		return NULL;

	/* Only timed batches run between the two counter reads. */
	if (pt->count_faults && !w->ctx.thread)
		pt->faults0 = fault_count(c->cfg);
	/* Counted over the whole measuring phase (perfctr.h). */
	if (!w->ctx.thread && pt->rp->counters) {
		kx_perf_open(&w->perf);
		kx_perf_start(&w->perf);
	}
	if (sync_phase(pt))
		return NULL;
	if (measure(w))
		set_abort(pt);
	if (sync_phase(pt))
		return NULL;
	if (pt->count_faults && !w->ctx.thread)
		pt->faults1 = fault_count(c->cfg);
	kx_perf_stop(&w->perf);
	kx_perf_close(&w->perf);
	/* The verification's own faults must not reach faults1. */
	if (sync_phase(pt))
		return NULL;

	/* Catches threads that wrote outside their own range meanwhile. */
	if (verify && do_verify(w, VERIFY_SEED_A ^ VERIFY_SEED_B,
				"after timing"))
		set_abort(pt);
	return NULL;
}

static void worker_cleanup(struct worker *w)
{
	struct kx_ctx *c = &w->ctx;

	if (c->slots > 1)
		select_slot(w, 0);
	if (w->pt->m->teardown)
		w->pt->m->teardown(c);
	kx_buf_free(c->ubuf, c->ubuf_len);
	kx_buf_free(c->ubuf2, c->ubuf_len);
	kx_buf_free(c->xbuf, c->span);
	c->xbuf = NULL;
	kx_unmap_range(c, &c->kept);
	for (int i = 0; i < 2; i++)
		if (c->aux_fd[i] >= 0)
			close(c->aux_fd[i]);
	if (c->fd >= 0)
		close(c->fd);
	if (c->vfd >= 0)
		close(c->vfd);
	free(w->samples);
	free(w->walls);
}

/* The repetition's numbers from every thread's kept samples. */
static int summarise(struct point *pt, struct kx_rep *rep)
{
	const struct kx_run_params *rp = pt->rp;
	size_t total = 0, k = 0;
	double *walls;

	for (unsigned int t = 0; t < rp->threads; t++)
		total += pt->w[t].nsamples;
	memset(rep, 0, sizeof(*rep));
	rep->samples = malloc((total ? total : 1) * sizeof(double));
	walls = malloc((total ? total : 1) * sizeof(double));
	if (!rep->samples || !walls) {
		free(walls);
		return -1;
	}
	for (unsigned int t = 0; t < rp->threads; t++) {
		const struct worker *w = &pt->w[t];

		memcpy(rep->samples + k, w->samples,
		       w->nsamples * sizeof(double));
		memcpy(walls + k, w->walls, w->nsamples * sizeof(double));
		k += w->nsamples;
		rep->ops += w->ops;
		rep->kept_ops += w->kept_ops;
		rep->dropped += w->dropped;
		rep->cpu_ns += w->cpu_ns;
	}
	rep->n = total;
	if (!total) {
		free(walls);
		return -1;
	}
	rep->p50 = kx_median(rep->samples, total);
	rep->sample_wall_ns = kx_median(walls, total);
	free(walls);
	rep->batch = pt->w[0].batch;
	for (int c = 0; c < KX_NR_COUNTERS; c++)
		rep->counters[c] = kx_perf_counted(&pt->w[0].perf, c) &&
				   pt->w[0].ops ?
			(double)pt->w[0].perf.total[c] /
			(double)pt->w[0].ops : NAN;
	rep->faults_per_op = -1;
	rep->pmd_bytes = KX_PMD_NA;
	return 0;
}

int kx_run_point(const struct kx_run_params *rp, const struct kx_method *m,
		 size_t size, struct kx_rep *res, char *err, size_t errlen)
{
	struct point pt = {
		.rp = rp, .m = m, .faults0 = -1, .faults1 = -1,
		/* shmem's own fault handler serves those mappings. */
		.count_faults = m->dir == KX_DIR_SETUP &&
				rp->cfg->backing != KXFER_BACKING_SHMEM,
	};
	const struct kx_cfg *cfg = rp->cfg;
	uint64_t stride = kx_thread_stride(size, cfg->page_size);
	unsigned int slots = kx_point_slots(cfg, m, size);
	unsigned int started = 0;
	long long pmd_bytes = KX_PMD_NA;
	int ret = -1;

	/* Untimed, before anything else maps: what the kernel really did. */
	if ((m->flags & KXM_MMAP) && cfg->have_device &&
	    kx_probe_pmd(cfg, size, &pmd_bytes, err, errlen)) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s, size %zu: %s", m->name, size, why);
		return -1;
	}
	pt.w = calloc(rp->threads, sizeof(*pt.w));
	if (!pt.w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned int t = 0; t < rp->threads; t++) {
		struct worker *w = &pt.w[t];

		w->pt = &pt;
		w->cpu = rp->cpus[t];
		w->ctx.cfg = cfg;
		w->ctx.m = m;
		w->ctx.size = size;
		w->ctx.thread = t;
		w->ctx.consume = m->flags & KXM_CONSUME ? cfg->consume :
							   KX_CONSUME_NONE;
		w->ctx.slots = slots;
		w->ctx.span = slots > 1 ? slots * stride : size;
		w->ctx.dev_off = (m->flags & KXM_DEVICE) ?
				 t * (slots > 1 ? w->ctx.span : stride) : 0;
		w->ctx.fd = w->ctx.vfd = -1;
		w->ctx.aux_fd[0] = w->ctx.aux_fd[1] = -1;
		w->ctx.fill_seed = FILL_SEED_BASE + t;
		w->perf.leader = -1;
		for (int c = 0; c < KX_NR_COUNTERS; c++)
			w->perf.fd[c] = -1;
	}

	if (rp->threads == 1) {
		worker_main(&pt.w[0]);
	} else {
		pthread_barrier_init(&pt.bar, NULL, rp->threads);
		pthread_mutex_init(&pt.gate_lock, NULL);
		pthread_cond_init(&pt.gate_cond, NULL);
		for (started = 0; started < rp->threads; started++)
			if (pthread_create(&pt.w[started].tid, NULL,
					   worker_main, &pt.w[started]))
				break;
		open_gate(&pt, started == rp->threads);
		for (unsigned int t = 0; t < started; t++)
			pthread_join(pt.w[t].tid, NULL);
		pthread_barrier_destroy(&pt.bar);
		pthread_mutex_destroy(&pt.gate_lock);
		pthread_cond_destroy(&pt.gate_cond);
		if (started < rp->threads) {
			snprintf(err, errlen, "cannot start %u threads: %s",
				 rp->threads, strerror(EAGAIN));
			goto out;
		}
	}

	if (aborted(&pt)) {
		for (unsigned int t = 0; t < rp->threads; t++)
			if (pt.w[t].ctx.err[0]) {
				snprintf(err, errlen,
					 "%s, size %zu, thread %u: %s",
					 m->name, size, t, pt.w[t].ctx.err);
				break;
			}
		goto out;
	}
	if (summarise(&pt, res)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (pt.faults0 >= 0 && pt.faults1 >= pt.faults0 && res->ops)
		res->faults_per_op = (pt.faults1 - pt.faults0) /
				     (double)res->ops;
	res->pmd_bytes = pmd_bytes;
	ret = 0;
out:
	for (unsigned int t = 0; t < rp->threads; t++)
		worker_cleanup(&pt.w[t]);
	free(pt.w);
	return ret;
}

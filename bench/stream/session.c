// SPDX-License-Identifier: GPL-2.0
/*
 * One measured point: start the stream, let it run for the warm-up, then
 * measure the method's loop for a fixed interval between two reads of the
 * device's counters and of the consumer thread's CPU clock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kx_stream.h"
#include "stats.h"
#include "stream.h"
#include "timing.h"

#define ST_DEFAULT_DEPTH	64u

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const char *st_direction_name(const struct st_method *m)
{
	if (!m->device)
		return "user";
	return m->direction == KXFER_STREAM_CAPTURE ? "capture" : "sink";
}

void st_got_block(struct st_sess *s, const void *blk)
{
	const struct kxfer_stream_hdr *h = blk;
	uint64_t now = kx_now_ns();

	if (s->recording) {
		if (s->nlat < s->lat_cap)
			s->lat_ns[s->nlat++] = (double)(now - h->time_ns);
		if (h->seq > s->next_seq)
			s->gaps += h->seq - s->next_seq;
		s->blocks++;
		if (s->cfg->verify && s->fd >= 0 &&
		    kx_stream_check(blk, s->cfg->block_size) != KX_BLOCK_OK)
			s->bad++;
	}
	s->next_seq = h->seq + 1;
}

void st_fill_block(struct st_sess *s, void *blk)
{
	kx_stream_fill(blk, s->cfg->block_size, s->next_seq++);
	if (s->recording)
		s->blocks++;
}

/* Blocks that fit the buffer, with the largest stride any kernel uses. */
static uint32_t pick_depth(const struct st_cfg *cfg, uint64_t buf_size)
{
	uint64_t stride = (cfg->block_size + 255) & ~255ULL;
	uint64_t fit = buf_size / stride;

	if (cfg->depth)
		return cfg->depth;
	return fit < ST_DEFAULT_DEPTH ? (uint32_t)fit : ST_DEFAULT_DEPTH;
}

static int open_stream(const struct st_method *m, const struct st_cfg *cfg,
		       struct st_sess *s)
{
	struct kxfer_stream_start req = {
		.direction = m->direction, .interface = m->interface,
		.block_size = cfg->block_size, .rate_hz = cfg->rate_hz,
	};
	struct kxfer_info info;

	s->fd = open(cfg->dev, O_RDWR | O_CLOEXEC);
	if (s->fd < 0) {
		fprintf(stderr, "kxfer-bench: cannot open %s: %s (is kxfer.ko loaded?)\n",
			cfg->dev, strerror(errno));
		return ST_NO_DEVICE;
	}
	if (ioctl(s->fd, KXFER_IOC_INFO, &info) ||
	    !(info.features & KXFER_FEAT_STREAM)) {
		fprintf(stderr, "kxfer-bench: %s has no streaming (KXFER_FEAT_STREAM): load a kxfer.ko of ABI %d\n",
			cfg->dev, KXFER_ABI_VERSION);
		return ST_NO_DEVICE;
	}
	req.depth = pick_depth(cfg, info.buf_size);
	if (req.depth < KXFER_STREAM_MIN_DEPTH) {
		fprintf(stderr, "kxfer-bench: a %llu-byte buffer holds fewer than 2 blocks of %u bytes: load kxfer.ko with a larger buf_size\n",
			(unsigned long long)info.buf_size, cfg->block_size);
		return ST_NO_DEVICE;
	}
	if (ioctl(s->fd, KXFER_IOC_STREAM_START, &req)) {
		fprintf(stderr, "kxfer-bench: STREAM_START %s block %u rate %u depth %u: %s\n",
			m->name, cfg->block_size, cfg->rate_hz, req.depth,
			strerror(errno));
		return -1;
	}
	s->stride = req.stride;
	s->depth = req.depth;
	if (m->interface != KXFER_STREAM_IF_RW) {
		s->map = mmap(NULL, (size_t)req.depth * req.stride,
			      PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
		if (s->map == MAP_FAILED) {
			s->map = NULL;
			perror("kxfer-bench: mmap of the stream's blocks");
			return -1;
		}
	}
	if (m->interface == KXFER_STREAM_IF_RING) {
		s->ring = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE),
			       PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
			       KXFER_STREAM_RING_OFFSET);
		if (s->ring == MAP_FAILED) {
			s->ring = NULL;
			perror("kxfer-bench: mmap of the ring control page");
			return -1;
		}
	}
	return 0;
}

static void close_stream(struct st_sess *s)
{
	if (s->ring)
		munmap(s->ring, (size_t)sysconf(_SC_PAGESIZE));
	if (s->map)
		munmap(s->map, (size_t)s->depth * s->stride);
	if (s->fd >= 0) {
		ioctl(s->fd, KXFER_IOC_STREAM_STOP);
		close(s->fd);
	}
}

static int read_stats(const struct st_sess *s, struct kxfer_stream_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (s->fd < 0)
		return 0;
	if (ioctl(s->fd, KXFER_IOC_STREAM_STATS, st)) {
		perror("kxfer-bench: STREAM_STATS");
		return -1;
	}
	return 0;
}

static void summarize(const struct st_method *m, const struct st_sess *s,
		      const struct kxfer_stream_stats *a,
		      const struct kxfer_stream_stats *b, uint64_t cpu_ns,
		      struct st_result *r)
{
	uint64_t payload = s->cfg->block_size - KX_STREAM_HDR;
	struct kx_stats ls;

	r->blocks = s->blocks;
	r->bad = s->bad + (b->crc_errors - a->crc_errors) +
		 (b->seq_errors - a->seq_errors);
	r->underruns = b->underruns - a->underruns;
	/* The device's count, or the gaps where there is no device. */
	r->lost = m->device ? b->overruns - a->overruns : s->gaps;
	r->lat_p50_us = r->lat_p99_us = r->lat_p999_us = -1;
	r->lat_samples = s->nlat;
	if (s->nlat && !kx_stats_compute(s->lat_ns, s->nlat, &ls)) {
		/* NAN below the sample rules of stats.h. */
		r->lat_p50_us = ls.p50 / 1e3;
		r->lat_p99_us = isnan(ls.p99) ? -1 : ls.p99 / 1e3;
		r->lat_p999_us = isnan(ls.p999) ? -1 : ls.p999 / 1e3;
	}
	if (s->blocks) {
		r->cpu_ns_per_block = (double)cpu_ns / s->blocks;
		r->cpu_ns_per_byte = r->cpu_ns_per_block / payload;
		r->syscalls_per_block = (double)s->syscalls / s->blocks;
		r->wakeups_per_block = m->device ?
			(double)(b->wakeups - a->wakeups) / s->blocks : -1;
	}
}

int st_run(const struct st_method *m, const struct st_cfg *cfg,
	   struct st_result *res)
{
	struct st_sess s = { .m = m, .cfg = cfg, .fd = -1 };
	struct kxfer_stream_stats a, b;
	uint64_t t, cpu0, cpu1;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	res->method = m->name;
	res->direction = st_direction_name(m);
	res->block_size = cfg->block_size;
	res->rate_hz = cfg->rate_hz;
	res->seconds = cfg->seconds;

	s.lat_cap = (size_t)(cfg->rate_hz * cfg->seconds * 1.5) + 1024;
	s.lat_ns = calloc(s.lat_cap, sizeof(double));
	if (!s.lat_ns) {
		fprintf(stderr, "kxfer-bench: out of memory for %zu samples\n",
			s.lat_cap);
		return -1;
	}
	if (m->device) {
		ret = open_stream(m, cfg, &s);
		if (ret)
			goto out;
		ret = -1;
	}
	res->depth = s.depth;
	if (m->setup && m->setup(&s))
		goto out;

	t = kx_now_ns();
	if (m->loop(&s, t + (uint64_t)(cfg->warmup * 1e9)))
		goto teardown;
	if (read_stats(&s, &a))
		goto teardown;
	s.syscalls = 0;
	s.recording = 1;
	cpu0 = thread_cpu_ns();
	t = kx_now_ns();
	if (m->loop(&s, t + (uint64_t)(cfg->seconds * 1e9)))
		goto teardown;
	cpu1 = thread_cpu_ns();
	s.recording = 0;
	if (read_stats(&s, &b))
		goto teardown;
	summarize(m, &s, &a, &b, cpu1 - cpu0, res);
	ret = 0;
teardown:
	if (m->teardown)
		m->teardown(&s);
out:
	close_stream(&s);
	free(s.lat_ns);
	return ret;
}

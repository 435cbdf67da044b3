// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming device under load and under random use:
 *
 * - the ring's memory-ordering contract: a reader on another CPU than the
 *   one it starts on verifies every block (seq, CRC32C, payload) of a
 *   fast capture ring for at least 10 s, half of the time busy-polling
 *   with no syscall, half sleeping in poll(); a block that was published
 *   before its bytes were visible shows up as a CRC or payload error, and
 *   the blocks it did not see must be exactly the ones the device counted
 *   as lost;
 * - random STREAM_* ioctls, read/write and poll against the rules of
 *   <linux/kxfer.h>: each START must succeed or fail as they say.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 45
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hx.h"
#include "kx_stream.h"
#include "kxdev.h"

#define RING_BS		256u
#define RING_RATE	10000u
#define RING_DEPTH	4096u
#define RING_SECONDS	10

/* Runs on the last online CPU; the device's work runs wherever it fires. */
static int pin_to_last_cpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (n < 2)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(n - 1, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -1 : (int)(n - 1);
}

TEST_TIMEOUT(stress_stream_ring_reader_on_another_cpu, 300)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	struct kxfer_stream_start req = {
		.direction = KXFER_STREAM_CAPTURE,
		.interface = KXFER_STREAM_IF_RING,
		.block_size = RING_BS, .rate_hz = RING_RATE,
		.depth = RING_DEPTH,
	};
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t seen = 0, gaps = 0, next = 0, polls = 0;
	struct kxfer_stream_ring *ring;
	struct kxfer_stream_stats st;
	const char *map;
	double end, half;
	uint32_t tail = 0;
	int cpu;

	kx_require_size(fd, (uint64_t)RING_DEPTH * 512);
	cpu = pin_to_last_cpu();
	kxt_diag("reader on CPU %d of %ld", cpu, sysconf(_SC_NPROCESSORS_ONLN));
	map = kx_map(fd, size, 0, PROT_READ, MAP_SHARED);
	ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_START, &req));
	ring = kx_map(fd, kx_page(), KXFER_STREAM_RING_OFFSET,
		      PROT_READ | PROT_WRITE, MAP_SHARED);

	half = hx_now() + RING_SECONDS / 2.0;
	end = hx_now() + RING_SECONDS;
	while (hx_now() < end) {
		uint32_t head = kx_ring_load(&ring->head);

		if (head == tail) {
			if (hx_now() > half) {
				ASSERT_EQ(poll(&p, 1, 5000), 1);
				polls++;
			}
			continue;
		}
		ASSERT_LE(head - tail, RING_DEPTH);
		for (; tail != head; tail++) {
			const char *blk = map +
				(size_t)(tail % RING_DEPTH) * req.stride;
			const struct kxfer_stream_hdr *h = (const void *)blk;
			enum kx_stream_verdict v = kx_stream_check(blk, RING_BS);

			if (v != KX_BLOCK_OK)
				FAIL("block %" PRIu64 " (slot %u): %s",
				     (uint64_t)h->seq,
				     tail % RING_DEPTH, kx_stream_verdict_name(v));
			ASSERT_GE(h->seq, next);
			gaps += h->seq - next;
			next = h->seq + 1;
			seen++;
		}
		kx_ring_store(&ring->tail, tail);
	}
	ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_STOP));
	ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_STATS, &st));
	kxt_diag("%" PRIu64 " blocks verified in %d s, %" PRIu64
		 " lost (device: %" PRIu64 " overruns), %" PRIu64
		 " poll() sleeps, %" PRIu64 " ticks",
		 seen, RING_SECONDS, gaps, (uint64_t)st.overruns, polls,
		 (uint64_t)st.ticks);
	EXPECT_GT(seen, (uint64_t)RING_SECONDS * 100);
	EXPECT_EQ(st.delivered, seen);
	/*
	 * Blocks lost after the last one read are counted but were never
	 * a gap; none can be unless the ring filled after the reader left.
	 */
	if (st.produced - seen < RING_DEPTH)
		EXPECT_EQ(st.overruns, gaps);
	else
		EXPECT_GE(st.overruns, gaps);
}

/* START's answer per <linux/kxfer.h>: 0, EINVAL, EBUSY, or -1 for either
 * 0 or EINVAL where only the kernel's DMA cache alignment decides. */
static int start_verdict(const struct kxfer_stream_start *r, uint64_t size,
			 int running)
{
	uint64_t min_stride = (r->block_size + 63) & ~63ULL;
	uint64_t max_stride = (r->block_size + 255) & ~255ULL;

	if (r->flags || r->stride || r->__reserved ||
	    r->direction > KXFER_STREAM_SINK ||
	    r->interface > KXFER_STREAM_IF_RING ||
	    r->block_size < KXFER_STREAM_MIN_BLOCK ||
	    r->block_size > KXFER_STREAM_MAX_BLOCK ||
	    r->rate_hz < KXFER_STREAM_MIN_RATE ||
	    r->rate_hz > KXFER_STREAM_MAX_RATE ||
	    r->depth < KXFER_STREAM_MIN_DEPTH ||
	    r->depth > KXFER_STREAM_MAX_DEPTH)
		return EINVAL;
	if (running)
		return EBUSY;
	if (r->depth * min_stride > size)
		return EINVAL;
	if (r->depth * max_stride <= size)
		return 0;
	return -1;
}

static uint32_t pick_u32(struct hx_rng *r, uint32_t lo, uint32_t hi)
{
	/* Mostly valid, so that streams start; the edges and junk too. */
	switch (hx_below(r, 10)) {
	case 0:
		return lo - hx_below(r, 2);
	case 1:
		return hi + hx_below(r, 2);
	case 2:
		return (uint32_t)hx_next(r);
	default:
		return (uint32_t)hx_between(r, lo, hi);
	}
}

TEST_TIMEOUT(fuzz_stream_ioctls_follow_the_rules, 600)
{
	unsigned long cases = hx_cases() < 3000 ? hx_cases() : 3000;
	int fd = kx_open_flags(O_RDWR | O_NONBLOCK);
	uint64_t size = kx_size(fd), seed = hx_seed();
	char *buf = kx_alloc(64 * 1024);
	unsigned long starts = 0;
	struct kxfer_stream_stats st;
	int running = 0;
	struct hx_rng r;

	hx_rng_init(&r, seed, 0x57e4);
	kxt_diag("seed: %" PRIu64 ", %lu cases", seed, cases);
	for (unsigned long i = 0; i < cases; i++) {
		struct kxfer_stream_start s = {
			.direction = (uint32_t)hx_below(&r, 3),
			.interface = (uint32_t)hx_below(&r, 4),
			.block_size = pick_u32(&r, KXFER_STREAM_MIN_BLOCK, 65536),
			.rate_hz = pick_u32(&r, KXFER_STREAM_MIN_RATE,
					    KXFER_STREAM_MAX_RATE),
			.depth = pick_u32(&r, KXFER_STREAM_MIN_DEPTH, 64),
			.flags = hx_chance(&r, 5) ? 1u << hx_below(&r, 32) : 0,
		};
		struct kxfer_stream_buf b = {
			.index = (uint32_t)hx_below(&r, 80),
			.flags = hx_chance(&r, 5) ? 1 : 0,
		};
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
		int want, ret, e;

		switch (hx_below(&r, 8)) {
		case 0:
			want = start_verdict(&s, size, running);
			errno = 0;
			ret = ioctl(fd, KXFER_IOC_STREAM_START, &s);
			e = ret ? errno : 0;
			if (want >= 0 && e != want)
				FAIL("case %lu: START %u/%u bs %u rate %u depth %u flags %#x: want %s, got %s",
				     i, s.direction, s.interface, s.block_size,
				     s.rate_hz, s.depth, s.flags,
				     want ? hx_errname(want) : "success",
				     e ? hx_errname(e) : "success");
			if (!e) {
				ASSERT_EQ(s.stride % 64, 0u);
				ASSERT_GE(s.stride, s.block_size);
				running = 1;
				starts++;
			}
			break;
		case 1:
			ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_STOP));
			running = 0;
			break;
		case 2:
			ret = ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b);
			if (ret == 0)
				ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_QBUF, &b));
			break;
		case 3:
			/* Mostly a block never handed out: EINVAL or EPIPE. */
			ret = ioctl(fd, KXFER_IOC_STREAM_QBUF, &b);
			ASSERT_EQ(ret, -1);
			break;
		case 4:
			ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_STATS, &st));
			ASSERT_EQ(st.running, (uint32_t)running);
			break;
		case 5:
			(void)!read(fd, buf, hx_below(&r, 64 * 1024));
			break;
		case 6:
			memset(buf, (int)hx_below(&r, 256), 64 * 1024);
			(void)!write(fd, buf, hx_below(&r, 64 * 1024));
			break;
		default:
			ASSERT_OK(poll(&p, 1, 0));
			break;
		}
	}
	ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_STOP));
	ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_STATS, &st));
	EXPECT_EQ(st.running, 0u);
	kxt_diag("%lu streams started", starts);
	EXPECT_GT(starts, 0ul);
}

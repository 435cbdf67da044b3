// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming device (KXFER_IOC_STREAM_*): argument checks and lifetime
 * rules, then each interface in both directions with every block's seq,
 * CRC and payload verified, loss counted exactly, poll, O_NONBLOCK,
 * signals, STOP with sleepers, two readers, RESIZE and rmmod while
 * streaming, close without STOP.
 *
 * Rates are low enough for a TCG guest: a test that wants no loss runs at
 * SAFE_HZ with SAFE_DEPTH blocks of slack.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 85
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kx_stream.h"
#include "kxdev.h"

#define BS	4096u	/* block size of most tests */
#define RW	(PROT_READ | PROT_WRITE)
/*
 * Below the maximum rate of a reader that verifies every 4 KiB block in
 * the slowest guest (arm64 under TCG): tests that want no loss use it.
 */
#define SAFE_HZ	200
/* 2.5 s of blocks at SAFE_HZ: a guest stalled by a busy host catches up. */
#define SAFE_DEPTH	512

static struct kxfer_stream_start req(uint32_t dir, uint32_t iface,
				     uint32_t bs, uint32_t rate, uint32_t depth)
{
	struct kxfer_stream_start r = {
		.direction = dir, .interface = iface, .block_size = bs,
		.rate_hz = rate, .depth = depth,
	};
	return r;
}

/* START that must succeed; returns the stride. */
static uint32_t start(int fd, uint32_t dir, uint32_t iface, uint32_t bs,
		      uint32_t rate, uint32_t depth)
{
	struct kxfer_stream_start r = req(dir, iface, bs, rate, depth);

	ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_START, &r));
	ASSERT_GE(r.stride, bs);
	ASSERT_EQ(r.stride % 64, 0u);
	return r.stride;
}

static struct kxfer_stream_stats stats(int fd)
{
	struct kxfer_stream_stats st;

	ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_STATS, &st));
	return st;
}

static void stop(int fd)
{
	ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_STOP));
}

static void check_block(const void *blk, uint32_t bs)
{
	enum kx_stream_verdict v = kx_stream_check(blk, bs);

	if (v != KX_BLOCK_OK)
		FAIL("block seq %llu: %s",
		     (unsigned long long)((const struct kxfer_stream_hdr *)blk)->seq,
		     kx_stream_verdict_name(v));
}

static uint64_t seq_of(const void *blk)
{
	return ((const struct kxfer_stream_hdr *)blk)->seq;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int consumed_at_least(const struct kxfer_stream_stats *st, uint64_t n)
{
	return st->delivered >= n;
}

/* Waits up to secs for pred(stats) to hold; returns the last stats. */
static struct kxfer_stream_stats
wait_stats(int fd, int (*pred)(const struct kxfer_stream_stats *, uint64_t),
	   uint64_t arg, double secs)
{
	struct kxfer_stream_stats st = stats(fd);

	for (int i = 0; i < secs * 100 && !pred(&st, arg); i++) {
		sleep_ms(10);
		st = stats(fd);
	}
	return st;
}

TEST(stream_feature_and_start_checks)
{
	int fd = kx_open();
	int ro = kx_open_flags(O_RDONLY);
	struct kxfer_info info;
	struct kxfer_stream_start r;
	uint64_t size;

	kx_info(fd, &info);
	ASSERT_TRUE(info.features & KXFER_FEAT_STREAM);
	size = info.buf_size;

	struct kxfer_stream_start bad[] = {
		req(2, 0, BS, 1000, 4),
		req(0, 3, BS, 1000, 4),
		req(0, 0, KXFER_STREAM_MIN_BLOCK - 1, 1000, 4),
		req(0, 0, KXFER_STREAM_MAX_BLOCK + 1, 1000, 4),
		req(0, 0, BS, KXFER_STREAM_MIN_RATE - 1, 4),
		req(0, 0, BS, KXFER_STREAM_MAX_RATE + 1, 4),
		req(0, 0, BS, 1000, KXFER_STREAM_MIN_DEPTH - 1),
		req(0, 0, BS, 1000, KXFER_STREAM_MAX_DEPTH + 1),
		req(0, 0, BS, 1000, (uint32_t)(size / BS) + 1),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = bad[i];
		EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_START, &r), EINVAL);
	}
	r = req(0, 0, BS, 1000, 4);
	r.flags = 1;
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_START, &r), EINVAL);
	r = req(0, 0, BS, 1000, 4);
	r.__reserved = 1;
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_START, &r), EINVAL);

	/* START and STOP change the buffer: a writable file only. */
	r = req(0, 0, BS, 1000, 4);
	EXPECT_ERRNO(ioctl(ro, KXFER_IOC_STREAM_START, &r), EBADF);
	EXPECT_ERRNO(ioctl(ro, KXFER_IOC_STREAM_STOP), EBADF);
	/* STOP without a stream is a no-op; DQBUF/QBUF have no stream. */
	EXPECT_OK(ioctl(fd, KXFER_IOC_STREAM_STOP));
	struct kxfer_stream_buf b = { 0 };
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b), EPIPE);
	EXPECT_EQ(stats(ro).running, 0u);

	/* Limits themselves are accepted. */
	start(fd, 0, 0, KXFER_STREAM_MIN_BLOCK, KXFER_STREAM_MAX_RATE, 2);
	EXPECT_EQ(stats(ro).running, 1u);
	stop(fd);
	EXPECT_EQ(stats(ro).running, 0u);
	if (size >= 2ULL * KXFER_STREAM_MAX_BLOCK) {
		start(fd, 0, 0, KXFER_STREAM_MAX_BLOCK, KXFER_STREAM_MIN_RATE, 2);
		stop(fd);
	}
}

TEST(stream_one_per_device_and_resize_refused)
{
	int a = kx_open(), b = kx_open();
	struct kxfer_stream_start r = req(0, 0, BS, 500, 4);
	uint64_t size = kx_size(a);

	start(a, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, 500, 4);
	EXPECT_ERRNO(ioctl(a, KXFER_IOC_STREAM_START, &r), EBUSY);
	EXPECT_ERRNO(ioctl(b, KXFER_IOC_STREAM_START, &r), EBUSY);
	int ret = kx_resize_raw(b, size, KXFER_BACKING_VMALLOC);
	int err = errno;

	EXPECT_EQ(ret, -1);
	EXPECT_EQ(err, EBUSY);
	/* Any writable file may stop it. */
	stop(b);
	EXPECT_OK(kx_resize_raw(b, size, KXFER_BACKING_VMALLOC));
	start(b, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, 500, 4);
	stop(a);
}

/* Reads n blocks with read(); every seq follows the last, all verified. */
static void read_in_order(int fd, uint32_t bs, int n)
{
	char *buf = kx_alloc(4 * bs);
	uint64_t next = 0;
	int got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf, 4 * bs);

		ASSERT_GT(r, 0);
		ASSERT_EQ(r % bs, 0);
		for (ssize_t off = 0; off < r; off += bs, got++) {
			check_block(buf + off, bs);
			ASSERT_EQ(seq_of(buf + off), next);
			next++;
		}
	}
	free(buf);
}

TEST(stream_read_in_order_without_loss)
{
	int fd = kx_open();
	struct kxfer_stream_stats st;

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, SAFE_HZ, SAFE_DEPTH);
	read_in_order(fd, BS, 500);
	st = stats(fd);
	stop(fd);
	EXPECT_EQ(st.overruns, 0u);
	EXPECT_GE(st.delivered, 500u);
	EXPECT_GE(st.produced, st.delivered);
	EXPECT_EQ(st.bytes, st.delivered * (BS - KX_STREAM_HDR));
	EXPECT_GE(st.wakeups, 1u);
	/* The file did stream I/O: end of stream now. */
	char c;
	EXPECT_EQ(read(fd, &c, 1), 0);
}

/* A reader that stalls loses the oldest blocks; the loss is exact. */
TEST(stream_read_stall_loses_oldest_counted_exactly)
{
	int fd = kx_open_flags(O_RDWR | O_NONBLOCK);
	const uint32_t depth = 16;	/* 160 ms at 100 Hz to compare */
	char *buf = kx_alloc(BS);
	uint64_t last = 0, gaps = 0, got = 0;
	struct kxfer_stream_stats st;

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, 100, depth);
	sleep_ms(1000);
	for (;;) {
		ssize_t r = read(fd, buf, BS);

		if (r < 0 && errno == EAGAIN)
			break;
		ASSERT_EQ(r, (ssize_t)BS);
		check_block(buf, BS);
		ASSERT_TRUE(!got || seq_of(buf) > last);
		gaps += seq_of(buf) - (got ? last + 1 : 0);
		last = seq_of(buf);
		got++;
	}
	/* The queue is empty: nothing can be dropped for depth periods. */
	st = stats(fd);
	stop(fd);
	kxt_diag("read %llu blocks, last seq %llu, %llu lost",
		 (unsigned long long)got, (unsigned long long)last,
		 (unsigned long long)gaps);
	ASSERT_GE(got, depth - 1);
	EXPECT_GT(gaps, 0u);
	EXPECT_EQ(st.overruns, gaps);
	EXPECT_EQ(st.delivered, got);
}

TEST(stream_read_rules)
{
	int fd = kx_open_flags(O_RDWR | O_NONBLOCK);
	char *buf = kx_alloc(2 * BS);
	struct iovec iov = { buf, BS };

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, 100, 4);
	EXPECT_ERRNO(read(fd, buf, BS - 1), EINVAL);
	EXPECT_ERRNO(readv(fd, &iov, 1), EINVAL);
	EXPECT_ERRNO(write(fd, buf, BS), EINVAL);	/* capture stream */
	/* Drain, then the next block is 10 ms away: EAGAIN now. */
	while (read(fd, buf, BS) == (ssize_t)BS)
		;
	EXPECT_ERRNO(read(fd, buf, BS), EAGAIN);
	stop(fd);
	EXPECT_EQ(read(fd, buf, BS), 0);
	/* A file that never did stream I/O reads the buffer as before. */
	int other = kx_open();
	EXPECT_EQ(pread(other, buf, BS, 0), (ssize_t)BS);
}

TEST(stream_poll_in_and_out)
{
	int fd = kx_open_flags(O_RDWR | O_NONBLOCK);
	char *buf = kx_alloc(BS);
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, 100, 4);
	while (read(fd, buf, BS) == (ssize_t)BS)
		;
	ASSERT_EQ(poll(&p, 1, 0), 0);
	ASSERT_EQ(poll(&p, 1, 5000), 1);
	EXPECT_EQ(p.revents, POLLIN);
	EXPECT_EQ(read(fd, buf, BS), (ssize_t)BS);
	stop(fd);

	/* Sink: free blocks are writable at once. */
	start(fd, KXFER_STREAM_SINK, KXFER_STREAM_IF_RW, BS, 100, 4);
	ASSERT_EQ(poll(&p, 1, 0), 1);
	EXPECT_EQ(p.revents, POLLOUT);
	stop(fd);
}

static volatile sig_atomic_t sigs;
static void on_sig(int sig)
{
	(void)sig;
	sigs++;
}

/*
 * A reader of a 100 Hz stream spends nearly all its time asleep in read():
 * with signals landing every 3 ms, some interrupt it.  Without SA_RESTART
 * it sees EINTR and no block is lost or damaged; with SA_RESTART it never
 * sees EINTR.
 */
static void read_under_signals(int restart)
{
	int fd = kx_open();
	struct sigaction sa = { .sa_handler = on_sig,
				.sa_flags = restart ? SA_RESTART : 0 };
	int eintr = 0, got = 0;
	uint64_t next = 0;
	char *buf = kx_alloc(BS);
	pid_t me = getpid(), child;

	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, 100, 64);
	child = kxt_fork();
	if (!child) {
		/* Until the reader is gone (or 300 signals). */
		for (int i = 0; i < 300 && !kill(me, SIGUSR1); i++)
			usleep(3000);
		kxt_child_exit();
	}
	while (got < 100) {
		ssize_t r = read(fd, buf, BS);

		if (r < 0 && errno == EINTR) {
			eintr++;
			continue;
		}
		ASSERT_EQ(r, (ssize_t)BS);
		check_block(buf, BS);
		ASSERT_EQ(seq_of(buf), next);
		next++;
		got++;
	}
	/* The sender's last signals must not interrupt the wait for it. */
	signal(SIGUSR1, SIG_IGN);
	kxt_wait_ok(child, "signal sender");
	stop(fd);
	kxt_diag("%d signals, %d EINTR", (int)sigs, eintr);
	if (restart)
		EXPECT_EQ(eintr, 0);
	else
		EXPECT_GT(eintr, 0);
}

TEST(stream_read_interrupted_by_signal)
{
	read_under_signals(0);
}

TEST(stream_read_restarted_after_signal)
{
	read_under_signals(1);
}

/* Sink queue: user space holding every block makes DQBUF wait forever. */
static int hold_all_sink_blocks(int fd, uint32_t depth)
{
	struct kxfer_stream_buf b;

	start(fd, KXFER_STREAM_SINK, KXFER_STREAM_IF_QUEUE, BS, 100, depth);
	for (uint32_t i = 0; i < depth; i++) {
		memset(&b, 0, sizeof(b));
		ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b));
		ASSERT_LT(b.index, depth);
	}
	return 0;
}

TEST(stream_dqbuf_interrupted_by_signal)
{
	int fd = kx_open();
	struct sigaction sa = { .sa_handler = on_sig };
	struct kxfer_stream_buf b = { 0 };
	pid_t me = getpid(), child;

	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	hold_all_sink_blocks(fd, 2);
	child = kxt_fork();
	if (!child) {
		sleep_ms(200);
		kill(me, SIGUSR1);
		kxt_child_exit();
	}
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b), EINTR);
	EXPECT_EQ(sigs, 1);
	kxt_wait_ok(child, "signal sender");
	/* With SA_RESTART the wait goes on after the handler. */
	sa.sa_flags = SA_RESTART;
	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	child = kxt_fork();
	if (!child) {
		sleep_ms(200);
		kill(me, SIGUSR1);
		sleep_ms(200);
		ASSERT_OK(ioctl(kx_open(), KXFER_IOC_STREAM_STOP));
		kxt_child_exit();
	}
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b), EPIPE);
	EXPECT_EQ(sigs, 2);
	kxt_wait_ok(child, "signal sender and stopper");
}

TEST(stream_stop_wakes_every_sleeper)
{
	int fd = kx_open();
	struct kxfer_stream_buf b;
	pid_t kids[3];
	struct kx_sync sync[3];

	hold_all_sink_blocks(fd, 2);
	for (int k = 0; k < 3; k++) {
		kx_sync_init(&sync[k]);
		kids[k] = kxt_fork();
		if (!kids[k]) {
			int cfd = kx_open();

			kx_sync_in_child(&sync[k]);
			kx_sync_tell_parent(&sync[k]);
			if (k < 2) {
				memset(&b, 0, sizeof(b));
				ASSERT_ERRNO(ioctl(cfd, KXFER_IOC_STREAM_DQBUF, &b), EPIPE);
			} else {
				struct pollfd p = { .fd = cfd, .events = POLLOUT };

				ASSERT_EQ(poll(&p, 1, 60000), 1);
			}
			kxt_child_exit();
		}
		kx_sync_in_parent(&sync[k]);
		kx_sync_wait_child(&sync[k]);
	}
	sleep_ms(300);	/* let them all fall asleep */
	for (int k = 0; k < 3; k++)
		ASSERT_EQ(waitpid(kids[k], NULL, WNOHANG), 0);
	stop(fd);
	for (int k = 0; k < 3; k++)
		kxt_wait_ok(kids[k], "sleeper");
}

TEST(stream_two_readers_share_blocks)
{
	int fd = kx_open();
	int pipes[2][2];
	pid_t kids[2];
	const int per = 150;
	uint64_t *seen[2];

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, 500, 256);
	for (int k = 0; k < 2; k++) {
		ASSERT_OK(pipe(pipes[k]));
		kids[k] = kxt_fork();
		if (!kids[k]) {
			char *buf = kx_alloc(BS);
			int rfd = kx_open_flags(O_RDONLY);

			for (int i = 0; i < per; i++) {
				uint64_t s;

				ASSERT_EQ(read(rfd, buf, BS), (ssize_t)BS);
				check_block(buf, BS);
				s = seq_of(buf);
				ASSERT_EQ(write(pipes[k][1], &s, sizeof(s)),
					  (ssize_t)sizeof(s));
			}
			kxt_child_exit();
		}
		close(pipes[k][1]);
	}
	for (int k = 0; k < 2; k++) {
		seen[k] = kx_alloc(per * sizeof(uint64_t));
		for (int i = 0; i < per; i++)
			ASSERT_EQ(read(pipes[k][0], &seen[k][i], sizeof(uint64_t)),
				  (ssize_t)sizeof(uint64_t));
		kxt_wait_ok(kids[k], "reader");
	}
	stop(fd);
	/* Each reader sees increasing seqs; no block goes to both. */
	for (int k = 0; k < 2; k++)
		for (int i = 1; i < per; i++)
			ASSERT_GT(seen[k][i], seen[k][i - 1]);
	for (int i = 0, j = 0; i < per && j < per;) {
		ASSERT_NE(seen[0][i], seen[1][j]);
		if (seen[0][i] < seen[1][j])
			i++;
		else
			j++;
	}
}

TEST(stream_close_without_stop_stops_it)
{
	int fd = kx_open(), other = kx_open();
	struct kxfer_stream_stats st;

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_QUEUE, BS, 1000, 8);
	close(fd);
	st = stats(other);
	EXPECT_EQ(st.running, 0u);
	/* A process that dies streaming leaves nothing running either. */
	pid_t child = kxt_fork();
	if (!child) {
		start(kx_open(), KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RING, BS, 1000, 8);
		_exit(0);
	}
	ASSERT_OK(waitpid(child, NULL, 0));
	EXPECT_EQ(stats(other).running, 0u);
	start(other, KXFER_STREAM_SINK, KXFER_STREAM_IF_RW, BS, 1000, 8);
	stop(other);
}

TEST(stream_module_pinned_while_streaming)
{
	int fd = kx_open();

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, BS, 1000, 8);
	EXPECT_NE(kx_module_unload_raw(), 0);
	EXPECT_TRUE(kx_module_loaded());
	stop(fd);
}

TEST(stream_queue_capture_in_order)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char *map = kx_map(fd, size, 0, PROT_READ, MAP_SHARED);
	struct kxfer_stream_buf b;
	struct kxfer_stream_stats st;
	uint32_t stride;

	stride = start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_QUEUE, BS, SAFE_HZ, SAFE_DEPTH);
	for (uint64_t n = 0; n < 300; n++) {
		memset(&b, 0, sizeof(b));
		ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b));
		ASSERT_EQ(b.offset, (uint64_t)b.index * stride);
		ASSERT_EQ(b.hdr.seq, n);
		check_block(map + b.offset, BS);
		ASSERT_EQ(seq_of(map + b.offset), n);
		ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_QBUF, &b));
		/* A block given back twice, or never handed out. */
		EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_QBUF, &b), EINVAL);
	}
	b.index = SAFE_DEPTH;
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_QBUF, &b), EINVAL);
	b.flags = 1;
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b), EINVAL);
	st = stats(fd);
	stop(fd);
	EXPECT_EQ(st.overruns, 0u);
	EXPECT_GE(st.delivered, 300u);
}

static struct kxfer_stream_ring *map_ring(int fd)
{
	return kx_map(fd, kx_page(), KXFER_STREAM_RING_OFFSET, RW, MAP_SHARED);
}

TEST(stream_ring_capture_in_order)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	const char *map = kx_map(fd, size, 0, PROT_READ, MAP_SHARED);
	struct kxfer_stream_ring *ring;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t stride, tail = 0, depth = SAFE_DEPTH;
	struct kxfer_stream_stats st;
	int polls = 0;

	/* No ring before START; one page only; shared only. */
	EXPECT_MAP_ERRNO(mmap(NULL, 2 * kx_page(), RW, MAP_SHARED, fd,
			      KXFER_STREAM_RING_OFFSET), EINVAL);
	EXPECT_MAP_ERRNO(mmap(NULL, kx_page(), PROT_READ, MAP_PRIVATE, fd,
			      KXFER_STREAM_RING_OFFSET), EINVAL);
	stride = start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RING, BS, SAFE_HZ, depth);
	ring = map_ring(fd);
	EXPECT_EQ(ring->depth, depth);
	EXPECT_EQ(ring->stride, stride);
	EXPECT_EQ(ring->block_size, BS);
	while (tail < 500) {
		uint32_t head = kx_ring_load(&ring->head);

		if (head == tail) {
			ASSERT_EQ(poll(&p, 1, 5000), 1);
			polls++;
			continue;
		}
		ASSERT_LE(head - tail, depth);
		for (; tail != head; tail++) {
			const char *blk = map + (size_t)(tail % depth) * stride;

			check_block(blk, BS);
			ASSERT_EQ(seq_of(blk), tail);
		}
		kx_ring_store(&ring->tail, tail);
	}
	st = stats(fd);
	stop(fd);
	kxt_diag("%d polls for 500 blocks", polls);
	EXPECT_EQ(st.overruns, 0u);
	EXPECT_EQ(st.delivered, tail);	/* the last batch may pass 500 */
	EXPECT_GT(polls, 0);
}

TEST(stream_ring_full_drops_new_blocks)
{
	int fd = kx_open();
	struct kxfer_stream_ring *ring;
	const uint32_t depth = 4;
	struct kxfer_stream_stats st;

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RING, BS, 200, depth);
	ring = map_ring(fd);
	sleep_ms(500);
	/* User space owns every slot: the device kept the first depth. */
	EXPECT_EQ(kx_ring_load(&ring->head), depth);
	st = stats(fd);
	EXPECT_EQ(st.produced, depth);
	EXPECT_GT(st.overruns, 0u);
	EXPECT_EQ(st.overruns + st.produced, st.ticks);
	stop(fd);
}

TEST(stream_ring_page_revoked_by_stop)
{
	int fd = kx_open();
	struct kxfer_stream_ring *ring;
	pid_t child;
	int status;

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RING, BS, 100, 4);
	ring = map_ring(fd);
	EXPECT_EQ(ring->depth, 4u);
	stop(fd);
	child = fork();
	ASSERT_OK(child);
	if (!child) {
		(void)*(volatile uint32_t *)&ring->head;
		_exit(0);
	}
	ASSERT_OK(waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS);
}

TEST(stream_sink_write_checked_by_device)
{
	int fd = kx_open();
	char *buf = kx_alloc(4 * BS);
	struct kxfer_stream_stats st;
	uint64_t seq = 0;

	start(fd, KXFER_STREAM_SINK, KXFER_STREAM_IF_RW, BS, 1000, 32);
	EXPECT_ERRNO(write(fd, buf, BS + 1), EINVAL);
	EXPECT_ERRNO(read(fd, buf, BS), EINVAL);	/* sink stream */
	while (seq < 200) {
		for (int i = 0; i < 4; i++)
			kx_stream_fill(buf + i * BS, BS, seq + i);
		ssize_t w = write(fd, buf, 4 * BS);

		ASSERT_GT(w, 0);
		ASSERT_EQ(w % BS, 0);
		seq += w / BS;
		/* A short write: the rest is written again with its seqs. */
	}
	st = wait_stats(fd, consumed_at_least, seq, 10);
	EXPECT_EQ(st.delivered, seq);
	EXPECT_EQ(st.crc_errors, 0u);
	EXPECT_EQ(st.seq_errors, 0u);

	/* One damaged payload byte is caught. */
	kx_stream_fill(buf, BS, seq);
	buf[BS - 1] ^= 1;
	ASSERT_EQ(write(fd, buf, BS), (ssize_t)BS);
	st = wait_stats(fd, consumed_at_least, seq + 1, 10);
	stop(fd);
	EXPECT_EQ(st.crc_errors, 1u);
	EXPECT_EQ(st.seq_errors, 0u);
	EXPECT_GT(st.underruns, 0u);	/* it waited for us between writes */
}

TEST(stream_sink_queue_checked_by_device)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char *map = kx_map(fd, size, 0, RW, MAP_SHARED);
	struct kxfer_stream_buf b;
	struct kxfer_stream_stats st;

	start(fd, KXFER_STREAM_SINK, KXFER_STREAM_IF_QUEUE, BS, 1000, 16);
	for (uint64_t n = 0; n < 200; n++) {
		memset(&b, 0, sizeof(b));
		ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b));
		kx_stream_fill(map + b.offset, BS, n);
		ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_QBUF, &b));
	}
	st = wait_stats(fd, consumed_at_least, 200, 10);
	stop(fd);
	EXPECT_EQ(st.produced, 200u);
	EXPECT_EQ(st.delivered, 200u);
	EXPECT_EQ(st.crc_errors, 0u);
	EXPECT_EQ(st.seq_errors, 0u);
}

TEST(stream_sink_ring_checked_by_device)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char *map = kx_map(fd, size, 0, RW, MAP_SHARED);
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	struct kxfer_stream_ring *ring;
	struct kxfer_stream_stats st;
	uint32_t stride, head = 0, depth = 16;

	stride = start(fd, KXFER_STREAM_SINK, KXFER_STREAM_IF_RING, BS, 1000, depth);
	ring = map_ring(fd);
	while (head < 200) {
		uint32_t tail = kx_ring_load(&ring->tail);

		if (head - tail == depth) {
			ASSERT_EQ(poll(&p, 1, 5000), 1);
			continue;
		}
		kx_stream_fill(map + (size_t)(head % depth) * stride, BS, head);
		kx_ring_store(&ring->head, ++head);
	}
	st = wait_stats(fd, consumed_at_least, 200, 10);
	stop(fd);
	EXPECT_EQ(st.delivered, 200u);
	EXPECT_EQ(st.crc_errors, 0u);
	EXPECT_EQ(st.seq_errors, 0u);
}

/* Every block size limit with a payload that is not a multiple of 8. */
TEST(stream_odd_block_size)
{
	int fd = kx_open();
	const uint32_t bs = 1000;

	start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_RW, bs, SAFE_HZ, SAFE_DEPTH);
	read_in_order(fd, bs, 100);
	stop(fd);
}

/*
 * Every backing: the device writes through the kernel's view of it (and
 * the DMA API's ownership transfer on dma-noncoherent), user space reads
 * the blocks through its own mapping, both directions.
 */
TEST(stream_every_backing_both_directions)
{
	static const uint32_t backings[] = {
		KXFER_BACKING_VMALLOC, KXFER_BACKING_PAGES,
		KXFER_BACKING_SHMEM, KXFER_BACKING_DMA,
		KXFER_BACKING_DMA_WC, KXFER_BACKING_DMA_NONCOHERENT,
	};
	const uint64_t size = 1 << 20;
	int fd = kx_open();
	int tried = 0;

	for (size_t k = 0; k < sizeof(backings) / sizeof(backings[0]); k++) {
		struct kxfer_stream_buf b;
		struct kxfer_stream_stats st;
		char *map;

		if (kx_resize_raw(fd, size, backings[k])) {
			/* dma* without CMA for a contiguous MiB */
			kxt_diag("backing %u: RESIZE: %s, not tested",
				 backings[k], kxt_errstr(errno));
			continue;
		}
		tried++;
		map = kx_map(fd, size, 0, RW, MAP_SHARED);
		start(fd, KXFER_STREAM_CAPTURE, KXFER_STREAM_IF_QUEUE, BS, SAFE_HZ, 240);
		for (uint64_t n = 0; n < 50; n++) {
			memset(&b, 0, sizeof(b));
			ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b));
			check_block(map + b.offset, BS);
			ASSERT_EQ(seq_of(map + b.offset), n);
			ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_QBUF, &b));
		}
		stop(fd);
		start(fd, KXFER_STREAM_SINK, KXFER_STREAM_IF_QUEUE, BS, 1000, 16);
		for (uint64_t n = 0; n < 50; n++) {
			memset(&b, 0, sizeof(b));
			ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_DQBUF, &b));
			kx_stream_fill(map + b.offset, BS, n);
			ASSERT_OK(ioctl(fd, KXFER_IOC_STREAM_QBUF, &b));
		}
		st = wait_stats(fd, consumed_at_least, 50, 10);
		stop(fd);
		EXPECT_EQ(st.delivered, 50u);
		EXPECT_EQ(st.crc_errors, 0u);
		EXPECT_EQ(st.seq_errors, 0u);
		munmap(map, size);
	}
	kx_resize_to(fd, kx_start_size, KXFER_BACKING_VMALLOC);
	ASSERT_GT(tried, 2);
}

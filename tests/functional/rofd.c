// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only files (ABI 4): every operation that changes the buffer's
 * contents, size, backing or the device's counters needs a file opened
 * for writing and fails with EBADF otherwise, leaving contents, size,
 * backing, counters and the file's mode exactly as they were: write()
 * and writev(), SUBMIT, SET_MODE with KXFER_WORK_FILL, RESIZE,
 * SYNC_FOR_DEVICE, SYNC_FOR_CPU with a direction other than TO_DEVICE
 * (its invalidate could discard a writer's stores) and RESET_STATS; a
 * shared writable mapping is refused by the VFS (EACCES), also through
 * mprotect().  INFO, read(), FETCH, GET_MODE, SET_MODE without fill,
 * GET_STATS, SYNC_FOR_CPU(TO_DEVICE) and read-only mappings work, on
 * every backing.
 *
 * Before ABI 4 a member of a group granted read access (the documented
 * udev rule) could destroy the buffer this way.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 63
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "kxdev.h"

#define RO_PAGES 4
#define SEED 0x6400

static void restore(int fd)
{
	kx_resize(fd, kx_start_size);
}

/* What a refused operation must not change. */
struct state {
	struct kxfer_info info;
	struct kxfer_stats stats;
	struct kxfer_mode mode;	/* of the read-only file */
};

static void snapshot(int rw, int ro, struct state *st)
{
	kx_info(rw, &st->info);
	kx_get_stats(rw, &st->stats);
	st->mode = kx_get_mode(ro);
}

/*
 * After a refused operation: the same size, backing, counters (compared
 * first: reading the contents counts as a read), mode of the read-only
 * file and contents (the fill pattern of SEED).
 */
static void expect_unchanged_at(int line, int rw, int ro,
				const struct state *before, const char *op)
{
	struct state now;

	snapshot(rw, ro, &now);
	if (now.info.buf_size != before->info.buf_size ||
	    now.info.backing != before->info.backing)
		kxt_fail_at(__FILE__, line, 0,
			    "%s on a read-only file changed the buffer: %" PRIu64 " bytes on %s, was %" PRIu64 " on %s",
			    op, (uint64_t)now.info.buf_size,
			    kx_backing_name(now.info.backing),
			    (uint64_t)before->info.buf_size,
			    kx_backing_name(before->info.backing));
	for (int p = 0; p < KXFER_NR_PATHS; p++)
		if (now.stats.calls[p] != before->stats.calls[p] ||
		    now.stats.bytes[p] != before->stats.bytes[p])
			kxt_fail_at(__FILE__, line, 0,
				    "%s on a read-only file changed the %s counters: %" PRIu64 " calls %" PRIu64 " bytes, were %" PRIu64 " and %" PRIu64,
				    op, kx_path_name(p),
				    (uint64_t)now.stats.calls[p],
				    (uint64_t)now.stats.bytes[p],
				    (uint64_t)before->stats.calls[p],
				    (uint64_t)before->stats.bytes[p]);
	if (now.mode.work != before->mode.work ||
	    now.mode.seed != before->mode.seed)
		kxt_fail_at(__FILE__, line, 0,
			    "%s on a read-only file changed its mode to work %u seed %#x, was %u %#x",
			    op, now.mode.work, now.mode.seed,
			    before->mode.work, before->mode.seed);
	if (now.info.buf_size == before->info.buf_size)
		kx_expect_pattern_at(__FILE__, line, rw, 0,
				     before->info.buf_size, SEED,
				     "buffer after a refused operation on a read-only file");
}

/* A buffer of RO_PAGES pages on backing holding the pattern of SEED. */
static void setup(uint32_t backing, int *rw, int *ro)
{
	*rw = kx_open();
	kx_resize_to(*rw, RO_PAGES * kx_page(), backing);
	kx_put_pattern(*rw, 0, RO_PAGES * kx_page(), SEED);
	*ro = kx_open_flags(O_RDONLY);
	kxt_diag("%s backing, %zu bytes", kx_backing_name(backing),
		 RO_PAGES * kx_page());
}

static void teardown(int rw, int ro)
{
	close(ro);
	restore(rw);
	close(rw);
}

/* Operation op (an expression) must fail with EBADF and change nothing. */
#define EXPECT_REFUSED(rw, ro, op)					\
	do {								\
		struct state before_;					\
									\
		snapshot(rw, ro, &before_);				\
		EXPECT_ERRNO(op, EBADF);				\
		expect_unchanged_at(__LINE__, rw, ro, &before_, #op);	\
	} while (0)

static int set_mode_raw(int fd, uint32_t work, uint32_t seed)
{
	struct kxfer_mode m = { .work = work, .seed = seed };

	return ioctl(fd, KXFER_IOC_SET_MODE, &m);
}

static int xfer_raw(int fd, unsigned long cmd, uint64_t off, uint64_t len)
{
	struct kxfer_xfer x = { .offset = off, .length = len };

	return ioctl(fd, cmd, &x);
}

static int sync_raw(int fd, unsigned long cmd, uint64_t off, uint64_t len,
		    uint32_t dir)
{
	struct kxfer_sync s = { .offset = off, .length = len,
				.direction = dir };

	return ioctl(fd, cmd, &s);
}

/* --- every mutating operation, on every backing --- */

static void mutating_ops_fail_ebadf(uint32_t backing)
{
	uint64_t len = RO_PAGES * kx_page();
	unsigned char zeros[64] = { 0 };
	struct iovec iov = { zeros, sizeof(zeros) };
	int rw, ro;

	setup(backing, &rw, &ro);
	EXPECT_REFUSED(rw, ro, write(ro, zeros, sizeof(zeros)));
	EXPECT_REFUSED(rw, ro, pwrite(ro, zeros, sizeof(zeros), 0));
	EXPECT_REFUSED(rw, ro, writev(ro, &iov, 1));
	EXPECT_REFUSED(rw, ro, pwritev(ro, &iov, 1, 64));
	EXPECT_REFUSED(rw, ro, xfer_raw(ro, KXFER_IOC_SUBMIT, 0, len));
	EXPECT_REFUSED(rw, ro, xfer_raw(ro, KXFER_IOC_SUBMIT, 0, 0));
	EXPECT_REFUSED(rw, ro, set_mode_raw(ro, KXFER_WORK_FILL, 0x99));
	EXPECT_REFUSED(rw, ro, kx_resize_raw(ro, len / 2, backing));
	EXPECT_REFUSED(rw, ro, kx_resize_raw(ro, len, backing));
	EXPECT_REFUSED(rw, ro, kx_resize_raw(ro, 2 * len, backing));
	for (uint32_t b = 0; b < KX_NR_BACKINGS; b++)
		EXPECT_REFUSED(rw, ro, kx_resize_raw(ro, len, b));
	for (uint32_t d = KXFER_SYNC_BIDIRECTIONAL;
	     d <= KXFER_SYNC_FROM_DEVICE; d++)
		EXPECT_REFUSED(rw, ro, sync_raw(ro, KXFER_IOC_SYNC_FOR_DEVICE,
						0, len, d));
	EXPECT_REFUSED(rw, ro, sync_raw(ro, KXFER_IOC_SYNC_FOR_CPU, 0, len,
					KXFER_SYNC_BIDIRECTIONAL));
	EXPECT_REFUSED(rw, ro, sync_raw(ro, KXFER_IOC_SYNC_FOR_CPU, 0, len,
					KXFER_SYNC_FROM_DEVICE));
	EXPECT_REFUSED(rw, ro, ioctl(ro, KXFER_IOC_RESET_STATS));
	teardown(rw, ro);
}

KX_EACH_BACKING(mutating_ops_fail_ebadf)

/* A fill mode set while writable stays after a refused change. */
TEST(ro_set_mode_fill_refused_keeps_checksum_mode)
{
	int rw, ro;

	setup(KXFER_BACKING_VMALLOC, &rw, &ro);
	ASSERT_OK(set_mode_raw(ro, KXFER_WORK_CHECKSUM, 3));
	EXPECT_REFUSED(rw, ro, set_mode_raw(ro, KXFER_WORK_FILL, 4));
	EXPECT_EQ(kx_get_mode(ro).work, (uint32_t)KXFER_WORK_CHECKSUM);
	teardown(rw, ro);
}

/* Argument errors may win over EBADF, but nothing may change either way. */
TEST(ro_resize_with_bad_arguments_changes_nothing)
{
	struct state before;
	int rw, ro;

	setup(KXFER_BACKING_VMALLOC, &rw, &ro);
	snapshot(rw, ro, &before);
	errno = 0;
	EXPECT_EQ(kx_resize_raw(ro, 0, KXFER_BACKING_VMALLOC), -1);
	EXPECT_TRUE(errno == EBADF || errno == EINVAL);
	errno = 0;
	EXPECT_EQ(kx_resize_raw(ro, kx_page(), KX_NR_BACKINGS), -1);
	EXPECT_TRUE(errno == EBADF || errno == EINVAL);
	expect_unchanged_at(__LINE__, rw, ro, &before, "RESIZE with bad arguments");
	teardown(rw, ro);
}

/* The VFS refuses shared writable mappings of a read-only file. */
TEST(ro_shared_writable_mapping_fails_eacces)
{
	uint64_t len = RO_PAGES * kx_page();
	int rw, ro;
	void *m;

	setup(KXFER_BACKING_VMALLOC, &rw, &ro);
	EXPECT_MAP_ERRNO(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			      ro, 0), EACCES);
	m = kx_map(ro, len, 0, PROT_READ, MAP_SHARED);
	EXPECT_ERRNO(mprotect(m, len, PROT_READ | PROT_WRITE), EACCES);
	ASSERT_OK(munmap(m, len));
	kx_expect_pattern(rw, 0, len, SEED, "buffer after the refused mappings");
	teardown(rw, ro);
}

/* --- every allowed operation, on every backing --- */

static void allowed_ops_work(uint32_t backing)
{
	uint64_t len = RO_PAGES * kx_page();
	unsigned char *buf = kx_alloc(len);
	struct kxfer_info info;
	struct kxfer_stats st;
	struct kxfer_xfer x;
	struct iovec iov;
	int rw, ro;
	void *m;

	setup(backing, &rw, &ro);
	kx_info(ro, &info);
	EXPECT_EQ(info.buf_size, len);
	EXPECT_EQ(info.backing, backing);

	ASSERT_EQ(pread(ro, buf, len, 0), (ssize_t)len);
	kx_expect_pattern_mem(buf, 0, len, SEED, "pread() on a read-only file");
	iov = (struct iovec){ buf, len - 100 };
	ASSERT_EQ(preadv(ro, &iov, 1, 100), (ssize_t)(len - 100));
	kx_expect_pattern_mem(buf, 100, len - 100, SEED,
			      "preadv() on a read-only file");

	/* FETCH (without fill: a read-only file cannot select it). */
	ASSERT_OK(set_mode_raw(ro, KXFER_WORK_NONE, 0));
	EXPECT_OK(xfer_raw(ro, KXFER_IOC_FETCH, 0, len));
	ASSERT_OK(set_mode_raw(ro, KXFER_WORK_CHECKSUM, 0));
	EXPECT_EQ(kx_get_mode(ro).work, (uint32_t)KXFER_WORK_CHECKSUM);
	x = (struct kxfer_xfer){ .offset = 7, .length = len - 20 };
	ASSERT_OK(ioctl(ro, KXFER_IOC_FETCH, &x));
	kx_pattern_fill(buf, 0, len, SEED);
	EXPECT_EQ(x.csum, kx_crc32c(KX_CRC32C_INIT, buf + 7, len - 20));

	kx_get_stats(ro, &st);
	EXPECT_GE(st.calls[KXFER_PATH_FETCH], 2ull);

	EXPECT_OK(sync_raw(ro, KXFER_IOC_SYNC_FOR_CPU, 0, len,
			   KXFER_SYNC_TO_DEVICE));

	m = kx_map(ro, len, 0, PROT_READ, MAP_SHARED);
	for (uint64_t off = 0; off < len; off += 8) {
		uint64_t got = *(volatile uint64_t *)((char *)m + off), want;

		memcpy(&want, buf + off, 8);
		if (got != want) {
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "read-only mapping: word at offset %" PRIu64 " is %#" PRIx64 ", expected %#" PRIx64,
				    off, got, want);
			break;
		}
	}
	ASSERT_OK(munmap(m, len));
	free(buf);
	/* None of it changed the buffer. */
	kx_expect_pattern(rw, 0, len, SEED, "buffer after the allowed operations");
	EXPECT_EQ(kx_size(rw), len);
	teardown(rw, ro);
}
KX_EACH_BACKING(allowed_ops_work)

/* A writable file on the same device still does everything. */
TEST(ro_file_does_not_restrict_writable_file)
{
	int rw, ro;

	setup(KXFER_BACKING_VMALLOC, &rw, &ro);
	EXPECT_ERRNO(set_mode_raw(ro, KXFER_WORK_FILL, 1), EBADF);
	EXPECT_OK(set_mode_raw(rw, KXFER_WORK_FILL, 1));
	EXPECT_OK(xfer_raw(rw, KXFER_IOC_SUBMIT, 0, kx_page()));
	EXPECT_OK(sync_raw(rw, KXFER_IOC_SYNC_FOR_DEVICE, 0, kx_page(),
			   KXFER_SYNC_TO_DEVICE));
	EXPECT_OK(ioctl(rw, KXFER_IOC_RESET_STATS));
	kx_resize_to(rw, 2 * kx_page(), KXFER_BACKING_PAGES);
	EXPECT_EQ(kx_size(ro), 2 * (uint64_t)kx_page());
	teardown(rw, ro);
}

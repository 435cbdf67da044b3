// SPDX-License-Identifier: GPL-2.0
/*
 * GET_STATS/RESET_STATS and sysfs.  After a reset, every counter must
 * move by exactly what the test did and nothing else; sysfs must show the
 * same numbers as the ioctls.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 70
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

#define RW (PROT_READ | PROT_WRITE)

/*
 * Counters a test expects after its work; every slot not named must be
 * zero (the device is idle apart from the test).
 */
struct want {
	uint64_t bytes[KXFER_NR_PATHS];
	uint64_t calls[KXFER_NR_PATHS];
};

static void expect_stats(int fd, const struct want *w)
{
	struct kxfer_stats st;

	kx_get_stats(fd, &st);
	for (int p = 0; p < KXFER_NR_PATHS; p++) {
		if (st.bytes[p] != w->bytes[p] || st.calls[p] != w->calls[p])
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "path %s: expected %llu bytes in %llu calls, got %llu bytes in %llu calls",
				    kx_path_name(p),
				    (unsigned long long)w->bytes[p],
				    (unsigned long long)w->calls[p],
				    (unsigned long long)st.bytes[p],
				    (unsigned long long)st.calls[p]);
	}
	for (int s = KXFER_NR_PATHS; s < KXFER_STATS_SLOTS; s++)
		if (st.bytes[s] || st.calls[s])
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "unused slot %d: bytes %llu calls %llu, expected 0",
				    s, (unsigned long long)st.bytes[s],
				    (unsigned long long)st.calls[s]);
}

static int fresh(void)
{
	int fd = kx_open();

	kx_reset_stats(fd);
	return fd;
}

TEST(reset_stats_zeroes_every_counter)
{
	int fd = kx_open();
	struct want w = { 0 };
	char buf[100];

	ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	kx_reset_stats(fd);
	expect_stats(fd, &w);
}

TEST(stats_count_read_bytes_and_calls)
{
	int fd = fresh();
	uint64_t size = kx_size(fd);
	struct want w = { 0 };
	char buf[3000];

	ASSERT_EQ(pread(fd, buf, 1000, 0), (ssize_t)1000);
	ASSERT_EQ(read(fd, buf, 3000), (ssize_t)3000);
	ASSERT_EQ(pread(fd, buf, 3000, size - 10), (ssize_t)10);	/* short */
	w.bytes[KXFER_PATH_READ] = 4010;
	w.calls[KXFER_PATH_READ] = 3;
	expect_stats(fd, &w);
}

TEST(stats_count_eof_read_as_call_with_zero_bytes)
{
	int fd = fresh();
	uint64_t size = kx_size(fd);
	struct want w = { 0 };
	char buf[10];

	ASSERT_EQ(pread(fd, buf, sizeof(buf), size), (ssize_t)0);
	w.calls[KXFER_PATH_READ] = 1;
	expect_stats(fd, &w);
}

TEST(stats_count_write_bytes_and_calls)
{
	int fd = fresh();
	struct want w = { 0 };
	char buf[5000] = { 0 };

	ASSERT_EQ(pwrite(fd, buf, 5000, 10), (ssize_t)5000);
	ASSERT_EQ(write(fd, buf, 1), (ssize_t)1);
	w.bytes[KXFER_PATH_WRITE] = 5001;
	w.calls[KXFER_PATH_WRITE] = 2;
	expect_stats(fd, &w);
}

TEST(stats_do_not_count_failed_calls)
{
	int fd = fresh();
	uint64_t size = kx_size(fd);
	struct kxfer_xfer x = { .offset = size, .length = 1 };
	struct want w = { 0 };
	char c = 0;

	ASSERT_ERRNO(pwrite(fd, &c, 1, size), ENOSPC);
	ASSERT_ERRNO(read(fd, kx_bad_ptr(), 10), EFAULT);
	ASSERT_ERRNO(ioctl(fd, KXFER_IOC_SUBMIT, &x), EINVAL);
	ASSERT_ERRNO(ioctl(fd, KXFER_IOC_FETCH, &x), EINVAL);
	ASSERT_MAP_ERRNO(mmap(NULL, kx_page(), RW, MAP_SHARED, fd,
			      (off_t)size), EINVAL);
	expect_stats(fd, &w);
}

TEST(stats_count_readv_writev_as_iter_paths)
{
	int fd = fresh();
	struct want w = { 0 };
	char buf[3000];
	struct iovec iov[2] = { { buf, 1000 }, { buf + 1000, 2000 } };

	ASSERT_EQ(preadv(fd, iov, 2, 0), (ssize_t)3000);
	ASSERT_EQ(readv(fd, iov, 1), (ssize_t)1000);
	ASSERT_EQ(pwritev(fd, iov, 2, 100), (ssize_t)3000);
	w.bytes[KXFER_PATH_READ_ITER] = 4000;
	w.calls[KXFER_PATH_READ_ITER] = 2;
	w.bytes[KXFER_PATH_WRITE_ITER] = 3000;
	w.calls[KXFER_PATH_WRITE_ITER] = 1;
	expect_stats(fd, &w);
}

/*
 * splice moves the bytes through .read_iter/.write_iter; how many calls
 * the kernel makes for one splice() is its business, so only bytes are
 * exact here, and no other path may move.
 */
TEST(stats_count_splice_as_iter_paths)
{
	int fd = fresh(), p[2];
	struct kxfer_stats st;
	loff_t off = 0;

	ASSERT_OK(pipe(p));
	ASSERT_EQ(splice(fd, &off, p[1], NULL, 8192, 0), (ssize_t)8192);
	off = 100000;
	ASSERT_EQ(splice(p[0], NULL, fd, &off, 8192, 0), (ssize_t)8192);
	kx_get_stats(fd, &st);
	EXPECT_EQ(st.bytes[KXFER_PATH_READ_ITER], 8192ull);
	EXPECT_GE(st.calls[KXFER_PATH_READ_ITER], 1ull);
	EXPECT_EQ(st.bytes[KXFER_PATH_WRITE_ITER], 8192ull);
	EXPECT_GE(st.calls[KXFER_PATH_WRITE_ITER], 1ull);
	for (int q = 0; q < KXFER_STATS_SLOTS; q++)
		if (q != KXFER_PATH_READ_ITER && q != KXFER_PATH_WRITE_ITER)
			EXPECT_EQ(st.bytes[q] + st.calls[q], 0ull);
}

TEST(stats_count_submit_and_fetch)
{
	int fd = fresh();
	struct want w = { 0 };
	struct kxfer_xfer a = { .offset = 10, .length = 1000 };
	struct kxfer_xfer b = { .offset = 0, .length = 0 };
	struct kxfer_xfer c = { .offset = 4096, .length = 8192 };

	ASSERT_OK(ioctl(fd, KXFER_IOC_SUBMIT, &a));
	ASSERT_OK(ioctl(fd, KXFER_IOC_SUBMIT, &b));
	ASSERT_OK(ioctl(fd, KXFER_IOC_FETCH, &c));
	w.bytes[KXFER_PATH_SUBMIT] = 1000;
	w.calls[KXFER_PATH_SUBMIT] = 2;
	w.bytes[KXFER_PATH_FETCH] = 8192;
	w.calls[KXFER_PATH_FETCH] = 1;
	expect_stats(fd, &w);
}

/* Touch each page once: one fault per page, no fault-around assumed. */
TEST(stats_count_mmap_calls_and_faults)
{
	int fd = fresh();
	size_t ps = kx_page();
	struct want w = { 0 };
	volatile char *m = kx_map(fd, 3 * ps, 0, RW, MAP_SHARED);
	void *m2 = kx_map(fd, ps, 0, PROT_READ, MAP_SHARED);

	(void)m[0];
	m[2 * ps] = 1;
	(void)m2;
	w.bytes[KXFER_PATH_MMAP] = 4 * ps;
	w.calls[KXFER_PATH_MMAP] = 2;
	w.bytes[KXFER_PATH_FAULT] = 2 * ps;
	w.calls[KXFER_PATH_FAULT] = 2;
	expect_stats(fd, &w);
}

TEST(stats_are_per_device_not_per_file)
{
	int a = fresh(), b = kx_open();
	struct want w = { 0 };
	char buf[100];

	ASSERT_EQ(pread(b, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	w.bytes[KXFER_PATH_READ] = sizeof(buf);
	w.calls[KXFER_PATH_READ] = 1;
	expect_stats(a, &w);
}

/* --- sysfs --- */

TEST(sysfs_buf_size_matches_info)
{
	int fd = kx_open();

	ASSERT_EQ(kx_sysfs_u64("buf_size"), kx_size(fd));
}

TEST(sysfs_buf_size_follows_resize)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);

	kx_require_size(fd, 4 * kx_page());
	kx_resize(fd, 2 * kx_page());
	EXPECT_EQ(kx_sysfs_u64("buf_size"), (uint64_t)(2 * kx_page()));
	kx_resize(fd, size);
	EXPECT_EQ(kx_sysfs_u64("buf_size"), size);
}

TEST(sysfs_nr_mappings_matches_info)
{
	int fd = kx_open();
	size_t ps = kx_page();
	void *m;

	ASSERT_EQ(kx_sysfs_u64("nr_mappings"), 0ull);
	m = kx_map(fd, ps, 0, RW, MAP_SHARED);
	kx_map(fd, ps, 0, RW, MAP_SHARED);
	ASSERT_EQ(kx_sysfs_u64("nr_mappings"), 2ull);
	ASSERT_OK(munmap(m, ps));
	ASSERT_EQ(kx_sysfs_u64("nr_mappings"), 1ull);
}

/*
 * The contract does not fix the text of "backing"; accept the number of
 * KXFER_BACKING_* or its name, and nothing else.
 */
TEST(sysfs_backing_matches_info)
{
	struct kxfer_info info;
	char buf[64], num[16];
	int r;

	kx_info(kx_open(), &info);
	r = kx_sysfs_read("backing", buf, sizeof(buf));
	if (r < 0)
		FAIL("reading %s: %s", kx_sysfs_path("backing"),
		     kxt_errstr(-r));
	snprintf(num, sizeof(num), "%u", info.backing);
	if (strcmp(buf, num) &&
	    !(info.backing == KXFER_BACKING_VMALLOC && !strcmp(buf, "vmalloc")))
		FAIL("%s holds '%s', INFO.backing is %u",
		     kx_sysfs_path("backing"), buf, info.backing);
}

TEST(sysfs_stats_files_match_get_stats)
{
	int fd = fresh();
	size_t ps = kx_page();
	struct kxfer_stats st;
	struct kxfer_xfer x = { .offset = 0, .length = 777 };
	struct iovec iov = { kx_alloc(500), 500 };
	char buf[1234] = { 0 };
	volatile char *m;

	/* give every path a distinct non-zero count */
	ASSERT_EQ(pread(fd, buf, 1234, 0), (ssize_t)1234);
	ASSERT_EQ(pwrite(fd, buf, 321, 0), (ssize_t)321);
	ASSERT_EQ(preadv(fd, &iov, 1, 0), (ssize_t)500);
	ASSERT_EQ(pwritev(fd, &iov, 1, 0), (ssize_t)500);
	ASSERT_OK(ioctl(fd, KXFER_IOC_SUBMIT, &x));
	x.length = 999;
	ASSERT_OK(ioctl(fd, KXFER_IOC_FETCH, &x));
	m = kx_map(fd, 2 * ps, 0, RW, MAP_SHARED);
	m[0] = 1;

	kx_get_stats(fd, &st);
	for (int p = 0; p < KXFER_NR_PATHS; p++) {
		char attr[64];
		uint64_t v;

		snprintf(attr, sizeof(attr), "stats/%s_bytes", kx_path_name(p));
		v = kx_sysfs_u64(attr);
		EXPECT_EQ(v, (uint64_t)st.bytes[p]);
		snprintf(attr, sizeof(attr), "stats/%s_calls", kx_path_name(p));
		v = kx_sysfs_u64(attr);
		EXPECT_EQ(v, (uint64_t)st.calls[p]);
		if (!st.calls[p])
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "path %s has no calls; the comparison proves nothing",
				    kx_path_name(p));
	}
}

TEST(sysfs_device_dev_matches_node)
{
	struct stat sb;
	char buf[64];
	unsigned int maj, min;
	int r;

	ASSERT_OK(stat(kx_dev, &sb));
	r = kx_sysfs_read("dev", buf, sizeof(buf));
	if (r < 0)
		FAIL("reading %s: %s", kx_sysfs_path("dev"), kxt_errstr(-r));
	ASSERT_EQ(sscanf(buf, "%u:%u", &maj, &min), 2);
	ASSERT_EQ(maj, major(sb.st_rdev));
	ASSERT_EQ(min, minor(sb.st_rdev));
}

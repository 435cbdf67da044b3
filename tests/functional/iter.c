// SPDX-License-Identifier: GPL-2.0
/*
 * The iov_iter paths (.read_iter/.write_iter): readv/writev,
 * preadv/pwritev, splice between a pipe and the device, sendfile from the
 * device to a pipe and to a file.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 30
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

static off_t pos_of(int fd)
{
	return ASSERT_OK(lseek(fd, 0, SEEK_CUR));
}

/* Three segments of awkward sizes over one contiguous byte range. */
static const size_t seg_len[3] = { 1, 4097, 333 };
#define SEG_TOTAL (1 + 4097 + 333)

static void setup_iov(struct iovec *iov, char *base)
{
	size_t at = 0;

	for (int i = 0; i < 3; i++) {
		iov[i].iov_base = base + at;
		iov[i].iov_len = seg_len[i];
		at += seg_len[i];
	}
}

TEST(readv_fills_iovecs_in_order)
{
	int fd = kx_open();
	char buf[SEG_TOTAL];
	struct iovec iov[3];
	off_t at = 12345;

	kx_put_pattern(fd, at, SEG_TOTAL, 0x3001);
	setup_iov(iov, buf);
	ASSERT_EQ(lseek(fd, at, SEEK_SET), at);
	ASSERT_EQ(readv(fd, iov, 3), (ssize_t)SEG_TOTAL);
	kx_expect_pattern_mem(buf, at, SEG_TOTAL, 0x3001, "readv() data");
	ASSERT_EQ(pos_of(fd), at + SEG_TOTAL);
}

TEST(writev_takes_iovecs_in_order)
{
	int fd = kx_open();
	char buf[SEG_TOTAL];
	struct iovec iov[3];
	off_t at = 54321;

	kx_pattern_fill(buf, at, SEG_TOTAL, 0x3002);
	setup_iov(iov, buf);
	ASSERT_EQ(lseek(fd, at, SEEK_SET), at);
	ASSERT_EQ(writev(fd, iov, 3), (ssize_t)SEG_TOTAL);
	ASSERT_EQ(pos_of(fd), at + SEG_TOTAL);
	kx_expect_pattern(fd, at, SEG_TOTAL, 0x3002, "bytes from writev()");
}

TEST(preadv_reads_at_offset_and_keeps_position)
{
	int fd = kx_open();
	char buf[SEG_TOTAL];
	struct iovec iov[3];
	off_t at = 3 * 4096 + 1;

	kx_put_pattern(fd, at, SEG_TOTAL, 0x3003);
	setup_iov(iov, buf);
	ASSERT_EQ(preadv(fd, iov, 3, at), (ssize_t)SEG_TOTAL);
	kx_expect_pattern_mem(buf, at, SEG_TOTAL, 0x3003, "preadv() data");
	ASSERT_EQ(pos_of(fd), (off_t)0);
}

TEST(pwritev_writes_at_offset_and_keeps_position)
{
	int fd = kx_open();
	char buf[SEG_TOTAL];
	struct iovec iov[3];
	off_t at = 5 * 4096 + 7;

	kx_pattern_fill(buf, at, SEG_TOTAL, 0x3004);
	setup_iov(iov, buf);
	ASSERT_EQ(pwritev(fd, iov, 3, at), (ssize_t)SEG_TOTAL);
	ASSERT_EQ(pos_of(fd), (off_t)0);
	kx_expect_pattern(fd, at, SEG_TOTAL, 0x3004, "bytes from pwritev()");
}

TEST(readv_crossing_end_returns_short_count)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[SEG_TOTAL];
	struct iovec iov[3];
	off_t at = (off_t)size - 2000;	/* ends inside the second segment */

	kx_put_pattern(fd, at, 2000, 0x3005);
	setup_iov(iov, buf);
	ASSERT_EQ(preadv(fd, iov, 3, at), (ssize_t)2000);
	kx_expect_pattern_mem(buf, at, 2000, 0x3005, "short preadv() data");
}

TEST(readv_at_end_returns_zero)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[SEG_TOTAL];
	struct iovec iov[3];

	setup_iov(iov, buf);
	ASSERT_EQ(preadv(fd, iov, 3, (off_t)size), (ssize_t)0);
}

TEST(writev_crossing_end_returns_short_count)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[SEG_TOTAL];
	struct iovec iov[3];
	off_t at = (off_t)size - 2000;

	kx_pattern_fill(buf, at, SEG_TOTAL, 0x3006);
	setup_iov(iov, buf);
	ASSERT_EQ(pwritev(fd, iov, 3, at), (ssize_t)2000);
	kx_expect_pattern(fd, at, 2000, 0x3006, "short pwritev() data");
}

TEST(writev_at_end_fails_enospc)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[SEG_TOTAL] = { 0 };
	struct iovec iov[3];

	setup_iov(iov, buf);
	ASSERT_EQ(lseek(fd, (off_t)size, SEEK_SET), (off_t)size);
	ASSERT_ERRNO(writev(fd, iov, 3), ENOSPC);
}

TEST(readv_into_unmapped_buffer_fails_efault)
{
	int fd = kx_open();
	struct iovec iov = { .iov_base = kx_bad_ptr(), .iov_len = 100 };

	ASSERT_ERRNO(readv(fd, &iov, 1), EFAULT);
	ASSERT_EQ(pos_of(fd), (off_t)0);
}

TEST(writev_from_unmapped_buffer_fails_efault)
{
	int fd = kx_open();
	struct iovec iov = { .iov_base = kx_bad_ptr(), .iov_len = 100 };

	ASSERT_ERRNO(writev(fd, &iov, 1), EFAULT);
	ASSERT_EQ(pos_of(fd), (off_t)0);
}

TEST(failed_writev_leaves_buffer_unchanged)
{
	int fd = kx_open();
	struct iovec iov = { .iov_base = kx_bad_ptr(), .iov_len = 100 };

	kx_put_byte(fd, 0, 100, 0x5a);
	ASSERT_ERRNO(writev(fd, &iov, 1), EFAULT);
	kx_expect_byte(fd, 0, 100, 0x5a, "device bytes after faulting writev");
}

/* The first segment is fine, the second faults: exactly segment 1 moves. */
TEST(readv_partial_fault_returns_bytes_done)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *good = kx_alloc(ps);
	struct iovec iov[2] = {
		{ .iov_base = good, .iov_len = ps },
		{ .iov_base = kx_bad_ptr(), .iov_len = ps },
	};

	kx_put_pattern(fd, 0, 2 * ps, 0x3007);
	ASSERT_EQ(readv(fd, iov, 2), (ssize_t)ps);
	kx_expect_pattern_mem(good, 0, ps, 0x3007, "first readv() segment");
	ASSERT_EQ(pos_of(fd), (off_t)ps);
}

TEST(writev_partial_fault_returns_bytes_done)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *good = kx_alloc(ps);
	struct iovec iov[2] = {
		{ .iov_base = good, .iov_len = ps },
		{ .iov_base = kx_bad_ptr(), .iov_len = ps },
	};

	kx_put_byte(fd, 0, 2 * ps, 0xee);
	kx_pattern_fill(good, 0, ps, 0x3008);
	ASSERT_EQ(writev(fd, iov, 2), (ssize_t)ps);
	ASSERT_EQ(pos_of(fd), (off_t)ps);
	kx_expect_pattern(fd, 0, ps, 0x3008, "first writev() segment");
	kx_expect_byte(fd, ps, ps, 0xee, "bytes past the count writev() returned");
}

/* Read exactly len bytes from a pipe. */
static void pipe_read_all(int rfd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(rfd, buf + got, len - got);

		if (n <= 0)
			FAIL("reading the pipe: got %zu of %zu bytes, then %s",
			     got, len, n < 0 ? kxt_errstr(errno) : "EOF");
		got += n;
	}
}

TEST(splice_device_to_pipe_moves_bytes_at_offset)
{
	int fd = kx_open(), p[2];
	char buf[3000];
	loff_t off = 5 * 4096 + 3;
	const loff_t start = off;

	ASSERT_OK(pipe(p));
	kx_put_pattern(fd, off, sizeof(buf), 0x3009);
	ASSERT_EQ(splice(fd, &off, p[1], NULL, sizeof(buf), 0),
		  (ssize_t)sizeof(buf));
	ASSERT_EQ(off, start + (loff_t)sizeof(buf));
	pipe_read_all(p[0], buf, sizeof(buf));
	kx_expect_pattern_mem(buf, start, sizeof(buf), 0x3009,
			      "bytes spliced into the pipe");
	ASSERT_EQ(pos_of(fd), (off_t)0);
}

TEST(splice_device_to_pipe_at_end_returns_zero)
{
	int fd = kx_open(), p[2];
	loff_t off = (loff_t)kx_size(fd);

	ASSERT_OK(pipe(p));
	ASSERT_EQ(splice(fd, &off, p[1], NULL, 4096, SPLICE_F_NONBLOCK),
		  (ssize_t)0);
}

TEST(splice_pipe_to_device_stores_bytes_at_offset)
{
	int fd = kx_open(), p[2];
	char buf[3000];
	loff_t off = 7 * 4096 + 11;
	const loff_t start = off;

	ASSERT_OK(pipe(p));
	kx_pattern_fill(buf, off, sizeof(buf), 0x300a);
	ASSERT_EQ(write(p[1], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	ASSERT_EQ(splice(p[0], NULL, fd, &off, sizeof(buf), 0),
		  (ssize_t)sizeof(buf));
	ASSERT_EQ(off, start + (loff_t)sizeof(buf));
	ASSERT_EQ(pos_of(fd), (off_t)0);
	kx_expect_pattern(fd, start, sizeof(buf), 0x300a,
			  "bytes spliced into the device");
}

TEST(splice_pipe_to_device_at_end_fails_enospc)
{
	int fd = kx_open(), p[2];
	loff_t off = (loff_t)kx_size(fd);

	ASSERT_OK(pipe(p));
	ASSERT_EQ(write(p[1], "abcd", 4), (ssize_t)4);
	ASSERT_ERRNO(splice(p[0], NULL, fd, &off, 4, 0), ENOSPC);
}

TEST(sendfile_device_to_pipe_copies_bytes)
{
	int fd = kx_open(), p[2];
	char buf[5000];
	off_t off = 9 * 4096 + 1;

	ASSERT_OK(pipe(p));
	kx_put_pattern(fd, off, sizeof(buf), 0x300b);
	ASSERT_EQ(sendfile(p[1], fd, &off, sizeof(buf)), (ssize_t)sizeof(buf));
	ASSERT_EQ(off, (off_t)(9 * 4096 + 1 + sizeof(buf)));
	pipe_read_all(p[0], buf, sizeof(buf));
	kx_expect_pattern_mem(buf, 9 * 4096 + 1, sizeof(buf), 0x300b,
			      "bytes sendfile()d into the pipe");
}

TEST(sendfile_device_to_file_copies_bytes)
{
	int fd = kx_open(), out = kx_tmpfile();
	char buf[70000];
	off_t off = 4096 + 17;

	kx_put_pattern(fd, off, sizeof(buf), 0x300c);
	ASSERT_EQ(sendfile(out, fd, &off, sizeof(buf)), (ssize_t)sizeof(buf));
	ASSERT_EQ(pread(out, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	kx_expect_pattern_mem(buf, 4096 + 17, sizeof(buf), 0x300c,
			      "file written by sendfile()");
}

TEST(sendfile_without_offset_advances_position)
{
	int fd = kx_open(), out = kx_tmpfile();
	char buf[1000];
	off_t at = 2 * 4096 - 5;

	kx_put_pattern(fd, at, sizeof(buf), 0x300d);
	ASSERT_EQ(lseek(fd, at, SEEK_SET), at);
	ASSERT_EQ(sendfile(out, fd, NULL, sizeof(buf)), (ssize_t)sizeof(buf));
	ASSERT_EQ(pos_of(fd), at + (off_t)sizeof(buf));
	ASSERT_EQ(pread(out, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	kx_expect_pattern_mem(buf, at, sizeof(buf), 0x300d,
			      "file written by sendfile()");
}

/* Copying "the whole file" the way cp-like tools do ends at the size. */
TEST(sendfile_whole_device_stops_at_end)
{
	int fd = kx_open(), out = kx_tmpfile();
	uint64_t size = kx_size(fd), total = 0;
	char *buf = kx_alloc(size);
	ssize_t n;

	kx_put_pattern(fd, 0, size, 0x300e);
	while ((n = sendfile(out, fd, NULL, size + 65536)) > 0)
		total += n;
	ASSERT_EQ(n, (ssize_t)0);
	ASSERT_EQ(total, size);
	ASSERT_EQ(pread(out, buf, size, 0), (ssize_t)size);
	kx_expect_pattern_mem(buf, 0, size, 0x300e, "copy of the whole device");
}

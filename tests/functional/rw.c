// SPDX-License-Identifier: GPL-2.0
/*
 * read()/write()/pread()/pwrite(): the device must behave like a fixed-size
 * file (short counts at the end, 0 at EOF, ENOSPC for writes at or past
 * the end) and report faults as EFAULT, or as the bytes done when some
 * progress was made.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 10
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

static off_t pos_of(int fd)
{
	return ASSERT_OK(lseek(fd, 0, SEEK_CUR));
}

TEST(open_starts_at_position_zero)
{
	int fd = kx_open();

	ASSERT_EQ(pos_of(fd), (off_t)0);
}

TEST(pwrite_then_pread_returns_same_bytes)
{
	int fd = kx_open();
	size_t ps = kx_page(), len = 10000;
	uint64_t off = 3 * ps + 5;	/* unaligned on purpose */

	kx_require_size(fd, off + len);
	kx_put_pattern(fd, off, len, 0x1001);
	kx_expect_pattern(fd, off, len, 0x1001, "pread after pwrite");
}

TEST(read_advances_file_position)
{
	int fd = kx_open();
	char buf[1000];

	kx_require_size(fd, 2 * sizeof(buf));
	kx_put_pattern(fd, 0, 2 * sizeof(buf), 0x1002);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	ASSERT_EQ(pos_of(fd), (off_t)sizeof(buf));
	ASSERT_EQ(read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	kx_expect_pattern_mem(buf, sizeof(buf), sizeof(buf), 0x1002,
			      "second read()");
	ASSERT_EQ(pos_of(fd), (off_t)(2 * sizeof(buf)));
}

TEST(write_advances_file_position)
{
	int fd = kx_open();
	char buf[1000];

	kx_require_size(fd, 2 * sizeof(buf));
	kx_pattern_fill(buf, 0, sizeof(buf), 0x1003);
	ASSERT_EQ(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	ASSERT_EQ(pos_of(fd), (off_t)sizeof(buf));
	kx_pattern_fill(buf, sizeof(buf), sizeof(buf), 0x1003);
	ASSERT_EQ(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	ASSERT_EQ(pos_of(fd), (off_t)(2 * sizeof(buf)));
	kx_expect_pattern(fd, 0, 2 * sizeof(buf), 0x1003,
			  "bytes of two consecutive write() calls");
}

TEST(read_at_end_returns_zero)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[64];

	ASSERT_EQ(lseek(fd, (off_t)size, SEEK_SET), (off_t)size);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), (ssize_t)0);
	ASSERT_EQ(pos_of(fd), (off_t)size);
}

TEST(pread_past_end_returns_zero)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[64];

	ASSERT_EQ(pread(fd, buf, sizeof(buf), (off_t)(size + kx_page())),
		  (ssize_t)0);
}

TEST(read_crossing_end_returns_short_count)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[4096];

	kx_put_pattern(fd, size - 100, 100, 0x1004);
	ASSERT_EQ(lseek(fd, (off_t)(size - 100), SEEK_SET),
		  (off_t)(size - 100));
	ASSERT_EQ(read(fd, buf, sizeof(buf)), (ssize_t)100);
	kx_expect_pattern_mem(buf, size - 100, 100, 0x1004,
			      "short read at the end");
	ASSERT_EQ(pos_of(fd), (off_t)size);
}

TEST(read_more_than_size_returns_size)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char *buf = kx_alloc(size + kx_page());

	kx_put_pattern(fd, 0, size, 0x1005);
	ASSERT_EQ(read(fd, buf, size + kx_page()), (ssize_t)size);
	kx_expect_pattern_mem(buf, 0, size, 0x1005, "whole-buffer read()");
}

TEST(write_crossing_end_returns_short_count)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[4096];

	kx_pattern_fill(buf, size - 100, sizeof(buf), 0x1006);
	ASSERT_EQ(lseek(fd, (off_t)(size - 100), SEEK_SET),
		  (off_t)(size - 100));
	ASSERT_EQ(write(fd, buf, sizeof(buf)), (ssize_t)100);
	ASSERT_EQ(pos_of(fd), (off_t)size);
	kx_expect_pattern(fd, size - 100, 100, 0x1006,
			  "bytes of a short write at the end");
}

TEST(write_exactly_to_end_succeeds)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[512];

	kx_pattern_fill(buf, size - sizeof(buf), sizeof(buf), 0x1007);
	ASSERT_EQ(pwrite(fd, buf, sizeof(buf), (off_t)(size - sizeof(buf))),
		  (ssize_t)sizeof(buf));
	kx_expect_pattern(fd, size - sizeof(buf), sizeof(buf), 0x1007,
			  "write ending exactly at the end");
}

TEST(write_at_end_fails_enospc)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char c = 'x';

	ASSERT_EQ(lseek(fd, (off_t)size, SEEK_SET), (off_t)size);
	ASSERT_ERRNO(write(fd, &c, 1), ENOSPC);
	ASSERT_EQ(pos_of(fd), (off_t)size);
}

TEST(pwrite_past_end_fails_enospc)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char c = 'x';

	ASSERT_ERRNO(pwrite(fd, &c, 1, (off_t)(size + kx_page())), ENOSPC);
}

TEST(zero_length_read_returns_zero)
{
	int fd = kx_open();
	char c;

	ASSERT_EQ(pread(fd, &c, 0, 100), (ssize_t)0);
	ASSERT_EQ(read(fd, &c, 0), (ssize_t)0);
	ASSERT_EQ(pos_of(fd), (off_t)0);
}

TEST(zero_length_write_returns_zero)
{
	int fd = kx_open();
	char c = 0;

	ASSERT_EQ(pwrite(fd, &c, 0, 100), (ssize_t)0);
	ASSERT_EQ(write(fd, &c, 0), (ssize_t)0);
	ASSERT_EQ(pos_of(fd), (off_t)0);
}

TEST(read_into_unmapped_buffer_fails_efault)
{
	int fd = kx_open();

	ASSERT_ERRNO(read(fd, kx_bad_ptr(), 100), EFAULT);
	ASSERT_EQ(pos_of(fd), (off_t)0);
}

TEST(write_from_unmapped_buffer_fails_efault)
{
	int fd = kx_open();

	ASSERT_ERRNO(write(fd, kx_bad_ptr(), 100), EFAULT);
	ASSERT_EQ(pos_of(fd), (off_t)0);
}

/*
 * A write() that failed wrote nothing.  (copy_from_user() straight into
 * the buffer zero-fills what it could not copy, which breaks this.)
 */
TEST(failed_write_leaves_buffer_unchanged)
{
	int fd = kx_open();

	kx_put_byte(fd, 0, 100, 0x5a);
	ASSERT_ERRNO(write(fd, kx_bad_ptr(), 100), EFAULT);
	kx_expect_byte(fd, 0, 100, 0x5a, "device bytes after a faulting write");
}

/*
 * A user buffer whose second page is PROT_NONE: the copy stops somewhere
 * in the first page or at its end (copy granularity varies by arch), and
 * the call must report exactly the bytes it moved.
 */
TEST(read_partial_fault_returns_bytes_done)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *buf = kx_guarded(ps, ps);
	ssize_t n;

	kx_require_size(fd, 2 * ps);
	kx_put_pattern(fd, 0, 2 * ps, 0x1008);
	n = read(fd, buf, 2 * ps);
	if (n < 0)
		FAIL("read() of 2 pages into 1 good + 1 PROT_NONE page failed with %s, expected the bytes done",
		     kxt_errstr(errno));
	ASSERT_GT(n, (ssize_t)0);
	ASSERT_LT(n, (ssize_t)(2 * ps));
	kx_expect_pattern_mem(buf, 0, n, 0x1008, "bytes reported read");
	ASSERT_EQ(pos_of(fd), (off_t)n);
	kxt_diag("partial read returned %zd of %zu bytes", n, 2 * ps);
}

TEST(write_partial_fault_returns_bytes_done)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *buf = kx_guarded(ps, ps);
	ssize_t n;

	kx_require_size(fd, 2 * ps);
	kx_put_byte(fd, 0, 2 * ps, 0xee);
	kx_pattern_fill(buf, 0, ps, 0x1009);
	n = write(fd, buf, 2 * ps);
	if (n < 0)
		FAIL("write() of 2 pages from 1 good + 1 PROT_NONE page failed with %s, expected the bytes done",
		     kxt_errstr(errno));
	ASSERT_GT(n, (ssize_t)0);
	ASSERT_LT(n, (ssize_t)(2 * ps));
	ASSERT_EQ(pos_of(fd), (off_t)n);
	kx_expect_pattern(fd, 0, n, 0x1009, "bytes reported written");
	kxt_diag("partial write returned %zd of %zu bytes", n, 2 * ps);
}

/*
 * Bytes a write() did not report as written must keep their old value,
 * as in a file.  (A driver that copy_from_user()s straight into its buffer
 * gets the uncopied tail zeroed by copy_from_user and fails here.)
 */
TEST(write_partial_fault_leaves_rest_unchanged)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *buf = kx_guarded(ps, ps);
	ssize_t n;

	kx_require_size(fd, 2 * ps);
	kx_put_byte(fd, 0, 2 * ps, 0xee);
	kx_pattern_fill(buf, 0, ps, 0x100a);
	n = write(fd, buf, 2 * ps);
	ASSERT_GT(n, (ssize_t)0);
	ASSERT_LT(n, (ssize_t)(2 * ps));
	kx_expect_byte(fd, n, 2 * ps - n, 0xee,
		       "device bytes past the count write() returned");
}

TEST(whole_buffer_write_then_read_in_one_call)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char *buf = kx_alloc(size);

	kx_pattern_fill(buf, 0, size, 0x100b);
	ASSERT_EQ(write(fd, buf, size), (ssize_t)size);
	memset(buf, 0, size);
	ASSERT_EQ(pread(fd, buf, size, 0), (ssize_t)size);
	kx_expect_pattern_mem(buf, 0, size, 0x100b, "whole buffer read back");
}

TEST(two_opens_share_one_buffer)
{
	int a = kx_open(), b = kx_open();

	kx_put_pattern(a, 100, 5000, 0x100c);
	kx_expect_pattern(b, 100, 5000, 0x100c,
			  "bytes written via one fd, read via another");
}

TEST(file_position_is_per_open)
{
	int a = kx_open(), b = kx_open();
	char buf[300];

	ASSERT_EQ(read(a, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	ASSERT_EQ(pos_of(a), (off_t)sizeof(buf));
	ASSERT_EQ(pos_of(b), (off_t)0);
}

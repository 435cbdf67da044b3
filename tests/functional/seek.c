// SPDX-License-Identifier: GPL-2.0
/*
 * llseek: SEEK_SET/CUR/END land anywhere in [0, size]; a negative result,
 * a result past the size or an unknown whence is EINVAL and leaves the
 * position where it was.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 20
#include <limits.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

static off_t pos_of(int fd)
{
	return ASSERT_OK(lseek(fd, 0, SEEK_CUR));
}

/* Open positioned at start, so that failing seeks can be checked. */
static int open_at(off_t start, uint64_t *size)
{
	int fd = kx_open();

	*size = kx_size(fd);
	ASSERT_EQ(lseek(fd, start, SEEK_SET), start);
	return fd;
}

TEST(lseek_set_lands_anywhere_in_range)
{
	uint64_t size;
	int fd = open_at(0, &size);
	off_t targets[] = { 0, 1, (off_t)size / 2, (off_t)size - 1,
			    (off_t)size };

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		ASSERT_EQ(lseek(fd, targets[i], SEEK_SET), targets[i]);
		ASSERT_EQ(pos_of(fd), targets[i]);
	}
}

TEST(lseek_set_negative_fails_einval)
{
	uint64_t size;
	int fd = open_at(77, &size);

	ASSERT_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
	ASSERT_EQ(pos_of(fd), (off_t)77);
}

TEST(lseek_set_beyond_size_fails_einval)
{
	uint64_t size;
	int fd = open_at(77, &size);

	ASSERT_ERRNO(lseek(fd, (off_t)size + 1, SEEK_SET), EINVAL);
	ASSERT_ERRNO(lseek(fd, LLONG_MAX, SEEK_SET), EINVAL);
	ASSERT_EQ(pos_of(fd), (off_t)77);
}

TEST(lseek_cur_moves_relative_to_position)
{
	uint64_t size;
	int fd = open_at(1000, &size);

	ASSERT_EQ(lseek(fd, 500, SEEK_CUR), (off_t)1500);
	ASSERT_EQ(lseek(fd, -1500, SEEK_CUR), (off_t)0);
	ASSERT_EQ(lseek(fd, (off_t)size, SEEK_CUR), (off_t)size);
}

TEST(lseek_cur_before_start_fails_einval)
{
	uint64_t size;
	int fd = open_at(1000, &size);

	ASSERT_ERRNO(lseek(fd, -1001, SEEK_CUR), EINVAL);
	ASSERT_EQ(pos_of(fd), (off_t)1000);
}

TEST(lseek_cur_beyond_size_fails_einval)
{
	uint64_t size;
	int fd = open_at(1000, &size);

	ASSERT_ERRNO(lseek(fd, (off_t)size - 999, SEEK_CUR), EINVAL);
	ASSERT_EQ(pos_of(fd), (off_t)1000);
}

/* position + offset overflows a signed 64-bit value */
TEST(lseek_cur_overflow_fails_einval)
{
	uint64_t size;
	int fd = open_at(1000, &size);

	ASSERT_ERRNO(lseek(fd, LLONG_MAX, SEEK_CUR), EINVAL);
	ASSERT_ERRNO(lseek(fd, LLONG_MIN, SEEK_CUR), EINVAL);
	ASSERT_EQ(pos_of(fd), (off_t)1000);
}

TEST(lseek_end_returns_size)
{
	uint64_t size;
	int fd = open_at(0, &size);

	ASSERT_EQ(lseek(fd, 0, SEEK_END), (off_t)size);
}

TEST(lseek_end_negative_counts_back_from_size)
{
	uint64_t size;
	int fd = open_at(0, &size);

	ASSERT_EQ(lseek(fd, -4096, SEEK_END), (off_t)size - 4096);
	ASSERT_EQ(lseek(fd, -(off_t)size, SEEK_END), (off_t)0);
}

TEST(lseek_end_positive_fails_einval)
{
	uint64_t size;
	int fd = open_at(1000, &size);

	ASSERT_ERRNO(lseek(fd, 1, SEEK_END), EINVAL);
	ASSERT_EQ(pos_of(fd), (off_t)1000);
}

TEST(lseek_end_before_start_fails_einval)
{
	uint64_t size;
	int fd = open_at(1000, &size);

	ASSERT_ERRNO(lseek(fd, -(off_t)size - 1, SEEK_END), EINVAL);
	ASSERT_EQ(pos_of(fd), (off_t)1000);
}

TEST(lseek_unknown_whence_fails_einval)
{
	uint64_t size;
	int fd = open_at(1000, &size);

	ASSERT_ERRNO(lseek(fd, 0, 42), EINVAL);
	ASSERT_EQ(pos_of(fd), (off_t)1000);
}

TEST(read_after_lseek_reads_at_new_position)
{
	uint64_t size;
	int fd = open_at(0, &size);
	char buf[777];
	off_t at = (off_t)size / 2 + 3;

	kx_put_pattern(fd, at, sizeof(buf), 0x2001);
	ASSERT_EQ(lseek(fd, at, SEEK_SET), at);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	kx_expect_pattern_mem(buf, at, sizeof(buf), 0x2001,
			      "read() after lseek()");
}

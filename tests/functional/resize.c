// SPDX-License-Identifier: GPL-2.0
/*
 * KXFER_IOC_RESIZE: like ftruncate() on the buffer.  Contents up to
 * min(old, new) survive, growth is zero-filled, sizes round up to pages,
 * invalid requests change nothing, and a live mapping does not stop it
 * (ABI 4: it is revoked; revoke.c checks how, backing pair by pair).
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 60
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

#define RW (PROT_READ | PROT_WRITE)

static int resize_raw(int fd, uint64_t size, uint32_t backing, uint32_t flags)
{
	struct kxfer_resize r = { .size = size, .backing = backing,
				  .flags = flags };

	return ioctl(fd, KXFER_IOC_RESIZE, &r);
}

/* A size to shrink to and grow back from, within the starting size. */
static uint64_t small_size(int fd)
{
	size_t ps = kx_page();

	kx_require_size(fd, 8 * ps);
	return 4 * ps;
}

TEST(resize_shrink_keeps_prefix)
{
	int fd = kx_open();
	uint64_t start = kx_size(fd), small = small_size(fd);

	kx_put_pattern(fd, 0, start, 0x6001);
	kx_resize(fd, small);
	ASSERT_EQ(kx_size(fd), small);
	kx_expect_pattern(fd, 0, small, 0x6001, "bytes kept by the shrink");
	kx_resize(fd, start);
}

TEST(resize_grow_keeps_contents_and_zeroes_tail)
{
	int fd = kx_open();
	uint64_t start = kx_size(fd), small = small_size(fd);

	kx_put_pattern(fd, 0, start, 0x6002);
	kx_resize(fd, small);
	kx_resize(fd, start);
	ASSERT_EQ(kx_size(fd), start);
	kx_expect_pattern(fd, 0, small, 0x6002, "bytes kept across resizes");
	kx_expect_byte(fd, small, start - small, 0,
		       "tail added by growing the buffer");
}

TEST(resize_grow_beyond_start_size_is_zero_filled)
{
	int fd = kx_open();
	struct kxfer_info info;
	uint64_t start, big;

	kx_info(fd, &info);
	start = info.buf_size;
	big = start + 16 * kx_page();
	if (big > info.max_size)
		SKIP("max_size %llu leaves no room to grow past %llu",
		     (unsigned long long)info.max_size,
		     (unsigned long long)start);
	kx_put_pattern(fd, 0, start, 0x6003);
	kx_resize(fd, big);
	ASSERT_EQ(kx_size(fd), big);
	kx_expect_pattern(fd, 0, start, 0x6003, "bytes kept by the growth");
	kx_expect_byte(fd, start, big - start, 0, "new tail");
	kx_resize(fd, start);
}

TEST(resize_rounds_size_up_to_page)
{
	int fd = kx_open();
	uint64_t start = kx_size(fd);
	size_t ps = kx_page();

	small_size(fd);
	kx_resize(fd, ps + 1);
	ASSERT_EQ(kx_size(fd), (uint64_t)(2 * ps));
	kx_resize(fd, 1);
	ASSERT_EQ(kx_size(fd), (uint64_t)ps);
	kx_resize(fd, start);
}

TEST(resize_is_seen_by_seek_read_write_and_mmap)
{
	int fd = kx_open(), other = kx_open();
	uint64_t start = kx_size(fd), small = small_size(fd);
	size_t ps = kx_page();
	char c = 0;
	void *m;

	kx_resize(fd, small);
	ASSERT_EQ(lseek(other, 0, SEEK_END), (off_t)small);
	ASSERT_EQ(pread(other, &c, 1, (off_t)small), (ssize_t)0);
	ASSERT_ERRNO(pwrite(other, &c, 1, (off_t)small), ENOSPC);
	ASSERT_MAP_ERRNO(mmap(NULL, small + ps, RW, MAP_SHARED, other, 0),
			 EINVAL);
	m = kx_map(other, small, 0, RW, MAP_SHARED);
	ASSERT_OK(munmap(m, small));
	kx_resize(fd, start);
}

/*
 * A file position left past the end by a shrink: reads give 0 and writes
 * ENOSPC, not an access outside the new buffer.
 */
TEST(read_at_position_past_shrunk_end_returns_zero)
{
	int fd = kx_open();
	uint64_t start = kx_size(fd), small = small_size(fd);
	char buf[100];

	ASSERT_EQ(lseek(fd, (off_t)start - 100, SEEK_SET), (off_t)start - 100);
	kx_resize(fd, small);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), (ssize_t)0);
	kx_resize(fd, start);
}

TEST(write_at_position_past_shrunk_end_fails_enospc)
{
	int fd = kx_open();
	uint64_t start = kx_size(fd), small = small_size(fd);
	char buf[100] = { 0 };

	ASSERT_EQ(lseek(fd, (off_t)start - 100, SEEK_SET), (off_t)start - 100);
	kx_resize(fd, small);
	ASSERT_ERRNO(write(fd, buf, sizeof(buf)), ENOSPC);
	kx_resize(fd, start);
}

/* A rejected RESIZE leaves size and contents as they were. */
static void expect_unchanged(int fd, uint64_t size, uint32_t seed)
{
	ASSERT_EQ(kx_size(fd), size);
	kx_expect_pattern(fd, 0, 4096, seed, "buffer after a rejected RESIZE");
}

TEST(resize_to_zero_fails_einval)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);

	kx_put_pattern(fd, 0, 4096, 0x6004);
	ASSERT_ERRNO(resize_raw(fd, 0, KXFER_BACKING_VMALLOC, 0), EINVAL);
	expect_unchanged(fd, size, 0x6004);
}

TEST(resize_beyond_max_size_fails_einval)
{
	int fd = kx_open();
	struct kxfer_info info;

	kx_info(fd, &info);
	kx_put_pattern(fd, 0, 4096, 0x6005);
	ASSERT_ERRNO(resize_raw(fd, info.max_size + 1, KXFER_BACKING_VMALLOC, 0),
		     EINVAL);
	ASSERT_ERRNO(resize_raw(fd, info.max_size + kx_page(),
				KXFER_BACKING_VMALLOC, 0), EINVAL);
	expect_unchanged(fd, info.buf_size, 0x6005);
}

/* Rounding these up to a page overflows 64 bits. */
TEST(resize_huge_size_fails_einval)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);

	kx_put_pattern(fd, 0, 4096, 0x6006);
	ASSERT_ERRNO(resize_raw(fd, UINT64_MAX, KXFER_BACKING_VMALLOC, 0),
		     EINVAL);
	ASSERT_ERRNO(resize_raw(fd, UINT64_MAX - kx_page() + 2,
				KXFER_BACKING_VMALLOC, 0), EINVAL);
	ASSERT_ERRNO(resize_raw(fd, 1ULL << 63, KXFER_BACKING_VMALLOC, 0),
		     EINVAL);
	expect_unchanged(fd, size, 0x6006);
}

TEST(resize_unknown_backing_fails_einval)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);

	kx_put_pattern(fd, 0, 4096, 0x6007);
	ASSERT_ERRNO(resize_raw(fd, size, KX_NR_BACKINGS, 0), EINVAL);
	ASSERT_ERRNO(resize_raw(fd, size, 0xffffffff, 0), EINVAL);
	expect_unchanged(fd, size, 0x6007);
}

TEST(resize_nonzero_flags_fails_einval)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);

	kx_put_pattern(fd, 0, 4096, 0x6008);
	ASSERT_ERRNO(resize_raw(fd, size, KXFER_BACKING_VMALLOC, 1), EINVAL);
	ASSERT_ERRNO(resize_raw(fd, size, KXFER_BACKING_VMALLOC, 0x80000000u),
		     EINVAL);
	expect_unchanged(fd, size, 0x6008);
}

/*
 * ABI 1-3 said EBUSY here.  Now RESIZE succeeds, and a private mapping
 * (a copy-on-write view of the old buffer) must not stop it either.
 */
TEST(resize_while_mapped_succeeds)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	size_t ps = kx_page();
	void *m = kx_map(fd, ps, ps, PROT_READ, MAP_SHARED);

	kx_put_pattern(fd, 0, 4096, 0x6009);
	ASSERT_OK(resize_raw(fd, size / 2, KXFER_BACKING_VMALLOC, 0));
	ASSERT_EQ(kx_size(fd), size / 2);
	ASSERT_OK(resize_raw(fd, size, KXFER_BACKING_VMALLOC, 0));
	expect_unchanged(fd, size, 0x6009);
	ASSERT_OK(munmap(m, ps));
}

TEST(resize_while_private_mapping_exists_succeeds)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	void *m = kx_map(fd, kx_page(), 0, PROT_READ, MAP_PRIVATE);

	ASSERT_OK(resize_raw(fd, size / 2, KXFER_BACKING_VMALLOC, 0));
	ASSERT_OK(resize_raw(fd, size, KXFER_BACKING_VMALLOC, 0));
	ASSERT_OK(munmap(m, kx_page()));
}

TEST(resize_after_munmap_succeeds)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	size_t ps = kx_page();
	void *m = kx_map(fd, 2 * ps, 0, RW, MAP_SHARED);

	ASSERT_OK(munmap(m, 2 * ps));
	kx_resize(fd, size / 2);
	ASSERT_EQ(kx_size(fd), size / 2);
	kx_resize(fd, size);
}

TEST(resize_to_same_size_keeps_contents)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);

	kx_put_pattern(fd, 0, size, 0x600a);
	kx_resize(fd, size);
	kx_expect_pattern(fd, 0, size, 0x600a, "buffer after RESIZE to its size");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ioctls: INFO, SUBMIT/FETCH, SET_MODE/GET_MODE and the work modes
 * (checksum, fill) on both the copy and the zero-copy path; argument
 * validation (reserved fields, flags, ranges, overflow), unknown commands
 * and bad argument pointers.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 50
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "kxdev.h"

#define RW (PROT_READ | PROT_WRITE)
#define ALL_FEATURES (KXFER_FEAT_ITER | KXFER_FEAT_MMAP | KXFER_FEAT_CHECKSUM | \
		      KXFER_FEAT_FILL | KXFER_FEAT_RESIZE | KXFER_FEAT_STATS | \
		      KXFER_FEAT_BACKINGS | KXFER_FEAT_SYNC | \
		      KXFER_FEAT_REVOKE | KXFER_FEAT_SHMEM | \
		      KXFER_FEAT_DMA_ATTRS | KXFER_FEAT_STREAM)
/* Bit 7 was the per-file cache attribute of ABI 2-3: retired, never set. */

static uint32_t crc_of(const void *p, size_t len)
{
	return kx_crc32c(KX_CRC32C_INIT, p, len);
}

static uint32_t nr_mappings(int fd)
{
	struct kxfer_info info;

	kx_info(fd, &info);
	return info.nr_mappings;
}

/* --- INFO --- */

TEST(info_page_size_matches_sysconf)
{
	struct kxfer_info info;

	kx_info(kx_open(), &info);
	ASSERT_EQ(info.page_size, (uint32_t)kx_page());
}

TEST(info_abi_version_matches_header)
{
	struct kxfer_info info;

	kx_info(kx_open(), &info);
	ASSERT_EQ(info.abi_version, (uint32_t)KXFER_ABI_VERSION);
}

TEST(info_huge_size_is_zero_for_vmalloc)
{
	struct kxfer_info info;

	kx_info(kx_open(), &info);
	ASSERT_EQ(info.backing, (uint32_t)KXFER_BACKING_VMALLOC);
	ASSERT_EQ(info.huge_size, 0u);
}

TEST(info_reports_all_features)
{
	struct kxfer_info info;

	kx_info(kx_open(), &info);
	ASSERT_EQ(info.features & ALL_FEATURES, (uint32_t)ALL_FEATURES);
	ASSERT_EQ(info.features & ~ALL_FEATURES, 0u);
}

TEST(info_backing_is_vmalloc)
{
	struct kxfer_info info;

	kx_info(kx_open(), &info);
	ASSERT_EQ(info.backing, (uint32_t)KXFER_BACKING_VMALLOC);
}

TEST(info_buf_size_is_page_multiple_and_seek_end)
{
	struct kxfer_info info;
	int fd = kx_open();

	kx_info(fd, &info);
	ASSERT_GT(info.buf_size, 0ull);
	ASSERT_EQ(info.buf_size % kx_page(), 0ull);
	ASSERT_EQ((uint64_t)lseek(fd, 0, SEEK_END), (uint64_t)info.buf_size);
	ASSERT_LE(info.buf_size, info.max_size);
}

TEST(info_nr_mappings_counts_mmap_and_munmap)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *a, *b;

	ASSERT_EQ(nr_mappings(fd), 0u);
	a = kx_map(fd, ps, 0, RW, MAP_SHARED);
	ASSERT_EQ(nr_mappings(fd), 1u);
	b = kx_map(fd, 2 * ps, 0, PROT_READ, MAP_PRIVATE);
	ASSERT_EQ(nr_mappings(fd), 2u);
	ASSERT_OK(munmap(a, ps));
	ASSERT_EQ(nr_mappings(fd), 1u);
	ASSERT_OK(munmap(b, 2 * ps));
	ASSERT_EQ(nr_mappings(fd), 0u);
}

/* munmap() of a middle page splits one VMA into two. */
TEST(info_nr_mappings_counts_split_vmas)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 3 * ps, 0, RW, MAP_SHARED);

	ASSERT_EQ(nr_mappings(fd), 1u);
	ASSERT_OK(munmap(m + ps, ps));
	ASSERT_EQ(nr_mappings(fd), 2u);
	ASSERT_OK(munmap(m, ps));
	ASSERT_EQ(nr_mappings(fd), 1u);
	ASSERT_OK(munmap(m + 2 * ps, ps));
	ASSERT_EQ(nr_mappings(fd), 0u);
}

TEST(info_nr_mappings_counts_forked_copies)
{
	int fd = kx_open();
	struct kx_sync s;
	pid_t pid;

	kx_map(fd, kx_page(), 0, RW, MAP_SHARED);
	ASSERT_EQ(nr_mappings(fd), 1u);
	kx_sync_init(&s);
	pid = kxt_fork();
	if (pid == 0) {
		kx_sync_in_child(&s);
		kx_sync_tell_parent(&s);
		kx_sync_wait_parent(&s);
		kxt_child_exit();
	}
	kx_sync_in_parent(&s);
	kx_sync_wait_child(&s);
	EXPECT_EQ(nr_mappings(fd), 2u);
	kx_sync_tell_child(&s);
	ASSERT_TRUE(kxt_wait_ok(pid, "holding an inherited mapping"));
	ASSERT_EQ(nr_mappings(fd), 1u);
}

TEST(info_nr_mappings_survives_close_of_fd)
{
	int fd = kx_open(), fd2;
	size_t ps = kx_page();
	char *m = kx_map(fd, ps, 0, RW, MAP_SHARED);

	close(fd);
	fd2 = kx_open();
	ASSERT_EQ(nr_mappings(fd2), 1u);
	ASSERT_OK(munmap(m, ps));
	ASSERT_EQ(nr_mappings(fd2), 0u);
}

/* --- SUBMIT / FETCH validation --- */

static int xfer(int fd, unsigned long cmd, uint64_t off, uint64_t len,
		uint32_t flags, struct kxfer_xfer *out)
{
	struct kxfer_xfer x = { .offset = off, .length = len, .flags = flags,
				.csum = 0xdeadbeef };
	int r = ioctl(fd, cmd, &x);

	if (out)
		*out = x;
	return r;
}

#define XFER_TESTS(op, CMD)						\
TEST(op##_nonzero_flags_fails_einval)					\
{									\
	int fd = kx_open();						\
									\
	ASSERT_ERRNO(xfer(fd, CMD, 0, 16, 1, NULL), EINVAL);		\
	ASSERT_ERRNO(xfer(fd, CMD, 0, 16, 0x80000000u, NULL), EINVAL);	\
}									\
									\
TEST(op##_range_past_end_fails_einval)					\
{									\
	int fd = kx_open();						\
	uint64_t size = kx_size(fd);					\
									\
	ASSERT_ERRNO(xfer(fd, CMD, size - 10, 11, 0, NULL), EINVAL);	\
	ASSERT_ERRNO(xfer(fd, CMD, size, 1, 0, NULL), EINVAL);		\
	ASSERT_ERRNO(xfer(fd, CMD, 0, size + 1, 0, NULL), EINVAL);	\
	ASSERT_ERRNO(xfer(fd, CMD, size + 1, 0, 0, NULL), EINVAL);	\
}									\
									\
/* offset + length wraps around 2^64 to a small number */		\
TEST(op##_offset_length_overflow_fails_einval)				\
{									\
	int fd = kx_open();						\
									\
	ASSERT_ERRNO(xfer(fd, CMD, 8, UINT64_MAX - 3, 0, NULL), EINVAL); \
	ASSERT_ERRNO(xfer(fd, CMD, UINT64_MAX, 2, 0, NULL), EINVAL);	\
	ASSERT_ERRNO(xfer(fd, CMD, UINT64_MAX - 4095, 4096, 0, NULL),	\
		     EINVAL);						\
}									\
									\
TEST(op##_zero_length_succeeds)						\
{									\
	int fd = kx_open();						\
	uint64_t size = kx_size(fd);					\
									\
	ASSERT_OK(xfer(fd, CMD, 0, 0, 0, NULL));			\
	ASSERT_OK(xfer(fd, CMD, size, 0, 0, NULL));			\
}									\
									\
TEST(op##_whole_buffer_succeeds)					\
{									\
	int fd = kx_open();						\
									\
	ASSERT_OK(xfer(fd, CMD, 0, kx_size(fd), 0, NULL));		\
}									\
									\
TEST(op##_bad_pointer_fails_efault)					\
{									\
	ASSERT_ERRNO(ioctl(kx_open(), CMD, kx_bad_ptr()), EFAULT);	\
}									\
									\
TEST(op##_none_mode_csum_is_zero)					\
{									\
	struct kxfer_xfer x;						\
	int fd = kx_open();						\
									\
	kx_put_pattern(fd, 0, 4096, 0x5001);				\
	ASSERT_OK(xfer(fd, CMD, 0, 4096, 0, &x));			\
	ASSERT_EQ(x.csum, 0u);						\
}

XFER_TESTS(submit, KXFER_IOC_SUBMIT)
XFER_TESTS(fetch, KXFER_IOC_FETCH)

/* --- work modes on the zero-copy path --- */

TEST(submit_checksum_mode_returns_crc32c_of_range)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 4 * ps, 0, RW, MAP_SHARED);
	struct kxfer_xfer x;
	uint64_t off = 123, len = 3 * ps - 200;	/* unaligned both ends */

	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	kx_pattern_fill(m, 0, 4 * ps, 0x5002);
	ASSERT_OK(xfer(fd, KXFER_IOC_SUBMIT, off, len, 0, &x));
	ASSERT_EQ(x.csum, crc_of(m + off, len));
	ASSERT_EQ(x.offset, off);
	ASSERT_EQ(x.length, len);
}

TEST(fetch_checksum_mode_returns_crc32c_of_range)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 4 * ps, 0, RW, MAP_SHARED);
	struct kxfer_xfer x;
	uint64_t off = ps - 1, len = 2 * ps + 3;

	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	kx_pattern_fill(m, 0, 4 * ps, 0x5003);
	ASSERT_OK(xfer(fd, KXFER_IOC_FETCH, off, len, 0, &x));
	ASSERT_EQ(x.csum, crc_of(m + off, len));
	/* FETCH in checksum mode produces the bytes unchanged */
	kx_expect_pattern_mem(m, 0, 4 * ps, 0x5003, "mapping after FETCH");
}

TEST(checksum_of_empty_range_is_initial_value)
{
	int fd = kx_open();
	struct kxfer_xfer x;

	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	ASSERT_OK(xfer(fd, KXFER_IOC_SUBMIT, 64, 0, 0, &x));
	ASSERT_EQ(x.csum, (uint32_t)KX_CRC32C_INIT);
}

TEST(fetch_fill_mode_writes_pattern_into_range)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 4 * ps, 0, RW, MAP_SHARED);
	uint64_t off = 13, len = 3 * ps;
	const uint32_t seed = 0x5004;

	memset(m, 0x77, 4 * ps);
	kx_set_mode(fd, KXFER_WORK_FILL, seed);
	ASSERT_OK(xfer(fd, KXFER_IOC_FETCH, off, len, 0, NULL));
	kx_expect_pattern_mem(m + off, off, len, seed,
			      "mapping after FETCH in fill mode");
	kx_expect_byte_mem(m, off, 0x77, "bytes before the fetched range");
	kx_expect_byte_mem(m + off + len, 4 * ps - off - len, 0x77,
			   "bytes after the fetched range");
}

TEST(submit_fill_mode_leaves_data_alone)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 2 * ps, 0, RW, MAP_SHARED);

	kx_set_mode(fd, KXFER_WORK_FILL, 0x5005);
	kx_pattern_fill(m, 0, 2 * ps, 0x5006);
	ASSERT_OK(xfer(fd, KXFER_IOC_SUBMIT, 0, 2 * ps, 0, NULL));
	kx_expect_pattern_mem(m, 0, 2 * ps, 0x5006, "mapping after SUBMIT");
}

/* --- work modes on the copy path --- */

TEST(read_fill_mode_returns_pattern_for_offsets)
{
	int fd = kx_open();
	char buf[5000];
	const uint32_t seed = 0xfeed1234;

	kx_put_byte(fd, 0, 10000, 0x33);
	kx_set_mode(fd, KXFER_WORK_FILL, seed);
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 1001), (ssize_t)sizeof(buf));
	kx_expect_pattern_mem(buf, 1001, sizeof(buf), seed,
			      "pread() in fill mode");
}

TEST(write_fill_mode_stores_user_data)
{
	int fd = kx_open(), other = kx_open();

	kx_set_mode(fd, KXFER_WORK_FILL, 0x5007);
	kx_put_pattern(fd, 100, 3000, 0x5008);
	kx_expect_pattern(other, 100, 3000, 0x5008,
			  "bytes written in fill mode, read in none mode");
}

TEST(mode_is_per_open_file)
{
	int a = kx_open(), b = kx_open();
	struct kxfer_mode mb;

	kx_put_pattern(a, 0, 4096, 0x5009);
	kx_set_mode(a, KXFER_WORK_FILL, 0x500a);
	mb = kx_get_mode(b);
	ASSERT_EQ(mb.work, (uint32_t)KXFER_WORK_NONE);
	kx_expect_pattern(b, 0, 4096, 0x5009,
			  "read() on a second open while the first is in fill mode");
}

TEST(last_csum_matches_read)
{
	int fd = kx_open();
	char buf[7777];

	kx_put_pattern(fd, 0, 20000, 0x500b);
	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 999), (ssize_t)sizeof(buf));
	ASSERT_EQ(kx_get_mode(fd).last_csum, crc_of(buf, sizeof(buf)));
}

TEST(last_csum_covers_only_bytes_of_short_read)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char buf[4096];

	kx_put_pattern(fd, size - 300, 300, 0x500c);
	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	ASSERT_EQ(pread(fd, buf, sizeof(buf), size - 300), (ssize_t)300);
	ASSERT_EQ(kx_get_mode(fd).last_csum, crc_of(buf, 300));
}

TEST(last_csum_matches_write)
{
	int fd = kx_open();
	char buf[6000];

	kx_pattern_fill(buf, 0, sizeof(buf), 0x500d);
	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	ASSERT_EQ(pwrite(fd, buf, sizeof(buf), 12), (ssize_t)sizeof(buf));
	ASSERT_EQ(kx_get_mode(fd).last_csum, crc_of(buf, sizeof(buf)));
}

TEST(last_csum_matches_readv_across_segments)
{
	int fd = kx_open();
	char buf[9000];
	struct iovec iov[3] = {
		{ buf, 10 }, { buf + 10, 5000 }, { buf + 5010, 3990 },
	};

	kx_put_pattern(fd, 0, sizeof(buf) + 100, 0x500e);
	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	ASSERT_EQ(preadv(fd, iov, 3, 50), (ssize_t)sizeof(buf));
	ASSERT_EQ(kx_get_mode(fd).last_csum, crc_of(buf, sizeof(buf)));
}

TEST(last_csum_matches_writev_across_segments)
{
	int fd = kx_open();
	char buf[9000];
	struct iovec iov[3] = {
		{ buf, 4095 }, { buf + 4095, 2 }, { buf + 4097, 4903 },
	};

	kx_pattern_fill(buf, 0, sizeof(buf), 0x500f);
	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	ASSERT_EQ(pwritev(fd, iov, 3, 3), (ssize_t)sizeof(buf));
	ASSERT_EQ(kx_get_mode(fd).last_csum, crc_of(buf, sizeof(buf)));
}

/* --- SET_MODE / GET_MODE --- */

TEST(get_mode_initially_none_with_zero_csum)
{
	struct kxfer_mode m = kx_get_mode(kx_open());

	ASSERT_EQ(m.work, (uint32_t)KXFER_WORK_NONE);
	ASSERT_EQ(m.last_csum, 0u);
	ASSERT_EQ(m.__reserved, 0u);
}

TEST(get_mode_returns_what_set_mode_set)
{
	int fd = kx_open();
	struct kxfer_mode m;

	kx_set_mode(fd, KXFER_WORK_FILL, 0xabcdef01);
	m = kx_get_mode(fd);
	ASSERT_EQ(m.work, (uint32_t)KXFER_WORK_FILL);
	ASSERT_EQ(m.seed, 0xabcdef01u);
	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 7);
	m = kx_get_mode(fd);
	ASSERT_EQ(m.work, (uint32_t)KXFER_WORK_CHECKSUM);
	kx_set_mode(fd, KXFER_WORK_NONE, 0);
	ASSERT_EQ(kx_get_mode(fd).work, (uint32_t)KXFER_WORK_NONE);
}

TEST(set_mode_unknown_work_fails_einval)
{
	int fd = kx_open();
	struct kxfer_mode m = { .work = 3 };

	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	ASSERT_ERRNO(ioctl(fd, KXFER_IOC_SET_MODE, &m), EINVAL);
	m.work = 0xffffffff;
	ASSERT_ERRNO(ioctl(fd, KXFER_IOC_SET_MODE, &m), EINVAL);
	ASSERT_EQ(kx_get_mode(fd).work, (uint32_t)KXFER_WORK_CHECKSUM);
}

/*
 * __reserved was the cache attribute of ABI 2-3: any value but 0 (the old
 * CACHED) must fail, so an old binary asking for WC or UNCACHED learns that
 * it no longer gets them.
 */
TEST(set_mode_nonzero_reserved_fails_einval)
{
	static const uint32_t bad[] = { 1, 2, 3, 0x80000000u, 0xffffffffu };
	int fd = kx_open();

	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 5);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kxfer_mode m = { .work = KXFER_WORK_FILL, .seed = 9,
					.__reserved = bad[i] };

		EXPECT_ERRNO(ioctl(fd, KXFER_IOC_SET_MODE, &m), EINVAL);
	}
	ASSERT_EQ(kx_get_mode(fd).work, (uint32_t)KXFER_WORK_CHECKSUM);
	ASSERT_EQ(kx_get_mode(fd).seed, 5u);
	ASSERT_EQ(kx_get_mode(fd).__reserved, 0u);
}

TEST(get_mode_reserved_is_zero_after_set_mode)
{
	int fd = kx_open();
	struct kxfer_mode m = { .work = KXFER_WORK_CHECKSUM };

	ASSERT_OK(ioctl(fd, KXFER_IOC_SET_MODE, &m));
	memset(&m, 0xa5, sizeof(m));
	ASSERT_OK(ioctl(fd, KXFER_IOC_GET_MODE, &m));
	ASSERT_EQ(m.__reserved, 0u);
	ASSERT_EQ(m.work, (uint32_t)KXFER_WORK_CHECKSUM);
}

/* last_csum is an output: SET_MODE must not reject or store it. */
TEST(set_mode_ignores_last_csum)
{
	int fd = kx_open();
	struct kxfer_mode m = { .work = KXFER_WORK_CHECKSUM,
				.last_csum = 0x12345678 };

	ASSERT_OK(ioctl(fd, KXFER_IOC_SET_MODE, &m));
	ASSERT_EQ(kx_get_mode(fd).last_csum, 0u);
}

/* --- unknown commands, bad pointers --- */

TEST(ioctl_unknown_cmd_fails_enotty)
{
	int fd = kx_open();

	ASSERT_ERRNO(ioctl(fd, _IO(KXFER_IOC_MAGIC, 0x40)), ENOTTY);
	ASSERT_ERRNO(ioctl(fd, _IOWR(KXFER_IOC_MAGIC, 0x0a, struct kxfer_xfer),
			   kx_alloc(64)), ENOTTY);
}

TEST(ioctl_other_magic_fails_enotty)
{
	int fd = kx_open();
	struct kxfer_info info;

	ASSERT_ERRNO(ioctl(fd, _IOR('x', 0x00, struct kxfer_info), &info),
		     ENOTTY);
	ASSERT_FALSE(isatty(fd));	/* TCGETS */
}

/* Same number, other size or direction: a different command. */
TEST(ioctl_known_nr_wrong_size_fails_enotty)
{
	int fd = kx_open();
	uint64_t big[16] = { 0 };

	ASSERT_ERRNO(ioctl(fd, _IOR(KXFER_IOC_MAGIC, 0x00, uint32_t), big),
		     ENOTTY);
	ASSERT_ERRNO(ioctl(fd, _IOWR(KXFER_IOC_MAGIC, 0x01, uint64_t), big),
		     ENOTTY);
}

TEST(ioctl_known_nr_wrong_direction_fails_enotty)
{
	int fd = kx_open();
	struct kxfer_info info = { 0 };

	ASSERT_ERRNO(ioctl(fd, _IOW(KXFER_IOC_MAGIC, 0x00, struct kxfer_info),
			   &info), ENOTTY);
}

TEST(info_bad_pointer_fails_efault)
{
	ASSERT_ERRNO(ioctl(kx_open(), KXFER_IOC_INFO, kx_bad_ptr()), EFAULT);
}

TEST(set_mode_bad_pointer_fails_efault)
{
	ASSERT_ERRNO(ioctl(kx_open(), KXFER_IOC_SET_MODE, kx_bad_ptr()),
		     EFAULT);
}

TEST(get_mode_bad_pointer_fails_efault)
{
	ASSERT_ERRNO(ioctl(kx_open(), KXFER_IOC_GET_MODE, kx_bad_ptr()),
		     EFAULT);
}

TEST(resize_bad_pointer_fails_efault)
{
	ASSERT_ERRNO(ioctl(kx_open(), KXFER_IOC_RESIZE, kx_bad_ptr()), EFAULT);
}

TEST(get_stats_bad_pointer_fails_efault)
{
	ASSERT_ERRNO(ioctl(kx_open(), KXFER_IOC_GET_STATS, kx_bad_ptr()),
		     EFAULT);
}

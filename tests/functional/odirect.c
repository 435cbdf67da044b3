// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT against the mapping: the block layer pins the user pages with
 * get_user_pages(), which only works because the mapping holds ordinary
 * pages (not a PFN map).  The block device is a brd RAM disk (/dev/ram0),
 * which the payload script loads when it ships brd.ko.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 45
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

#define RAMDISK "/dev/ram0"

static int open_ramdisk(void)
{
	int fd = open(RAMDISK, O_RDWR | O_DIRECT | O_CLOEXEC);

	if (fd < 0 && (errno == ENOENT || errno == ENXIO))
		SKIP("no %s (brd) to do O_DIRECT with: %s", RAMDISK,
		     kxt_errstr(errno));
	return ASSERT_OK(fd);
}

TEST(o_direct_read_from_disk_lands_in_mapping)
{
	size_t ps = kx_page(), len = 4 * ps;
	int fd = kx_open(), disk = open_ramdisk();
	char *map = kx_map(fd, len, ps, PROT_READ | PROT_WRITE, MAP_SHARED);
	void *staging = NULL;

	/* The disk gets the pattern of buffer offset ps from a plain buffer. */
	ASSERT_EQ(posix_memalign(&staging, ps, len), 0);
	kx_pattern_fill(staging, ps, len, 0x6101);
	ASSERT_EQ(pwrite(disk, staging, len, 0), (ssize_t)len);

	ASSERT_EQ(pread(disk, map, len, 0), (ssize_t)len);
	kx_expect_pattern(fd, ps, len, 0x6101,
			  "device bytes after an O_DIRECT read into the mapping");
	free(staging);
	ASSERT_OK(munmap(map, len));
	close(disk);
}

TEST(o_direct_write_to_disk_takes_bytes_from_mapping)
{
	size_t ps = kx_page(), len = 3 * ps;
	int fd = kx_open(), disk = open_ramdisk();
	char *map = kx_map(fd, len, 2 * ps, PROT_READ, MAP_SHARED);
	void *back = NULL;

	kx_put_pattern(fd, 2 * ps, len, 0x6102);
	ASSERT_EQ(pwrite(disk, map, len, 8 * ps), (ssize_t)len);

	ASSERT_EQ(posix_memalign(&back, ps, len), 0);
	ASSERT_EQ(pread(disk, back, len, 8 * ps), (ssize_t)len);
	kx_expect_pattern_mem(back, 2 * ps, len, 0x6102,
			      "disk bytes after an O_DIRECT write from the mapping");
	free(back);
	ASSERT_OK(munmap(map, len));
	close(disk);
}

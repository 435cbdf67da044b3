// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime and parameters: nodes and their permissions, unload
 * refused while any file or mapping is alive, clean removal, nr_devs and
 * buf_size handling, and rejected parameters that leave nothing behind.
 *
 * Tests that unload need --ko (the module file) to load it again; each
 * one ends with the module loaded with default parameters.  They run last
 * because they throw away the buffers' contents.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 90
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

static void require_loaded(void)
{
	if (!kx_module_loaded())
		FAIL("module %s is not loaded at the start of the test",
		     KX_MODULE_NAME);
}

TEST(dev_node_is_char_device_mode_0600_root)
{
	struct stat sb;

	ASSERT_OK(stat(kx_dev, &sb));
	ASSERT_TRUE(S_ISCHR(sb.st_mode));
	ASSERT_EQ(sb.st_mode & 07777, (mode_t)0600);
	ASSERT_EQ(sb.st_uid, (uid_t)0);
	ASSERT_EQ(sb.st_gid, (gid_t)0);
}

TEST(rmmod_refused_while_file_open)
{
	int fd, r;

	require_loaded();
	fd = kx_open();
	r = kx_module_unload_raw();
	if (r == 0) {
		close(fd);
		if (kx_ko)
			kx_module_restore();
		FAIL("delete_module succeeded while %s was open", kx_dev);
	}
	ASSERT_EQ(r, EWOULDBLOCK);
	ASSERT_TRUE(kx_module_loaded());
	ASSERT_GT(kx_size(fd), 0ull);	/* the device still works */
}

TEST(rmmod_refused_while_mapping_exists_after_close)
{
	size_t ps = kx_page();
	char *m;
	int fd, r;

	require_loaded();
	fd = kx_open();
	m = kx_map(fd, ps, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	close(fd);
	r = kx_module_unload_raw();
	if (r == 0) {
		/* touching m now would be a use after free in the kernel */
		munmap(m, ps);
		if (kx_ko)
			kx_module_restore();
		FAIL("delete_module succeeded while a mapping of %s existed",
		     kx_dev);
	}
	ASSERT_EQ(r, EWOULDBLOCK);
	m[0] = 42;	/* the mapping still works */
	ASSERT_OK(munmap(m, ps));
}

TEST(rmmod_succeeds_when_unused_and_removes_nodes)
{
	int r;

	kx_require_ko();
	require_loaded();
	r = kx_module_unload_raw();
	if (r)
		FAIL("delete_module with no file open and no mapping: %s",
		     kxt_errstr(r));
	EXPECT_TRUE(kx_wait_path(kx_dev, 0, 2));
	EXPECT_TRUE(kx_wait_path("/sys/class/kxfer", 0, 2));
	EXPECT_TRUE(kx_wait_path("/sys/module/" KX_MODULE_NAME, 0, 2));
	EXPECT_FALSE(kx_chrdev_registered());
	kx_module_restore();
}

TEST(fresh_module_buffer_reads_all_zero)
{
	uint64_t size;
	char *buf, *m;
	int fd;

	kx_require_ko();
	kx_module_restore();
	fd = kx_open();
	size = kx_size(fd);
	buf = kx_alloc(size);
	memset(buf, 0xff, size);
	kx_pread_all(fd, buf, size, 0);
	kx_expect_byte_mem(buf, size, 0, "read() of a freshly loaded buffer");
	m = kx_map(fd, size, 0, PROT_READ, MAP_SHARED);
	kx_expect_byte_mem(m, size, 0, "mapping of a freshly loaded buffer");
}

TEST(load_with_default_params_gives_one_4mib_device)
{
	struct kxfer_info info;
	int fd;

	kx_require_ko();
	kx_module_restore();
	fd = kx_open();
	kx_info(fd, &info);
	EXPECT_EQ(info.buf_size, KX_DEFAULT_BUF_SIZE);
	EXPECT_TRUE(access(kx_class_dir(0), F_OK) == 0);
	EXPECT_FALSE(access(kx_node(1), F_OK) == 0);
	EXPECT_FALSE(access(kx_class_dir(1), F_OK) == 0);
}

TEST(load_nr_devs_3_creates_independent_devices)
{
	const int n = 3;
	const uint64_t size = 64 * 1024;
	unsigned int minors[3];

	kx_require_ko();
	kx_module_reload("nr_devs=3 buf_size=65536");
	for (int i = 0; i < n; i++) {
		struct stat sb;

		if (!kx_wait_path(kx_node(i), 1, 2))
			FAIL("%s missing with nr_devs=3", kx_node(i));
		ASSERT_OK(stat(kx_node(i), &sb));
		EXPECT_TRUE(S_ISCHR(sb.st_mode));
		minors[i] = minor(sb.st_rdev);
		EXPECT_TRUE(access(kx_class_dir(i), F_OK) == 0);
	}
	EXPECT_NE(minors[0], minors[1]);
	EXPECT_NE(minors[1], minors[2]);
	EXPECT_FALSE(access(kx_node(3), F_OK) == 0);
	for (int i = 0; i < n; i++) {
		int fd = kx_open_node(i, O_RDWR);

		EXPECT_EQ(kx_size(fd), size);
		kx_put_pattern(fd, 0, size, 0x9000 + i);
		close(fd);
	}
	for (int i = 0; i < n; i++) {
		int fd = kx_open_node(i, O_RDWR);

		kx_expect_pattern(fd, 0, size, 0x9000 + i,
				  "device's own data after writing all devices");
		close(fd);
	}
	kx_module_restore();
}

TEST(load_nr_devs_32_creates_32_devices)
{
	kx_require_ko();
	kx_module_reload("nr_devs=32 buf_size=4096");
	for (int i = 0; i < 32; i++) {
		int fd;

		if (!kx_wait_path(kx_node(i), 1, 2))
			FAIL("%s missing with nr_devs=32", kx_node(i));
		fd = kx_open_node(i, O_RDWR);
		EXPECT_EQ(kx_size(fd), (uint64_t)kx_page());
		close(fd);
	}
	EXPECT_FALSE(access(kx_node(32), F_OK) == 0);
	kx_module_restore();
}

TEST(load_buf_size_rounds_up_to_page)
{
	size_t ps = kx_page();
	char params[64];
	int fd;

	kx_require_ko();
	kx_module_reload("buf_size=1");
	fd = kx_open();
	EXPECT_EQ(kx_size(fd), (uint64_t)ps);
	close(fd);
	snprintf(params, sizeof(params), "buf_size=%zu", 3 * ps + 1);
	kx_module_reload(params);
	fd = kx_open();
	EXPECT_EQ(kx_size(fd), (uint64_t)(4 * ps));
	close(fd);
	kx_module_restore();
}

TEST(load_nr_devs_0_fails_einval)
{
	kx_expect_load_rejected("nr_devs=0");
}

TEST(load_nr_devs_33_fails_einval)
{
	kx_expect_load_rejected("nr_devs=33");
}

TEST(load_buf_size_0_fails_einval)
{
	kx_expect_load_rejected("buf_size=0");
}

TEST(load_buf_size_over_1gib_fails_einval)
{
	kx_expect_load_rejected("buf_size=1073741825");
}

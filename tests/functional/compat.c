// SPDX-License-Identifier: GPL-2.0
/*
 * Built only into the 32-bit (i686) test binary, which runs the ioctl,
 * mmap, resize and stats tests through the kernel's compat syscall and
 * compat_ioctl paths.  These tests make sure that binary really is a
 * 32-bit process talking to the same ABI.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 5
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kxdev.h"

TEST(running_as_32bit_process)
{
	struct utsname u;

	ASSERT_EQ(sizeof(void *), (size_t)4);
	ASSERT_EQ(sizeof(long), (size_t)4);
	ASSERT_OK(uname(&u));
	kxt_diag("32-bit process on machine '%s'", u.machine);
}

/* The ABI promises identical layouts for 32- and 64-bit user space. */
TEST(abi_struct_sizes_match_64bit_layout)
{
	ASSERT_EQ(sizeof(struct kxfer_info), (size_t)40);
	ASSERT_EQ(sizeof(struct kxfer_mode), (size_t)16);
	ASSERT_EQ(sizeof(struct kxfer_xfer), (size_t)24);
	ASSERT_EQ(sizeof(struct kxfer_resize), (size_t)16);
	ASSERT_EQ(sizeof(struct kxfer_stats), (size_t)256);
	ASSERT_EQ(_IOC_SIZE(KXFER_IOC_SUBMIT), (unsigned int)24);
}

TEST(compat_ioctl_info_works)
{
	struct kxfer_info info;

	kx_info(kx_open(), &info);
	ASSERT_EQ(info.abi_version, (uint32_t)KXFER_ABI_VERSION);
	ASSERT_EQ(info.page_size, (uint32_t)kx_page());
}

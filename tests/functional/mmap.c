// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of the buffer: MAP_SHARED windows at any page offset, coherent
 * with read()/write() and across processes; no window past the end; no
 * writable private mappings; ordinary pages that get_user_pages() users
 * (process_vm_readv, vmsplice) can pin; no growth by mremap().
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 40
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

#define RW (PROT_READ | PROT_WRITE)

TEST(write_is_visible_in_mapping)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char *m = kx_map(fd, size, 0, RW, MAP_SHARED);

	kx_put_pattern(fd, 0, size, 0x4001);
	kx_expect_pattern_mem(m, 0, size, 0x4001,
			      "mapping after write() of the whole buffer");
}

TEST(mapping_stores_are_visible_to_read)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	char *m = kx_map(fd, size, 0, RW, MAP_SHARED);

	kx_pattern_fill(m, 0, size, 0x4002);
	kx_expect_pattern(fd, 0, size, 0x4002,
			  "read() after stores through the mapping");
}

TEST(mmap_window_at_offset_maps_matching_bytes)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m;

	kx_require_size(fd, 5 * ps);
	kx_put_pattern(fd, 3 * ps, 2 * ps, 0x4003);
	m = kx_map(fd, 2 * ps, 3 * ps, RW, MAP_SHARED);
	kx_expect_pattern_mem(m, 3 * ps, 2 * ps, 0x4003,
			      "window mapped at offset 3 pages");
	kx_pattern_fill(m, 3 * ps, 100, 0x4004);
	kx_expect_pattern(fd, 3 * ps, 100, 0x4004,
			  "read() after a store into the window");
}

TEST(mmap_last_page_succeeds)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	size_t ps = kx_page();
	char *m = kx_map(fd, ps, size - ps, RW, MAP_SHARED);

	kx_put_pattern(fd, size - ps, ps, 0x4005);
	kx_expect_pattern_mem(m, size - ps, ps, 0x4005, "last page mapping");
}

TEST(mmap_window_past_end_fails_einval)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	size_t ps = kx_page();

	ASSERT_MAP_ERRNO(mmap(NULL, 2 * ps, RW, MAP_SHARED, fd,
			      (off_t)(size - ps)), EINVAL);
	ASSERT_MAP_ERRNO(mmap(NULL, size + ps, RW, MAP_SHARED, fd, 0), EINVAL);
}

TEST(mmap_offset_at_or_past_end_fails_einval)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	size_t ps = kx_page();

	ASSERT_MAP_ERRNO(mmap(NULL, ps, RW, MAP_SHARED, fd, (off_t)size),
			 EINVAL);
	ASSERT_MAP_ERRNO(mmap(NULL, ps, RW, MAP_SHARED, fd,
			      (off_t)(size + 16 * ps)), EINVAL);
}

TEST(mmap_private_writable_fails_einval)
{
	int fd = kx_open();

	ASSERT_MAP_ERRNO(mmap(NULL, kx_page(), RW, MAP_PRIVATE, fd, 0),
			 EINVAL);
}

TEST(mmap_private_readonly_reads_buffer)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m;

	kx_put_pattern(fd, 0, 2 * ps, 0x4006);
	m = kx_map(fd, 2 * ps, 0, PROT_READ, MAP_PRIVATE);
	kx_expect_pattern_mem(m, 0, 2 * ps, 0x4006, "private read-only mapping");
}

TEST(mprotect_private_mapping_writable_fails_eacces)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, ps, 0, PROT_READ, MAP_PRIVATE);

	ASSERT_ERRNO(mprotect(m, ps, RW), EACCES);
}

TEST(mapping_survives_close_of_fd)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 2 * ps, 0, RW, MAP_SHARED);

	close(fd);
	kx_pattern_fill(m, 0, 2 * ps, 0x4007);
	fd = kx_open();
	kx_expect_pattern(fd, 0, 2 * ps, 0x4007,
			  "read() of stores made after the mapping's fd was closed");
}

TEST(mapping_is_shared_with_forked_child)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 4 * ps, 0, RW, MAP_SHARED);
	pid_t pid;

	memset(m, 0, 4 * ps);
	pid = kxt_fork();
	if (pid == 0) {
		kx_pattern_fill(m + ps, ps, 2 * ps, 0x4008);
		kxt_child_exit();
	}
	ASSERT_TRUE(kxt_wait_ok(pid, "writing via the inherited mapping"));
	kx_expect_pattern_mem(m + ps, ps, 2 * ps, 0x4008,
			      "parent's mapping after the child's stores");
	kx_expect_pattern(fd, ps, 2 * ps, 0x4008,
			  "read() after the child's stores");
}

TEST(two_opens_two_mappings_see_same_bytes)
{
	int a = kx_open(), b = kx_open();
	size_t ps = kx_page();
	char *ma = kx_map(a, 3 * ps, 0, RW, MAP_SHARED);
	char *mb = kx_map(b, 3 * ps, 0, RW, MAP_SHARED);

	ASSERT_TRUE(ma != mb);
	kx_pattern_fill(ma, 0, 3 * ps, 0x4009);
	kx_expect_pattern_mem(mb, 0, 3 * ps, 0x4009,
			      "second mapping after stores into the first");
}

/* A process with its own open and mapping sees another process' write(). */
TEST(independent_process_mapping_sees_writes)
{
	size_t ps = kx_page();
	struct kx_sync s;
	pid_t pid;
	int fd;

	kx_sync_init(&s);
	pid = kxt_fork();
	if (pid == 0) {
		int cfd = kx_open();
		char *m = kx_map(cfd, 2 * ps, 0, RW, MAP_SHARED);

		kx_sync_in_child(&s);
		kx_sync_tell_parent(&s);	/* mapped */
		kx_sync_wait_parent(&s);	/* parent wrote */
		kx_expect_pattern_mem(m, 0, 2 * ps, 0x400a,
				      "helper's mapping after the test's write()");
		kx_pattern_fill(m, 0, 100, 0x400b);
		kxt_child_exit();
	}
	kx_sync_in_parent(&s);
	kx_sync_wait_child(&s);
	fd = kx_open();
	kx_put_pattern(fd, 0, 2 * ps, 0x400a);
	kx_sync_tell_child(&s);
	ASSERT_TRUE(kxt_wait_ok(pid, "checking its own mapping"));
	kx_expect_pattern(fd, 0, 100, 0x400b, "read() of the helper's stores");
}

/* GUP on the mapping: fails with EFAULT if the driver used a PFN map. */
TEST(process_vm_readv_reads_mapping)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 4 * ps, 0, RW, MAP_SHARED);
	char *buf = kx_alloc(3 * ps);
	struct iovec local = { buf, 3 * ps };
	struct iovec remote = { m + ps / 2, 3 * ps };

	kx_pattern_fill(m, 0, 4 * ps, 0x400c);
	ASSERT_EQ(process_vm_readv(getpid(), &local, 1, &remote, 1, 0),
		  (ssize_t)(3 * ps));
	kx_expect_pattern_mem(buf, ps / 2, 3 * ps, 0x400c,
			      "process_vm_readv() of the mapping");
}

TEST(process_vm_writev_writes_mapping)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 2 * ps, 0, RW, MAP_SHARED);
	char *buf = kx_alloc(2 * ps);
	struct iovec local = { buf, 2 * ps };
	struct iovec remote = { m, 2 * ps };

	kx_pattern_fill(buf, 0, 2 * ps, 0x400d);
	ASSERT_EQ(process_vm_writev(getpid(), &local, 1, &remote, 1, 0),
		  (ssize_t)(2 * ps));
	kx_expect_pattern(fd, 0, 2 * ps, 0x400d,
			  "read() after process_vm_writev() into the mapping");
}

TEST(vmsplice_of_mapping_delivers_bytes)
{
	int fd = kx_open(), p[2];
	size_t ps = kx_page(), got = 0;
	char *m = kx_map(fd, 2 * ps, 0, RW, MAP_SHARED);
	char *buf = kx_alloc(2 * ps);
	struct iovec iov = { m, 2 * ps };
	ssize_t n;

	ASSERT_OK(pipe(p));
	/* room for 2 pages whatever the page size */
	fcntl(p[1], F_SETPIPE_SZ, (int)(4 * ps));
	kx_pattern_fill(m, 0, 2 * ps, 0x400e);
	n = vmsplice(p[1], &iov, 1, 0);
	if (n < 0)
		FAIL("vmsplice() of the mapping: %s", kxt_errstr(errno));
	ASSERT_EQ(n, (ssize_t)(2 * ps));
	while (got < 2 * ps) {
		ssize_t r = read(p[0], buf + got, 2 * ps - got);

		ASSERT_GT(r, (ssize_t)0);
		got += r;
	}
	kx_expect_pattern_mem(buf, 0, 2 * ps, 0x400e,
			      "bytes vmsplice()d from the mapping");
}

/* VM_DONTEXPAND: a mapping cannot be grown past what mmap() set up. */
TEST(mremap_grow_fails_and_mapping_stays_usable)
{
	int fd = kx_open();
	size_t ps = kx_page();
	char *m = kx_map(fd, 2 * ps, 0, RW, MAP_SHARED);
	void *r;

	errno = 0;
	r = mremap(m, 2 * ps, 4 * ps, 0);
	if (r != MAP_FAILED)
		FAIL("mremap() growing the mapping in place succeeded");
	kxt_diag("mremap grow in place: %s", kxt_errstr(errno));
	errno = 0;
	r = mremap(m, 2 * ps, 4 * ps, MREMAP_MAYMOVE);
	if (r != MAP_FAILED)
		FAIL("mremap(MREMAP_MAYMOVE) growing the mapping succeeded");
	kxt_diag("mremap grow with MREMAP_MAYMOVE: %s", kxt_errstr(errno));
	kx_pattern_fill(m, 0, 2 * ps, 0x400f);
	kx_expect_pattern(fd, 0, 2 * ps, 0x400f,
			  "read() after stores into the mapping mremap() refused to grow");
}

/* Every page of a whole-buffer mapping is the right page. */
TEST(whole_mapping_matches_every_page)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	size_t ps = kx_page();
	char *m = kx_map(fd, size, 0, PROT_READ, MAP_SHARED);

	kx_put_pattern(fd, 0, size, 0x4010);
	for (uint64_t off = 0; off < size; off += ps)
		if (!kx_expect_pattern_mem(m + off, off, ps, 0x4010,
					   "page of the whole mapping"))
			break;
}

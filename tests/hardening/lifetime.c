// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime: who keeps the module and the buffer alive, and that letting
 * go really lets go.
 *
 *   - the module cannot be removed while any process holds a file or a
 *     mapping (the module reference count follows the open files, which
 *     mappings keep), and is removed without a trace afterwards;
 *   - a mapping inherited over fork() is counted in both processes, both
 *     see each other's stores, and it is counted until the last holder is
 *     gone, whether it unmaps, exits or is killed;
 *   - a mapping outlives close() of its file, can be split or moved, and
 *     every piece of it follows a RESIZE (ABI 4: vmalloc to vmalloc
 *     revokes, and later accesses reach the new buffer).
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 60
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hx.h"
#include "kx_pattern.h"

#define RW (PROT_READ | PROT_WRITE)

static unsigned int mappings(int fd)
{
	struct kxfer_info info;

	kx_info(fd, &info);
	return info.nr_mappings;
}

/* RESIZE to size: 0 or the errno. */
static int try_resize(int fd, uint64_t size)
{
	struct kxfer_resize r = { .size = size,
				  .backing = KXFER_BACKING_VMALLOC };

	return ioctl(fd, KXFER_IOC_RESIZE, &r) ? errno : 0;
}

/*
 * RESIZE to size on vmalloc succeeds with the mapping alive, and the
 * mapping's word at p (buffer offset off, 8-aligned) then shows what is
 * written into the new buffer there.
 */
static void expect_resize_reaches(int fd, uint64_t size, volatile char *p,
				  uint64_t off, const char *when)
{
	uint64_t got = 0, want;
	int e = try_resize(fd, size), sig;

	if (e) {
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "RESIZE %s: %s, expected success (ABI 4 revokes)",
			    when, kxt_errstr(e));
		return;
	}
	kx_put_pattern(fd, off, 8, 0x1ead);
	kx_pattern_fill(&want, off, 8, 0x1ead);
	sig = kx_probe_access(p, 0, 0, &got);
	if (sig || got != want)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "after RESIZE %s the mapping %s at offset %" PRIu64 " (%#" PRIx64 "), expected the new buffer's %#" PRIx64,
			    when, sig ? strsignal(sig) : "reads", off, got,
			    want);
}

/* -1 when the module is not loaded. */
static long module_refcnt(void)
{
	char buf[32];
	long v = -1;
	int fd = open("/sys/module/" KX_MODULE_NAME "/refcnt",
		      O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		v = strtol(buf, NULL, 10);
	close(fd);
	return v;
}

/* The refcount drops when the holder's files are released: poll a bit. */
static void expect_refcnt(long want, const char *when)
{
	double end = hx_now() + 3;
	long got;

	while ((got = module_refcnt()) != want && hx_now() < end)
		hx_sleep_us(10000);
	if (got != want)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "/sys/module/kxfer/refcnt is %ld %s, expected %ld",
			    got, when, want);
}

TEST(rmmod_refused_while_any_process_holds_file_or_mapping)
{
	size_t ps = kx_page();
	struct kx_sync sync;
	long per_file;
	pid_t pid;
	int fd, r;

	kx_require_ko();
	kx_module_restore();
	expect_refcnt(0, "with nothing open");
	kx_sync_init(&sync);
	pid = kxt_fork();
	if (pid == 0) {
		/* The holder: a mapping, its file closed. */
		char *m;

		kx_sync_in_child(&sync);
		fd = kx_open();
		m = kx_map(fd, ps, 0, RW, MAP_SHARED);
		close(fd);
		m[0] = 'h';
		kx_sync_tell_parent(&sync);
		kx_sync_wait_parent(&sync);
		kxt_child_exit();
	}
	kx_sync_in_parent(&sync);
	kx_sync_wait_child(&sync);

	/*
	 * An open file holds the module through its file operations and
	 * its cdev: some fixed number of references per file, which the
	 * mapping keeps after close().
	 */
	per_file = module_refcnt();
	kxt_diag("module references held by one file (kept by its mapping): %ld",
		 per_file);
	if (per_file < 1)
		FAIL("/sys/module/kxfer/refcnt is %ld while another process holds a mapping, expected at least 1",
		     per_file);
	r = kx_module_unload_raw();
	if (r == 0)
		FAIL("delete_module succeeded while another process held a mapping");
	EXPECT_EQ(r, EWOULDBLOCK);

	fd = kx_open();
	expect_refcnt(2 * per_file, "with a mapping elsewhere and a file here");
	EXPECT_EQ(kx_module_unload_raw(), EWOULDBLOCK);
	close(fd);
	expect_refcnt(per_file, "after closing the file here");

	kx_sync_tell_child(&sync);
	ASSERT_TRUE(kxt_wait_ok(pid, "holding a mapping"));
	expect_refcnt(0, "after the holder exited");
	r = kx_module_unload_raw();
	if (r)
		FAIL("delete_module with no file or mapping left: %s",
		     kxt_errstr(r));
	hx_expect_no_module_traces("after rmmod");
	kx_module_restore();
	fd = kx_open();
	EXPECT_EQ(kx_size(fd), KX_DEFAULT_BUF_SIZE);
}

TEST(forked_mapping_is_counted_and_shared_until_last_holder)
{
	size_t ps = kx_page(), len = 4 * ps;
	struct kx_sync sync;
	char *m, *dontfork;
	uint64_t start_size;
	pid_t pid;
	int fd = kx_open();

	kx_require_size(fd, 8 * ps);
	start_size = kx_size(fd);
	m = kx_map(fd, len, 0, RW, MAP_SHARED);
	/* A second mapping the child must not inherit. */
	dontfork = kx_map(fd, ps, 4 * ps, RW, MAP_SHARED);
	ASSERT_OK(madvise(dontfork, ps, MADV_DONTFORK));
	ASSERT_EQ(mappings(fd), 2u);
	close(fd);
	fd = kx_open();

	kx_sync_init(&sync);
	pid = kxt_fork();
	if (pid == 0) {
		kx_sync_in_child(&sync);
		/* The child's copy: store a pattern, then wait. */
		kx_pattern_fill(m, 0, len, 0xc41d);
		kx_sync_tell_parent(&sync);
		kx_sync_wait_parent(&sync);
		kxt_child_exit();
	}
	kx_sync_in_parent(&sync);
	kx_sync_wait_child(&sync);

	EXPECT_EQ(mappings(fd), 3u);	/* parent 2, child 1 (not dontfork) */
	kx_expect_pattern_mem(m, 0, len, 0xc41d,
			      "parent's mapping after the child's stores");
	kx_expect_pattern(fd, 0, len, 0xc41d,
			  "read() after the child's stores");
	ASSERT_OK(munmap(m, len));
	ASSERT_OK(munmap(dontfork, ps));
	EXPECT_EQ(mappings(fd), 1u);	/* the child's */
	/* ABI 4: the child's mapping does not stop a RESIZE either. */
	EXPECT_EQ(try_resize(fd, start_size), 0);

	kx_sync_tell_child(&sync);
	ASSERT_TRUE(kxt_wait_ok(pid, "sharing the mapping"));
	EXPECT_EQ(mappings(fd), 0u);
	EXPECT_EQ(try_resize(fd, start_size / 2), 0);
	kx_resize(fd, start_size);
}

/* A holder that dies without munmap: exit or SIGKILL. */
static void holder_dies(int by_kill)
{
	size_t ps = kx_page();
	struct kx_sync sync;
	uint64_t start_size;
	pid_t pid;
	int fd = kx_open(), status;

	kx_require_size(fd, 8 * ps);
	start_size = kx_size(fd);
	kx_sync_init(&sync);
	pid = kxt_fork();
	if (pid == 0) {
		int cfd;

		kx_sync_in_child(&sync);
		cfd = kx_open();
		/* Five windows, two of them split: seven VMAs. */
		for (int i = 0; i < 5; i++) {
			char *w = kx_map(cfd, 3 * ps, i * ps, RW, MAP_SHARED);

			w[0] = (char)i;
			if (i < 2)
				ASSERT_OK(munmap(w + ps, ps));
		}
		kx_sync_tell_parent(&sync);
		/* Stay alive until the parent has counted the mappings. */
		if (by_kill)
			pause();
		kx_sync_wait_parent(&sync);
		_exit(0);	/* no munmap, no close */
	}
	kx_sync_in_parent(&sync);
	kx_sync_wait_child(&sync);
	EXPECT_EQ(mappings(fd), 7u);
	/* ABI 4: revokes the child's mappings, which then die with it. */
	EXPECT_EQ(try_resize(fd, start_size), 0);
	if (by_kill)
		ASSERT_OK(kill(pid, SIGKILL));
	else
		kx_sync_tell_child(&sync);
	ASSERT_OK(waitpid(pid, &status, 0));
	EXPECT_EQ(mappings(fd), 0u);
	EXPECT_EQ(try_resize(fd, start_size / 2), 0);
	kx_resize(fd, start_size);
}

TEST(holder_exiting_without_munmap_releases_its_mappings)
{
	holder_dies(0);
}

TEST(holder_killed_with_sigkill_releases_its_mappings)
{
	holder_dies(1);
}

TEST(mapping_outlives_close_and_each_piece_follows_resize)
{
	size_t ps = kx_page();
	uint64_t start_size;
	char *m, *moved;
	int fd = kx_open(), vfd;

	kx_require_size(fd, 8 * ps);
	start_size = kx_size(fd);
	m = kx_map(fd, 4 * ps, ps, RW, MAP_SHARED);
	close(fd);
	vfd = kx_open();
	EXPECT_EQ(mappings(vfd), 1u);

	/* Still works: stores reach the buffer, writes reach the mapping. */
	kx_pattern_fill(m, ps, 4 * ps, 0xc105e);
	kx_expect_pattern(vfd, ps, 4 * ps, 0xc105e,
			  "read() of stores made after close()");
	kx_put_pattern(vfd, ps, ps, 0xbeef);
	kx_expect_pattern_mem(m, ps, ps, 0xbeef,
			      "mapping after a write() made after close()");
	expect_resize_reaches(vfd, start_size, m, ps,
			      "with a mapping of a closed file");
	kx_put_pattern(vfd, ps, ps, 0xbeef);

	/* Moved elsewhere: still one mapping, same bytes. */
	moved = mremap(m, 4 * ps, 4 * ps, MREMAP_MAYMOVE | MREMAP_FIXED,
		       kx_guarded(4 * ps, 0));
	if (moved == MAP_FAILED)
		FAIL("mremap(MREMAP_FIXED) of the mapping: %s",
		     kxt_errstr(errno));
	EXPECT_EQ(mappings(vfd), 1u);
	kx_expect_pattern_mem(moved, ps, ps, 0xbeef, "moved mapping");
	expect_resize_reaches(vfd, start_size, moved + ps, 2 * ps,
			      "with a moved mapping");

	/* Split in three by a hole: two pieces, one count each. */
	ASSERT_OK(munmap(moved + ps, ps));
	EXPECT_EQ(mappings(vfd), 2u);
	expect_resize_reaches(vfd, start_size, moved, ps,
			      "with two pieces left");
	expect_resize_reaches(vfd, start_size, moved + 3 * ps, 4 * ps,
			      "with two pieces left");
	ASSERT_OK(munmap(moved, ps));
	EXPECT_EQ(mappings(vfd), 1u);
	expect_resize_reaches(vfd, start_size, moved + 2 * ps, 3 * ps,
			      "with one piece left");
	ASSERT_OK(munmap(moved + 2 * ps, 2 * ps));
	EXPECT_EQ(mappings(vfd), 0u);
	EXPECT_EQ(try_resize(vfd, start_size / 2), 0);
	kx_resize(vfd, start_size);
}

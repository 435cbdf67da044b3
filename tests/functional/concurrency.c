// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency smoke test: one process write()s the first half, another
 * stores into the second half through a mapping, a third pread()s the
 * whole buffer meanwhile.  Every byte the reader sees must be either the
 * old value (zero) or the value being written there, never anything
 * else, and the final contents must be exactly what the writers wrote.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 80
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

#define PASSES		3
#define CHUNK		(64 * 1024)
#define SEED_WRITE	0x7001
#define SEED_MMAP	0x7002

/* What the buffer holds once both writers are done. */
static char *expected_contents(uint64_t size, uint64_t half)
{
	char *e = kx_alloc(size);

	kx_pattern_fill(e, 0, half, SEED_WRITE);
	kx_pattern_fill(e + half, half, size - half, SEED_MMAP);
	return e;
}

static void writer_write(uint64_t half, const char *e)
{
	int fd = kx_open();

	for (int pass = 0; pass < PASSES; pass++) {
		for (uint64_t off = 0; off < half; off += CHUNK) {
			size_t n = half - off < CHUNK ? half - off : CHUNK;

			kx_pwrite_all(fd, e + off, n, off);
		}
	}
	kxt_child_exit();
}

static void writer_mmap(uint64_t size, uint64_t half, const char *e)
{
	int fd = kx_open();
	char *m = kx_map(fd, size - half, half, PROT_READ | PROT_WRITE,
			 MAP_SHARED);

	for (int pass = 0; pass < PASSES; pass++)
		for (uint64_t off = 0; off < size - half; off += CHUNK) {
			size_t n = size - half - off < CHUNK ?
				   size - half - off : CHUNK;

			memcpy(m + off, e + half + off, n);
		}
	kxt_child_exit();
}

static void reader(uint64_t size, const char *e, volatile int *stop)
{
	int fd = kx_open();
	char *buf = kx_alloc(CHUNK);
	int last = 0, rounds = 0;

	while (!last) {
		last = *stop;	/* one full round after the writers are done */
		for (uint64_t off = 0; off < size; off += CHUNK) {
			size_t n = size - off < CHUNK ? size - off : CHUNK;

			kx_pread_all(fd, buf, n, off);
			for (size_t i = 0; i < n; i++) {
				if (buf[i] != 0 && buf[i] != e[off + i])
					FAIL("reader saw 0x%02x at offset %llu, expected 0 or 0x%02x",
					     (unsigned char)buf[i],
					     (unsigned long long)(off + i),
					     (unsigned char)e[off + i]);
			}
		}
		rounds++;
	}
	kxt_diag("reader made %d full passes", rounds);
	kxt_child_exit();
}

TEST_TIMEOUT(concurrent_write_mmap_and_read_keep_data_consistent, 600)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd), half;
	volatile int *stop;
	pid_t w1, w2, r;
	char *e;

	kx_require_size(fd, 2 * kx_page());
	half = size / 2 / kx_page() * kx_page();
	e = expected_contents(size, half);
	stop = ASSERT_MAP(mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	kx_put_byte(fd, 0, size, 0);

	r = kxt_fork();
	if (r == 0)
		reader(size, e, stop);
	w1 = kxt_fork();
	if (w1 == 0)
		writer_write(half, e);
	w2 = kxt_fork();
	if (w2 == 0)
		writer_mmap(size, half, e);

	EXPECT_TRUE(kxt_wait_ok(w1, "writing with write()"));
	EXPECT_TRUE(kxt_wait_ok(w2, "storing through a mapping"));
	*stop = 1;
	EXPECT_TRUE(kxt_wait_ok(r, "reading concurrently"));

	char *got = kx_alloc(size);

	kx_pread_all(fd, got, size, 0);
	ASSERT_MEM_EQ(got, e, size, "final buffer contents");
}

/*
 * RESIZE racing with read()/write() from another process: every call
 * must see one consistent size, so a read returns a count or 0 and a
 * write a count or ENOSPC, never an error from a buffer swapped under it
 * (the guest runner also fails the run on any kernel splat).
 */
TEST_TIMEOUT(resize_racing_read_write_stays_consistent, 600)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	size_t ps = kx_page();
	uint64_t small = 2 * ps;
	volatile int *stop;
	char *buf = kx_alloc(CHUNK);
	int rounds = 0;
	pid_t pid;

	kx_require_size(fd, 4 * ps);
	stop = ASSERT_MAP(mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	pid = kxt_fork();
	if (pid == 0) {
		int cfd = kx_open();

		while (!*stop) {
			kx_resize(cfd, small);
			kx_resize(cfd, size);
		}
		kxt_child_exit();
	}
	for (int i = 0; i < 2000; i++) {
		uint64_t off = (uint64_t)(i % 5) * ps;
		ssize_t n = pread(fd, buf, CHUNK, (off_t)off);

		if (n < 0)
			FAIL("pread at %llu during RESIZE: %s",
			     (unsigned long long)off, kxt_errstr(errno));
		n = pwrite(fd, buf, CHUNK, (off_t)off);
		if (n < 0 && errno != ENOSPC)
			FAIL("pwrite at %llu during RESIZE: %s",
			     (unsigned long long)off, kxt_errstr(errno));
		if (n == 0)
			FAIL("pwrite of %d bytes at %llu returned 0",
			     CHUNK, (unsigned long long)off);
		rounds++;
	}
	*stop = 1;
	ASSERT_TRUE(kxt_wait_ok(pid, "resizing in a loop"));
	ASSERT_EQ(kx_size(fd), size);
	kxt_diag("%d read/write rounds raced with RESIZE", rounds);
}

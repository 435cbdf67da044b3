// SPDX-License-Identifier: GPL-2.0
/*
 * The owner threads of the stress test: each one moves data into and out
 * of its own cells through every path (pwrite, write, pwritev, pread,
 * read, preadv, stores through a mapping + SUBMIT, FETCH + loads through
 * a mapping, vmsplice() of the mapping (a get_user_pages() pin that may
 * outlive a RESIZE: the pinned pages keep their bytes), SUBMIT/FETCH
 * alone) in random work modes, and checks every byte it reads against
 * what it last put there.  RESIZE (stress_helpers.c) revokes the
 * mappings under the owners at any moment; vmalloc and pages mappings
 * survive it, so no access may fault and no byte may change.
 *
 * Mapping protocol with the resizer (stress_helpers.c): an owner raises
 * inflight before it looks at pause and drops it after munmap, so once the
 * resizer has set pause and seen inflight at zero, no mapping of the
 * device exists.  pinned counts mappings from the moment mmap() returned
 * until munmap, so the resizer can count RESIZEs done under mappings.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "stress.h"

#define RUN_BYTES (ST_MAX_RUN * ST_CELL)
/*
 * O_DIRECT writes from a mapping go to the RAM disk the functional
 * payload loads (brd, 1 MiB), each owner of each device to its own slot.
 */
#define RAMDISK		"/dev/ram0"
#define DIO_SLOT	(64U << 10)
_Static_assert(ST_MAX_DEVS * ST_OWNERS * DIO_SLOT <= (1U << 20),
	       "the O_DIRECT slots must fit the 1 MiB RAM disk");

struct owner_ctx {
	struct st_shared *sh;
	struct st_dev *d;
	struct st_owner *o;
	int owner;		/* index within the device */
	int fd;
	int disk;		/* RAMDISK with O_DIRECT, or -1 */
	uint32_t work, seed;	/* this file's mode */
	struct hx_rng r;
	unsigned char buf[RUN_BYTES], want[RUN_BYTES];
	unsigned char *dio;	/* DIO_SLOT bytes, page aligned */
	char what[160];
};

static void record(struct owner_ctx *c, int cell, int count, uint32_t seed)
{
	for (int i = 0; i < count; i++) {
		c->o->seed[cell + i] = seed;
		c->o->written[cell + i] = 1;
	}
}

static void describe(struct owner_ctx *c, const char *op, int cell, int count)
{
	snprintf(c->what, sizeof(c->what),
		 "%s: owner %d, %s of cells %d..%d (offset %" PRIu64
		 ", %d bytes), work %u", kx_node(c->d->index), c->owner, op,
		 cell, cell + count - 1, st_cell_off(c->owner, cell),
		 count * ST_CELL, c->work);
}

/* Bytes read back must be what the cells hold. */
static void expect_run(struct owner_ctx *c, const unsigned char *got,
		       int cell, int count)
{
	size_t len = (size_t)count * ST_CELL;

	st_expect_cells(c->o, c->owner, cell, count, c->want);
	if (memcmp(got, c->want, len))
		ASSERT_MEM_EQ(got, c->want, len, c->what);
}

static void expect_last_csum(struct owner_ctx *c, const void *data,
			     size_t len)
{
	struct kxfer_mode m;
	uint32_t want;

	if (c->work != KXFER_WORK_CHECKSUM)
		return;
	m = kx_get_mode(c->fd);
	want = kx_crc32c(KX_CRC32C_INIT, data, len);
	if (m.last_csum != want)
		FAIL("%s: last_csum %#010x, expected CRC32C %#010x",
		     c->what, m.last_csum, want);
}

/* Split len bytes at p into 1..4 iovecs. */
static int split_iov(struct owner_ctx *c, unsigned char *p, size_t len,
		     struct iovec *iov)
{
	int n = 1 + hx_below(&c->r, 4);
	size_t left = len;

	for (int i = 0; i < n; i++) {
		size_t part = i == n - 1 ? left : hx_below(&c->r, left + 1);

		iov[i].iov_base = p;
		iov[i].iov_len = part;
		p += part;
		left -= part;
	}
	return n;
}

static void do_write(struct owner_ctx *c, int kind, int cell, int count)
{
	uint64_t off = st_cell_off(c->owner, cell);
	size_t len = (size_t)count * ST_CELL;
	uint32_t seed = (uint32_t)hx_next(&c->r);
	struct iovec iov[4];
	ssize_t n;
	int path = KXFER_PATH_WRITE;

	kx_pattern_fill(c->buf, off, len, seed);
	switch (kind) {
	case 0:
		describe(c, "pwrite", cell, count);
		n = pwrite(c->fd, c->buf, len, (off_t)off);
		break;
	case 1:
		describe(c, "lseek+write", cell, count);
		if (lseek(c->fd, (off_t)off, SEEK_SET) != (off_t)off)
			FAIL("%s: lseek: %s", c->what, kxt_errstr(errno));
		n = write(c->fd, c->buf, len);
		break;
	default:
		describe(c, "pwritev", cell, count);
		n = pwritev(c->fd, iov, split_iov(c, c->buf, len, iov),
			    (off_t)off);
		path = KXFER_PATH_WRITE_ITER;
		break;
	}
	if (n != (ssize_t)len)
		FAIL("%s: returned %zd (%s), expected %zu", c->what, n,
		     n < 0 ? kxt_errstr(errno) : "short", len);
	st_count(c->d, path, len);
	record(c, cell, count, seed);
	expect_last_csum(c, c->buf, len);
}

static void do_read(struct owner_ctx *c, int kind, int cell, int count)
{
	uint64_t off = st_cell_off(c->owner, cell);
	size_t len = (size_t)count * ST_CELL;
	struct iovec iov[4];
	ssize_t n;
	int path = KXFER_PATH_READ;

	memset(c->buf, 0xa5, len);
	switch (kind) {
	case 0:
		describe(c, "pread", cell, count);
		n = pread(c->fd, c->buf, len, (off_t)off);
		break;
	case 1:
		describe(c, "lseek+read", cell, count);
		if (lseek(c->fd, (off_t)off, SEEK_SET) != (off_t)off)
			FAIL("%s: lseek: %s", c->what, kxt_errstr(errno));
		n = read(c->fd, c->buf, len);
		break;
	default:
		describe(c, "preadv", cell, count);
		n = preadv(c->fd, iov, split_iov(c, c->buf, len, iov),
			   (off_t)off);
		path = KXFER_PATH_READ_ITER;
		break;
	}
	if (n != (ssize_t)len)
		FAIL("%s: returned %zd (%s), expected %zu", c->what, n,
		     n < 0 ? kxt_errstr(errno) : "short", len);
	st_count(c->d, path, len);
	/* In fill mode the kernel wrote the pattern into the cells first. */
	if (c->work == KXFER_WORK_FILL)
		record(c, cell, count, c->seed);
	expect_run(c, c->buf, cell, count);
	expect_last_csum(c, c->buf, len);
}

static void xfer(struct owner_ctx *c, unsigned long cmd, uint64_t off,
		 size_t len, uint32_t want_csum)
{
	struct kxfer_xfer x = { .offset = off, .length = len };

	if (ioctl(c->fd, cmd, &x) < 0)
		FAIL("%s: %s: %s", c->what,
		     cmd == KXFER_IOC_SUBMIT ? "SUBMIT" : "FETCH",
		     kxt_errstr(errno));
	st_count(c->d, cmd == KXFER_IOC_SUBMIT ? KXFER_PATH_SUBMIT :
		 KXFER_PATH_FETCH, len);
	if (x.offset != off || x.length != len || x.flags)
		FAIL("%s: the kernel changed the range to {%llu, %llu, %#x}",
		     c->what, (unsigned long long)x.offset,
		     (unsigned long long)x.length, x.flags);
	if (c->work == KXFER_WORK_CHECKSUM && x.csum != want_csum)
		FAIL("%s: csum %#010x, expected CRC32C %#010x", c->what,
		     x.csum, want_csum);
	if (c->work != KXFER_WORK_CHECKSUM && x.csum)
		FAIL("%s: csum %#010x outside checksum mode, expected 0",
		     c->what, x.csum);
}

/*
 * vmsplice() the cells from the mapping at p into a pipe and read them
 * back: the bytes the pinned pages held, which must be the owner's.
 */
static void vmsplice_and_check(struct owner_ctx *c, unsigned char *p,
			       int cell, int count)
{
	size_t len = (size_t)count * ST_CELL, done = 0;
	int pfd[2];

	if (pipe(pfd))
		FAIL("%s: pipe: %s", c->what, kxt_errstr(errno));
	while (done < len) {
		struct iovec iov = { p + done, len - done };
		ssize_t n = vmsplice(pfd[1], &iov, 1, 0), got = 0;

		if (n <= 0)
			FAIL("%s: vmsplice of %zu bytes of the mapping: %s",
			     c->what, len - done,
			     n ? kxt_errstr(errno) : "returned 0");
		while (got < n) {
			ssize_t r = read(pfd[0], c->buf + done + got, n - got);

			if (r <= 0)
				FAIL("%s: read from the vmsplice pipe: %s",
				     c->what, r ? kxt_errstr(errno) : "EOF");
			got += r;
		}
		done += n;
	}
	close(pfd[0]);
	close(pfd[1]);
	expect_run(c, c->buf, cell, count);
}

/*
 * O_DIRECT write of the page-aligned window at m (buffer offset woff)
 * that holds the cells' first byte, at most DIO_SLOT, to this owner's
 * slot of the RAM disk, then an O_DIRECT read back: the cells' bytes the
 * pinned pages held must be the owner's.
 */
static void odirect_and_check(struct owner_ctx *c, unsigned char *m,
			      uint64_t woff, uint64_t wend, int cell,
			      int count)
{
	uint64_t ps = kx_page(), off = st_cell_off(c->owner, cell);
	uint64_t start = off / ps * ps, len = wend - start;
	uint64_t slot = ((uint64_t)(c->d - c->sh->dev) * ST_OWNERS +
			 c->owner) * DIO_SLOT;
	uint64_t first = off - start, n;

	if (len > DIO_SLOT)
		len = DIO_SLOT;
	if (pwrite(c->disk, m + (start - woff), len, (off_t)slot) !=
	    (ssize_t)len)
		FAIL("%s: O_DIRECT pwrite of %" PRIu64 " bytes from the mapping: %s",
		     c->what, len, kxt_errstr(errno));
	if (pread(c->disk, c->dio, len, (off_t)slot) != (ssize_t)len)
		FAIL("%s: O_DIRECT pread: %s", c->what, kxt_errstr(errno));
	st_expect_cells(c->o, c->owner, cell, count, c->want);
	n = len - first < (uint64_t)count * ST_CELL ? len - first :
	    (uint64_t)count * ST_CELL;
	if (memcmp(c->dio + first, c->want, n))
		ASSERT_MEM_EQ(c->dio + first, c->want, n, c->what);
}

/* FETCH, then look at the cells through p (a mapping) or pread (NULL). */
static void fetch_and_check(struct owner_ctx *c, const unsigned char *p,
			    int cell, int count)
{
	uint64_t off = st_cell_off(c->owner, cell);
	size_t len = (size_t)count * ST_CELL;
	uint32_t csum = 0;

	if (c->work == KXFER_WORK_FILL)
		record(c, cell, count, c->seed);
	st_expect_cells(c->o, c->owner, cell, count, c->want);
	if (c->work == KXFER_WORK_CHECKSUM)
		csum = kx_crc32c(KX_CRC32C_INIT, c->want, len);
	xfer(c, KXFER_IOC_FETCH, off, len, csum);
	if (!p) {
		if (pread(c->fd, c->buf, len, (off_t)off) != (ssize_t)len)
			FAIL("%s: pread after FETCH: %s", c->what,
			     kxt_errstr(errno));
		st_count(c->d, KXFER_PATH_READ, len);
		p = c->buf;
		/* A read in fill mode fills again: the same bytes. */
	}
	expect_run(c, p, cell, count);
}

static void do_mmap_session(struct owner_ctx *c, int cell, int count)
{
	uint64_t ps = kx_page(), off = st_cell_off(c->owner, cell);
	uint64_t end = off + (uint64_t)count * ST_CELL;
	uint64_t woff = off / ps * ps, wend = hx_page_align(end);
	size_t len = (size_t)count * ST_CELL;
	unsigned char *m;
	int steps;

	/* A random window around the cells, inside the base size. */
	for (uint64_t extra = hx_below(&c->r, 3); extra && woff; extra--)
		woff -= ps;
	for (uint64_t extra = hx_below(&c->r, 3);
	     extra && wend + ps <= ST_BASE; extra--)
		wend += ps;

	atomic_fetch_add(&c->d->inflight, 1);
	if (atomic_load(&c->d->pause)) {
		atomic_fetch_sub(&c->d->inflight, 1);
		st_op(c->d, ST_OP_MMAP_DEFERRED);
		return;
	}
	describe(c, "mmap session", cell, count);
	m = mmap(NULL, wend - woff, PROT_READ | PROT_WRITE, MAP_SHARED,
		 c->fd, (off_t)woff);
	if (m == MAP_FAILED)
		FAIL("%s: mmap(%" PRIu64 " bytes at %" PRIu64 "): %s",
		     c->what, wend - woff, woff, kxt_errstr(errno));
	atomic_fetch_add(&c->d->pinned, 1);
	st_count(c->d, KXFER_PATH_MMAP, wend - woff);

	for (steps = 1 + hx_below(&c->r, 3); steps; steps--) {
		unsigned char *p = m + (off - woff);

		switch (hx_below(&c->r, 5)) {
		case 0: {
			uint32_t seed = (uint32_t)hx_next(&c->r);

			describe(c, "store through the mapping + SUBMIT",
				 cell, count);
			kx_pattern_fill(p, off, len, seed);
			record(c, cell, count, seed);
			xfer(c, KXFER_IOC_SUBMIT, off, len,
			     kx_crc32c(KX_CRC32C_INIT, p, len));
			break;
		}
		case 1:
			describe(c, "FETCH + load through the mapping", cell,
				 count);
			fetch_and_check(c, p, cell, count);
			break;
		case 2:
			describe(c, "vmsplice of the mapping", cell, count);
			vmsplice_and_check(c, p, cell, count);
			break;
		case 3:
			if (c->disk < 0)
				continue;
			describe(c, "O_DIRECT write from the mapping", cell,
				 count);
			odirect_and_check(c, m, woff, wend, cell, count);
			st_op(c->d, ST_OP_ODIRECT);
			break;
		default:
			describe(c, "load through the mapping", cell, count);
			expect_run(c, p, cell, count);
			break;
		}
	}
	atomic_fetch_sub(&c->d->pinned, 1);
	if (munmap(m, wend - woff))
		FAIL("%s: munmap: %s", c->what, kxt_errstr(errno));
	atomic_fetch_sub(&c->d->inflight, 1);
}

static void do_set_mode(struct owner_ctx *c)
{
	unsigned int v = hx_below(&c->r, 10);

	c->work = v < 4 ? KXFER_WORK_NONE : v < 7 ? KXFER_WORK_CHECKSUM :
		  KXFER_WORK_FILL;
	c->seed = (uint32_t)hx_next(&c->r);
	kx_set_mode(c->fd, c->work, c->seed);
	st_op(c->d, ST_OP_SET_MODE);
}

static void do_stats(struct owner_ctx *c)
{
	struct kxfer_stats st;

	kx_get_stats(c->fd, &st);
	for (int s = KXFER_NR_PATHS; s < KXFER_STATS_SLOTS; s++)
		if (st.bytes[s] || st.calls[s])
			FAIL("%s: GET_STATS unused slot %d holds %llu/%llu",
			     kx_node(c->d->index), s,
			     (unsigned long long)st.bytes[s],
			     (unsigned long long)st.calls[s]);
	st_op(c->d, ST_OP_STATS);
}

static void *owner_thread(void *arg)
{
	struct owner_ctx *c = arg;

	c->fd = kx_open_node(c->d->index, O_RDWR);
	c->disk = open(RAMDISK, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (c->disk >= 0 && posix_memalign((void **)&c->dio, kx_page(),
					   DIO_SLOT))
		FAIL("posix_memalign: out of memory");
	while (!c->sh->stop) {
		unsigned int v = hx_below(&c->r, 100);
		int cell = hx_below(&c->r, ST_CELLS);
		int room = ST_CELLS - cell;
		int count = 1 + hx_below(&c->r, room < ST_MAX_RUN ? room :
						 ST_MAX_RUN);

		if (v < 26)
			do_write(c, v % 3, cell, count);
		else if (v < 52)
			do_read(c, v % 3, cell, count);
		else if (v < 70)
			do_mmap_session(c, cell, count);
		else if (v < 80) {
			describe(c, "FETCH + pread", cell, count);
			fetch_and_check(c, NULL, cell, count);
		} else if (v < 88) {
			describe(c, "SUBMIT", cell, count);
			st_expect_cells(c->o, c->owner, cell, count, c->want);
			xfer(c, KXFER_IOC_SUBMIT, st_cell_off(c->owner, cell),
			     (size_t)count * ST_CELL,
			     kx_crc32c(KX_CRC32C_INIT, c->want,
				       (size_t)count * ST_CELL));
		} else if (v < 94) {
			do_set_mode(c);
		} else {
			do_stats(c);
		}
	}
	close(c->fd);
	if (c->disk >= 0)
		close(c->disk);
	free(c->dio);
	return NULL;
}

void st_owner_process(struct st_shared *sh, int dev, int proc)
{
	struct owner_ctx *ctx = hx_calloc(ST_THREADS, sizeof(*ctx));
	pthread_t th[ST_THREADS];

	for (int t = 0; t < ST_THREADS; t++) {
		struct owner_ctx *c = &ctx[t];

		c->sh = sh;
		c->d = &sh->dev[dev];
		c->owner = proc * ST_THREADS + t;
		c->o = &c->d->owner[c->owner];
		hx_rng_init(&c->r, sh->seed, 0x5000 + dev * 100 + c->owner);
		errno = pthread_create(&th[t], NULL, owner_thread, c);
		if (errno)
			FAIL("pthread_create: %s", kxt_errstr(errno));
	}
	for (int t = 0; t < ST_THREADS; t++)
		pthread_join(th[t], NULL);
	free(ctx);
	kxt_child_exit();
}

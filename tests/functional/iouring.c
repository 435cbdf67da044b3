// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring reaches the driver through .read_iter/.write_iter.  The ring is
 * driven with the raw syscalls, so the static test binary needs no
 * liburing: one submission, one completion at a time.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 35
#include <errno.h>
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

struct ring {
	int fd;
	void *sq, *cq;
	size_t sq_len, cq_len, sqes_len;
	struct io_uring_sqe *sqes;
	struct io_uring_params p;
};

/* Sets up a ring of 4 entries, or SKIPs when the kernel has none. */
static void ring_init(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = syscall(__NR_io_uring_setup, 4, &r->p);
	if (r->fd < 0 && (errno == ENOSYS || errno == EPERM))
		SKIP("io_uring is not available in this kernel (%s)",
		     kxt_errstr(errno));
	ASSERT_OK(r->fd);

	r->sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(__u32);
	r->cq_len = r->p.cq_off.cqes +
		    r->p.cq_entries * sizeof(struct io_uring_cqe);
	r->sqes_len = r->p.sq_entries * sizeof(struct io_uring_sqe);
	r->sq = ASSERT_MAP(mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_POPULATE, r->fd,
				IORING_OFF_SQ_RING));
	r->cq = ASSERT_MAP(mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_POPULATE, r->fd,
				IORING_OFF_CQ_RING));
	r->sqes = ASSERT_MAP(mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_POPULATE, r->fd,
				  IORING_OFF_SQES));
}

static __u32 *sq_field(struct ring *r, __u32 off)
{
	return (__u32 *)((char *)r->sq + off);
}

static __u32 *cq_field(struct ring *r, __u32 off)
{
	return (__u32 *)((char *)r->cq + off);
}

/* Submits one read or write and returns its completion's result. */
static int ring_rw(struct ring *r, __u8 op, int fd, void *buf, __u32 len,
		   __u64 off)
{
	__u32 tail = *sq_field(r, r->p.sq_off.tail);
	__u32 idx = tail & *sq_field(r, r->p.sq_off.ring_mask);
	__u32 head, *cq_head = cq_field(r, r->p.cq_off.head);
	struct io_uring_sqe *sqe = &r->sqes[idx];
	struct io_uring_cqe *cqe;
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (__u64)(uintptr_t)buf;
	sqe->len = len;
	sqe->off = off;
	sq_field(r, r->p.sq_off.array)[idx] = idx;
	__atomic_store_n(sq_field(r, r->p.sq_off.tail), tail + 1,
			 __ATOMIC_RELEASE);

	ASSERT_EQ(syscall(__NR_io_uring_enter, r->fd, 1, 1,
			  IORING_ENTER_GETEVENTS, NULL, 0), 1L);

	head = *cq_head;
	ASSERT_NE(head, __atomic_load_n(cq_field(r, r->p.cq_off.tail),
					__ATOMIC_ACQUIRE));
	cqe = (struct io_uring_cqe *)((char *)r->cq + r->p.cq_off.cqes) +
	      (head & *cq_field(r, r->p.cq_off.ring_mask));
	res = cqe->res;
	__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static void ring_exit(struct ring *r)
{
	munmap(r->sqes, r->sqes_len);
	munmap(r->cq, r->cq_len);
	munmap(r->sq, r->sq_len);
	close(r->fd);
}

TEST(io_uring_read_returns_device_bytes_at_offset)
{
	int fd = kx_open();
	size_t len = 3 * kx_page() + 77;
	off_t at = 2 * kx_page() + 5;
	char *buf = kx_alloc(len);
	struct kxfer_stats st;
	struct ring r;

	kx_put_pattern(fd, at, len, 0x5101);
	ring_init(&r);
	kx_reset_stats(fd);
	ASSERT_EQ(ring_rw(&r, IORING_OP_READ, fd, buf, len, at), (int)len);
	kx_expect_pattern_mem(buf, at, len, 0x5101, "io_uring read data");
	/* io_uring could fall back to .read; it must use .read_iter. */
	kx_get_stats(fd, &st);
	EXPECT_EQ(st.bytes[KXFER_PATH_READ_ITER], (__u64)len);
	EXPECT_EQ(st.calls[KXFER_PATH_READ], (__u64)0);
	ring_exit(&r);
	free(buf);
}

TEST(io_uring_write_lands_in_device_at_offset)
{
	int fd = kx_open();
	size_t len = 2 * kx_page() + 3;
	off_t at = kx_page() - 1;
	char *buf = kx_alloc(len);
	struct ring r;

	kx_pattern_fill(buf, at, len, 0x5102);
	ring_init(&r);
	ASSERT_EQ(ring_rw(&r, IORING_OP_WRITE, fd, buf, len, at), (int)len);
	kx_expect_pattern(fd, at, len, 0x5102, "bytes from an io_uring write");
	ring_exit(&r);
	free(buf);
}

TEST(io_uring_write_at_end_fails_enospc)
{
	int fd = kx_open();
	char byte = 1;
	struct ring r;

	ring_init(&r);
	ASSERT_EQ(ring_rw(&r, IORING_OP_WRITE, fd, &byte, 1, kx_size(fd)),
		  -ENOSPC);
	ring_exit(&r);
}

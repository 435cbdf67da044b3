// SPDX-License-Identifier: GPL-2.0
/*
 * stream-ring: the consumer side of the mapped ring (perf, io_uring,
 * AF_XDP): no syscall while blocks are there, poll() only when empty.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>

#include "kx_stream.h"
#include "stream.h"
#include "timing.h"

/* Shared with stream-ring-busy, which never sleeps. */
int st_ring_consume(struct st_sess *s, uint64_t until_ns, int busy)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	uint32_t tail = kx_ring_load(&s->ring->tail);

	while (kx_now_ns() < until_ns) {
		uint32_t head = kx_ring_load(&s->ring->head);

		if (head == tail) {
			if (busy)
				continue;
			s->syscalls++;
			if (poll(&p, 1, 100) < 0 && errno != EINTR) {
				perror("kxfer-bench: stream-ring: poll");
				return -1;
			}
			continue;
		}
		for (; tail != head; tail++)
			st_got_block(s, s->map +
				     (size_t)(tail % s->depth) * s->stride);
		kx_ring_store(&s->ring->tail, tail);
	}
	return 0;
}

static int ring_loop(struct st_sess *s, uint64_t until_ns)
{
	return st_ring_consume(s, until_ns, 0);
}

const struct st_method st_m_ring = {
	.name = "stream-ring", .device = 1,
	.direction = KXFER_STREAM_CAPTURE, .interface = KXFER_STREAM_IF_RING,
	.summary = "mapped ring, acquire/release indices, poll() when empty",
	.loop = ring_loop,
};

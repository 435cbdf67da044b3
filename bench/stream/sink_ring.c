// SPDX-License-Identifier: GPL-2.0
/* sink-ring: the producer side of the ring; poll() only when it is full. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>

#include "kx_stream.h"
#include "stream.h"
#include "timing.h"

static int sink_ring_loop(struct st_sess *s, uint64_t until_ns)
{
	struct pollfd p = { .fd = s->fd, .events = POLLOUT };
	uint32_t head = kx_ring_load(&s->ring->head);

	while (kx_now_ns() < until_ns) {
		uint32_t tail = kx_ring_load(&s->ring->tail);

		if (head - tail >= s->depth) {
			s->syscalls++;
			if (poll(&p, 1, 100) < 0 && errno != EINTR) {
				perror("kxfer-bench: sink-ring: poll");
				return -1;
			}
			continue;
		}
		st_fill_block(s, s->map + (size_t)(head % s->depth) * s->stride);
		kx_ring_store(&s->ring->head, ++head);
	}
	return 0;
}

const struct st_method st_m_sink_ring = {
	.name = "sink-ring", .device = 1,
	.direction = KXFER_STREAM_SINK, .interface = KXFER_STREAM_IF_RING,
	.summary = "fill ring slots in place, poll() only when the ring is full",
	.loop = sink_ring_loop,
};

// SPDX-License-Identifier: GPL-2.0
/* stream-ring-busy: the ring polled in a loop, no syscall at all. */
#include "stream.h"

int st_ring_consume(struct st_sess *s, uint64_t until_ns, int busy);

static int ring_busy_loop(struct st_sess *s, uint64_t until_ns)
{
	return st_ring_consume(s, until_ns, 1);
}

const struct st_method st_m_ring_busy = {
	.name = "stream-ring-busy", .device = 1,
	.direction = KXFER_STREAM_CAPTURE, .interface = KXFER_STREAM_IF_RING,
	.summary = "mapped ring spun on: no syscall, one CPU busy",
	.loop = ring_busy_loop,
};

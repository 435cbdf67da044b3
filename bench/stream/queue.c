// SPDX-License-Identifier: GPL-2.0
/*
 * stream-queue and sink-queue: DQBUF a mapped block (V4L2 style; it
 * sleeps until one is ready), consume it (capture) or fill it in place
 * (sink), QBUF it back.  The two directions differ only in that step.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "stream.h"
#include "timing.h"

static int queue_loop(struct st_sess *s, uint64_t until_ns)
{
	int sink = s->m->direction == KXFER_STREAM_SINK;

	while (kx_now_ns() < until_ns) {
		struct kxfer_stream_buf b;

		memset(&b, 0, sizeof(b));
		s->syscalls++;
		if (ioctl(s->fd, KXFER_IOC_STREAM_DQBUF, &b)) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "kxfer-bench: %s: DQBUF: %s\n",
				s->m->name, strerror(errno));
			return -1;
		}
		if (sink)
			st_fill_block(s, s->map + b.offset);
		else
			st_got_block(s, s->map + b.offset);
		s->syscalls++;
		if (ioctl(s->fd, KXFER_IOC_STREAM_QBUF, &b)) {
			fprintf(stderr, "kxfer-bench: %s: QBUF: %s\n",
				s->m->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

const struct st_method st_m_queue = {
	.name = "stream-queue", .device = 1,
	.direction = KXFER_STREAM_CAPTURE, .interface = KXFER_STREAM_IF_QUEUE,
	.summary = "DQBUF waits for a mapped block, QBUF gives it back",
	.loop = queue_loop,
};

const struct st_method st_m_sink_queue = {
	.name = "sink-queue", .device = 1,
	.direction = KXFER_STREAM_SINK, .interface = KXFER_STREAM_IF_QUEUE,
	.summary = "DQBUF a free mapped block, fill it in place, QBUF it",
	.loop = queue_loop,
};

// SPDX-License-Identifier: GPL-2.0
/* sink-queue: DQBUF a free mapped block, fill it in place, QBUF it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "stream.h"
#include "timing.h"

static int sink_queue_loop(struct st_sess *s, uint64_t until_ns)
{
	while (kx_now_ns() < until_ns) {
		struct kxfer_stream_buf b;

		memset(&b, 0, sizeof(b));
		s->syscalls++;
		if (ioctl(s->fd, KXFER_IOC_STREAM_DQBUF, &b)) {
			if (errno == EINTR)
				continue;
			perror("kxfer-bench: sink-queue: DQBUF");
			return -1;
		}
		st_fill_block(s, s->map + b.offset);
		s->syscalls++;
		if (ioctl(s->fd, KXFER_IOC_STREAM_QBUF, &b)) {
			perror("kxfer-bench: sink-queue: QBUF");
			return -1;
		}
	}
	return 0;
}

const struct st_method st_m_sink_queue = {
	.name = "sink-queue", .device = 1,
	.direction = KXFER_STREAM_SINK, .interface = KXFER_STREAM_IF_QUEUE,
	.summary = "DQBUF a free mapped block, fill it in place, QBUF it",
	.loop = sink_queue_loop,
};

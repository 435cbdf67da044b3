// SPDX-License-Identifier: GPL-2.0
/* stream-queue: DQBUF (sleeps until ready) and QBUF of mapped blocks (V4L2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "stream.h"
#include "timing.h"

static int queue_loop(struct st_sess *s, uint64_t until_ns)
{
	while (kx_now_ns() < until_ns) {
		struct kxfer_stream_buf b;

		memset(&b, 0, sizeof(b));
		s->syscalls++;
		if (ioctl(s->fd, KXFER_IOC_STREAM_DQBUF, &b)) {
			if (errno == EINTR)
				continue;
			perror("kxfer-bench: stream-queue: DQBUF");
			return -1;
		}
		st_got_block(s, s->map + b.offset);
		s->syscalls++;
		if (ioctl(s->fd, KXFER_IOC_STREAM_QBUF, &b)) {
			perror("kxfer-bench: stream-queue: QBUF");
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

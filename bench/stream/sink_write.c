// SPDX-License-Identifier: GPL-2.0
/* sink-write: fill a block, write() it; write() sleeps while none is free. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "stream.h"
#include "timing.h"

static int sink_write_setup(struct st_sess *s)
{
	s->priv = malloc(s->cfg->block_size);
	return s->priv ? 0 : -1;
}

static void sink_write_teardown(struct st_sess *s)
{
	free(s->priv);
}

static int sink_write_loop(struct st_sess *s, uint64_t until_ns)
{
	while (kx_now_ns() < until_ns) {
		ssize_t w;

		st_fill_block(s, s->priv);
		do {
			s->syscalls++;
			w = write(s->fd, s->priv, s->cfg->block_size);
		} while (w < 0 && errno == EINTR);
		if (w != (ssize_t)s->cfg->block_size) {
			perror("kxfer-bench: sink-write: write");
			return -1;
		}
	}
	return 0;
}

const struct st_method st_m_sink_write = {
	.name = "sink-write", .device = 1,
	.direction = KXFER_STREAM_SINK, .interface = KXFER_STREAM_IF_RW,
	.summary = "write() copies a filled block, sleeps while none is free",
	.setup = sink_write_setup, .teardown = sink_write_teardown,
	.loop = sink_write_loop,
};

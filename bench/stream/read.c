// SPDX-License-Identifier: GPL-2.0
/* stream-read: one blocking read() per block, one copy (IIO, char drivers). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "stream.h"
#include "timing.h"

static int read_setup(struct st_sess *s)
{
	s->priv = malloc(s->cfg->block_size);
	return s->priv ? 0 : -1;
}

static void read_teardown(struct st_sess *s)
{
	free(s->priv);
}

static int read_loop(struct st_sess *s, uint64_t until_ns)
{
	while (kx_now_ns() < until_ns) {
		ssize_t r = read(s->fd, s->priv, s->cfg->block_size);

		s->syscalls++;
		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)s->cfg->block_size) {
			perror("kxfer-bench: stream-read: read");
			return -1;
		}
		st_got_block(s, s->priv);
	}
	return 0;
}

const struct st_method st_m_read = {
	.name = "stream-read", .device = 1,
	.direction = KXFER_STREAM_CAPTURE, .interface = KXFER_STREAM_IF_RW,
	.summary = "read() blocks until a block is ready, copies it",
	.setup = read_setup, .teardown = read_teardown, .loop = read_loop,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * pipe: produce, then move size bytes through a pipe and consume them, in
 * one thread: write() a chunk of at most the pipe's capacity, read() it
 * back, repeat.  One process keeps scheduler wake-ups and cross-CPU cache
 * traffic out, so this is the copy-in + copy-out cost of a kernel buffer
 * (two copies, like copy-roundtrip), not IPC latency.  The capacity is
 * raised towards size with F_SETPIPE_SZ (capped by fs.pipe-max-size).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "method.h"

static int setup(struct kx_ctx *c)
{
	size_t want = 4096;
	long max = 1L << 20;
	int fds[2], cap;
	FILE *f;

	if (pipe2(fds, O_CLOEXEC))
		return kx_fail(c, "pipe2: %s", strerror(errno));
	c->aux_fd[0] = fds[0];
	c->aux_fd[1] = fds[1];

	f = fopen("/proc/sys/fs/pipe-max-size", "r");
	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 1L << 20;
		fclose(f);
	}
	while (want < c->size && want * 2 <= (size_t)max)
		want *= 2;
	/* Failing to grow only means smaller chunks; the default is 64K. */
	fcntl(fds[1], F_SETPIPE_SZ, (int)want);
	cap = fcntl(fds[1], F_GETPIPE_SZ);
	if (cap <= 0)
		return kx_fail(c, "F_GETPIPE_SZ: %s", strerror(errno));
	c->priv = (void *)(long)cap;
	return kx_need_ubufs(c, 1);
}

static int move(struct kx_ctx *c)
{
	size_t cap = (size_t)(long)c->priv;

	for (size_t done = 0; done < c->size;) {
		size_t chunk = c->size - done < cap ? c->size - done : cap;
		ssize_t r = write(c->aux_fd[1], c->ubuf + done, chunk);

		/* The pipe is empty and chunk fits: all of it goes in. */
		if (r != (ssize_t)chunk)
			return kx_io_fail(c, "pipe write", r);
		for (size_t got = 0; got < chunk; got += (size_t)r) {
			r = read(c->aux_fd[0], c->ubuf2 + done + got,
				 chunk - got);
			if (r <= 0)
				return kx_io_fail(c, "pipe read", r);
		}
		done += chunk;
	}
	return 0;
}

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		kx_produce(c->consume, c->ubuf, c->size, c->iter++, NULL);
		if (move(c))
			return -1;
		kx_consume(c->consume, c->ubuf2, c->size, NULL);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	kx_pattern_fill(c->ubuf, 0, c->size, seed);
	kx_poison(c->ubuf2, 0, c->size, seed);
	if (move(c))
		return -1;
	return kx_check_pattern(c, c->ubuf2, 0, c->size, seed,
				"data through the pipe");
}

const struct kx_method kx_method_pipe = {
	.name = "pipe",
	.path = KX_PATH_BASELINE,
	.dir = KX_DIR_ROUNDTRIP,
	.flags = KXM_CONSUME,
	.summary = "produce, write()+read() through a pipe in one thread, consume",
	.setup = setup,
	.run = run,
	.verify = verify,
};

// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "memfd_common.h"

int kx_memfd_setup(struct kx_ctx *c)
{
	int fd = memfd_create("kxfer-bench", MFD_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return kx_fail(c, "memfd_create: %s", strerror(errno));
	c->aux_fd[0] = fd;
	if (kx_need_ubufs(c, 0))
		return -1;
	/* Allocate the page cache now so the timed loop never does. */
	r = pwrite(fd, c->ubuf, c->size, 0);
	if (r != (ssize_t)c->size)
		return kx_io_fail(c, "memfd pwrite", r);
	return 0;
}

int kx_memfd_verify(struct kx_ctx *c, uint32_t seed)
{
	unsigned char *tmp = malloc(c->size);
	ssize_t r;
	int ret;

	if (!tmp)
		return kx_fail(c, "out of memory");
	kx_pattern_fill(c->ubuf, 0, c->size, seed);
	r = pwrite(c->aux_fd[0], c->ubuf, c->size, 0);
	if (r != (ssize_t)c->size) {
		free(tmp);
		return kx_io_fail(c, "memfd pwrite", r);
	}
	kx_poison(tmp, 0, c->size, seed);
	r = pread(c->aux_fd[0], tmp, c->size, 0);
	if (r != (ssize_t)c->size) {
		free(tmp);
		return kx_io_fail(c, "memfd pread", r);
	}
	ret = kx_check_pattern(c, tmp, 0, c->size, seed, "memfd read-back");
	free(tmp);
	return ret;
}

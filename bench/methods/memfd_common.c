// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "memfd_common.h"
#include "mmap_common.h"

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
	r = pwrite(fd, c->ubuf, c->span, 0);
	if (r != (ssize_t)c->span)
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

int kx_memfd_expect(struct kx_ctx *c, uint32_t seed, const char *what)
{
	unsigned char *tmp = malloc(c->size);
	ssize_t r;
	int ret;

	if (!tmp)
		return kx_fail(c, "out of memory");
	kx_poison(tmp, 0, c->size, seed);
	r = pread(c->aux_fd[0], tmp, c->size, 0);
	if (r != (ssize_t)c->size) {
		free(tmp);
		return kx_io_fail(c, "memfd pread", r);
	}
	ret = kx_check_pattern(c, tmp, 0, c->size, seed, what);
	free(tmp);
	return ret;
}

int kx_memfd_map_setup(struct kx_ctx *c)
{
	size_t pg = c->cfg->page_size;
	size_t len = (c->span + pg - 1) / pg * pg;
	void *p;

	if (kx_memfd_setup(c) || kx_need_xbuf(c))
		return -1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, c->aux_fd[0],
		 0);
	if (p == MAP_FAILED)
		return kx_fail(c, "mmap of the memfd (%zu bytes): %s", len,
			       strerror(errno));
	c->kept.p = p;
	c->kept.area = p;
	c->kept.area_len = len;
	c->map = p;
	c->map_len = len;
	/* Every page faulted in now, as kx_need_map() does for the device. */
	kx_touch_pages(c->map, c->map_len, c->cfg->page_size);
	return 0;
}

/* The mapping and pread() see the same bytes in both directions. */
int kx_memfd_map_verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_memfd_verify(c, seed))
		return -1;
	if (kx_check_pattern(c, c->map, 0, c->size, seed,
			     "memfd mapping after pwrite"))
		return -1;
	kx_pattern_fill(c->map, 0, c->size, seed ^ 1);
	return kx_memfd_expect(c, seed ^ 1,
			       "memfd pread after storing into the mapping");
}

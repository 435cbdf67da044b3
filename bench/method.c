// SPDX-License-Identifier: GPL-2.0
/* Building blocks shared by the files under methods/. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "buffers.h"
#include "kx_pattern.h"
#include "mapio.h"
#include "method.h"

static const char *const path_names[] = {
	[KX_PATH_COPY] = "copy",
	[KX_PATH_MMAP] = "mmap",
	[KX_PATH_BASELINE] = "baseline",
};

static const char *const dir_names[] = {
	[KX_DIR_TO_KERNEL] = "to_kernel",
	[KX_DIR_FROM_KERNEL] = "from_kernel",
	[KX_DIR_ROUNDTRIP] = "roundtrip",
	[KX_DIR_SETUP] = "setup",
	[KX_DIR_NONE] = "none",
};

const char *kx_path_name(enum kx_path p)
{
	return path_names[p];
}

const char *kx_dir_name(enum kx_dir d)
{
	return dir_names[d];
}

int kx_fail(struct kx_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

int kx_io_fail(struct kx_ctx *c, const char *what, long ret)
{
	if (ret < 0)
		return kx_fail(c, "%s: %s", what, strerror(errno));
	return kx_fail(c, "%s: moved %ld of %zu bytes", what, ret, c->size);
}

int kx_need_ubufs(struct kx_ctx *c, int two)
{
	c->ubuf_len = c->size;
	c->ubuf = kx_buf_alloc(c->size);
	if (!c->ubuf)
		return kx_fail(c, "user buffer of %zu bytes: %s", c->size,
			       strerror(errno));
	if (two) {
		c->ubuf2 = kx_buf_alloc(c->size);
		if (!c->ubuf2)
			return kx_fail(c, "user buffer of %zu bytes: %s",
				       c->size, strerror(errno));
	}
	return 0;
}

size_t kx_map_len(const struct kx_ctx *c)
{
	size_t pg = c->cfg->page_size;

	return (c->size + pg - 1) / pg * pg;
}

void kx_map_produce(struct kx_ctx *c, unsigned char *p)
{
	/* The cached path stays the plain C loop the results always used. */
	if (c->cfg->cache == KXFER_CACHE_CACHED)
		kx_produce(c->consume, p, c->size, c->iter++);
	else
		kx_mapio_produce(c->consume, p, c->size, c->iter++);
}

void kx_map_consume(struct kx_ctx *c, const unsigned char *p)
{
	if (c->cfg->cache == KXFER_CACHE_CACHED)
		kx_consume(c->consume, p, c->size);
	else
		kx_mapio_consume(c->consume, p, c->size);
}

static int need_scratch(struct kx_ctx *c)
{
	if (!c->scratch)
		c->scratch = malloc(c->size);
	return c->scratch ? 0 : kx_fail(c, "out of memory");
}

int kx_map_fill_pattern(struct kx_ctx *c, unsigned char *p, uint32_t seed)
{
	if (c->cfg->cache == KXFER_CACHE_CACHED) {
		kx_pattern_fill(p, c->dev_off, c->size, seed);
		return 0;
	}
	if (need_scratch(c))
		return -1;
	kx_pattern_fill(c->scratch, c->dev_off, c->size, seed);
	kx_mapio_store(p, c->scratch, c->size);
	return 0;
}

const unsigned char *kx_map_view(struct kx_ctx *c, const unsigned char *p)
{
	if (c->cfg->cache == KXFER_CACHE_CACHED)
		return p;
	if (need_scratch(c))
		return NULL;
	kx_mapio_load(c->scratch, p, c->size);
	return c->scratch;
}

unsigned char *kx_map_range(struct kx_ctx *c, int fd)
{
	void *p = mmap(NULL, kx_map_len(c), PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, (off_t)c->dev_off);

	if (p == MAP_FAILED) {
		kx_fail(c, "mmap of %zu bytes at buffer offset %llu: %s",
			kx_map_len(c), (unsigned long long)c->dev_off,
			strerror(errno));
		return NULL;
	}
	return p;
}

int kx_need_map(struct kx_ctx *c)
{
	volatile unsigned char sink;

	c->map = kx_map_range(c, c->fd);
	if (!c->map)
		return -1;
	c->map_len = kx_map_len(c);
	/* Fault every page in now: the persistent mapping is already warm. */
	for (size_t i = 0; i < c->map_len; i += c->cfg->page_size)
		sink = c->map[i];
	(void)sink;
	return 0;
}

static int xfer(struct kx_ctx *c, unsigned long cmd, const char *name,
		uint32_t *csum)
{
	struct kxfer_xfer x = { .offset = c->dev_off, .length = c->size };

	if (ioctl(c->fd, cmd, &x))
		return kx_fail(c, "%s of %zu bytes at %llu: %s", name,
			       c->size, (unsigned long long)c->dev_off,
			       strerror(errno));
	if (csum)
		*csum = x.csum;
	return 0;
}

int kx_submit(struct kx_ctx *c, uint32_t *csum)
{
	return xfer(c, KXFER_IOC_SUBMIT, "KXFER_IOC_SUBMIT", csum);
}

int kx_fetch(struct kx_ctx *c, uint32_t *csum)
{
	return xfer(c, KXFER_IOC_FETCH, "KXFER_IOC_FETCH", csum);
}

int kx_last_csum(struct kx_ctx *c, uint32_t *csum)
{
	struct kxfer_mode mode;

	if (ioctl(c->fd, KXFER_IOC_GET_MODE, &mode))
		return kx_fail(c, "KXFER_IOC_GET_MODE: %s", strerror(errno));
	*csum = mode.last_csum;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Building blocks shared by the files under methods/. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "buffers.h"
#include "kx_pattern.h"
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

const char *kx_device_supported(const struct kx_method *m,
				const struct kx_cfg *cfg)
{
	const struct kxfer_info *info = &cfg->info;

	if (!cfg->have_device)
		return "no kxfer device";
	if ((m->flags & KXM_MMAP) && !(info->features & KXFER_FEAT_MMAP))
		return "the driver has no mmap support (KXFER_FEAT_MMAP)";
	if ((m->flags & KXM_ITER) && !(info->features & KXFER_FEAT_ITER))
		return "the driver has no read_iter/write_iter (KXFER_FEAT_ITER)";
	if ((m->flags & KXM_WORK) && cfg->work == KXFER_WORK_CHECKSUM &&
	    !(info->features & KXFER_FEAT_CHECKSUM))
		return "the driver cannot checksum (KXFER_FEAT_CHECKSUM)";
	if ((m->flags & KXM_WORK) && cfg->work == KXFER_WORK_FILL &&
	    !(info->features & KXFER_FEAT_FILL))
		return "the driver cannot fill (KXFER_FEAT_FILL)";
	if ((m->flags & KXM_MMAP) && cfg->page_map == KX_PAGEMAP_BASE &&
	    !info->huge_size)
		return "--page-map base needs a buffer with huge pages (kxfer_info.huge_size: the shmem backing on a kernel with transparent huge pages); without them base maps exactly as huge does";
	return NULL;
}

const char *kx_method_supported(const struct kx_method *m,
				const struct kx_cfg *cfg)
{
	return m->supported ? m->supported(m, cfg) : NULL;
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

unsigned int kx_cold_slots(uint64_t size, size_t page, uint64_t llc)
{
	uint64_t stride = (size + page - 1) / page * page;

	if (!llc || stride > 2 * llc)
		return 1;
	return (unsigned int)((2 * llc) / stride + 1);
}

int kx_need_ubufs(struct kx_ctx *c, int two)
{
	c->ubuf_len = c->span;
	c->ubuf = kx_buf_alloc(c->span);
	if (!c->ubuf)
		return kx_fail(c, "user buffer of %zu bytes: %s", c->span,
			       strerror(errno));
	if (two) {
		c->ubuf2 = kx_buf_alloc(c->span);
		if (!c->ubuf2)
			return kx_fail(c, "user buffer of %zu bytes: %s",
				       c->span, strerror(errno));
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
	kx_produce(c->consume, p, c->size, c->iter++, c->xbuf);
}

void kx_map_consume(struct kx_ctx *c, const unsigned char *p)
{
	kx_consume(c->consume, p, c->size, c->xbuf);
}

int kx_map_fill_pattern(struct kx_ctx *c, unsigned char *p, uint32_t seed)
{
	kx_pattern_fill(p, c->dev_off, c->size, seed);
	return 0;
}

const unsigned char *kx_map_view(struct kx_ctx *c, const unsigned char *p)
{
	(void)c;
	return p;
}

int kx_need_xbuf(struct kx_ctx *c)
{
	if (c->consume != KX_CONSUME_COPY || c->xbuf)
		return 0;
	c->xbuf = kx_buf_alloc(c->span);
	if (!c->xbuf)
		return kx_fail(c, "user buffer of %zu bytes: %s", c->span,
			       strerror(errno));
	/* The data that "already sits in a user buffer". */
	kx_pattern_fill(c->xbuf, 0, c->span, 0x78627566U);
	return 0;
}

static int map_fail(struct kx_ctx *c, const char *what)
{
	return kx_fail(c, "%s of %zu bytes at buffer offset %llu: %s", what,
		       kx_map_len(c), (unsigned long long)c->dev_off,
		       strerror(errno));
}

/*
 * KX_PAGEMAP_BASE: the kernel maps a huge page with one PMD entry only
 * where the mapping covers a PMD-aligned block of the file and (address -
 * file offset) is a multiple of the PMD size.  Placing the mapping one
 * page past that grid, inside a PROT_NONE reservation big enough to hold
 * any such placement, leaves it page table entries.  The reservation is
 * released with the mapping, in one munmap().
 */
static int map_off_grid(struct kx_ctx *c, int fd, struct kx_map *m,
			size_t len)
{
	size_t pmd = c->cfg->info.huge_size;
	size_t area_len = len + 2 * pmd;
	uintptr_t grid, at;
	void *area, *p;

	area = mmap(NULL, area_len, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED)
		return map_fail(c, "PROT_NONE reservation for the mmap");
	grid = ((uintptr_t)area + pmd - 1) & ~(uintptr_t)(pmd - 1);
	at = grid + (c->dev_off + c->cfg->page_size) % pmd;
	p = mmap((void *)at, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, (off_t)c->dev_off);
	if (p == MAP_FAILED) {
		map_fail(c, "mmap (MAP_FIXED, off the PMD grid)");
		munmap(area, area_len);
		return -1;
	}
	m->p = p;
	m->area = area;
	m->area_len = area_len;
	return 0;
}

/*
 * Whether the thread's range holds a whole PMD-aligned block of the file,
 * the only case in which the kernel could map part of it with a PMD.
 */
static int covers_pmd_block(const struct kx_ctx *c, size_t pmd, size_t len)
{
	uint64_t first = (c->dev_off + pmd - 1) / pmd * pmd;

	return first + pmd <= c->dev_off + len;
}

static int map_range(struct kx_ctx *c, int fd, struct kx_map *m, size_t len)
{
	size_t pmd = c->cfg->info.huge_size;
	void *p;

	if (c->cfg->page_map == KX_PAGEMAP_BASE) {
		if (!pmd)
			return kx_fail(c, "--page-map base needs a buffer with a huge page (kxfer_info.huge_size is 0)");
		/*
		 * A smaller range is PTE-mapped wherever it goes; placing
		 * it off the grid would only add costs huge does not pay
		 * (the reservation, a page table page of its own).
		 */
		if (covers_pmd_block(c, pmd, len))
			return map_off_grid(c, fd, m, len);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)c->dev_off);
	if (p == MAP_FAILED)
		return map_fail(c, "mmap");
	m->p = p;
	m->area = p;
	m->area_len = len;
	return 0;
}

int kx_map_range(struct kx_ctx *c, int fd, struct kx_map *m)
{
	return map_range(c, fd, m, kx_map_len(c));
}

int kx_unmap_range(struct kx_ctx *c, struct kx_map *m)
{
	int ret = 0;

	if (!m->area)
		return 0;
	if (munmap(m->area, m->area_len))
		ret = kx_io_fail(c, "munmap", -1);
	m->area = NULL;
	m->p = NULL;
	return ret;
}

int kx_need_map(struct kx_ctx *c)
{
	volatile unsigned char sink;

	size_t pg = c->cfg->page_size;
	size_t len = (c->span + pg - 1) / pg * pg;

	/* The whole span: every slot of --cache cold. */
	if (kx_need_xbuf(c) || map_range(c, c->fd, &c->kept, len))
		return -1;
	c->map = c->kept.p;
	c->map_len = len;
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

// SPDX-License-Identifier: GPL-2.0
/*
 * mmap-fault: the page faults alone.  Before each timed batch, n fresh
 * mappings of size bytes are created (untimed); the timed part reads the
 * first byte of every page of each, so one operation is the first touch of
 * ceil(size / page size) pages, i.e. that many faults through the driver's
 * .fault handler plus the TLB fills; munmap() follows untimed.  Divide by
 * the page count for the cost per fault.  Where the kernel maps a huge
 * page with one PMD entry (--page-map huge on a buffer with a huge page,
 * the whole buffer mapped), the operation is one fault.
 */
#include <stdlib.h>
#include <string.h>

#include "method.h"
#include "mmap_common.h"

/* Fresh VMAs per batch; far below vm.max_map_count (65530). */
#define MAX_MAPS 512

static int setup(struct kx_ctx *c)
{
	c->priv = calloc(MAX_MAPS, sizeof(struct kx_map));
	return c->priv ? 0 : kx_fail(c, "out of memory");
}

static int prepare(struct kx_ctx *c, uint64_t n)
{
	struct kx_map *maps = c->priv;

	for (uint64_t i = 0; i < n; i++) {
		if (kx_map_range(c, c->fd, &maps[i])) {
			char keep[sizeof(c->err)];

			/* Keep the mmap error, not a later munmap one. */
			memcpy(keep, c->err, sizeof(keep));
			while (i--)
				kx_unmap_range(c, &maps[i]);
			memcpy(c->err, keep, sizeof(keep));
			return -1;
		}
	}
	return 0;
}

static int run(struct kx_ctx *c, uint64_t n)
{
	struct kx_map *maps = c->priv;
	size_t len = kx_map_len(c);

	for (uint64_t i = 0; i < n; i++)
		kx_touch_pages(maps[i].p, len, c->cfg->page_size);
	return 0;
}

static int finish(struct kx_ctx *c, uint64_t n)
{
	struct kx_map *maps = c->priv;
	int ret = 0;

	for (uint64_t i = 0; i < n; i++)
		if (kx_unmap_range(c, &maps[i]))
			ret = -1;
	return ret;
}

static void teardown(struct kx_ctx *c)
{
	free(c->priv);
	c->priv = NULL;
}

const struct kx_method kx_method_mmap_fault = {
	.name = "mmap-fault",
	.path = KX_PATH_MMAP,
	.dir = KX_DIR_SETUP,
	.flags = KXM_DEVICE | KXM_MMAP,
	.supported = kx_device_supported,
	.max_batch = MAX_MAPS,
	.summary = "first-touch page faults of a fresh mapping of size bytes (mmap/munmap untimed)",
	.setup = setup,
	.prepare = prepare,
	.run = run,
	.finish = finish,
	.verify = kx_verify_fresh_mapping,
	.teardown = teardown,
};

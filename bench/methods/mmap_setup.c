// SPDX-License-Identifier: GPL-2.0
/*
 * mmap-setup: what a program pays when it cannot keep a mapping and maps
 * per transfer (lmbench's open-to-close idea applied to mmap): mmap() of
 * size bytes (whole pages), a first read of every page, munmap().  With
 * --page-map base the mmap() is two: the PROT_NONE reservation and the
 * MAP_FIXED mapping inside it (one munmap() releases both).
 */

#include "method.h"
#include "mmap_common.h"

static int setup(struct kx_ctx *c)
{
	(void)c;
	return 0;
}

static int run(struct kx_ctx *c, uint64_t n)
{
	size_t len = kx_map_len(c);
	struct kx_map m;

	for (uint64_t i = 0; i < n; i++) {
		if (kx_map_range(c, c->fd, &m))
			return -1;
		kx_touch_pages(m.p, len, c->cfg->page_size);
		if (kx_unmap_range(c, &m))
			return -1;
	}
	return 0;
}

const struct kx_method kx_method_mmap_setup = {
	.name = "mmap-setup",
	.path = KX_PATH_MMAP,
	.dir = KX_DIR_SETUP,
	.flags = KXM_DEVICE | KXM_MMAP,
	.supported = kx_device_supported,
	.summary = "mmap(), first read of every page, munmap(), per transfer",
	.setup = setup,
	.run = run,
	.verify = kx_verify_fresh_mapping,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * memfd-mmap-write: the user produces its data in a MAP_SHARED mapping of a memfd, with
 * no handoff (the page cache needs none): with memfd-write, the page
 * cache's own copy-versus-map pair beside kxfer's.
 */
#include "memfd_common.h"

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		kx_map_produce(c, c->map);
	return 0;
}

const struct kx_method kx_method_memfd_mmap_write = {
	.name = "memfd-mmap-write",
	.path = KX_PATH_BASELINE,
	.dir = KX_DIR_TO_KERNEL,
	.flags = KXM_CONSUME,
	.summary = "produce in a MAP_SHARED mapping of a memfd: the page cache's zero-copy path",
	.setup = kx_memfd_map_setup,
	.run = run,
	.verify = kx_memfd_map_verify,
};

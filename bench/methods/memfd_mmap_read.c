// SPDX-License-Identifier: GPL-2.0
/*
 * memfd-mmap-read: the user consumes its data from a MAP_SHARED mapping of a memfd, with
 * no handoff (the page cache needs none): with memfd-read, the page
 * cache's own copy-versus-map pair beside kxfer's.
 */
#include "memfd_common.h"

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		kx_map_consume(c, c->map);
	return 0;
}

const struct kx_method kx_method_memfd_mmap_read = {
	.name = "memfd-mmap-read",
	.path = KX_PATH_BASELINE,
	.dir = KX_DIR_FROM_KERNEL,
	.flags = KXM_CONSUME,
	.summary = "consume from a MAP_SHARED mapping of a memfd: the page cache's zero-copy path",
	.setup = kx_memfd_map_setup,
	.run = run,
	.verify = kx_memfd_map_verify,
};

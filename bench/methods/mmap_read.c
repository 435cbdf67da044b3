// SPDX-License-Identifier: GPL-2.0
/*
 * mmap-read: KXFER_IOC_FETCH readies the range, then the user consumes it
 * straight from its persistent mapping.  No byte is copied.
 */
#include "mmap_common.h"

static int setup(struct kx_ctx *c)
{
	return kx_need_map(c);
}

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		if (kx_fetch(c, NULL))
			return -1;
		kx_map_consume(c, c->map);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_dev_load(c, seed, 0))
		return -1;
	return kx_verify_map_fetch(c, seed, "mapping after KXFER_IOC_FETCH");
}

const struct kx_method kx_method_mmap_read = {
	.name = "mmap-read",
	.path = KX_PATH_MMAP,
	.dir = KX_DIR_FROM_KERNEL,
	.flags = KXM_DEVICE | KXM_MMAP | KXM_CONSUME | KXM_WORK,
	.supported = kx_device_supported,
	.summary = "KXFER_IOC_FETCH, then consume from the mapped buffer",
	.setup = setup,
	.run = run,
	.verify = verify,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * mmap-write: the user produces the data directly in its persistent
 * MAP_SHARED mapping of the buffer, then hands the range to the kernel
 * with KXFER_IOC_SUBMIT.  No byte is copied.
 */
#include "mmap_common.h"

static int setup(struct kx_ctx *c)
{
	return kx_need_map(c);
}

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		kx_map_produce(c, c->map);
		if (kx_submit(c, NULL))
			return -1;
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_verify_map_submit(c, seed))
		return -1;
	return kx_dev_expect(c, seed, "buffer after writing the mapping");
}

const struct kx_method kx_method_mmap_write = {
	.name = "mmap-write",
	.path = KX_PATH_MMAP,
	.dir = KX_DIR_TO_KERNEL,
	.flags = KXM_DEVICE | KXM_MMAP | KXM_CONSUME | KXM_WORK,
	.supported = kx_device_supported,
	.summary = "produce data in the mapped buffer, then KXFER_IOC_SUBMIT",
	.setup = setup,
	.run = run,
	.verify = verify,
};

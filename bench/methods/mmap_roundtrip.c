// SPDX-License-Identifier: GPL-2.0
/*
 * mmap-roundtrip: produce in the mapping, KXFER_IOC_SUBMIT, then
 * KXFER_IOC_FETCH the same range and consume it from the mapping.
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
		if (kx_submit(c, NULL) || kx_fetch(c, NULL))
			return -1;
		kx_map_consume(c, c->map);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_verify_map_submit(c, seed))
		return -1;
	return kx_verify_map_fetch(c, seed, "mapping after SUBMIT and FETCH");
}

const struct kx_method kx_method_mmap_roundtrip = {
	.name = "mmap-roundtrip",
	.path = KX_PATH_MMAP,
	.dir = KX_DIR_ROUNDTRIP,
	.flags = KXM_DEVICE | KXM_MMAP | KXM_CONSUME | KXM_WORK,
	.supported = kx_device_supported,
	.summary = "produce in the mapping, SUBMIT, FETCH, consume from the mapping",
	.setup = setup,
	.run = run,
	.verify = verify,
};

// SPDX-License-Identifier: GPL-2.0
#include <sys/mman.h>

#include "kx_pattern.h"
#include "mmap_common.h"

int kx_verify_fresh_mapping(struct kx_ctx *c, uint32_t seed)
{
	unsigned char *p;
	int ret;

	if (kx_dev_load(c, seed, 0))
		return -1;
	p = kx_map_range(c, c->fd);
	if (!p)
		return -1;
	ret = kx_check_pattern(c, p, c->dev_off, c->size, seed,
			       "fresh mapping");
	if (!ret)
		kx_pattern_fill(p, c->dev_off, c->size, seed + 1);
	if (munmap(p, kx_map_len(c)) && !ret)
		ret = kx_io_fail(c, "munmap", -1);
	if (!ret)
		ret = kx_dev_expect(c, seed + 1,
				    "buffer after storing through a fresh mapping");
	return ret;
}

int kx_verify_map_submit(struct kx_ctx *c, uint32_t seed)
{
	uint32_t kcsum;

	if (kx_dev_load(c, seed, 1))
		return -1;
	kx_pattern_fill(c->map, c->dev_off, c->size, seed);
	if (kx_submit(c, &kcsum) ||
	    kx_check_sent_csum(c, c->map, kcsum, "KXFER_IOC_SUBMIT"))
		return -1;
	return 0;
}

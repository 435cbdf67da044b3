// SPDX-License-Identifier: GPL-2.0
#include <sys/mman.h>

#include "mmap_common.h"

int kx_verify_fresh_mapping(struct kx_ctx *c, uint32_t seed)
{
	const unsigned char *view;
	unsigned char *p;
	int ret;

	if (kx_dev_load(c, seed, 0))
		return -1;
	p = kx_map_range(c, c->fd);
	if (!p)
		return -1;
	view = kx_map_view(c, p);
	ret = view ? kx_check_pattern(c, view, c->dev_off, c->size, seed,
				      "fresh mapping") : -1;
	if (!ret)
		ret = kx_map_fill_pattern(c, p, seed + 1);
	if (munmap(p, kx_map_len(c)) && !ret)
		ret = kx_io_fail(c, "munmap", -1);
	if (!ret)
		ret = kx_dev_expect(c, seed + 1,
				    "buffer after storing through a fresh mapping");
	return ret;
}

int kx_verify_map_submit(struct kx_ctx *c, uint32_t seed)
{
	const unsigned char *view;
	uint32_t kcsum;

	if (kx_dev_load(c, seed, 1) || kx_map_fill_pattern(c, c->map, seed) ||
	    kx_submit(c, &kcsum))
		return -1;
	view = kx_map_view(c, c->map);
	if (!view ||
	    kx_check_sent_csum(c, view, kcsum, "KXFER_IOC_SUBMIT"))
		return -1;
	return 0;
}

int kx_verify_map_fetch(struct kx_ctx *c, uint32_t seed, const char *what)
{
	const unsigned char *view;
	uint32_t kcsum;

	if (kx_fetch(c, &kcsum))
		return -1;
	view = kx_map_view(c, c->map);
	if (!view)
		return -1;
	return kx_check_received(c, view, seed, kcsum, what);
}

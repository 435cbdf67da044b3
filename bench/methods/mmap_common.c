// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "mmap_common.h"

int kx_verify_fresh_mapping(struct kx_ctx *c, uint32_t seed)
{
	const unsigned char *view;
	struct kx_map m;
	int ret;

	if (kx_dev_load(c, seed, 0))
		return -1;
	if (kx_map_range(c, c->fd, &m))
		return -1;
	view = kx_map_view(c, m.p);
	ret = view ? kx_check_pattern(c, view, c->dev_off, c->size, seed,
				      "fresh mapping") : -1;
	if (!ret)
		ret = kx_map_fill_pattern(c, m.p, seed + 1);
	/* The first failure's message stays. */
	if (ret) {
		char keep[sizeof(c->err)];

		memcpy(keep, c->err, sizeof(keep));
		kx_unmap_range(c, &m);
		memcpy(c->err, keep, sizeof(keep));
	} else {
		ret = kx_unmap_range(c, &m);
	}
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

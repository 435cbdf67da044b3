// SPDX-License-Identifier: GPL-2.0
/*
 * write: the user produces size bytes in its own buffer, then pwrite()s
 * them at the thread's fixed buffer offset (copy_from_user).
 */
#include <unistd.h>

#include "copy_common.h"

static int setup(struct kx_ctx *c)
{
	return kx_need_ubufs(c, 0);
}

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		ssize_t r;

		kx_produce(c->consume, c->ubuf, c->size, c->iter++, NULL);
		r = pwrite(c->fd, c->ubuf, c->size, (off_t)c->dev_off);
		if (r != (ssize_t)c->size)
			return kx_io_fail(c, "pwrite", r);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_copy_verify_send(c, seed, false))
		return -1;
	return kx_dev_expect(c, seed, "buffer after pwrite");
}

const struct kx_method kx_method_write = {
	.name = "write",
	.path = KX_PATH_COPY,
	.dir = KX_DIR_TO_KERNEL,
	.flags = KXM_DEVICE | KXM_CONSUME | KXM_WORK,
	.supported = kx_device_supported,
	.summary = "produce data in a user buffer, then pwrite() it",
	.setup = setup,
	.run = run,
	.verify = verify,
};

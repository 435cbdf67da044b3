// SPDX-License-Identifier: GPL-2.0
/*
 * read: pread() of size bytes at the thread's fixed buffer offset into a
 * user buffer (copy_to_user), then the user consumes them.
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
		ssize_t r = pread(c->fd, c->ubuf, c->size, (off_t)c->dev_off);

		if (r != (ssize_t)c->size)
			return kx_io_fail(c, "pread", r);
		kx_consume(c->consume, c->ubuf, c->size, NULL);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_dev_load(c, seed, 0))
		return -1;
	return kx_copy_verify_recv(c, c->ubuf, seed, false, "data from pread");
}

const struct kx_method kx_method_read = {
	.name = "read",
	.path = KX_PATH_COPY,
	.dir = KX_DIR_FROM_KERNEL,
	.flags = KXM_DEVICE | KXM_CONSUME | KXM_WORK,
	.supported = kx_device_supported,
	.summary = "pread() into a user buffer, then consume it",
	.setup = setup,
	.run = run,
	.verify = verify,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * copy-roundtrip: produce, pwrite() to the kernel, pread() the same range
 * back into a second user buffer, consume.  Two copies per operation.
 */
#include <unistd.h>

#include "copy_common.h"

static int setup(struct kx_ctx *c)
{
	return kx_need_ubufs(c, 1);
}

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		ssize_t r;

		kx_produce(c->consume, c->ubuf, c->size, c->iter++, NULL);
		r = pwrite(c->fd, c->ubuf, c->size, (off_t)c->dev_off);
		if (r != (ssize_t)c->size)
			return kx_io_fail(c, "pwrite", r);
		r = pread(c->fd, c->ubuf2, c->size, (off_t)c->dev_off);
		if (r != (ssize_t)c->size)
			return kx_io_fail(c, "pread", r);
		kx_consume(c->consume, c->ubuf2, c->size, NULL);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_copy_verify_send(c, seed, false))
		return -1;
	return kx_copy_verify_recv(c, c->ubuf2, seed, false,
				   "data read back after pwrite");
}

const struct kx_method kx_method_copy_roundtrip = {
	.name = "copy-roundtrip",
	.path = KX_PATH_COPY,
	.dir = KX_DIR_ROUNDTRIP,
	.flags = KXM_DEVICE | KXM_CONSUME | KXM_WORK,
	.supported = kx_device_supported,
	.summary = "produce, pwrite(), pread() back into a second buffer, consume",
	.setup = setup,
	.run = run,
	.verify = verify,
};

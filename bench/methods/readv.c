// SPDX-License-Identifier: GPL-2.0
/*
 * readv: like read, but preadv() with a single iovec covering all size
 * bytes, so the only difference is the kernel's read_iter/copy_to_iter
 * path rather than .read/copy_to_user.
 */
#include <sys/uio.h>
#include <unistd.h>

#include "copy_common.h"

static int setup(struct kx_ctx *c)
{
	return kx_need_ubufs(c, 0);
}

static int run(struct kx_ctx *c, uint64_t n)
{
	struct iovec iov = { .iov_base = c->ubuf, .iov_len = c->size };

	for (uint64_t i = 0; i < n; i++) {
		ssize_t r = preadv(c->fd, &iov, 1, (off_t)c->dev_off);

		if (r != (ssize_t)c->size)
			return kx_io_fail(c, "preadv", r);
		kx_consume(c->consume, c->ubuf, c->size, NULL);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_dev_load(c, seed, 0))
		return -1;
	return kx_copy_verify_recv(c, c->ubuf, seed, true, "data from preadv");
}

const struct kx_method kx_method_readv = {
	.name = "readv",
	.path = KX_PATH_COPY,
	.dir = KX_DIR_FROM_KERNEL,
	.flags = KXM_DEVICE | KXM_ITER | KXM_CONSUME | KXM_WORK,
	.supported = kx_device_supported,
	.summary = "preadv() with one iovec (read_iter path), then consume",
	.setup = setup,
	.run = run,
	.verify = verify,
};

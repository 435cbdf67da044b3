// SPDX-License-Identifier: GPL-2.0
/*
 * writev: like write, but pwritev() with a single iovec covering all size
 * bytes: the write_iter/copy_from_iter path.
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
		ssize_t r;

		kx_produce(c->consume, c->ubuf, c->size, c->iter++, NULL);
		r = pwritev(c->fd, &iov, 1, (off_t)c->dev_off);
		if (r != (ssize_t)c->size)
			return kx_io_fail(c, "pwritev", r);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	if (kx_copy_verify_send(c, seed, true))
		return -1;
	return kx_dev_expect(c, seed, "buffer after pwritev");
}

const struct kx_method kx_method_writev = {
	.name = "writev",
	.path = KX_PATH_COPY,
	.dir = KX_DIR_TO_KERNEL,
	.flags = KXM_DEVICE | KXM_ITER | KXM_CONSUME | KXM_WORK,
	.supported = kx_device_supported,
	.summary = "produce data, then pwritev() with one iovec (write_iter path)",
	.setup = setup,
	.run = run,
	.verify = verify,
};

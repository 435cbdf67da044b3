// SPDX-License-Identifier: GPL-2.0
/* memfd-write: produce, then pwrite() into a memfd (shmem page cache). */
#include <unistd.h>

#include "memfd_common.h"

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		ssize_t r;

		kx_produce(c->consume, c->ubuf, c->size, c->iter++, NULL);
		r = pwrite(c->aux_fd[0], c->ubuf, c->size,
			   (off_t)c->file_off);
		if (r != (ssize_t)c->size)
			return kx_io_fail(c, "memfd pwrite", r);
	}
	return 0;
}

const struct kx_method kx_method_memfd_write = {
	.name = "memfd-write",
	.path = KX_PATH_BASELINE,
	.dir = KX_DIR_TO_KERNEL,
	.flags = KXM_CONSUME,
	.summary = "produce, then pwrite() into a memfd: the page-cache copy path",
	.setup = kx_memfd_setup,
	.run = run,
	.verify = kx_memfd_verify,
};

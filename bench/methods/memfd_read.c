// SPDX-License-Identifier: GPL-2.0
/* memfd-read: pread() from a memfd (shmem page cache), then consume. */
#include <unistd.h>

#include "memfd_common.h"

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		ssize_t r = pread(c->aux_fd[0], c->ubuf, c->size,
				  (off_t)c->file_off);

		if (r != (ssize_t)c->size)
			return kx_io_fail(c, "memfd pread", r);
		kx_consume(c->consume, c->ubuf, c->size, NULL);
	}
	return 0;
}

const struct kx_method kx_method_memfd_read = {
	.name = "memfd-read",
	.path = KX_PATH_BASELINE,
	.dir = KX_DIR_FROM_KERNEL,
	.flags = KXM_CONSUME,
	.summary = "pread() from a memfd: the page-cache copy path, then consume",
	.setup = kx_memfd_setup,
	.run = run,
	.verify = kx_memfd_verify,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * memcpy: libc memcpy() of size bytes between two user buffers, then the
 * user consumes the copy: what read would cost with neither a system call
 * nor copy_to_user()'s checks, i.e. the CPU's own copy speed.
 */
#include <string.h>

#include "kx_pattern.h"
#include "method.h"

static int setup(struct kx_ctx *c)
{
	return kx_need_ubufs(c, 1);
}

static int run(struct kx_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		memcpy(c->ubuf2, c->ubuf, c->size);
		kx_consume(c->consume, c->ubuf2, c->size, NULL);
	}
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	kx_pattern_fill(c->ubuf, 0, c->size, seed);
	kx_poison(c->ubuf2, 0, c->size, seed);
	memcpy(c->ubuf2, c->ubuf, c->size);
	return kx_check_pattern(c, c->ubuf2, 0, c->size, seed, "memcpy copy");
}

const struct kx_method kx_method_memcpy = {
	.name = "memcpy",
	.path = KX_PATH_BASELINE,
	.dir = KX_DIR_NONE,
	.flags = KXM_CONSUME,
	.summary = "user-space memcpy() between two buffers, then consume",
	.setup = setup,
	.run = run,
	.verify = verify,
};

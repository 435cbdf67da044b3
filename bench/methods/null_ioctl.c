// SPDX-License-Identifier: GPL-2.0
/*
 * null-ioctl: the system-call floor.  KXFER_IOC_INFO on /dev/null fails
 * with ENOTTY right after the VFS dispatch, so this is the cost of
 * entering and leaving the kernel with an ioctl, independent of the
 * driver.  It moves no data: the rows repeat per size so that plots can
 * draw the floor under the other methods.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "method.h"

static int setup(struct kx_ctx *c)
{
	int fds[2];

	c->aux_fd[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (c->aux_fd[0] >= 0)
		return 0;
	/* No /dev/null (a bare initramfs): a pipe rejects the ioctl alike. */
	if (pipe(fds))
		return kx_fail(c, "no /dev/null and pipe(): %s",
			       strerror(errno));
	c->aux_fd[0] = fds[0];
	c->aux_fd[1] = fds[1];
	return 0;
}

static int run(struct kx_ctx *c, uint64_t n)
{
	struct kxfer_info info;

	for (uint64_t i = 0; i < n; i++)
		if (ioctl(c->aux_fd[0], KXFER_IOC_INFO, &info) != -1 ||
		    errno != ENOTTY)
			return kx_fail(c,
				       "ioctl on /dev/null did not fail with ENOTTY (%s)",
				       strerror(errno));
	return 0;
}

static int verify(struct kx_ctx *c, uint32_t seed)
{
	(void)seed;
	return run(c, 1);
}

const struct kx_method kx_method_null_ioctl = {
	.name = "null-ioctl",
	.path = KX_PATH_BASELINE,
	.dir = KX_DIR_NONE,
	.flags = KXM_NO_DATA,
	.summary = "an ioctl that fails at once (ENOTTY on /dev/null): syscall floor",
	.setup = setup,
	.run = run,
	.verify = verify,
};

// SPDX-License-Identifier: GPL-2.0
#include <sys/uio.h>
#include <unistd.h>

#include "copy_common.h"
#include "kx_pattern.h"

int kx_copy_verify_send(struct kx_ctx *c, uint32_t seed, bool vectored)
{
	struct iovec iov = { .iov_base = c->ubuf, .iov_len = c->size };
	const char *call = vectored ? "pwritev" : "pwrite";
	uint32_t kcsum;
	ssize_t r;

	if (kx_dev_load(c, seed, 1))
		return -1;
	kx_pattern_fill(c->ubuf, c->dev_off, c->size, seed);
	if (vectored)
		r = pwritev(c->fd, &iov, 1, (off_t)c->dev_off);
	else
		r = pwrite(c->fd, c->ubuf, c->size, (off_t)c->dev_off);
	if (r != (ssize_t)c->size)
		return kx_io_fail(c, call, r);
	if (kx_last_csum(c, &kcsum) ||
	    kx_check_sent_csum(c, c->ubuf, kcsum, call))
		return -1;
	return 0;
}

int kx_copy_verify_recv(struct kx_ctx *c, unsigned char *buf, uint32_t seed,
			bool vectored, const char *what)
{
	struct iovec iov = { .iov_base = buf, .iov_len = c->size };
	uint32_t kcsum;
	ssize_t r;

	kx_poison(buf, c->dev_off, c->size, seed);
	if (vectored)
		r = preadv(c->fd, &iov, 1, (off_t)c->dev_off);
	else
		r = pread(c->fd, buf, c->size, (off_t)c->dev_off);
	if (r != (ssize_t)c->size)
		return kx_io_fail(c, vectored ? "preadv" : "pread", r);
	if (kx_last_csum(c, &kcsum))
		return -1;
	return kx_check_received(c, buf, seed, kcsum, what);
}

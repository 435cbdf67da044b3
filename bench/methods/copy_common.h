/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verify steps of the copy-path methods (read, readv, write, writev,
 * copy-roundtrip): one whole-range pread/pwrite, or its one-iovec
 * preadv/pwritev twin, at the thread's buffer offset.  The timed loops stay
 * in each method's file.
 */
#ifndef KX_COPY_COMMON_H
#define KX_COPY_COMMON_H

#include <stdbool.h>

#include "method.h"

/*
 * Load the inverted pattern (seed) into the buffer, write the pattern from
 * ubuf with pwrite (pwritev if vectored), check the checksum the kernel
 * took of what it received.
 */
int kx_copy_verify_send(struct kx_ctx *c, uint32_t seed, bool vectored);
/*
 * Poison buf, pread (preadv if vectored) the range into it, check what
 * arrived against what the kernel says it sent.  The caller loads the
 * buffer first.
 */
int kx_copy_verify_recv(struct kx_ctx *c, unsigned char *buf, uint32_t seed,
			bool vectored, const char *what);

#endif

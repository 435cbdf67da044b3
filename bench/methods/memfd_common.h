/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memfd-read and memfd-write: the kernel's page-cache copy path (shmem) on
 * a file of the same size, for comparison with the driver's copy path.
 */
#ifndef KX_MEMFD_COMMON_H
#define KX_MEMFD_COMMON_H

#include "method.h"

/* aux_fd[0]: a memfd of size bytes, every page allocated; plus ubuf. */
int kx_memfd_setup(struct kx_ctx *c);
/* pwrite the pattern, pread it back into a scratch buffer, compare. */
int kx_memfd_verify(struct kx_ctx *c, uint32_t seed);

#endif

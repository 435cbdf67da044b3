/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memfd-read and memfd-write: the kernel's page-cache copy path (shmem) on
 * a file of the same size, for comparison with the driver's copy path;
 * memfd-mmap-write and memfd-mmap-read: the page cache's own zero-copy
 * path (a MAP_SHARED mapping of such a memfd, same user work, no handoff),
 * for comparison with the driver's mmap path.
 */
#ifndef KX_MEMFD_COMMON_H
#define KX_MEMFD_COMMON_H

#include "method.h"

/* aux_fd[0]: a memfd of size bytes, every page allocated; plus ubuf. */
int kx_memfd_setup(struct kx_ctx *c);
/* pwrite the pattern, pread it back into a scratch buffer, compare. */
int kx_memfd_verify(struct kx_ctx *c, uint32_t seed);

/*
 * memfd-mmap-*: kx_memfd_setup(), xbuf for --consume copy, and a kept
 * MAP_SHARED mapping of the memfd in c->map (every page faulted in).
 */
int kx_memfd_map_setup(struct kx_ctx *c);
/* The mapping and pread()/pwrite() see the same bytes both ways. */
int kx_memfd_map_verify(struct kx_ctx *c, uint32_t seed);
/* pread the memfd and expect the pattern (seed); what names the step. */
int kx_memfd_expect(struct kx_ctx *c, uint32_t seed, const char *what);

#endif

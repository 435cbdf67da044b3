/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the mmap-path methods: mmap-setup and mmap-fault use fresh
 * mappings, mmap-write and mmap-roundtrip the kept one (c->map).
 */
#ifndef KX_MMAP_COMMON_H
#define KX_MMAP_COMMON_H

#include "method.h"

/* One load from every page: a read fault on each untouched one. */
static inline void kx_touch_pages(const unsigned char *p, size_t len,
				  size_t page)
{
	unsigned int acc = 0;

	for (size_t i = 0; i < len; i += page)
		acc += ((const volatile unsigned char *)p)[i];
	kx_sink = acc;
}

/*
 * A fresh mapping shows what the buffer holds, and what is stored through
 * it reaches the buffer.
 */
int kx_verify_fresh_mapping(struct kx_ctx *c, uint32_t seed);

/*
 * Load the inverted pattern (seed) into the buffer, write the pattern into
 * the kept mapping, KXFER_IOC_SUBMIT it and check the checksum the kernel
 * took of what it received.
 */
int kx_verify_map_submit(struct kx_ctx *c, uint32_t seed);
/* FETCH, then check that the mapping shows seed's data; what names it. */
int kx_verify_map_fetch(struct kx_ctx *c, uint32_t seed, const char *what);

#endif

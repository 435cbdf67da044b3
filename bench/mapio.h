/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Access to a kxfer mapping whose page attributes are not normal cacheable
 * memory (--mapping wc or uncached).  On arm64 an uncached mapping is
 * Device memory: an unaligned access faults, and so do memcpy()/memset(),
 * which may use unaligned or DC ZVA instructions, and any vectorised loop
 * the compiler is free to emit.  These helpers only use aligned 8-byte
 * volatile words (single bytes for a tail), which every attribute allows.
 * p must be 8-byte aligned (mappings are page aligned).
 */
#ifndef KX_MAPIO_H
#define KX_MAPIO_H

#include <stddef.h>
#include <stdint.h>

#include "consume.h"

/* memcpy() into / out of the mapping, one aligned word at a time. */
void kx_mapio_store(unsigned char *p, const unsigned char *src, size_t len);
void kx_mapio_load(unsigned char *dst, const unsigned char *p, size_t len);

/*
 * kx_produce()/kx_consume() on the mapping: the same work (touch: one
 * access per KX_TOUCH_STRIDE bytes, a word instead of a byte; checksum:
 * CRC32C of every byte) done with word accesses.
 */
void kx_mapio_produce(enum kx_consume c, unsigned char *p, size_t len,
		      uint32_t iter);
void kx_mapio_consume(enum kx_consume c, const unsigned char *p,
		      size_t len);

#endif

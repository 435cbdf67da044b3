/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Value pickers for the fuzz tests: random values with a strong bias to
 * the boundaries where range checks go wrong (0, 1, page and buffer size
 * neighbours, 2^31/2^32/2^63/2^64 neighbours, sums that overflow).
 */
#ifndef HX_FUZZ_PICK_H
#define HX_FUZZ_PICK_H

#include <stdint.h>

#include "hx.h"

/* Any 64-bit value, boundary-heavy, relative to a buffer of size bytes. */
uint64_t pick_u64(struct hx_rng *r, uint64_t size, uint64_t page);
/* An offset into (or just past, or far past) a buffer of size bytes. */
uint64_t pick_offset(struct hx_rng *r, uint64_t size, uint64_t page);
/* A length to go with off: fitting, one too many, zero, overflowing. */
uint64_t pick_length(struct hx_rng *r, uint64_t off, uint64_t size,
		     uint64_t page);
/* A must-be-zero field or flag word: mostly 0, else a stray bit or junk. */
uint32_t pick_reserved(struct hx_rng *r);
/* A pointer kind, mostly usable ones. */
enum hx_ptr_kind pick_ptr_kind(struct hx_rng *r);
/* Fill len bytes with random data. */
void pick_bytes(struct hx_rng *r, void *dst, size_t len);

/*
 * Store len bytes of src where p points, as far as p can be written by
 * the test (read-only arena pages are unprotected for the store).
 */
void arena_put(struct hx_arena *a, const struct hx_ptr *p, const void *src,
	       size_t len);

#endif

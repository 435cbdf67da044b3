/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fill pattern of KXFER_WORK_FILL, defined in <linux/kxfer.h>: a
 * function of (seed, buffer offset) only, so any window can be generated
 * or verified independently of how it was transferred.
 */
#ifndef KX_PATTERN_H
#define KX_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* Write the pattern for buffer bytes [offset, offset + len) into dst. */
void kx_pattern_fill(void *dst, uint64_t offset, size_t len, uint32_t seed);

/*
 * Check src against the pattern for [offset, offset + len).  Returns the
 * index of the first differing byte, or len when all match.
 */
size_t kx_pattern_check(const void *src, uint64_t offset, size_t len,
			uint32_t seed);

#endif

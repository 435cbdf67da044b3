// SPDX-License-Identifier: GPL-2.0
#include <linux/kxfer.h>

#include "kx_pattern.h"

static uint64_t pattern_word(uint64_t aligned_offset, uint32_t seed)
{
	return (uint64_t)seed * KXFER_PATTERN_SEED_MUL +
	       (aligned_offset / 8) * KXFER_PATTERN_STEP;
}

static unsigned char pattern_byte(uint64_t offset, uint32_t seed)
{
	uint64_t w = pattern_word(offset & ~7ULL, seed);

	return (unsigned char)(w >> (8 * (offset & 7)));
}

void kx_pattern_fill(void *dst, uint64_t offset, size_t len, uint32_t seed)
{
	unsigned char *p = dst;

	for (size_t i = 0; i < len; i++)
		p[i] = pattern_byte(offset + i, seed);
}

size_t kx_pattern_check(const void *src, uint64_t offset, size_t len,
			uint32_t seed)
{
	const unsigned char *p = src;

	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern_byte(offset + i, seed))
			return i;
	return len;
}

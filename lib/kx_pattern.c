// SPDX-License-Identifier: GPL-2.0
#include <string.h>

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

/* The 8 bytes of a pattern word in buffer order (little-endian). */
static void store_le64(unsigned char *p, uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, &w, 8);
#else
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(w >> (8 * i));
#endif
}

/*
 * Byte-wise up to the next 8-aligned buffer offset, then one word per 8
 * bytes (consecutive words differ by the step), then the tail: the same
 * bytes as the per-byte definition, many times faster, which matters for
 * --verify of large transfers under emulation.
 */
void kx_pattern_fill(void *dst, uint64_t offset, size_t len, uint32_t seed)
{
	unsigned char *p = dst;
	uint64_t w;

	for (; len && (offset & 7); len--)
		*p++ = pattern_byte(offset++, seed);
	w = pattern_word(offset, seed);
	for (; len >= 8; len -= 8, p += 8, offset += 8) {
		store_le64(p, w);
		w += KXFER_PATTERN_STEP;
	}
	for (; len; len--)
		*p++ = pattern_byte(offset++, seed);
}

size_t kx_pattern_check(const void *src, uint64_t offset, size_t len,
			uint32_t seed)
{
	const unsigned char *p = src;
	unsigned char want[8];
	size_t i = 0;
	uint64_t w;

	for (; i < len && ((offset + i) & 7); i++)
		if (p[i] != pattern_byte(offset + i, seed))
			return i;
	w = pattern_word(offset + i, seed);
	for (; len - i >= 8; i += 8, w += KXFER_PATTERN_STEP) {
		store_le64(want, w);
		if (memcmp(p + i, want, 8))
			break;	/* the byte loop below finds which one */
	}
	for (; i < len; i++)
		if (p[i] != pattern_byte(offset + i, seed))
			return i;
	return len;
}

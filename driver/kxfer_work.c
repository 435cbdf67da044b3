// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-side work done on the data of every transfer.  The copy path and
 * the zero-copy path call the same two functions on the same bytes, so a
 * comparison between them measures how the data moves, not what is done
 * with it.
 */
#include <asm/byteorder.h>

#include "kxfer.h"
#include "kxfer_compat.h"

bool kxfer_work_valid(u32 work)
{
	return work == KXFER_WORK_NONE || work == KXFER_WORK_CHECKSUM ||
	       work == KXFER_WORK_FILL;
}

static u8 kxfer_pattern_byte(u64 base, u64 offset)
{
	u64 word = base + (offset >> 3) * KXFER_PATTERN_STEP;

	return word >> (8 * (offset & 7));
}

/* Writes the pattern defined in <linux/kxfer.h> for [offset, offset + len). */
static void kxfer_fill(u8 *p, u64 offset, size_t len, u32 seed)
{
	u64 base = seed * KXFER_PATTERN_SEED_MUL;
	u64 word;

	for (; len && (offset & 7); len--)
		*p++ = kxfer_pattern_byte(base, offset++);

	/* The buffer is page aligned, so p is 8-byte aligned from here. */
	word = base + (offset >> 3) * KXFER_PATTERN_STEP;
	for (; len >= 8; len -= 8, p += 8, offset += 8) {
		*(__le64 *)p = cpu_to_le64(word);
		word += KXFER_PATTERN_STEP;
	}

	for (; len; len--)
		*p++ = kxfer_pattern_byte(base, offset++);
}

/* The fill pattern at any address whose offset is 8-aligned with it. */
void kxfer_work_fill(void *kaddr, u64 offset, size_t len, u32 seed)
{
	kxfer_fill(kaddr, offset, len, seed);
}

/* Before the kernel hands [offset, offset + len) to user space. */
void kxfer_work_produce(const struct kxfer_file *kf, void *kaddr, u64 offset,
			size_t len)
{
	if (READ_ONCE(kf->work) == KXFER_WORK_FILL)
		kxfer_fill(kaddr, offset, len, READ_ONCE(kf->seed));
}

/*
 * The checksum of a transfer starts at kxfer_work_csum_init() and is
 * chained over its chunks; outside checksum mode it stays 0.
 */
u32 kxfer_work_csum_init(const struct kxfer_file *kf)
{
	return READ_ONCE(kf->work) == KXFER_WORK_CHECKSUM ? ~0U : 0;
}

/* On bytes the kernel produced or received. */
u32 kxfer_work_csum(const struct kxfer_file *kf, u32 crc, const void *kaddr,
		    size_t len)
{
	if (READ_ONCE(kf->work) != KXFER_WORK_CHECKSUM)
		return crc;
	return kxfer_crc32c(crc, kaddr, len);
}

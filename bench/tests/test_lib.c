// SPDX-License-Identifier: GPL-2.0
/*
 * The shared helpers' conventions: CRC32C as the kernel computes it and
 * the KXFER_WORK_FILL pattern of <linux/kxfer.h>; and the consume modes.
 */
#include <string.h>

#include "consume.h"
#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "tap.h"

/* The per-byte definition from <linux/kxfer.h>, written out again. */
static unsigned char ref_byte(uint64_t off, uint32_t seed)
{
	uint64_t w = (uint64_t)seed * 0x0000000100000001ULL +
		     (off / 8) * 0x9e3779b97f4a7c15ULL;

	return (unsigned char)(w >> (8 * (off % 8)));
}

static void pattern_vs_reference(void)
{
	static unsigned char buf[300];
	int fill_ok = 1, check_ok = 1;

	for (uint64_t off = 0; off < 20; off++) {
		for (size_t len = 0; len < 40; len++) {
			uint64_t o = off + (off & 1 ? 1ULL << 33 : 0);

			kx_pattern_fill(buf, o, len, 0xdeadbeef);
			for (size_t i = 0; i < len; i++)
				if (buf[i] != ref_byte(o + i, 0xdeadbeef))
					fill_ok = 0;
			if (kx_pattern_check(buf, o, len, 0xdeadbeef) != len)
				check_ok = 0;
			for (size_t bad = 0; bad < len; bad++) {
				buf[bad] ^= 0x80;
				if (kx_pattern_check(buf, o, len,
						     0xdeadbeef) != bad)
					check_ok = 0;
				buf[bad] ^= 0x80;
			}
		}
	}
	tap_ok(fill_ok, "pattern fill equals the per-byte definition (all alignments)");
	tap_ok(check_ok, "pattern check finds every single wrong byte");
}

void test_lib(void)
{
	unsigned char buf[256], big[4096];
	uint32_t a, b;

	/* CRC-32C check value 0xe3069283 is after the final inversion. */
	tap_ok(kx_crc32c(KX_CRC32C_INIT, "123456789", 9) == 0x1cf96d7cU,
	       "crc32c('123456789') = ~0xe3069283 (kernel convention)");
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + 3);
	a = kx_crc32c(KX_CRC32C_INIT, big + 1, 3000);
	b = kx_crc32c(kx_crc32c(KX_CRC32C_INIT, big + 1, 1234), big + 1235,
		      1766);
	tap_ok(a == b, "crc32c chains over split buffers (unaligned start)");

	kx_pattern_fill(buf, 0, 16, 0);
	/* seed 0: W(0) = 0, W(8) = step 0x9e3779b97f4a7c15, little-endian */
	tap_ok(buf[0] == 0 && buf[7] == 0 && buf[8] == 0x15 && buf[9] == 0x7c &&
	       buf[15] == 0x9e, "pattern: seed 0 words 0 and STEP");
	kx_pattern_fill(buf, 0, 8, 1);
	/* seed 1: W(0) = 0x0000000100000001 */
	tap_ok(buf[0] == 1 && buf[1] == 0 && buf[4] == 1 && buf[7] == 0,
	       "pattern: seed 1 word 0 is 0x0000000100000001");
	kx_pattern_fill(big, 3, 100, 7);
	tap_ok(kx_pattern_check(big, 3, 100, 7) == 100 &&
	       !memcmp(big + 2, (kx_pattern_fill(buf, 5, 50, 7), buf), 50),
	       "pattern: a window depends on the offset only");
	big[40] ^= 1;
	tap_ok(kx_pattern_check(big, 3, 100, 7) == 40,
	       "pattern check finds the first wrong byte");
	pattern_vs_reference();

}

// SPDX-License-Identifier: GPL-2.0
/*
 * The bytes each user-work mode (--consume) touches, on a page-aligned
 * buffer with an odd length so the tail path runs too.
 */
#include <stdlib.h>
#include <string.h>

#include "consume.h"
#include "kx_crc32c.h"
#include "tap.h"

#define LEN 4099	/* a page and a 3-byte tail */
#define POISON 0xa5

/* Bytes of p[0..len) that differ from POISON. */
static size_t changed(const unsigned char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] != POISON;
	return n;
}

/* 1 when changing any single byte of p changes what consume computes. */
static int reads_every_byte(enum kx_consume mode, unsigned char *p,
			    size_t len)
{
	uint32_t before;

	for (size_t i = 0; i < len; i++) {
		kx_consume(mode, p, len, NULL);
		before = kx_sink;
		p[i] ^= 0x01;
		kx_consume(mode, p, len, NULL);
		p[i] ^= 0x01;
		if (kx_sink == before)
			return 0;
	}
	return 1;
}

void test_consume(void)
{
	unsigned char *p = aligned_alloc(4096, 8192);
	unsigned char *ext = aligned_alloc(4096, 8192);
	size_t touched = 0;

	if (!tap_ok(p && ext, "consume: buffers"))
		return;

	memset(p, POISON, LEN);
	kx_produce(KX_CONSUME_FILL, p, LEN, 3, NULL);
	/* A byte of the pattern may equal POISON by chance: count again. */
	memset(ext, POISON, LEN);
	kx_produce(KX_CONSUME_FILL, ext, LEN, 4, NULL);
	for (size_t i = 0; i < LEN; i++)
		touched += p[i] != POISON || ext[i] != POISON;
	tap_ok(touched == LEN, "fill: the producer stores every byte (%zu of %d)",
	       touched, LEN);
	tap_ok(memcmp(p, ext, LEN) != 0,
	       "fill: the pattern changes per operation");

	memset(p, POISON, LEN);
	kx_produce(KX_CONSUME_TOUCH, p, LEN, 5, NULL);
	tap_ok(changed(p, LEN) <= (LEN + 63) / 64 && p[0] == 5 &&
	       p[64] == 6 && p[4096] == (unsigned char)(5 + 64) &&
	       p[1] == POISON && p[63] == POISON,
	       "touch: the producer stores one byte per 64");

	memset(p, POISON, LEN);
	kx_produce(KX_CONSUME_NONE, p, LEN, 5, NULL);
	kx_produce(KX_CONSUME_CHECKSUM, p, LEN, 5, NULL);
	kx_produce(KX_CONSUME_READ, p, LEN, 5, NULL);
	kx_produce(KX_CONSUME_COPY, p, LEN, 5, NULL);
	tap_ok(changed(p, LEN) == 0,
	       "none, checksum, read, copy without a separate buffer: the producer stores nothing");

	memset(ext, 0x3c, LEN);
	kx_produce(KX_CONSUME_COPY, p, LEN, 5, ext);
	tap_ok(!memcmp(p, ext, LEN),
	       "copy: the mmap path's producer memcpy()s all bytes from the user's buffer");
	memset(ext, POISON, LEN);
	for (size_t i = 0; i < LEN; i++)
		p[i] = (unsigned char)(i * 7);
	kx_consume(KX_CONSUME_COPY, p, LEN, ext);
	tap_ok(!memcmp(p, ext, LEN),
	       "copy: the mmap path's consumer memcpy()s all bytes into the user's buffer");

	tap_ok(reads_every_byte(KX_CONSUME_READ, p, LEN),
	       "read: the consumer's sum depends on every byte");
	tap_ok(reads_every_byte(KX_CONSUME_FILL, p, LEN),
	       "fill: a consumer reads every byte");
	tap_ok(reads_every_byte(KX_CONSUME_CHECKSUM, p, LEN),
	       "checksum: depends on every byte");
	kx_consume(KX_CONSUME_CHECKSUM, p, 9, NULL);
	tap_ok(kx_sink == kx_crc32c(KX_CRC32C_INIT, p, 9),
	       "checksum consume computes the CRC32C");
	{
		uint32_t before;

		kx_consume(KX_CONSUME_TOUCH, p, LEN, NULL);
		before = kx_sink;
		p[1] ^= 1;
		kx_consume(KX_CONSUME_TOUCH, p, LEN, NULL);
		tap_ok(kx_sink == before,
		       "touch: the consumer skips the bytes between its loads");
		p[64] ^= 1;
		kx_consume(KX_CONSUME_TOUCH, p, LEN, NULL);
		tap_ok(kx_sink != before, "touch: one load per 64 bytes");
	}
	memset(p, POISON, LEN);
	kx_consume(KX_CONSUME_READ, p, LEN, NULL);
	kx_consume(KX_CONSUME_FILL, p, LEN, NULL);
	tap_ok(changed(p, LEN) == 0, "consumers never store into the payload");
	free(p);
	free(ext);
}

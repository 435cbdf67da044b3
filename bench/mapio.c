// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "kx_crc32c.h"
#include "mapio.h"

typedef volatile uint64_t vword;

void kx_mapio_store(unsigned char *p, const unsigned char *src, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, src + i, 8);
		*(vword *)(void *)(p + i) = w;
	}
	for (; i < len; i++)
		((volatile unsigned char *)p)[i] = src[i];
}

void kx_mapio_load(unsigned char *dst, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = *(const vword *)(const void *)(p + i);

		memcpy(dst + i, &w, 8);
	}
	for (; i < len; i++)
		dst[i] = ((const volatile unsigned char *)p)[i];
}

/* CRC32C of the mapping, reading it one word at a time. */
static uint32_t mapio_crc32c(const unsigned char *p, size_t len)
{
	uint32_t crc = KX_CRC32C_INIT;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = *(const vword *)(const void *)(p + i);

		crc = kx_crc32c(crc, &w, 8);
	}
	for (; i < len; i++) {
		unsigned char b = ((const volatile unsigned char *)p)[i];

		crc = kx_crc32c(crc, &b, 1);
	}
	return crc;
}

void kx_mapio_produce(enum kx_consume c, unsigned char *p, size_t len,
		      uint32_t iter)
{
	switch (c) {
	case KX_CONSUME_NONE:
		break;
	case KX_CONSUME_TOUCH:
		for (size_t i = 0; i < len; i += KX_TOUCH_STRIDE) {
			uint64_t v = iter + i / KX_TOUCH_STRIDE;

			if (i + 8 <= len)
				*(vword *)(void *)(p + i) = v;
			else
				((volatile unsigned char *)p)[i] =
					(unsigned char)v;
		}
		break;
	case KX_CONSUME_CHECKSUM:
		kx_sink = mapio_crc32c(p, len);
		break;
	}
}

void kx_mapio_consume(enum kx_consume c, const unsigned char *p, size_t len)
{
	uint64_t acc = 0;

	switch (c) {
	case KX_CONSUME_NONE:
		break;
	case KX_CONSUME_TOUCH:
		for (size_t i = 0; i < len; i += KX_TOUCH_STRIDE) {
			if (i + 8 <= len)
				acc += *(const vword *)(const void *)(p + i);
			else
				acc += ((const volatile unsigned char *)p)[i];
		}
		kx_sink = (uint32_t)acc;
		break;
	case KX_CONSUME_CHECKSUM:
		kx_sink = mapio_crc32c(p, len);
		break;
	}
}

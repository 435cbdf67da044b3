// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "consume.h"
#include "kx_crc32c.h"

volatile uint32_t kx_sink;

static const char *const names[] = {
	[KX_CONSUME_NONE] = "none",
	[KX_CONSUME_TOUCH] = "touch",
	[KX_CONSUME_CHECKSUM] = "checksum",
	[KX_CONSUME_FILL] = "fill",
	[KX_CONSUME_READ] = "read",
	[KX_CONSUME_COPY] = "copy",
};

const char kx_consume_valid[] = "none, touch, checksum, fill, read or copy";

const char *kx_consume_name(enum kx_consume c)
{
	return names[c];
}

int kx_consume_parse(const char *s, enum kx_consume *c)
{
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*c = i;
			return 0;
		}
	return -1;
}

/*
 * Full-width stores of a pattern that differs per word and per operation:
 * a constant would let the compiler call memset(), which may switch to
 * non-temporal stores for large sizes and so do other work than a
 * producer writing its data.  Buffers and mappings are page aligned.
 */
static void fill_words(unsigned char *p, size_t len, uint32_t iter)
{
	uint64_t base = 0x9e3779b97f4a7c15ULL * (iter + 1);
	uint64_t *w = (uint64_t *)(void *)p;
	size_t nw = len / 8;

	for (size_t i = 0; i < nw; i++)
		w[i] = base + i;
	for (size_t i = nw * 8; i < len; i++)
		p[i] = (unsigned char)(base + i);
}

/* A sum of every 8-byte word, which the compiler may vectorise. */
static void read_words(const unsigned char *p, size_t len)
{
	const uint64_t *w = (const uint64_t *)(const void *)p;
	size_t nw = len / 8;
	uint64_t acc = 0;

	for (size_t i = 0; i < nw; i++)
		acc += w[i];
	for (size_t i = nw * 8; i < len; i++)
		acc += p[i];
	kx_sink = (uint32_t)(acc ^ (acc >> 32));
}

void kx_produce(enum kx_consume c, unsigned char *p, size_t len,
		uint32_t iter, const unsigned char *ext)
{
	switch (c) {
	case KX_CONSUME_NONE:
		break;
	case KX_CONSUME_TOUCH:
		for (size_t i = 0; i < len; i += KX_TOUCH_STRIDE)
			p[i] = (unsigned char)(iter + i / KX_TOUCH_STRIDE);
		break;
	case KX_CONSUME_CHECKSUM:
		kx_sink = kx_crc32c(KX_CRC32C_INIT, p, len);
		break;
	case KX_CONSUME_FILL:
		fill_words(p, len, iter);
		break;
	case KX_CONSUME_READ:
		read_words(p, len);
		break;
	case KX_CONSUME_COPY:
		if (ext)
			memcpy(p, ext, len);
		break;
	}
}

void kx_consume(enum kx_consume c, const unsigned char *p, size_t len,
		unsigned char *ext)
{
	uint32_t acc = 0;

	switch (c) {
	case KX_CONSUME_NONE:
		break;
	case KX_CONSUME_TOUCH:
		for (size_t i = 0; i < len; i += KX_TOUCH_STRIDE)
			acc += p[i];
		kx_sink = acc;
		break;
	case KX_CONSUME_CHECKSUM:
		kx_sink = kx_crc32c(KX_CRC32C_INIT, p, len);
		break;
	case KX_CONSUME_FILL:
	case KX_CONSUME_READ:
		read_words(p, len);
		break;
	case KX_CONSUME_COPY:
		if (ext)
			memcpy(ext, p, len);
		break;
	}
}

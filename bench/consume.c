// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "consume.h"
#include "kx_crc32c.h"

volatile uint32_t kx_sink;

static const char *const names[] = {
	[KX_CONSUME_NONE] = "none",
	[KX_CONSUME_TOUCH] = "touch",
	[KX_CONSUME_CHECKSUM] = "checksum",
};

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

void kx_produce(enum kx_consume c, unsigned char *p, size_t len,
		uint32_t iter)
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
	}
}

void kx_consume(enum kx_consume c, const unsigned char *p, size_t len)
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
	}
}

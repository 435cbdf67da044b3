// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "kx_stream.h"

enum kx_stream_verdict kx_stream_check(const void *blk, uint32_t block_size)
{
	const unsigned char *payload = (const unsigned char *)blk + KX_STREAM_HDR;
	uint32_t len = block_size - KX_STREAM_HDR;
	struct kxfer_stream_hdr hdr;

	memcpy(&hdr, blk, sizeof(hdr));
	if (hdr.length != len)
		return KX_BLOCK_BAD_LENGTH;
	if (kx_crc32c(KX_CRC32C_INIT, payload, len) != hdr.crc)
		return KX_BLOCK_BAD_CRC;
	if (kx_pattern_check(payload, 0, len, (uint32_t)hdr.seq) != len)
		return KX_BLOCK_BAD_PAYLOAD;
	return KX_BLOCK_OK;
}

const char *kx_stream_verdict_name(enum kx_stream_verdict v)
{
	static const char *const names[] = {
		[KX_BLOCK_OK] = "ok",
		[KX_BLOCK_BAD_LENGTH] = "wrong length in header",
		[KX_BLOCK_BAD_CRC] = "CRC32C mismatch",
		[KX_BLOCK_BAD_PAYLOAD] = "payload is not the pattern of its seq",
	};

	return (unsigned int)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

void kx_stream_fill(void *blk, uint32_t block_size, uint64_t seq)
{
	unsigned char *payload = (unsigned char *)blk + KX_STREAM_HDR;
	uint32_t len = block_size - KX_STREAM_HDR;
	struct kxfer_stream_hdr hdr = { .seq = seq, .length = len };

	kx_pattern_fill(payload, 0, len, (uint32_t)seq);
	hdr.crc = kx_crc32c(KX_CRC32C_INIT, payload, len);
	memcpy(blk, &hdr, sizeof(hdr));
}

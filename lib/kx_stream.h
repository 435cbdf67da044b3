/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Blocks of a kxfer stream (<linux/kxfer.h>, "Streaming"): checking what
 * the device produced, filling what it will consume, and the ring's
 * C11 acquire/release index accesses.  Shared by the tests and the bench.
 */
#ifndef KX_STREAM_H
#define KX_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kxfer.h>

#define KX_STREAM_HDR ((uint32_t)sizeof(struct kxfer_stream_hdr))

enum kx_stream_verdict {
	KX_BLOCK_OK,
	KX_BLOCK_BAD_LENGTH,	/* hdr.length != block_size - header */
	KX_BLOCK_BAD_CRC,	/* hdr.crc is not the payload's CRC32C */
	KX_BLOCK_BAD_PAYLOAD,	/* payload is not the pattern of hdr.seq */
};

/* Checks a captured block (header and payload) of block_size bytes. */
enum kx_stream_verdict kx_stream_check(const void *blk, uint32_t block_size);
const char *kx_stream_verdict_name(enum kx_stream_verdict v);

/* Writes a valid sink block with this seq (time_ns 0: the sink ignores it). */
void kx_stream_fill(void *blk, uint32_t block_size, uint64_t seq);

/* The ring's index protocol, the user-space half of the kernel's. */
static inline uint32_t kx_ring_load(const uint32_t *idx)
{
	return __atomic_load_n(idx, __ATOMIC_ACQUIRE);
}

static inline void kx_ring_store(uint32_t *idx, uint32_t v)
{
	__atomic_store_n(idx, v, __ATOMIC_RELEASE);
}

#endif

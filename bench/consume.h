/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user does with the data (--consume), identical for every path
 * over the same bytes, so that only the way the bytes move differs (see
 * docs/benchmark-methods.md, "User work"):
 *
 *   fill      every byte stored: the producer writes its payload with
 *             full-width (8-byte) stores of a pattern that changes per
 *             operation; a consumer in this mode reads every byte (read).
 *   read      every byte loaded: a vectorisable sum of 8-byte words over
 *             the payload (lmbench's bw_file_rd / bw_mmap_rd), by the
 *             consumer of received data or by a producer whose payload
 *             is already in place.
 *   copy      the data lives in (or must end in) a separate user buffer:
 *             the copy path hands that buffer to write()/read() and does
 *             nothing else; the mmap path memcpy()s it into / out of the
 *             mapping (fio's mmap engine).  The honest case where mapping
 *             saves only the syscall's copy.
 *   touch     one byte per KX_TOUCH_STRIDE bytes (store or load): an upper
 *             bound of the mapping's advantage, not real work.
 *   none      nothing: the transfer mechanism alone (also an upper bound).
 *   checksum  CRC32C over every byte (reads only) on either side.
 */
#ifndef KX_CONSUME_H
#define KX_CONSUME_H

#include <stddef.h>
#include <stdint.h>

enum kx_consume {
	KX_CONSUME_NONE,
	KX_CONSUME_TOUCH,
	KX_CONSUME_CHECKSUM,
	KX_CONSUME_FILL,
	KX_CONSUME_READ,
	KX_CONSUME_COPY,
};

/*
 * 64 bytes: the cache line of every Cortex-A and x86_64 core we target.
 * Fixed rather than probed so that results from different machines did
 * the same work.
 */
#define KX_TOUCH_STRIDE 64

/* Keeps the compiler from dropping loads whose result nobody uses. */
extern volatile uint32_t kx_sink;

const char *kx_consume_name(enum kx_consume c);
int kx_consume_parse(const char *s, enum kx_consume *c);
/* "none, touch, checksum, fill, read or copy" for messages. */
extern const char kx_consume_valid[];

/*
 * Before sending: make the payload in p (the user's own buffer on the copy
 * path, the mapping on the mmap path).  ext: the separate user buffer the
 * data lives in (copy mode, mmap path), NULL when p is that buffer.
 */
void kx_produce(enum kx_consume c, unsigned char *p, size_t len,
		uint32_t iter, const unsigned char *ext);
/* After receiving: use the payload in p; ext as above (copy: the target). */
void kx_consume(enum kx_consume c, const unsigned char *p, size_t len,
		unsigned char *ext);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user does with the data, identical for every path so that only
 * the way the bytes move differs (see docs/benchmark-methods.md):
 *
 *   none      nothing: the cost of the transfer mechanism alone.
 *   touch     one byte per KX_TOUCH_STRIDE bytes: a store when producing
 *             data to send, a load when consuming received data.  Makes
 *             every cache line of the payload reach the CPU, which is the
 *             least any real user of the data does.
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

/* Before sending: make the payload in p (user buffer or the mapping). */
void kx_produce(enum kx_consume c, unsigned char *p, size_t len,
		uint32_t iter);
/* After receiving: use the payload in p. */
void kx_consume(enum kx_consume c, const unsigned char *p, size_t len);

#endif

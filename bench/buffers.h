/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User buffers: page aligned like the mapping they are compared with,
 * populated and written before use so no timed operation takes a page
 * fault on them, and mlock()ed when the limit allows, so they stay put.
 */
#ifndef KX_BUFFERS_H
#define KX_BUFFERS_H

#include <stddef.h>

/* len rounded up to the page size; NULL with errno set on failure. */
void *kx_buf_alloc(size_t len);
void kx_buf_free(void *p, size_t len);

/* "yes", or "no (reason): buffers pre-touched instead". */
const char *kx_mlock_status(void);

#endif

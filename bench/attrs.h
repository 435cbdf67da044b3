/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the buffer attributes kxfer-bench sweeps: the memory behind the
 * device buffer (KXFER_BACKING_*, --backing) and the page attributes of
 * the user mapping (KXFER_CACHE_*, --mapping).
 */
#ifndef KX_ATTRS_H
#define KX_ATTRS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kxfer.h>

#define KX_NR_BACKINGS	3
#define KX_NR_CACHES	3

/* "vmalloc", ...; "?" for an unknown value. */
const char *kx_backing_name(uint32_t backing);
/* "cached", "wc", "uncached"; "?" for an unknown value. */
const char *kx_cache_name(uint32_t cache);

/*
 * Comma-separated list of names into out[] (at most KX_NR_BACKINGS or
 * KX_NR_CACHES entries, duplicates dropped, order kept).  Returns 0, or -1
 * with what is wrong in err.
 */
int kx_parse_backings(const char *s, uint32_t *out, unsigned int *n,
		      char *err, size_t errlen);
int kx_parse_caches(const char *s, uint32_t *out, unsigned int *n,
		    char *err, size_t errlen);

#endif

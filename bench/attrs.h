/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the buffer attributes kxfer-bench sweeps: the memory behind the
 * device buffer (KXFER_BACKING_*, --backing) and the page attributes of
 * the user mapping (KXFER_CACHE_*, --mapping), and where the mmap methods
 * place their mappings (--page-map).
 */
#ifndef KX_ATTRS_H
#define KX_ATTRS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kxfer.h>

#define KX_NR_BACKINGS	3
#define KX_NR_CACHES	3

/*
 * --page-map: KX_PAGEMAP_HUGE lets the kernel choose the address, which
 * for a buffer with kxfer_info.huge_size is PMD-aligned, so the kernel can
 * map it with one PMD entry; KX_PAGEMAP_BASE places every mapping one page
 * past a PMD boundary, which leaves the kernel only page table entries.
 */
#define KX_PAGEMAP_HUGE	0
#define KX_PAGEMAP_BASE	1
#define KX_NR_PAGEMAPS	2

/* "vmalloc", ...; "?" for an unknown value. */
const char *kx_backing_name(uint32_t backing);
/* "cached", "wc", "uncached"; "?" for an unknown value. */
const char *kx_cache_name(uint32_t cache);
/* "huge", "base"; "?" for an unknown value. */
const char *kx_pagemap_name(uint32_t pagemap);

/*
 * Comma-separated list of names into out[] (at most KX_NR_BACKINGS,
 * KX_NR_CACHES or KX_NR_PAGEMAPS entries, duplicates dropped, order kept).
 * Returns 0, or -1 with what is wrong in err.
 */
int kx_parse_backings(const char *s, uint32_t *out, unsigned int *n,
		      char *err, size_t errlen);
int kx_parse_caches(const char *s, uint32_t *out, unsigned int *n,
		    char *err, size_t errlen);
int kx_parse_pagemaps(const char *s, uint32_t *out, unsigned int *n,
		      char *err, size_t errlen);

#endif

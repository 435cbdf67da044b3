/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the buffer attributes kxfer-bench sweeps: the memory behind the
 * device buffer (KXFER_BACKING_*, --backing), the page attribute of a user
 * mapping that follows from it (ABI 4: a property of the backing, the CSV
 * column `mapping`), and where the mmap methods place their mappings
 * (--page-map).
 */
#ifndef KX_ATTRS_H
#define KX_ATTRS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kxfer.h>

#define KX_NR_BACKINGS	6

/*
 * --page-map: KX_PAGEMAP_HUGE lets the kernel choose the address, which
 * for a buffer with kxfer_info.huge_size is PMD-aligned, so the kernel can
 * map it with one PMD entry; KX_PAGEMAP_BASE places every mapping one page
 * past a PMD boundary, which leaves the kernel only page table entries.
 */
#define KX_PAGEMAP_HUGE	0
#define KX_PAGEMAP_BASE	1
#define KX_NR_PAGEMAPS	2

/* "vmalloc", "pages", "dma", "shmem", "dma-wc", "dma-noncoherent"; "?" */
const char *kx_backing_name(uint32_t backing);
/*
 * The attribute a user mapping of that backing has, as the CSV column
 * `mapping` names it: vmalloc, pages, shmem -> cached; dma -> uncached;
 * dma-wc -> wc; dma-noncoherent -> noncoherent.  These are the DMA API's
 * names on a system whose devices are not cache-coherent (most arm64
 * SoCs); on a coherent one (x86) the DMA API gives every dma* backing
 * ordinary write-back memory, whatever the name.
 */
const char *kx_backing_mapping(uint32_t backing);
/* "huge", "base"; "?" for an unknown value. */
const char *kx_pagemap_name(uint32_t pagemap);

/*
 * --cache took these attribute names before ABI 4; the backing that gives
 * that attribute now (for the message that says what to use instead), or
 * NULL when s is not one of them.
 */
const char *kx_backing_for_old_cache(const char *s);

/*
 * Comma-separated list of names into out[] (at most KX_NR_BACKINGS or
 * KX_NR_PAGEMAPS entries, duplicates dropped, order kept).  Returns 0, or
 * -1 with what is wrong in err.
 */
int kx_parse_backings(const char *s, uint32_t *out, unsigned int *n,
		      char *err, size_t errlen);
int kx_parse_pagemaps(const char *s, uint32_t *out, unsigned int *n,
		      char *err, size_t errlen);

#endif

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "attrs.h"

static const char *const backing_names[KX_NR_BACKINGS] = {
	[KXFER_BACKING_VMALLOC] = "vmalloc",
	[KXFER_BACKING_PAGES] = "pages",
	[KXFER_BACKING_DMA] = "dma",
	[KXFER_BACKING_SHMEM] = "shmem",
	[KXFER_BACKING_DMA_WC] = "dma-wc",
	[KXFER_BACKING_DMA_NONCOHERENT] = "dma-noncoherent",
};

static const char *const mapping_names[KX_NR_BACKINGS] = {
	[KXFER_BACKING_VMALLOC] = "cached",
	[KXFER_BACKING_PAGES] = "cached",
	[KXFER_BACKING_DMA] = "uncached",
	[KXFER_BACKING_SHMEM] = "cached",
	[KXFER_BACKING_DMA_WC] = "wc",
	[KXFER_BACKING_DMA_NONCOHERENT] = "noncoherent",
};

static const char *const pagemap_names[KX_NR_PAGEMAPS] = {
	[KX_PAGEMAP_HUGE] = "huge",
	[KX_PAGEMAP_BASE] = "base",
};

const char *kx_backing_name(uint32_t backing)
{
	return backing < KX_NR_BACKINGS ? backing_names[backing] : "?";
}

const char *kx_backing_mapping(uint32_t backing)
{
	return backing < KX_NR_BACKINGS ? mapping_names[backing] : "?";
}

const char *kx_backing_for_old_cache(const char *s)
{
	if (!strcmp(s, "cached"))
		return "vmalloc, pages or shmem";
	if (!strcmp(s, "uncached"))
		return "dma";
	if (!strcmp(s, "wc"))
		return "dma-wc";
	return NULL;
}

const char *kx_pagemap_name(uint32_t pagemap)
{
	return pagemap < KX_NR_PAGEMAPS ? pagemap_names[pagemap] : "?";
}

static int parse_list(const char *s, const char *const *names,
		      unsigned int nnames, const char *valid, uint32_t *out,
		      unsigned int *n, char *err, size_t errlen)
{
	const char *p = s;

	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		unsigned int i, j;

		for (i = 0; i < nnames; i++)
			if (strlen(names[i]) == len &&
			    !strncmp(p, names[i], len))
				break;
		if (i == nnames) {
			snprintf(err, errlen, "unknown name '%.*s' in '%s': use %s (comma-separated for a sweep)",
				 (int)len, p, s, valid);
			return -1;
		}
		for (j = 0; j < *n; j++)
			if (out[j] == i)
				break;
		if (j == *n)
			out[(*n)++] = i;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int kx_parse_backings(const char *s, uint32_t *out, unsigned int *n,
		      char *err, size_t errlen)
{
	return parse_list(s, backing_names, KX_NR_BACKINGS,
			  "vmalloc, pages, dma, shmem, dma-wc or dma-noncoherent",
			  out, n, err, errlen);
}

int kx_parse_pagemaps(const char *s, uint32_t *out, unsigned int *n,
		      char *err, size_t errlen)
{
	return parse_list(s, pagemap_names, KX_NR_PAGEMAPS, "huge or base",
			  out, n, err, errlen);
}

// SPDX-License-Identifier: GPL-2.0
/* --backing, the mapping attribute it implies, --cache: names, lists. */
#include <string.h>

#include "attrs.h"
#include "options.h"
#include "tap.h"

static int parse(struct kx_opts *o, const char *opt, const char *val)
{
	char *argv[] = { "kxfer-bench", (char *)opt, (char *)val, NULL };

	return kx_parse_options(val ? 3 : 2, argv, o);
}

void test_attrs(void)
{
	struct kx_opts o;
	uint32_t v[KX_NR_BACKINGS];
	unsigned int n = 99;
	char err[256] = "";

	tap_ok(!strcmp(kx_backing_name(KXFER_BACKING_VMALLOC), "vmalloc") &&
	       !strcmp(kx_backing_name(KXFER_BACKING_PAGES), "pages") &&
	       !strcmp(kx_backing_name(KXFER_BACKING_DMA), "dma") &&
	       !strcmp(kx_backing_name(KXFER_BACKING_SHMEM), "shmem") &&
	       !strcmp(kx_backing_name(KXFER_BACKING_DMA_WC), "dma-wc") &&
	       !strcmp(kx_backing_name(KXFER_BACKING_DMA_NONCOHERENT),
		       "dma-noncoherent") &&
	       !strcmp(kx_backing_name(7), "?"),
	       "attrs: backing names follow KXFER_BACKING_* (ABI 4)");
	tap_ok(!strcmp(kx_backing_mapping(KXFER_BACKING_VMALLOC), "cached") &&
	       !strcmp(kx_backing_mapping(KXFER_BACKING_PAGES), "cached") &&
	       !strcmp(kx_backing_mapping(KXFER_BACKING_SHMEM), "cached") &&
	       !strcmp(kx_backing_mapping(KXFER_BACKING_DMA), "uncached") &&
	       !strcmp(kx_backing_mapping(KXFER_BACKING_DMA_WC), "wc") &&
	       !strcmp(kx_backing_mapping(KXFER_BACKING_DMA_NONCOHERENT),
		       "noncoherent"),
	       "attrs: the mapping column follows from the backing");

	tap_ok(!parse(&o, "--methods", "memcpy") && o.nbackings == 0 &&
	       o.cache == KX_CACHE_HOT,
	       "options: default backing is the device's, cache hot");
	tap_ok(!parse(&o, "--backing",
		      "dma-noncoherent,shmem,vmalloc,dma-wc,shmem") &&
	       o.nbackings == 4 &&
	       o.backings[0] == KXFER_BACKING_DMA_NONCOHERENT &&
	       o.backings[1] == KXFER_BACKING_SHMEM &&
	       o.backings[2] == KXFER_BACKING_VMALLOC &&
	       o.backings[3] == KXFER_BACKING_DMA_WC,
	       "options: --backing list keeps order, drops duplicates");
	tap_ok(!parse(&o, "--cache", "cold") && o.cache == KX_CACHE_COLD &&
	       !parse(&o, "--cache", "hot") && o.cache == KX_CACHE_HOT,
	       "options: --cache hot|cold");
	tap_ok(parse(&o, "--cache", "wc") == -1 &&
	       parse(&o, "--cache", "uncached") == -1 &&
	       parse(&o, "--cache", "cached,wc") == -1 &&
	       parse(&o, "--mapping", "wc") == -1,
	       "options: the pre-ABI-4 attribute values of --cache and --mapping are refused");
	tap_ok(!strcmp(kx_backing_for_old_cache("wc"), "dma-wc") &&
	       !strcmp(kx_backing_for_old_cache("uncached"), "dma") &&
	       !kx_backing_for_old_cache("cold"),
	       "attrs: an old attribute value names the backing to use");

	tap_ok(parse(&o, "--backing", "") == -1 &&
	       parse(&o, "--backing", "vmalloc,,pages") == -1 &&
	       parse(&o, "--backing", "Pages") == -1 &&
	       parse(&o, "--backing", NULL) == -1,
	       "options: empty items, wrong case, unknown names, missing value rejected");
	tap_ok(kx_parse_backings("shmem,bogus", v, &n, err, sizeof(err)) == -1 &&
	       strstr(err, "'bogus'") && strstr(err, "dma-noncoherent"),
	       "attrs: error names the bad item and the valid ones");
	tap_ok(!kx_parse_backings("pages", v, &n, err, sizeof(err)) &&
	       n == 1 && v[0] == KXFER_BACKING_PAGES,
	       "attrs: single backing");
}

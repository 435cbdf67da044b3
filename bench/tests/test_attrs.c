// SPDX-License-Identifier: GPL-2.0
/* --backing and --mapping: names, lists, defaults. */
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
	       !strcmp(kx_backing_name(7), "?"),
	       "attrs: backing names follow KXFER_BACKING_*");
	tap_ok(!strcmp(kx_cache_name(KXFER_CACHE_CACHED), "cached") &&
	       !strcmp(kx_cache_name(KXFER_CACHE_WC), "wc") &&
	       !strcmp(kx_cache_name(KXFER_CACHE_UNCACHED), "uncached") &&
	       !strcmp(kx_cache_name(3), "?"),
	       "attrs: mapping names follow KXFER_CACHE_*");

	tap_ok(!parse(&o, "--methods", "memcpy") && o.nbackings == 0 &&
	       o.ncaches == 1 && o.caches[0] == KXFER_CACHE_CACHED,
	       "options: default backing is the device's, mapping cached");

	tap_ok(!parse(&o, "--backing", "dma,vmalloc,pages,dma") &&
	       o.nbackings == 3 && o.backings[0] == KXFER_BACKING_DMA &&
	       o.backings[1] == KXFER_BACKING_VMALLOC &&
	       o.backings[2] == KXFER_BACKING_PAGES,
	       "options: --backing list keeps order, drops duplicates");
	tap_ok(!parse(&o, "--mapping", "uncached,wc") && o.ncaches == 2 &&
	       o.caches[0] == KXFER_CACHE_UNCACHED &&
	       o.caches[1] == KXFER_CACHE_WC,
	       "options: --mapping list replaces the default");
	tap_ok(!parse(&o, "--mapping", "wc") && o.ncaches == 1 &&
	       o.caches[0] == KXFER_CACHE_WC,
	       "options: single --mapping");

	tap_ok(parse(&o, "--backing", "") == -1 &&
	       parse(&o, "--backing", "vmalloc,,pages") == -1 &&
	       parse(&o, "--backing", "Pages") == -1 &&
	       parse(&o, "--mapping", "writecombine") == -1 &&
	       parse(&o, "--mapping", "cached,") == -1 &&
	       parse(&o, "--mapping", NULL) == -1,
	       "options: empty items, wrong case, unknown names, missing value rejected");

	tap_ok(kx_parse_caches("wc,bogus", v, &n, err, sizeof(err)) == -1 &&
	       strstr(err, "'bogus'") && strstr(err, "cached, wc or uncached"),
	       "attrs: error names the bad item and the valid ones");
	tap_ok(!kx_parse_backings("pages", v, &n, err, sizeof(err)) &&
	       n == 1 && v[0] == KXFER_BACKING_PAGES,
	       "attrs: single backing");
}

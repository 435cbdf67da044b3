// SPDX-License-Identifier: GPL-2.0
/*
 * The one verdict and crossover definition (verdict.h) on fixtures, and
 * the bootstrap interval (stats.h) against hand-computed cases.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tap.h"
#include "verdict.h"

static void test_bootstrap(void)
{
	double one[] = { 7 }, same[] = { 5, 5, 5, 5, 5 }, two[] = { 1, 3 };
	double lo, hi;

	tap_ok(!kx_boot_median_ci(one, 1, &lo, &hi) && lo == 7 && hi == 7,
	       "bootstrap: one repetition gives the point itself");
	tap_ok(!kx_boot_median_ci(same, 5, &lo, &hi) && lo == 5 && hi == 5,
	       "bootstrap: identical repetitions give a zero-width interval");
	/*
	 * {1, 3}: a resample is {1,1} (median 1, p = 1/4), {1,3} or {3,1}
	 * (median 2, p = 1/2) or {3,3} (median 3, p = 1/4).  Both tails
	 * hold far more than 2.5% of the resamples: the interval is [1, 3].
	 */
	tap_ok(!kx_boot_median_ci(two, 2, &lo, &hi) && lo == 1 && hi == 3,
	       "bootstrap: {1, 3} gives the hand-computed [1, 3]");
	{
		double a[] = { 200, 200, 200 }, b[] = { 100, 100, 100 };

		tap_ok(!kx_boot_ratio_ci(a, b, 3, &lo, &hi) && lo == 2 &&
		       hi == 2, "bootstrap: constant paired ratio 2 gives [2, 2]");
	}
	{
		double v[] = { 10, 11, 12, 13, 14 }, lo2, hi2;

		kx_boot_median_ci(v, 5, &lo, &hi);
		kx_boot_median_ci(v, 5, &lo2, &hi2);
		tap_ok(lo == lo2 && hi == hi2 && lo >= 10 && hi <= 14 &&
		       lo <= 12 && hi >= 12,
		       "bootstrap: fixed seed, same interval twice, around the median");
	}
	tap_ok(tap_near(kx_cv(same, 5), 0, 1e-12) &&
	       tap_near(kx_cv(two, 2), sqrt(2) / 2, 1e-12),
	       "cv: stddev / mean of the repetition medians");
}

static void test_rule(void)
{
	tap_ok(!strcmp(kx_verdict_of(1.05, 1.2), "mmap") &&
	       !strcmp(kx_verdict_of(0.7, 0.95), "copy") &&
	       !strcmp(kx_verdict_of(0.98, 1.04), "tie") &&
	       !strcmp(kx_verdict_of(1.0, 1.3), "tie"),
	       "verdict: mmap above 1, copy below 1, tie when the interval contains 1");
	{
		double r[] = { 0.5, 0.8, 1.2, 1.5 };
		double all[] = { 1.1, 1.2 }, none[] = { 0.9, 0.8 };
		double dip[] = { 0.5, 1.2, 0.9, 1.3, 1.4 };
		double top[] = { 1.5, 0.9 };

		tap_ok(kx_cross_index(r, 4) == 2, "crossover: between sizes 1 and 2 of C C M M");
		tap_ok(kx_cross_index(all, 2) == 2 && kx_cross_index(none, 2) == 2,
		       "crossover: none when mmap wins everywhere or nowhere");
		tap_ok(kx_cross_index(dip, 5) == 3,
		       "crossover: after the last dip below 1");
		tap_ok(kx_cross_index(top, 2) == 2,
		       "crossover: none when mmap loses at the largest size");
	}
	tap_ok(!strcmp(kx_pair_partner("write"), "mmap-write") &&
	       !strcmp(kx_pair_partner("memfd-mmap-read"), "memfd-read") &&
	       !strcmp(kx_pair_partner("copy-roundtrip"), "mmap-roundtrip") &&
	       !kx_pair_partner("memcpy") && kx_pair_is_mmap("mmap-read") &&
	       !kx_pair_is_mmap("read"),
	       "pairs: read, write, roundtrip, memfd-write, memfd-read");
}

/* A fixture: write/mmap-write at 4 sizes, 3 repetitions. */
static void test_fixture(void)
{
	static double wr[4][3] = { { 100, 100, 100 }, { 200, 210, 190 },
				   { 400, 400, 400 }, { 800, 800, 800 } };
	/* mmap slower at 64 and 128, faster from 256, one rep late. */
	static double mm[4][3] = { { 150, 150, 150 }, { 250, 250, 250 },
				   { 300, 300, 500 }, { 400, 400, 400 } };
	static const uint64_t sizes[] = { 64, 128, 256, 512 };
	struct kx_result r[8];
	struct kx_crossover *c = NULL;
	size_t nc = 0;
	char line[256];

	memset(r, 0, sizeof(r));
	for (int i = 0; i < 8; i++) {
		int mmap = i >= 4;
		struct kx_result *x = &r[i];

		x->method = mmap ? "mmap-write" : "write";
		x->direction = "to_kernel";
		x->consume = "fill";
		x->backing = "vmalloc";
		x->page_map = mmap ? "huge" : "n/a";
		x->cache = "hot";
		x->threads = 1;
		x->size = sizes[i % 4];
		x->repeats = 3;
		x->rep_p50 = mmap ? mm[i % 4] : wr[i % 4];
		x->st.p50 = kx_median(x->rep_p50, 3);
	}
	tap_ok(!kx_verdicts(r, 8, &c, &nc) && nc == 1,
	       "fixture: one crossover for one pair");
	tap_ok(!r[0].pair && r[4].pair && !strcmp(r[4].pair, "write") &&
	       tap_near(r[4].ratio, 100.0 / 150, 1e-9) &&
	       !strcmp(r[4].verdict, "copy") && !strcmp(r[7].verdict, "mmap") &&
	       !strcmp(r[6].verdict, "tie"),
	       "fixture: ratio and verdict on the mmap rows only (tie where one repetition disagrees)");
	if (nc == 1) {
		kx_crossover_line(&c[0], line, sizeof(line));
		if (!tap_ok(!strcmp(line, "pair=write/mmap-write direction=to_kernel consume=fill backing=vmalloc low=128 high=256 agree=2/3"),
			    "fixture: crossover line between 128 and 256, 2 of 3 repetitions"))
			tap_diag("%s", line);
		c[0].found = 0;
		kx_crossover_line(&c[0], line, sizeof(line));
		tap_ok(!strcmp(line, "pair=write/mmap-write direction=to_kernel consume=fill backing=vmalloc low= high= agree=none"),
		       "fixture: no crossing leaves low and high empty, agree none");
	}
	free(c);
}

void test_verdict(void)
{
	test_bootstrap();
	test_rule();
	test_fixture();
}

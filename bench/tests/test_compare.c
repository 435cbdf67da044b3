// SPDX-License-Identifier: GPL-2.0
/* The copy-vs-mmap verdict and the crossover search. */
#include <math.h>

#include "compare.h"
#include "tap.h"

#define C KX_WIN_COPY
#define M KX_WIN_MMAP
#define T KX_WIN_TIE

static void cross(const char *name, const enum kx_winner *w, size_t n,
		  enum kx_cross_kind kind, size_t index)
{
	static const uint64_t sizes[] = { 64, 256, 1024, 4096, 16384, 65536 };
	static const double ratio[] = { 2, 1.5, 1.1, 0.8, 0.5, 0.2 };
	struct kx_cross x;

	kx_crossover(sizes, w, ratio, n, &x);
	if (!tap_ok(x.kind == kind && (kind != KX_CROSS_AT || x.index == index),
		    "crossover: %s", name))
		tap_diag("kind %d index %zu", x.kind, x.index);
}

void test_compare(void)
{
	tap_ok(kx_winner(1000, 10, 500, 10) == M, "winner: mmap at half time");
	tap_ok(kx_winner(500, 10, 1000, 10) == C, "winner: copy at half time");
	tap_ok(kx_winner(1000, 50, 960, 20) == T,
	       "winner: 40 ns apart with MAD 50 is a tie");
	tap_ok(kx_winner(1000, 0, 985, 0) == T,
	       "winner: 1.5%% apart with no spread is a tie (2%% floor)");
	tap_ok(kx_winner(1000, 0, 970, 0) == M,
	       "winner: 3%% apart with no spread counts");

	{
		enum kx_winner w[] = { C, C, M, M };

		cross("C C M M crosses at index 2", w, 4, KX_CROSS_AT, 2);
	}
	{
		enum kx_winner w[] = { M, M, M };

		cross("M M M: mmap always", w, 3, KX_CROSS_MMAP_ALWAYS, 0);
	}
	{
		enum kx_winner w[] = { C, T, T };

		cross("C T T: copy always", w, 3, KX_CROSS_COPY_ALWAYS, 0);
	}
	{
		enum kx_winner w[] = { C, M, C };

		cross("C M C: no crossover at the top", w, 3,
		      KX_CROSS_NOT_AT_TOP, 0);
	}
	{
		enum kx_winner w[] = { C, C, T, M };

		cross("C C T M: one win at the top is not a crossover", w, 4,
		      KX_CROSS_ONLY_TOP, 0);
	}
	{
		enum kx_winner w[] = { C, T, M, C, M, M };

		cross("C T M C M M: stable from index 4", w, 6, KX_CROSS_AT, 4);
	}
	{
		static const uint64_t sizes[] = { 1024, 4096, 16384 };
		static const double ratio[] = { 2, 0.5, 0.25 };
		static const double ratio_tie[] = { 0.9, 0.5, 0.25 };
		enum kx_winner w[] = { C, M, M };
		struct kx_cross x;

		/* log ratio +ln2 .. -ln2: halfway on log axes, 2048. */
		kx_crossover(sizes, w, ratio, 3, &x);
		TAP_NEAR(x.estimate, 2048, 1e-6,
			 "crossover estimate: log-log interpolation gives 2048");
		kx_crossover(sizes, w, ratio_tie, 3, &x);
		tap_ok(x.kind == KX_CROSS_AT && x.index == 1 && x.estimate == 0,
		       "crossover estimate: none when mmap is already ahead (a tie) below");
	}
}

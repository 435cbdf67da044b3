// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "output.h"
#include "sizes.h"

enum kx_winner kx_winner(double copy_p50, double copy_mad, double mmap_p50,
			 double mmap_mad)
{
	double noise = copy_mad > mmap_mad ? copy_mad : mmap_mad;
	double faster = copy_p50 < mmap_p50 ? copy_p50 : mmap_p50;

	if (noise < 0.02 * faster)
		noise = 0.02 * faster;
	if (fabs(copy_p50 - mmap_p50) <= noise)
		return KX_WIN_TIE;
	return mmap_p50 < copy_p50 ? KX_WIN_MMAP : KX_WIN_COPY;
}

void kx_crossover(const uint64_t *sizes, const enum kx_winner *winners,
		  const double *ratio, size_t n, struct kx_cross *out)
{
	size_t k = n, any_mmap = 0;

	memset(out, 0, sizeof(*out));
	/* k: start of the run of mmap wins that reaches the largest size. */
	while (k && winners[k - 1] == KX_WIN_MMAP)
		k--;
	for (size_t i = 0; i < n; i++)
		any_mmap += winners[i] == KX_WIN_MMAP;

	if (n && k == 0) {
		out->kind = KX_CROSS_MMAP_ALWAYS;
		return;
	}
	if (k == n) {
		out->kind = any_mmap ? KX_CROSS_NOT_AT_TOP :
				       KX_CROSS_COPY_ALWAYS;
		return;
	}
	if (k == n - 1) {
		out->kind = KX_CROSS_ONLY_TOP;
		return;
	}
	out->kind = KX_CROSS_AT;
	out->index = k;
	/* Where mmap/copy crosses 1, interpolated on log-log axes. */
	if (ratio[k - 1] >= 1 && ratio[k] < 1) {
		double l0 = log(ratio[k - 1]), l1 = log(ratio[k]);
		double frac = l0 / (l0 - l1);

		out->estimate = exp(log((double)sizes[k - 1]) +
				    frac * (log((double)sizes[k]) -
					    log((double)sizes[k - 1])));
	}
}

static const struct kx_result *find(const struct kx_result *r, size_t n,
				    const char *method, uint64_t size,
				    unsigned int threads)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].method, method) && r[i].size == size &&
		    r[i].threads == threads)
			return &r[i];
	return NULL;
}

struct pair {
	const char *copy, *mmap, *extra;	/* extra: added to mmap */
	const char *title;
};

static const struct pair pairs[] = {
	{ "write", "mmap-write", NULL,
	  "to the kernel: write vs mmap-write" },
	{ "read", "mmap-read", NULL,
	  "from the kernel: read vs mmap-read" },
	{ "copy-roundtrip", "mmap-roundtrip", NULL,
	  "round trip: copy-roundtrip vs mmap-roundtrip" },
	{ "write", "mmap-write", "mmap-setup",
	  "to the kernel, mapping NOT kept: write vs mmap-setup + mmap-write" },
};

static void compare_pair(FILE *f, const struct pair *p,
			 const struct kx_result *r, size_t n,
			 unsigned int threads)
{
	uint64_t *sizes = calloc(n, sizeof(*sizes));
	enum kx_winner *win = calloc(n, sizeof(*win));
	double *ratio = calloc(n, sizeof(*ratio));
	size_t m = 0;
	struct kx_cross cross;
	char s[32], a[32], b[32];

	if (!sizes || !win || !ratio)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct kx_result *c = &r[i], *z, *e = NULL;
		double zp50, zmad;

		if (strcmp(c->method, p->copy) || c->threads != threads)
			continue;
		z = find(r, n, p->mmap, c->size, threads);
		if (p->extra)
			e = find(r, n, p->extra, c->size, threads);
		if (!z || (p->extra && !e))
			continue;
		zp50 = z->st.p50 + (e ? e->st.p50 : 0);
		zmad = z->st.mad + (e ? e->st.mad : 0);
		if (!m)
			fprintf(f, "\n%s (median per transfer, %u thread%s)\n"
				"  %8s %12s %12s  %s\n", p->title, threads,
				threads > 1 ? "s" : "", "size", "copy",
				"mmap", "verdict");
		sizes[m] = c->size;
		win[m] = kx_winner(c->st.p50, c->st.mad, zp50, zmad);
		ratio[m] = c->st.p50 > 0 ? zp50 / c->st.p50 : 1;
		kx_format_size(c->size, s, sizeof(s));
		kx_format_ns(c->st.p50, a, sizeof(a));
		kx_format_ns(zp50, b, sizeof(b));
		fprintf(f, "  %8s %12s %12s  ", s, a, b);
		if (win[m] == KX_WIN_TIE)
			fprintf(f, "tie (within noise)\n");
		else if (win[m] == KX_WIN_MMAP)
			fprintf(f, "mmap %.2fx faster\n", c->st.p50 / zp50);
		else
			fprintf(f, "copy %.2fx faster\n", zp50 / c->st.p50);
		m++;
	}
	if (!m)
		goto out;
	kx_crossover(sizes, win, ratio, m, &cross);
	kx_format_size(sizes[m - 1], b, sizeof(b));
	switch (cross.kind) {
	case KX_CROSS_MMAP_ALWAYS:
		kx_format_size(sizes[0], a, sizeof(a));
		fprintf(f, "  => mmap is faster at every measured size (%s..%s)\n",
			a, b);
		break;
	case KX_CROSS_COPY_ALWAYS:
		fprintf(f, "  => mmap never wins up to %s: copy is faster or equal\n",
			b);
		break;
	case KX_CROSS_NOT_AT_TOP:
		fprintf(f, "  => no clear crossover: mmap wins at some sizes but not at %s\n",
			b);
		break;
	case KX_CROSS_ONLY_TOP:
		fprintf(f, "  => no clear crossover: mmap wins only at the largest size, %s; measure larger sizes (--buf-size) to confirm\n",
			b);
		break;
	case KX_CROSS_AT:
		kx_format_size(sizes[cross.index], a, sizeof(a));
		kx_format_size(sizes[cross.index - 1], s, sizeof(s));
		fprintf(f, "  => crossover between %s and %s", s, a);
		if (cross.estimate > 0)
			fprintf(f, " (equal at about %.0f bytes)",
				cross.estimate);
		fprintf(f, ": mmap is faster at every size from %s to %s, copy faster or a tie below\n",
			a, b);
		break;
	}
out:
	free(sizes);
	free(win);
	free(ratio);
}

void kx_write_comparisons(FILE *f, const struct kx_result *r, size_t n)
{
	unsigned int done[64];
	size_t nd = 0;

	/* One block per pair and per thread count present. */
	for (size_t i = 0; i < n && nd < 64; i++) {
		size_t j;

		for (j = 0; j < nd; j++)
			if (done[j] == r[i].threads)
				break;
		if (j < nd)
			continue;
		done[nd++] = r[i].threads;
		for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++)
			compare_pair(f, &pairs[p], r, n, r[i].threads);
	}
}

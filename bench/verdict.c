// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "verdict.h"

static const struct {
	const char *copy, *mmap;
} pairs[] = {
	{ "read", "mmap-read" },
	{ "write", "mmap-write" },
	{ "copy-roundtrip", "mmap-roundtrip" },
	{ "memfd-write", "memfd-mmap-write" },
	{ "memfd-read", "memfd-mmap-read" },
};

const char *kx_pair_partner(const char *name)
{
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (!strcmp(name, pairs[i].copy))
			return pairs[i].mmap;
		if (!strcmp(name, pairs[i].mmap))
			return pairs[i].copy;
	}
	return NULL;
}

int kx_pair_is_mmap(const char *name)
{
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (!strcmp(name, pairs[i].mmap))
			return 1;
	return 0;
}

const char *kx_verdict_of(double lo, double hi)
{
	if (lo > 1)
		return "mmap";
	if (hi < 1)
		return "copy";
	return "tie";
}

size_t kx_cross_index(const double *ratio, size_t n)
{
	size_t k = n;

	while (k && ratio[k - 1] > 1)
		k--;
	/* k == n: slower at the top; k == 0: faster everywhere. */
	return k == 0 ? n : k;
}

static int same_slice(const struct kx_result *a, const struct kx_result *b)
{
	return !strcmp(a->backing, b->backing) &&
	       !strcmp(a->consume, b->consume) &&
	       !strcmp(a->cache, b->cache) && a->threads == b->threads;
}

/* The copy row for mmap row x, or NULL. */
static const struct kx_result *copy_row(const struct kx_result *r, size_t n,
					const struct kx_result *x)
{
	const char *partner = kx_pair_partner(x->method);

	if (!partner)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].method, partner) && r[i].size == x->size &&
		    same_slice(&r[i], x) && r[i].repeats == x->repeats)
			return &r[i];
	return NULL;
}

static int cmp_size(const void *a, const void *b)
{
	const struct kx_result *x = *(const struct kx_result *const *)a;
	const struct kx_result *y = *(const struct kx_result *const *)b;

	return (x->size > y->size) - (x->size < y->size);
}

/* The crossover of the mmap rows rows[0..m), sorted by size. */
static int crossover(const struct kx_result *all, size_t n,
		     struct kx_result **rows, size_t m,
		     struct kx_crossover *c)
{
	unsigned int reps = rows[0]->repeats;
	double *ratio = malloc(m * sizeof(*ratio));
	size_t k;

	if (!ratio)
		return -1;
	qsort(rows, m, sizeof(*rows), cmp_size);
	memset(c, 0, sizeof(*c));
	c->copy = rows[0]->pair;
	c->mmap = rows[0]->method;
	c->direction = rows[0]->direction;
	c->consume = rows[0]->consume;
	c->backing = rows[0]->backing;
	c->page_map = rows[0]->page_map;
	c->cache = rows[0]->cache;
	c->reps = reps;
	for (size_t i = 0; i < m; i++)
		ratio[i] = rows[i]->ratio;
	k = kx_cross_index(ratio, m);
	c->found = k < m;
	if (c->found) {
		c->low = rows[k - 1]->size;
		c->high = rows[k]->size;
	}
	for (unsigned int rep = 0; c->found && rep < reps; rep++) {
		for (size_t i = 0; i < m; i++) {
			const struct kx_result *y = copy_row(all, n, rows[i]);

			ratio[i] = y->rep_p50[rep] / rows[i]->rep_p50[rep];
		}
		c->agree += kx_cross_index(ratio, m) == k;
	}
	free(ratio);
	return 0;
}

int kx_verdicts(struct kx_result *r, size_t n, struct kx_crossover **cross,
		size_t *ncross)
{
	struct kx_result **rows = calloc(n + 1, sizeof(*rows));
	char *seen = calloc(n + 1, 1);
	int ret = -1;

	*cross = calloc(n + 1, sizeof(**cross));
	*ncross = 0;
	if (!rows || !seen || !*cross)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct kx_result *x = &r[i];
		const struct kx_result *y;

		if (!kx_pair_is_mmap(x->method))
			continue;
		y = copy_row(r, n, x);
		if (!y)
			continue;
		x->pair = y->method;
		x->ratio = y->st.p50 / x->st.p50;
		if (kx_boot_ratio_ci(y->rep_p50, x->rep_p50, x->repeats,
				     &x->ratio_low, &x->ratio_high))
			goto out;
		x->verdict = kx_verdict_of(x->ratio_low, x->ratio_high);
	}
	for (size_t i = 0; i < n; i++) {
		size_t m = 0;

		if (!r[i].pair || seen[i])
			continue;
		for (size_t j = i; j < n; j++)
			if (r[j].pair && !seen[j] &&
			    !strcmp(r[j].method, r[i].method) &&
			    !strcmp(r[j].page_map, r[i].page_map) &&
			    same_slice(&r[j], &r[i])) {
				seen[j] = 1;
				rows[m++] = &r[j];
			}
		if (crossover(r, n, rows, m, &(*cross)[(*ncross)++]))
			goto out;
	}
	ret = 0;
out:
	free(rows);
	free(seen);
	return ret;
}

void kx_crossover_line(const struct kx_crossover *c, char *buf, size_t len)
{
	size_t w;

	w = (size_t)snprintf(buf, len,
			     "pair=%s/%s direction=%s consume=%s backing=%s",
			     c->copy, c->mmap, c->direction, c->consume,
			     c->backing);
	if (w >= len)
		return;
	if (c->found)
		w += (size_t)snprintf(buf + w, len - w,
				      " low=%llu high=%llu agree=%u/%u",
				      (unsigned long long)c->low,
				      (unsigned long long)c->high, c->agree,
				      c->reps);
	else
		w += (size_t)snprintf(buf + w, len - w,
				      " low= high= agree=none");
	if (w < len && !strcmp(c->page_map, "base"))
		w += (size_t)snprintf(buf + w, len - w, " page_map=base");
	if (w < len && !strcmp(c->cache, "cold"))
		snprintf(buf + w, len - w, " cache=cold");
}

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "stats.h"
#include "verdict.h"

uint64_t kx_plan_huge_size(uint32_t backing, uint64_t pmd_size)
{
	return backing == KXFER_BACKING_SHMEM ? pmd_size : 0;
}

static void note_skip(struct kx_plan *plan, const struct kx_method *m,
		      uint32_t backing, uint32_t page_map, const char *why)
{
	char item[512];
	size_t used = strlen(plan->skipped);

	snprintf(item, sizeof(item), "%s%s%s%s%s (%s)", m->name,
		 backing != KX_NO_BACKING ? " with " : "",
		 backing != KX_NO_BACKING ? kx_backing_name(backing) : "",
		 (m->flags & KXM_MMAP) ? " page map " : "",
		 (m->flags & KXM_MMAP) ? kx_pagemap_name(page_map) : "", why);
	if (strstr(plan->skipped, item))
		return;
	snprintf(plan->skipped + used, sizeof(plan->skipped) - used, "%s%s",
		 used ? "; " : "", item);
}

/* The group of method i: itself, and its pair partner if selected. */
static size_t group_of(const struct kx_plan_in *in, size_t i, size_t *out)
{
	const char *partner = kx_pair_partner(in->methods[i]->name);
	size_t n = 0;

	out[n++] = i;
	for (size_t j = 0; partner && j < in->nmethods; j++)
		if (!strcmp(in->methods[j]->name, partner))
			out[n++] = j;
	return n;
}

/* Adds one (backing, repetition, size) slice; results indexed per slice. */
static int add_slice(const struct kx_plan_in *in, struct kx_plan *plan,
		     size_t cap, uint32_t backing, unsigned int rep,
		     size_t size_i, size_t *result_base, uint64_t *rng)
{
	struct kx_cfg cfg = *in->cfg;
	size_t done_mask_n = in->nmethods;
	char *done = calloc(done_mask_n ? done_mask_n : 1, 1);
	size_t result = *result_base;

	if (!done)
		return -1;
	cfg.backing = backing == KX_NO_BACKING ? 0 : backing;
	cfg.info.backing = cfg.backing;
	cfg.info.huge_size = kx_plan_huge_size(backing, in->pmd_size);
	for (size_t i = 0; i < in->nmethods; i++) {
		struct kx_point grp[2 * KX_NR_PAGEMAPS];
		size_t idx[2], ng, k = 0;

		if (done[i])
			continue;
		ng = group_of(in, i, idx);
		for (size_t g = 0; g < ng; g++) {
			const struct kx_method *m = in->methods[idx[g]];
			int dev = !!(m->flags & KXM_DEVICE);
			unsigned int npm = m->flags & KXM_MMAP ?
					   in->npagemaps : 1;

			done[idx[g]] = 1;
			/* Device methods per backing, the rest once. */
			if (dev != (backing != KX_NO_BACKING))
				continue;
			for (unsigned int p = 0; p < npm; p++) {
				const char *why;

				cfg.page_map = m->flags & KXM_MMAP ?
					       in->pagemaps[p] :
					       KX_PAGEMAP_HUGE;
				why = kx_method_supported(m, &cfg);
				if (why) {
					note_skip(plan, m, backing,
						  cfg.page_map, why);
					continue;
				}
				grp[k].m = m;
				grp[k].backing = backing;
				grp[k].page_map = cfg.page_map;
				grp[k].size = in->sizes[size_i];
				grp[k].rep = rep;
				/* Same result index in every repetition. */
				grp[k].result = result++;
				k++;
			}
		}
		/* Fisher-Yates: the pair's order in this repetition. */
		for (size_t j = k; j > 1; j--) {
			size_t r = (size_t)(kx_rand_next(rng) % j);
			struct kx_point t = grp[j - 1];

			grp[j - 1] = grp[r];
			grp[r] = t;
		}
		for (size_t j = 0; j < k; j++) {
			if (plan->n == cap) {
				free(done);
				return -1;
			}
			plan->pts[plan->n++] = grp[j];
		}
	}
	free(done);
	*result_base = result;
	return 0;
}

int kx_plan_build(const struct kx_plan_in *in, struct kx_plan *plan)
{
	unsigned int nb = in->nbackings;
	uint64_t rng = in->seed;
	size_t cap, base = 0;

	memset(plan, 0, sizeof(*plan));
	plan->repeats = in->repeats;
	/* Every method x page map x size x repetition, per backing + once. */
	cap = in->nmethods * KX_NR_PAGEMAPS * in->nsizes * in->repeats *
	      (nb + 1) + 1;
	plan->pts = calloc(cap, sizeof(*plan->pts));
	if (!plan->pts)
		return -1;
	/* The device-free points first, then each backing's. */
	for (unsigned int b = 0; b <= nb; b++) {
		uint32_t backing = b == 0 ? KX_NO_BACKING :
				   in->backings[b - 1];
		size_t slice_base = base;

		for (unsigned int r = 0; r < in->repeats; r++) {
			for (size_t s = 0, res = slice_base; s < in->nsizes;
			     s++) {
				if (add_slice(in, plan, cap, backing, r, s,
					      &res, &rng)) {
					kx_plan_free(plan);
					return -1;
				}
				if (r == 0)
					base = res;
			}
		}
	}
	plan->nresults = base;
	return 0;
}

void kx_plan_free(struct kx_plan *plan)
{
	free(plan->pts);
	plan->pts = NULL;
	plan->n = 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Boundary-biased value pickers for the fuzz tests; see fuzz_pick.h.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "fuzz_pick.h"

uint64_t pick_u64(struct hx_rng *r, uint64_t size, uint64_t page)
{
	const uint64_t edges[] = {
		0, 1, 2, 7, 8, page - 1, page, page + 1,
		size - 1, size, size + 1, size + page, 2 * size,
		(1ULL << 30), (1ULL << 30) + 1,
		(1ULL << 31) - 1, 1ULL << 31, (1ULL << 32) - 1, 1ULL << 32,
		(1ULL << 63) - 1, 1ULL << 63, (1ULL << 63) + 1,
		UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - page + 1,
		UINT64_MAX - size + 1, UINT64_MAX - size,
	};
	uint64_t v;

	switch (hx_below(r, 4)) {
	case 0:
		return hx_next(r);
	case 1:
		return hx_below(r, size + 2 * page);
	default:
		v = edges[hx_below(r, sizeof(edges) / sizeof(edges[0]))];
		/* Sometimes a neighbour of the edge. */
		if (hx_chance(r, 20))
			v += hx_chance(r, 50) ? 1 : -1;
		return v;
	}
}

uint64_t pick_offset(struct hx_rng *r, uint64_t size, uint64_t page)
{
	if (hx_chance(r, 60))
		return hx_below(r, size + 1);
	return pick_u64(r, size, page);
}

uint64_t pick_length(struct hx_rng *r, uint64_t off, uint64_t size,
		     uint64_t page)
{
	uint64_t room = off <= size ? size - off : 0;

	switch (hx_below(r, 10)) {
	case 0: case 1: case 2: case 3: case 4:
		return hx_below(r, room + 1);
	case 5:
		return room + 1;
	case 6:
		return 0;
	case 7:
		/* offset + length wraps around to a small number */
		return UINT64_MAX - off + 1 + hx_below(r, 3);
	default:
		return pick_u64(r, size, page);
	}
}

uint32_t pick_reserved(struct hx_rng *r)
{
	switch (hx_below(r, 20)) {
	case 0:
		return 1U << hx_below(r, 32);
	case 1:
		return UINT32_MAX;
	case 2:
		return (uint32_t)hx_next(r);
	default:
		return 0;
	}
}

enum hx_ptr_kind pick_ptr_kind(struct hx_rng *r)
{
	unsigned int v = hx_below(r, 100);

	if (v < 55)
		return HX_PTR_GOOD;
	if (v < 70)
		return HX_PTR_MISALIGNED;
	/* The rest spread over the bad kinds and the read-only ones. */
	return (enum hx_ptr_kind)(HX_PTR_RO +
				  hx_below(r, HX_NR_PTR_KINDS - HX_PTR_RO));
}

void pick_bytes(struct hx_rng *r, void *dst, size_t len)
{
	unsigned char *d = dst;

	while (len) {
		uint64_t v = hx_next(r);
		size_t n = len < 8 ? len : 8;

		memcpy(d, &v, n);
		d += n;
		len -= n;
	}
}

void arena_put(struct hx_arena *a, const struct hx_ptr *p, const void *src,
	       size_t len)
{
	char *dst = p->p;
	int ro = dst >= a->ro && dst < a->ro + a->ro_len;
	size_t room = ro ? p->readable : p->writable;

	if (p->kernel || !room)
		return;
	if (len > room)
		len = room;
	if (ro)
		ASSERT_OK(mprotect(a->ro, a->ro_len, PROT_READ | PROT_WRITE));
	memcpy(dst, src, len);
	if (ro)
		ASSERT_OK(mprotect(a->ro, a->ro_len, PROT_READ));
}

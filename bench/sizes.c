// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sizes.h"

#define SIZE_HINT "expected a positive integer with an optional K, M or G " \
		  "suffix (1024-based), e.g. 4K, 1M, or a range like 64:16M"

static int suffix_shift(const char *s, unsigned int *shift)
{
	switch (*s) {
	case '\0':
		*shift = 0;
		return 0;
	case 'k': case 'K':
		*shift = 10;
		break;
	case 'm': case 'M':
		*shift = 20;
		break;
	case 'g': case 'G':
		*shift = 30;
		break;
	case 'b': case 'B':
		*shift = 0;
		return s[1] ? -1 : 0;
	default:
		return -1;
	}
	s++;
	/* Accept the spellings people type: 4K, 4KB, 4KiB. */
	if (!*s || !strcmp(s, "B") || !strcmp(s, "b") ||
	    !strcmp(s, "iB") || !strcmp(s, "ib"))
		return 0;
	return -1;
}

int kx_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	unsigned long long v;
	unsigned int shift;
	char *end;

	if (!s || !*s) {
		snprintf(err, errlen, "empty size: " SIZE_HINT);
		return -1;
	}
	if (!isdigit((unsigned char)*s)) {
		snprintf(err, errlen, "bad size '%s': " SIZE_HINT, s);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE) {
		snprintf(err, errlen, "size '%s' is too large (limit 1T)", s);
		return -1;
	}
	if (*end == '.') {
		snprintf(err, errlen,
			 "bad size '%s': fractions are not supported, write e.g. 1536K instead of 1.5M",
			 s);
		return -1;
	}
	if (suffix_shift(end, &shift)) {
		snprintf(err, errlen, "bad size '%s': " SIZE_HINT, s);
		return -1;
	}
	if (!v) {
		snprintf(err, errlen, "bad size '%s': must be at least 1 byte",
			 s);
		return -1;
	}
	if (v > (KX_SIZE_LIMIT >> shift)) {
		snprintf(err, errlen, "size '%s' is too large (limit 1T)", s);
		return -1;
	}
	*out = (uint64_t)v << shift;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

struct u64_vec {
	uint64_t *v;
	size_t n, cap;
};

static int vec_push(struct u64_vec *vec, uint64_t x)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 16;
		uint64_t *v = realloc(vec->v, cap * sizeof(*v));

		if (!v)
			return -1;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = x;
	return 0;
}

static int parse_item(char *item, struct u64_vec *vec, char *err,
		      size_t errlen)
{
	char *colon = strchr(item, ':');
	uint64_t lo, hi, p;
	size_t before = vec->n;

	if (!colon) {
		if (kx_parse_size(item, &lo, err, errlen))
			return -1;
		return vec_push(vec, lo) ? (snprintf(err, errlen,
					     "out of memory"), -1) : 0;
	}

	*colon = '\0';
	if (strchr(colon + 1, ':')) {
		snprintf(err, errlen,
			 "bad range '%s:%s': use FROM:TO, e.g. 64:16M",
			 item, colon + 1);
		return -1;
	}
	if (kx_parse_size(item, &lo, err, errlen) ||
	    kx_parse_size(colon + 1, &hi, err, errlen))
		return -1;
	if (lo > hi) {
		snprintf(err, errlen,
			 "bad range '%s:%s': FROM is larger than TO",
			 item, colon + 1);
		return -1;
	}
	for (p = 1; p <= hi; p <<= 1) {
		if (p >= lo && vec_push(vec, p)) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	if (vec->n == before) {
		snprintf(err, errlen,
			 "range '%s:%s' holds no power of two", item,
			 colon + 1);
		return -1;
	}
	return 0;
}

int kx_parse_sizes(const char *list, uint64_t **out, size_t *n,
		   char *err, size_t errlen)
{
	struct u64_vec vec = { 0 };
	char *copy, *item, *next;
	size_t w = 0;

	if (!list || !*list) {
		snprintf(err, errlen, "empty size list: " SIZE_HINT);
		return -1;
	}
	copy = strdup(list);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (item = copy; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (!*item) {
			snprintf(err, errlen,
				 "empty item in size list '%s'", list);
			goto fail;
		}
		if (parse_item(item, &vec, err, errlen))
			goto fail;
	}
	free(copy);

	qsort(vec.v, vec.n, sizeof(*vec.v), cmp_u64);
	for (size_t i = 0; i < vec.n; i++)
		if (!w || vec.v[w - 1] != vec.v[i])
			vec.v[w++] = vec.v[i];
	*out = vec.v;
	*n = w;
	return 0;
fail:
	free(copy);
	free(vec.v);
	return -1;
}

int kx_size_sweep(uint64_t lo, uint64_t hi, uint64_t **out, size_t *n)
{
	struct u64_vec vec = { 0 };

	for (uint64_t p = lo; p && p <= hi; p <<= 1)
		if (vec_push(&vec, p)) {
			free(vec.v);
			return -1;
		}
	*out = vec.v;
	*n = vec.n;
	return 0;
}

void kx_format_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMG";
	int u = -1;

	while (u < 2 && v && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
}

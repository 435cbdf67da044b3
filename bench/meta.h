/* SPDX-License-Identifier: GPL-2.0 */
/* Run metadata: ordered "key: value" pairs written before the results. */
#ifndef KX_META_H
#define KX_META_H

#include <stdbool.h>
#include <stddef.h>

#define KX_META_MAX 64

struct kx_meta_item {
	char *key;
	char *value;
	bool numeric;		/* JSON writes it as a number */
};

struct kx_meta {
	struct kx_meta_item items[KX_META_MAX];
	size_t n;
};

/* Adds or replaces key (printf-style value). */
void kx_meta_set(struct kx_meta *m, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, marked numeric: the value must be a plain JSON number. */
void kx_meta_num(struct kx_meta *m, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *kx_meta_get(const struct kx_meta *m, const char *key);
void kx_meta_free(struct kx_meta *m);

#endif

// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta.h"

static void vset(struct kx_meta *m, const char *key, bool numeric,
		 const char *fmt, va_list ap)
{
	char *value;
	size_t i;

	if (vasprintf(&value, fmt, ap) < 0)
		return;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->items[i].key, key))
			break;
	if (i == m->n) {
		if (m->n == KX_META_MAX) {
			free(value);
			return;
		}
		m->items[i].key = strdup(key);
		m->n++;
	} else {
		free(m->items[i].value);
	}
	m->items[i].value = value;
	m->items[i].numeric = numeric;
}

void kx_meta_set(struct kx_meta *m, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(m, key, false, fmt, ap);
	va_end(ap);
}

void kx_meta_num(struct kx_meta *m, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(m, key, true, fmt, ap);
	va_end(ap);
}

const char *kx_meta_get(const struct kx_meta *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->items[i].key, key))
			return m->items[i].value;
	return NULL;
}

void kx_meta_free(struct kx_meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->items[i].key);
		free(m->items[i].value);
	}
	m->n = 0;
}

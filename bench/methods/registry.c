// SPDX-License-Identifier: GPL-2.0
/* The one table of methods, generated from list.h. */
#include <string.h>

#include "method.h"

#define KX_METHOD(id) extern const struct kx_method kx_method_##id;
#include "list.h"
#undef KX_METHOD

const struct kx_method *const kx_methods[] = {
#define KX_METHOD(id) &kx_method_##id,
#include "list.h"
#undef KX_METHOD
};

const size_t kx_nr_methods = ARRAY_SIZE(kx_methods);

const struct kx_method *kx_method_find(const char *name)
{
	for (size_t i = 0; i < kx_nr_methods; i++)
		if (!strcmp(kx_methods[i]->name, name))
			return kx_methods[i];
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0
/* The method table is complete and self-consistent. */
#include <string.h>

#include "method.h"
#include "tap.h"

static const char *const required[] = {
	"read", "write", "readv", "writev", "mmap-write", "mmap-read",
	"copy-roundtrip", "mmap-roundtrip", "mmap-setup", "mmap-fault",
	"memcpy", "memfd-read", "memfd-write", "pipe", "null-ioctl",
};

void test_methods(void)
{
	int names_ok = 1, unique = 1, hooks = 1, paths = 1, summaries = 1;

	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		tap_ok(kx_method_find(required[i]) != NULL,
		       "method table has %s", required[i]);
	tap_ok(kx_method_find("bogus") == NULL, "unknown method not found");

	for (size_t i = 0; i < kx_nr_methods; i++) {
		const struct kx_method *m = kx_methods[i];
		const char *p;

		for (p = m->name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			      (*p >= '0' && *p <= '9') || *p == '-'))
				names_ok = 0;
		if (!strcmp(m->name, "all"))
			names_ok = 0;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(kx_methods[j]->name, m->name))
				unique = 0;
		if (!m->setup || !m->run || !m->verify)
			hooks = 0;
		if (!!m->prepare != !!m->finish)
			hooks = 0;
		/* copy and mmap rows are the driver's; baselines are not. */
		if ((m->path == KX_PATH_BASELINE) == !!(m->flags & KXM_DEVICE))
			paths = 0;
		if ((m->flags & KXM_MMAP) && m->path != KX_PATH_MMAP)
			paths = 0;
		if (!m->summary || !*m->summary)
			summaries = 0;
	}
	tap_ok(names_ok, "method names are lower-case words with '-'");
	tap_ok(unique, "method names are unique");
	tap_ok(hooks, "every method has setup/run/verify, prepare iff finish");
	tap_ok(paths, "copy/mmap methods need the device, baselines do not");
	tap_ok(summaries, "every method has a summary");

	tap_ok(!strcmp(kx_path_name(KX_PATH_COPY), "copy") &&
	       !strcmp(kx_path_name(KX_PATH_MMAP), "mmap") &&
	       !strcmp(kx_path_name(KX_PATH_BASELINE), "baseline"),
	       "path names are the contract's");
	tap_ok(!strcmp(kx_dir_name(KX_DIR_TO_KERNEL), "to_kernel") &&
	       !strcmp(kx_dir_name(KX_DIR_FROM_KERNEL), "from_kernel") &&
	       !strcmp(kx_dir_name(KX_DIR_ROUNDTRIP), "roundtrip") &&
	       !strcmp(kx_dir_name(KX_DIR_SETUP), "setup") &&
	       !strcmp(kx_dir_name(KX_DIR_NONE), "none"),
	       "direction names are the contract's");
}

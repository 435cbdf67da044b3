// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "kx_smaps.h"

void kx_smaps_sum(FILE *smaps, uintptr_t start, size_t len,
		  const char *field, struct kx_smaps_sum *out)
{
	uintptr_t end = start + len;
	size_t flen = strlen(field);
	int in = 0, seen = 0;
	char line[1024];

	memset(out, 0, sizeof(*out));
	while (fgets(line, sizeof(line), smaps)) {
		unsigned long lo, hi;
		unsigned long long kb;

		/*
		 * A VMA's block starts "lo-hi perms offset ...": the '-'
		 * comes before the first space.  No field name has one.
		 */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, ' ') > strchr(line, '-')) {
			out->missing += in && !seen;
			in = lo < end && hi > start;
			out->vmas += in;
			seen = 0;
			continue;
		}
		if (in && !strncmp(line, field, flen) && line[flen] == ':' &&
		    sscanf(line + flen + 1, "%llu kB", &kb) == 1) {
			out->kb += kb;
			seen = 1;
		}
	}
	out->missing += in && !seen;
}

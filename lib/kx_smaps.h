/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One reader of /proc/PID/smaps for the benchmark (pmd_bytes) and the
 * tests: how the kernel mapped a range, e.g. how much of it with huge
 * page (PMD) entries ("FilePmdMapped").
 */
#ifndef KX_SMAPS_H
#define KX_SMAPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kx_smaps_sum {
	unsigned long long kb;	/* the field, summed over those VMAs */
	int vmas;		/* VMAs overlapping the range */
	int missing;		/* of them, how many lack the field */
};

/*
 * Reads smaps text to the end and sums the "FIELD: N kB" lines of the
 * VMAs that overlap [start, start + len).  A caller must look at vmas and
 * missing: a range nothing maps, or a kernel without the field, would
 * otherwise read as 0 kB.
 */
void kx_smaps_sum(FILE *smaps, uintptr_t start, size_t len,
		  const char *field, struct kx_smaps_sum *out);

#endif

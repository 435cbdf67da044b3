/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmd_bytes, the honesty check of --page-map: how much of a mapping, made
 * exactly as the mmap methods make theirs, the kernel really mapped with
 * PMD (huge page) entries, from FilePmdMapped + ShmemPmdMapped in
 * /proc/self/smaps.
 */
#ifndef KX_PMDPROBE_H
#define KX_PMDPROBE_H

#include <stdint.h>
#include <stdio.h>

#include "method.h"

#define KX_PMD_NA	(-1LL)	/* not an mmap row */
#define KX_PMD_UNKNOWN	(-2LL)	/* smaps unreadable or without the field */

/*
 * FilePmdMapped + ShmemPmdMapped of the VMA that holds addr, in kB, from
 * smaps text (the format of /proc/PID/smaps); -1 when there is no such
 * VMA or no FilePmdMapped field.
 */
long long kx_smaps_pmd_kb(FILE *smaps, uintptr_t addr);

/*
 * Maps thread 0's range of size bytes the way cfg says (cache mode, page
 * map), reads every page, looks the VMA up in /proc/self/smaps and unmaps
 * it.  *bytes: PMD-mapped bytes, or KX_PMD_UNKNOWN.  Returns 0, or -1 with
 * what failed in err.
 */
int kx_probe_pmd(const struct kx_cfg *cfg, size_t size, long long *bytes,
		 char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Facts that change what a memory benchmark measures: the last-level
 * cache (for --cache cold), transparent huge pages and CPU mitigations
 * (which make every syscall dearer, so shift copy-vs-mmap ratios).
 */
#ifndef KX_MACHINE_H
#define KX_MACHINE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Bytes of the largest cache level of cpu 0 (sysfs cacheinfo), 0 when
 * the kernel does not say.  cpu_dir: "/sys/devices/system/cpu/cpu0".
 */
uint64_t kx_llc_bytes(const char *cpu_dir);
/* THP mode: the bracketed word of .../transparent_hugepage/enabled. */
void kx_thp_mode(char *buf, size_t len);
/* "N of M vulnerabilities mitigated (names of the mitigated ones)". */
void kx_mitigations(char *buf, size_t len);
/* MemAvailable in bytes, 0 if unknown. */
uint64_t kx_mem_available(void);

#endif

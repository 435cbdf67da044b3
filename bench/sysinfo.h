/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Facts about the machine that make a result interpretable: kernel, board,
 * CPU cores, emulation, frequency policy, module parameters.
 */
#ifndef KX_SYSINFO_H
#define KX_SYSINFO_H

#include <stddef.h>
#include <stdint.h>

#include "meta.h"

/* First line of a file (or up to a NUL, for device-tree strings). */
int kx_read_line(const char *path, char *buf, size_t len);

/* "Cortex-A55" for ARM Ltd (0x41) part 0xd05; NULL when unknown. */
const char *kx_arm_part_name(unsigned int implementer, unsigned int part);

/* Model of every CPU from /proc/cpuinfo text: out[cpu], up to max CPUs. */
int kx_parse_cpuinfo(const char *text, char (*out)[96], int max);

/*
 * "yes (how)" or "no (how)".  override: -1 detect, 0 no, 1 yes.  Inputs
 * are file contents (NULL when absent), so tests can feed fakes.
 */
struct kx_emu_evidence {
	const char *cpuinfo;		/* /proc/cpuinfo */
	const char *dmi_vendor;		/* /sys/class/dmi/id/sys_vendor */
	const char *dmi_product;	/* /sys/class/dmi/id/product_name */
	const char *dt_compatible;	/* NUL-separated list */
	size_t dt_compatible_len;
};
void kx_detect_emulation(const struct kx_emu_evidence *ev, int override,
			 char *buf, size_t len);

/*
 * Fills the machine part of the metadata (kernel, machine, cpu, arch,
 * page_size, hpage_pmd_size, emulated, governor, boost, module_params)
 * and prints warnings about unstable frequency on stderr.  cpus: pinned
 * CPUs, or NULL when not pinned.
 */
void kx_sysinfo_collect(struct kx_meta *m, const int *cpus,
			unsigned int ncpus, int emulated_override);

#define KX_HPAGE_PMD_SIZE_PATH \
	"/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"
/* Bytes one PMD entry maps (transparent huge pages); 0 without THP. */
uint64_t kx_hpage_pmd_size(void);

/* Model of one CPU, "unknown" if not found. */
const char *kx_cpu_model(int cpu);
/* Several core types (big.LITTLE)? */
int kx_cpus_heterogeneous(void);

#endif

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "kx_smaps.h"
#include "pmdprobe.h"

long long kx_smaps_pmd_kb(FILE *smaps, uintptr_t addr)
{
	struct kx_smaps_sum file, shmem;

	/*
	 * fs/proc/task_mmu.c counts a PMD-mapped THP of a swap-backed file
	 * (the shmem backing's) as ShmemPmdMapped, of any other file as
	 * FilePmdMapped: the VMA's PMD-mapped bytes are the sum.
	 */
	kx_smaps_sum(smaps, addr, 1, "FilePmdMapped", &file);
	rewind(smaps);
	kx_smaps_sum(smaps, addr, 1, "ShmemPmdMapped", &shmem);
	if (!file.vmas || file.missing)
		return -1;
	return (long long)(file.kb + (shmem.missing ? 0 : shmem.kb));
}

static long long smaps_pmd_bytes(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	long long kb;

	if (!f)
		return KX_PMD_UNKNOWN;
	kb = kx_smaps_pmd_kb(f, (uintptr_t)p);
	fclose(f);
	return kb < 0 ? KX_PMD_UNKNOWN : kb * 1024;
}

int kx_probe_pmd(const struct kx_cfg *cfg, size_t size, long long *bytes,
		 char *err, size_t errlen)
{
	struct kx_ctx c = { .cfg = cfg, .size = size, .fd = -1, .vfd = -1 };
	volatile const unsigned char *v;
	unsigned int sink = 0;
	struct kx_map m;
	int ret;

	c.fd = open(cfg->device, O_RDWR | O_CLOEXEC);
	if (c.fd < 0) {
		snprintf(err, errlen, "%s: %s", cfg->device, strerror(errno));
		return -1;
	}
	ret = kx_dev_set_mode(c.fd, KXFER_WORK_NONE, 0);
	if (ret) {
		snprintf(err, errlen, "KXFER_IOC_SET_MODE: %s",
			 strerror(-ret));
		close(c.fd);
		return -1;
	}
	if (kx_map_range(&c, c.fd, &m)) {
		snprintf(err, errlen, "probing the page mapping: %s", c.err);
		close(c.fd);
		return -1;
	}
	/* Loads only: byte loads at page starts suit every cache mode. */
	v = m.p;
	for (size_t i = 0; i < kx_map_len(&c); i += cfg->page_size)
		sink += v[i];
	kx_sink = sink;
	*bytes = smaps_pmd_bytes(m.p);
	ret = kx_unmap_range(&c, &m);
	if (ret)
		snprintf(err, errlen, "probing the page mapping: %s", c.err);
	close(c.fd);
	return ret;
}

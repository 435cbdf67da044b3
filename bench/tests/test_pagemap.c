// SPDX-License-Identifier: GPL-2.0
/*
 * --page-map: names and parsing, where kx_map_range() puts a base mapping
 * and that kx_unmap_range() gives all of its address space back, the
 * smaps parser behind pmd_bytes, and the n/a rules of the pmd_bytes text.
 * The placement runs on a memfd: the address arithmetic and the
 * reservation are the same for any MAP_SHARED file.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "attrs.h"
#include "method.h"
#include "options.h"
#include "output.h"
#include "pmdprobe.h"
#include "tap.h"

static int parse(struct kx_opts *o, const char *val)
{
	char *argv[] = { "kxfer-bench", "--page-map", (char *)val, NULL };

	return kx_parse_options(val ? 3 : 2, argv, o);
}

static void names_and_options(void)
{
	struct kx_opts o;
	uint32_t v[KX_NR_PAGEMAPS];
	unsigned int n = 9;
	char err[256] = "";

	tap_ok(!strcmp(kx_pagemap_name(KX_PAGEMAP_HUGE), "huge") &&
	       !strcmp(kx_pagemap_name(KX_PAGEMAP_BASE), "base") &&
	       !strcmp(kx_pagemap_name(5), "?"),
	       "page map names: huge, base");
	{
		char *argv[] = { "kxfer-bench", NULL };

		tap_ok(!kx_parse_options(1, argv, &o) && o.npagemaps == 0,
		       "options: --page-map not given (huge only, buffer left alone)");
	}
	tap_ok(!parse(&o, "base,huge,base") && o.npagemaps == 2 &&
	       o.pagemaps[0] == KX_PAGEMAP_BASE &&
	       o.pagemaps[1] == KX_PAGEMAP_HUGE,
	       "options: --page-map list keeps order, drops duplicates");
	tap_ok(!parse(&o, "huge") && o.npagemaps == 1 &&
	       o.pagemaps[0] == KX_PAGEMAP_HUGE,
	       "options: --page-map huge alone");
	tap_ok(parse(&o, "") == -1 && parse(&o, "huge,") == -1 &&
	       parse(&o, "Huge") == -1 && parse(&o, "pmd") == -1 &&
	       parse(&o, NULL) == -1,
	       "options: --page-map empty items, wrong case, unknown names, missing value rejected");
	tap_ok(kx_parse_pagemaps("huge,4k", v, &n, err, sizeof(err)) == -1 &&
	       strstr(err, "'4k'") && strstr(err, "use huge or base"),
	       "page map error names the bad item and the valid ones");
}

/* Mappings in /proc/self/maps: a leak shows as a growing count. */
static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static void placement(void)
{
	const size_t pmd = 2 << 20, buf = 2 * pmd;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct kx_cfg cfg = { .page_size = page };
	struct kx_ctx c = { .cfg = &cfg };
	struct kx_map m;
	int fd = memfd_create("kxfer-pagemap-test", MFD_CLOEXEC);
	int placed = 1, released = 1, before, after;
	static const uint64_t offs[] = { 0, 1 << 12, 1 << 20, 2 << 20 };
	static const size_t sizes[] = { 1, 4096, 1 << 20, 2 << 20, 3 << 20 };

	if (fd < 0 || ftruncate(fd, (off_t)buf)) {
		tap_ok(0, "page map: memfd for the placement tests");
		return;
	}
	cfg.info.huge_size = pmd;
	cfg.page_map = KX_PAGEMAP_BASE;
	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(sizes); j++) {
			unsigned char got = 0;
			uintptr_t a;
			int whole;

			c.dev_off = offs[i];
			c.size = sizes[j];
			if (c.dev_off + kx_map_len(&c) > buf)
				continue;
			if (kx_map_range(&c, fd, &m)) {
				tap_diag("%s", c.err);
				placed = 0;
				continue;
			}
			a = (uintptr_t)m.p;
			/* 0..4M of the file: blocks at 0 and 2M. */
			whole = (c.dev_off == 0 && c.size >= pmd) ||
				(c.dev_off <= pmd &&
				 c.dev_off + c.size >= 2 * pmd);
			if (!whole) {
				/* No whole PMD block: mapped as huge is. */
				if (m.area != (void *)m.p ||
				    m.area_len != kx_map_len(&c))
					placed = 0;
			} else if ((a - c.dev_off) % pmd != page ||
				   (uintptr_t)m.area > a ||
				   a + kx_map_len(&c) >
				   (uintptr_t)m.area + m.area_len) {
				/* Off the PMD grid by exactly one page. */
				placed = 0;
			}
			/* The mapping is the file at dev_off. */
			m.p[0] = (unsigned char)(i * 16 + j + 1);
			if (pread(fd, &got, 1, (off_t)c.dev_off) != 1 ||
			    got != m.p[0])
				placed = 0;
			if (kx_unmap_range(&c, &m) || m.area)
				released = 0;
		}
	}
	tap_ok(placed, "page map base: a mapping holding a whole PMD block sits one page past the PMD grid (address - offset), inside its reservation; smaller ones are plain");
	tap_ok(released, "page map base: kx_unmap_range() releases mapping and reservation");

	/* Many rounds must not leave address space behind. */
	c.dev_off = 0;
	c.size = pmd;
	before = count_maps();
	for (int i = 0; i < 2000 && released; i++) {
		if (kx_map_range(&c, fd, &m) || kx_unmap_range(&c, &m))
			released = 0;
	}
	after = count_maps();
	if (!tap_ok(released && before > 0 && after == before,
		    "page map base: 2000 map/unmap rounds leave no mapping behind"))
		tap_diag("maps before %d, after %d", before, after);

	/* After unmapping, the whole reservation is gone. */
	if (!kx_map_range(&c, fd, &m)) {
		void *area = m.area;
		size_t len = m.area_len;
		unsigned char vec;

		kx_unmap_range(&c, &m);
		tap_ok(mincore(area, page, &vec) == -1 &&
		       mincore((char *)area + len - page, page, &vec) == -1,
		       "page map base: first and last page of the reservation are unmapped");
	} else {
		tap_ok(0, "page map base: map for the reservation check");
	}

	cfg.page_map = KX_PAGEMAP_HUGE;
	c.size = 4096;
	tap_ok(!kx_map_range(&c, fd, &m) && m.area == (void *)m.p &&
	       m.area_len == kx_map_len(&c) && !kx_unmap_range(&c, &m),
	       "page map huge: a plain mmap() where the kernel chooses, released alone");

	cfg.page_map = KX_PAGEMAP_BASE;
	cfg.info.huge_size = 0;
	c.size = pmd;
	tap_ok(kx_map_range(&c, fd, &m) == -1 && strstr(c.err, "huge_size"),
	       "page map base without a huge page: refused, says why");
	close(fd);
}

static long long pmd_kb(const char *text, uintptr_t addr)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	long long kb;

	if (!f)
		return -2;
	kb = kx_smaps_pmd_kb(f, addr);
	fclose(f);
	return kb;
}

static void smaps_parser(void)
{
	static const char text[] =
		"55d0c0000000-55d0c0021000 r--p 00000000 08:01 1234   /usr/bin/x\n"
		"Size:                132 kB\n"
		"AnonHugePages:         0 kB\n"
		"FilePmdMapped:         0 kB\n"
		"VmFlags: rd mr mw me\n"
		"7f0000000000-7f0000200000 rw-s 00000000 00:05 99     /dev/kxfer0\n"
		"Size:               2048 kB\n"
		"ShmemPmdMapped:        0 kB\n"
		"FilePmdMapped:      2048 kB\n"
		"Shared_Hugetlb:        0 kB\n"
		"VmFlags: rd wr sh mr mw me ms\n"
		"7f0000400000-7f0000600000 rw-s 00000000 00:01 7      /kxfer (deleted)\n"
		"Size:               2048 kB\n"
		"ShmemPmdMapped:     2048 kB\n"
		"FilePmdMapped:         0 kB\n"
		"VmFlags: rd wr sh mr mw me ms\n"
		"7f0000201000-7f0000202000 rw-s 00001000 00:05 99     /dev/kxfer0\n"
		"Size:                  4 kB\n"
		"VmFlags: rd wr sh mr mw me ms\n";
	char buf[32];
	int fd = memfd_create("kxfer-smaps-test", MFD_CLOEXEC);
	long long kb = -1;
	void *p;

	tap_ok(pmd_kb(text, 0x7f0000000000) == 2048 &&
	       pmd_kb(text, 0x7f00001fffff) == 2048,
	       "smaps: FilePmdMapped of the VMA holding the address");
	tap_ok(pmd_kb(text, 0x7f0000400000) == 2048,
	       "smaps: ShmemPmdMapped counts too (the shmem backing's THPs)");
	tap_ok(pmd_kb(text, 0x55d0c0000000) == 0,
	       "smaps: another VMA's value is not taken");
	tap_ok(pmd_kb(text, 0x7f0000201000) == -1 &&
	       pmd_kb(text, 0x7f0000200000) == -1,
	       "smaps: a VMA without the field, or no VMA at the address: not found");

	/* The real file of this process: the field exists, a memfd is 0. */
	if (fd >= 0 && !ftruncate(fd, 1 << 20)) {
		p = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			FILE *f = fopen("/proc/self/smaps", "re");

			if (f) {
				kb = kx_smaps_pmd_kb(f, (uintptr_t)p + 4096);
				fclose(f);
			}
			munmap(p, 1 << 20);
		}
		close(fd);
	}
	if (access("/proc/self/smaps", R_OK))
		tap_skip("no /proc/self/smaps on this host",
			 "smaps: real /proc/self/smaps parsed");
	else if (!tap_ok(kb == 0, "smaps: real /proc/self/smaps parsed (memfd mapping: 0 kB PMD-mapped)"))
		tap_diag("got %lld", kb);

	kx_format_pmd(KX_PMD_NA, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "n/a"), "pmd_bytes text: n/a for rows that are not mmap rows");
	kx_format_pmd(KX_PMD_UNKNOWN, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "unknown"), "pmd_bytes text: unknown when smaps could not say");
	kx_format_pmd(0, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "0"), "pmd_bytes text: 0 for a PTE mapping");
	kx_format_pmd(33554432, buf, sizeof(buf));
	tap_ok(!strcmp(buf, "33554432"), "pmd_bytes text: bytes, not kB");
}

void test_pagemap(void)
{
	names_and_options();
	placement();
	smaps_parser();
}

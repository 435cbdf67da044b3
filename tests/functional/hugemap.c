// SPDX-License-Identifier: GPL-2.0
/*
 * Huge (PMD) mappings of the shmem backing (ABI 4).  mmap() of a shmem
 * buffer maps the buffer's shmem file itself, so the core mm maps its
 * transparent huge pages: INFO.huge_size is the PMD size, mmap() of at
 * least that length returns a PMD-aligned address, and a mapping that
 * covers a PMD whole at an aligned address is mapped with one PMD entry
 * (ShmemPmdMapped in smaps: fs/proc/task_mmu.c counts swap-backed file
 * THPs there, not in FilePmdMapped, on 6.1 and 6.12 alike), while any
 * other mapping of the same buffer uses PTEs.  Either way it must stay an
 * ordinary page-backed mapping: contents, SUBMIT/FETCH, get_user_pages()
 * users, splits by munmap(), mprotect() and MADV_DONTNEED, mremap(),
 * fork(), RESIZE (which revokes) and repeated setup and teardown behave
 * as with base pages.  The driver's fault handler is not involved and
 * INFO.nr_mappings does not count these mappings (the header), so the
 * checks read smaps, not the FAULT counter.
 *
 * Every test name starts with huge_, so `kxfer-functional 'huge_*'` runs
 * this file alone.  Where the kernel has no transparent huge pages, each
 * test checks that huge_size stays 0 and skips.  Only 64-bit processes get
 * aligned addresses, so this file is not in the 32-bit compat binary.
 *
 * Runs after backing.c (85), whose last tests reload the module, and
 * before module.c (90); every test leaves the buffer at the run's start
 * size on the vmalloc backing.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 87
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/fs.h>	/* BLKGETSIZE64 */

#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "kx_smaps.h"
#include "kxdev.h"

#define RW (PROT_READ | PROT_WRITE)
#define THP_PMD_SIZE "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"
#define RAMDISK "/dev/ram0"

/* --- buffer and device state --- */

/* The size and backing the run started with, for the tests after this. */
static void restore(int fd)
{
	kx_resize(fd, kx_start_size);
}

/* INFO.huge_size of a fresh buffer of size bytes on backing. */
static uint32_t huge_size_for(int fd, uint64_t size, uint32_t backing)
{
	struct kxfer_info info;

	kx_resize_to(fd, size, backing);
	kx_info(fd, &info);
	return info.huge_size;
}

static uint32_t nr_mappings(int fd)
{
	struct kxfer_info info;

	kx_info(fd, &info);
	return info.nr_mappings;
}

/* --- what the kernel says about the mapping --- */

/* 0 and the number in path, or -errno when it cannot be opened. */
static int read_u64_file(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	unsigned long long x = 0;
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%llu", &x);
	fclose(f);
	if (n != 1)
		FAIL("%s does not hold a decimal number", path);
	*v = x;
	return 0;
}

/* A cumulative event counter from /proc/vmstat. */
static uint64_t vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	unsigned long long v;
	char key[64];

	if (!f)
		FAIL("fopen(/proc/vmstat): %s", kxt_errstr(errno));
	while (fscanf(f, "%63s %llu", key, &v) == 2) {
		if (!strcmp(key, name)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	FAIL("/proc/vmstat has no %s line", name);
	return 0;
}

/*
 * The sum of an smaps field ("FilePmdMapped", "Rss") in kB over this
 * process's VMAs that overlap [p, p + len).  No such VMA, or one without
 * the field, fails the test: a silent 0 would pass the "is 0" checks.
 */
static uint64_t smaps_kb(const void *p, size_t len, const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	struct kx_smaps_sum sum;

	if (!f)
		FAIL("fopen(/proc/self/smaps): %s", kxt_errstr(errno));
	kx_smaps_sum(f, (uintptr_t)p, len, field, &sum);
	fclose(f);
	if (!sum.vmas)
		FAIL("no VMA of /proc/self/smaps overlaps [%p, +%zu)", p, len);
	if (sum.missing)
		FAIL("%d VMA(s) at [%p, +%zu) have no %s line in /proc/self/smaps",
		     sum.missing, p, len, field);
	return sum.kb;
}

static uint64_t pmd_mapped_kb(const void *p, size_t len)
{
	return smaps_kb(p, len, "ShmemPmdMapped");
}

/* --- the huge buffer --- */

struct huge {
	int fd;
	uint64_t pmd;	/* PMD size: the buffer's size */
	size_t ps;
};

/*
 * The PMD size of THP, or the test skips: without THP no buffer can be
 * huge, and huge_size of a shmem buffer must then say 0.
 */
static uint64_t pmd_size_or_skip(int fd)
{
	uint64_t ps = kx_page(), pmd = 0;
	int r = read_u64_file(THP_PMD_SIZE, &pmd);

	if (r < 0) {
		/* A page table page holds page_size / 8 entries. */
		uint64_t arch_pmd = ps / 8 * ps;

		EXPECT_EQ(huge_size_for(fd, arch_pmd, KXFER_BACKING_SHMEM), 0u);
		restore(fd);
		SKIP("no %s (%s): the kernel has no transparent huge pages (huge_size of a %" PRIu64 "-byte shmem buffer checked to be 0)",
		     THP_PMD_SIZE, kxt_errstr(-r), arch_pmd);
	}
	if (pmd < 2 * ps || (pmd & (pmd - 1)))
		FAIL("%s says %" PRIu64 ", not a power of two above the page size %" PRIu64,
		     THP_PMD_SIZE, pmd, ps);
	return pmd;
}

/* The device with a shmem buffer of one PMD; INFO.huge_size must say so. */
static void huge_begin(struct huge *h)
{
	struct kxfer_info info;

	h->fd = kx_open();
	h->ps = kx_page();
	h->pmd = pmd_size_or_skip(h->fd);
	kx_resize_to(h->fd, h->pmd, KXFER_BACKING_SHMEM);
	kx_info(h->fd, &info);
	ASSERT_EQ(info.buf_size, h->pmd);
	ASSERT_EQ((uint64_t)info.huge_size, h->pmd);
}

static void huge_end(struct huge *h)
{
	restore(h->fd);
	close(h->fd);
}

/* mmap(NULL) of the whole buffer, at the PMD-aligned address promised. */
static char *map_whole(const struct huge *h, int prot)
{
	char *m = kx_map(h->fd, h->pmd, 0, prot, MAP_SHARED);

	if ((uintptr_t)m % h->pmd)
		FAIL("mmap(NULL, %" PRIu64 ") of the huge buffer returned %p, which is not aligned to the PMD size",
		     h->pmd, (void *)m);
	return m;
}

/*
 * The whole buffer mapped with one PMD: one aligned 8-byte load must map
 * all of it (ShmemPmdMapped and Rss both the PMD size).
 */
static char *map_pmd(const struct huge *h, int prot)
{
	char *m = map_whole(h, prot);

	(void)*(volatile uint64_t *)m;
	ASSERT_EQ(pmd_mapped_kb(m, h->pmd), h->pmd / 1024);
	ASSERT_EQ(smaps_kb(m, h->pmd, "Rss"), h->pmd / 1024);
	return m;
}

/* After work through a map_pmd() mapping: it never left its PMD. */
static void expect_still_one_pmd(const struct huge *h, const char *m)
{
	(void)h;
	EXPECT_EQ(pmd_mapped_kb(m, h->pmd), h->pmd / 1024);
}

/*
 * A PROT_NONE reservation of len plus two PMDs, so that mappings can be
 * put at a chosen distance from a PMD boundary with MAP_FIXED.
 */
struct resv {
	char *base;
	size_t len;
	char *aligned;	/* the first PMD boundary inside it */
};

static void reserve(struct resv *r, const struct huge *h, size_t len)
{
	r->len = len + 2 * h->pmd;
	r->base = ASSERT_MAP(mmap(NULL, r->len, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				  -1, 0));
	r->aligned = (char *)(((uintptr_t)r->base + h->pmd - 1) &
			      ~(uintptr_t)(h->pmd - 1));
}

static char *map_fixed(const struct huge *h, char *at, size_t len,
		       uint64_t off)
{
	void *m = mmap(at, len, RW, MAP_SHARED | MAP_FIXED, h->fd, (off_t)off);

	if (m == MAP_FAILED)
		FAIL("mmap(%p, %zu, offset %" PRIu64 ", MAP_FIXED) of %s: %s",
		     (void *)at, len, off, kx_dev, kxt_errstr(errno));
	ASSERT_EQ((uintptr_t)m, (uintptr_t)at);
	return m;
}

/*
 * Buffer offsets to probe one byte at: both ends of the first page, the
 * middle and the last byte, and a spread in between.
 */
#define NR_PROBES 32

static void probe_offsets(const struct huge *h, uint64_t *off)
{
	uint64_t fixed[] = { 0, 1, h->ps - 1, h->ps, h->pmd / 2 - 1,
			     h->pmd / 2, h->pmd - h->ps, h->pmd - 1 };
	size_t n = sizeof(fixed) / sizeof(fixed[0]);

	memcpy(off, fixed, sizeof(fixed));
	for (size_t i = n; i < NR_PROBES; i++)
		off[i] = (i - n) * (h->pmd / (NR_PROBES - n)) +
			 (i * 131) % h->ps;
}

/*
 * A store (or load) at p must kill a child with SIGSEGV (the kernel may
 * log a "segfault at" line for it; that is expected).
 */
static void expect_segv_at(const char *file, int line, volatile char *p,
			   int store, const char *what)
{
	int status;
	pid_t pid = kxt_fork();

	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL);
		if (store)
			*p = 0x5a;
		else
			(void)*p;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		FAIL("waitpid: %s", kxt_errstr(errno));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		kxt_fail_at(file, line, 0,
			    "%s: a %s at %p did not end the process with SIGSEGV (status %#x)",
			    what, store ? "store" : "load", (void *)p, status);
}
#define expect_segv(...) expect_segv_at(__FILE__, __LINE__, __VA_ARGS__)

/* --- 1. INFO.huge_size --- */

/*
 * huge_size describes the backing, not the size: every shmem buffer may
 * be mapped with PMDs where a mapping covers one at an aligned address.
 */
TEST(huge_size_is_pmd_size_for_shmem_buffers_of_any_size)
{
	struct huge h;
	struct kxfer_info info;
	uint64_t sizes[5];

	huge_begin(&h);		/* asserts buf_size and huge_size */
	kx_info(h.fd, &info);
	EXPECT_EQ(info.backing, (uint32_t)KXFER_BACKING_SHMEM);
	kxt_diag("PMD size %" PRIu64 ", page size %zu, shmem max_size %" PRIu64,
		 h.pmd, h.ps, (uint64_t)info.max_size);
	sizes[0] = h.ps;
	sizes[1] = h.pmd / 2;
	sizes[2] = h.pmd - h.ps + 1;	/* rounds up to the PMD */
	sizes[3] = h.pmd + h.ps;
	sizes[4] = 2 * h.pmd;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t got = huge_size_for(h.fd, sizes[i], KXFER_BACKING_SHMEM);

		if (got != h.pmd)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "huge_size of a %" PRIu64 "-byte shmem buffer is %u, expected the PMD size %" PRIu64,
				    sizes[i], got, h.pmd);
	}
	restore(h.fd);
	kx_info(h.fd, &info);
	EXPECT_EQ(info.huge_size, 0u);
	close(h.fd);
}

/* Only shmem maps huge: every other backing says 0 (ABI 3's pages did). */
TEST(huge_size_is_0_for_every_other_backing)
{
	static const uint32_t others[] = {
		KXFER_BACKING_VMALLOC, KXFER_BACKING_PAGES, KXFER_BACKING_DMA,
		KXFER_BACKING_DMA_WC, KXFER_BACKING_DMA_NONCOHERENT,
	};
	struct huge h;

	huge_begin(&h);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		/* A size every backing allocates, also without CMA. */
		uint32_t got = huge_size_for(h.fd, 4 * h.ps, others[i]);

		if (got)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "huge_size of the %s backing is %u, expected 0",
				    kx_backing_name(others[i]), got);
	}
	huge_end(&h);
}

/* RESIZE into the shmem buffer keeps the bytes below the old size. */
TEST(huge_resize_keeps_prefix_and_zeroes_tail)
{
	struct huge h;

	huge_begin(&h);
	kx_resize_to(h.fd, h.pmd / 2, KXFER_BACKING_VMALLOC);
	kx_put_pattern(h.fd, 0, h.pmd / 2, 0x8701);
	kx_resize_to(h.fd, h.pmd, KXFER_BACKING_SHMEM);
	kx_expect_pattern(h.fd, 0, h.pmd / 2, 0x8701,
			  "bytes below the old size after RESIZE to the huge buffer");
	kx_expect_byte(h.fd, h.pmd / 2, h.pmd / 2, 0,
		       "grown tail of the huge buffer");
	huge_end(&h);
}

/* --- 2. alignment --- */

TEST(huge_mmap_null_returns_pmd_aligned_address)
{
	struct huge h;
	char *m[3];

	huge_begin(&h);
	/* Several at once: each must get its own aligned range. */
	m[0] = map_whole(&h, RW);
	m[1] = map_whole(&h, PROT_READ);
	m[2] = map_whole(&h, RW);
	kxt_diag("mappings at %p %p %p", (void *)m[0], (void *)m[1],
		 (void *)m[2]);
	for (int i = 0; i < 3; i++)
		ASSERT_OK(munmap(m[i], h.pmd));
	huge_end(&h);
}

/* --- 3. one PMD, one fault --- */

/* The first touch is a load (the read fault path). */
TEST(huge_aligned_mapping_load_maps_whole_pmd_at_once)
{
	struct huge h;
	uint64_t thp_before;
	char *m;

	huge_begin(&h);
	m = map_whole(&h, RW);
	thp_before = vmstat("thp_file_mapped");
	(void)*(volatile char *)(m + h.pmd / 2 + 5);
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), h.pmd / 1024);
	EXPECT_EQ(smaps_kb(m, h.pmd, "Rss"), h.pmd / 1024);
	EXPECT_GT(vmstat("thp_file_mapped"), thp_before);

	/* Loads and stores on every page: all mapped already, no split. */
	for (uint64_t off = 0; off < h.pmd; off += h.ps) {
		(void)*(volatile char *)(m + off);
		*(volatile char *)(m + off + h.ps - 1) = (char)(off / h.ps);
	}
	expect_still_one_pmd(&h, m);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

/* The first touch is a store (the shared write fault path). */
TEST(huge_aligned_mapping_store_maps_whole_pmd_at_once)
{
	struct huge h;
	uint64_t thp_before;
	char *m;

	huge_begin(&h);
	m = map_whole(&h, RW);
	thp_before = vmstat("thp_file_mapped");
	*(volatile char *)(m + h.pmd - 1) = 0x5a;
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), h.pmd / 1024);
	EXPECT_EQ(smaps_kb(m, h.pmd, "Rss"), h.pmd / 1024);
	EXPECT_GT(vmstat("thp_file_mapped"), thp_before);
	kx_expect_byte(h.fd, h.pmd - 1, 1, 0x5a,
		       "last byte after a store through the PMD mapping");
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

/* A buffer of two PMDs and a page: two PMD entries, the page by a PTE. */
TEST(huge_buffer_of_two_pmds_and_a_page_maps_two_pmds)
{
	struct huge h;
	uint64_t len;
	char *m;

	huge_begin(&h);
	len = 2 * h.pmd + h.ps;
	kx_resize_to(h.fd, len, KXFER_BACKING_SHMEM);
	kx_put_pattern(h.fd, 0, len, 0x8702);
	m = kx_map(h.fd, len, 0, RW, MAP_SHARED);
	if ((uintptr_t)m % h.pmd)
		FAIL("mmap(NULL, %" PRIu64 ") of a shmem buffer returned %p, not aligned to the PMD size",
		     len, (void *)m);
	kx_expect_pattern_mem(m, 0, len, 0x8702, "mapping of 2 PMDs + a page");
	EXPECT_EQ(pmd_mapped_kb(m, len), 2 * h.pmd / 1024);
	EXPECT_EQ(smaps_kb(m, len, "Rss"), len / 1024);
	ASSERT_OK(munmap(m, len));
	huge_end(&h);
}

/* --- 4. contents through the PMD mapping --- */

TEST(huge_write_shows_in_pmd_mapping)
{
	uint64_t off[NR_PROBES];
	struct huge h;
	char *m;

	huge_begin(&h);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8711);
	m = map_pmd(&h, RW);
	kx_expect_pattern_mem(m, 0, h.pmd, 0x8711,
			      "PMD mapping after write() of the whole buffer");
	/* Writes after the PMD is in place, one byte each. */
	probe_offsets(&h, off);
	for (int i = 0; i < NR_PROBES; i++) {
		unsigned char v = (unsigned char)(0xa0 + i);

		kx_put_byte(h.fd, off[i], 1, v);
		if ((unsigned char)m[off[i]] != v)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "byte at offset %" PRIu64 " of the PMD mapping is 0x%02x after write() of 0x%02x",
				    off[i], (unsigned char)m[off[i]], v);
	}
	expect_still_one_pmd(&h, m);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

TEST(huge_pmd_mapping_stores_show_in_read)
{
	uint64_t off[NR_PROBES];
	struct huge h;
	char *m;

	huge_begin(&h);
	m = map_pmd(&h, RW);
	kx_pattern_fill(m, 0, h.pmd, 0x8712);
	kx_expect_pattern(h.fd, 0, h.pmd, 0x8712,
			  "read() after stores through the PMD mapping");
	probe_offsets(&h, off);
	for (int i = 0; i < NR_PROBES; i++) {
		unsigned char v = (unsigned char)(0x30 + i), got;

		m[off[i]] = (char)v;
		kx_pread_all(h.fd, &got, 1, off[i]);
		if (got != v)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "pread() of offset %" PRIu64 " gives 0x%02x after a store of 0x%02x through the PMD mapping",
				    off[i], got, v);
	}
	expect_still_one_pmd(&h, m);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

TEST(huge_submit_checksums_pmd_mapping_stores)
{
	struct huge h;
	uint8_t *want;
	char *m;
	struct {
		uint64_t off, len;
	} r[5];

	huge_begin(&h);
	kx_set_mode(h.fd, KXFER_WORK_CHECKSUM, 0);
	m = map_pmd(&h, RW);
	want = kx_alloc(h.pmd);
	kx_pattern_fill(want, 0, h.pmd, 0x8713);
	memcpy(m, want, h.pmd);
	r[0].off = 0, r[0].len = h.pmd;
	r[1].off = 13, r[1].len = h.pmd - 13 - 29;
	r[2].off = h.pmd - 1, r[2].len = 1;
	r[3].off = h.pmd / 2 - 3, r[3].len = 6;
	r[4].off = h.ps - 7, r[4].len = h.pmd - h.ps;
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		struct kxfer_xfer x = { .offset = r[i].off,
					.length = r[i].len };
		uint32_t crc = kx_crc32c(KX_CRC32C_INIT, want + r[i].off,
					 r[i].len);

		ASSERT_OK(ioctl(h.fd, KXFER_IOC_SUBMIT, &x));
		if (x.csum != crc)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "SUBMIT {offset %" PRIu64 ", length %" PRIu64 "}: csum %#010x, expected %#010x",
				    r[i].off, r[i].len, x.csum, crc);
	}
	free(want);
	expect_still_one_pmd(&h, m);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

TEST(huge_fetch_fill_shows_in_pmd_mapping)
{
	struct kxfer_xfer x;
	struct huge h;
	uint64_t tail;
	char *m;

	huge_begin(&h);
	kx_set_mode(h.fd, KXFER_WORK_FILL, 0x8714);
	m = map_pmd(&h, RW);
	x = (struct kxfer_xfer){ .offset = 0, .length = h.pmd };
	ASSERT_OK(ioctl(h.fd, KXFER_IOC_FETCH, &x));
	kx_expect_pattern_mem(m, 0, h.pmd, 0x8714,
			      "PMD mapping after FETCH of the whole buffer in fill mode");
	/* A range ending at the last byte, with another seed. */
	tail = h.ps + 5;
	kx_set_mode(h.fd, KXFER_WORK_FILL, 0x8715);
	x = (struct kxfer_xfer){ .offset = h.pmd - tail, .length = tail };
	ASSERT_OK(ioctl(h.fd, KXFER_IOC_FETCH, &x));
	kx_expect_pattern_mem(m + h.pmd - tail, h.pmd - tail, tail, 0x8715,
			      "PMD mapping after FETCH of the tail");
	kx_expect_pattern_mem(m, 0, h.pmd - tail, 0x8714,
			      "PMD mapping below the FETCHed tail");
	expect_still_one_pmd(&h, m);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

/* --- 5, 6. mappings the PMD cannot serve --- */

/* The whole buffer, one page past a PMD boundary: PTEs, one per fault. */
TEST(huge_mapping_one_page_past_pmd_boundary_uses_ptes)
{
	struct resv r;
	struct huge h;
	uint64_t pages, touch[4];
	char *m;

	huge_begin(&h);
	pages = h.pmd / h.ps;
	kx_put_pattern(h.fd, 0, h.pmd, 0x8721);
	reserve(&r, &h, h.pmd);
	m = map_fixed(&h, r.aligned + h.ps, h.pmd, 0);
	touch[0] = 0;
	touch[1] = 1;
	touch[2] = pages / 2;
	touch[3] = pages - 1;
	/* Fault-around may map neighbours too: Rss is not checked here. */
	for (int i = 0; i < 4; i++)
		(void)*(volatile char *)(m + touch[i] * h.ps);
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), 0ull);

	kx_expect_pattern_mem(m, 0, h.pmd, 0x8721,
			      "mapping one page past a PMD boundary");
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), 0ull);
	EXPECT_EQ(smaps_kb(m, h.pmd, "Rss"), h.pmd / 1024);
	kx_pattern_fill(m, 0, h.pmd, 0x8722);
	kx_expect_pattern(h.fd, 0, h.pmd, 0x8722,
			  "read() after stores through the PTE mapping");
	ASSERT_OK(munmap(r.base, r.len));
	huge_end(&h);
}

/*
 * Windows smaller than the PMD, at addresses where the PMD would line up
 * ((address - offset) aligned): only their size keeps it out.
 */
TEST(huge_mappings_smaller_than_pmd_use_ptes)
{
	struct resv r;
	struct huge h;
	struct {
		uint64_t off, len;
	} w[4];

	huge_begin(&h);
	w[0].off = 0, w[0].len = h.pmd / 2;
	w[1].off = h.pmd / 2, w[1].len = h.pmd / 2;
	w[2].off = h.ps, w[2].len = h.pmd - h.ps;
	w[3].off = h.pmd / 4, w[3].len = h.pmd / 2;
	kx_put_pattern(h.fd, 0, h.pmd, 0x8731);
	reserve(&r, &h, h.pmd);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		char *m = map_fixed(&h, r.aligned + w[i].off, w[i].len,
				    w[i].off);
		uint32_t seed = 0x8732 + i;

		kxt_diag("window offset %" PRIu64 " length %" PRIu64,
			 w[i].off, w[i].len);
		kx_expect_pattern_mem(m, w[i].off, w[i].len, 0x8731,
				      "window smaller than the PMD");
		EXPECT_EQ(pmd_mapped_kb(m, w[i].len), 0ull);
		EXPECT_EQ(smaps_kb(m, w[i].len, "Rss"), w[i].len / 1024);
		kx_pattern_fill(m, w[i].off, w[i].len, seed);
		kx_expect_pattern(h.fd, w[i].off, w[i].len, seed,
				  "read() after stores through the window");
		/* Back to the first pattern for the next window. */
		kx_put_pattern(h.fd, 0, h.pmd, 0x8731);
		ASSERT_OK(munmap(m, w[i].len));
	}
	ASSERT_OK(munmap(r.base, r.len));
	huge_end(&h);
}

/* --- 7. get_user_pages() through the PMD --- */

TEST(huge_process_vm_readv_reads_pmd_mapping)
{
	struct huge h;
	char *m, *buf;

	huge_begin(&h);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8741);
	m = map_pmd(&h, PROT_READ);
	buf = kx_alloc(h.pmd);
	{
		struct iovec local = { buf, h.pmd }, remote = { m, h.pmd };

		ASSERT_EQ(process_vm_readv(getpid(), &local, 1, &remote, 1, 0),
			  (ssize_t)h.pmd);
	}
	kx_expect_pattern_mem(buf, 0, h.pmd, 0x8741,
			      "process_vm_readv() of the PMD mapping");
	expect_still_one_pmd(&h, m);
	free(buf);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

TEST(huge_process_vm_writev_writes_pmd_mapping)
{
	struct huge h;
	char *m, *buf;

	huge_begin(&h);
	m = map_pmd(&h, RW);
	buf = kx_alloc(h.pmd);
	kx_pattern_fill(buf, 0, h.pmd, 0x8742);
	{
		struct iovec local = { buf, h.pmd }, remote = { m, h.pmd };

		ASSERT_EQ(process_vm_writev(getpid(), &local, 1, &remote, 1,
					    0), (ssize_t)h.pmd);
	}
	kx_expect_pattern(h.fd, 0, h.pmd, 0x8742,
			  "read() after process_vm_writev() into the PMD mapping");
	expect_still_one_pmd(&h, m);
	free(buf);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

TEST(huge_vmsplice_of_pmd_mapping_delivers_bytes)
{
	struct huge h;
	size_t done = 0, cap;
	int p[2], c;
	char *m, *buf;

	huge_begin(&h);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8743);
	m = map_pmd(&h, RW);
	buf = kx_alloc(h.pmd);
	ASSERT_OK(pipe(p));
	/* Bigger pipes mean fewer rounds; the default size works too. */
	c = fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	if (c < 0)
		c = ASSERT_OK(fcntl(p[1], F_GETPIPE_SZ));
	cap = (size_t)c;
	while (done < h.pmd) {
		size_t want = h.pmd - done < cap ? h.pmd - done : cap;
		struct iovec iov = { m + done, want };
		ssize_t n = vmsplice(p[1], &iov, 1, 0), got = 0;

		if (n <= 0)
			FAIL("vmsplice() of %zu bytes at offset %zu of the PMD mapping: %s",
			     want, done, n < 0 ? kxt_errstr(errno) : "returned 0");
		while (got < n) {
			ssize_t r = read(p[0], buf + done + got, n - got);

			ASSERT_GT(r, (ssize_t)0);
			got += r;
		}
		done += n;
	}
	kx_expect_pattern_mem(buf, 0, h.pmd, 0x8743,
			      "bytes vmsplice()d from the PMD mapping");
	expect_still_one_pmd(&h, m);
	close(p[0]);
	close(p[1]);
	free(buf);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

/* Before huge_begin(), so a skip leaves the buffer as it was. */
static int open_ramdisk(uint64_t *size)
{
	int fd = open(RAMDISK, O_RDWR | O_DIRECT | O_CLOEXEC);

	if (fd < 0 && (errno == ENOENT || errno == ENXIO))
		SKIP("no %s (brd) to do O_DIRECT with: %s", RAMDISK,
		     kxt_errstr(errno));
	ASSERT_OK(fd);
	ASSERT_OK(ioctl(fd, BLKGETSIZE64, size));
	ASSERT_GE(*size, (uint64_t)kx_page());
	return fd;
}

/* Bytes per O_DIRECT transfer: as much of the PMD as the disk holds. */
static size_t disk_chunk(const struct huge *h, uint64_t disk_size)
{
	uint64_t c = disk_size < h->pmd ? disk_size : h->pmd;

	return (size_t)(c - c % h->ps);
}

TEST(huge_o_direct_read_from_disk_lands_in_pmd_mapping)
{
	uint64_t disk_size;
	int disk = open_ramdisk(&disk_size);
	void *staging = NULL;
	struct huge h;
	size_t chunk;
	char *m;

	huge_begin(&h);
	chunk = disk_chunk(&h, disk_size);
	m = map_pmd(&h, RW);
	ASSERT_EQ(posix_memalign(&staging, h.ps, chunk), 0);
	for (uint64_t off = 0; off < h.pmd; off += chunk) {
		size_t len = h.pmd - off < chunk ? h.pmd - off : chunk;

		kx_pattern_fill(staging, off, len, 0x8751);
		ASSERT_EQ(pwrite(disk, staging, len, 0), (ssize_t)len);
		ASSERT_EQ(pread(disk, m + off, len, 0), (ssize_t)len);
	}
	kx_expect_pattern(h.fd, 0, h.pmd, 0x8751,
			  "device bytes after O_DIRECT reads into the PMD mapping");
	expect_still_one_pmd(&h, m);
	free(staging);
	ASSERT_OK(munmap(m, h.pmd));
	close(disk);
	huge_end(&h);
}

TEST(huge_o_direct_write_to_disk_takes_bytes_from_pmd_mapping)
{
	uint64_t disk_size;
	int disk = open_ramdisk(&disk_size);
	void *back = NULL;
	struct huge h;
	size_t chunk;
	char *m;

	huge_begin(&h);
	chunk = disk_chunk(&h, disk_size);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8752);
	m = map_pmd(&h, PROT_READ);
	ASSERT_EQ(posix_memalign(&back, h.ps, chunk), 0);
	for (uint64_t off = 0; off < h.pmd; off += chunk) {
		size_t len = h.pmd - off < chunk ? h.pmd - off : chunk;

		ASSERT_EQ(pwrite(disk, m + off, len, 0), (ssize_t)len);
		ASSERT_EQ(pread(disk, back, len, 0), (ssize_t)len);
		if (!kx_expect_pattern_mem(back, off, len, 0x8752,
					   "disk bytes after an O_DIRECT write from the PMD mapping"))
			break;
	}
	expect_still_one_pmd(&h, m);
	free(back);
	ASSERT_OK(munmap(m, h.pmd));
	close(disk);
	huge_end(&h);
}

/* --- 8. splitting the PMD --- */

TEST(huge_munmap_of_second_half_splits_pmd_keeps_first_half)
{
	struct huge h;
	uint32_t before;
	size_t half;
	char *m;

	huge_begin(&h);
	half = h.pmd / 2;
	before = nr_mappings(h.fd);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8761);
	m = map_pmd(&h, RW);
	/* The header: shmem mappings are not counted. */
	ASSERT_EQ(nr_mappings(h.fd), before);

	ASSERT_OK(munmap(m + half, half));
	EXPECT_EQ(nr_mappings(h.fd), before);
	EXPECT_EQ(pmd_mapped_kb(m, half), 0ull);
	kx_expect_pattern_mem(m, 0, half, 0x8761,
			      "first half after munmap() of the second");
	EXPECT_EQ(pmd_mapped_kb(m, half), 0ull);
	kx_pattern_fill(m, 0, half, 0x8762);
	kx_expect_pattern(h.fd, 0, half, 0x8762,
			  "read() after stores into the remaining half");
	kx_expect_pattern(h.fd, half, half, 0x8761,
			  "read() of the unmapped half");
	/* No PMD left behind that still maps the second half. */
	expect_segv(m + half, 0, "start of the unmapped half");
	expect_segv(m + h.pmd - 1, 1, "last byte of the unmapped half");

	ASSERT_OK(munmap(m, half));
	EXPECT_EQ(nr_mappings(h.fd), before);
	ASSERT_OK(kx_resize_raw(h.fd, kx_start_size, KXFER_BACKING_VMALLOC));
	close(h.fd);
}

TEST(huge_mprotect_of_one_page_splits_pmd_keeps_data)
{
	struct huge h;
	uint32_t before;
	char *m, *mid;

	huge_begin(&h);
	before = nr_mappings(h.fd);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8763);
	m = map_pmd(&h, RW);
	mid = m + h.pmd / 2;

	ASSERT_OK(mprotect(mid, h.ps, PROT_READ));
	EXPECT_EQ(nr_mappings(h.fd), before);	/* shmem: not counted */
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), 0ull);
	kx_expect_pattern_mem(m, 0, h.pmd, 0x8763,
			      "mapping after mprotect() of its middle page");
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), 0ull);
	/* The read-only page really is; its neighbours are still writable. */
	expect_segv(mid, 1, "read-only middle page");
	expect_segv(mid + h.ps - 1, 1, "end of the read-only middle page");
	m[0] = 0x11;
	mid[-1] = 0x22;
	mid[h.ps] = 0x33;
	m[h.pmd - 1] = 0x44;
	kx_expect_byte(h.fd, 0, 1, 0x11, "first byte");
	kx_expect_byte(h.fd, h.pmd / 2 - 1, 1, 0x22,
		       "byte below the read-only page");
	kx_expect_byte(h.fd, h.pmd / 2 + h.ps, 1, 0x33,
		       "byte above the read-only page");
	kx_expect_byte(h.fd, h.pmd - 1, 1, 0x44, "last byte");
	kx_expect_pattern(h.fd, h.pmd / 2, h.ps, 0x8763,
			  "the read-only page after the faulting stores");

	ASSERT_OK(munmap(m, h.pmd));
	EXPECT_EQ(nr_mappings(h.fd), before);
	ASSERT_OK(kx_resize_raw(h.fd, kx_start_size, KXFER_BACKING_VMALLOC));
	close(h.fd);
}

/*
 * MADV_DONTNEED of one page cannot zap part of a PMD: the kernel drops the
 * whole entry (file THP is not remapped with PTEs).  The bytes live in
 * the buffer, so nothing is lost, and as the VMA still covers the PMD at
 * an aligned address, the next touch maps it whole again.
 */
TEST(huge_madv_dontneed_of_one_page_keeps_data_and_refaults_pmd)
{
	struct huge h;
	char *m;

	huge_begin(&h);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8764);
	m = map_pmd(&h, RW);
	ASSERT_OK(madvise(m + h.pmd / 2, h.ps, MADV_DONTNEED));
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), 0ull);
	kx_expect_pattern_mem(m, 0, h.pmd, 0x8764,
			      "mapping after MADV_DONTNEED of its middle page");
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), h.pmd / 1024);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

/* mremap() of a mapping of len bytes to the fixed address to. */
static char *move_to(char *m, size_t len, char *to)
{
	char *n = mremap(m, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);

	if (n == MAP_FAILED)
		FAIL("mremap() of the PMD mapping to %p: %s", (void *)to,
		     kxt_errstr(errno));
	return n;
}

/*
 * mremap() moves the VMA: to a PMD-aligned address it is still served by
 * the PMD, one page past one by PTEs; nr_mappings never counts them.
 */
TEST(huge_mremap_of_pmd_mapping_keeps_data_and_count)
{
	struct resv r;
	struct huge h;
	uint32_t before;
	char *m, *n;

	huge_begin(&h);
	before = nr_mappings(h.fd);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8765);
	m = map_pmd(&h, RW);
	reserve(&r, &h, 2 * h.pmd);

	n = move_to(m, h.pmd, r.aligned);
	kx_expect_pattern_mem(n, 0, h.pmd, 0x8765,
			      "PMD mapping moved to an aligned address");
	EXPECT_EQ(pmd_mapped_kb(n, h.pmd), h.pmd / 1024);
	EXPECT_EQ(nr_mappings(h.fd), before);	/* shmem: not counted */

	m = move_to(n, h.pmd, r.aligned + h.pmd + h.ps);
	kx_expect_pattern_mem(m, 0, h.pmd, 0x8765,
			      "PMD mapping moved one page past a PMD boundary");
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), 0ull);
	kx_pattern_fill(m, 0, h.pmd, 0x8766);
	kx_expect_pattern(h.fd, 0, h.pmd, 0x8766,
			  "read() after stores through the moved mapping");
	EXPECT_EQ(nr_mappings(h.fd), before);

	ASSERT_OK(munmap(r.base, r.len));	/* holds m now */
	EXPECT_EQ(nr_mappings(h.fd), before);
	huge_end(&h);
}

/* --- 9. fork() --- */

/*
 * fork() copies no page tables of a shared file mapping: the child
 * maps the PMD for itself at its first touch.
 */
TEST(huge_fork_child_reads_and_writes_through_pmd_mapping)
{
	struct huge h;
	size_t half;
	pid_t pid;
	char *m;

	huge_begin(&h);
	half = h.pmd / 2;
	kx_put_pattern(h.fd, 0, h.pmd, 0x8771);
	m = map_pmd(&h, RW);
	pid = kxt_fork();
	if (pid == 0) {
		kx_expect_pattern_mem(m, 0, h.pmd, 0x8771,
				      "the child's view of the inherited PMD mapping");
		EXPECT_EQ(pmd_mapped_kb(m, h.pmd), h.pmd / 1024);
		kx_pattern_fill(m + half, half, half, 0x8772);
		kxt_child_exit();
	}
	ASSERT_TRUE(kxt_wait_ok(pid, "child using the inherited mapping"));
	kx_expect_pattern(h.fd, 0, half, 0x8771,
			  "read() of the half the child did not write");
	kx_expect_pattern(h.fd, half, half, 0x8772,
			  "read() of the child's stores");
	kx_expect_pattern_mem(m + half, half, half, 0x8772,
			      "the parent's mapping after the child's stores");
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), h.pmd / 1024);
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

/* --- 10. RESIZE and the mapping --- */

/*
 * shmem to shmem RESIZE truncates or extends the same file (the header):
 * the mapping stays, sees the new size, and raises SIGBUS past its end
 * (the PMD is split or dropped for the truncated half).
 */
TEST(huge_resize_shmem_smaller_keeps_mapping_sigbus_past_end)
{
	struct huge h;
	uint64_t got = 0, half;
	char *m;

	huge_begin(&h);
	half = h.pmd / 2;
	kx_put_pattern(h.fd, 0, h.pmd, 0x8781);
	m = map_pmd(&h, RW);
	ASSERT_OK(kx_resize_raw(h.fd, half, KXFER_BACKING_SHMEM));
	kx_expect_pattern_mem(m, 0, half, 0x8781,
			      "the kept half through the old mapping");
	EXPECT_EQ(kx_probe_access(m + half, 0, 0, &got), SIGBUS);
	EXPECT_EQ(kx_probe_access(m + h.pmd - 8, 1, 7, NULL), SIGBUS);
	EXPECT_EQ(pmd_mapped_kb(m, h.pmd), 0ull);
	/* Grow back: the same mapping sees zeros past the old end. */
	ASSERT_OK(kx_resize_raw(h.fd, h.pmd, KXFER_BACKING_SHMEM));
	EXPECT_EQ(kx_probe_access(m + half, 0, 0, &got), 0);
	EXPECT_EQ(got, 0ull);
	kx_expect_byte_mem(m + half, half, 0, "the regrown half");
	kx_expect_pattern_mem(m, 0, half, 0x8781, "the kept half");
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

/* Any other pair revokes the whole mapping. */
TEST(huge_resize_shmem_to_vmalloc_revokes_whole_mapping)
{
	struct huge h;
	char *m;

	huge_begin(&h);
	kx_put_pattern(h.fd, 0, h.pmd, 0x8782);
	m = map_pmd(&h, RW);
	ASSERT_OK(kx_resize_raw(h.fd, h.pmd, KXFER_BACKING_VMALLOC));
	EXPECT_EQ(kx_probe_access(m, 0, 0, NULL), SIGBUS);
	EXPECT_EQ(kx_probe_access(m + h.pmd - 8, 1, 1, NULL), SIGBUS);
	kx_expect_pattern(h.fd, 0, h.pmd, 0x8782,
			  "the new vmalloc buffer keeps the bytes");
	ASSERT_OK(munmap(m, h.pmd));
	huge_end(&h);
}

/* --- 12. setup and teardown, again and again --- */

#define CYCLES 50

/*
 * Freeing a shmem file whose THP was PMD-mapped must leave it clean for
 * the page allocator; the guest runner's dmesg scan catches "Bad page
 * state".
 */
TEST_TIMEOUT(huge_map_touch_unmap_resize_cycles_50_times, 600)
{
	struct huge h;

	huge_begin(&h);
	restore(h.fd);
	for (int i = 0; i < CYCLES; i++) {
		uint64_t off = ((uint64_t)i * 7919 * h.ps + (uint64_t)i * 61) %
			       h.pmd;
		unsigned char v = (unsigned char)(i + 1), got;
		struct kxfer_info info;
		uint64_t kb;
		char *m;

		kx_resize_to(h.fd, h.pmd, KXFER_BACKING_SHMEM);
		kx_info(h.fd, &info);
		if (info.huge_size != h.pmd)
			FAIL("cycle %d: huge_size %u, expected %" PRIu64, i,
			     info.huge_size, h.pmd);
		m = map_whole(&h, RW);
		m[off] = (char)v;
		kb = pmd_mapped_kb(m, h.pmd);
		ASSERT_OK(munmap(m, h.pmd));
		if (kb != h.pmd / 1024)
			FAIL("cycle %d: ShmemPmdMapped %" PRIu64 " kB after one store, expected %" PRIu64,
			     i, kb, h.pmd / 1024);
		kx_pread_all(h.fd, &got, 1, off);
		if (got != v)
			FAIL("cycle %d: byte at offset %" PRIu64 " is 0x%02x after munmap, stored 0x%02x",
			     i, off, got, v);
		restore(h.fd);
	}
	close(h.fd);
}

/* --- the backing= and buf_size= module parameters --- */

TEST(huge_buffer_from_module_parameters_maps_pmd)
{
	struct kxfer_info info;
	char params[96];
	struct huge h;
	char *m;

	kx_require_ko();
	h.fd = kx_open();
	h.ps = kx_page();
	h.pmd = pmd_size_or_skip(h.fd);
	restore(h.fd);
	close(h.fd);
	snprintf(params, sizeof(params), "backing=shmem buf_size=%" PRIu64,
		 h.pmd);
	kx_module_reload(params);
	h.fd = kx_open();
	kx_info(h.fd, &info);
	EXPECT_EQ(info.backing, (uint32_t)KXFER_BACKING_SHMEM);
	EXPECT_EQ(info.buf_size, h.pmd);
	EXPECT_EQ((uint64_t)info.huge_size, h.pmd);
	if (info.huge_size == h.pmd) {
		m = map_pmd(&h, RW);
		ASSERT_OK(munmap(m, h.pmd));
	}
	close(h.fd);
	kx_module_restore();
}

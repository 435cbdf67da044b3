// SPDX-License-Identifier: GPL-2.0
/*
 * The six backings of ABI 4 (vmalloc, pages, dma, shmem, dma-wc,
 * dma-noncoherent): RESIZE between them, INFO and sysfs following them,
 * each backing's size limits, data through every backing's mapping with
 * read()/write(), SUBMIT/FETCH and the SYNC ioctls, which must move the
 * exact bytes (under swiotlb=force too: nothing may bounce), the dma*
 * backings' PFN maps and the backing= module parameter.
 *
 * The page attribute is the backing's (uncached or write-combining for
 * dma and dma-wc on a non-coherent arm64 system), so mappings are touched
 * only with aligned 8-byte volatile loads and stores: unaligned accesses
 * and DC ZVA (which memset uses) may fault on such memory.
 *
 * QEMU TCG does not model caches, so a missing maintenance step cannot
 * show in an emulated guest; the coherence tests catch it on boards with
 * non-coherent DMA (RK3566-class).  In the guest they check that every
 * backing maps, moves the right bytes and does not fault.
 *
 * Runs before module.c (order 90) and after the other files, because the
 * module parameter tests reload the module.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 85
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "kxdev.h"

#define RW (PROT_READ | PROT_WRITE)
#define MIB (1ULL << 20)


/* The size and backing the run started with, for the tests after this. */
static void restore(int fd)
{
	kx_resize(fd, kx_start_size);
}

static uint32_t backing_of(int fd)
{
	struct kxfer_info info;

	kx_info(fd, &info);
	return info.backing;
}

/* INFO.max_size of a backing: it describes the current one only. */
static uint64_t max_size_of(int fd, uint32_t backing)
{
	struct kxfer_info info;

	kx_resize_to(fd, kx_page(), backing);
	kx_info(fd, &info);
	return info.max_size;
}

static int sync_raw(int fd, unsigned long cmd, uint64_t off, uint64_t len,
		    uint32_t dir, uint32_t flags)
{
	struct kxfer_sync s = { .offset = off, .length = len,
				.direction = dir, .flags = flags };

	return ioctl(fd, cmd, &s);
}

static const char *sync_name(unsigned long cmd)
{
	return cmd == KXFER_IOC_SYNC_FOR_CPU ? "SYNC_FOR_CPU" :
					       "SYNC_FOR_DEVICE";
}

static void sync_ok(int fd, unsigned long cmd, uint64_t off, uint64_t len,
		    uint32_t dir)
{
	if (sync_raw(fd, cmd, off, len, dir, 0) < 0)
		FAIL("%s {offset %" PRIu64 ", length %" PRIu64
		     ", direction %u}: %s", sync_name(cmd), off, len, dir,
		     kxt_errstr(errno));
}

/*
 * The fill pattern of seed for [0, len), as 64-bit words that can be
 * compared with or stored through a mapping one aligned access at a time.
 */
static uint64_t *pattern_words(uint64_t len, uint32_t seed)
{
	uint64_t *w = kx_alloc(len);

	kx_pattern_fill(w, 0, len, seed);
	return w;
}

static void store_words(volatile uint64_t *map, uint64_t len, uint32_t seed)
{
	uint64_t *w = pattern_words(len, seed);

	for (uint64_t i = 0; i < len / 8; i++)
		map[i] = w[i];
	free(w);
}

static void expect_words_at(const char *file, int line,
			    const volatile uint64_t *map, uint64_t len,
			    uint32_t seed, const char *what)
{
	uint64_t *w = pattern_words(len, seed);

	for (uint64_t i = 0; i < len / 8; i++) {
		uint64_t got = map[i];

		if (got != w[i]) {
			kxt_fail_at(file, line, 0,
				    "%s: word at offset %" PRIu64 " is %#018" PRIx64
				    ", expected %#018" PRIx64
				    " (fill pattern of seed %#x)",
				    what, i * 8, got, w[i], seed);
			break;
		}
	}
	free(w);
}
#define expect_words(...) expect_words_at(__FILE__, __LINE__, __VA_ARGS__)

/* --- RESIZE between backings, INFO and sysfs --- */

TEST(resize_through_each_backing_keeps_prefix_and_zeroes_tail)
{
	static const struct {
		uint32_t backing;
		uint64_t pages;
	} steps[] = {
		{ KXFER_BACKING_PAGES, 8 },		/* grow */
		{ KXFER_BACKING_DMA, 6 },		/* shrink */
		{ KXFER_BACKING_SHMEM, 10 },		/* grow */
		{ KXFER_BACKING_DMA_WC, 7 },		/* shrink */
		{ KXFER_BACKING_DMA_NONCOHERENT, 9 },	/* grow */
		{ KXFER_BACKING_SHMEM, 4 },		/* shrink */
		{ KXFER_BACKING_SHMEM, 11 },		/* grow in place */
		{ KXFER_BACKING_VMALLOC, 10 },
		{ KXFER_BACKING_PAGES, 3 },		/* shrink */
		{ KXFER_BACKING_VMALLOC, 5 },
	};
	uint64_t ps = kx_page(), size = 4 * ps;
	int fd = kx_open();

	kx_resize_to(fd, size, KXFER_BACKING_VMALLOC);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		uint64_t new_size = steps[i].pages * ps;
		uint64_t kept = size < new_size ? size : new_size;
		uint32_t seed = 0xb100 + i;
		char what[96];

		kx_put_pattern(fd, 0, size, seed);
		kx_resize_to(fd, new_size, steps[i].backing);
		ASSERT_EQ(kx_size(fd), new_size);
		snprintf(what, sizeof(what), "bytes below the old size after RESIZE to %s",
			 kx_backing_name(steps[i].backing));
		kx_expect_pattern(fd, 0, kept, seed, what);
		snprintf(what, sizeof(what), "grown tail after RESIZE to %s",
			 kx_backing_name(steps[i].backing));
		if (new_size > kept)
			kx_expect_byte(fd, kept, new_size - kept, 0, what);
		size = new_size;
	}
	restore(fd);
}

TEST(info_backing_follows_resize)
{
	static const uint32_t order[] = {
		KXFER_BACKING_PAGES, KXFER_BACKING_DMA, KXFER_BACKING_SHMEM,
		KXFER_BACKING_DMA_WC, KXFER_BACKING_DMA_NONCOHERENT,
		KXFER_BACKING_VMALLOC, KXFER_BACKING_DMA, KXFER_BACKING_PAGES,
	};
	int fd = kx_open();

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		kx_resize_to(fd, 2 * kx_page(), order[i]);
		EXPECT_EQ(backing_of(fd), order[i]);
	}
	restore(fd);
	EXPECT_EQ(backing_of(fd), (uint32_t)KXFER_BACKING_VMALLOC);
}

TEST(sysfs_backing_names_follow_resize)
{
	static const uint32_t order[] = {
		KXFER_BACKING_PAGES, KXFER_BACKING_DMA, KXFER_BACKING_SHMEM,
		KXFER_BACKING_DMA_WC, KXFER_BACKING_DMA_NONCOHERENT,
		KXFER_BACKING_VMALLOC,
	};
	int fd = kx_open();
	char buf[64];

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int r;

		kx_resize_to(fd, 2 * kx_page(), order[i]);
		r = kx_sysfs_read("backing", buf, sizeof(buf));
		if (r < 0)
			FAIL("reading %s: %s", kx_sysfs_path("backing"),
			     kxt_errstr(-r));
		if (strcmp(buf, kx_backing_name(order[i])))
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s holds '%s' on the %s backing, expected '%s'",
				    kx_sysfs_path("backing"), buf,
				    kx_backing_name(order[i]),
				    kx_backing_name(order[i]));
	}
	restore(fd);
}

TEST(info_max_size_of_pages_is_below_vmalloc)
{
	int fd = kx_open();
	uint64_t vmalloc_max = max_size_of(fd, KXFER_BACKING_VMALLOC);
	uint64_t pages_max = max_size_of(fd, KXFER_BACKING_PAGES);

	kxt_diag("max_size: vmalloc %" PRIu64 ", pages %" PRIu64,
		 vmalloc_max, pages_max);
	restore(fd);
	ASSERT_GE(pages_max, (uint64_t)kx_page());
	ASSERT_EQ(pages_max % kx_page(), 0ull);
	ASSERT_LT(pages_max, vmalloc_max);
}

TEST(resize_pages_past_its_max_size_fails_einval)
{
	int fd = kx_open();
	uint64_t ps = kx_page(), pages_max = max_size_of(fd, KXFER_BACKING_PAGES);

	kx_resize_to(fd, 2 * ps, KXFER_BACKING_PAGES);
	kx_put_pattern(fd, 0, 2 * ps, 0xb200);
	EXPECT_ERRNO(kx_resize_raw(fd, pages_max + ps, KXFER_BACKING_PAGES),
		     EINVAL);
	EXPECT_ERRNO(kx_resize_raw(fd, pages_max + 1, KXFER_BACKING_PAGES),
		     EINVAL);
	/* From another backing: the limit is the target backing's. */
	kx_resize_to(fd, 2 * ps, KXFER_BACKING_VMALLOC);
	kx_put_pattern(fd, 0, 2 * ps, 0xb200);
	EXPECT_ERRNO(kx_resize_raw(fd, pages_max + ps, KXFER_BACKING_PAGES),
		     EINVAL);
	EXPECT_EQ(kx_size(fd), 2 * ps);
	EXPECT_EQ(backing_of(fd), (uint32_t)KXFER_BACKING_VMALLOC);
	kx_expect_pattern(fd, 0, 2 * ps, 0xb200, "buffer after a refused RESIZE");
	restore(fd);
}

/* 1 GiB is far past the largest buddy block of any kernel this supports. */
TEST(resize_pages_far_beyond_max_order_fails_einval)
{
	int fd = kx_open();
	uint64_t vmalloc_max = max_size_of(fd, KXFER_BACKING_VMALLOC);

	EXPECT_ERRNO(kx_resize_raw(fd, vmalloc_max, KXFER_BACKING_PAGES), EINVAL);
	EXPECT_ERRNO(kx_resize_raw(fd, 1ULL << 30, KXFER_BACKING_PAGES), EINVAL);
	EXPECT_EQ(backing_of(fd), (uint32_t)KXFER_BACKING_VMALLOC);
	restore(fd);
}

TEST(resize_unknown_backing_fails_einval)
{
	static const uint32_t bad[] = { KX_NR_BACKINGS, 7, 0x80000000u,
					0xffffffffu };
	int fd = kx_open();
	uint64_t size = kx_size(fd);

	kx_put_pattern(fd, 0, kx_page(), 0xb300);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_ERRNO(kx_resize_raw(fd, kx_page(), bad[i]), EINVAL);
	ASSERT_EQ(kx_size(fd), size);
	ASSERT_EQ(backing_of(fd), (uint32_t)KXFER_BACKING_VMALLOC);
	kx_expect_pattern(fd, 0, kx_page(), 0xb300,
			  "buffer after RESIZE to an unknown backing");
}

/* CmaFree from /proc/meminfo in bytes; 0 when the kernel has no CMA. */
static uint64_t cma_free_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kib = 0;
	char line[128];

	if (!f)
		FAIL("fopen(/proc/meminfo): %s", kxt_errstr(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CmaFree: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return (uint64_t)kib * 1024;
}

/*
 * RESIZE of a dma* backing to size: with at least that much free CMA it
 * must work; without, the header promises ENOMEM (and the guest runner
 * fails the run if the page allocator WARNs about the order).
 */
static void expect_dma_alloc_per_cma(int fd, uint32_t backing, uint64_t size)
{
	uint64_t cma = cma_free_bytes();
	int r;

	errno = 0;
	r = kx_resize_raw(fd, size, backing);
	kxt_diag("%s: RESIZE to %" PRIu64 " bytes with CmaFree %" PRIu64 ": %s",
		 kx_backing_name(backing), size, cma,
		 r ? kxt_errstr(errno) : "ok");
	if (cma >= size) {
		if (r < 0)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "RESIZE to %" PRIu64 " bytes on %s with %" PRIu64 " bytes of free CMA: %s",
				    size, kx_backing_name(backing), cma,
				    kxt_errstr(errno));
		else
			EXPECT_EQ(kx_size(fd), size);
	} else if (r == 0) {
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "RESIZE to %" PRIu64 " bytes on %s succeeded with only %" PRIu64 " bytes of free CMA",
			    size, kx_backing_name(backing), cma);
	} else if (errno != ENOMEM) {
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "RESIZE to %" PRIu64 " bytes on %s without enough CMA: %s, expected ENOMEM",
			    size, kx_backing_name(backing), kxt_errstr(errno));
	}
}

/* Twice the largest buddy block needs CMA. */
static void resize_beyond_max_order_needs_cma_else_enomem(uint32_t backing)
{
	int fd = kx_open();
	uint64_t pages_max = max_size_of(fd, KXFER_BACKING_PAGES);
	uint64_t dma_max = max_size_of(fd, backing);
	uint64_t size = 2 * pages_max;

	kxt_diag("max_size: pages %" PRIu64 ", %s %" PRIu64, pages_max,
		 kx_backing_name(backing), dma_max);
	if (dma_max < size) {
		restore(fd);
		FAIL("%s max_size %" PRIu64 " is below 2 x the pages max_size; the header says large dma sizes fail with ENOMEM without CMA, so they must be in range",
		     kx_backing_name(backing), dma_max);
	}
	expect_dma_alloc_per_cma(fd, backing, size);
	restore(fd);
}

TEST(resize_dma_beyond_max_order_needs_cma_else_enomem)
{
	resize_beyond_max_order_needs_cma_else_enomem(KXFER_BACKING_DMA);
}

TEST(resize_dma_wc_beyond_max_order_needs_cma_else_enomem)
{
	resize_beyond_max_order_needs_cma_else_enomem(KXFER_BACKING_DMA_WC);
}

TEST(resize_dma_noncoherent_beyond_max_order_needs_cma_else_enomem)
{
	resize_beyond_max_order_needs_cma_else_enomem(KXFER_BACKING_DMA_NONCOHERENT);
}

/*
 * Every backing allocates 1 MiB and 64 MiB where its max_size allows:
 * 1 MiB is below the largest buddy block of every kernel of the matrix
 * (4 MiB with 4K pages), so it must always work, and the pages backing must
 * refuse 64 MiB with EINVAL (above its max_size).  64 MiB of a dma*
 * backing is above the largest buddy block, so it needs CMA: the arm64
 * kernels reserve 64 MiB (CONFIG_CMA_SIZE_MBYTES), the amd64 ones have no
 * CMA, so there it must be ENOMEM (expect_dma_alloc_per_cma).  Under
 * swiotlb=force (the second pass of make test) ABI 3 failed here with
 * ENOMEM: streaming mappings of 1 MiB+ bounced through swiotlb.
 */
static void allocates_1mib_and_64mib(uint32_t backing)
{
	static const uint64_t sizes[] = { 1 * MIB, 64 * MIB };
	int fd = kx_open();
	uint64_t pages_max = max_size_of(fd, KXFER_BACKING_PAGES);
	uint64_t max = max_size_of(fd, backing);

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t size = sizes[i];

		if (size > max) {
			EXPECT_ERRNO(kx_resize_raw(fd, size, backing), EINVAL);
			kxt_diag("%s: %" PRIu64 " bytes is above max_size %" PRIu64 ": EINVAL checked",
				 kx_backing_name(backing), size, max);
			continue;
		}
		if (kx_backing_is_dma(backing) && size > pages_max) {
			expect_dma_alloc_per_cma(fd, backing, size);
		} else if (kx_resize_raw(fd, size, backing) < 0) {
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "RESIZE to %" PRIu64 " bytes on %s: %s",
				    size, kx_backing_name(backing),
				    kxt_errstr(errno));
			continue;
		}
		if (kx_size(fd) != size || backing_of(fd) != backing)
			continue;
		/* Both ends hold what was written: nothing was bounced. */
		kx_put_pattern(fd, 0, kx_page(), 0xb250 + i);
		kx_put_pattern(fd, size - kx_page(), kx_page(), 0xb260 + i);
		kx_expect_pattern(fd, 0, kx_page(), 0xb250 + i, "first page");
		kx_expect_pattern(fd, size - kx_page(), kx_page(), 0xb260 + i,
				  "last page");
	}
	if (backing == KXFER_BACKING_PAGES)
		EXPECT_LT(max, 64 * MIB);
	restore(fd);
}
KX_EACH_BACKING(allocates_1mib_and_64mib)

/* --- data through every backing's mapping --- */

#define COH_PAGES 4

struct coh {
	int fd;
	uint32_t backing;
	uint64_t len;
	volatile uint64_t *map;
};

static void coh_setup(struct coh *c, uint32_t backing, uint32_t work,
		      uint32_t seed)
{
	c->fd = kx_open();
	c->backing = backing;
	c->len = COH_PAGES * kx_page();
	kx_resize_to(c->fd, c->len, backing);
	kx_set_mode(c->fd, work, seed);
	c->map = kx_map(c->fd, c->len, 0, RW, MAP_SHARED);
	kxt_diag("backing %s, %" PRIu64 " bytes", kx_backing_name(backing),
		 c->len);
}

static void coh_teardown(struct coh *c)
{
	ASSERT_OK(munmap((void *)c->map, c->len));
	restore(c->fd);
	close(c->fd);
}

/*
 * write(), then loads through the mapping.  The kernel's view and user
 * space's are both the CPU's, so no SYNC is needed on any backing.
 */
static void write_then_mapping_reads_it(uint32_t backing)
{
	struct coh c;

	coh_setup(&c, backing, KXFER_WORK_NONE, 0);
	kx_put_pattern(c.fd, 0, c.len, 0xb401);
	expect_words(c.map, c.len, 0xb401, "mapping after write()");
	coh_teardown(&c);
}
KX_EACH_BACKING(write_then_mapping_reads_it)

/* Stores through the mapping, then read(). */
static void mapping_write_then_read_sees_it(uint32_t backing)
{
	struct coh c;

	coh_setup(&c, backing, KXFER_WORK_NONE, 0);
	store_words(c.map, c.len, 0xb402);
	kx_expect_pattern(c.fd, 0, c.len, 0xb402,
			  "read() after stores through the mapping");
	coh_teardown(&c);
}
KX_EACH_BACKING(mapping_write_then_read_sees_it)

/* SUBMIT does its own maintenance: no SYNC ioctl here. */
static void submit_checksums_mapping_stores(uint32_t backing)
{
	struct coh c;
	struct kxfer_xfer x;
	uint8_t *want;
	uint64_t off = 13, len;

	coh_setup(&c, backing, KXFER_WORK_CHECKSUM, 0);
	want = (uint8_t *)pattern_words(c.len, 0xb403);
	store_words(c.map, c.len, 0xb403);
	x = (struct kxfer_xfer){ .offset = 0, .length = c.len };
	ASSERT_OK(ioctl(c.fd, KXFER_IOC_SUBMIT, &x));
	EXPECT_EQ(x.csum, kx_crc32c(KX_CRC32C_INIT, want, c.len));
	/* A range whose ends are not cache-line aligned. */
	len = c.len - off - 29;
	x = (struct kxfer_xfer){ .offset = off, .length = len };
	ASSERT_OK(ioctl(c.fd, KXFER_IOC_SUBMIT, &x));
	EXPECT_EQ(x.csum, kx_crc32c(KX_CRC32C_INIT, want + off, len));
	/* SUBMIT hands the range over; it must not change a byte of it. */
	expect_words(c.map, c.len, 0xb403, "mapping after SUBMIT");
	kx_expect_pattern(c.fd, 0, c.len, 0xb403, "read() after SUBMIT");
	free(want);
	coh_teardown(&c);
}
KX_EACH_BACKING(submit_checksums_mapping_stores)

/* FETCH does its own maintenance: no SYNC ioctl here. */
static void fetch_fill_shows_in_mapping(uint32_t backing)
{
	struct coh c;
	struct kxfer_xfer x;

	coh_setup(&c, backing, KXFER_WORK_FILL, 0xb404);
	x = (struct kxfer_xfer){ .offset = 0, .length = c.len };
	ASSERT_OK(ioctl(c.fd, KXFER_IOC_FETCH, &x));
	expect_words(c.map, c.len, 0xb404, "mapping after FETCH in fill mode");
	coh_teardown(&c);
}
KX_EACH_BACKING(fetch_fill_shows_in_mapping)

/*
 * FETCH without fill takes the range back for the CPU (SYNC_FOR_CPU
 * (FROM_DEVICE) on dma-noncoherent): the bytes user space stored before
 * must survive it.  ABI 3 under swiotlb=force copied the stale bounce
 * buffer over them.
 */
static void fetch_keeps_mapping_stores(uint32_t backing)
{
	struct coh c;
	struct kxfer_xfer x;

	coh_setup(&c, backing, KXFER_WORK_NONE, 0);
	store_words(c.map, c.len, 0xb405);
	x = (struct kxfer_xfer){ .offset = 0, .length = c.len };
	ASSERT_OK(ioctl(c.fd, KXFER_IOC_FETCH, &x));
	x = (struct kxfer_xfer){ .offset = 5, .length = c.len - 77 };
	ASSERT_OK(ioctl(c.fd, KXFER_IOC_FETCH, &x));
	expect_words(c.map, c.len, 0xb405, "mapping after FETCH");
	kx_expect_pattern(c.fd, 0, c.len, 0xb405, "read() after FETCH");
	coh_teardown(&c);
}
KX_EACH_BACKING(fetch_keeps_mapping_stores)

/*
 * SYNC_FOR_CPU writes back before it invalidates (the header), so every
 * direction keeps what the CPU stored through the mapping and with
 * write(); SYNC_FOR_DEVICE never changes a byte.  ABI 3 under
 * swiotlb=force: SYNC_FOR_CPU(FROM_DEVICE) turned the stores into zeros.
 */
static void sync_keeps_cpu_stores(uint32_t backing)
{
	static const uint32_t dirs[] = {
		KXFER_SYNC_BIDIRECTIONAL, KXFER_SYNC_TO_DEVICE,
		KXFER_SYNC_FROM_DEVICE,
	};
	struct coh c;

	coh_setup(&c, backing, KXFER_WORK_NONE, 0);
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		uint32_t seed = 0xb410 + d;
		char what[96];

		store_words(c.map, c.len, seed);
		sync_ok(c.fd, KXFER_IOC_SYNC_FOR_CPU, 0, c.len, dirs[d]);
		snprintf(what, sizeof(what),
			 "read() after stores and SYNC_FOR_CPU(direction %u)",
			 dirs[d]);
		kx_expect_pattern(c.fd, 0, c.len, seed, what);
		kx_put_pattern(c.fd, 0, c.len, seed + 0x10);
		sync_ok(c.fd, KXFER_IOC_SYNC_FOR_DEVICE, 0, c.len, dirs[d]);
		sync_ok(c.fd, KXFER_IOC_SYNC_FOR_CPU, 3, c.len - 11, dirs[d]);
		snprintf(what, sizeof(what),
			 "mapping after write() and SYNC_FOR_DEVICE/CPU(direction %u)",
			 dirs[d]);
		expect_words(c.map, c.len, seed + 0x10, what);
	}
	coh_teardown(&c);
}
KX_EACH_BACKING(sync_keeps_cpu_stores)

#if defined(__x86_64__) || defined(__i386__)
/*
 * x86 PAT keeps one memory type per physical page: a mapping asking for a
 * type the page cannot have logs "x86/PAT: ... conflicting memory types"
 * or "got write-back".  ABI 4 maps ordinary RAM cached and dma* memory as
 * the DMA API chose, so no mapping of any backing may provoke that.
 */
static void pat_has_no_complaint(uint32_t backing)
{
	char lines[4096], me[24], *hit;
	struct coh c;
	int kmsg = kx_kmsg_open();

	coh_setup(&c, backing, KXFER_WORK_NONE, 0);
	(void)c.map[0];		/* fault it in, in case PAT decides there */
	coh_teardown(&c);
	kx_kmsg_lines(kmsg, 7, lines, sizeof(lines));
	close(kmsg);
	/* Only this process's lines: "x86/PAT: comm:pid map pfn ..." */
	snprintf(me, sizeof(me), ":%d ", (int)getpid());
	for (hit = strstr(lines, "x86/PAT:"); hit;
	     hit = strstr(hit + 1, "x86/PAT:")) {
		size_t n = strcspn(hit, "\n");
		char *pid = strstr(hit, me);

		if (pid && pid < hit + n) {
			hit[n] = 0;
			FAIL("mapping the %s backing: %s",
			     kx_backing_name(backing), hit);
		}
	}
}
KX_EACH_BACKING(pat_has_no_complaint)
#endif

/* --- SYNC_FOR_CPU / SYNC_FOR_DEVICE argument checks --- */

static const unsigned long sync_cmds[] = {
	KXFER_IOC_SYNC_FOR_CPU, KXFER_IOC_SYNC_FOR_DEVICE,
};
#define NR_SYNC_CMDS (sizeof(sync_cmds) / sizeof(sync_cmds[0]))

TEST(sync_nonzero_flags_fails_einval)
{
	int fd = kx_open();

	for (size_t i = 0; i < NR_SYNC_CMDS; i++) {
		EXPECT_ERRNO(sync_raw(fd, sync_cmds[i], 0, kx_page(),
				      KXFER_SYNC_BIDIRECTIONAL, 1), EINVAL);
		EXPECT_ERRNO(sync_raw(fd, sync_cmds[i], 0, kx_page(),
				      KXFER_SYNC_TO_DEVICE, 0x80000000u),
			     EINVAL);
	}
}

TEST(sync_unknown_direction_fails_einval)
{
	int fd = kx_open();

	for (size_t i = 0; i < NR_SYNC_CMDS; i++) {
		EXPECT_ERRNO(sync_raw(fd, sync_cmds[i], 0, kx_page(), 3, 0),
			     EINVAL);
		EXPECT_ERRNO(sync_raw(fd, sync_cmds[i], 0, kx_page(),
				      0xffffffffu, 0), EINVAL);
	}
}

TEST(sync_range_past_end_fails_einval)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);
	const struct { uint64_t off, len; } bad[] = {
		{ 0, size + 1 },
		{ size, 1 },
		{ size + 1, 0 },		/* empty, but starts past the end */
		{ size - 1, 2 },
		{ 8, UINT64_MAX - 7 },		/* offset + length wraps to 0 */
		{ UINT64_MAX, 1 },		/* wraps to 0 */
		{ 1, UINT64_MAX },		/* wraps to 0 */
		{ UINT64_MAX - kx_page() + 1, kx_page() },	/* wraps to 0 */
		{ 1ULL << 63, 1ULL << 63 },	/* wraps to 0 */
	};

	for (size_t i = 0; i < NR_SYNC_CMDS; i++)
		for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			errno = 0;
			if (sync_raw(fd, sync_cmds[i], bad[j].off, bad[j].len,
				     KXFER_SYNC_TO_DEVICE, 0) == 0 ||
			    errno != EINVAL)
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "%s {offset %#" PRIx64 ", length %#" PRIx64 "} on a %" PRIu64 "-byte buffer: %s, expected EINVAL",
					    sync_name(sync_cmds[i]), bad[j].off,
					    bad[j].len, size,
					    errno ? kxt_errstr(errno) : "success");
		}
}

TEST(sync_zero_length_succeeds)
{
	int fd = kx_open();
	uint64_t size = kx_size(fd);

	for (size_t i = 0; i < NR_SYNC_CMDS; i++) {
		EXPECT_OK(sync_raw(fd, sync_cmds[i], 0, 0,
				   KXFER_SYNC_BIDIRECTIONAL, 0));
		EXPECT_OK(sync_raw(fd, sync_cmds[i], 123, 0,
				   KXFER_SYNC_TO_DEVICE, 0));
		EXPECT_OK(sync_raw(fd, sync_cmds[i], size, 0,
				   KXFER_SYNC_FROM_DEVICE, 0));
	}
}

TEST(sync_bad_pointer_fails_efault)
{
	int fd = kx_open();

	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_SYNC_FOR_CPU, kx_bad_ptr()), EFAULT);
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_SYNC_FOR_DEVICE, kx_bad_ptr()),
		     EFAULT);
	EXPECT_ERRNO(ioctl(fd, KXFER_IOC_SYNC_FOR_CPU, NULL), EFAULT);
}

/*
 * Every backing, every direction, whole and unaligned ranges.  Each
 * SYNC_FOR_CPU follows a SYNC_FOR_DEVICE, which writes dirty lines back
 * first, so the data written with write() must survive even where
 * SYNC_FOR_CPU invalidates the kernel's lines.
 */
TEST(sync_works_on_every_backing_and_keeps_data)
{
	static const uint32_t dirs[] = {
		KXFER_SYNC_BIDIRECTIONAL, KXFER_SYNC_TO_DEVICE,
		KXFER_SYNC_FROM_DEVICE,
	};
	uint64_t len = 4 * kx_page();
	int fd = kx_open();

	for (uint32_t b = 0; b < KX_NR_BACKINGS; b++) {
		kx_resize_to(fd, len, b);
		kx_put_pattern(fd, 0, len, 0xb500 + b);
		for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
			sync_ok(fd, KXFER_IOC_SYNC_FOR_DEVICE, 0, len, dirs[d]);
			sync_ok(fd, KXFER_IOC_SYNC_FOR_CPU, 0, len, dirs[d]);
			sync_ok(fd, KXFER_IOC_SYNC_FOR_DEVICE, 7, len - 20,
				dirs[d]);
			sync_ok(fd, KXFER_IOC_SYNC_FOR_CPU, 7, len - 20,
				dirs[d]);
		}
		kx_expect_pattern(fd, 0, len, 0xb500 + b,
				  "buffer after SYNC_FOR_DEVICE/SYNC_FOR_CPU pairs");
	}
	restore(fd);
}

/* --- get_user_pages() users and the dma backing's PFN map --- */

static ssize_t read_other_mm(void *dst, void *src, size_t len)
{
	struct iovec local = { dst, len }, remote = { src, len };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
}

/*
 * get_user_pages() works on the page-backed mappings; the header says the
 * dma* mappings are PFN maps that it cannot use (EFAULT), while the
 * mapping itself works (word loads: it may be non-cacheable).
 */
static void process_vm_readv_per_backing(uint32_t backing)
{
	uint64_t len = 2 * kx_page();
	int fd = kx_open();
	void *map, *buf = kx_alloc(len);

	kx_resize_to(fd, len, backing);
	kx_put_pattern(fd, 0, len, 0xb600 + backing);
	map = kx_map(fd, len, 0, PROT_READ, MAP_SHARED);
	if (kx_backing_is_dma(backing)) {
		EXPECT_ERRNO(read_other_mm(buf, map, len), EFAULT);
	} else {
		ASSERT_EQ(read_other_mm(buf, map, len), (ssize_t)len);
		kx_expect_pattern_mem(buf, 0, len, 0xb600 + backing,
				      "bytes process_vm_readv() read from the mapping");
	}
	expect_words(map, len, 0xb600 + backing, "the mapping");
	ASSERT_OK(munmap(map, len));
	free(buf);
	restore(fd);
}
KX_EACH_BACKING(process_vm_readv_per_backing)

/* --- the backing= module parameter --- */

TEST(load_backing_pages_over_its_max_size_fails_einval)
{
	char params[96];
	uint64_t pages_max;
	int fd;

	kx_require_ko();
	fd = kx_open();
	pages_max = max_size_of(fd, KXFER_BACKING_PAGES);
	restore(fd);
	close(fd);
	snprintf(params, sizeof(params), "backing=pages buf_size=%" PRIu64,
		 pages_max + kx_page());
	kx_expect_load_rejected(params);
}

TEST(load_backing_bogus_fails_einval)
{
	kx_expect_load_rejected("backing=bogus");
}

static void load_with_backing_param_works(uint32_t backing)
{
	uint64_t size = 16 * kx_page();
	char params[96], name[64];
	void *map;
	int fd, r;

	kx_require_ko();
	snprintf(params, sizeof(params), "backing=%s buf_size=%" PRIu64,
		 kx_backing_name(backing), size);
	kx_module_reload(params);
	fd = kx_open();
	EXPECT_EQ(backing_of(fd), backing);
	EXPECT_EQ(kx_size(fd), size);
	r = kx_sysfs_read("backing", name, sizeof(name));
	if (r < 0)
		kxt_fail_at(__FILE__, __LINE__, 0, "reading %s: %s",
			    kx_sysfs_path("backing"), kxt_errstr(-r));
	else if (strcmp(name, kx_backing_name(backing)))
		kxt_fail_at(__FILE__, __LINE__, 0, "%s holds '%s', expected '%s'",
			    kx_sysfs_path("backing"), name,
			    kx_backing_name(backing));
	kx_expect_byte(fd, 0, size, 0, "a freshly loaded buffer");
	kx_put_pattern(fd, 0, size, 0xb700 + backing);
	kx_expect_pattern(fd, 0, size, 0xb700 + backing, "read() after write()");
	map = kx_map(fd, size, 0, PROT_READ, MAP_SHARED);
	expect_words(map, size, 0xb700 + backing, "mapping after write()");
	ASSERT_OK(munmap(map, size));
	close(fd);
	kx_module_restore();
}
KX_EACH_BACKING(load_with_backing_param_works)

// SPDX-License-Identifier: GPL-2.0
/*
 * Revocable mappings (ABI 4, KXFER_FEAT_REVOKE): RESIZE succeeds while
 * the buffer is mapped and revokes the mappings, exactly as the comment
 * on struct kxfer_resize says:
 *  - vmalloc or pages to vmalloc or pages, and shmem to shmem: the old
 *    mapping stays usable and every later access reaches the new buffer
 *    (new bytes written with write() show, stores show in read()); pages
 *    past the new end raise SIGBUS;
 *  - any other pair, and every dma* backing (dma to dma too): every
 *    access to the old mapping raises SIGBUS; a new mmap() works.
 * Every (old, new) backing pair is checked for a smaller and a bigger new
 * size, with a mapping in this process, one in another process and one
 * whose file is closed.  Accesses are single aligned 8-byte words with
 * SIGBUS caught (kx_probe_access), fine on every page attribute.
 *
 * Runs after resize.c (60) and before backing.c (85).
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 62
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

#define RW (PROT_READ | PROT_WRITE)
#define OLD_PAGES 8

static void restore(int fd)
{
	kx_resize(fd, kx_start_size);
}

static int is_plain(uint32_t b)
{
	return b == KXFER_BACKING_VMALLOC || b == KXFER_BACKING_PAGES;
}

/* The header's rule: does the old mapping reach the new buffer? */
static int mapping_survives(uint32_t from, uint32_t to)
{
	return (is_plain(from) && is_plain(to)) ||
	       (from == KXFER_BACKING_SHMEM && to == KXFER_BACKING_SHMEM);
}

/* The fill-pattern word of seed at the 8-aligned buffer offset off. */
static uint64_t pattern_word(uint64_t off, uint32_t seed)
{
	uint64_t w;

	kx_pattern_fill(&w, off, sizeof(w), seed);
	return w;
}

/*
 * Checks an old mapping of old_len bytes after RESIZE from -> to of
 * new_len bytes whose contents were then rewritten with seed: one word
 * in the middle of every page, the first and the last word.  Returns the
 * number of mismatches (each reported).
 */
static int check_old_mapping(volatile char *m, uint64_t old_len,
			     uint64_t new_len, uint32_t from, uint32_t to,
			     uint32_t seed)
{
	uint64_t ps = kx_page();
	int bad = 0;

	for (uint64_t off = 0; off < old_len; off += ps) {
		uint64_t probes[2] = { off + ps / 2, off == 0 ? 0 : off + ps - 8 };

		for (int i = 0; i < 2; i++) {
			uint64_t o = probes[i], got = 0;
			int sig = kx_probe_access(m + o, 0, 0, &got);
			int want_sig = !mapping_survives(from, to) ||
				       o >= new_len;

			if (want_sig && sig != SIGBUS) {
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "%s -> %s, %" PRIu64 " -> %" PRIu64 " bytes: load at offset %" PRIu64 " of the old mapping %s, expected SIGBUS",
					    kx_backing_name(from),
					    kx_backing_name(to), old_len,
					    new_len, o,
					    sig ? strsignal(sig) : "completed");
				bad++;
			} else if (!want_sig && sig) {
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "%s -> %s, %" PRIu64 " -> %" PRIu64 " bytes: load at offset %" PRIu64 " of the old mapping raised %s, expected the new buffer's bytes",
					    kx_backing_name(from),
					    kx_backing_name(to), old_len,
					    new_len, o, strsignal(sig));
				bad++;
			} else if (!want_sig && got != pattern_word(o, seed)) {
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "%s -> %s, %" PRIu64 " -> %" PRIu64 " bytes: word at offset %" PRIu64 " of the old mapping is %#018" PRIx64 ", the new buffer holds %#018" PRIx64,
					    kx_backing_name(from),
					    kx_backing_name(to), old_len,
					    new_len, o, got,
					    pattern_word(o, seed));
				bad++;
			}
		}
	}
	return bad;
}

/*
 * One (from, to, new size) case with a mapping made in this process:
 * RESIZE must succeed, the old mapping behave per the header, a store
 * through a surviving mapping reach the new buffer, and a new mapping
 * see the new buffer.
 */
static void revoke_case(int fd, uint32_t from, uint32_t to, uint64_t new_len)
{
	uint64_t ps = kx_page(), old_len = OLD_PAGES * ps;
	uint32_t seed = 0x6200 + from * 16 + to;
	volatile char *m, *n;

	kx_resize_to(fd, old_len, from);
	kx_put_pattern(fd, 0, old_len, seed);
	m = kx_map(fd, old_len, 0, RW, MAP_SHARED);
	/* Fault every page in, so that revocation has PTEs to zap. */
	for (uint64_t off = 0; off < old_len; off += ps)
		(void)*(volatile uint64_t *)(m + off);
	if (kx_resize_raw(fd, new_len, to) < 0) {
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "RESIZE %s -> %s (%" PRIu64 " -> %" PRIu64 " bytes) while mapped: %s, expected success (KXFER_FEAT_REVOKE)",
			    kx_backing_name(from), kx_backing_name(to),
			    old_len, new_len, kxt_errstr(errno));
		ASSERT_OK(munmap((void *)m, old_len));
		return;
	}
	/* New bytes, so that a mapping of the old buffer would show. */
	kx_put_pattern(fd, 0, new_len, seed + 1);
	check_old_mapping(m, old_len, new_len, from, to, seed + 1);
	if (mapping_survives(from, to)) {
		uint64_t o = (new_len < old_len ? new_len : old_len) - 8;

		ASSERT_EQ(kx_probe_access(m + o, 1, 0x1122334455667788ull,
					  NULL), 0);
		ASSERT_EQ(kx_probe_access(m, 1, 0x0102030405060708ull, NULL),
			  0);
		kx_expect_byte(fd, 0, 1, 0x08,
			       "first byte after a store through the old mapping");
		kx_expect_byte(fd, o + 7, 1, 0x11,
			       "last stored byte through the old mapping");
		kx_put_pattern(fd, 0, new_len, seed + 1);
	}
	n = kx_map(fd, new_len, 0, RW, MAP_SHARED);
	for (uint64_t off = 0; off < new_len; off += ps) {
		uint64_t got = 0;

		if (kx_probe_access(n + off, 0, 0, &got) ||
		    got != pattern_word(off, seed + 1)) {
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s -> %s: a new mapping does not show the new buffer at offset %" PRIu64,
				    kx_backing_name(from), kx_backing_name(to),
				    off);
			break;
		}
	}
	ASSERT_OK(munmap((void *)n, new_len));
	ASSERT_OK(munmap((void *)m, old_len));
}

static void revoke_from(uint32_t from)
{
	uint64_t ps = kx_page();
	int fd = kx_open();

	for (uint32_t to = 0; to < KX_NR_BACKINGS; to++) {
		revoke_case(fd, from, to, (OLD_PAGES / 2) * ps);	/* smaller */
		revoke_case(fd, from, to, (OLD_PAGES + 4) * ps);	/* bigger */
		revoke_case(fd, from, to, OLD_PAGES * ps);		/* same */
	}
	restore(fd);
	close(fd);
}

TEST(revoke_resize_from_vmalloc_to_every_backing)
{
	revoke_from(KXFER_BACKING_VMALLOC);
}

TEST(revoke_resize_from_pages_to_every_backing)
{
	revoke_from(KXFER_BACKING_PAGES);
}

TEST(revoke_resize_from_dma_to_every_backing)
{
	revoke_from(KXFER_BACKING_DMA);
}

TEST(revoke_resize_from_shmem_to_every_backing)
{
	revoke_from(KXFER_BACKING_SHMEM);
}

TEST(revoke_resize_from_dma_wc_to_every_backing)
{
	revoke_from(KXFER_BACKING_DMA_WC);
}

TEST(revoke_resize_from_dma_noncoherent_to_every_backing)
{
	revoke_from(KXFER_BACKING_DMA_NONCOHERENT);
}

/*
 * A mapping held by another process whose file is closed: RESIZE from
 * here revokes it there too (unmap_mapping_range() on the shared address
 * space).  vmalloc -> smaller vmalloc: the child sees the new bytes below
 * the new end and SIGBUS past it; vmalloc -> dma: SIGBUS everywhere.
 */
static void revoke_in_other_process(uint32_t to)
{
	uint64_t ps = kx_page(), old_len = OLD_PAGES * ps;
	uint64_t new_len = (OLD_PAGES / 2) * ps;
	int fd = kx_open();
	struct kx_sync s;
	pid_t pid;

	kx_resize_to(fd, old_len, KXFER_BACKING_VMALLOC);
	kx_put_pattern(fd, 0, old_len, 0x6301);
	kx_sync_init(&s);
	pid = kxt_fork();
	if (pid == 0) {
		int cfd = kx_open();
		volatile char *m = kx_map(cfd, old_len, 0, RW, MAP_SHARED);

		close(cfd);
		for (uint64_t off = 0; off < old_len; off += ps)
			(void)*(volatile uint64_t *)(m + off);
		kx_sync_in_child(&s);
		kx_sync_tell_parent(&s);
		kx_sync_wait_parent(&s);
		check_old_mapping(m, old_len, new_len, KXFER_BACKING_VMALLOC,
				  to, 0x6302);
		kxt_child_exit();
	}
	kx_sync_in_parent(&s);
	kx_sync_wait_child(&s);
	if (kx_resize_raw(fd, new_len, to) < 0)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "RESIZE to %s while another process maps the buffer: %s",
			    kx_backing_name(to), kxt_errstr(errno));
	else
		kx_put_pattern(fd, 0, new_len, 0x6302);
	kx_sync_tell_child(&s);
	ASSERT_TRUE(kxt_wait_ok(pid, "the process holding the old mapping"));
	restore(fd);
	close(fd);
}

TEST(revoke_reaches_mapping_of_other_process_vmalloc_to_vmalloc)
{
	revoke_in_other_process(KXFER_BACKING_VMALLOC);
}

TEST(revoke_reaches_mapping_of_other_process_vmalloc_to_dma)
{
	revoke_in_other_process(KXFER_BACKING_DMA);
}

/* The mapping count follows VMAs, not revocation: munmap() balances it. */
TEST(revoke_keeps_nr_mappings_balanced)
{
	uint64_t ps = kx_page();
	struct kxfer_info info;
	uint32_t before;
	int fd = kx_open();
	void *m;

	kx_resize_to(fd, 4 * ps, KXFER_BACKING_VMALLOC);
	kx_info(fd, &info);
	before = info.nr_mappings;
	m = kx_map(fd, 4 * ps, 0, RW, MAP_SHARED);
	kx_resize_to(fd, 2 * ps, KXFER_BACKING_DMA);
	kx_resize_to(fd, 3 * ps, KXFER_BACKING_PAGES);
	ASSERT_OK(munmap(m, 4 * ps));
	kx_info(fd, &info);
	EXPECT_EQ(info.nr_mappings, before);
	restore(fd);
	close(fd);
}

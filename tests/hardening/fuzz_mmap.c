// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() fuzzing against the reference model (model.c): lengths (0, odd,
 * past the buffer, past the address space, overflowing when rounded to a
 * page), offsets (unaligned, past the end, near 2^63 and 2^64), every
 * protection, shared/private/validated/invalid mapping types with extra
 * flags, and files opened read-only, write-only and read-write.
 *
 * A mapping that succeeds must show the buffer's bytes at its offset,
 * carry stores to the buffer when it is shared, count once in
 * INFO.nr_mappings, refuse to become writable when it is not shared,
 * refuse to grow (mremap), count twice once split, and leave no count
 * behind once unmapped.  A mapping that fails must leave no count either.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 32
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fuzz_pick.h"
#include "fuzz_report.h"
#include "model.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

struct mmap_fuzz {
	struct model_dev d;
	struct hx_rng r;
	int fd_rw, fd_ro, fd_wo, vfd;
	int noexec;
	unsigned long reports, ok, failed, split, shrunk, protected_,
		      grown, resized;
	char desc[400];
};

static uint64_t pick_len(struct mmap_fuzz *f)
{
	uint64_t ps = f->d.page, size = f->d.size;
	const uint64_t edges[] = {
		0, 1, ps - 1, ps, ps + 1, size - 1, size, size + 1, size + ps,
		2 * size, 1ULL << 56, 1ULL << 63, UINT64_MAX,
		UINT64_MAX - ps + 2, UINT64_MAX - 2 * ps,
	};

	if (hx_chance(&f->r, 70))
		return hx_between(&f->r, 1, size / ps + 1) * ps -
		       (hx_chance(&f->r, 30) ? hx_below(&f->r, ps) : 0);
	return edges[hx_below(&f->r, sizeof(edges) / sizeof(edges[0]))];
}

static uint64_t pick_off(struct mmap_fuzz *f)
{
	uint64_t ps = f->d.page, size = f->d.size;
	const uint64_t edges[] = {
		1, ps - 1, ps + 1, size, size + ps, 1ULL << 62,
		(1ULL << 63) - ps, 1ULL << 63, UINT64_MAX - ps + 1,
		UINT64_MAX - 2 * ps + 1, UINT64_MAX,
	};

	if (hx_chance(&f->r, 70))
		return hx_below(&f->r, size / ps + 2) * ps;
	return edges[hx_below(&f->r, sizeof(edges) / sizeof(edges[0]))];
}

static int pick_prot(struct mmap_fuzz *f)
{
	static const int prots[] = {
		PROT_READ, PROT_READ, PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_NONE,
		PROT_WRITE, PROT_READ | PROT_EXEC,
		PROT_READ | PROT_WRITE | PROT_EXEC, PROT_EXEC,
	};

	return prots[hx_below(&f->r, sizeof(prots) / sizeof(prots[0]))];
}

static int pick_flags(struct mmap_fuzz *f)
{
	static const int extras[] = {
		MAP_POPULATE, MAP_NORESERVE, MAP_LOCKED, MAP_SYNC,
	};
	unsigned int v = hx_below(&f->r, 100);
	int flags;

	if (v < 45)
		flags = MAP_SHARED;
	else if (v < 70)
		flags = MAP_PRIVATE;
	else if (v < 85)
		flags = MAP_SHARED_VALIDATE;
	else
		flags = hx_chance(&f->r, 30) ? 0 : 4 + (int)hx_below(&f->r, 12);
	if (hx_chance(&f->r, 30))
		flags |= extras[hx_below(&f->r, sizeof(extras) /
					      sizeof(extras[0]))];
	return flags;
}

static const char *fmode_name(int fmode)
{
	switch (fmode & O_ACCMODE) {
	case O_RDONLY: return "O_RDONLY";
	case O_WRONLY: return "O_WRONLY";
	default: return "O_RDWR";
	}
}

static unsigned int nr_mappings(struct mmap_fuzz *f)
{
	struct kxfer_info info;

	kx_info(f->vfd, &info);
	return info.nr_mappings;
}

static void expect_mappings(struct mmap_fuzz *f, const char *when)
{
	unsigned int n = nr_mappings(f);

	if (n != f->d.mapped) {
		fuzz_report(f, "%s: INFO.nr_mappings is %u, expected %u", when, n,
		            f->d.mapped);
		f->d.mapped = n;
	}
}

/* Exercise a mapping that succeeded, then unmap it. */
static void use_mapping(struct mmap_fuzz *f, const struct model_mmap *c,
			char *m)
{
	uint64_t ps = f->d.page, alen = hx_page_align(c->len);
	int shared = model_mmap_shared(c);
	int rc, e;

	f->d.mapped++;
	model_count(&f->d, KXFER_PATH_MMAP, alen);
	expect_mappings(f, "after mmap");

	if ((c->prot & PROT_READ) && memcmp(m, f->d.shadow + c->off, alen)) {
		uint64_t i = 0;

		while (m[i] == (char)f->d.shadow[c->off + i])
			i++;
		fuzz_report(f, "the mapping shows 0x%02x at buffer offset %" PRIu64 ", the buffer holds 0x%02x",
		            (unsigned char)m[i], c->off + i,
		            f->d.shadow[c->off + i]);
	}
	if ((c->prot & PROT_WRITE) && shared) {
		for (int i = 0; i < 3; i++) {
			uint64_t o = hx_below(&f->r, alen);
			unsigned char v = (unsigned char)hx_next(&f->r);

			m[o] = (char)v;
			f->d.shadow[c->off + o] = v;
		}
	}

	switch (hx_below(&f->r, 4)) {
	case 0:
		/* design: a non-shared mapping cannot be made writable. */
		errno = 0;
		rc = mprotect(m, alen, PROT_READ | PROT_WRITE);
		e = rc ? errno : 0;
		f->protected_++;
		if (e != (shared ? 0 : EACCES))
			fuzz_report(f, "mprotect(PROT_READ | PROT_WRITE): expected %s, got %s",
			            shared ? "success" : "EACCES", hx_errname(e));
		if (!e && shared) {
			m[0] = 0x3c;
			f->d.shadow[c->off] = 0x3c;
		}
		break;
	case 1:
		/* design: VM_DONTEXPAND, mremap() cannot grow it. */
		errno = 0;
		e = mremap(m, alen, alen + ps, 0) == MAP_FAILED ? errno : 0;
		f->grown++;
		if (e != EFAULT)
			fuzz_report(f, "mremap() growing the mapping: expected EFAULT, got %s",
			            hx_errname(e));
		break;
	case 2:
		if (alen < 3 * ps)
			break;
		/* A hole in the middle leaves two VMAs. */
		ASSERT_OK(munmap(m + ps, ps));
		f->d.mapped++;
		f->split++;
		expect_mappings(f, "after unmapping a middle page");
		ASSERT_OK(munmap(m, ps));
		f->d.mapped--;
		expect_mappings(f, "after unmapping the first page");
		ASSERT_OK(munmap(m + 2 * ps, alen - 2 * ps));
		f->d.mapped--;
		expect_mappings(f, "after munmap");
		return;
	default:
		if (alen < 2 * ps)
			break;
		/* Shrinking in place keeps one VMA. */
		if (mremap(m, alen, alen - ps, 0) == MAP_FAILED) {
			fuzz_report(f, "mremap() shrinking by a page: %s",
			            kxt_errstr(errno));
			break;
		}
		f->shrunk++;
		alen -= ps;
		expect_mappings(f, "after shrinking with mremap()");
		break;
	}
	ASSERT_OK(munmap(m, alen));
	f->d.mapped--;
	expect_mappings(f, "after munmap");
}

static void one_case(struct mmap_fuzz *f, unsigned long i)
{
	struct model_mmap c;
	struct hx_want w;
	long ret;
	int fd, got;

	c.len = pick_len(f);
	c.off = pick_off(f);
	c.prot = pick_prot(f);
	c.flags = pick_flags(f);
	switch (hx_below(&f->r, 100) / 15) {
	case 0:
		c.fmode = O_RDONLY;
		fd = f->fd_ro;
		break;
	case 1:
		c.fmode = O_WRONLY;
		fd = f->fd_wo;
		break;
	default:
		c.fmode = O_RDWR;
		fd = f->fd_rw;
		break;
	}
	snprintf(f->desc, sizeof(f->desc),
		 "case %lu: mmap(len %#" PRIx64 ", prot %#x, flags %#x, %s fd, offset %#" PRIx64 ") of a %" PRIu64 "-byte buffer",
		 i, c.len, c.prot, c.flags, fmode_name(c.fmode), c.off,
		 f->d.size);

	model_mmap(&f->d, &c, f->noexec, &w);
	/* The raw syscall: libc's wrapper has opinions about offsets. */
	errno = 0;
	ret = syscall(SYS_mmap, NULL, c.len, c.prot, c.flags, fd, c.off);
	got = ret == -1 ? errno : 0;
	if (!hx_want_has(&w, got)) {
		fuzz_report(f, "expected %s, got %s", hx_want_str(&w),
		            hx_errname(got));
		if (!got)
			munmap((void *)ret, hx_page_align(c.len));
		expect_mappings(f, "after the case");
		return;
	}
	if (got) {
		f->failed++;
		expect_mappings(f, "after a failed mmap");
		return;
	}
	f->ok++;
	use_mapping(f, &c, (char *)ret);
}

static void resize_between_cases(struct mmap_fuzz *f)
{
	uint64_t ps = f->d.page, size = hx_between(&f->r, 1, 16) * ps;

	kx_resize(f->vfd, size);
	model_resize(&f->d, size);
	f->resized++;
}

TEST_TIMEOUT(fuzz_mmap_args_match_reference_model, 900)
{
	struct mmap_fuzz *f = hx_calloc(1, sizeof(*f));
	unsigned long cases = hx_cases();
	uint64_t seed = hx_seed(), ps = kx_page();
	struct kxfer_info start;
	struct kxfer_stats st;
	struct statvfs sv;

	f->fd_rw = kx_open_flags(O_RDWR);
	f->fd_ro = kx_open_flags(O_RDONLY);
	f->fd_wo = kx_open_flags(O_WRONLY);
	f->vfd = kx_open();
	ASSERT_OK(statvfs(kx_dev, &sv));
	f->noexec = !!(sv.f_flag & ST_NOEXEC);
	kx_info(f->vfd, &start);
	hx_rng_init(&f->r, seed, 0x3a9);
	kxt_diag("seed: %" PRIu64, seed);
	kxt_diag("%s is on a file system mounted %s", kx_dev,
		 f->noexec ? "noexec (PROT_EXEC must fail with EPERM)" :
			     "with exec allowed");

	kx_resize(f->vfd, hx_between(&f->r, 1, 16) * ps);
	model_init(&f->d, f->vfd, 17 * ps);
	/* Some content, so that a wrong window shows. */
	for (uint64_t o = 0; o < f->d.size; o++)
		f->d.shadow[o] = (unsigned char)hx_next(&f->r);
	kx_pwrite_all(f->vfd, f->d.shadow, f->d.size, 0);
	kx_reset_stats(f->vfd);

	for (unsigned long i = 0; i < cases; i++) {
		unsigned int v = hx_below(&f->r, 100);

		if (v < 3) {
			snprintf(f->desc, sizeof(f->desc),
				 "case %lu: buffer contents", i);
			fuzz_check_contents(f);
		} else if (v < 6) {
			resize_between_cases(f);
		} else {
			one_case(f, i);
		}
	}
	snprintf(f->desc, sizeof(f->desc), "after %lu cases: final buffer contents",
		 cases);
	fuzz_check_contents(f);
	expect_mappings(f, "at the end");

	/* contract: one mmap call per successful mmap(), bytes = length. */
	kx_get_stats(f->vfd, &st);
	if (st.calls[KXFER_PATH_MMAP] != f->d.calls[KXFER_PATH_MMAP] ||
	    st.bytes[KXFER_PATH_MMAP] != f->d.bytes[KXFER_PATH_MMAP])
		fuzz_report(f, "GET_STATS path mmap shows %llu bytes in %llu calls, expected %llu bytes in %llu calls",
		            (unsigned long long)st.bytes[KXFER_PATH_MMAP],
		            (unsigned long long)st.calls[KXFER_PATH_MMAP],
		            (unsigned long long)f->d.bytes[KXFER_PATH_MMAP],
		            (unsigned long long)f->d.calls[KXFER_PATH_MMAP]);

	kxt_diag("cases: %lu; mmap succeeded %lu times and failed as expected %lu times; %lu mprotect, %lu mremap grow, %lu mremap shrink, %lu split, %lu resizes",
		 cases, f->ok, f->failed, f->protected_, f->grown, f->shrunk,
		 f->split, f->resized);
	fuzz_report_summary(f->reports, seed, cases);
	/* As found: tests after this one expect it. */
	model_device_resize(f->vfd, start.buf_size, start.backing);
	model_free(&f->d);
	free(f);
}

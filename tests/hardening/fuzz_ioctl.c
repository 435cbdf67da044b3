// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl fuzzing against the reference model (model.c): seeded random
 * cases over every command, every field (boundary-biased: offsets near
 * 2^63 and 2^64, zero lengths, offset + length overflowing, reserved bits
 * and flags, sync directions) and every kind of argument pointer
 * (misaligned, read-only, PROT_NONE, NULL, kernel, running into a guard
 * page).  Each result must be one the model accepts; each success must
 * produce exactly the output the model computes; each failure must leave
 * the argument untouched.
 *
 * RESIZE moves the buffer between all six backings, with sizes around
 * each one's limits (1, a page, the pages backing's largest block, the
 * PMD size, 1 GiB, one past each), while mapped too (ABI 4: it revokes,
 * never EBUSY).  Sizes the model follows stay small;
 * a bigger one that succeeds is checked at once (INFO with huge_size, a
 * SYNC over all of it, the kept bytes and the zero tail) and shrunk back.
 * After every RESIZE, INFO must match the model, and one that fails with
 * ENOMEM must leave size, backing and contents as they were.  SYNC_FOR_CPU
 * and SYNC_FOR_DEVICE must not change a byte of the buffer (SYNC_FOR_CPU
 * writes back before it invalidates).  SET_MODE's __reserved field (ABI
 * 2-3's cache attribute) must be zero.  A fifth of the cases go to a file
 * opened read-only: what mutates must fail with EBADF (or an argument
 * error) and change nothing.
 *
 * A second test replays the same cases and compares the statistics with
 * the model after every single case, so that a counting error is pinned
 * to the call that caused it.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 30
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_pick.h"
#include "fuzz_report.h"
#include "model.h"

#define MAX_MAPS	3
#define ALL_FEATURES	(KXFER_FEAT_ITER | KXFER_FEAT_MMAP | \
			 KXFER_FEAT_CHECKSUM | KXFER_FEAT_FILL | \
			 KXFER_FEAT_RESIZE | KXFER_FEAT_STATS | \
			 KXFER_FEAT_BACKINGS | KXFER_FEAT_SYNC | \
			 KXFER_FEAT_REVOKE | KXFER_FEAT_SHMEM | \
			 KXFER_FEAT_DMA_ATTRS | KXFER_FEAT_STREAM)

/*
 * Buffers the model follows case by case are at most SMALL_PAGES pages:
 * the shadow and the checksums are computed in user space on an
 * emulated CPU.  Larger ones are checked and shrunk back right away.
 */
#define SMALL_PAGES	16
/*
 * Allocating, zeroing and reading back more than this costs seconds in
 * an emulated guest (and memory on a board): at most BIG_BUDGET RESIZEs
 * per test may try it; later ones probe max_size + 1 instead.
 */
#define BIG_COST_SIZE	(64ULL << 20)
#define BIG_BUDGET	2
/* Bytes per read when checking a buffer too big for the shadow. */
#define CHECK_CHUNK	(1U << 20)

static const unsigned int fuzz_cmds[] = {
	KXFER_IOC_INFO, KXFER_IOC_SUBMIT, KXFER_IOC_FETCH,
	KXFER_IOC_SET_MODE, KXFER_IOC_GET_MODE, KXFER_IOC_RESIZE,
	KXFER_IOC_GET_STATS, KXFER_IOC_RESET_STATS,
	KXFER_IOC_SYNC_FOR_CPU, KXFER_IOC_SYNC_FOR_DEVICE,
};
/* Percent of cases per command, in the order above. */
static const unsigned int fuzz_weights[] = {
	9, 18, 18, 11, 7, 14, 7, 4, 6, 6,
};
#define NR_CMDS (sizeof(fuzz_cmds) / sizeof(fuzz_cmds[0]))

enum { OUT_OK, OUT_EINVAL, OUT_EFAULT, OUT_EBADF, OUT_ENOMEM, OUT_OTHER,
       NR_OUT };

struct ioctl_fuzz {
	struct model_dev d;
	struct hx_arena a;
	struct hx_rng r;
	int fd;			/* the file under test (its mode is modelled) */
	int vfd;		/* reads for verification, mappings */
	int ro;			/* the same device opened O_RDONLY */
	void *maps[MAX_MAPS];
	int map_counted[MAX_MAPS];	/* in INFO.nr_mappings (not shmem) */
	int nmaps;
	int check_stats;
	unsigned int big_budget;
	unsigned long reports;
	unsigned long per_cmd[NR_CMDS];
	unsigned long outcome[NR_OUT];
	unsigned long resized[MODEL_NR_BACKINGS];	/* successes */
	unsigned long bad_backing, big, huge, big_enomem, ro_cases;
	unsigned long resized_mapped;
	unsigned long maps_made, checks;
	char desc[512];
};

static unsigned int pick_cmd(struct hx_rng *r, unsigned int *idx)
{
	unsigned int v = hx_below(r, 100), acc = 0;

	for (unsigned int i = 0; i < NR_CMDS; i++) {
		acc += fuzz_weights[i];
		if (v < acc) {
			*idx = i;
			return fuzz_cmds[i];
		}
	}
	*idx = 0;
	return fuzz_cmds[0];
}

/* Mostly the six backings; else one past them, a stray bit, junk. */
static uint32_t pick_backing(struct hx_rng *r)
{
	if (hx_chance(r, 90))
		return hx_below(r, KX_NR_BACKINGS);
	switch (hx_below(r, 4)) {
	case 0:
		return KX_NR_BACKINGS;
	case 1:
		return UINT32_MAX;
	case 2:
		return 1U << hx_between(r, 2, 31);
	default:
		return (uint32_t)hx_next(r) | 8;
	}
}

/*
 * Sizes around every backing's limits, whatever the target backing (the
 * limit is the target's: the pages backing's max + 1 is fine on vmalloc),
 * and the target backing.
 */
static uint64_t pick_resize_size(struct ioctl_fuzz *f, uint32_t *backing)
{
	struct hx_rng *r = &f->r;
	uint64_t ps = f->d.page, gmax = MODEL_MAX_BUF_SIZE;
	uint64_t pmax = f->d.backing_max[KXFER_BACKING_PAGES];
	uint64_t pmd = f->d.pmd ? f->d.pmd : pmax;
	unsigned int v = hx_below(r, 100), steps;
	uint64_t lo, top;

	/* The bulk: sizes the model follows from case to case. */
	if (v < 72)
		return hx_between(r, 1, SMALL_PAGES * ps);
	/* Refused before any allocation, or small. */
	if (v < 90) {
		const uint64_t cheap[] = {
			0, 1, ps - 1, ps, ps + 1, pmax + 1, pmax + ps,
			gmax + 1, gmax + ps, 2 * gmax, 1ULL << 32,
			(1ULL << 32) + 1, 1ULL << 63, UINT64_MAX,
			UINT64_MAX - ps + 2,
		};

		return cheap[hx_below(r, sizeof(cheap) / sizeof(cheap[0]))];
	}
	/*
	 * Big: the PMD size and its neighbours (PMD - 1 rounds up to a huge
	 * buffer, PMD + 1 does not), the pages backing's limit and 1 GiB
	 * (sizes that round up to them too), log-uniform random sizes.
	 */
	switch (hx_below(r, 8)) {
	case 0: case 1: case 2: {
		const uint64_t near_pmd[] = {
			pmd - ps, pmd - 1, pmd, pmd, pmd + 1, pmd + ps,
		};

		/* Mostly on shmem, whose buffers THP maps huge. */
		*backing = hx_chance(r, 60) ? KXFER_BACKING_SHMEM :
			   pick_backing(r);
		return near_pmd[hx_below(r, sizeof(near_pmd) /
					    sizeof(near_pmd[0]))];
	}
	case 3: case 4: {
		const uint64_t near_pmax[] = {
			pmax - ps, pmax - ps + 1, pmax - 1, pmax,
		};

		return near_pmax[hx_below(r, sizeof(near_pmax) /
					     sizeof(near_pmax[0]))];
	}
	case 5:
		return hx_chance(r, 50) ? gmax : gmax - ps + 1;
	default:
		break;
	}
	/*
	 * Log-uniform above the small sizes, up to twice the largest
	 * contiguous size (past it, only vmalloc and CMA can serve them).
	 */
	top = 2 * (pmax > pmd ? pmax : pmd);
	if (top > BIG_COST_SIZE)
		top = BIG_COST_SIZE;
	lo = SMALL_PAGES * ps;
	for (steps = 1; (lo << (steps + 1)) <= top; steps++)
		;
	lo <<= hx_below(r, steps);
	return lo + 1 + hx_below(r, lo);
}

/* A valid RESIZE: the driver will try to allocate. */
static int resize_allocates(const struct ioctl_fuzz *f,
			    const struct kxfer_resize *rq)
{
	return !rq->flags && rq->backing < MODEL_NR_BACKINGS && rq->size &&
	       rq->size <= f->d.backing_max[rq->backing];
}

/* Mostly the three directions; else one past them, a stray bit, junk. */
static uint32_t pick_direction(struct hx_rng *r)
{
	if (hx_chance(r, 80))
		return hx_below(r, 3);
	switch (hx_below(r, 4)) {
	case 0:
		return KXFER_SYNC_FROM_DEVICE + 1;
	case 1:
		return UINT32_MAX;
	case 2:
		return 1U << hx_between(r, 2, 31);
	default:
		return (uint32_t)hx_next(r);
	}
}

static void pick_input(struct ioctl_fuzz *f, unsigned int cmd,
		       union model_ioctl_arg *in)
{
	struct hx_rng *r = &f->r;
	uint64_t size = f->d.size, ps = f->d.page;

	memset(in, 0, sizeof(*in));
	switch (cmd) {
	case KXFER_IOC_SUBMIT:
	case KXFER_IOC_FETCH:
		in->xfer.offset = pick_offset(r, size, ps);
		in->xfer.length = pick_length(r, in->xfer.offset, size, ps);
		in->xfer.flags = pick_reserved(r);
		in->xfer.csum = (uint32_t)hx_next(r);	/* an output: ignored */
		break;
	case KXFER_IOC_SET_MODE:
		in->mode.work = hx_chance(r, 85) ? hx_below(r, 3) :
				(uint32_t)pick_u64(r, 3, 4);
		in->mode.seed = (uint32_t)hx_next(r);
		in->mode.last_csum = (uint32_t)hx_next(r);
		/* zero mostly; else ABI 2-3's cache values, a stray bit, junk */
		in->mode.__reserved = hx_chance(r, 85) ? 0 :
				      hx_chance(r, 30) ? hx_between(r, 1, 3) :
				      pick_reserved(r);
		break;
	case KXFER_IOC_RESIZE:
		in->resize.backing = pick_backing(r);
		in->resize.size = pick_resize_size(f, &in->resize.backing);
		in->resize.flags = pick_reserved(r);
		if (resize_allocates(f, &in->resize) &&
		    hx_page_align(in->resize.size) > BIG_COST_SIZE) {
			uint32_t b = in->resize.backing;

			if (f->big_budget)
				f->big_budget--;
			else
				in->resize.size = f->d.backing_max[b] + 1;
		}
		break;
	case KXFER_IOC_SYNC_FOR_CPU:
	case KXFER_IOC_SYNC_FOR_DEVICE:
		if (hx_chance(r, 10)) {
			in->sync.offset = 0;	/* the whole buffer */
			in->sync.length = size;
		} else {
			in->sync.offset = pick_offset(r, size, ps);
			in->sync.length = pick_length(r, in->sync.offset,
						      size, ps);
		}
		in->sync.direction = pick_direction(r);
		in->sync.flags = pick_reserved(r);
		break;
	default:
		break;
	}
}

static void describe(struct ioctl_fuzz *f, unsigned long i, unsigned int cmd,
		     const struct hx_ptr *p, const union model_ioctl_arg *in)
{
	char fields[200] = "";

	switch (cmd) {
	case KXFER_IOC_SUBMIT:
	case KXFER_IOC_FETCH:
		snprintf(fields, sizeof(fields),
			 " {offset %#" PRIx64 ", length %#" PRIx64 ", flags %#x}",
			 (uint64_t)in->xfer.offset, (uint64_t)in->xfer.length,
			 in->xfer.flags);
		break;
	case KXFER_IOC_SET_MODE:
		snprintf(fields, sizeof(fields),
			 " {work %u, seed %#x, last_csum %#x, __reserved %#x}",
			 in->mode.work, in->mode.seed, in->mode.last_csum,
			 in->mode.__reserved);
		break;
	case KXFER_IOC_RESIZE:
		snprintf(fields, sizeof(fields),
			 " {size %#" PRIx64 ", backing %u, flags %#x}",
			 (uint64_t)in->resize.size, in->resize.backing,
			 in->resize.flags);
		break;
	case KXFER_IOC_SYNC_FOR_CPU:
	case KXFER_IOC_SYNC_FOR_DEVICE:
		snprintf(fields, sizeof(fields),
			 " {offset %#" PRIx64 ", length %#" PRIx64 ", direction %#x, flags %#x}",
			 (uint64_t)in->sync.offset, (uint64_t)in->sync.length,
			 in->sync.direction, in->sync.flags);
		break;
	default:
		break;
	}
	snprintf(f->desc, sizeof(f->desc),
		 "case %lu: %s, argument %s%s, buffer %" PRIu64
		 " bytes (%s), work %u seed %#x, %u mapping(s)",
		 i, model_ioctl_name(cmd), hx_ptr_kind_name(p->kind), fields,
		 f->d.size, model_backing_name(f->d.backing), f->d.work,
		 f->d.seed, f->d.mapped);
}

/* Say what is being checked after the case's own description. */
static void append_desc(struct ioctl_fuzz *f, const char *what)
{
	size_t len = strlen(f->desc);

	snprintf(f->desc + len, sizeof(f->desc) - len, "%s", what);
}

static int outcome_index(int got)
{
	switch (got) {
	case 0: return OUT_OK;
	case EINVAL: return OUT_EINVAL;
	case EFAULT: return OUT_EFAULT;
	case EBADF: return OUT_EBADF;
	case ENOMEM: return OUT_ENOMEM;
	default: return OUT_OTHER;
	}
}

/* After a disagreement, take the device's word so later cases stand alone. */
static void resync_all(struct ioctl_fuzz *f)
{
	uint64_t small = SMALL_PAGES * f->d.page;
	struct kxfer_info info;
	struct kxfer_stats st;
	struct kxfer_mode m;

	kx_info(f->vfd, &info);
	if (info.buf_size > small) {
		/* More than the shadow holds: back to a size it follows. */
		model_device_resize(f->vfd, small, KXFER_BACKING_VMALLOC);
		kx_info(f->vfd, &info);
	}
	f->d.size = info.buf_size;
	f->d.backing = info.backing;
	kx_pread_all(f->vfd, f->d.shadow, f->d.size, 0);
	m = kx_get_mode(f->fd);
	f->d.work = m.work;
	f->d.seed = m.seed;
	f->d.last_csum = m.last_csum;
	kx_get_stats(f->vfd, &st);
	memcpy(f->d.bytes, st.bytes, sizeof(f->d.bytes));
	memcpy(f->d.calls, st.calls, sizeof(f->d.calls));
}

/* INFO as the model has it; 1 if got matches, else reported. */
static int info_matches(struct ioctl_fuzz *f, const struct kxfer_info *got,
			const char *when)
{
	const struct model_dev *d = &f->d;
	uint64_t max = d->backing < MODEL_NR_BACKINGS ?
		       d->backing_max[d->backing] : 0;
	uint32_t huge = model_huge_size(d);

	if (got->buf_size == d->size && got->max_size == max &&
	    got->page_size == d->page && got->nr_mappings == d->mapped &&
	    got->abi_version == KXFER_ABI_VERSION &&
	    got->features == ALL_FEATURES && got->backing == d->backing &&
	    got->huge_size == huge)
		return 1;
	fuzz_report(f, "%sINFO returned {buf_size %llu, max_size %llu, page_size %u, nr_mappings %u, abi %u, features %#x, backing %u, huge_size %#x}, expected {%" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %u, %u, %#x, %u, %#x}",
	            when, (unsigned long long)got->buf_size,
	            (unsigned long long)got->max_size, got->page_size,
	            got->nr_mappings, got->abi_version, got->features,
	            got->backing, got->huge_size, d->size, max, d->page,
	            d->mapped, KXFER_ABI_VERSION, ALL_FEATURES, d->backing,
	            huge);
	return 0;
}

/* INFO through the verification file after a RESIZE; resync if wrong. */
static void expect_info(struct ioctl_fuzz *f, const char *when)
{
	struct kxfer_info info;

	kx_info(f->vfd, &info);
	if (!info_matches(f, &info, when))
		resync_all(f);
}

/* A SYNC through the verification file that must succeed. */
static void sync_must_work(struct ioctl_fuzz *f, unsigned int cmd,
			   uint64_t off, uint64_t len, uint32_t dir)
{
	struct kxfer_sync s = { .offset = off, .length = len,
				.direction = dir };

	if (ioctl(f->vfd, cmd, &s) < 0)
		fuzz_report(f, "%s {offset %#" PRIx64 ", length %#" PRIx64 ", direction %u} of a %" PRIu64 "-byte buffer: %s, expected success",
		            model_ioctl_name(cmd), off, len, dir, f->d.size,
		            hx_errname(errno));
}

/*
 * A buffer too big for the shadow: its first kept bytes must be the
 * shadow's, the rest zero (contract: a grown tail is zero).  Returns 1
 * if so.
 */
static int check_grown(struct ioctl_fuzz *f, uint64_t kept, uint64_t size)
{
	int ok = 1;

	unsigned char *buf = kx_alloc(CHECK_CHUNK);
	unsigned char *want = kx_alloc(CHECK_CHUNK);

	for (uint64_t off = 0; off < size; off += CHECK_CHUNK) {
		uint64_t n = size - off < CHECK_CHUNK ? size - off :
			     CHECK_CHUNK;
		uint64_t bad = 0;

		kx_pread_all(f->vfd, buf, n, off);
		model_count(&f->d, KXFER_PATH_READ, n);
		memset(want, 0, n);
		if (off < kept)
			memcpy(want, f->d.shadow + off,
			       kept - off < n ? kept - off : n);
		/* memcmp() first: a byte loop is slow on an emulated CPU. */
		if (!memcmp(buf, want, n))
			continue;
		while (buf[bad] == want[bad])
			bad++;
		fuzz_report(f, "after growing the buffer to %" PRIu64 " bytes and syncing it, the byte at offset %" PRIu64 " is 0x%02x, expected 0x%02x (%s)",
		            size, off + bad, buf[bad], want[bad],
		            off + bad < kept ? "a kept byte" : "the zero tail");
		ok = 0;
		break;
	}
	free(buf);
	free(want);
	return ok;
}

/*
 * A RESIZE to more than the model follows succeeded: check the buffer
 * now, then shrink it back (same backing, a size the allocator cannot
 * refuse), so that the cases after it stay cheap.
 */
static void big_buffer(struct ioctl_fuzz *f, uint64_t size, uint32_t backing)
{
	struct model_dev *d = &f->d;
	uint64_t kept = d->size, back = hx_between(&f->r, 1, 8) * d->page;
	struct kxfer_resize rq = { .size = back, .backing = backing };
	int ok = 1;

	f->big++;
	d->size = size;
	d->backing = backing;
	if (model_huge_size(d))
		f->huge++;
	expect_info(f, "after the RESIZE: ");
	if (d->size != size)
		return;		/* resynced to what the device has */
	/* Hand over and take back the whole of it: no byte may change. */
	sync_must_work(f, KXFER_IOC_SYNC_FOR_DEVICE, 0, size,
		       KXFER_SYNC_TO_DEVICE);
	sync_must_work(f, KXFER_IOC_SYNC_FOR_CPU, 0, size,
		       KXFER_SYNC_FROM_DEVICE);
	/*
	 * Reading it all back costs tens of ms in an emulated guest: the
	 * statistics test, which replays these cases, leaves it to the
	 * other one (and so counts no such reads).
	 */
	if (!f->check_stats)
		ok = check_grown(f, kept, size);

	if (ioctl(f->vfd, KXFER_IOC_RESIZE, &rq) < 0) {
		fuzz_report(f, "shrinking the %" PRIu64 "-byte buffer back to %" PRIu64 " bytes on %s: %s, expected success",
		            size, back, model_backing_name(backing),
		            hx_errname(errno));
		resync_all(f);
		return;
	}
	d->size = kept;	/* the shadow's part; the rest was zero */
	model_resize(d, back);
	if (!ok) {
		/* Reported: take the device's bytes, to report them once. */
		kx_pread_all(f->vfd, d->shadow, back, 0);
		model_count(d, KXFER_PATH_READ, back);
	}
	expect_info(f, "after shrinking the buffer back: ");
}

/* What follows a RESIZE case, whatever its outcome. */
static void after_resize(struct ioctl_fuzz *f, const struct kxfer_resize *rq,
			 int got)
{
	uint64_t size;

	if (rq->backing >= MODEL_NR_BACKINGS)
		f->bad_backing++;
	if (got == ENOMEM) {
		/* contract: a failed RESIZE leaves the buffer as it was. */
		if (hx_page_align(rq->size) > SMALL_PAGES * f->d.page)
			f->big_enomem++;
		expect_info(f, "after ENOMEM: ");
		f->checks++;
		append_desc(f, "; the buffer after ENOMEM");
		fuzz_check_contents(f);
		return;
	}
	if (got) {
		expect_info(f, "after the failed RESIZE: ");
		return;
	}
	f->resized[rq->backing]++;
	size = hx_page_align(rq->size);
	if (size > SMALL_PAGES * f->d.page) {
		big_buffer(f, size, rq->backing);
		return;
	}
	model_resize(&f->d, size);
	f->d.backing = rq->backing;
	expect_info(f, "after the RESIZE: ");
}

static void check_success(struct ioctl_fuzz *f, unsigned int cmd,
			  const union model_ioctl_arg *in,
			  const union model_ioctl_arg *out)
{
	struct model_dev *d = &f->d;
	uint32_t csum = 0;

	switch (cmd) {
	case KXFER_IOC_INFO:
		info_matches(f, &out->info, "");
		hx_scan_for_kernel_ptrs(&out->info, sizeof(out->info),
					"INFO output");
		break;
	case KXFER_IOC_SUBMIT:
	case KXFER_IOC_FETCH:
		if (cmd == KXFER_IOC_FETCH && d->work == KXFER_WORK_FILL)
			model_fill(d, in->xfer.offset, in->xfer.length);
		if (d->work == KXFER_WORK_CHECKSUM)
			csum = model_crc(d, in->xfer.offset, in->xfer.length);
		if (out->xfer.offset != in->xfer.offset ||
		    out->xfer.length != in->xfer.length ||
		    out->xfer.flags != 0 || out->xfer.csum != csum)
			fuzz_report(f, "returned {offset %#llx, length %#llx, flags %#x, csum %#010x}, expected the input back with csum %#010x",
			            (unsigned long long)out->xfer.offset,
			            (unsigned long long)out->xfer.length,
			            out->xfer.flags, out->xfer.csum, csum);
		model_count(d, cmd == KXFER_IOC_FETCH ? KXFER_PATH_FETCH :
			    KXFER_PATH_SUBMIT, in->xfer.length);
		break;
	case KXFER_IOC_SET_MODE:
		d->work = in->mode.work;
		d->seed = in->mode.seed;
		d->last_csum = 0;
		break;
	case KXFER_IOC_GET_MODE:
		if (out->mode.work != d->work || out->mode.seed != d->seed ||
		    out->mode.last_csum != d->last_csum ||
		    out->mode.__reserved)
			fuzz_report(f, "GET_MODE returned {work %u, seed %#x, last_csum %#x, __reserved %u}, expected {%u, %#x, %#x, 0}",
			            out->mode.work, out->mode.seed,
			            out->mode.last_csum, out->mode.__reserved,
			            d->work, d->seed, d->last_csum);
		break;
	case KXFER_IOC_GET_STATS:
		for (int s = KXFER_NR_PATHS; s < KXFER_STATS_SLOTS; s++)
			if (out->stats.bytes[s] || out->stats.calls[s])
				fuzz_report(f, "GET_STATS unused slot %d holds bytes %llu calls %llu, expected 0",
				            s, (unsigned long long)out->stats.bytes[s],
				            (unsigned long long)out->stats.calls[s]);
		hx_scan_for_kernel_ptrs(&out->stats, sizeof(out->stats),
					"GET_STATS output");
		break;
	case KXFER_IOC_RESET_STATS:
		memset(d->bytes, 0, sizeof(d->bytes));
		memset(d->calls, 0, sizeof(d->calls));
		break;
	case KXFER_IOC_SYNC_FOR_CPU:
	case KXFER_IOC_SYNC_FOR_DEVICE:
		/*
		 * Cache maintenance moves no data where the DMA API is
		 * coherent (x86), under TCG, or after a clean: the whole
		 * buffer, not just the range, must be as it was.
		 */
		f->checks++;
		append_desc(f, "; the buffer after the SYNC");
		fuzz_check_contents(f);
		break;
	default:
		break;
	}
}

static void toggle_mapping(struct ioctl_fuzz *f)
{
	uint64_t ps = f->d.page;

	/*
	 * Unmapping more often than mapping keeps the device unmapped about
	 * a third of the time, for RESIZE to succeed in.
	 */
	if (f->nmaps == MAX_MAPS || (f->nmaps && hx_chance(&f->r, 75))) {
		f->nmaps--;
		ASSERT_OK(munmap(f->maps[f->nmaps], ps));
		f->d.mapped -= f->map_counted[f->nmaps];
		return;
	}
	/* Never touched: a RESIZE may revoke it (SIGBUS), which is fine. */
	f->map_counted[f->nmaps] = f->d.backing != KXFER_BACKING_SHMEM;
	f->d.mapped += f->map_counted[f->nmaps];
	f->maps[f->nmaps++] = kx_map(f->vfd, ps,
				     hx_below(&f->r, f->d.size / ps) * ps,
				     PROT_READ, MAP_SHARED);
	f->maps_made++;
	model_count(&f->d, KXFER_PATH_MMAP, ps);
}

static void one_case(struct ioctl_fuzz *f, unsigned long i)
{
	union model_ioctl_arg in, out, pre;
	unsigned int cmd, ci;
	struct hx_ptr p;
	struct hx_want w;
	size_t size;
	int r, got, copy_out_fails, ro;

	cmd = pick_cmd(&f->r, &ci);
	size = model_ioctl_size(cmd);
	p = hx_arena_ptr(&f->a, pick_ptr_kind(&f->r), size ? size : 1, &f->r);
	pick_input(f, cmd, &in);
	/*
	 * The read-only file gets what it must refuse and what cannot depend
	 * on its own mode (always "none": it can never select fill, and no
	 * other mode is set on it): not FETCH, GET_MODE or a SET_MODE that
	 * is not fill.
	 */
	ro = cmd != KXFER_IOC_FETCH && cmd != KXFER_IOC_GET_MODE &&
	     hx_chance(&f->r, 20);
	if (ro && cmd == KXFER_IOC_SET_MODE)
		in.mode.work = KXFER_WORK_FILL;
	describe(f, i, cmd, &p, &in);
	if (ro) {
		append_desc(f, ", on the read-only file");
		f->ro_cases++;
	}
	f->per_cmd[ci]++;

	/* What the argument holds before: the input, or 0xA5 for outputs. */
	if (model_ioctl_reads(cmd))
		pre = in;
	else
		memset(&pre, 0xa5, sizeof(pre));
	if (size)
		arena_put(&f->a, &p, &pre, size);

	if (ro)
		model_ioctl_ro(&f->d, cmd, &p, &in, &w, &copy_out_fails);
	else
		model_ioctl(&f->d, cmd, &p, &in, &w, &copy_out_fails);
	errno = 0;
	r = ioctl(ro ? f->ro : f->fd, cmd, p.p);
	got = r == 0 ? 0 : errno;
	if (r != 0 && r != -1)
		fuzz_report(f, "ioctl returned %d, expected 0 or -1", r);
	f->outcome[outcome_index(got)]++;

	if (!hx_want_has(&w, got)) {
		if (!f->check_stats)
			fuzz_report(f, "expected %s, got %s", hx_want_str(&w),
			            hx_errname(got));
		resync_all(f);
		return;
	}
	if (got == 0) {
		if (size && p.writable >= size)
			memcpy(&out, p.p, size);
		else
			memcpy(&out, &pre, sizeof(out));
		check_success(f, cmd, &in, &out);
	} else if (copy_out_fails) {
		/* The work was done; a FETCH may have filled the range. */
		if (cmd == KXFER_IOC_FETCH && f->d.work == KXFER_WORK_FILL)
			model_resync(&f->d, f->vfd, in.xfer.offset,
				     in.xfer.length, f->d.seed, f->desc);
	} else if (size && p.writable >= size && memcmp(p.p, &pre, size)) {
		fuzz_report(f, "failed with %s but changed its argument",
		            hx_errname(got));
	}
	if (cmd == KXFER_IOC_RESIZE) {
		if (!got && f->nmaps)
			f->resized_mapped++;
		after_resize(f, &in.resize, got);
	}
	if (ro && got && cmd != KXFER_IOC_RESIZE) {
		/* A refused mutation: not a byte may have changed. */
		f->checks++;
		append_desc(f, "; the buffer after the refusal");
		fuzz_check_contents(f);
	}
	if (f->check_stats)
		fuzz_check_stats(f);
}

/*
 * Each backing's max_size as INFO reports it on a buffer of that backing,
 * against the model's prediction (contract and design, /proc/buddyinfo);
 * a disagreement is reported and INFO's value used from then on.  Leaves
 * a one-page vmalloc buffer.
 */
static void learn_limits(struct ioctl_fuzz *f, uint64_t *max)
{
	static const uint32_t order[] = {
		KXFER_BACKING_PAGES, KXFER_BACKING_DMA, KXFER_BACKING_SHMEM,
		KXFER_BACKING_DMA_WC, KXFER_BACKING_DMA_NONCOHERENT,
		KXFER_BACKING_VMALLOC,
	};
	uint64_t ps = kx_page();
	struct kxfer_info info;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint32_t b = order[i];
		uint64_t want = model_backing_max(b, ps);

		model_device_resize(f->vfd, ps, b);
		kx_info(f->vfd, &info);
		snprintf(f->desc, sizeof(f->desc),
			 "start: INFO.max_size of a one-page %s buffer",
			 model_backing_name(b));
		if (!want)
			kxt_diag("no /proc/buddyinfo to predict the %s backing's max_size: %llu, as INFO has it",
				 model_backing_name(b),
				 (unsigned long long)info.max_size);
		else if (info.max_size != want)
			fuzz_report(f, "%llu, expected %" PRIu64,
			            (unsigned long long)info.max_size, want);
		max[b] = info.max_size;
	}
}

static void run_ioctl_fuzz(int with_stats)
{
	struct ioctl_fuzz *f = hx_calloc(1, sizeof(*f));
	unsigned long cases = hx_cases(), i;
	uint64_t seed = hx_seed(), ps = kx_page();
	uint64_t max[MODEL_NR_BACKINGS];
	struct kxfer_info start;
	uint32_t b;

	f->check_stats = with_stats;
	f->big_budget = BIG_BUDGET;
	f->fd = kx_open();
	f->vfd = kx_open();
	f->ro = kx_open_flags(O_RDONLY);
	kx_info(f->fd, &start);
	hx_rng_init(&f->r, seed, 0x10c71);
	hx_arena_init(&f->a, 64 * 1024);
	kxt_diag("seed: %" PRIu64, seed);

	learn_limits(f, max);
	/* A small buffer keeps the model's checksums cheap. */
	kx_resize(f->fd, hx_between(&f->r, 1, 16) * ps);
	kx_set_mode(f->fd, KXFER_WORK_NONE, 0);
	model_init(&f->d, f->vfd, (SMALL_PAGES + 1) * ps);
	memcpy(f->d.backing_max, max, sizeof(max));
	kxt_diag("max_size: vmalloc %" PRIu64 ", pages %" PRIu64 ", dma %" PRIu64 ", shmem %" PRIu64 ", dma-wc %" PRIu64 ", dma-noncoherent %" PRIu64 "; PMD size %" PRIu64 "%s",
		 max[KXFER_BACKING_VMALLOC], max[KXFER_BACKING_PAGES],
		 max[KXFER_BACKING_DMA], max[KXFER_BACKING_SHMEM],
		 max[KXFER_BACKING_DMA_WC],
		 max[KXFER_BACKING_DMA_NONCOHERENT], f->d.pmd,
		 f->d.pmd ? "" : " (no THP: no huge buffer)");
	kx_reset_stats(f->fd);

	for (i = 0; i < cases; i++) {
		unsigned int v = hx_below(&f->r, 100);

		if (v < 5) {
			snprintf(f->desc, sizeof(f->desc),
				 "case %lu: map/unmap", i);
			toggle_mapping(f);
		} else if (v < 8) {
			snprintf(f->desc, sizeof(f->desc),
				 "case %lu: buffer contents", i);
			f->checks++;
			fuzz_check_contents(f);
		} else {
			one_case(f, i);
		}
		if (f->check_stats && v < 8)
			fuzz_check_stats(f);
	}
	while (f->nmaps)
		ASSERT_OK(munmap(f->maps[--f->nmaps], ps));
	f->d.mapped = 0;
	snprintf(f->desc, sizeof(f->desc), "after case %lu: final buffer contents",
		 cases);
	fuzz_check_contents(f);

	kxt_diag("cases: %lu (INFO %lu, SUBMIT %lu, FETCH %lu, SET_MODE %lu, GET_MODE %lu, RESIZE %lu, GET_STATS %lu, RESET_STATS %lu, SYNC_FOR_CPU %lu, SYNC_FOR_DEVICE %lu; %lu mappings, %lu content checks)",
		 cases, f->per_cmd[0], f->per_cmd[1], f->per_cmd[2],
		 f->per_cmd[3], f->per_cmd[4], f->per_cmd[5], f->per_cmd[6],
		 f->per_cmd[7], f->per_cmd[8], f->per_cmd[9], f->maps_made,
		 f->checks);
	kxt_diag("outcomes: success %lu, EINVAL %lu, EFAULT %lu, EBADF %lu, ENOMEM %lu, other %lu; %lu cases on the read-only file",
		 f->outcome[OUT_OK], f->outcome[OUT_EINVAL],
		 f->outcome[OUT_EFAULT], f->outcome[OUT_EBADF],
		 f->outcome[OUT_ENOMEM], f->outcome[OUT_OTHER], f->ro_cases);
	kxt_diag("RESIZE: succeeded to vmalloc %lu, pages %lu, dma %lu, shmem %lu, dma-wc %lu, dma-noncoherent %lu (%lu while mapped); %lu with an unknown backing; %lu beyond %u pages checked and shrunk back (%lu of them huge), %lu of that size refused with ENOMEM",
		 f->resized[KXFER_BACKING_VMALLOC],
		 f->resized[KXFER_BACKING_PAGES],
		 f->resized[KXFER_BACKING_DMA],
		 f->resized[KXFER_BACKING_SHMEM],
		 f->resized[KXFER_BACKING_DMA_WC],
		 f->resized[KXFER_BACKING_DMA_NONCOHERENT], f->resized_mapped,
		 f->bad_backing, f->big, SMALL_PAGES, f->huge, f->big_enomem);
	fuzz_report_summary(f->reports, seed, cases);
	b = start.backing < MODEL_NR_BACKINGS ? start.backing :
	    KXFER_BACKING_VMALLOC;
	model_device_resize(f->fd, start.buf_size, b);
	close(f->ro);
	model_free(&f->d);
	hx_arena_free(&f->a);
	free(f);
}

TEST_TIMEOUT(fuzz_ioctl_args_match_reference_model, 900)
{
	run_ioctl_fuzz(0);
}

TEST_TIMEOUT(fuzz_ioctl_stats_match_reference_model, 900)
{
	run_ioctl_fuzz(1);
}

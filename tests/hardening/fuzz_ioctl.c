// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl fuzzing against the reference model (model.c): seeded random
 * cases over every command, every field (boundary-biased: offsets near
 * 2^63 and 2^64, zero lengths, offset + length overflowing, reserved bits
 * and flags) and every kind of argument pointer (misaligned, read-only,
 * PROT_NONE, NULL, kernel, running into a guard page).  Each result must
 * be one the model accepts; each success must produce exactly the output
 * the model computes; each failure must leave the argument untouched.
 *
 * A second test replays the same cases and compares the statistics with
 * the model after every single case, so that a counting error is pinned
 * to the call that caused it.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 30
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
			 KXFER_FEAT_BACKINGS | KXFER_FEAT_CACHE | \
			 KXFER_FEAT_SYNC)

static const unsigned int fuzz_cmds[] = {
	KXFER_IOC_INFO, KXFER_IOC_SUBMIT, KXFER_IOC_FETCH,
	KXFER_IOC_SET_MODE, KXFER_IOC_GET_MODE, KXFER_IOC_RESIZE,
	KXFER_IOC_GET_STATS, KXFER_IOC_RESET_STATS,
};
/* Percent of cases per command, in the order above. */
static const unsigned int fuzz_weights[] = { 10, 22, 22, 14, 8, 12, 8, 4 };
#define NR_CMDS (sizeof(fuzz_cmds) / sizeof(fuzz_cmds[0]))

enum { OUT_OK, OUT_EINVAL, OUT_EFAULT, OUT_EBUSY, OUT_OTHER, NR_OUT };

struct ioctl_fuzz {
	struct model_dev d;
	struct hx_arena a;
	struct hx_rng r;
	int fd;			/* the file under test (its mode is modelled) */
	int vfd;		/* reads for verification, mappings */
	void *maps[MAX_MAPS];
	int nmaps;
	int check_stats;
	unsigned long reports;
	unsigned long per_cmd[NR_CMDS];
	unsigned long outcome[NR_OUT];
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
		/* valid 0..2 mostly; else 3 or a stray bit or junk */
		in->mode.cache = hx_chance(r, 85) ? hx_below(r, 3) :
				 hx_chance(r, 30) ? 3 : pick_reserved(r);
		break;
	case KXFER_IOC_RESIZE:
		/*
		 * Valid sizes stay small (the shadow and the checksums are
		 * computed in user space on an emulated CPU); the limits are
		 * probed with invalid sizes, never with max_size itself,
		 * which would try to allocate 1 GiB.
		 */
		if (hx_chance(r, 70)) {
			in->resize.size = hx_between(r, 1, 16 * ps);
		} else {
			const uint64_t bad[] = {
				0, f->d.max_size + 1, f->d.max_size + ps,
				2 * f->d.max_size, 1ULL << 32, (1ULL << 32) + 1,
				1ULL << 63, UINT64_MAX, UINT64_MAX - ps + 2,
			};

			in->resize.size = bad[hx_below(r, sizeof(bad) /
							  sizeof(bad[0]))];
		}
		/*
		 * Valid resizes stay on vmalloc (see model_ioctl); invalid
		 * backings start at 3, one past KXFER_BACKING_DMA.
		 */
		in->resize.backing = hx_chance(r, 90) ? KXFER_BACKING_VMALLOC :
				     hx_chance(r, 30) ? 3 :
				     (uint32_t)pick_u64(r, 3, 4) | 3;
		in->resize.flags = pick_reserved(r);
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
			 " {work %u, seed %#x, last_csum %#x, cache %#x}",
			 in->mode.work, in->mode.seed, in->mode.last_csum,
			 in->mode.cache);
		break;
	case KXFER_IOC_RESIZE:
		snprintf(fields, sizeof(fields),
			 " {size %#" PRIx64 ", backing %u, flags %#x}",
			 (uint64_t)in->resize.size, in->resize.backing,
			 in->resize.flags);
		break;
	default:
		break;
	}
	snprintf(f->desc, sizeof(f->desc),
		 "case %lu: %s, argument %s%s, buffer %" PRIu64
		 " bytes, work %u seed %#x, %u mapping(s)",
		 i, model_ioctl_name(cmd), hx_ptr_kind_name(p->kind), fields,
		 f->d.size, f->d.work, f->d.seed, f->d.mapped);
}

static int outcome_index(int got)
{
	switch (got) {
	case 0: return OUT_OK;
	case EINVAL: return OUT_EINVAL;
	case EFAULT: return OUT_EFAULT;
	case EBUSY: return OUT_EBUSY;
	default: return OUT_OTHER;
	}
}

/* After a disagreement, take the device's word so later cases stand alone. */
static void resync_all(struct ioctl_fuzz *f)
{
	struct kxfer_stats st;
	struct kxfer_mode m;

	f->d.size = kx_size(f->vfd);
	kx_pread_all(f->vfd, f->d.shadow, f->d.size, 0);
	m = kx_get_mode(f->fd);
	f->d.work = m.work;
	f->d.seed = m.seed;
	f->d.last_csum = m.last_csum;
	f->d.cache = m.cache;
	kx_get_stats(f->vfd, &st);
	memcpy(f->d.bytes, st.bytes, sizeof(f->d.bytes));
	memcpy(f->d.calls, st.calls, sizeof(f->d.calls));
}

static void check_success(struct ioctl_fuzz *f, unsigned int cmd,
			  const union model_ioctl_arg *in,
			  const union model_ioctl_arg *out)
{
	struct model_dev *d = &f->d;
	uint32_t csum = 0;

	switch (cmd) {
	case KXFER_IOC_INFO:
		if (out->info.buf_size != d->size ||
		    out->info.max_size != d->max_size ||
		    out->info.page_size != d->page ||
		    out->info.nr_mappings != d->mapped ||
		    out->info.abi_version != KXFER_ABI_VERSION ||
		    out->info.features != ALL_FEATURES ||
		    out->info.backing != KXFER_BACKING_VMALLOC ||
		    out->info.huge_size != 0)
			fuzz_report(f, "INFO returned {buf_size %llu, max_size %llu, page_size %u, nr_mappings %u, abi %u, features %#x, backing %u, huge_size %#x}, expected {%" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %u, %u, %#x, 0, 0}",
			            (unsigned long long)out->info.buf_size,
			            (unsigned long long)out->info.max_size,
			            out->info.page_size, out->info.nr_mappings,
			            out->info.abi_version, out->info.features,
			            out->info.backing, out->info.huge_size,
			            d->size, d->max_size, d->page, d->mapped,
			            KXFER_ABI_VERSION, ALL_FEATURES);
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
		d->cache = in->mode.cache;
		d->last_csum = 0;
		break;
	case KXFER_IOC_GET_MODE:
		if (out->mode.work != d->work || out->mode.seed != d->seed ||
		    out->mode.last_csum != d->last_csum ||
		    out->mode.cache != d->cache)
			fuzz_report(f, "GET_MODE returned {work %u, seed %#x, last_csum %#x, cache %u}, expected {%u, %#x, %#x, %u}",
			            out->mode.work, out->mode.seed,
			            out->mode.last_csum, out->mode.cache,
			            d->work, d->seed, d->last_csum, d->cache);
		break;
	case KXFER_IOC_RESIZE:
		model_resize(d, hx_page_align(in->resize.size));
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
	default:
		break;
	}
}

static void toggle_mapping(struct ioctl_fuzz *f)
{
	uint64_t ps = f->d.page;

	if (f->nmaps == MAX_MAPS || (f->nmaps && hx_chance(&f->r, 50))) {
		ASSERT_OK(munmap(f->maps[--f->nmaps], ps));
		f->d.mapped--;
		return;
	}
	f->maps[f->nmaps++] = kx_map(f->vfd, ps,
				     hx_below(&f->r, f->d.size / ps) * ps,
				     PROT_READ, MAP_SHARED);
	f->d.mapped++;
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
	int r, got, copy_out_fails;

	cmd = pick_cmd(&f->r, &ci);
	size = model_ioctl_size(cmd);
	p = hx_arena_ptr(&f->a, pick_ptr_kind(&f->r), size ? size : 1, &f->r);
	pick_input(f, cmd, &in);
	describe(f, i, cmd, &p, &in);
	f->per_cmd[ci]++;

	/* What the argument holds before: the input, or 0xA5 for outputs. */
	if (model_ioctl_reads(cmd))
		pre = in;
	else
		memset(&pre, 0xa5, sizeof(pre));
	if (size)
		arena_put(&f->a, &p, &pre, size);

	model_ioctl(&f->d, cmd, &p, &in, &w, &copy_out_fails);
	errno = 0;
	r = ioctl(f->fd, cmd, p.p);
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
	if (f->check_stats)
		fuzz_check_stats(f);
}

static void run_ioctl_fuzz(int with_stats)
{
	struct ioctl_fuzz *f = hx_calloc(1, sizeof(*f));
	unsigned long cases = hx_cases(), i;
	uint64_t seed = hx_seed(), ps = kx_page();
	uint64_t start_size;

	f->check_stats = with_stats;
	f->fd = kx_open();
	f->vfd = kx_open();
	start_size = kx_size(f->fd);
	hx_rng_init(&f->r, seed, 0x10c71);
	hx_arena_init(&f->a, 64 * 1024);
	kxt_diag("seed: %" PRIu64, seed);

	/* A small buffer keeps the model's checksums cheap. */
	kx_resize(f->fd, hx_between(&f->r, 1, 16) * ps);
	kx_set_mode(f->fd, KXFER_WORK_NONE, 0);
	model_init(&f->d, f->vfd, 17 * ps);
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

	kxt_diag("cases: %lu (INFO %lu, SUBMIT %lu, FETCH %lu, SET_MODE %lu, GET_MODE %lu, RESIZE %lu, GET_STATS %lu, RESET_STATS %lu; %lu mappings, %lu content checks)",
		 cases, f->per_cmd[0], f->per_cmd[1], f->per_cmd[2],
		 f->per_cmd[3], f->per_cmd[4], f->per_cmd[5], f->per_cmd[6],
		 f->per_cmd[7], f->maps_made, f->checks);
	kxt_diag("outcomes: success %lu, EINVAL %lu, EFAULT %lu, EBUSY %lu, other %lu",
		 f->outcome[OUT_OK], f->outcome[OUT_EINVAL],
		 f->outcome[OUT_EFAULT], f->outcome[OUT_EBUSY],
		 f->outcome[OUT_OTHER]);
	fuzz_report_summary(f->reports, seed, cases);
	kx_resize(f->fd, start_size);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * read/write/pread/pwrite/readv/writev/preadv/pwritev fuzzing against the
 * reference model (model.c): positions near 2^63 and 2^64, zero and huge
 * counts (past SSIZE_MAX, past the end of user space, just inside it),
 * user buffers that are read-only, PROT_NONE, NULL, kernel addresses or
 * run into a guard page part-way, iovec arrays that cannot be read or
 * have too many entries, files opened for the wrong direction, and every
 * work mode.
 *
 * Each result must be one the model accepts, including the exact byte
 * count where nothing faults; the bytes that arrive must be the buffer's
 * (or the fill pattern), stores must land at the right offsets and
 * nowhere else, the file position must move by what was returned, and
 * last_csum must be the CRC32C of exactly the bytes moved.
 *
 * A second test replays the same cases and checks the statistics after
 * every case.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 33
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fuzz_pick.h"
#include "fuzz_report.h"
#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "model.h"

#define NR_FILES	3

struct file_state {
	int fd;
	int fmode;
	uint32_t work, seed, last_csum;
	uint64_t pos;		/* the file position */
};

struct rw_fuzz {
	struct model_dev d;
	struct hx_arena a;	/* data buffers */
	struct hx_arena ia;	/* iovec arrays */
	struct hx_rng r;
	struct file_state files[NR_FILES];
	int vfd;
	int check_stats;
	uint64_t stride;	/* distance between segment buffers */
	unsigned char *pre, *want_ret, *want_full, *stream;
	unsigned long reports, per_op[RW_NR_OPS], ok, eof, partial, errs;
	char desc[600];
};

static uint64_t pick_seg_len(struct rw_fuzz *f, const struct hx_ptr *p,
			     uint64_t pos)
{
	uint64_t size = f->d.size, ps = f->d.page, top = hx_task_size();
	uint64_t base = (uintptr_t)p->p, room = pos < size ? size - pos : 0;

	switch (hx_below(&f->r, 12)) {
	case 0:
		return 0;
	case 1:
		/* Huge but inside user space: only the guard page stops it. */
		return !p->kernel && base < top - (1 << 20) ?
		       top - base - (1 << 20) : 1ULL << 32;
	case 2:
		/* Past the end of user space. */
		return base < top ? top - base + (1 << 20) : 1;
	case 3: {
		const uint64_t huge[] = {
			1ULL << 31, 1ULL << 32, (1ULL << 63) - 1, 1ULL << 63,
			UINT64_MAX, UINT64_MAX - ps,
		};
		return huge[hx_below(&f->r, sizeof(huge) / sizeof(huge[0]))];
	}
	case 4:
		return room + hx_below(&f->r, 2 * ps);
	default:
		return hx_below(&f->r, (room < f->stride ? room : f->stride) + 2);
	}
}

/* A data buffer for segment i; usable kinds get their own stretch. */
static struct hx_ptr seg_ptr(struct rw_fuzz *f, int i, enum hx_ptr_kind k)
{
	struct hx_ptr p = hx_arena_ptr(&f->a, k, f->d.page, &f->r);

	if (k == HX_PTR_GOOD || k == HX_PTR_MISALIGNED) {
		uint64_t shift = (uint64_t)i * f->stride;

		p.p = (char *)p.p + shift;
		p.readable -= shift;
		p.writable -= shift;
	}
	return p;
}

static void pick_case(struct rw_fuzz *f, struct model_rw *c,
		      struct file_state **fs)
{
	uint64_t size = f->d.size, ps = f->d.page;
	unsigned int v = hx_below(&f->r, 100);

	memset(c, 0, sizeof(*c));
	c->op = hx_below(&f->r, RW_NR_OPS);
	*fs = &f->files[v < 80 ? 0 : v < 90 ? 1 : 2];
	c->fmode = (*fs)->fmode;

	if (model_rw_has_offset(c->op))
		c->pos = hx_chance(&f->r, 60) ? hx_below(&f->r, size + 1) :
			 pick_u64(&f->r, size, ps);
	else	/* set with lseek(), which keeps it in [0, size] */
		c->pos = hx_chance(&f->r, 80) ? hx_below(&f->r, size + 1) :
			 (hx_chance(&f->r, 50) ? size : 0);

	if (!model_rw_is_vectored(c->op)) {
		c->nseg = 1;
	} else {
		unsigned int n = hx_below(&f->r, 100);

		c->nseg = n < 4 ? 0 : n < 7 ? 1025 : n < 9 ? -1 :
			  1 + (int)hx_below(&f->r, MODEL_MAX_SEGS);
		c->iov = hx_arena_ptr(&f->ia, pick_ptr_kind(&f->r),
				      (c->nseg > 0 && c->nseg <= MODEL_MAX_SEGS ?
				       c->nseg : 1) * sizeof(struct iovec),
				      &f->r);
	}
	for (int i = 0; i < c->nseg && i < MODEL_MAX_SEGS; i++) {
		c->seg[i].buf = seg_ptr(f, i, pick_ptr_kind(&f->r));
		c->seg[i].len = pick_seg_len(f, &c->seg[i].buf, c->pos);
	}
}

static void describe(struct rw_fuzz *f, unsigned long i,
		     const struct model_rw *c, const struct file_state *fs)
{
	size_t len;

	len = snprintf(f->desc, sizeof(f->desc),
		       "case %lu: %s on a %s fd (work %u), position %#" PRIx64,
		       i, model_rw_name(c->op),
		       fs->fmode == O_RDONLY ? "O_RDONLY" :
		       fs->fmode == O_WRONLY ? "O_WRONLY" : "O_RDWR",
		       fs->work, c->pos);
	if (model_rw_is_vectored(c->op))
		len += snprintf(f->desc + len, sizeof(f->desc) - len,
				", %d iovecs in %s memory", c->nseg,
				hx_ptr_kind_name(c->iov.kind));
	for (int s = 0; s < c->nseg && s < MODEL_MAX_SEGS &&
	     len < sizeof(f->desc); s++)
		len += snprintf(f->desc + len, sizeof(f->desc) - len,
				"; [%d] %#" PRIx64 " bytes at %s", s,
				c->seg[s].len,
				hx_ptr_kind_name(c->seg[s].buf.kind));
	if (len < sizeof(f->desc))
		snprintf(f->desc + len, sizeof(f->desc) - len,
			 "; buffer %" PRIu64 " bytes", f->d.size);
}

/* The iovec array as the kernel will read it. */
static void put_iovecs(struct rw_fuzz *f, const struct model_rw *c)
{
	struct iovec iov[MODEL_MAX_SEGS];
	int n = c->nseg > 0 && c->nseg <= MODEL_MAX_SEGS ? c->nseg : 0;

	for (int s = 0; s < n; s++) {
		iov[s].iov_base = c->seg[s].buf.p;
		iov[s].iov_len = c->seg[s].len;
	}
	if (n)
		arena_put(&f->ia, &c->iov, iov, n * sizeof(iov[0]));
}

static long do_call(struct rw_fuzz *f, const struct model_rw *c,
		    struct file_state *fs)
{
	const struct iovec *iov = c->iov.p;
	void *p = c->seg[0].buf.p;
	size_t len = c->seg[0].len;
	off_t pos = (off_t)c->pos;

	if (!model_rw_has_offset(c->op)) {
		if (lseek(fs->fd, pos, SEEK_SET) != pos)
			FAIL("lseek(%" PRIu64 ") on a %" PRIu64 "-byte device: %s",
			     c->pos, f->d.size, kxt_errstr(errno));
		fs->pos = c->pos;
	}
	errno = 0;
	switch (c->op) {
	case RW_READ: return read(fs->fd, p, len);
	case RW_WRITE: return write(fs->fd, p, len);
	case RW_PREAD: return pread(fs->fd, p, len, pos);
	case RW_PWRITE: return pwrite(fs->fd, p, len, pos);
	case RW_READV: return readv(fs->fd, iov, c->nseg);
	case RW_WRITEV: return writev(fs->fd, iov, c->nseg);
	case RW_PREADV: return preadv(fs->fd, iov, c->nseg, pos);
	case RW_PWRITEV: return pwritev(fs->fd, iov, c->nseg, pos);
	default: FAIL("bad op %d", c->op);
	}
	return -1;
}

/*
 * Lay count bytes of src out over the segments, as the kernel would, into
 * an image of the data arena's read-write region.
 */
static void scatter(struct rw_fuzz *f, const struct model_rw *c,
		    unsigned char *image, const unsigned char *src,
		    uint64_t count)
{
	for (int s = 0; s < c->nseg && count; s++) {
		const struct hx_ptr *b = &c->seg[s].buf;
		uint64_t want = c->seg[s].len < count ? c->seg[s].len : count;
		uint64_t n = want < b->writable ? want : b->writable;

		if (n)
			memcpy(image + ((char *)b->p - f->a.rw), src, n);
		if (n < want)
			break;		/* the copy stops at the fault */
		src += n;
		count -= n;
	}
}

/* The bytes the segments hold, in order: what a write sends. */
static void gather(const struct model_rw *c, unsigned char *dst,
		   uint64_t count)
{
	for (int s = 0; s < c->nseg && count; s++) {
		const struct hx_ptr *b = &c->seg[s].buf;
		uint64_t want = c->seg[s].len < count ? c->seg[s].len : count;
		uint64_t n = b->kernel ? 0 : want < b->readable ? want :
			     b->readable;

		if (n)
			memcpy(dst, b->p, n);
		if (n < want)
			break;		/* the copy stops at the fault */
		dst += n;
		count -= n;
	}
}

static void after_read(struct rw_fuzz *f, const struct model_rw *c,
		       struct file_state *fs,
		       const struct model_rw_result *res, int got, uint64_t ret)
{
	uint64_t n = res->driver_len, pos = c->pos;
	uint32_t csum;
	size_t rw_len = f->a.rw_len;

	if (!res->reaches_driver || res->eof || !n)
		goto mode;
	/* What the read produces: the buffer, or the fill pattern. */
	if (fs->work == KXFER_WORK_FILL)
		kx_pattern_fill(f->stream, pos, n, fs->seed);
	else
		memcpy(f->stream, f->d.shadow + pos, n);

	if (!got) {
		memcpy(f->want_ret, f->pre, rw_len);
		scatter(f, c, f->want_ret, f->stream, ret);
		memcpy(f->want_full, f->want_ret, rw_len);
		scatter(f, c, f->want_full, f->stream, n);
		for (size_t b = 0; b < rw_len; b++) {
			unsigned char v = (unsigned char)f->a.rw[b];

			if (v == f->want_ret[b] || v == f->want_full[b])
				continue;
			fuzz_report(f, "after reading %" PRIu64 " bytes, user memory at arena offset %zu is 0x%02x, expected 0x%02x (%s)",
			            ret, b, v, f->want_ret[b],
			            f->pre[b] == v ? "not written" :
			            "wrong byte or written where nothing belongs");
			break;
		}
	}
	if (fs->work == KXFER_WORK_FILL) {
		/* The kernel filled the range before copying it out. */
		uint64_t done = got ? 0 : ret;

		memcpy(f->d.shadow + pos, f->stream, done);
		if (done < n)
			model_resync(&f->d, f->vfd, pos + done, n - done,
				     fs->seed, f->desc);
	}
mode:
	if (got || fs->work != KXFER_WORK_CHECKSUM || !res->reaches_driver)
		return;
	csum = kx_crc32c(KX_CRC32C_INIT, f->stream, res->eof ? 0 : ret);
	if (res->eof)
		fs->last_csum = ~0U;	/* see check_mode() */
	else
		fs->last_csum = csum;
}

/* The bytes a faulting write did not get to must be as they were. */
static void expect_unchanged(struct rw_fuzz *f, const struct model_rw *c,
			     uint64_t off, uint64_t len)
{
	unsigned char *got = kx_alloc(len);
	uint64_t first = len, ndiff = 0;

	kx_pread_all(f->vfd, got, len, off);
	model_count(&f->d, KXFER_PATH_READ, len);
	for (uint64_t i = 0; i < len; i++) {
		if (got[i] == f->d.shadow[off + i])
			continue;
		if (!ndiff++)
			first = i;
	}
	if (ndiff) {
		fuzz_report(f, "%" PRIu64 " of the %" PRIu64 " bytes past the %" PRIu64 " this faulting %s moved changed; first at buffer offset %" PRIu64 ": 0x%02x, was 0x%02x",
		            ndiff, len, off - c->pos, model_rw_name(c->op),
		            off + first, got[first], f->d.shadow[off + first]);
		memcpy(f->d.shadow + off, got, len);
	}
	free(got);
}

static void after_write(struct rw_fuzz *f, const struct model_rw *c,
			struct file_state *fs,
			const struct model_rw_result *res, int got,
			uint64_t ret)
{
	uint64_t n = res->driver_len;

	if (!res->reaches_driver)
		return;
	if (res->eof) {
		/* A zero-length write at the end: see check_mode(). */
		if (!got && fs->work == KXFER_WORK_CHECKSUM)
			fs->last_csum = ~0U;
		return;
	}
	if (!got) {
		memcpy(f->d.shadow + c->pos, f->stream, ret);
		if (fs->work == KXFER_WORK_CHECKSUM)
			fs->last_csum = kx_crc32c(KX_CRC32C_INIT, f->stream,
						  ret);
	}
	/*
	 * design: a fault keeps what was moved and nothing else; the bytes
	 * the write did not get to must be as they were.  Checked here so
	 * that damage is pinned to the call that did it.
	 */
	if (got || ret < n) {
		uint64_t done = got ? 0 : ret;

		if (f->check_stats) {
			/* The other test reports contents; just follow. */
			kx_pread_all(f->vfd, f->d.shadow + c->pos + done,
				     n - done, c->pos + done);
			model_count(&f->d, KXFER_PATH_READ, n - done);
		} else {
			expect_unchanged(f, c, c->pos + done, n - done);
		}
	}
}

/*
 * last_csum after a call that succeeded at the end of the buffer (a read,
 * or a write of nothing): the CRC32C of no bytes (~0) or the previous
 * value are both readings of "the CRC32C computed by the last read/write";
 * anything else is wrong.
 */
static void check_mode(struct rw_fuzz *f, struct file_state *fs,
		       uint32_t before, int at_eof)
{
	struct kxfer_mode m = kx_get_mode(fs->fd);

	if (m.last_csum == fs->last_csum)
		return;
	if (at_eof && m.last_csum == before) {
		fs->last_csum = before;
		return;
	}
	fuzz_report(f, "GET_MODE.last_csum is %#010x, expected %#010x%s",
	            m.last_csum, fs->last_csum,
	            at_eof ? " or the previous value" : "");
	fs->last_csum = m.last_csum;
}

static void one_case(struct rw_fuzz *f, unsigned long i)
{
	struct model_rw_result res;
	struct file_state *fs;
	struct model_rw c;
	uint32_t csum_before;
	uint64_t ret = 0;
	long r;
	int got;

	pick_case(f, &c, &fs);
	describe(f, i, &c, fs);
	f->per_op[c.op]++;
	put_iovecs(f, &c);
	model_rw(&f->d, &c, &res);
	if (model_rw_is_write(c.op) && res.reaches_driver)
		gather(&c, f->stream, res.driver_len);
	memcpy(f->pre, f->a.rw, f->a.rw_len);
	csum_before = fs->last_csum;

	r = do_call(f, &c, fs);
	got = r == -1 ? errno : 0;
	if (r >= 0)
		ret = (uint64_t)r;

	if (!hx_want_has(&res.w, got) ||
	    (!got && (ret < res.min_ret || ret > res.max_ret))) {
		if (!f->check_stats) {
			if (!got && hx_want_has(&res.w, 0))
				fuzz_report(f, "returned %" PRIu64 ", expected %" PRIu64 "%s%" PRIu64,
				            ret, res.min_ret,
				            res.min_ret == res.max_ret ? "" : "..",
				            res.min_ret == res.max_ret ? 0 : res.max_ret);
			else
				fuzz_report(f, "expected %s, got %s (return %ld)",
				            hx_want_str(&res.w), hx_errname(got), r);
		}
		/* Take the device's word for what follows. */
		kx_pread_all(f->vfd, f->d.shadow, f->d.size, 0);
		if (f->check_stats) {
			struct kxfer_stats st;

			kx_get_stats(f->vfd, &st);
			memcpy(f->d.bytes, st.bytes, sizeof(f->d.bytes));
			memcpy(f->d.calls, st.calls, sizeof(f->d.calls));
		} else {
			model_count(&f->d, KXFER_PATH_READ, f->d.size);
		}
		fs->last_csum = kx_get_mode(fs->fd).last_csum;
		fs->pos = lseek(fs->fd, 0, SEEK_CUR);
		return;
	}
	if (got)
		f->errs++;
	else if (res.eof)
		f->eof++;
	else if (ret < res.driver_len)
		f->partial++;
	else
		f->ok++;

	/* contract: successful calls count, with the bytes they moved. */
	if (!got && res.reaches_driver)
		model_count(&f->d, model_rw_path(c.op), ret);

	if (model_rw_is_write(c.op))
		after_write(f, &c, fs, &res, got, ret);
	else
		after_read(f, &c, fs, &res, got, ret);

	/* The position moves by what was returned, and only then. */
	if (!model_rw_has_offset(c.op) && !got)
		fs->pos += ret;
	if ((uint64_t)lseek(fs->fd, 0, SEEK_CUR) != fs->pos)
		fuzz_report(f, "file position is %lld afterwards, expected %" PRIu64,
		            (long long)lseek(fs->fd, 0, SEEK_CUR), fs->pos);
	check_mode(f, fs, csum_before, !got && res.eof);
}

static void set_mode(struct rw_fuzz *f)
{
	struct file_state *fs = &f->files[0];

	fs->work = hx_below(&f->r, 3);
	fs->seed = (uint32_t)hx_next(&f->r);
	fs->last_csum = 0;
	kx_set_mode(fs->fd, fs->work, fs->seed);
}

static void run_rw_fuzz(int with_stats)
{
	struct rw_fuzz *f = hx_calloc(1, sizeof(*f));
	unsigned long cases = hx_cases();
	uint64_t seed = hx_seed(), ps = kx_page(), cap;
	struct kxfer_info start;
	static const int fmodes[NR_FILES] = { O_RDWR, O_RDONLY, O_WRONLY };

	f->check_stats = with_stats;
	for (int i = 0; i < NR_FILES; i++) {
		f->files[i].fmode = fmodes[i];
		f->files[i].fd = kx_open_flags(fmodes[i]);
	}
	f->vfd = kx_open();
	kx_info(f->vfd, &start);
	hx_rng_init(&f->r, seed, 0x7e57);
	kxt_diag("seed: %" PRIu64, seed);

	cap = 17 * ps;
	kx_resize(f->vfd, hx_between(&f->r, 1, 16) * ps);
	model_init(&f->d, f->vfd, cap);
	for (uint64_t o = 0; o < f->d.size; o++)
		f->d.shadow[o] = (unsigned char)hx_next(&f->r);
	kx_pwrite_all(f->vfd, f->d.shadow, f->d.size, 0);
	kx_reset_stats(f->vfd);

	f->stride = cap + ps;
	hx_arena_init(&f->a, MODEL_MAX_SEGS * f->stride);
	hx_arena_init(&f->ia, ps);
	pick_bytes(&f->r, f->a.rw, f->a.rw_len);
	f->pre = kx_alloc(f->a.rw_len);
	f->want_ret = kx_alloc(f->a.rw_len);
	f->want_full = kx_alloc(f->a.rw_len);
	f->stream = kx_alloc(MODEL_MAX_SEGS * f->stride);

	for (unsigned long i = 0; i < cases; i++) {
		unsigned int v = hx_below(&f->r, 100);

		if (v < 4) {
			set_mode(f);
		} else if (v < 7) {
			snprintf(f->desc, sizeof(f->desc),
				 "case %lu: buffer contents", i);
			fuzz_check_contents(f);
		} else {
			/* Fresh data now and then, where writes take it. */
			if (v < 20)
				pick_bytes(&f->r, f->a.rw, f->a.rw_len);
			one_case(f, i);
		}
		if (f->check_stats)
			fuzz_check_stats(f);
	}
	snprintf(f->desc, sizeof(f->desc), "after %lu cases: final buffer contents",
		 cases);
	fuzz_check_contents(f);

	kxt_diag("cases: %lu (read %lu, write %lu, pread %lu, pwrite %lu, readv %lu, writev %lu, preadv %lu, pwritev %lu)",
		 cases, f->per_op[RW_READ], f->per_op[RW_WRITE],
		 f->per_op[RW_PREAD], f->per_op[RW_PWRITE],
		 f->per_op[RW_READV], f->per_op[RW_WRITEV],
		 f->per_op[RW_PREADV], f->per_op[RW_PWRITEV]);
	kxt_diag("outcomes: %lu full transfers, %lu short at a fault, %lu at the end of the buffer, %lu errors as predicted",
		 f->ok, f->partial, f->eof, f->errs);
	fuzz_report_summary(f->reports, seed, cases);
	/* As found: tests after this one expect it. */
	model_device_resize(f->vfd, start.buf_size, start.backing);
	model_free(&f->d);
	hx_arena_free(&f->a);
	hx_arena_free(&f->ia);
	free(f->pre);
	free(f->want_ret);
	free(f->want_full);
	free(f->stream);
	free(f);
}

TEST_TIMEOUT(fuzz_read_write_args_match_reference_model, 900)
{
	run_rw_fuzz(0);
}

TEST_TIMEOUT(fuzz_read_write_stats_match_reference_model, 900)
{
	run_rw_fuzz(1);
}

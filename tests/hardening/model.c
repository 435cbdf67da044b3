// SPDX-License-Identifier: GPL-2.0
/*
 * Reference model of the kxfer contract and the VFS/mm rules in front of
 * it; see model.h for the errno rule.  Each rule names where it comes
 * from: the kxfer header ("contract"), docs/design.md ("design"), or the
 * kernel's generic code ("VFS", "mm"), which the driver cannot change.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "model.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Flags the mm accepts with MAP_SHARED_VALIDATE on a file without
 * mmap_supported_flags (include/linux/mman.h, LEGACY_MAP_MASK). */
#define MODEL_LEGACY_MAP_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | \
	MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_GROWSDOWN | \
	MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | \
	MAP_STACK | MAP_HUGETLB | 0x4000000 /* MAP_UNINITIALIZED */)

void model_init(struct model_dev *d, int fd, size_t cap)
{
	struct kxfer_info info;

	memset(d, 0, sizeof(*d));
	kx_info(fd, &info);
	d->size = info.buf_size;
	d->backing = info.backing;
	d->page = kx_page();
	for (uint32_t b = 0; b < MODEL_NR_BACKINGS; b++)
		d->backing_max[b] = model_backing_max(b, d->page);
	d->pmd = model_pmd_size();
	d->cap = cap;
	if (d->size > cap)
		FAIL("model: device holds %" PRIu64 " bytes, the model %zu",
		     d->size, cap);
	d->shadow = hx_calloc(1, cap);
	kx_pread_all(fd, d->shadow, d->size, 0);
}

/* Orders /proc/buddyinfo has a column for (its first zone's line). */
static int buddy_orders(void)
{
	FILE *fp = fopen("/proc/buddyinfo", "r");
	char line[512], *tok, *save = NULL;
	int words = 0;

	if (!fp)
		return 0;
	if (!fgets(line, sizeof(line), fp))
		line[0] = 0;
	fclose(fp);
	/* "Node 0, zone   DMA32   3 1 ...": the counts follow 4 words. */
	for (tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		words++;
	return words > 4 ? words - 4 : 0;
}

uint64_t model_backing_max(uint32_t backing, uint64_t page)
{
	int orders;

	switch (backing) {
	case KXFER_BACKING_VMALLOC:
	case KXFER_BACKING_SHMEM:
	case KXFER_BACKING_DMA:
	case KXFER_BACKING_DMA_WC:
	case KXFER_BACKING_DMA_NONCOHERENT:
		return MODEL_MAX_BUF_SIZE;
	case KXFER_BACKING_PAGES:
		orders = buddy_orders();
		if (!orders)
			return 0;
		/* The highest order is one below the column count. */
		if ((page << (orders - 1)) > MODEL_MAX_BUF_SIZE)
			return MODEL_MAX_BUF_SIZE;
		return page << (orders - 1);
	default:
		return 0;
	}
}

uint64_t model_pmd_size(void)
{
	FILE *fp = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
			 "r");
	unsigned long long v = 0;

	if (!fp)
		return 0;
	if (fscanf(fp, "%llu", &v) != 1)
		v = 0;
	fclose(fp);
	return v;
}

uint32_t model_huge_size(const struct model_dev *d)
{
	/* contract (ABI 4): every shmem buffer, with THP; nothing else. */
	if (d->backing == KXFER_BACKING_SHMEM && d->pmd)
		return (uint32_t)d->pmd;
	return 0;
}

const char *model_backing_name(uint32_t backing)
{
	static char other[3][24];
	static int next;
	char *s;

	if (backing < KX_NR_BACKINGS)
		return kx_backing_name(backing);
	/* A few in rotation, so one message can name two. */
	s = other[next++ % 3];
	snprintf(s, sizeof(other[0]), "backing %u", backing);
	return s;
}

/*
 * vmalloc takes order-0 pages: only a machine out of memory refuses a few
 * MiB of them.  The pages and dma backings need physically contiguous
 * blocks; up to PAGE_ALLOC_COSTLY_ORDER (8 pages) the page allocator
 * reclaims and compacts until it has one, so only an out-of-memory
 * machine fails those too.  Larger blocks depend on fragmentation (pages,
 * dma without CMA) or on the CMA area's size and use (dma with CMA).
 */
#define MODEL_SURE_VMALLOC	(16ULL << 20)
#define MODEL_SURE_PAGES	8

int model_alloc_certain(const struct model_dev *d, uint64_t size,
			uint32_t backing)
{
	if (backing == KXFER_BACKING_VMALLOC || backing == KXFER_BACKING_SHMEM)
		return size <= MODEL_SURE_VMALLOC;
	return size <= MODEL_SURE_PAGES * d->page;
}

void model_device_resize(int fd, uint64_t size, uint32_t backing)
{
	struct kxfer_resize r = { .size = size, .backing = backing };

	if (ioctl(fd, KXFER_IOC_RESIZE, &r) < 0)
		FAIL("KXFER_IOC_RESIZE to %" PRIu64 " bytes on %s: %s",
		     size, model_backing_name(backing), kxt_errstr(errno));
}

void model_free(struct model_dev *d)
{
	free(d->shadow);
	d->shadow = NULL;
}

void model_count(struct model_dev *d, int path, uint64_t bytes)
{
	d->calls[path]++;
	d->bytes[path] += bytes;
}

uint32_t model_crc(const struct model_dev *d, uint64_t off, uint64_t len)
{
	return kx_crc32c(KX_CRC32C_INIT, d->shadow + off, len);
}

void model_fill(struct model_dev *d, uint64_t off, uint64_t len)
{
	kx_pattern_fill(d->shadow + off, off, len, d->seed);
}

void model_resize(struct model_dev *d, uint64_t new_size)
{
	if (new_size > d->cap)
		FAIL("model: RESIZE to %" PRIu64 " exceeds the model's %zu bytes",
		     new_size, d->cap);
	if (new_size > d->size)
		memset(d->shadow + d->size, 0, new_size - d->size);
	d->size = new_size;
}

int model_diff(struct model_dev *d, int fd, uint64_t off, uint64_t len,
	       char *msg, size_t msglen)
{
	unsigned char *buf = kx_alloc(len);
	uint64_t first = 0, ndiff = 0;

	kx_pread_all(fd, buf, len, off);
	model_count(d, KXFER_PATH_READ, len);
	/* A byte loop is slow on an emulated CPU; most calls agree. */
	if (memcmp(buf, d->shadow + off, len)) {
		for (uint64_t i = 0; i < len; i++) {
			if (buf[i] == d->shadow[off + i])
				continue;
			if (!ndiff++)
				first = i;
		}
	}
	if (ndiff)
		snprintf(msg, msglen,
			 "%" PRIu64 " of the %" PRIu64 " bytes at [%" PRIu64 ", %" PRIu64 ") differ from the model; first at offset %" PRIu64 ": 0x%02x, expected 0x%02x",
			 ndiff, len, off, off + len, off + first, buf[first],
			 d->shadow[off + first]);
	/* Take the device's word, so that one difference is reported once. */
	memcpy(d->shadow + off, buf, len);
	free(buf);
	return !ndiff;
}

int model_resync(struct model_dev *d, int fd, uint64_t off, uint64_t len,
		 uint32_t seed, const char *what)
{
	unsigned char *buf = kx_alloc(len), *pat = kx_alloc(len);
	int ok = 1;

	kx_pread_all(fd, buf, len, off);
	model_count(d, KXFER_PATH_READ, len);
	kx_pattern_fill(pat, off, len, seed);
	for (uint64_t i = 0; i < len; i++) {
		if (buf[i] != d->shadow[off + i] && buf[i] != pat[i]) {
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s: byte at offset %" PRIu64
				    " is 0x%02x, neither the old 0x%02x nor the fill pattern's 0x%02x",
				    what, off + i, buf[i], d->shadow[off + i],
				    pat[i]);
			ok = 0;
			break;
		}
	}
	memcpy(d->shadow + off, buf, len);
	free(buf);
	free(pat);
	return ok;
}

/* --- ioctl ------------------------------------------------------------ */

size_t model_ioctl_size(unsigned int cmd)
{
	switch (cmd) {
	case KXFER_IOC_INFO:
		return sizeof(struct kxfer_info);
	case KXFER_IOC_SUBMIT:
	case KXFER_IOC_FETCH:
		return sizeof(struct kxfer_xfer);
	case KXFER_IOC_SET_MODE:
	case KXFER_IOC_GET_MODE:
		return sizeof(struct kxfer_mode);
	case KXFER_IOC_RESIZE:
		return sizeof(struct kxfer_resize);
	case KXFER_IOC_GET_STATS:
		return sizeof(struct kxfer_stats);
	case KXFER_IOC_SYNC_FOR_CPU:
	case KXFER_IOC_SYNC_FOR_DEVICE:
		return sizeof(struct kxfer_sync);
	default:
		return 0;
	}
}

int model_ioctl_reads(unsigned int cmd)
{
	return cmd == KXFER_IOC_SUBMIT || cmd == KXFER_IOC_FETCH ||
	       cmd == KXFER_IOC_SET_MODE || cmd == KXFER_IOC_RESIZE ||
	       cmd == KXFER_IOC_SYNC_FOR_CPU ||
	       cmd == KXFER_IOC_SYNC_FOR_DEVICE;
}

int model_ioctl_writes(unsigned int cmd)
{
	return cmd == KXFER_IOC_INFO || cmd == KXFER_IOC_SUBMIT ||
	       cmd == KXFER_IOC_FETCH || cmd == KXFER_IOC_GET_MODE ||
	       cmd == KXFER_IOC_GET_STATS;
}

const char *model_ioctl_name(unsigned int cmd)
{
	switch (cmd) {
	case KXFER_IOC_INFO: return "INFO";
	case KXFER_IOC_SUBMIT: return "SUBMIT";
	case KXFER_IOC_FETCH: return "FETCH";
	case KXFER_IOC_SET_MODE: return "SET_MODE";
	case KXFER_IOC_GET_MODE: return "GET_MODE";
	case KXFER_IOC_RESIZE: return "RESIZE";
	case KXFER_IOC_GET_STATS: return "GET_STATS";
	case KXFER_IOC_RESET_STATS: return "RESET_STATS";
	case KXFER_IOC_SYNC_FOR_CPU: return "SYNC_FOR_CPU";
	case KXFER_IOC_SYNC_FOR_DEVICE: return "SYNC_FOR_DEVICE";
	default: return "unknown";
	}
}

static int work_valid(uint32_t work)
{
	return work == KXFER_WORK_NONE || work == KXFER_WORK_CHECKSUM ||
	       work == KXFER_WORK_FILL;
}

static int backing_valid(uint32_t backing)
{
	return backing < KX_NR_BACKINGS;
}

static int sync_direction_valid(uint32_t dir)
{
	return dir == KXFER_SYNC_BIDIRECTIONAL || dir == KXFER_SYNC_TO_DEVICE ||
	       dir == KXFER_SYNC_FROM_DEVICE;
}

/* contract: offset + length <= size, without wrapping around. */
static int range_valid(const struct model_dev *d, uint64_t off, uint64_t len)
{
	return off <= d->size && len <= d->size - off;
}

void model_ioctl(const struct model_dev *d, unsigned int cmd,
		 const struct hx_ptr *p, const union model_ioctl_arg *in,
		 struct hx_want *w, int *copy_out_fails)
{
	size_t size = model_ioctl_size(cmd);

	hx_want_clear(w);
	*copy_out_fails = 0;

	/* The kernel cannot see fields it cannot read: EFAULT and no more. */
	if (model_ioctl_reads(cmd) && (p->kernel || p->readable < size)) {
		hx_want_add(w, EFAULT);
		return;
	}

	switch (cmd) {
	case KXFER_IOC_SUBMIT:
	case KXFER_IOC_FETCH:
		/* contract: flags must be zero; offset + length <= size */
		if (in->xfer.flags)
			hx_want_add(w, EINVAL);
		if (!range_valid(d, in->xfer.offset, in->xfer.length))
			hx_want_add(w, EINVAL);
		break;
	case KXFER_IOC_SET_MODE:
		/*
		 * contract: known work, __reserved zero (ABI 2-3's cache
		 * attribute); last_csum ignored
		 */
		if (!work_valid(in->mode.work) || in->mode.__reserved)
			hx_want_add(w, EINVAL);
		break;
	case KXFER_IOC_RESIZE: {
		uint32_t b = in->resize.backing;

		/*
		 * contract: flags zero, a known backing, size 1..max_size of
		 * that (the target) backing, compared before rounding up to
		 * a page; mappings do not stop it (ABI 4: it revokes them).
		 */
		if (in->resize.flags)
			hx_want_add(w, EINVAL);
		if (!backing_valid(b) || !in->resize.size ||
		    in->resize.size > d->backing_max[b])
			hx_want_add(w, EINVAL);
		/* contract: "a failed allocation with ENOMEM". */
		if (!w->n && !model_alloc_certain(d,
				hx_page_align(in->resize.size), b))
			hx_want_add(w, ENOMEM);
		break;
	}
	case KXFER_IOC_SYNC_FOR_CPU:
	case KXFER_IOC_SYNC_FOR_DEVICE:
		/* contract: flags zero, a KXFER_SYNC_* direction, a range. */
		if (in->sync.flags || !sync_direction_valid(in->sync.direction))
			hx_want_add(w, EINVAL);
		if (!range_valid(d, in->sync.offset, in->sync.length))
			hx_want_add(w, EINVAL);
		break;
	default:
		break;
	}
	/* Broken rules, or a RESIZE that may find no memory (0 added below). */
	if (w->n && !hx_want_has(w, ENOMEM))
		return;

	/* Everything valid: the result goes back, if it can. */
	if (model_ioctl_writes(cmd) && (p->kernel || p->writable < size)) {
		hx_want_add(w, EFAULT);
		*copy_out_fails = 1;
		return;
	}
	hx_want_add(w, 0);
}

int model_ioctl_mutates(unsigned int cmd, const struct hx_ptr *p,
			const union model_ioctl_arg *in)
{
	switch (cmd) {
	case KXFER_IOC_SUBMIT:
	case KXFER_IOC_RESIZE:
	case KXFER_IOC_SYNC_FOR_DEVICE:
	case KXFER_IOC_RESET_STATS:
		return 1;
	case KXFER_IOC_SET_MODE:
		/* Only a mode the driver could read can be known as fill. */
		return !p->kernel && p->readable >= sizeof(in->mode) &&
		       in->mode.work == KXFER_WORK_FILL;
	case KXFER_IOC_SYNC_FOR_CPU:
		/* contract: any direction but TO_DEVICE may invalidate. */
		return !p->kernel && p->readable >= sizeof(in->sync) &&
		       in->sync.direction != KXFER_SYNC_TO_DEVICE;
	default:
		return 0;
	}
}

void model_ioctl_ro(const struct model_dev *d, unsigned int cmd,
		    const struct hx_ptr *p, const union model_ioctl_arg *in,
		    struct hx_want *w, int *copy_out_fails)
{
	struct hx_want rw;

	model_ioctl(d, cmd, p, in, &rw, copy_out_fails);
	if (!model_ioctl_mutates(cmd, p, in)) {
		*w = rw;
		return;
	}
	/* contract: EBADF; an argument error checked first may win. */
	hx_want_clear(w);
	for (int i = 0; i < rw.n; i++)
		if (rw.v[i] && rw.v[i] != ENOMEM)
			hx_want_add(w, rw.v[i]);
	hx_want_add(w, EBADF);
	*copy_out_fails = 0;
}

/* --- mmap ------------------------------------------------------------- */

int model_mmap_shared(const struct model_mmap *c)
{
	int type = c->flags & 0x0f;

	/* mm: a shared mapping of a file opened without write access is
	 * downgraded to a private one (VM_SHARED cleared). */
	return (type == MAP_SHARED || type == MAP_SHARED_VALIDATE) &&
	       (c->fmode & O_ACCMODE) == O_RDWR;
}

void model_mmap(const struct model_dev *d, const struct model_mmap *c,
		int noexec, struct hx_want *w)
{
	uint64_t ps = d->page, alen, pgoff, npages, buf_pages;
	int type = c->flags & 0x0f;
	int acc = c->fmode & O_ACCMODE;
	int can_read = acc == O_RDONLY || acc == O_RDWR;
	int can_write = acc == O_WRONLY || acc == O_RDWR;
	int shared_type = type == MAP_SHARED || type == MAP_SHARED_VALIDATE;

	hx_want_clear(w);

	/* mm (arch sys_mmap): the offset is in bytes, page aligned. */
	if (c->off % ps)
		hx_want_add(w, EINVAL);
	/* mm (do_mmap): zero length, or one that overflows when aligned. */
	if (!c->len)
		hx_want_add(w, EINVAL);
	alen = c->len > UINT64_MAX - (ps - 1) ? 0 : (c->len + ps - 1) / ps * ps;
	if (c->len && !alen)
		hx_want_add(w, ENOMEM);
	/*
	 * mm (get_unmapped_area): longer than the address space (x86's
	 * TASK_SIZE is a page short of the power of two).
	 */
	if (alen > hx_task_size() - ps)
		hx_want_add(w, ENOMEM);
	/* mm (file_mmap_ok): offset + length beyond ULONG_MAX. */
	pgoff = c->off / ps;
	if (alen && pgoff > (UINT64_MAX - alen) / ps)
		hx_want_add(w, EOVERFLOW);
	/* mm (do_mmap): the mapping type. */
	if (!shared_type && type != MAP_PRIVATE)
		hx_want_add(w, EINVAL);
	if (type == MAP_SHARED_VALIDATE && (c->flags & ~MODEL_LEGACY_MAP_MASK))
		hx_want_add(w, EOPNOTSUPP);
	if (shared_type && (c->prot & PROT_WRITE) && !can_write)
		hx_want_add(w, EACCES);
	if ((shared_type || type == MAP_PRIVATE) && !can_read)
		hx_want_add(w, EACCES);
	if (noexec && (c->prot & PROT_EXEC))
		hx_want_add(w, EPERM);
	if (w->n)
		return;

	/* design: a private (or downgraded) writable mapping is refused. */
	if (!model_mmap_shared(c) && (c->prot & PROT_WRITE))
		hx_want_add(w, EINVAL);
	/* design: a window past the end of the buffer fails with EINVAL. */
	npages = alen / ps;
	buf_pages = d->size / ps;
	if (pgoff >= buf_pages || npages > buf_pages - pgoff)
		hx_want_add(w, EINVAL);
	if (!w->n)
		hx_want_add(w, 0);
}

/* --- read/write --------------------------------------------------------- */

int model_rw_is_write(enum model_rw_op op)
{
	return op == RW_WRITE || op == RW_PWRITE || op == RW_WRITEV ||
	       op == RW_PWRITEV;
}

int model_rw_is_vectored(enum model_rw_op op)
{
	return op >= RW_READV;
}

int model_rw_has_offset(enum model_rw_op op)
{
	return op == RW_PREAD || op == RW_PWRITE || op == RW_PREADV ||
	       op == RW_PWRITEV;
}

int model_rw_path(enum model_rw_op op)
{
	if (model_rw_is_vectored(op))
		return model_rw_is_write(op) ? KXFER_PATH_WRITE_ITER :
					       KXFER_PATH_READ_ITER;
	return model_rw_is_write(op) ? KXFER_PATH_WRITE : KXFER_PATH_READ;
}

const char *model_rw_name(enum model_rw_op op)
{
	static const char *const names[RW_NR_OPS] = {
		"read", "write", "pread", "pwrite",
		"readv", "writev", "preadv", "pwritev",
	};

	return op < RW_NR_OPS ? names[op] : "?";
}

/* fs.h: the most one read/write moves, INT_MAX rounded down to a page. */
static uint64_t max_rw_count(uint64_t ps)
{
	return (uint64_t)INT_MAX & ~(ps - 1);
}

/*
 * VFS changes in 6.4 that the model follows:
 * - __import_iovec_ubuf(): a one-segment readv/writev is imported like
 *   read(), its length cut to MAX_RW_COUNT before access_ok(), where
 *   older kernels check the whole length and fail with EFAULT;
 * - copy_iovec_from_user() reads the array one iovec at a time and fails
 *   with EINVAL at a negative length before it reaches an unreadable
 *   iovec, where older kernels copy the whole array first (EFAULT).
 */
static int vfs_is_6_4_or_later(void)
{
	static int cached = -1;
	struct utsname u;
	int major = 0, minor = 0;

	if (cached < 0) {
		cached = !uname(&u) &&
			 sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
			 (major > 6 || (major == 6 && minor >= 4));
	}
	return cached;
}

void model_rw(const struct model_dev *d, const struct model_rw *c,
	      struct model_rw_result *res)
{
	int wr = model_rw_is_write(c->op);
	int acc = c->fmode & O_ACCMODE;
	uint64_t lens[MODEL_MAX_SEGS] = { 0 };
	uint64_t total = 0, raw_total = 0, n, prefix = 0;
	int nseg = c->nseg;

	memset(res, 0, sizeof(*res));

	/* VFS: the file must be open for the direction. */
	if (wr ? acc == O_RDONLY : acc == O_WRONLY)
		hx_want_add(&res->w, EBADF);
	/* VFS (ksys_pread64, do_preadv): negative offsets. */
	if (model_rw_has_offset(c->op) && c->pos > (uint64_t)INT64_MAX)
		hx_want_add(&res->w, EINVAL);

	if (!model_rw_is_vectored(c->op)) {
		const struct model_seg *s = &c->seg[0];

		/* VFS (vfs_read: access_ok, rw_verify_area). */
		if (s->buf.kernel || !hx_user_range_ok(s->buf.p, s->len))
			hx_want_add(&res->w, EFAULT);
		if (s->len > (uint64_t)INT64_MAX)
			hx_want_add(&res->w, EINVAL);
		lens[0] = s->len;
		raw_total = s->len;
		total = s->len < max_rw_count(d->page) ? s->len :
			max_rw_count(d->page);
		nseg = 1;
	} else if (nseg > 1024 || nseg < 0) {
		/* VFS (iovec_from_user): UIO_MAXIOV. */
		hx_want_add(&res->w, EINVAL);
		nseg = 0;
	} else if (nseg && (c->iov.kernel ||
			    c->iov.readable < (size_t)nseg * 16)) {
		/* VFS: the iovec array itself cannot be read ... */
		int err = EFAULT;

		/* ... unless 6.4+ meets a negative length before the fault. */
		for (int i = 0; !c->iov.kernel && vfs_is_6_4_or_later() &&
		     i < nseg && (size_t)(i + 1) * 16 <= c->iov.readable; i++)
			if (c->seg[i].len > (uint64_t)INT64_MAX) {
				err = EINVAL;
				break;
			}
		hx_want_add(&res->w, err);
		nseg = 0;
	} else {
		for (int i = 0; i < nseg; i++) {
			const struct model_seg *s = &c->seg[i];
			uint64_t room = max_rw_count(d->page) - total;

			/* VFS (copy_iovec_from_user, __import_iovec). */
			if (s->len > (uint64_t)INT64_MAX) {
				hx_want_add(&res->w, EINVAL);
				continue;
			}
			lens[i] = s->len < room ? s->len : room;
			if (s->buf.kernel ||
			    !hx_user_range_ok(s->buf.p,
					      nseg == 1 &&
					      vfs_is_6_4_or_later() ?
					      lens[i] : s->len))
				hx_want_add(&res->w, EFAULT);
			total += lens[i];
		}
		raw_total = total;
	}
	/* VFS (rw_verify_area): position + count beyond the largest loff_t. */
	if (!res->w.n && raw_total && c->pos <= (uint64_t)INT64_MAX &&
	    raw_total > (uint64_t)INT64_MAX - c->pos)
		hx_want_add(&res->w, EINVAL);
	if (res->w.n)
		return;

	/* VFS (do_iter_read/write): nothing to move, the driver is not called. */
	if (model_rw_is_vectored(c->op) && !total) {
		hx_want_add(&res->w, 0);
		return;
	}
	res->reaches_driver = 1;

	/* design: a fixed-size file. */
	if (c->pos >= d->size) {
		res->eof = 1;
		if (wr && total)
			hx_want_add(&res->w, ENOSPC);
		else
			hx_want_add(&res->w, 0);
		return;
	}
	n = total < d->size - c->pos ? total : d->size - c->pos;
	res->driver_len = n;
	if (!n) {
		hx_want_add(&res->w, 0);
		return;
	}
	/* Bytes of user memory usable before the first fault, in order. */
	for (int i = 0; i < nseg && prefix < n; i++) {
		const struct hx_ptr *b = &c->seg[i].buf;
		uint64_t ok = wr ? b->readable : b->writable;

		if (b->kernel)
			ok = 0;
		if (ok >= lens[i]) {
			prefix += lens[i];
			continue;
		}
		prefix += ok;
		break;
	}
	/* design: EFAULT only when nothing moved; else the bytes moved. */
	if (prefix >= n) {
		hx_want_add(&res->w, 0);
		res->min_ret = res->max_ret = n;
	} else if (!prefix) {
		hx_want_add(&res->w, EFAULT);
	} else {
		hx_want_add(&res->w, 0);
		res->min_ret = 1;
		res->max_ret = prefix;
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference model of the kxfer contract (include/uapi/linux/kxfer.h,
 * docs/design.md) and of the VFS/mm rules in front of it, for the fuzz
 * tests.  Pure functions: given what the test knows about the device and
 * a call's arguments, they compute the set of acceptable outcomes.
 *
 * The rule for errnos: every rule the arguments break contributes its
 * errno; when several are broken, the kernel may report any of them (the
 * contract does not order the checks, and the VFS order differs between
 * kernel versions), so the set holds them all.  When exactly one rule is
 * broken, exactly one errno is acceptable.  Success is acceptable only
 * when no rule is broken.
 */
#ifndef HX_MODEL_H
#define HX_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kxfer.h>

#include "hx.h"

/*
 * design (docs/design.md, backings): the largest buffer of the vmalloc
 * and dma backings; the pages backing's is its largest block, less.
 */
#define MODEL_MAX_BUF_SIZE	(1ULL << 30)
#define MODEL_NR_BACKINGS	KX_NR_BACKINGS

/* What the test knows about the device under test and its open file. */
struct model_dev {
	uint64_t size;		/* buffer bytes, a page multiple */
	uint32_t backing;	/* KXFER_BACKING_* of the buffer */
	/* INFO.max_size per backing: KXFER_IOC_RESIZE's upper limit */
	uint64_t backing_max[MODEL_NR_BACKINGS];
	uint64_t pmd;		/* THP's PMD size; 0: kernel without THP */
	uint64_t page;
	/*
	 * Live mappings (VMAs) the test holds that INFO.nr_mappings counts:
	 * those made while the buffer was not shmem (the header: shmem
	 * mappings are the shmem file's and are not counted).
	 */
	unsigned int mapped;
	unsigned char *shadow;	/* expected buffer contents */
	size_t cap;		/* bytes allocated for shadow */
	uint32_t work;		/* the file's KXFER_WORK_* */
	uint32_t seed;
	uint32_t last_csum;
	uint64_t bytes[KXFER_NR_PATHS];	/* expected statistics */
	uint64_t calls[KXFER_NR_PATHS];
};

/*
 * Read the device's size, backing and contents into a fresh model, with
 * each backing's size limit as the contract and design predict it (see
 * model_backing_max()).
 */
void model_init(struct model_dev *d, int fd, size_t cap);
void model_free(struct model_dev *d);

/*
 * The largest RESIZE the contract allows on a backing, predicted without
 * asking the device: 1 GiB for vmalloc and dma (design); for pages "its
 * largest block" (contract), the page size shifted by the highest order
 * /proc/buddyinfo lists, at most 1 GiB; 0 for an unknown backing, or for
 * pages when /proc/buddyinfo cannot be read.
 */
uint64_t model_backing_max(uint32_t backing, uint64_t page);

/* /sys/kernel/mm/transparent_hugepage/hpage_pmd_size; 0 without THP. */
uint64_t model_pmd_size(void);

/*
 * INFO.huge_size the contract gives the current buffer: the PMD size for
 * a pages buffer of exactly that size on a THP kernel, else 0.
 */
uint32_t model_huge_size(const struct model_dev *d);

/* "vmalloc", "pages", "dma" or "backing N". */
const char *model_backing_name(uint32_t backing);

/*
 * Whether a RESIZE allocation of size bytes (page-aligned) on a valid
 * backing can only succeed; otherwise ENOMEM is as good an answer as
 * success (see model_ioctl()).
 */
int model_alloc_certain(const struct model_dev *d, uint64_t size,
			uint32_t backing);

/*
 * RESIZE the device to size bytes on backing, which must work (setting a
 * fuzz test up, putting back what it found); ends the test otherwise.
 */
void model_device_resize(int fd, uint64_t size, uint32_t backing);

/* Count a call that moved bytes on a path, as GET_STATS should. */
void model_count(struct model_dev *d, int path, uint64_t bytes);

/* CRC32C (kernel convention) of shadow[off, off + len). */
uint32_t model_crc(const struct model_dev *d, uint64_t off, uint64_t len);

/* The fill pattern of the file's seed into shadow[off, off + len). */
void model_fill(struct model_dev *d, uint64_t off, uint64_t len);

/* RESIZE succeeded: keep the prefix, zero the rest. */
void model_resize(struct model_dev *d, uint64_t new_size);

/*
 * Compare the device (read through fd, which must not be the file whose
 * work mode is modelled) with the shadow over [off, off + len); 1 if they
 * agree, else 0 and the differences described in msg.  The shadow takes
 * the device's contents either way, so that a difference shows once.
 * Counts the read in the statistics.
 */
int model_diff(struct model_dev *d, int fd, uint64_t off, uint64_t len,
	       char *msg, size_t msglen);

/*
 * After a call whose fill side effect the contract leaves open (a FETCH
 * or read that failed after the kernel filled the range): every byte of
 * [off, off + len) must be either its old value or the fill pattern of
 * seed; the shadow takes what is there.  Returns 0 and reports otherwise.
 */
int model_resync(struct model_dev *d, int fd, uint64_t off, uint64_t len,
		 uint32_t seed, const char *what);

/* --- ioctl ------------------------------------------------------------ */

union model_ioctl_arg {
	struct kxfer_info info;
	struct kxfer_xfer xfer;
	struct kxfer_mode mode;
	struct kxfer_resize resize;
	struct kxfer_stats stats;
	struct kxfer_sync sync;
};

/* Bytes the command copies in and out, 0 for none. */
size_t model_ioctl_size(unsigned int cmd);
int model_ioctl_reads(unsigned int cmd);
int model_ioctl_writes(unsigned int cmd);
const char *model_ioctl_name(unsigned int cmd);

/*
 * Outcome of ioctl(cmd, arg) where arg points at *in (whose readable and
 * writable prefixes p describes).  *copy_out_fails is set when success
 * depends on writing the result back and that cannot work: the kernel
 * did the work, then fails with EFAULT.  A valid RESIZE the model cannot
 * be sure of (model_alloc_certain()) may succeed or fail with ENOMEM.
 */
void model_ioctl(const struct model_dev *d, unsigned int cmd,
		 const struct hx_ptr *p, const union model_ioctl_arg *in,
		 struct hx_want *w, int *copy_out_fails);
/*
 * The same for a file opened without write access: an operation that
 * mutates (contract: SUBMIT, SET_MODE with fill, RESIZE, SYNC_FOR_DEVICE,
 * RESET_STATS) fails with EBADF, or with whatever argument error the
 * driver checks first, and never succeeds.
 */
void model_ioctl_ro(const struct model_dev *d, unsigned int cmd,
		    const struct hx_ptr *p, const union model_ioctl_arg *in,
		    struct hx_want *w, int *copy_out_fails);
int model_ioctl_mutates(unsigned int cmd, const struct hx_ptr *p,
			const union model_ioctl_arg *in);

/* --- mmap ------------------------------------------------------------- */

struct model_mmap {
	uint64_t len;
	uint64_t off;
	int prot;
	int flags;
	int fmode;		/* O_RDONLY, O_WRONLY or O_RDWR */
};

/* noexec: the device's file system is mounted noexec. */
void model_mmap(const struct model_dev *d, const struct model_mmap *c,
		int noexec, struct hx_want *w);
/* A successful mapping is shared with the device (writes reach it). */
int model_mmap_shared(const struct model_mmap *c);

/* --- read/write --------------------------------------------------------- */

enum model_rw_op {
	RW_READ, RW_WRITE, RW_PREAD, RW_PWRITE,
	RW_READV, RW_WRITEV, RW_PREADV, RW_PWRITEV,
	RW_NR_OPS
};

#define MODEL_MAX_SEGS	4

struct model_seg {
	struct hx_ptr buf;
	uint64_t len;
};

struct model_rw {
	enum model_rw_op op;
	int fmode;
	uint64_t pos;		/* the file position or the offset argument */
	int nseg;		/* iovcnt; 1 for read/write */
	struct model_seg seg[MODEL_MAX_SEGS];
	struct hx_ptr iov;	/* where the iovec array is (vectored) */
};

struct model_rw_result {
	struct hx_want w;	/* errnos; 0 stands for a byte count */
	uint64_t min_ret;	/* acceptable byte counts */
	uint64_t max_ret;
	int reaches_driver;	/* the driver's transfer runs */
	uint64_t driver_len;	/* bytes the driver attempts (in range) */
	int eof;		/* at or past the end of the buffer */
};

int model_rw_is_write(enum model_rw_op op);
int model_rw_is_vectored(enum model_rw_op op);
int model_rw_has_offset(enum model_rw_op op);
int model_rw_path(enum model_rw_op op);		/* KXFER_PATH_* */
const char *model_rw_name(enum model_rw_op op);

void model_rw(const struct model_dev *d, const struct model_rw *c,
	      struct model_rw_result *res);

#endif

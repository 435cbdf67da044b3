/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kxfer internals shared by the driver's files.
 *
 * Locking, outermost first:
 *
 *   buf_sem (rw_semaphore)  read: every transfer that touches the buffer
 *                           (read/write/iter/SUBMIT/FETCH/INFO);
 *                           write: RESIZE while it replaces the buffer.
 *   mmap_lock (the mm's)    taken by page faults inside copy_{to,from}_user
 *                           while buf_sem is held for read.
 *   map_lock (mutex)        mmap() setup (called under mmap_lock) against
 *                           RESIZE's check that no mapping exists; also
 *                           serialises the inode's i_size updates.
 *
 * mmap() must therefore never take buf_sem: that would order mmap_lock
 * before buf_sem, the reverse of a read() that faults.  A live mapping
 * pins the buffer instead: RESIZE refuses while nr_mappings != 0, so the
 * fault handler may use kd->buf without any lock.
 */
#ifndef _KXFER_H
#define _KXFER_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rwsem.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/kxfer.h>

#include "kxfer_stream.h"

#define KXFER_MAX_DEVS		32
#define KXFER_MAX_BUF_SIZE	((u64)SZ_1G)

/*
 * Long transfers are cut into chunks so that a 1 GiB read can be
 * interrupted and does not hog the CPU; a chunk is large enough that the
 * extra loop iteration is invisible in the measurements.
 */
#define KXFER_CHUNK		SZ_1M

/*
 * The buffer and its DMA view.  vmalloc and pages buffers are mapped for
 * streaming DMA to the kxfer device once, when allocated, so that the
 * SYNC ioctls can do cache maintenance with the DMA API: one mapping per
 * page for vmalloc, one for the whole contiguous pages buffer.  A dma
 * buffer is coherent and needs none.
 */
struct kxfer_buf {
	void *vaddr;
	size_t size;		/* bytes, multiple of PAGE_SIZE */
	u32 backing;		/* KXFER_BACKING_* */
	dma_addr_t dma;		/* pages: whole buffer; dma: coherent handle */
	dma_addr_t *page_dma;	/* vmalloc: one per page */
	bool huge;		/* pages: one folio of PMD order */
};

struct kxfer_pcpu_stats {
	u64 bytes[KXFER_NR_PATHS];
	u64 calls[KXFER_NR_PATHS];
};

struct kxfer_dev {
	struct device dev;
	struct cdev cdev;
	struct inode *inode;		/* f_mapping of its files; i_size */
	struct rw_semaphore buf_sem;	/* see "Locking" above */
	struct mutex map_lock;		/* see "Locking" above */
	struct kxfer_buf buf;
	atomic_t nr_mappings;		/* live VMAs; non-zero pins buf */
	struct kxfer_pcpu_stats __percpu *stats;
	struct kxfer_stream stream;	/* kxfer_stream.c */
};

/* Per open file: the work mode applied to every transfer on it. */
struct kxfer_file {
	struct kxfer_dev *kd;
	u32 work;
	u32 seed;
	u32 last_csum;
	u32 cache;		/* KXFER_CACHE_* of its mappings */
	bool stream_io;		/* did read()/write() on a stream */
};

static inline struct kxfer_dev *to_kxfer_dev(struct device *dev)
{
	return container_of(dev, struct kxfer_dev, dev);
}

static inline void kxfer_count(struct kxfer_dev *kd, unsigned int path,
			       u64 bytes)
{
	this_cpu_add(kd->stats->bytes[path], bytes);
	this_cpu_inc(kd->stats->calls[path]);
}

/* kxfer_buf.c */
const char *kxfer_backing_name(u32 backing);
int kxfer_backing_parse(const char *name);
u64 kxfer_backing_max_size(u32 backing);
int kxfer_buf_alloc(struct kxfer_dev *kd, struct kxfer_buf *buf, u64 size,
		    u32 backing);
void kxfer_buf_free(struct kxfer_dev *kd, struct kxfer_buf *buf);
struct page *kxfer_buf_page(const struct kxfer_buf *buf, pgoff_t pgoff);
u32 kxfer_buf_huge_size(const struct kxfer_buf *buf);
void kxfer_buf_sync(struct kxfer_dev *kd, struct kxfer_buf *buf, u64 offset,
		    u64 len, enum dma_data_direction dir, bool for_cpu);
int kxfer_resize(struct kxfer_dev *kd, const struct kxfer_resize *req);

/* kxfer_inode.c */
int kxfer_inode_init(void);
void kxfer_inode_exit(void);
struct inode *kxfer_inode_new(void);

/* kxfer_work.c */
bool kxfer_work_valid(u32 work);
u32 kxfer_work_csum_init(const struct kxfer_file *kf);
void kxfer_work_produce(const struct kxfer_file *kf, void *kaddr, u64 offset,
			size_t len);
u32 kxfer_work_csum(const struct kxfer_file *kf, u32 crc, const void *kaddr,
		    size_t len);
void kxfer_work_fill(void *kaddr, u64 offset, size_t len, u32 seed);

/* kxfer_file.c */
extern const struct file_operations kxfer_fops;

/* kxfer_mmap.c */
int kxfer_mmap(struct file *file, struct vm_area_struct *vma);

/* kxfer_ioctl.c */
long kxfer_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
void kxfer_stats_sum(struct kxfer_dev *kd, struct kxfer_stats *st);

/* kxfer_sysfs.c */
extern const struct attribute_group *kxfer_dev_groups[];

#endif /* _KXFER_H */

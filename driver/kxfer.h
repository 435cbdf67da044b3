/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kxfer internals shared by the driver's files.
 *
 * Locking, outermost first:
 *
 *   stream.ctl_lock (mutex) START, STOP and RESIZE: no RESIZE while a
 *                           stream runs (kxfer_stream.h).
 *   resize_lock (mutex)     serialises RESIZE: only RESIZE replaces the
 *                           buffer, so under it kd->buf is stable.
 *   buf_sem (rw_semaphore)  read: every transfer that touches the buffer
 *                           (read/write/iter/SUBMIT/FETCH/SYNC/INFO, sysfs);
 *                           write: RESIZE while it copies and publishes.
 *   mmap_lock (the mm's)    taken by page faults inside copy_{to,from}_user
 *                           while buf_sem is held for read.
 *   kxfer_srcu (SRCU)       mmap() and the fault handler, which run under
 *                           mmap_lock and so may never take buf_sem (that
 *                           would order mmap_lock before buf_sem, the
 *                           reverse of a read() that faults).
 *   kd->resizing            not a lock, so lockdep does not see it; kept
 *                           out of every lock order instead: mmap() never
 *                           waits for it (a dma* or shmem mmap() fails with
 *                           EAGAIN, vmalloc and pages need not wait), and
 *                           a fault waits for it outside its SRCU section
 *                           after dropping the mmap (or VMA) lock and
 *                           returns VM_FAULT_RETRY.  Only a fault the core
 *                           does not let retry waits holding the mmap lock
 *                           for read, bounded by one RESIZE, which never
 *                           takes an mmap lock (kxfer_fault_wait()).
 *
 * Buffer lifetime: kd->buf is published with rcu_assign_pointer() under
 * buf_sem (write).  A buffer is reference counted (struct kxfer_buf.ref):
 * the device holds one reference to its current buffer, and each dma* VMA
 * one to the buffer it maps.  RESIZE to a new buffer first freezes the
 * mappings: it sets kd->resizing (faults now wait, dma* and shmem mmap()
 * fail with EAGAIN), waits for every SRCU reader that may not have seen
 * it (synchronize_srcu()), and zaps every page table entry of the
 * device's mappings
 * (unmap_mapping_range() on kd->inode's address space; a shmem buffer's
 * file is truncated to zero).  Only then does it copy, so no store
 * through a mapping can land in the old buffer after the copy.  It
 * publishes the new buffer, lets faults go on, waits for SRCU readers
 * once more (an mmap() may still hold the old pointer) and drops the
 * device's reference.  So the fault handler, which inserts the page inside
 * its SRCU section, never installs a page of a revoked buffer, and nothing
 * user space can reach is freed under it: vmalloc and pages mappings are
 * faulted in from the current buffer only, pages pinned by
 * get_user_pages() survive by their own refcount, dma* mappings keep their
 * buffer until munmap(), and shmem mappings hold the shmem file.
 */
#ifndef _KXFER_H
#define _KXFER_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/sizes.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/kxfer.h>

#include "kxfer_stream.h"

#define KXFER_MAX_DEVS		32
#define KXFER_MAX_BUF_SIZE	((u64)SZ_1G)

/* The driver's version, as modinfo shows it: the ABI it implements. */
#define KXFER_DRIVER_VERSION	"4.0"

/*
 * Long transfers, copies and cache maintenance are cut into chunks so that
 * a 1 GiB operation can be interrupted and does not hog the CPU; a chunk
 * is large enough that the extra loop iteration is invisible in the
 * measurements.
 */
#define KXFER_CHUNK		SZ_1M

struct kxfer_dev;

/*
 * One buffer.  @vaddr is the kernel's view of all backings: the vmalloc
 * area, the linear map of the pages or dma-noncoherent block, the DMA
 * API's mapping of dma and dma-wc memory, or a vmap() of the shmem file's
 * pinned pages.
 */
struct kxfer_buf {
	struct kref ref;
	struct kxfer_dev *kd;
	void *vaddr;
	size_t size;		/* bytes, multiple of PAGE_SIZE */
	u32 backing;		/* KXFER_BACKING_* */
	dma_addr_t dma;		/* dma*: the DMA API's handle */
	struct page *dma_page;	/* dma-noncoherent: dma_alloc_pages() */
	struct file *shmem;	/* shmem: the file (a reference) */
	struct page **pages;	/* shmem: pinned pages behind @vaddr */
};

struct kxfer_pcpu_stats {
	u64 bytes[KXFER_NR_PATHS];
	u64 calls[KXFER_NR_PATHS];
};

struct kxfer_dev {
	struct device dev;
	struct cdev cdev;
	/*
	 * f_mapping of every open file: the one address space that holds
	 * all of the device's mappings, so that RESIZE can revoke them
	 * (as /dev/mem's devmem_inode does).
	 */
	struct inode *inode;
	struct mutex resize_lock;	/* see "Locking" above */
	struct rw_semaphore buf_sem;	/* see "Locking" above */
	struct kxfer_buf __rcu *buf;	/* see "Buffer lifetime" above */
	bool resizing;			/* RESIZE is copying: faults wait */
	wait_queue_head_t resize_wq;	/* for !resizing */
	atomic_t nr_mappings;		/* live VMAs but shmem ones */
	bool dma_coherent;		/* the DMA API needs no syncs */
	struct kxfer_pcpu_stats __percpu *stats;
	struct kxfer_stream stream;	/* kxfer_stream.c */
};

/* Per open file: the work mode applied to every transfer on it. */
struct kxfer_file {
	struct kxfer_dev *kd;
	u32 work;
	u32 seed;
	u32 last_csum;
	bool stream_io;		/* did read()/write() on a stream */
};

static inline struct kxfer_dev *to_kxfer_dev(struct device *dev)
{
	return container_of(dev, struct kxfer_dev, dev);
}

/* The current buffer, for holders of buf_sem or resize_lock. */
static inline struct kxfer_buf *kxfer_cur_buf(struct kxfer_dev *kd)
{
	return rcu_dereference_protected(kd->buf,
					 lockdep_is_held(&kd->buf_sem) ||
					 lockdep_is_held(&kd->resize_lock));
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
bool kxfer_backing_usable(u32 backing);
u64 kxfer_backing_max_size(u32 backing);
struct kxfer_buf *kxfer_buf_alloc(struct kxfer_dev *kd, u64 size,
				  u32 backing);
struct kxfer_buf *kxfer_buf_reshape(struct kxfer_buf *old, u64 size);
void kxfer_buf_put(struct kxfer_buf *buf);
int kxfer_buf_revoke(struct kxfer_buf *buf);
u32 kxfer_buf_huge_size(const struct kxfer_buf *buf);
int kxfer_buf_sync(struct kxfer_buf *buf, u64 offset, u64 len,
		   enum dma_data_direction to_device,
		   enum dma_data_direction for_cpu);
int kxfer_dma_coherent(struct device *dev);

/* kxfer_shmem.c */
int kxfer_shmem_init(void);
void kxfer_shmem_exit(void);
bool kxfer_shmem_huge(void);
int kxfer_shmem_alloc(struct kxfer_buf *buf);
void kxfer_shmem_free(struct kxfer_buf *buf);
int kxfer_shmem_revoke(struct kxfer_buf *buf);
int kxfer_shmem_resize(struct kxfer_buf *old, struct kxfer_buf *nbuf);

/* kxfer_resize.c */
long kxfer_ioctl_resize(struct kxfer_dev *kd, void __user *argp);

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
void kxfer_mappings_freeze(struct kxfer_dev *kd);
void kxfer_mappings_thaw(struct kxfer_dev *kd);
void kxfer_mappings_sync(void);

/* kxfer_ioctl.c */
long kxfer_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* kxfer_stats.c */
void kxfer_stats_sum(struct kxfer_dev *kd, struct kxfer_stats *st);
void kxfer_stats_reset(struct kxfer_dev *kd);
long kxfer_ioctl_get_stats(struct kxfer_dev *kd, void __user *argp);
void kxfer_stats_init(void);
extern const struct attribute_group kxfer_stat_group;

/* kxfer_sysfs.c */
extern const struct attribute_group *kxfer_dev_groups[];

#endif /* _KXFER_H */

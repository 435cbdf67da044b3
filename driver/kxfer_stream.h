/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The streaming device (KXFER_IOC_STREAM_*), see docs/streaming.md.
 *
 * Locking: kxfer_dev.stream_lock (mutex) serialises START, STOP and RESIZE
 * and is taken before buf_sem.  kxfer_stream.lock (spinlock) protects the
 * block queues, the counters and the state; it is never held across a
 * copy to or from user space or while a block is filled or checked.  The
 * hrtimer callback takes no lock: it counts ticks and queues the work.
 *
 * Lifetime: the stream lives inside kxfer_dev.  Every operation that uses
 * it (read, write, DQBUF, QBUF) holds a user count from kxfer_stream_get()
 * to kxfer_stream_put(); STOP stops the timer and the work, wakes every
 * waiter and waits for the count to drop to zero before it frees the
 * queues, so no operation sees them go.
 */
#ifndef _KXFER_STREAM_H
#define _KXFER_STREAM_H

#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/kxfer.h>

struct file;
struct kxfer_buf;
struct kxfer_dev;
struct kxfer_file;
struct poll_table_struct;
struct vm_area_struct;

/* Block indices in FIFO order; each block is in at most one queue. */
struct kxfer_stream_fifo {
	u32 *idx;
	u32 head;		/* next to push, free running */
	u32 tail;		/* next to pop */
};

struct kxfer_stream {
	spinlock_t lock;		/* see "Locking" above */
	wait_queue_head_t wq;		/* readers, writers, poll, STOP */
	struct hrtimer timer;
	struct work_struct work;
	atomic_t ticks_due;		/* periods the work has not handled */
	ktime_t period;

	bool running;
	unsigned int users;		/* kxfer_stream_get() holders */
	const struct kxfer_file *owner;	/* STARTed it; close stops it */
	struct kxfer_stream_start cfg;
	struct kxfer_buf *buf;		/* a reference, START to STOP */

	/* read/write and queue interfaces */
	struct kxfer_stream_fifo free;	/* kernel-owned, empty or consumed */
	struct kxfer_stream_fifo ready;	/* filled, waiting for a consumer */
	u8 *state;			/* KXFER_BLK_* per block */

	/* ring interface */
	struct page *ring_page;
	struct kxfer_stream_ring *ring;
	u32 ring_head;			/* the kernel's side's own index */
	u32 ring_tail;

	struct mutex ctl_lock;		/* START, STOP, RESIZE */
	u64 next_seq;			/* capture: next block's seq */
	u64 sink_seq;			/* sink: the seq the next block must have */
	struct kxfer_stream_stats st;
};

void kxfer_stream_init(struct kxfer_dev *kd);
void kxfer_stream_exit(struct kxfer_dev *kd);

long kxfer_stream_ioctl(struct file *file, unsigned int cmd,
			void __user *argp);
bool kxfer_stream_is_ioctl(unsigned int cmd);
void kxfer_stream_release(struct kxfer_file *kf);

/* RESIZE: 0 with the device idle and held so, or -EBUSY. */
int kxfer_stream_hold_idle(struct kxfer_dev *kd);
void kxfer_stream_unhold(struct kxfer_dev *kd);

/* read()/write() go to the stream when this says so. */
bool kxfer_stream_owns_io(struct kxfer_file *kf);
ssize_t kxfer_stream_read(struct file *file, char __user *ubuf, size_t count);
ssize_t kxfer_stream_write(struct file *file, const char __user *ubuf,
			   size_t count);
__poll_t kxfer_stream_poll(struct file *file, struct poll_table_struct *pt);

/* mmap() of KXFER_STREAM_RING_OFFSET. */
bool kxfer_stream_is_ring_map(struct vm_area_struct *vma);
int kxfer_stream_mmap_ring(struct kxfer_dev *kd, struct vm_area_struct *vma);

#endif /* _KXFER_STREAM_H */

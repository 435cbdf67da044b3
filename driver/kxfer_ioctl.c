// SPDX-License-Identifier: GPL-2.0
/*
 * ioctls: INFO, the SUBMIT/FETCH half of the zero-copy path, the per-file
 * work mode and the SYNC ownership transfers; RESIZE and the statistics
 * are in kxfer_resize.c and kxfer_stats.c.  Every argument struct is
 * copied in whole, checked (reserved fields must be zero) and copied back
 * out whole, so no kernel stack bytes ever reach user space.
 */
#include <linux/dma-direction.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "kxfer.h"

#define KXFER_FEATURES	(KXFER_FEAT_ITER | KXFER_FEAT_MMAP | \
			 KXFER_FEAT_CHECKSUM | KXFER_FEAT_FILL | \
			 KXFER_FEAT_RESIZE | KXFER_FEAT_STATS | \
			 KXFER_FEAT_BACKINGS | KXFER_FEAT_SYNC | \
			 KXFER_FEAT_REVOKE | KXFER_FEAT_SHMEM | \
			 KXFER_FEAT_DMA_ATTRS | KXFER_FEAT_STREAM)

static long kxfer_ioctl_info(struct kxfer_dev *kd, void __user *argp)
{
	struct kxfer_info info = {
		.page_size	= PAGE_SIZE,
		.abi_version	= KXFER_ABI_VERSION,
		.features	= KXFER_FEATURES,
	};
	struct kxfer_buf *buf;

	down_read(&kd->buf_sem);
	buf = kxfer_cur_buf(kd);
	info.buf_size = buf->size;
	info.backing = buf->backing;
	info.huge_size = kxfer_buf_huge_size(buf);
	up_read(&kd->buf_sem);
	info.max_size = kxfer_backing_max_size(info.backing);
	info.nr_mappings = atomic_read(&kd->nr_mappings);

	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * SUBMIT: user space filled [offset, offset + length) through its mapping
 * and hands it over.  FETCH: the kernel prepares that range for user space
 * to read through the mapping.  No byte is copied either way; what remains
 * is the same kernel-side work the copy path does, plus the ownership
 * transfers of a dma-noncoherent buffer (see <linux/kxfer.h>).  Every
 * write-back is DMA_TO_DEVICE, which only cleans: on some architectures
 * (arm32) for_device(DMA_FROM_DEVICE) invalidates, and would discard the
 * kernel's fill or a store of user space.  The invalidate of FETCH is
 * left out on a read-only file: it may discard a store that a writer
 * makes through its own mapping between the clean and the invalidate.
 */
static long kxfer_ioctl_xfer(struct file *file, void __user *argp, bool fetch)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_dev *kd = kf->kd;
	enum dma_data_direction for_cpu = DMA_NONE;
	u32 crc = kxfer_work_csum_init(kf);
	struct kxfer_buf *buf;
	struct kxfer_xfer x;
	u64 done = 0;
	long ret;

	if (copy_from_user(&x, argp, sizeof(x)))
		return -EFAULT;
	if (x.flags)
		return -EINVAL;

	ret = down_read_killable(&kd->buf_sem);
	if (ret)
		return ret;
	buf = kxfer_cur_buf(kd);
	if (x.offset > buf->size || x.length > buf->size - x.offset) {
		ret = -EINVAL;
		goto unlock;
	}

	if (!fetch) {
		ret = kxfer_buf_sync(buf, x.offset, x.length, DMA_TO_DEVICE,
				     DMA_NONE);
		if (ret)
			goto unlock;
	}

	while (done < x.length) {
		size_t len = min_t(u64, x.length - done, KXFER_CHUNK);
		void *kaddr = buf->vaddr + x.offset + done;

		if (fetch)
			kxfer_work_produce(kf, kaddr, x.offset + done, len);
		crc = kxfer_work_csum(kf, crc, kaddr, len);
		done += len;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto unlock;
		}
		cond_resched();
	}
	x.csum = crc;

	if (fetch) {
		if (file->f_mode & FMODE_WRITE)
			for_cpu = DMA_FROM_DEVICE;
		ret = kxfer_buf_sync(buf, x.offset, x.length, DMA_TO_DEVICE,
				     for_cpu);
	}

unlock:
	up_read(&kd->buf_sem);
	if (ret)
		return ret;
	if (copy_to_user(argp, &x, sizeof(x)))
		return -EFAULT;
	/* Only calls that succeed count, as for read() and write(). */
	kxfer_count(kd, fetch ? KXFER_PATH_FETCH : KXFER_PATH_SUBMIT,
		    x.length);
	return 0;
}

static long kxfer_ioctl_set_mode(struct file *file, void __user *argp)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_mode mode;

	if (copy_from_user(&mode, argp, sizeof(mode)))
		return -EFAULT;
	if (!kxfer_work_valid(mode.work) || mode.__reserved)
		return -EINVAL;
	/* Fill overwrites the buffer on every read and FETCH. */
	if (mode.work == KXFER_WORK_FILL && !(file->f_mode & FMODE_WRITE))
		return -EBADF;

	WRITE_ONCE(kf->seed, mode.seed);
	WRITE_ONCE(kf->work, mode.work);
	WRITE_ONCE(kf->last_csum, 0);
	return 0;
}

static long kxfer_ioctl_get_mode(struct kxfer_file *kf, void __user *argp)
{
	struct kxfer_mode mode = {
		.work		= READ_ONCE(kf->work),
		.seed		= READ_ONCE(kf->seed),
		.last_csum	= READ_ONCE(kf->last_csum),
	};

	if (copy_to_user(argp, &mode, sizeof(mode)))
		return -EFAULT;
	return 0;
}

/* KXFER_SYNC_* are the uapi spelling of enum dma_data_direction. */
static const enum dma_data_direction kxfer_sync_dir[] = {
	[KXFER_SYNC_BIDIRECTIONAL]	= DMA_BIDIRECTIONAL,
	[KXFER_SYNC_TO_DEVICE]		= DMA_TO_DEVICE,
	[KXFER_SYNC_FROM_DEVICE]	= DMA_FROM_DEVICE,
};

/*
 * SYNC_FOR_DEVICE: for_device(direction).  SYNC_FOR_CPU: a write-back
 * (for_device(DMA_TO_DEVICE), see kxfer_ioctl_xfer()) then
 * for_cpu(direction).  for_cpu in any other direction than TO_DEVICE may
 * invalidate, discarding what a writer stores meanwhile through its own
 * mapping: a read-only file may not do that.
 */
static long kxfer_ioctl_sync(struct file *file, void __user *argp,
			     bool for_cpu)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_dev *kd = kf->kd;
	enum dma_data_direction to_device, cpu_dir = DMA_NONE;
	struct kxfer_sync req;
	struct kxfer_buf *buf;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.direction >= ARRAY_SIZE(kxfer_sync_dir))
		return -EINVAL;
	to_device = kxfer_sync_dir[req.direction];
	if (for_cpu) {
		if (to_device != DMA_TO_DEVICE &&
		    !(file->f_mode & FMODE_WRITE))
			return -EBADF;
		cpu_dir = to_device;
		to_device = DMA_TO_DEVICE;
	}

	ret = down_read_killable(&kd->buf_sem);
	if (ret)
		return ret;
	buf = kxfer_cur_buf(kd);
	if (req.offset > buf->size || req.length > buf->size - req.offset)
		ret = -EINVAL;
	else
		ret = kxfer_buf_sync(buf, req.offset, req.length, to_device,
				     cpu_dir);
	up_read(&kd->buf_sem);
	return ret;
}

/*
 * The ioctls that change the buffer's contents, size, backing or the
 * device's counters: like write(), they need a file opened for writing.
 * (SET_MODE needs it only for KXFER_WORK_FILL, checked on its argument.)
 */
static bool kxfer_ioctl_writes(unsigned int cmd)
{
	switch (cmd) {
	case KXFER_IOC_SUBMIT:
	case KXFER_IOC_RESIZE:
	case KXFER_IOC_SYNC_FOR_DEVICE:
	case KXFER_IOC_RESET_STATS:
		return true;
	default:
		return false;
	}
}

long kxfer_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kxfer_file *kf = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (kxfer_ioctl_writes(cmd) && !(file->f_mode & FMODE_WRITE))
		return -EBADF;

	switch (cmd) {
	case KXFER_IOC_INFO:
		return kxfer_ioctl_info(kf->kd, argp);
	case KXFER_IOC_SUBMIT:
		return kxfer_ioctl_xfer(file, argp, false);
	case KXFER_IOC_FETCH:
		return kxfer_ioctl_xfer(file, argp, true);
	case KXFER_IOC_SET_MODE:
		return kxfer_ioctl_set_mode(file, argp);
	case KXFER_IOC_GET_MODE:
		return kxfer_ioctl_get_mode(kf, argp);
	case KXFER_IOC_RESIZE:
		/* A running stream uses the buffer: refused (EBUSY). */
		ret = kxfer_stream_hold_idle(kf->kd);
		if (ret)
			return ret;
		ret = kxfer_ioctl_resize(kf->kd, argp);
		kxfer_stream_unhold(kf->kd);
		return ret;
	case KXFER_IOC_GET_STATS:
		return kxfer_ioctl_get_stats(kf->kd, argp);
	case KXFER_IOC_RESET_STATS:
		kxfer_stats_reset(kf->kd);
		return 0;
	case KXFER_IOC_SYNC_FOR_CPU:
		return kxfer_ioctl_sync(file, argp, true);
	case KXFER_IOC_SYNC_FOR_DEVICE:
		return kxfer_ioctl_sync(file, argp, false);
	default:
		if (kxfer_stream_is_ioctl(cmd))
			return kxfer_stream_ioctl(file, cmd, argp);
		return -ENOTTY;
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ioctls: INFO, the SUBMIT/FETCH half of the zero-copy path, the per-file
 * work mode, RESIZE and the statistics.  Every argument struct is copied
 * in whole, checked (reserved fields must be zero) and copied back out
 * whole, so no kernel stack bytes ever reach user space.
 */
#include <linux/dma-direction.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "kxfer.h"

#define KXFER_FEATURES	(KXFER_FEAT_ITER | KXFER_FEAT_MMAP | \
			 KXFER_FEAT_CHECKSUM | KXFER_FEAT_FILL | \
			 KXFER_FEAT_RESIZE | KXFER_FEAT_STATS | \
			 KXFER_FEAT_BACKINGS | KXFER_FEAT_CACHE | \
			 KXFER_FEAT_SYNC | KXFER_FEAT_STREAM)

static long kxfer_ioctl_info(struct kxfer_dev *kd, void __user *argp)
{
	struct kxfer_info info = {
		.page_size	= PAGE_SIZE,
		.abi_version	= KXFER_ABI_VERSION,
		.features	= KXFER_FEATURES,
	};

	down_read(&kd->buf_sem);
	info.buf_size = kd->buf.size;
	info.backing = kd->buf.backing;
	info.huge_size = kxfer_buf_huge_size(&kd->buf);
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
 * is the same kernel-side work the copy path does.
 */
static long kxfer_ioctl_xfer(struct kxfer_file *kf, void __user *argp,
			     bool fetch)
{
	struct kxfer_dev *kd = kf->kd;
	bool uncached = READ_ONCE(kf->cache) != KXFER_CACHE_CACHED;
	struct kxfer_xfer x;
	u32 crc = kxfer_work_csum_init(kf);
	u64 done = 0;
	long ret;

	if (copy_from_user(&x, argp, sizeof(x)))
		return -EFAULT;
	if (x.flags)
		return -EINVAL;

	ret = down_read_killable(&kd->buf_sem);
	if (ret)
		return ret;
	if (x.offset > kd->buf.size || x.length > kd->buf.size - x.offset) {
		ret = -EINVAL;
		goto unlock;
	}

	/* What user space wrote past the kernel's caches (WC/uncached). */
	if (!fetch && uncached)
		kxfer_buf_sync(kd, &kd->buf, x.offset, x.length,
			       DMA_FROM_DEVICE, true);

	while (done < x.length) {
		size_t len = min_t(u64, x.length - done, KXFER_CHUNK);
		void *kaddr = kd->buf.vaddr + x.offset + done;

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
	/* What the kernel wrote, for a mapping that bypasses its caches. */
	if (fetch && uncached)
		kxfer_buf_sync(kd, &kd->buf, x.offset, x.length,
			       DMA_TO_DEVICE, false);

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

static long kxfer_ioctl_set_mode(struct kxfer_file *kf, void __user *argp)
{
	struct kxfer_mode mode;

	if (copy_from_user(&mode, argp, sizeof(mode)))
		return -EFAULT;
	if (!kxfer_work_valid(mode.work) || mode.cache > KXFER_CACHE_UNCACHED)
		return -EINVAL;

	WRITE_ONCE(kf->cache, mode.cache);
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
		.cache		= READ_ONCE(kf->cache),
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

static long kxfer_ioctl_sync(struct kxfer_dev *kd, void __user *argp,
			     bool for_cpu)
{
	struct kxfer_sync req;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.direction >= ARRAY_SIZE(kxfer_sync_dir))
		return -EINVAL;

	ret = down_read_killable(&kd->buf_sem);
	if (ret)
		return ret;
	if (req.offset > kd->buf.size ||
	    req.length > kd->buf.size - req.offset)
		ret = -EINVAL;
	else
		kxfer_buf_sync(kd, &kd->buf, req.offset, req.length,
			       kxfer_sync_dir[req.direction], for_cpu);
	up_read(&kd->buf_sem);
	return ret;
}

static long kxfer_ioctl_resize(struct kxfer_dev *kd, void __user *argp)
{
	struct kxfer_resize req;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	/* A running stream uses the buffer without buf_sem. */
	ret = kxfer_stream_hold_idle(kd);
	if (ret)
		return ret;
	ret = kxfer_resize(kd, &req);
	kxfer_stream_unhold(kd);
	return ret;
}

/*
 * Counters are per CPU so that threads on different CPUs do not bounce a
 * cache line on every call; a sum read while transfers run is approximate.
 */
void kxfer_stats_sum(struct kxfer_dev *kd, struct kxfer_stats *st)
{
	int cpu, i;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		const struct kxfer_pcpu_stats *pcs = per_cpu_ptr(kd->stats, cpu);

		for (i = 0; i < KXFER_NR_PATHS; i++) {
			st->bytes[i] += pcs->bytes[i];
			st->calls[i] += pcs->calls[i];
		}
	}
}

static long kxfer_ioctl_get_stats(struct kxfer_dev *kd, void __user *argp)
{
	struct kxfer_stats st;

	kxfer_stats_sum(kd, &st);
	if (copy_to_user(argp, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}

static long kxfer_ioctl_reset_stats(struct kxfer_dev *kd)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(kd->stats, cpu), 0,
		       sizeof(struct kxfer_pcpu_stats));
	return 0;
}

long kxfer_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kxfer_file *kf = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case KXFER_IOC_INFO:
		return kxfer_ioctl_info(kf->kd, argp);
	case KXFER_IOC_SUBMIT:
		return kxfer_ioctl_xfer(kf, argp, false);
	case KXFER_IOC_FETCH:
		return kxfer_ioctl_xfer(kf, argp, true);
	case KXFER_IOC_SET_MODE:
		return kxfer_ioctl_set_mode(kf, argp);
	case KXFER_IOC_GET_MODE:
		return kxfer_ioctl_get_mode(kf, argp);
	case KXFER_IOC_RESIZE:
		return kxfer_ioctl_resize(kf->kd, argp);
	case KXFER_IOC_GET_STATS:
		return kxfer_ioctl_get_stats(kf->kd, argp);
	case KXFER_IOC_RESET_STATS:
		return kxfer_ioctl_reset_stats(kf->kd);
	case KXFER_IOC_SYNC_FOR_CPU:
		return kxfer_ioctl_sync(kf->kd, argp, true);
	case KXFER_IOC_SYNC_FOR_DEVICE:
		return kxfer_ioctl_sync(kf->kd, argp, false);
	default:
		if (kxfer_stream_is_ioctl(cmd))
			return kxfer_stream_ioctl(file, cmd, argp);
		return -ENOTTY;
	}
}

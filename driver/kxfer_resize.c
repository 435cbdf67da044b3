// SPDX-License-Identifier: GPL-2.0
/*
 * KXFER_IOC_RESIZE: replace the buffer like ftruncate(), revoking every
 * mapping of the old one (see "Buffer lifetime" in kxfer.h).
 */
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kxfer.h"

/*
 * Up to 1 GiB: in chunks, so that it does not hog the CPU and, if
 * @killable, can be killed.
 */
static int kxfer_copy(void *dst, const void *src, size_t len, bool killable)
{
	size_t done, n;

	for (done = 0; done < len; done += n) {
		n = min_t(size_t, len - done, KXFER_CHUNK);
		memcpy(dst + done, src + done, n);
		if (killable && fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* shmem to shmem: the same file, resized in place; mappings follow. */
static int kxfer_resize_in_place(struct kxfer_dev *kd, struct kxfer_buf *old,
				 u64 size)
{
	struct kxfer_buf *nbuf = kxfer_buf_reshape(old, size);

	if (IS_ERR(nbuf))
		return PTR_ERR(nbuf);
	rcu_assign_pointer(kd->buf, nbuf);
	return 0;
}

/*
 * To a new buffer: the mappings are frozen and revoked before the copy,
 * so that no store through them is lost (see "Buffer lifetime" in
 * kxfer.h).  A shmem buffer's file is truncated first, so its own
 * mappings stop too; the kernel's view still holds the pages, but the
 * copy can then no longer be abandoned.  If the truncation fails, the
 * old buffer stays published, whole.
 */
static int kxfer_resize_copy(struct kxfer_dev *kd, struct kxfer_buf *old,
			     struct kxfer_buf *nbuf)
{
	bool revoke_file = old->backing == KXFER_BACKING_SHMEM;
	int ret;

	kxfer_mappings_freeze(kd);
	ret = kxfer_buf_revoke(old);
	if (ret)
		goto thaw;
	ret = kxfer_copy(nbuf->vaddr, old->vaddr, min(nbuf->size, old->size),
			 !revoke_file);
	if (!ret)
		rcu_assign_pointer(kd->buf, nbuf);
thaw:
	kxfer_mappings_thaw(kd);
	return ret;
}

/*
 * The new buffer is allocated before buf_sem is taken (transfers go on
 * meanwhile); the copy and the swap exclude them.
 */
static int kxfer_resize(struct kxfer_dev *kd, const struct kxfer_resize *req)
{
	struct kxfer_buf *old, *nbuf = NULL;
	bool in_place;
	int ret;

	if (req->flags)
		return -EINVAL;

	ret = mutex_lock_killable(&kd->resize_lock);
	if (ret)
		return ret;
	old = kxfer_cur_buf(kd);
	in_place = old->backing == KXFER_BACKING_SHMEM &&
		   req->backing == KXFER_BACKING_SHMEM;
	if (!in_place) {
		nbuf = kxfer_buf_alloc(kd, req->size, req->backing);
		if (IS_ERR(nbuf)) {
			ret = PTR_ERR(nbuf);
			goto unlock_resize;
		}
	}

	ret = down_write_killable(&kd->buf_sem);
	if (ret)
		goto put_new;
	if (in_place)
		ret = kxfer_resize_in_place(kd, old, req->size);
	else
		ret = kxfer_resize_copy(kd, old, nbuf);
	up_write(&kd->buf_sem);
	if (ret)
		goto put_new;

	kxfer_mappings_sync();
	kxfer_buf_put(old);
	mutex_unlock(&kd->resize_lock);
	return 0;

put_new:
	if (nbuf)
		kxfer_buf_put(nbuf);
unlock_resize:
	mutex_unlock(&kd->resize_lock);
	return ret;
}

long kxfer_ioctl_resize(struct kxfer_dev *kd, void __user *argp)
{
	struct kxfer_resize req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	return kxfer_resize(kd, &req);
}

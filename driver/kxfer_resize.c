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

/* Up to 1 GiB: in chunks, so that it can be killed and does not hog. */
static int kxfer_copy(void *dst, const void *src, size_t len)
{
	size_t done, n;

	for (done = 0; done < len; done += n) {
		n = min_t(size_t, len - done, KXFER_CHUNK);
		memcpy(dst + done, src + done, n);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * The new buffer is allocated before buf_sem is taken (transfers go on
 * meanwhile); only the copy and the swap exclude them.  shmem to shmem
 * resizes the same file instead, which must exclude them throughout.
 * Once the new buffer is published, the old one's mappings are revoked
 * and the device's reference to it dropped.
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
	if (in_place) {
		nbuf = kxfer_buf_reshape(old, req->size);
		ret = PTR_ERR_OR_ZERO(nbuf);
		if (ret)
			nbuf = NULL;
	} else {
		ret = kxfer_copy(nbuf->vaddr, old->vaddr,
				 min(nbuf->size, old->size));
	}
	if (!ret)
		rcu_assign_pointer(kd->buf, nbuf);
	up_write(&kd->buf_sem);
	if (ret)
		goto put_new;

	kxfer_revoke_mappings(kd);
	if (!in_place)
		kxfer_buf_revoke(old);
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

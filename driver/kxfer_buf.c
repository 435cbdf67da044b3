// SPDX-License-Identifier: GPL-2.0
/*
 * The device buffer: allocation, page lookup for the fault handler, and
 * RESIZE.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kxfer.h"

/*
 * Zeroed so that no stale kernel data can reach user space; NOWARN and
 * RETRY_MAYFAIL because a size the machine cannot hold is a user error to
 * report with -ENOMEM, not a reason for an allocation splat or the OOM
 * killer.
 */
#define KXFER_BUF_GFP	(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN | \
			 __GFP_RETRY_MAYFAIL)

int kxfer_buf_alloc(struct kxfer_buf *buf, u64 size, u32 backing)
{
	if (!size || size > KXFER_MAX_BUF_SIZE)
		return -EINVAL;
	if (backing != KXFER_BACKING_VMALLOC)
		return -EINVAL;

	size = PAGE_ALIGN(size);
	buf->vaddr = __vmalloc(size, KXFER_BUF_GFP);
	if (!buf->vaddr)
		return -ENOMEM;
	buf->size = size;
	buf->backing = backing;
	return 0;
}

void kxfer_buf_free(struct kxfer_buf *buf)
{
	vfree(buf->vaddr);
	buf->vaddr = NULL;
	buf->size = 0;
}

struct page *kxfer_buf_page(const struct kxfer_buf *buf, pgoff_t pgoff)
{
	return vmalloc_to_page(buf->vaddr + (pgoff << PAGE_SHIFT));
}

static bool kxfer_mapped(struct kxfer_dev *kd)
{
	return atomic_read(&kd->nr_mappings) != 0;
}

/*
 * Like ftruncate(): bytes below the smaller size survive, the rest of a
 * larger buffer is zero.  The new buffer is allocated before any lock is
 * taken; the swap happens with buf_sem held for write, so no transfer is
 * in flight on the old buffer, and under map_lock, so no mmap() can pick
 * up the old one.
 */
int kxfer_resize(struct kxfer_dev *kd, const struct kxfer_resize *req)
{
	struct kxfer_buf nbuf;
	int ret;

	if (req->flags)
		return -EINVAL;
	if (kxfer_mapped(kd))
		return -EBUSY;

	ret = kxfer_buf_alloc(&nbuf, req->size, req->backing);
	if (ret)
		return ret;

	ret = down_write_killable(&kd->buf_sem);
	if (ret)
		goto free_new;
	mutex_lock(&kd->map_lock);
	if (kxfer_mapped(kd)) {
		ret = -EBUSY;
		goto unlock;
	}

	memcpy(nbuf.vaddr, kd->buf.vaddr, min(nbuf.size, kd->buf.size));
	swap(nbuf, kd->buf);

unlock:
	mutex_unlock(&kd->map_lock);
	up_write(&kd->buf_sem);
free_new:
	/* After a successful swap this frees the old buffer. */
	kxfer_buf_free(&nbuf);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The device buffer: its six backings, each from the allocator made for
 * it, the buffer's reference count, and the ownership transfers of the
 * dma-noncoherent backing.  Nothing is ever mapped for streaming DMA, so
 * nothing is bounced (swiotlb) and no cache maintenance is played on
 * memory the DMA API does not own.
 */
#include <linux/cc_platform.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "kxfer.h"
#include "kxfer_compat.h"

/*
 * Charged to the memory cgroup of the task that asks for the buffer (user
 * space decides its size); zeroed so that no stale kernel data can reach
 * user space; NOWARN and RETRY_MAYFAIL because a size the machine cannot
 * hold is a user error to report with -ENOMEM, not a reason for an
 * allocation splat or the OOM killer.  CMA allocations of the dma*
 * backings are not charged: CMA does not support it.
 */
#define KXFER_BUF_GFP	(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN | \
			 __GFP_RETRY_MAYFAIL)

/* Names for the module parameter and sysfs, indexed by KXFER_BACKING_*. */
static const char * const kxfer_backing_names[] = {
	[KXFER_BACKING_VMALLOC]		= "vmalloc",
	[KXFER_BACKING_PAGES]		= "pages",
	[KXFER_BACKING_DMA]		= "dma",
	[KXFER_BACKING_SHMEM]		= "shmem",
	[KXFER_BACKING_DMA_WC]		= "dma-wc",
	[KXFER_BACKING_DMA_NONCOHERENT]	= "dma-noncoherent",
};

const char *kxfer_backing_name(u32 backing)
{
	if (backing >= ARRAY_SIZE(kxfer_backing_names))
		return "unknown";
	return kxfer_backing_names[backing];
}

/* KXFER_BACKING_* for a name, or -EINVAL. */
int kxfer_backing_parse(const char *name)
{
	int i = sysfs_match_string(kxfer_backing_names, name);

	return i < 0 ? -EINVAL : i;
}

/*
 * Whether the kernel can give user space a correct mapping of @backing.
 * In a guest with encrypted memory (SEV, TDX) dma_alloc_pages() may
 * return memory it decrypted for the device (force_dma_unencrypted()),
 * but dma_mmap_pages() maps it with the VMA's protection, which is not
 * pgprot_decrypted(): user space would see ciphertext.  The other dma*
 * allocators' mmap helpers decrypt; the page backings are never shared.
 */
bool kxfer_backing_usable(u32 backing)
{
	if (backing == KXFER_BACKING_DMA_NONCOHERENT)
		return !cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT);
	return backing < ARRAY_SIZE(kxfer_backing_names);
}

/* 0: the backing is unknown or unusable on this machine. */
u64 kxfer_backing_max_size(u32 backing)
{
	if (!kxfer_backing_usable(backing))
		return 0;

	switch (backing) {
	case KXFER_BACKING_PAGES:
		/* One block of the page allocator. */
		return min_t(u64, KXFER_MAX_BUF_SIZE,
			     PAGE_SIZE << KXFER_MAX_PAGE_ORDER);
	case KXFER_BACKING_VMALLOC:
	case KXFER_BACKING_DMA:
	case KXFER_BACKING_SHMEM:
	case KXFER_BACKING_DMA_WC:
	case KXFER_BACKING_DMA_NONCOHERENT:
		return KXFER_MAX_BUF_SIZE;
	default:
		return 0;
	}
}

/*
 * The attribute of dma and dma-wc memory is chosen by the DMA API for
 * the kxfer device (see kxfer_dev_create()); dma-noncoherent is ordinary
 * cacheable memory whose ownership user space transfers with the SYNC
 * ioctls.
 */
static int kxfer_alloc_dma(struct kxfer_buf *buf)
{
	struct device *dev = &buf->kd->dev;

	switch (buf->backing) {
	case KXFER_BACKING_DMA:
		buf->vaddr = dma_alloc_coherent(dev, buf->size, &buf->dma,
						KXFER_BUF_GFP);
		break;
	case KXFER_BACKING_DMA_WC:
		buf->vaddr = dma_alloc_wc(dev, buf->size, &buf->dma,
					  KXFER_BUF_GFP);
		break;
	default:
		buf->dma_page = dma_alloc_pages(dev, buf->size, &buf->dma,
						DMA_BIDIRECTIONAL,
						KXFER_BUF_GFP);
		if (buf->dma_page)
			buf->vaddr = page_address(buf->dma_page);
		break;
	}
	return buf->vaddr ? 0 : -ENOMEM;
}

static void kxfer_free_dma(struct kxfer_buf *buf)
{
	struct device *dev = &buf->kd->dev;

	switch (buf->backing) {
	case KXFER_BACKING_DMA:
		dma_free_coherent(dev, buf->size, buf->vaddr, buf->dma);
		break;
	case KXFER_BACKING_DMA_WC:
		dma_free_wc(dev, buf->size, buf->vaddr, buf->dma);
		break;
	default:
		dma_free_pages(dev, buf->size, buf->dma_page, buf->dma,
			       DMA_BIDIRECTIONAL);
		break;
	}
}

static int kxfer_alloc_backing(struct kxfer_buf *buf)
{
	switch (buf->backing) {
	case KXFER_BACKING_VMALLOC:
		buf->vaddr = __vmalloc(buf->size, KXFER_BUF_GFP);
		return buf->vaddr ? 0 : -ENOMEM;
	case KXFER_BACKING_PAGES:
		/* Split into order-0 pages: the fault handler maps each. */
		buf->vaddr = alloc_pages_exact(buf->size, KXFER_BUF_GFP);
		return buf->vaddr ? 0 : -ENOMEM;
	case KXFER_BACKING_SHMEM:
		return kxfer_shmem_alloc(buf);
	default:
		return kxfer_alloc_dma(buf);
	}
}

static struct kxfer_buf *kxfer_buf_new(struct kxfer_dev *kd, u64 size,
				       u32 backing)
{
	struct kxfer_buf *buf;

	if (!size || size > kxfer_backing_max_size(backing))
		return ERR_PTR(-EINVAL);

	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	kref_init(&buf->ref);
	buf->kd = kd;
	buf->size = PAGE_ALIGN(size);
	buf->backing = backing;
	return buf;
}

/*
 * A new buffer of @size bytes (rounded up to pages) with one reference,
 * or an ERR_PTR: -EINVAL for a size the backing cannot have, -ENOMEM.
 */
struct kxfer_buf *kxfer_buf_alloc(struct kxfer_dev *kd, u64 size,
				  u32 backing)
{
	struct kxfer_buf *buf = kxfer_buf_new(kd, size, backing);
	int ret;

	if (IS_ERR(buf))
		return buf;
	ret = kxfer_alloc_backing(buf);
	if (ret) {
		kfree(buf);
		return ERR_PTR(ret);
	}
	return buf;
}

/*
 * A shmem buffer resized to shmem: a new view of @old's file, resized in
 * place (see kxfer_shmem_resize()).  The caller holds buf_sem for write.
 */
struct kxfer_buf *kxfer_buf_reshape(struct kxfer_buf *old, u64 size)
{
	struct kxfer_buf *buf = kxfer_buf_new(old->kd, size, old->backing);
	int ret;

	if (IS_ERR(buf))
		return buf;
	ret = kxfer_shmem_resize(old, buf);
	if (ret) {
		kfree(buf);
		return ERR_PTR(ret);
	}
	return buf;
}

/*
 * Pages still pinned by get_user_pages() (O_DIRECT, vmsplice) hold their
 * own reference: freeing the buffer only drops the buffer's.
 */
static void kxfer_buf_release(struct kref *ref)
{
	struct kxfer_buf *buf = container_of(ref, struct kxfer_buf, ref);

	switch (buf->backing) {
	case KXFER_BACKING_VMALLOC:
		vfree(buf->vaddr);
		break;
	case KXFER_BACKING_PAGES:
		free_pages_exact(buf->vaddr, buf->size);
		break;
	case KXFER_BACKING_SHMEM:
		kxfer_shmem_free(buf);
		break;
	default:
		kxfer_free_dma(buf);
		break;
	}
	kfree(buf);
}

void kxfer_buf_put(struct kxfer_buf *buf)
{
	kref_put(&buf->ref, kxfer_buf_release);
}

/*
 * The device lets go of @buf for good (RESIZE to another buffer, device
 * removal): mappings that do not go through kd->inode's address space
 * are revoked here.  Only shmem has such mappings.  On failure they are
 * not revoked and @buf is unchanged.
 */
int kxfer_buf_revoke(struct kxfer_buf *buf)
{
	if (buf->backing == KXFER_BACKING_SHMEM)
		return kxfer_shmem_revoke(buf);
	return 0;
}

/* Bytes one PMD entry of an aligned user mapping covers; 0: none can. */
u32 kxfer_buf_huge_size(const struct kxfer_buf *buf)
{
	if (buf->backing == KXFER_BACKING_SHMEM && kxfer_shmem_huge())
		return PMD_SIZE;
	return 0;
}

/*
 * Whether the DMA API needs no cache maintenance for the kxfer device's
 * memory (cache-coherent DMA), asked of a one-page dma_alloc_pages()
 * allocation, the memory of the dma-noncoherent backing: 1 or 0, or
 * -ENOMEM.
 */
int kxfer_dma_coherent(struct device *dev)
{
	struct page *page;
	dma_addr_t dma;
	bool coherent;

	page = dma_alloc_pages(dev, PAGE_SIZE, &dma, DMA_BIDIRECTIONAL,
			       GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	coherent = !dma_need_sync(dev, dma);
	dma_free_pages(dev, PAGE_SIZE, page, dma, DMA_BIDIRECTIONAL);
	return coherent;
}

/*
 * One ownership transfer of [offset, offset + len), already checked
 * against the size: dma_sync_single_for_device(@to_device), then, unless
 * @for_cpu is DMA_NONE, dma_sync_single_for_cpu(@for_cpu).  Only
 * dma-noncoherent memory has an owner to hand over; the other backings
 * need nothing.  The caller holds buf_sem.  Returns -EINTR on a fatal
 * signal.
 */
int kxfer_buf_sync(struct kxfer_buf *buf, u64 offset, u64 len,
		   enum dma_data_direction to_device,
		   enum dma_data_direction for_cpu)
{
	struct device *dev = &buf->kd->dev;
	u64 end = offset + len;

	if (buf->backing != KXFER_BACKING_DMA_NONCOHERENT)
		return 0;

	while (offset < end) {
		size_t n = min_t(u64, end - offset, KXFER_CHUNK);

		dma_sync_single_range_for_device(dev, buf->dma, offset, n,
						 to_device);
		if (for_cpu != DMA_NONE)
			dma_sync_single_range_for_cpu(dev, buf->dma, offset, n,
						      for_cpu);
		offset += n;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

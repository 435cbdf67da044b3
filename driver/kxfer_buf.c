// SPDX-License-Identifier: GPL-2.0
/*
 * The device buffer: the three backings, page lookup for the fault
 * handler, cache maintenance through the DMA API, and RESIZE.
 */
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "kxfer.h"
#include "kxfer_compat.h"

/*
 * Zeroed so that no stale kernel data can reach user space; NOWARN and
 * RETRY_MAYFAIL because a size the machine cannot hold is a user error to
 * report with -ENOMEM, not a reason for an allocation splat or the OOM
 * killer.
 */
#define KXFER_BUF_GFP	(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN | \
			 __GFP_RETRY_MAYFAIL)

/*
 * Mapping for DMA writes the zeroed buffer back from the kernel's caches,
 * so that a WC or uncached user mapping can never see what the memory
 * held before.  Unmapping needs no maintenance: the buffer is freed.
 */
#define KXFER_MAP_ATTRS		0
#define KXFER_UNMAP_ATTRS	DMA_ATTR_SKIP_CPU_SYNC

/* Names for the module parameter and sysfs, indexed by KXFER_BACKING_*. */
static const char * const kxfer_backing_names[] = {
	[KXFER_BACKING_VMALLOC]	= "vmalloc",
	[KXFER_BACKING_PAGES]	= "pages",
	[KXFER_BACKING_DMA]	= "dma",
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

u64 kxfer_backing_max_size(u32 backing)
{
	switch (backing) {
	case KXFER_BACKING_PAGES:
		/* One block of the page allocator. */
		return min_t(u64, KXFER_MAX_BUF_SIZE,
			     PAGE_SIZE << KXFER_MAX_PAGE_ORDER);
	case KXFER_BACKING_VMALLOC:
	case KXFER_BACKING_DMA:
		return KXFER_MAX_BUF_SIZE;
	default:
		return 0;
	}
}

static void kxfer_unmap_pages(struct kxfer_dev *kd, struct kxfer_buf *buf,
			      unsigned long nr)
{
	while (nr--)
		dma_unmap_page_attrs(&kd->dev, buf->page_dma[nr], PAGE_SIZE,
				     DMA_BIDIRECTIONAL, KXFER_UNMAP_ATTRS);
	kvfree(buf->page_dma);
	buf->page_dma = NULL;
}

static int kxfer_alloc_vmalloc(struct kxfer_dev *kd, struct kxfer_buf *buf)
{
	unsigned long i, nr = buf->size >> PAGE_SHIFT;

	buf->vaddr = __vmalloc(buf->size, KXFER_BUF_GFP);
	if (!buf->vaddr)
		return -ENOMEM;

	buf->page_dma = kvmalloc_array(nr, sizeof(*buf->page_dma),
				       GFP_KERNEL | __GFP_NOWARN);
	if (!buf->page_dma)
		goto free_vmalloc;

	for (i = 0; i < nr; i++) {
		struct page *page = vmalloc_to_page(buf->vaddr +
						    (i << PAGE_SHIFT));

		buf->page_dma[i] = dma_map_page_attrs(&kd->dev, page, 0,
						      PAGE_SIZE,
						      DMA_BIDIRECTIONAL,
						      KXFER_MAP_ATTRS);
		if (dma_mapping_error(&kd->dev, buf->page_dma[i]))
			goto unmap;
	}
	return 0;

unmap:
	kxfer_unmap_pages(kd, buf, i);
free_vmalloc:
	vfree(buf->vaddr);
	return -ENOMEM;
}

/*
 * A pages buffer of exactly one PMD is allocated as one folio of PMD
 * order, because that is what the fault path maps with a single PMD
 * entry (do_set_pmd()) where the user address allows: one fault and one
 * TLB entry for the whole buffer.  Other sizes are split into order-0
 * pages, trimmed to the size; the kernel maps no other folio order with
 * a PMD, so a bigger block would gain nothing from being a folio.
 */
static bool kxfer_pages_huge(size_t size)
{
	return IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) && size == PMD_SIZE;
}

static void *kxfer_alloc_huge(size_t size)
{
	struct page *page;

	page = alloc_pages(KXFER_BUF_GFP | __GFP_COMP, get_order(size));
	if (!page)
		return NULL;
	/*
	 * Not a page cache folio, but finish_fault() (6.12.y) still checks
	 * its index against i_size before mapping it whole.
	 */
	page_folio(page)->index = 0;
	return page_address(page);
}

static void kxfer_free_pages(struct kxfer_buf *buf)
{
	/* A reference still held by get_user_pages() defers the free. */
	if (buf->huge)
		__free_pages(virt_to_page(buf->vaddr), get_order(buf->size));
	else
		free_pages_exact(buf->vaddr, buf->size);
}

static int kxfer_alloc_pages(struct kxfer_dev *kd, struct kxfer_buf *buf)
{
	buf->huge = kxfer_pages_huge(buf->size);
	if (buf->huge)
		buf->vaddr = kxfer_alloc_huge(buf->size);
	else
		/* Order-0 pages, so the fault handler can pin each. */
		buf->vaddr = alloc_pages_exact(buf->size, KXFER_BUF_GFP);
	if (!buf->vaddr)
		return -ENOMEM;

	buf->dma = dma_map_single_attrs(&kd->dev, buf->vaddr, buf->size,
					DMA_BIDIRECTIONAL, KXFER_MAP_ATTRS);
	if (dma_mapping_error(&kd->dev, buf->dma)) {
		kxfer_free_pages(buf);
		return -ENOMEM;
	}
	return 0;
}

static int kxfer_alloc_dma(struct kxfer_dev *kd, struct kxfer_buf *buf)
{
	buf->vaddr = dma_alloc_coherent(&kd->dev, buf->size, &buf->dma,
					GFP_KERNEL | __GFP_NOWARN);
	return buf->vaddr ? 0 : -ENOMEM;
}

int kxfer_buf_alloc(struct kxfer_dev *kd, struct kxfer_buf *buf, u64 size,
		    u32 backing)
{
	int ret;

	if (!size || size > kxfer_backing_max_size(backing))
		return -EINVAL;

	memset(buf, 0, sizeof(*buf));
	buf->size = PAGE_ALIGN(size);
	buf->backing = backing;
	switch (backing) {
	case KXFER_BACKING_VMALLOC:
		ret = kxfer_alloc_vmalloc(kd, buf);
		break;
	case KXFER_BACKING_PAGES:
		ret = kxfer_alloc_pages(kd, buf);
		break;
	default:
		ret = kxfer_alloc_dma(kd, buf);
		break;
	}
	if (ret)
		memset(buf, 0, sizeof(*buf));
	return ret;
}

void kxfer_buf_free(struct kxfer_dev *kd, struct kxfer_buf *buf)
{
	if (!buf->vaddr)
		return;

	switch (buf->backing) {
	case KXFER_BACKING_VMALLOC:
		kxfer_unmap_pages(kd, buf, buf->size >> PAGE_SHIFT);
		vfree(buf->vaddr);
		break;
	case KXFER_BACKING_PAGES:
		dma_unmap_single_attrs(&kd->dev, buf->dma, buf->size,
				       DMA_BIDIRECTIONAL, KXFER_UNMAP_ATTRS);
		kxfer_free_pages(buf);
		break;
	default:
		dma_free_coherent(&kd->dev, buf->size, buf->vaddr, buf->dma);
		break;
	}
	memset(buf, 0, sizeof(*buf));
}

/* Not for the dma backing: that one is mapped as a PFN map at mmap(). */
struct page *kxfer_buf_page(const struct kxfer_buf *buf, pgoff_t pgoff)
{
	void *kaddr = buf->vaddr + (pgoff << PAGE_SHIFT);

	if (buf->backing == KXFER_BACKING_VMALLOC)
		return vmalloc_to_page(kaddr);
	return virt_to_page(kaddr);
}

/* Bytes one PMD entry of an aligned user mapping covers; 0: none can. */
u32 kxfer_buf_huge_size(const struct kxfer_buf *buf)
{
	return buf->huge ? PMD_SIZE : 0;
}

static void kxfer_sync_range(struct kxfer_dev *kd, dma_addr_t addr,
			     unsigned long offset, size_t len,
			     enum dma_data_direction dir, bool for_cpu)
{
	if (for_cpu)
		dma_sync_single_range_for_cpu(&kd->dev, addr, offset, len, dir);
	else
		dma_sync_single_range_for_device(&kd->dev, addr, offset, len,
						 dir);
}

/*
 * Cache maintenance of [offset, offset + len), already checked against
 * the size, for the kernel ("CPU") or user space's WC/uncached mapping
 * ("device").  The caller holds buf_sem or owns buf.
 */
void kxfer_buf_sync(struct kxfer_dev *kd, struct kxfer_buf *buf, u64 offset,
		    u64 len, enum dma_data_direction dir, bool for_cpu)
{
	u64 end = offset + len;

	switch (buf->backing) {
	case KXFER_BACKING_VMALLOC:
		while (offset < end) {
			unsigned long in_page = offset & ~PAGE_MASK;
			size_t n = min_t(u64, PAGE_SIZE - in_page,
					 end - offset);

			kxfer_sync_range(kd, buf->page_dma[offset >> PAGE_SHIFT],
					 in_page, n, dir, for_cpu);
			offset += n;
		}
		break;
	case KXFER_BACKING_PAGES:
		if (len)
			kxfer_sync_range(kd, buf->dma, offset, len, dir,
					 for_cpu);
		break;
	default:
		/* Coherent memory: the DMA API needs no maintenance. */
		break;
	}
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
 * up the old one or the old i_size.
 */
int kxfer_resize(struct kxfer_dev *kd, const struct kxfer_resize *req)
{
	struct kxfer_buf nbuf;
	int ret;

	if (req->flags)
		return -EINVAL;
	if (kxfer_mapped(kd))
		return -EBUSY;

	ret = kxfer_buf_alloc(kd, &nbuf, req->size, req->backing);
	if (ret)
		return ret;

	ret = down_write_killable(&kd->buf_sem);
	if (ret)
		goto free_unused;
	mutex_lock(&kd->map_lock);
	if (kxfer_mapped(kd)) {
		ret = -EBUSY;
		goto unlock;
	}

	memcpy(nbuf.vaddr, kd->buf.vaddr, min(nbuf.size, kd->buf.size));
	/* The copy is in the kernel's caches; WC/uncached views read memory. */
	kxfer_buf_sync(kd, &nbuf, 0, min(nbuf.size, kd->buf.size),
		       DMA_TO_DEVICE, false);
	swap(nbuf, kd->buf);
	i_size_write(kd->inode, kd->buf.size);

unlock:
	mutex_unlock(&kd->map_lock);
	up_write(&kd->buf_sem);
free_unused:
	/* After a successful swap this is the old buffer. */
	kxfer_buf_free(kd, &nbuf);
	return ret;
}

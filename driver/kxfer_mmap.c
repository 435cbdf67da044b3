// SPDX-License-Identifier: GPL-2.0
/*
 * The zero-copy path: user space maps the buffer's pages.
 *
 * Pages are handed out one by one from the fault handler (as udmabuf and
 * the ALSA PCM buffer do) rather than inserted as raw PFNs, so the VMA is
 * an ordinary page-backed mapping: get_user_pages(), O_DIRECT, vmsplice()
 * and process_vm_readv() work on it, and the first touch of every page is
 * a real page fault that the benchmark can measure.
 *
 * A page of a PMD-order folio (a pages buffer of exactly PMD_SIZE) makes
 * the core fault path map the whole folio with one PMD entry when the VMA
 * is aligned for it (finish_fault() -> do_set_pmd()); nothing here needs
 * to know: the handler returns the page either way.
 */
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/mm.h>

#include "kxfer.h"
#include "kxfer_compat.h"

static void kxfer_vm_open(struct vm_area_struct *vma)
{
	struct kxfer_dev *kd = vma->vm_private_data;

	/* fork(), a split or mremap() copies a VMA that already counts. */
	atomic_inc(&kd->nr_mappings);
}

static void kxfer_vm_close(struct vm_area_struct *vma)
{
	struct kxfer_dev *kd = vma->vm_private_data;

	atomic_dec(&kd->nr_mappings);
}

static vm_fault_t kxfer_vm_fault(struct vm_fault *vmf)
{
	struct kxfer_dev *kd = vmf->vma->vm_private_data;
	struct page *page;

	/*
	 * The mapping pins kd->buf: RESIZE fails while nr_mappings != 0.
	 * A dma buffer was mapped whole by dma_mmap_coherent(): no faults.
	 */
	if (vmf->pgoff >= kd->buf.size >> PAGE_SHIFT ||
	    kd->buf.backing == KXFER_BACKING_DMA)
		return VM_FAULT_SIGBUS;

	page = kxfer_buf_page(&kd->buf, vmf->pgoff);
	get_page(page);
	vmf->page = page;
	kxfer_count(kd, KXFER_PATH_FAULT, PAGE_SIZE);
	return 0;
}

static const struct vm_operations_struct kxfer_vm_ops = {
	.open	= kxfer_vm_open,
	.close	= kxfer_vm_close,
	.fault	= kxfer_vm_fault,
};

static pgprot_t kxfer_pgprot(u32 cache, pgprot_t prot)
{
	switch (cache) {
	case KXFER_CACHE_WC:
		return pgprot_writecombine(prot);
	case KXFER_CACHE_UNCACHED:
		return pgprot_noncached(prot);
	default:
		return prot;
	}
}

int kxfer_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_dev *kd = kf->kd;
	unsigned long nr_pages;
	int ret = 0;

	if (kxfer_stream_is_ring_map(vma))
		return kxfer_stream_mmap_ring(kd, vma);

	/*
	 * A private writable mapping would quietly COW the buffer's pages
	 * and the kernel would never see what user space wrote.
	 */
	if (!(vma->vm_flags & VM_SHARED)) {
		if (vma->vm_flags & VM_WRITE)
			return -EINVAL;
		kxfer_vm_flags_clear(vma, VM_MAYWRITE);
	}

	mutex_lock(&kd->map_lock);
	nr_pages = kd->buf.size >> PAGE_SHIFT;
	if (vma->vm_pgoff >= nr_pages ||
	    vma_pages(vma) > nr_pages - vma->vm_pgoff) {
		ret = -EINVAL;
		goto unlock;
	}

	/*
	 * Coherent DMA memory has the attribute the DMA API gives it; asking
	 * for another would be silently ignored (x86 PAT maps WC requests
	 * for RAM write-back), so it is refused.
	 */
	if (kd->buf.backing == KXFER_BACKING_DMA &&
	    READ_ONCE(kf->cache) != KXFER_CACHE_CACHED) {
		ret = -EINVAL;
		goto unlock;
	}

	vma->vm_page_prot = kxfer_pgprot(READ_ONCE(kf->cache),
					 vma->vm_page_prot);
	if (kd->buf.backing == KXFER_BACKING_DMA) {
		/*
		 * The DMA API's own mapping (a PFN map); on a non-coherent
		 * system it imposes its non-cacheable attribute.
		 */
		ret = dma_mmap_coherent(&kd->dev, vma, kd->buf.vaddr,
					kd->buf.dma, kd->buf.size);
		if (ret)
			goto unlock;
	}

	/* The window is fixed: mremap() may move it but not grow it. */
	kxfer_vm_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = &kxfer_vm_ops;
	vma->vm_private_data = kd;
	atomic_inc(&kd->nr_mappings);
	kxfer_count(kd, KXFER_PATH_MMAP, vma->vm_end - vma->vm_start);

unlock:
	mutex_unlock(&kd->map_lock);
	return ret;
}

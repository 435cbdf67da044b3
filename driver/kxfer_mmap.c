// SPDX-License-Identifier: GPL-2.0
/*
 * The zero-copy path: user space maps the buffer, and RESIZE revokes the
 * mappings (see "Buffer lifetime" in kxfer.h).
 *
 * vmalloc and pages: the fault handler inserts the current buffer's page
 * (vm_insert_page(), as the ALSA PCM buffer and udmabuf hand out pages),
 * so the VMA is an ordinary page-backed mapping: get_user_pages(),
 * O_DIRECT, vmsplice() and process_vm_readv() work on it, and the first
 * touch of every page is a real page fault that the benchmark measures.
 * The page is inserted inside the SRCU read section in which the buffer
 * was looked up: RESIZE's synchronize_srcu() waits for it, and its
 * unmap_mapping_range() then removes it.  (Returning vmf->page instead
 * would let the core install the PTE after the section, past that zap.)
 * While RESIZE copies, faults wait, so that no store reaches the old
 * buffer after its copy; they wait without the mmap lock (VM_FAULT_RETRY)
 * whenever the core allows it, see kxfer_fault_wait().
 *
 * shmem: the VMA becomes a mapping of the buffer's shmem file, whose own
 * vm_ops serve it (huge pages included).
 *
 * dma, dma-wc, dma-noncoherent: the DMA API maps the whole buffer at
 * mmap() with the attribute its allocator chose (PFN maps).  Such a VMA
 * holds a reference to its buffer: a mapping set up just before RESIZE
 * freezes the mappings may be linked into the address space only after
 * RESIZE's zap (the core links it after ->mmap returns), and must then
 * not point at freed memory; it keeps mapping the old buffer until
 * munmap().  A zapped dma* mapping raises SIGBUS.
 *
 * mmap() never sleeps for a RESIZE (it holds the mmap lock for write, and
 * a 1 GiB copy would stall every thread of the process): a vmalloc or
 * pages mapping needs nothing from the buffer but its size (its faults
 * look the buffer up and wait), so it is set up at once; a dma* or shmem
 * mapping, which maps the buffer itself, fails with EAGAIN while RESIZE
 * copies (documented in <linux/kxfer.h>).
 */
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/srcu.h>

#include "kxfer.h"
#include "kxfer_compat.h"

DEFINE_STATIC_SRCU(kxfer_srcu);

/*
 * Whether RESIZE is between freezing and thawing the mappings, read in an
 * SRCU section: who sees false sees the buffer published before it.
 */
static bool kxfer_resizing(struct kxfer_dev *kd)
{
	/* Pairs with the release in kxfer_mappings_thaw(). */
	return smp_load_acquire(&kd->resizing);
}

/* Outside any SRCU section; -ERESTARTSYS on a fatal signal. */
static int kxfer_wait_resize(struct kxfer_dev *kd)
{
	return wait_event_killable(kd->resize_wq, !READ_ONCE(kd->resizing));
}

/*
 * RESIZE, holding buf_sem for write, is about to copy the buffer: new
 * faults and mmap()s wait, the ones that did not see the flag are waited
 * for, then every PTE of the device's mappings goes.
 */
void kxfer_mappings_freeze(struct kxfer_dev *kd)
{
	WRITE_ONCE(kd->resizing, true);
	synchronize_srcu(&kxfer_srcu);
	unmap_mapping_range(kd->inode->i_mapping, 0, 0, 1);
}

/* After RESIZE published the new buffer (or gave up). */
void kxfer_mappings_thaw(struct kxfer_dev *kd)
{
	/* Pairs with kxfer_resizing(): the new buffer is published first. */
	smp_store_release(&kd->resizing, false);
	wake_up_all(&kd->resize_wq);
}

/* Before an unpublished buffer is released: no mmap() still uses it. */
void kxfer_mappings_sync(void)
{
	synchronize_srcu(&kxfer_srcu);
}

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

/* In an SRCU read section; 0: RESIZE is copying, wait and retry. */
static vm_fault_t kxfer_fault_srcu(struct kxfer_dev *kd, struct vm_fault *vmf)
{
	const struct kxfer_buf *buf;
	struct page *page;
	int err;

	if (kxfer_resizing(kd))
		return 0;
	buf = srcu_dereference(kd->buf, &kxfer_srcu);
	/* Mapped as vmalloc or pages, but RESIZE changed the backing. */
	if (buf->backing != KXFER_BACKING_VMALLOC &&
	    buf->backing != KXFER_BACKING_PAGES)
		return VM_FAULT_SIGBUS;
	if (vmf->pgoff >= READ_ONCE(buf->size) >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	if (buf->backing == KXFER_BACKING_VMALLOC)
		page = vmalloc_to_page(buf->vaddr +
				       (vmf->pgoff << PAGE_SHIFT));
	else
		page = virt_to_page(buf->vaddr + (vmf->pgoff << PAGE_SHIFT));

	err = vm_insert_page(vmf->vma, vmf->address & PAGE_MASK, page);
	/* -EBUSY: another thread's fault inserted it first. */
	if (!err || err == -EBUSY) {
		kxfer_count(kd, KXFER_PATH_FAULT, PAGE_SIZE);
		return VM_FAULT_NOPAGE;
	}
	return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}

/*
 * RESIZE is copying: wait for it, as filemap faults wait for a locked
 * folio (__folio_lock_or_retry()).  Where the core allows a retry, the
 * fault lock is dropped first and VM_FAULT_RETRY returned, so that no
 * thread waits holding the mmap lock for a whole copy; the file (which
 * holds the device) is pinned over the wait, as the VMA may go once the
 * lock is dropped.  With FAULT_FLAG_RETRY_NOWAIT the lock must be kept:
 * VM_FAULT_RETRY at once.  Otherwise (a retried fault, or a caller that
 * cannot drop the lock) the wait holds it: it is bounded by one RESIZE,
 * which holds no lock a fault holds and never takes an mmap lock
 * (kxfer_mappings_freeze() zaps with unmap_mapping_range()).  0: look
 * again; a fatal signal that cannot be returned as a retry is SIGBUS, so
 * that a kernel uaccess fails instead of faulting again and again.
 */
static vm_fault_t kxfer_fault_wait(struct kxfer_dev *kd, struct vm_fault *vmf)
{
	struct file *file;

	if (fault_flag_allow_retry_first(vmf->flags)) {
		if (vmf->flags & FAULT_FLAG_RETRY_NOWAIT)
			return VM_FAULT_RETRY;
		file = get_file(vmf->vma->vm_file);
		kxfer_release_fault_lock(vmf);
		kxfer_wait_resize(kd);
		fput(file);
		return VM_FAULT_RETRY;
	}
	return kxfer_wait_resize(kd) ? VM_FAULT_SIGBUS : 0;
}

static vm_fault_t kxfer_vm_fault(struct vm_fault *vmf)
{
	struct kxfer_dev *kd = vmf->vma->vm_private_data;
	vm_fault_t ret;
	int idx;

	for (;;) {
		idx = srcu_read_lock(&kxfer_srcu);
		ret = kxfer_fault_srcu(kd, vmf);
		srcu_read_unlock(&kxfer_srcu, idx);
		if (ret)
			return ret;
		ret = kxfer_fault_wait(kd, vmf);
		if (ret)
			return ret;
	}
}

static const struct vm_operations_struct kxfer_vm_ops = {
	.open	= kxfer_vm_open,
	.close	= kxfer_vm_close,
	.fault	= kxfer_vm_fault,
};

static void kxfer_dma_vm_open(struct vm_area_struct *vma)
{
	struct kxfer_buf *buf = vma->vm_private_data;

	kref_get(&buf->ref);
	atomic_inc(&buf->kd->nr_mappings);
}

static void kxfer_dma_vm_close(struct vm_area_struct *vma)
{
	struct kxfer_buf *buf = vma->vm_private_data;

	atomic_dec(&buf->kd->nr_mappings);
	kxfer_buf_put(buf);
}

/* The DMA API mapped the whole buffer: a fault means it was revoked. */
static vm_fault_t kxfer_dma_vm_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct kxfer_dma_vm_ops = {
	.open	= kxfer_dma_vm_open,
	.close	= kxfer_dma_vm_close,
	.fault	= kxfer_dma_vm_fault,
};

static int kxfer_mmap_dma(struct kxfer_buf *buf, struct vm_area_struct *vma)
{
	struct device *dev = &buf->kd->dev;
	int ret;

	switch (buf->backing) {
	case KXFER_BACKING_DMA:
		ret = dma_mmap_coherent(dev, vma, buf->vaddr, buf->dma,
					buf->size);
		break;
	case KXFER_BACKING_DMA_WC:
		ret = dma_mmap_wc(dev, vma, buf->vaddr, buf->dma, buf->size);
		break;
	default:
		ret = dma_mmap_pages(dev, vma, buf->size, buf->dma_page);
		break;
	}
	if (ret)
		return ret;

	vma->vm_ops = &kxfer_dma_vm_ops;
	vma->vm_private_data = buf;
	kxfer_dma_vm_open(vma);
	return 0;
}

/* In an SRCU read section. */
static int kxfer_mmap_srcu(struct kxfer_dev *kd, struct vm_area_struct *vma)
{
	bool resizing = kxfer_resizing(kd);
	struct kxfer_buf *buf;
	unsigned long nr_pages;

	/* One look at the buffer: size and backing from the same one. */
	buf = srcu_dereference(kd->buf, &kxfer_srcu);
	nr_pages = READ_ONCE(buf->size) >> PAGE_SHIFT;

	if (vma->vm_pgoff >= nr_pages ||
	    vma_pages(vma) > nr_pages - vma->vm_pgoff)
		return -EINVAL;

	/* RESIZE is copying: a mapping of the buffer itself must not wait. */
	if (resizing && buf->backing != KXFER_BACKING_VMALLOC &&
	    buf->backing != KXFER_BACKING_PAGES)
		return -EAGAIN;

	switch (buf->backing) {
	case KXFER_BACKING_SHMEM:
		/* Not counted in nr_mappings: the shmem file serves it. */
		vma_set_file(vma, buf->shmem);
		return call_mmap(buf->shmem, vma);
	case KXFER_BACKING_VMALLOC:
	case KXFER_BACKING_PAGES:
		/* Pages are inserted by the fault handler. */
		kxfer_vm_flags_set(vma, VM_MIXEDMAP);
		vma->vm_ops = &kxfer_vm_ops;
		vma->vm_private_data = kd;
		kxfer_vm_open(vma);
		return 0;
	default:
		return kxfer_mmap_dma(buf, vma);
	}
}

int kxfer_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kxfer_file *kf = file->private_data;
	struct kxfer_dev *kd = kf->kd;
	int idx, ret;

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
	/* The window is fixed: mremap() may move it but not grow it. */
	kxfer_vm_flags_set(vma, VM_DONTEXPAND);

	idx = srcu_read_lock(&kxfer_srcu);
	ret = kxfer_mmap_srcu(kd, vma);
	srcu_read_unlock(&kxfer_srcu, idx);
	if (!ret)
		kxfer_count(kd, KXFER_PATH_MMAP, vma->vm_end - vma->vm_start);
	return ret;
}

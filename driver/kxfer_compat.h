/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows about kernel API differences.  kxfer builds
 * against 6.1 (the vendor kernels of today's arm64 boards) and current
 * kernels; Kbuild probes the headers and defines KXFER_HAVE_* for what the
 * target kernel has.  Each shim names the release that changed the API.
 */
#ifndef _KXFER_COMPAT_H
#define _KXFER_COMPAT_H

#include <linux/crc32.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/mnt_idmapping.h>
#include <linux/pagemap.h>
#include <linux/user_namespace.h>

/* 6.3 made vma->vm_flags read-only behind accessors. */
static inline void kxfer_vm_flags_set(struct vm_area_struct *vma,
				      vm_flags_t flags)
{
#ifdef KXFER_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static inline void kxfer_vm_flags_clear(struct vm_area_struct *vma,
					vm_flags_t flags)
{
#ifdef KXFER_HAVE_VM_FLAGS_SET
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/*
 * Drops the lock a ->fault handler was called with before it returns
 * VM_FAULT_RETRY: 6.4 added per-VMA lock faults (FAULT_FLAG_VMA_LOCK)
 * and release_fault_lock(), which drops whichever lock is held; before,
 * it is always the mmap lock.
 */
static inline void kxfer_release_fault_lock(struct vm_fault *vmf)
{
#ifdef KXFER_HAVE_RELEASE_FAULT_LOCK
	release_fault_lock(vmf);
#else
	mmap_read_unlock(vmf->vma->vm_mm);
#endif
}

/* 6.5 replaced generic_file_splice_read() by copy_splice_read(). */
#ifdef KXFER_HAVE_COPY_SPLICE_READ
#define kxfer_splice_read copy_splice_read
#else
#define kxfer_splice_read generic_file_splice_read
#endif

/*
 * The largest page allocator block: 6.8 named it MAX_PAGE_ORDER; before,
 * MAX_ORDER was one past it (until 6.4 made it inclusive, where this is
 * one order short: conservative, never wrong).
 */
#ifdef KXFER_HAVE_MAX_PAGE_ORDER
#define KXFER_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define KXFER_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/*
 * 6.3 replaced the user namespace argument of notify_change() and the
 * other inode operations by a struct mnt_idmap; the kernel's own files
 * use the identity mapping either way.
 */
#ifdef KXFER_HAVE_MNT_IDMAP
#define KXFER_NOP_IDMAP		(&nop_mnt_idmap)
#else
#define KXFER_NOP_IDMAP		(&init_user_ns)
#endif

/*
 * Whether shmem can allocate and map PMD-sized huge pages here: THP
 * built in, a CPU that maps them (has_transparent_hugepage()), and a page
 * cache that can hold a folio of that order (6.10 added
 * MAX_PAGECACHE_ORDER, backported to Debian's 6.1; shmem does not use
 * larger orders).
 */
static inline bool kxfer_shmem_pmd_thp(void)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	if (!has_transparent_hugepage())
		return false;
#ifdef KXFER_HAVE_MAX_PAGECACHE_ORDER
	return HPAGE_PMD_ORDER <= MAX_PAGECACHE_ORDER;
#else
	return true;
#endif
#else
	return false;
#endif
}

/* 6.14 renamed __crc32c_le() to crc32c() in <linux/crc32.h>. */
static inline u32 kxfer_crc32c(u32 crc, const void *p, size_t len)
{
#ifdef KXFER_HAVE_CRC32C_LE
	return __crc32c_le(crc, p, len);
#else
	return crc32c(crc, p, len);
#endif
}

/* 6.13 added hrtimer_setup(), which later kernels require. */
static inline void kxfer_hrtimer_setup(struct hrtimer *timer,
				       enum hrtimer_restart (*fn)(struct hrtimer *),
				       clockid_t clock, enum hrtimer_mode mode)
{
#ifdef KXFER_HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

#endif /* _KXFER_COMPAT_H */

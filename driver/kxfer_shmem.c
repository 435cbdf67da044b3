// SPDX-License-Identifier: GPL-2.0
/*
 * The shmem backing: the buffer is a shmem file, as a DRM GEM shmem object
 * is.  User space maps the file itself (kxfer_mmap() redirects the VMA to
 * it), so the core mm handles its mappings like those of any tmpfs file:
 * transparent huge pages mapped with one PMD where the mapping is aligned,
 * get_user_pages() on huge and base pages alike, no driver fault handler.
 * The kernel's view pins every page (shmem_read_mapping_page(), as
 * drm_gem_get_pages() does) and vmap()s them.
 *
 * The files live on a private tmpfs mount with huge=within_size (as
 * i915_gemfs.c does) when the kernel has THP, so that every PMD-sized
 * range of the file is one huge page whatever the system-wide
 * shmem_enabled setting says; without THP, on the kernel's shm_mnt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kxfer.h"
#include "kxfer_compat.h"

static struct vfsmount *kxfer_shm_mnt;

int kxfer_shmem_init(void)
{
	char huge_opt[] = "huge=within_size";	/* tmpfs parses it in place */
	struct file_system_type *type;
	struct vfsmount *mnt;

	/*
	 * Where the CPU cannot map huge pages, or the page cache cannot hold
	 * a PMD-sized folio (64 KiB pages on arm64), the buffers live on
	 * shm_mnt and INFO.huge_size says 0.
	 */
	if (!kxfer_shmem_pmd_thp())
		return 0;

	/*
	 * get_fs_type() takes a reference on the type's module, which
	 * put_filesystem() would drop; it is not exported to modules, and
	 * for tmpfs, which is always built in, the reference is
	 * module_put(NULL), a no-op (as in i915_gemfs.c).
	 */
	type = get_fs_type("tmpfs");
	if (!type)
		return -ENODEV;
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, huge_opt);
	if (IS_ERR(mnt)) {
		pr_info("no huge tmpfs mount (%ld): shmem buffers use base pages\n",
			PTR_ERR(mnt));
		return 0;
	}
	kxfer_shm_mnt = mnt;
	return 0;
}

/*
 * After the last device is gone.  A shmem file still mapped by a process
 * keeps the mount alive until that mapping goes; it was truncated to
 * zero when its device let go of it (kxfer_shmem_revoke()).
 */
void kxfer_shmem_exit(void)
{
	if (kxfer_shm_mnt)
		kern_unmount(kxfer_shm_mnt);
	kxfer_shm_mnt = NULL;
}

/* Whether files are allocated in PMD-sized huge pages. */
bool kxfer_shmem_huge(void)
{
	return kxfer_shm_mnt;
}

/*
 * Like ftruncate(): the file's mappings see the new size, pages past it
 * are freed and raise SIGBUS.  The file is the kernel's, so this is done
 * as the kernel (no path permission checks of the RESIZE caller, unlike
 * vfs_truncate()); growing is still subject to the caller's
 * RLIMIT_FSIZE (inode_newsize_ok(): EFBIG and SIGXFSZ), as ftruncate().
 */
static int kxfer_shmem_truncate(struct file *file, loff_t size)
{
	struct dentry *dentry = file->f_path.dentry;
	struct inode *inode = d_inode(dentry);
	struct iattr attr = { .ia_valid = ATTR_SIZE, .ia_size = size };
	int ret;

	inode_lock(inode);
	ret = notify_change(KXFER_NOP_IDMAP, dentry, &attr, NULL);
	inode_unlock(inode);
	return ret;
}

/* The first @nr pins of @buf's view, which may already be gone. */
static void kxfer_shmem_unpin(struct kxfer_buf *buf, unsigned long nr)
{
	if (!buf->pages)
		return;
	vunmap(buf->vaddr);
	buf->vaddr = NULL;
	while (nr--) {
		/* Written through the kernel's view: keep it at reclaim. */
		set_page_dirty(buf->pages[nr]);
		put_page(buf->pages[nr]);
		/* Up to 262,144 pages, under buf_sem for write. */
		cond_resched();
	}
	kvfree(buf->pages);
	buf->pages = NULL;
}

/*
 * Pins pages [0, buf->size) of @file and maps them at buf->vaddr.
 * @killable: a fatal signal aborts (not when restoring a view).
 */
static int kxfer_shmem_pin(struct kxfer_buf *buf, struct file *file,
			   bool killable)
{
	struct address_space *mapping = file->f_mapping;
	unsigned long i, nr = buf->size >> PAGE_SHIFT;
	gfp_t gfp = mapping_gfp_mask(mapping) | __GFP_NOWARN |
		    __GFP_RETRY_MAYFAIL;
	int ret = -ENOMEM;

	buf->pages = kvmalloc_array(nr, sizeof(*buf->pages),
				    GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!buf->pages)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		struct page *page = shmem_read_mapping_page_gfp(mapping, i,
								gfp);

		if (IS_ERR(page)) {
			ret = PTR_ERR(page);
			goto unpin;
		}
		buf->pages[i] = page;
		if (killable && fatal_signal_pending(current)) {
			ret = -EINTR;
			i++;
			goto unpin;
		}
		cond_resched();
	}

	buf->vaddr = vmap(buf->pages, nr, VM_MAP, PAGE_KERNEL);
	if (buf->vaddr)
		return 0;

unpin:
	kxfer_shmem_unpin(buf, i);
	return ret;
}

int kxfer_shmem_alloc(struct kxfer_buf *buf)
{
	struct file *file;
	int ret;

	/*
	 * VM_NORESERVE: every page is allocated (and charged to the
	 * caller's memory cgroup by shmem) right below, not overcommitted.
	 */
	if (kxfer_shm_mnt)
		file = shmem_file_setup_with_mnt(kxfer_shm_mnt, "kxfer",
						 buf->size, VM_NORESERVE);
	else
		file = shmem_file_setup("kxfer", buf->size, VM_NORESERVE);
	if (IS_ERR(file))
		return PTR_ERR(file);

	/*
	 * The pages stay pinned while the buffer exists: keep reclaim from
	 * scanning them (as drm_gem_get_pages() does), and take them from
	 * ZONE_NORMAL rather than movable zones they would block.
	 */
	mapping_set_gfp_mask(file->f_mapping, GFP_HIGHUSER);
	mapping_set_unevictable(file->f_mapping);

	ret = kxfer_shmem_pin(buf, file, true);
	if (ret) {
		fput(file);
		return ret;
	}
	buf->shmem = file;
	return 0;
}

void kxfer_shmem_free(struct kxfer_buf *buf)
{
	kxfer_shmem_unpin(buf, buf->size >> PAGE_SHIFT);
	fput(buf->shmem);
}

/*
 * The device lets go of the file: truncating it to zero frees its memory
 * now and makes every mapping user space still holds raise SIGBUS, as
 * for any other backing's revoked mapping.  Should that fail, nothing
 * is freed behind i_size (mappings would fault fresh zero pages instead
 * of raising SIGBUS): the caller keeps the buffer.
 */
int kxfer_shmem_revoke(struct kxfer_buf *buf)
{
	return kxfer_shmem_truncate(buf->shmem, 0);
}

/*
 * Shrinking: a huge page that straddles the new end can only be split
 * (and its pages past the end freed and no longer mappable) while nobody
 * but the page cache and user mappings holds it, so @old's pins go first
 * and @nbuf pins what is left.  Should that fail, @old is restored at its
 * old size (the truncated bytes read as zero); should even that fail, @old
 * is left with size 0, a buffer every transfer and mmap() refuses, until
 * the next RESIZE.
 */
static int kxfer_shmem_shrink(struct kxfer_buf *old, struct kxfer_buf *nbuf)
{
	struct file *file = old->shmem;
	int ret;

	kxfer_shmem_unpin(old, old->size >> PAGE_SHIFT);
	ret = kxfer_shmem_truncate(file, nbuf->size);
	if (!ret)
		ret = kxfer_shmem_pin(nbuf, file, false);
	if (!ret)
		return 0;

	if (kxfer_shmem_truncate(file, old->size) ||
	    kxfer_shmem_pin(old, file, false))
		WRITE_ONCE(old->size, 0);
	return ret;
}

/*
 * RESIZE from shmem to shmem: @nbuf becomes a view of @old's file at its
 * own size, and the file is resized in place, so existing mappings follow
 * as after ftruncate().  The caller holds buf_sem for write, so nothing
 * uses @old's view meanwhile.  On success both share the file (@old's
 * view may be gone); on failure @old is usable.
 */
int kxfer_shmem_resize(struct kxfer_buf *old, struct kxfer_buf *nbuf)
{
	struct file *file = old->shmem;
	int ret;

	if (nbuf->size < old->size) {
		ret = kxfer_shmem_shrink(old, nbuf);
	} else {
		ret = kxfer_shmem_truncate(file, nbuf->size);
		if (!ret) {
			ret = kxfer_shmem_pin(nbuf, file, true);
			if (ret)
				kxfer_shmem_truncate(file, old->size);
		}
	}
	if (ret)
		return ret;
	nbuf->shmem = get_file(file);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * One pseudo-filesystem inode per device, installed as every open file's
 * f_mapping, so that all of the device's mappings, in every process and
 * through every open file, are in one address space: RESIZE revokes them
 * with one unmap_mapping_range() on it, as drivers/char/mem.c revokes
 * /dev/mem mappings through devmem_inode.  (The character device node's
 * own inode cannot serve: other nodes for the same device have their
 * own.)  Nothing else uses the inode: it has no pages and no size.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#include "kxfer.h"

#define KXFER_FS_MAGIC	0x6b786672	/* "kxfr" */

static struct vfsmount *kxfer_mnt;

static int kxfer_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, KXFER_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: the module mounts this itself from init to exit, and a
 * mount holding a reference to its own module would keep rmmod from ever
 * succeeding.
 */
static struct file_system_type kxfer_fs_type = {
	.name			= "kxfer",
	.init_fs_context	= kxfer_fs_init_fs_context,
	.kill_sb		= kill_anon_super,
};

int kxfer_inode_init(void)
{
	kxfer_mnt = kern_mount(&kxfer_fs_type);
	return PTR_ERR_OR_ZERO(kxfer_mnt);
}

/* After the last device is gone: kxfer_dev_destroy() put their inodes. */
void kxfer_inode_exit(void)
{
	kern_unmount(kxfer_mnt);
}

struct inode *kxfer_inode_new(void)
{
	return alloc_anon_inode(kxfer_mnt->mnt_sb);
}

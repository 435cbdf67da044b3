// SPDX-License-Identifier: GPL-2.0
/*
 * One anonymous inode per device, installed as every open file's
 * f_mapping (as DRM does for its device files), whose i_size is the
 * buffer size.
 *
 * The fault path maps a huge page only within the size of the file's
 * mapping (finish_fault() checks i_size since 6.12.y), and a character
 * device node has none: its i_size is 0 and it is shared by whatever
 * else opens that node.  The buffer's own inode gives mappings the same
 * i_size rules a regular file of that size would have.
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

/* After the last device is gone: their inodes are released by then. */
void kxfer_inode_exit(void)
{
	kern_unmount(kxfer_mnt);
}

struct inode *kxfer_inode_new(void)
{
	return alloc_anon_inode(kxfer_mnt->mnt_sb);
}

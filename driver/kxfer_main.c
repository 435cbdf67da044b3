// SPDX-License-Identifier: GPL-2.0
/*
 * kxfer: a character device for measuring what it costs to move data
 * between user space and the kernel, through copy_{to,from}_user() or
 * through a buffer shared with mmap().  See docs/design.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "kxfer.h"

static unsigned int nr_devs = 1;
module_param(nr_devs, uint, 0444);
MODULE_PARM_DESC(nr_devs, "Number of /dev/kxferN devices (1-32, default 1)");

static unsigned long buf_size = SZ_4M;
module_param(buf_size, ulong, 0444);
MODULE_PARM_DESC(buf_size,
		 "Buffer bytes per device, rounded up to the page size (default 4 MiB, at most 1 GiB)");

static char *backing = "vmalloc";
module_param(backing, charp, 0444);
MODULE_PARM_DESC(backing, "Buffer memory: vmalloc (default), pages, dma, shmem, dma-wc or dma-noncoherent (see <linux/kxfer.h>)");

static u32 kxfer_backing;
static dev_t kxfer_devt;
static struct kxfer_dev **kxfer_devs;

static struct class kxfer_class = {
	.name		= "kxfer",
	.dev_groups	= kxfer_dev_groups,
};

/*
 * Last put_device(): by then kxfer_dev_destroy() released the buffer and
 * the inode, so this frees only memory.  It is module text: like every
 * module's device release, it must run before the module is gone, which
 * device_del() and the sysfs readers it waits for ensure;
 * CONFIG_DEBUG_KOBJECT_RELEASE, which delays releases on purpose, can
 * break that for any module.
 */
static void kxfer_dev_release(struct device *dev)
{
	struct kxfer_dev *kd = to_kxfer_dev(dev);

	free_percpu(kd->stats);
	kfree(kd);
}

/*
 * The buffer and the inode, while the module and its pseudo fs are still
 * there.  No file is open (each holds a module reference) and so no
 * mapping but a shmem file's is left; device_del() waited for sysfs
 * readers.
 */
static void kxfer_dev_put_resources(struct kxfer_dev *kd)
{
	struct kxfer_buf *buf = rcu_dereference_protected(kd->buf, true);

	if (buf) {
		/*
		 * Should truncating a shmem file fail, a process that still
		 * maps it keeps its pages until munmap(); they are no
		 * longer the device's, and nothing is freed under them.
		 */
		kxfer_buf_revoke(buf);
		kxfer_buf_put(buf);
		RCU_INIT_POINTER(kd->buf, NULL);
	}
	if (!IS_ERR_OR_NULL(kd->inode))
		iput(kd->inode);
	kd->inode = NULL;
}

static struct kxfer_dev *kxfer_dev_create(unsigned int minor)
{
	struct kxfer_buf *buf;
	struct kxfer_dev *kd;
	int ret;

	kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	if (!kd)
		return ERR_PTR(-ENOMEM);

	mutex_init(&kd->resize_lock);
	init_rwsem(&kd->buf_sem);
	init_waitqueue_head(&kd->resize_wq);
	atomic_set(&kd->nr_mappings, 0);
	kxfer_stream_init(kd);

	kd->stats = alloc_percpu(struct kxfer_pcpu_stats);
	if (!kd->stats) {
		kfree(kd);
		return ERR_PTR(-ENOMEM);
	}

	/* From here on put_device() frees the struct via the release. */
	device_initialize(&kd->dev);
	kd->dev.class = &kxfer_class;
	kd->dev.devt = MKDEV(MAJOR(kxfer_devt), minor);
	kd->dev.release = kxfer_dev_release;
	ret = dev_set_name(&kd->dev, "kxfer%u", minor);
	if (ret)
		goto put_dev;

	/*
	 * The device whose DMA API allocators own the dma* backings'
	 * memory and attributes (coherent or not is the platform's
	 * default for a device without firmware description).  Nothing is
	 * mapped for streaming DMA, so nothing bounces under swiotlb; no
	 * DMA master is behind it, so any address will do.
	 */
	ret = dma_coerce_mask_and_coherent(&kd->dev, DMA_BIT_MASK(64));
	if (ret)
		goto put_dev;
	ret = kxfer_dma_coherent(&kd->dev);
	if (ret < 0)
		goto put_dev;
	kd->dma_coherent = ret;

	kd->inode = kxfer_inode_new();
	if (IS_ERR(kd->inode)) {
		ret = PTR_ERR(kd->inode);
		goto put_resources;
	}

	buf = kxfer_buf_alloc(kd, buf_size, kxfer_backing);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto put_resources;
	}
	RCU_INIT_POINTER(kd->buf, buf);

	cdev_init(&kd->cdev, &kxfer_fops);
	kd->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&kd->cdev, &kd->dev);
	if (ret)
		goto put_resources;

	pr_info("%s: %zu bytes, backing %s\n", dev_name(&kd->dev), buf->size,
		kxfer_backing_name(buf->backing));
	return kd;

put_resources:
	kxfer_dev_put_resources(kd);
put_dev:
	put_device(&kd->dev);
	return ERR_PTR(ret);
}

static void kxfer_dev_destroy(struct kxfer_dev *kd)
{
	cdev_device_del(&kd->cdev, &kd->dev);
	kxfer_stream_exit(kd);
	kxfer_dev_put_resources(kd);
	put_device(&kd->dev);
}

static int kxfer_check_params(void)
{
	int ret;

	if (!nr_devs || nr_devs > KXFER_MAX_DEVS) {
		pr_err("nr_devs=%u is out of range, use 1..%u\n",
		       nr_devs, KXFER_MAX_DEVS);
		return -EINVAL;
	}
	ret = kxfer_backing_parse(backing);
	if (ret < 0) {
		pr_err("backing=%s is unknown, use vmalloc, pages, dma, shmem, dma-wc or dma-noncoherent\n",
		       backing);
		return ret;
	}
	kxfer_backing = ret;
	if (!kxfer_backing_usable(kxfer_backing)) {
		pr_err("backing=%s cannot be mapped correctly in a guest with encrypted memory (SEV, TDX), use dma or dma-wc\n",
		       backing);
		return -EINVAL;
	}
	if (!buf_size || buf_size > kxfer_backing_max_size(kxfer_backing)) {
		pr_err("buf_size=%lu is out of range for backing=%s, use 1..%llu bytes\n",
		       buf_size, backing,
		       kxfer_backing_max_size(kxfer_backing));
		return -EINVAL;
	}
	return 0;
}

static int __init kxfer_init(void)
{
	unsigned int i;
	int ret;

	ret = kxfer_check_params();
	if (ret)
		return ret;

	kxfer_stats_init();
	kxfer_devs = kcalloc(nr_devs, sizeof(*kxfer_devs), GFP_KERNEL);
	if (!kxfer_devs)
		return -ENOMEM;

	ret = alloc_chrdev_region(&kxfer_devt, 0, nr_devs, "kxfer");
	if (ret)
		goto free_array;

	ret = class_register(&kxfer_class);
	if (ret)
		goto unregister_region;

	ret = kxfer_inode_init();
	if (ret)
		goto unregister_class;

	ret = kxfer_shmem_init();
	if (ret)
		goto exit_inode;

	for (i = 0; i < nr_devs; i++) {
		kxfer_devs[i] = kxfer_dev_create(i);
		if (IS_ERR(kxfer_devs[i])) {
			ret = PTR_ERR(kxfer_devs[i]);
			pr_err("cannot create kxfer%u (%lu bytes): %d\n",
			       i, buf_size, ret);
			goto destroy_devs;
		}
	}
	return 0;

destroy_devs:
	while (i--)
		kxfer_dev_destroy(kxfer_devs[i]);
	kxfer_shmem_exit();
exit_inode:
	kxfer_inode_exit();
unregister_class:
	class_unregister(&kxfer_class);
unregister_region:
	unregister_chrdev_region(kxfer_devt, nr_devs);
free_array:
	kfree(kxfer_devs);
	return ret;
}

static void __exit kxfer_exit(void)
{
	unsigned int i;

	for (i = 0; i < nr_devs; i++)
		kxfer_dev_destroy(kxfer_devs[i]);
	kxfer_shmem_exit();
	kxfer_inode_exit();
	class_unregister(&kxfer_class);
	unregister_chrdev_region(kxfer_devt, nr_devs);
	kfree(kxfer_devs);
}

module_init(kxfer_init);
module_exit(kxfer_exit);

MODULE_DESCRIPTION("Copy path vs mmap()ed buffer: user/kernel transfer benchmark device");
MODULE_AUTHOR("kxfer developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(KXFER_DRIVER_VERSION);

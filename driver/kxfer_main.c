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
MODULE_PARM_DESC(backing, "Buffer memory: vmalloc (default), pages (physically contiguous) or dma (dma_alloc_coherent)");

static u32 kxfer_backing;
static dev_t kxfer_devt;
static struct kxfer_dev **kxfer_devs;

static struct class kxfer_class = {
	.name		= "kxfer",
	.dev_groups	= kxfer_dev_groups,
};

/* Last put_device(): no file, mapping or sysfs reader is left. */
static void kxfer_dev_release(struct device *dev)
{
	struct kxfer_dev *kd = to_kxfer_dev(dev);

	kxfer_buf_free(kd, &kd->buf);
	if (!IS_ERR_OR_NULL(kd->inode))
		iput(kd->inode);
	free_percpu(kd->stats);
	kfree(kd);
}

static struct kxfer_dev *kxfer_dev_create(unsigned int minor)
{
	struct kxfer_dev *kd;
	int ret;

	kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	if (!kd)
		return ERR_PTR(-ENOMEM);

	init_rwsem(&kd->buf_sem);
	mutex_init(&kd->map_lock);
	atomic_set(&kd->nr_mappings, 0);
	kxfer_stream_init(kd);

	kd->stats = alloc_percpu(struct kxfer_pcpu_stats);
	if (!kd->stats) {
		kfree(kd);
		return ERR_PTR(-ENOMEM);
	}

	/* From here on put_device() frees everything via the release. */
	device_initialize(&kd->dev);
	kd->dev.class = &kxfer_class;
	kd->dev.devt = MKDEV(MAJOR(kxfer_devt), minor);
	kd->dev.release = kxfer_dev_release;
	ret = dev_set_name(&kd->dev, "kxfer%u", minor);
	if (ret)
		goto put_dev;

	/*
	 * The buffer is mapped for DMA to this device (as udmabuf does with
	 * its misc device) so that the DMA API does the cache maintenance;
	 * no real DMA master is behind it, so any address will do.
	 */
	ret = dma_coerce_mask_and_coherent(&kd->dev, DMA_BIT_MASK(64));
	if (ret)
		goto put_dev;

	kd->inode = kxfer_inode_new();
	if (IS_ERR(kd->inode)) {
		ret = PTR_ERR(kd->inode);
		goto put_dev;
	}

	ret = kxfer_buf_alloc(kd, &kd->buf, buf_size, kxfer_backing);
	if (ret)
		goto put_dev;
	i_size_write(kd->inode, kd->buf.size);

	cdev_init(&kd->cdev, &kxfer_fops);
	kd->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&kd->cdev, &kd->dev);
	if (ret)
		goto put_dev;
	return kd;

put_dev:
	put_device(&kd->dev);
	return ERR_PTR(ret);
}

static void kxfer_dev_destroy(struct kxfer_dev *kd)
{
	cdev_device_del(&kd->cdev, &kd->dev);
	kxfer_stream_exit(kd);
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
		pr_err("backing=%s is unknown, use vmalloc, pages or dma\n",
		       backing);
		return ret;
	}
	kxfer_backing = ret;
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

// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/class/kxfer/kxferN/: the buffer's state (the counters under stats/
 * are in kxfer_stats.c).  The files are user ABI: see
 * docs/ABI/sysfs-class-kxfer.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "kxfer.h"

static ssize_t buf_size_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct kxfer_dev *kd = to_kxfer_dev(dev);
	size_t size;

	down_read(&kd->buf_sem);
	size = kxfer_cur_buf(kd)->size;
	up_read(&kd->buf_sem);
	return sysfs_emit(buf, "%zu\n", size);
}
static DEVICE_ATTR_RO(buf_size);

static ssize_t nr_mappings_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  atomic_read(&to_kxfer_dev(dev)->nr_mappings));
}
static DEVICE_ATTR_RO(nr_mappings);

static ssize_t backing_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct kxfer_dev *kd = to_kxfer_dev(dev);
	u32 backing;

	down_read(&kd->buf_sem);
	backing = kxfer_cur_buf(kd)->backing;
	up_read(&kd->buf_sem);
	return sysfs_emit(buf, "%s\n", kxfer_backing_name(backing));
}
static DEVICE_ATTR_RO(backing);

static ssize_t dma_coherent_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_kxfer_dev(dev)->dma_coherent);
}
static DEVICE_ATTR_RO(dma_coherent);

static struct attribute *kxfer_dev_attrs[] = {
	&dev_attr_buf_size.attr,
	&dev_attr_nr_mappings.attr,
	&dev_attr_backing.attr,
	&dev_attr_dma_coherent.attr,
	NULL
};

static const struct attribute_group kxfer_dev_group = {
	.attrs = kxfer_dev_attrs,
};

const struct attribute_group *kxfer_dev_groups[] = {
	&kxfer_dev_group,
	&kxfer_stat_group,
	NULL
};

// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/class/kxfer/kxferN/: buffer state and, under stats/, one counter
 * per file so that scripts on a board can read them with cat.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "kxfer.h"

static ssize_t buf_size_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%zu\n", READ_ONCE(to_kxfer_dev(dev)->buf.size));
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
	u32 backing = READ_ONCE(to_kxfer_dev(dev)->buf.backing);

	return sysfs_emit(buf, "%s\n", kxfer_backing_name(backing));
}
static DEVICE_ATTR_RO(backing);

static struct attribute *kxfer_dev_attrs[] = {
	&dev_attr_buf_size.attr,
	&dev_attr_nr_mappings.attr,
	&dev_attr_backing.attr,
	NULL
};

static const struct attribute_group kxfer_dev_group = {
	.attrs = kxfer_dev_attrs,
};

/* One attribute per (path, bytes|calls) pair, sharing one show(). */
struct kxfer_stat_attr {
	struct device_attribute attr;
	unsigned int path;
	bool calls;
};

static ssize_t kxfer_stat_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct kxfer_stat_attr *sa = container_of(attr, struct kxfer_stat_attr,
						  attr);
	struct kxfer_stats st;

	kxfer_stats_sum(to_kxfer_dev(dev), &st);
	return sysfs_emit(buf, "%llu\n", sa->calls ? st.calls[sa->path] :
						      st.bytes[sa->path]);
}

#define KXFER_STAT_ATTR(_name, _path, _calls)				\
	static struct kxfer_stat_attr kxfer_stat_##_name = {		\
		.attr	= __ATTR(_name, 0444, kxfer_stat_show, NULL),	\
		.path	= _path,					\
		.calls	= _calls,					\
	}

KXFER_STAT_ATTR(read_bytes, KXFER_PATH_READ, false);
KXFER_STAT_ATTR(read_calls, KXFER_PATH_READ, true);
KXFER_STAT_ATTR(write_bytes, KXFER_PATH_WRITE, false);
KXFER_STAT_ATTR(write_calls, KXFER_PATH_WRITE, true);
KXFER_STAT_ATTR(read_iter_bytes, KXFER_PATH_READ_ITER, false);
KXFER_STAT_ATTR(read_iter_calls, KXFER_PATH_READ_ITER, true);
KXFER_STAT_ATTR(write_iter_bytes, KXFER_PATH_WRITE_ITER, false);
KXFER_STAT_ATTR(write_iter_calls, KXFER_PATH_WRITE_ITER, true);
KXFER_STAT_ATTR(submit_bytes, KXFER_PATH_SUBMIT, false);
KXFER_STAT_ATTR(submit_calls, KXFER_PATH_SUBMIT, true);
KXFER_STAT_ATTR(fetch_bytes, KXFER_PATH_FETCH, false);
KXFER_STAT_ATTR(fetch_calls, KXFER_PATH_FETCH, true);
KXFER_STAT_ATTR(mmap_bytes, KXFER_PATH_MMAP, false);
KXFER_STAT_ATTR(mmap_calls, KXFER_PATH_MMAP, true);
KXFER_STAT_ATTR(fault_bytes, KXFER_PATH_FAULT, false);
KXFER_STAT_ATTR(fault_calls, KXFER_PATH_FAULT, true);

static struct attribute *kxfer_stat_attrs[] = {
	&kxfer_stat_read_bytes.attr.attr,
	&kxfer_stat_read_calls.attr.attr,
	&kxfer_stat_write_bytes.attr.attr,
	&kxfer_stat_write_calls.attr.attr,
	&kxfer_stat_read_iter_bytes.attr.attr,
	&kxfer_stat_read_iter_calls.attr.attr,
	&kxfer_stat_write_iter_bytes.attr.attr,
	&kxfer_stat_write_iter_calls.attr.attr,
	&kxfer_stat_submit_bytes.attr.attr,
	&kxfer_stat_submit_calls.attr.attr,
	&kxfer_stat_fetch_bytes.attr.attr,
	&kxfer_stat_fetch_calls.attr.attr,
	&kxfer_stat_mmap_bytes.attr.attr,
	&kxfer_stat_mmap_calls.attr.attr,
	&kxfer_stat_fault_bytes.attr.attr,
	&kxfer_stat_fault_calls.attr.attr,
	NULL
};

static const struct attribute_group kxfer_stat_group = {
	.name	= "stats",
	.attrs	= kxfer_stat_attrs,
};

const struct attribute_group *kxfer_dev_groups[] = {
	&kxfer_dev_group,
	&kxfer_stat_group,
	NULL
};

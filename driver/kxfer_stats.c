// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device transfer counters: KXFER_IOC_GET_STATS / RESET_STATS and,
 * for scripts on a board that read them with cat, one sysfs file per
 * counter under /sys/class/kxfer/kxferN/stats/.
 */
#include <linux/device.h>
#include <linux/percpu.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "kxfer.h"

/*
 * Counters are per CPU so that threads on different CPUs do not bounce a
 * cache line on every call; a sum read while transfers run is approximate.
 */
void kxfer_stats_sum(struct kxfer_dev *kd, struct kxfer_stats *st)
{
	int cpu, i;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		const struct kxfer_pcpu_stats *pcs = per_cpu_ptr(kd->stats, cpu);

		for (i = 0; i < KXFER_NR_PATHS; i++) {
			st->bytes[i] += pcs->bytes[i];
			st->calls[i] += pcs->calls[i];
		}
	}
}

void kxfer_stats_reset(struct kxfer_dev *kd)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(kd->stats, cpu), 0,
		       sizeof(struct kxfer_pcpu_stats));
}

long kxfer_ioctl_get_stats(struct kxfer_dev *kd, void __user *argp)
{
	struct kxfer_stats st;

	kxfer_stats_sum(kd, &st);
	if (copy_to_user(argp, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}

/*
 * The one list of path names, indexed by KXFER_PATH_*: every path has
 * stats/<name>_bytes and stats/<name>_calls (the sysfs ABI,
 * docs/ABI/sysfs-class-kxfer).  Attribute i shows path i / 2, its calls
 * when i is odd.
 */
static const char * const kxfer_path_names[KXFER_NR_PATHS] = {
	[KXFER_PATH_READ]	= "read",
	[KXFER_PATH_WRITE]	= "write",
	[KXFER_PATH_READ_ITER]	= "read_iter",
	[KXFER_PATH_WRITE_ITER]	= "write_iter",
	[KXFER_PATH_SUBMIT]	= "submit",
	[KXFER_PATH_FETCH]	= "fetch",
	[KXFER_PATH_MMAP]	= "mmap",
	[KXFER_PATH_FAULT]	= "fault",
};

#define KXFER_NR_STAT_ATTRS	(2 * KXFER_NR_PATHS)
#define KXFER_STAT_NAME_LEN	sizeof("write_iter_bytes")

static struct device_attribute kxfer_stat_attrs[KXFER_NR_STAT_ATTRS];
static char kxfer_stat_names[KXFER_NR_STAT_ATTRS][KXFER_STAT_NAME_LEN];
static struct attribute *kxfer_stat_attr_list[KXFER_NR_STAT_ATTRS + 1];

static ssize_t kxfer_stat_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	unsigned int i = attr - kxfer_stat_attrs;
	struct kxfer_stats st;

	kxfer_stats_sum(to_kxfer_dev(dev), &st);
	return sysfs_emit(buf, "%llu\n", i % 2 ? st.calls[i / 2] :
						st.bytes[i / 2]);
}

/* Before the class is registered: builds the group from the list. */
void kxfer_stats_init(void)
{
	unsigned int i;

	for (i = 0; i < KXFER_NR_STAT_ATTRS; i++) {
		struct device_attribute *da = &kxfer_stat_attrs[i];

		snprintf(kxfer_stat_names[i], KXFER_STAT_NAME_LEN, "%s_%s",
			 kxfer_path_names[i / 2], i % 2 ? "calls" : "bytes");
		sysfs_attr_init(&da->attr);
		da->attr.name = kxfer_stat_names[i];
		da->attr.mode = 0444;
		da->show = kxfer_stat_show;
		kxfer_stat_attr_list[i] = &da->attr;
	}
}

const struct attribute_group kxfer_stat_group = {
	.name	= "stats",
	.attrs	= kxfer_stat_attr_list,
};

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "attrs.h"
#include "device.h"

#define LOAD_HINT "load the module: 'sudo insmod driver/kxfer.ko' " \
		  "(in the source tree) or 'sudo modprobe kxfer', " \
		  "or name another device with --device PATH"

int kx_dev_open(const char *path, struct kxfer_info *info, char *err,
		size_t errlen)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int e;

	if (fd < 0) {
		e = errno;
		switch (e) {
		case ENOENT:
		case ENXIO:
		case ENODEV:
			snprintf(err, errlen, "%s: %s: %s", path,
				 strerror(e), LOAD_HINT);
			break;
		case EACCES:
		case EPERM:
			snprintf(err, errlen,
				 "%s: %s: run as root, or let your user open it with a udev rule (see docs/benchmark-methods.md, \"Permissions\")",
				 path, strerror(e));
			break;
		default:
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		}
		return -1;
	}
	memset(info, 0, sizeof(*info));
	if (ioctl(fd, KXFER_IOC_INFO, info)) {
		e = errno;
		snprintf(err, errlen,
			 "%s is not a kxfer device (KXFER_IOC_INFO: %s); pass the right one with --device /dev/kxferN",
			 path, strerror(e));
		close(fd);
		return -1;
	}
	if (info->abi_version != KXFER_ABI_VERSION) {
		snprintf(err, errlen,
			 "%s speaks kxfer ABI %u, this kxfer-bench was built for ABI %u: rebuild the module and the benchmark from the same tree",
			 path, info->abi_version, KXFER_ABI_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

int kx_dev_set_mode(int fd, uint32_t work, uint32_t seed)
{
	struct kxfer_mode mode = { .work = work, .seed = seed };

	return ioctl(fd, KXFER_IOC_SET_MODE, &mode) ? -errno : 0;
}

int kx_dev_sync(int fd, int for_cpu, uint64_t off, uint64_t len,
		uint32_t direction)
{
	struct kxfer_sync req = {
		.offset = off,
		.length = len,
		.direction = direction,
	};

	return ioctl(fd, for_cpu ? KXFER_IOC_SYNC_FOR_CPU :
		     KXFER_IOC_SYNC_FOR_DEVICE, &req) ? -errno : 0;
}

/* How to get a buffer of this backing when the driver refused it. */
static const char *resize_hint(uint32_t backing, int e)
{
	if (e == EBUSY)
		return " (another process has the buffer mapped)";
	if (backing == KXFER_BACKING_PAGES && (e == EINVAL || e == ENOMEM))
		return ": the pages backing is one physically contiguous block, limited by the page allocator's largest order (and by fragmentation); use smaller --sizes (or fewer --threads)";
	if ((backing == KXFER_BACKING_DMA || backing == KXFER_BACKING_DMA_WC ||
	     backing == KXFER_BACKING_DMA_NONCOHERENT) &&
	    (e == ENOMEM || e == EINVAL))
		return ": the DMA API could not get that much contiguous memory; give the kernel a CMA area (e.g. 'cma=64M' on the kernel command line) or use smaller --sizes";
	if (e == ENOMEM)
		return " (not enough memory)";
	return "";
}

int kx_dev_resize(int fd, uint64_t size, uint32_t backing,
		  const struct kxfer_info *info, char *err, size_t errlen)
{
	struct kxfer_resize req = {
		.size = size,
		.backing = backing,
	};

	if (!(info->features & KXFER_FEAT_RESIZE)) {
		snprintf(err, errlen,
			 "this driver cannot resize its buffer; reload it with buf_size=%llu%s%s",
			 (unsigned long long)size,
			 backing != info->backing ? " backing=" : "",
			 backing != info->backing ?
			 kx_backing_name(backing) : "");
		return -1;
	}
	if (backing != KXFER_BACKING_VMALLOC &&
	    !(info->features & KXFER_FEAT_BACKINGS)) {
		snprintf(err, errlen,
			 "this driver has only the vmalloc backing (no KXFER_FEAT_BACKINGS): load a module built from this tree");
		return -1;
	}
	if ((backing == KXFER_BACKING_SHMEM &&
	     !(info->features & KXFER_FEAT_SHMEM)) ||
	    ((backing == KXFER_BACKING_DMA_WC ||
	      backing == KXFER_BACKING_DMA_NONCOHERENT) &&
	     !(info->features & KXFER_FEAT_DMA_ATTRS))) {
		snprintf(err, errlen,
			 "this driver has no %s backing (ABI 4: KXFER_FEAT_%s): load a module built from this tree",
			 kx_backing_name(backing),
			 backing == KXFER_BACKING_SHMEM ? "SHMEM" : "DMA_ATTRS");
		return -1;
	}
	if (backing == info->backing && size > info->max_size) {
		snprintf(err, errlen,
			 "%llu bytes is above the driver's limit of %llu bytes for the %s backing",
			 (unsigned long long)size,
			 (unsigned long long)info->max_size,
			 kx_backing_name(backing));
		return -1;
	}
	if (ioctl(fd, KXFER_IOC_RESIZE, &req)) {
		int e = errno;

		snprintf(err, errlen,
			 "KXFER_IOC_RESIZE to %llu bytes with the %s backing: %s%s",
			 (unsigned long long)size, kx_backing_name(backing),
			 strerror(e), resize_hint(backing, e));
		return -1;
	}
	return 0;
}

static const char *const work_names[] = {
	[KXFER_WORK_NONE] = "none",
	[KXFER_WORK_CHECKSUM] = "checksum",
	[KXFER_WORK_FILL] = "fill",
};

const char *kx_work_name(uint32_t work)
{
	return work < sizeof(work_names) / sizeof(work_names[0]) ?
	       work_names[work] : "?";
}

int kx_work_parse(const char *s, uint32_t *work)
{
	for (uint32_t i = 0; i < sizeof(work_names) / sizeof(work_names[0]);
	     i++)
		if (!strcmp(s, work_names[i])) {
			*work = i;
			return 0;
		}
	return -1;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Opening /dev/kxferN with errors that tell the user what to do. */
#ifndef KX_DEVICE_H
#define KX_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kxfer.h>

/*
 * Opens path read-write and checks it with KXFER_IOC_INFO.  Returns the
 * fd, or -1 with a complete message (what failed and how to fix it) in
 * err.
 */
int kx_dev_open(const char *path, struct kxfer_info *info, char *err,
		size_t errlen);

/* KXFER_IOC_SET_MODE (__reserved 0); returns 0 or -errno. */
int kx_dev_set_mode(int fd, uint32_t work, uint32_t seed);

/*
 * KXFER_IOC_RESIZE to size with the given KXFER_BACKING_*; returns 0 or
 * -1 with a message in err that names the backing, the size and the fix.
 */
int kx_dev_resize(int fd, uint64_t size, uint32_t backing,
		  const struct kxfer_info *info, char *err, size_t errlen);

/* KXFER_IOC_SYNC_FOR_CPU (for_cpu) or _DEVICE; returns 0 or -errno. */
int kx_dev_sync(int fd, int for_cpu, uint64_t off, uint64_t len,
		uint32_t direction);

/* "checksum", ...; kx_work_parse() returns -1 for an unknown name. */
const char *kx_work_name(uint32_t work);
int kx_work_parse(const char *s, uint32_t *work);

#endif

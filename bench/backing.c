// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backing.h"
#include "device.h"

void kx_backing_init(struct kx_backing_state *s, int fd,
		     const struct kxfer_info *info)
{
	s->fd = fd;
	s->orig_backing = info->backing;
	s->orig_size = info->buf_size;
	s->changed = 0;
}

static int refresh(struct kx_backing_state *s, struct kxfer_info *info,
		   char *err, size_t errlen)
{
	if (ioctl(s->fd, KXFER_IOC_INFO, info)) {
		snprintf(err, errlen, "KXFER_IOC_INFO after resizing: %s",
			 strerror(errno));
		return -1;
	}
	s->changed = info->backing != s->orig_backing ||
		     info->buf_size != s->orig_size;
	return 0;
}

static int resize(struct kx_backing_state *s, uint64_t size,
		  uint32_t backing, struct kxfer_info *info, char *err,
		  size_t errlen)
{
	int ret;

	if (info->backing == backing && info->buf_size == size)
		return 0;
	ret = kx_dev_resize(s->fd, size, backing, info, err, errlen);
	if (refresh(s, info, ret ? err + strlen(err) : err,
		    ret ? errlen - strlen(err) : errlen))
		return -1;
	return ret;
}

int kx_backing_use(struct kx_backing_state *s, uint32_t backing,
		   uint64_t need, struct kxfer_info *info, char *err,
		   size_t errlen)
{
	/* The original buffer, grown only where the points need more. */
	if (backing == s->orig_backing)
		return resize(s, need > s->orig_size ? need : s->orig_size,
			      backing, info, err, errlen);
	return resize(s, need, backing, info, err, errlen);
}

int kx_backing_restore(struct kx_backing_state *s, struct kxfer_info *info,
		       char *err, size_t errlen)
{
	if (!s->changed)
		return 0;
	return resize(s, s->orig_size, s->orig_backing, info, err, errlen);
}

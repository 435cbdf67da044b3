/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --backing: switching the device buffer between backings for a sweep,
 * and putting back what the device had when kxfer-bench started.
 */
#ifndef KX_BACKING_H
#define KX_BACKING_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kxfer.h>

struct kx_backing_state {
	int fd;
	uint32_t orig_backing;
	uint64_t orig_size;
	int changed;		/* the buffer is not the original one now */
};

/* Remembers info's backing and size as the ones to restore. */
void kx_backing_init(struct kx_backing_state *s, int fd,
		     const struct kxfer_info *info);

/*
 * Makes the buffer use backing: the original buffer for the original
 * backing, else a new one of need bytes.  info is refreshed.  Returns 0,
 * or -1 with a message naming backing, size and fix in err (the buffer
 * is then whatever the driver kept, info says what).
 */
int kx_backing_use(struct kx_backing_state *s, uint32_t backing,
		   uint64_t need, struct kxfer_info *info, char *err,
		   size_t errlen);

/* Back to the original size and backing if they changed; as above. */
int kx_backing_restore(struct kx_backing_state *s, struct kxfer_info *info,
		       char *err, size_t errlen);

#endif

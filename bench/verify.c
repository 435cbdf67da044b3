// SPDX-License-Identifier: GPL-2.0
/*
 * --verify: every method moves a known pattern once and the result is
 * checked against what the user expects, so a fast method is also a
 * correct one.  Reports name the first wrong byte's buffer offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kx_crc32c.h"
#include "kx_pattern.h"
#include "device.h"
#include "method.h"

void kx_poison(unsigned char *p, uint64_t off, size_t len, uint32_t seed)
{
	kx_pattern_fill(p, off, len, seed);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)~p[i];
}

int kx_check_pattern(struct kx_ctx *c, const unsigned char *p, uint64_t off,
		     size_t len, uint32_t seed, const char *where)
{
	size_t bad = kx_pattern_check(p, off, len, seed);
	unsigned char want;

	if (bad == len)
		return 0;
	kx_pattern_fill(&want, off + bad, 1, seed);
	return kx_fail(c,
		       "%s: wrong data at offset %llu (byte %zu of %zu): expected 0x%02x, got 0x%02x",
		       where, (unsigned long long)(off + bad), bad, len, want,
		       p[bad]);
}

/*
 * A dma-noncoherent buffer changes hands with explicit ownership
 * transfers (ABI 4): SUBMIT and FETCH do them themselves, pread()/pwrite()
 * beside a mapping do not, so verification does them.  Every other
 * backing needs none.
 */
static int sync_mapping(struct kx_ctx *c, int for_cpu)
{
	int ret;

	if (c->cfg->backing != KXFER_BACKING_DMA_NONCOHERENT || c->fd < 0)
		return 0;
	ret = kx_dev_sync(c->fd, for_cpu, c->dev_off, c->size,
			  for_cpu ? KXFER_SYNC_FROM_DEVICE :
			  KXFER_SYNC_TO_DEVICE);
	if (ret)
		return kx_fail(c, "verify: KXFER_IOC_SYNC_FOR_%s: %s",
			       for_cpu ? "CPU" : "DEVICE", strerror(-ret));
	return 0;
}

int kx_dev_load(struct kx_ctx *c, uint32_t seed, int inverted)
{
	unsigned char *tmp = malloc(c->size);
	ssize_t r;

	if (!tmp)
		return kx_fail(c, "out of memory");
	if (inverted)
		kx_poison(tmp, c->dev_off, c->size, seed);
	else
		kx_pattern_fill(tmp, c->dev_off, c->size, seed);
	r = pwrite(c->vfd, tmp, c->size, (off_t)c->dev_off);
	free(tmp);
	if (r != (ssize_t)c->size)
		return kx_io_fail(c, "verify: pwrite of the test pattern", r);
	return sync_mapping(c, 0);
}

int kx_dev_expect(struct kx_ctx *c, uint32_t seed, const char *after)
{
	unsigned char *tmp = malloc(c->size);
	ssize_t r;
	int ret;

	if (!tmp)
		return kx_fail(c, "out of memory");
	if (sync_mapping(c, 1)) {
		free(tmp);
		return -1;
	}
	r = pread(c->vfd, tmp, c->size, (off_t)c->dev_off);
	if (r != (ssize_t)c->size) {
		free(tmp);
		return kx_io_fail(c, "verify: pread of the buffer", r);
	}
	ret = kx_check_pattern(c, tmp, c->dev_off, c->size, seed, after);
	free(tmp);
	return ret;
}

static int check_csum(struct kx_ctx *c, const unsigned char *p,
		      uint32_t kcsum, const char *how)
{
	uint32_t want = kx_crc32c(KX_CRC32C_INIT, p, c->size);

	if (want == kcsum)
		return 0;
	return kx_fail(c,
		       "%s: kernel CRC32C 0x%08x differs from user CRC32C 0x%08x of the %zu bytes at offset %llu",
		       how, kcsum, want, c->size,
		       (unsigned long long)c->dev_off);
}

int kx_check_received(struct kx_ctx *c, const unsigned char *p,
		      uint32_t seed, uint32_t kcsum, const char *how)
{
	uint32_t work = c->cfg->work;

	if (work == KXFER_WORK_FILL)
		return kx_check_pattern(c, p, c->dev_off, c->size,
					c->fill_seed, how);
	if (kx_check_pattern(c, p, c->dev_off, c->size, seed, how))
		return -1;
	if (work == KXFER_WORK_CHECKSUM)
		return check_csum(c, p, kcsum, how);
	return 0;
}

int kx_check_sent_csum(struct kx_ctx *c, const unsigned char *p,
		       uint32_t kcsum, const char *how)
{
	if (c->cfg->work != KXFER_WORK_CHECKSUM)
		return 0;
	return check_csum(c, p, kcsum, how);
}

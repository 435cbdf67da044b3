// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buffers.h"

/* First mlock() errno, 0 while every mlock() worked (any thread). */
static int mlock_errno;
static int mlock_tried;

static size_t page_round(size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (len + pg - 1) / pg * pg;
}

void *kx_buf_alloc(size_t len)
{
	size_t plen = page_round(len ? len : 1);
	void *p;

	p = mmap(NULL, plen, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Real pages, not the shared zero page: write every byte once. */
	memset(p, 0x5a, plen);
	__atomic_store_n(&mlock_tried, 1, __ATOMIC_RELAXED);
	if (mlock(p, plen)) {
		int zero = 0;

		__atomic_compare_exchange_n(&mlock_errno, &zero, errno, 0,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	}
	return p;
}

void kx_buf_free(void *p, size_t len)
{
	if (p)
		munmap(p, page_round(len ? len : 1));
}

const char *kx_mlock_status(void)
{
	static char msg[160];
	int e = __atomic_load_n(&mlock_errno, __ATOMIC_RELAXED);

	if (!__atomic_load_n(&mlock_tried, __ATOMIC_RELAXED))
		return "n/a (no user buffers)";
	if (!e)
		return "yes";
	snprintf(msg, sizeof(msg),
		 "no (%s%s): buffers pre-touched instead", strerror(e),
		 e == ENOMEM || e == EPERM ?
		 ", RLIMIT_MEMLOCK too low; try ulimit -l unlimited" : "");
	return msg;
}

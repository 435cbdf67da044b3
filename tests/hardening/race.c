// SPDX-License-Identifier: GPL-2.0
/*
 * RESIZE racing mmap(), faults and munmap() (ABI 4: RESIZE revokes the
 * mappings instead of failing with EBUSY): mapper threads map, store
 * through and unmap windows of the buffer as fast as they can while
 * resizer threads RESIZE it between RACE_MIN_PAGES and RACE_MAX_PAGES,
 * alternating the vmalloc and pages backings (a pair whose mappings
 * survive: later faults reach the new buffer):
 *
 *   - every RESIZE succeeds, and some of them while mappings are alive;
 *   - every window lies inside the smallest size, so mmap() must always
 *     succeed and touching a mapped page must never SIGBUS;
 *   - a store read back through the mapping is what was stored, and
 *     the byte each mapper stored last in each of the first pages is in
 *     the buffer at the end: no store may land in an old buffer after
 *     RESIZE copied it (the driver must revoke before it copies).
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 40
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hx.h"

#define RACE_MAPPERS	2
#define RACE_RESIZERS	2
#define RACE_MIN_PAGES	4
#define RACE_MAX_PAGES	64

struct race {
	int fd;
	uint64_t page;
	double end;
	atomic_int pinned;
	atomic_ulong maps, resize_ok, resize_mapped;
	/* last byte each mapper stored in each of the first pages */
	unsigned char last[RACE_MAPPERS][RACE_MIN_PAGES];
	uint64_t seed;
};

struct race_thread {
	struct race *rc;
	int id;
	pthread_t th;
};

static void *mapper(void *arg)
{
	struct race_thread *t = arg;
	struct race *rc = t->rc;
	uint64_t ps = rc->page;
	struct hx_rng r;
	unsigned char v = 1;

	hx_rng_init(&r, rc->seed, 0x8100 + t->id);
	while (hx_now() < rc->end) {
		uint64_t pages = 1 + hx_below(&r, RACE_MIN_PAGES);
		uint64_t first = hx_below(&r, RACE_MIN_PAGES - pages + 1);
		unsigned char *m;

		m = mmap(NULL, pages * ps, PROT_READ | PROT_WRITE, MAP_SHARED,
			 rc->fd, (off_t)(first * ps));
		if (m == MAP_FAILED)
			FAIL("mmap of pages %" PRIu64 "..%" PRIu64 " (inside the smallest size): %s",
			     first, first + pages - 1, kxt_errstr(errno));
		atomic_fetch_add(&rc->pinned, 1);
		atomic_fetch_add(&rc->maps, 1);
		for (uint64_t p = 0; p < pages; p++) {
			/* Each mapper owns byte id of every page. */
			m[p * ps + t->id] = v;
			if (m[p * ps + t->id] != v)
				FAIL("mapper %d: store to page %" PRIu64 " did not stick",
				     t->id, first + p);
			rc->last[t->id][first + p] = v;
		}
		v = v == 255 ? 1 : v + 1;
		atomic_fetch_sub(&rc->pinned, 1);
		if (munmap(m, pages * ps))
			FAIL("munmap: %s", kxt_errstr(errno));
		hx_sleep_us(hx_below(&r, 200));
	}
	return NULL;
}

static void *resizer(void *arg)
{
	struct race_thread *t = arg;
	struct race *rc = t->rc;
	struct hx_rng r;

	hx_rng_init(&r, rc->seed, 0x8200 + t->id);
	while (hx_now() < rc->end) {
		struct kxfer_resize req = {
			.size = hx_between(&r, RACE_MIN_PAGES, RACE_MAX_PAGES) *
				rc->page,
			.backing = hx_chance(&r, 50) ? KXFER_BACKING_VMALLOC :
						       KXFER_BACKING_PAGES,
		};
		int p1, e;

		p1 = atomic_load(&rc->pinned);
		e = ioctl(rc->fd, KXFER_IOC_RESIZE, &req) ? errno : 0;
		if (e)
			FAIL("RESIZE to %llu on %s: %s, expected success (ABI 4 revokes mappings)",
			     (unsigned long long)req.size,
			     kx_backing_name(req.backing), kxt_errstr(e));
		atomic_fetch_add(&rc->resize_ok, 1);
		if (p1 > 0)
			atomic_fetch_add(&rc->resize_mapped, 1);
		/* Leave the mappers CPU time to race with. */
		hx_sleep_us(hx_below(&r, 100));
	}
	return NULL;
}

TEST_TIMEOUT(resize_racing_mmap_and_faults_keeps_every_stored_byte, 300)
{
	struct race *rc = hx_calloc(1, sizeof(*rc));
	struct race_thread th[RACE_MAPPERS + RACE_RESIZERS];
	unsigned int secs = hx_seconds() / 4 ? hx_seconds() / 4 : 1;
	uint64_t start_size;
	unsigned char *got;
	struct kxfer_info info;

	rc->fd = kx_open();
	rc->page = kx_page();
	rc->seed = hx_seed();
	start_size = kx_size(rc->fd);
	kx_resize(rc->fd, RACE_MIN_PAGES * rc->page);
	kx_put_byte(rc->fd, 0, RACE_MIN_PAGES * rc->page, 0);
	kxt_diag("seed: %" PRIu64 "; %d mapper and %d resizer threads for %u s (a quarter of --seconds)",
		 rc->seed, RACE_MAPPERS, RACE_RESIZERS, secs);

	rc->end = hx_now() + secs;
	for (int i = 0; i < RACE_MAPPERS + RACE_RESIZERS; i++) {
		th[i].rc = rc;
		th[i].id = i < RACE_MAPPERS ? i : i - RACE_MAPPERS;
		errno = pthread_create(&th[i].th, NULL,
				       i < RACE_MAPPERS ? mapper : resizer,
				       &th[i]);
		if (errno)
			FAIL("pthread_create: %s", kxt_errstr(errno));
	}
	for (int i = 0; i < RACE_MAPPERS + RACE_RESIZERS; i++)
		pthread_join(th[i].th, NULL);

	kxt_diag("%lu mappings; RESIZE succeeded %lu times, %lu of them with mappings alive",
		 (unsigned long)rc->maps, (unsigned long)rc->resize_ok,
		 (unsigned long)rc->resize_mapped);
	kx_info(rc->fd, &info);
	EXPECT_EQ(info.nr_mappings, 0u);
	EXPECT_GT((unsigned long)rc->resize_ok, 0ul);
	EXPECT_GT((unsigned long)rc->resize_mapped, 0ul);

	/* What the mappers stored last is still there. */
	got = kx_alloc(RACE_MIN_PAGES * rc->page);
	kx_pread_all(rc->fd, got, RACE_MIN_PAGES * rc->page, 0);
	for (int m = 0; m < RACE_MAPPERS; m++)
		for (int p = 0; p < RACE_MIN_PAGES; p++)
			if (got[p * rc->page + m] != rc->last[m][p])
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "byte %d of page %d is %u, mapper %d stored %u there last",
					    m, p, got[p * rc->page + m], m,
					    rc->last[m][p]);
	free(got);
	kx_resize(rc->fd, start_size);
	free(rc);
}

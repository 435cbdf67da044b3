// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading the module 100 times, with every device used in
 * between (open, write, read, map and fault, resize, close), must leak
 * nothing.  finit_module()/delete_module() are called directly: no
 * insmod/rmmod processes to spawn, so the cycles are quick.
 *
 * What is compared, before and after (each after dropping the page and
 * slab caches, so that reclaimable memory does not blur the picture):
 *
 *   field        tolerance  a leak of one object per device per cycle
 *   VmallocUsed  512 KiB    buffer:        32 x 100 x 16 KiB = 50 MiB
 *   SUnreclaim   1 MiB      struct kxfer_dev (~1 KiB):  32 x 100 = 3 MiB
 *   Percpu       256 KiB    statistics:    32 x 100 x 128 B x CPUs = 800+ KiB
 *   MemAvailable 16 MiB     any of the above (backstop for page leaks)
 *   each slab    1000 objs  one object:    32 x 100 = 3200 objects
 *   cache        or 3 slabs (active objects, from /proc/slabinfo if the
 *                           kernel has it; 3 x objperslab is at most
 *                           1536, for kmalloc-8)
 *
 * Loading with nr_devs=32 multiplies every per-device leak by 32 and the
 * 100 cycles by 100, which puts the smallest per-device leak (a 128-byte
 * allocation) above the noise; the tolerances sit between the noise seen
 * in the guest and those leaks.  The noise: tens of KiB in slab and
 * vmalloc; a cache's active objects move by whole slabs as SLUB keeps
 * per-CPU slabs (512 objects, one slab of kmalloc-8, was seen);
 * MemAvailable moved by up to 4 MiB after the memory-hungry tests ran
 * before this one (per-CPU page lists, direct-map splits).  A leak of the
 * module's own memory (VmallocUsed: module text) or of a whole buffer is
 * thousands of times the tolerance.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 75	/* before the memory-exhausting loads */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hx.h"

#define CYCLES		100
#define WARMUP		5
#define LEAK_DEVS	32
/* Two pages even with 64 KiB pages: the cycle maps two. */
#define LEAK_BUF_SIZE	131072
#define LEAK_PARAMS	"nr_devs=32 buf_size=131072"
#define MAX_CACHES	512

struct mem_snapshot {
	int64_t avail, vmalloc, sunreclaim, percpu, slab;
	int ncaches;
	struct {
		char name[64];
		int64_t active;
		int64_t objsize;
		int64_t perslab;
	} cache[MAX_CACHES];
};

static int64_t meminfo_kib(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	size_t klen = strlen(key);
	int64_t v = -1;

	if (!f)
		FAIL("fopen(/proc/meminfo): %s", kxt_errstr(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtoll(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	sync();
	if (fd < 0)
		return;
	if (write(fd, "3\n", 2) != 2)
		kxt_diag("drop_caches: %s", kxt_errstr(errno));
	close(fd);
}

static void snapshot(struct mem_snapshot *s)
{
	FILE *f;
	char line[512];

	drop_caches();
	hx_sleep_us(200000);	/* let RCU-deferred frees run */
	drop_caches();
	memset(s, 0, sizeof(*s));
	s->avail = meminfo_kib("MemAvailable");
	s->vmalloc = meminfo_kib("VmallocUsed");
	s->sunreclaim = meminfo_kib("SUnreclaim");
	s->percpu = meminfo_kib("Percpu");
	s->slab = meminfo_kib("Slab");

	f = fopen("/proc/slabinfo", "r");
	if (!f) {
		s->ncaches = -1;
		return;
	}
	while (fgets(line, sizeof(line), f) && s->ncaches < MAX_CACHES) {
		long long active, num, size, perslab;
		char name[64];

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		/* name active_objs num_objs objsize objperslab ... */
		if (sscanf(line, "%63s %lld %lld %lld %lld", name, &active,
			   &num, &size, &perslab) != 5)
			continue;
		snprintf(s->cache[s->ncaches].name,
			 sizeof(s->cache[0].name), "%s", name);
		s->cache[s->ncaches].active = active;
		s->cache[s->ncaches].objsize = size;
		s->cache[s->ncaches].perslab = perslab;
		s->ncaches++;
	}
	fclose(f);
}

/* Everything a user of the module allocates on its behalf, once. */
static void use_devices(void)
{
	size_t ps = kx_page();
	char buf[64] = "leak check";

	for (int i = 0; i < LEAK_DEVS; i++) {
		int fd = kx_open_node(i, O_RDWR);
		char *m;

		kx_pwrite_all(fd, buf, sizeof(buf), 100);
		kx_pread_all(fd, buf, sizeof(buf), 100);
		m = kx_map(fd, 2 * ps, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
		m[0] = 1;
		m[ps] = 2;
		ASSERT_OK(munmap(m, 2 * ps));
		if (i % 8 == 0) {
			kx_resize(fd, 8 * ps);
			kx_resize(fd, LEAK_BUF_SIZE);
		}
		kx_set_mode(fd, KXFER_WORK_CHECKSUM, 1);
		close(fd);
	}
}

static void cycle(int n)
{
	int r = kx_module_load_raw(LEAK_PARAMS);

	if (r)
		FAIL("cycle %d: finit_module(\"%s\"): %s", n, LEAK_PARAMS,
		     kxt_errstr(r));
	use_devices();
	r = kx_module_unload_raw();
	for (int tries = 0; r == EAGAIN && tries < 100; tries++) {
		hx_sleep_us(10000);
		r = kx_module_unload_raw();
	}
	if (r)
		FAIL("cycle %d: delete_module: %s", n, kxt_errstr(r));
}

static void compare(const char *what, int64_t before, int64_t after,
		    int64_t tolerance_kib, int grows_is_bad)
{
	int64_t d = after - before;

	if (before < 0 || after < 0) {
		kxt_diag("%s: not in /proc/meminfo on this kernel", what);
		return;
	}
	if (grows_is_bad ? d > tolerance_kib : -d > tolerance_kib)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s %s by %lld KiB over %d cycles (%lld -> %lld KiB), tolerance %lld KiB",
			    what, grows_is_bad ? "grew" : "fell",
			    (long long)(grows_is_bad ? d : -d), CYCLES,
			    (long long)before, (long long)after,
			    (long long)tolerance_kib);
}

TEST_TIMEOUT(load_unload_100_cycles_leak_no_memory, 900)
{
	static struct mem_snapshot before, after;
	const char *worst = "none";
	int64_t worst_growth = 0;
	double t0;

	kx_require_ko();
	if (kx_module_loaded()) {
		int r = kx_module_unload_raw();

		if (r)
			FAIL("delete_module before the test: %s",
			     kxt_errstr(r));
	}
	for (int i = 0; i < WARMUP; i++)
		cycle(-1 - i);
	snapshot(&before);
	t0 = hx_now();
	for (int i = 0; i < CYCLES; i++)
		cycle(i);
	kxt_diag("%d load/use/unload cycles of \"%s\" in %.1f s",
		 CYCLES, LEAK_PARAMS, hx_now() - t0);
	snapshot(&after);

	kxt_diag("before: MemAvailable %lld KiB, VmallocUsed %lld KiB, SUnreclaim %lld KiB, Slab %lld KiB, Percpu %lld KiB, %d slab caches",
		 (long long)before.avail, (long long)before.vmalloc,
		 (long long)before.sunreclaim, (long long)before.slab,
		 (long long)before.percpu, before.ncaches);
	kxt_diag("change: MemAvailable %+lld KiB, VmallocUsed %+lld KiB, SUnreclaim %+lld KiB, Slab %+lld KiB, Percpu %+lld KiB",
		 (long long)(after.avail - before.avail),
		 (long long)(after.vmalloc - before.vmalloc),
		 (long long)(after.sunreclaim - before.sunreclaim),
		 (long long)(after.slab - before.slab),
		 (long long)(after.percpu - before.percpu));
	compare("VmallocUsed", before.vmalloc, after.vmalloc, 512, 1);
	compare("SUnreclaim", before.sunreclaim, after.sunreclaim, 1024, 1);
	compare("Percpu", before.percpu, after.percpu, 256, 1);
	compare("MemAvailable", before.avail, after.avail, 16384, 0);

	if (before.ncaches < 0 || after.ncaches < 0) {
		kxt_diag("/proc/slabinfo is not available: per-cache comparison skipped");
	} else {
		for (int a = 0; a < after.ncaches; a++) {
			int64_t was = 0, growth, tolerance;

			for (int b = 0; b < before.ncaches; b++)
				if (!strcmp(before.cache[b].name,
					    after.cache[a].name))
					was = before.cache[b].active;
			growth = after.cache[a].active - was;
			tolerance = 3 * after.cache[a].perslab;
			if (tolerance < 1000)
				tolerance = 1000;
			if (growth > worst_growth) {
				worst_growth = growth;
				worst = after.cache[a].name;
			}
			if (growth > tolerance)
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "slab cache %s grew by %lld active objects (%lld bytes each) over %d cycles, tolerance %lld",
					    after.cache[a].name,
					    (long long)growth,
					    (long long)after.cache[a].objsize,
					    CYCLES, (long long)tolerance);
		}
		kxt_diag("largest growth of a slab cache: %s, %+lld active objects",
			 worst, (long long)worst_growth);
	}
	kx_module_restore();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The stress test's resizer (one per device) and monitor (one for all),
 * and the bookkeeping shared by all of its processes.
 *
 * Resizer: RESIZEs at random between the vmalloc and pages backings
 * (ABI 4: it revokes the owners' mappings, which then fault in the new
 * buffer), racing the owners' faults, stores, vmsplice() pins and
 * munmap(); every RESIZE must succeed (pages may lack a contiguous block:
 * ENOMEM) and the owners check every byte.  It also maps a page itself,
 * above the owned cells, and checks that the mapping survives a RESIZE
 * and reads the new buffer's zeros; and twice a second holds new mappings
 * back, waits for the live ones to go, and RESIZEs with none alive.
 * After every successful RESIZE the grown tail must read as zero.
 *
 * Monitor: reads GET_STATS, INFO and the sysfs attributes of every device
 * while all this runs (counters must never go backwards, mapping counts
 * and sizes must stay in range) and now and then reads a whole buffer,
 * whose never-written part must be zero at every moment.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "stress.h"

#define QUIESCE_EVERY_S	0.5
#define DRAIN_TIMEOUT_S	10.0

void st_count(struct st_dev *d, int path, uint64_t bytes)
{
	atomic_fetch_add(&d->calls[path], 1);
	atomic_fetch_add(&d->bytes[path], bytes);
}

void st_op(struct st_dev *d, enum st_op op)
{
	atomic_fetch_add(&d->ops[op], 1);
}

uint64_t st_cell_off(int owner, int cell)
{
	return ((uint64_t)owner * ST_CELLS + cell) * ST_CELL;
}

void st_expect_cells(const struct st_owner *o, int owner, int cell,
		     int count, unsigned char *out)
{
	for (int i = 0; i < count; i++, out += ST_CELL) {
		if (o->written[cell + i])
			kx_pattern_fill(out, st_cell_off(owner, cell + i),
					ST_CELL, o->seed[cell + i]);
		else
			memset(out, 0, ST_CELL);
	}
}

/* --- resizer ---------------------------------------------------------- */

struct resizer {
	struct st_shared *sh;
	struct st_dev *d;
	int fd;
	struct hx_rng r;
	unsigned char *buf;
};

/* vmalloc or pages: the pair whose mappings survive a RESIZE. */
static int resize_on(struct resizer *z, uint64_t size, uint32_t backing)
{
	struct kxfer_resize req = { .size = size, .backing = backing };

	return ioctl(z->fd, KXFER_IOC_RESIZE, &req) ? errno : 0;
}

static int resize(struct resizer *z, uint64_t size)
{
	return resize_on(z, size, KXFER_BACKING_VMALLOC);
}

/* Either backing; ENOMEM of pages (a 2 MiB block) is retried on vmalloc. */
static int resize_either(struct resizer *z, uint64_t size)
{
	int e;

	if (!hx_chance(&z->r, 50))
		return resize(z, size);
	e = resize_on(z, size, KXFER_BACKING_PAGES);
	if (e != ENOMEM)
		return e;
	st_op(z->d, ST_OP_RESIZE_ENOMEM);
	return resize(z, size);
}

/* After a RESIZE to size that succeeded: size right, tail zero. */
static void check_resized(struct resizer *z, uint64_t size)
{
	uint64_t want = hx_page_align(size), got = kx_size(z->fd);
	size_t tail = want - ST_BASE;

	if (got != want)
		FAIL("%s: INFO.buf_size %" PRIu64 " after RESIZE to %" PRIu64
		     ", expected %" PRIu64, kx_node(z->d->index), got, size,
		     want);
	if (!tail)
		return;
	kx_pread_all(z->fd, z->buf, tail, ST_BASE);
	st_count(z->d, KXFER_PATH_READ, tail);
	for (size_t i = 0; i < tail; i++)
		if (z->buf[i])
			FAIL("%s: byte %" PRIu64 " of the tail is 0x%02x after RESIZE to %" PRIu64 " bytes, expected 0 (nothing ever wrote there)",
			     kx_node(z->d->index), (uint64_t)(ST_BASE + i), z->buf[i],
			     want);
}

static uint64_t random_size(struct resizer *z)
{
	/* Unaligned on purpose: RESIZE rounds up to a page. */
	return hx_between(&z->r, ST_BASE - kx_page() + 1, ST_BASE + ST_GROW);
}

/* RESIZE racing the owners: it must succeed, mapped or not. */
static void racing_resize(struct resizer *z)
{
	uint64_t size = random_size(z);
	int p1, e;

	p1 = atomic_load(&z->d->pinned);
	e = resize_either(z, size);
	if (e)
		FAIL("%s: RESIZE to %" PRIu64 ": %s, expected success (ABI 4 revokes mappings)",
		     kx_node(z->d->index), size, kxt_errstr(e));
	st_op(z->d, p1 > 0 ? ST_OP_RESIZE_MAPPED : ST_OP_RESIZE_OK);
	check_resized(z, size);
}

/*
 * With a mapping of our own of the last page below ST_BASE (never
 * written, above the owned cells): RESIZE succeeds and the mapping, a
 * vmalloc/pages one, survives and reads the new buffer's zeros.
 */
static void own_map_resize(struct resizer *z)
{
	uint64_t ps = kx_page(), got = 1;
	struct kxfer_info info;
	void *m;
	int e, sig;

	m = mmap(NULL, ps, PROT_READ, MAP_SHARED, z->fd,
		 (off_t)(ST_BASE - ps));
	if (m == MAP_FAILED)
		FAIL("%s: mmap of one page: %s", kx_node(z->d->index),
		     kxt_errstr(errno));
	st_count(z->d, KXFER_PATH_MMAP, ps);
	kx_info(z->fd, &info);
	if (!info.nr_mappings)
		FAIL("%s: INFO.nr_mappings is 0 while the resizer holds a mapping",
		     kx_node(z->d->index));
	(void)*(volatile uint64_t *)m;	/* mapped before the RESIZE */
	e = resize_either(z, random_size(z));
	if (e)
		FAIL("%s: RESIZE while the resizer holds a mapping: %s, expected success",
		     kx_node(z->d->index), kxt_errstr(e));
	sig = kx_probe_access((char *)m + ps - 8, 0, 0, &got);
	if (sig || got)
		FAIL("%s: the resizer's own mapping after RESIZE: %s %#" PRIx64 ", expected a zero word of the new buffer",
		     kx_node(z->d->index), sig ? strsignal(sig) : "read",
		     got);
	st_op(z->d, ST_OP_RESIZE_WHILE_OWN_MAP);
	munmap(m, ps);
}

/* Hold new mappings back, wait for the live ones: RESIZE must work. */
static void quiesced_resize(struct resizer *z)
{
	double deadline = hx_now() + DRAIN_TIMEOUT_S;
	uint64_t size = random_size(z);
	struct kxfer_info info;
	int e;

	atomic_store(&z->d->pause, 1);
	while (atomic_load(&z->d->inflight)) {
		if (hx_now() > deadline)
			FAIL("%s: owners still map the device %.0f s after being asked to stop",
			     kx_node(z->d->index), DRAIN_TIMEOUT_S);
		hx_sleep_us(200);
	}
	e = resize(z, size);
	if (e) {
		kx_info(z->fd, &info);
		FAIL("%s: RESIZE to %" PRIu64 " with no mapping alive: %s (INFO.nr_mappings %u), expected success",
		     kx_node(z->d->index), size, kxt_errstr(e),
		     info.nr_mappings);
	}
	st_op(z->d, ST_OP_RESIZE_QUIESCED);
	check_resized(z, size);
	atomic_store(&z->d->pause, 0);
}

void st_resizer_process(struct st_shared *sh, int dev)
{
	struct resizer z = { .sh = sh, .d = &sh->dev[dev] };
	double next_quiesce = hx_now() + QUIESCE_EVERY_S;

	z.fd = kx_open_node(z.d->index, O_RDWR);
	z.buf = kx_alloc(ST_GROW + kx_page());
	hx_rng_init(&z.r, sh->seed, 0x6000 + dev);
	while (!sh->stop) {
		if (hx_now() >= next_quiesce) {
			quiesced_resize(&z);
			next_quiesce = hx_now() + QUIESCE_EVERY_S;
		} else if (hx_chance(&z.r, 10)) {
			own_map_resize(&z);
		} else {
			racing_resize(&z);
		}
		hx_sleep_us(1000 + hx_below(&z.r, 4000));
	}
	free(z.buf);
	close(z.fd);
	kxt_child_exit();
}

/* --- monitor ---------------------------------------------------------- */

static uint64_t sysfs_u64(int dev, const char *attr)
{
	char path[128], buf[64], *end;
	unsigned long long v;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", kx_class_dir(dev), attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		FAIL("open(%s): %s", path, kxt_errstr(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		FAIL("read(%s): %s", path, n ? kxt_errstr(errno) : "empty");
	buf[n] = 0;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || buf[0] == '-')
		FAIL("%s holds '%.*s', expected a non-negative decimal number",
		     path, (int)strcspn(buf, "\n"), buf);
	return v;
}

struct monitor_dev {
	int fd;
	struct kxfer_stats prev;
};

static void check_counters(struct st_dev *d, struct monitor_dev *m,
			   struct hx_rng *r)
{
	static const char *const attrs[KXFER_NR_PATHS] = {
		"stats/read_calls", "stats/write_calls",
		"stats/read_iter_calls", "stats/write_iter_calls",
		"stats/submit_calls", "stats/fetch_calls",
		"stats/mmap_calls", "stats/fault_calls",
	};
	struct kxfer_stats st;
	int p;

	kx_get_stats(m->fd, &st);
	st_op(d, ST_OP_STATS);
	for (p = 0; p < KXFER_STATS_SLOTS; p++) {
		if (p >= KXFER_NR_PATHS && (st.bytes[p] || st.calls[p]))
			FAIL("%s: unused GET_STATS slot %d holds %llu/%llu",
			     kx_node(d->index), p,
			     (unsigned long long)st.bytes[p],
			     (unsigned long long)st.calls[p]);
		if (st.bytes[p] < m->prev.bytes[p] ||
		    st.calls[p] < m->prev.calls[p])
			FAIL("%s: GET_STATS path %s went backwards: %llu bytes/%llu calls after %llu/%llu",
			     kx_node(d->index), kx_path_name(p),
			     (unsigned long long)st.bytes[p],
			     (unsigned long long)st.calls[p],
			     (unsigned long long)m->prev.bytes[p],
			     (unsigned long long)m->prev.calls[p]);
	}
	m->prev = st;
	/* sysfs is read after the ioctl, so it can only be ahead. */
	p = hx_below(r, KXFER_NR_PATHS);
	if (sysfs_u64(d->index, attrs[p]) < st.calls[p])
		FAIL("%s: %s is behind GET_STATS read just before (%llu)",
		     kx_node(d->index), attrs[p],
		     (unsigned long long)st.calls[p]);
	st_op(d, ST_OP_SYSFS);
}

static void check_state(struct st_dev *d, struct monitor_dev *m)
{
	const uint64_t most = ST_OWNERS + 1;	/* owners + the resizer */
	uint64_t ps = kx_page(), v;
	struct kxfer_info info;

	kx_info(m->fd, &info);
	if (info.nr_mappings > most)
		FAIL("%s: INFO.nr_mappings %u, but at most %" PRIu64 " mappings exist",
		     kx_node(d->index), info.nr_mappings, most);
	if (info.buf_size < ST_BASE || info.buf_size > ST_BASE + ST_GROW ||
	    info.buf_size % ps)
		FAIL("%s: INFO.buf_size %llu outside [%llu, %llu] or not a page multiple",
		     kx_node(d->index), (unsigned long long)info.buf_size,
		     ST_BASE, ST_BASE + ST_GROW);
	v = sysfs_u64(d->index, "nr_mappings");
	if (v > most)
		FAIL("%s: sysfs nr_mappings %" PRIu64 ", but at most %" PRIu64 " mappings exist",
		     kx_node(d->index), v, most);
	v = sysfs_u64(d->index, "buf_size");
	if (v < ST_BASE || v > ST_BASE + ST_GROW || v % ps)
		FAIL("%s: sysfs buf_size %" PRIu64 " out of range",
		     kx_node(d->index), v);
	st_op(d, ST_OP_SYSFS);
}

/* A whole-buffer read: what nobody writes must be zero at any time. */
static void scan(struct st_dev *d, struct monitor_dev *m, unsigned char *buf,
		 int vectored)
{
	size_t cap = ST_BASE + ST_GROW + kx_page();
	struct iovec iov[2] = {
		{ buf, ST_BASE / 2 }, { buf + ST_BASE / 2, cap - ST_BASE / 2 },
	};
	ssize_t n;

	n = vectored ? preadv(m->fd, iov, 2, 0) : pread(m->fd, buf, cap, 0);
	if (n < (ssize_t)ST_BASE || n > (ssize_t)(ST_BASE + ST_GROW))
		FAIL("%s: whole-buffer %s returned %zd (%s), expected a size in [%llu, %llu]",
		     kx_node(d->index), vectored ? "preadv" : "pread", n,
		     n < 0 ? kxt_errstr(errno) : "out of range", ST_BASE,
		     ST_BASE + ST_GROW);
	st_count(d, vectored ? KXFER_PATH_READ_ITER : KXFER_PATH_READ, n);
	st_op(d, ST_OP_SCAN);
	for (ssize_t i = ST_OWNED; i < n; i++)
		if (buf[i])
			FAIL("%s: byte %zd is 0x%02x during the run; nothing writes past %llu, expected 0",
			     kx_node(d->index), i, buf[i],
			     (unsigned long long)ST_OWNED);
}

void st_monitor_process(struct st_shared *sh)
{
	struct monitor_dev m[ST_MAX_DEVS];
	unsigned char *buf = kx_alloc(ST_BASE + ST_GROW + kx_page());
	struct hx_rng r;
	unsigned long round = 0;

	memset(m, 0, sizeof(m));
	hx_rng_init(&r, sh->seed, 0x7000);
	for (int i = 0; i < sh->ndevs; i++)
		m[i].fd = kx_open_node(sh->dev[i].index, O_RDONLY);
	while (!sh->stop) {
		for (int i = 0; i < sh->ndevs && !sh->stop; i++) {
			struct st_dev *d = &sh->dev[i];

			check_counters(d, &m[i], &r);
			check_state(d, &m[i]);
			if (round % 8 == (unsigned int)i)
				scan(d, &m[i], buf, round / 8 % 2);
		}
		round++;
		hx_sleep_us(20000);
	}
	free(buf);
	kxt_child_exit();
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A benchmark method: one way of moving `size` bytes, in its own file under
 * methods/, listed once in methods/list.h.  The runner calls, per thread
 * and per size:
 *
 *   setup()                       once, untimed (buffers, mappings, fds)
 *   verify(seed)                  with --verify, before and after timing
 *   prepare(n) run(n) finish(n)   per sample; only run() is timed
 *   teardown()                    once
 *
 * run(n) performs n operations back to back; one operation moves `size`
 * bytes (or, for setup costs, maps `size` bytes).  Any failure returns -1
 * after kx_fail() described it.
 */
#ifndef KX_METHOD_H
#define KX_METHOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kxfer.h>

#include "attrs.h"
#include "consume.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum kx_path { KX_PATH_COPY, KX_PATH_MMAP, KX_PATH_BASELINE };

enum kx_dir {
	KX_DIR_TO_KERNEL,
	KX_DIR_FROM_KERNEL,
	KX_DIR_ROUNDTRIP,
	KX_DIR_SETUP,
	KX_DIR_NONE,
};

/* kx_method.flags */
#define KXM_DEVICE	(1U << 0) /* needs /dev/kxferN */
#define KXM_MMAP	(1U << 1) /* needs KXFER_FEAT_MMAP */
#define KXM_ITER	(1U << 2) /* needs KXFER_FEAT_ITER */
#define KXM_CONSUME	(1U << 3) /* does the --consume user-side work */
#define KXM_WORK	(1U << 4) /* the driver does the --work kernel work */
#define KXM_NO_DATA	(1U << 5) /* moves no bytes: throughput is moot */

/* Run-wide settings, read-only while methods run. */
struct kx_cfg {
	enum kx_consume consume;
	uint32_t work;			/* KXFER_WORK_* */
	const char *device;
	bool have_device;
	struct kxfer_info info;		/* valid with have_device */
	size_t page_size;		/* user space's, = info.page_size */
	bool verify;
	/* KXFER_BACKING_* of the buffer (KXFER_IOC_SYNC_* for verify) */
	uint32_t backing;
	/* --cache cold: the last-level cache's bytes (kx_cold_slots()) */
	uint64_t cold_llc;
	/*
	 * KX_PAGEMAP_* of every mapping kx_map_range() makes.  BASE needs
	 * info.huge_size (the PMD size) to place them off the PMD grid.
	 */
	uint32_t page_map;
};

struct kx_method;

/*
 * One mapping of a thread's range (kx_map_range()) and what
 * kx_unmap_range() releases with it: the mapping alone, or, for
 * KX_PAGEMAP_BASE, the PROT_NONE reservation it was placed in.
 */
struct kx_map {
	unsigned char *p;		/* the range's first byte */
	void *area;			/* NULL: nothing mapped */
	size_t area_len;
};

/* One thread's state for one (method, size) point. */
struct kx_ctx {
	const struct kx_cfg *cfg;
	const struct kx_method *m;
	size_t size;
	unsigned int thread;
	enum kx_consume consume;	/* cfg->consume, or none (no KXM_CONSUME) */
	uint32_t iter;			/* changes produced data per operation */
	/*
	 * Bytes of every buffer the kx_need_*() helpers allocate and of the
	 * thread's device range: size, or slots page-rounded sizes for
	 * --cache cold, where the runner moves ubuf, ubuf2, xbuf, map,
	 * dev_off and file_off to the next slot before every operation.
	 */
	size_t span;
	unsigned int slots;
	uint64_t file_off;		/* offset in the method's own file */

	/* Device methods: this thread's page-aligned range of the buffer. */
	uint64_t dev_off;
	int fd;				/* work mode = cfg->work */
	int vfd;			/* --verify only: work NONE, for checking */
	uint32_t fill_seed;		/* seed of fd's KXFER_WORK_FILL */

	/* Allocated on request by kx_need_*(), released by the runner. */
	unsigned char *ubuf, *ubuf2;	/* size bytes, page aligned, touched */
	unsigned char *xbuf;		/* --consume copy: the data's own buffer */
	size_t ubuf_len;
	unsigned char *map;		/* persistent mapping of dev_off.. */
	size_t map_len;
	struct kx_map kept;		/* what map is part of */
	int aux_fd[2];			/* method's own fds, -1 if unused */
	void *priv;			/* method's own, freed by teardown() */

	char err[512];
};

struct kx_method {
	const char *name;
	enum kx_path path;
	enum kx_dir dir;
	unsigned int flags;
	/* Largest useful run(n) batch, 0 for no limit. */
	uint64_t max_batch;
	const char *summary;

	/*
	 * NULL when the method can run a point with these settings
	 * (cfg->backing, cfg->page_map, cfg->info of that backing), else
	 * why not, for the note and the metadata.  A NULL hook: always.
	 */
	const char *(*supported)(const struct kx_method *m,
				 const struct kx_cfg *cfg);
	int (*setup)(struct kx_ctx *c);
	int (*prepare)(struct kx_ctx *c, uint64_t n);	/* optional */
	int (*run)(struct kx_ctx *c, uint64_t n);
	int (*finish)(struct kx_ctx *c, uint64_t n);	/* optional */
	int (*verify)(struct kx_ctx *c, uint32_t seed);
	void (*teardown)(struct kx_ctx *c);		/* optional */
};

/* methods/registry.c */
extern const struct kx_method *const kx_methods[];
extern const size_t kx_nr_methods;
const struct kx_method *kx_method_find(const char *name);

const char *kx_path_name(enum kx_path p);
const char *kx_dir_name(enum kx_dir d);

/*
 * --cache cold: how many page-rounded buffers of size bytes make more
 * than twice llc bytes (1 when one already does, or llc is 0).
 */
unsigned int kx_cold_slots(uint64_t size, size_t page, uint64_t llc);

/* ---- helpers for methods (method.c) ---- */

/*
 * The supported() hook of the device methods: the device is there and
 * has what the method's flags, --work and the point's page map need.
 */
const char *kx_device_supported(const struct kx_method *m,
				const struct kx_cfg *cfg);
/* m->supported(m, cfg), or NULL for a method without the hook. */
const char *kx_method_supported(const struct kx_method *m,
				const struct kx_cfg *cfg);

/* Record what went wrong (printf-style); returns -1. */
int kx_fail(struct kx_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "what: strerror(errno)" or "what: moved X of Y bytes"; returns -1. */
int kx_io_fail(struct kx_ctx *c, const char *what, long ret);

/* ubuf (and ubuf2 when two) of size bytes. */
int kx_need_ubufs(struct kx_ctx *c, int two);
/* map/map_len: the thread's range, mapped MAP_SHARED, every page touched. */
int kx_need_map(struct kx_ctx *c);
/*
 * mmap of the thread's range without touching it, placed as
 * cfg->page_map says; returns 0, or -1 after kx_fail().
 */
int kx_map_range(struct kx_ctx *c, int fd, struct kx_map *m);
/* Releases m (and its reservation); 0, or -1 after kx_fail(). */
int kx_unmap_range(struct kx_ctx *c, struct kx_map *m);
size_t kx_map_len(const struct kx_ctx *c);

/*
 * The --consume work on the mapping p: kx_produce()/kx_consume() with the
 * separate user buffer xbuf for copy mode; the test pattern stored into p;
 * a view of p that plain C may read (p itself).
 */
void kx_map_produce(struct kx_ctx *c, unsigned char *p);
void kx_map_consume(struct kx_ctx *c, const unsigned char *p);
int kx_map_fill_pattern(struct kx_ctx *c, unsigned char *p, uint32_t seed);
const unsigned char *kx_map_view(struct kx_ctx *c, const unsigned char *p);
/* xbuf for --consume copy (a no-op otherwise); kx_need_map() calls it. */
int kx_need_xbuf(struct kx_ctx *c);

int kx_submit(struct kx_ctx *c, uint32_t *csum);
int kx_fetch(struct kx_ctx *c, uint32_t *csum);
/* KXFER_IOC_GET_MODE's last_csum of c->fd. */
int kx_last_csum(struct kx_ctx *c, uint32_t *csum);

/* ---- verification helpers (verify.c) ---- */

/* The bytes of the test pattern for [off, off + len) with seed, inverted. */
void kx_poison(unsigned char *p, uint64_t off, size_t len, uint32_t seed);
/* p must hold the pattern (seed) of buffer offsets [off, off + len). */
int kx_check_pattern(struct kx_ctx *c, const unsigned char *p, uint64_t off,
		     size_t len, uint32_t seed, const char *where);
/* Write the pattern (or its inverse) into the thread's range via vfd. */
int kx_dev_load(struct kx_ctx *c, uint32_t seed, int inverted);
/* Read the thread's range via vfd and expect the pattern (seed). */
int kx_dev_expect(struct kx_ctx *c, uint32_t seed, const char *after);
/*
 * Data the kernel sent (read, FETCH) after kx_dev_load(seed): in FILL mode
 * the fill pattern, otherwise the loaded one; in CHECKSUM mode kcsum must
 * be the CRC32C of p.
 */
int kx_check_received(struct kx_ctx *c, const unsigned char *p,
		      uint32_t seed, uint32_t kcsum, const char *how);
/* Data the kernel received (write, SUBMIT) from p: CHECKSUM mode only. */
int kx_check_sent_csum(struct kx_ctx *c, const unsigned char *p,
		       uint32_t kcsum, const char *how);

#endif

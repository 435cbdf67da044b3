/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mixed stress test (stress.c): on each device, owner threads in
 * several processes move data through every path at once, a resizer
 * resizes the buffer, and a monitor reads statistics, sysfs and the whole
 * buffer, for a fixed time; afterwards every byte is checked.
 *
 * Why every byte can be checked: the first ST_OWNED bytes of each buffer
 * are cut into cells of ST_CELL bytes, each owned by one thread, which is
 * the only one to change it and records the seed of the fill pattern it
 * last put there (read() and FETCH in fill mode change the buffer too;
 * they run on owned cells only and are recorded the same way).  Nothing
 * writes the rest of the buffer, so it must stay zero.  RESIZE only moves
 * the size between ST_BASE and ST_BASE + ST_GROW, above every owned cell,
 * so it must keep them all.
 */
#ifndef HX_STRESS_H
#define HX_STRESS_H

#include <stdatomic.h>
#include <stdint.h>

#include "hx.h"

#define ST_MAX_DEVS	3
#define ST_PROCS	2	/* owner processes per device */
#define ST_THREADS	2	/* owner threads per process */
#define ST_OWNERS	(ST_PROCS * ST_THREADS)
#define ST_CELL		1000	/* no page size divides it: cells straddle pages */
#define ST_CELLS	64	/* cells per owner */
#define ST_OWNED	((uint64_t)ST_OWNERS * ST_CELLS * ST_CELL)
#define ST_BASE		(1ULL << 20)	/* smallest size RESIZE goes to */
#define ST_GROW		(256ULL << 10)	/* how far above it */
#define ST_MAX_RUN	8	/* cells per operation, at most */

/* What the report counts beyond the kernel's paths (calls[]). */
enum st_op {
	ST_OP_MMAP_DEFERRED, ST_OP_RESIZE_OK, ST_OP_RESIZE_MAPPED, ST_OP_RESIZE_ENOMEM,
	ST_OP_RESIZE_QUIESCED, ST_OP_RESIZE_WHILE_OWN_MAP, ST_OP_SET_MODE,
	ST_OP_STATS, ST_OP_SYSFS, ST_OP_SCAN, ST_OP_ODIRECT,
	ST_NR_OPS
};

struct st_owner {
	uint32_t seed[ST_CELLS];	/* pattern seed of each cell */
	uint8_t written[ST_CELLS];	/* 0: never written, still zero */
};

struct st_dev {
	int index;			/* N of /dev/kxferN */
	/*
	 * Mapping protocol between owners and the resizer (see
	 * stress_owner.c and stress_helpers.c).
	 */
	atomic_int pause;		/* resizer wants no new mappings */
	atomic_int inflight;		/* owners between checking pause and munmap */
	atomic_int pinned;		/* mappings known to be alive */
	/* Work done, per kernel path, for the statistics comparison. */
	atomic_ullong calls[KXFER_NR_PATHS];
	atomic_ullong bytes[KXFER_NR_PATHS];
	atomic_ullong ops[ST_NR_OPS];
	struct st_owner owner[ST_OWNERS];
};

struct st_shared {
	volatile int stop;
	int ndevs;
	uint64_t seed;
	struct st_dev dev[ST_MAX_DEVS];
};

/* Count a successful call on a kernel path. */
void st_count(struct st_dev *d, int path, uint64_t bytes);
void st_op(struct st_dev *d, enum st_op op);

/* Byte offset of an owner's cell. */
uint64_t st_cell_off(int owner, int cell);
/* The expected contents of count cells of owner from cell on. */
void st_expect_cells(const struct st_owner *o, int owner, int cell,
		     int count, unsigned char *out);

/* The helpers' bodies; each ends its process. */
void st_owner_process(struct st_shared *sh, int dev, int proc)
	__attribute__((noreturn));
void st_resizer_process(struct st_shared *sh, int dev)
	__attribute__((noreturn));
void st_monitor_process(struct st_shared *sh) __attribute__((noreturn));

#endif

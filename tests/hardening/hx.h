/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hx: helpers shared by the hardening tests (adversarial, concurrent and
 * fault-injection tests of kxfer).  They sit on top of the functional
 * tests' harness (tests/lib/kxtest.h, kxdev.h) and add what those tests do
 * not need: the --seconds/--seed/--cases options, a seeded random number
 * generator, user memory with known access rights to pass as arguments,
 * sets of acceptable errnos for the reference models, and module-state
 * checks.
 */
#ifndef HX_H
#define HX_H

#include <stddef.h>
#include <stdint.h>

#include "kxdev.h"

/*
 * FAIL() for places where the code after it must know that it does not
 * return (GCC's -fanalyzer cannot see that kxt_fail_at() ends the test).
 */
#define HX_DIE(...) hx_die(__FILE__, __LINE__, __VA_ARGS__)
void hx_die(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* calloc() that ends the test when memory runs out. */
void *hx_calloc(size_t n, size_t size);

/* --- options --------------------------------------------------------- */

/* --seconds: time budget of each stress phase (default 20). */
unsigned int hx_seconds(void);
/* --seed: seed of every random choice (default 1); printed as "# seed:". */
uint64_t hx_seed(void);
/* --cases: cases per fuzz test (default 10000). */
unsigned long hx_cases(void);

/* --- random numbers (splitmix64: tiny, seedable, good enough) -------- */

struct hx_rng {
	uint64_t s;
};

/* stream separates generators drawn from the same seed. */
void hx_rng_init(struct hx_rng *r, uint64_t seed, uint64_t stream);
uint64_t hx_next(struct hx_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t hx_below(struct hx_rng *r, uint64_t n);
/* Uniform in [lo, hi]. */
uint64_t hx_between(struct hx_rng *r, uint64_t lo, uint64_t hi);
/* True with the given percentage. */
int hx_chance(struct hx_rng *r, unsigned int percent);

/* --- time ------------------------------------------------------------ */

double hx_now(void);
void hx_sleep_us(unsigned int us);

/* --- devices and the module ------------------------------------------ */

/* kx_node(), kx_open_node() and friends are in kxdev.h. */
int hx_nr_nodes(void);			/* /dev/kxfer0.. present in a row */

/*
 * Reload the module with params, or, without --ko, check that what is
 * loaded has at least min_devs devices (else skip the test).  Returns the
 * number of devices.
 */
int hx_use_module(const char *params, int min_devs);

/*
 * EXPECT that no trace of the module is left: /sys/module/kxfer,
 * /sys/class/kxfer, /dev/kxfer*, the chrdev major.  Returns 1 if clean.
 */
int hx_expect_no_module_traces(const char *after);

/* PAGE_ALIGN for the user's page size (the kernel's, see kx_page()). */
uint64_t hx_page_align(uint64_t v);

/* --- errno sets: what a reference model accepts ---------------------- */

/* 0 in the set stands for success. */
struct hx_want {
	int n;
	int v[6];
};

void hx_want_clear(struct hx_want *w);
void hx_want_add(struct hx_want *w, int err);
int hx_want_has(const struct hx_want *w, int err);
/* "EINVAL", "EINVAL or EBUSY", "success": for messages. */
const char *hx_want_str(const struct hx_want *w);
/* Symbolic errno name ("EFAULT") or "0". */
const char *hx_errname(int err);

/* --- user memory with known access rights ---------------------------- */

/*
 * The arena: a large read-write region followed by an inaccessible guard
 * page, a read-only region followed by a guard page, and an inaccessible
 * region.  Pointers into it have known readable/writable prefixes, which
 * the reference models use to predict EFAULT and short counts.
 */
struct hx_arena {
	char *rw;
	size_t rw_len;
	char *ro;
	size_t ro_len;
	char *none;
	size_t none_len;
};

void hx_arena_init(struct hx_arena *a, size_t rw_len);
void hx_arena_free(struct hx_arena *a);

enum hx_ptr_kind {
	HX_PTR_GOOD,		/* read-write, 8-aligned */
	HX_PTR_MISALIGNED,	/* read-write, 1..7 bytes off alignment */
	HX_PTR_RO,		/* read-only page */
	HX_PTR_NONE,		/* PROT_NONE page */
	HX_PTR_NULL,		/* address 0 */
	HX_PTR_KERNEL,		/* a kernel address: access_ok() fails */
	HX_PTR_STRADDLE,	/* object runs from read-write into a guard */
	HX_PTR_RO_STRADDLE,	/* object runs from read-only into a guard */
	HX_NR_PTR_KINDS
};

struct hx_ptr {
	void *p;
	enum hx_ptr_kind kind;
	size_t readable;	/* bytes from p that can be read */
	size_t writable;	/* bytes from p that can be written */
	int kernel;		/* outside user space: access_ok() fails */
};

const char *hx_ptr_kind_name(enum hx_ptr_kind k);
/*
 * A pointer of the given kind for an object of size bytes (STRADDLE kinds
 * leave 1..size-1 bytes before the guard; GOOD/MISALIGNED ones have at
 * least size bytes, up to the end of the read-write region).
 */
struct hx_ptr hx_arena_ptr(struct hx_arena *a, enum hx_ptr_kind k,
			   size_t size, struct hx_rng *r);

/* End of user space, from where the stack is (a power of two). */
uint64_t hx_task_size(void);
/* access_ok() as the kernel applies it to [p, p + n). */
int hx_user_range_ok(const void *p, uint64_t n);

/* --- exposure checks ------------------------------------------------- */

/* A value in the upper half of the address space: a kernel pointer. */
int hx_looks_like_kernel_ptr(uint64_t v);
/*
 * Scan every 8-byte aligned 64-bit word of an ioctl's output for a
 * kernel pointer; report (EXPECT) each one with what.  Returns the count.
 */
int hx_scan_for_kernel_ptrs(const void *p, size_t len, const char *what);

/*
 * Scan text for numbers that look like kernel addresses: decimal numbers,
 * 0x-prefixed hex and bare hex words of 8 or more digits (like %px
 * prints).  Reports (EXPECT) each with what; returns the numbers seen.
 */
int hx_scan_text_for_kernel_ptrs(const char *what, const char *text);

/* --- shared memory between the test and its helpers ------------------ */

void *hx_shared_alloc(size_t len);	/* zeroed, MAP_SHARED */

/*
 * Wait for every pid (helpers forked with kxt_fork()).  At stop_at, or as
 * soon as one helper fails, *stop becomes 1 so that the others wind
 * down; helpers still running at kill_at are killed.  Returns the number
 * of helpers that did not exit with status 0, each one reported.
 */
int hx_wait_all(pid_t *pids, const char *const *names, int n,
		volatile int *stop, double stop_at, double kill_at);

#endif

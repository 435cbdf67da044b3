// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the hardening tests; see hx.h.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hx.h"

void hx_die(const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kxt_fail_at(file, line, 1, "%s", msg);
	_exit(1);	/* not reached in a test; the runner never calls this */
}

void *hx_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		HX_DIE("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

/* --- options --------------------------------------------------------- */

static const char *opt_seconds = "20";
static const char *opt_seed = "1";
static const char *opt_cases = "10000";

__attribute__((constructor)) static void hx_options(void)
{
	kxt_add_option("seconds", &opt_seconds,
		       "time budget of each stress phase (default 20)");
	kxt_add_option("seed", &opt_seed,
		       "seed of the random choices, to replay a run (default 1)");
	kxt_add_option("cases", &opt_cases,
		       "cases per fuzz test (default 10000)");
}

static uint64_t parse_opt(const char *name, const char *s, uint64_t min,
			  uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		FAIL("--%s wants an integer in [%" PRIu64 ", %" PRIu64
		     "], got '%s'", name, min, max, s);
	return v;
}

unsigned int hx_seconds(void)
{
	return parse_opt("seconds", opt_seconds, 1, 3600);
}

uint64_t hx_seed(void)
{
	return parse_opt("seed", opt_seed, 0, UINT64_MAX);
}

unsigned long hx_cases(void)
{
	return parse_opt("cases", opt_cases, 1, 100000000);
}

/* --- random numbers -------------------------------------------------- */

void hx_rng_init(struct hx_rng *r, uint64_t seed, uint64_t stream)
{
	r->s = seed ^ (stream * 0xd1342543de82ef95ULL);
	hx_next(r);
}

uint64_t hx_next(struct hx_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t hx_below(struct hx_rng *r, uint64_t n)
{
	/* The modulo bias is irrelevant for test-case selection. */
	return n ? hx_next(r) % n : 0;
}

uint64_t hx_between(struct hx_rng *r, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return lo;
	if (lo == 0 && hi == UINT64_MAX)
		return hx_next(r);
	return lo + hx_below(r, hi - lo + 1);
}

int hx_chance(struct hx_rng *r, unsigned int percent)
{
	return hx_below(r, 100) < percent;
}

/* --- time ------------------------------------------------------------ */

double hx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void hx_sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* --- devices and the module ------------------------------------------ */

int hx_nr_nodes(void)
{
	int n = 0;

	while (n < 1024 && access(kx_node(n), F_OK) == 0)
		n++;
	return n;
}

int hx_use_module(const char *params, int min_devs)
{
	int n;

	if (kx_ko) {
		kx_module_reload(params);
		n = hx_nr_nodes();
		if (n < min_devs)
			FAIL("module loaded with \"%s\" shows %d nodes, expected at least %d",
			     params, n, min_devs);
		return n;
	}
	n = hx_nr_nodes();
	if (n < min_devs)
		SKIP("needs %d devices (module parameters \"%s\"): give --ko to let the test reload the module, or load it so",
		     min_devs, params);
	return n;
}

int hx_expect_no_module_traces(const char *after)
{
	int clean = 1;

	if (access("/sys/module/" KX_MODULE_NAME, F_OK) == 0) {
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s: /sys/module/kxfer still exists", after);
		clean = 0;
	}
	if (access("/sys/class/kxfer", F_OK) == 0) {
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s: /sys/class/kxfer still exists", after);
		clean = 0;
	}
	for (int i = 0; i < 33; i++) {
		if (access(kx_node(i), F_OK) == 0) {
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s: %s still exists", after, kx_node(i));
			clean = 0;
			break;
		}
	}
	if (kx_chrdev_registered()) {
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s: /proc/devices still lists a kxfer major", after);
		clean = 0;
	}
	return clean;
}

uint64_t hx_page_align(uint64_t v)
{
	uint64_t ps = kx_page();

	return (v + ps - 1) / ps * ps;
}

/* --- errno sets ------------------------------------------------------ */

void hx_want_clear(struct hx_want *w)
{
	w->n = 0;
}

void hx_want_add(struct hx_want *w, int err)
{
	if (hx_want_has(w, err))
		return;
	if (w->n == (int)(sizeof(w->v) / sizeof(w->v[0])))
		FAIL("hx_want: more than %zu acceptable results",
		     sizeof(w->v) / sizeof(w->v[0]));
	w->v[w->n++] = err;
}

int hx_want_has(const struct hx_want *w, int err)
{
	for (int i = 0; i < w->n; i++)
		if (w->v[i] == err)
			return 1;
	return 0;
}

const char *hx_errname(int err)
{
	static char buf[4][24];
	static int next;
	const char *name = NULL;
	char *b;

	if (err == 0)
		return "success";
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	name = strerrorname_np(err);
#endif
	if (name)
		return name;
	b = buf[next++ & 3];
	snprintf(b, sizeof(buf[0]), "errno %d", err);
	return b;
}

const char *hx_want_str(const struct hx_want *w)
{
	static char buf[4][128];
	static int next;
	char *b = buf[next++ & 3];
	size_t len = 0;

	b[0] = 0;
	for (int i = 0; i < w->n; i++)
		len += snprintf(b + len, sizeof(buf[0]) - len, "%s%s",
				i ? " or " : "", hx_errname(w->v[i]));
	if (!w->n)
		snprintf(b, sizeof(buf[0]), "(nothing)");
	return b;
}

/* --- user memory ----------------------------------------------------- */

static char *map_anon(size_t len, int prot)
{
	return ASSERT_MAP(mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0));
}

void hx_arena_init(struct hx_arena *a, size_t rw_len)
{
	size_t ps = kx_page();
	char *base;

	a->rw_len = (rw_len + ps - 1) / ps * ps;
	a->ro_len = ps;
	a->none_len = ps;
	/* rw | guard | ro | guard | none: one reservation, then rights. */
	base = map_anon(a->rw_len + ps + a->ro_len + ps + a->none_len,
			PROT_READ | PROT_WRITE);
	a->rw = base;
	a->ro = base + a->rw_len + ps;
	a->none = a->ro + a->ro_len + ps;
	memset(a->ro, 0x5a, a->ro_len);
	ASSERT_OK(mprotect(a->rw + a->rw_len, ps, PROT_NONE));
	ASSERT_OK(mprotect(a->ro, a->ro_len, PROT_READ));
	ASSERT_OK(mprotect(a->ro + a->ro_len, ps, PROT_NONE));
	ASSERT_OK(mprotect(a->none, a->none_len, PROT_NONE));
}

void hx_arena_free(struct hx_arena *a)
{
	size_t ps = kx_page();

	munmap(a->rw, a->rw_len + ps + a->ro_len + ps + a->none_len);
}

const char *hx_ptr_kind_name(enum hx_ptr_kind k)
{
	static const char *const names[HX_NR_PTR_KINDS] = {
		[HX_PTR_GOOD] = "read-write",
		[HX_PTR_MISALIGNED] = "misaligned read-write",
		[HX_PTR_RO] = "read-only page",
		[HX_PTR_NONE] = "PROT_NONE page",
		[HX_PTR_NULL] = "NULL",
		[HX_PTR_KERNEL] = "kernel address",
		[HX_PTR_STRADDLE] = "read-write running into a guard page",
		[HX_PTR_RO_STRADDLE] = "read-only running into a guard page",
	};

	return k < HX_NR_PTR_KINDS ? names[k] : "?";
}

struct hx_ptr hx_arena_ptr(struct hx_arena *a, enum hx_ptr_kind k,
			   size_t size, struct hx_rng *r)
{
	struct hx_ptr p = { .kind = k };
	size_t back;

	switch (k) {
	case HX_PTR_GOOD:
		p.p = a->rw;
		p.readable = p.writable = a->rw_len;
		break;
	case HX_PTR_MISALIGNED:
		p.p = a->rw + 1 + hx_below(r, 7);
		p.readable = p.writable = a->rw_len - ((char *)p.p - a->rw);
		break;
	case HX_PTR_RO:
		p.p = a->ro;
		p.readable = a->ro_len;
		break;
	case HX_PTR_NONE:
		p.p = a->none;
		break;
	case HX_PTR_NULL:
		p.p = NULL;
		break;
	case HX_PTR_KERNEL:
		/* The start of the x86-64 direct map; kernel space on arm64. */
		p.p = (void *)(uintptr_t)0xffff888000000000ULL;
		p.kernel = 1;
		break;
	case HX_PTR_STRADDLE:
	case HX_PTR_RO_STRADDLE:
		back = size > 1 ? 1 + hx_below(r, size - 1) : 1;
		if (k == HX_PTR_STRADDLE) {
			p.p = a->rw + a->rw_len - back;
			p.readable = p.writable = back;
		} else {
			p.p = a->ro + a->ro_len - back;
			p.readable = back;
		}
		break;
	default:
		FAIL("hx_arena_ptr: bad kind %d", k);
	}
	return p;
}

uint64_t hx_task_size(void)
{
	static uint64_t top;
	volatile int local = 0;
	uint64_t a = (uintptr_t)&local, t = 1;

	if (top)
		return top;
	/* The stack sits just below the top of the default map window. */
	while (t <= a)
		t <<= 1;
	/*
	 * With 5-level paging (x86 LA57) or 52-bit arm64 addresses, user
	 * space reaches further than the stack: access_ok() accepts
	 * addresses up to 2^56 or 2^52.  Probe for address space above the
	 * window; only a mapping exactly where asked counts.
	 */
	for (int bit = 63; bit > 0 && (1ULL << bit) > t; bit--) {
		void *want = (void *)(uintptr_t)(1ULL << (bit - 1));
		void *got;

		if ((1ULL << (bit - 1)) < t)
			break;
		got = mmap(want, kx_page(), PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			   -1, 0);
		if (got == MAP_FAILED)
			continue;
		munmap(got, kx_page());
		if (got == want) {
			t = 1ULL << bit;
			break;
		}
	}
	top = t;
	return top;
}

int hx_user_range_ok(const void *p, uint64_t n)
{
	uint64_t a = (uintptr_t)p, top = hx_task_size();

	return a < top && n <= top - a;
}

/* --- exposure checks ------------------------------------------------- */

int hx_looks_like_kernel_ptr(uint64_t v)
{
	/*
	 * Kernel addresses are the top half of the 64-bit space on x86-64
	 * (0xffff8...) and arm64 (0xfff0... and up); counters and sizes
	 * never get there, and all-ones is a common "invalid" marker.
	 */
	return v >= 0xfff0000000000000ULL && v != UINT64_MAX;
}

int hx_scan_for_kernel_ptrs(const void *p, size_t len, const char *what)
{
	const unsigned char *b = p;
	int found = 0;

	/*
	 * 8-byte aligned windows: every ABI struct is built of naturally
	 * aligned fields, so a leaked pointer would sit in a u64 field or
	 * an aligned u32 pair; unaligned windows would mistake a random
	 * checksum next to a zero for an address.
	 */
	for (size_t off = 0; off + 8 <= len; off += 8) {
		uint64_t v;

		memcpy(&v, b + off, 8);
		if (hx_looks_like_kernel_ptr(v)) {
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s: bytes %zu..%zu hold 0x%016" PRIx64
				    ", which looks like a kernel address",
				    what, off, off + 7, v);
			found++;
		}
	}
	return found;
}

int hx_scan_text_for_kernel_ptrs(const char *what, const char *text)
{
	const char *s = text;
	int numbers = 0;

	while (*s) {
		unsigned long long v;
		const char *start = s, *digits;
		int hex = 0, all_dec = 1;

		/* A number starts a word. */
		if (!isxdigit((unsigned char)*s) ||
		    (s > text && (isalnum((unsigned char)s[-1]) ||
				  s[-1] == '_'))) {
			s++;
			continue;
		}
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		    isxdigit((unsigned char)s[2])) {
			hex = 1;
			s += 2;
		}
		digits = s;
		while (isxdigit((unsigned char)*s)) {
			if (!isdigit((unsigned char)*s))
				all_dec = 0;
			s++;
		}
		if (isalnum((unsigned char)*s) || *s == '_')
			continue;	/* part of a word, not a number */
		if (!hex && !all_dec) {
			if (s - digits < 8)
				continue;	/* "vmalloc", "face" */
			hex = 1;
		}
		numbers++;
		errno = 0;
		v = strtoull(digits, NULL, hex ? 16 : 10);
		if (errno == ERANGE || hx_looks_like_kernel_ptr(v))
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s holds '%.*s', which looks like a kernel address",
				    what, (int)(s - start), start);
	}
	return numbers;
}

/* --- shared memory --------------------------------------------------- */

void *hx_shared_alloc(size_t len)
{
	return ASSERT_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0));
}

static void describe(char *buf, size_t n, int status)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, n, "ended with status 0x%x", status);
}

int hx_wait_all(pid_t *pids, const char *const *names, int n,
		volatile int *stop, double stop_at, double kill_at)
{
	int left = n, bad = 0, killed = 0;
	char desc[96];

	while (left) {
		for (int i = 0; i < n; i++) {
			int status;
			pid_t r;

			if (!pids[i])
				continue;
			r = waitpid(pids[i], &status, WNOHANG);
			if (r == 0)
				continue;
			pids[i] = 0;
			left--;
			if (r < 0) {
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "waitpid(%s): %s", names[i],
					    kxt_errstr(errno));
				bad++;
				continue;
			}
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				continue;
			describe(desc, sizeof(desc), status);
			kxt_fail_at(__FILE__, __LINE__, 0, "helper %s %s%s",
				    names[i], desc,
				    killed ? " (after the deadline)" : "");
			bad++;
			*stop = 1;	/* no point in going on */
		}
		if (!left)
			break;
		if (!*stop && hx_now() >= stop_at)
			*stop = 1;
		if (!killed && hx_now() > kill_at) {
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%d helper(s) still running past the deadline; killing them",
				    left);
			for (int i = 0; i < n; i++)
				if (pids[i])
					kill(pids[i], SIGKILL);
			killed = 1;
		}
		hx_sleep_us(20000);
	}
	return bad;
}

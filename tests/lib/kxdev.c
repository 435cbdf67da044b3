// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kx_pattern.h"
#include "kxdev.h"

const char *kx_dev = "/dev/kxfer0";
const char *kx_ko;
uint64_t kx_start_size;

static const char *const path_names[KXFER_NR_PATHS] = {
	[KXFER_PATH_READ] = "read",
	[KXFER_PATH_WRITE] = "write",
	[KXFER_PATH_READ_ITER] = "read_iter",
	[KXFER_PATH_WRITE_ITER] = "write_iter",
	[KXFER_PATH_SUBMIT] = "submit",
	[KXFER_PATH_FETCH] = "fetch",
	[KXFER_PATH_MMAP] = "mmap",
	[KXFER_PATH_FAULT] = "fault",
};

size_t kx_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

int kx_open_flags(int flags)
{
	int fd = open(kx_dev, flags | O_CLOEXEC);

	if (fd < 0)
		FAIL("open(%s): %s", kx_dev, kxt_errstr(errno));
	return fd;
}

int kx_open(void)
{
	return kx_open_flags(O_RDWR);
}

void kx_info(int fd, struct kxfer_info *info)
{
	memset(info, 0xa5, sizeof(*info));	/* so unset fields show */
	if (ioctl(fd, KXFER_IOC_INFO, info) < 0)
		FAIL("ioctl(KXFER_IOC_INFO) on %s: %s", kx_dev,
		     kxt_errstr(errno));
}

uint64_t kx_size(int fd)
{
	struct kxfer_info info;

	kx_info(fd, &info);
	return info.buf_size;
}

void kx_set_mode(int fd, uint32_t work, uint32_t seed)
{
	struct kxfer_mode m = { .work = work, .seed = seed };

	if (ioctl(fd, KXFER_IOC_SET_MODE, &m) < 0)
		FAIL("ioctl(KXFER_IOC_SET_MODE, work %u seed %#x): %s", work,
		     seed, kxt_errstr(errno));
}

struct kxfer_mode kx_get_mode(int fd)
{
	struct kxfer_mode m;

	memset(&m, 0xa5, sizeof(m));
	if (ioctl(fd, KXFER_IOC_GET_MODE, &m) < 0)
		FAIL("ioctl(KXFER_IOC_GET_MODE): %s", kxt_errstr(errno));
	return m;
}

int kx_resize_raw(int fd, uint64_t size, uint32_t backing)
{
	struct kxfer_resize r = { .size = size, .backing = backing };

	return ioctl(fd, KXFER_IOC_RESIZE, &r);
}

const char *kx_backing_name(uint32_t backing)
{
	static const char *const names[KX_NR_BACKINGS] = {
		[KXFER_BACKING_VMALLOC] = "vmalloc",
		[KXFER_BACKING_PAGES] = "pages",
		[KXFER_BACKING_DMA] = "dma",
		[KXFER_BACKING_SHMEM] = "shmem",
		[KXFER_BACKING_DMA_WC] = "dma-wc",
		[KXFER_BACKING_DMA_NONCOHERENT] = "dma-noncoherent",
	};

	return backing < KX_NR_BACKINGS ? names[backing] : "unknown";
}

int kx_backing_is_dma(uint32_t backing)
{
	return backing == KXFER_BACKING_DMA ||
	       backing == KXFER_BACKING_DMA_WC ||
	       backing == KXFER_BACKING_DMA_NONCOHERENT;
}

void kx_resize_to(int fd, uint64_t size, uint32_t backing)
{
	if (kx_resize_raw(fd, size, backing) < 0)
		FAIL("KXFER_IOC_RESIZE to %" PRIu64 " bytes on the %s backing: %s",
		     size, kx_backing_name(backing), kxt_errstr(errno));
}

/* --- accesses that may raise SIGBUS --- */

static sigjmp_buf probe_env;

static void probe_handler(int sig)
{
	siglongjmp(probe_env, sig);
}

/*
 * One 8-byte aligned access (fine on any page attribute) with SIGBUS and
 * SIGSEGV caught: 0 when it completed, else the signal.  The test runs in
 * its own forked process, so replacing the handlers here is harmless.
 */
int kx_probe_access(volatile void *p, int store, uint64_t val, uint64_t *got)
{
	struct sigaction sa = { .sa_handler = probe_handler }, old_bus, old_segv;
	volatile int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(probe_env, 1);
	if (!sig) {
		volatile uint64_t *w = (volatile uint64_t *)
			((uintptr_t)p & ~(uintptr_t)7);

		if (store)
			*w = val;
		else if (got)
			*got = *w;
		else
			(void)*w;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

void kx_resize(int fd, uint64_t size)
{
	kx_resize_to(fd, size, KXFER_BACKING_VMALLOC);
}

void kx_get_stats(int fd, struct kxfer_stats *st)
{
	memset(st, 0xa5, sizeof(*st));
	if (ioctl(fd, KXFER_IOC_GET_STATS, st) < 0)
		FAIL("ioctl(KXFER_IOC_GET_STATS): %s", kxt_errstr(errno));
}

void kx_reset_stats(int fd)
{
	if (ioctl(fd, KXFER_IOC_RESET_STATS) < 0)
		FAIL("ioctl(KXFER_IOC_RESET_STATS): %s", kxt_errstr(errno));
}

void kx_require_size(int fd, uint64_t min)
{
	uint64_t size = kx_size(fd);

	if (size < min)
		SKIP("buffer is %" PRIu64 " bytes, this test needs %" PRIu64
		     " (load the module with a larger buf_size)", size, min);
}

void kx_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t n = pwrite(fd, buf, len, (off_t)off);

	if (n < 0)
		FAIL("pwrite(%zu bytes at %" PRIu64 "): %s", len, off,
		     kxt_errstr(errno));
	if ((size_t)n != len)
		FAIL("pwrite(%zu bytes at %" PRIu64 ") wrote %zd", len, off, n);
}

void kx_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n < 0)
		FAIL("pread(%zu bytes at %" PRIu64 "): %s", len, off,
		     kxt_errstr(errno));
	if ((size_t)n != len)
		FAIL("pread(%zu bytes at %" PRIu64 ") read %zd", len, off, n);
}

void kx_put_pattern(int fd, uint64_t off, size_t len, uint32_t seed)
{
	void *buf = kx_alloc(len);

	kx_pattern_fill(buf, off, len, seed);
	kx_pwrite_all(fd, buf, len, off);
	free(buf);
}

int kx_expect_pattern_mem_at(const char *file, int line, const void *p,
			     uint64_t off, size_t len, uint32_t seed,
			     const char *what)
{
	size_t bad = kx_pattern_check(p, off, len, seed);
	unsigned char want;

	if (bad == len)
		return 1;
	kx_pattern_fill(&want, off + bad, 1, seed);
	kxt_fail_at(file, line, 0,
		    "%s: byte at buffer offset %" PRIu64 " is 0x%02x, expected 0x%02x (pattern seed %#x over [%" PRIu64 ", %" PRIu64 "))",
		    what, off + bad, ((const unsigned char *)p)[bad], want,
		    seed, off, off + len);
	return 0;
}

int kx_expect_pattern_at(const char *file, int line, int fd, uint64_t off,
			 size_t len, uint32_t seed, const char *what)
{
	void *buf = kx_alloc(len);
	int ok;

	kx_pread_all(fd, buf, len, off);
	ok = kx_expect_pattern_mem_at(file, line, buf, off, len, seed, what);
	free(buf);
	return ok;
}

void kx_put_byte(int fd, uint64_t off, size_t len, unsigned char val)
{
	void *buf = kx_alloc(len);

	memset(buf, val, len);
	kx_pwrite_all(fd, buf, len, off);
	free(buf);
}

int kx_expect_byte_mem_at(const char *file, int line, const void *p,
			  size_t len, unsigned char val, const char *what)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		if (b[i] != val) {
			kxt_fail_at(file, line, 0,
				    "%s: byte %zu of %zu is 0x%02x, expected 0x%02x",
				    what, i, len, b[i], val);
			return 0;
		}
	}
	return 1;
}

int kx_expect_byte_at(const char *file, int line, int fd, uint64_t off,
		      size_t len, unsigned char val, const char *what)
{
	void *buf = kx_alloc(len);
	int ok;

	kx_pread_all(fd, buf, len, off);
	ok = kx_expect_byte_mem_at(file, line, buf, len, val, what);
	free(buf);
	return ok;
}

void *kx_alloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p) {
		FAIL("out of memory allocating %zu bytes", len);
		/* FAIL() returns outside a test; nothing can go on there. */
		abort();
	}
	return p;
}

void *kx_guarded(size_t good, size_t bad)
{
	char *p = ASSERT_MAP(mmap(NULL, good + bad, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));

	if (bad)
		ASSERT_OK(mprotect(p + good, bad, PROT_NONE));
	return p;
}

void *kx_bad_ptr(void)
{
	return kx_guarded(0, kx_page());
}

void *kx_map(int fd, size_t len, uint64_t off, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);

	if (p == MAP_FAILED)
		FAIL("mmap(len %zu, offset %" PRIu64 ", prot %#x, flags %#x) of %s: %s",
		     len, off, prot, flags, kx_dev, kxt_errstr(errno));
	return p;
}

const char *kx_sysfs_path(const char *attr)
{
	static char path[2][PATH_MAX];
	static int next;
	char *p = path[next++ & 1];
	const char *base = strrchr(kx_dev, '/');

	snprintf(p, PATH_MAX, "/sys/class/kxfer/%s/%s",
		 base ? base + 1 : kx_dev, attr);
	return p;
}

int kx_sysfs_read(const char *attr, char *buf, size_t len)
{
	int fd = open(kx_sysfs_path(attr), O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return 0;
}

uint64_t kx_sysfs_u64(const char *attr)
{
	char buf[128], *end;
	unsigned long long v;
	int r = kx_sysfs_read(attr, buf, sizeof(buf));

	if (r < 0)
		FAIL("reading %s: %s", kx_sysfs_path(attr), kxt_errstr(-r));
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		FAIL("%s holds '%s', expected a decimal number",
		     kx_sysfs_path(attr), buf);
	return v;
}

const char *kx_path_name(int path)
{
	if (path < 0 || path >= KXFER_NR_PATHS)
		return "?";
	return path_names[path];
}

void kx_sync_init(struct kx_sync *s)
{
	ASSERT_OK(pipe(s->to_parent));
	ASSERT_OK(pipe(s->to_child));
}

void kx_sync_in_child(struct kx_sync *s)
{
	close(s->to_parent[0]);
	close(s->to_child[1]);
}

void kx_sync_in_parent(struct kx_sync *s)
{
	close(s->to_parent[1]);
	close(s->to_child[0]);
}

static void sync_tell(int fd, const char *who)
{
	if (write(fd, "x", 1) != 1)
		FAIL("handshake: %s is gone: %s", who, kxt_errstr(errno));
}

static void sync_wait(int fd, const char *who)
{
	char c;
	ssize_t n = read(fd, &c, 1);

	if (n != 1)
		FAIL("handshake: %s went away before signalling%s%s", who,
		     n < 0 ? ": " : "", n < 0 ? kxt_errstr(errno) : "");
}

void kx_sync_tell_parent(struct kx_sync *s)
{
	sync_tell(s->to_parent[1], "test process");
}

void kx_sync_wait_parent(struct kx_sync *s)
{
	sync_wait(s->to_child[0], "test process");
}

void kx_sync_tell_child(struct kx_sync *s)
{
	sync_tell(s->to_child[1], "helper process");
}

void kx_sync_wait_child(struct kx_sync *s)
{
	sync_wait(s->to_parent[0], "helper process");
}

const char *kx_node(int n)
{
	static char buf[8][32];
	static int next;
	char *b = buf[next++ & 7];

	snprintf(b, sizeof(buf[0]), "/dev/kxfer%d", n);
	return b;
}

const char *kx_class_dir(int n)
{
	static char buf[8][48];
	static int next;
	char *b = buf[next++ & 7];

	snprintf(b, sizeof(buf[0]), "/sys/class/kxfer/kxfer%d", n);
	return b;
}

int kx_open_node(int n, int flags)
{
	int fd = open(kx_node(n), flags | O_CLOEXEC);

	if (fd < 0)
		FAIL("open(%s): %s", kx_node(n), kxt_errstr(errno));
	return fd;
}

int kx_chrdev_registered(void)
{
	FILE *f = fopen("/proc/devices", "r");
	char line[128];
	int in_char = 0, found = 0;

	if (!f)
		FAIL("fopen(/proc/devices): %s", kxt_errstr(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned int major;
		char name[64];

		if (!strncmp(line, "Character", 9))
			in_char = 1;
		else if (!strncmp(line, "Block", 5))
			in_char = 0;
		else if (in_char &&
			 sscanf(line, "%u %63s", &major, name) == 2 &&
			 !strcmp(name, KX_MODULE_NAME))
			found = 1;
	}
	fclose(f);
	return found;
}

int kx_module_loaded(void)
{
	return access("/sys/module/" KX_MODULE_NAME, F_OK) == 0;
}

int kx_module_load_raw(const char *params)
{
	int fd, r;

	if (!kx_ko)
		return ENOENT;
	fd = open(kx_ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	r = syscall(SYS_finit_module, fd, params, 0);
	r = r < 0 ? errno : 0;
	close(fd);
	return r;
}

int kx_module_unload_raw(void)
{
	if (syscall(SYS_delete_module, KX_MODULE_NAME, O_NONBLOCK) < 0)
		return errno;
	return 0;
}

void kx_require_ko(void)
{
	if (!kx_ko)
		SKIP("needs --ko PATH to the kxfer.ko file to reload the module");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int kx_wait_path(const char *path, int present, double secs)
{
	double end = now_s() + secs;

	for (;;) {
		int exists = access(path, F_OK) == 0;

		if (exists == !!present)
			return 1;
		if (now_s() > end)
			return 0;
		usleep(10000);
	}
}

/*
 * Files of exited processes are released before their parent can reap
 * them, but allow a moment for a helper of a previous step anyway.
 */
static int unload_waiting(void)
{
	double end = now_s() + 5;
	int r;

	while ((r = kx_module_unload_raw()) == EAGAIN && now_s() < end)
		usleep(20000);
	return r;
}

void kx_module_reload(const char *params)
{
	int r;

	kx_require_ko();
	if (kx_module_loaded()) {
		r = unload_waiting();
		if (r)
			FAIL("delete_module(%s): %s", KX_MODULE_NAME,
			     kxt_errstr(r));
	}
	r = kx_module_load_raw(params);
	if (r)
		FAIL("finit_module(%s, \"%s\"): %s", kx_ko, params,
		     kxt_errstr(r));
	if (!kx_wait_path(kx_dev, 1, 5))
		FAIL("%s did not appear within 5 s of loading the module",
		     kx_dev);
}

void kx_module_restore(void)
{
	kx_module_reload("");
}

int kx_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		FAIL("open(/dev/kmsg): %s", kxt_errstr(errno));
	ASSERT_OK(lseek(fd, 0, SEEK_END));
	return fd;
}

int kx_kmsg_lines(int fd, int max_level, char *out, size_t outlen)
{
	char rec[8192];
	size_t used = 0;
	int count = 0;

	out[0] = 0;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *msg;
		int level;

		if (n < 0 && errno == EPIPE)	/* overwritten records */
			continue;
		if (n <= 0)
			return count;
		rec[n] = 0;
		level = atoi(rec) & 7;
		msg = strchr(rec, ';');
		if (!msg || level > max_level)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = 0;
		count++;
		if (used < outlen)
			used += snprintf(out + used, outlen - used, "%s<%d> %s",
					 used ? "\n" : "", level, msg);
	}
}

/*
 * An out-of-range parameter: EINVAL, an error in the kernel log, and no
 * trace of the module (nodes, class, chrdev region); loading with good
 * parameters afterwards must work, which it would not if, say, the class
 * name were still registered.
 */
void kx_expect_load_rejected(const char *params)
{
	char lines[2048];
	int kmsg, r;

	kx_require_ko();
	if (kx_module_loaded()) {
		r = kx_module_unload_raw();
		if (r)
			FAIL("delete_module before the test: %s", kxt_errstr(r));
	}
	kmsg = kx_kmsg_open();
	r = kx_module_load_raw(params);
	if (r == 0) {
		kx_module_restore();
		FAIL("finit_module(\"%s\") succeeded, expected EINVAL", params);
	}
	if (r != EINVAL)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "finit_module(\"%s\") failed with %s, expected EINVAL",
			    params, kxt_errstr(r));
	/*
	 * The line must name the module: "nr_devs=0 is out of range" alone
	 * does not tell a user which module's parameter it was.
	 */
	if (!kx_kmsg_lines(kmsg, 3, lines, sizeof(lines)))
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "no error-level (<= 3) kernel log line after finit_module(\"%s\")",
			    params);
	else if (!strstr(lines, KX_MODULE_NAME))
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "error logged, but no line names the module '%s' (missing pr_fmt?):\n%s",
			    KX_MODULE_NAME, lines);
	else
		kxt_diag("kernel log:\n%s", lines);
	EXPECT_FALSE(kx_module_loaded());
	EXPECT_FALSE(access("/sys/class/kxfer", F_OK) == 0);
	EXPECT_FALSE(access(kx_node(0), F_OK) == 0);
	EXPECT_FALSE(kx_chrdev_registered());
	kx_module_restore();
}

int kx_tmpfile(void)
{
	const char *dirs[] = { getenv("TMPDIR"), "/tmp", "." };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[PATH_MAX];
		int fd;

		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(path, sizeof(path), "%s/kxtest.XXXXXX", dirs[i]);
		fd = mkstemp(path);
		if (fd >= 0) {
			unlink(path);
			return fd;
		}
	}
	FAIL("cannot create a temporary file in $TMPDIR, /tmp or .: %s",
	     kxt_errstr(errno));
	return -1;
}

/*
 * Runner hooks.  They run in the runner process, where a failure must not
 * end the program, so they use plain calls instead of the ASSERT helpers.
 */
static int runner_open(void)
{
	return open(kx_dev, O_RDWR | O_CLOEXEC);
}

/* State when the current test started. */
static int loaded_before;
static uint32_t mappings_before;
static uint32_t start_backing;	/* INFO.backing when the run started */

static void before_all(void)
{
	struct kxfer_info info;
	int fd;

	if (!kx_module_loaded() && kx_ko) {
		int r = kx_module_load_raw("");

		kxt_diag("module was not loaded; loading %s: %s", kx_ko,
			 r ? kxt_errstr(r) : "ok");
		kx_wait_path(kx_dev, 1, 5);
	}
	loaded_before = kx_module_loaded();
	fd = runner_open();
	if (fd < 0) {
		kxt_diag("cannot open %s: %s; every test will fail", kx_dev,
			 kxt_errstr(errno));
		return;
	}
	if (ioctl(fd, KXFER_IOC_INFO, &info) == 0) {
		kx_start_size = info.buf_size;
		start_backing = info.backing;
		mappings_before = info.nr_mappings;
		if (info.nr_mappings)
			kxt_diag("warning: nr_mappings is %u before any test",
				 info.nr_mappings);
		kxt_diag("%s: buf_size %" PRIu64 ", max_size %" PRIu64
			 ", kernel page size %u, user page size %zu",
			 kx_dev, (uint64_t)info.buf_size,
			 (uint64_t)info.max_size, info.page_size, kx_page());
	} else {
		kxt_diag("KXFER_IOC_INFO on %s: %s", kx_dev,
			 kxt_errstr(errno));
	}
	close(fd);
}

/*
 * Leave the device as the run found it, so that one test's failure does
 * not cascade, and catch state leaks (a live mapping count after every
 * process of the test is gone is a driver accounting bug).
 */
static void after_each(void)
{
	struct kxfer_info info;
	int fd;

	if (loaded_before && !kx_module_loaded()) {
		int r = kx_module_load_raw("");

		kxt_fail_at(__FILE__, __LINE__, 0,
			    "harness: the test left the module unloaded; reloading with defaults: %s",
			    r ? kxt_errstr(r) : "ok");
		kx_wait_path(kx_dev, 1, 5);
	}
	loaded_before = kx_module_loaded();
	fd = runner_open();
	if (fd < 0)
		return;	/* every test fails on its own then */
	if (ioctl(fd, KXFER_IOC_INFO, &info) < 0) {
		close(fd);
		return;
	}
	/* Reported once, by the test that changed it, not by every later one. */
	if (info.nr_mappings != mappings_before)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "harness: INFO.nr_mappings went from %u to %u during the test, though all of its processes and mappings are gone",
			    mappings_before, info.nr_mappings);
	mappings_before = info.nr_mappings;
	if (kx_start_size && (info.buf_size != kx_start_size ||
			      info.backing != start_backing)) {
		struct kxfer_resize r = { .size = kx_start_size,
					  .backing = start_backing };
		int e = ioctl(fd, KXFER_IOC_RESIZE, &r) < 0 ? errno : 0;

		kxt_fail_at(__FILE__, __LINE__, 0,
			    "harness: the test left buf_size %" PRIu64
			    " backing %u, restoring %" PRIu64 " backing %u: %s",
			    (uint64_t)info.buf_size, info.backing,
			    kx_start_size, start_backing,
			    e ? kxt_errstr(e) : "ok");
	}
	close(fd);
}

__attribute__((constructor)) static void kxdev_setup(void)
{
	kxt_add_option("dev", &kx_dev, "device node under test (default /dev/kxfer0)");
	kxt_add_option("ko", &kx_ko, "kxfer.ko file, enables the module load/unload tests");
	kxt_set_hooks(before_all, after_each);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Nothing about the kernel's memory leaks out, and only root gets in:
 *
 *   - device nodes are 0600 root:root, so an unprivileged user cannot
 *     open them (EACCES) in any mode;
 *   - /proc/self/pagemap of a process that is not privileged shows the
 *     pages of a kxfer mapping as present but with a zero PFN (while root
 *     sees the PFN, which shows the check would notice one);
 *   - no sysfs attribute of a device, no module parameter and no ioctl
 *     output holds anything that looks like a kernel address, and every
 *     sysfs value is the one the ioctls report.
 *
 * (The module's kernel log lines are scanned last, in exposure_log.c,
 * after the tests that make it log errors.)
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 20
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hx.h"

#define NOBODY		65534
#define PM_PRESENT	((uint64_t)1 << 63)
#define PM_PFN_MASK	(((uint64_t)1 << 55) - 1)

static void become_nobody(void)
{
	ASSERT_OK(setgroups(0, NULL));
	ASSERT_OK(setgid(NOBODY));
	ASSERT_OK(setuid(NOBODY));
	/* setuid() made us non-dumpable, which hides /proc/self from us. */
	ASSERT_OK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
}

TEST(device_nodes_are_0600_root_root)
{
	int n = hx_use_module("nr_devs=3", 1);

	for (int i = 0; i < n; i++) {
		struct stat sb;

		ASSERT_OK(stat(kx_node(i), &sb));
		if (!S_ISCHR(sb.st_mode) || (sb.st_mode & 07777) != 0600 ||
		    sb.st_uid != 0 || sb.st_gid != 0)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s: mode %o uid %u gid %u, expected a character device 600 root:root",
				    kx_node(i), sb.st_mode, sb.st_uid,
				    sb.st_gid);
	}
	if (kx_ko)
		kx_module_restore();
}

TEST(unprivileged_user_cannot_open_any_node)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	int n = hx_use_module("nr_devs=3", 1);
	pid_t pid = kxt_fork();

	if (pid == 0) {
		become_nobody();
		for (int i = 0; i < n; i++)
			for (size_t m = 0; m < 3; m++) {
				int fd = open(kx_node(i), modes[m] | O_CLOEXEC);
				int e = errno;

				if (fd >= 0)
					FAIL("uid %d opened %s with flags %#x",
					     NOBODY, kx_node(i), modes[m]);
				if (e != EACCES)
					kxt_fail_at(__FILE__, __LINE__, 0,
						    "open(%s, %#x) as uid %d: %s, expected EACCES",
						    kx_node(i), modes[m], NOBODY,
						    kxt_errstr(e));
			}
		kxt_child_exit();
	}
	EXPECT_TRUE(kxt_wait_ok(pid, "running as nobody"));
	if (kx_ko)
		kx_module_restore();
}

/* Read the pagemap entries of npages pages from p. */
static void pagemap(const void *p, size_t npages, uint64_t *out)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	off_t off = (off_t)((uintptr_t)p / kx_page() * 8);
	ssize_t n;

	if (fd < 0)
		FAIL("open(/proc/self/pagemap) as uid %d: %s", getuid(),
		     kxt_errstr(errno));
	n = pread(fd, out, npages * 8, off);
	if (n != (ssize_t)(npages * 8))
		FAIL("pread(/proc/self/pagemap): %zd (%s)", n,
		     n < 0 ? kxt_errstr(errno) : "short");
	close(fd);
}

TEST(pagemap_hides_mapping_pfns_from_unprivileged_process)
{
	const size_t npages = 4;
	size_t ps = kx_page();
	uint64_t pm[4];
	volatile char *m;
	pid_t pid;
	int fd = kx_open();

	m = kx_map(fd, npages * ps, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	close(fd);
	for (size_t i = 0; i < npages; i++)
		m[i * ps] = (char)i;
	/* Root sees the PFNs: proof that a PFN would be noticed. */
	pagemap((const void *)m, npages, pm);
	for (size_t i = 0; i < npages; i++)
		if (!(pm[i] & PM_PRESENT) || !(pm[i] & PM_PFN_MASK))
			FAIL("as root, pagemap of mapped page %zu is %#" PRIx64
			     ", expected present with a PFN (CAP_SYS_ADMIN shows them)",
			     i, pm[i]);

	pid = kxt_fork();
	if (pid == 0) {
		become_nobody();
		/* The inherited mapping: fault the pages in here, too. */
		for (size_t i = 0; i < npages; i++)
			if (m[i * ps] != (char)i)
				FAIL("child sees %d in page %zu, expected %zu",
				     m[i * ps], i, i);
		pagemap((const void *)m, npages, pm);
		for (size_t i = 0; i < npages; i++) {
			if (!(pm[i] & PM_PRESENT))
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "pagemap of page %zu as uid %d: %#" PRIx64 ", expected the present bit",
					    i, NOBODY, pm[i]);
			if (pm[i] & PM_PFN_MASK)
				kxt_fail_at(__FILE__, __LINE__, 0,
					    "pagemap shows PFN %#" PRIx64 " of mapped page %zu to uid %d, expected 0",
					    pm[i] & PM_PFN_MASK, i, NOBODY);
		}
		kxt_child_exit();
	}
	EXPECT_TRUE(kxt_wait_ok(pid, "reading pagemap as nobody"));
	munmap((void *)m, npages * ps);
}

/* --- sysfs ----------------------------------------------------------- */

struct sysfs_scan {
	int files, tokens, unknown;
	const struct kxfer_info *info;
	const struct kxfer_stats *st;
	const char *node;
};

static uint64_t stat_value(const struct sysfs_scan *sc, const char *name,
			   int *known)
{
	static const char *const paths[KXFER_NR_PATHS] = {
		"read", "write", "read_iter", "write_iter",
		"submit", "fetch", "mmap", "fault",
	};
	char want[32];

	for (int p = 0; p < KXFER_NR_PATHS; p++) {
		snprintf(want, sizeof(want), "%s_bytes", paths[p]);
		if (!strcmp(name, want)) {
			*known = 1;
			return sc->st->bytes[p];
		}
		snprintf(want, sizeof(want), "%s_calls", paths[p]);
		if (!strcmp(name, want)) {
			*known = 1;
			return sc->st->calls[p];
		}
	}
	*known = 0;
	return 0;
}

/* Known attributes must say what the ioctls say. */
static void check_value(struct sysfs_scan *sc, const char *path,
			const char *rel, const char *val)
{
	struct stat sb;
	char want[64];
	int known = 1;

	if (!strcmp(rel, "buf_size"))
		snprintf(want, sizeof(want), "%llu",
			 (unsigned long long)sc->info->buf_size);
	else if (!strcmp(rel, "nr_mappings"))
		snprintf(want, sizeof(want), "%u", sc->info->nr_mappings);
	else if (!strcmp(rel, "backing"))
		snprintf(want, sizeof(want), "vmalloc");
	else if (!strcmp(rel, "dev")) {
		ASSERT_OK(stat(sc->node, &sb));
		snprintf(want, sizeof(want), "%u:%u", major(sb.st_rdev),
			 minor(sb.st_rdev));
	} else if (!strncmp(rel, "stats/", 6)) {
		uint64_t v = stat_value(sc, rel + 6, &known);

		snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
	} else {
		known = 0;
	}
	if (!known) {
		sc->unknown++;
		return;
	}
	if (strcmp(val, want))
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s holds '%s', the ioctls say '%s'", path, val,
			    want);
}

static void scan_dir(struct sysfs_scan *sc, const char *dir, const char *rel,
		     int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		HX_DIE("opendir(%s): %s", dir, kxt_errstr(errno));
	while ((e = readdir(d))) {
		char path[768], sub[512], val[4096];
		struct stat sb;
		ssize_t n;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			 e->d_name);
		/* subsystem, device, driver: links out of this device. */
		if (lstat(path, &sb) || S_ISLNK(sb.st_mode))
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (depth < 3)
				scan_dir(sc, path, sub, depth + 1);
			continue;
		}
		if (!(sb.st_mode & 0444))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, val, sizeof(val) - 1);
		close(fd);
		if (n < 0)	/* some power/ attributes refuse reads */
			continue;
		val[n] = 0;
		while (n > 0 && (val[n - 1] == '\n' || val[n - 1] == ' '))
			val[--n] = 0;
		sc->files++;
		sc->tokens += hx_scan_text_for_kernel_ptrs(path, val);
		check_value(sc, path, sub, val);
	}
	closedir(d);
}

TEST(sysfs_and_module_parameters_hold_no_kernel_addresses)
{
	int n = hx_use_module("nr_devs=3", 1);
	struct sysfs_scan sc = { 0 };
	char *m;

	for (int i = 0; i < n; i++) {
		struct kxfer_info info;
		struct kxfer_stats st;
		int fd = kx_open_node(i, O_RDWR);
		char buf[100] = { 0 };

		/* Some activity, so that the counters are not all zero. */
		kx_pwrite_all(fd, buf, sizeof(buf), 0);
		m = kx_map(fd, kx_page(), 0, PROT_READ, MAP_SHARED);
		(void)*(volatile char *)m;
		kx_info(fd, &info);
		kx_get_stats(fd, &st);
		sc.info = &info;
		sc.st = &st;
		sc.node = kx_node(i);
		scan_dir(&sc, kx_class_dir(i), "", 0);
		munmap(m, kx_page());
		close(fd);
	}
	scan_dir(&sc, "/sys/module/" KX_MODULE_NAME "/parameters", "", 0);
	kxt_diag("%d sysfs files, %d numbers checked; %d attributes with no ioctl counterpart (generic ones such as uevent and power/) only scanned",
		 sc.files, sc.tokens, sc.unknown);
	EXPECT_GT(sc.files, 0);
	if (kx_ko)
		kx_module_restore();
}

TEST(ioctl_outputs_hold_no_kernel_addresses)
{
	int fd = kx_open();
	struct kxfer_xfer x = { .offset = 0, .length = kx_page() };
	struct kxfer_info info;
	struct kxfer_stats st;
	struct kxfer_mode mode;
	char buf[64] = { 0 };

	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0x1234);
	kx_pwrite_all(fd, buf, sizeof(buf), 0);
	ASSERT_OK(ioctl(fd, KXFER_IOC_SUBMIT, &x));
	hx_scan_for_kernel_ptrs(&x, sizeof(x), "SUBMIT output");
	ASSERT_OK(ioctl(fd, KXFER_IOC_FETCH, &x));
	hx_scan_for_kernel_ptrs(&x, sizeof(x), "FETCH output");
	kx_info(fd, &info);
	hx_scan_for_kernel_ptrs(&info, sizeof(info), "INFO output");
	mode = kx_get_mode(fd);
	hx_scan_for_kernel_ptrs(&mode, sizeof(mode), "GET_MODE output");
	kx_get_stats(fd, &st);
	hx_scan_for_kernel_ptrs(&st, sizeof(st), "GET_STATS output");
}

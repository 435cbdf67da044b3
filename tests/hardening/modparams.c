// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters at their limits and beyond, and loads that fail for
 * want of memory: a rejected or failed load must leave nothing behind (no
 * /sys/module/kxfer, no /sys/class/kxfer, no /dev/kxfer*, no chrdev major
 * in /proc/devices), must not keep the memory it got before failing, and
 * must not stop the next load from working.  Every test ends with the
 * module loaded with its defaults.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 80
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hx.h"

#define GIB (1ULL << 30)

/* A /proc/meminfo field in bytes; 0 if absent. */
static uint64_t meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	size_t klen = strlen(key);
	uint64_t v = 0;

	if (!f)
		FAIL("fopen(/proc/meminfo): %s", kxt_errstr(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtoull(line + klen + 1, NULL, 10) * 1024;
	fclose(f);
	return v;
}

static void unload_first(void)
{
	int r;

	kx_require_ko();
	if (!kx_module_loaded())
		return;
	r = kx_module_unload_raw();
	if (r)
		FAIL("delete_module before the test: %s", kxt_errstr(r));
}

/*
 * Load with params, which must fail with err, log an error, and leave no
 * trace; then a normal load must work.
 */
static void expect_load_fails(const char *params, int err)
{
	char lines[2048];
	int kmsg, r;

	unload_first();
	kmsg = kx_kmsg_open();
	r = kx_module_load_raw(params);
	if (r == 0) {
		kx_module_restore();
		FAIL("finit_module(\"%s\") succeeded, expected %s", params,
		     hx_errname(err));
	}
	if (r != err)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "finit_module(\"%s\"): %s, expected %s", params,
			    kxt_errstr(r), hx_errname(err));
	/* Whether the line names the module is the functional tests' job. */
	if (kx_kmsg_lines(kmsg, 3, lines, sizeof(lines)))
		kxt_diag("kernel log: %s", lines);
	else
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "no error-level kernel log line after finit_module(\"%s\")",
			    params);
	close(kmsg);
	hx_expect_no_module_traces("after the failed load");
	kx_module_restore();
}

TEST(load_nr_devs_32_gives_32_working_devices)
{
	size_t ps = kx_page();

	kx_require_ko();
	kx_module_reload("nr_devs=32 buf_size=1");
	for (int i = 0; i < 32; i++) {
		unsigned char c = (unsigned char)(i + 1), back = 0;
		int fd = kx_open_node(i, O_RDWR);

		EXPECT_EQ(kx_size(fd), (uint64_t)ps);
		/* Each device its own buffer: write one, read it back later. */
		kx_pwrite_all(fd, &c, 1, ps - 1);
		close(fd);
		fd = kx_open_node(i, O_RDONLY);
		kx_pread_all(fd, &back, 1, ps - 1);
		EXPECT_EQ(back, c);
		close(fd);
		if (access(kx_class_dir(i), F_OK))
			kxt_fail_at(__FILE__, __LINE__, 0, "%s missing",
				    kx_class_dir(i));
	}
	EXPECT_NE(access(kx_node(32), F_OK), 0);
	kx_module_restore();
}

TEST(load_nr_devs_33_fails_einval_leaving_nothing)
{
	expect_load_fails("nr_devs=33", EINVAL);
}

TEST(load_nr_devs_0_fails_einval_leaving_nothing)
{
	expect_load_fails("nr_devs=0", EINVAL);
}

TEST(load_buf_size_1_rounds_up_to_one_page)
{
	int fd;

	kx_require_ko();
	kx_module_reload("buf_size=1");
	fd = kx_open();
	EXPECT_EQ(kx_size(fd), (uint64_t)kx_page());
	close(fd);
	kx_module_restore();
}

TEST(load_buf_size_1g_plus_1_fails_einval_leaving_nothing)
{
	expect_load_fails("buf_size=1073741825", EINVAL);
}

TEST(load_buf_size_ulong_max_fails_einval_leaving_nothing)
{
	expect_load_fails("buf_size=18446744073709551615", EINVAL);
}

/*
 * A size the machine cannot give: ENOMEM, nothing registered, and the
 * memory taken before the failure given back.  MemAvailable is compared
 * with a tolerance of 32 MiB: page cache and per-CPU lists move it by a
 * few MiB, while the smallest amount the failed load could keep is the
 * part of a buffer it got, hundreds of MiB here.
 */
static void expect_enomem(unsigned int nr, uint64_t size)
{
	const uint64_t tolerance = 32ULL << 20;
	uint64_t before, after;
	char params[96];

	snprintf(params, sizeof(params), "nr_devs=%u buf_size=%" PRIu64, nr,
		 size);
	unload_first();
	before = meminfo("MemAvailable");
	kxt_diag("MemAvailable %" PRIu64 " MiB; loading with %s (%" PRIu64 " MiB in all)",
		 before >> 20, params, nr * size >> 20);
	expect_load_fails(params, ENOMEM);
	/* expect_load_fails() reloaded the defaults: 4 MiB more in use. */
	after = meminfo("MemAvailable") + KX_DEFAULT_BUF_SIZE;
	kxt_diag("MemAvailable afterwards %" PRIu64 " MiB (with the default 4 MiB buffer added back)",
		 after >> 20);
	if (after + tolerance < before)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "MemAvailable fell by %" PRIu64 " MiB across the failed load, more than the %" PRIu64 " MiB tolerance: memory kept by the failed load?",
			    (before - after) >> 20, tolerance >> 20);
}

TEST(load_more_than_memory_fails_enomem_leaving_nothing)
{
	uint64_t total = meminfo("MemTotal");
	unsigned int nr = (unsigned int)(total / GIB) + 2;

	if (nr > 32)
		SKIP("the machine has %" PRIu64 " MiB: 32 buffers of 1 GiB fit",
		     total >> 20);
	/* Even the first buffer cannot be had on a small guest. */
	expect_enomem(nr < 32 ? 32 : nr, GIB);
}

TEST(load_failing_on_a_later_device_unwinds_the_earlier_ones)
{
	uint64_t avail, per;
	unsigned int nr;

	kx_require_ko();
	avail = meminfo("MemAvailable");
	/* The first device fits, a later one does not. */
	per = avail * 6 / 10;
	if (per > GIB)
		per = GIB;
	per = per / kx_page() * kx_page();
	nr = (unsigned int)(avail / per) + 2;
	if (nr > 32)
		SKIP("MemAvailable %" PRIu64 " MiB is too much to exhaust with 32 devices",
		     avail >> 20);
	expect_enomem(nr, per);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Mixed stress on several devices at once (see stress.h for the layout
 * that makes every byte checkable): for --seconds, per device ST_PROCS
 * processes of ST_THREADS owner threads, a resizer and, for all devices,
 * a monitor.  Then, with everything stopped:
 *
 *   - every owned cell holds exactly what its owner last put there, read
 *     back through read() and through a fresh mapping, and the rest of the
 *     buffer is zero;
 *   - the kernel's CRC32C of the whole buffer (SUBMIT in checksum mode)
 *     equals the CRC32C of the expected contents;
 *   - GET_STATS shows, on every path, exactly the calls and bytes that the
 *     test's processes counted as they went: nothing lost, nothing extra;
 *   - no mapping is left counted.
 *
 * The kernel log is checked for splats by the guest runner.
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 50
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kx_crc32c.h"
#include "stress.h"

#define NR_HELPERS (ST_MAX_DEVS * (ST_PROCS + 1) + 1)

/* The whole buffer as the owners' records say it must be. */
static void expected_image(const struct st_dev *d, unsigned char *img,
			   uint64_t size)
{
	memset(img, 0, size);
	for (int o = 0; o < ST_OWNERS; o++)
		st_expect_cells(&d->owner[o], o, 0, ST_CELLS,
				img + st_cell_off(o, 0));
}

static int compare_image(const struct st_dev *d, const unsigned char *got,
			 const unsigned char *want, uint64_t size,
			 const char *how)
{
	uint64_t i;

	for (i = 0; i < size && got[i] == want[i]; i++)
		;
	if (i == size)
		return 1;
	if (i < ST_OWNED) {
		int cell = (int)(i / ST_CELL), o = cell / ST_CELLS;

		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s read through %s: byte %" PRIu64 " (owner %d, cell %d, %s) is 0x%02x, expected 0x%02x",
			    kx_node(d->index), how, i, o, cell % ST_CELLS,
			    d->owner[o].written[cell % ST_CELLS] ?
			    "written" : "never written", got[i], want[i]);
	} else {
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s read through %s: byte %" PRIu64 " is 0x%02x; nothing ever wrote past %" PRIu64 ", expected 0",
			    kx_node(d->index), how, i, got[i], ST_OWNED);
	}
	return 0;
}

/* Every byte, three ways; then the statistics against the work done. */
static void verify_device(struct st_dev *d)
{
	int fd = kx_open_node(d->index, O_RDWR);
	uint64_t size = kx_size(fd);
	unsigned char *want = kx_alloc(size), *got = kx_alloc(size), *m;
	struct kxfer_xfer x = { .offset = 0, .length = size };
	struct kxfer_stats st;
	struct kxfer_info info;
	uint32_t crc;

	kx_info(fd, &info);
	EXPECT_EQ(info.nr_mappings, 0u);
	expected_image(d, want, size);

	kx_pread_all(fd, got, size, 0);
	st_count(d, KXFER_PATH_READ, size);
	compare_image(d, got, want, size, "read()");

	m = kx_map(fd, size, 0, PROT_READ, MAP_SHARED);
	st_count(d, KXFER_PATH_MMAP, size);
	compare_image(d, m, want, size, "a mapping");
	ASSERT_OK(munmap(m, size));

	kx_set_mode(fd, KXFER_WORK_CHECKSUM, 0);
	ASSERT_OK(ioctl(fd, KXFER_IOC_SUBMIT, &x));
	st_count(d, KXFER_PATH_SUBMIT, size);
	crc = kx_crc32c(KX_CRC32C_INIT, want, size);
	if (x.csum != crc)
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s: SUBMIT of the whole buffer in checksum mode gave CRC32C %#010x, the expected contents have %#010x",
			    kx_node(d->index), x.csum, crc);

	/* contract: every successful call counted, with its bytes. */
	kx_get_stats(fd, &st);
	for (int p = 0; p < KXFER_NR_PATHS; p++) {
		unsigned long long calls = atomic_load(&d->calls[p]);
		unsigned long long bytes = atomic_load(&d->bytes[p]);

		if (p == KXFER_PATH_FAULT)
			continue;	/* how many faults is the kernel's business */
		if (st.calls[p] != calls || st.bytes[p] != bytes)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s: GET_STATS path %s shows %llu calls, %llu bytes; the test made %llu calls moving %llu bytes",
				    kx_node(d->index), kx_path_name(p),
				    (unsigned long long)st.calls[p],
				    (unsigned long long)st.bytes[p],
				    calls, bytes);
	}
	if (!st.calls[KXFER_PATH_FAULT])
		kxt_fail_at(__FILE__, __LINE__, 0,
			    "%s: no page fault counted although %llu mappings were used",
			    kx_node(d->index),
			    (unsigned long long)atomic_load(&d->calls[KXFER_PATH_MMAP]));
	d->calls[KXFER_PATH_FAULT] = st.calls[KXFER_PATH_FAULT];
	d->bytes[KXFER_PATH_FAULT] = st.bytes[KXFER_PATH_FAULT];

	free(want);
	free(got);
	close(fd);
}

static void report_device(const struct st_dev *d, double secs)
{
	unsigned long long calls = 0, bytes = 0;

	for (int p = 0; p < KXFER_NR_PATHS; p++) {
		calls += d->calls[p];
		bytes += d->bytes[p];
	}
	kxt_diag("ops %s: read=%llu write=%llu readv=%llu writev=%llu submit=%llu fetch=%llu mmap=%llu faults=%llu",
		 kx_node(d->index),
		 (unsigned long long)d->calls[KXFER_PATH_READ],
		 (unsigned long long)d->calls[KXFER_PATH_WRITE],
		 (unsigned long long)d->calls[KXFER_PATH_READ_ITER],
		 (unsigned long long)d->calls[KXFER_PATH_WRITE_ITER],
		 (unsigned long long)d->calls[KXFER_PATH_SUBMIT],
		 (unsigned long long)d->calls[KXFER_PATH_FETCH],
		 (unsigned long long)d->calls[KXFER_PATH_MMAP],
		 (unsigned long long)d->calls[KXFER_PATH_FAULT]);
	kxt_diag("ops %s: resize unmapped=%llu under_mappings=%llu pages_enomem=%llu quiesced=%llu own_map=%llu mmap_deferred=%llu set_mode=%llu get_stats=%llu sysfs=%llu whole_buffer_reads=%llu o_direct_from_mapping=%llu",
		 kx_node(d->index),
		 (unsigned long long)d->ops[ST_OP_RESIZE_OK],
		 (unsigned long long)d->ops[ST_OP_RESIZE_MAPPED],
		 (unsigned long long)d->ops[ST_OP_RESIZE_ENOMEM],
		 (unsigned long long)d->ops[ST_OP_RESIZE_QUIESCED],
		 (unsigned long long)d->ops[ST_OP_RESIZE_WHILE_OWN_MAP],
		 (unsigned long long)d->ops[ST_OP_MMAP_DEFERRED],
		 (unsigned long long)d->ops[ST_OP_SET_MODE],
		 (unsigned long long)d->ops[ST_OP_STATS],
		 (unsigned long long)d->ops[ST_OP_SYSFS],
		 (unsigned long long)d->ops[ST_OP_SCAN],
		 (unsigned long long)d->ops[ST_OP_ODIRECT]);
	kxt_diag("ops %s: %llu kernel calls moving %.1f MiB in %.1f s",
		 kx_node(d->index), calls, bytes / 1048576.0, secs);
}

TEST_TIMEOUT(stress_all_paths_on_several_devices_lose_no_byte, 3900)
{
	unsigned int seconds = hx_seconds();
	struct st_shared *sh = hx_shared_alloc(sizeof(*sh));
	const char *names[NR_HELPERS];
	char namebuf[NR_HELPERS][48];
	uint64_t orig_size[ST_MAX_DEVS];
	unsigned long long total_calls = 0, total_bytes = 0, resizes = 0;
	unsigned long long path_calls[KXFER_NR_PATHS] = { 0 };
	pid_t pids[NR_HELPERS];
	int n = 0, ndevs, bad;
	double t0, t1;

	ndevs = hx_use_module("nr_devs=3 buf_size=1048576", 1);
	if (ndevs > ST_MAX_DEVS)
		ndevs = ST_MAX_DEVS;
	sh->ndevs = ndevs;
	sh->seed = hx_seed();
	kxt_diag("seed: %" PRIu64, sh->seed);
	kxt_diag("%d device(s), per device %d processes x %d owner threads + a resizer, one monitor; %u s",
		 ndevs, ST_PROCS, ST_THREADS, seconds);

	/* Start from a known state: base size, all zero, counters reset. */
	for (int i = 0; i < ndevs; i++) {
		int fd = kx_open_node(i, O_RDWR);
		unsigned char *zero = hx_calloc(1, ST_BASE);

		sh->dev[i].index = i;
		orig_size[i] = kx_size(fd);
		kx_resize(fd, ST_BASE);
		kx_pwrite_all(fd, zero, ST_BASE, 0);
		kx_reset_stats(fd);
		free(zero);
		close(fd);
	}

	t0 = hx_now();
	for (int i = 0; i < ndevs; i++) {
		for (int p = 0; p < ST_PROCS; p++) {
			snprintf(namebuf[n], sizeof(namebuf[0]),
				 "owners %s/%d", kx_node(i), p);
			names[n] = namebuf[n];
			pids[n] = kxt_fork();
			if (!pids[n])
				st_owner_process(sh, i, p);
			n++;
		}
		snprintf(namebuf[n], sizeof(namebuf[0]), "resizer %s",
			 kx_node(i));
		names[n] = namebuf[n];
		pids[n] = kxt_fork();
		if (!pids[n])
			st_resizer_process(sh, i);
		n++;
	}
	names[n] = "monitor";
	pids[n] = kxt_fork();
	if (!pids[n])
		st_monitor_process(sh);
	n++;

	bad = hx_wait_all(pids, names, n, &sh->stop, t0 + seconds,
			  t0 + seconds + 60);
	t1 = hx_now();
	if (bad)
		FAIL("%d helper(s) failed; the data check is skipped", bad);

	for (int i = 0; i < ndevs; i++) {
		struct st_dev *d = &sh->dev[i];

		verify_device(d);
		report_device(d, t1 - t0);
		for (int p = 0; p < KXFER_NR_PATHS; p++) {
			path_calls[p] += d->calls[p];
			total_calls += d->calls[p];
			total_bytes += d->bytes[p];
		}
		resizes += d->ops[ST_OP_RESIZE_OK] +
			   d->ops[ST_OP_RESIZE_QUIESCED];
		EXPECT_GT(d->ops[ST_OP_RESIZE_QUIESCED], 0ull);
		EXPECT_GT(d->calls[KXFER_PATH_MMAP], 0ull);
	}
	kxt_diag("ops: read=%llu write=%llu readv=%llu writev=%llu submit=%llu fetch=%llu mmap=%llu faults=%llu resize=%llu",
		 path_calls[KXFER_PATH_READ], path_calls[KXFER_PATH_WRITE],
		 path_calls[KXFER_PATH_READ_ITER],
		 path_calls[KXFER_PATH_WRITE_ITER],
		 path_calls[KXFER_PATH_SUBMIT], path_calls[KXFER_PATH_FETCH],
		 path_calls[KXFER_PATH_MMAP], path_calls[KXFER_PATH_FAULT],
		 resizes);
	kxt_diag("stress summary: %d device(s), %d helper processes, %d owner threads, %.1f s: %llu kernel calls, %.1f MiB moved, %llu successful resizes; every byte and every counter as expected%s",
		 ndevs, n, ndevs * ST_OWNERS,
		 t1 - t0, total_calls, total_bytes / 1048576.0, resizes,
		 kxt_failed() ? " - NOT (see above)" : "");

	if (kx_ko) {
		kx_module_restore();
	} else {
		for (int i = 0; i < ndevs; i++) {
			int fd = kx_open_node(i, O_RDWR);

			kx_resize(fd, orig_size[i]);
			close(fd);
		}
	}
}

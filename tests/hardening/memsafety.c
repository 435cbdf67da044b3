// SPDX-License-Identifier: GPL-2.0
/*
 * No uninitialised kernel memory reaches user space:
 *
 *   - a freshly allocated buffer reads as zero on every device, through
 *     read(), readv(), a mapping and FETCH;
 *   - growing a buffer gives zeros past the old size, never stale data,
 *     also after it was shrunk below data that was there before;
 *   - every ioctl output (INFO, GET_MODE, GET_STATS, SUBMIT, FETCH) comes
 *     back fully defined: the user struct is filled with 0xA5 first, and
 *     reserved fields, padding and unused slots must come back zero; the
 *     bytes around the struct must stay untouched (no overrun, no
 *     underrun).
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 10
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hx.h"
#include "kx_pattern.h"

#define FILL	0xa5
#define GUARD	64	/* canary bytes either side of an output struct */

static void expect_zero(const unsigned char *p, uint64_t len, const char *what)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i]) {
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "%s: byte %" PRIu64 " of %" PRIu64 " is 0x%02x, expected 0",
				    what, i, len, p[i]);
			return;
		}
}

TEST(fresh_buffers_read_zero_on_every_device_and_path)
{
	const uint64_t size = 1ULL << 20;
	unsigned char *buf = kx_alloc(size);
	int ndevs;

	kx_require_ko();	/* only a fresh load gives fresh buffers */
	ndevs = hx_use_module("nr_devs=3 buf_size=1048576", 3);
	for (int i = 0; i < ndevs; i++) {
		int fd = kx_open_node(i, O_RDWR);
		struct iovec iov[3] = {
			{ buf, 1000 }, { buf + 1000, 5000 },
			{ buf + 6000, size - 6000 },
		};
		struct kxfer_xfer x = { .offset = 0, .length = size };
		char what[96];
		unsigned char *m;

		ASSERT_EQ(kx_size(fd), size);
		memset(buf, FILL, size);
		kx_pread_all(fd, buf, size, 0);
		snprintf(what, sizeof(what), "read() of fresh %s", kx_node(i));
		expect_zero(buf, size, what);

		memset(buf, FILL, size);
		ASSERT_EQ(preadv(fd, iov, 3, 0), (ssize_t)size);
		snprintf(what, sizeof(what), "readv() of fresh %s", kx_node(i));
		expect_zero(buf, size, what);

		m = kx_map(fd, size, 0, PROT_READ, MAP_SHARED);
		snprintf(what, sizeof(what), "mapping of fresh %s", kx_node(i));
		expect_zero(m, size, what);
		ASSERT_OK(ioctl(fd, KXFER_IOC_FETCH, &x));
		snprintf(what, sizeof(what), "mapping of fresh %s after FETCH",
			 kx_node(i));
		expect_zero(m, size, what);
		ASSERT_OK(munmap(m, size));
		close(fd);
	}
	free(buf);
	kx_module_restore();
}

TEST(grown_buffer_reads_zero_past_old_size_never_stale_data)
{
	size_t ps = kx_page();
	uint64_t start_size, max = 4ULL << 20;
	struct hx_rng r;
	unsigned char *buf;
	int fd = kx_open();

	start_size = kx_size(fd);
	buf = kx_alloc(max + 3 * ps);
	hx_rng_init(&r, hx_seed(), 0x90);
	for (int round = 0; round < 6; round++) {
		/* Data everywhere, then shrink below it, then grow over it. */
		uint64_t small = round == 0 ? 1 :
				 hx_between(&r, 1, max / 2);
		uint64_t big = round == 0 ? max + 2 * ps + 1 :
			       hx_between(&r, max / 2 + 1, max + 3 * ps);
		uint64_t s = hx_page_align(small), b = hx_page_align(big);
		uint32_t seed = 0x6000 + round;
		char what[128];
		unsigned char *m;

		kx_resize(fd, max);
		kx_put_pattern(fd, 0, max, seed);
		kx_resize(fd, small);
		kx_resize(fd, big);
		ASSERT_EQ(kx_size(fd), b);

		kx_pread_all(fd, buf, b, 0);
		snprintf(what, sizeof(what),
			 "kept prefix after %" PRIu64 " -> %" PRIu64 " -> %" PRIu64,
			 max, s, b);
		kx_expect_pattern_mem(buf, 0, s, seed, what);
		snprintf(what, sizeof(what),
			 "read() of bytes [%" PRIu64 ", %" PRIu64 ") that existed before the shrink to %" PRIu64,
			 s, b, s);
		expect_zero(buf + s, b - s, what);

		m = kx_map(fd, b, 0, PROT_READ, MAP_SHARED);
		snprintf(what, sizeof(what),
			 "mapping of bytes [%" PRIu64 ", %" PRIu64 ") after regrowing",
			 s, b);
		expect_zero(m + s, b - s, what);
		ASSERT_OK(munmap(m, b));
	}
	free(buf);
	kx_resize(fd, start_size);
}

/*
 * Run cmd with the output struct (size bytes) in the middle of a 0xA5
 * buffer; check that nothing outside it changed and return it in out.
 */
static void ioctl_out(int fd, unsigned long cmd, const char *name,
		      const void *in, size_t size, void *out)
{
	unsigned char *b = kx_alloc(size + 2 * GUARD);

	memset(b, FILL, size + 2 * GUARD);
	if (in)
		memcpy(b + GUARD, in, size);
	if (ioctl(fd, cmd, b + GUARD))
		FAIL("%s: %s", name, kxt_errstr(errno));
	for (size_t i = 0; i < GUARD; i++) {
		if (b[i] != FILL)
			FAIL("%s wrote %zu bytes before its argument", name,
			     GUARD - i);
		if (b[GUARD + size + i] != FILL)
			FAIL("%s wrote past its %zu-byte argument (byte %zu after it is 0x%02x)",
			     name, size, i, b[GUARD + size + i]);
	}
	memcpy(out, b + GUARD, size);
	free(b);
}

TEST(info_output_is_fully_defined_and_stays_in_bounds)
{
	struct kxfer_info info;
	int fd = kx_open();

	ioctl_out(fd, KXFER_IOC_INFO, "INFO", NULL, sizeof(info), &info);
	EXPECT_EQ(info.huge_size, 0u);
	EXPECT_EQ(info.backing, (uint32_t)KXFER_BACKING_VMALLOC);
	EXPECT_EQ(info.abi_version, (uint32_t)KXFER_ABI_VERSION);
	EXPECT_EQ(info.page_size, (uint32_t)kx_page());
	EXPECT_NE(info.buf_size, 0xa5a5a5a5a5a5a5a5ULL);
	EXPECT_NE(info.max_size, 0xa5a5a5a5a5a5a5a5ULL);
	EXPECT_NE(info.nr_mappings, 0xa5a5a5a5u);
	EXPECT_NE(info.features, 0xa5a5a5a5u);
}

TEST(get_mode_output_is_fully_defined_and_stays_in_bounds)
{
	static const uint32_t works[] = {
		KXFER_WORK_NONE, KXFER_WORK_CHECKSUM, KXFER_WORK_FILL,
	};
	struct kxfer_mode m;
	int fd = kx_open();

	for (size_t i = 0; i < sizeof(works) / sizeof(works[0]); i++) {
		kx_set_mode(fd, works[i], 0x5eed0 + i);
		ioctl_out(fd, KXFER_IOC_GET_MODE, "GET_MODE", NULL, sizeof(m),
			  &m);
		EXPECT_EQ(m.work, works[i]);
		EXPECT_EQ(m.seed, (uint32_t)(0x5eed0 + i));
		EXPECT_EQ(m.last_csum, 0u);
		EXPECT_EQ(m.__reserved, 0u);
	}
}

TEST(get_stats_output_is_fully_defined_and_stays_in_bounds)
{
	struct kxfer_stats st;
	char buf[512];
	int fd = kx_open();

	kx_reset_stats(fd);
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	ioctl_out(fd, KXFER_IOC_GET_STATS, "GET_STATS", NULL, sizeof(st),
		  &st);
	for (int s = 0; s < KXFER_STATS_SLOTS; s++) {
		uint64_t want_b = s == KXFER_PATH_READ ? sizeof(buf) : 0;
		uint64_t want_c = s == KXFER_PATH_READ ? 1 : 0;

		if (st.bytes[s] != want_b || st.calls[s] != want_c)
			kxt_fail_at(__FILE__, __LINE__, 0,
				    "slot %d: %llu bytes in %llu calls, expected %llu in %llu (slots past %d are unused)",
				    s, (unsigned long long)st.bytes[s],
				    (unsigned long long)st.calls[s],
				    (unsigned long long)want_b,
				    (unsigned long long)want_c,
				    KXFER_NR_PATHS - 1);
	}
}

TEST(submit_fetch_output_is_fully_defined_and_stays_in_bounds)
{
	static const uint32_t works[] = {
		KXFER_WORK_NONE, KXFER_WORK_CHECKSUM, KXFER_WORK_FILL,
	};
	int fd = kx_open();

	for (size_t i = 0; i < sizeof(works) / sizeof(works[0]); i++) {
		for (int fetch = 0; fetch < 2; fetch++) {
			struct kxfer_xfer in = {
				.offset = 123, .length = 4567,
				.csum = 0xa5a5a5a5,
			}, out;

			kx_set_mode(fd, works[i], 7);
			ioctl_out(fd, fetch ? KXFER_IOC_FETCH : KXFER_IOC_SUBMIT,
				  fetch ? "FETCH" : "SUBMIT", &in, sizeof(in),
				  &out);
			EXPECT_EQ(out.offset, in.offset);
			EXPECT_EQ(out.length, in.length);
			EXPECT_EQ(out.flags, 0u);
			if (works[i] != KXFER_WORK_CHECKSUM)
				EXPECT_EQ(out.csum, 0u);
			else
				EXPECT_NE(out.csum, 0xa5a5a5a5u);
		}
	}
}

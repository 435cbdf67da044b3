// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "sizes.h"
#include "tap.h"

static void good(const char *list, const uint64_t *want, size_t nwant)
{
	uint64_t *got = NULL;
	size_t n = 0;
	char err[256] = "";
	int ok = !kx_parse_sizes(list, &got, &n, err, sizeof(err)) &&
		 n == nwant && !memcmp(got, want, n * sizeof(*got));

	if (!tap_ok(ok, "sizes: '%s'", list))
		tap_diag("err '%s', n %zu", err, n);
	free(got);
}

static void bad(const char *list, const char *must_say)
{
	uint64_t *got = NULL;
	size_t n = 0;
	char err[256] = "";
	int rc = kx_parse_sizes(list, &got, &n, err, sizeof(err));

	if (!tap_ok(rc == -1 && strstr(err, must_say),
		    "sizes: '%s' rejected mentioning '%s'", list, must_say))
		tap_diag("rc %d, err '%s'", rc, err);
}

static void fmt(uint64_t v, const char *want)
{
	char buf[32];

	kx_format_size(v, buf, sizeof(buf));
	if (!tap_ok(!strcmp(buf, want), "format size %llu -> %s",
		    (unsigned long long)v, want))
		tap_diag("got %s", buf);
}

void test_sizes(void)
{
	static const uint64_t list[] = { 4096, 65536, 1048576 };
	static const uint64_t dedup[] = { 4096, 1048576 };
	static const uint64_t odd[] = { 4, 8 };
	static const uint64_t mixed[] = { 64, 100, 128, 256, 4096 };
	static const uint64_t one[] = { 100 };
	static const uint64_t kib[] = { 4096 };
	static const uint64_t gib[] = { 1ULL << 30 };
	uint64_t range[19];
	uint64_t *sw = NULL;
	size_t n = 0;

	for (int i = 0; i < 19; i++)
		range[i] = 64ULL << i;

	good("4K,64K,1M", list, 3);
	good("64:16M", range, 19);
	good("1M,4K,4K", dedup, 2);
	good("3:10", odd, 2);
	good("64:256,100,4k", mixed, 5);
	good("100", one, 1);
	good("4KiB", kib, 1);
	good("4kb", kib, 1);
	good("1G", gib, 1);

	bad("", "empty");
	bad("abc", "'abc'");
	bad("4Q", "'4Q'");
	bad("-1", "'-1'");
	bad("0", "at least 1 byte");
	bad("1.5M", "fractions");
	bad("4K,,8K", "empty item");
	bad("16M:64", "larger than");
	bad("5:7", "no power of two");
	bad("2048G", "too large");
	bad("99999999999999999999999", "too large");
	bad("1:2:3", "range");
	bad(" 4K", "' 4K'");
	bad("4K,", "empty item");

	fmt(4096, "4K");
	fmt(100, "100");
	fmt(1536, "1536");
	fmt(1ULL << 20, "1M");
	fmt(3ULL << 30, "3G");
	fmt(1ULL << 40, "1024G");

	tap_ok(!kx_size_sweep(64, 64ULL << 20, &sw, &n) && n == 21 &&
	       sw[0] == 64 && sw[20] == 64ULL << 20,
	       "default sweep 64..64M has 21 powers of two");
	free(sw);
}

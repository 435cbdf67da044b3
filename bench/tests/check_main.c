// SPDX-License-Identifier: GPL-2.0
/*
 * bench-check: host unit tests of kxfer-bench's parts plus a smoke test of
 * the built binary's baseline methods.  One TAP 13 stream; exits non-zero
 * when any test fails.  Usage: bench-check PATH/TO/kxfer-bench
 */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static int tests, failures;

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
}

int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	char prefix[32];

	tests++;
	if (!cond)
		failures++;
	snprintf(prefix, sizeof(prefix), "%sok %d - ", cond ? "" : "not ",
		 tests);
	va_start(ap, fmt);
	vline(prefix, fmt, ap);
	va_end(ap);
	fflush(stdout);
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# ", fmt, ap);
	va_end(ap);
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	tests++;
	printf("ok %d - ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
}

int main(int argc, char **argv)
{
	puts("TAP version 13");
	test_stats();
	test_sizes();
	test_output();
	test_verdict();
	test_consume();
	test_methods();
	test_sysinfo();
	test_lib();
	test_attrs();
	test_pagemap();
	if (argc > 1)
		test_smoke(argv[1]);
	else
		tap_ok(0, "smoke test: pass the kxfer-bench binary as argument");
	printf("1..%d\n", tests);
	if (failures)
		printf("# %d of %d tests failed\n", failures, tests);
	return failures ? 1 : 0;
}

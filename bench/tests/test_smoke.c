// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the built kxfer-bench: the baselines work without the driver, the
 * output has the contract's shape, and bad input fails with a message.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_check.h"
#include "output.h"
#include "tap.h"

struct run {
	int status;		/* exit code, or -1 */
	char *out, *err;
};

static char *slurp(int fd)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	lseek(fd, 0, SEEK_SET);
	while (buf && (r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	close(fd);
	if (!buf) {
		/* The checks below need the text; without memory, stop here. */
		fprintf(stderr, "bench-check: out of memory reading output\n");
		exit(1);
	}
	buf[n] = '\0';
	return buf;
}

static struct run run(const char *bench, const char *const *args)
{
	char out_name[] = "/tmp/kxfer-check-outXXXXXX";
	char err_name[] = "/tmp/kxfer-check-errXXXXXX";
	int out = mkstemp(out_name), err = mkstemp(err_name), st;
	const char *argv[32];
	struct run r = { .status = -1 };
	pid_t pid;
	int n = 0;

	unlink(out_name);
	unlink(err_name);
	argv[n++] = bench;
	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		execv(bench, (char *const *)argv);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		r.status = WEXITSTATUS(st);
	r.out = slurp(out);
	r.err = slurp(err);
	return r;
}

static void done(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Checks one CSV data row; returns the method name in method. */
static int row_ok(char *line, char *method, size_t mlen)
{
	char *f[32], *save = NULL, *tok;
	int n = 0;
	double v[10];

	for (tok = strtok_r(line, ",", &save); tok && n < 32;
	     tok = strtok_r(NULL, ",", &save))
		f[n++] = tok;
	/*
	 * Baselines without the device: backing, mapping, page_map and
	 * pmd_bytes are n/a.
	 */
	if (n != 22)
		return 0;
	for (int i = 18; i < 22; i++)
		if (strcmp(f[i], "n/a"))
			return 0;
	snprintf(method, mlen, "%s", f[0]);
	for (int i = 0; i < 10; i++)
		v[i] = strtod(f[8 + i], NULL);
	/* min p50 p90 p99 p999 max mean stddev mad bytes/s */
	return atoll(f[3]) == 4096 && atoi(f[4]) == 1 && atoll(f[7]) > 0 &&
	       v[0] > 0 && v[0] <= v[1] && v[1] <= v[2] && v[2] <= v[3] &&
	       v[3] <= v[4] && v[4] <= v[5] && v[6] >= v[0] &&
	       v[6] <= v[5] && v[7] >= 0 && v[8] >= 0 && v[9] > 0 &&
	       !strcmp(f[1], "baseline");
}

static void csv_shape(const char *bench)
{
	static const char *const args[] = {
		"--methods", "memcpy,pipe,null-ioctl", "--sizes", "4K",
		"--min-time", "0.01", "--format", "csv", NULL,
	};
	struct run r = run(bench, args);
	char *line, *save = NULL, method[64], seen[256] = "";
	int meta = 0, header = 0, rows = 0, good = 0;
	static const char *const keys[] = {
		"tool_version", "date", "kernel", "machine", "cpu", "arch",
		"page_size", "emulated", "module_params", "buf_size",
		"cpu_pinned", "clock_overhead_ns", "consume", "work",
		"min_time_s", "hpage_pmd_size",
	};
	int keys_ok = 1;

	tap_ok(r.status == 0, "smoke: baselines run without the driver (exit %d)",
	       r.status);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "# %s: ", keys[i]);
		if (!strstr(r.out, want)) {
			tap_diag("metadata key %s missing", keys[i]);
			keys_ok = 0;
		}
	}
	tap_ok(keys_ok, "smoke: CSV has every contract metadata key");
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') {
			meta += !header;
			continue;
		}
		if (!header) {
			header = !strcmp(line, kx_csv_header);
			continue;
		}
		rows++;
		if (row_ok(line, method, sizeof(method))) {
			good++;
			strcat(seen, method);
			strcat(seen, " ");
		}
	}
	tap_ok(meta > 10 && header, "smoke: metadata lines, then the header");
	tap_ok(rows == 3 && good == 3 &&
	       !strcmp(seen, "memcpy pipe null-ioctl "),
	       "smoke: 3 sane rows (min<=p50<=p90<=p99<=p999<=max, >0), in order");
	if (good != 3)
		tap_diag("seen '%s'", seen);
	done(&r);
}

static void json_shape(const char *bench)
{
	static const char *const args[] = {
		"--methods", "all", "--device", "/nonexistent/kxfer",
		"--sizes", "64,4K", "--min-time", "0.005", "--format", "json",
		"--label", "smoke \"test\"", NULL,
	};
	struct run r = run(bench, args);

	tap_ok(r.status == 0, "smoke: 'all' without the device runs the baselines");
	tap_ok(strstr(r.err, "skipping the device methods") &&
	       strstr(r.err, "insmod"),
	       "smoke: stderr says device methods were skipped and why");
	tap_ok(!json_check(r.out), "smoke: JSON output is valid");
	tap_ok(strstr(r.out, "\"method\": \"memfd-read\"") &&
	       !strstr(r.out, "\"method\": \"mmap-write\"") &&
	       strstr(r.out, "\"label\": \"smoke \\\"test\\\"\""),
	       "smoke: JSON has baselines only and the escaped label");
	done(&r);
}

static void verify_baselines(const char *bench)
{
	static const char *const args[] = {
		"--methods", "memcpy,memfd-read,memfd-write,pipe,null-ioctl",
		"--sizes", "100,4K,300K", "--min-time", "0.005", "--verify",
		"--format", "csv", "--threads", "2", NULL,
	};
	struct run r = run(bench, args);

	if (!tap_ok(r.status == 0 && strstr(r.err, "verify: all 15"),
		    "smoke: --verify passes for the baselines, 2 threads, odd sizes"))
		tap_diag("exit %d: %s", r.status, r.err);
	done(&r);
}

static void fails(const char *bench, const char *name,
		  const char *const *args, int code, const char *say)
{
	struct run r = run(bench, args);

	if (!tap_ok(r.status == code && strstr(r.err, say),
		    "error: %s -> exit %d, says '%s'", name, code, say))
		tap_diag("exit %d, stderr: %s", r.status, r.err);
	done(&r);
}

void test_smoke(const char *bench)
{
	if (access(bench, X_OK)) {
		tap_ok(0, "smoke: %s is not an executable", bench);
		return;
	}
	csv_shape(bench);
	json_shape(bench);
	verify_baselines(bench);
	{
		static const char *const a[] = { "--methods", "memcpy,bogus", NULL };

		fails(bench, "unknown method", a, 2, "valid methods: write");
	}
	{
		static const char *const a[] = { "--sizes", "4Q", "--methods", "memcpy", NULL };

		fails(bench, "bad size", a, 2, "bad size '4Q'");
	}
	{
		static const char *const a[] = { "--min-time", "abc", NULL };

		fails(bench, "bad --min-time", a, 2, "expected seconds");
	}
	{
		static const char *const a[] = { "--threads", "0", NULL };

		fails(bench, "zero threads", a, 2, "must be 1..");
	}
	{
		static const char *const a[] = { "--consume", "lots", NULL };

		fails(bench, "bad --consume", a, 2, "none, touch or checksum");
	}
	{
		static const char *const a[] = { "--backing", "vmalloc,cma", NULL };

		fails(bench, "bad --backing", a, 2,
		      "unknown name 'cma' in 'vmalloc,cma': use vmalloc, pages or dma");
	}
	{
		static const char *const a[] = { "--mapping", "wc,", NULL };

		fails(bench, "empty --mapping item", a, 2,
		      "unknown name '' in 'wc,': use cached, wc or uncached");
	}
	{
		static const char *const a[] = {
			"--methods", "memcpy", "--sizes", "4K", "--min-time",
			"0.005", "--backing", "pages", "--mapping", "wc",
			"--format", "csv", NULL,
		};
		struct run r = run(bench, a);

		tap_ok(r.status == 0 &&
		       strstr(r.err, "--backing and --mapping ignored") &&
		       strstr(r.out, "\n# backing: n/a\n") &&
		       strstr(r.out, ",n/a,n/a\n"),
		       "smoke: --backing/--mapping without a device method: noted, rows n/a");
		done(&r);
	}
	{
		static const char *const a[] = { "--page-map", "huge,pte", NULL };

		fails(bench, "bad --page-map", a, 2,
		      "--page-map: unknown name 'pte' in 'huge,pte': use huge or base");
	}
	{
		static const char *const a[] = {
			"--methods", "memcpy", "--sizes", "4K", "--min-time",
			"0.005", "--page-map", "huge,base", "--format", "csv",
			NULL,
		};
		struct run r = run(bench, a);

		tap_ok(r.status == 0 &&
		       strstr(r.err, "--page-map ignored: no mmap method runs") &&
		       strstr(r.out, "\n# hpage_pmd_size: ") &&
		       strstr(r.out, ",n/a,n/a,n/a,n/a\n"),
		       "smoke: --page-map without an mmap method: noted, rows n/a, hpage_pmd_size in the metadata");
		done(&r);
	}
	{
		static const char *const a[] = {
			"--methods", "read", "--device", "/nonexistent/kxfer0",
			NULL,
		};

		fails(bench, "device method without the device", a, 2,
		      "sudo insmod driver/kxfer.ko");
	}
	{
		static const char *const a[] = {
			"--methods", "read", "--device", "/dev/null", NULL,
		};

		fails(bench, "not a kxfer device", a, 2, "not a kxfer device");
	}
	{
		static const char *const a[] = { "--bogus-option", NULL };

		fails(bench, "unknown option", a, 2, "unknown option");
	}
	{
		static const char *const a[] = {
			"--methods", "memcpy", "--cpu", "4096", NULL,
		};

		fails(bench, "unavailable cpu", a, 2, "not allowed");
	}
	{
		static const char *const a[] = {
			"--methods", "memcpy", "--sizes", "4K", "--output",
			"/nonexistent/dir/out.csv", NULL,
		};

		fails(bench, "unwritable output", a, 2, "cannot write");
	}
}

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
#include "schema.h"
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
	char *f[KX_NR_COLS + 1], *p = line;
	int n = 0;
	double v[KX_NR_COLS];

	/* strsep keeps empty fields (p99 below 100 samples, counters). */
	while (p && n <= KX_NR_COLS)
		f[n++] = strsep(&p, ",");
	if (n != KX_NR_COLS)
		return 0;
	/* Baselines: backing, mapping, page_map and pmd_bytes are n/a. */
	for (int i = KX_COL_BACKING; i <= KX_COL_PMD; i++)
		if (strcmp(f[i], "n/a"))
			return 0;
	snprintf(method, mlen, "%s", f[0]);
	for (int i = 0; i < KX_NR_COLS; i++)
		v[i] = strtod(f[i], NULL);
	return atoll(f[KX_COL_SIZE]) == 4096 && atoi(f[KX_COL_THREADS]) == 1 &&
	       atoll(f[KX_COL_ITERATIONS]) > 0 && v[KX_COL_MIN] > 0 &&
	       v[KX_COL_MIN] <= v[KX_COL_P90] && v[KX_COL_P90] <= v[KX_COL_MAX] &&
	       v[KX_COL_MIN] <= v[KX_COL_P50] && v[KX_COL_P50] <= v[KX_COL_MAX] &&
	       !*f[KX_COL_P99] && !*f[KX_COL_P999] &&
	       v[KX_COL_MEAN] >= v[KX_COL_MIN] && v[KX_COL_MEAN] <= v[KX_COL_MAX] &&
	       v[KX_COL_STDDEV] >= 0 && v[KX_COL_MAD] >= 0 && v[KX_COL_BPS] > 0 &&
	       v[KX_COL_CI_LOW] <= v[KX_COL_P50] &&
	       v[KX_COL_P50] <= v[KX_COL_CI_HIGH] &&
	       atoi(f[KX_COL_REPEATS]) == 2 && v[KX_COL_SAMPLES] >= 15 &&
	       !strcmp(f[KX_COL_CACHE], "hot") &&
	       (!strcmp(f[KX_COL_NOISY], "yes") || !strcmp(f[KX_COL_NOISY], "no")) &&
	       !strcmp(f[1], "baseline");
}

static void csv_shape(const char *bench)
{
	static const char *const args[] = {
		"--methods", "memcpy,pipe,null-ioctl", "--sizes", "4K",
		"--min-time", "0.0001", "--min-samples", "15", "--format",
		"csv", "--repeat", "2", NULL,
	};
	struct run r = run(bench, args);
	char *line, *save = NULL, method[64], seen[256] = "", hdr[2048];
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
			kx_csv_header(hdr, sizeof(hdr));
			header = !strcmp(line, hdr);
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
	       "smoke: 3 sane rows (min<=p50,p90<=max, p50 inside its interval, no p99 from < 100 samples, 2 repeats, >= 15 kept samples each), in order");
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
	static const char *const base[] = {
		"--methods", "baselines", "--device", "/nonexistent/kxfer",
		"--sizes", "64,4K", "--min-time", "0.005", "--format", "json",
		"--label", "smoke \"test\"", NULL,
	};
	struct run r = run(bench, args);

	tap_ok(r.status == 2 && strstr(r.err, "insmod") &&
	       strstr(r.err, "--methods baselines") && !r.out[0],
	       "smoke: 'all' without the device: exit 2, says to load the module or use --methods baselines");
	done(&r);
	r = run(bench, base);
	tap_ok(r.status == 0, "smoke: --methods baselines runs without the device");
	tap_ok(!json_check(r.out), "smoke: JSON output is valid");
	tap_ok(strstr(r.out, "\"method\": \"memfd-read\"") &&
	       strstr(r.out, "\"method\": \"memfd-mmap-read\"") &&
	       strstr(r.out, "\"method\": \"memfd-mmap-write\"") &&
	       strstr(r.out, "\"pair\": \"memfd-write\"") &&
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

/* --output-dir, --progress, --merge of two runs. */
static void outputs_and_merge(const char *bench)
{
	char dir[] = "/tmp/kxfer-check-dirXXXXXX", a[256], b[256], m[256];
	const char *args[] = {
		"--methods", "memfd-write,memfd-mmap-write", "--sizes", "4K",
		"--min-time", "0.005", "--repeat", "2", "--progress",
		"--output-dir", a, NULL,
	};
	const char *margs[] = { "--merge", NULL, NULL, "--output-dir", m,
				NULL };
	struct run r;
	char *csv, *json, *mcsv;
	int fd;

	if (!mkdtemp(dir)) {
		tap_ok(0, "smoke: a temporary directory");
		return;
	}
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/a/bench.csv", dir);
	snprintf(m, sizeof(m), "%s/m", dir);
	r = run(bench, args);
	tap_ok(r.status == 0 &&
	       strstr(r.err, "progress: 1/4 points, ") &&
	       strstr(r.err, "progress: 4/4 points, ") &&
	       strstr(r.err, " s elapsed, ~") && strstr(r.err, " left\n"),
	       "smoke: --progress prints 'progress: N/M points, S s elapsed, ~T left' per point");
	done(&r);
	fd = open(b, O_RDONLY);
	csv = fd >= 0 ? slurp(fd) : NULL;
	snprintf(b, sizeof(b), "%s/a/bench.json", dir);
	fd = open(b, O_RDONLY);
	json = fd >= 0 ? slurp(fd) : NULL;
	tap_ok(csv && json && !json_check(json) &&
	       strstr(csv, "memfd-mmap-write,baseline,to_kernel,4096") &&
	       strstr(json, "\"method\": \"memfd-mmap-write\"") &&
	       strstr(csv, "# crossover: pair=memfd-write/memfd-mmap-write direction=to_kernel consume=touch backing=n/a low= high= agree=none\n"),
	       "smoke: --output-dir writes bench.csv and bench.json of one run");
	snprintf(b, sizeof(b), "%s/a/bench.csv", dir);
	margs[1] = b;
	margs[2] = b;
	r = run(bench, margs);
	snprintf(b, sizeof(b), "%s/m/bench.csv", dir);
	fd = open(b, O_RDONLY);
	mcsv = fd >= 0 ? slurp(fd) : NULL;
	tap_ok(r.status == 0 && mcsv && strstr(mcsv, "# merged_runs: 2 runs") &&
	       strstr(strstr(mcsv, "memfd-mmap-write,baseline") + 1,
		      "memfd-mmap-write,baseline"),
	       "smoke: --merge of two CSVs keeps the rows of both");
	done(&r);
	free(mcsv);
	/* -o PATH: a directory gets both files, NAME.json JSON. */
	snprintf(m, sizeof(m), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/a/bench.csv", dir);
	margs[2] = "-o";
	margs[3] = m;
	margs[4] = NULL;
	snprintf(m, sizeof(m), "%s/m", dir);
	{
		char mj[300];

		snprintf(mj, sizeof(mj), "%s/m/bench.json", dir);
		unlink(mj);
		r = run(bench, margs);
		tap_ok(r.status == 0 && !access(mj, R_OK),
		       "smoke: --merge -o DIR writes bench.csv and bench.json into it");
		done(&r);
	}
	snprintf(m, sizeof(m), "%s/merged.json", dir);
	r = run(bench, margs);
	fd = open(m, O_RDONLY);
	mcsv = fd >= 0 ? slurp(fd) : NULL;
	tap_ok(r.status == 0 && mcsv && !json_check(mcsv) &&
	       strstr(mcsv, "\"crossovers\": ["),
	       "smoke: --merge -o NAME.json writes JSON");
	done(&r);
	free(csv);
	free(json);
	free(mcsv);
	snprintf(b, sizeof(b), "rm -rf '%s'", dir);
	if (system(b))
		tap_diag("could not remove %s", dir);
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

		fails(bench, "bad --consume", a, 2,
		      "unknown user-work mode; use none, touch, checksum, fill, read or copy");
	}
	{
		static const char *const a[] = { "--backing", "vmalloc,cma", NULL };

		fails(bench, "bad --backing", a, 2,
		      "unknown name 'cma' in 'vmalloc,cma': use vmalloc, pages, dma, shmem, dma-wc or dma-noncoherent");
	}
	{
		static const char *const a[] = { "--mapping", "wc", NULL };

		fails(bench, "--mapping (before ABI 4)", a, 2,
		      "use --backing (dma: uncached, dma-wc: wc");
	}
	{
		static const char *const a[] = { "--cache", "wc", NULL };

		fails(bench, "--cache with an attribute (before ABI 4)", a, 2,
		      "use --backing dma-wc");
	}
	{
		static const char *const a[] = { "--cache", "warm", NULL };

		fails(bench, "bad --cache", a, 2, "use hot or cold");
	}
	{
		static const char *const a[] = { "--repeat", "0", NULL };

		fails(bench, "--repeat 0", a, 2, "bad --repeat '0': must be 1..");
	}
	{
		static const char *const a[] = {
			"--methods", "memcpy", "--cache", "cold", "--threads",
			"1024", "--sizes", "4K", NULL,
		};

		fails(bench, "cold cache larger than memory", a, 2,
		      "--cache cold");
	}
	{
		static const char *const a[] = {
			"--methods", "memcpy", "--sizes", "4K", "--min-time",
			"0.005", "--backing", "pages", "--format", "csv", NULL,
		};
		struct run r = run(bench, a);

		tap_ok(r.status == 0 &&
		       strstr(r.err, "--backing and --page-map ignored") &&
		       strstr(r.out, "\n# backing: n/a\n") &&
		       strstr(r.out, ",n/a,n/a,n/a,n/a,hot,"),
		       "smoke: --backing without a device method: noted, rows n/a");
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
		       strstr(r.err, "--page-map ignored: no device method runs") &&
		       strstr(r.out, "\n# hpage_pmd_size: ") &&
		       strstr(r.out, ",n/a,n/a,n/a,n/a,hot,"),
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
			"--device", "/nonexistent/kxfer0", NULL,
		};

		fails(bench, "default methods without the device", a, 2,
		      "or measure only what needs no module with --methods baselines");
	}
	outputs_and_merge(bench);
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

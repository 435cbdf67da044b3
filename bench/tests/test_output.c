// SPDX-License-Identifier: GPL-2.0
/* CSV and JSON writers: escaping, the contract's header, valid JSON. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "output.h"
#include "pmdprobe.h"
#include "tap.h"

typedef void (*str_writer)(FILE *f, const char *s);

static char *capture_str(str_writer w, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	w(f, s);
	fclose(f);
	return buf;
}

static void esc(str_writer w, const char *name, const char *in,
		const char *want)
{
	char *got = capture_str(w, in);
	char shown[64];
	size_t k = 0;

	/* The test name must stay on one TAP line. */
	for (const char *p = want; *p && k + 3 < sizeof(shown); p++) {
		if (*p == '\n') {
			shown[k++] = '\\';
			shown[k++] = 'n';
		} else {
			shown[k++] = *p;
		}
	}
	shown[k] = '\0';
	if (!tap_ok(got && !strcmp(got, want), "%s escapes to %s", name,
		    shown))
		tap_diag("got [%s]", got ? got : "(null)");
	free(got);
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && !strcmp(s + n - k, tail);
}

static struct kx_result sample(const char *method, uint64_t size)
{
	struct kx_result r = {
		.method = method, .path = "copy", .direction = "to_kernel",
		.consume = "touch", .work = "none", .size = size,
		.threads = 1, .iterations = 1000,
		.st = { .samples = 10, .min = 100, .p50 = 200, .p90 = 250,
			.p99 = 300, .p999 = 310, .max = 400, .mean = 210,
			.stddev = 20.5, .mad = 10 },
		.bytes_per_s = (double)size * 1e9 / 200,
		.faults_per_op = -1,
		.backing = "pages", .mapping = "n/a", .page_map = "n/a",
		.pmd_bytes = KX_PMD_NA, .cache = "hot", .repeats = 3,
		.samples = 10, .dropped = 2, .ci_low = 190, .ci_high = 210,
		.cv = 0.02, .cpu_ns_per_byte = 0.5,
		.counters = { NAN, NAN, 0.25, NAN, NAN },
	};

	return r;
}

static void fake_meta(struct kx_meta *m)
{
	memset(m, 0, sizeof(*m));
	kx_meta_set(m, "tool_version", "v1-2-gabc");
	kx_meta_set(m, "label", "two\nlines, \"quoted\"\ttab");
	kx_meta_num(m, "page_size", "4096");
	kx_meta_num(m, "clock_overhead_ns", "21.5");
}

/* --merge: a CSV read back writes the same bytes and valid JSON. */
static void merge_roundtrip(const char *csv)
{
	char path[] = "/tmp/kxfer-bench-test-XXXXXX";
	int fd = mkstemp(path);
	struct kx_dataset back = { 0 };
	char *again = NULL, err[256] = "";
	size_t alen = 0;
	FILE *tf = fd >= 0 ? fdopen(fd, "w") : NULL, *f;

	if (tf) {
		fputs(csv, tf);
		fclose(tf);
	}
	tap_ok(tf && !kx_dataset_read_csv(&back, path, err, sizeof(err)) &&
	       back.nrows == 4 && back.ncross == 1,
	       "merge: reads its own CSV back %s", err);
	f = open_memstream(&again, &alen);
	kx_write_csv(f, &back);
	fclose(f);
	tap_ok(again && !strcmp(again, csv),
	       "merge: a CSV read back writes the same bytes");
	free(again);
	again = NULL;
	f = open_memstream(&again, &alen);
	kx_write_json(f, &back);
	fclose(f);
	if (!tap_ok(!json_check(again) && strstr(again, "\"page_size\": 4096") &&
		    strstr(again, "{\"pair\": \"write/mmap-write\"") &&
		    strstr(again, "\"low\": 512, \"high\": 1024, \"agree\": \"5/5\"}"),
		    "merge: JSON from a CSV: numbers, crossovers as objects"))
		tap_diag("%s", again);
	free(again);
	kx_dataset_free(&back);
	tf = fopen(path, "w");
	if (tf) {
		fputs("# a: b\nmethod,path\nx,y\n", tf);
		fclose(tf);
	}
	tap_ok(kx_dataset_read_csv(&back, path, err, sizeof(err)) == -1 &&
	       strstr(err, "header"),
	       "merge: a CSV of another version is refused with a reason");
	kx_dataset_free(&back);
	remove(path);
}

void test_output(void)
{
	struct kx_result r[4] = { sample("write", 4096),
				  sample("weird,\"name\"", 64),
				  sample("mmap-fault", 2097152),
				  sample("mmap-fault", 2097152) };
	struct kx_meta m, m2;
	struct kx_dataset ds;
	struct kx_crossover cx = {
		.copy = "write", .mmap = "mmap-write", .direction = "to_kernel",
		.consume = "fill", .backing = "vmalloc", .page_map = "huge",
		.cache = "hot", .found = 1, .low = 512, .high = 1024,
		.agree = 5, .reps = 5,
	};
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f;
	int meta_lines = 0, header_ok = 0, rows = 0, row0_ok = 0;
	int huge_ok = 0, base_ok = 0;

	/* mmap rows: the requested page map and the measured PMD bytes. */
	for (int i = 2; i < 4; i++) {
		r[i].path = "mmap";
		r[i].direction = "setup";
		r[i].consume = r[i].work = "n/a";
		r[i].mapping = "cached";
	}
	r[2].page_map = "huge";
	r[2].pmd_bytes = 2097152;
	r[3].page_map = "base";
	r[3].pair = "write";
	r[3].ratio = 1.5;
	r[3].ratio_low = 1.25;
	r[3].ratio_high = 1.75;
	r[3].verdict = "mmap";
	r[3].pmd_bytes = 0;

	esc(kx_csv_field, "csv", "plain", "plain");
	esc(kx_csv_field, "csv", "a,b", "\"a,b\"");
	esc(kx_csv_field, "csv", "say \"hi\"", "\"say \"\"hi\"\"\"");
	esc(kx_csv_field, "csv", "two\nlines", "\"two\nlines\"");
	esc(kx_json_string, "json", "plain", "\"plain\"");
	esc(kx_json_string, "json", "a\"b\\c", "\"a\\\"b\\\\c\"");
	esc(kx_json_string, "json", "nl\n tab\t cr\r",
	    "\"nl\\n tab\\t cr\\r\"");
	esc(kx_json_string, "json", "\x01\x1f", "\"\\u0001\\u001f\"");
	esc(kx_json_string, "json", "caf\xc3\xa9", "\"caf\xc3\xa9\"");

	/* CSV document. */
	fake_meta(&m);
	fake_meta(&m2);
	kx_dataset_from_results(&ds, &m2, r, 4, &cx, 1);
	f = open_memstream(&buf, &len);
	kx_write_csv(f, &ds);
	fclose(f);
	tap_ok(strstr(buf, "# crossover: pair=write/mmap-write direction=to_kernel consume=fill backing=vmalloc low=512 high=1024 agree=5/5\n") != NULL,
	       "csv: crossover metadata line");
	merge_roundtrip(buf);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') {
			meta_lines++;
			continue;
		}
		if (!header_ok) {
			/* Spelled out here, not taken from the writer. */
			header_ok = !strcmp(line,
				"method,path,direction,size_bytes,threads,consume,work,iterations,min_ns,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,mean_ns,stddev_ns,mad_ns,bytes_per_s_p50,backing,mapping,page_map,pmd_bytes,"
				"cache,repeats,samples,dropped,p50_ci_low_ns,p50_ci_high_ns,cv,noisy,cpu_ns_per_byte,cycles,instructions,page_faults,dtlb_misses,llc_misses,pair,ratio,ratio_ci_low,ratio_ci_high,verdict");
			continue;
		}
		rows++;
		if (rows == 1)
			row0_ok = !strcmp(line,
				"write,copy,to_kernel,4096,1,touch,none,1000,100.00,200.00,250.00,300.00,310.00,400.00,210.00,20.50,10.00,20480000000,pages,n/a,n/a,n/a,"
				"hot,3,10,2,190.00,210.00,0.0200,no,0.5000,,,0.25,,,,,,,");
		else if (rows == 2)
			tap_ok(!strncmp(line, "\"weird,\"\"name\"\"\",copy,", 22),
			       "csv: odd method name quoted");
		else if (rows == 3)
			huge_ok = strstr(line, ",pages,cached,huge,2097152,hot,") != NULL;
		else
			base_ok = strstr(line, ",pages,cached,base,0,hot,") &&
				  ends_with(line, ",write,1.5000,1.2500,1.7500,mmap");
	}
	tap_ok(meta_lines == 5, "csv: 4 metadata lines (a newline in a value kept on one line) and the crossover line");
	tap_ok(header_ok, "csv: header is the contract's");
	tap_ok(row0_ok, "csv: row fields and number format");
	tap_ok(rows == 4, "csv: one row per result");
	tap_ok(huge_ok && base_ok,
	       "csv: mmap rows: page_map, measured pmd_bytes (0 for base); pair columns last");
	free(buf);

	/* JSON document. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	kx_write_json(f, &ds);
	fclose(f);
	if (!tap_ok(!json_check(buf), "json: output is valid JSON"))
		tap_diag("%s", buf);
	tap_ok(strstr(buf, "\"page_size\": 4096") != NULL,
	       "json: numeric metadata is a number");
	tap_ok(strstr(buf, "\"label\": \"two\\nlines, \\\"quoted\\\"\\ttab\"") != NULL,
	       "json: string metadata escaped");
	tap_ok(strstr(buf, "\"p50_ns\": 200.00") && strstr(buf, "\"size_bytes\": 4096") &&
	       strstr(buf, "\"bytes_per_s_p50\": 20480000000"),
	       "json: result fields");
	tap_ok(strstr(buf, "\"backing\": \"pages\", \"mapping\": \"n/a\", \"page_map\": \"n/a\", \"pmd_bytes\": null, \"cache\"") != NULL,
	       "json: backing, mapping, page_map and pmd_bytes in CSV order; n/a pmd_bytes is null");
	tap_ok(strstr(buf, "\"page_map\": \"huge\", \"pmd_bytes\": 2097152,") &&
	       strstr(buf, "\"page_map\": \"base\", \"pmd_bytes\": 0,"),
	       "json: measured pmd_bytes is a number");
	tap_ok(strstr(buf, "\"p99_ns\": 300.00") &&
	       strstr(buf, "\"cycles\": null, \"instructions\": null, \"page_faults\": 0.25") &&
	       strstr(buf, "\"pair\": null, \"ratio\": null") &&
	       strstr(buf, "\"pair\": \"write\", \"ratio\": 1.5000, \"ratio_ci_low\": 1.2500, \"ratio_ci_high\": 1.7500, \"verdict\": \"mmap\"}"),
	       "json: empty cells are null, pair columns typed");
	free(buf);

	/* Table: one combination stays plain, a sweep gets sections. */
	{
		struct kx_result t[3] = { sample("write", 4096),
					  sample("mmap-write", 4096),
					  sample("mmap-write", 4096) };

		t[0].backing = t[1].backing = t[2].backing = "vmalloc";
		t[1].path = t[2].path = "mmap";
		t[1].mapping = "cached";
		t[2].mapping = "wc";
		buf = NULL;
		f = open_memstream(&buf, &len);
		kx_write_table(f, &m, t, 2, NULL, 0);
		fclose(f);
		tap_ok(!strstr(buf, "== backing"),
		       "table: a single backing/mapping has no sections");
		free(buf);
		buf = NULL;
		f = open_memstream(&buf, &len);
		kx_write_table(f, &m, t, 3, NULL, 0);
		fclose(f);
		if (!tap_ok(strstr(buf, "== backing vmalloc, mapping cached") &&
			    strstr(buf, "== backing vmalloc, mapping wc") &&
			    strstr(strstr(buf, "mapping wc"), "\nwrite "),
			    "table: one section per mapping, copy rows in each"))
			tap_diag("%s", buf);
		free(buf);
	}

	/* No results still makes a valid document. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	kx_dataset_free(&ds);
	fake_meta(&m2);
	kx_dataset_from_results(&ds, &m2, r, 0, NULL, 0);
	kx_write_json(f, &ds);
	fclose(f);
	tap_ok(!json_check(buf), "json: empty results is valid JSON");
	free(buf);
	kx_dataset_free(&ds);

	tap_ok(json_check("{\"a\": [1, 2,]}") == -1 &&
	       json_check("{\"a\": nan}") == -1 &&
	       json_check("{\"a\": \"x\n\"}") == -1,
	       "json checker rejects bad JSON (trailing comma, nan, raw newline)");

	{
		char b[32];

		kx_format_ns(812.04, b, sizeof(b));
		tap_ok(!strcmp(b, "812.0 ns"), "format ns: 812.0 ns");
		kx_format_ns(12345, b, sizeof(b));
		tap_ok(!strcmp(b, "12.35 us") || !strcmp(b, "12.34 us"),
		       "format ns: 12.3x us");
		kx_format_ns(4.56e6, b, sizeof(b));
		tap_ok(!strcmp(b, "4.56 ms"), "format ns: 4.56 ms");
	}
	kx_meta_free(&m);
}

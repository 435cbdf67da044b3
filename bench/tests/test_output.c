// SPDX-License-Identifier: GPL-2.0
/* CSV and JSON writers: escaping, the contract's header, valid JSON. */
#define _GNU_SOURCE
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
		.pmd_bytes = KX_PMD_NA,
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

void test_output(void)
{
	struct kx_result r[4] = { sample("write", 4096),
				  sample("weird,\"name\"", 64),
				  sample("mmap-fault", 2097152),
				  sample("mmap-fault", 2097152) };
	struct kx_meta m;
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
	f = open_memstream(&buf, &len);
	kx_write_csv(f, &m, r, 4);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') {
			meta_lines++;
			continue;
		}
		if (!header_ok) {
			/* Spelled out here, not taken from the writer. */
			header_ok = !strcmp(line,
				"method,path,direction,size_bytes,threads,consume,work,iterations,min_ns,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,mean_ns,stddev_ns,mad_ns,bytes_per_s_p50,backing,mapping,page_map,pmd_bytes");
			continue;
		}
		rows++;
		if (rows == 1)
			row0_ok = !strcmp(line,
				"write,copy,to_kernel,4096,1,touch,none,1000,100.00,200.00,250.00,300.00,310.00,400.00,210.00,20.50,10.00,20480000000,pages,n/a,n/a,n/a");
		else if (rows == 2)
			tap_ok(!strncmp(line, "\"weird,\"\"name\"\"\",copy,", 22),
			       "csv: odd method name quoted");
		else if (rows == 3)
			huge_ok = ends_with(line, ",pages,cached,huge,2097152");
		else
			base_ok = ends_with(line, ",pages,cached,base,0");
	}
	tap_ok(meta_lines == 4, "csv: 4 metadata lines, newline in a value kept on one line");
	tap_ok(header_ok, "csv: header is the contract's");
	tap_ok(row0_ok, "csv: row fields and number format");
	tap_ok(rows == 4, "csv: one row per result");
	tap_ok(huge_ok && base_ok,
	       "csv: mmap rows end with page_map and the measured pmd_bytes (bytes; 0 for base)");
	free(buf);

	/* JSON document. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	kx_write_json(f, &m, r, 4);
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
	tap_ok(strstr(buf, "\"backing\": \"pages\", \"mapping\": \"n/a\", \"page_map\": \"n/a\", \"pmd_bytes\": null}") != NULL,
	       "json: backing, mapping, page_map and pmd_bytes last; n/a pmd_bytes is null");
	tap_ok(strstr(buf, "\"page_map\": \"huge\", \"pmd_bytes\": 2097152}") &&
	       strstr(buf, "\"page_map\": \"base\", \"pmd_bytes\": 0}"),
	       "json: measured pmd_bytes is a number");
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
		kx_write_table(f, &m, t, 2);
		fclose(f);
		tap_ok(!strstr(buf, "== backing"),
		       "table: a single backing/mapping has no sections");
		free(buf);
		buf = NULL;
		f = open_memstream(&buf, &len);
		kx_write_table(f, &m, t, 3);
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
	kx_write_json(f, &m, r, 0);
	fclose(f);
	tap_ok(!json_check(buf), "json: empty results is valid JSON");
	free(buf);

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

// SPDX-License-Identifier: GPL-2.0
#include <math.h>

#include "output.h"

void kx_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (ch < 0x20)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

/* JSON has no NaN or infinity. */
static void num(FILE *f, const char *key, double v, int decimals)
{
	fprintf(f, ", \"%s\": ", key);
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
	else
		fputs("null", f);
}

static void str(FILE *f, const char *key, const char *v, int first)
{
	fprintf(f, "%s\"%s\": ", first ? "" : ", ", key);
	kx_json_string(f, v);
}

void kx_write_json(FILE *f, const struct kx_meta *m,
		   const struct kx_result *r, size_t n)
{
	fputs("{\n  \"meta\": {", f);
	for (size_t i = 0; i < m->n; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		kx_json_string(f, m->items[i].key);
		fputs(": ", f);
		if (m->items[i].numeric)
			fputs(m->items[i].value, f);
		else
			kx_json_string(f, m->items[i].value);
	}
	fputs("\n  },\n  \"results\": [", f);
	for (size_t i = 0; i < n; i++) {
		const struct kx_result *x = &r[i];
		const struct kx_stats *s = &x->st;

		fputs(i ? ",\n    {" : "\n    {", f);
		str(f, "method", x->method, 1);
		str(f, "path", x->path, 0);
		str(f, "direction", x->direction, 0);
		fprintf(f, ", \"size_bytes\": %llu, \"threads\": %u",
			(unsigned long long)x->size, x->threads);
		str(f, "consume", x->consume, 0);
		str(f, "work", x->work, 0);
		fprintf(f, ", \"iterations\": %llu",
			(unsigned long long)x->iterations);
		num(f, "min_ns", s->min, 2);
		num(f, "p50_ns", s->p50, 2);
		num(f, "p90_ns", s->p90, 2);
		num(f, "p99_ns", s->p99, 2);
		num(f, "p999_ns", s->p999, 2);
		num(f, "max_ns", s->max, 2);
		num(f, "mean_ns", s->mean, 2);
		num(f, "stddev_ns", s->stddev, 2);
		num(f, "mad_ns", s->mad, 2);
		num(f, "bytes_per_s_p50", x->bytes_per_s, 0);
		str(f, "backing", x->backing ? x->backing : "n/a", 0);
		str(f, "mapping", x->mapping ? x->mapping : "n/a", 0);
		str(f, "page_map", x->page_map ? x->page_map : "n/a", 0);
		/* JSON has no "n/a" number: null, as for NaN. */
		if (x->pmd_bytes >= 0)
			fprintf(f, ", \"pmd_bytes\": %lld", x->pmd_bytes);
		else
			fputs(", \"pmd_bytes\": null", f);
		fputc('}', f);
	}
	fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
}

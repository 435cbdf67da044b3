// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "output.h"
#include "pmdprobe.h"

const char kx_csv_header[] =
	"method,path,direction,size_bytes,threads,consume,work,iterations,"
	"min_ns,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,mean_ns,stddev_ns,mad_ns,"
	"bytes_per_s_p50,backing,mapping,page_map,pmd_bytes";

void kx_format_pmd(long long pmd_bytes, char *buf, size_t len)
{
	if (pmd_bytes == KX_PMD_NA)
		snprintf(buf, len, "n/a");
	else if (pmd_bytes < 0)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%lld", pmd_bytes);
}

void kx_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* "# key: value" on one line, whatever the value holds. */
static void meta_line(FILE *f, const char *key, const char *value)
{
	fprintf(f, "# %s: ", key);
	for (; *value; value++)
		fputc(*value == '\n' || *value == '\r' ? ' ' : *value, f);
	fputc('\n', f);
}

void kx_write_csv(FILE *f, const struct kx_meta *m,
		  const struct kx_result *r, size_t n)
{
	for (size_t i = 0; i < m->n; i++)
		meta_line(f, m->items[i].key, m->items[i].value);
	fprintf(f, "%s\n", kx_csv_header);
	for (size_t i = 0; i < n; i++) {
		const struct kx_result *x = &r[i];
		const struct kx_stats *s = &x->st;
		char pmd[32];

		kx_csv_field(f, x->method);
		fputc(',', f);
		kx_csv_field(f, x->path);
		fputc(',', f);
		kx_csv_field(f, x->direction);
		fprintf(f, ",%llu,%u,", (unsigned long long)x->size,
			x->threads);
		kx_csv_field(f, x->consume);
		fputc(',', f);
		kx_csv_field(f, x->work);
		fprintf(f,
			",%llu,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.0f,",
			(unsigned long long)x->iterations, s->min, s->p50,
			s->p90, s->p99, s->p999, s->max, s->mean, s->stddev,
			s->mad, x->bytes_per_s);
		kx_csv_field(f, x->backing ? x->backing : "n/a");
		fputc(',', f);
		kx_csv_field(f, x->mapping ? x->mapping : "n/a");
		fputc(',', f);
		kx_csv_field(f, x->page_map ? x->page_map : "n/a");
		kx_format_pmd(x->pmd_bytes, pmd, sizeof(pmd));
		fprintf(f, ",%s\n", pmd);
	}
}

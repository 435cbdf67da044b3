// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "output.h"
#include "sizes.h"

void kx_format_ns(double ns, char *buf, size_t len)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.1f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

static void write_body(FILE *f, unsigned long long page,
		       const struct kx_result *r, size_t n)
{
	char sz[32], c[6][32];
	int notes = 0;

	fprintf(f, "\n%-15s %6s %3s %10s %11s %11s %11s %11s %11s %10s\n",
		"method", "size", "thr", "ops", "p50", "p90", "p99", "min",
		"MAD", "MB/s@p50");
	for (size_t i = 0; i < n; i++) {
		const struct kx_result *x = &r[i];

		kx_format_size(x->size, sz, sizeof(sz));
		kx_format_ns(x->st.p50, c[0], sizeof(c[0]));
		kx_format_ns(x->st.p90, c[1], sizeof(c[1]));
		kx_format_ns(x->st.p99, c[2], sizeof(c[2]));
		kx_format_ns(x->st.min, c[3], sizeof(c[3]));
		kx_format_ns(x->st.mad, c[4], sizeof(c[4]));
		if (x->no_data)
			snprintf(c[5], sizeof(c[5]), "-");
		else
			snprintf(c[5], sizeof(c[5]), "%.1f",
				 x->bytes_per_s / 1e6);
		fprintf(f, "%-15s %6s %3u %10llu %11s %11s %11s %11s %11s %10s\n",
			x->method, sz, x->threads,
			(unsigned long long)x->iterations, c[0], c[1], c[2],
			c[3], c[4], c[5]);
	}
	for (size_t i = 0; i < n; i++) {
		const struct kx_result *x = &r[i];

		if (x->faults_per_op < 0)
			continue;
		if (!notes++)
			fputs("\nPage faults counted by the driver per operation (timed part):\n",
			      f);
		kx_format_size(x->size, sz, sizeof(sz));
		fprintf(f, "  %-12s %6s %8.2f", x->method, sz,
			x->faults_per_op);
		if (page)
			fprintf(f, "  (the mapping has %llu page%s)",
				(x->size + page - 1) / page,
				x->size > page ? "s" : "");
		fputc('\n', f);
	}
	notes = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kx_result *x = &r[i];

		if (x->pmd_bytes <= 0)
			continue;
		if (!notes++)
			fputs("\nMapped with huge pages (PMD entries; FilePmdMapped of one mapping, measured before timing):\n",
			      f);
		kx_format_size(x->size, sz, sizeof(sz));
		kx_format_size((uint64_t)x->pmd_bytes, c[0], sizeof(c[0]));
		fprintf(f, "  %-12s %6s  %s of %s\n", x->method, sz, c[0], sz);
	}
	kx_write_comparisons(f, r, n);
}

static const char *or_na(const char *s)
{
	return s ? s : "n/a";
}

/* Adds s to the distinct values in v[] (n of them), "n/a" excepted. */
static void add_distinct(const char **v, size_t *n, const char *s)
{
	if (!strcmp(s, "n/a"))
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i], s))
			return;
	v[(*n)++] = s;
}

/*
 * One run, one (backing, mapping, page map): the plain table.  A sweep
 * gets one section per combination, each with the copy methods and
 * baselines of that backing (their mapping and page map are n/a) next to
 * the mmap methods of that combination, so the comparisons stay like for
 * like.
 */
void kx_write_table(FILE *f, const struct kx_meta *m,
		    const struct kx_result *r, size_t n)
{
	const char *pg = kx_meta_get(m, "page_size");
	unsigned long long page = pg ? strtoull(pg, NULL, 10) : 0;
	const char **backs, **maps, **pms;
	struct kx_result *sel;
	size_t nb = 0, nm = 0, np = 0;

	for (size_t i = 0; i < m->n; i++)
		fprintf(f, "# %s: %s\n", m->items[i].key, m->items[i].value);
	backs = calloc(n + 1, sizeof(*backs));
	maps = calloc(n + 1, sizeof(*maps));
	pms = calloc(n + 1, sizeof(*pms));
	sel = calloc(n + 1, sizeof(*sel));
	if (!backs || !maps || !pms || !sel)
		goto plain;
	for (size_t i = 0; i < n; i++) {
		add_distinct(backs, &nb, or_na(r[i].backing));
		add_distinct(maps, &nm, or_na(r[i].mapping));
		add_distinct(pms, &np, or_na(r[i].page_map));
	}
	if (nb <= 1 && nm <= 1 && np <= 1)
		goto plain;
	if (!nb)
		backs[nb++] = "n/a";
	if (!nm)
		maps[nm++] = "n/a";
	if (!np)
		pms[np++] = "n/a";
	for (size_t b = 0; b < nb; b++) {
		int has_mmap = 0;

		for (size_t i = 0; i < n; i++)
			has_mmap |= !strcmp(or_na(r[i].backing), backs[b]) &&
				    strcmp(or_na(r[i].mapping), "n/a");
		for (size_t k = 0; k < nm * np; k++) {
			const char *map = maps[k / np], *pm = pms[k % np];
			size_t ns = 0, own = 0;

			for (size_t i = 0; i < n; i++) {
				const char *rm = or_na(r[i].mapping);
				const char *rp = or_na(r[i].page_map);

				if (strcmp(or_na(r[i].backing), backs[b]))
					continue;
				if (!strcmp(rm, map) && !strcmp(rp, pm))
					own++;
				else if (strcmp(rm, "n/a"))
					continue;
				sel[ns++] = r[i];
			}
			/*
			 * Copy rows go with each combination measured on
			 * their backing, or once when it has no mmap rows.
			 */
			if (has_mmap ? !own : k > 0)
				continue;
			if (np > 1)
				fprintf(f, "\n== backing %s, mapping %s, page map %s (mmap methods; copy methods and baselines: n/a) ==\n",
					backs[b], map, pm);
			else
				fprintf(f, "\n== backing %s, mapping %s (mmap methods; copy methods and baselines: n/a) ==\n",
					backs[b], map);
			write_body(f, page, sel, ns);
		}
	}
	free(backs);
	free(maps);
	free(pms);
	free(sel);
	return;
plain:
	free(backs);
	free(maps);
	free(pms);
	free(sel);
	write_body(f, page, r, n);
}

// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <math.h>

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

/* The verdicts kx_verdicts() put on the pair rows, formatted. */
static void write_verdicts(FILE *f, const struct kx_result *r, size_t n)
{
	char sz[32];
	int any = 0;

	for (size_t i = 0; i < n; i++) {
		const struct kx_result *x = &r[i];

		if (!x->pair)
			continue;
		if (!any++)
			fputs("\nCopy vs mmap (ratio = copy p50 / mmap p50, > 1: mmap faster; 95% interval over the repetitions; tie when it contains 1):\n",
			      f);
		kx_format_size(x->size, sz, sizeof(sz));
		fprintf(f, "  %-16s vs %-14s %6s  %7.3fx  [%.3f, %.3f]  %s%s\n",
			x->method, x->pair, sz, x->ratio, x->ratio_low,
			x->ratio_high, !strcmp(x->verdict, "tie") ? "tie" :
			!strcmp(x->verdict, "mmap") ? "mmap faster" :
			"copy faster", x->noisy ? " (noisy)" : "");
	}
}

static void write_body(FILE *f, unsigned long long page,
		       const struct kx_result *r, size_t n)
{
	char sz[32], c[6][32];
	int notes = 0;

	fprintf(f, "\n%-16s %6s %3s %10s %11s %23s %6s %11s %11s %10s %8s\n",
		"method", "size", "thr", "ops", "p50", "p50 95% interval",
		"CV", "p99", "min", "MB/s@p50", "CPUns/B");
	for (size_t i = 0; i < n; i++) {
		const struct kx_result *x = &r[i];
		char ci[72], cv[16], cpu[24];

		kx_format_size(x->size, sz, sizeof(sz));
		kx_format_ns(x->st.p50, c[0], sizeof(c[0]));
		kx_format_ns(x->ci_low, c[1], sizeof(c[1]));
		kx_format_ns(x->ci_high, c[4], sizeof(c[4]));
		snprintf(ci, sizeof(ci), "%s..%s", c[1], c[4]);
		if (isfinite(x->st.p99))
			kx_format_ns(x->st.p99, c[2], sizeof(c[2]));
		else
			snprintf(c[2], sizeof(c[2]), "-");
		kx_format_ns(x->st.min, c[3], sizeof(c[3]));
		if (x->no_data)
			snprintf(c[5], sizeof(c[5]), "-");
		else
			snprintf(c[5], sizeof(c[5]), "%.1f",
				 x->bytes_per_s / 1e6);
		snprintf(cv, sizeof(cv), "%.1f%%%s", x->cv * 100,
			 x->noisy ? "!" : "");
		if (isfinite(x->cpu_ns_per_byte))
			snprintf(cpu, sizeof(cpu), "%.3f", x->cpu_ns_per_byte);
		else
			snprintf(cpu, sizeof(cpu), "-");
		fprintf(f, "%-16s %6s %3u %10llu %11s %23s %6s %11s %11s %10s %8s\n",
			x->method, sz, x->threads,
			(unsigned long long)x->iterations, c[0], ci, cv, c[2],
			c[3], c[5], cpu);
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
	write_verdicts(f, r, n);
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
/* Emulation distorts more than absolute times: say so first. */
static void banner(FILE *f, const struct kx_meta *m)
{
	const char *emu = kx_meta_get(m, "emulated");

	if (!emu || strncmp(emu, "yes", 3))
		return;
	fprintf(f, "\n!! Emulated or virtualised run %s.\n"
		"!! Emulation distorts ratios as well as times (an emulator such as QEMU TCG\n"
		"!! charges instructions, not memory traffic), so copy/mmap ratios and crossovers\n"
		"!! here are not those of hardware.  An emulated run checks function and the\n"
		"!! shape of the curves; for numbers see the native baseline run in results/.\n",
		emu[3] == ' ' ? emu + 4 : emu + 3);
}

static void crossovers(FILE *f, const struct kx_crossover *c, size_t n)
{
	char a[32], b[32];

	if (n)
		fputs("\nCrossovers (where the mmap path starts to win for good):\n",
		      f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  %s/%s (%s, %s, %s%s%s): ", c[i].copy, c[i].mmap,
			c[i].direction, c[i].consume, c[i].backing,
			strcmp(c[i].page_map, "base") ? "" : ", page map base",
			strcmp(c[i].cache, "cold") ? "" : ", cold");
		if (!c[i].found) {
			fputs("no crossing\n", f);
			continue;
		}
		kx_format_size(c[i].low, a, sizeof(a));
		kx_format_size(c[i].high, b, sizeof(b));
		fprintf(f, "between %s and %s in %u of %u repetitions\n", a,
			b, c[i].agree, c[i].reps);
	}
}

void kx_write_table(FILE *f, const struct kx_meta *m,
		    const struct kx_result *r, size_t n,
		    const struct kx_crossover *cross, size_t ncross)
{
	const char *pg = kx_meta_get(m, "page_size");
	unsigned long long page = pg ? strtoull(pg, NULL, 10) : 0;
	const char **backs, **maps, **pms;
	struct kx_result *sel;
	size_t nb = 0, nm = 0, np = 0;

	for (size_t i = 0; i < m->n; i++)
		fprintf(f, "# %s: %s\n", m->items[i].key, m->items[i].value);
	banner(f, m);
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
	crossovers(f, cross, ncross);
	return;
plain:
	free(backs);
	free(maps);
	free(pms);
	free(sel);
	write_body(f, page, r, n);
	crossovers(f, cross, ncross);
}

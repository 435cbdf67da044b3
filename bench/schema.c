// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pmdprobe.h"
#include "schema.h"

const struct kx_column kx_columns[KX_NR_COLS] = {
#define KX_COL_ROW(id, n, t, d) [KX_COL_##id] = { n, t, d },
	KX_COLUMNS(KX_COL_ROW)
#undef KX_COL_ROW
};

void kx_csv_header(char *buf, size_t len)
{
	size_t w = 0;

	buf[0] = '\0';
	for (int c = 0; c < KX_NR_COLS && w < len; c++)
		w += (size_t)snprintf(buf + w, len - w, "%s%s", c ? "," : "",
				      kx_columns[c].name);
}

void kx_format_pmd(long long pmd_bytes, char *buf, size_t len)
{
	if (pmd_bytes == KX_PMD_NA)
		snprintf(buf, len, "n/a");
	else if (pmd_bytes < 0)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%lld", pmd_bytes);
}

/* NAN (not measured, not defined) is an empty field. */
static void num(char *buf, size_t len, double v, int decimals)
{
	if (isfinite(v))
		snprintf(buf, len, "%.*f", decimals, v);
	else
		buf[0] = '\0';
}

/* Per-operation counts: integers once they are large. */
static void count(char *buf, size_t len, double v)
{
	num(buf, len, v, isfinite(v) && v >= 100 ? 0 : 2);
}

static const char *or_na(const char *s)
{
	return s ? s : "n/a";
}

void kx_result_cell(const struct kx_result *x, enum kx_col col, char *buf,
		    size_t len)
{
	const struct kx_stats *s = &x->st;

	switch (col) {
	case KX_COL_METHOD:
		snprintf(buf, len, "%s", x->method);
		break;
	case KX_COL_PATH:
		snprintf(buf, len, "%s", x->path);
		break;
	case KX_COL_DIRECTION:
		snprintf(buf, len, "%s", x->direction);
		break;
	case KX_COL_SIZE:
		snprintf(buf, len, "%llu", (unsigned long long)x->size);
		break;
	case KX_COL_THREADS:
		snprintf(buf, len, "%u", x->threads);
		break;
	case KX_COL_CONSUME:
		snprintf(buf, len, "%s", x->consume);
		break;
	case KX_COL_WORK:
		snprintf(buf, len, "%s", x->work);
		break;
	case KX_COL_ITERATIONS:
		snprintf(buf, len, "%llu", (unsigned long long)x->iterations);
		break;
	case KX_COL_MIN:
		num(buf, len, s->min, 2);
		break;
	case KX_COL_P50:
		num(buf, len, s->p50, 2);
		break;
	case KX_COL_P90:
		num(buf, len, s->p90, 2);
		break;
	case KX_COL_P99:
		num(buf, len, s->p99, 2);
		break;
	case KX_COL_P999:
		num(buf, len, s->p999, 2);
		break;
	case KX_COL_MAX:
		num(buf, len, s->max, 2);
		break;
	case KX_COL_MEAN:
		num(buf, len, s->mean, 2);
		break;
	case KX_COL_STDDEV:
		num(buf, len, s->stddev, 2);
		break;
	case KX_COL_MAD:
		num(buf, len, s->mad, 2);
		break;
	case KX_COL_BPS:
		num(buf, len, x->bytes_per_s, 0);
		break;
	case KX_COL_BACKING:
		snprintf(buf, len, "%s", or_na(x->backing));
		break;
	case KX_COL_MAPPING:
		snprintf(buf, len, "%s", or_na(x->mapping));
		break;
	case KX_COL_PAGE_MAP:
		snprintf(buf, len, "%s", or_na(x->page_map));
		break;
	case KX_COL_PMD:
		kx_format_pmd(x->pmd_bytes, buf, len);
		break;
	case KX_COL_CACHE:
		snprintf(buf, len, "%s", or_na(x->cache));
		break;
	case KX_COL_REPEATS:
		snprintf(buf, len, "%u", x->repeats);
		break;
	case KX_COL_SAMPLES:
		num(buf, len, x->samples, x->samples == floor(x->samples) ?
		    0 : 1);
		break;
	case KX_COL_DROPPED:
		snprintf(buf, len, "%llu", (unsigned long long)x->dropped);
		break;
	case KX_COL_CI_LOW:
		num(buf, len, x->ci_low, 2);
		break;
	case KX_COL_CI_HIGH:
		num(buf, len, x->ci_high, 2);
		break;
	case KX_COL_CV:
		num(buf, len, x->cv, 4);
		break;
	case KX_COL_NOISY:
		snprintf(buf, len, "%s", x->noisy ? "yes" : "no");
		break;
	case KX_COL_CPU:
		num(buf, len, x->cpu_ns_per_byte, 4);
		break;
	case KX_COL_CYCLES:
	case KX_COL_INSNS:
	case KX_COL_FAULTS:
	case KX_COL_DTLB:
	case KX_COL_LLC:
		count(buf, len, x->counters[col - KX_COL_CYCLES]);
		break;
	case KX_COL_PAIR:
		snprintf(buf, len, "%s", x->pair ? x->pair : "");
		break;
	case KX_COL_RATIO:
		num(buf, len, x->pair ? x->ratio : NAN, 4);
		break;
	case KX_COL_RATIO_LOW:
		num(buf, len, x->pair ? x->ratio_low : NAN, 4);
		break;
	case KX_COL_RATIO_HIGH:
		num(buf, len, x->pair ? x->ratio_high : NAN, 4);
		break;
	case KX_COL_VERDICT:
		snprintf(buf, len, "%s", x->verdict ? x->verdict : "");
		break;
	case KX_NR_COLS:
		buf[0] = '\0';
		break;
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark CSV schema, defined once: the columns in order, their
 * JSON type and meaning.  The CSV header, the CSV rows, the JSON results,
 * `kxfer-bench --list-columns` and the merge of several runs all come
 * from this table (docs/CONTRACTS.md, "Benchmark CSV", lists it).
 */
#ifndef KX_SCHEMA_H
#define KX_SCHEMA_H

#include <stddef.h>

#include "runner.h"

enum kx_col_type { KX_STR, KX_INT, KX_NUM };

#define KX_COLUMNS(C) \
	C(METHOD, "method", KX_STR, "method name (--list-methods)") \
	C(PATH, "path", KX_STR, "copy, mmap or baseline") \
	C(DIRECTION, "direction", KX_STR, "to_kernel, from_kernel, roundtrip, setup or none") \
	C(SIZE, "size_bytes", KX_INT, "bytes per operation (per thread)") \
	C(THREADS, "threads", KX_INT, "threads, each on its own range") \
	C(CONSUME, "consume", KX_STR, "user work: none, touch, checksum, fill, read, copy; n/a") \
	C(WORK, "work", KX_STR, "kernel work (--work), n/a") \
	C(ITERATIONS, "iterations", KX_INT, "timed operations, all threads and repetitions") \
	C(MIN, "min_ns", KX_NUM, "fastest kept sample, ns per operation") \
	C(P50, "p50_ns", KX_NUM, "median of the repetition medians, ns per operation") \
	C(P90, "p90_ns", KX_NUM, "90th percentile of the kept samples (pooled)") \
	C(P99, "p99_ns", KX_NUM, "99th percentile; empty below 100 samples") \
	C(P999, "p999_ns", KX_NUM, "99.9th percentile; empty below 1000 samples") \
	C(MAX, "max_ns", KX_NUM, "slowest kept sample") \
	C(MEAN, "mean_ns", KX_NUM, "mean of the kept samples") \
	C(STDDEV, "stddev_ns", KX_NUM, "sample standard deviation of the kept samples") \
	C(MAD, "mad_ns", KX_NUM, "median absolute deviation of the kept samples") \
	C(BPS, "bytes_per_s_p50", KX_NUM, "payload handed over per second at p50 (threads x size / p50)") \
	C(BACKING, "backing", KX_STR, "vmalloc, pages, dma, shmem, dma-wc, dma-noncoherent; n/a") \
	C(MAPPING, "mapping", KX_STR, "the backing's attribute: cached, uncached, wc, noncoherent; n/a") \
	C(PAGE_MAP, "page_map", KX_STR, "huge or base (mmap methods), n/a") \
	C(PMD, "pmd_bytes", KX_INT, "PMD-mapped bytes of one mapping; n/a, unknown") \
	C(CACHE, "cache", KX_STR, "hot or cold (--cache)") \
	C(REPEATS, "repeats", KX_INT, "repetitions (--repeat)") \
	C(SAMPLES, "samples", KX_NUM, "kept samples per repetition, median") \
	C(DROPPED, "dropped", KX_INT, "disturbed samples dropped, all repetitions") \
	C(CI_LOW, "p50_ci_low_ns", KX_NUM, "bootstrap 95% interval of p50_ns, low") \
	C(CI_HIGH, "p50_ci_high_ns", KX_NUM, "bootstrap 95% interval of p50_ns, high") \
	C(CV, "cv", KX_NUM, "coefficient of variation of the repetition medians (fraction)") \
	C(NOISY, "noisy", KX_STR, "yes when cv > 0.03") \
	C(CPU, "cpu_ns_per_byte", KX_NUM, "thread CPU time per byte moved; empty without bytes") \
	C(CYCLES, "cycles", KX_NUM, "CPU cycles per operation; empty when unavailable") \
	C(INSNS, "instructions", KX_NUM, "instructions per operation; empty when unavailable") \
	C(FAULTS, "page_faults", KX_NUM, "page faults per operation; empty when unavailable") \
	C(DTLB, "dtlb_misses", KX_NUM, "dTLB load misses per operation; empty when unavailable") \
	C(LLC, "llc_misses", KX_NUM, "last-level-cache read misses per operation; empty when unavailable") \
	C(PAIR, "pair", KX_STR, "on the mmap-path row of a copy/mmap pair: the copy method; else empty") \
	C(RATIO, "ratio", KX_NUM, "partner p50 / this p50: > 1 means this (mmap-path) method is faster") \
	C(RATIO_LOW, "ratio_ci_low", KX_NUM, "bootstrap 95% interval of ratio, low") \
	C(RATIO_HIGH, "ratio_ci_high", KX_NUM, "bootstrap 95% interval of ratio, high") \
	C(VERDICT, "verdict", KX_STR, "copy, mmap or tie (interval contains 1) on pair rows; else empty")

enum kx_col {
#define KX_COL_ENUM(id, name, type, doc) KX_COL_##id,
	KX_COLUMNS(KX_COL_ENUM)
#undef KX_COL_ENUM
	KX_NR_COLS
};

struct kx_column {
	const char *name;
	enum kx_col_type type;
	const char *doc;
};

extern const struct kx_column kx_columns[KX_NR_COLS];

/* "method,path,...,verdict" */
void kx_csv_header(char *buf, size_t len);

/* The text of one cell of x, exactly as the CSV holds it. */
void kx_result_cell(const struct kx_result *x, enum kx_col col, char *buf,
		    size_t len);

/* pmd_bytes as the CSV writes it: bytes, "n/a" or "unknown". */
void kx_format_pmd(long long pmd_bytes, char *buf, size_t len);

#endif

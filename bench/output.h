/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result writers.  CSV and JSON follow docs/CONTRACTS.md ("Benchmark
 * CSV"); the table is for people and ends with the copy-vs-mmap verdict.
 */
#ifndef KX_OUTPUT_H
#define KX_OUTPUT_H

#include <stdio.h>

#include "meta.h"
#include "runner.h"

extern const char kx_csv_header[];

void kx_write_csv(FILE *f, const struct kx_meta *m,
		  const struct kx_result *r, size_t n);
void kx_write_json(FILE *f, const struct kx_meta *m,
		   const struct kx_result *r, size_t n);
void kx_write_table(FILE *f, const struct kx_meta *m,
		    const struct kx_result *r, size_t n);

/* RFC 4180 field: quoted when it holds , " CR or LF; quotes doubled. */
void kx_csv_field(FILE *f, const char *s);
/* JSON string literal with escapes; bytes >= 0x80 pass through (UTF-8). */
void kx_json_string(FILE *f, const char *s);
/* pmd_bytes as the CSV writes it: bytes, "n/a" or "unknown". */
void kx_format_pmd(long long pmd_bytes, char *buf, size_t len);
/* "812 ns", "12.3 us", "4.56 ms", "1.23 s" */
void kx_format_ns(double ns, char *buf, size_t len);

#endif

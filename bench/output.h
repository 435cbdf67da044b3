/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result writers.  CSV and JSON are made from one dataset: the metadata,
 * the crossover lines and the rows as the text of the schema's cells
 * (schema.h), whether the rows come from this run or from CSV files being
 * merged, so both formats say the same and a merge changes nothing.  The
 * table is for people and formats the verdicts (verdict.h).
 */
#ifndef KX_OUTPUT_H
#define KX_OUTPUT_H

#include <stdio.h>

#include "meta.h"
#include "runner.h"
#include "schema.h"
#include "verdict.h"

#define KX_MAX_CROSSOVERS 256

struct kx_dataset {
	struct kx_meta meta;
	char *cross[KX_MAX_CROSSOVERS];	/* crossover line values */
	size_t ncross;
	char **cells;			/* nrows * KX_NR_COLS strings */
	size_t nrows, cap;
};

/* Rows from this run's results (meta is moved into ds). */
int kx_dataset_from_results(struct kx_dataset *ds, struct kx_meta *meta,
			    const struct kx_result *r, size_t n,
			    const struct kx_crossover *cross, size_t ncross);
/*
 * Appends a kxfer-bench CSV: its rows, its crossover lines, and (for the
 * first file only) its metadata.  The header must be this version's.
 * Returns 0, or -1 with what is wrong (file, line) in err.
 */
int kx_dataset_read_csv(struct kx_dataset *ds, const char *path, char *err,
			size_t errlen);
void kx_dataset_free(struct kx_dataset *ds);

void kx_write_csv(FILE *f, const struct kx_dataset *ds);
void kx_write_json(FILE *f, const struct kx_dataset *ds);
void kx_write_table(FILE *f, const struct kx_meta *m,
		    const struct kx_result *r, size_t n,
		    const struct kx_crossover *cross, size_t ncross);

/* RFC 4180 field: quoted when it holds , " CR or LF; quotes doubled. */
void kx_csv_field(FILE *f, const char *s);
/* JSON string literal with escapes; bytes >= 0x80 pass through (UTF-8). */
void kx_json_string(FILE *f, const char *s);
/* "812 ns", "12.3 us", "4.56 ms", "1.23 s" */
void kx_format_ns(double ns, char *buf, size_t len);

#endif

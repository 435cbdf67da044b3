// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "output.h"

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

void kx_write_csv(FILE *f, const struct kx_dataset *ds)
{
	char header[2048];

	for (size_t i = 0; i < ds->meta.n; i++)
		meta_line(f, ds->meta.items[i].key, ds->meta.items[i].value);
	for (size_t i = 0; i < ds->ncross; i++)
		meta_line(f, "crossover", ds->cross[i]);
	kx_csv_header(header, sizeof(header));
	fprintf(f, "%s\n", header);
	for (size_t i = 0; i < ds->nrows; i++) {
		for (int c = 0; c < KX_NR_COLS; c++) {
			if (c)
				fputc(',', f);
			kx_csv_field(f, ds->cells[i * KX_NR_COLS + c]);
		}
		fputc('\n', f);
	}
}

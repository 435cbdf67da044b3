// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

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

/*
 * A cell as JSON: numbers as the CSV wrote them, an empty or non-numeric
 * number cell ("n/a", "unknown") as null, an empty string cell as null.
 */
static void cell(FILE *f, enum kx_col_type type, const char *s)
{
	char *end;

	if (!*s) {
		fputs("null", f);
		return;
	}
	if (type == KX_STR) {
		kx_json_string(f, s);
		return;
	}
	strtod(s, &end);
	if (*end)
		fputs("null", f);
	else
		fputs(s, f);
}

/* "key=value key=value": a crossover line as a JSON object. */
static void crossover(FILE *f, const char *line)
{
	char *copy = strdup(line), *tok, *save = NULL;
	int first = 1;

	if (!copy)
		return;
	fputc('{', f);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		fputs(first ? "" : ", ", f);
		first = 0;
		kx_json_string(f, tok);
		fputs(": ", f);
		if (!strcmp(tok, "low") || !strcmp(tok, "high"))
			cell(f, KX_INT, eq + 1);
		else
			cell(f, KX_STR, eq + 1);
	}
	fputc('}', f);
	free(copy);
}

void kx_write_json(FILE *f, const struct kx_dataset *ds)
{
	const struct kx_meta *m = &ds->meta;

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
	fputs("\n  },\n  \"crossovers\": [", f);
	for (size_t i = 0; i < ds->ncross; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		crossover(f, ds->cross[i]);
	}
	fputs(ds->ncross ? "\n  ],\n  \"results\": [" : "],\n  \"results\": [",
	      f);
	for (size_t i = 0; i < ds->nrows; i++) {
		fputs(i ? ",\n    {" : "\n    {", f);
		for (int c = 0; c < KX_NR_COLS; c++) {
			fprintf(f, "%s\"%s\": ", c ? ", " : "",
				kx_columns[c].name);
			cell(f, kx_columns[c].type,
			     ds->cells[i * KX_NR_COLS + c]);
		}
		fputc('}', f);
	}
	fputs(ds->nrows ? "\n  ]\n}\n" : "]\n}\n", f);
}

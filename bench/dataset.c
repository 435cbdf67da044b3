// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

#define CROSS_PREFIX "crossover: "

static int add_row(struct kx_dataset *ds, char **cells)
{
	if (ds->nrows == ds->cap) {
		size_t cap = ds->cap ? ds->cap * 2 : 64;
		char **c = realloc(ds->cells,
				   cap * KX_NR_COLS * sizeof(*c));

		if (!c)
			return -1;
		ds->cells = c;
		ds->cap = cap;
	}
	memcpy(ds->cells + ds->nrows * KX_NR_COLS, cells,
	       KX_NR_COLS * sizeof(*cells));
	ds->nrows++;
	return 0;
}

static int add_cross(struct kx_dataset *ds, const char *line)
{
	if (ds->ncross == KX_MAX_CROSSOVERS)
		return 0;
	ds->cross[ds->ncross] = strdup(line);
	return ds->cross[ds->ncross++] ? 0 : -1;
}

int kx_dataset_from_results(struct kx_dataset *ds, struct kx_meta *meta,
			    const struct kx_result *r, size_t n,
			    const struct kx_crossover *cross, size_t ncross)
{
	char buf[512];

	memset(ds, 0, sizeof(*ds));
	ds->meta = *meta;
	memset(meta, 0, sizeof(*meta));
	for (size_t i = 0; i < ncross; i++) {
		kx_crossover_line(&cross[i], buf, sizeof(buf));
		if (add_cross(ds, buf))
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char *cells[KX_NR_COLS];
		int bad = 0;

		for (int c = 0; c < KX_NR_COLS; c++) {
			kx_result_cell(&r[i], c, buf, sizeof(buf));
			cells[c] = strdup(buf);
			bad |= !cells[c];
		}
		if (bad || add_row(ds, cells)) {
			for (int c = 0; c < KX_NR_COLS; c++)
				free(cells[c]);
			return -1;
		}
	}
	return 0;
}

/* A strict JSON number (a CSV's metadata has no type of its own). */
static int json_number(const char *s)
{
	char *end;

	if (!*s || *s == '+' || *s == '.' || strchr(s, 'x') ||
	    strchr(s, 'X') || strpbrk(s, "iInN"))
		return 0;
	if (s[0] == '0' && s[1] && s[1] != '.')
		return 0;
	strtod(s, &end);
	return !*end;
}

/*
 * One CSV record (RFC 4180, fields may hold quoted newlines) into
 * fields[]; returns the number of fields, 0 at the end, -1 on error.
 */
static int read_record(FILE *f, char **fields, int max)
{
	int n = 0, ch, quoted = 0, any = 0;
	size_t len = 0, cap = 64;
	char *cur = malloc(cap);

	if (!cur)
		return -1;
	for (;;) {
		ch = fgetc(f);
		if (ch == EOF && !any) {
			free(cur);
			return 0;
		}
		any = 1;
		if (quoted) {
			if (ch == EOF)
				goto bad;
			if (ch == '"') {
				int next = fgetc(f);

				if (next != '"') {
					quoted = 0;
					ungetc(next, f);
					continue;
				}
			}
		} else if (ch == '"' && len == 0) {
			quoted = 1;
			continue;
		} else if (ch == ',' || ch == '\n' || ch == EOF) {
			if (n == max)
				goto bad;
			cur[len] = '\0';
			if (len && cur[len - 1] == '\r')
				cur[len - 1] = '\0';
			fields[n++] = cur;
			if (ch != ',')
				return n;
			len = 0;
			cap = 64;
			cur = malloc(cap);
			if (!cur)
				return -1;
			continue;
		}
		if (len + 2 > cap) {
			char *c = realloc(cur, cap * 2);

			if (!c)
				goto bad;
			cur = c;
			cap *= 2;
		}
		cur[len++] = (char)ch;
	}
bad:
	free(cur);
	for (int i = 0; i < n; i++)
		free(fields[i]);
	return -1;
}

int kx_dataset_read_csv(struct kx_dataset *ds, const char *path, char *err,
			size_t errlen)
{
	int first = ds->nrows == 0 && ds->meta.n == 0 && ds->ncross == 0;
	char header[2048], *line = NULL;
	size_t cap = 0, lineno = 0;
	FILE *f = fopen(path, "r");
	int ret = -1, ch;

	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(errno));
		return -1;
	}
	kx_csv_header(header, sizeof(header));
	/* Metadata lines, then the header. */
	while ((ch = fgetc(f)) == '#') {
		ssize_t got = getline(&line, &cap, f);
		char *key, *colon;

		lineno++;
		if (got < 0)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		key = line + (line[0] == ' ');
		if (!strncmp(key, CROSS_PREFIX, strlen(CROSS_PREFIX))) {
			if (add_cross(ds, key + strlen(CROSS_PREFIX)))
				goto out;
			continue;
		}
		colon = strstr(key, ": ");
		if (!first || !colon)
			continue;
		*colon = '\0';
		if (json_number(colon + 2))
			kx_meta_num(&ds->meta, key, "%s", colon + 2);
		else
			kx_meta_set(&ds->meta, key, "%s", colon + 2);
	}
	if (ch != EOF)
		ungetc(ch, f);
	lineno++;
	if (getline(&line, &cap, f) < 0 ||
	    (line[strcspn(line, "\r\n")] = '\0', strcmp(line, header))) {
		snprintf(err, errlen,
			 "%s: line %zu is not this kxfer-bench's CSV header (a CSV from another version? regenerate it, or merge files of one version)",
			 path, lineno);
		goto out;
	}
	for (;;) {
		char *cells[KX_NR_COLS + 1];
		int n = read_record(f, cells, KX_NR_COLS + 1);

		lineno++;
		if (n == 0)
			break;
		if (n != KX_NR_COLS) {
			for (int i = 0; i < n; i++)
				free(cells[i]);
			snprintf(err, errlen,
				 "%s: record %zu has %d fields, the header %d (a cut or corrupt file)",
				 path, lineno, n < 0 ? 0 : n, KX_NR_COLS);
			goto out;
		}
		if (add_row(ds, cells))
			goto out;
	}
	ret = 0;
out:
	free(line);
	fclose(f);
	return ret;
}

void kx_dataset_free(struct kx_dataset *ds)
{
	for (size_t i = 0; i < ds->nrows * KX_NR_COLS; i++)
		free(ds->cells[i]);
	free(ds->cells);
	for (size_t i = 0; i < ds->ncross; i++)
		free(ds->cross[i]);
	kx_meta_free(&ds->meta);
	memset(ds, 0, sizeof(*ds));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kxfer-bench --stream [options]: the streaming sweep.  Wires options to
 * runs: every selected method at every block size and rate, then the
 * maximum-rate search where asked, into stream.csv and stream.json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sizes.h"
#include "stream.h"

#define EXIT_USAGE 2

struct st_opts {
	struct st_cfg cfg;
	const char *methods, *sizes, *rates, *max_sizes, *csv, *json;
	double search_seconds;
};

static void usage(FILE *f)
{
	fputs("usage: kxfer-bench --stream [--dev PATH] [--methods LIST|all]\n"
	      "         [--block-sizes LIST] [--rates LIST] [--seconds S] [--warmup S]\n"
	      "         [--depth N] [--verify] [--max-rate-sizes LIST] [--search-seconds S]\n"
	      "         [--csv FILE] [--json FILE] | --list\n"
	      "defaults: /dev/kxfer0, all methods, block sizes 4K,64K, rates 1000,10000 Hz,\n"
	      "  1 s measured after 0.2 s warm-up, depth 64 (or what fits), no max-rate\n"
	      "  search (1 s per probe), stream.csv and stream.json\n", f);
}

static void list(void)
{
	printf("%-17s %-8s %s\n", "method", "side", "what the consumer/producer does");
	for (size_t i = 0; i < st_nr_methods; i++)
		printf("%-17s %-8s %s\n", st_methods[i]->name,
		       st_direction_name(st_methods[i]),
		       st_methods[i]->summary);
}

static int parse_double(const char *opt, const char *v, double lo, double hi,
			double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	if (errno || *end || end == v || *out < lo || *out > hi) {
		fprintf(stderr, "kxfer-bench: %s '%s': give a number from %g to %g\n",
			opt, v, lo, hi);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct st_opts *o, int *listed)
{
	double d;

	*o = (struct st_opts){
		.cfg = { .dev = "/dev/kxfer0", .seconds = 1, .warmup = 0.2 },
		.methods = "all", .sizes = "4K,64K", .rates = "1000,10000",
		.max_sizes = "", .csv = "stream.csv", .json = "stream.json",
		.search_seconds = 1,
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			*listed = 1;
			return 0;
		}
		if (!strcmp(a, "--list")) {
			list();
			*listed = 1;
			return 0;
		}
		if (!strcmp(a, "--verify")) {
			o->cfg.verify = 1;
			continue;
		}
		if (!v) {
			fprintf(stderr, "kxfer-bench: --stream: unknown option or missing value: %s\n", a);
			usage(stderr);
			return -1;
		}
		i++;
		if (!strcmp(a, "--dev")) {
			o->cfg.dev = v;
		} else if (!strcmp(a, "--methods")) {
			o->methods = v;
		} else if (!strcmp(a, "--block-sizes")) {
			o->sizes = v;
		} else if (!strcmp(a, "--rates")) {
			o->rates = v;
		} else if (!strcmp(a, "--max-rate-sizes")) {
			o->max_sizes = v;
		} else if (!strcmp(a, "--csv")) {
			o->csv = v;
		} else if (!strcmp(a, "--json")) {
			o->json = v;
		} else if (!strcmp(a, "--seconds")) {
			if (parse_double(a, v, 0.05, 3600, &o->cfg.seconds))
				return -1;
		} else if (!strcmp(a, "--warmup")) {
			if (parse_double(a, v, 0, 60, &o->cfg.warmup))
				return -1;
		} else if (!strcmp(a, "--search-seconds")) {
			if (parse_double(a, v, 0.05, 60, &o->search_seconds))
				return -1;
		} else if (!strcmp(a, "--depth")) {
			if (parse_double(a, v, KXFER_STREAM_MIN_DEPTH,
					 KXFER_STREAM_MAX_DEPTH, &d))
				return -1;
			o->cfg.depth = (uint32_t)d;
		} else {
			fprintf(stderr, "kxfer-bench: --stream: unknown option: %s\n", a);
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

/* Block sizes within the device's limits. */
static int parse_blocks(const char *opt, const char *list, uint64_t **out,
			size_t *n)
{
	char err[256];

	*n = 0;
	*out = NULL;
	if (!*list)
		return 0;
	if (kx_parse_sizes(list, out, n, err, sizeof(err))) {
		fprintf(stderr, "kxfer-bench: %s: %s\n", opt, err);
		return -1;
	}
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i] < KXFER_STREAM_MIN_BLOCK ||
		    (*out)[i] > KXFER_STREAM_MAX_BLOCK) {
			fprintf(stderr, "kxfer-bench: %s: %llu bytes is outside the device's %u..%u\n",
				opt, (unsigned long long)(*out)[i],
				KXFER_STREAM_MIN_BLOCK, KXFER_STREAM_MAX_BLOCK);
			return -1;
		}
	return 0;
}

static int parse_rates(const char *list, uint32_t *out, size_t max, size_t *n)
{
	char *copy = strdup(list), *save = NULL, *item;
	int ret = 0;

	*n = 0;
	for (item = copy ? strtok_r(copy, ",", &save) : NULL; item && !ret;
	     item = strtok_r(NULL, ",", &save)) {
		double d;

		if (*n == max) {
			fprintf(stderr, "kxfer-bench: --rates: at most %zu rates\n", max);
			ret = -1;
		} else if (parse_double("--rates", item, KXFER_STREAM_MIN_RATE,
					KXFER_STREAM_MAX_RATE, &d)) {
			ret = -1;
		} else {
			out[(*n)++] = (uint32_t)d;
		}
	}
	free(copy);
	if (!ret && !*n) {
		fprintf(stderr, "kxfer-bench: --rates: give at least one rate in Hz\n");
		ret = -1;
	}
	return ret;
}

static int parse_methods(const char *list, const struct st_method **sel,
			 size_t *n)
{
	char *copy = strdup(list), *save = NULL, *item;
	int ret = 0;

	*n = 0;
	if (!strcmp(list, "all")) {
		for (size_t i = 0; i < st_nr_methods; i++)
			sel[(*n)++] = st_methods[i];
		free(copy);
		return 0;
	}
	for (item = copy ? strtok_r(copy, ",", &save) : NULL; item && !ret;
	     item = strtok_r(NULL, ",", &save)) {
		const struct st_method *m = st_method_find(item);

		if (!m) {
			fprintf(stderr, "kxfer-bench: --methods: unknown streaming method '%s' (kxfer-bench --stream --list shows them)\n",
				item);
			ret = -1;
		} else if (*n < st_nr_methods) {
			sel[(*n)++] = m;
		}
	}
	free(copy);
	return ret;
}

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "kxfer-bench: cannot write %s: %s\n", path,
			strerror(errno));
	return f;
}

int kx_stream_main(int argc, char **argv)
{
	const struct st_method *sel[16];
	struct st_result *res = NULL, *maxr = NULL;
	uint64_t *sizes = NULL, *msizes = NULL;
	size_t nsel, nsizes, nmsizes, nrates, nres = 0, nmax = 0;
	uint32_t rates[32];
	struct st_opts o;
	FILE *csv = NULL, *json = NULL;
	int listed = 0, ret = EXIT_USAGE, rc;

	if (parse_opts(argc, argv, &o, &listed))
		return EXIT_USAGE;
	if (listed)
		return 0;
	if (parse_methods(o.methods, sel, &nsel) ||
	    parse_blocks("--block-sizes", o.sizes, &sizes, &nsizes) ||
	    parse_blocks("--max-rate-sizes", o.max_sizes, &msizes, &nmsizes) ||
	    parse_rates(o.rates, rates, 32, &nrates))
		goto out;

	ret = 1;
	res = calloc(nsel * nsizes * nrates + 1, sizeof(*res));
	maxr = calloc(nsel * nmsizes + 1, sizeof(*maxr));
	csv = open_out(o.csv);
	json = open_out(o.json);
	if (!res || !maxr || !csv || !json)
		goto out;
	st_csv_header(csv);

	for (size_t b = 0; b < nsizes; b++)
		for (size_t r = 0; r < nrates; r++)
			for (size_t i = 0; i < nsel; i++) {
				struct st_cfg cfg = o.cfg;

				cfg.block_size = (uint32_t)sizes[b];
				cfg.rate_hz = rates[r];
				rc = st_run(sel[i], &cfg, &res[nres]);
				if (rc)
					goto fail;
				st_csv_row(csv, &res[nres]);
				fprintf(stderr, "kxfer-bench: %-16s %7u B %6u Hz: %llu blocks, %llu lost, %llu underruns\n",
					sel[i]->name, cfg.block_size,
					cfg.rate_hz,
					(unsigned long long)res[nres].blocks,
					(unsigned long long)res[nres].lost,
					(unsigned long long)res[nres].underruns);
				nres++;
			}

	for (size_t b = 0; b < nmsizes; b++)
		for (size_t i = 0; i < nsel; i++) {
			struct st_cfg cfg = o.cfg;
			unsigned int probes;

			/* User space has no device to lose blocks in. */
			if (!sel[i]->device)
				continue;
			cfg.block_size = (uint32_t)msizes[b];
			cfg.seconds = o.search_seconds;
			rc = st_max_rate(sel[i], &cfg, &maxr[nmax], &probes);
			if (rc)
				goto fail;
			st_csv_max_row(csv, &maxr[nmax]);
			fprintf(stderr, "kxfer-bench: %-16s %7u B: max %u Hz with no loss (%u probes of %.1f s)\n",
				sel[i]->name, cfg.block_size,
				maxr[nmax].rate_hz, probes, cfg.seconds);
			nmax++;
		}
	st_json_write(json, res, nres, maxr, nmax);
	ret = 0;
	goto out;
fail:
	ret = rc == ST_NO_DEVICE ? EXIT_USAGE : 1;
out:
	if (csv)
		fclose(csv);
	if (json)
		fclose(json);
	free(res);
	free(maxr);
	free(sizes);
	free(msizes);
	return ret;
}

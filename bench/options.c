// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device.h"
#include "options.h"
#include "runner.h"
#include "sizes.h"

#define PROG "kxfer-bench"

void kx_usage(FILE *f)
{
	fputs(
"usage: kxfer-bench [options]\n"
"Measures moving data between user space and the kernel through the copy\n"
"path (read/write) and through the mmap()ed kxfer buffer (SUBMIT/FETCH),\n"
"with user-space and kernel baselines, and shows where one beats the other.\n"
"\n"
"  -d, --device PATH      kxfer device (default /dev/kxfer0)\n"
"  -m, --methods LIST     comma-separated methods, or 'all' (default);\n"
"                         see --list-methods\n"
"  -s, --sizes LIST       sizes and ranges: 4K,64K,1M or 64:16M (powers of\n"
"                         two in between); K/M/G = 1024-based.  Default:\n"
"                         64:64M, clipped to the device buffer\n"
"  -f, --format FMT       table (default), csv or json; with --output-dir\n"
"                         a list (default csv,json)\n"
"  -o, --output FILE      write results to FILE instead of stdout\n"
"      --output-dir DIR   write DIR/bench.csv and DIR/bench.json (one run,\n"
"                         both formats from the same rows)\n"
"      --merge FILE...    no measuring: merge kxfer-bench CSVs of one\n"
"                         version (rows and crossovers of all, metadata of\n"
"                         the first) into --output-dir DIR, or -o PATH (a\n"
"                         directory: bench.csv + bench.json; NAME.json:\n"
"                         JSON; else CSV), or CSV on stdout\n"
"  -r, --repeat R         repetitions of every point (default 1); p50 is\n"
"                         the median of the repetition medians, with a\n"
"                         bootstrap 95% interval, CV and copy/mmap verdicts\n"
"      --seed N           seed of the randomised pair order (default 1)\n"
"  -t, --min-time SEC     timed seconds per point and repetition\n"
"                         (default 0.2)\n"
"      --min-samples N    kept samples per repetition (default: enough for\n"
"                         30 per point over all repetitions)\n"
"      --cache hot|cold   hot (default): the same buffer every operation;\n"
"                         cold: operations rotate over buffers and device\n"
"                         offsets totalling more than twice the LLC\n"
"      --progress         one line per point on stderr:\n"
"                         'progress: 12/140 points, 35 s elapsed, ~6 min left'\n"
"  -c, --cpu N|none       pin to CPU N (threads: N, N+1, ... of the allowed\n"
"                         set); default: the CPU the tool started on\n"
"      --consume MODE     user work on the data, the same on both paths:\n"
"                         fill (producer stores every byte; consumer reads\n"
"                         every byte), read (every byte loaded), copy (the\n"
"                         data lives in a separate user buffer: the mmap\n"
"                         path memcpy()s it), touch (default; one byte per\n"
"                         64-byte line: an upper bound of mmap's advantage),\n"
"                         none (also an upper bound) or checksum (CRC32C)\n"
"      --work MODE        kernel-side work (KXFER_IOC_SET_MODE): none\n"
"                         (default), checksum or fill\n"
"  -T, --threads N        N threads, one fd and buffer range each (default 1)\n"
"      --verify           check the data of every method end to end\n"
"      --label TEXT       tag the run (metadata 'label')\n"
"      --emulated yes|no  override the emulator detection in the metadata\n"
"      --buf-size SIZE    resize the device buffer first (KXFER_IOC_RESIZE)\n"
"      --backing LIST     memory behind the buffer: vmalloc, pages, dma,\n"
"                         shmem, dma-wc, dma-noncoherent; a list sweeps\n"
"                         each (default: the device's current backing;\n"
"                         others are set with KXFER_IOC_RESIZE and the\n"
"                         original is restored at the end).  The mapping's\n"
"                         attribute follows from it (CSV column mapping):\n"
"                         cached, dma uncached, dma-wc wc, dma-noncoherent\n"
"                         noncoherent (all write-back on x86)\n"
"      --page-map LIST    where the mmap methods' mappings go: huge (default:\n"
"                         the kernel's choice, PMD-aligned, so the shmem\n"
"                         backing's huge pages get PMD entries) or base\n"
"                         (one page past a PMD boundary: page table entries\n"
"                         only; shmem backing with huge pages only)\n"
"      --list-columns     print the CSV columns (name, type, meaning), exit\n"
"      --list-methods     list the methods and exit\n"
"  -V, --version          print the version and exit\n"
"  -h, --help             this text\n"
"\n"
"Exit status: 0 success, 1 a measurement or --verify failed, 2 bad usage\n"
"or a missing device for the device methods (the default and 'all'; use\n"
"--methods baselines to measure without the module).\n"
"Details: docs/benchmark-methods.md\n", f);
}

enum {
	OPT_MIN_SAMPLES = 256,
	OPT_CONSUME,
	OPT_WORK,
	OPT_VERIFY,
	OPT_LABEL,
	OPT_EMULATED,
	OPT_BUF_SIZE,
	OPT_BACKING,
	OPT_MAPPING,
	OPT_PAGE_MAP,
	OPT_LIST,
	OPT_CACHE,
	OPT_OUTPUT_DIR,
	OPT_MERGE,
	OPT_SEED,
	OPT_PROGRESS,
	OPT_LIST_COLUMNS,
};

static const struct option longopts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "methods", required_argument, NULL, 'm' },
	{ "sizes", required_argument, NULL, 's' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "min-time", required_argument, NULL, 't' },
	{ "min-samples", required_argument, NULL, OPT_MIN_SAMPLES },
	{ "cpu", required_argument, NULL, 'c' },
	{ "consume", required_argument, NULL, OPT_CONSUME },
	{ "work", required_argument, NULL, OPT_WORK },
	{ "threads", required_argument, NULL, 'T' },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "emulated", required_argument, NULL, OPT_EMULATED },
	{ "buf-size", required_argument, NULL, OPT_BUF_SIZE },
	{ "backing", required_argument, NULL, OPT_BACKING },
	{ "mapping", required_argument, NULL, OPT_MAPPING },
	{ "page-map", required_argument, NULL, OPT_PAGE_MAP },
	{ "list-methods", no_argument, NULL, OPT_LIST },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "output-dir", required_argument, NULL, OPT_OUTPUT_DIR },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "repeat", required_argument, NULL, 'r' },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "list-columns", no_argument, NULL, OPT_LIST_COLUMNS },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, PROG ": bad %s '%s': %s\n", opt, val, why);
	return -1;
}

/* Whole-string unsigned integer in [lo, hi]. */
static int parse_uint(const char *opt, const char *s, unsigned long lo,
		      unsigned long hi, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return bad(opt, s, "expected a whole number");
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno)
		return bad(opt, s, "expected a whole number");
	if (v < lo || v > hi) {
		fprintf(stderr, PROG ": bad %s '%s': must be %lu..%lu\n", opt,
			s, lo, hi);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v))
		return bad("--min-time", s, "expected seconds, e.g. 0.2");
	if (v <= 0 || v > 3600)
		return bad("--min-time", s, "must be > 0 and at most 3600");
	*out = v;
	return 0;
}

static int parse_formats(const char *s, unsigned int *out)
{
	char buf[64], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	*out = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "table"))
			*out |= KX_FMT_TABLE;
		else if (!strcmp(tok, "csv"))
			*out |= KX_FMT_CSV;
		else if (!strcmp(tok, "json"))
			*out |= KX_FMT_JSON;
		else
			return bad("--format", s,
				   "use table, csv or json (csv,json with --output-dir)");
	}
	if (!*out)
		return bad("--format", s, "use table, csv or json");
	return 0;
}

static int parse_cache(const char *s, enum kx_cache_mode *out)
{
	const char *backing = kx_backing_for_old_cache(s);

	if (!strcmp(s, "hot")) {
		*out = KX_CACHE_HOT;
		return 0;
	}
	if (!strcmp(s, "cold")) {
		*out = KX_CACHE_COLD;
		return 0;
	}
	if (backing || strchr(s, ',')) {
		fprintf(stderr, PROG ": --cache %s: --cache is now hot or cold (the cache state of the data); the attribute of a mapping is a property of the backing since ABI 4: use --backing %s\n",
			s, backing ? backing : "dma (uncached), dma-wc (wc) or vmalloc (cached)");
		return -1;
	}
	return bad("--cache", s, "use hot or cold");
}

int kx_parse_options(int argc, char **argv, struct kx_opts *o)
{
	char err[256];
	unsigned int u;
	int c;

	memset(o, 0, sizeof(*o));
	o->device = "/dev/kxfer0";
	o->methods = "all";
	o->formats = 0;
	o->min_time = 0.2;
	o->min_samples = 0;
	o->repeat = 1;
	o->seed = 1;
	o->cpu = KX_CPU_DEFAULT;
	o->consume = KX_CONSUME_TOUCH;
	o->work = KXFER_WORK_NONE;
	o->threads = 1;
	o->emulated = -1;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":d:m:s:f:o:t:c:T:r:Vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			o->device = optarg;
			break;
		case 'm':
			o->methods = optarg;
			break;
		case 's':
			o->sizes = optarg;
			break;
		case 'f':
			if (parse_formats(optarg, &o->formats))
				return -1;
			break;
		case 'r':
			if (parse_uint("--repeat", optarg, 1, 1000,
				       &o->repeat))
				return -1;
			break;
		case OPT_SEED:
			if (parse_uint("--seed", optarg, 0, 4294967295UL, &u))
				return -1;
			o->seed = u;
			break;
		case OPT_CACHE:
			if (parse_cache(optarg, &o->cache))
				return -1;
			break;
		case OPT_OUTPUT_DIR:
			o->output_dir = optarg;
			break;
		case OPT_MERGE:
			o->nmerge = 1;	/* the files follow the options */
			break;
		case OPT_PROGRESS:
			o->progress = true;
			break;
		case OPT_LIST_COLUMNS:
			o->list_columns = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 't':
			if (parse_seconds(optarg, &o->min_time))
				return -1;
			break;
		case OPT_MIN_SAMPLES:
			if (parse_uint("--min-samples", optarg, 1, 1000000,
				       &o->min_samples))
				return -1;
			break;
		case 'c':
			if (!strcmp(optarg, "none")) {
				o->cpu = KX_CPU_NONE;
				break;
			}
			if (parse_uint("--cpu", optarg, 0, 65535, &u))
				return -1;
			o->cpu = (int)u;
			break;
		case OPT_CONSUME:
			if (kx_consume_parse(optarg, &o->consume)) {
				fprintf(stderr, PROG ": bad --consume '%s': unknown user-work mode; use %s\n",
					optarg, kx_consume_valid);
				return -1;
			}
			break;
		case OPT_WORK:
			if (kx_work_parse(optarg, &o->work))
				return bad("--work", optarg,
					   "use none, checksum or fill");
			break;
		case 'T':
			if (parse_uint("--threads", optarg, 1, 1024,
				       &o->threads))
				return -1;
			break;
		case OPT_VERIFY:
			o->verify = true;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_EMULATED:
			if (!strcmp(optarg, "yes"))
				o->emulated = 1;
			else if (!strcmp(optarg, "no"))
				o->emulated = 0;
			else
				return bad("--emulated", optarg,
					   "use yes or no");
			break;
		case OPT_BUF_SIZE:
			if (kx_parse_size(optarg, &o->buf_size, err,
					  sizeof(err))) {
				fprintf(stderr, PROG ": --buf-size: %s\n",
					err);
				return -1;
			}
			break;
		case OPT_BACKING:
			if (kx_parse_backings(optarg, o->backings,
					      &o->nbackings, err,
					      sizeof(err))) {
				fprintf(stderr, PROG ": --backing: %s\n", err);
				return -1;
			}
			break;
		case OPT_MAPPING:
			fprintf(stderr, PROG ": --mapping is gone: since ABI 4 a mapping's attribute is a property of the backing; use --backing (dma: uncached, dma-wc: wc, dma-noncoherent: noncoherent; vmalloc, pages, shmem: cached)\n");
			return -1;
		case OPT_PAGE_MAP:
			if (kx_parse_pagemaps(optarg, o->pagemaps,
					      &o->npagemaps, err,
					      sizeof(err))) {
				fprintf(stderr, PROG ": --page-map: %s\n",
					err);
				return -1;
			}
			break;
		case OPT_LIST:
			o->list_methods = true;
			break;
		case 'V':
			o->version = true;
			break;
		case 'h':
			o->help = true;
			break;
		case ':':
			fprintf(stderr, PROG ": option '%s' needs a value\n",
				argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr,
				PROG ": unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (o->nmerge) {
		if (optind == argc) {
			fprintf(stderr, PROG ": --merge needs the CSV files to merge, e.g. 'kxfer-bench --merge a.csv b.csv --output-dir out'\n");
			return -1;
		}
		o->merge = argv + optind;
		o->nmerge = (unsigned int)(argc - optind);
		optind = argc;
	}
	if (o->output_dir && o->output) {
		fprintf(stderr, PROG ": give --output FILE or --output-dir DIR, not both\n");
		return -1;
	}
	/*
	 * --merge -o PATH without --format: a directory gets bench.csv and
	 * bench.json, NAME.json JSON, anything else CSV.
	 */
	if (!o->formats && o->nmerge && o->output) {
		struct stat st;
		size_t n = strlen(o->output);

		if (!stat(o->output, &st) && S_ISDIR(st.st_mode)) {
			o->output_dir = o->output;
			o->output = NULL;
		} else {
			o->formats = n > 5 && !strcmp(o->output + n - 5, ".json") ?
				     KX_FMT_JSON : KX_FMT_CSV;
		}
	}
	if (!o->formats)
		o->formats = o->output_dir ? KX_FMT_CSV | KX_FMT_JSON :
			     o->nmerge ? KX_FMT_CSV : KX_FMT_TABLE;
	if (!o->output_dir && (o->formats & (o->formats - 1))) {
		fprintf(stderr, PROG ": several --format values need --output-dir DIR (one file each); without it give one\n");
		return -1;
	}
	if (o->output_dir && (o->formats & KX_FMT_TABLE)) {
		fprintf(stderr, PROG ": --output-dir writes csv and json; the table goes to stdout or --output\n");
		return -1;
	}
	if (!o->min_samples)
		o->min_samples = (KX_MIN_POINT_SAMPLES + o->repeat - 1) /
				 o->repeat;
	if (optind < argc) {
		fprintf(stderr,
			PROG ": unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

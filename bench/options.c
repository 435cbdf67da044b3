// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "options.h"
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
"  -f, --format FMT       table (default), csv or json\n"
"  -o, --output FILE      write results to FILE instead of stdout\n"
"  -t, --min-time SEC     timed seconds per method and size (default 0.2)\n"
"      --min-samples N    at least N timed samples per point (default 10)\n"
"  -c, --cpu N|none       pin to CPU N (threads: N, N+1, ... of the allowed\n"
"                         set); default: the CPU the tool started on\n"
"      --consume MODE     user-side work on the data: none, touch (default,\n"
"                         one byte per 64-byte line) or checksum (CRC32C)\n"
"      --work MODE        kernel-side work (KXFER_IOC_SET_MODE): none\n"
"                         (default), checksum or fill\n"
"  -T, --threads N        N threads, one fd and buffer range each (default 1)\n"
"      --verify           check the data of every method end to end\n"
"      --label TEXT       tag the run (metadata 'label')\n"
"      --emulated yes|no  override the emulator detection in the metadata\n"
"      --buf-size SIZE    resize the device buffer first (KXFER_IOC_RESIZE)\n"
"      --backing LIST     memory behind the buffer: vmalloc, pages, dma;\n"
"                         a list sweeps each (default: the device's current\n"
"                         backing; others are set with KXFER_IOC_RESIZE and\n"
"                         the original is restored at the end)\n"
"      --mapping LIST     page attributes of the mmap methods' mapping:\n"
"                         cached (default), wc, uncached; a list sweeps each\n"
"      --page-map LIST    where the mmap methods' mappings go: huge (default:\n"
"                         the kernel's choice, PMD-aligned, so a buffer with\n"
"                         a huge page is mapped with one PMD entry) or base\n"
"                         (one page past a PMD boundary: page table entries\n"
"                         only); given, a pages backing is resized to the\n"
"                         PMD size (one huge page) and larger sizes skipped\n"
"      --list-methods     list the methods and exit\n"
"  -V, --version          print the version and exit\n"
"  -h, --help             this text\n"
"\n"
"Exit status: 0 success, 1 a measurement or --verify failed, 2 bad usage\n"
"or missing device.  Details: docs/benchmark-methods.md\n", f);
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

int kx_parse_options(int argc, char **argv, struct kx_opts *o)
{
	char err[256];
	unsigned int u;
	int c;

	memset(o, 0, sizeof(*o));
	o->device = "/dev/kxfer0";
	o->methods = "all";
	o->format = KX_FMT_TABLE;
	o->min_time = 0.2;
	o->min_samples = 10;
	o->cpu = KX_CPU_DEFAULT;
	o->consume = KX_CONSUME_TOUCH;
	o->work = KXFER_WORK_NONE;
	o->threads = 1;
	o->emulated = -1;
	o->caches[0] = KXFER_CACHE_CACHED;
	o->ncaches = 1;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":d:m:s:f:o:t:c:T:Vh", longopts,
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
			if (!strcmp(optarg, "table"))
				o->format = KX_FMT_TABLE;
			else if (!strcmp(optarg, "csv"))
				o->format = KX_FMT_CSV;
			else if (!strcmp(optarg, "json"))
				o->format = KX_FMT_JSON;
			else
				return bad("--format", optarg,
					   "use table, csv or json");
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
			if (kx_consume_parse(optarg, &o->consume))
				return bad("--consume", optarg,
					   "use none, touch or checksum");
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
			if (kx_parse_caches(optarg, o->caches, &o->ncaches,
					    err, sizeof(err))) {
				fprintf(stderr, PROG ": --mapping: %s\n", err);
				return -1;
			}
			break;
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
	if (optind < argc) {
		fprintf(stderr,
			PROG ": unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

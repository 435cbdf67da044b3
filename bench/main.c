// SPDX-License-Identifier: GPL-2.0
/*
 * kxfer-bench: is the copy path or the mmap()ed buffer faster for my
 * transfer size, by how much, and where is the crossover?
 *
 * main() only wires things together: options -> method and size plan ->
 * machine metadata -> one runner call per (method, size) -> a writer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "attrs.h"
#include "backing.h"
#include "buffers.h"
#include "device.h"
#include "meta.h"
#include "method.h"
#include "options.h"
#include "output.h"
#include "pmdprobe.h"
#include "runner.h"
#include "sizes.h"
#include "stream/stream.h"
#include "sysinfo.h"
#include "timing.h"

#ifndef KXFER_VERSION
#define KXFER_VERSION "unknown"
#endif

#define PROG "kxfer-bench"
#define EXIT_RUN 1
#define EXIT_USAGE 2

/* Leave main() through its cleanup with this exit status. */
#define FAIL(status)		\
	do {			\
		ret = (status);	\
		goto out;	\
	} while (0)

#define DEFAULT_MIN_SIZE 64ULL
#define DEFAULT_MAX_SIZE (64ULL << 20)

static void list_methods(void)
{
	printf("%-15s %-8s %-11s %-7s %s\n", "method", "path", "direction",
	       "device", "what one operation does");
	for (size_t i = 0; i < kx_nr_methods; i++) {
		const struct kx_method *m = kx_methods[i];

		printf("%-15s %-8s %-11s %-7s %s\n", m->name,
		       kx_path_name(m->path), kx_dir_name(m->dir),
		       m->flags & KXM_DEVICE ? "yes" : "no", m->summary);
	}
}

static void valid_methods(FILE *f)
{
	for (size_t i = 0; i < kx_nr_methods; i++)
		fprintf(f, "%s%s", i ? ", " : "", kx_methods[i]->name);
	fputs(", all", f);
}

/* The selected methods in table order for 'all', else as listed. */
static int select_methods(const char *list, const struct kx_method **sel,
			  size_t *n, int *explicit)
{
	char *copy = strdup(list), *item, *save = NULL;

	*n = 0;
	*explicit = 1;
	if (!copy)
		return -1;
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		const struct kx_method *m;
		size_t j;

		if (!strcmp(item, "all")) {
			*explicit = 0;
			for (size_t i = 0; i < kx_nr_methods; i++) {
				for (j = 0; j < *n; j++)
					if (sel[j] == kx_methods[i])
						break;
				if (j == *n)
					sel[(*n)++] = kx_methods[i];
			}
			continue;
		}
		m = kx_method_find(item);
		if (!m) {
			fprintf(stderr, PROG ": unknown method '%s'; valid methods: ",
				item);
			valid_methods(stderr);
			fputs(" (see --list-methods)\n", stderr);
			free(copy);
			return -1;
		}
		for (j = 0; j < *n; j++)
			if (sel[j] == m)
				break;
		if (j == *n)
			sel[(*n)++] = m;
	}
	free(copy);
	if (!*n) {
		fprintf(stderr, PROG ": no methods given; valid methods: ");
		valid_methods(stderr);
		fputc('\n', stderr);
		return -1;
	}
	return 0;
}

static const char *missing_feature(const struct kx_method *m,
				   const struct kxfer_info *info, uint32_t work)
{
	if ((m->flags & KXM_MMAP) && !(info->features & KXFER_FEAT_MMAP))
		return "the driver has no mmap support (KXFER_FEAT_MMAP)";
	if ((m->flags & KXM_ITER) && !(info->features & KXFER_FEAT_ITER))
		return "the driver has no read_iter/write_iter (KXFER_FEAT_ITER)";
	if ((m->flags & KXM_WORK) && work == KXFER_WORK_CHECKSUM &&
	    !(info->features & KXFER_FEAT_CHECKSUM))
		return "the driver cannot checksum (KXFER_FEAT_CHECKSUM)";
	if ((m->flags & KXM_WORK) && work == KXFER_WORK_FILL &&
	    !(info->features & KXFER_FEAT_FILL))
		return "the driver cannot fill (KXFER_FEAT_FILL)";
	return NULL;
}

/* Drops device methods (all of them when why_all is set). */
static void skip_device_methods(const struct kx_method **sel, size_t *n,
				const struct kxfer_info *info, uint32_t work,
				const char *why_all, struct kx_meta *meta)
{
	char skipped[1024] = "";
	size_t w = 0, k = 0;

	for (size_t i = 0; i < *n; i++) {
		const char *why = NULL;

		if (sel[i]->flags & KXM_DEVICE)
			why = why_all ? why_all :
			      missing_feature(sel[i], info, work);
		if (!why) {
			sel[k++] = sel[i];
			continue;
		}
		if (!why_all)
			fprintf(stderr, PROG ": note: skipping %s: %s\n",
				sel[i]->name, why);
		if (w < sizeof(skipped))
			w += snprintf(skipped + w, sizeof(skipped) - w, "%s%s",
				      w ? "," : "", sel[i]->name);
	}
	if (w && why_all)
		fprintf(stderr, PROG ": note: skipping the device methods (%s): %s\n",
			skipped, why_all);
	if (w)
		kx_meta_set(meta, "skipped", "%s (%s)", skipped,
			    why_all ? why_all : "driver lacks a feature");
	*n = k;
}

/* CPUs to pin thread i to; -1 everywhere for --cpu none. */
static int plan_cpus(int want, unsigned int threads, int *cpus,
		     char *desc, size_t desclen)
{
	cpu_set_t allowed;
	int list[CPU_SETSIZE], n = 0, start = 0;

	if (want == KX_CPU_NONE) {
		for (unsigned int t = 0; t < threads; t++)
			cpus[t] = -1;
		snprintf(desc, desclen, "no (--cpu none)");
		return 0;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		fprintf(stderr, PROG ": sched_getaffinity: %s\n",
			strerror(errno));
		return -1;
	}
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed))
			list[n++] = c;
	if (want == KX_CPU_DEFAULT)
		want = sched_getcpu();
	for (start = 0; start < n; start++)
		if (list[start] == want)
			break;
	if (start == n) {
		fprintf(stderr, PROG ": --cpu %d: that CPU is offline or not allowed for this process (allowed:",
			want);
		for (int i = 0; i < n; i++)
			fprintf(stderr, " %d", list[i]);
		fputs(")\n", stderr);
		return -1;
	}
	if (threads > (unsigned int)n)
		fprintf(stderr, PROG ": note: %u threads on %d CPUs: some share a CPU\n",
			threads, n);
	{
		size_t w = 0;

		for (unsigned int t = 0; t < threads; t++) {
			cpus[t] = list[(start + (int)t) % n];
			if (w < desclen)
				w += snprintf(desc + w, desclen - w, "%s%d",
					      t ? "," : "", cpus[t]);
		}
	}
	return 0;
}

static void pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Sizes to run: the user's list, which must fit the device buffer, or the
 * default sweep clipped to it with a note.
 */
static int plan_sizes(const struct kx_opts *o, int use_device,
		      const struct kxfer_info *info, size_t page,
		      uint64_t **sizes, size_t *n)
{
	uint64_t limit = UINT64_MAX;
	char err[256], a[32], b[32];
	size_t k = 0;

	if (o->sizes) {
		if (kx_parse_sizes(o->sizes, sizes, n, err, sizeof(err))) {
			fprintf(stderr, PROG ": --sizes: %s\n", err);
			return -1;
		}
	} else if (kx_size_sweep(DEFAULT_MIN_SIZE, DEFAULT_MAX_SIZE, sizes,
				 n)) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	if (!use_device)
		return 0;

	for (size_t i = 0; i < *n; i++) {
		uint64_t need = (o->threads - 1) *
				kx_thread_stride((*sizes)[i], page) +
				(*sizes)[i];

		if (need <= info->buf_size) {
			(*sizes)[k++] = (*sizes)[i];
			continue;
		}
		if (limit > (*sizes)[i])
			limit = (*sizes)[i];
	}
	if (k == *n)
		return 0;

	kx_format_size(limit, a, sizeof(a));
	kx_format_size(info->buf_size, b, sizeof(b));
	if (o->sizes || !k) {
		fprintf(stderr,
			PROG ": size %s%s does not fit the device buffer of %s (%llu bytes)%s.\n"
			"Grow the buffer: reload the module with buf_size=BYTES (e.g. 'sudo rmmod kxfer; sudo insmod driver/kxfer.ko buf_size=%llu'), or pass --buf-size SIZE (KXFER_IOC_RESIZE, up to %llu bytes)\n",
			a, o->threads > 1 ? " x threads" : "", b,
			(unsigned long long)info->buf_size,
			o->threads > 1 ? " with each thread on its own range" : "",
			(unsigned long long)limit * o->threads,
			(unsigned long long)info->max_size);
		return -1;
	}
	fprintf(stderr,
		PROG ": note: sizes from %s up skipped: the device buffer is %s%s (grow it with the buf_size= module parameter or --buf-size)\n",
		a, b, o->threads > 1 ? ", shared by the threads" : "");
	*n = k;
	return 0;
}

static void progress(size_t done, size_t total, const char *method,
		     uint64_t size)
{
	char s[32];

	kx_format_size(size, s, sizeof(s));
	fprintf(stderr, "\r\033[K[%zu/%zu] %s %s", done + 1, total, method, s);
	fflush(stderr);
}

/*
 * Attributes the driver must have for --backing/--mapping; NULL when it
 * has them, else what is missing.  Caches matter only to mmap methods.
 */
static const char *missing_attr(const struct kx_opts *o, int mmap_runs,
				const struct kxfer_info *info)
{
	for (unsigned int i = 0; i < o->nbackings; i++)
		if (o->backings[i] != info->backing &&
		    !(info->features & KXFER_FEAT_RESIZE))
			return "--backing needs KXFER_IOC_RESIZE (KXFER_FEAT_RESIZE), which this driver lacks";
	for (unsigned int i = 0; i < o->nbackings; i++)
		if (o->backings[i] != KXFER_BACKING_VMALLOC &&
		    !(info->features & KXFER_FEAT_BACKINGS))
			return "this driver has only the vmalloc backing (no KXFER_FEAT_BACKINGS); load a kxfer.ko built from this tree";
	for (unsigned int i = 0; mmap_runs && i < o->ncaches; i++) {
		if (o->caches[i] == KXFER_CACHE_CACHED)
			continue;
		if (!(info->features & KXFER_FEAT_CACHE))
			return "this driver cannot map wc or uncached (no KXFER_FEAT_CACHE); load a kxfer.ko built from this tree";
		if (o->verify && !(info->features & KXFER_FEAT_SYNC))
			return "--verify with wc or uncached mappings needs KXFER_IOC_SYNC_FOR_* (KXFER_FEAT_SYNC), which this driver lacks";
	}
	return NULL;
}

/* Comma-separated names of a --backing or --mapping list. */
static void attr_list(char *buf, size_t len, const uint32_t *v,
		      unsigned int n, const char *(*name)(uint32_t))
{
	size_t w = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && w < len; i++)
		w += snprintf(buf + w, len - w, "%s%s", i ? "," : "",
			      name(v[i]));
}

/* Device bytes one point uses: every thread's range. */
static uint64_t point_need(const struct kx_opts *o, uint64_t size,
			   size_t page)
{
	return (o->threads - 1) * kx_thread_stride(size, page) + size;
}

/*
 * --page-map with the pages backing: a buffer of exactly one huge page,
 * the only size the driver maps with a PMD entry.  Returns 1 when the
 * buffer is one now, else 0 after a note saying why not (the backing then
 * gets an ordinary buffer, and base is skipped as for any other).
 */
static int use_huge_buffer(struct kx_backing_state *bst, uint64_t pmd,
			   struct kxfer_info *info)
{
	char err[512], a[32];

	if (!pmd) {
		fprintf(stderr, PROG ": note: this kernel has no transparent huge pages (no %s): a pages buffer cannot be one huge page\n",
			KX_HPAGE_PMD_SIZE_PATH);
		return 0;
	}
	kx_format_size(pmd, a, sizeof(a));
	if (kx_backing_use_huge(bst, pmd, info, err, sizeof(err))) {
		fprintf(stderr, PROG ": note: no pages buffer of one huge page (%s): %s\n",
			a, err);
		return 0;
	}
	if (!info->huge_size) {
		fprintf(stderr, PROG ": note: the driver did not make the %s pages buffer one huge page (kxfer_info.huge_size 0: a kxfer.ko older than ABI 3, or a kernel without CONFIG_TRANSPARENT_HUGEPAGE)\n",
			a);
		return 0;
	}
	return 1;
}

static void note_huge_sizes(uint64_t from, const struct kxfer_info *info,
			    const char *bname)
{
	char a[32], b[32];

	kx_format_size(from, a, sizeof(a));
	kx_format_size(info->buf_size, b, sizeof(b));
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	fprintf(stderr, PROG ": note: sizes from %s up skipped with the %s backing: --page-map made its buffer one huge page of %s\n",
		a, bname, b);
}

/* base on a buffer without a huge page: list, metadata, one note. */
static void note_base_skipped(struct kx_meta *meta, const char *bname,
			      char *list, size_t len)
{
	size_t used = strlen(list);

	fprintf(stderr, PROG ": note: skipping --page-map base with the %s backing: its buffer has no huge page (kxfer_info.huge_size 0), so base would map it exactly as huge does\n",
		bname);
	snprintf(list + used, len - used, "%s%s", used ? "," : "", bname);
	kx_meta_set(meta, "skipped_page_map",
		    "base with %s (no huge page in the buffer)", list);
}

static void command_line(struct kx_meta *meta, int argc, char **argv)
{
	char buf[1024];
	size_t w = 0;

	for (int i = 0; i < argc && w < sizeof(buf); i++)
		w += snprintf(buf + w, sizeof(buf) - w, "%s%s", i ? " " : "",
			      argv[i]);
	kx_meta_set(meta, "command", "%s", buf);
}

int main(int argc, char **argv)
{
	const struct kx_method *sel[64];
	struct kx_cfg cfg = { 0 };
	struct kx_meta meta = { 0 };
	struct kx_opts o;
	struct kx_clock clk;
	struct kx_run_params rp;
	struct kx_result *res = NULL;
	uint64_t *sizes = NULL;
	size_t nsel, nsizes, nres = 0, total = 0;
	int explicit, use_device = 0, devfd = -1, *cpus = NULL;
	int mmap_runs = 0, ran_backings = 0, keep_output = 0, dma_note = 0;
	struct kx_backing_state bst = { .fd = -1 };
	uint32_t backings[KX_NR_BACKINGS];
	unsigned int nbackings = 1;
	uint32_t pagemaps[KX_NR_PAGEMAPS] = { KX_PAGEMAP_HUGE };
	unsigned int npagemaps = 1;
	uint64_t pmd = kx_hpage_pmd_size();
	char skipped_p[64] = "";
	int pmd_note = 0;
	uint64_t need = 0;
	const char *why;
	char skipped_b[64];
	size_t sb = 0;
	char buf[1024], pinned[512];
	FILE *out = stdout;
	int ret = EXIT_RUN;

	/* The streaming sweep has options and outputs of its own. */
	if (argc > 1 && !strcmp(argv[1], "--stream"))
		return kx_stream_main(argc - 1, argv + 1);
	if (kx_parse_options(argc, argv, &o))
		return EXIT_USAGE;
	if (o.help) {
		kx_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf(PROG " %s (kxfer ABI %d)\n", KXFER_VERSION,
		       KXFER_ABI_VERSION);
		return 0;
	}
	if (o.list_methods) {
		list_methods();
		return 0;
	}
	if (select_methods(o.methods, sel, &nsel, &explicit))
		return EXIT_USAGE;

	kx_meta_set(&meta, "tool_version", "%s", KXFER_VERSION);
	utc_now(buf, sizeof(buf));
	kx_meta_set(&meta, "date", "%s", buf);
	kx_meta_set(&meta, "label", "%s", o.label ? o.label : "");
	command_line(&meta, argc, argv);

	for (size_t i = 0; i < nsel; i++)
		use_device |= !!(sel[i]->flags & KXM_DEVICE);
	cfg.device = o.device;
	cfg.page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (use_device) {
		devfd = kx_dev_open(o.device, &cfg.info, buf, sizeof(buf));
		if (devfd < 0 && explicit) {
			fprintf(stderr, PROG ": %s\n", buf);
			FAIL(EXIT_USAGE);
		}
		if (devfd < 0) {
			skip_device_methods(sel, &nsel, NULL, 0, buf, &meta);
			use_device = 0;
		}
	}
	if (use_device) {
		cfg.have_device = true;
		if (o.buf_size) {
			if (kx_dev_resize(devfd, o.buf_size, cfg.info.backing,
					  &cfg.info, buf,
					  sizeof(buf))) {
				fprintf(stderr, PROG ": %s\n", buf);
				FAIL(EXIT_USAGE);
			}
			if (ioctl(devfd, KXFER_IOC_INFO, &cfg.info)) {
				fprintf(stderr, PROG ": KXFER_IOC_INFO after resizing: %s\n",
					strerror(errno));
				FAIL(EXIT_RUN);
			}
		}
		if (cfg.info.page_size != cfg.page_size) {
			fprintf(stderr, PROG ": the driver's page size %u differs from user space's %zu\n",
				cfg.info.page_size, cfg.page_size);
			FAIL(EXIT_RUN);
		}
		for (size_t i = 0; explicit && i < nsel; i++) {
			const char *why = missing_feature(sel[i], &cfg.info,
							  o.work);

			if (why) {
				fprintf(stderr, PROG ": cannot run %s: %s\n",
					sel[i]->name, why);
				FAIL(EXIT_USAGE);
			}
		}
		skip_device_methods(sel, &nsel, &cfg.info, o.work, NULL,
				    &meta);
		use_device = 0;
		for (size_t i = 0; i < nsel; i++) {
			use_device |= !!(sel[i]->flags & KXM_DEVICE);
			mmap_runs |= !!(sel[i]->flags & KXM_MMAP);
		}
		why = use_device ? missing_attr(&o, mmap_runs, &cfg.info) :
		      NULL;
		if (why) {
			fprintf(stderr, PROG ": %s\n", why);
			FAIL(EXIT_USAGE);
		}
	} else if (o.buf_size) {
		fprintf(stderr, PROG ": note: --buf-size ignored: no device method runs\n");
	}
	if (!use_device && (o.nbackings || o.ncaches > 1 ||
			    o.caches[0] != KXFER_CACHE_CACHED))
		fprintf(stderr, PROG ": note: --backing and --mapping ignored: no device method runs\n");
	if (use_device && o.nbackings) {
		memcpy(backings, o.backings, sizeof(backings));
		nbackings = o.nbackings;
	} else {
		backings[0] = cfg.info.backing;
	}
	if (o.npagemaps && !mmap_runs)
		fprintf(stderr, PROG ": note: --page-map ignored: no mmap method runs\n");
	if (!mmap_runs) {
		o.caches[0] = KXFER_CACHE_CACHED;
		o.ncaches = 1;
		o.npagemaps = 0;
	}
	if (o.npagemaps) {
		memcpy(pagemaps, o.pagemaps, sizeof(pagemaps));
		npagemaps = o.npagemaps;
	}
	if (!nsel) {
		fprintf(stderr, PROG ": nothing left to run\n");
		FAIL(EXIT_USAGE);
	}

	if (plan_sizes(&o, use_device, &cfg.info, cfg.page_size, &sizes,
		       &nsizes))
		FAIL(EXIT_USAGE);

	/* What a buffer of another backing must hold: the largest point. */
	for (size_t j = 0; j < nsizes; j++) {
		uint64_t n = point_need(&o, sizes[j], cfg.page_size);

		if (n > need)
			need = n;
	}
	need = (need + cfg.page_size - 1) / cfg.page_size * cfg.page_size;

	cpus = calloc(o.threads, sizeof(*cpus));
	if (!cpus || plan_cpus(o.cpu, o.threads, cpus, pinned,
			       sizeof(pinned)))
		FAIL(EXIT_USAGE);

	if (o.output) {
		out = fopen(o.output, "w");
		if (!out) {
			out = stdout;
			fprintf(stderr, PROG ": cannot write %s: %s\n",
				o.output, strerror(errno));
			FAIL(EXIT_USAGE);
		}
	}

	/* Everything from here runs where thread 0 will run. */
	pin_self(cpus[0]);
	kx_clock_calibrate(&clk);

	cfg.consume = o.consume;
	cfg.work = o.work;
	cfg.verify = o.verify;

	kx_sysinfo_collect(&meta, cpus[0] >= 0 ? cpus : NULL, o.threads,
			   o.emulated);
	if (cpus[0] >= 0) {
		kx_meta_set(&meta, "cpu_pinned", "%s%s", pinned,
			    o.cpu == KX_CPU_DEFAULT ?
			    " (default: the CPU kxfer-bench started on)" : "");
		kx_meta_set(&meta, "cpu_pinned_model", "%s",
			    kx_cpu_model(cpus[0]));
		if (kx_cpus_heterogeneous() && o.cpu == KX_CPU_DEFAULT)
			fprintf(stderr, PROG ": note: this machine has different core types (%s); running on cpu %d (%s); choose with --cpu N\n",
				kx_meta_get(&meta, "cpu"), cpus[0],
				kx_cpu_model(cpus[0]));
	} else {
		kx_meta_set(&meta, "cpu_pinned", "%s", pinned);
	}
	if (!strncmp(kx_meta_get(&meta, "emulated"), "yes", 3))
		fprintf(stderr, PROG ": note: running in a virtual machine or emulator %s: label these numbers as such\n",
			kx_meta_get(&meta, "emulated") + 4);

	kx_meta_set(&meta, "device", "%s", use_device ? o.device :
		    "n/a (no device method)");
	/* The backing at start; rows say which one each point ran on. */
	kx_meta_set(&meta, "backing", "%s", use_device ?
		    kx_backing_name(cfg.info.backing) : "n/a");
	if (use_device) {
		attr_list(buf, sizeof(buf), backings, nbackings,
			  kx_backing_name);
		kx_meta_set(&meta, "backings", "%s", buf);
		attr_list(buf, sizeof(buf), o.caches, o.ncaches,
			  kx_cache_name);
		kx_meta_set(&meta, "mappings", "%s%s", buf,
			    " (mmap methods; the rest: n/a)");
		attr_list(buf, sizeof(buf), pagemaps, npagemaps,
			  kx_pagemap_name);
		kx_meta_set(&meta, "page_maps", "%s%s", buf,
			    o.npagemaps ? " (mmap methods; the rest: n/a)" :
			    " (default; mmap methods; the rest: n/a)");
	}
	if (use_device) {
		kx_meta_num(&meta, "buf_size", "%llu",
			    (unsigned long long)cfg.info.buf_size);
		kx_meta_set(&meta, "driver", "abi %u, features 0x%x, max_size %llu",
			    cfg.info.abi_version, cfg.info.features,
			    (unsigned long long)cfg.info.max_size);
	} else {
		kx_meta_set(&meta, "buf_size", "n/a");
	}
	kx_meta_num(&meta, "clock_overhead_ns", "%.1f", clk.overhead_ns);
	kx_meta_num(&meta, "clock_resolution_ns", "%.0f", clk.resolution_ns);
	kx_meta_num(&meta, "sample_min_ns", "%llu",
		    (unsigned long long)kx_sample_target_ns(&clk));
	kx_meta_set(&meta, "consume", "%s", kx_consume_name(o.consume));
	kx_meta_num(&meta, "touch_stride", "%d", KX_TOUCH_STRIDE);
	kx_meta_set(&meta, "work", "%s", kx_work_name(o.work));
	kx_meta_num(&meta, "min_time_s", "%g", o.min_time);
	kx_meta_num(&meta, "min_samples", "%u", o.min_samples);
	kx_meta_num(&meta, "threads", "%u", o.threads);
	kx_meta_set(&meta, "verify", "%s", o.verify ? "yes" : "no");

	rp.cfg = &cfg;
	rp.min_time_s = o.min_time;
	rp.min_samples = o.min_samples;
	rp.target_ns = kx_sample_target_ns(&clk);
	rp.threads = o.threads;
	rp.cpus = cpus;

	for (size_t i = 0; i < nsel; i++)
		total += (sel[i]->flags & KXM_MMAP ? o.ncaches * npagemaps :
			  1) * nsizes;
	total *= nbackings;
	res = calloc(total, sizeof(*res));
	if (!res) {
		fprintf(stderr, PROG ": out of memory\n");
		FAIL(EXIT_RUN);
	}
	if (use_device)
		kx_backing_init(&bst, devfd, &cfg.info);
	for (unsigned int b = 0; b < nbackings; b++) {
		const char *bname = use_device ?
				    kx_backing_name(backings[b]) : "n/a";
		int huge_buf = 0, size_note = 0, base_note = 0;

		if (use_device && o.npagemaps && mmap_runs &&
		    backings[b] == KXFER_BACKING_PAGES)
			huge_buf = use_huge_buffer(&bst, pmd, &cfg.info);
		if (use_device && !huge_buf &&
		    kx_backing_use(&bst, backings[b], need, &cfg.info, buf,
				   sizeof(buf))) {
			if (isatty(STDERR_FILENO))
				fputs("\r\033[K", stderr);
			fprintf(stderr, PROG ": %s\n" PROG ": note: skipping every point with the %s backing\n",
				buf, bname);
			sb += snprintf(skipped_b + sb, sizeof(skipped_b) - sb,
				       "%s%s", sb ? "," : "", bname);
			kx_meta_set(&meta, "skipped_backing", "%s (%s)",
				    skipped_b, "KXFER_IOC_RESIZE failed");
			continue;
		}
		ran_backings++;
		for (size_t i = 0; i < nsel; i++) {
			int is_mmap = !!(sel[i]->flags & KXM_MMAP);
			unsigned int nc = is_mmap ? o.ncaches : 1;
			unsigned int npm = is_mmap ? npagemaps : 1;

			for (unsigned int q = 0; q < nc * npm; q++) {
				uint32_t pm = is_mmap ? pagemaps[q % npm] :
					      KX_PAGEMAP_HUGE;

				cfg.cache = is_mmap ? o.caches[q / npm] :
					    KXFER_CACHE_CACHED;
				cfg.page_map = pm;
				/*
				 * A dma buffer has the DMA API's attribute;
				 * the driver refuses others (EINVAL).
				 */
				if (use_device && is_mmap &&
				    backings[b] == KXFER_BACKING_DMA &&
				    cfg.cache != KXFER_CACHE_CACHED) {
					if (!dma_note++)
						fprintf(stderr, PROG ": note: skipping --mapping wc/uncached with the dma backing: a dma buffer has the DMA API's attribute, the driver refuses others\n");
					kx_meta_set(&meta, "skipped_mapping",
						    "wc,uncached with dma (the driver refuses them)");
					continue;
				}
				/* Without a huge page, base is huge again. */
				if (is_mmap && pm == KX_PAGEMAP_BASE &&
				    !cfg.info.huge_size) {
					if (!base_note++)
						note_base_skipped(&meta, bname,
								  skipped_p,
								  sizeof(skipped_p));
					continue;
				}
				for (size_t j = 0; j < nsizes; j++) {
					uint64_t n = point_need(&o, sizes[j],
								cfg.page_size);

					if (huge_buf && n > cfg.info.buf_size) {
						if (!size_note++)
							note_huge_sizes(sizes[j],
								&cfg.info, bname);
						continue;
					}
					if (isatty(STDERR_FILENO))
						progress(nres, total,
							 sel[i]->name,
							 sizes[j]);
					if (kx_run_point(&rp, sel[i], sizes[j],
							 &res[nres], buf,
							 sizeof(buf))) {
						if (isatty(STDERR_FILENO))
							fputs("\r\033[K",
							      stderr);
						fprintf(stderr,
							PROG ": %s%s (backing %s, mapping %s, page map %s)\n",
							o.verify ? "FAILED: " :
							"error: ", buf, bname,
							is_mmap ?
							kx_cache_name(cfg.cache) :
							"n/a", is_mmap ?
							kx_pagemap_name(pm) :
							"n/a");
						goto out;
					}
					res[nres].backing = bname;
					res[nres].mapping = is_mmap ?
						kx_cache_name(cfg.cache) :
						"n/a";
					res[nres].page_map = is_mmap ?
						kx_pagemap_name(pm) : "n/a";
					if (res[nres].pmd_bytes ==
					    KX_PMD_UNKNOWN && !pmd_note++)
						fprintf(stderr, PROG ": note: no FilePmdMapped in /proc/self/smaps (is /proc mounted? the kernel needs CONFIG_PROC_PAGE_MONITOR): pmd_bytes is 'unknown'\n");
					nres++;
				}
			}
		}
	}
	if (!ran_backings) {
		fprintf(stderr, PROG ": nothing could run: no --backing was usable (see above)\n");
		FAIL(EXIT_RUN);
	}
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	kx_meta_set(&meta, "mlock", "%s", kx_mlock_status());

	switch (o.format) {
	case KX_FMT_TABLE:
		kx_write_table(out, &meta, res, nres);
		break;
	case KX_FMT_CSV:
		kx_write_csv(out, &meta, res, nres);
		break;
	case KX_FMT_JSON:
		kx_write_json(out, &meta, res, nres);
		break;
	}
	if (fflush(out) || ferror(out)) {
		fprintf(stderr, PROG ": writing %s: %s\n",
			o.output ? o.output : "stdout", strerror(errno));
		goto out;
	}
	if (o.verify)
		fprintf(stderr, PROG ": verify: all %zu method/size points passed\n",
			nres);
	ret = 0;
	keep_output = 1;
out:
	if (bst.fd >= 0 && kx_backing_restore(&bst, &cfg.info, buf,
					      sizeof(buf))) {
		fprintf(stderr, PROG ": error: could not give the device back its %s buffer of %llu bytes: %s; it now has a %s buffer of %llu bytes (reload the module to reset it)\n",
			kx_backing_name(bst.orig_backing),
			(unsigned long long)bst.orig_size, buf,
			kx_backing_name(cfg.info.backing),
			(unsigned long long)cfg.info.buf_size);
		ret = EXIT_RUN;
	}
	if (out != stdout) {
		fclose(out);
		/*
		 * No half-written result file that looks like a result; a
		 * complete one stays even if the restore above failed.
		 */
		if (ret && !keep_output)
			remove(o.output);
	}
	if (devfd >= 0)
		close(devfd);
	free(res);
	free(sizes);
	free(cpus);
	kx_meta_free(&meta);
	return ret;
}

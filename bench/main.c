// SPDX-License-Identifier: GPL-2.0
/*
 * kxfer-bench: is the copy path or the mmap()ed buffer faster for my
 * transfer size, by how much, and where is the crossover?
 *
 * main() only wires: options -> device -> plan (plan.h) -> run (run.h)
 * -> verdicts (verdict.h) -> outputs (output.h); or, with --merge, CSV
 * files -> outputs.  The helpers above it each do one step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attrs.h"
#include "backing.h"
#include "buffers.h"
#include "device.h"
#include "machine.h"
#include "meta.h"
#include "method.h"
#include "options.h"
#include "output.h"
#include "perfctr.h"
#include "plan.h"
#include "run.h"
#include "runner.h"
#include "schema.h"
#include "sizes.h"
#include "sysinfo.h"
#include "timing.h"
#include "verdict.h"

#ifndef KXFER_VERSION
#define KXFER_VERSION "unknown"
#endif

#define PROG "kxfer-bench"
#define EXIT_RUN 1
#define EXIT_USAGE 2

#define DEFAULT_MIN_SIZE 64ULL
#define DEFAULT_MAX_SIZE (64ULL << 20)

/* Everything one measuring run holds, released by session_free(). */
struct session {
	struct kx_opts o;
	const struct kx_method *sel[64];
	size_t nsel;
	int explicit;
	int use_device, devfd;
	struct kx_cfg cfg;
	struct kx_backing_state bst;
	uint32_t backings[KX_NR_BACKINGS];
	unsigned int nbackings;
	uint32_t pagemaps[KX_NR_PAGEMAPS];
	unsigned int npagemaps;
	uint64_t *sizes;
	size_t nsizes;
	uint64_t need;
	int *cpus;
	char pinned[512];
	struct kx_meta meta;
	struct kx_plan plan;
	struct kx_run_out run;
	struct kx_crossover *cross;
	size_t ncross;
	double overhead_ns;
	uint64_t target_ns;
};

static void list_columns(void)
{
	static const char *const types[] = { "string", "integer", "number" };

	for (int c = 0; c < KX_NR_COLS; c++)
		printf("%-16s %-8s %s\n", kx_columns[c].name,
		       types[kx_columns[c].type], kx_columns[c].doc);
}

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
	fputs(", all, baselines (every method without the device)", f);
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

		if (!strcmp(item, "all") || !strcmp(item, "baselines")) {
			int base = !strcmp(item, "baselines");

			*explicit = 0;
			for (size_t i = 0; i < kx_nr_methods; i++) {
				if (base && (kx_methods[i]->flags & KXM_DEVICE))
					continue;
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


/*
 * Sizes to run: the user's list, which must fit the device buffer, or the
 * default sweep clipped to it with a note.
 */
static int plan_sizes(const struct kx_opts *o, int use_device,
		      const struct kx_cfg *cfg, uint64_t **sizes, size_t *n)
{
	const struct kxfer_info *info = &cfg->info;
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
		uint64_t need = kx_point_need(cfg, (*sizes)[i], o->threads);

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

static void command_line(struct kx_meta *meta, int argc, char **argv)
{
	char buf[1024];
	size_t w = 0;

	for (int i = 0; i < argc && w < sizeof(buf); i++)
		w += snprintf(buf + w, sizeof(buf) - w, "%s%s", i ? " " : "",
			      argv[i]);
	kx_meta_set(meta, "command", "%s", buf);
}


/*
 * The device for the device methods: open it (or exit 2 with the fix),
 * resize it (--buf-size), check the page size.  Returns 0 or an exit code.
 */
static int prepare_device(struct session *s)
{
	char buf[1024];

	for (size_t i = 0; i < s->nsel; i++)
		s->use_device |= !!(s->sel[i]->flags & KXM_DEVICE);
	s->cfg.device = s->o.device;
	s->cfg.page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (!s->use_device) {
		if (s->o.buf_size || s->o.nbackings || s->o.npagemaps)
			fprintf(stderr, PROG ": note: --buf-size, --backing and --page-map ignored: no device method runs\n");
		return 0;
	}
	s->devfd = kx_dev_open(s->o.device, &s->cfg.info, buf, sizeof(buf));
	if (s->devfd < 0) {
		fprintf(stderr, PROG ": %s\n" PROG ": the device methods%s need it: load the kxfer module (e.g. 'sudo insmod kxfer.ko'), or measure only what needs no module with --methods baselines\n",
			buf, s->explicit ? "" : " (the default, 'all')");
		return EXIT_USAGE;
	}
	s->cfg.have_device = true;
	kx_backing_init(&s->bst, s->devfd, &s->cfg.info);
	if (s->o.buf_size &&
	    (kx_dev_resize(s->devfd, s->o.buf_size, s->cfg.info.backing,
			   &s->cfg.info, buf, sizeof(buf)) ||
	     ioctl(s->devfd, KXFER_IOC_INFO, &s->cfg.info))) {
		fprintf(stderr, PROG ": %s\n", buf);
		return EXIT_USAGE;
	}
	s->bst.orig_size = s->cfg.info.buf_size;
	if (s->cfg.info.page_size != s->cfg.page_size) {
		fprintf(stderr, PROG ": the driver's page size %u differs from user space's %zu\n",
			s->cfg.info.page_size, s->cfg.page_size);
		return EXIT_RUN;
	}
	if (s->o.nbackings) {
		memcpy(s->backings, s->o.backings, sizeof(s->backings));
		s->nbackings = s->o.nbackings;
	} else {
		s->backings[0] = s->cfg.info.backing;
		s->nbackings = 1;
	}
	return 0;
}

/*
 * --cache cold: the LLC to exceed, a buffer big enough for the rotation,
 * and enough memory for it.  Returns 0 or an exit code.
 */
static int prepare_cold(struct session *s, uint64_t llc)
{
	uint64_t avail = kx_mem_available(), user;
	char a[32], b[32], buf[1024];

	if (s->o.cache != KX_CACHE_COLD)
		return 0;
	if (!llc) {
		fprintf(stderr, PROG ": --cache cold: this kernel does not report the last-level cache size (/sys/devices/system/cpu/cpu0/cache): cannot size the rotation\n");
		return EXIT_USAGE;
	}
	s->cfg.cold_llc = llc;
	/* User buffers: up to three spans per thread (ubuf, ubuf2, xbuf). */
	user = 3ULL * kx_point_need(&s->cfg, s->sizes[0], s->o.threads);
	for (size_t i = 0; i < s->nsizes; i++) {
		uint64_t n = kx_point_need(&s->cfg, s->sizes[i], s->o.threads);

		if (3 * n > user)
			user = 3 * n;
	}
	if (avail && user + (s->use_device ? s->need : 0) > avail) {
		kx_format_size(user + s->need, a, sizeof(a));
		kx_format_size(avail, b, sizeof(b));
		fprintf(stderr, PROG ": --cache cold needs about %s (buffers totalling twice the %llu-byte last-level cache, per thread and buffer), more than the %s of memory available: use fewer --threads, or --cache hot\n",
			a, (unsigned long long)llc, b);
		return EXIT_USAGE;
	}
	if (s->use_device && s->need > s->cfg.info.buf_size &&
	    kx_backing_use(&s->bst, s->cfg.info.backing, s->need,
			   &s->cfg.info, buf, sizeof(buf))) {
		fprintf(stderr, PROG ": --cache cold: %s\n", buf);
		return EXIT_USAGE;
	}
	return 0;
}

/* Sizes, the buffer another backing gets, page maps.  0 or exit code. */
static int prepare_points(struct session *s)
{
	uint64_t llc = kx_llc_bytes("/sys/devices/system/cpu/cpu0");

	s->cfg.cold_llc = s->o.cache == KX_CACHE_COLD ? llc : 0;
	if (plan_sizes(&s->o, s->use_device && s->o.cache == KX_CACHE_HOT,
		       &s->cfg, &s->sizes, &s->nsizes))
		return EXIT_USAGE;
	for (size_t j = 0; j < s->nsizes; j++) {
		uint64_t n = kx_point_need(&s->cfg, s->sizes[j],
					   s->o.threads);

		if (n > s->need)
			s->need = n;
	}
	s->need = (s->need + s->cfg.page_size - 1) / s->cfg.page_size *
		  s->cfg.page_size;
	if (s->o.npagemaps) {
		memcpy(s->pagemaps, s->o.pagemaps, sizeof(s->pagemaps));
		s->npagemaps = s->o.npagemaps;
	} else {
		s->pagemaps[0] = KX_PAGEMAP_HUGE;
		s->npagemaps = 1;
	}
	return prepare_cold(s, llc);
}

static int build_plan(struct session *s)
{
	struct kx_plan_in in = {
		.methods = s->sel, .nmethods = s->nsel,
		.backings = s->backings,
		.nbackings = s->use_device ? s->nbackings : 0,
		.pagemaps = s->pagemaps, .npagemaps = s->npagemaps,
		.sizes = s->sizes, .nsizes = s->nsizes,
		.repeats = s->o.repeat, .seed = s->o.seed,
		.cfg = &s->cfg, .pmd_size = kx_hpage_pmd_size(),
	};

	s->cfg.consume = s->o.consume;
	s->cfg.work = s->o.work;
	s->cfg.verify = s->o.verify;
	if (kx_plan_build(&in, &s->plan)) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUN;
	}
	if (s->plan.skipped[0]) {
		fprintf(stderr, PROG ": note: skipping: %s\n", s->plan.skipped);
		kx_meta_set(&s->meta, "skipped", "%s", s->plan.skipped);
	}
	if (!s->plan.n) {
		fprintf(stderr, PROG ": nothing left to run (see the notes above)\n");
		return EXIT_USAGE;
	}
	return 0;
}

static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Comma-separated names of a --backing or --page-map list. */
static void attr_list(char *buf, size_t len, const uint32_t *v,
		      unsigned int n, const char *(*name)(uint32_t))
{
	size_t w = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && w < len; i++)
		w += snprintf(buf + w, len - w, "%s%s", i ? "," : "",
			      name(v[i]));
}

/*
 * dma_coherent: the driver's sysfs answer (ABI 4) to whether the dma*
 * backings are really uncached/wc here or write-back memory.
 */
static void dma_coherent(struct kx_meta *meta, const char *device)
{
	const char *name = strrchr(device, '/');
	char path[512], v[16];

	snprintf(path, sizeof(path), "/sys/class/kxfer/%s/dma_coherent",
		 name ? name + 1 : device);
	if (kx_read_line(path, v, sizeof(v)))
		kx_meta_set(meta, "dma_coherent", "unknown (no %s: a driver before it reported it)",
			    path);
	else if (!strcmp(v, "1"))
		kx_meta_set(meta, "dma_coherent", "yes (%s): dma and dma-wc are write-back memory here, SYNC is a no-op",
			    path);
	else
		kx_meta_set(meta, "dma_coherent", "no (%s): dma is uncached and dma-wc write-combining here, dma-noncoherent needs its ownership transfers",
			    path);
}

/* The machine and run settings (before measuring). */
static void collect_meta(struct session *s, const struct kx_clock *clk)
{
	struct kx_meta *meta = &s->meta;
	const struct kx_opts *o = &s->o;
	char buf[1024];

	kx_sysinfo_collect(meta, s->cpus[0] >= 0 ? s->cpus : NULL,
			   o->threads, o->emulated);
	kx_meta_set(meta, "cpu_pinned", "%s%s", s->pinned,
		    s->cpus[0] >= 0 && o->cpu == KX_CPU_DEFAULT ?
		    " (default: the CPU kxfer-bench started on)" : "");
	if (s->cpus[0] >= 0) {
		kx_meta_set(meta, "cpu_pinned_model", "%s",
			    kx_cpu_model(s->cpus[0]));
		if (kx_cpus_heterogeneous() && o->cpu == KX_CPU_DEFAULT)
			fprintf(stderr, PROG ": note: this machine has different core types (%s); running on cpu %d (%s); choose with --cpu N\n",
				kx_meta_get(meta, "cpu"), s->cpus[0],
				kx_cpu_model(s->cpus[0]));
	}
	if (!strncmp(kx_meta_get(meta, "emulated"), "yes", 3))
		fprintf(stderr, PROG ": note: running in a virtual machine or emulator %s: emulation distorts ratios as well as times; such a run checks function and curve shape (the native baseline run is in results/)\n",
			kx_meta_get(meta, "emulated") + 4);
	kx_meta_num(meta, "llc_bytes", "%llu", (unsigned long long)
		    kx_llc_bytes("/sys/devices/system/cpu/cpu0"));
	kx_thp_mode(buf, sizeof(buf));
	kx_meta_set(meta, "thp", "%s", buf);
	kx_mitigations(buf, sizeof(buf));
	kx_meta_set(meta, "mitigations", "%s", buf);
	kx_perf_status(buf, sizeof(buf));
	kx_meta_set(meta, "counters", "%s", buf);

	kx_meta_set(meta, "device", "%s", s->use_device ? o->device :
		    "n/a (no device method)");
	kx_meta_set(meta, "backing", "%s", s->use_device ?
		    kx_backing_name(s->cfg.info.backing) : "n/a");
	if (s->use_device) {
		attr_list(buf, sizeof(buf), s->backings, s->nbackings,
			  kx_backing_name);
		kx_meta_set(meta, "backings", "%s", buf);
		kx_meta_set(meta, "mappings", "%s", "the backing's attribute (ABI 4): vmalloc, pages, shmem cached; dma uncached; dma-wc wc; dma-noncoherent noncoherent; where DMA is cache-coherent (dma_coherent) the DMA API gives every dma* backing write-back memory, whatever the name");
		dma_coherent(meta, o->device);
		attr_list(buf, sizeof(buf), s->pagemaps, s->npagemaps,
			  kx_pagemap_name);
		kx_meta_set(meta, "page_maps", "%s (mmap methods; the rest: n/a)",
			    buf);
		kx_meta_num(meta, "buf_size", "%llu",
			    (unsigned long long)s->cfg.info.buf_size);
		kx_meta_set(meta, "driver", "abi %u, features 0x%x, max_size %llu",
			    s->cfg.info.abi_version, s->cfg.info.features,
			    (unsigned long long)s->cfg.info.max_size);
	} else {
		kx_meta_set(meta, "buf_size", "n/a");
	}
	kx_meta_num(meta, "clock_overhead_ns", "%.1f", clk->overhead_ns);
	kx_meta_num(meta, "clock_resolution_ns", "%.0f", clk->resolution_ns);
	kx_meta_num(meta, "sample_overhead_ns", "%.1f", s->overhead_ns);
	kx_meta_num(meta, "sample_min_ns", "%llu",
		    (unsigned long long)s->target_ns);
	kx_meta_set(meta, "consume", "%s", kx_consume_name(o->consume));
	kx_meta_num(meta, "touch_stride", "%d", KX_TOUCH_STRIDE);
	kx_meta_set(meta, "work", "%s", kx_work_name(o->work));
	kx_meta_set(meta, "cache", "%s%s", o->cache == KX_CACHE_COLD ?
		    "cold" : "hot", o->cache == KX_CACHE_COLD ?
		    " (operations rotate over buffers and device offsets totalling more than twice llc_bytes; mmap-fault does not rotate)" : "");
	kx_meta_num(meta, "repeats", "%u", o->repeat);
	kx_meta_num(meta, "seed", "%llu", (unsigned long long)o->seed);
	kx_meta_num(meta, "bootstrap_resamples", "%d", KX_BOOT_RESAMPLES);
	kx_meta_set(meta, "sample_hygiene", "a sample is dropped when the thread had an involuntary context switch in it or ran for less than %.0f%% of its wall time; >= %d kept samples per point; warm-up >= %d operations; p99 from >= %d samples, p999 from >= %d",
		    KX_DISTURB_CPU_FRACTION * 100, KX_MIN_POINT_SAMPLES,
		    KX_WARMUP_MIN_OPS, KX_P99_MIN_SAMPLES,
		    KX_P999_MIN_SAMPLES);
	kx_meta_num(meta, "min_time_s", "%g", o->min_time);
	kx_meta_num(meta, "min_samples", "%u", o->min_samples);
	kx_meta_num(meta, "threads", "%u", o->threads);
	kx_meta_set(meta, "verify", "%s", o->verify ? "yes" : "no");
}

static int run(struct session *s)
{
	struct kx_run_params rp = {
		.cfg = &s->cfg, .min_time_s = s->o.min_time,
		.min_samples = s->o.min_samples, .target_ns = s->target_ns,
		.threads = s->o.threads, .cpus = s->cpus, .counters = 1,
	};
	struct kx_run_in in = {
		.plan = &s->plan, .rp = &rp, .cfg = &s->cfg, .bst = &s->bst,
		.need = s->need,
		.cache = s->o.cache == KX_CACHE_COLD ? "cold" : "hot",
		.sample_overhead_ns = s->overhead_ns,
		.progress_lines = s->o.progress,
		.progress_tty = !s->o.progress && isatty(STDERR_FILENO),
		.verify = s->o.verify,
	};

	if (kx_run_plan(&in, &s->meta, &s->run))
		return EXIT_RUN;
	if (!s->run.n) {
		fprintf(stderr, PROG ": nothing could run (see above)\n");
		return EXIT_RUN;
	}
	if (kx_verdicts(s->run.res, s->run.n, &s->cross, &s->ncross)) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUN;
	}
	kx_meta_num(&s->meta, "tool_overhead_max_pct", "%.3f",
		    100 * s->run.max_overhead_frac);
	kx_meta_set(&s->meta, "mlock", "%s", kx_mlock_status());
	if (s->o.verify)
		fprintf(stderr, PROG ": verify: all %zu points passed\n",
			s->plan.n);
	return 0;
}

/* Writes one format to path (NULL: stdout); 0 or EXIT_RUN. */
static int write_one(const char *path, unsigned int fmt,
		     const struct kx_dataset *ds, const struct session *s)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	int bad;

	if (!f) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", path,
			strerror(errno));
		return EXIT_USAGE;
	}
	if (fmt == KX_FMT_CSV)
		kx_write_csv(f, ds);
	else if (fmt == KX_FMT_JSON)
		kx_write_json(f, ds);
	else
		kx_write_table(f, &ds->meta, s->run.res, s->run.n, s->cross,
			       s->ncross);
	bad = fflush(f) || ferror(f);
	if (bad)
		fprintf(stderr, PROG ": writing %s: %s\n",
			path ? path : "stdout", strerror(errno));
	if (path && fclose(f))
		bad = 1;
	if (bad && path)
		remove(path);
	return bad ? EXIT_RUN : 0;
}

/* --output-dir (bench.csv, bench.json), --output or stdout. */
static int write_outputs(const struct kx_opts *o, const struct kx_dataset *ds,
			 const struct session *s)
{
	char path[4096];
	int ret = 0;

	if (!o->output_dir)
		return write_one(o->output, o->formats, ds, s);
	if (mkdir(o->output_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, PROG ": cannot create %s: %s\n",
			o->output_dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (o->formats & KX_FMT_CSV) {
		snprintf(path, sizeof(path), "%s/bench.csv", o->output_dir);
		ret = write_one(path, KX_FMT_CSV, ds, s);
	}
	if (!ret && (o->formats & KX_FMT_JSON)) {
		snprintf(path, sizeof(path), "%s/bench.json", o->output_dir);
		ret = write_one(path, KX_FMT_JSON, ds, s);
	}
	return ret;
}

/* --merge: CSV files -> one dataset -> the outputs. */
static int merge(const struct kx_opts *o)
{
	struct session none = { .o = *o };
	struct kx_dataset ds = { 0 };
	char err[1024];
	int ret;

	if (o->formats & KX_FMT_TABLE) {
		fprintf(stderr, PROG ": --merge writes csv or json (--format csv|json, or --output-dir)\n");
		return EXIT_USAGE;
	}
	for (unsigned int i = 0; i < o->nmerge; i++)
		if (kx_dataset_read_csv(&ds, o->merge[i], err, sizeof(err))) {
			fprintf(stderr, PROG ": --merge: %s\n", err);
			kx_dataset_free(&ds);
			return EXIT_USAGE;
		}
	{
		char list[2048];
		size_t w = 0;

		for (unsigned int i = 0; i < o->nmerge && w < sizeof(list);
		     i++)
			w += snprintf(list + w, sizeof(list) - w, "%s%s",
				      i ? ", " : "", o->merge[i]);
		kx_meta_set(&ds.meta, "merged_runs", "%u runs merged by kxfer-bench --merge (rows and crossovers of all, this metadata from the first): %s",
			    o->nmerge, list);
	}
	ret = write_outputs(o, &ds, &none);
	kx_dataset_free(&ds);
	return ret;
}

static void session_free(struct session *s)
{
	char buf[1024];

	if (s->bst.fd >= 0 && kx_backing_restore(&s->bst, &s->cfg.info, buf,
						 sizeof(buf)))
		fprintf(stderr, PROG ": error: could not give the device back its %s buffer of %llu bytes: %s (reload the module to reset it)\n",
			kx_backing_name(s->bst.orig_backing),
			(unsigned long long)s->bst.orig_size, buf);
	if (s->devfd >= 0)
		close(s->devfd);
	kx_run_out_free(&s->run);
	kx_plan_free(&s->plan);
	free(s->cross);
	free(s->sizes);
	free(s->cpus);
	kx_meta_free(&s->meta);
}

int main(int argc, char **argv)
{
	static struct session s = { .devfd = -1, .bst = { .fd = -1 } };
	struct kx_dataset ds = { 0 };
	struct kx_clock clk;
	char buf[64];
	int ret;

	if (kx_parse_options(argc, argv, &s.o))
		return EXIT_USAGE;
	if (s.o.help || s.o.version || s.o.list_methods || s.o.list_columns) {
		if (s.o.help)
			kx_usage(stdout);
		else if (s.o.version)
			printf(PROG " %s (kxfer ABI %d)\n", KXFER_VERSION,
			       KXFER_ABI_VERSION);
		else if (s.o.list_methods)
			list_methods();
		else
			list_columns();
		return 0;
	}
	if (s.o.nmerge)
		return merge(&s.o);
	if (select_methods(s.o.methods, s.sel, &s.nsel, &s.explicit))
		return EXIT_USAGE;

	kx_meta_set(&s.meta, "tool_version", "%s", KXFER_VERSION);
	utc_now(buf, sizeof(buf));
	kx_meta_set(&s.meta, "date", "%s", buf);
	kx_meta_set(&s.meta, "label", "%s", s.o.label ? s.o.label : "");
	command_line(&s.meta, argc, argv);

	ret = prepare_device(&s);
	if (!ret)
		ret = prepare_points(&s);
	s.cpus = calloc(s.o.threads, sizeof(*s.cpus));
	if (!ret && (!s.cpus || plan_cpus(s.o.cpu, s.o.threads, s.cpus,
					  s.pinned, sizeof(s.pinned))))
		ret = EXIT_USAGE;
	if (!ret) {
		/* Everything from here runs where thread 0 will run. */
		pin_self(s.cpus[0]);
		kx_clock_calibrate(&clk);
		s.overhead_ns = kx_sample_overhead_ns();
		s.target_ns = kx_sample_target_ns(&clk);
		if (s.target_ns < KX_OVERHEAD_FACTOR * s.overhead_ns)
			s.target_ns = (uint64_t)(KX_OVERHEAD_FACTOR *
						 s.overhead_ns);
		collect_meta(&s, &clk);
		ret = build_plan(&s);
	}
	if (!ret)
		ret = run(&s);
	if (!ret && kx_dataset_from_results(&ds, &s.meta, s.run.res, s.run.n,
					    s.cross, s.ncross)) {
		fprintf(stderr, PROG ": out of memory\n");
		ret = EXIT_RUN;
	}
	if (!ret)
		ret = write_outputs(&s.o, &ds, &s);
	kx_dataset_free(&ds);
	session_free(&s);
	return ret;
}

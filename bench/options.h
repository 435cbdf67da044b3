/* SPDX-License-Identifier: GPL-2.0 */
/* Command line of kxfer-bench. */
#ifndef KX_OPTIONS_H
#define KX_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "attrs.h"
#include "consume.h"

/* --format: a set of these bits (csv,json with --output-dir). */
#define KX_FMT_TABLE	(1U << 0)
#define KX_FMT_CSV	(1U << 1)
#define KX_FMT_JSON	(1U << 2)

enum kx_cache_mode { KX_CACHE_HOT, KX_CACHE_COLD };

#define KX_CPU_DEFAULT	-1	/* pin to the CPU the tool started on */
#define KX_CPU_NONE	-2	/* do not pin */

struct kx_opts {
	const char *device;
	const char *methods;
	const char *sizes;		/* NULL: default sweep */
	unsigned int formats;		/* KX_FMT_* bits */
	const char *output;		/* NULL: stdout */
	const char *output_dir;		/* bench.csv + bench.json in it */
	unsigned int repeat;		/* --repeat R >= 1 */
	uint64_t seed;			/* of the run order (plan.h) */
	enum kx_cache_mode cache;	/* --cache hot|cold */
	bool progress;			/* --progress lines on stderr */
	bool list_columns;
	/* --merge FILE...: the files (argv after the options) */
	char **merge;
	unsigned int nmerge;
	double min_time;		/* seconds of timed samples per point */
	unsigned int min_samples;
	int cpu;			/* >= 0, KX_CPU_DEFAULT, KX_CPU_NONE */
	enum kx_consume consume;
	uint32_t work;
	unsigned int threads;
	bool verify;
	const char *label;
	int emulated;			/* -1 detect, 0 no, 1 yes */
	uint64_t buf_size;		/* 0: leave the device buffer alone */
	/* --backing: KXFER_BACKING_*; nbackings 0: the device's current one */
	uint32_t backings[KX_NR_BACKINGS];
	unsigned int nbackings;
	/*
	 * --page-map: KX_PAGEMAP_* of the mmap methods; npagemaps 0: not
	 * given, which runs huge only and leaves the pages buffer alone.
	 */
	uint32_t pagemaps[KX_NR_PAGEMAPS];
	unsigned int npagemaps;
	bool list_methods;
	bool help;
	bool version;
};

/*
 * Parses argv into o (defaults first).  Returns 0, or -1 after printing
 * what is wrong to stderr.
 */
int kx_parse_options(int argc, char **argv, struct kx_opts *o);
void kx_usage(FILE *f);

#endif

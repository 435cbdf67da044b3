/* SPDX-License-Identifier: GPL-2.0 */
/* Command line of kxfer-bench. */
#ifndef KX_OPTIONS_H
#define KX_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "attrs.h"
#include "consume.h"

enum kx_format { KX_FMT_TABLE, KX_FMT_CSV, KX_FMT_JSON };

#define KX_CPU_DEFAULT	-1	/* pin to the CPU the tool started on */
#define KX_CPU_NONE	-2	/* do not pin */

struct kx_opts {
	const char *device;
	const char *methods;
	const char *sizes;		/* NULL: default sweep */
	enum kx_format format;
	const char *output;		/* NULL: stdout */
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
	/* --mapping: KXFER_CACHE_* of the mmap methods (default: cached) */
	uint32_t caches[KX_NR_CACHES];
	unsigned int ncaches;
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the fuzz tests report disagreements with their reference model.
 * Each fuzz state (struct ioctl_fuzz, rw_fuzz, mmap_fuzz) has a counter
 * `reports`, a description `desc` of the case being run, the model `d`
 * and a verification descriptor `vfd`; the macros take such a state.
 */
#ifndef HX_FUZZ_REPORT_H
#define HX_FUZZ_REPORT_H

#include <stdint.h>

#include "model.h"

/*
 * Only the first ones are printed: one bug usually disagrees in every
 * case after it, and the first reports are the ones that explain it.
 */
#define FUZZ_MAX_REPORTS	10

/* Fail the test with "desc: message"; count it, print the first ones. */
#define fuzz_report(f, ...) \
	fuzz_report_at(__FILE__, __LINE__, &(f)->reports, (f)->desc, \
		       __VA_ARGS__)
void fuzz_report_at(const char *file, int line, unsigned long *reports,
		    const char *desc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Report where the whole buffer differs from the model's shadow. */
#define fuzz_check_contents(f) \
	fuzz_check_contents_at(__FILE__, __LINE__, &(f)->reports, (f)->desc, \
			       &(f)->d, (f)->vfd)
void fuzz_check_contents_at(const char *file, int line,
			    unsigned long *reports, const char *desc,
			    struct model_dev *d, int vfd);

/*
 * Report where GET_STATS differs from the model's counters, then adopt
 * the device's, so one disagreement is reported once.
 */
#define fuzz_check_stats(f) \
	fuzz_check_stats_at(__FILE__, __LINE__, &(f)->reports, (f)->desc, \
			    &(f)->d, (f)->vfd)
void fuzz_check_stats_at(const char *file, int line, unsigned long *reports,
			 const char *desc, struct model_dev *d, int vfd);

/* The closing diagnostic: how many disagreements, how to replay them. */
void fuzz_report_summary(unsigned long reports, uint64_t seed,
			 unsigned long cases);

#endif

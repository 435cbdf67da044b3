/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP 13 producer for the host unit tests. */
#ifndef KX_TAP_H
#define KX_TAP_H

#include <math.h>

/* Returns cond; prints "ok N - name" or "not ok N - name". */
int tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline int tap_near(double got, double want, double eps)
{
	return fabs(got - want) <= eps;
}

#define TAP_NEAR(got, want, eps, name)					\
	do {								\
		double g_ = (got), w_ = (want);				\
		if (!tap_ok(tap_near(g_, w_, (eps)), "%s", name))	\
			tap_diag("got %.9g, want %.9g", g_, w_);	\
	} while (0)

/* Groups, each in its own file. */
void test_stats(void);
void test_sizes(void);
void test_output(void);
void test_verdict(void);
void test_consume(void);
void test_methods(void);
void test_sysinfo(void);
void test_lib(void);
void test_attrs(void);
void test_pagemap(void);
void test_smoke(const char *bench);

#endif

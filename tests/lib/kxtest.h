/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kxtest: a small TAP 13 test harness for the kxfer functional tests.
 *
 * Every TEST() runs in its own forked child (in its own process group), so
 * a crash, a signal or a hang in one test is reported as that test's
 * failure and the run goes on.  The child's stdout/stderr are captured and
 * printed as "# " diagnostics after the test's result line, which keeps
 * the TAP stream well formed whatever the test prints.
 *
 * ASSERT_*() end the test at the first failure, EXPECT_*() record it and
 * continue.  Both print what was expected and what was got, with the errno
 * name and text where a system call is involved.
 *
 * Tests run in the order (KXT_FILE_ORDER, line), so files can put their
 * tests in a deliberate place in the run: define KXT_FILE_ORDER before
 * including this header.
 */
#ifndef KXTEST_H
#define KXTEST_H

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#ifndef KXT_FILE_ORDER
#define KXT_FILE_ORDER 50
#endif

/* Seconds a test may run before SIGALRM ends it (TCG guests are slow). */
#define KXT_DEFAULT_TIMEOUT 120

typedef void (*kxt_fn)(void);

void kxt_register(const char *name, kxt_fn fn, const char *file, int line,
		  int order, unsigned int timeout);

#define TEST_TIMEOUT(name, secs)					\
	static void name(void);						\
	__attribute__((constructor)) static void kxt_reg_##name(void)	\
	{								\
		kxt_register(#name, name, __FILE__, __LINE__,		\
			     KXT_FILE_ORDER, (secs));			\
	}								\
	static void name(void)

#define TEST(name) TEST_TIMEOUT(name, KXT_DEFAULT_TIMEOUT)

/*
 * Hooks for the code that knows what is under test (kxdev.c):
 * before_all runs once in the runner before the first test, after_each in
 * the runner after every test; what after_each prints is appended to that
 * test's diagnostics.  An option "--NAME VALUE" stores VALUE in *dst.
 */
void kxt_set_hooks(void (*before_all)(void), void (*after_each)(void));
void kxt_add_option(const char *name, const char **dst, const char *help);

/* Diagnostics: one or more lines, printed as "# ..." under the result. */
void kxt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Failure reporting used by the macros; fatal ones _exit() the test. */
void kxt_fail_at(const char *file, int line, int fatal, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void kxt_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
int kxt_failed(void);

/* "ENOSPC (No space left on device)" for diagnostics. */
const char *kxt_errstr(int err);

/*
 * Fork a helper process inside a test.  The helper may use ASSERT_*; it
 * must end with kxt_child_exit(), and the test must check it with
 * kxt_wait_ok().  Leftover helpers are killed by the runner.
 */
pid_t kxt_fork(void);
__attribute__((noreturn)) void kxt_child_exit(void);
/* Wait for pid; returns 1 if it exited with status 0, else prints why. */
int kxt_wait_ok(pid_t pid, const char *what);

#define KXT_FAIL_(fatal, ...) kxt_fail_at(__FILE__, __LINE__, fatal, __VA_ARGS__)

#define FAIL(...)	KXT_FAIL_(1, __VA_ARGS__)
#define SKIP(...)	kxt_skip(__VA_ARGS__)

/* Signedness without a "< 0" comparison that -Wtype-limits would flag. */
#define KXT_IS_SIGNED_(x) _Generic((x),					\
	char: CHAR_MIN < 0, signed char: 1, short: 1, int: 1, long: 1,	\
	long long: 1, default: 0)

/*
 * Integer comparison; both operands are evaluated once and printed in
 * decimal and hex, signed or unsigned according to their own type.
 */
#define KXT_CMP_(fatal, a, op, b, sa, sb)					\
	do {								\
		errno = 0;						\
		__auto_type kxt_a_ = (a);				\
		__auto_type kxt_b_ = (b);				\
		int kxt_e_ = errno;					\
		if (!(kxt_a_ op kxt_b_)) {				\
			char kxt_sa_[64], kxt_sb_[64];			\
			kxt_fmt_int_(kxt_sa_, KXT_IS_SIGNED_(kxt_a_),	\
				     (uintmax_t)kxt_a_);		\
			kxt_fmt_int_(kxt_sb_, KXT_IS_SIGNED_(kxt_b_),	\
				     (uintmax_t)kxt_b_);		\
			KXT_FAIL_(fatal, "expected %s %s %s: got %s vs %s%s%s", \
				  sa, #op, sb, kxt_sa_, kxt_sb_,	\
				  kxt_e_ ? "; errno set: " : "",	\
				  kxt_e_ ? kxt_errstr(kxt_e_) : "");	\
		}							\
	} while (0)

void kxt_fmt_int_(char *buf, int is_signed, uintmax_t v);

#define ASSERT_EQ(a, b) KXT_CMP_(1, a, ==, b, #a, #b)
#define ASSERT_NE(a, b) KXT_CMP_(1, a, !=, b, #a, #b)
#define ASSERT_LT(a, b) KXT_CMP_(1, a, <, b, #a, #b)
#define ASSERT_LE(a, b) KXT_CMP_(1, a, <=, b, #a, #b)
#define ASSERT_GT(a, b) KXT_CMP_(1, a, >, b, #a, #b)
#define ASSERT_GE(a, b) KXT_CMP_(1, a, >=, b, #a, #b)
#define EXPECT_EQ(a, b) KXT_CMP_(0, a, ==, b, #a, #b)
#define EXPECT_NE(a, b) KXT_CMP_(0, a, !=, b, #a, #b)
#define EXPECT_LT(a, b) KXT_CMP_(0, a, <, b, #a, #b)
#define EXPECT_LE(a, b) KXT_CMP_(0, a, <=, b, #a, #b)
#define EXPECT_GT(a, b) KXT_CMP_(0, a, >, b, #a, #b)
#define EXPECT_GE(a, b) KXT_CMP_(0, a, >=, b, #a, #b)

#define KXT_TRUE_(fatal, cond, scond)					\
	do {								\
		if (!(cond))						\
			KXT_FAIL_(fatal, "expected %s", scond);		\
	} while (0)
#define ASSERT_TRUE(cond)  KXT_TRUE_(1, cond, #cond)
#define EXPECT_TRUE(cond)  KXT_TRUE_(0, cond, #cond)
#define ASSERT_FALSE(cond) KXT_TRUE_(1, !(cond), "not " #cond)
#define EXPECT_FALSE(cond) KXT_TRUE_(0, !(cond), "not " #cond)

/*
 * A system call (or libc wrapper) that must succeed: anything but -1.
 * Evaluates to its result so it can be used as an expression.
 */
#define KXT_OK_(fatal, expr, sexpr)						\
	({								\
		errno = 0;						\
		__auto_type kxt_r_ = (expr);				\
		if ((long long)kxt_r_ == -1LL)				\
			KXT_FAIL_(fatal, "%s failed: %s", sexpr,	\
				  kxt_errstr(errno));			\
		kxt_r_;							\
	})
#define ASSERT_OK(expr) KXT_OK_(1, expr, #expr)
#define EXPECT_OK(expr) KXT_OK_(0, expr, #expr)

/* A call that must fail with -1 and errno == err. */
#define KXT_ERRNO_(fatal, expr, err, sexpr)					\
	do {								\
		errno = 0;						\
		long long kxt_r_ = (long long)(expr);			\
		int kxt_e_ = errno;					\
		if (kxt_r_ != -1)					\
			KXT_FAIL_(fatal,				\
				  "expected %s to fail with %s, got return %lld", \
				  sexpr, kxt_errstr(err), kxt_r_);	\
		else if (kxt_e_ != (err))				\
			KXT_FAIL_(fatal,				\
				  "expected %s to fail with %s, got %s", \
				  sexpr, kxt_errstr(err), kxt_errstr(kxt_e_)); \
	} while (0)
#define ASSERT_ERRNO(expr, err) KXT_ERRNO_(1, expr, err, #expr)
#define EXPECT_ERRNO(expr, err) KXT_ERRNO_(0, expr, err, #expr)

/* mmap() that must succeed. */
#define ASSERT_MAP(expr) KXT_MAP_(expr, #expr)
#define KXT_MAP_(expr, sexpr)						\
	({								\
		errno = 0;						\
		void *kxt_m_ = (expr);					\
		if (kxt_m_ == MAP_FAILED)				\
			KXT_FAIL_(1, "%s failed: %s", sexpr,		\
				  kxt_errstr(errno));			\
		kxt_m_;							\
	})

/* mmap() that must fail with err. */
#define KXT_MAP_ERRNO_(fatal, expr, err, sexpr)				\
	do {								\
		errno = 0;						\
		void *kxt_m_ = (expr);					\
		int kxt_e_ = errno;					\
		if (kxt_m_ != MAP_FAILED)				\
			KXT_FAIL_(fatal,				\
				  "expected %s to fail with %s, it returned %p", \
				  sexpr, kxt_errstr(err), kxt_m_);	\
		else if (kxt_e_ != (err))				\
			KXT_FAIL_(fatal,				\
				  "expected %s to fail with %s, got %s", \
				  sexpr, kxt_errstr(err), kxt_errstr(kxt_e_)); \
	} while (0)
#define ASSERT_MAP_ERRNO(expr, err) KXT_MAP_ERRNO_(1, expr, err, #expr)
#define EXPECT_MAP_ERRNO(expr, err) KXT_MAP_ERRNO_(0, expr, err, #expr)

/* Byte comparison reporting the first differing offset. */
int kxt_mem_diff_(const void *a, const void *b, size_t len,
		  const char *what, const char *file, int line, int fatal);
#define ASSERT_MEM_EQ(a, b, len, what) \
	kxt_mem_diff_(a, b, len, what, __FILE__, __LINE__, 1)
#define EXPECT_MEM_EQ(a, b, len, what) \
	kxt_mem_diff_(a, b, len, what, __FILE__, __LINE__, 0)

#endif

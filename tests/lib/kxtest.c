// SPDX-License-Identifier: GPL-2.0
/*
 * kxtest runner: registration, option parsing, one forked child per test,
 * TAP 13 output.  See kxtest.h for the model.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kxtest.h"

#define KXT_MAX_TESTS	512
#define KXT_MAX_OPTIONS	16
#define KXT_DIAG_MAX	(64 * 1024)
/* Grace the runner gives past a test's own alarm before SIGKILL. */
#define KXT_HARD_GRACE	15

enum { KXT_EXIT_PASS = 0, KXT_EXIT_FAIL = 1, KXT_EXIT_SKIP = 77 };

struct kxt_test {
	const char *name;
	kxt_fn fn;
	const char *file;
	int line;
	int order;
	unsigned int timeout;
	int selected;
};

struct kxt_option {
	const char *name;
	const char **dst;
	const char *help;
};

/* Shared with the test child so it can hand back a skip reason. */
struct kxt_shared {
	char skip_reason[256];
};

static struct kxt_test tests[KXT_MAX_TESTS];
static int nr_tests;
static struct kxt_option options[KXT_MAX_OPTIONS];
static int nr_options;
static void (*hook_before_all)(void);
static void (*hook_after_each)(void);

static int in_test_child;	/* set in the test child and its helpers */
static int test_failed;
static struct kxt_shared *shared;

/* Runner-side capture of one test's diagnostics. */
static char *diag_buf;
static size_t diag_len;
static int diag_truncated;
static int runner_marked_fail;

void kxt_register(const char *name, kxt_fn fn, const char *file, int line,
		  int order, unsigned int timeout)
{
	if (nr_tests == KXT_MAX_TESTS) {
		fprintf(stderr, "kxtest: more than %d tests, raise KXT_MAX_TESTS\n",
			KXT_MAX_TESTS);
		exit(2);
	}
	tests[nr_tests++] = (struct kxt_test){
		.name = name, .fn = fn, .file = file, .line = line,
		.order = order, .timeout = timeout,
	};
}

void kxt_set_hooks(void (*before_all)(void), void (*after_each)(void))
{
	hook_before_all = before_all;
	hook_after_each = after_each;
}

void kxt_add_option(const char *name, const char **dst, const char *help)
{
	if (nr_options == KXT_MAX_OPTIONS) {
		fprintf(stderr, "kxtest: too many options\n");
		exit(2);
	}
	options[nr_options++] = (struct kxt_option){ name, dst, help };
}

static void diag_append(const char *s, size_t n)
{
	if (diag_len + n > KXT_DIAG_MAX) {
		n = KXT_DIAG_MAX - diag_len;
		diag_truncated = 1;
	}
	memcpy(diag_buf + diag_len, s, n);
	diag_len += n;
}

static void vdiag(const char *fmt, va_list ap)
{
	char line[2048];
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (n == 0 || line[n - 1] != '\n')
		line[n++] = '\n';
	if (in_test_child) {
		/* Unbuffered fd 1 is the capture pipe; one write per line. */
		ssize_t off = 0;

		while (off < n) {
			ssize_t w = write(1, line + off, n - off);

			if (w <= 0)
				break;
			off += w;
		}
	} else {
		diag_append(line, n);
	}
}

void kxt_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
}

void kxt_fail_at(const char *file, int line, int fatal, const char *fmt, ...)
{
	char msg[1800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strrchr(file, '/'))
		file = strrchr(file, '/') + 1;
	kxt_diag("%s:%d: %s", file, line, msg);
	test_failed = 1;
	if (!in_test_child) {
		runner_marked_fail = 1;
		return;
	}
	if (fatal)
		_exit(KXT_EXIT_FAIL);
}

void kxt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (shared)
		vsnprintf(shared->skip_reason, sizeof(shared->skip_reason),
			  fmt, ap);
	va_end(ap);
	/* A test that already failed must not hide that behind a skip. */
	_exit(test_failed ? KXT_EXIT_FAIL : KXT_EXIT_SKIP);
}

int kxt_failed(void)
{
	return test_failed;
}

const char *kxt_errstr(int err)
{
	/* Rotating buffers: one message may quote two errnos. */
	static char bufs[4][96];
	static int next;
	char *b = bufs[next++ & 3];
	const char *name = NULL;

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	name = strerrorname_np(err);
#endif
	if (err == 0)
		snprintf(b, sizeof(bufs[0]), "0 (no error)");
	else if (name)
		snprintf(b, sizeof(bufs[0]), "%s (%s)", name, strerror(err));
	else
		snprintf(b, sizeof(bufs[0]), "errno %d (%s)", err,
			 strerror(err));
	return b;
}

void kxt_fmt_int_(char *buf, int is_signed, uintmax_t v)
{
	if (is_signed)
		snprintf(buf, 64, "%jd", (intmax_t)v);
	else if (v > 9)
		snprintf(buf, 64, "%ju (0x%jx)", v, v);
	else
		snprintf(buf, 64, "%ju", v);
}

int kxt_mem_diff_(const void *a, const void *b, size_t len,
		  const char *what, const char *file, int line, int fatal)
{
	const unsigned char *pa = a, *pb = b;
	size_t i, ndiff = 0, first = 0;

	for (i = 0; i < len; i++) {
		if (pa[i] != pb[i]) {
			if (!ndiff)
				first = i;
			ndiff++;
		}
	}
	if (!ndiff)
		return 0;
	kxt_fail_at(file, line, fatal,
		    "%s: %zu of %zu bytes differ, first at offset %zu: got 0x%02x, expected 0x%02x",
		    what, ndiff, len, first, pa[first], pb[first]);
	return 1;
}

pid_t kxt_fork(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		FAIL("fork: %s", kxt_errstr(errno));
	return pid;
}

void kxt_child_exit(void)
{
	_exit(test_failed ? KXT_EXIT_FAIL : KXT_EXIT_PASS);
}

static void describe_status(char *buf, size_t n, int status)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d (%s)%s",
			 WTERMSIG(status), strsignal(WTERMSIG(status)),
			 WTERMSIG(status) == SIGALRM ?
			 " - test timed out" : "");
	else
		snprintf(buf, n, "status 0x%x", status);
}

int kxt_wait_ok(pid_t pid, const char *what)
{
	int status;
	char desc[128];

	if (waitpid(pid, &status, 0) < 0) {
		kxt_diag("waitpid(%s): %s", what, kxt_errstr(errno));
		test_failed = 1;
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	describe_status(desc, sizeof(desc), status);
	kxt_diag("helper %s %s", what, desc);
	test_failed = 1;
	return 0;
}

static int cmp_tests(const void *a, const void *b)
{
	const struct kxt_test *x = a, *y = b;
	int c;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	c = strcmp(x->file, y->file);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Kill what is left of the test's process group and reap everything. */
static void reap_leftovers(pid_t pgid)
{
	double deadline = now_s() + 10;
	int killed = 0;

	if (kill(-pgid, SIGKILL) == 0)
		killed = 1;
	for (;;) {
		pid_t p = waitpid(-1, NULL, WNOHANG);

		if (p < 0)	/* ECHILD: nothing left */
			break;
		if (p == 0) {
			if (now_s() > deadline) {
				kxt_diag("harness: helper processes did not exit within 10 s");
				break;
			}
			usleep(10000);
		}
	}
	if (killed)
		kxt_diag("harness: killed helper processes the test left running");
}

static __attribute__((noreturn)) void run_in_child(const struct kxt_test *t,
						   int wfd)
{
	in_test_child = 1;
	setpgid(0, 0);
	dup2(wfd, 1);
	dup2(wfd, 2);
	close(wfd);
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_DFL);
	alarm(t->timeout);
	t->fn();
	kxt_child_exit();
}

enum kxt_result { R_PASS, R_FAIL, R_SKIP };

static enum kxt_result run_one(const struct kxt_test *t, char *skip_reason,
			       size_t skip_len)
{
	int pfd[2], status = 0, reaped = 0;
	double hard_deadline;
	char desc[160];
	pid_t pid;

	diag_len = 0;
	diag_truncated = 0;
	runner_marked_fail = 0;
	test_failed = 0;
	memset(shared, 0, sizeof(*shared));

	if (pipe(pfd) < 0) {
		kxt_diag("harness: pipe: %s", kxt_errstr(errno));
		return R_FAIL;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		kxt_diag("harness: fork: %s", kxt_errstr(errno));
		close(pfd[0]);
		close(pfd[1]);
		return R_FAIL;
	}
	if (pid == 0) {
		close(pfd[0]);
		run_in_child(t, pfd[1]);
	}
	setpgid(pid, pid);	/* also here: no race with the child's own */
	close(pfd[1]);

	hard_deadline = now_s() + t->timeout + KXT_HARD_GRACE;
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		char buf[4096];
		int r = poll(&p, 1, 100);

		if (r > 0) {
			ssize_t n = read(pfd[0], buf, sizeof(buf));

			if (n > 0) {
				diag_append(buf, n);
				continue;
			}
			if (n == 0 && reaped)
				break;	/* EOF: every writer is gone */
			if (n == 0)	/* EOF, child still exiting */
				usleep(1000);
		}
		if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
			reaped = 1;
			/* Helpers may still hold the pipe: end them. */
			reap_leftovers(pid);
			continue;
		}
		if (reaped && r == 0)
			break;
		if (!reaped && now_s() > hard_deadline) {
			kxt_diag("harness: test did not end %d s after its alarm; killing it",
				 KXT_HARD_GRACE);
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			reaped = 1;
			reap_leftovers(pid);
		}
	}
	close(pfd[0]);
	/* Captured output may end without a newline (e.g. after a crash). */
	if (diag_len && diag_buf[diag_len - 1] != '\n')
		diag_append("\n", 1);

	if (hook_after_each)
		hook_after_each();

	if (WIFEXITED(status) && WEXITSTATUS(status) == KXT_EXIT_SKIP &&
	    !runner_marked_fail) {
		snprintf(skip_reason, skip_len, "%s",
			 shared->skip_reason[0] ? shared->skip_reason :
			 "no reason given");
		return R_SKIP;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == KXT_EXIT_PASS &&
	    !runner_marked_fail)
		return R_PASS;
	if (!(WIFEXITED(status) && (WEXITSTATUS(status) == KXT_EXIT_FAIL ||
				    WEXITSTATUS(status) == KXT_EXIT_PASS))) {
		describe_status(desc, sizeof(desc), status);
		kxt_diag("test process %s", desc);
	}
	return R_FAIL;
}

static void print_diag(void)
{
	size_t i = 0;

	while (i < diag_len) {
		size_t j = i;

		while (j < diag_len && diag_buf[j] != '\n')
			j++;
		if (diag_buf[i] == '#')
			printf("%.*s\n", (int)(j - i), diag_buf + i);
		else
			printf("# %.*s\n", (int)(j - i), diag_buf + i);
		i = j + 1;
	}
	if (diag_truncated)
		printf("# (diagnostics truncated at %d bytes)\n", KXT_DIAG_MAX);
}

static void usage(const char *prog, FILE *f)
{
	fprintf(f,
		"usage: %s [options] [TEST-GLOB...]\n"
		"Runs the tests (all, or those whose name matches a glob) and prints TAP 13.\n"
		"  --list          print the selected test names, one a line\n"
		"  --count         print the number of selected tests\n"
		"  --first N       number the results from N (to merge TAP streams)\n"
		"  --no-header     omit 'TAP version 13' and the plan line\n"
		"  --prefix STR    prepend STR to every test name\n"
		"  --timeout S     per-test timeout in seconds (default: per test)\n",
		prog);
	for (int i = 0; i < nr_options; i++)
		fprintf(f, "  --%-13s %s\n", options[i].name, options[i].help);
}

static long parse_num(const char *opt, const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min) {
		fprintf(stderr, "kxtest: %s needs an integer >= %ld, got '%s'\n",
			opt, min, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	int list = 0, count = 0, header = 1, nsel = 0, nfail = 0;
	const char *prefix = "";
	long first = 1, timeout = 0;
	char **globs = calloc(argc, sizeof(*globs));
	int nglobs = 0;

	if (!globs) {
		fprintf(stderr, "kxtest: out of memory\n");
		return 2;
	}

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int matched = 0;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(argv[0], stdout);
			return 0;
		} else if (!strcmp(a, "--list")) {
			list = 1;
			continue;
		} else if (!strcmp(a, "--count")) {
			count = 1;
			continue;
		} else if (!strcmp(a, "--no-header")) {
			header = 0;
			continue;
		} else if (a[0] != '-') {
			globs[nglobs++] = argv[i];
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "kxtest: unknown option or missing value: %s\n", a);
			usage(argv[0], stderr);
			return 2;
		}
		if (!strcmp(a, "--first")) {
			first = parse_num(a, argv[++i], 1);
			continue;
		} else if (!strcmp(a, "--prefix")) {
			prefix = argv[++i];
			continue;
		} else if (!strcmp(a, "--timeout")) {
			timeout = parse_num(a, argv[++i], 1);
			continue;
		}
		for (int o = 0; o < nr_options; o++) {
			if (!strncmp(a, "--", 2) && !strcmp(a + 2, options[o].name)) {
				*options[o].dst = argv[++i];
				matched = 1;
			}
		}
		if (!matched) {
			fprintf(stderr, "kxtest: unknown option: %s\n", a);
			usage(argv[0], stderr);
			return 2;
		}
	}

	qsort(tests, nr_tests, sizeof(tests[0]), cmp_tests);
	for (int t = 0; t < nr_tests; t++) {
		tests[t].selected = !nglobs;
		for (int g = 0; g < nglobs; g++)
			if (!fnmatch(globs[g], tests[t].name, 0))
				tests[t].selected = 1;
		if (timeout)
			tests[t].timeout = timeout;
		nsel += tests[t].selected;
	}
	if (nglobs && !nsel) {
		fprintf(stderr, "kxtest: no test matches the given names (see --list)\n");
		return 2;
	}
	if (count) {
		printf("%d\n", nsel);
		return 0;
	}
	if (list) {
		for (int t = 0; t < nr_tests; t++)
			if (tests[t].selected)
				printf("%s%s\n", prefix, tests[t].name);
		return 0;
	}

	diag_buf = malloc(KXT_DIAG_MAX + 1);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!diag_buf || shared == MAP_FAILED) {
		perror("kxtest: setup");
		return 2;
	}
	/* Orphaned helpers come back to us, so we can reap them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);

	if (header)
		printf("TAP version 13\n1..%d\n", nsel);
	diag_len = 0;
	if (hook_before_all)
		hook_before_all();
	print_diag();	/* what before_all had to say, before test 1 */
	fflush(stdout);

	long n = first;

	for (int t = 0; t < nr_tests; t++) {
		char reason[300];
		enum kxt_result r;

		if (!tests[t].selected)
			continue;
		r = run_one(&tests[t], reason, sizeof(reason));
		if (r == R_PASS)
			printf("ok %ld %s%s\n", n, prefix, tests[t].name);
		else if (r == R_SKIP)
			printf("ok %ld %s%s # SKIP %s\n", n, prefix,
			       tests[t].name, reason);
		else {
			printf("not ok %ld %s%s\n", n, prefix, tests[t].name);
			nfail++;
		}
		print_diag();
		fflush(stdout);
		n++;
	}
	return nfail ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Disagreement reports of the fuzz tests; see fuzz_report.h.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "fuzz_report.h"

void fuzz_report_at(const char *file, int line, unsigned long *reports,
		    const char *desc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (++*reports > FUZZ_MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kxt_fail_at(file, line, 0, "%s: %s", desc, msg);
}

void fuzz_check_contents_at(const char *file, int line,
			    unsigned long *reports, const char *desc,
			    struct model_dev *d, int vfd)
{
	char msg[300];

	if (!model_diff(d, vfd, 0, d->size, msg, sizeof(msg)))
		fuzz_report_at(file, line, reports, desc, "%s", msg);
}

void fuzz_check_stats_at(const char *file, int line, unsigned long *reports,
			 const char *desc, struct model_dev *d, int vfd)
{
	struct kxfer_stats st;

	kx_get_stats(vfd, &st);
	for (int p = 0; p < KXFER_NR_PATHS; p++) {
		if (st.bytes[p] == d->bytes[p] && st.calls[p] == d->calls[p])
			continue;
		fuzz_report_at(file, line, reports, desc,
			       "afterwards GET_STATS path %s shows %llu bytes in %llu calls, the model %llu bytes in %llu calls (contract: calls that moved >= 0 bytes without error)",
			       kx_path_name(p), (unsigned long long)st.bytes[p],
			       (unsigned long long)st.calls[p],
			       (unsigned long long)d->bytes[p],
			       (unsigned long long)d->calls[p]);
		d->bytes[p] = st.bytes[p];
		d->calls[p] = st.calls[p];
	}
}

void fuzz_report_summary(unsigned long reports, uint64_t seed,
			 unsigned long cases)
{
	if (reports)
		kxt_diag("%lu disagreement(s) with the model%s; replay with: --seed %" PRIu64 " --cases %lu",
			 reports,
			 reports > FUZZ_MAX_REPORTS ? " (first ones shown)" : "",
			 seed, cases);
}

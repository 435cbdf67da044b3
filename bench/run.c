// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "results.h"
#include "run.h"
#include "sizes.h"
#include "timing.h"

#define PROG "kxfer-bench"

static void duration(char *buf, size_t len, double s)
{
	if (s < 60)
		snprintf(buf, len, "%.0f s", s);
	else
		snprintf(buf, len, "%.0f min", s / 60);
}

void kx_progress_line(char *buf, size_t len, size_t done, size_t total,
		      double elapsed_s)
{
	char left[32];

	if (done)
		duration(left, sizeof(left),
			 elapsed_s / (double)done * (double)(total - done));
	snprintf(buf, len, "progress: %zu/%zu points, %.0f s elapsed, %s%s",
		 done, total, elapsed_s, done ? "~" : "",
		 done ? left : "unknown time");
	if (done)
		strncat(buf, " left", len - strlen(buf) - 1);
}

static void clear_tty(const struct kx_run_in *in)
{
	if (in->progress_tty)
		fputs("\r\033[K", stderr);
}

/* Names of result x from the point that first measured it. */
static void name_result(struct kx_result *x, const struct kx_point *p,
			const struct kx_run_in *in)
{
	const struct kx_method *m = p->m;
	int dev = p->backing != KX_NO_BACKING;

	x->method = m->name;
	x->path = kx_path_name(m->path);
	x->direction = kx_dir_name(m->dir);
	x->consume = m->flags & KXM_CONSUME ?
		     kx_consume_name(in->cfg->consume) : "n/a";
	x->work = m->flags & KXM_WORK ? kx_work_name(in->cfg->work) : "n/a";
	x->backing = dev ? kx_backing_name(p->backing) : "n/a";
	x->mapping = dev && (m->flags & KXM_MMAP) ?
		     kx_backing_mapping(p->backing) : "n/a";
	x->page_map = m->flags & KXM_MMAP ? kx_pagemap_name(p->page_map) :
		      "n/a";
	x->cache = in->cache;
	x->size = p->size;
	x->threads = in->rp->threads;
	x->no_data = !!(m->flags & KXM_NO_DATA);
}

/* Makes the buffer the point's backing; 1 if it is, 0 if that failed. */
static int use_backing(const struct kx_run_in *in, uint32_t backing,
		       struct kx_meta *meta, char *failed, size_t flen)
{
	char err[1024];
	size_t used;

	if (backing == KX_NO_BACKING)
		return 1;
	if (strstr(failed, kx_backing_name(backing)))
		return 0;
	if (in->cfg->backing == backing)
		return 1;
	if (!kx_backing_use(in->bst, backing, in->need, &in->cfg->info, err,
			    sizeof(err))) {
		in->cfg->backing = backing;
		return 1;
	}
	clear_tty(in);
	fprintf(stderr, PROG ": %s\n" PROG ": note: skipping every point with the %s backing\n",
		err, kx_backing_name(backing));
	used = strlen(failed);
	snprintf(failed + used, flen - used, "%s%s", used ? "," : "",
		 kx_backing_name(backing));
	kx_meta_set(meta, "skipped_backing", "%s (KXFER_IOC_RESIZE failed)",
		    failed);
	return 0;
}

int kx_run_plan(const struct kx_run_in *in, struct kx_meta *meta,
		struct kx_run_out *out)
{
	const struct kx_plan *plan = in->plan;
	unsigned int R = plan->repeats;
	struct kx_rep *reps = calloc(plan->nresults * R + 1, sizeof(*reps));
	const struct kx_point **first = calloc(plan->nresults + 1,
					       sizeof(*first));
	unsigned int *got = calloc(plan->nresults + 1, sizeof(*got));
	uint64_t start = kx_now_ns();
	char failed[128] = "", err[1024], line[128];
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->res = calloc(plan->nresults + 1, sizeof(*out->res));
	if (!reps || !first || !got || !out->res) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	in->cfg->backing = UINT32_MAX;
	for (size_t i = 0; i < plan->n; i++) {
		const struct kx_point *p = &plan->pts[i];
		struct kx_rep *rep = &reps[p->result * R + p->rep];
		double elapsed;

		if (!use_backing(in, p->backing, meta, failed,
				 sizeof(failed)))
			continue;
		in->cfg->page_map = p->page_map;
		if (in->progress_tty) {
			char s[32];

			kx_format_size(p->size, s, sizeof(s));
			fprintf(stderr, "\r\033[K[%zu/%zu] %s %s", i + 1,
				plan->n, p->m->name, s);
			fflush(stderr);
		}
		if (kx_run_point(in->rp, p->m, p->size, rep, err,
				 sizeof(err))) {
			clear_tty(in);
			fprintf(stderr, PROG ": %s%s (backing %s, page map %s, repetition %u)\n",
				in->verify ? "FAILED: " : "error: ", err,
				p->backing == KX_NO_BACKING ? "n/a" :
				kx_backing_name(p->backing),
				kx_pagemap_name(p->page_map), p->rep + 1);
			goto out;
		}
		if (!first[p->result])
			first[p->result] = p;
		got[p->result]++;
		elapsed = (double)(kx_now_ns() - start) / 1e9;
		if (in->progress_lines) {
			kx_progress_line(line, sizeof(line), i + 1, plan->n,
					 elapsed);
			clear_tty(in);
			fprintf(stderr, "%s\n", line);
		}
	}
	clear_tty(in);
	for (size_t r = 0; r < plan->nresults; r++) {
		struct kx_result *x = &out->res[out->n];

		if (!first[r] || got[r] != R)
			continue;
		name_result(x, first[r], in);
		if (kx_result_from_reps(x, &reps[r * R], R, first[r]->size)) {
			fprintf(stderr, PROG ": out of memory\n");
			goto out;
		}
		x->overhead_frac *= in->sample_overhead_ns;
		if (x->overhead_frac > out->max_overhead_frac)
			out->max_overhead_frac = x->overhead_frac;
		out->n++;
	}
	ret = 0;
out:
	for (size_t i = 0; reps && i < plan->nresults * R; i++)
		free(reps[i].samples);
	free(reps);
	free(first);
	free(got);
	return ret;
}

void kx_run_out_free(struct kx_run_out *out)
{
	for (size_t i = 0; i < out->n; i++)
		kx_result_free(&out->res[i]);
	free(out->res);
	out->res = NULL;
	out->n = 0;
}

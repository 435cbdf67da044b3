// SPDX-License-Identifier: GPL-2.0
/*
 * Maximum sustainable rate: the highest rate at which a method handles
 * every block with no loss (capture: no overrun; sink: no underrun; no
 * bad block) over the whole measured interval, and keeps up (at least 90%
 * of the blocks the rate promises).  A bisection on a log scale between
 * KXFER_STREAM_MIN_RATE and KXFER_STREAM_MAX_RATE, at most ST_PROBES runs.
 */
#include <math.h>
#include <string.h>

#include "stream.h"

#define ST_PROBES 8

/* 1 if sustained (*best then holds that run), 0 if not, < 0 as st_run(). */
static int probe(const struct st_method *m, const struct st_cfg *base,
		 uint32_t rate, struct st_result *best)
{
	struct st_cfg cfg = *base;
	struct st_result r;
	int ret;

	cfg.rate_hz = rate;
	ret = st_run(m, &cfg, &r);
	if (ret)
		return ret;
	if (r.lost || r.underruns || r.bad ||
	    r.blocks < 0.9 * rate * cfg.seconds)
		return 0;
	*best = r;
	return 1;
}

int st_max_rate(const struct st_method *m, const struct st_cfg *cfg,
		struct st_result *best, unsigned int *probes)
{
	uint32_t lo = KXFER_STREAM_MIN_RATE, hi = KXFER_STREAM_MAX_RATE;
	int ok;

	memset(best, 0, sizeof(*best));
	best->method = m->name;
	best->direction = st_direction_name(m);
	best->block_size = cfg->block_size;
	best->seconds = cfg->seconds;
	best->lat_p50_us = best->lat_p99_us = best->lat_p999_us = -1;
	best->cpu_ns_per_block = best->cpu_ns_per_byte = -1;
	best->syscalls_per_block = best->wakeups_per_block = -1;
	*probes = 1;
	ok = probe(m, cfg, lo, best);
	if (ok <= 0)
		return ok;
	(*probes)++;
	ok = probe(m, cfg, hi, best);
	if (ok)
		return ok < 0 ? ok : 0;
	/* lo is sustained, hi is not: bisect until 5% apart. */
	while (*probes < ST_PROBES && hi > lo + lo / 20) {
		uint32_t mid = (uint32_t)lround(sqrt((double)lo * hi));

		(*probes)++;
		ok = probe(m, cfg, mid, best);
		if (ok < 0)
			return ok;
		if (ok)
			lo = mid;
		else
			hi = mid;
	}
	return 0;
}

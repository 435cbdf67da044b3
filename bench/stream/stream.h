/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kxfer-bench --stream: the streaming device's interfaces measured as a
 * consumer (capture) or producer (sink) sees them, next to a user-space
 * eventfd wake-up at the same rate.  One file per method in this folder;
 * the session (session.c) starts the stream, warms up, measures for a
 * fixed interval and reads the device's counters around it.
 */
#ifndef KX_STREAM_BENCH_H
#define KX_STREAM_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kxfer.h>

/* What one measured point is. */
struct st_cfg {
	const char *dev;
	uint32_t block_size;
	uint32_t rate_hz;
	uint32_t depth;		/* 0: as many as fit, at most 64 */
	double seconds;		/* measured interval */
	double warmup;		/* seconds before it, not measured */
	int verify;		/* CRC and payload of every block */
};

/* State of one run, shared by the session and the method's loop. */
struct st_sess {
	const struct st_method *m;
	const struct st_cfg *cfg;
	int fd;
	uint32_t stride, depth;
	char *map;			/* the buffer, queue and ring */
	struct kxfer_stream_ring *ring;
	void *priv;			/* the method's own */

	int recording;			/* inside the measured interval */
	uint64_t syscalls;		/* made by the loop while recording */
	uint64_t blocks;		/* handled while recording */
	uint64_t next_seq;		/* capture: the seq expected next */
	uint64_t gaps;			/* capture: seqs never seen */
	uint64_t bad;			/* blocks that failed --verify */
	double *lat_ns;			/* capture: production -> consumer */
	size_t nlat, lat_cap;
};

struct st_result {
	const char *method;
	const char *direction;		/* capture, sink, user */
	uint32_t block_size, rate_hz, depth;
	double seconds;
	uint64_t blocks, lost, underruns, bad;
	uint64_t lat_samples;
	double lat_p50_us, lat_p99_us, lat_p999_us;	/* < 0: too few */
	double cpu_ns_per_block, cpu_ns_per_byte;
	double syscalls_per_block, wakeups_per_block;
};

struct st_method {
	const char *name;
	int device;			/* uses /dev/kxferN */
	uint32_t direction;		/* KXFER_STREAM_* */
	uint32_t interface;		/* KXFER_STREAM_IF_* */
	const char *summary;
	/* Optional, around the whole run. */
	int (*setup)(struct st_sess *s);
	void (*teardown)(struct st_sess *s);
	/* Handles blocks until the CLOCK_MONOTONIC time until_ns. */
	int (*loop)(struct st_sess *s, uint64_t until_ns);
};

extern const struct st_method *const st_methods[];
extern const size_t st_nr_methods;
const struct st_method *st_method_find(const char *name);

/* capture, sink or user (no device): the CSV's direction column. */
const char *st_direction_name(const struct st_method *m);

/* session.c: 0, -1 (the run failed) or ST_NO_DEVICE (a usage error). */
#define ST_NO_DEVICE	(-2)
int st_run(const struct st_method *m, const struct st_cfg *cfg,
	   struct st_result *res);
/* A captured block arrived (header in user memory): seq, latency, verify. */
void st_got_block(struct st_sess *s, const void *blk);
/* The sink's next block, filled at the address given. */
void st_fill_block(struct st_sess *s, void *blk);

/*
 * search.c: the run at the highest rate with no loss over cfg->seconds
 * (rate_hz 0 when not even the lowest rate is sustained).
 */
int st_max_rate(const struct st_method *m, const struct st_cfg *cfg,
		struct st_result *best, unsigned int *probes);

/* output.c */
void st_csv_header(FILE *f);
void st_csv_row(FILE *f, const struct st_result *r);
void st_csv_max_row(FILE *f, const struct st_result *r);
void st_json_write(FILE *f, const struct st_result *r, size_t n,
		   const struct st_result *maxr, size_t nmax);

int kx_stream_main(int argc, char **argv);

#endif

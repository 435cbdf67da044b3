// SPDX-License-Identifier: GPL-2.0
/*
 * stream.csv and stream.json.  A percentile below its sample rule
 * (stats.h: p99 from 100 samples, p99.9 from 1000) is an empty CSV cell
 * and a JSON null, as is
 * every latency of a sink method (the device does not report when it
 * consumed a block).  kind "point": one (method, block size, rate) run;
 * kind "max_rate": rate_hz is the highest rate sustained with no loss.
 */
#include <stdio.h>
#include <sys/utsname.h>

#include "stream.h"

static const char *const columns =
	"kind,method,direction,block_size,rate_hz,depth,seconds,blocks,lost,"
	"underruns,bad_blocks,lat_samples,lat_p50_us,lat_p99_us,lat_p999_us,"
	"cpu_ns_per_block,cpu_ns_per_byte,syscalls_per_block,wakeups_per_block";

void st_csv_header(FILE *f)
{
	fprintf(f, "%s\n", columns);
}

static void csv_num(FILE *f, double v, const char *fmt)
{
	fputc(',', f);
	if (v >= 0)
		fprintf(f, fmt, v);
}

static void csv_row_kind(FILE *f, const char *kind, const struct st_result *r)
{
	fprintf(f, "%s,%s,%s,%u,%u,%u,%.3f,%llu,%llu,%llu,%llu,%llu", kind,
		r->method, r->direction, r->block_size, r->rate_hz, r->depth,
		r->seconds, (unsigned long long)r->blocks,
		(unsigned long long)r->lost, (unsigned long long)r->underruns,
		(unsigned long long)r->bad, (unsigned long long)r->lat_samples);
	csv_num(f, r->lat_p50_us, "%.2f");
	csv_num(f, r->lat_p99_us, "%.2f");
	csv_num(f, r->lat_p999_us, "%.2f");
	csv_num(f, r->cpu_ns_per_block, "%.1f");
	csv_num(f, r->cpu_ns_per_byte, "%.4f");
	csv_num(f, r->syscalls_per_block, "%.3f");
	csv_num(f, r->wakeups_per_block, "%.3f");
	fputc('\n', f);
}

void st_csv_row(FILE *f, const struct st_result *r)
{
	csv_row_kind(f, "point", r);
}

void st_csv_max_row(FILE *f, const struct st_result *r)
{
	csv_row_kind(f, "max_rate", r);
}

static void json_num(FILE *f, const char *key, double v, const char *fmt)
{
	fprintf(f, ", \"%s\": ", key);
	if (v >= 0)
		fprintf(f, fmt, v);
	else
		fputs("null", f);
}

static void json_obj(FILE *f, const char *kind, const struct st_result *r)
{
	fprintf(f, "    {\"kind\": \"%s\", \"method\": \"%s\", \"direction\": \"%s\", "
		"\"block_size\": %u, \"rate_hz\": %u, \"depth\": %u, "
		"\"seconds\": %.3f, \"blocks\": %llu, \"lost\": %llu, "
		"\"underruns\": %llu, \"bad_blocks\": %llu, \"lat_samples\": %llu",
		kind, r->method, r->direction, r->block_size, r->rate_hz,
		r->depth, r->seconds, (unsigned long long)r->blocks,
		(unsigned long long)r->lost, (unsigned long long)r->underruns,
		(unsigned long long)r->bad, (unsigned long long)r->lat_samples);
	json_num(f, "lat_p50_us", r->lat_p50_us, "%.2f");
	json_num(f, "lat_p99_us", r->lat_p99_us, "%.2f");
	json_num(f, "lat_p999_us", r->lat_p999_us, "%.2f");
	json_num(f, "cpu_ns_per_block", r->cpu_ns_per_block, "%.1f");
	json_num(f, "cpu_ns_per_byte", r->cpu_ns_per_byte, "%.4f");
	json_num(f, "syscalls_per_block", r->syscalls_per_block, "%.3f");
	json_num(f, "wakeups_per_block", r->wakeups_per_block, "%.3f");
	fputc('}', f);
}

void st_json_write(FILE *f, const struct st_result *r, size_t n,
		   const struct st_result *maxr, size_t nmax)
{
	struct utsname u;

	if (uname(&u))
		u.release[0] = u.machine[0] = '\0';
	fprintf(f, "{\n  \"format\": \"kxfer-stream-1\",\n"
		"  \"kernel\": \"%s\",\n  \"arch\": \"%s\",\n  \"rows\": [\n",
		u.release, u.machine);
	for (size_t i = 0; i < n + nmax; i++) {
		json_obj(f, i < n ? "point" : "max_rate",
			 i < n ? &r[i] : &maxr[i - n]);
		fputs(i + 1 < n + nmax ? ",\n" : "\n", f);
	}
	fputs("  ]\n}\n", f);
}

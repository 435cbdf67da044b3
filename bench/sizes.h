/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transfer sizes on the command line: "4K,64K,1M", "64:16M" (every power of
 * two in the closed range) or a mix, with binary K/M/G suffixes.
 */
#ifndef KX_SIZES_H
#define KX_SIZES_H

#include <stddef.h>
#include <stdint.h>

/* Largest size accepted anywhere (the driver's own cap is lower). */
#define KX_SIZE_LIMIT (1ULL << 40)

/* One size with an optional K/M/G (KiB/MiB/GiB, 1024-based) suffix. */
int kx_parse_size(const char *s, uint64_t *out, char *err, size_t errlen);

/*
 * A comma-separated list of sizes and A:B ranges.  The result is sorted
 * and free of duplicates; *out is malloc()ed.  Returns 0, or -1 with a
 * message for the user in err.
 */
int kx_parse_sizes(const char *list, uint64_t **out, size_t *n,
		   char *err, size_t errlen);

/* Powers of two from lo to hi inclusive (both powers of two). */
int kx_size_sweep(uint64_t lo, uint64_t hi, uint64_t **out, size_t *n);

/* "4K", "1M", "3G", or plain bytes when not an exact multiple. */
void kx_format_size(uint64_t v, char *buf, size_t len);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * kxfer-mmapdump: write COUNT blocks of BS bytes of the kxfer buffer to
 * stdout through the zero-copy path.  It is the mapping counterpart of
 *
 *	dd if=/dev/kxfer0 of=/dev/null bs=BS count=COUNT
 *
 * so that scripts/hyperfine-compare.sh can time both as whole commands
 * (process start, mmap(), page faults and all).  The buffer is mapped once;
 * then, per block, KXFER_IOC_FETCH hands the range to user space and
 * write() passes it on straight from the mapping.  With stdout on
 * /dev/null nothing reads the bytes, exactly like dd's of=/dev/null.
 *
 * Built statically by scripts/pipeline.mk (make mmapdump).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kxfer.h>

#include "device.h"
#include "sizes.h"

#define PROG "kxfer-mmapdump"

static void usage(FILE *f)
{
	fputs("usage: " PROG " [-d DEVICE] -b BS [-n COUNT]\n"
	      "Write COUNT blocks of BS bytes of the kxfer buffer, from offset 0,\n"
	      "to stdout through the mapping (mmap once, KXFER_IOC_FETCH and\n"
	      "write() per block): the zero-copy twin of\n"
	      "  dd if=/dev/kxfer0 bs=BS count=COUNT\n"
	      "  -d, --device PATH  kxfer device (default /dev/kxfer0)\n"
	      "  -b, --bs SIZE      block size, K/M/G = 1024-based (e.g. 64K)\n"
	      "  -n, --count N      blocks (default: as many as fit the buffer)\n"
	      "  -h, --help         this text\n"
	      "Exit status: 0 done, 1 I/O error, 2 bad usage or no device.\n",
	      f);
}

static int write_all(const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bs", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = "/dev/kxfer0";
	uint64_t bs = 0, count = 0, len, off;
	struct kxfer_info info;
	unsigned char *map;
	char err[512];
	int c, fd;

	while ((c = getopt_long(argc, argv, "d:b:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			device = optarg;
			break;
		case 'b':
		case 'n':
			if (kx_parse_size(optarg, c == 'b' ? &bs : &count, err,
					  sizeof(err))) {
				fprintf(stderr, PROG ": bad %s '%s': %s\n",
					c == 'b' ? "--bs" : "--count", optarg,
					err);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !bs) {
		fprintf(stderr, PROG ": %s\n", optind != argc ?
			"unexpected argument" : "--bs is required");
		usage(stderr);
		return 2;
	}

	fd = kx_dev_open(device, &info, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		return 2;
	}
	if (!(info.features & KXFER_FEAT_MMAP)) {
		fprintf(stderr, PROG ": %s has no mmap support (features 0x%x)\n",
			device, info.features);
		return 2;
	}
	if (!count)
		count = info.buf_size / bs;
	if (!count || count > info.buf_size / bs) {
		fprintf(stderr,
			PROG ": %llu blocks of %llu bytes do not fit the %llu-byte buffer of %s; use a smaller --count or --bs, or load the module with a larger buf_size\n",
			(unsigned long long)count, (unsigned long long)bs,
			(unsigned long long)info.buf_size, device);
		return 2;
	}

	len = count * bs;
	len = (len + info.page_size - 1) / info.page_size * info.page_size;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, PROG ": mmap of %llu bytes of %s: %s\n",
			(unsigned long long)len, device, strerror(errno));
		return 1;
	}

	for (off = 0; off < count * bs; off += bs) {
		struct kxfer_xfer x = { .offset = off, .length = bs };

		if (ioctl(fd, KXFER_IOC_FETCH, &x)) {
			fprintf(stderr, PROG ": KXFER_IOC_FETCH at %llu: %s\n",
				(unsigned long long)off, strerror(errno));
			return 1;
		}
		if (write_all(map + off, bs)) {
			fprintf(stderr, PROG ": write to stdout: %s\n",
				strerror(errno));
			return 1;
		}
	}
	munmap(map, len);
	close(fd);
	return 0;
}

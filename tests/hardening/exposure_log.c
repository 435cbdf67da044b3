// SPDX-License-Identifier: GPL-2.0
/*
 * The module's kernel log lines hold no addresses.  Runs last, after the
 * tests that make the module log (rejected parameters, failed loads).
 */
#define _GNU_SOURCE
#define KXT_FILE_ORDER 95
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "hx.h"

TEST(kernel_log_lines_of_the_module_hold_no_addresses)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char rec[8192];
	int lines = 0, numbers = 0;

	if (fd < 0)
		FAIL("open(/dev/kmsg): %s", kxt_errstr(errno));
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *msg;

		if (n < 0 && errno == EPIPE)	/* overwritten records */
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		msg = strchr(rec, ';');
		if (!msg || !strstr(msg, KX_MODULE_NAME))
			continue;
		msg[strcspn(msg, "\n")] = 0;
		lines++;
		numbers += hx_scan_text_for_kernel_ptrs("kernel log line",
							msg + 1);
	}
	close(fd);
	kxt_diag("%d kernel log lines mention kxfer, %d numbers in them checked",
		 lines, numbers);
}

// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "sysinfo.h"

uint64_t kx_llc_bytes(const char *cpu_dir)
{
	uint64_t best = 0;
	int best_level = -1;

	for (int i = 0; i < 16; i++) {
		char path[256], line[64];
		int level;
		uint64_t size;
		char unit = 0;

		snprintf(path, sizeof(path), "%s/cache/index%d/level",
			 cpu_dir, i);
		if (kx_read_line(path, line, sizeof(line)))
			break;
		level = atoi(line);
		snprintf(path, sizeof(path), "%s/cache/index%d/size", cpu_dir,
			 i);
		if (kx_read_line(path, line, sizeof(line)))
			continue;
		if (sscanf(line, "%llu%c", (unsigned long long *)&size,
			   &unit) < 1)
			continue;
		if (unit == 'K')
			size <<= 10;
		else if (unit == 'M')
			size <<= 20;
		if (level > best_level ||
		    (level == best_level && size > best)) {
			best_level = level;
			best = size;
		}
	}
	return best;
}

void kx_thp_mode(char *buf, size_t len)
{
	char line[128], *a, *b;

	if (kx_read_line("/sys/kernel/mm/transparent_hugepage/enabled", line,
			 sizeof(line))) {
		snprintf(buf, len, "none (no transparent huge pages)");
		return;
	}
	a = strchr(line, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b)
		snprintf(buf, len, "%.*s", (int)(b - a - 1), a + 1);
	else
		snprintf(buf, len, "%s", line);
}

void kx_mitigations(char *buf, size_t len)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	char names[1024] = "", path[512], line[256];
	int total = 0, mitigated = 0;
	size_t w = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		snprintf(buf, len, "unknown (no %s)", dir);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (kx_read_line(path, line, sizeof(line)))
			continue;
		total++;
		if (strncmp(line, "Mitigation", 10))
			continue;
		mitigated++;
		if (w < sizeof(names))
			w += (size_t)snprintf(names + w, sizeof(names) - w,
					      "%s%s", w ? "," : "", e->d_name);
	}
	closedir(d);
	snprintf(buf, len, "%d of %d vulnerabilities mitigated%s%s%s",
		 mitigated, total, w ? " (" : "", names, w ? ")" : "");
}

uint64_t kx_mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[256];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024;
}

// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sysinfo.h"

#define MAX_CPUS 1024

int kx_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n, i;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (i = 0; i < n; i++)
		if (buf[i] == '\n' || buf[i] == '\0')
			break;
	buf[i] = '\0';
	while (i && (buf[i - 1] == ' ' || buf[i - 1] == '\t'))
		buf[--i] = '\0';
	return i ? 0 : -1;
}

uint64_t kx_hpage_pmd_size(void)
{
	char buf[32], *end;
	unsigned long long v;

	if (kx_read_line(KX_HPAGE_PMD_SIZE_PATH, buf, sizeof(buf)))
		return 0;
	v = strtoull(buf, &end, 10);
	return *end ? 0 : v;
}

/* Whole file (malloc()ed, NUL-terminated); *len excludes the NUL. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096, n = 0;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n - 1, f);

		n += r;
		if (n < cap - 1)
			break;
		cap *= 2;
		{
			char *nb = realloc(buf, cap);

			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static const struct {
	unsigned int part;
	const char *name;
} arm_parts[] = {
	{ 0xd02, "Cortex-A34" }, { 0xd03, "Cortex-A53" },
	{ 0xd04, "Cortex-A35" }, { 0xd05, "Cortex-A55" },
	{ 0xd06, "Cortex-A65" }, { 0xd07, "Cortex-A57" },
	{ 0xd08, "Cortex-A72" }, { 0xd09, "Cortex-A73" },
	{ 0xd0a, "Cortex-A75" }, { 0xd0b, "Cortex-A76" },
	{ 0xd0c, "Neoverse-N1" }, { 0xd0d, "Cortex-A77" },
	{ 0xd0e, "Cortex-A76AE" }, { 0xd40, "Neoverse-V1" },
	{ 0xd41, "Cortex-A78" }, { 0xd42, "Cortex-A78AE" },
	{ 0xd44, "Cortex-X1" }, { 0xd46, "Cortex-A510" },
	{ 0xd47, "Cortex-A710" }, { 0xd48, "Cortex-X2" },
	{ 0xd49, "Neoverse-N2" }, { 0xd4a, "Neoverse-E1" },
	{ 0xd4b, "Cortex-A78C" }, { 0xd4d, "Cortex-A715" },
	{ 0xd4e, "Cortex-X3" }, { 0xd4f, "Neoverse-V2" },
	{ 0xd80, "Cortex-A520" }, { 0xd81, "Cortex-A720" },
	{ 0xd82, "Cortex-X4" },
};

const char *kx_arm_part_name(unsigned int implementer, unsigned int part)
{
	if (implementer != 0x41)
		return NULL;
	for (size_t i = 0; i < sizeof(arm_parts) / sizeof(arm_parts[0]); i++)
		if (arm_parts[i].part == part)
			return arm_parts[i].name;
	return NULL;
}

/* "key\t: value" -> value when the line's key is key. */
static const char *field(const char *line, const char *key)
{
	size_t kl = strlen(key);
	const char *p;

	if (strncmp(line, key, kl))
		return NULL;
	p = line + kl;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static void arm_name(char *out, unsigned int impl, unsigned int part)
{
	const char *name = kx_arm_part_name(impl, part);

	if (name)
		snprintf(out, 96, "%s", name);
	else if (impl == 0x00 && part == 0x051)
		/* Implementer 0 is for software; QEMU's "max" CPU uses it. */
		snprintf(out, 96, "QEMU max CPU (implementer 0x00 part 0x051)");
	else
		snprintf(out, 96, "implementer 0x%02x part 0x%03x", impl, part);
}

int kx_parse_cpuinfo(const char *text, char (*out)[96], int max)
{
	char *copy = strdup(text ? text : ""), *save = NULL, *line;
	int cpu = -1, n = 0;
	unsigned int impl = 0;
	int have_impl = 0;

	if (!copy)
		return 0;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *v;

		if ((v = field(line, "processor"))) {
			cpu = atoi(v);
			have_impl = 0;
			if (cpu >= 0 && cpu < max) {
				out[cpu][0] = '\0';
				if (cpu + 1 > n)
					n = cpu + 1;
			}
		} else if (cpu < 0 || cpu >= max) {
			continue;
		} else if ((v = field(line, "model name"))) {
			snprintf(out[cpu], 96, "%s", v);
		} else if ((v = field(line, "CPU implementer"))) {
			impl = (unsigned int)strtoul(v, NULL, 0);
			have_impl = 1;
		} else if ((v = field(line, "CPU part")) && have_impl) {
			arm_name(out[cpu], impl,
				 (unsigned int)strtoul(v, NULL, 0));
		}
	}
	free(copy);
	return n;
}

static char (*cpu_models)[96];
static int nr_cpu_models = -1;

static void load_cpu_models(void)
{
	char *text;

	if (nr_cpu_models >= 0)
		return;
	nr_cpu_models = 0;
	cpu_models = calloc(MAX_CPUS, sizeof(*cpu_models));
	text = read_all("/proc/cpuinfo", NULL);
	if (cpu_models && text)
		nr_cpu_models = kx_parse_cpuinfo(text, cpu_models, MAX_CPUS);
	free(text);
}

const char *kx_cpu_model(int cpu)
{
	load_cpu_models();
	if (cpu < 0 || cpu >= nr_cpu_models || !cpu_models[cpu][0])
		return "unknown";
	return cpu_models[cpu];
}

/* "2x AMD EPYC" or "4x Cortex-A55 + 4x Cortex-A76". */
static void cpu_summary(char *buf, size_t len)
{
	const char *seen[16];
	int count[16], kinds = 0;
	size_t w = 0;

	load_cpu_models();
	for (int c = 0; c < nr_cpu_models; c++) {
		const char *m = cpu_models[c][0] ? cpu_models[c] : "unknown";
		int k;

		for (k = 0; k < kinds; k++)
			if (!strcmp(seen[k], m))
				break;
		if (k == kinds) {
			if (kinds == 16)
				continue;
			seen[kinds] = m;
			count[kinds++] = 0;
		}
		count[k]++;
	}
	buf[0] = '\0';
	for (int k = 0; k < kinds && w < len; k++)
		w += snprintf(buf + w, len - w, "%s%dx %s", k ? " + " : "",
			      count[k], seen[k]);
	if (!kinds)
		snprintf(buf, len, "unknown");
}

int kx_cpus_heterogeneous(void)
{
	load_cpu_models();
	for (int c = 1; c < nr_cpu_models; c++)
		if (strcmp(cpu_models[c], cpu_models[0]))
			return 1;
	return 0;
}

static int has_word(const char *text, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = text; (p = strstr(p, word)); p += wl) {
		int start = p == text || p[-1] == ' ' || p[-1] == '\t';
		int end = p[wl] == ' ' || p[wl] == '\n' || p[wl] == '\0';

		if (start && end)
			return 1;
	}
	return 0;
}

/* The line "flags : ..." of x86 cpuinfo holds "hypervisor" in a VM. */
static int cpuinfo_hypervisor(const char *cpuinfo)
{
	const char *p = cpuinfo;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *v = field(p, "flags");

		if (v) {
			char line[4096];

			if (n >= sizeof(line))
				n = sizeof(line) - 1;
			memcpy(line, p, n);
			line[n] = '\0';
			return has_word(line, "hypervisor");
		}
		p = eol ? eol + 1 : NULL;
	}
	return 0;
}

static void add(char *buf, size_t len, size_t *w, const char *what)
{
	if (*w < len)
		*w += snprintf(buf + *w, len - *w, "%s%s", *w ? "; " : "",
			       what);
}

void kx_detect_emulation(const struct kx_emu_evidence *ev, int override,
			 char *buf, size_t len)
{
	char how[400] = "";
	size_t w = 0;
	char tmp[200];

	if (override >= 0) {
		snprintf(buf, len, "%s (set with --emulated)",
			 override ? "yes" : "no");
		return;
	}
	if (ev->dmi_vendor && (strstr(ev->dmi_vendor, "QEMU") ||
			       strstr(ev->dmi_vendor, "innotek") ||
			       strstr(ev->dmi_vendor, "VMware") ||
			       strstr(ev->dmi_vendor, "Xen"))) {
		snprintf(tmp, sizeof(tmp), "DMI sys_vendor '%s'",
			 ev->dmi_vendor);
		add(how, sizeof(how), &w, tmp);
	}
	if (ev->dmi_product && (strstr(ev->dmi_product, "KVM") ||
				strstr(ev->dmi_product, "Virtual Machine") ||
				strstr(ev->dmi_product, "VirtualBox"))) {
		snprintf(tmp, sizeof(tmp), "DMI product_name '%s'",
			 ev->dmi_product);
		add(how, sizeof(how), &w, tmp);
	}
	for (size_t i = 0; ev->dt_compatible && i < ev->dt_compatible_len;
	     i += strlen(ev->dt_compatible + i) + 1)
		if (!strcmp(ev->dt_compatible + i, "linux,dummy-virt"))
			add(how, sizeof(how), &w,
			    "device-tree compatible 'linux,dummy-virt': QEMU virt board");
	if (ev->cpuinfo && cpuinfo_hypervisor(ev->cpuinfo))
		add(how, sizeof(how), &w,
		    "x86 cpuinfo 'hypervisor' flag: a VM, TCG or KVM");
	if (ev->cpuinfo && strstr(ev->cpuinfo, "QEMU"))
		add(how, sizeof(how), &w,
		    "cpuinfo model 'QEMU ...': QEMU's own CPU model");

	if (w)
		snprintf(buf, len, "yes (%s)", how);
	else
		snprintf(buf, len,
			 "no (no VM sign in DMI, device tree or cpuinfo)");
}

static void module_params(char *buf, size_t len)
{
	const char *dir = "/sys/module/kxfer/parameters";
	struct dirent *de;
	size_t w = 0;
	DIR *d = opendir(dir);

	if (!d) {
		snprintf(buf, len, "n/a (%s absent: module not loaded)", dir);
		return;
	}
	buf[0] = '\0';
	while ((de = readdir(d))) {
		char path[512], val[128];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (kx_read_line(path, val, sizeof(val)))
			snprintf(val, sizeof(val), "?");
		if (w < len)
			w += snprintf(buf + w, len - w, "%s%s=%s",
				      w ? " " : "", de->d_name, val);
	}
	closedir(d);
	if (!w)
		snprintf(buf, len, "none");
}

static void machine_name(char *buf, size_t len)
{
	if (!kx_read_line("/proc/device-tree/model", buf, len) ||
	    !kx_read_line("/sys/firmware/devicetree/base/model", buf, len) ||
	    !kx_read_line("/sys/class/dmi/id/product_name", buf, len))
		return;
	snprintf(buf, len, "unknown");
}

/* Frequency policy of one CPU; sets *bad when results may drift. */
static void governor(int cpu, char *buf, size_t len, int *bad)
{
	char path[128], gov[64];

	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
		 cpu);
	if (kx_read_line(path, gov, sizeof(gov))) {
		snprintf(buf, len, "unknown (no cpufreq for cpu%d, usual in VMs)",
			 cpu);
		return;
	}
	snprintf(buf, len, "%s (cpu%d)", gov, cpu);
	if (strcmp(gov, "performance"))
		*bad = 1;
}

static void boost(char *buf, size_t len, int *bad)
{
	char v[16];

	if (!kx_read_line("/sys/devices/system/cpu/cpufreq/boost", v,
			  sizeof(v))) {
		snprintf(buf, len, "%s (cpufreq/boost)",
			 strcmp(v, "0") ? "enabled" : "disabled");
		*bad |= !!strcmp(v, "0");
	} else if (!kx_read_line("/sys/devices/system/cpu/intel_pstate/no_turbo",
				 v, sizeof(v))) {
		snprintf(buf, len, "%s (intel_pstate/no_turbo=%s)",
			 strcmp(v, "0") ? "disabled" : "enabled", v);
		*bad |= !strcmp(v, "0");
	} else {
		snprintf(buf, len, "unknown (no boost control in sysfs)");
	}
}

/*
 * The QEMU guest runner tells its payloads how the guest CPU runs
 * (KXFER_GUEST=qemu-kvm or qemu-tcg, docs/CONTRACTS.md): the CPU model a
 * KVM guest reports is the host's, so only the runner can tell a KVM
 * guest (real CPU, ratios meaningful) from TCG (emulated, ratios
 * distorted).  Elsewhere "emulated" says what is known.
 */
static void accel(struct kx_meta *m)
{
	const char *guest = getenv("KXFER_GUEST");

	if (!guest)
		return;
	if (!strcmp(guest, "qemu-kvm"))
		kx_meta_set(m, "accel", "kvm (QEMU guest with KVM: KXFER_GUEST)");
	else if (!strcmp(guest, "qemu-tcg"))
		kx_meta_set(m, "accel", "tcg (QEMU guest, emulated CPU: KXFER_GUEST)");
}

void kx_sysinfo_collect(struct kx_meta *m, const int *cpus,
			unsigned int ncpus, int emulated_override)
{
	struct kx_emu_evidence ev = { 0 };
	char buf[1024], vendor[128], product[128];
	struct utsname u;
	int gov_bad = 0, boost_bad = 0;
	char *cpuinfo;

	if (!uname(&u)) {
		kx_meta_set(m, "kernel", "%s", u.release);
		kx_meta_set(m, "kernel_version", "%s", u.version);
		kx_meta_set(m, "arch", "%s", u.machine);
	} else {
		kx_meta_set(m, "kernel", "unknown");
		kx_meta_set(m, "arch", "unknown");
	}
	machine_name(buf, sizeof(buf));
	kx_meta_set(m, "machine", "%s", buf);
	cpu_summary(buf, sizeof(buf));
	kx_meta_set(m, "cpu", "%s", buf);
	kx_meta_num(m, "cpus_online", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	kx_meta_num(m, "page_size", "%ld", sysconf(_SC_PAGESIZE));
	if (kx_hpage_pmd_size())
		kx_meta_num(m, "hpage_pmd_size", "%llu",
			    (unsigned long long)kx_hpage_pmd_size());
	else
		kx_meta_set(m, "hpage_pmd_size", "n/a");

	cpuinfo = read_all("/proc/cpuinfo", NULL);
	ev.cpuinfo = cpuinfo;
	if (!kx_read_line("/sys/class/dmi/id/sys_vendor", vendor,
			  sizeof(vendor)))
		ev.dmi_vendor = vendor;
	if (!kx_read_line("/sys/class/dmi/id/product_name", product,
			  sizeof(product)))
		ev.dmi_product = product;
	ev.dt_compatible = read_all("/proc/device-tree/compatible",
				    &ev.dt_compatible_len);
	kx_detect_emulation(&ev, emulated_override, buf, sizeof(buf));
	kx_meta_set(m, "emulated", "%s", buf);
	accel(m);
	free(cpuinfo);
	free((char *)ev.dt_compatible);

	governor(cpus && ncpus ? cpus[0] : 0, buf, sizeof(buf), &gov_bad);
	kx_meta_set(m, "governor", "%s", buf);
	if (gov_bad)
		fprintf(stderr,
			"kxfer-bench: warning: frequency governor is %s, not 'performance': clock speed may change during the run; for stable numbers: echo performance | sudo tee /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor\n",
			buf);
	boost(buf, sizeof(buf), &boost_bad);
	kx_meta_set(m, "boost", "%s", buf);
	if (boost_bad)
		fprintf(stderr,
			"kxfer-bench: warning: turbo/boost is %s: results depend on temperature and load; disable it for stable numbers\n",
			buf);

	module_params(buf, sizeof(buf));
	kx_meta_set(m, "module_params", "%s", buf);
}

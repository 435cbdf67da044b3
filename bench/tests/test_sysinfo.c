// SPDX-License-Identifier: GPL-2.0
/* CPU naming and emulator detection, fed with fake /proc and /sys text. */
#include <string.h>

#include "sysinfo.h"
#include "tap.h"

static const char arm_cpuinfo[] =
	"processor\t: 0\nBogoMIPS\t: 48.00\nCPU implementer\t: 0x41\n"
	"CPU architecture: 8\nCPU variant\t: 0x2\nCPU part\t: 0xd05\n\n"
	"processor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd05\n\n"
	"processor\t: 2\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n\n"
	"processor\t: 3\nCPU implementer\t: 0x00\nCPU part\t: 0x051\n\n"
	"processor\t: 4\nCPU implementer\t: 0x51\nCPU part\t: 0x802\n";

static const char x86_cpuinfo[] =
	"processor\t: 0\nvendor_id\t: GenuineIntel\n"
	"model name\t: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz\n"
	"flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n\n"
	"processor\t: 1\n"
	"model name\t: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz\n"
	"flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n";

static const char x86_bare[] =
	"processor\t: 0\nmodel name\t: AMD Ryzen 7 5800X\n"
	"flags\t\t: fpu vme hypervisorx sse\n";

void test_sysinfo(void)
{
	char models[8][96];
	char buf[512];
	struct kx_emu_evidence ev;
	int n;

	tap_ok(!strcmp(kx_arm_part_name(0x41, 0xd05), "Cortex-A55") &&
	       !strcmp(kx_arm_part_name(0x41, 0xd0b), "Cortex-A76") &&
	       !strcmp(kx_arm_part_name(0x41, 0xd08), "Cortex-A72") &&
	       !strcmp(kx_arm_part_name(0x41, 0xd03), "Cortex-A53") &&
	       !strcmp(kx_arm_part_name(0x41, 0xd0c), "Neoverse-N1"),
	       "arm part names: A55 A76 A72 A53 N1");
	tap_ok(!kx_arm_part_name(0x51, 0xd05) && !kx_arm_part_name(0x41, 0x123),
	       "unknown implementer/part has no name");

	n = kx_parse_cpuinfo(arm_cpuinfo, models, 8);
	tap_ok(n == 5 && !strcmp(models[0], "Cortex-A55") &&
	       !strcmp(models[1], "Cortex-A55") &&
	       !strcmp(models[2], "Cortex-A76") &&
	       !strcmp(models[3], "QEMU max CPU (implementer 0x00 part 0x051)") &&
	       !strcmp(models[4], "implementer 0x51 part 0x802"),
	       "arm64 cpuinfo: per-CPU models, unknown part spelled out");
	n = kx_parse_cpuinfo(x86_cpuinfo, models, 8);
	tap_ok(n == 2 && !strcmp(models[1],
		"Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz"),
	       "x86 cpuinfo: model name");

	memset(&ev, 0, sizeof(ev));
	ev.cpuinfo = x86_bare;
	kx_detect_emulation(&ev, -1, buf, sizeof(buf));
	tap_ok(!strncmp(buf, "no (", 4),
	       "emulation: bare metal (hypervisorx is not the flag) -> no");

	ev.cpuinfo = x86_cpuinfo;
	kx_detect_emulation(&ev, -1, buf, sizeof(buf));
	tap_ok(!strncmp(buf, "yes (", 5) && strstr(buf, "hypervisor"),
	       "emulation: x86 hypervisor flag -> yes, says how");

	memset(&ev, 0, sizeof(ev));
	ev.dmi_vendor = "QEMU";
	kx_detect_emulation(&ev, -1, buf, sizeof(buf));
	tap_ok(!strncmp(buf, "yes (", 5) && strstr(buf, "QEMU"),
	       "emulation: DMI sys_vendor QEMU -> yes");

	memset(&ev, 0, sizeof(ev));
	ev.dt_compatible = "linux,dummy-virt\0";
	ev.dt_compatible_len = 17;
	kx_detect_emulation(&ev, -1, buf, sizeof(buf));
	tap_ok(!strncmp(buf, "yes (", 5) && strstr(buf, "dummy-virt"),
	       "emulation: device tree linux,dummy-virt -> yes");

	memset(&ev, 0, sizeof(ev));
	ev.dt_compatible = "radxa,rock-3a\0rockchip,rk3568\0";
	ev.dt_compatible_len = 30;
	ev.cpuinfo = arm_cpuinfo;
	kx_detect_emulation(&ev, -1, buf, sizeof(buf));
	tap_ok(!strncmp(buf, "no (", 4), "emulation: a real board -> no");

	kx_detect_emulation(&ev, 1, buf, sizeof(buf));
	tap_ok(!strncmp(buf, "yes (", 5) && strstr(buf, "--emulated"),
	       "emulation: --emulated yes overrides");
}

# shellcheck shell=bash disable=SC2154,SC2016 # tmp, top: set by run.sh; bash -c code takes $1...
# Sourced by tests/host/run.sh.  `make module` checks KDIR and ARCH before
# kbuild (scripts/check-kdir.sh): the mistakes end in exit 2 and a line
# saying what to set, never in kbuild's compiler-flag errors.

kd_amd=$(kdir_of 6.1-amd64)
kd_arm=$(kdir_of 6.1-arm64)
raw='mlittle-endian|mfunction-return|unrecognized command-line option'

expect_fail "make module KDIR=<missing>: exit 2, says it does not exist" 2 \
	"KDIR=$tmp/nokdir does not exist" \
	make -s -C "$top" module KDIR="$tmp/nokdir"
mkdir -p "$tmp/notree"
expect_fail "make module KDIR=<folder without a Makefile>: exit 2, not a kernel tree" 2 \
	"has no Makefile: not a kernel source or headers tree" \
	make -s -C "$top" module KDIR="$tmp/notree"
mkdir -p "$tmp/unconf/scripts"
echo 'all:' >"$tmp/unconf/Makefile"
expect_fail "make module KDIR=<unconfigured tree>: exit 2, says to configure it" 2 \
	"is not configured \\(no .config\\)" \
	make -s -C "$top" module KDIR="$tmp/unconf"
echo 'CONFIG_X86_64=y' >"$tmp/unconf/.config"
expect_fail "make module KDIR=<configured, unprepared tree>: exit 2, says modules_prepare" 2 \
	"not prepared .*|modules_prepare" \
	make -s -C "$top" module KDIR="$tmp/unconf"

if [ -z "$kd_amd" ] || [ -z "$kd_arm" ]; then
	not_ok "cached 6.1-amd64 and 6.1-arm64 headers for the ARCH checks (scripts/fetch-kernel.sh)"
else
	out=$tmp/arch.out
	make -s -C "$top" module ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		KDIR="$kd_amd" >"$out" 2>&1
	rc=$?
	if [ $rc = 2 ] && grep -q "ARCH=arm64 does not match KDIR=$kd_amd, which is configured for x86_64 (CONFIG_X86_64=y)" "$out" &&
	   grep -q "Set ARCH=x86_64 and no CROSS_COMPILE" "$out" && ! grep -Eq "$raw" "$out"; then
		ok "ARCH=arm64 with x86_64 headers: exit 2, names CONFIG_X86_64 and what to set, no kbuild error"
	else
		not_ok "ARCH=arm64 with x86_64 headers: exit 2, names CONFIG_X86_64 and what to set, no kbuild error (exit $rc)"
		tail -n 20 "$out" | diag
	fi
	expect_fail "arm64 headers without ARCH: exit 2, says ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" 2 \
		"configured for arm64 \\(CONFIG_ARM64=y\\), but ARCH is not set.*|Set: make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" \
		make -s -C "$top" module KDIR="$kd_arm"
	expect_fail "ARCH=arm64 without CROSS_COMPILE or LLVM: exit 2, names the cross compiler" 2 \
		"Set CROSS_COMPILE=aarch64-linux-gnu-" \
		make -s -C "$top" module ARCH=arm64 KDIR="$kd_arm"
	expect_fail "a CROSS_COMPILE whose gcc is not installed: exit 2, says so" 2 \
		"no-such-gcc not found" \
		make -s -C "$top" module ARCH=arm64 CROSS_COMPILE=no-such- KDIR="$kd_arm"
	check "the right ARCH/CROSS_COMPILE passes the check (arm64 and native x86_64)" \
		bash -c 'ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- "$1" "$2" && "$1" "$3" &&
			 ARCH=x86 "$1" "$3"' _ "$top/scripts/check-kdir.sh" "$kd_arm" "$kd_amd"
fi

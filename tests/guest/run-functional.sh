#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Functional-test payload (busybox sh; see docs/CONTRACTS.md, Payloads).
#
# Expects next to itself: kxfer.ko, kxfer-functional and, on x86_64,
# kxfer-functional32; brd.ko (RAM disk) when the O_DIRECT tests should run.  Loads the module with default parameters, runs the
# C tests and a few shell-level checks (cat, dd), and prints one TAP 13
# stream with one plan.  Leaves the module loaded with default parameters
# for later payload stages.  Exit status 1 if anything failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# TAP helpers, dev, sysdir, default_size: shared with run-hardening.sh.
# shellcheck source=tests/guest/payload-lib.sh
. "$here/payload-lib.sh"
ko=$here/kxfer.ko
bin=$here/kxfer-functional
bin32=$here/kxfer-functional32

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-func.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- the plan: shell checks before and after, plus every C test ---

n_pre=2
n_post=5

n_main=1	# a single failure line if the binary is missing
if [ -x "$bin" ] && c=$("$bin" --count 2>"$tmp/err"); then
	n_main=$c
	"$bin" --list >"$tmp/main.list"
else
	main_err="cannot run $bin: $(cat "$tmp/err" 2>/dev/null)"
	n_main=1
fi

n32=1		# a single skip line when there is no usable 32-bit binary
if [ ! -e "$bin32" ]; then
	why32="no 32-bit test binary for this architecture; compat_ioctl not tested"
elif c=$("$bin32" --count 2>"$tmp/err"); then
	n32=$c
	"$bin32" --list --prefix compat32_ >"$tmp/compat.list"
	why32=
else
	why32="the 32-bit test binary does not run on this kernel (no 32-bit emulation?): $(cat "$tmp/err")"
fi

echo "TAP version 13"
echo "1..$((n_pre + n_main + n32 + n_post))"
echo "# kernel $(uname -r) $(uname -m), KXFER_GUEST=${KXFER_GUEST:-none}"

# --- load the module ---

if [ -d /sys/module/kxfer ]; then
	echo "# kxfer was already loaded; unloading it to start from defaults"
	rmmod kxfer || true
fi
if out=$(insmod "$ko" 2>&1); then
	ok module_loads_with_default_params
else
	not_ok_because module_loads_with_default_params "insmod $ko failed:" "$out" \
		"$(dmesg | grep -i kxfer | tail -n 5)"
fi
if wait_for -c "$dev"; then
	ok device_node_appears
else
	not_ok_because device_node_appears "$dev is not a character device 3 s after insmod" \
		"$(ls -l /dev | grep -i kxfer || echo 'no kxfer nodes in /dev')"
fi

# A RAM disk for the O_DIRECT tests, when the payload ships brd.ko (the
# test harness copies it from the kernel's modules); otherwise they skip.
if [ -f "$here/brd.ko" ] && [ ! -b /dev/ram0 ]; then
	insmod "$here/brd.ko" rd_nr=1 rd_size=1024 ||
		echo "# insmod brd.ko failed; the O_DIRECT tests will skip"
	wait_for -b /dev/ram0 || true
fi

# --- the C tests ---

if [ -n "${main_err:-}" ]; then
	not_ok_because functional_test_binary_runs "$main_err"
else
	run_binary "$bin" "$tmp/main.list" "$n_main" --prefix "" --ko "$ko"
fi

if [ -n "$why32" ]; then
	skip compat32_tests "$why32"
else
	run_binary "$bin32" "$tmp/compat.list" "$n32" --prefix compat32_ \
		--ko "$ko"
fi

# --- shell-level use of the device ---

size=$(cat "$sysdir/buf_size" 2>/dev/null || echo unknown)

got=$(cat "$dev" | wc -c | tr -d ' ')
if [ "$got" = "$size" ]; then
	ok cat_outputs_buf_size_bytes
else
	not_ok_because cat_outputs_buf_size_bytes \
		"cat $dev | wc -c gave $got, $sysdir/buf_size says $size"
fi

dd if=/dev/urandom of="$tmp/in" bs=4096 count=16 2>/dev/null
if dd if="$tmp/in" of="$dev" bs=4096 conv=notrunc 2>"$tmp/err" &&
   dd if="$dev" of="$tmp/out" bs=4096 count=16 2>>"$tmp/err" &&
   cmp "$tmp/in" "$tmp/out" >>"$tmp/err" 2>&1; then
	ok dd_write_then_read_returns_same_bytes
else
	not_ok_because dd_write_then_read_returns_same_bytes "$(cat "$tmp/err")"
fi

# dd seek= and skip= go through lseek on the device.
if dd if="$tmp/in" of="$dev" bs=4096 seek=100 count=4 conv=notrunc 2>"$tmp/err" &&
   dd if="$dev" of="$tmp/out" bs=4096 skip=100 count=4 2>>"$tmp/err" &&
   dd if="$tmp/in" of="$tmp/ref" bs=4096 count=4 2>>"$tmp/err" &&
   cmp "$tmp/ref" "$tmp/out" >>"$tmp/err" 2>&1; then
	ok dd_seek_and_skip_address_same_bytes
else
	not_ok_because dd_seek_and_skip_address_same_bytes "$(cat "$tmp/err")"
fi

case $size in
''|*[!0-9]*)
	not_ok_because dd_write_past_end_fails_enospc "cannot read $sysdir/buf_size" ;;
*)
	blocks=$((size / 4096 + 1))
	if dd if=/dev/zero of="$dev" bs=4096 count=$blocks 2>"$tmp/err"; then
		not_ok_because dd_write_past_end_fails_enospc \
			"dd of $blocks blocks of 4096 into a $size-byte device succeeded" \
			"$(cat "$tmp/err")"
	elif grep -q 'No space left on device' "$tmp/err"; then
		ok dd_write_past_end_fails_enospc
	else
		not_ok_because dd_write_past_end_fails_enospc \
			"dd failed, but not with ENOSPC:" "$(cat "$tmp/err")"
	fi ;;
esac

check_module_left_default
finish_tap

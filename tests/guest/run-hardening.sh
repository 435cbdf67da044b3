#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hardening-test payload (busybox sh; see docs/CONTRACTS.md, Payloads, and
# docs/testing.md).
#
# Expects next to itself: kxfer.ko and kxfer-hardening.  Loads the module
# with default parameters if it is not loaded, runs the hardening tests
# (which reload the module as they need and put the defaults back), checks
# the kernel log, and prints one TAP 13 stream with one plan.  Leaves the
# module loaded with default parameters.  Exit status 1 if anything failed.
#
# Knobs (defaults in brackets), from the environment or, since a guest
# payload has no environment of its own, from a hardening.env file of
# shell assignments next to this script:
#   KXFER_HX_SECONDS  time budget of the stress phase [20]
#   KXFER_HX_CASES    cases per fuzz test [10000]
#   KXFER_HX_SEED     seed of all random choices [1]
#   KXFER_HX_TESTS    glob(s) selecting tests [all]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/hardening.env" ]; then
	# shellcheck disable=SC1091
	. "$here/hardening.env"
fi
# TAP helpers, dev, sysdir, default_size: shared with run-functional.sh.
# shellcheck source=tests/guest/payload-lib.sh
. "$here/payload-lib.sh"
ko=$here/kxfer.ko
bin=$here/kxfer-hardening
seconds=${KXFER_HX_SECONDS:-20}
cases=${KXFER_HX_CASES:-10000}
seed=${KXFER_HX_SEED:-1}
tests=${KXFER_HX_TESTS:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-hx.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The kernel's splat markers, as scripts/guest/check-dmesg.sh knows them,
# so that a board run (no host-side check) catches them too.
splats='WARNING:|BUG:|Oops|usercopy:|lockdep|Call [Tt]race|general protection'
splats="$splats|kernel BUG|Unable to handle kernel|Internal error:"
splats="$splats|Kernel panic|soft lockup|hard LOCKUP|blocked for more than"
splats="$splats|rcu.*detected stall|UBSAN:|stack-protector|corruption"

# --- the plan ---

n_pre=1
n_post=2
n_main=1	# a single failure line if the binary cannot run
# $tests holds test-name globs for the binary, split on blanks but not
# expanded as file names by the shell.
set -f
# shellcheck disable=SC2086
if [ -x "$bin" ] && c=$("$bin" --count $tests 2>"$tmp/err"); then
	n_main=$c
	"$bin" --list $tests >"$tmp/main.list"
else
	main_err="cannot run $bin: $(cat "$tmp/err" 2>/dev/null)"
fi
set +f

echo "TAP version 13"
echo "1..$((n_pre + n_main + n_post))"
echo "# kernel $(uname -r) $(uname -m), KXFER_GUEST=${KXFER_GUEST:-none}, $(grep -c ^processor /proc/cpuinfo) CPUs, $(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB"
echo "# seed: $seed, --seconds $seconds, --cases $cases"
dmesg_before=$(dmesg | wc -l)

# --- the module ---

if [ -d /sys/module/kxfer ]; then
	ok module_loaded_before_hardening
elif out=$(insmod "$ko" 2>&1) && wait_for -c "$dev"; then
	ok module_loaded_before_hardening
else
	not_ok_because module_loaded_before_hardening "insmod $ko failed:" "$out" \
		"$(dmesg | tail -n 5)"
fi

# --- the C tests ---

if [ -n "${main_err:-}" ]; then
	not_ok_because hardening_test_binary_runs "$main_err"
else
	start=$(cut -d' ' -f1 /proc/uptime)
	set -f
	# shellcheck disable=SC2086
	run_binary "$bin" "$tmp/main.list" "$n_main" --ko "$ko" \
		--seconds "$seconds" --cases "$cases" --seed "$seed" $tests
	set +f
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "# hardening tests took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
fi

# --- afterwards ---

if dmesg | tail -n "+$((dmesg_before + 1))" | grep -Eq -- "$splats"; then
	not_ok_because kernel_log_has_no_warnings_or_oopses \
		"$(dmesg | tail -n "+$((dmesg_before + 1))" | grep -E -A 12 -- "$splats" | head -n 40)"
else
	ok kernel_log_has_no_warnings_or_oopses
fi

check_module_left_default
finish_tap

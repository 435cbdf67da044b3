#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh: everything `make test` checks, as TAP, ending with the line
#   N passed, M failed[, K skipped]
# and a non-zero exit status when M > 0.
#
# Stages:
#   1. scripts/install-deps.sh
#   2. scripts/fetch-kernel.sh 6.1-amd64
#   3. tests/static/check-static.sh (checkpatch, W=1, sparse)
#   4. make -C bench check (host unit tests); tests/static/analyze-userspace.sh
#      (gcc -fanalyzer on all user-space C)
#   5. scripts/guest/selftest/check.sh: the guest runner proves itself
#   6. per kernel flavour: build the module (W=1), the guest tests and the
#      benchmark for it, boot it under QEMU (scripts/guest/run.sh) and run
#      tests/guest/test-suite.sh as payload; then boot it again with
#      swiotlb=force (every DMA mapping bounces), where the payload runs
#      the functional tests only and checks the kernel log for swiotlb
#      errors (results tagged "[F swiotlb]")
#   7. tests/pipeline/run.sh: plots and report from the committed fixture
#   8. tests/packaging/dkms-check.sh: dkms.conf builds against 6.1 and 6.12 headers
#   9. tests/packaging/cross-build-check.sh: arm64 cross build, make dist, and the
#      on-board runner under busybox in an arm64 guest
#  10. tests/host/run.sh: user journeys without a guest (KDIR/ARCH checks,
#      make help/install/uninstall, README, KVM probe fallback, runner)
#
# Environment:
#   KXFER_FLAVOURS        flavours for stage 6 (default: all five,
#                         "6.1-amd64 6.1-arm64 6.12-amd64 6.12-arm64 6.12-arm64-16k")
#   KXFER_JOBS            flavours run at once (default 2)
#   KXFER_GUEST_TIMEOUT   seconds per guest run (default 600: the first boot
#                         runs the functional, hardening and benchmark checks
#                         under TCG; a hang still cannot eat the whole budget)
#   KXFER_GUEST_MEM       guest RAM in MiB (default 1024)
#   KXFER_SWIOTLB         0: skip the swiotlb=force pass (default 1)
#
# Everything printed is also in .cache/test-logs/ (run-tests.log, one .tap
# per stage, build logs and the guests' console.log/dmesg.txt).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top" || exit 1
logdir=$top/.cache/test-logs

# A `make test ARCH=arm64 ...` must not leak into the host stages: every
# build below gets its ARCH/CROSS_COMPILE explicitly.
unset ARCH CROSS_COMPILE KDIR MAKEFLAGS MFLAGS MAKELEVEL

flavours=${KXFER_FLAVOURS:-6.1-amd64 6.1-arm64 6.12-amd64 6.12-arm64 6.12-arm64-16k}
jobs=${KXFER_JOBS:-2}
guest_timeout=${KXFER_GUEST_TIMEOUT:-600}
guest_mem=${KXFER_GUEST_MEM:-1024}
ncpu=$(nproc 2>/dev/null || echo 2)
max_diag=${KXFER_DIAG_LINES:-60}
swiotlb_pass=${KXFER_SWIOTLB:-1}

case $jobs in ''|*[!0-9]*|0) echo "KXFER_JOBS must be a positive number" >&2; exit 2 ;; esac

tap_files=()
stage_no=0

# --- TAP helpers ---------------------------------------------------------

# Top-level TAP results only; indented (subtest) lines are not counted.
is_result='^(ok|not ok)( |$)'

# diag (stdin to "# " lines) is tests/lib/tap.sh's; this stage's results
# carry no numbers, so its ok/not_ok are not used here.
# shellcheck source=tests/lib/tap.sh
. tests/lib/tap.sh

diag_file() {		# FILE [NAME]: FILE as TAP diagnostics, bounded
	[ -s "$1" ] || return 0
	head -n "$max_diag" "$1" | diag
	local lines
	lines=$(wc -l <"$1")
	[ "$lines" -le "$max_diag" ] ||
		echo "# ... $((lines - max_diag)) more lines in ${2:-$1}"
}

# check_stream FILE STATUS NAME: results a well-behaved TAP producer owes us
# but did not give: a plan it did not meet, no results at all, or a failing
# exit status with nothing failing.  Several plans (payloads chain several
# producers) are summed.
check_stream() {
	local file=$1 status=$2 name=$3 planned ran failing
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$file" |
		awk '{ s += $1 } END { print s + 0 }')
	ran=$(grep -Ec "$is_result" "$file")
	failing=$(grep -Ec '^not ok( |$)|^Bail out!' "$file")
	if grep -q '^1\.\.[0-9]' "$file"; then
		[ "$ran" -eq "$planned" ] ||
			echo "not ok - $name: planned $planned tests but reported $ran"
	elif [ "$ran" -eq 0 ]; then
		echo "not ok - $name: printed no TAP results (exit status $status)"
		return
	fi
	if grep -q '^Bail out!' "$file"; then
		echo "not ok - $name: bailed out: $(grep -m1 '^Bail out!' "$file")"
	fi
	if [ "$status" -ne 0 ] && [ "$failing" -eq 0 ]; then
		echo "not ok - $name: exited with status $status without a failing test"
	fi
}

# run_stage NAME CMD...: CMD's stdout is its TAP (shown live and kept),
# its stderr is shown live.
run_stage() {
	local name=$1 base status
	shift
	stage_no=$((stage_no + 1))
	base=$logdir/$(printf '%02d' "$stage_no")-$name
	echo
	echo "# === stage $stage_no: $name"
	"$@" | tee "$base.tap"
	status=${PIPESTATUS[0]}
	check_stream "$base.tap" "$status" "$name" | tee -a "$base.tap"
	tap_files+=("$base.tap")
}

# tap_cmd DESC CMD...: one TAP test that passes when CMD succeeds; CMD's
# output goes to stderr (and into the diagnostics when it fails).
tap_cmd() {
	local desc=$1 out
	shift
	out=$(mktemp)
	echo "1..1"
	if "$@" 2>&1 | tee "$out" >&2; then
		echo "ok 1 - $desc"
	else
		echo "not ok 1 - $desc"
		tail -n 20 "$out" >"$out.tail"
		diag_file "$out.tail"
		rm -f "$out.tail"
	fi
	rm -f "$out"
}

# --- stages --------------------------------------------------------------

stage_static() {
	local kenv KDIR=
	if kenv=$(scripts/fetch-kernel.sh 6.1-amd64 2>/dev/null); then
		eval "$kenv"
	fi
	ARCH=x86 CROSS_COMPILE='' tests/static/check-static.sh "$KDIR"
}

stage_bench_check() {
	if [ ! -f bench/Makefile ]; then
		echo "1..1"
		echo "not ok 1 - bench/Makefile exists (make -C bench check)"
		return 1
	fi
	make -C bench check
}

# Build logs go to the log folder; only warnings and errors are shown.
build_step() {		# desc log warnings-fail(0|1) cmd...
	local desc=$1 log=$2 strict=$3
	shift 3
	if "$@" >"$log" 2>&1; then
		if [ "$strict" = 1 ] && grep -qi 'warning:' "$log"; then
			echo "not ok - $desc"
			grep -i 'warning:' "$log" >"$log.warn"
			diag_file "$log.warn" "$log"
			return 1
		fi
		echo "ok - $desc"
		return 0
	fi
	echo "not ok - $desc"
	grep -iE 'error|warning:|No rule' "$log" >"$log.err" ||
		tail -n 20 "$log" >"$log.err"
	diag_file "$log.err" "$log"
	return 1
}

# test_flavour F: TAP (with diagnostics) for one kernel flavour on stdout.
test_flavour() {
	local f=$1 b=$top/.cache/build/$1 lg=$logdir/$1 kenv makej
	# shellcheck disable=SC2034 # all set by eval of fetch-kernel.sh
	local KVER KDIR VMLINUZ MODDIR ARCH CROSS_COMPILE QEMU_ARCH DEB_ARCH
	local have_module='' have_tests=''
	makej=$2

	echo "# --- flavour $f"
	mkdir -p "$lg"
	if ! kenv=$(scripts/fetch-kernel.sh "$f" 2>"$lg/fetch.log"); then
		echo "not ok - [$f] kernel image and headers fetched"
		diag_file "$lg/fetch.log"
		echo "not ok - [$f] guest run (not run: no kernel)"
		return
	fi
	eval "$kenv"
	echo "ok - [$f] kernel image and headers fetched ($KVER)"

	# A private copy, include/ beside driver/ as in the tree, so that
	# flavours built in parallel never share objects.
	rm -rf "$b"
	mkdir -p "$b"
	if [ -d driver ] && cp -a driver include "$b/"; then
		make -s -C "$KDIR" M="$b/driver" clean >/dev/null 2>&1
		build_step "[$f] module builds with W=1 and no warnings" \
			"$lg/module.log" 1 \
			make -C "$KDIR" M="$b/driver" ARCH="$ARCH" \
			CROSS_COMPILE="$CROSS_COMPILE" W=1 -j"$makej" modules
		# Warnings fail the test above, yet the module can still run.
		[ -f "$b/driver/kxfer.ko" ] && have_module=1
	else
		echo "not ok - [$f] module builds with W=1 and no warnings"
		echo "# driver/ is missing"
	fi

	if [ -f tests/Makefile ]; then
		build_step "[$f] guest test binaries build (make -C tests guest)" \
			"$lg/tests.log" 0 \
			make -C tests guest ARCH="$ARCH" \
			CROSS_COMPILE="$CROSS_COMPILE" OUT="$b/tests" \
			-j"$makej"
		[ -f "$b/tests/run-functional.sh" ] && have_tests=1
		build_step "[$f] hardening test binaries build (make -C tests/hardening guest)" \
			"$lg/hardening.log" 0 \
			make -C tests/hardening guest ARCH="$ARCH" \
			CROSS_COMPILE="$CROSS_COMPILE" OUT="$b/tests" \
			-j"$makej"
	else
		echo "not ok - [$f] guest test binaries build (tests/Makefile is missing)"
	fi

	local have_bench=
	if [ -f bench/Makefile ]; then
		build_step "[$f] kxfer-bench builds for $DEB_ARCH" \
			"$lg/bench.log" 0 \
			make -C bench OUT="$b/bench" ARCH="$ARCH" \
			CROSS_COMPILE="$CROSS_COMPILE" -j"$makej"
		[ -x "$b/bench/kxfer-bench" ] && have_bench=1
	else
		echo "ok - [$f] kxfer-bench builds # SKIP bench/Makefile not present yet"
	fi

	if [ -z "$have_module" ] || [ -z "$have_tests" ]; then
		echo "not ok - [$f] guest run (not run: the module or the tests did not build)"
		return
	fi

	local p=$b/payload
	mkdir -p "$p"
	cp "$b/driver/kxfer.ko" "$p/"
	find "$b/tests" -maxdepth 1 -type f -exec cp {} "$p/" \;
	if [ -n "$have_bench" ] && [ -f tests/guest/bench-check.sh ]; then
		cp "$b/bench/kxfer-bench" tests/guest/bench-check.sh "$p/"
	else
		echo "ok - [$f] benchmark guest check # SKIP no kxfer-bench or tests/guest/bench-check.sh for the payload"
	fi
	cp tests/guest/test-suite.sh "$p/run.sh"
	# The kernel's RAM disk driver, for the O_DIRECT tests.
	local brd
	brd=$(find "$MODDIR/kernel/drivers/block" -maxdepth 1 -name 'brd.ko*' | head -n 1)
	case $brd in
	*.ko.xz) xz -dc "$brd" >"$p/brd.ko" ;;
	*.ko.zst) zstd -qdc "$brd" >"$p/brd.ko" ;;
	*.ko) cp "$brd" "$p/brd.ko" ;;
	*) echo "# [$f] no brd module in $MODDIR: the O_DIRECT tests will skip" ;;
	esac

	guest_pass "$f" "$f" "$p" "$lg/guest" ""
	if [ "$swiotlb_pass" != 0 ]; then
		guest_pass "$f" "$f swiotlb" "$p" "$lg/guest-swiotlb" \
			"swiotlb=force"
	fi
}

# guest_pass F TAG PAYLOAD OUT APPEND: boot flavour F with the payload
# (APPEND added to the kernel command line) and print its TAP, each
# description tagged [TAG].  The payload (tests/guest/test-suite.sh)
# sees swiotlb=force on /proc/cmdline and then runs its swiotlb pass.
guest_pass() {
	local f=$1 tag=$2 p=$3 out=$4 append=$5 grc prc reason tap
	tap=$out.tap

	rm -rf "$out"
	KXFER_GUEST_APPEND="${KXFER_GUEST_APPEND:-} $append" \
		scripts/guest/run.sh --flavour "$f" --payload "$p" --out "$out" \
		--timeout "$guest_timeout" --mem "$guest_mem" \
		>"$tap" 2>"$out.err"
	grc=$?

	# The payload's TAP, each description tagged.  Its plans are checked
	# here and shown as diagnostics, because this stage's stream mixes
	# them with unplanned results.
	sed -E -e "s/^(ok|not ok)( [0-9]+)?( -)?( |\$)/\\1\\2 - [$tag] /" \
		-e 's/^1\.\./# plan 1../' "$tap"
	# A guest that died already fails below; no second failure for it.
	prc=$grc
	case $grc in 124|125) prc=0 ;; esac
	check_stream "$tap" "$prc" "[$tag] guest payload"

	case $grc in
	124|125)
		reason=$(sed -n 's/^guest-run: .*FAILED after [0-9.]*s: //p' "$out.err" | tail -n1)
		echo "not ok - [$tag] guest ran cleanly (no timeout, panic or kernel warning): ${reason:-exit status $grc}"
		diag_file "$out.err"
		;;
	*)
		echo "ok - [$tag] guest ran cleanly (no timeout, panic or kernel warning)"
		grep '^guest-run: .*guest boot' "$out.err" | sed 's/^/# /'
		;;
	esac
}

stage_flavours() {
	local f n=0 inflight makej pid
	local -A flavour_of
	for f in $flavours; do n=$((n + 1)); done
	inflight=$((jobs < n ? jobs : n))
	[ "$inflight" -ge 1 ] || inflight=1
	makej=$((ncpu / inflight))
	[ "$makej" -ge 1 ] || makej=1

	if [ "$inflight" -le 1 ]; then
		for f in $flavours; do
			test_flavour "$f" "$makej" 2>&1 | tee "$logdir/flavour-$f.out"
		done
		return
	fi
	# Parallel: each flavour's output is printed as one block when it
	# finishes, so blocks do not interleave.
	local running=0
	for f in $flavours; do
		if [ "$running" -ge "$inflight" ]; then
			wait -n -p pid
			cat "$logdir/flavour-${flavour_of[$pid]}.out"
			running=$((running - 1))
		fi
		echo "# started flavour $f"
		test_flavour "$f" "$makej" >"$logdir/flavour-$f.out" 2>&1 &
		flavour_of[$!]=$f
		running=$((running + 1))
	done
	while [ "$running" -gt 0 ]; do
		wait -n -p pid
		cat "$logdir/flavour-${flavour_of[$pid]}.out"
		running=$((running - 1))
	done
}

main() {
	local start=$SECONDS
	echo "# kxfer make test: flavours '$flavours', $jobs at a time"
	run_stage install-deps tap_cmd "dependencies installed (scripts/install-deps.sh)" \
		scripts/install-deps.sh
	run_stage fetch-kernel tap_cmd "kernel 6.1-amd64 fetched (scripts/fetch-kernel.sh)" \
		scripts/fetch-kernel.sh 6.1-amd64
	run_stage static stage_static
	run_stage bench-check stage_bench_check
	run_stage analyze-userspace tests/static/analyze-userspace.sh
	run_stage guest-selftest scripts/guest/selftest/check.sh 6.1-amd64
	run_stage flavours stage_flavours
	run_stage pipeline tests/pipeline/run.sh
	run_stage dkms tests/packaging/dkms-check.sh
	run_stage cross-build tests/packaging/cross-build-check.sh
	run_stage host-journeys tests/host/run.sh

	local all pass fail skip
	all=$(cat "${tap_files[@]}")
	pass=$(grep -E '^ok( |$)' <<<"$all" | grep -Eivc '#[[:space:]]*skip')
	skip=$(grep -E '^ok( |$)' <<<"$all" | grep -Eic '#[[:space:]]*skip')
	fail=$(grep -Ec '^not ok( |$)' <<<"$all")
	echo
	if [ "$fail" -gt 0 ]; then
		echo "# failed:"
		grep -E '^not ok( |$)' <<<"$all" | sed 's/^/#   /'
	fi
	echo "# logs: $logdir ($((SECONDS - start)) s)"
	if [ "$skip" -gt 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ]
}

rm -rf "$logdir"
mkdir -p "$logdir"
main 2>&1 | tee "$logdir/run-tests.log"
exit "${PIPESTATUS[0]}"

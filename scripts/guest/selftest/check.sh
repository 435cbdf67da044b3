#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [FLAVOUR...]   (default: 6.1-amd64)
#
# Self-test of the guest runner (scripts/guest/run.sh), as TAP: boots the
# smoke payload next to this script on each flavour and checks what came
# back (exit status, stdout = the payload's TAP only, stderr apart, /out
# files byte-exact, dmesg, page size, KXFER_GUEST naming the accelerator
# the runner chose, progress lines shown live), then checks on the first flavour
# that a failing payload's exit status reaches the caller, that a kernel
# crash inside the payload fails the run and is not retried, that a guest
# which never starts the payload is retried once and then fails, and that
# the kernel log checker passes that clean dmesg but not one with a warning.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
runner=$here/../run.sh
[ $# -gt 0 ] || set -- 6.1-amd64

work=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-selftest.XXXXXX")
trap 'rm -rf "$work"' EXIT

n=0
t() {		# description command...
	n=$((n + 1))
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
	fi
}

echo "TAP version 13"
echo "1..$(($# * 9 + 5))"

bytes=$work/bytes.ref
for ((i = 0; i < 256; i++)); do printf "\\$(printf %o $i)"; done >"$bytes"

for f in "$@"; do
	o=$work/$f
	KXFER_GUEST_LIVE=progress "$runner" --flavour "$f" --payload "$here" \
		--out "$o/out" >"$o.stdout" 2>"$o.stderr"
	rc=$?
	sed 's/^/# /' "$o.stderr" | grep '^# guest-run: .*\(guest boot\|FAIL\|accelerator\)'
	accel=$(sed -n 's/^guest-run: accelerator: \(KVM\|TCG\).*/\1/p' "$o.stderr" |
		tr 'A-Z' 'a-z')
	kver=$(sed -n 's/^ok 4 - kernel is //p' "$o.stdout")
	case $f in *-16k) page=16384 ;; *) page=4096 ;; esac

	t "[$f] runner exits 0 for a passing payload" [ "$rc" = 0 ]
	t "[$f] stdout is the payload's TAP (5 passes, no markers)" \
		bash -c "[ \$(grep -c '^ok ' '$o.stdout') = 5 ] &&
			! grep -q 'KXFER' '$o.stdout'"
	t "[$f] payload stderr comes back on stderr only" \
		bash -c "grep -qx 'selftest: this line goes to stderr' '$o.stderr' &&
			! grep -q 'selftest:' '$o.stdout'"
	t "[$f] /out files come back byte-exact" \
		bash -c "cmp -s '$bytes' '$o/out/bytes.bin' &&
			grep -q ' $kver ' '$o/out/sub/uname.txt'"
	t "[$f] dmesg.txt and console.log are saved" \
		bash -c "grep -q 'Linux version $kver' '$o/out/dmesg.txt' &&
			[ -s '$o/out/console.log' ]"
	t "[$f] guest has 2 CPUs" grep -qx 2 "$o/out/nproc.txt"
	t "[$f] guest page size is $page" grep -qx "$page" "$o/out/page_size.txt"
	t "[$f] payload sees KXFER_GUEST=qemu-$accel, the accelerator the runner reported" \
		bash -c "[ -n '$accel' ] && grep -qx 'qemu-$accel' '$o/out/guest.txt'"
	# Live: before the payload's stderr, which comes back at the end.
	t "[$f] KXFER_GUEST_LIVE=progress shows the progress line while the guest runs" \
		bash -c "live=\$(grep -n -m1 '^guest progress: 1/1 points' '$o.stderr' | cut -d: -f1) &&
			late=\$(grep -n -m1 '^progress: 1/1 points' '$o.stderr' | cut -d: -f1) &&
			[ \"\$live\" -lt \"\$late\" ]"
done

# A payload failing with status 3 must make the runner exit 3.
mkdir -p "$work/fail"
printf 'echo "1..1"\necho "not ok 1 - meant to fail"\nexit 3\n' >"$work/fail/run.sh"
"$runner" --flavour "$1" --payload "$work/fail" --out "$work/fail-out" \
	>/dev/null 2>&1
rc=$?
t "[$1] runner passes on the payload's exit status (3, got $rc)" [ "$rc" = 3 ]

# A panic while the payload runs is a failure, never a reason to boot again.
mkdir -p "$work/crash"
printf 'echo "1..1"\necho c >/proc/sysrq-trigger\nsleep 30\n' >"$work/crash/run.sh"
"$runner" --flavour "$1" --payload "$work/crash" --out "$work/crash-out" \
	>/dev/null 2>"$work/crash.err"
rc=$?
boots=$(grep -c 'guest-run: booting' "$work/crash.err")
t "[$1] a kernel crash in the payload fails the run (125, got $rc) after one boot (got $boots)" \
	bash -c "[ '$rc' = 125 ] && [ '$boots' = 1 ]"

# A kernel that cannot start /init never reaches the payload: booted twice.
KXFER_GUEST_APPEND=rdinit=/no-such-init "$runner" --flavour "$1" \
	--payload "$here" --out "$work/noinit-out" >/dev/null 2>"$work/noinit.err"
rc=$?
boots=$(grep -c 'guest-run: booting' "$work/noinit.err")
t "[$1] a guest that never starts the payload is booted twice (got $boots) and fails (125, got $rc)" \
	bash -c "[ '$rc' = 125 ] && [ '$boots' = 2 ]"

# The splat checker on the first flavour's real (clean) dmesg, and on the
# same log with a warning report spliced in.
clean=$work/$1/out/dmesg.txt
t "[$1] check-dmesg.sh accepts the clean boot log" \
	bash -c "[ -s '$clean' ] && '$here/../check-dmesg.sh' '$clean'"
{
	cat "$clean"
	echo "[   9.000000] WARNING: CPU: 1 PID: 99 at drivers/kxfer/kxfer_main.c:42 kxfer_init+0x1/0x2 [kxfer]"
	echo "[   9.000001] Call Trace:"
} >"$work/splat.txt"
t "[$1] check-dmesg.sh rejects a log with a WARNING" \
	bash -c "[ -s '$clean' ] && ! '$here/../check-dmesg.sh' '$work/splat.txt'"

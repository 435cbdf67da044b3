#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/host/run.sh: the user journeys that need no guest, as one TAP
# stream (TAP version 13, plan at the end): each t-*.sh next to this file
# is sourced in turn and adds its tests through the helpers below.
#
#   t-kdir.sh     KDIR missing/unprepared and ARCH/KDIR mismatch: exit 2 +
#                 what to set, before kbuild
#   t-help.sh     make help lists every target of every Makefile
#   t-install.sh  make install / uninstall into a DESTDIR staging folder
#   t-kernel-pin.sh  fetch-kernel.sh keeps one tree per pinned ABI
#   t-readme.sh   README opens with the title, then the two commands
#   t-accel.sh    guest runner: KVM probe fallback (fake hanging/failing
#                 QEMU), cache, KXFER_ACCEL override, KXFER_GUEST
#   t-board.sh    run-on-board.sh passes --progress only to a kxfer-bench
#                 that has it
#
# Needs the cached Debian 6.1-amd64/6.1-arm64 headers (scripts/fetch-kernel.sh)
# and the build tools of scripts/install-deps.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-host.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# Nothing from a calling make or shell may steer the builds below.
unset ARCH CROSS_COMPILE LLVM KDIR MAKEFLAGS MFLAGS MAKELEVEL KXFER_ACCEL

# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
check() {	# check "description" command...
	local d=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		ok "$d"
	else
		not_ok "$d"
		tail -n 20 "$tmp/check.out" | diag
	fi
}
# expect_fail "description" RC "grep -E pattern" command...: the command
# exits RC and its output (stdout+stderr) matches the pattern.
expect_fail() {
	local d=$1 want=$2 pat=$3 rc
	shift 3
	"$@" >"$tmp/fail.out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$pat" "$tmp/fail.out"; then
		ok "$d"
	else
		not_ok "$d (exit $rc, want $want)"
		tail -n 20 "$tmp/fail.out" | diag
	fi
}
# kdir_of FLAVOUR: the cached headers of a Debian kernel flavour.
kdir_of() {
	"$top/scripts/fetch-kernel.sh" "$1" 2>/dev/null | sed -n 's/^KDIR=//p'
}

echo "TAP version 13"
for t in "$here"/t-*.sh; do
	echo "# --- ${t##*/}"
	# shellcheck source=/dev/null
	. "$t"
done
plan "$n"
[ "$failed" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke payload for the guest runner itself (scripts/guest/run.sh): proves
# that the payload runs as root in /out, that its stdout (TAP) and stderr
# come back apart, and that files written to /out reach the host.
# Host side: scripts/guest/selftest/check.sh.
set -eu

echo "TAP version 13"
echo "1..5"

n=0
check() {	# description, command...
	n=$((n + 1))
	desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
	fi
}

check "running as root" test "$(id -u)" = 0
check "working directory is /out" test "$(pwd)" = /out
check "payload is at /payload" test -f /payload/run.sh
check "kernel is $KXFER_KVER" test "$(uname -r)" = "$KXFER_KVER"
check "guest kind (accelerator) is qemu-tcg or qemu-kvm: $KXFER_GUEST" \
	test "$KXFER_GUEST" = qemu-tcg -o "$KXFER_GUEST" = qemu-kvm
echo "$KXFER_GUEST" >guest.txt

echo "selftest: this line goes to stderr" >&2
# Shown while the guest runs with KXFER_GUEST_LIVE=progress.
echo "progress: 1/1 points, 0 s elapsed, ~0 s left" >&2
mkdir -p sub
uname -a >sub/uname.txt
getconf PAGESIZE >page_size.txt 2>/dev/null ||
	awk '/KernelPageSize/ { print $2 * 1024; exit }' /proc/self/smaps >page_size.txt
nproc >nproc.txt
# A binary file with every byte value, to prove the archive is 8-bit clean.
i=0
while [ $i -lt 256 ]; do
	printf "\\$(printf %o $i)"
	i=$((i + 1))
done >bytes.bin

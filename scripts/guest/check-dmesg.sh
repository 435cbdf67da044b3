#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-dmesg.sh FILE
#
# Exit 1 and print the offending lines (with a little context) when a kernel
# log holds a warning, BUG, oops, hardened-usercopy report, lockdep report,
# stack trace, lockup or panic; exit 0 when it is clean.  Used on the
# guest's dmesg (and on the console when the guest died before saving it).
# A full swiotlb bounce buffer counts too.
set -eu

[ $# -eq 1 ] || { echo "usage: check-dmesg.sh FILE" >&2; exit 2; }
[ -r "$1" ] || { echo "check-dmesg: cannot read '$1'" >&2; exit 2; }

# Case matters: the kernel command line (also in dmesg) holds "oops=panic".
# "usercopy:" with the colon: hardened usercopy reports look like that, while
# x86 boots print "Spectre V1 : Mitigation: usercopy/swapgs barriers".
# x86 prints "Call Trace:", arm64 "Call trace:"; oopses are "Oops" on x86
# and "Internal error: Oops" on arm64.
pattern='WARNING:|BUG:|Oops|usercopy:|lockdep|Call [Tt]race|general protection'
pattern="$pattern|kernel BUG|Unable to handle kernel|Internal error:"
pattern="$pattern|Kernel panic|soft lockup|hard LOCKUP|blocked for more than"
pattern="$pattern|rcu.*detected stall|UBSAN:|stack-protector|corruption"
# A bounce buffer that overflowed: DMA mappings failed (kxfer ABI 3 under
# swiotlb=force; nothing may bounce since ABI 4).
pattern="$pattern|swiotlb buffer is full"

if grep -Eq -- "$pattern" "$1"; then
	echo "kernel log $1 reports problems:"
	# -B catches a message printed just before (WARN(cond, msg)), -A the
	# first lines of the report, enough to see where it hit.
	grep -E -B 2 -A 12 -- "$pattern" "$1" | head -n 80
	exit 1
fi
exit 0

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# hyperfine-compare.sh --hyperfine CMD --mmapdump PATH --out DIR
#                      [--device DEV] [--sizes "4K 64K 1M"] [--bytes N]
#                      [--runs N] [--warmup N]
#
# Whole-command comparison of the two paths, as a user would time them:
# for each block size BS, hyperfine runs
#   copy:  dd if=DEV of=/dev/null bs=BS count=N          (read() copies)
#   mmap:  kxfer-mmapdump -d DEV -b BS -n N  >/dev/null   (FETCH + write()
#          straight from the mapping)
# both moving the same N * BS bytes (--bytes, default the smaller of the
# buffer and 16 MiB).  Process start-up, mmap() and page faults are
# included, unlike kxfer-bench's per-operation numbers.
#
# Writes DIR/hyperfine/bs-BS.json (hyperfine --export-json), bs-BS.log
# (hyperfine's own output) and params.csv (bs,count,bytes,json) for
# scripts/kxresults/hyperfine.py; prints TAP, one test per block size.
# CMD may be several words (e.g. a loader wrapper); busybox sh is enough.
set -eu

usage() {
	echo "usage: hyperfine-compare.sh --hyperfine CMD --mmapdump PATH --out DIR [--device DEV] [--sizes \"4K 64K 1M\"] [--bytes N] [--runs N] [--warmup N]" >&2
	exit 2
}

hyperfine='' mmapdump='' out='' device=/dev/kxfer0 sizes="4K 64K 1M" total=''
runs=10 warmup=2
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--hyperfine) hyperfine=$2 ;;
	--mmapdump) mmapdump=$2 ;;
	--out) out=$2 ;;
	--device) device=$2 ;;
	--sizes) sizes=$2 ;;
	--bytes) total=$2 ;;
	--runs) runs=$2 ;;
	--warmup) warmup=$2 ;;
	*) echo "hyperfine-compare: unknown option '$1'" >&2; usage ;;
	esac
	shift 2
done
if [ -z "$hyperfine" ] || [ -z "$mmapdump" ] || [ -z "$out" ]; then usage; fi
[ -x "$mmapdump" ] || { echo "hyperfine-compare: '$mmapdump' is not executable (build it: make -C bench)" >&2; exit 2; }
[ -c "$device" ] || {
	echo "hyperfine-compare: $device is not a character device; load the module (insmod kxfer.ko)" >&2
	exit 2
}
command -v dd >/dev/null || { echo "hyperfine-compare: dd not found" >&2; exit 2; }
# shellcheck disable=SC2086 # CMD is meant to be split into words
$hyperfine --version >/dev/null 2>&1 || {
	echo "hyperfine-compare: '$hyperfine --version' fails; is hyperfine for this architecture?" >&2
	exit 2
}

bufsize=$(cat "/sys/class/kxfer/${device##*/}/buf_size" 2>/dev/null) || {
	echo "hyperfine-compare: cannot read the buffer size of $device from sysfs" >&2
	exit 2
}
if [ -z "$total" ]; then
	total=16777216
	[ "$bufsize" -ge "$total" ] || total=$bufsize
fi
[ "$total" -le "$bufsize" ] || {
	echo "hyperfine-compare: --bytes $total exceeds the $bufsize-byte buffer" >&2
	exit 2
}

bytes() {
	case $1 in
	*[kK]) echo $(( ${1%?} * 1024 )) ;;
	*[mM]) echo $(( ${1%?} * 1048576 )) ;;
	*[!0-9]*|'') echo "hyperfine-compare: bad size '$1' (use bytes, K or M)" >&2; return 1 ;;
	*) echo "$1" ;;
	esac
}

mkdir -p "$out/hyperfine"
params=$out/hyperfine/params.csv
echo "bs,count,bytes,json" >"$params"
# shellcheck disable=SC2086 # one argument per size
set -- $sizes
echo "1..$#"
i=0 failed=0
for bs in "$@"; do
	i=$((i + 1))
	b=$(bytes "$bs")
	count=$((total / b))
	if [ "$count" -lt 1 ]; then
		echo "not ok $i - hyperfine bs=$b # block larger than $total bytes"
		failed=$((failed + 1))
		continue
	fi
	json=bs-$b.json
	# shellcheck disable=SC2086
	if $hyperfine --shell=none --style basic --runs "$runs" \
		--warmup "$warmup" --export-json "$out/hyperfine/$json" \
		-n "copy: dd bs=$b count=$count" \
		"dd if=$device of=/dev/null bs=$b count=$count" \
		-n "mmap: kxfer-mmapdump bs=$b count=$count" \
		"$mmapdump -d $device -b $b -n $count" \
		>"$out/hyperfine/bs-$b.log" 2>&1; then
		echo "$b,$count,$((count * b)),$json" >>"$params"
		echo "ok $i - hyperfine dd vs kxfer-mmapdump bs=$b count=$count"
	else
		echo "not ok $i - hyperfine bs=$b (see hyperfine/bs-$b.log)"
		sed 's/^/# /' "$out/hyperfine/bs-$b.log" | tail -n 5
		failed=$((failed + 1))
	fi
done
[ "$failed" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fio-crosscheck.sh --fio FIO --out DIR [--device DEV] [--sizes "4K 64K 1M"]
#                   [--runtime SECONDS] [--jobfile FILE] [--bench KXFER_BENCH]
#                   [--repeat R] [--bench-args "ARGS"]
#
# fio and kxfer-bench doing the same work on a kxfer device, so that
# report.md can judge them like for like (scripts/kxresults/fio.py):
#   - kxfer-bench read,write with --consume none (no side touches the
#     data) against fio's psync engine -> DIR/fio/kxfer-none.csv;
#   - kxfer-bench mmap-read,mmap-write with --consume copy (memcpy() of
#     every block into/out of the mapping) against fio's mmap engine, which
#     does exactly that -> DIR/fio/kxfer-copy.csv;
#   - fio with size=bs (every I/O at offset 0, as kxfer-bench's operations)
#     and gtod_reduce=1 (no clock reads per I/O): both sides then give the
#     mean time per operation over the run -> DIR/fio/ENGINE-RW-BS.json
#     (fio --output-format=json) and ENGINE-RW-BS.log (fio's stderr).
# Runs wherever the module is loaded: in the QEMU guest of `make bench` or
# on a board (busybox sh is enough).  Prints TAP, one test per run.
# --bench defaults to kxfer-bench beside this script (the guest payload);
# --repeat (default 3) gives kxfer-bench's points an interval and a CV, so
# that the report can tell a noisy kxfer-bench point from a fio difference.
set -eu

usage() {
	echo "usage: fio-crosscheck.sh --fio FIO --out DIR [--device DEV] [--sizes \"4K 64K 1M\"] [--runtime S] [--jobfile FILE] [--bench KXFER_BENCH] [--repeat R] [--bench-args ARGS]" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
fio='' out='' device=/dev/kxfer0 sizes="4K 64K 1M" runtime=2
jobfile=$here/fio/kxfer-crosscheck.fio bench=$here/kxfer-bench bench_args=''
repeat=3

while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--fio) fio=$2 ;;
	--out) out=$2 ;;
	--device) device=$2 ;;
	--sizes) sizes=$2 ;;
	--runtime) runtime=$2 ;;
	--jobfile) jobfile=$2 ;;
	--bench) bench=$2 ;;
	--bench-args) bench_args=$2 ;;
	--repeat) repeat=$2 ;;
	*) echo "fio-crosscheck: unknown option '$1'" >&2; usage ;;
	esac
	shift 2
done
if [ -z "$fio" ] || [ -z "$out" ]; then usage; fi
[ -x "$fio" ] || { echo "fio-crosscheck: fio '$fio' is not executable" >&2; exit 2; }
[ -f "$jobfile" ] || { echo "fio-crosscheck: job file '$jobfile' missing" >&2; exit 2; }
[ -x "$bench" ] || {
	echo "fio-crosscheck: kxfer-bench '$bench' is not executable; pass --bench PATH (make -C bench builds it)" >&2
	exit 2
}
[ -c "$device" ] || {
	echo "fio-crosscheck: $device is not a character device; load the module (insmod kxfer.ko)" >&2
	exit 2
}
# 4K -> 4096; fio would take "4K" too, but the file names and the report
# want plain bytes.
bytes() {
	case $1 in
	*[kK]) echo $(( ${1%?} * 1024 )) ;;
	*[mM]) echo $(( ${1%?} * 1048576 )) ;;
	*[gG]) echo $(( ${1%?} * 1073741824 )) ;;
	*[!0-9]*|'') echo "fio-crosscheck: bad size '$1' (use bytes or K/M/G)" >&2; return 1 ;;
	*) echo "$1" ;;
	esac
}

mkdir -p "$out/fio"
n=2
for bs in $sizes; do
	for engine in psync mmap; do
		for rw in read write; do
			n=$((n + 1))
		done
	done
done
echo "1..$n"

i=0 failed=0
# kxfer-bench's side first, same sizes, same device.
list=''
for bs in $sizes; do list=${list:+$list,}$bs; done
for pass in "none read,write" "copy mmap-read,mmap-write"; do
	consume=${pass%% *} methods=${pass#* }
	i=$((i + 1))
	# $bench_args unquoted on purpose: several arguments.
	# shellcheck disable=SC2086
	if "$bench" --device "$device" --methods "$methods" \
		--consume "$consume" --sizes "$list" --repeat "$repeat" \
		$bench_args \
		--format csv --output "$out/fio/kxfer-$consume.csv" \
		>"$out/fio/kxfer-$consume.log" 2>&1; then
		echo "ok $i - kxfer-bench $methods --consume $consume"
	else
		echo "not ok $i - kxfer-bench $methods --consume $consume (see fio/kxfer-$consume.log)"
		sed 's/^/# /' "$out/fio/kxfer-$consume.log" | tail -n 5
		failed=$((failed + 1))
	fi
done
for bs in $sizes; do
	b=$(bytes "$bs")
	for engine in psync mmap; do
		for rw in read write; do
			i=$((i + 1))
			name=$engine-$rw-$b
			if KXFER_FIO_DEVICE=$device KXFER_FIO_BS=$b KXFER_FIO_ENGINE=$engine \
			   KXFER_FIO_RW=$rw KXFER_FIO_RUNTIME=$runtime \
			   "$fio" --output-format=json \
				--output="$out/fio/$name.json" "$jobfile" \
				>"$out/fio/$name.log" 2>&1 &&
			   grep -q '"jobs"' "$out/fio/$name.json" 2>/dev/null; then
				echo "ok $i - fio $engine $rw bs=$b"
			else
				echo "not ok $i - fio $engine $rw bs=$b (see fio/$name.log)"
				sed 's/^/# /' "$out/fio/$name.log" | tail -n 5
				failed=$((failed + 1))
			fi
		done
	done
done
[ "$failed" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fio-crosscheck.sh --fio FIO --out DIR [--device DEV] [--sizes "4K 64K 1M"]
#                   [--size BYTES] [--runtime SECONDS] [--jobfile FILE]
#
# Runs fio's psync and mmap engines, reading and writing, against a kxfer
# device for each block size, so that report.md can put fio's figures next
# to kxfer-bench's (scripts/kxresults/fio.py).  Runs wherever the module is
# loaded: in the QEMU guest of `make bench` or on a board (busybox sh is
# enough).  Writes DIR/fio/ENGINE-RW-BS.json (fio --output-format=json)
# and ENGINE-RW-BS.log (fio's stderr); prints TAP, one test per fio job.
#
# --size defaults to the device's whole buffer (sysfs buf_size).
set -eu

usage() {
	echo "usage: fio-crosscheck.sh --fio FIO --out DIR [--device DEV] [--sizes \"4K 64K 1M\"] [--size BYTES] [--runtime S] [--jobfile FILE]" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
fio='' out='' device=/dev/kxfer0 sizes="4K 64K 1M" size='' runtime=2
jobfile=$here/fio/kxfer-crosscheck.fio
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--fio) fio=$2 ;;
	--out) out=$2 ;;
	--device) device=$2 ;;
	--sizes) sizes=$2 ;;
	--size) size=$2 ;;
	--runtime) runtime=$2 ;;
	--jobfile) jobfile=$2 ;;
	*) echo "fio-crosscheck: unknown option '$1'" >&2; usage ;;
	esac
	shift 2
done
if [ -z "$fio" ] || [ -z "$out" ]; then usage; fi
[ -x "$fio" ] || { echo "fio-crosscheck: fio '$fio' is not executable" >&2; exit 2; }
[ -f "$jobfile" ] || { echo "fio-crosscheck: job file '$jobfile' missing" >&2; exit 2; }
[ -c "$device" ] || {
	echo "fio-crosscheck: $device is not a character device; load the module (insmod kxfer.ko)" >&2
	exit 2
}
if [ -z "$size" ]; then
	sysfs=/sys/class/kxfer/${device##*/}/buf_size
	size=$(cat "$sysfs" 2>/dev/null) || {
		echo "fio-crosscheck: cannot read $sysfs; pass --size BYTES" >&2
		exit 2
	}
fi

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
n=0
for bs in $sizes; do
	for engine in psync mmap; do
		for rw in read write; do
			n=$((n + 1))
		done
	done
done
echo "1..$n"

i=0 failed=0
for bs in $sizes; do
	b=$(bytes "$bs")
	for engine in psync mmap; do
		for rw in read write; do
			i=$((i + 1))
			name=$engine-$rw-$b
			if [ "$b" -gt "$size" ]; then
				echo "not ok $i - fio $engine $rw bs=$b # block larger than the $size-byte buffer"
				failed=$((failed + 1))
				continue
			fi
			if KXFER_FIO_DEVICE=$device KXFER_FIO_SIZE=$size \
			   KXFER_FIO_BS=$b KXFER_FIO_ENGINE=$engine \
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

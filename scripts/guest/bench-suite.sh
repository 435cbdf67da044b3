#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark suite of `make bench`: the payload's run.sh, run as root in
# the QEMU guest (scripts/guest/run.sh) with the results folder as working
# directory.  It also runs on a board: copy the payload folder that
# scripts/bench-run.sh assembles, cd into an empty folder and run
#   sh /path/to/payload/run.sh
# then bring the folder home and `make plot RESULTS=folder`.
#
# Steps (TAP version 13 on stdout, one test each):
#   load kxfer.ko (buf_size=KXFER_BUF_SIZE), check /dev/kxfer0,
#   kxfer-bench over the default sweep and all methods -> bench.csv,
#   check the CSV, fio cross-check -> fio/, hyperfine comparison ->
#   hyperfine/, a second kxfer-bench run of the mmap methods with huge
#   (PMD) and base page mappings of a pages buffer of one huge page,
#   merged into bench.csv (its own CSV: logs/bench-pagemap.csv), unload
#   the module; meta.txt describes the run.
#
# Settings (environment, or suite.conf next to this script written by
# scripts/bench-run.sh):
#   KXFER_BENCH_ARGS      extra kxfer-bench arguments (default
#                         "--min-time 0.05")
#   KXFER_BUF_SIZE        module buf_size in bytes (default 64 MiB)
#   KXFER_FIO_SIZES       fio block sizes (default "4K 64K 1M"), "" = skip
#   KXFER_FIO_RUNTIME     seconds per fio job (default 2)
#   KXFER_HYPERFINE_SIZES hyperfine block sizes (default "4K 64K 1M"),
#                         "" = skip
#   KXFER_HYPERFINE_RUNS  runs per command (default 10)
#   KXFER_PAGEMAP_MIN_TIME --min-time of the page-map run (default 0.02),
#                         "" = skip it
#   KXFER_INSMOD          0 = the module is already loaded (boards)
# POSIX sh: busybox is enough.  No `set -e`: a failing step is reported as
# "not ok" and the remaining steps still run.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null # written by scripts/bench-run.sh
[ -f "$here/suite.conf" ] && . "$here/suite.conf"

: "${KXFER_BENCH_ARGS=--min-time 0.05}"
: "${KXFER_BUF_SIZE=67108864}"
: "${KXFER_FIO_SIZES=4K 64K 1M}"
: "${KXFER_FIO_RUNTIME=2}"
: "${KXFER_HYPERFINE_SIZES=4K 64K 1M}"
: "${KXFER_HYPERFINE_RUNS=10}"
: "${KXFER_PAGEMAP_MIN_TIME=0.02}"
: "${KXFER_INSMOD=1}"

dev=/dev/kxfer0
n=0
failed=0
echo "TAP version 13"

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
diag() {
	sed 's/^/# /'
}
finish() {
	echo "1..$n"
	[ "$failed" = 0 ] || echo "# $failed of $n failed" >&2
	[ "$failed" = 0 ]
	exit $?
}
# A sub-script's own TAP, indented as a subtest, and one line for it here.
subtest() {
	desc=$1
	shift
	"$@" >sub.tap 2>sub.err
	rc=$?
	sed 's/^/    /' sub.tap
	[ -s sub.err ] && diag <sub.err
	rm -f sub.tap sub.err
	if [ "$rc" = 0 ]; then
		ok "$desc"
	else
		not_ok "$desc (exit status $rc)"
	fi
}

mkdir -p logs

# ---- module ----------------------------------------------------------------
if [ "$KXFER_INSMOD" = 1 ]; then
	if insmod "$here/kxfer.ko" "buf_size=$KXFER_BUF_SIZE" 2>logs/insmod.err; then
		ok "insmod kxfer.ko buf_size=$KXFER_BUF_SIZE"
	else
		not_ok "insmod kxfer.ko buf_size=$KXFER_BUF_SIZE"
		diag <logs/insmod.err
		dmesg | tail -n 10 | diag
		echo "Bail out! module did not load"
		finish
	fi
fi
# devtmpfs creates the node; give udev-less systems a moment.
i=0
while [ ! -c "$dev" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -c "$dev" ]; then
	ok "$dev exists"
else
	not_ok "$dev exists"
	echo "Bail out! no device node (is devtmpfs mounted?)"
	finish
fi
bufsize=$(cat /sys/class/kxfer/kxfer0/buf_size 2>/dev/null || echo unknown)

# ---- kxfer-bench -------------------------------------------------------------
bench=$here/kxfer-bench
# shellcheck disable=SC2086 # the arguments are meant to be split
set -- $KXFER_BENCH_ARGS
start=$(cut -d' ' -f1 /proc/uptime)
if "$bench" "$@" --format csv --output bench.csv 2>logs/bench.err; then
	ok "kxfer-bench $* --format csv"
else
	not_ok "kxfer-bench $* --format csv"
	tail -n 20 logs/bench.err | diag
fi
end=$(cut -d' ' -f1 /proc/uptime)
bench_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
grep -v '^kxfer-bench: note:' logs/bench.err | tail -n 5 | diag

# The CSV must have data rows for both paths, or plots and report are empty.
if [ -s bench.csv ] &&
   grep -q '^[^#].*,copy,' bench.csv && grep -q '^[^#].*,mmap,' bench.csv; then
	ok "bench.csv has copy and mmap rows ($(grep -vc '^#' bench.csv) lines)"
else
	not_ok "bench.csv has copy and mmap rows"
fi
# In the QEMU guest kxfer-bench must have noticed the emulation, or the
# report would present emulated numbers as hardware ones.
if [ "${KXFER_GUEST:-}" = qemu-tcg ]; then
	emu=$(sed -n 's/^# emulated: //p' bench.csv 2>/dev/null)
	case $emu in
	yes*) ok "kxfer-bench labels the run emulated: $emu" ;;
	*) not_ok "kxfer-bench labels the run emulated (got '$emu')" ;;
	esac
fi

# ---- streaming (docs/streaming.md): its own stream.csv and stream.json ---------
: "${KXFER_STREAM_ARGS=--block-sizes 4K,64K --rates 1000,10000 --seconds 1 --max-rate-sizes 64K --search-seconds 0.5}"
# shellcheck disable=SC2086 # the arguments are meant to be split
if "$bench" --stream $KXFER_STREAM_ARGS 2>logs/stream.err; then
	ok "kxfer-bench --stream $KXFER_STREAM_ARGS"
else
	not_ok "kxfer-bench --stream $KXFER_STREAM_ARGS"
	tail -n 20 logs/stream.err | diag
fi

# ---- cross-checks ------------------------------------------------------------
if [ -z "$KXFER_FIO_SIZES" ]; then
	skip "fio cross-check" "KXFER_FIO_SIZES is empty"
elif [ ! -x "$here/tools/fio" ]; then
	skip "fio cross-check" "no tools/fio in the payload"
else
	subtest "fio cross-check (psync, mmap; $KXFER_FIO_SIZES)" \
		sh "$here/fio-crosscheck.sh" --fio "$here/tools/fio" \
		--out . --device "$dev" --sizes "$KXFER_FIO_SIZES" \
		--runtime "$KXFER_FIO_RUNTIME" \
		--jobfile "$here/fio/kxfer-crosscheck.fio"
fi

if [ -z "$KXFER_HYPERFINE_SIZES" ]; then
	skip "hyperfine comparison" "KXFER_HYPERFINE_SIZES is empty"
elif [ ! -x "$here/tools/hyperfine" ] || [ ! -x "$here/kxfer-mmapdump" ]; then
	skip "hyperfine comparison" "no tools/hyperfine or kxfer-mmapdump in the payload"
else
	subtest "hyperfine dd vs kxfer-mmapdump ($KXFER_HYPERFINE_SIZES)" \
		sh "$here/hyperfine-compare.sh" \
		--hyperfine "sh $here/tools/hyperfine" \
		--mmapdump "$here/kxfer-mmapdump" --out . --device "$dev" \
		--sizes "$KXFER_HYPERFINE_SIZES" --runs "$KXFER_HYPERFINE_RUNS"
fi

# ---- huge (PMD) vs base page mappings -----------------------------------------
# mmap-fault, mmap-setup (what a fresh mapping costs) and mmap-read,
# mmap-write (a kept one) on a pages buffer of exactly one huge page, with
# the kernel's PMD-aligned address (huge) and one page off it (base), from
# 4K to the PMD size, where the difference is.  After fio and hyperfine,
# which use the device's buffer as it is: this run may grow it.
pmd=$(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size 2>/dev/null || true)
pm_args="--backing pages --page-map huge,base --methods mmap-fault,mmap-setup,mmap-read,mmap-write --sizes 4K:$pmd"
pm_s=
if [ -z "$KXFER_PAGEMAP_MIN_TIME" ]; then
	skip "page-map run" "KXFER_PAGEMAP_MIN_TIME is empty"
elif [ -z "$pmd" ]; then
	skip "page-map run" "no transparent huge pages (no hpage_pmd_size)"
elif [ ! -s bench.csv ]; then
	skip "page-map run" "no bench.csv to merge it into"
else
	# The sizes must fit the device buffer (32M PMD with 16K pages).
	case $bufsize in
	*[!0-9]* | '') ;;
	*) [ "$pmd" -le "$bufsize" ] || pm_args="$pm_args --buf-size $pmd" ;;
	esac
	pm_args="$pm_args --min-time $KXFER_PAGEMAP_MIN_TIME"
	start=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086 # the arguments are meant to be split
	if "$bench" $pm_args --format csv --output logs/bench-pagemap.csv \
		2>logs/bench-pagemap.err; then
		ok "kxfer-bench $pm_args --format csv"
	else
		not_ok "kxfer-bench $pm_args --format csv"
		tail -n 20 logs/bench-pagemap.err | diag
	fi
	end=$(cut -d' ' -f1 /proc/uptime)
	pm_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
	# Honest rows: huge really is one PMD at the PMD size, base never.
	bad=$(awk -F, -v pmd="$pmd" '!/^#/ && !/^method,/ {
		rows++
		want = ($4 == pmd && $21 == "huge") ? pmd : 0
		if ($22 != want) print $1 " " $4 " " $21 ": pmd_bytes " $22 ", want " want
	} END { if (!rows) print "no rows" }' logs/bench-pagemap.csv 2>&1)
	if [ -z "$bad" ]; then
		ok "page-map rows: pmd_bytes $pmd for huge at $pmd, 0 elsewhere and for base"
	else
		not_ok "page-map rows: pmd_bytes $pmd for huge at $pmd, 0 elsewhere and for base"
		echo "$bad" | head -n 10 | diag
	fi
	# Same columns, so the rows go into bench.csv after the main run's;
	# a metadata line says where they came from.
	main_hdr=$(grep -v '^#' bench.csv | head -n 1)
	pm_hdr=$(grep -v '^#' logs/bench-pagemap.csv 2>/dev/null | head -n 1)
	if [ -n "$pm_hdr" ] && [ "$main_hdr" = "$pm_hdr" ] &&
	   awk -v note="rows with backing pages and page_map huge/base from a second kxfer-bench run ($pm_args); its own metadata: logs/bench-pagemap.csv" '
		FNR == 1 { file++; header = 0 }
		/^#/ { if (file == 1 && !header) print; next }
		!header { header = 1; if (file == 1) { print "# merged_runs: " note; print }; next }
		{ print }
	   ' bench.csv logs/bench-pagemap.csv >bench.csv.tmp &&
	   mv bench.csv.tmp bench.csv; then
		ok "page-map rows merged into bench.csv ($(grep -vc '^#' logs/bench-pagemap.csv) lines)"
	else
		rm -f bench.csv.tmp
		not_ok "page-map rows merged into bench.csv (same header: '$main_hdr' vs '$pm_hdr')"
	fi
fi

# ---- meta.txt ----------------------------------------------------------------
{
	echo "suite: scripts/guest/bench-suite.sh"
	echo "guest: ${KXFER_GUEST:-not the QEMU test guest}${KXFER_FLAVOUR:+ (flavour $KXFER_FLAVOUR)}"
	echo "uname: $(uname -a)"
	echo "cpu model: $(grep -m1 -E '^(model name|CPU part|Processor)' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "cpus online: $(grep -c '^processor' /proc/cpuinfo)"
	echo "memory: $(grep -m1 MemTotal /proc/meminfo | sed 's/MemTotal: *//')"
	echo "kernel command line: $(cat /proc/cmdline)"
	echo "module buf_size: $bufsize"
	echo "kxfer-bench: $("$bench" --version 2>&1 | head -n1)"
	echo "kxfer-bench arguments: $KXFER_BENCH_ARGS --format csv"
	echo "kxfer-bench wall time: ${bench_s}s (guest clock)"
	[ -n "$pm_s" ] && echo "kxfer-bench page-map run: $pm_args --format csv, ${pm_s}s (guest clock), merged into bench.csv"
	[ -x "$here/tools/fio" ] && echo "fio: $("$here/tools/fio" --version 2>&1)"
	[ -x "$here/tools/hyperfine" ] &&
		echo "hyperfine: $(sh "$here/tools/hyperfine" --version 2>&1)"
	[ -f "$here/tools/VERSIONS" ] && sed 's/^/tools: /' "$here/tools/VERSIONS"
	echo "fio sizes: ${KXFER_FIO_SIZES:-none}, ${KXFER_FIO_RUNTIME}s per job"
	echo "hyperfine sizes: ${KXFER_HYPERFINE_SIZES:-none}, ${KXFER_HYPERFINE_RUNS} runs"
} >meta.txt 2>/dev/null
ok "meta.txt written"

if [ "$KXFER_INSMOD" = 1 ]; then
	if rmmod kxfer 2>logs/rmmod.err; then
		ok "rmmod kxfer"
	else
		not_ok "rmmod kxfer"
		diag <logs/rmmod.err
	fi
fi
finish

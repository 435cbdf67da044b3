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
#   kxfer-bench runs, each --repeat KXFER_REPEAT with its own folder under
#   logs/ (bench.csv + bench.json, written by kxfer-bench itself):
#     main      the default sweep, all methods, --consume fill (producers
#               store every byte, consumers read every byte): the headline
#     copy      the copy/mmap pairs with --consume copy (the data lives in
#               a separate user buffer: mapping saves only one copy)
#     touch     the pairs with --consume touch (an upper bound)
#     pagemap   the mmap methods with huge (PMD) and base page mappings of
#               the shmem backing
#   check the CSV, fio cross-check -> fio/, hyperfine comparison ->
#   hyperfine/, `kxfer-bench --merge` of the runs -> bench.csv and
#   bench.json, unload the module; meta.txt describes the run.
#
# Settings (environment, or suite.conf next to this script written by
# scripts/bench-run.sh):
#   KXFER_BENCH_ARGS      extra kxfer-bench arguments of every run
#                         (default "--min-time 0.01 --sizes 64:16M"; the
#                         page-map run's --sizes come after and win)
#   KXFER_REPEAT          --repeat of every run (default 5)
#   KXFER_RANGE_SIZES     --sizes of the copy and touch runs (default
#                         64:4M), "" = skip those runs
#   KXFER_BUF_SIZE        module buf_size in bytes (default 64 MiB)
#   KXFER_FIO_SIZES       fio block sizes (default "4K 64K 1M"), "" = skip
#   KXFER_FIO_RUNTIME     seconds per fio job (default 2)
#   KXFER_HYPERFINE_SIZES hyperfine block sizes (default "4K 64K 1M"),
#                         "" = skip
#   KXFER_HYPERFINE_RUNS  runs per command (default 10)
#   KXFER_PAGEMAP_MIN_TIME --min-time of the page-map run (default 0.01),
#                         "" = skip it
#   KXFER_INSMOD          0 = the module is already loaded (boards)
# POSIX sh: busybox is enough.  No `set -e`: a failing step is reported as
# "not ok" and the remaining steps still run.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null # written by scripts/bench-run.sh
[ -f "$here/suite.conf" ] && . "$here/suite.conf"

: "${KXFER_BENCH_ARGS=--min-time 0.01 --sizes 64:16M}"
: "${KXFER_REPEAT=5}"
: "${KXFER_RANGE_SIZES=64:4M}"
: "${KXFER_BUF_SIZE=67108864}"
: "${KXFER_FIO_SIZES=4K 64K 1M}"
: "${KXFER_FIO_RUNTIME=2}"
: "${KXFER_HYPERFINE_SIZES=4K 64K 1M}"
: "${KXFER_HYPERFINE_RUNS=10}"
: "${KXFER_PAGEMAP_MIN_TIME=0.01}"
: "${KXFER_INSMOD=1}"

dev=/dev/kxfer0
# shellcheck source=tests/lib/tap.sh # copied into the payload by scripts/bench-run.sh
. "$here/tap.sh"
echo "TAP version 13"

finish() {
	plan "$n"
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

# ---- kxfer-bench ---------------------------------------------------------------
bench=$here/kxfer-bench
pairs=write,mmap-write,read,mmap-read,memfd-write,memfd-mmap-write,memfd-read,memfd-mmap-read
runs=
secs=

# bench_run NAME ARGS...: one kxfer-bench run into logs/NAME/ (bench.csv
# and bench.json), progress lines in logs/NAME.err, its wall time noted.
bench_run() {
	name=$1
	shift
	start=$(cut -d' ' -f1 /proc/uptime)
	# stderr is kept in logs/NAME.err, and its progress lines also go to
	# the payload's stderr as they come, so that make bench (and a board
	# run) shows them live; a shell read loop, because busybox grep
	# buffers its output in a pipe.
	# shellcheck disable=SC2086 # the arguments are meant to be split
	{
		{
			"$bench" $KXFER_BENCH_ARGS --repeat "$KXFER_REPEAT" \
				--progress "$@" --output-dir "logs/$name" \
				2>&1 >&4 4>&-
			echo $? >"logs/$name.rc"
		} | tee "logs/$name.err" | while IFS= read -r line; do
			case $line in progress:*) printf '%s\n' "$line" >&2 ;; esac
		done
	} 4>&1
	if [ "$(cat "logs/$name.rc" 2>/dev/null)" = 0 ]; then
		ok "kxfer-bench $name run: $KXFER_BENCH_ARGS --repeat $KXFER_REPEAT $*"
		runs="$runs logs/$name/bench.csv"
	else
		not_ok "kxfer-bench $name run: $KXFER_BENCH_ARGS --repeat $KXFER_REPEAT $*"
		grep -v '^progress: ' "logs/$name.err" | tail -n 20 | diag
	fi
	end=$(cut -d' ' -f1 /proc/uptime)
	secs="$secs $name=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')s"
	grep -v '^progress: \|^kxfer-bench: note:' "logs/$name.err" | tail -n 3 | diag
}

bench_run main --consume fill
main=logs/main/bench.csv
# The CSV must have data rows for both paths, or plots and report are empty.
if [ -s "$main" ] &&
   grep -q '^[^#].*,copy,' "$main" && grep -q '^[^#].*,mmap,' "$main"; then
	ok "main run has copy and mmap rows ($(grep -vc '^#' "$main") lines)"
else
	not_ok "main run has copy and mmap rows"
fi
# In the QEMU guest kxfer-bench must have noticed the emulation, or the
# report would present emulated numbers as hardware ones.
if [ "${KXFER_GUEST:-}" = qemu-tcg ]; then
	emu=$(sed -n 's/^# emulated: //p' "$main" 2>/dev/null)
	case $emu in
	yes*) ok "kxfer-bench labels the run emulated: $emu" ;;
	*) not_ok "kxfer-bench labels the run emulated (got '$emu')" ;;
	esac
fi
if [ -z "$KXFER_RANGE_SIZES" ]; then
	skip "copy and touch runs" "KXFER_RANGE_SIZES is empty"
else
	bench_run copy --consume copy --methods "$pairs" \
		--sizes "$KXFER_RANGE_SIZES"
	bench_run touch --consume touch --methods "$pairs" \
		--sizes "$KXFER_RANGE_SIZES"
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
# mmap-write (a kept one) on the shmem backing (ABI 4: its huge pages get
# PMD entries), with the kernel's PMD-aligned address (huge) and one page
# off it (base), from 4K to the PMD size, where the difference is.  After
# fio and hyperfine, which use the device's buffer as it is.
pmd=$(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size 2>/dev/null || true)
if [ -z "$KXFER_PAGEMAP_MIN_TIME" ]; then
	skip "page-map run" "KXFER_PAGEMAP_MIN_TIME is empty"
elif [ -z "$pmd" ]; then
	skip "page-map run" "no transparent huge pages (no hpage_pmd_size)"
else
	bench_run pagemap --backing shmem --page-map huge,base --consume fill \
		--methods mmap-fault,mmap-setup,mmap-read,mmap-write \
		--sizes "4K:$pmd" --min-time "$KXFER_PAGEMAP_MIN_TIME"
	# Honest rows: huge really is one PMD at the PMD size, base never.
	bad=$(awk -F, -v pmd="$pmd" '/^#/ { next }
	!hdr { for (i = 1; i <= NF; i++) c[$i] = i; hdr = 1; next }
	{
		rows++
		s = $c["size_bytes"]; pm = $c["page_map"]; pb = $c["pmd_bytes"]
		want = (s == pmd && pm == "huge") ? pmd : 0
		if (pb != want) print $c["method"] " " s " " pm ": pmd_bytes " pb ", want " want
	} END { if (!rows) print "no rows" }' logs/pagemap/bench.csv 2>&1)
	if [ -z "$bad" ]; then
		ok "page-map rows: pmd_bytes $pmd for huge at $pmd, 0 elsewhere and for base"
	else
		not_ok "page-map rows: pmd_bytes $pmd for huge at $pmd, 0 elsewhere and for base"
		echo "$bad" | head -n 10 | diag
	fi
fi

# ---- one bench.csv and bench.json -------------------------------------------
# kxfer-bench merges its own runs (rows and crossovers of all, metadata of
# the main run, a merged_runs line naming them); each run's own files stay
# under logs/.
# shellcheck disable=SC2086 # the list of files is meant to be split
if [ -n "$runs" ] && "$bench" --merge $runs --output-dir . 2>logs/merge.err; then
	ok "kxfer-bench --merge:$runs -> bench.csv, bench.json ($(grep -vc '^#' bench.csv) lines)"
else
	not_ok "kxfer-bench --merge:$runs -> bench.csv, bench.json"
	diag <logs/merge.err
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
	echo "kxfer-bench arguments of every run: $KXFER_BENCH_ARGS --repeat $KXFER_REPEAT --progress (the runs' own: logs/*/bench.csv metadata 'command')"
	echo "kxfer-bench runs merged into bench.csv and bench.json:$runs"
	echo "kxfer-bench wall time per run (guest clock):$secs"
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

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-run.sh: the host side of `make bench`.
#
# Builds the module, kxfer-bench and kxfer-mmapdump for a kernel flavour
# (from private copies under .cache/bench-run/FLAVOUR, the source tree is
# not written), gets static fio and hyperfine for the guest's architecture
# (scripts/fetch-guest-tools.sh), boots the flavour under QEMU (KVM when it
# works, else TCG: scripts/guest/run.sh) with
# scripts/guest/bench-suite.sh as the payload, and turns what comes back
# into results/<machine>-<kernel>-<date>/: bench.csv, bench.json, meta.txt,
# fio/, hyperfine/, logs/, plots and report.md (scripts/plot.sh).
#
# Settings (environment; make passes them through):
#   FLAVOUR               6.1-amd64 (default), 6.1-arm64, 6.12-amd64, ...
#   KXFER_BENCH_ARGS      kxfer-bench arguments of every run (default
#                         "--min-time 0.01 --sizes 64:16M": R=5 of the
#                         headline, copy and touch runs within 10 minutes
#                         of TCG on 2 cores)
#   KXFER_REPEAT          --repeat of every run (default 5)
#   KXFER_RANGE_SIZES     --sizes of the copy and touch runs beside the
#                         fill/read headline (default 64:4M; empty: skip)
#   KXFER_BUF_SIZE        module buf_size in bytes (default 67108864: room
#                         for every run's sizes)
#   KXFER_FIO_SIZES       fio cross-check block sizes (default "4K 64K 1M";
#                         empty: skip), KXFER_FIO_RUNTIME seconds per job (2)
#   KXFER_HYPERFINE_SIZES hyperfine block sizes (default "4K 64K 1M";
#                         empty: skip), KXFER_HYPERFINE_RUNS (10)
#   KXFER_PAGEMAP_MIN_TIME --min-time of the huge/base page-map run that
#                         is merged into bench.csv (default 0.01; empty:
#                         skip it; see scripts/guest/bench-suite.sh)
#   KXFER_BENCH_TIMEOUT   guest timeout in seconds (default 1500)
#   KXFER_GUEST_MEM       guest memory in MiB (default 1024)
#   RESULTS_ROOT          where the results folder goes (default results/)
#
# Exit status: 0 when every step in the guest passed; 1 otherwise (the
# results folder is still written when bench.csv came back).
set -euo pipefail

prog=bench-run
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
note() { printf '%s: %s\n' "$prog" "$*" >&2; }

top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top"

FLAVOUR=${FLAVOUR:-6.1-amd64}
KXFER_BENCH_ARGS=${KXFER_BENCH_ARGS---min-time 0.01 --sizes 64:16M}
KXFER_REPEAT=${KXFER_REPEAT:-5}
KXFER_RANGE_SIZES=${KXFER_RANGE_SIZES-64:4M}
KXFER_BUF_SIZE=${KXFER_BUF_SIZE:-67108864}
KXFER_FIO_SIZES=${KXFER_FIO_SIZES-4K 64K 1M}
KXFER_FIO_RUNTIME=${KXFER_FIO_RUNTIME:-2}
KXFER_HYPERFINE_SIZES=${KXFER_HYPERFINE_SIZES-4K 64K 1M}
KXFER_HYPERFINE_RUNS=${KXFER_HYPERFINE_RUNS:-10}
KXFER_PAGEMAP_MIN_TIME=${KXFER_PAGEMAP_MIN_TIME-0.01}
timeout_s=${KXFER_BENCH_TIMEOUT:-1500}
mem=${KXFER_GUEST_MEM:-1024}
results_root=${RESULTS_ROOT:-$top/results}

case $KXFER_BUF_SIZE in
''|*[!0-9]*) die "KXFER_BUF_SIZE must be a number of bytes (e.g. 67108864), not '$KXFER_BUF_SIZE'" ;;
esac
for f in scripts/fetch-kernel.sh scripts/guest/run.sh bench/Makefile \
	 driver/Kbuild; do
	[ -e "$f" ] || die "$f is missing; is the tree complete?"
done

# The README's first command runs this on a fresh machine: apt first
# (a quick no-op once everything is there).
scripts/install-deps.sh >&2 ||
	die "could not install the build dependencies (message above)"

kenv=$(scripts/fetch-kernel.sh "$FLAVOUR") ||
	die "no kernel for FLAVOUR=$FLAVOUR (see the message above)"
eval "$kenv"
note "flavour $FLAVOUR: kernel $KVER ($QEMU_ARCH)"

build=$top/.cache/bench-run/$FLAVOUR
logs=$build/logs
rm -rf "$build"
mkdir -p "$build" "$logs"

step() {	# desc log cmd... : run quietly, show the log's tail on failure
	local desc=$1 log=$2
	shift 2
	note "$desc"
	if ! "$@" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "$desc failed (full log: $log)"
	fi
}

# include/ next to driver/, as in the tree: Kbuild finds the uapi header
# at $(src)/../include/uapi.
cp -a driver include "$build/"
step "building kxfer.ko for $KVER" "$logs/module.log" \
	make -C "$KDIR" M="$build/driver" ARCH="$ARCH" \
	CROSS_COMPILE="$CROSS_COMPILE" -j2 modules
step "building kxfer-bench and kxfer-mmapdump for $DEB_ARCH" "$logs/bench.log" \
	make -C bench OUT="$build/bench" ARCH="$ARCH" \
	CROSS_COMPILE="$CROSS_COMPILE" -j2
tools=$(scripts/fetch-guest-tools.sh "$DEB_ARCH") ||
	die "could not get fio/hyperfine for $DEB_ARCH (message above)"

payload=$build/payload
mkdir -p "$payload/fio"
cp scripts/guest/bench-suite.sh "$payload/run.sh"
cp "$build/driver/kxfer.ko" "$build/bench/kxfer-bench" \
	"$build/bench/kxfer-mmapdump" scripts/fio-crosscheck.sh tests/lib/tap.sh \
	scripts/hyperfine-compare.sh "$payload/"
cp scripts/fio/kxfer-crosscheck.fio "$payload/fio/"
cp -a "$tools" "$payload/tools"

# Settings for the guest, as sh assignments (single-quoted).
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	echo "# written by scripts/bench-run.sh"
	for v in KXFER_BENCH_ARGS KXFER_REPEAT KXFER_RANGE_SIZES \
		 KXFER_BUF_SIZE KXFER_FIO_SIZES \
		 KXFER_FIO_RUNTIME KXFER_HYPERFINE_SIZES KXFER_HYPERFINE_RUNS \
		 KXFER_PAGEMAP_MIN_TIME; do
		echo "$v=$(q "${!v}")"
	done
} >"$payload/suite.conf"

guest_out=$build/out
note "booting the guest; the suite takes a few minutes under TCG (timeout ${timeout_s}s)"
set +e
# The guest's "progress: ..." lines are shown as they come; all of the
# runner's stderr goes to guest.err.
KXFER_GUEST_LIVE=${KXFER_GUEST_LIVE:-progress} \
scripts/guest/run.sh --flavour "$FLAVOUR" --payload "$payload" \
	--out "$guest_out" --timeout "$timeout_s" --mem "$mem" \
	2>&1 >"$logs/guest.tap" | tee "$logs/guest.err" |
	grep --line-buffered '^guest progress: ' >&2
grc=${PIPESTATUS[0]}
set -e
cat "$logs/guest.tap"
grep '^guest-run:' "$logs/guest.err" >&2 || true

if [ ! -s "$guest_out/bench.csv" ] || [ ! -s "$guest_out/bench.json" ]; then
	sed -n '1,40p' "$logs/guest.err" >&2
	die "the guest returned no bench.csv and bench.json (guest exit status $grc); logs in $logs and $guest_out"
fi

name=$(python3 scripts/report.py folder-name "$guest_out/bench.csv") ||
	die "cannot name the results folder from $guest_out/bench.csv"
dest=$results_root/$name
i=2
while [ -e "$dest" ]; do
	dest=$results_root/$name-$i
	i=$((i + 1))
done
mkdir -p "$dest/logs"

cp "$guest_out/bench.csv" "$guest_out/bench.json" "$dest/"
# The streaming sweep's own files (docs/streaming.md), when it ran.
for f in stream.csv stream.json; do
	[ -f "$guest_out/$f" ] && cp "$guest_out/$f" "$dest/"
done
for d in fio hyperfine; do
	[ -d "$guest_out/$d" ] && cp -a "$guest_out/$d" "$dest/"
done
[ -d "$guest_out/logs" ] && cp -a "$guest_out/logs/." "$dest/logs/"
for f in dmesg.txt console.log; do
	[ -f "$guest_out/$f" ] && cp "$guest_out/$f" "$dest/logs/"
done
cp "$logs/guest.tap" "$dest/logs/guest.tap"
cp "$logs/guest.err" "$dest/logs/guest-run.err"

{
	[ -f "$guest_out/meta.txt" ] && cat "$guest_out/meta.txt"
	echo "host: $(uname -srm), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "emulator: $("qemu-system-$QEMU_ARCH" --version | head -n1), $(sed -n 's/^guest-run: accelerator: \([A-Z]*\).*/\1/p' "$logs/guest.err" | head -n 1), -smp 2 -m $mem"
	echo "flavour: $FLAVOUR ($KVER)"
	echo "source: $(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "bench.csv, bench.json: written by kxfer-bench --merge in the guest (scripts/guest/bench-suite.sh)"
	echo "guest exit status: $grc"
} >"$dest/meta.txt"

scripts/plot.sh "$dest" || die "plotting failed; the data is in $dest"

note "results: $dest"
sed -n 's/^- Crossover /  crossover /p' "$dest/report.md" >&2
if [ "$grc" != 0 ]; then
	note "some steps in the guest failed (exit status $grc): see $dest/logs/guest.tap"
	exit 1
fi

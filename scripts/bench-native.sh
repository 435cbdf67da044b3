#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-native.sh: the module-free baselines (kxfer-bench --methods
# baselines) run natively on this machine, the host's real CPU: memcpy,
# pipe, the null syscall and the page cache's own copy/map pairs
# (memfd-write/-read against memfd-mmap-write/-read).  No kxfer module and
# no emulator, so unlike the QEMU runs of `make bench` its ratios are
# hardware ratios.  Three runs, one per user-work mode (fill: the
# headline; copy and touch: the range beside it), merged by kxfer-bench
# into results/<machine>-<kernel>-<date>/ with plots and report.md.
#
# Settings (environment): KXFER_REPEAT (default 5), KXFER_NATIVE_ARGS
# (default "--min-time 0.05"), KXFER_NATIVE_LABEL (default: the CPU
# model), RESULTS_ROOT (default results/).  A VM host is not emulated (its
# CPU runs the code): the run says so with --emulated no, and the label
# says it is a VM when the CPU reports a hypervisor.
set -euo pipefail

prog=bench-native
top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top"

repeat=${KXFER_REPEAT:-5}
args=${KXFER_NATIVE_ARGS:---min-time 0.05}
results_root=${RESULTS_ROOT:-$top/results}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
where=native
grep -qw hypervisor /proc/cpuinfo && where="native in a VM (real CPU, not emulated)"
label=${KXFER_NATIVE_LABEL:-"$where: ${cpu:-$(uname -m)}, $(nproc) CPUs, no kxfer module"}

make -s -C bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=()
for consume in fill copy touch; do
	printf '%s: --consume %s ...\n' "$prog" "$consume" >&2
	# shellcheck disable=SC2086 # $args is a list of options
	bench/kxfer-bench --methods baselines --repeat "$repeat" \
		--consume "$consume" --emulated no --label "$label" $args \
		--output-dir "$work/$consume"
	runs+=("$work/$consume/bench.csv")
done
bench/kxfer-bench --merge "${runs[@]}" --output-dir "$work/merged"
dir=$results_root/$(python3 scripts/report.py folder-name "$work/merged/bench.csv")
mkdir -p "$dir"
cp "$work/merged/bench.csv" "$work/merged/bench.json" "$dir/"
{
	echo "command: scripts/bench-native.sh (make bench-native)"
	echo "runs: --consume fill, copy, touch; each: kxfer-bench --methods baselines --repeat $repeat --emulated no $args"
	echo "label: $label"
} >"$dir/meta.txt"
scripts/plot.sh "$dir"
printf '%s: results: %s\n' "$prog" "$dir" >&2

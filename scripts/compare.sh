#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# compare.sh [-o OUT] RESULTS1 RESULTS2 ...
#
# Overlay several results folders (boards, kernels, emulated and real) on
# the same axes: per direction the throughput of the copy and mmap methods
# and the speedup with its crossovers, plus compare.md.  OUT defaults to
# results/compare-<UTC date and time>/.
# Environment: GNUPLOT (default gnuplot), PYTHON (default python3).
set -eu

usage() {
	echo "usage: scripts/compare.sh [-o OUT_DIR] RESULTS_DIR..." >&2
	echo "  (make compare RESULTS=\"DIR1 DIR2 ...\" [OUT=DIR])" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
out=
while [ $# -gt 0 ]; do
	case $1 in
	-o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "compare: unknown option '$1'" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage

for d in "$@"; do
	if [ ! -f "$d/bench.csv" ]; then
		echo "compare: '$d' has no bench.csv; every argument must be a" \
			"results folder (results/<machine>-<kernel>-<date>/)" >&2
		exit 2
	fi
done
[ $# -ge 2 ] || echo "compare: note: only one folder given; the plots will show one run" >&2

[ -n "$out" ] || out=$here/../results/compare-$(date -u +%Y%m%dT%H%M%SZ)

python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || {
	echo "compare: $python not found; install python3" >&2
	exit 1
}
command -v "${GNUPLOT:-gnuplot}" >/dev/null 2>&1 || {
	echo "compare: ${GNUPLOT:-gnuplot} not found; install gnuplot (Debian: apt-get install gnuplot-nox)" >&2
	exit 1
}
exec "$python" "$here/report.py" --gnuplot "${GNUPLOT:-gnuplot}" \
	compare --out "$out" "$@"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# plot.sh RESULTS [OUT]
#
# (Re)make the plots (PNG + SVG) and report.md of one results folder, e.g.
# one copied back from a board.  RESULTS must hold bench.csv (kxfer-bench
# --format csv); fio/ and hyperfine/ are folded into the report when
# present.  Output goes into RESULTS itself unless OUT is given.
# Exit status: 0 done (partial results too: they get a banner on every
# plot and atop report.md), 1 a tool missing or gnuplot failing, 2 bad
# usage, a missing, unreadable or corrupt bench.csv, an unwritable OUT.
# Environment: GNUPLOT (default gnuplot), PYTHON (default python3).
set -eu

usage() {
	echo "usage: scripts/plot.sh RESULTS_DIR [OUT_DIR]" >&2
	echo "  (make plot RESULTS=DIR [OUT=DIR])" >&2
	exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
case $1 in -h|--help) usage ;; esac
results=$1
out=${2:-$1}

if [ ! -f "$results/bench.csv" ]; then
	echo "plot: '$results' has no bench.csv; point RESULTS at a results" \
		"folder (results/<machine>-<kernel>-<date>/) or at a folder" \
		"holding the output of kxfer-bench --format csv -o bench.csv" >&2
	exit 2
fi

python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || {
	echo "plot: $python not found; install python3 (no extra modules needed)" >&2
	exit 1
}
command -v "${GNUPLOT:-gnuplot}" >/dev/null 2>&1 || {
	echo "plot: ${GNUPLOT:-gnuplot} not found; install gnuplot (Debian: apt-get install gnuplot-nox)" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
exec "$python" "$here/report.py" --gnuplot "${GNUPLOT:-gnuplot}" \
	plot "$results" --out "$out"

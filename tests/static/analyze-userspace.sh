#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# analyze-userspace.sh [DIR...]
#
# Static analysis gate for the user-space C code: GCC's -fanalyzer (leaks,
# double frees, use after free, NULL dereferences, file-handle leaks, ...)
# over every .c file, one TAP test per directory of bench/, lib/ and tests/
# that holds C sources (bench, bench/methods, bench/tests, lib, tests/lib,
# tests/functional, tests/hardening, ...).
# A directory passes when the analyzer reports nothing; each finding is
# printed as a diagnostic, "# file:line:col: message [-Wanalyzer-...]".
# A file that does not compile fails its directory too (the analyzer did
# not look at it).  Ordinary -Wall warnings are the builds' business and
# are not reported here.
#
# DIRs (relative to the top of the tree) restrict the run.  CC defaults to
# gcc (10 or later has -fanalyzer); KXFER_ANALYZE_JOBS (default 2) files
# are analysed at once.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$top" || exit 2

cc=${CC:-gcc}
jobs=${KXFER_ANALYZE_JOBS:-2}
max_diag=${KXFER_DIAG_LINES:-150}

case $jobs in ''|*[!0-9]*|0) echo "KXFER_ANALYZE_JOBS wants a positive number" >&2; exit 2 ;; esac
if ! echo 'int main(void){return 0;}' |
	"$cc" -x c -fanalyzer -c -o /dev/null - 2>/dev/null; then
	echo "analyze-userspace: $cc has no -fanalyzer (GCC 10 or later needed; apt-get install gcc)" >&2
	exit 2
fi

if [ $# -gt 0 ]; then
	dirs=("$@")
else
	# Every directory of bench/ and tests/ that holds C sources; build
	# trees hold none (their objects live elsewhere).
	dirs=()
	while IFS= read -r d; do
		dirs+=("$d")
	done < <(find bench lib tests -name '*.c' -type f \
			! -path '*/build/*' ! -path '*/.obj-*' -printf '%h\n' |
		 LC_ALL=C sort -u)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-analyze.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The include paths and defines the real builds use (bench/Makefile,
# tests/Makefile, tests/hardening/Makefile).
flags=(-std=gnu11 -pthread -D_FILE_OFFSET_BITS=64
	-DKXFER_VERSION='"analyze"'
	-I"$top/include/uapi" -I"$top/bench" -I"$top/lib"
	-I"$top/tests/lib" -I"$top/tests/hardening"
	-fanalyzer -fdiagnostics-plain-output -fdiagnostics-path-format=none
	-fno-diagnostics-show-caret)

# analyze_one FILE: findings to FILE's .out, compile errors to .err
analyze_one() {
	local f=$1 out
	out=$work/$(echo "$f" | tr / _)
	if ! "$cc" "${flags[@]}" -c -o /dev/null "$f" >"$out.log" 2>&1; then
		{
			echo "$f: does not compile, so it was not analysed:"
			grep -E 'error' "$out.log" | head -n 5
		} >"$out.err"
	fi
	grep -E '\[-Wanalyzer-[a-z0-9-]+\]' "$out.log" |
		sed "s|^$top/||" >"$out.out" || true
}

# analyze_all FILE...: at most $jobs compilers at once
analyze_all() {
	local f running=0
	for f in "$@"; do
		if [ "$running" -ge "$jobs" ]; then
			wait -n
			running=$((running - 1))
		fi
		analyze_one "$f" &
		running=$((running + 1))
	done
	wait
}

echo "TAP version 13"
echo "1..${#dirs[@]}"
echo "# $("$cc" --version | head -n 1)"

# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
total_files=0
for d in "${dirs[@]}"; do
	name="analyzer_finds_nothing_in_$(echo "$d" | tr / _)"
	files=()
	if [ -d "$d" ]; then
		while IFS= read -r f; do
			files+=("$f")
		done < <(find "$d" -maxdepth 1 -type f -name '*.c' | LC_ALL=C sort)
	fi
	if [ ${#files[@]} -eq 0 ]; then
		not_ok "$name"
		echo "no .c files in $d (wrong directory?)" | diag
		continue
	fi
	total_files=$((total_files + ${#files[@]}))
	analyze_all "${files[@]}"
	: >"$work/findings"
	for f in "${files[@]}"; do
		base=$work/$(echo "$f" | tr / _)
		cat "$base.err" "$base.out" 2>/dev/null >>"$work/findings"
	done
	count=$(grep -c . "$work/findings" || true)
	if [ "$count" -eq 0 ]; then
		ok "$name"
		echo "${#files[@]} files analysed" | diag
	else
		not_ok "$name"
		echo "${#files[@]} files analysed, $count finding(s):" | diag
		head -n "$max_diag" "$work/findings" | diag
		[ "$count" -le "$max_diag" ] ||
			echo "# ... $((count - max_diag)) more"
	fi
done
echo "# $total_files files in ${#dirs[@]} directories; $failed directories with findings"
[ "$failed" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the results pipeline (TAP version 13 on stdout): plot, report,
# compare on the committed fixtures: results folders that
# `make bench` produced in QEMU guests (fixture, fixture-attrs,
# fixture-pagemap: the older CSV formats) and fixture-verdict, a SYNTHETIC
# folder in the repetitions/verdict format (make-synthetic-fixture.py);
# see fixture*/README.md.  Checked: one verdict (report table, headline
# and speedup plot data all equal the CSV's), intervals and sample counts,
# banners (accelerator, partial results), exit codes for corrupt input and
# unwritable output, older CSVs, and the fio cross-check's judging.
# Everything is written to a temporary folder; no fixture is modified.
#
# Needs python3 and gnuplot (scripts/install-deps.sh); a missing one is a
# failure, not a skip, because then `make plot` does not work either.
#
# No `set -e`: a failed check is reported as "not ok" and the rest run.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fixture=$here/fixture
# The tests import scripts/kxresults: no __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-pipeline.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
echo "TAP version 13"
check() {	# description, then a command that must succeed
	desc=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		tail -n 15 "$tmp/check.out" | diag
	fi
}

# A PNG: the 8-byte signature, then an IHDR with a plausible size.
is_png() {
	[ -s "$1" ] || { echo "$1 missing or empty"; return 1; }
	sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
	[ "$sig" = 89504e470d0a1a0a ] || { echo "$1: not a PNG (starts $sig)"; return 1; }
	python3 - "$1" <<'EOF'
import struct, sys
with open(sys.argv[1], "rb") as f:
    head = f.read(24)
w, h = struct.unpack(">II", head[16:24])
if head[12:16] != b"IHDR" or not (600 <= w <= 4000 and 400 <= h <= 4000):
    sys.exit(f"{sys.argv[1]}: odd PNG header {head[12:16]!r} {w}x{h}")
EOF
}

# An SVG: well-formed XML whose root element is <svg> with some drawing.
is_svg() {
	[ -s "$1" ] || { echo "$1 missing or empty"; return 1; }
	python3 - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
    sys.exit(f"{sys.argv[1]}: root element is {root.tag}, not svg")
if sum(1 for _ in root.iter()) < 50:
    sys.exit(f"{sys.argv[1]}: almost empty drawing")
EOF
}

has_line() {	# file, fixed string
	grep -qF -- "$2" "$1" || { echo "$1 lacks: $2"; return 1; }
}

# Every ![..](x.png) and [SVG](x.svg) of a report points at a file.
links_resolve() {
	python3 - "$1" <<'EOF'
import os, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
links = re.findall(r"\]\(([^)]+\.(?:png|svg))\)", text)
if not links:
    sys.exit(f"{path}: no plot links")
missing = [l for l in links
           if not os.path.isfile(os.path.join(os.path.dirname(path), l))]
if missing:
    sys.exit(f"{path}: links to missing files {missing}")
EOF
}

exits_with() {	# status, command...: exact exit status and a message
	want=$1
	shift
	"$@" >"$tmp/neg.out" 2>&1
	got=$?
	cat "$tmp/neg.out"
	[ "$got" = "$want" ] || { echo "exit status $got, want $want"; return 1; }
	[ -s "$tmp/neg.out" ] || { echo "no message for the user"; return 1; }
}

check "python3 is installed" command -v python3
check "gnuplot is installed" command -v "${GNUPLOT:-gnuplot}"
check "fixture has bench.csv, bench.json, meta.txt, fio/, hyperfine/" \
	sh -c "[ -s '$fixture/bench.csv' ] && [ -s '$fixture/bench.json' ] &&
	       [ -s '$fixture/meta.txt' ] && [ -d '$fixture/fio' ] &&
	       [ -s '$fixture/hyperfine/params.csv' ]"
check "fixture came from kxfer-bench in the QEMU guest (emulated: yes)" \
	grep -q '^# emulated: yes' "$fixture/bench.csv"

# ---- make plot ---------------------------------------------------------------
out=$tmp/plot
check "plot.sh FIXTURE OUT succeeds" "$top/scripts/plot.sh" "$fixture" "$out"
for p in throughput-to_kernel throughput-from_kernel throughput-roundtrip \
	 latency-to_kernel latency-from_kernel latency-roundtrip \
	 latency-setup; do
	check "$p.png is a PNG" is_png "$out/$p.png"
	check "$p.svg is an SVG document" is_svg "$out/$p.svg"
done
check "emulation warning in the plot titles" \
	grep -q 'EMULATED (QEMU TCG): distorts ratios as well as times' "$out/throughput-to_kernel.svg"
report=$out/report.md
check "report.md written" test -s "$report"
for s in "# kxfer results: " "> **EMULATED (QEMU TCG)**" "## Summary" \
	 "## Verdict: copy or mmap at your size" "## Key figures" "## Plots" \
	 "## fio cross-check" "## hyperfine: whole-command comparison" \
	 "## Caveats" "## Metadata"; do
	check "report.md has '$s'" has_line "$report" "$s"
done
check "an older CSV (no verdict columns) gets no verdict of the pipeline's own, and no speedup plot" \
	sh -c "grep -q 'This CSV carries no verdict' '$report' &&
	       grep -q 'does not compute a verdict of its own' '$report' &&
	       [ ! -e '$out/speedup.png' ]"
check "an older CSV: legends say 'one run, no interval', no noisy flags" \
	sh -c "grep -q 'one run, no interval' '$out/throughput-to_kernel.svg' &&
	       ! grep -q '⚠' '$report'"
check "an older fio run (no size=bs/gtod_reduce) is shown but not judged" \
	sh -c "grep -q 'predate the like-for-like cross-check' '$report' &&
	       ! grep -q '\*\*>10%\*\*' '$report'"
check "report.md links only plots that exist" links_resolve "$report"
check "report.md key figures name the fixture's methods" \
	sh -c "grep -q '^| read | copy |' '$report' && grep -q '^| mmap-read | mmap |' '$report'"
check "the fixture was not written to" \
	sh -c "! ls '$fixture'/*.png '$fixture'/report.md 2>/dev/null | grep -q ."

# ---- several backing/mapping combinations ------------------------------------
attrs_fixture=$here/fixture-attrs
aout=$tmp/plot-attrs
check "plot.sh on a run with several backings and mappings succeeds" \
	"$top/scripts/plot.sh" "$attrs_fixture" "$aout"
for d in to_kernel from_kernel; do
	check "attrs-throughput-$d.png is a PNG" \
		is_png "$aout/attrs-throughput-$d.png"
	check "attrs-throughput-$d.svg is an SVG document" \
		is_svg "$aout/attrs-throughput-$d.svg"
done
check "report.md has '## Backing and mapping'" \
	has_line "$aout/report.md" "## Backing and mapping"
check "report.md names the backing and mapping of the main figures" \
	has_line "$aout/report.md" "## Summary (backing vmalloc, mapping cached)"
check "every mmap curve of the attrs plot names its combination" \
	sh -c "grep -q 'mmap-write \[pages, uncached\]' '$aout/attrs-throughput-to_kernel.svg'"

# ---- huge (PMD) against base page mappings ------------------------------------
pm_fixture=$here/fixture-pagemap
pout=$tmp/plot-pagemap
check "fixture-pagemap came from the guest with both page maps merged (emulated: yes)" \
	sh -c "grep -q '^# emulated: yes' '$pm_fixture/bench.csv' &&
	       grep -q '^# merged_runs: ' '$pm_fixture/bench.csv' &&
	       grep -q ',page_map,pmd_bytes\$' '$pm_fixture/bench.csv' &&
	       grep -q ',pages,cached,base,0\$' '$pm_fixture/bench.csv'"
check "plot.sh on a run with huge and base page maps succeeds" \
	"$top/scripts/plot.sh" "$pm_fixture" "$pout"
for p in pagemap-setup pagemap-throughput; do
	check "$p.png is a PNG" is_png "$pout/$p.png"
	check "$p.svg is an SVG document" is_svg "$pout/$p.svg"
done
check "pagemap charts: page size, PMD size, EMULATED and the measured pmd_bytes in titles and legends" \
	sh -c "grep -q 'page size 4K, PMD size 2M' '$pout/pagemap-setup.svg' &&
	       grep -q 'EMULATED (QEMU TCG)' '$pout/pagemap-setup.svg' &&
	       grep -q 'mmap-fault, huge (PMD-mapped from 2M: pmd_bytes 2M;' '$pout/pagemap-setup.svg' &&
	       grep -q 'mmap-fault, base (PTEs only: pmd_bytes 0;' '$pout/pagemap-setup.svg' &&
	       grep -q 'mmap-read, base (PTEs only: pmd_bytes 0;' '$pout/pagemap-throughput.svg'"
check "report.md has '## Huge-page mappings' and links the pagemap charts" \
	sh -c "grep -q '^## Huge-page mappings' '$pout/report.md' &&
	       grep -q '(pagemap-setup.png)' '$pout/report.md' &&
	       grep -q '(pagemap-throughput.png)' '$pout/report.md'"
check "report.md links only plots that exist (page-map fixture)" \
	links_resolve "$pout/report.md"
# Recomputed here from bench.csv, independently of scripts/kxresults.
check "Huge-page section: base/huge ratio and pmd_bytes of every method at the PMD size, as in bench.csv" \
	python3 - "$pm_fixture/bench.csv" "$pout/report.md" <<'EOF'
import csv, sys
lines = open(sys.argv[1]).read().splitlines()
meta = dict(l[2:].split(": ", 1) for l in lines
            if l.startswith("# ") and ": " in l)
pmd = int(meta["hpage_pmd_size"])
rows = list(csv.DictReader(l for l in lines if not l.startswith("#")))
report = open(sys.argv[2], encoding="utf-8").read()
section = report.split("## Huge-page mappings", 1)[1].split("\n## ", 1)[0]
for m in ("mmap-fault", "mmap-setup", "mmap-read", "mmap-write"):
    at = {r["page_map"]: r for r in rows if r["method"] == m and
          r["backing"] == "pages" and int(r["size_bytes"]) == pmd}
    huge, base = at["huge"], at["base"]
    assert int(huge["pmd_bytes"]) == pmd and int(base["pmd_bytes"]) == 0, m
    ratio = float(base["p50_ns"]) / float(huge["p50_ns"])
    line = [l for l in section.splitlines()
            if l.startswith(f"| {m} | pages, cached | ")]
    assert len(line) == 1, (m, line)
    cells = [c.strip() for c in line[0].strip("|").split("|")]
    assert cells[4] == f"{ratio:.2f}x", (m, cells, ratio)
    assert cells[5] == f"{pmd} (2M)" and cells[6] == "0", (m, cells)
    print(f"{m}: base/huge {ratio:.2f}x")
assert "Below the PMD size (4K .. 1M here) both are PTE mappings" in section
assert "only the fault-count effect is meaningful" in section
EOF
check "pagemap chart data are the CSV's huge and base rows; other plots show only huge rows" \
	python3 - "$pm_fixture/bench.csv" "$pout/plotdata" <<'EOF'
import csv, os, sys
rows = list(csv.DictReader(l for l in open(sys.argv[1]).read().splitlines()
                           if not l.startswith("#")))
def dat(name):
    with open(os.path.join(sys.argv[2], name)) as f:
        next(f)
        return {int(l.split()[0]): float(l.split()[1]) for l in f if l.strip()}
def same(got, want, what):
    assert set(got) == set(want), (what, sorted(got), sorted(want))
    assert all(abs(got[s] / want[s] - 1) < 1e-5 for s in got), what
def p50(method, page_map):
    return {int(r["size_bytes"]): float(r["p50_ns"]) for r in rows
            if r["method"] == method and r["backing"] == "pages" and
            r["page_map"] == page_map}
for m in ("mmap-fault", "mmap-setup"):
    for pm in ("huge", "base"):
        same(dat(f"pagemap-setup__{m}-{pm}.dat"), p50(m, pm), (m, pm))
same(dat("attrs-throughput-from_kernel__mmap-read-pages-cached.dat"),
     p50("mmap-read", "huge"), "attrs plot: huge rows only")
EOF
check "a CSV without page-map columns gets no Huge-page section and no pagemap chart" \
	sh -c "! grep -q 'Huge-page mappings' '$out/report.md' &&
	       ! ls '$out'/pagemap-* 2>/dev/null | grep -q ."
mkdir -p "$tmp/badpm"
sed 's/,pages,cached,base,0$/,pages,cached,small,0/' "$pm_fixture/bench.csv" >"$tmp/badpm/bench.csv"
check "plot.sh on a CSV with an unknown page_map fails and names the line" sh -c \
	"'$top/scripts/plot.sh' '$tmp/badpm' '$tmp/badpm-out' 2>&1 | grep -q \"bench.csv:[0-9]*: page_map 'small'\" && \
	 ! '$top/scripts/plot.sh' '$tmp/badpm' '$tmp/badpm-out' 2>/dev/null"

# ---- make compare ------------------------------------------------------------
cmp=$tmp/compare
check "compare.sh -o OUT FIXTURE FIXTURE succeeds" \
	"$top/scripts/compare.sh" -o "$cmp" "$fixture" "$fixture"
for d in to_kernel from_kernel roundtrip; do
	check "compare-throughput-$d.png is a PNG" \
		is_png "$cmp/compare-throughput-$d.png"
	check "compare-throughput-$d.svg is an SVG document" \
		is_svg "$cmp/compare-throughput-$d.svg"
done
for s in "## Runs" "## Verdict" "## Plots" "| #2 "; do
	check "compare.md has '$s'" has_line "$cmp/compare.md" "$s"
done
check "compare.md links only plots that exist" links_resolve "$cmp/compare.md"

# ---- folder names ------------------------------------------------------------
check "folder name says machine, emulated and kernel" sh -c \
	"python3 '$top/scripts/report.py' folder-name '$fixture/bench.csv' |
	 grep -Eq -- '-emulated-6\\.1\\.0-[0-9]+-amd64-[0-9]{8}T[0-9]{6}Z\$'"

# ---- bad input: clear message, non-zero exit ---------------------------------
mkdir -p "$tmp/empty"
check "plot.sh on a folder without bench.csv: exit 2 with a message" \
	exits_with 2 "$top/scripts/plot.sh" "$tmp/empty" "$tmp/empty-out"
check "compare.sh without folders is a usage error" \
	exits_with 2 "$top/scripts/compare.sh"
check "plot.sh without arguments is a usage error" \
	exits_with 2 "$top/scripts/plot.sh"

# shellcheck source=tests/pipeline/verdict-tests.sh
. "$here/verdict-tests.sh"

plan "$n"
[ "$failed" = 0 ]

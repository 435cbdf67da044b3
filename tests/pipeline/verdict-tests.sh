# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2154 # variables and helpers of run.sh
#
# Sourced by tests/pipeline/run.sh (uses its check, exits_with, is_png,
# $top, $here, $tmp): the repetitions/verdict CSV format on the synthetic
# fixture-verdict, partial and corrupt inputs, and the fio cross-check.
# The expected values are read from the CSV here, independently of
# scripts/kxresults.

vfix=$here/fixture-verdict
vout=$tmp/plot-verdict

# ---- one verdict ---------------------------------------------------------------
check "fixture-verdict is the synthetic one and says how it was made" \
	sh -c "grep -q 'SYNTHETIC' '$vfix/README.md' &&
	       grep -q 'make-synthetic-fixture.py' '$vfix/README.md' &&
	       grep -q '^# tool_version: synthetic' '$vfix/bench.csv'"
check "plot.sh on fixture-verdict succeeds" \
	"$top/scripts/plot.sh" "$vfix" "$vout"
for p in speedup speedup-consume throughput-to_kernel latency-from_kernel; do
	check "$p.png is a PNG" is_png "$vout/$p.png"
done

# Table, headline and speedup plot data against the CSV, for a folder
# plot.sh made: every verdict row (fill/read) and every crossover line.
agrees() {	# bench.csv plot-out minimum-count
	python3 - "$@" <<'EOF'
import csv, os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
rows = list(csv.DictReader(l for l in lines if l and not l.startswith("#")))
report = open(os.path.join(sys.argv[2], "report.md"), encoding="utf-8").read()
section = report.split("## Verdict: copy or mmap at your size", 1)[1]
section = section.split("\n## ", 1)[0]
table = [l for l in section.splitlines() if l.startswith("| ")]
header = [c.strip() for c in table[0].strip("|").split("|")]
cells = {}
for l in table[1:]:
    c = [x.strip() for x in l.strip("|").split("|")]
    for h, v in zip(header[1:], c[1:]):
        cells[(h, c[0])] = v
def size_text(n):
    for u, s in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= s and n % s == 0:
            return f"{n // s}{u}"
    return str(n)
checked = 0
data = {}
for name in os.listdir(os.path.join(sys.argv[2], "plotdata")):
    if name.startswith("speedup__") and "__crossovers-" not in name:
        with open(os.path.join(sys.argv[2], "plotdata", name)) as f:
            title = next(f)
            for l in f:
                size, ratio, lo, hi, pt = l.split()
                data[(name, int(size))] = (float(ratio), float(lo),
                                           float(hi), int(pt))
PT = {"mmap": 9, "copy": 11, "tie": 6}
for r in rows:
    if not r["verdict"]:
        continue
    assert r["pair"], r
    head = f"{r['direction']}: {r['pair']} vs {r['method']} [{r['consume']}]"
    want = (f"{float(r['ratio']):.2f}x [{float(r['ratio_ci_low']):.2f}, "
            f"{float(r['ratio_ci_high']):.2f}] {r['verdict']}")
    size = int(r["size_bytes"])
    if r["consume"] in ("fill", "read"):
        got = cells[(head, size_text(size))]
        assert got.rstrip(" ⚠") == want, (head, size, got, want)
        checked += 1
    name = (f"speedup__{r['direction']}-{r['pair']}-{r['method']}-"
            f"{r['consume']}.dat")
    if r["consume"] in ("fill", "read"):
        ratio, lo, hi, pt = data[(name, size)]
        assert abs(ratio / float(r["ratio"]) - 1) < 1e-5, name
        assert abs(lo / float(r["ratio_ci_low"]) - 1) < 1e-5, name
        assert abs(hi / float(r["ratio_ci_high"]) - 1) < 1e-5, name
        assert pt == PT[r["verdict"]], (name, size, pt)
        checked += 1
# Crossovers: every '# crossover:' line with a crossing is in the report
# (as an interval with its agreement) and in the speedup legend.
cross = [dict(w.split("=", 1) for w in l.split(": ", 1)[1].split())
         for l in lines if l.startswith("# crossover:")]
legends = open(os.path.join(sys.argv[2], "speedup.svg"), encoding="utf-8").read()
for x in cross:
    if not x["low"]:
        continue
    got, of = x["agree"].split("/")
    copy, mmap = x["pair"].split("/")
    want = (f"- Crossover **{x['direction']}** ({copy} vs {mmap}, "
            f"{x['consume']}): between {size_text(int(x['low']))} and "
            f"{size_text(int(x['high']))} in {got} of {of} repetitions")
    assert want in section, want
    if x["consume"] in ("fill", "read"):
        leg = (f"{x['direction']} {copy}/{mmap} [{x['consume']}]: crossover "
               f"{size_text(int(x['low']))}..{size_text(int(x['high']))} "
               f"({x['agree']} reps)")
        assert leg in legends, leg
    checked += 1
print(f"{checked} values agree")
assert checked >= int(sys.argv[3]), checked
EOF
}
check "report table, headline and speedup plot data all equal the CSV's ratio, interval, verdict and crossover (synthetic fixture)" \
	agrees "$vfix/bench.csv" "$vout" 40
bout=$tmp/plot-baselines
check "plot.sh on a real kxfer-bench baselines run (fixture-baselines) succeeds" \
	"$top/scripts/plot.sh" "$here/fixture-baselines" "$bout"
check "... and its table and speedup data equal the CSV's verdicts" \
	agrees "$here/fixture-baselines/bench.csv" "$bout" 8
check "... with the page cache's pair in the headline and no kxfer pair claimed" \
	sh -c "grep -q 'no kxfer pair in this run. The page cache.s own pair (memfd-write vs memfd-mmap-write, fill)' '$bout/report.md' &&
	       grep -q '^# kxfer results: .*\\[VM or emulator\\]' '$bout/report.md'"

check "no second verdict: scripts/kxresults computes no copy/mmap ratio or crossover" \
	sh -c "! grep -n 'def crossovers(points)\|def ratio_for\|PAIRS = (' '$top'/scripts/kxresults/*.py"

check "headline: fill verdict with the copy and touch range beside it, and the page cache's own pair" \
	sh -c "grep -q 'if you produce the data in place (fill): ' '$vout/report.md' &&
	       grep -q 'if you consume every byte in place (fill: reads every byte): ' '$vout/report.md' &&
	       grep -q 'if your data already sits in a user buffer (copy): ' '$vout/report.md' &&
	       grep -q 'touch (one byte per line): upper bound: ' '$vout/report.md' &&
	       grep -q \"The page cache's own pair (memfd-write vs memfd-mmap-write, fill)\" '$vout/report.md'"

check "uncertainty: throughput and latency data carry the CSV's p50 interval; p99 only where the CSV has one" \
	python3 - "$vfix/bench.csv" "$vout/plotdata" <<'EOF'
import csv, os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
rows = {(r["method"], int(r["size_bytes"])): r
        for r in csv.DictReader(l for l in lines if l and not l.startswith("#"))
        if r["consume"] in ("fill", "n/a")}
def dat(name):
    with open(os.path.join(sys.argv[2], name)) as f:
        title = next(f)
        return title, [l.split() for l in f if l.strip()]
n = 0
for m in ("write", "mmap-write", "memfd-mmap-write"):
    title, data = dat(f"latency-to_kernel__{m}.dat")
    assert "5 reps x >=" in title, title
    for size, p50, lo, hi, p99, *_ in data:
        r = rows[(m, int(size))]
        assert abs(float(lo) / float(r["p50_ci_low_ns"]) - 1) < 1e-5
        assert abs(float(hi) / float(r["p50_ci_high_ns"]) - 1) < 1e-5
        assert (p99 == "NaN") == (r["p99_ns"] == ""), (m, size, p99)
        n += 1
    tail = f"latency-to_kernel__p99-{m}.dat"
    if os.path.exists(os.path.join(sys.argv[2], tail)):
        sizes = {int(l[0]) for l in dat(tail)[1]}
        assert sizes == {s for (mm, s), r in rows.items()
                         if mm == m and r["p99_ns"]}, (m, sizes)
print(f"{n} points")
EOF

check "plots: payload per second label, consume mode and accelerator on every plot" \
	sh -c "for f in '$vout'/*.svg; do
	         grep -q 'EMULATED (QEMU TCG): distorts ratios as well as times' \"\$f\" &&
	         grep -q 'consume=' \"\$f\" || { echo \"\$f\"; exit 1; }
	       done
	       grep -q 'payload handed over per second' '$vout/throughput-to_kernel.svg' &&
	       grep -q 'consume=fill,' '$vout/throughput-to_kernel.svg' &&
	       grep -q 'consume=fill,' '$vout/throughput-from_kernel.svg'"

check "report: noisy points flagged with their CV, CPU cost beside wall time, metadata (LLC, THP, mitigations, accel, cache)" \
	sh -c "grep -q '⚠ noisy (cv [0-9.]*%)' '$vout/report.md' &&
	       grep -q '^## CPU cost' '$vout/report.md' &&
	       grep -q 'No hardware counters in this run' '$vout/report.md' &&
	       grep -q '^| last-level cache | 16777216 |' '$vout/report.md' &&
	       grep -q '^| THP mode | ' '$vout/report.md' &&
	       grep -q '^| CPU mitigations | ' '$vout/report.md' &&
	       grep -q '^| accelerator | tcg |' '$vout/report.md' &&
	       grep -q '^| caches (hot/cold) | hot |' '$vout/report.md'"

check "emulation banner: distorts ratios too, function and curve shape, points to the native baseline" \
	sh -c "grep -q 'Emulation distorts the ratios as well as the times' '$vout/report.md' &&
	       grep -q 'checks that everything works and shows the shape of the curves' '$vout/report.md' &&
	       grep -q 'native baseline' '$vout/report.md'"

for accel in kvm none; do
	mkdir -p "$tmp/accel-$accel"
	sed "s/^# accel: tcg/# accel: $accel/" "$vfix/bench.csv" >"$tmp/accel-$accel/bench.csv"
done
check "accelerator label from the metadata: KVM guest, native" \
	sh -c "'$top/scripts/plot.sh' '$tmp/accel-kvm' '$tmp/accel-kvm-out' 2>/dev/null &&
	       '$top/scripts/plot.sh' '$tmp/accel-none' '$tmp/accel-none-out' 2>/dev/null &&
	       grep -q 'KVM guest: virtualised' '$tmp/accel-kvm-out/speedup.svg' &&
	       grep -q '^# kxfer results: .*\\[KVM guest\\]' '$tmp/accel-kvm-out/report.md' &&
	       grep -q 'native: measured on the machine itself' '$tmp/accel-none-out/speedup.svg' &&
	       ! grep -q 'EMULATED' '$tmp/accel-none-out/speedup.svg'"

# ---- partial results: banner, exit 0 ----------------------------------------
has_partial() {	# folder out: exit 0, banner atop report.md and on every plot
	"$top/scripts/plot.sh" "$1" "$2" >"$tmp/partial.err" 2>&1 ||
		{ cat "$tmp/partial.err"; echo "plot.sh failed"; return 1; }
	grep -q 'partial results' "$tmp/partial.err" ||
		{ echo "no warning on stderr"; return 1; }
	sed -n 3p "$2/report.md" | grep -q '^> \*\*PARTIAL RESULTS\*\*: ' ||
		{ sed -n 1,4p "$2/report.md"; echo "no banner atop report.md"; return 1; }
	for f in "$2"/*.svg; do
		grep -q 'PARTIAL RESULTS: ' "$f" || { echo "$f: no banner"; return 1; }
	done
}
mkdir -p "$tmp/interrupted" "$tmp/cutrow" "$tmp/cutmid"
sed 's/^# status: complete/# status: interrupted (SIGINT)/' "$vfix/bench.csv" >"$tmp/interrupted/bench.csv"
check "status: interrupted -> partial-results banner on report and every plot, exit 0" \
	has_partial "$tmp/interrupted" "$tmp/interrupted-out"
head -n "$(($(wc -l <"$vfix/bench.csv") - 3))" "$vfix/bench.csv" >"$tmp/cutrow/bench.csv"
check "a CSV cut at a row boundary -> partial-results banner, exit 0" \
	has_partial "$tmp/cutrow" "$tmp/cutrow-out"
check "... and the banner says what is missing" \
	grep -q 'lack(s) sizes the other methods of the same settings have' "$tmp/cutrow-out/report.md"
cp "$vfix/bench.csv" "$tmp/cutmid/bench.csv"
printf 'write,copy,to_kernel,4096,1,fill,none,10,1.0' >>"$tmp/cutmid/bench.csv"
check "a CSV cut inside its last row -> that row left out, banner names the line, exit 0" \
	sh -c "'$top/scripts/plot.sh' '$tmp/cutmid' '$tmp/cutmid-out' 2>/dev/null &&
	       grep -q 'ends inside its last row (line [0-9]*: 9 of 41 fields)' '$tmp/cutmid-out/report.md'"
check "complete fixtures get no partial banner" \
	sh -c "! grep -q 'PARTIAL' '$vout/report.md' '$out/report.md' '$aout/report.md' '$pout/report.md'"

# ---- corrupt input, unwritable output: one line, exit 2 ---------------------
one_line_exit2() {	# command...: exit 2, exactly one line, no traceback
	"$@" >"$tmp/one.out" 2>&1
	got=$?
	cat "$tmp/one.out"
	[ "$got" = 2 ] || { echo "exit status $got, want 2"; return 1; }
	[ "$(wc -l <"$tmp/one.out")" = 1 ] || { echo "not one line"; return 1; }
	! grep -q Traceback "$tmp/one.out"
}
mkdir -p "$tmp/binary" "$tmp/midbad"
head -c 3000 /bin/sh >"$tmp/binary/bench.csv"
check "a binary bench.csv: one line on stderr, exit 2" \
	one_line_exit2 "$top/scripts/plot.sh" "$tmp/binary" "$tmp/binary-out"
{ head -n 60 "$vfix/bench.csv"; echo 'write,copy,to_kernel'; tail -n 5 "$vfix/bench.csv"; } >"$tmp/midbad/bench.csv"
check "a CSV damaged inside (a short row that is not the last): one line naming the line, exit 2" \
	sh -c "'$top/scripts/plot.sh' '$tmp/midbad' '$tmp/midbad-out' 2>&1 | grep -q 'bench.csv:61: 3 fields' &&
	       { '$top/scripts/plot.sh' '$tmp/midbad' '$tmp/midbad-out' 2>/dev/null; [ \$? = 2 ]; }"
: >"$tmp/a-file"
check "an unwritable output folder: one line on stderr, exit 2" \
	one_line_exit2 "$top/scripts/plot.sh" "$vfix" "$tmp/a-file/out"
mkdir -p "$tmp/bad-verdict"
sed '0,/,tie$/s//,maybe/' "$vfix/bench.csv" >"$tmp/bad-verdict/bench.csv"
check "an unknown verdict word: one line naming it, exit 2" \
	sh -c "'$top/scripts/plot.sh' '$tmp/bad-verdict' '$tmp/bv-out' 2>&1 | grep -q \"verdict 'maybe'\" &&
	       { '$top/scripts/plot.sh' '$tmp/bad-verdict' '$tmp/bv-out' 2>/dev/null; [ \$? = 2 ]; }"

# ---- fio like for like -------------------------------------------------------------
fio_line() {	# engine rw bs status-word
	grep -q "^| $1 | $2 | $3 | .* | $4 | " "$vout/report.md" ||
		{ grep "^| $1 | $2 | $3 " "$vout/report.md"; echo "want status $4"; return 1; }
}
check "fio: psync/read/64K within 10% -> ok" fio_line psync read 64K ok
check "fio: psync/read/4K +25% below 64 KiB -> outside the goal, with fio's measured ns per I/O" \
	sh -c "grep -q '^| psync | read | 4K | .* | < 64 KiB | below 64 KiB, outside the goal: fio +[0-9]* ns per I/O' '$vout/report.md'"
check "fio: psync/write/64K against a noisy kxfer point -> kxfer's uncertainty, not fio's fault" \
	sh -c "grep -q '^| psync | write | 64K | .* | kxfer point uncertain | .*flagged noisy): re-measure it before blaming fio' '$vout/report.md'"
check "fio: mmap/write/64K +20% at >= 64 KiB -> flagged with the measured difference" \
	sh -c "grep -q '^| mmap | write | 64K | .* | \*\*>10%\*\* | \*\*+20% at >= 64 KiB\*\* (fio [0-9]* ns per I/O slower' '$vout/report.md'"
check "fio: compared with kxfer-bench --consume none (psync) and --consume copy (mmap), goal counted" \
	sh -c "grep -q '^| psync | read | 64K | .* | read | none | ' '$vout/report.md' &&
	       grep -q '^| mmap | read | 64K | .* | mmap-read | copy | ' '$vout/report.md' &&
	       grep -q 'Goal within 10% at >= 64 KiB: 2 of 4 points' '$vout/report.md'"

# fio-crosscheck.sh with stand-ins for fio and kxfer-bench that record how
# they were called.
stub=$tmp/stub
mkdir -p "$stub"
cat >"$stub/fio" <<'EOF'
#!/bin/sh
for a in "$@"; do case $a in --output=*) o=${a#--output=} ;; esac; done
echo "engine=$KXFER_FIO_ENGINE rw=$KXFER_FIO_RW bs=$KXFER_FIO_BS" >>"$STUB_LOG"
echo '{"jobs": []}' >"$o"
EOF
cat >"$stub/kxfer-bench" <<'EOF'
#!/bin/sh
echo "bench $*" >>"$STUB_LOG"
EOF
chmod +x "$stub/fio" "$stub/kxfer-bench"
check "fio-crosscheck.sh runs kxfer-bench --consume none and copy, and fio with size=bs and gtod_reduce" \
	sh -c "STUB_LOG='$stub/log' sh '$top/scripts/fio-crosscheck.sh' --fio '$stub/fio' \
	         --bench '$stub/kxfer-bench' --out '$stub/out' --device /dev/null \
	         --sizes '4K 64K' >/dev/null &&
	       grep -q -- '--methods read,write --consume none --sizes 4K,64K --repeat 3' '$stub/log' &&
	       grep -q -- '--methods mmap-read,mmap-write --consume copy --sizes 4K,64K --repeat 3' '$stub/log' &&
	       [ \$(grep -c '^engine=' '$stub/log') = 8 ] &&
	       grep -q '^size=\${KXFER_FIO_BS}\$' '$top/scripts/fio/kxfer-crosscheck.fio' &&
	       grep -q '^gtod_reduce=1\$' '$top/scripts/fio/kxfer-crosscheck.fio'"

# ---- the new backings and mapping attributes ------------------------------------
# fixture-attrs with its pages backing renamed to dma-noncoherent (mapping
# noncoherent; its other mappings dropped): any backing/mapping names group
# into their own combination.
mkdir -p "$tmp/attrs-new"
sed -e 's/,pages,uncached$/,dma-noncoherent,noncoherent/' \
    -e 's/,pages,n\/a$/,dma-noncoherent,n\/a/' \
    -e '/,pages,cached$/d' -e '/,pages,wc$/d' \
    "$here/fixture-attrs/bench.csv" >"$tmp/attrs-new/bench.csv"
check "attrs plots and report group by the new backings and mappings (dma-noncoherent/noncoherent)" \
	sh -c "'$top/scripts/plot.sh' '$tmp/attrs-new' '$tmp/attrs-new-out' 2>/dev/null &&
	       grep -q 'mmap-write \[dma-noncoherent, noncoherent\]' '$tmp/attrs-new-out/attrs-throughput-to_kernel.svg' &&
	       grep -q '^| mmap-write | dma-noncoherent | noncoherent |' '$tmp/attrs-new-out/report.md'"

# ---- compare: each run's own verdict -----------------------------------------------
check "compare of a run with a verdict and one without: the verdict run's ratios, the other says it has none" \
	sh -c "'$top/scripts/compare.sh' -o '$tmp/cmpv' '$vfix' '$fixture' 2>/dev/null &&
	       [ -s '$tmp/cmpv/compare-speedup-to_kernel.png' ] &&
	       grep -q '^| #1 .*mmap faster at every measured size \[fill\]' '$tmp/cmpv/compare.md' &&
	       grep -q '^| #2 .*no verdict in this CSV' '$tmp/cmpv/compare.md'"

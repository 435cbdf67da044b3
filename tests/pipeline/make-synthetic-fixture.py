#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes tests/pipeline/fixture-verdict/: a SYNTHETIC results folder in
the CSV format of the repetitions/verdict kxfer-bench (docs/CONTRACTS.md),
derived from the real, emulated run in tests/pipeline/fixture/.

It stands in for a real run of that kxfer-bench until one is committed
(then fixture-verdict is replaced by it and this script goes).  Nothing
here is a definition the pipeline uses: the pipeline only formats what
the CSV says, and this script is just a way to get a CSV that says
something plausible.  How the numbers are made (deterministic, seeded):

- touch rows: the fixture's own p50 per method and size;
- fill rows (the producer writes, the consumer reads every byte): both
  paths plus half the fixture's memcpy p50 at that size;
- copy rows: the copy path as in touch; the mmap path plus one memcpy;
- memfd pairs: memfd-write/-read = 0.95 x write/read, memfd-mmap-* =
  mmap-* + 900 ns (so the page cache's pair crosses over);
- 5 repetition medians around p50 with a per-point CV of 0.5-2% (a few
  5%), the "95% CI" = the range of those medians, ratio interval =
  copy range over mmap range (conservative), verdict from it, crossovers
  where the verdict of adjacent sizes changes;
- cpu_ns_per_byte = 0.97 p50 / size; PMU counters empty (TCG guest);
- fio/: kxfer-bench --consume none / copy CSVs for 4K and 64K and fio
  gtod_reduce JSONs whose time per I/O is kxfer's mean times a chosen
  factor, to exercise every flag of the fio cross-check.

Run: python3 tests/pipeline/make-synthetic-fixture.py  (rewrites the folder)
"""
import csv
import json
import math
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "fixture", "bench.csv")
DST = os.path.join(HERE, "fixture-verdict")
R = 5
NEW = ("cache", "repeats", "samples", "dropped", "p50_ci_low_ns",
       "p50_ci_high_ns", "cv", "noisy", "cpu_ns_per_byte", "cycles",
       "instructions", "page_faults", "dtlb_misses", "llc_misses", "pair",
       "ratio", "ratio_ci_low", "ratio_ci_high", "verdict")
PAIRS = (("write", "mmap-write"), ("read", "mmap-read"),
         ("copy-roundtrip", "mmap-roundtrip"),
         ("memfd-write", "memfd-mmap-write"),
         ("memfd-read", "memfd-mmap-read"))
DIRECTION = {"write": "to_kernel", "read": "from_kernel",
             "copy-roundtrip": "roundtrip", "memfd-write": "to_kernel",
             "memfd-read": "from_kernel"}
# kxfer-bench --consume fill: the producer writes, the consumer reads every
# byte; the consume column says fill on both directions.
HEADLINE = {"to_kernel": "fill", "from_kernel": "fill", "roundtrip": "fill"}


def read_src():
    lines = open(SRC, encoding="utf-8").read().splitlines()
    meta = [l for l in lines if l.startswith("#")]
    body = [l for l in lines if l and not l.startswith("#")]
    rows = list(csv.DictReader(body))
    return meta, rows


def rep_medians(rng, p50, cv):
    return sorted(p50 * math.exp(rng.gauss(0, cv)) for _ in range(R))


def build(rng):
    meta, src = read_src()
    p50 = {(r["method"], int(r["size_bytes"])): float(r["p50_ns"])
           for r in src}
    sizes = sorted({int(r["size_bytes"]) for r in src})
    memcpy = {s: p50[("memcpy", s)] for s in sizes}
    at = {(r["method"], int(r["size_bytes"])): r for r in src}

    def model(method, size, consume):
        base = method.replace("memfd-", "")
        t = p50[(base, size)]
        if method.startswith("memfd-mmap"):
            t += 900.0
        elif method.startswith("memfd-"):
            t *= 0.95
        if consume == "fill":
            t += 0.5 * memcpy[size]
        elif consume == "copy" and "mmap" in method:
            t += memcpy[size]
        return t

    rows = []
    reps = {}
    for copy, mmap in PAIRS:
        d = DIRECTION[copy]
        for consume in (HEADLINE[d], "copy", "touch"):
            for method in (copy, mmap):
                for size in sizes:
                    tmpl = at[(method.replace("memfd-", ""), size)]
                    t = model(method, size, consume)
                    cv = rng.choice((0.005, 0.01, 0.015, 0.02, 0.02,
                                     0.05))
                    meds = rep_medians(rng, t, cv)
                    reps[(method, size, consume)] = meds
                    rows.append(make_row(tmpl, method, size, consume, meds,
                                         rng, backing_of(method)))
    for r in src:
        if r["path"] == "baseline" or r["direction"] == "setup":
            size = int(r["size_bytes"])
            meds = rep_medians(rng, float(r["p50_ns"]), 0.01)
            consume = "fill" if r["consume"] == "touch" else r["consume"]
            rows.append(make_row(r, r["method"], size, consume, meds,
                                 rng, backing_of(r["method"])))
    crossings = add_verdicts(rows, reps, sizes)
    return meta, rows, crossings


def backing_of(method):
    """Device-free methods (baselines, memfd pairs) have backing n/a, as
    kxfer-bench measures them once, not per backing."""
    if method.startswith("memfd-") or method in ("memcpy", "null-ioctl"):
        return "n/a"
    return "vmalloc"


def make_row(tmpl, method, size, consume, meds, rng, backing):
    p50 = meds[R // 2]
    spread = float(tmpl["p99_ns"]) / float(tmpl["p50_ns"])
    # kept samples per repetition, the median of R counts: can be x.5
    samples = max(30, int(float(tmpl["iterations"])) // 3) + \
        rng.choice((0, 0, 0.5))
    mean = sum(meds) / R
    sd = math.sqrt(sum((m - mean) ** 2 for m in meds) / (R - 1))
    # memfd pairs are baselines (no kxfer device), as kxfer-bench writes.
    path = ("baseline" if method.startswith("memfd-") or
            method in ("memcpy", "null-ioctl") else
            "mmap" if "mmap" in method else "copy")
    return {
        "method": method, "path": path, "direction": tmpl["direction"],
        "size_bytes": size, "threads": 1, "consume": consume,
        "work": tmpl["work"], "iterations": int(samples * R),
        "min_ns": f"{p50 * 0.97:.2f}", "p50_ns": f"{p50:.2f}",
        "p90_ns": f"{p50 * 1.15:.2f}",
        "p99_ns": f"{p50 * spread:.2f}" if samples >= 100 else "",
        "p999_ns": f"{p50 * spread * 1.1:.2f}" if samples >= 1000 else "",
        "max_ns": f"{p50 * spread * 1.2:.2f}",
        "mean_ns": f"{p50 * 1.08:.2f}", "stddev_ns": f"{p50 * 0.2:.2f}",
        "mad_ns": f"{p50 * 0.02:.2f}",
        "bytes_per_s_p50": f"{size * 1e9 / p50:.0f}",
        "backing": backing,
        "mapping": "cached" if path == "mmap" else "n/a",
        "page_map": "huge" if path == "mmap" else "n/a",
        "pmd_bytes": "0" if path == "mmap" else "n/a",
        "cache": "hot", "repeats": R,
        "samples": f"{samples:g}",
        "dropped": rng.choice((0, 0, 0, 1, 2)),
        "p50_ci_low_ns": f"{meds[0]:.2f}", "p50_ci_high_ns": f"{meds[-1]:.2f}",
        "cv": f"{sd / mean:.4f}", "noisy": "yes" if sd / mean > 0.03 else "no",
        "cpu_ns_per_byte": f"{0.97 * p50 / size:.4f}",
        "cycles": "", "instructions": "", "page_faults": "",
        "dtlb_misses": "", "llc_misses": "",
        "pair": "", "ratio": "", "ratio_ci_low": "", "ratio_ci_high": "",
        "verdict": "",
    }


def add_verdicts(rows, reps, sizes):
    by = {(r["method"], r["size_bytes"], r["consume"]): r for r in rows}
    crossings = []
    for copy, mmap in PAIRS:
        d = DIRECTION[copy]
        for consume in (HEADLINE[d], "copy", "touch"):
            verdicts = []
            for size in sizes:
                c = reps[(copy, size, consume)]
                m = reps[(mmap, size, consume)]
                row = by[(mmap, size, consume)]
                ratio = c[R // 2] / m[R // 2]
                lo, hi = c[0] / m[-1], c[-1] / m[0]
                v = "mmap" if lo > 1 else "copy" if hi < 1 else "tie"
                row.update(pair=copy, ratio=f"{ratio:.4f}",
                           ratio_ci_low=f"{lo:.4f}",
                           ratio_ci_high=f"{hi:.4f}", verdict=v)
                verdicts.append(v)
            low = high = None
            decided = [(s, v) for s, v in zip(sizes, verdicts) if v != "tie"]
            for (s0, v0), (s1, v1) in zip(decided, decided[1:]):
                if v0 != v1:
                    low, high = s0, s1
                    break
            agree = "none"
            if low is not None:
                # Repetitions whose own copy/mmap order flips between
                # low and high.
                def wins(size, k):
                    return (reps[(copy, size, consume)][k] >
                            reps[(mmap, size, consume)][k])
                flips = sum(wins(low, k) != wins(high, k) for k in range(R))
                agree = f"{flips}/{R}"
            crossings.append(
                f"# crossover: pair={copy}/{mmap} direction={d} "
                f"consume={consume} backing={backing_of(copy)} "
                f"low={'' if low is None else low} "
                f"high={'' if high is None else high} agree={agree}")
    return crossings


META_EXTRA = (
    "# accel: tcg",
    "# status: complete",
    "# repeats: 5",
    "# cache: hot",
    "# llc_bytes: 16777216",
    "# thp: always [madvise] never",
    "# mitigations: spectre_v2: Retpolines; mds: Clear CPU buffers",
    "# counters: none (perf_event_open: no cycles counter in this guest)",
)


def write_csv(path, meta, rows, extra_meta):
    cols = list(rows[0].keys())
    with open(path, "w", encoding="utf-8", newline="") as f:
        for line in meta:
            if line.startswith(("# consume:", "# tool_version:")):
                key = line.split(":")[0]
                line = {"# consume": "# consume: fill,read,copy,touch",
                        "# tool_version": "# tool_version: synthetic "
                        "(tests/pipeline/make-synthetic-fixture.py)"}[key]
            f.write(line + "\n")
        for line in extra_meta:
            f.write(line + "\n")
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def fio_job(engine, rw, bs, per_io_ns, runtime_s=1.0):
    ios = int(runtime_s * 1e9 / per_io_ns)
    runtime_ms = int(round(ios * per_io_ns / 1e6))
    side = {"io_bytes": ios * bs, "bw_bytes": int(ios * bs / runtime_s),
            "iops": ios / runtime_s, "runtime": runtime_ms,
            "total_ios": ios}
    empty = {"io_bytes": 0, "bw_bytes": 0, "iops": 0.0, "runtime": 0,
             "total_ios": 0}
    return {"fio version": "fio-3.33 (synthetic)",
            "global options": {"size": str(bs), "bs": str(bs),
                               "ioengine": engine, "rw": rw,
                               "gtod_reduce": "1", "time_based": "1",
                               "runtime": "1", "thread": "1",
                               "filename": "/dev/kxfer0"},
            "jobs": [{"jobname": "kxfer", "error": 0,
                      "read": side if rw == "read" else empty,
                      "write": side if rw == "write" else empty}]}


# (engine, rw, bs) -> fio time per I/O / kxfer mean: chosen to hit every
# branch of the flag logic (ok, below 64K, kxfer uncertain, unexplained).
FIO_FACTOR = {("psync", "read", 4096): 1.25, ("psync", "read", 65536): 1.04,
              ("psync", "write", 4096): 1.06, ("psync", "write", 65536): 0.84,
              ("mmap", "read", 4096): 0.97, ("mmap", "read", 65536): 1.02,
              ("mmap", "write", 4096): 1.08, ("mmap", "write", 65536): 1.20}


def write_fio(meta, rng):
    os.makedirs(os.path.join(DST, "fio"))
    _, src = read_src()
    at = {(r["method"], int(r["size_bytes"])): r for r in src}
    memcpy = {int(r["size_bytes"]): float(r["p50_ns"]) for r in src
              if r["method"] == "memcpy"}
    p50 = {(r["method"], int(r["size_bytes"])): float(r["p50_ns"])
           for r in src}
    for consume, methods in (("none", ("read", "write")),
                             ("copy", ("mmap-read", "mmap-write"))):
        rows = []
        for m in methods:
            for bs in (4096, 65536):
                t = p50[(m, bs)] + (memcpy[bs] if consume == "copy" else 0)
                # psync write 64K: a noisy kxfer point (cv 12%).
                cv = 0.12 if (m, bs) == ("write", 65536) else 0.01
                meds = rep_medians(rng, t, cv)
                row = make_row(at[(m, bs)], m, bs, consume, meds, rng,
                               "vmalloc")
                if (m, bs) == ("write", 65536):
                    row["noisy"] = "yes"
                rows.append(row)
        write_csv(os.path.join(DST, "fio", f"kxfer-{consume}.csv"),
                  [l for l in meta if not l.startswith("# consume:")]
                  + [f"# consume: {consume}"], rows, META_EXTRA)
        for row in rows:
            engine = "psync" if row["path"] == "copy" else "mmap"
            rw = row["method"].replace("mmap-", "")
            bs = row["size_bytes"]
            per_io = float(row["mean_ns"]) * FIO_FACTOR[(engine, rw, bs)]
            with open(os.path.join(DST, "fio", f"{engine}-{rw}-{bs}.json"),
                      "w", encoding="utf-8") as f:
                json.dump(fio_job(engine, rw, bs, per_io), f, indent=1)


def main():
    rng = random.Random(14)
    if os.path.isdir(DST):
        shutil.rmtree(DST)
    os.makedirs(DST)
    meta, rows, crossings = build(rng)
    write_csv(os.path.join(DST, "bench.csv"), meta, rows,
              META_EXTRA + tuple(crossings))
    write_fio(meta, rng)
    shutil.copy(os.path.join(HERE, "fixture", "meta.txt"), DST)
    with open(os.path.join(DST, "README.md"), "w", encoding="utf-8") as f:
        f.write("# Fixture: SYNTHETIC results in the repetitions/verdict "
                "CSV format\n\nNot measured. Written by\n"
                "`python3 tests/pipeline/make-synthetic-fixture.py` from "
                "the real emulated run in\n`../fixture/` (see the "
                "script's docstring for how every number is made).\n"
                "It exercises the pipeline until a real run of the new "
                "kxfer-bench replaces it;\nits numbers mean nothing.\n")
    print(f"wrote {DST}", file=sys.stderr)


if __name__ == "__main__":
    main()

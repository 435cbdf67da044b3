# SPDX-License-Identifier: GPL-2.0
"""fio's JSON output (scripts/fio-crosscheck.sh) beside kxfer-bench's figures.

fio and kxfer-bench should roughly agree for the copy path: fio's psync
engine does one pread()/pwrite() per block like kxfer-bench's read/write.
They are NOT expected to agree for the mmap path: fio's mmap engine
memcpy()s every block between its own buffer and the mapping and never
calls SUBMIT/FETCH, so it measures a user-space copy, which kxfer-bench's
zero-copy methods avoid.  See docs/reading-the-plots.md.
"""
import glob
import json
import os
from dataclasses import dataclass

from .benchcsv import BenchError

# (fio ioengine, rw) -> kxfer-bench method doing the same job.
COUNTERPART = {
    ("psync", "read"): "read",
    ("psync", "write"): "write",
    ("mmap", "read"): "mmap-read",
    ("mmap", "write"): "mmap-write",
}
DISAGREE = 0.10     # flag beyond +-10 %


@dataclass
class FioResult:
    file: str
    engine: str
    rw: str
    bs: int
    p50_ns: float       # completion latency median per I/O
    mean_ns: float
    bw_bytes: float     # bytes per second over the whole job
    ios: int
    error: int          # fio's error code for the job, 0 = fine


@dataclass
class Comparison:
    fio: FioResult
    method: str
    bench_p50_ns: float     # None when kxfer-bench has no such point
    memcpy_p50_ns: float    # user memcpy of the same size, or None
    diff: float             # fio / bench - 1, or None

    @property
    def flagged(self):
        return self.diff is not None and abs(self.diff) > DISAGREE


def _load_json(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    # fio may print notes ahead of the JSON document.
    start = text.find("{")
    if start < 0:
        raise BenchError(f"{path}: no JSON object; fio probably failed "
                         "(see fio/*.log next to it)")
    try:
        return json.loads(text[start:])
    except json.JSONDecodeError as e:
        raise BenchError(f"{path}: not valid fio JSON ({e}); was the run "
                         "cut short?") from e


def _options(doc, job):
    opts = dict(doc.get("global options", {}))
    opts.update(job.get("job options", {}))
    return opts


def _size(text):
    """fio's bs syntax as written by fio-crosscheck.sh: plain bytes or
    with a k/m suffix (1024-based, fio's default for bs)."""
    text = str(text).strip().lower().rstrip("b").rstrip("i")
    scale = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(text[-1:], 1)
    if scale != 1:
        text = text[:-1]
    return int(float(text) * scale)


def load_results(folder):
    """All fio/*.json of a results folder, sorted by engine, rw, bs."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "fio", "*.json"))):
        doc = _load_json(path)
        jobs = doc.get("jobs") or []
        if not jobs:
            raise BenchError(f"{path}: fio JSON without jobs")
        job = jobs[0]
        opts = _options(doc, job)
        try:
            engine = opts["ioengine"]
            rw = opts["rw"]
            bs = _size(opts["bs"])
        except (KeyError, ValueError) as e:
            raise BenchError(f"{path}: job options lack ioengine/rw/bs "
                             f"({e}); not written by fio-crosscheck.sh?")
        side = job.get("read" if "read" in rw else "write", {})
        clat = side.get("clat_ns", {})
        pct = clat.get("percentile", {})
        p50 = pct.get("50.000000")
        if p50 is None:
            raise BenchError(f"{path}: no clat_ns 50th percentile; run fio "
                             "with percentile_list including 50")
        out.append(FioResult(file=os.path.relpath(path, folder),
                             engine=engine, rw=rw, bs=bs,
                             p50_ns=float(p50),
                             mean_ns=float(side.get("lat_ns", {})
                                           .get("mean", 0.0)),
                             bw_bytes=float(side.get("bw_bytes", 0.0)),
                             ios=int(side.get("total_ios", 0)),
                             error=int(job.get("error", 0))))
    return sorted(out, key=lambda r: (r.engine, r.rw, r.bs))


def compare(results, rows, threads):
    """Each fio result beside kxfer-bench's p50 for the same size."""
    def p50(method, size):
        for r in rows:
            if (r.method == method and r.size_bytes == size and
                    r.threads == threads):
                return r.p50_ns
        return None

    out = []
    for f in results:
        method = COUNTERPART.get((f.engine, f.rw))
        bench = p50(method, f.bs) if method and not f.error else None
        diff = f.p50_ns / bench - 1 if bench else None
        out.append(Comparison(fio=f, method=method or "-",
                              bench_p50_ns=bench,
                              memcpy_p50_ns=p50("memcpy", f.bs),
                              diff=diff))
    return out

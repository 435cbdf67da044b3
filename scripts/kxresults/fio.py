# SPDX-License-Identifier: GPL-2.0
"""fio's JSON output (scripts/fio-crosscheck.sh) beside kxfer-bench's, like
for like.

fio-crosscheck.sh runs fio with size=bs (every I/O at offset 0, as
kxfer-bench's operations) and gtod_reduce=1 (no clock reads per I/O), so
fio reports only runtime and I/O count: the statistic compared is the
mean time per operation over the whole run on both sides (fio: runtime /
total_ios; kxfer-bench: mean_ns).  And it runs kxfer-bench itself for the
same sizes: `--consume none` for read/write against fio's psync engine
(neither side touches the data), `--consume copy` for mmap-read/mmap-write
against fio's mmap engine (which memcpy()s every block between its buffer
and the mapping, as the copy mode does), into fio/kxfer-none.csv and
fio/kxfer-copy.csv.

Folders from before (fio with clat percentiles, no fio/kxfer-*.csv) are
shown but not judged: their two sides did unlike work.
"""
import glob
import json
import os
from dataclasses import dataclass

from .benchcsv import BenchError, read_csv

# (fio ioengine, rw) -> (kxfer-bench method, consume) doing the same job.
COUNTERPART = {
    ("psync", "read"): ("read", "none"),
    ("psync", "write"): ("write", "none"),
    ("mmap", "read"): ("mmap-read", "copy"),
    ("mmap", "write"): ("mmap-write", "copy"),
}
DISAGREE = 0.10     # the goal: within 10 %
GOAL_FROM = 64 << 10    # ... at and above 64 KiB


@dataclass
class FioResult:
    file: str
    engine: str
    rw: str
    bs: int
    per_io_ns: float    # mean time per I/O: runtime / total_ios
    bw_bytes: float     # bytes per second over the whole job
    ios: int
    error: int          # fio's error code for the job, 0 = fine
    like_for_like: bool  # size=bs and gtod_reduce (fio-crosscheck.sh)


@dataclass
class Comparison:
    fio: FioResult
    method: str
    bench: object           # benchcsv.Row of the counterpart, or None
    diff: object            # fio / kxfer-bench - 1, or None
    status: str             # ok, uncertain, small, flagged, unjudged, -
    reason: str             # the measured reason, for the report

    @property
    def flagged(self):
        return self.status == "flagged"


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
        ios = int(side.get("total_ios", 0))
        runtime_ms = float(side.get("runtime", 0))
        per_io = runtime_ms * 1e6 / ios if ios else 0.0
        like = (str(opts.get("gtod_reduce", "0")) == "1" and
                "size" in opts and _size(opts["size"]) == bs)
        out.append(FioResult(file=os.path.relpath(path, folder),
                             engine=engine, rw=rw, bs=bs,
                             per_io_ns=per_io,
                             bw_bytes=float(side.get("bw_bytes", 0.0)),
                             ios=ios, error=int(job.get("error", 0)),
                             like_for_like=like))
    return sorted(out, key=lambda r: (r.engine, r.rw, r.bs))


def load_bench(folder, fallback_rows):
    """kxfer-bench's rows for the cross-check: fio/kxfer-*.csv when
    fio-crosscheck.sh wrote them, else the run's own rows."""
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "fio",
                                              "kxfer-*.csv"))):
        rows += read_csv(path)[1]
    return rows or list(fallback_rows)


def uncertainty(row):
    """kxfer-bench's own relative uncertainty of a point: the larger of
    its between-repetition CV and the half-width of its p50 interval
    relative to p50; 0 when the CSV has neither."""
    u = row.cv or 0.0
    if row.has_ci:
        u = max(u, (row.p50_ci_high_ns - row.p50_ci_low_ns) / 2
                / row.p50_ns)
    return u


def judge(f, row):
    """(status, reason) of one fio point against its kxfer-bench row.
    Every verdict but ok carries the numbers it rests on."""
    if f.error:
        return "-", f"fio error {f.error}"
    if row is None or not f.per_io_ns:
        return "-", "no kxfer-bench point at this size"
    diff = f.per_io_ns / row.mean_ns - 1
    delta = f.per_io_ns - row.mean_ns
    if not f.like_for_like:
        return "unjudged", ("fio ran without size=bs/gtod_reduce (an older "
                            "run): unlike work, not judged")
    if abs(diff) <= DISAGREE:
        return "ok", f"within {DISAGREE * 100:.0f}%"
    u = uncertainty(row)
    if row.is_noisy or abs(diff) <= DISAGREE + 2 * u:
        return "uncertain", (
            f"kxfer-bench's point is uncertain (cv "
            f"{(row.cv or 0) * 100:.1f}%, p50 interval ±{u * 100:.1f}%"
            + (", flagged noisy" if row.is_noisy else "")
            + "): re-measure it before blaming fio")
    if f.bs < GOAL_FROM:
        return "small", (f"below 64 KiB, outside the goal: fio "
                         f"{'+' if delta >= 0 else '-'}{abs(delta):.0f} ns "
                         "per I/O: a fixed cost per I/O weighs more at "
                         "small blocks")
    return "flagged", (f"**{diff * 100:+.0f}% at >= 64 KiB** (fio "
                       f"{abs(delta):.0f} ns per I/O "
                       f"{'slower' if delta >= 0 else 'faster'}; kxfer "
                       f"uncertainty ±{u * 100:.1f}%): unexplained")


def compare(results, rows, threads):
    """Each fio result beside kxfer-bench's counterpart of the same size
    and user work."""
    def find(method, consume, size):
        for r in rows:
            if (r.method == method and r.size_bytes == size and
                    r.threads == threads and
                    (consume is None or r.consume == consume)):
                return r
        return None

    out = []
    for f in results:
        method, consume = COUNTERPART.get((f.engine, f.rw), ("-", None))
        row = find(method, consume if f.like_for_like else None, f.bs)
        status, reason = judge(f, row)
        diff = (f.per_io_ns / row.mean_ns - 1
                if row is not None and f.per_io_ns and not f.error
                else None)
        out.append(Comparison(fio=f, method=method, bench=row, diff=diff,
                              status=status, reason=reason))
    return out


def goal(comps):
    """(met, judged) at >= 64 KiB among like-for-like points."""
    judged = [c for c in comps if c.fio.bs >= GOAL_FROM and
              c.status in ("ok", "uncertain", "flagged")]
    return sum(c.status == "ok" for c in judged), len(judged)

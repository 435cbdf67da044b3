# SPDX-License-Identifier: GPL-2.0
"""The copy-or-mmap verdict as kxfer-bench wrote it, for formatting.

kxfer-bench decides once (docs/CONTRACTS.md, "Benchmark CSV"): on the mmap
row of a copy/mmap pair it writes `pair` (the copy method), `ratio`
(p50 of the copy method / p50 of this one: above 1 the mapping is faster),
its 95% interval `ratio_ci_low`..`ratio_ci_high`, and `verdict` (copy, mmap
or tie within the intervals); the crossovers are `# crossover:` metadata
lines.  This module only collects those values; it computes none of them,
so the table, report.md and the speedup plot cannot disagree with the
tool or with each other.
"""
from collections import OrderedDict
from dataclasses import dataclass

from .analysis import fmt_size

# The page cache's own copy/mmap pairs (memfd), beside kxfer's.
PAGE_CACHE_PREFIX = "memfd-"

VERDICT_TEXT = {"mmap": "mmap faster", "copy": "copy faster",
                "tie": "tie (intervals overlap)"}


@dataclass
class Point:
    size: int
    ratio: float
    low: object         # float or None (CSV without an interval)
    high: object
    verdict: str        # copy, mmap, tie ("" when the CSV has none)
    mmap_row: object    # benchcsv.Row
    copy_row: object    # benchcsv.Row or None


@dataclass
class Crossover:
    """One `# crossover:` line: where the verdict changes, as an interval
    of measured sizes and the repetitions that agree."""
    copy: str
    mmap: str
    direction: str
    consume: str
    backing: str
    page_map: str       # "base" when the line says so, else "huge"
    cache: str          # "cold" when the line says so, else "hot"
    low: object         # int bytes, or None when there is no crossing
    high: object
    agree: str          # "5/5", or "none"

    @property
    def text(self):
        if self.low is None or self.high is None:
            return "no crossover in the measured range"
        got, _, of = self.agree.partition("/")
        reps = (f" in {got} of {of} repetitions" if of else
                f" (agreement {self.agree})")
        return (f"between {fmt_size(self.low)} and {fmt_size(self.high)}"
                + reps)


@dataclass
class Pair:
    copy: str
    mmap: str
    direction: str
    consume: str
    work: str
    backing: str
    mapping: str
    cache: str
    points: list        # Point, ascending size
    crossover: object   # Crossover or None

    @property
    def label(self):
        return f"{self.copy} vs {self.mmap}"

    @property
    def page_cache(self):
        return self.mmap.startswith(PAGE_CACHE_PREFIX)

    @property
    def key(self):
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in
                       f"{self.direction}-{self.copy}-{self.mmap}-"
                       f"{self.consume}")

    def at(self, size):
        for p in self.points:
            if p.size == size:
                return p
        return None

    def legend(self):
        """A few words for plot legends."""
        x = self.crossover
        if x is not None and x.low is not None:
            return (f"crossover {fmt_size(x.low)}..{fmt_size(x.high)} "
                    f"({x.agree} reps)")
        return self.runs().replace("every measured size", "every size")

    def runs(self):
        """The verdicts as written, grouped by size: 'mmap faster
        64..4K, tie 16K..64K'."""
        out = []
        for p in self.points:
            if out and out[-1][0] == p.verdict:
                out[-1][2] = p.size
            else:
                out.append([p.verdict, p.size, p.size])
        if len(out) == 1:
            return f"{VERDICT_TEXT.get(out[0][0], 'no verdict')} at " \
                "every measured size"
        return ", ".join(
            f"{VERDICT_TEXT.get(v, 'no verdict')} "
            + (fmt_size(a) if a == b else f"{fmt_size(a)}..{fmt_size(b)}")
            for v, a, b in out)

    def summary(self):
        """The crossover (when kxfer-bench reported one) and the verdicts
        by size."""
        text = self.runs()
        if self.crossover is not None and self.crossover.low is not None:
            text = f"crossover {self.crossover.text} ({text})"
        return text


def _fields(text):
    """'pair=write/mmap-write direction=to_kernel low=512 ...' -> dict."""
    out = {}
    for word in text.split():
        key, eq, value = word.partition("=")
        if eq:
            out[key] = value
    return out


def _size(text):
    return int(text) if text.strip().isdigit() else None


def crossovers(meta):
    """Every `# crossover:` metadata line, in file order."""
    out = []
    for line in meta.all("crossover") if hasattr(meta, "all") else []:
        f = _fields(line)
        copy, _, mmap = f.get("pair", "").partition("/")
        if not copy or not mmap:
            continue
        out.append(Crossover(copy=copy, mmap=mmap,
                             direction=f.get("direction", ""),
                             consume=f.get("consume", ""),
                             backing=f.get("backing", ""),
                             page_map=f.get("page_map", "huge"),
                             cache=f.get("cache", "hot"),
                             low=_size(f.get("low", "")),
                             high=_size(f.get("high", "")),
                             agree=f.get("agree", "none")))
    return out


def pairs(run, threads, rows=None):
    """The copy/mmap pairs of `rows` (default run.rows) at `threads`, in
    CSV order, each with its points and crossover as kxfer-bench wrote
    them.  [] for a CSV without the verdict columns."""
    rows = run.rows if rows is None else rows
    index = {(r.method, r.size_bytes, r.consume, r.work, r.backing,
              r.cache): r for r in rows if r.threads == threads}
    groups = OrderedDict()
    for r in rows:
        if r.threads != threads or not r.pair or r.ratio is None:
            continue
        key = (r.pair, r.method, r.direction, r.consume, r.work, r.backing,
               r.mapping, r.cache, r.page_map)
        groups.setdefault(key, OrderedDict())[r.size_bytes] = r
    xs = crossovers(run.meta)
    out = []
    for (copy, mmap, direction, consume, work, backing, mapping,
         cache, page_map), by_size in groups.items():
        points = []
        for size in sorted(by_size):
            r = by_size[size]
            points.append(Point(
                size=size, ratio=r.ratio, low=r.ratio_ci_low,
                high=r.ratio_ci_high, verdict=r.verdict, mmap_row=r,
                copy_row=index.get((copy, size, consume, work, backing,
                                    cache))))
        found = [x for x in xs if (x.copy, x.mmap, x.direction) ==
                 (copy, mmap, direction) and x.consume in (consume, "")
                 and x.backing in (backing, "") and
                 (x.page_map == "base") == (page_map == "base") and
                 (x.cache == "cold") == (cache == "cold")]
        out.append(Pair(copy=copy, mmap=mmap, direction=direction,
                        consume=consume, work=work, backing=backing,
                        mapping=mapping, cache=cache, points=points,
                        crossover=found[0] if found else None))
    return out


def ratio_cell(p):
    """'3.10x [2.90, 3.31] mmap' as tables write it."""
    if p is None:
        return "-"
    text = f"{p.ratio:.2f}x"
    if p.low is not None and p.high is not None:
        text += f" [{p.low:.2f}, {p.high:.2f}]"
    if p.verdict:
        text += f" {p.verdict}"
    return text


NO_VERDICT = ("This CSV carries no verdict (no `pair`, `ratio` and "
              "`verdict` columns: it was written by a kxfer-bench older "
              "than the repetitions). The pipeline does not compute a "
              "verdict of its own; re-run kxfer-bench for one.")

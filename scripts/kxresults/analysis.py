# SPDX-License-Identifier: GPL-2.0
"""What the plots and reports show: series, speedup ratios, crossovers.

Definitions (also in docs/reading-the-plots.md):
  speedup(size) = p50(copy method) / p50(mmap method), so > 1 means the
  mmap path is faster.  The pairs are the ones kxfer-bench's own table
  compares (bench/compare.c).
  A crossover is where speedup crosses 1 between two neighbouring measured
  sizes; its size is interpolated linearly in log(size) against
  log(speedup), like kxfer-bench does.
"""
import math
from collections import OrderedDict
from dataclasses import dataclass

TRANSFER_DIRECTIONS = ("to_kernel", "from_kernel", "roundtrip")
DIRECTION_TITLES = {
    "to_kernel": "to the kernel (user -> kernel)",
    "from_kernel": "from the kernel (kernel -> user)",
    "roundtrip": "round trip (user -> kernel -> user)",
    "setup": "mapping set-up costs",
    "none": "baselines",
}

# (direction, copy method, mmap method, extra cost added to mmap, label)
PAIRS = (
    ("to_kernel", "write", "mmap-write", None, "write vs mmap-write"),
    ("from_kernel", "read", "mmap-read", None, "read vs mmap-read"),
    ("roundtrip", "copy-roundtrip", "mmap-roundtrip", None,
     "copy-roundtrip vs mmap-roundtrip"),
)
# Not a direction of its own: a mapping made for every transfer.
UNKEPT_PAIR = ("to_kernel", "write", "mmap-write", "mmap-setup",
               "mapping not kept: write vs mmap-setup + mmap-write")

CEILING_METHOD = "memcpy"
FLOOR_METHOD = "null-ioctl"


@dataclass
class Series:
    key: str            # unique, file-name safe
    method: str
    path: str
    direction: str
    title: str
    rows: list          # Row, ascending size


@dataclass
class Crossover:
    size: float         # interpolated size where speedup == 1
    below: int          # measured size just below
    above: int          # measured size just above
    mmap_wins_above: bool


@dataclass
class Ratio:
    direction: str
    copy: str
    mmap: str
    extra: str
    label: str
    points: list        # (size, speedup)
    crossovers: list


def primary_threads(rows):
    """Plots show one thread count: 1 if measured, else the smallest."""
    counts = sorted({r.threads for r in rows})
    return 1 if 1 in counts else counts[0]


def thread_counts(rows):
    return sorted({r.threads for r in rows})


def safe_name(text):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def series_of(rows, threads, direction=None, methods=None):
    """Series in CSV order; one per (method, consume, work)."""
    groups = OrderedDict()
    for r in rows:
        if r.threads != threads:
            continue
        if direction is not None and r.direction != direction:
            continue
        if methods is not None and r.method not in methods:
            continue
        groups.setdefault((r.method, r.consume, r.work), []).append(r)
    variants = {}
    for method, _, _ in groups:
        variants[method] = variants.get(method, 0) + 1
    out = []
    for (method, consume, work), rs in groups.items():
        by_size = OrderedDict()
        for r in sorted(rs, key=lambda r: r.size_bytes):
            by_size[r.size_bytes] = r     # a repeated point: keep the last
        title = method
        key = method
        if variants[method] > 1:
            title += f" [consume={consume}, work={work}]"
            key += f"-{consume}-{work}"
        out.append(Series(key=safe_name(key), method=method,
                          path=rs[0].path, direction=rs[0].direction,
                          title=title, rows=list(by_size.values())))
    return out


def attr_series(run, threads, direction):
    """Per (backing, mapping) of a sweep: its mmap methods' series, and
    once per backing its copy methods and baselines (mapping n/a).
    Returns [(combo index, Series)] with the combination in the title."""
    out = []
    for i, (backing, mapping) in enumerate(run.combos):
        first_of_backing = all(c[0] != backing for c in run.combos[:i])
        for s in series_of(run.rows_of(backing, mapping), threads,
                                    direction=direction):
            copy_like = s.rows[0].mapping == "n/a"
            # Copy path and baselines: once per backing, not per mapping.
            if copy_like and not first_of_backing:
                continue
            tag = backing if copy_like else f"{backing}, {mapping}"
            out.append((i, Series(
                key=safe_name(f"{s.key}-{backing}-{mapping}"),
                method=s.method, path=s.path, direction=s.direction,
                title=f"{s.title} [{tag}]", rows=s.rows)))
    return out


def _p50_by_size(rows, threads, method):
    """size -> p50 for a method; with several consume/work variants, the
    one listed first in the CSV (kxfer-bench writes one run's settings)."""
    found = series_of(rows, threads, methods={method})
    if not found:
        return {}
    return {r.size_bytes: r.p50_ns for r in found[0].rows}


def crossovers(points):
    """points: ascending (size, speedup).  Every crossing of speedup 1.

    A point with speedup exactly 1 is skipped: the crossing is then
    interpolated between its neighbours, which are on opposite sides.
    """
    out = []
    prev = None             # (size, log speedup) of the last point != 1
    for size, speedup in points:
        here = math.log(speedup)
        if here == 0:
            continue
        if prev is not None and (prev[1] < 0) != (here < 0):
            s0, l0 = prev
            frac = l0 / (l0 - here)
            x = math.exp(math.log(s0) +
                         frac * (math.log(size) - math.log(s0)))
            out.append(Crossover(size=x, below=s0, above=size,
                                 mmap_wins_above=here > 0))
        prev = (size, here)
    return out


def ratio_for(rows, threads, pair):
    direction, copy, mmap, extra, label = pair
    c = _p50_by_size(rows, threads, copy)
    m = _p50_by_size(rows, threads, mmap)
    e = _p50_by_size(rows, threads, extra) if extra else {}
    points = []
    for size in sorted(set(c) & set(m)):
        if extra and size not in e:
            continue
        mmap_ns = m[size] + (e[size] if extra else 0.0)
        points.append((size, c[size] / mmap_ns))
    if not points:
        return None
    return Ratio(direction=direction, copy=copy, mmap=mmap, extra=extra,
                 label=label, points=points, crossovers=crossovers(points))


def ratios(rows, threads, with_unkept=True):
    out = []
    pairs = PAIRS + ((UNKEPT_PAIR,) if with_unkept else ())
    for pair in pairs:
        r = ratio_for(rows, threads, pair)
        if r is not None:
            out.append(r)
    return out


def crossover_text(ratio):
    """One line for reports and plot keys."""
    lo = fmt_size(ratio.points[0][0])
    hi = fmt_size(ratio.points[-1][0])
    if not ratio.crossovers:
        if all(s > 1 for _, s in ratio.points):
            who = "mmap faster at every size"
        elif all(s < 1 for _, s in ratio.points):
            who = "copy faster at every size"
        else:
            who = "equal somewhere, no sign change"
        return f"no crossover in range {lo}..{hi} ({who})"
    parts = []
    for x in ratio.crossovers:
        side = "above" if x.mmap_wins_above else "below"
        parts.append(f"~{fmt_size(x.size, approx=True)} (between "
                     f"{fmt_size(x.below)} and {fmt_size(x.above)}; mmap "
                     f"faster {side})")
    text = "crossover at " + "; ".join(parts)
    if len(ratio.crossovers) > 1:
        text += " -- several crossings: noise or a real dip, check the plot"
    return text


def crossover_short(ratio):
    """A few words for plot legends."""
    xs = ratio.crossovers
    if not xs:
        return "no crossover in range"
    sizes = ["~" + fmt_size(x.size, approx=True) for x in xs]
    if len(xs) == 1:
        return "crossover " + sizes[0]
    if len(xs) == 2:
        return "crossovers " + ", ".join(sizes)
    return f"{len(xs)} crossovers, {sizes[0]} .. {sizes[-1]}"


def fmt_size(n, approx=False):
    """4K, 64K, 1M like kxfer-bench's --sizes; decimals when approx."""
    for unit, scale in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if n >= scale:
            v = n / scale
            if not approx and v == int(v):
                return f"{int(v)}{unit}"
            if approx:
                return f"{v:.3g}{unit}"
            return f"{int(n)}"
    return f"{n:.0f}" if approx else f"{int(n)}"


def _num(v):
    """Three significant digits without exponents: 1.23, 12.3, 123, 1234."""
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_ns(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{_num(ns / scale)} {unit}"
    return f"{_num(ns)} ns"


def fmt_rate(bps):
    """Decimal prefixes: 1 GB/s = 1e9 bytes per second."""
    for unit, scale in (("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)):
        if bps >= scale:
            return f"{_num(bps / scale)} {unit}"
    return f"{_num(bps)} B/s"


def pick_sizes(sizes, wanted=(4096, 65536, 1 << 20)):
    """A few sizes for tables: the smallest and the largest measured, and
    4K, 64K, 1M when measured; up to four spread over the range when that
    gives fewer than three."""
    sizes = sorted(set(sizes))
    if not sizes:
        return []
    chosen = {sizes[0], sizes[-1]} | {s for s in wanted if s in sizes}
    if len(chosen) < 3 and len(sizes) > 2:
        n = min(4, len(sizes))
        chosen |= {sizes[round(i * (len(sizes) - 1) / (n - 1))]
                   for i in range(n)}
    return sorted(chosen)


# --page-map (huge vs base page mappings of the same buffer): the methods
# whose time is the mapping itself, and those that move data through a
# kept mapping.
PAGEMAP_SETUP_METHODS = ("mmap-fault", "mmap-setup")
PAGEMAP_TRANSFER_METHODS = ("mmap-read", "mmap-write", "mmap-roundtrip")


@dataclass
class PageMapPair:
    """One method measured with both page maps on one (backing, mapping)."""
    backing: str
    mapping: str
    method: str
    path: str
    direction: str
    huge: list          # Row, ascending size
    base: list


def page_map_pairs(run, threads):
    """Every method with page_map huge and base rows for the same backing,
    mapping, consume and work, in CSV order."""
    groups = OrderedDict()
    for r in run.every_row:
        if r.threads != threads or r.page_map not in ("huge", "base"):
            continue
        key = (r.backing, r.mapping, r.method, r.consume, r.work)
        g = groups.setdefault(key, {"huge": {}, "base": {}})
        g[r.page_map][r.size_bytes] = r
    out = []
    for (backing, mapping, method, _, _), g in groups.items():
        if not g["huge"] or not g["base"]:
            continue
        first = next(iter(g["huge"].values()))
        out.append(PageMapPair(
            backing=backing, mapping=mapping, method=method,
            path=first.path, direction=first.direction,
            huge=[g["huge"][s] for s in sorted(g["huge"])],
            base=[g["base"][s] for s in sorted(g["base"])]))
    return out


def pmd_size(run, pairs):
    """The size from which a mapping can be one huge page: the metadata's
    hpage_pmd_size, else the largest pmd_bytes measured; None when neither
    says."""
    text = run.meta.get("hpage_pmd_size", "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    measured = [r.pmd_bytes for p in pairs for r in p.huge + p.base
                if r.pmd_bytes]
    return max(measured) if measured else None


def page_map_ratio(pair, size):
    """p50(base) / p50(huge) at size, with both rows; None if unmeasured."""
    huge = {r.size_bytes: r for r in pair.huge}.get(size)
    base = {r.size_bytes: r for r in pair.base}.get(size)
    if huge is None or base is None:
        return None, huge, base
    return base.p50_ns / huge.p50_ns, huge, base

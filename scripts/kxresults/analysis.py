# SPDX-License-Identifier: GPL-2.0
"""What the plots and reports show: series per method, sizes, units.

The copy-or-mmap verdict, ratios and crossovers are kxfer-bench's and are
read by verdict.py; nothing here computes one.
"""
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

# The user work of the headline: the producer writes every byte (fill),
# the consumer reads every byte (read).  copy, touch and none give the
# range beside it (report.md, speedup-consume plot).
HEADLINE_CONSUME = ("fill", "read")

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


def headline_rows(rows):
    """The rows of the headline user work: transfer rows with consume fill
    or read, and every other row (baselines, set-up).  A CSV without
    those modes (older kxfer-bench): all rows."""
    if not any(r.consume in HEADLINE_CONSUME for r in rows):
        return rows
    return [r for r in rows if r.direction not in TRANSFER_DIRECTIONS or
            r.consume in HEADLINE_CONSUME]


def consumes(rows, direction=None):
    """The consume modes of the transfer rows, in CSV order."""
    out = []
    for r in rows:
        if r.direction in TRANSFER_DIRECTIONS and (
                direction is None or r.direction == direction) and \
                r.consume not in out:
            out.append(r.consume)
    return out


def sample_note(rows):
    """'5 reps x >=37 samples' for legends: repetitions and the fewest
    kept samples per repetition of any point; older CSVs: 'one run, no
    interval'."""
    reps = {r.repeats for r in rows}
    samples = [r.samples for r in rows if r.samples is not None]
    if None in reps or not samples:
        return "one run, no interval"
    r = max(reps)
    return f"{r} rep{'s' if r != 1 else ''} x >={min(samples):.0f} samples"


def primary_threads(rows):
    """Plots show one thread count: 1 if measured, else the smallest."""
    counts = sorted({r.threads for r in rows})
    return 1 if 1 in counts else counts[0]


def thread_counts(rows):
    return sorted({r.threads for r in rows})


def safe_name(text):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def series_of(rows, threads, direction=None, methods=None):
    """Series in CSV order; one per (method, consume, work, cache)."""
    groups = OrderedDict()
    for r in rows:
        if r.threads != threads:
            continue
        if direction is not None and r.direction != direction:
            continue
        if methods is not None and r.method not in methods:
            continue
        groups.setdefault((r.method, r.consume, r.work, r.cache),
                          []).append(r)
    variants = {}
    for method, _, _, _ in groups:
        variants[method] = variants.get(method, 0) + 1
    out = []
    for (method, consume, work, cache), rs in groups.items():
        by_size = OrderedDict()
        for r in sorted(rs, key=lambda r: r.size_bytes):
            by_size[r.size_bytes] = r     # a repeated point: keep the last
        title = method
        key = method
        if variants[method] > 1:
            title += f" [consume={consume}, work={work}"
            key += f"-{consume}-{work}"
            if cache == "cold":
                title += ", cold caches"
                key += "-cold"
            title += "]"
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

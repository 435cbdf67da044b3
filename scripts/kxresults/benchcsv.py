# SPDX-License-Identifier: GPL-2.0
"""kxfer-bench CSV (docs/CONTRACTS.md, "Benchmark CSV") into Python objects.

Every problem is reported as a BenchError naming the file, the line and what
to do, because the CSV may come from a board, a spreadsheet or a hand edit.
"""
import csv
import os
import re
from dataclasses import dataclass, field

COLUMNS = (
    "method", "path", "direction", "size_bytes", "threads", "consume",
    "work", "iterations", "min_ns", "p50_ns", "p90_ns", "p99_ns",
    "p999_ns", "max_ns", "mean_ns", "stddev_ns", "mad_ns",
    "bytes_per_s_p50",
)
INT_COLUMNS = ("size_bytes", "threads", "iterations")
FLOAT_COLUMNS = ("min_ns", "p50_ns", "p90_ns", "max_ns", "mean_ns",
                 "stddev_ns", "mad_ns", "bytes_per_s_p50")
# Empty when too few samples for the percentile (p99 below 100, p99.9
# below 1000 samples): None then.
TAIL_COLUMNS = ("p99_ns", "p999_ns")
# Added after the columns above (ABI 2); a CSV without them was measured
# on the vmalloc backing with cached mappings.
ATTR_COLUMNS = ("backing", "mapping")
DEFAULT_BACKING = "vmalloc"
DEFAULT_MAPPING = "cached"
NO_ATTR = "n/a"
# Added after those (ABI 3, --page-map): the page map the mmap rows asked
# for and the PMD-mapped bytes measured for one mapping.  A CSV without
# them let the kernel choose the address (huge) and did not measure.
PAGEMAP_COLUMNS = ("page_map", "pmd_bytes")
PAGE_MAPS = ("huge", "base")
DEFAULT_PAGE_MAP = "huge"
BASE = "base"
# pmd_bytes words besides a byte count: not an mmap row, not measured.
PMD_WORDS = (NO_ATTR, "unknown")
# Appended after those (repetitions, uncertainty, CPU cost and the
# verdict kxfer-bench computes; docs/CONTRACTS.md).  Read by name when the
# header has them; an older CSV gets the default, which reads as "not
# measured".  kind: int, float (None when the cell is empty), or str.
MEASURE_COLUMNS = {
    "cache": (str, "hot"),
    "repeats": (int, None),
    "samples": (float, None),   # kept samples per repetition, median
    "dropped": (int, None),
    "p50_ci_low_ns": (float, None),
    "p50_ci_high_ns": (float, None),
    "cv": (float, None),
    "noisy": (str, ""),
    "cpu_ns_per_byte": (float, None),
    "cycles": (float, None),
    "instructions": (float, None),
    "page_faults": (float, None),
    "dtlb_misses": (float, None),
    "llc_misses": (float, None),
    "pair": (str, ""),
    "ratio": (float, None),
    "ratio_ci_low": (float, None),
    "ratio_ci_high": (float, None),
    "verdict": (str, ""),
}
VERDICTS = ("copy", "mmap", "tie")
PATHS = ("copy", "mmap", "baseline")
DIRECTIONS = ("to_kernel", "from_kernel", "roundtrip", "setup", "none")

META_LINE = re.compile(r"^#\s*([^:]+?)\s*:\s?(.*)$")


class BenchError(Exception):
    """A results file that cannot be used, with the reason for the user."""


@dataclass
class Row:
    method: str
    path: str
    direction: str
    size_bytes: int
    threads: int
    consume: str
    work: str
    iterations: int
    min_ns: float
    p50_ns: float
    p90_ns: float
    max_ns: float
    mean_ns: float
    stddev_ns: float
    mad_ns: float
    bytes_per_s_p50: float
    p99_ns: object = None       # float, or None (too few samples)
    p999_ns: object = None
    backing: str = DEFAULT_BACKING
    mapping: str = DEFAULT_MAPPING
    page_map: str = DEFAULT_PAGE_MAP
    # Bytes; None when n/a (not an mmap row) or not measured.
    pmd_bytes: object = None
    # Whether backing and mapping came from the CSV or are the defaults.
    attrs_given: bool = field(default=False, compare=False)
    # The same for page_map and pmd_bytes; pmd_text is the CSV's word.
    pagemap_given: bool = field(default=False, compare=False)
    pmd_text: str = field(default=NO_ATTR, compare=False)
    # MEASURE_COLUMNS by name (defaults when the CSV predates them).
    cache: str = "hot"
    repeats: object = None
    samples: object = None
    dropped: object = None
    p50_ci_low_ns: object = None
    p50_ci_high_ns: object = None
    cv: object = None
    noisy: str = ""
    cpu_ns_per_byte: object = None
    cycles: object = None
    instructions: object = None
    page_faults: object = None
    dtlb_misses: object = None
    llc_misses: object = None
    pair: str = ""
    ratio: object = None
    ratio_ci_low: object = None
    ratio_ci_high: object = None
    verdict: str = ""

    @property
    def is_noisy(self):
        return self.noisy == "yes"

    @property
    def has_ci(self):
        return (self.p50_ci_low_ns is not None and
                self.p50_ci_high_ns is not None)


def combo_label(backing, mapping):
    return f"backing {backing}, mapping {mapping}"


@dataclass
class Run:
    """One results folder: the CSV's metadata and rows, plus meta.txt."""
    folder: str
    csv_path: str
    meta: dict
    rows: list
    meta_txt: str = ""
    notes: list = field(default_factory=list)
    # Every row; `rows` holds those of the primary (backing, mapping)
    # when the CSV sweeps several (see select_primary()).
    all_rows: list = field(default_factory=list)
    combos: list = field(default_factory=list)
    primary: tuple = (DEFAULT_BACKING, DEFAULT_MAPPING)

    # Every row, base page maps included (see split_page_maps()).
    every_row: list = field(default_factory=list)
    # Why the file ends inside a row (read_csv), else None.
    cut: object = None

    def __post_init__(self):
        self.split_page_maps()
        self.select_primary()

    def split_page_maps(self):
        """A page_map base row that has a huge twin (same method, size,
        threads, backing, mapping, consume, work) belongs to the
        "Huge-page mappings" section and the pagemap-* plots only; every
        other plot and table shows the huge rows, as runs without
        --page-map have."""
        self.every_row = list(self.rows)
        huge = {_twin_key(r) for r in self.rows if r.page_map != BASE}
        self.rows = [r for r in self.rows
                     if r.page_map != BASE or _twin_key(r) not in huge]

    @property
    def page_map_pairs(self):
        """Whether the CSV holds base rows with huge twins."""
        return len(self.rows) != len(self.every_row)

    def select_primary(self):
        """One (backing, mapping) for the plots and tables that compare
        methods: the device's backing at start and cached mappings when
        measured.  The other combinations get their own section."""
        self.all_rows = list(self.rows)
        combos = []
        for r in self.all_rows:
            if r.backing == NO_ATTR:
                continue
            if r.mapping != NO_ATTR and (r.backing, r.mapping) not in combos:
                combos.append((r.backing, r.mapping))
        # A backing measured without any mmap method: its rows alone.
        for r in self.all_rows:
            if r.backing != NO_ATTR and \
                    r.backing not in (c[0] for c in combos):
                combos.append((r.backing, NO_ATTR))
        # Device-free rows (backing n/a: baselines, memfd pairs) belong to
        # every combination; a run of them alone is one combination.
        self.combos = combos or [(NO_ATTR, NO_ATTR)]
        combos = self.combos
        backings = [c[0] for c in combos]
        start = self.meta.get("backing", "").strip()
        backing = start if start in backings else backings[0]
        mappings = [c[1] for c in combos if c[0] == backing]
        mapping = (DEFAULT_MAPPING if DEFAULT_MAPPING in mappings else
                   mappings[0])
        self.primary = (backing, mapping)
        if self.multi_attr:
            self.rows = self.rows_of(backing, mapping)

    @property
    def multi_attr(self):
        return len(self.combos) > 1

    def rows_of(self, backing, mapping):
        """Rows of one combination: its mmap rows, the copy and baseline
        rows (mapping n/a) of its backing, and the device-free rows
        (backing n/a)."""
        return [r for r in self.all_rows if r.backing in (backing, NO_ATTR)
                and r.mapping in (mapping, NO_ATTR)]

    @property
    def primary_label(self):
        return combo_label(*self.primary)

    def get(self, key, default="unknown"):
        value = self.meta.get(key, "").strip()
        return value if value else default

    @property
    def machine(self):
        return self.get("machine")

    @property
    def kernel(self):
        return self.get("kernel")

    @property
    def emulated(self):
        """True, False, or None when the CSV does not say."""
        return emulated_of(self.meta)

    @property
    def accel(self):
        return accel_of(self.meta)

    @property
    def accel_label(self):
        """The accelerator label every plot and report carries."""
        return {"kvm": "KVM guest", "tcg": "EMULATED (QEMU TCG)",
                "none": "native", "vm": "VM or emulator"}.get(
                    self.accel, "emulation unknown")

    @property
    def label(self):
        """machine, kernel and accelerator in one line for plot titles."""
        return f"{self.machine}, kernel {self.kernel} [{self.accel_label}]"

    @property
    def partial(self):
        """Why these results are incomplete ([] when they are not): the
        run says it was interrupted, the file ends inside a row, or it
        ends at a row boundary before the run's own grid was complete."""
        why = []
        status = self.get("status", "").split(" ")[0].lower()
        if status == "interrupted":
            why.append("the run was interrupted (metadata status: "
                       f"{self.get('status')})")
        if self.cut:
            why.append(self.cut)
        gap = _grid_gap(self.every_row)
        if gap:
            why.append(gap)
        return why


def emulated_of(meta):
    """The `emulated` metadata: True, False, or None when absent."""
    word = meta.get("emulated", "").strip().lower().split(" ")[0]
    if word.startswith("yes"):
        return True
    if word.startswith("no"):
        return False
    return None


def accel_of(meta):
    """How the CPU ran: "kvm", "tcg", "none" (native), "vm" (a virtual
    machine or emulator the metadata does not name), or None when it says
    neither `accel` nor `emulated`.  Without `accel`, an `emulated` note
    that names QEMU's own machine or CPU model is TCG (the guests of `make
    bench` before `accel` existed); any other is "vm"."""
    word = meta.get("accel", "").strip().split(" ")[0].lower()
    if word in ("kvm", "tcg", "none"):
        return word
    emulated = emulated_of(meta)
    if emulated:
        return "tcg" if "QEMU" in meta.get("emulated", "") else "vm"
    if emulated is False:
        return "none"
    return None


def _grid_gap(rows):
    """A CSV cut at a row boundary parses cleanly; what gives it away is
    the grid: kxfer-bench measures every method at every size of a sweep,
    so in the last row's sweep (same threads, backing, page map, cache) a
    method then lacks sizes the others measured; or a pair row's partner
    is missing.  Returns a sentence, or None."""
    last = rows[-1]

    def sweep(r):
        return (r.threads, r.backing, r.page_map, r.cache)
    same = [r for r in rows if sweep(r) == sweep(last)]
    sizes = {r.size_bytes for r in same}
    by_series = {}
    for r in same:
        by_series.setdefault((r.method, r.consume, r.work),
                             set()).add(r.size_bytes)
    short = [k for k, got in by_series.items() if got != sizes]
    if short:
        lacking = sorted(sizes - by_series[short[0]])
        names = sorted({k[0] for k in short})
        return (f"bench.csv ends before the run's grid is complete: "
                f"{', '.join(names)} lack(s) sizes the other methods of "
                f"the same settings have (e.g. {lacking[0]} bytes); the "
                "file was probably cut at a row boundary")
    have = {(r.method, r.size_bytes, r.threads, r.backing, r.consume,
             r.work, r.cache) for r in rows}
    for r in rows:
        if r.pair and (r.pair, r.size_bytes, r.threads, r.backing,
                       r.consume, r.work, r.cache) not in have:
            return (f"bench.csv lacks the {r.pair} row that {r.method} "
                    f"at {r.size_bytes} bytes is paired with; the file "
                    "was probably cut at a row boundary")
    return None


def _twin_key(r):
    return (r.method, r.size_bytes, r.threads, r.backing, r.mapping,
            r.consume, r.work)


def _number(kind, text, where, column):
    try:
        return kind(text)
    except ValueError:
        pass
    if kind is int:
        # Spreadsheets like to write 4096.0.
        try:
            value = float(text)
            if value.is_integer():
                return int(value)
        except ValueError:
            pass
    raise BenchError(f"{where}: column {column}: '{text}' is not a "
                     f"{'whole number' if kind is int else 'number'}; "
                     "was the file edited or cut short? Re-run "
                     "kxfer-bench --format csv to regenerate it")


class Meta(dict):
    """The `# key: value` lines, last value of a key wins; `repeated`
    keeps every value of keys that come more than once (`crossover`)."""

    def __init__(self):
        super().__init__()
        self.repeated = {}
        # The CSV's column names, in file order (read_csv sets them).
        self.header = []

    def add(self, key, value):
        self[key] = value
        self.repeated.setdefault(key, []).append(value)

    def all(self, key):
        return self.repeated.get(key, [])


def _read_text(path):
    """The file's lines; a binary or non-UTF-8 file is a BenchError."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise BenchError(f"cannot read {path}: {e.strerror}") from e
    try:
        if b"\0" in data:
            raise UnicodeDecodeError("utf-8", data, data.index(b"\0"),
                                     data.index(b"\0") + 1, "NUL byte")
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BenchError(f"{path}: not a text CSV (binary data at byte "
                         f"{e.start}); copy bench.csv again from where "
                         "kxfer-bench wrote it") from None
    return text.splitlines()


def _cell(kind, text, where, column):
    """A MEASURE_COLUMNS cell: str as is, numbers None when empty."""
    if kind is str:
        return text
    if text == "":
        return None
    return _number(kind, text, where, column)


def read_csv(path):
    """Returns (Meta, list of Row, cut) where cut is None, or the reason
    the file ends inside a row (that row is dropped; see Run.partial)."""
    lines = _read_text(path)

    meta = Meta()
    header_at = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if line.startswith("#"):
            m = META_LINE.match(line)
            if m:
                meta.add(m.group(1), m.group(2).strip())
            continue
        if header_at is None:
            header_at = i
    if header_at is None:
        raise BenchError(f"{path}: no CSV header line; expected one "
                         f"starting with '{','.join(COLUMNS[:3])},...' "
                         "(docs/CONTRACTS.md)")

    body = [(i + 1, line) for i, line in enumerate(lines)
            if i >= header_at and line.strip() and not line.startswith("#")]
    reader = csv.reader([line for _, line in body])
    header = [h.strip() for h in next(reader)]
    meta.header = header
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise BenchError(f"{path}:{body[0][0]}: header lacks column(s) "
                         f"{', '.join(missing)}; is this a kxfer-bench CSV "
                         "(kxfer-bench --format csv)?")
    index = {name: header.index(name) for name in header}
    attrs_given = all(c in header for c in ATTR_COLUMNS)
    pagemap_given = all(c in header for c in PAGEMAP_COLUMNS)
    measures = [c for c in MEASURE_COLUMNS if c in header]
    tails = [c for c in TAIL_COLUMNS if c in header]

    rows = []
    cut = None
    cells_of = list(zip(body[1:], reader))
    for n, ((lineno, _), cells) in enumerate(cells_of):
        where = f"{path}:{lineno}"
        if len(cells) != len(header):
            if n == len(cells_of) - 1 and len(cells) < len(header):
                # The file ends inside its last row: a copy or a run cut
                # short.  Keep what is complete and say so.
                cut = (f"bench.csv ends inside its last row (line "
                       f"{lineno}: {len(cells)} of {len(header)} fields); "
                       "that row is left out")
                break
            raise BenchError(f"{where}: {len(cells)} fields, the header "
                             f"has {len(header)}; the file was edited or "
                             "damaged; regenerate it with kxfer-bench "
                             "--format csv")
        values = {}
        for name in COLUMNS:
            text = cells[index[name]].strip()
            if name in INT_COLUMNS:
                values[name] = _number(int, text, where, name)
            elif name in FLOAT_COLUMNS:
                values[name] = _number(float, text, where, name)
            else:
                values[name] = text
        for name in tails:
            values[name] = _cell(float, cells[index[name]].strip(), where,
                                 name)
        for name in measures:
            kind = MEASURE_COLUMNS[name][0]
            values[name] = _cell(kind, cells[index[name]].strip(), where,
                                 name)
        if attrs_given:
            for name in ATTR_COLUMNS:
                values[name] = cells[index[name]].strip()
                if not values[name]:
                    raise BenchError(f"{where}: column {name} is empty; "
                                     "kxfer-bench writes a name or n/a")
        else:
            values["mapping"] = (DEFAULT_MAPPING if values["path"] == "mmap"
                                 else NO_ATTR)
        values["attrs_given"] = attrs_given
        if pagemap_given:
            values["page_map"] = cells[index["page_map"]].strip()
            text = cells[index["pmd_bytes"]].strip()
            if values["page_map"] not in PAGE_MAPS + (NO_ATTR,):
                raise BenchError(f"{where}: page_map '{values['page_map']}'"
                                 f" is not one of {', '.join(PAGE_MAPS)} "
                                 "or n/a")
            values["pmd_text"] = text
            if text not in PMD_WORDS:
                values["pmd_bytes"] = _number(int, text, where, "pmd_bytes")
        else:
            values["page_map"] = (DEFAULT_PAGE_MAP if values["path"] == "mmap"
                                  else NO_ATTR)
            values["pmd_text"] = ("unknown" if values["path"] == "mmap"
                                  else NO_ATTR)
        values["pagemap_given"] = pagemap_given
        if values["path"] not in PATHS:
            raise BenchError(f"{where}: path '{values['path']}' is not one "
                             f"of {', '.join(PATHS)}")
        if values["direction"] not in DIRECTIONS:
            raise BenchError(f"{where}: direction '{values['direction']}' "
                             f"is not one of {', '.join(DIRECTIONS)}")
        if values["size_bytes"] <= 0 or values["p50_ns"] <= 0:
            raise BenchError(f"{where}: size_bytes and p50_ns must be > 0")
        if values.get("verdict", "") not in VERDICTS + ("",):
            raise BenchError(f"{where}: verdict '{values['verdict']}' is "
                             f"not one of {', '.join(VERDICTS)} or empty")
        rows.append(Row(**values))
    if not rows:
        raise BenchError(f"{path}: header but no result rows; the "
                         "benchmark probably failed before measuring "
                         "anything (see its stderr)")
    return meta, rows, cut


def load_run(folder):
    """A results folder: bench.csv is required, meta.txt optional."""
    if not os.path.isdir(folder):
        raise BenchError(f"results folder '{folder}' does not exist")
    csv_path = os.path.join(folder, "bench.csv")
    if not os.path.isfile(csv_path):
        raise BenchError(f"'{folder}' has no bench.csv; a results folder "
                         "holds the output of kxfer-bench --format csv "
                         "saved as bench.csv (docs/CONTRACTS.md)")
    meta, rows, cut = read_csv(csv_path)
    run = Run(folder=folder, csv_path=csv_path, meta=meta, rows=rows,
              cut=cut)
    meta_txt = os.path.join(folder, "meta.txt")
    if os.path.isfile(meta_txt):
        with open(meta_txt, encoding="utf-8", errors="replace") as f:
            run.meta_txt = f.read()
    return run

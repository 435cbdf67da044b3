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
FLOAT_COLUMNS = ("min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns",
                 "max_ns", "mean_ns", "stddev_ns", "mad_ns",
                 "bytes_per_s_p50")
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
    p99_ns: float
    p999_ns: float
    max_ns: float
    mean_ns: float
    stddev_ns: float
    mad_ns: float
    bytes_per_s_p50: float
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
            if r.mapping != NO_ATTR and (r.backing, r.mapping) not in combos:
                combos.append((r.backing, r.mapping))
        # A backing measured without any mmap method: its rows alone.
        for r in self.all_rows:
            if (r.backing not in (c[0] for c in combos)):
                combos.append((r.backing, NO_ATTR))
        self.combos = combos
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
        """Rows of one combination: its mmap rows and the copy and baseline
        rows (mapping n/a) of its backing."""
        return [r for r in self.all_rows if r.backing == backing and
                r.mapping in (mapping, NO_ATTR)]

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
        word = self.meta.get("emulated", "").strip().lower().split(" ")[0]
        if word.startswith("yes"):
            return True
        if word.startswith("no"):
            return False
        return None

    @property
    def emulation_note(self):
        """Short label for titles and headers."""
        if self.emulated:
            return "EMULATED (QEMU TCG): compare ratios only"
        if self.emulated is None:
            return "emulation unknown (no 'emulated' metadata)"
        return "native hardware"

    @property
    def label(self):
        """machine, kernel and emulation in one line for plot titles."""
        text = f"{self.machine}, kernel {self.kernel}"
        if self.emulated:
            text += " [EMULATED]"
        return text


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


def read_csv(path):
    """Returns (meta dict in file order, list of Row)."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise BenchError(f"cannot read {path}: {e.strerror}") from e

    meta = {}
    header_at = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if line.startswith("#"):
            m = META_LINE.match(line)
            if m and header_at is None:
                meta[m.group(1)] = m.group(2).strip()
            continue
        header_at = i
        break
    if header_at is None:
        raise BenchError(f"{path}: no CSV header line; expected one "
                         f"starting with '{','.join(COLUMNS[:3])},...' "
                         "(docs/CONTRACTS.md)")

    body = [(i + 1, line) for i, line in enumerate(lines)
            if i >= header_at and line.strip() and not line.startswith("#")]
    reader = csv.reader([line for _, line in body])
    header = next(reader)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise BenchError(f"{path}:{body[0][0]}: header lacks column(s) "
                         f"{', '.join(missing)}; is this a kxfer-bench CSV "
                         "(kxfer-bench --format csv)?")
    index = {name: header.index(name) for name in COLUMNS}
    attrs_given = all(c in header for c in ATTR_COLUMNS)
    for name in ATTR_COLUMNS:
        if attrs_given:
            index[name] = header.index(name)
    pagemap_given = all(c in header for c in PAGEMAP_COLUMNS)
    for name in PAGEMAP_COLUMNS:
        if pagemap_given:
            index[name] = header.index(name)

    rows = []
    for (lineno, _), cells in zip(body[1:], reader):
        where = f"{path}:{lineno}"
        if len(cells) != len(header):
            raise BenchError(f"{where}: {len(cells)} fields, the header "
                             f"has {len(header)}; the file looks cut short "
                             "or hand-edited")
        values = {}
        for name in COLUMNS:
            text = cells[index[name]].strip()
            if name in INT_COLUMNS:
                values[name] = _number(int, text, where, name)
            elif name in FLOAT_COLUMNS:
                values[name] = _number(float, text, where, name)
            else:
                values[name] = text
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
        rows.append(Row(**values))
    if not rows:
        raise BenchError(f"{path}: header but no result rows; the "
                         "benchmark probably failed before measuring "
                         "anything (see its stderr)")
    return meta, rows


def load_run(folder):
    """A results folder: bench.csv is required, meta.txt optional."""
    if not os.path.isdir(folder):
        raise BenchError(f"results folder '{folder}' does not exist")
    csv_path = os.path.join(folder, "bench.csv")
    if not os.path.isfile(csv_path):
        raise BenchError(f"'{folder}' has no bench.csv; a results folder "
                         "holds the output of kxfer-bench --format csv "
                         "saved as bench.csv (docs/CONTRACTS.md)")
    meta, rows = read_csv(csv_path)
    run = Run(folder=folder, csv_path=csv_path, meta=meta, rows=rows)
    meta_txt = os.path.join(folder, "meta.txt")
    if os.path.isfile(meta_txt):
        with open(meta_txt, encoding="utf-8", errors="replace") as f:
            run.meta_txt = f.read()
    return run

# SPDX-License-Identifier: GPL-2.0
"""Data files for gnuplot and the gnuplot runs that turn them into plots.

The plot logic lives in scripts/gnuplot/*.gp; this module only writes the
series as small whitespace-separated files (kept in OUT/plotdata so that a
user can re-run or tweak a .gp file by hand) and passes names, styles and
titles to gnuplot.
"""
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from . import analysis, banners, verdict

GP_DIR = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "gnuplot")
FORMATS = ("png", "svg")

# Distinguishable on screen and on a grey-scale print (with the dashes).
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
           "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22")
DASH = {"copy": 1, "mmap": 2, "baseline": 3}
CEILING_COLOUR = "#000000"
DATA_WARNINGS = ("Skipping data file", "no valid points", "undefined",
                 "bad data", "No data")


class PlotError(Exception):
    """gnuplot missing or failing, with its message."""


@dataclass
class Plot:
    name: str           # file stem: NAME.png, NAME.svg
    caption: str


@dataclass
class Line:
    """One line on a plot: a data file and its style."""
    file: str
    colour: str
    dash: int
    width: float
    point: int


def gp_string(text):
    """A gnuplot double-quoted string literal."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\n") + '"'


def xtics_command(sizes):
    """Explicit tics at the measured powers of two, labelled like --sizes;
    every second one when there are many so that labels do not collide."""
    sizes = sorted(set(sizes))
    step = 1 if len(sizes) <= 12 else 2
    shown = sizes[::step]
    if sizes[-1] not in shown:
        shown.append(sizes[-1])
    tics = ", ".join(f'"{analysis.fmt_size(s)}" {s}' for s in shown)
    return f"set xtics ({tics})"


def _quoted(text):
    return '"' + text.replace('"', "'") + '"'


def _g(v):
    """A number for gnuplot; NaN (skipped) when the CSV has none."""
    return "NaN" if v is None else f"{v:.6g}"


def write_series(path, title, rows):
    """Columns: size, p50 and its 95% interval (ns; the p50 itself when the
    CSV has no interval), p99 (NaN below 100 samples), and the payload
    handed over per second at the p50 and at the interval's ends."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{_quoted(title)} p50_ns ci_low_ns ci_high_ns p99_ns "
                "bytes_per_s bytes_per_s_low bytes_per_s_high\n")
        for r in rows:
            lo = r.p50_ci_low_ns if r.has_ci else r.p50_ns
            hi = r.p50_ci_high_ns if r.has_ci else r.p50_ns
            rate = r.threads * r.size_bytes * 1e9
            f.write(f"{r.size_bytes} {r.p50_ns:.6g} {lo:.6g} {hi:.6g} "
                    f"{_g(r.p99_ns)} {r.bytes_per_s_p50:.6g} "
                    f"{rate / hi:.6g} {rate / lo:.6g}\n")


# Point type per verdict on the speedup plots: triangle up = mmap faster,
# down = copy faster, open circle = tie.
VERDICT_POINT = {"mmap": 9, "copy": 11, "tie": 6, "": 7}


def write_ratio(path, title, pair):
    """Columns: size, ratio, its interval (the ratio itself when none),
    point type of the verdict."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{_quoted(title)} ratio low high verdict_pt\n")
        for p in pair.points:
            lo = p.low if p.low is not None else p.ratio
            hi = p.high if p.high is not None else p.ratio
            f.write(f"{p.size} {p.ratio:.6g} {lo:.6g} {hi:.6g} "
                    f"{VERDICT_POINT.get(p.verdict, 7)}\n")


class Plotter:
    """Runs gnuplot for one output folder."""

    def __init__(self, out_dir, gnuplot="gnuplot"):
        self.out_dir = os.path.abspath(out_dir)
        self.data_dir = os.path.join(self.out_dir, "plotdata")
        self.gnuplot = gnuplot
        # Banner lines every plot carries (see banners.py), set by the
        # caller: warn, warncolour, partial.
        self.banner = {"warncolour": banners.COLOURS[None], "partial": ""}
        if shutil.which(gnuplot) is None:
            raise PlotError(f"'{gnuplot}' not found; install gnuplot "
                            "(Debian: apt-get install gnuplot-nox) or set "
                            "GNUPLOT=/path/to/gnuplot")
        os.makedirs(self.data_dir, exist_ok=True)
        # Data of an earlier run of `make plot` must not linger beside
        # the new one.
        for name in os.listdir(self.data_dir):
            if name.endswith(".dat"):
                os.remove(os.path.join(self.data_dir, name))

    def data_path(self, name):
        return os.path.join(self.data_dir, name)

    def run(self, script, name, heading, subtitle, warn, sizes, lines,
            extra=None):
        """Renders NAME.png and NAME.svg with scripts/gnuplot/SCRIPT."""
        variables = {
            "gpdir": GP_DIR,
            "datadir": self.data_dir,
            "heading": heading,
            "subtitle": subtitle,
            "warn": warn,
            "xtics": xtics_command(sizes),
            "files": " ".join(os.path.basename(l.file) for l in lines),
            "colours": " ".join(l.colour for l in lines),
            "dashes": " ".join(str(l.dash) for l in lines),
            "widths": " ".join(str(l.width) for l in lines),
            "points": " ".join(str(l.point) for l in lines),
        }
        variables.update(self.banner)
        variables.update(extra or {})
        for fmt in FORMATS:
            out = os.path.join(self.out_dir, f"{name}.{fmt}")
            assigns = dict(variables, fmt=fmt, out=out)
            cmd = "; ".join(f"{k} = {gp_string(v)}"
                            for k, v in assigns.items())
            proc = subprocess.run(
                [self.gnuplot, "-e", cmd, os.path.join(GP_DIR, script)],
                capture_output=True, text=True)
            if proc.returncode != 0:
                raise PlotError(f"gnuplot {script} -> {out} failed:\n"
                                f"{proc.stderr.strip()}")
            # gnuplot reports unusable data as a warning and still exits
            # 0; that would be an empty or partial plot.  Layout warnings
            # are only passed on.
            if any(w in proc.stderr for w in DATA_WARNINGS):
                raise PlotError(f"gnuplot {script} -> {out} found bad "
                                f"data:\n{proc.stderr.strip()}")
            if proc.stderr.strip():
                print(f"gnuplot {script} -> {os.path.basename(out)}: "
                      f"{proc.stderr.strip()}", file=sys.stderr)
            if not os.path.isfile(out) or os.path.getsize(out) == 0:
                raise PlotError(f"gnuplot {script} wrote no {out}")


def write_marks(plotter, stem, marks, sizes):
    """Crossover labels for speedup.gp: (size, colour, text) into two
    files, labels left of the middle of the x range written to the right
    of their line and the others to its left, so none runs off the plot.
    Labels are stacked from the bottom in size order so they never
    overlap.  Returns the gnuplot variables xleft and xright."""
    lo, hi = min(sizes), max(sizes)
    middle = (lo * hi) ** 0.5
    files = {"xleft": [], "xright": []}
    for i, (size, colour, text) in enumerate(sorted(marks)):
        side = "xleft" if size <= middle else "xright"
        files[side].append(f"{size:.6g} {0.05 + 0.07 * (i % 12):.2f} "
                           f"{int(colour[1:], 16)} {_quoted(text)}\n")
    out = {}
    for side, lines in files.items():
        out[side] = ""
        if lines:
            path = plotter.data_path(f"{stem}__crossovers-{side}.dat")
            with open(path, "w", encoding="utf-8") as f:
                f.write("# size label_height colour label\n")
                f.writelines(lines)
            out[side] = os.path.basename(path)
    return out


def _role(s):
    """Line style of a series: the page cache's memfd pair is a baseline
    (no kxfer device) but draws like the path it stands for, so that its
    copy and its mapping can be told apart."""
    if s.path == "baseline" and s.method.startswith("memfd-"):
        return "mmap" if "-mmap-" in s.method else "copy"
    return s.path


def _style(index, path, ceiling=False):
    if ceiling:
        return CEILING_COLOUR, 4, 3.0, 0
    colour = COLOURS[index % len(COLOURS)]
    return colour, DASH.get(path, 1), 2.0, (index % 12) + 1


def _settings(run, threads, rows=None, direction=None):
    """Subtitle: machine, kernel, accelerator, the user work (consume
    mode) of the curves, threads."""
    modes = analysis.consumes(run.rows if rows is None else rows,
                              direction)
    consume = ("consume=" + ",".join(modes)) if modes else \
        f"consume={run.get('consume')}"
    plural = "" if threads == 1 else "s"
    cold = run.get("cache", "hot").split(" ")[0] == "cold"
    cache = "; cold caches" if cold else ""
    return (f"{run.machine}, {run.kernel}; {consume}, "
            f"work={run.get('work')}, {threads} thread{plural}{cache}")


def set_banner(plotter, run):
    plotter.banner = {"warn": banners.accel_line(run),
                      "warncolour": banners.accel_colour(run),
                      "partial": banners.partial_line(run)}


def _warn(run):
    return banners.accel_line(run)


def _title(s):
    """Legend title: method, its user work, repetitions and samples."""
    r0 = s.rows[0]
    title = s.title
    if r0.direction in analysis.TRANSFER_DIRECTIONS and "[" not in title:
        title += f" [{r0.consume}]"
    return f"{title} ({analysis.sample_note(s.rows)})"


def _lines_for(plotter, prefix, series, ceiling=None):
    lines = []
    for i, s in enumerate(series):
        path = plotter.data_path(f"{prefix}__{s.key}.dat")
        write_series(path, _title(s), s.rows)
        colour, dash, width, point = _style(i, _role(s))
        lines.append(Line(path, colour, dash, width, point))
    if ceiling:
        path = plotter.data_path(f"{prefix}__ceiling-{ceiling.key}.dat")
        write_series(path, f"{ceiling.title} (ceiling: one user copy; "
                     f"{analysis.sample_note(ceiling.rows)})", ceiling.rows)
        colour, dash, width, point = _style(0, "baseline", ceiling=True)
        lines.append(Line(path, colour, dash, width, point))
    return lines


def _tails(plotter, prefix, series):
    """p99 points, only for the points whose CSV has one (>= 100
    samples): one file of (size, p99) per series that has any, in the
    series' colour."""
    files, colours = [], []
    for i, s in enumerate(series):
        rows = [r for r in s.rows if r.p99_ns is not None]
        if not rows:
            continue
        path = plotter.data_path(f"{prefix}__p99-{s.key}.dat")
        with open(path, "w", encoding="utf-8") as f:
            f.write("size p99_ns\n")
            for r in rows:
                f.write(f"{r.size_bytes} {r.p99_ns:.6g}\n")
        files.append(os.path.basename(path))
        colours.append(_style(i, _role(s))[0])
    return {"tails": " ".join(files), "tailcolours": " ".join(colours)}


def plot_attrs(run, plotter, threads, subtitle, warn):
    """Throughput per direction, one curve per method and attribute
    combination: colour = combination, dash = path."""
    plots = []
    for d in analysis.TRANSFER_DIRECTIONS:
        series = analysis.attr_series(run, threads, d)
        if not series:
            continue
        name = f"attrs-throughput-{d}"
        lines = []
        sizes = []
        for k, (combo, s) in enumerate(series):
            path = plotter.data_path(f"{name}__{s.key}.dat")
            write_series(path, _title(s), s.rows)
            lines.append(Line(path, COLOURS[combo % len(COLOURS)],
                              DASH.get(s.path, 1), 2.0, (k % 12) + 1))
            sizes += [r.size_bytes for r in s.rows]
        title = analysis.DIRECTION_TITLES[d]
        plotter.run("throughput.gp", name,
                    f"Throughput by backing and mapping, {title}",
                    subtitle, warn, sizes, lines)
        plots.append(Plot(name, f"Throughput {title} for every backing "
                          "and mapping measured; legend: method [backing, "
                          "mapping of the mmap path]; colour: "
                          "combination, solid: copy path (once per "
                          "backing), dashed: mmap path, dotted: "
                          "baselines"))
    return plots


def _pmd_note(rows):
    """What the measured pmd_bytes of a curve say, for its legend."""
    if any(r.pmd_bytes is None for r in rows):
        return "pmd_bytes not measured"
    huge = [r for r in rows if r.pmd_bytes]
    if not huge:
        return "PTEs only: pmd_bytes 0"
    return (f"PMD-mapped from {analysis.fmt_size(huge[0].size_bytes)}: "
            f"pmd_bytes {analysis.fmt_size(huge[0].pmd_bytes)}")


def plot_pagemap(run, plotter, threads, settings, warn):
    """Huge against base page mappings, per (backing, mapping) that has
    both: the set-up methods' time per operation and the kept mapping's
    throughput; colour = method, solid = huge, dashed = base."""
    pairs = analysis.page_map_pairs(run, threads)
    pmd = analysis.pmd_size(run, pairs)
    page = run.get("page_size", "")
    sizes_text = (f"page size {analysis.fmt_size(int(page))}"
                  if page.isdigit() else "page size unknown")
    sizes_text += (f", PMD size {analysis.fmt_size(pmd)}" if pmd else
                   ", PMD size unknown")
    combos = []
    for p in pairs:
        if (p.backing, p.mapping) not in combos:
            combos.append((p.backing, p.mapping))
    kinds = (("setup", "time", analysis.PAGEMAP_SETUP_METHODS,
              "time per operation of a fresh mapping"),
             ("throughput", "rate", analysis.PAGEMAP_TRANSFER_METHODS,
              "throughput through a kept mapping"))
    plots = []
    for ci, (backing, mapping) in enumerate(combos):
        suffix = "" if ci == 0 else analysis.safe_name(
            f"-{backing}-{mapping}")
        for kind, ykind, methods, what in kinds:
            chosen = [p for p in pairs if (p.backing, p.mapping) ==
                      (backing, mapping) and p.method in methods]
            if not chosen:
                continue
            name = f"pagemap-{kind}{suffix}"
            lines, sizes = [], []
            for i, p in enumerate(chosen):
                for page_map, rows, dash in (("huge", p.huge, 1),
                                             ("base", p.base, 2)):
                    path = plotter.data_path(
                        f"{name}__{analysis.safe_name(p.method)}-"
                        f"{page_map}.dat")
                    write_series(path, f"{p.method}, {page_map} "
                                 f"({_pmd_note(rows)}; "
                                 f"{analysis.sample_note(rows)})", rows)
                    lines.append(Line(path, COLOURS[i % len(COLOURS)],
                                      dash, 2.0, (2 * i + dash - 1) % 12
                                      + 1))
                    sizes += [r.size_bytes for r in rows]
            label = (f"PMD size {analysis.fmt_size(pmd)}: a huge mapping "
                     "is possible from here" if pmd else "")
            plotter.run("pagemap.gp", name,
                        f"Huge (PMD) vs base-page mappings, {what}: "
                        f"{sizes_text}",
                        f"{settings}; backing {backing}, mapping {mapping}",
                        warn, sizes, lines,
                        extra={"ykind": ykind,
                               "pmd": str(pmd) if pmd else "",
                               "pmdlabel": label})
            plots.append(Plot(name, f"Huge-page (PMD) against base-page "
                              f"mappings, {what}, backing {backing}, "
                              f"mapping {mapping}; solid: --page-map huge, "
                              "dashed: base; the legend gives the measured "
                              "pmd_bytes; left of the dotted PMD line both "
                              "are page table entry mappings"
                              + ("; under emulation only the fault count "
                                 "effect is meaningful" if run.emulated
                                 else "")))
    return plots


def _crossover_marks(pairs, colours):
    """Crossover intervals as kxfer-bench wrote them: a shaded band from
    low to high (gnuplot objects) and a label in its middle."""
    objects, marks = [], []
    for k, (pair, colour) in enumerate(zip(pairs, colours)):
        x = pair.crossover
        if x is None or x.low is None:
            continue
        objects.append(f"set object {800 + k} rect from first {x.low}, "
                       f"graph 0 to first {x.high}, graph 1 behind "
                       f"fc rgb '{colour}' fs transparent solid 0.12 "
                       "noborder")
        span = f"{analysis.fmt_size(x.low)}..{analysis.fmt_size(x.high)}"
        marks.append(((x.low * x.high) ** 0.5, colour,
                      f"{pair.direction} {pair.label}: {span} "
                      f"({x.agree})"))
    return objects, marks


def plot_speedup(plotter, name, heading, subtitle, pairs, styles):
    """One speedup plot of kxfer-bench's ratios with their intervals and
    verdicts; styles: (colour, dash) per pair."""
    lines, sizes = [], []
    for i, (p, (colour, dash)) in enumerate(zip(pairs, styles)):
        path = plotter.data_path(f"{name}__{p.key}.dat")
        note = analysis.sample_note(
            [pt.mmap_row for pt in p.points] +
            [pt.copy_row for pt in p.points if pt.copy_row is not None])
        write_ratio(path, f"{p.direction} {p.copy}/{p.mmap} [{p.consume}]:"
                    f" {p.legend()}; {note}", p)
        lines.append(Line(path, colour, dash, 2.0, 7))
        sizes += [pt.size for pt in p.points]
    objects, marks = _crossover_marks(pairs, [c for c, _ in styles])
    extra = write_marks(plotter, name, marks, sizes)
    extra["objects"] = "; ".join(objects)
    # 1 (the verdict line) well inside the graph, whatever the ratios.
    lows = [pt.low if pt.low is not None else pt.ratio
            for p in pairs for pt in p.points]
    highs = [pt.high if pt.high is not None else pt.ratio
             for p in pairs for pt in p.points]
    extra["ymin"] = f"{min(0.7, min(lows) / 1.2):.6g}"
    extra["ymax"] = f"{max(1.45, max(highs) * 1.7):.6g}"
    plotter.run("speedup.gp", name, heading, subtitle, plotter.banner["warn"],
                sizes, lines, extra=extra)


def plot_run(run, out_dir, gnuplot="gnuplot"):
    """All plots of one results folder; returns [Plot] in report order."""
    plotter = Plotter(out_dir, gnuplot)
    set_banner(plotter, run)
    rows = analysis.headline_rows(run.rows)
    threads = analysis.primary_threads(rows)
    sizes = [r.size_bytes for r in rows if r.threads == threads]
    warn = _warn(run)
    tag = f"; {run.primary_label}" if run.multi_attr else ""
    plots = []

    ceilings = analysis.series_of(rows, threads,
                                  methods={analysis.CEILING_METHOD})
    ceiling = ceilings[0] if ceilings else None
    floors = analysis.series_of(rows, threads,
                                methods={analysis.FLOOR_METHOD})

    for d in analysis.TRANSFER_DIRECTIONS:
        series = analysis.series_of(rows, threads, direction=d)
        if not series:
            continue
        title = analysis.DIRECTION_TITLES[d]
        name = f"throughput-{d}"
        lines = _lines_for(plotter, name, series, ceiling)
        plotter.run("throughput.gp", name,
                    f"Payload handed over per second, {title}",
                    _settings(run, threads, rows, d) + tag, warn, sizes,
                    lines)
        plots.append(Plot(name, f"Payload handed over per second {title} "
                          "at the median time, bars: 95% interval over "
                          "the repetitions; solid: copy path, dashed: mmap "
                          "path, dotted: baselines, thick black: memcpy "
                          "ceiling"))

    for d in analysis.TRANSFER_DIRECTIONS + ("setup",):
        series = analysis.series_of(rows, threads, direction=d)
        if not series:
            continue
        title = analysis.DIRECTION_TITLES[d]
        name = f"latency-{d}"
        chosen = series + floors
        lines = _lines_for(plotter, name, chosen)
        tails = _tails(plotter, name, chosen)
        plotter.run("latency.gp", name, f"Time per operation, {title}",
                    _settings(run, threads, rows, d) + tag, warn, sizes,
                    lines, extra=tails)
        plots.append(Plot(name, f"Median time per operation {title}, "
                          "bars: 95% interval over the repetitions"
                          + ("; open circles: p99 where >= 100 samples"
                             if tails["tails"] else "")
                          + ("; null-ioctl: the cost of entering the "
                             "kernel at all" if floors else "")))

    pairs = verdict.pairs(run, threads, rows)
    if pairs:
        directions = list(dict.fromkeys(p.direction for p in pairs))
        styles = [(COLOURS[directions.index(p.direction) % len(COLOURS)],
                   2 if p.page_cache else 1) for p in pairs]
        plot_speedup(plotter, "speedup",
                     "Copy or mmap? p50(copy) / p50(mmap), above 1 the "
                     "mapping is faster", _settings(run, threads, rows) + tag,
                     pairs, styles)
        plots.append(Plot("speedup", "kxfer-bench's verdict per size: ratio "
                          "p50(copy) / p50(mmap) with its 95% interval; "
                          "triangle up: mmap faster, down: copy faster, "
                          "circle: tie; solid: kxfer, dashed: the page "
                          "cache's own pair (memfd); shaded: crossover "
                          "interval"))
    every = [p for p in verdict.pairs(run, threads)
             if not p.page_cache]
    if len({p.consume for p in every}) > 1:
        directions = list(dict.fromkeys(p.direction for p in every))
        dash = {"fill": 1, "read": 1, "copy": 2, "touch": 3, "none": 4}
        styles = [(COLOURS[directions.index(p.direction) % len(COLOURS)],
                   dash.get(p.consume, 5)) for p in every]
        plot_speedup(plotter, "speedup-consume",
                     "Copy or mmap, by what the program does with the "
                     "data", _settings(run, threads) + tag, every, styles)
        plots.append(Plot("speedup-consume", "kxfer-bench's ratio per user "
                          "work: solid fill/read (every byte produced or "
                          "consumed in place), dashed copy (the data sits "
                          "in a user buffer), dotted touch (one byte per "
                          "line: an upper bound of the mapping's "
                          "advantage)"))
    if run.multi_attr:
        for p in plots:
            p.caption += f" ({run.primary_label} of the mmap path)"
        plots += plot_attrs(run, plotter, threads, _settings(run, threads),
                            warn)
    if run.page_map_pairs:
        plots += plot_pagemap(run, plotter, threads,
                              _settings(run, threads), warn)
    return plots

# SPDX-License-Identifier: GPL-2.0
"""Several results folders (boards, kernels) on the same axes.

Per transfer direction: the copy and mmap methods of the main pair of every
run (colour = run, solid = copy, dashed = mmap) and the speedup of every
run with its crossovers; compare.md tabulates the crossovers and a few key
figures side by side.
"""
import os

from . import analysis
from .analysis import fmt_ns, fmt_size
from .plots import (COLOURS, Line, Plot, Plotter, write_marks, write_ratio,
                    write_series)
from .report_md import _table


def run_labels(runs):
    """'#1 machine, kernel [EMULATED]'; the number keeps two runs of the
    same machine and kernel apart."""
    return [f"#{i + 1} {r.label}" for i, r in enumerate(runs)]


def _warn(runs):
    emulated = [r.emulated for r in runs]
    if all(e is True for e in emulated):
        return ("EMULATED (QEMU TCG) runs only: compare ratios and shapes, "
                "not absolute numbers")
    if any(e is True for e in emulated):
        return ("MIXES EMULATED (QEMU TCG) AND OTHER RUNS: absolute numbers "
                "of emulated runs are not comparable")
    if any(e is None for e in emulated):
        return "some runs do not say whether they were emulated"
    return ""


def _pair(direction):
    for p in analysis.PAIRS:
        if p[0] == direction:
            return p
    return None


def plot_compare(runs, out_dir, gnuplot="gnuplot"):
    plotter = Plotter(out_dir, gnuplot)
    labels = run_labels(runs)
    warn = _warn(runs)
    subtitle = f"{len(runs)} runs: " + "; ".join(
        f"#{i + 1} {r.machine} {r.kernel}" for i, r in enumerate(runs))
    if len(subtitle) > 150:
        subtitle = f"{len(runs)} runs (see the legend and compare.md)"
    plots = []
    for d in analysis.TRANSFER_DIRECTIONS:
        direction, copy, mmap, _, pair_label = _pair(d)
        lines, sizes = [], []
        for i, (run, label) in enumerate(zip(runs, labels)):
            threads = analysis.primary_threads(run.rows)
            for s in analysis.series_of(run.rows, threads, direction=d,
                                        methods={copy, mmap}):
                path = plotter.data_path(
                    f"compare-throughput-{d}__run{i + 1}-{s.key}.dat")
                write_series(path, f"{label}: {s.title}", s.rows)
                lines.append(Line(path, COLOURS[i % len(COLOURS)],
                                  1 if s.path == "copy" else 2, 2.0,
                                  (i % 12) + 1))
                sizes += [r.size_bytes for r in s.rows]
        if lines:
            name = f"compare-throughput-{d}"
            plotter.run("throughput.gp", name,
                        f"Throughput {analysis.DIRECTION_TITLES[d]}: "
                        f"{pair_label}", subtitle, warn, sizes, lines)
            plots.append(Plot(name, f"Throughput {d} of {pair_label} per "
                              "run; solid: copy, dashed: mmap"))

        lines, sizes, marks = [], [], []
        for i, (run, label) in enumerate(zip(runs, labels)):
            threads = analysis.primary_threads(run.rows)
            r = analysis.ratio_for(run.rows, threads, _pair(d))
            if r is None:
                continue
            colour = COLOURS[i % len(COLOURS)]
            path = plotter.data_path(f"compare-speedup-{d}__run{i + 1}.dat")
            write_ratio(path, f"{label} ({analysis.crossover_short(r)})",
                        r.points)
            lines.append(Line(path, colour, 1, 2.0, (i % 12) + 1))
            sizes += [p[0] for p in r.points]
            for x in r.crossovers:
                marks.append((x.size, colour,
                              f"{fmt_size(x.size, approx=True)} #{i + 1}"))
        if lines:
            name = f"compare-speedup-{d}"
            plotter.run("speedup.gp", name,
                        f"Speedup of mmap over copy, {d}: {pair_label}",
                        subtitle, warn, sizes, lines,
                        extra=write_marks(plotter, name, marks, sizes))
            plots.append(Plot(name, f"Speedup {d} per run; above 1 the "
                              "mapping wins"))
    return plots


def render(runs, plots, out_dir):
    labels = run_labels(runs)
    warn = _warn(runs)
    out = ["# kxfer comparison of " + str(len(runs)) + " runs"]
    if warn:
        out.append(f"> **{warn}.** Emulated numbers are not hardware "
                   "numbers; see each run's report.md.")
    rows = []
    for label, r in zip(labels, runs):
        rows.append((label.split(" ")[0], r.machine, r.kernel,
                     r.get("arch"), r.get("emulated"), r.get("date"),
                     f"consume={r.get('consume')} work={r.get('work')}",
                     os.path.relpath(r.folder, out_dir)))
    out.append("## Runs\n\n" + _table(
        ("run", "machine", "kernel", "arch", "emulated", "date", "settings",
         "folder"), rows))

    rows = []
    for label, r in zip(labels, runs):
        threads = analysis.primary_threads(r.rows)
        cells = [label]
        for d in analysis.TRANSFER_DIRECTIONS:
            ratio = analysis.ratio_for(r.rows, threads, _pair(d))
            cells.append(analysis.crossover_text(ratio) if ratio else "-")
        rows.append(cells)
    out.append("## Crossover\n\nSpeedup = p50(copy) / p50(mmap) of each "
               "direction's pair (write/mmap-write, read/mmap-read, "
               "copy-roundtrip/mmap-roundtrip).\n\n"
               + _table(["run"] + list(analysis.TRANSFER_DIRECTIONS), rows))

    sizes = sorted(set.intersection(*[{x.size_bytes for x in r.rows}
                                      for r in runs]))
    picked = analysis.pick_sizes(sizes) if sizes else []
    rows = []
    for label, r in zip(labels, runs):
        threads = analysis.primary_threads(r.rows)
        for d in analysis.TRANSFER_DIRECTIONS:
            ratio = analysis.ratio_for(r.rows, threads, _pair(d))
            if ratio is None:
                continue
            by = dict(ratio.points)
            p50 = {(x.method, x.size_bytes): x.p50_ns for x in r.rows
                   if x.threads == threads}
            cells = [label.split(" ")[0], d]
            for s in picked:
                if s in by:
                    cells.append(f"{fmt_ns(p50[(ratio.copy, s)])} / "
                                 f"{fmt_ns(p50[(ratio.mmap, s)])} = "
                                 f"{by[s]:.2f}x")
                else:
                    cells.append("-")
            rows.append(cells)
    if picked:
        out.append("## Key figures\n\np50 copy / p50 mmap = speedup, at "
                   "sizes every run measured.\n\n"
                   + _table(["run", "direction"]
                            + [fmt_size(s) for s in picked], rows))

    out.append("## Plots\n\n" + "\n\n".join(
        f"![{p.caption}]({p.name}.png)\n\n*{p.caption}* "
        f"([SVG]({p.name}.svg))" for p in plots))
    return "\n\n".join(out) + "\n"


def write(runs, plots, out_dir):
    path = os.path.join(out_dir, "compare.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(render(runs, plots, out_dir))
    return path

# SPDX-License-Identifier: GPL-2.0
"""Several results folders (boards, kernels) on the same axes.

Per transfer direction: the copy and mmap methods of kxfer's pair of every
run (colour = run, solid = copy, dashed = mmap) and each run's verdict as
its kxfer-bench wrote it (ratio, interval, crossover); compare.md
tabulates them side by side.  Runs whose CSV carries no verdict show
their curves but no ratio.
"""
import os

from . import analysis, verdict
from .analysis import fmt_size
from .plots import COLOURS, Line, Plot, Plotter, plot_speedup, write_series
from .report_md import _table


def run_labels(runs):
    """'#1 machine, kernel [EMULATED]'; the number keeps two runs of the
    same machine and kernel apart."""
    return [f"#{i + 1} {r.label}" for i, r in enumerate(runs)]


def _warn(runs):
    emulated = [r.emulated for r in runs]
    if all(e is True for e in emulated):
        return ("EMULATED (QEMU TCG) runs only: emulation distorts ratios "
                "as well as times; compare curve shapes")
    if any(e is True for e in emulated):
        return ("MIXES EMULATED (QEMU TCG) AND OTHER RUNS: emulation "
                "distorts ratios as well as times")
    if any(e is None for e in emulated):
        return "some runs do not say whether they were emulated"
    return "native runs"


def _pair(run, direction):
    """kxfer's (not the page cache's) pair of a direction in the headline
    user work, as kxfer-bench wrote it; None when the CSV has none."""
    rows = analysis.headline_rows(run.rows)
    threads = analysis.primary_threads(rows)
    for p in verdict.pairs(run, threads, rows):
        if p.direction == direction and not p.page_cache:
            return p
    return None


# Which methods a direction's throughput overlay shows.
DIRECTION_METHODS = {"to_kernel": ("write", "mmap-write"),
                     "from_kernel": ("read", "mmap-read"),
                     "roundtrip": ("copy-roundtrip", "mmap-roundtrip")}


def plot_compare(runs, out_dir, gnuplot="gnuplot"):
    plotter = Plotter(out_dir, gnuplot)
    labels = run_labels(runs)
    warn = _warn(runs)
    partial = [f"#{i + 1}" for i, r in enumerate(runs) if r.partial]
    plotter.banner = {
        "warn": warn,
        "warncolour": "#c00000" if "EMULATED" in warn else "#555555",
        "partial": ("PARTIAL RESULTS in run " + ", ".join(partial)
                    + " (see its report.md)") if partial else ""}
    subtitle = f"{len(runs)} runs: " + "; ".join(
        f"#{i + 1} {r.machine} {r.kernel}" for i, r in enumerate(runs))
    modes = sorted({m for r in runs
                    for m in analysis.consumes(analysis.headline_rows(r.rows))})
    consume = "consume=" + ",".join(modes or ["?"])
    if len(subtitle) > 120:
        subtitle = f"{len(runs)} runs (see the legend and compare.md)"
    subtitle += f"; {consume}"
    plots = []
    for d in analysis.TRANSFER_DIRECTIONS:
        copy, mmap = DIRECTION_METHODS[d]
        pair_label = f"{copy} vs {mmap}"
        lines, sizes = [], []
        for i, (run, label) in enumerate(zip(runs, labels)):
            rows = analysis.headline_rows(run.rows)
            threads = analysis.primary_threads(rows)
            for s in analysis.series_of(rows, threads, direction=d,
                                        methods={copy, mmap}):
                path = plotter.data_path(
                    f"compare-throughput-{d}__run{i + 1}-{s.key}.dat")
                write_series(path, f"{label}: {s.title} "
                             f"[{s.rows[0].consume}]", s.rows)
                lines.append(Line(path, COLOURS[i % len(COLOURS)],
                                  1 if s.path == "copy" else 2, 2.0,
                                  (i % 12) + 1))
                sizes += [r.size_bytes for r in s.rows]
        if lines:
            name = f"compare-throughput-{d}"
            plotter.run("throughput.gp", name,
                        f"Payload handed over per second "
                        f"{analysis.DIRECTION_TITLES[d]}: {pair_label}",
                        subtitle, warn, sizes, lines)
            plots.append(Plot(name, f"Payload per second {d} of "
                              f"{pair_label} per run, bars 95% CI; solid: "
                              "copy, dashed: mmap"))

        pairs, styles = [], []
        for i, run in enumerate(runs):
            p = _pair(run, d)
            if p is None:
                continue
            p.copy = f"#{i + 1} {p.copy}"
            pairs.append(p)
            styles.append((COLOURS[i % len(COLOURS)], 1))
        if pairs:
            name = f"compare-speedup-{d}"
            plot_speedup(plotter, name, f"Copy or mmap, {d}: {pair_label}",
                         subtitle, pairs, styles)
            plots.append(Plot(name, f"Verdict {d} per run as each run's "
                              "kxfer-bench wrote it: ratio with 95% CI; "
                              "above 1 the mapping wins"))
    return plots


def render(runs, plots, out_dir):
    labels = run_labels(runs)
    warn = _warn(runs)
    out = ["# kxfer comparison of " + str(len(runs)) + " runs"]
    if warn:
        out.append(f"> **{warn}.** Emulated numbers are not hardware "
                   "numbers; see each run's report.md.")
    for label, r in zip(labels, runs):
        if r.partial:
            out.append(f"> **PARTIAL RESULTS** in {label}: "
                       + "; ".join(r.partial))
    rows = []
    for label, r in zip(labels, runs):
        rows.append((label.split(" ")[0], r.machine, r.kernel,
                     r.get("arch"), r.accel_label, r.get("date"),
                     f"consume={r.get('consume')} work={r.get('work')}",
                     os.path.relpath(r.folder, out_dir)))
    out.append("## Runs\n\n" + _table(
        ("run", "machine", "kernel", "arch", "accelerator", "date",
         "settings",
         "folder"), rows))

    rows = []
    for label, r in zip(labels, runs):
        cells = [label]
        for d in analysis.TRANSFER_DIRECTIONS:
            p = _pair(r, d)
            cells.append(f"{p.summary()} [{p.consume}]" if p else
                         "no verdict in this CSV")
        rows.append(cells)
    out.append("## Verdict\n\nAs each run's kxfer-bench wrote it (kxfer's "
               "pair per direction, headline user work).\n\n"
               + _table(["run"] + list(analysis.TRANSFER_DIRECTIONS), rows))

    sizes = sorted(set.intersection(*[{x.size_bytes for x in r.rows}
                                      for r in runs]))
    picked = analysis.pick_sizes(sizes) if sizes else []
    rows = []
    for label, r in zip(labels, runs):
        for d in analysis.TRANSFER_DIRECTIONS:
            p = _pair(r, d)
            if p is None:
                continue
            rows.append([label.split(" ")[0], d]
                        + [verdict.ratio_cell(p.at(s)) for s in picked])
    if picked and rows:
        out.append("## Key figures\n\nRatio p50(copy) / p50(mmap) [95% "
                   "CI] and verdict, at sizes every run measured.\n\n"
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

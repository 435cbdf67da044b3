# SPDX-License-Identifier: GPL-2.0
"""The streaming part of a results folder: stream.csv (kxfer-bench --stream,
docs/streaming.md) to plots and report-stream.md.

Plots: latency (p50, whisker to p99) against block size per rate, consumer
CPU per byte against rate per block size, maximum sustainable rate against
block size.  The report states, per block size and rate, which interface
has the lowest latency and the lowest CPU cost, where each starts to drop,
and the issue's targets, measured, never assumed.
"""

import csv
import os
import subprocess

GP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                  "gnuplot", "stream.gp")
CAPTURE = ("stream-read", "stream-queue", "stream-ring", "stream-ring-busy")
BASELINE = "eventfd-wake"


def _num(v):
    return float(v) if v not in ("", None) else None


def load(folder):
    """Rows of stream.csv as dicts with numbers, or [] without the file."""
    path = os.path.join(folder, "stream.csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in list(r):
            if k not in ("kind", "method", "direction"):
                r[k] = _num(r[k])
    return rows


def _emulated(folder):
    """The run's own emulation line from meta.txt, if it has one."""
    try:
        with open(os.path.join(folder, "meta.txt"), encoding="utf-8") as f:
            for line in f:
                if "emulat" in line.lower():
                    return line.strip()
    except OSError:
        pass
    return ""


def _series(points, key_x, key_y, key_tip, group):
    out = {}
    for r in points:
        if r[key_y] is None:
            continue
        tip = r[key_tip] if key_tip and r[key_tip] is not None else r[key_y]
        out.setdefault(group(r), []).append((r[key_x], r[key_y], tip))
    return {k: sorted(v) for k, v in out.items()}


def _plot(out_dir, name, heading, warn, series, xlabel, ylabel, logx,
          gnuplot):
    data_dir = os.path.join(out_dir, "data")
    os.makedirs(data_dir, exist_ok=True)
    files, titles = [], []
    for title, pts in sorted(series.items()):
        path = os.path.join(data_dir, f"{name}-{title}.dat")
        with open(path, "w", encoding="utf-8") as f:
            for p in pts:
                f.write(" ".join(f"{v:g}" for v in p) + "\n")
        files.append(path)
        titles.append(title)
    if not files:
        return None
    for fmt in ("png", "svg"):
        args = {"fmt": fmt, "out": os.path.join(out_dir, f"{name}.{fmt}"),
                "heading": heading, "subtitle": "kxfer-bench --stream",
                "warn": warn, "files": " ".join(files),
                "titles": " ".join(titles), "xlabel": xlabel,
                "ylabel": ylabel}
        cmd = [gnuplot]
        for k, v in args.items():
            cmd += ["-e", f'{k}="{v}"']
        cmd += ["-e", f"logx={1 if logx else 0}", GP]
        subprocess.run(cmd, check=True)
    return name


def plots(rows, out_dir, warn, gnuplot="gnuplot"):
    points = [r for r in rows if r["kind"] == "point"]
    made = []
    for rate in sorted({r["rate_hz"] for r in points}):
        s = _series([r for r in points if r["rate_hz"] == rate
                     and r["lat_p50_us"] is not None],
                    "block_size", "lat_p50_us", "lat_p99_us",
                    lambda r: r["method"])
        made.append(_plot(out_dir, f"stream-latency-{rate:.0f}hz",
                          f"Production to consumer latency at {rate:.0f} Hz",
                          warn, s, "block size", "latency us (p50, to p99)",
                          True, gnuplot))
    for bs in sorted({r["block_size"] for r in points}):
        s = _series([r for r in points if r["block_size"] == bs],
                    "rate_hz", "cpu_ns_per_byte", None,
                    lambda r: r["method"])
        made.append(_plot(out_dir, f"stream-cpu-{bs:.0f}",
                          f"Consumer/producer CPU per byte, {bs:.0f}-byte blocks",
                          warn, s, "rate Hz", "CPU ns per payload byte",
                          False, gnuplot))
    maxr = [r for r in rows if r["kind"] == "max_rate" and r["rate_hz"]]
    s = _series(maxr, "block_size", "rate_hz", None, lambda r: r["method"])
    made.append(_plot(out_dir, "stream-maxrate",
                      "Highest rate with no loss", warn, s, "block size",
                      "blocks per second", True, gnuplot))
    return [m for m in made if m]


def _best(rs, key):
    rs = [r for r in rs if r[key] is not None]
    return min(rs, key=lambda r: r[key]) if rs else None


def _fmt(v, unit=""):
    return "n/a" if v is None else f"{v:.4g}{unit}"


def _get(points, method, bs, rate):
    for r in points:
        if (r["method"], r["block_size"], r["rate_hz"]) == (method, bs, rate):
            return r
    return None


def report(rows, made, warn):
    points = [r for r in rows if r["kind"] == "point"]
    maxr = [r for r in rows if r["kind"] == "max_rate"]
    lines = ["# Streaming: read() vs buffer queue vs shared ring", ""]
    if warn:
        lines += [f"**{warn}** Emulation (QEMU TCG) distorts ratios as well "
                  "as absolute times: wake-ups, syscalls and copies cost "
                  "differently than on hardware.", ""]
    lines += ["How to read this: docs/streaming.md.", "",
              "| block | rate Hz | lowest p50 latency | lowest CPU/block "
              "(capture) | lowest CPU/block (sink) | losing blocks |",
              "|---|---|---|---|---|---|"]
    for bs in sorted({r["block_size"] for r in points}):
        for rate in sorted({r["rate_hz"] for r in points}):
            here = [r for r in points if r["block_size"] == bs
                    and r["rate_hz"] == rate]
            cap = [r for r in here if r["method"] in CAPTURE]
            sink = [r for r in here if r["direction"] == "sink"]
            lat = _best(cap, "lat_p50_us")
            cpu = _best(cap, "cpu_ns_per_block")
            scpu = _best(sink, "cpu_ns_per_block")
            lossy = [r["method"] for r in here if r["lost"] or r["underruns"]]
            lines.append(
                f"| {bs:.0f} | {rate:.0f} | "
                f"{lat['method'] + ' ' + _fmt(lat['lat_p50_us'], ' us') if lat else 'n/a'} | "
                f"{cpu['method'] + ' ' + _fmt(cpu['cpu_ns_per_block'], ' ns') if cpu else 'n/a'} | "
                f"{scpu['method'] + ' ' + _fmt(scpu['cpu_ns_per_block'], ' ns') if scpu else 'n/a'} | "
                f"{', '.join(lossy) or 'none'} |")
    if maxr:
        lines += ["", "Highest rate with no loss (bounded bisection, "
                  f"{maxr[0]['seconds']:g} s per probe):", "",
                  "| method | block | max rate Hz |", "|---|---|---|"]
        for r in maxr:
            lines.append(f"| {r['method']} | {r['block_size']:.0f} | "
                         f"{r['rate_hz']:.0f} |")
    lines += ["", "Targets of the streaming issue, from this run:", ""]
    for rate in sorted({r["rate_hz"] for r in points}):
        rd = _get(points, "stream-read", 4096, rate)
        rg = _get(points, "stream-ring", 4096, rate)
        ev = _get(points, BASELINE, 4096, rate)
        if rd and rg and rd["cpu_ns_per_block"] and rg["cpu_ns_per_block"]:
            q = rg["cpu_ns_per_block"] / rd["cpu_ns_per_block"]
            lines.append(f"- {rate:.0f} Hz, 4 KiB: stream-ring CPU per block "
                         f"is {q:.2f}x stream-read's (target <= 0.5x): "
                         f"{'met' if q <= 0.5 else 'NOT met'}")
        if rd and ev and rd["lat_p50_us"] and ev["lat_p50_us"]:
            q = rd["lat_p50_us"] / ev["lat_p50_us"]
            lines.append(f"- {rate:.0f} Hz, 4 KiB: stream-read p50 wake-up "
                         f"latency is {q:.2f}x eventfd-wake's (target <= "
                         f"1.5x): {'met' if q <= 1.5 else 'NOT met'}")
    for r in maxr:
        if r["block_size"] == 65536:
            lines.append(f"- 64 KiB, {r['method']}: sustains "
                         f"{r['rate_hz']:.0f} Hz with no loss (target >= "
                         f"1000 Hz): {'met' if r['rate_hz'] >= 1000 else 'NOT met'}")
    if made:
        lines += ["", "Plots:", ""] + [f"- {m}.png" for m in made]
    return "\n".join(lines) + "\n"


def write_if_present(folder, out_dir, gnuplot="gnuplot"):
    """Plots and report-stream.md when the folder has a stream.csv."""
    rows = load(folder)
    if not rows:
        return None
    warn = _emulated(folder)
    made = plots(rows, out_dir, warn, gnuplot)
    path = os.path.join(out_dir, "report-stream.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(report(rows, made, warn))
    return path

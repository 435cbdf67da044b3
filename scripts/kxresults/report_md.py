# SPDX-License-Identifier: GPL-2.0
"""report.md of one results folder: key figures, crossovers, plots, fio and
hyperfine cross-checks, caveats and the run's metadata."""
import os

from . import analysis, banners, fio, hyperfine, verdict
from .analysis import fmt_ns, fmt_rate, fmt_size

CONSUME_TEXT = {
    "fill": "the producer writes every byte in place (full-width stores), "
            "on both paths",
    "read": "the consumer reads every byte (a sum of words), on both paths",
    "copy": "the data already sits in (or must end in) a separate user "
            "buffer: the copy path write()s/read()s it, the mmap path "
            "memcpy()s it into/out of the mapping",
    "none": "the user side does nothing with the data (the transfer "
            "mechanism alone; the mmap path then never touches the "
            "bytes): an upper bound of the mapping's advantage",
    "touch": "the user side reads or writes one byte per 64-byte cache "
             "line: an upper bound of the mapping's advantage",
    "checksum": "the user side computes a CRC32C over every byte",
}
WORK_TEXT = {
    "none": "the kernel moves the bytes and does nothing else",
    "checksum": "the kernel computes a CRC32C of every byte it receives "
                "or sends, on both paths",
    "fill": "the kernel writes a fill pattern into every range before "
            "user space reads it, on both paths",
}


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c).replace("|", "\\|")
                                       for c in r) + " |")
    return "\n".join(lines)


def _summary(run, threads):
    keys = (("machine", "machine"), ("cpu", "CPU"), ("arch", "arch"),
            ("kernel", "kernel"), ("date", "date"),
            ("tool_version", "kxfer-bench version"),
            ("emulated", "emulated"), ("accel", "accelerator"),
            ("status", "status"), ("consume", "consume (user side)"),
            ("repeats", "repetitions"), ("cache", "caches (hot/cold)"),
            ("llc_bytes", "last-level cache"), ("thp", "THP mode"),
            ("mitigations", "CPU mitigations"), ("counters", "PMU counters"),
            ("work", "work (kernel side)"), ("min_time_s", "min time per "
             "point (s)"), ("buf_size", "device buffer"),
            ("module_params", "module parameters"),
            ("cpu_pinned", "CPU pinning"), ("governor", "governor"),
            ("clock_overhead_ns", "clock overhead (ns)"))
    rows = [(label, run.get(key)) for key, label in keys]
    if run.get("buf_size").isdigit():
        size = int(run.get("buf_size"))
        rows[[k for k, _ in keys].index("buf_size")] = (
            "device buffer", f"{fmt_size(size)} ({size} bytes)")
    counts = analysis.thread_counts(run.rows)
    rows.append(("threads in plots and tables", str(threads)))
    if len(counts) > 1:
        rows.append(("other thread counts in bench.csv",
                     ", ".join(str(c) for c in counts if c != threads)))
    sizes = sorted({r.size_bytes for r in run.rows})
    rows.append(("sizes", f"{fmt_size(sizes[0])} .. {fmt_size(sizes[-1])}"
                          f" ({len(sizes)} sizes)"))
    methods = []
    for r in run.rows:
        if r.method not in methods:
            methods.append(r.method)
    rows.append(("methods", ", ".join(methods)))
    return _table(("", "value"), rows)


def _largest(pair):
    p = pair.points[-1]
    return f"{verdict.ratio_cell(p)} at {fmt_size(p.size)}"


def _find(pairs, direction, consume, page_cache=False):
    for p in pairs:
        if (p.direction, p.consume, p.page_cache) == (direction, consume,
                                                      page_cache):
            return p
    return None


# The order of the range, headline first.
CONSUME_ORDER = ("fill", "read", "copy", "touch", "none", "checksum")


def _range_words(direction, consume):
    """How the headline names a user work, for a reader choosing a path."""
    if consume == "fill" and direction == "from_kernel":
        return "if you consume every byte in place (fill: reads every byte)"
    return {
        "fill": "if you produce the data in place (fill)",
        "read": "if you consume every byte in place (read)",
        "copy": "if your data already sits in a user buffer (copy)",
        "touch": "touch (one byte per line): upper bound",
        "none": "none (no user work): upper bound",
        "checksum": "checksum (CRC32C of every byte)",
    }.get(consume, consume)


def _verdict_section(run, threads):
    """The headline: kxfer-bench's verdict per direction for fill/read,
    the range the other user work gives, and the page cache's own pair;
    then every verdict as a table.  Formats only what the CSV says."""
    pairs = verdict.pairs(run, threads)
    if not pairs:
        return verdict.NO_VERDICT
    out = ["kxfer-bench's verdict, as it wrote it in bench.csv: ratio = "
           "p50(copy method) / p50(mmap method) with its 95% interval "
           "[low, high] over the repetitions; above 1 the mapping is "
           "faster; **mmap** / **copy** when the interval lies on one "
           "side of 1, **tie** when it straddles 1. Crossovers are size "
           "intervals with the number of repetitions that agree. This "
           "report computes none of it.", ""]
    for d in analysis.TRANSFER_DIRECTIONS:
        mine = [p for p in pairs if p.direction == d and not p.page_cache]
        kernel = [p for p in pairs if p.direction == d and p.page_cache]
        if not mine and not kernel:
            continue
        parts = []
        for consume in CONSUME_ORDER:
            p = _find(mine, d, consume)
            if p is not None:
                parts.append(f"{_range_words(d, consume)}: {p.summary()}; "
                             f"{_largest(p)}")
        line = f"- **{analysis.DIRECTION_TITLES[d]}**"
        line += (f", {mine[0].label}: " + "; ".join(parts) if mine else
                 ": no kxfer pair in this run")
        head = next((p for p in mine + kernel
                     if p.consume in analysis.HEADLINE_CONSUME),
                    (mine + kernel)[0])
        pc = _find(kernel, d, head.consume, page_cache=True) or \
            (kernel[0] if kernel else None)
        if pc is not None:
            line += (f". The page cache's own pair ({pc.label}, "
                     f"{pc.consume}): {pc.summary()}; {_largest(pc)}")
        out.append(line)
    out += ["", "Every pair and size (⚠ = a point of the pair whose "
            "between-repetition CV exceeds 3%, flagged noisy by "
            "kxfer-bench):", ""]
    shown = [p for p in pairs if p.consume in analysis.HEADLINE_CONSUME] \
        or pairs
    sizes = sorted({pt.size for p in shown for pt in p.points})
    header = ["size"] + [f"{p.direction}: {p.label} [{p.consume}]"
                         for p in shown]
    rows = []
    for size in sizes:
        cells = [fmt_size(size)]
        for p in shown:
            pt = p.at(size)
            cell = verdict.ratio_cell(pt)
            if pt is not None and (pt.mmap_row.is_noisy or (
                    pt.copy_row is not None and pt.copy_row.is_noisy)):
                cell += " ⚠"
            cells.append(cell)
        rows.append(cells)
    out.append(_table(header, rows))
    xs = [p for p in pairs if p.crossover is not None]
    if xs:
        out += ["", "Crossovers (from the `# crossover:` lines):", ""]
        for p in xs:
            if p.crossover.low is not None:
                out.append(f"- Crossover **{p.direction}** ({p.label}, "
                           f"{p.consume}): {p.crossover.text}")
        none = [f"{p.label} [{p.consume}]" for p in xs
                if p.crossover.low is None]
        if none:
            out.append("- No crossover in the measured range: "
                       + ", ".join(none))
    return "\n".join(out)


def _key_figures(run, threads):
    head = analysis.headline_rows(run.rows)
    parts = ["Median (p50) time per operation [95% interval over the "
             "repetitions] and the payload handed over per second it "
             "implies, at a few sizes, for the headline user work ("
             + ", ".join(analysis.consumes(head)) + "); "
             + analysis.sample_note(head) + "."
             + (" ⚠ noisy: kxfer-bench found a CV between repetitions "
                "above 3%." if any(r.cv is not None for r in head) else "")
             + " Full data: bench.csv."]
    for d in analysis.TRANSFER_DIRECTIONS + ("setup", "none"):
        series = analysis.series_of(head, threads, direction=d)
        if not series:
            continue
        sizes = analysis.pick_sizes(
            [r.size_bytes for s in series for r in s.rows])
        header = ["method", "path"] + [fmt_size(s) for s in sizes]
        rows = []
        for s in series:
            by_size = {r.size_bytes: r for r in s.rows}
            cells = [s.title, s.path]
            # The floor moves no bytes: a rate would be meaningless.
            cells += [_p50_cell(by_size.get(size),
                                s.method == analysis.FLOOR_METHOD)
                      for size in sizes]
            rows.append(cells)
        parts.append(f"### {analysis.DIRECTION_TITLES[d].capitalize()}\n\n"
                     + _table(header, rows))
    return "\n\n".join(parts)


def _p50_cell(r, time_only):
    """A table cell: p50 time with its 95% interval, the payload per
    second it implies, and ⚠ with the CV when kxfer-bench flagged the
    point noisy."""
    if r is None:
        return "-"
    text = fmt_ns(r.p50_ns)
    if r.has_ci:
        text += f" [{fmt_ns(r.p50_ci_low_ns)}, {fmt_ns(r.p50_ci_high_ns)}]"
    if not time_only:
        text += f" · {fmt_rate(r.bytes_per_s_p50)}"
    if r.is_noisy:
        text += f" ⚠ noisy (cv {r.cv * 100:.1f}%)" if r.cv is not None \
            else " ⚠ noisy"
    return text


def _plots_section(plots):
    if not plots:
        return "No plots were made."
    out = []
    for p in plots:
        out.append(f"![{p.caption}]({p.name}.png)\n\n*{p.caption}* "
                   f"([SVG]({p.name}.svg))")
    return "\n\n".join(out)


FIO_STATUS = {"ok": "ok", "uncertain": "kxfer point uncertain",
              "small": "< 64 KiB", "flagged": "**>10%**",
              "unjudged": "unlike work", "-": "-"}


def _fio_section(run, threads):
    results = fio.load_results(run.folder)
    if not results:
        return None
    rows_for = fio.load_bench(run.folder, run.rows)
    comps = fio.compare(results, rows_for, threads)
    rows = []
    for c in comps:
        f = c.fio
        b = c.bench
        rows.append((f.engine, f.rw, fmt_size(f.bs),
                     fmt_ns(f.per_io_ns) if f.per_io_ns else "-",
                     c.method, b.consume if b else "-",
                     fmt_ns(b.mean_ns) if b else "-",
                     f"±{fio.uncertainty(b) * 100:.1f}%" if b else "-",
                     f"{c.diff * 100:+.0f}%" if c.diff is not None else "-",
                     FIO_STATUS[c.status], c.reason))
    like = any(c.fio.like_for_like for c in comps)
    text = ["fio ran against the same device in the same boot. Both "
            "sides give the **mean time per operation over the whole "
            "run**: fio's runtime / I/Os with size=bs (every I/O at "
            "offset 0) and gtod_reduce (no clock reads per I/O), "
            "kxfer-bench's mean_ns. Like for like: fio psync against "
            "read/write with `--consume none` (no side touches the data), "
            "fio's mmap engine (memcpy() of every block between its "
            "buffer and the mapping) against mmap-read/mmap-write with "
            "`--consume copy` (the same memcpy()). Goal: within 10% at "
            ">= 64 KiB. A difference inside kxfer-bench's own uncertainty "
            "(its CV or p50 interval) or on a point it flagged noisy is "
            "that point's problem, not fio's.", "",
            _table(("fio engine", "rw", "bs", "fio per I/O",
                    "kxfer-bench method", "consume", "kxfer-bench mean",
                    "kxfer uncertainty", "difference", "status",
                    "reason (measured)"), rows), ""]
    if like:
        met, judged = fio.goal(comps)
        text.append(f"Goal within 10% at >= 64 KiB: {met} of {judged} "
                    "points" + (" (every point met it)." if met == judged
                                else "; see the reasons above."))
    else:
        text.append("This run's fio jobs predate the like-for-like "
                    "cross-check (no size=bs/gtod_reduce, no "
                    "fio/kxfer-*.csv): fio and kxfer-bench did different "
                    "work, so the differences are shown, not judged.")
    return "\n".join(text)


def _hyperfine_section(run):
    blocks = hyperfine.load_results(run.folder)
    if not blocks:
        return None
    rows = []
    for b in blocks:
        base = b.commands[0].median_s
        for c in b.commands:
            rows.append((fmt_size(b.bs), b.count, fmt_size(b.total_bytes),
                         c.name, fmt_ns(c.median_s * 1e9),
                         f"{fmt_ns(c.mean_s * 1e9)} ± "
                         f"{fmt_ns(c.stddev_s * 1e9)}",
                         fmt_rate(b.total_bytes / c.median_s),
                         f"{base / c.median_s:.2f}x", c.runs))
    return "\n".join([
        "Whole commands, process start to exit, timed by hyperfine: the "
        "copy path as `dd` (read() into dd's buffer) against "
        "`kxfer-mmapdump` (one mmap(), then KXFER_IOC_FETCH and write() "
        "from the mapping for each block), both writing the same bytes to "
        "/dev/null. This includes process start-up, mmap() and page "
        "faults, which kxfer-bench's per-operation numbers leave out. "
        "Speed-up is relative to the first command of each block size.",
        "",
        _table(("bs", "count", "bytes", "command", "median", "mean ± sd",
                "throughput at median", "speed-up", "runs"), rows),
        "",
        "Writing to /dev/null costs nothing, so kxfer-mmapdump never "
        "touches the bytes while dd's read() copies them once: this is "
        "the best case for the mapping. A consumer that reads every byte "
        "would pay for that on both sides.",
    ])


def _below_ceiling(run, threads):
    """Sizes where a copy-path method beat the memcpy baseline."""
    memcpy = {r.size_bytes: r.p50_ns for r in run.rows
              if r.method == analysis.CEILING_METHOD and r.threads == threads}
    sizes = sorted({r.size_bytes for r in run.rows
                    if r.path == "copy" and r.threads == threads and
                    r.size_bytes in memcpy and
                    r.p50_ns < memcpy[r.size_bytes]})
    return [fmt_size(s) for s in sizes]


def _caveats(run, threads):
    consume = run.get("consume")
    work = run.get("work")
    items = []
    if run.emulated:
        items.append("**Emulation.** QEMU TCG translates every guest "
                     "instruction; memory copies, system calls and page "
                     "faults are slowed by different factors, so even the "
                     "ratios and the crossover can move on hardware. Use "
                     "this run to check that everything works and to see "
                     "the shape of the curves; measure on the board for "
                     "numbers.")
    elif run.emulated is None:
        items.append("**Emulation unknown.** Check how this CSV was made "
                     "before trusting its absolute numbers.")
    for mode in analysis.consumes(run.rows) or [consume]:
        items.append(f"**consume={mode}**: "
                     + CONSUME_TEXT.get(mode, "see docs/benchmark-methods.md"))
    items.append(f"**work={work}**: "
                 + WORK_TEXT.get(work, "see docs/benchmark-methods.md"))
    items.append("**Medians.** Tables and curves use the median (p50) time "
                 "per operation with its 95% interval over the "
                 "repetitions; p99 appears only where kxfer-bench had >= "
                 "100 samples (p99.9: >= 1000). The mean is in bench.csv "
                 "but is pulled up by interrupts and preemption.")
    items.append("**Ceiling.** memcpy is one user-space copy of the same "
                 "size between two buffers: a transfer that copies the "
                 "bytes once cannot beat it; the mmap path can, because it "
                 "moves no bytes.")
    below = _below_ceiling(run, threads)
    if below:
        items.append("**Ceiling broken.** At " + ", ".join(below) + " a "
                     "copy-path method was faster than the memcpy baseline "
                     "it should not beat. "
                     + ("Likely cause under emulation: glibc's memcpy() "
                        "changes strategy with the size (for example to "
                        "`rep movsb` for larger copies) and QEMU TCG runs "
                        "the strategies at very different speeds; the "
                        "ceiling is only meaningful on hardware."
                        if run.emulated else
                        "Check for frequency changes or other load during "
                        "the run (memcpy and the copy path were measured "
                        "at different times)."))
    counts = analysis.thread_counts(run.rows)
    if len(counts) > 1:
        items.append(f"**Threads.** Plots and tables show {threads} thread"
                     f"{'s' if threads > 1 else ''}; bench.csv also holds "
                     + ", ".join(str(c) for c in counts if c != threads)
                     + ".")
    gov = run.get("governor", "")
    if gov and not gov.startswith(("performance", "unknown")):
        items.append(f"**CPU frequency.** Governor was {gov}: clock speed "
                     "may have changed during the run.")
    items.append(f"**Clock.** Each sample times a batch of operations; the "
                 f"clock's own overhead was {run.get('clock_overhead_ns')} "
                 "ns per reading.")
    return "\n".join(f"- {i}" for i in items)


def _metadata(run):
    rows = [(k, v if v else "(empty)") for k, v in run.meta.items()]
    out = ["From the `#` lines of bench.csv:", "",
           _table(("key", "value"), rows)]
    if run.meta_txt.strip():
        out += ["", "meta.txt:", "", "```", run.meta_txt.rstrip(), "```"]
    return "\n".join(out)


def _attr_intro(run):
    """With a --backing/--mapping sweep: which combination the sections
    that compare methods use."""
    combos = ", ".join(f"{b}/{m}" for b, m in run.combos)
    return (f"This run measured {len(run.combos)} backing/mapping "
            f"combinations ({combos}; copy methods and baselines have "
            "mapping n/a and ran once per backing). Summary, Crossover, "
            "Key figures, the plots not named attrs-*, and the fio and "
            f"hyperfine sections use **{run.primary_label}** for the "
            "mmap path (copy path: the same backing). The section "
            "\"Backing and mapping\" and the attrs-* plots show every "
            "combination."
            + (" Rows with page_map base appear only in \"Huge-page "
               "mappings\" and the pagemap-* plots; everything else shows "
               "the huge rows." if run.page_map_pairs else ""))


def _pmd_cell(r):
    if r.pmd_bytes is None:
        return r.pmd_text
    return f"{r.pmd_bytes} ({fmt_size(r.pmd_bytes)})" if r.pmd_bytes else "0"


def _page_map_section(run, threads):
    """--page-map huge,base: what a huge (PMD) mapping bought over base
    pages at the size where one is possible, with the measured pmd_bytes
    that say whether the kernel really made one."""
    pairs = analysis.page_map_pairs(run, threads)
    pmd = analysis.pmd_size(run, pairs)
    page = run.get("page_size", "")
    out = ["Rows with `page_map` **huge** let the kernel choose the "
           "mapping's address (PMD-aligned for a mapping of at least the "
           "PMD size); **base** placed every mapping that holds a whole "
           "PMD-aligned block of the buffer one page past a PMD boundary, "
           "which leaves the kernel only page table entries (PTEs). "
           "`pmd_bytes` is how much of one such mapping the kernel really "
           "mapped with PMD entries (FilePmdMapped in /proc/self/smaps, "
           "measured before timing): a row claims a huge mapping only "
           "where it is not 0. Ratio = p50(base) / p50(huge): above 1 the "
           "huge mapping is faster. Plots: pagemap-*; how to read them: "
           "docs/reading-the-plots.md."]
    if not pmd:
        out.append("The run does not say how large a huge page is "
                   "(hpage_pmd_size n/a and no pmd_bytes above 0): this "
                   "kernel has no transparent huge pages, so huge and base "
                   "are the same PTE mappings.")
        return "\n\n".join(out)
    at = [p for p in pairs
          if analysis.page_map_ratio(p, pmd)[0] is not None]
    if not at:
        out.append(f"No method was measured with both page maps at the "
                   f"PMD size ({fmt_size(pmd)}), the only size at which "
                   "the kernel can map the buffer with one PMD entry: run "
                   f"`--page-map huge,base --sizes ...,{fmt_size(pmd)}` "
                   "with the pages backing.")
    else:
        rows = []
        for p in at:
            ratio, huge, base = analysis.page_map_ratio(p, pmd)
            rows.append((p.method, f"{p.backing}, {p.mapping}",
                         fmt_ns(huge.p50_ns), fmt_ns(base.p50_ns),
                         f"{ratio:.2f}x", _pmd_cell(huge), _pmd_cell(base)))
        out.append(f"At the PMD size, {fmt_size(pmd)} ({pmd} bytes; page "
                   f"size {page or 'unknown'} bytes):\n\n"
                   + _table(("method", "backing, mapping", "p50 huge",
                             "p50 base", "base / huge", "pmd_bytes huge",
                             "pmd_bytes base"), rows))
        flat = [p.method for p in at
                if not analysis.page_map_ratio(p, pmd)[1].pmd_bytes]
        if flat:
            out.append("**No huge mapping was made** for "
                       + ", ".join(flat) + f" at {fmt_size(pmd)} "
                       "(pmd_bytes of the huge row is not above 0): those "
                       "rows show no huge-page effect. The buffer must be "
                       "one huge page (`--backing pages` with "
                       "`--page-map`, kxfer_info.huge_size) on a kernel "
                       "with transparent huge pages.")
    below = sorted({r.size_bytes for p in pairs for r in p.huge + p.base
                    if r.size_bytes < pmd})
    odd = [f"{p.method} {r.page_map} at {fmt_size(r.size_bytes)}"
           for p in pairs for r in p.huge + p.base
           if r.size_bytes < pmd and r.pmd_bytes]
    if below:
        text = (f"Below the PMD size ({fmt_size(below[0])} .. "
                f"{fmt_size(below[-1])} here) both are PTE mappings: a "
                "mapping smaller than a huge page cannot be one, so the "
                "huge and base rows measure the same thing there and "
                "differ only by noise.")
        if odd:
            text += (" Yet pmd_bytes is not 0 for " + ", ".join(odd)
                     + ": check the run.")
        out.append(text)
    if run.emulated:
        out.append("Under emulation (QEMU TCG) only the fault-count effect "
                   "is meaningful: one PMD fault instead of one fault per "
                   "page, in mmap-fault and mmap-setup. The TLB reach a "
                   "huge mapping gives mmap-read and mmap-write on hardware "
                   "is not modelled, so their ratios say nothing here; "
                   "measure on the board.")
    return "\n\n".join(out)


def _attr_section(run, threads):
    """Per direction: p50 time and throughput of every method under every
    (backing, mapping), at a few sizes."""
    parts = ["Median (p50) time per operation and the throughput it "
             "implies for every backing and mapping measured. The "
             "mapping applies to the mmap path only; copy-path and "
             "baseline rows are listed once per backing. Under "
             "emulation (QEMU TCG) caches are not modelled: these rows "
             "show that each combination works, not what it costs."]
    for d in analysis.TRANSFER_DIRECTIONS + ("setup", "none"):
        series = analysis.attr_series(run, threads, d)
        if not series:
            continue
        sizes = analysis.pick_sizes(
            [r.size_bytes for _, s in series for r in s.rows])
        header = ["method", "backing", "mapping"] + [fmt_size(s)
                                                    for s in sizes]
        rows = []
        for _, s in series:
            by_size = {r.size_bytes: r for r in s.rows}
            r0 = s.rows[0]
            cells = [s.method, r0.backing, r0.mapping]
            cells += [_p50_cell(by_size.get(size),
                                s.method == analysis.FLOOR_METHOD or
                                d == "setup")
                      for size in sizes]
            rows.append(cells)
        parts.append(f"### {analysis.DIRECTION_TITLES[d].capitalize()}\n\n"
                     + _table(header, rows))
    return "\n\n".join(parts)


COUNTERS = (("cycles", "cycles"), ("instructions", "instructions"),
            ("page_faults", "page faults"), ("dtlb_misses", "dTLB misses"),
            ("llc_misses", "LLC misses"))


def _cpu_section(run, threads):
    """CPU time beside wall time, and the PMU counters where present."""
    rows = [r for r in analysis.headline_rows(run.rows)
            if r.threads == threads and r.cpu_ns_per_byte is not None]
    if not rows:
        return None
    present = [(k, t) for k, t in COUNTERS
               if any(getattr(r, k) is not None for r in rows)]
    sizes = analysis.pick_sizes([r.size_bytes for r in rows])
    header = ["method", "consume", "size", "wall p50", "CPU per op",
              "CPU ns/byte"] + [f"{t} / op" for _, t in present]
    table = []
    for r in rows:
        if r.size_bytes not in sizes:
            continue
        cells = [r.method, r.consume, fmt_size(r.size_bytes),
                 fmt_ns(r.p50_ns),
                 fmt_ns(r.cpu_ns_per_byte * r.size_bytes),
                 f"{r.cpu_ns_per_byte:.3g}"]
        cells += ["-" if getattr(r, k) is None else f"{getattr(r, k):.4g}"
                  for k, _ in present]
        table.append(cells)
    text = ["CPU time the measuring thread used per operation (thread CPU "
            "clock) beside the wall-clock median: a path that waits "
            "(faults, locks) shows wall time above CPU time; CPU ns/byte "
            "is what the transfer costs the core, whichever path is "
            "faster."]
    if present:
        text.append("Counters are per operation (perf_event_open).")
    else:
        text.append("No hardware counters in this run (metadata "
                    f"counters: {run.get('counters', 'not recorded')}): "
                    "the counter columns are empty, as in every TCG "
                    "guest.")
    return "\n\n".join(text) + "\n\n" + _table(header, table)


def render(run, plots):
    threads = analysis.primary_threads(run.rows)
    # With a sweep every heading of a one-combination section says which.
    tag = f" ({run.primary_label})" if run.multi_attr else ""
    sections = [f"# kxfer results: {run.machine}, kernel {run.kernel} "
                f"[{run.accel_label}]"]
    partial = banners.partial_line(run)
    if partial:
        sections.append("> **PARTIAL RESULTS**: " + "; ".join(run.partial)
                        + ". Every figure below is from the rows that are "
                        "there; a missing method or size is missing, not "
                        "zero. Re-run the benchmark for complete results.")
    sections.append(banners.accel_paragraph(run))
    if run.multi_attr:
        sections.append(_attr_intro(run))
    sections += [
        f"## Verdict: copy or mmap at your size{tag}\n\n"
        + _verdict_section(run, threads),
        f"## Summary{tag}\n\n" + _summary(run, threads),
        f"## Key figures{tag}\n\n" + _key_figures(run, threads),
    ]
    cpu = _cpu_section(run, threads)
    if cpu:
        sections.append(f"## CPU cost{tag}\n\n" + cpu)
    if run.multi_attr:
        sections.append("## Backing and mapping\n\n"
                        + _attr_section(run, threads))
    if run.page_map_pairs:
        sections.append("## Huge-page mappings\n\n"
                        + _page_map_section(run, threads))
    sections += [
        "## Plots\n\nHow to read them: docs/reading-the-plots.md.\n\n"
        + _plots_section(plots),
    ]
    fio_text = _fio_section(run, threads)
    if fio_text:
        sections.append(f"## fio cross-check{tag}\n\n" + fio_text)
    hf_text = _hyperfine_section(run)
    if hf_text:
        sections.append(f"## hyperfine: whole-command comparison{tag}\n\n"
                        + hf_text)
    sections.append("## Caveats\n\n" + _caveats(run, threads))
    sections.append("## Metadata\n\n" + _metadata(run))
    return "\n\n".join(sections) + "\n"


def write(run, plots, out_dir):
    path = os.path.join(out_dir, "report.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(render(run, plots))
    return path

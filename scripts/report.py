#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Plots and reports from kxfer results folders (Python 3 stdlib only).

  report.py plot RESULTS [--out DIR]     plots + report.md of one folder
  report.py compare --out DIR RESULTS... overlay several folders
  report.py folder-name BENCH_CSV        <machine>-<kernel>-<date>

Normally called through scripts/plot.sh and scripts/compare.sh (make plot,
make compare).  Exit status: 0 done (also for partial results, which get a
banner on every plot and at the top of the report), 1 gnuplot failure,
2 bad usage, unreadable or corrupt input, or an unwritable output folder
(one line on stderr).

bench.json is written by kxfer-bench itself, from the same rows as
bench.csv (its --output-dir and --merge): there is no converter here.
"""
import argparse
import os
import re
import sys

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kxresults import benchcsv, compare, plots, report_md, stream  # noqa: E402
from kxresults.benchcsv import BenchError  # noqa: E402
from kxresults.plots import PlotError  # noqa: E402

PROG = "report"


class OutputError(Exception):
    """An output folder or file that cannot be written."""


def make_out(folder):
    """The output folder, created if needed, or OutputError."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder '{folder}': "
                          f"{e.strerror}; choose a writable OUT") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"output folder '{folder}' is not writable; "
                          "choose a writable OUT")


def cmd_plot(args):
    run = benchcsv.load_run(args.results)
    out = args.out or args.results
    make_out(out)
    for why in run.partial:
        print(f"{PROG}: warning: partial results: {why}", file=sys.stderr)
    made = plots.plot_run(run, out, args.gnuplot)
    path = report_md.write(run, made, out)
    print(f"{PROG}: {len(made)} plots (PNG and SVG) and {path}",
          file=sys.stderr)
    stream.write_if_present(args.results, out, args.gnuplot)


def cmd_compare(args):
    runs = [benchcsv.load_run(d) for d in args.results]
    make_out(args.out)
    made = compare.plot_compare(runs, args.out, args.gnuplot)
    path = compare.write(runs, made, args.out)
    print(f"{PROG}: {len(made)} plots (PNG and SVG) and {path}",
          file=sys.stderr)


def slug(text, limit):
    text = re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")
    return text[:limit].rstrip("-.") or "unknown"


def cmd_folder_name(args):
    """The one results-folder naming (bench-run.sh)."""
    meta, rows, _ = benchcsv.read_csv(args.csv)
    run = benchcsv.Run(folder="", csv_path=args.csv, meta=meta, rows=rows)
    machine = slug(run.machine, 40)
    if run.emulated and "emulated" not in machine:
        machine += "-emulated"
    date = re.sub(r"[^0-9TZ]", "", run.get("date", "nodate"))
    print(f"{machine}-{slug(run.kernel, 40)}-{date or 'nodate'}")


def main():
    ap = argparse.ArgumentParser(prog="report.py", description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gnuplot", default=os.environ.get("GNUPLOT",
                                                        "gnuplot"))
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("plot", help="plots and report.md of one folder")
    p.add_argument("results")
    p.add_argument("--out", help="output folder (default: RESULTS)")
    p.set_defaults(func=cmd_plot)
    p = sub.add_parser("compare", help="overlay several results folders")
    p.add_argument("--out", required=True)
    p.add_argument("results", nargs="+")
    p.set_defaults(func=cmd_compare)
    p = sub.add_parser("folder-name", help="results folder name for a CSV")
    p.add_argument("csv")
    p.set_defaults(func=cmd_folder_name)
    args = ap.parse_args()
    try:
        args.func(args)
    except PlotError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    except (BenchError, OutputError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        # A write that failed half-way (disk full, folder removed).
        print(f"{PROG}: error: cannot write {e.filename or 'output'}: "
              f"{e.strerror}; choose a writable OUT", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-2.0
"""The warnings every plot and report carries, written once: how the CPU
ran (native, KVM guest, emulated) and whether the results are partial."""
import glob
import os

from . import benchcsv

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
RESULTS = os.path.join(TOP, "results")

# Banner colours on the plots: red for emulation, dark orange for a VM or
# an unknown machine, grey for native hardware.
COLOURS = {"tcg": "#c00000", "kvm": "#b35900", "vm": "#b35900",
           None: "#b35900", "none": "#555555"}


def native_baselines(results=RESULTS):
    """results/<folder> runs measured natively (accel none or emulated
    no), newest name last; relative to the repository."""
    out = []
    for csv_path in sorted(glob.glob(os.path.join(results, "*",
                                                  "bench.csv"))):
        meta = {}
        with open(csv_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.startswith("#"):
                    break
                m = benchcsv.META_LINE.match(line.rstrip("\n"))
                if m:
                    meta[m.group(1)] = m.group(2).strip()
        if benchcsv.accel_of(meta) == "none":
            out.append(os.path.relpath(os.path.dirname(csv_path), TOP))
    return out


def _native_sentence():
    """A sentence for report.md pointing to the native baseline run."""
    found = native_baselines()
    if found:
        return (f"The native baseline run is {found[-1]} "
                "(results/README.md).")
    return ("No native baseline run is in results/ yet (results/README.md "
            "says how to make one).")


def _native_pointer():
    found = native_baselines()
    if found:
        return f"native baseline: {found[-1]}"
    return "no native baseline in results/ yet"


def accel_line(run):
    """One line for plot titles: the accelerator and what it means."""
    accel = run.accel
    if accel == "tcg":
        return ("EMULATED (QEMU TCG): distorts ratios as well as times; "
                "checks function and curve shape; " + _native_pointer())
    if accel == "kvm":
        return ("KVM guest: virtualised, page faults and system calls "
                "cost more than on the bare machine")
    if accel == "none":
        return "native: measured on the machine itself"
    if accel == "vm":
        return ("VM or emulator (accelerator not recorded): ratios can be "
                "distorted as well as times; " + _native_pointer())
    return ("emulation unknown: the CSV has neither 'accel' nor "
            "'emulated' metadata")


def accel_colour(run):
    return COLOURS.get(run.accel, COLOURS[None])


def accel_paragraph(run):
    """The banner at the top of report.md."""
    how = run.get("emulated", "not recorded")
    accel = run.accel
    if accel == "tcg":
        return ("> **EMULATED (QEMU TCG)**: measured inside an emulator. "
                "Emulation distorts the ratios as well as the times: TCG "
                "makes every instruction expensive but not memory "
                "traffic, so copying (few instructions per byte) looks "
                "cheap next to system calls and page faults, and the "
                "copy-vs-mmap ratios and crossovers here are not those of "
                "any real CPU. An emulated run checks that everything "
                "works and shows the shape of the curves; for numbers "
                "measure natively or on the board. " + _native_sentence()
                + f" Detection: {how}.")
    if accel == "kvm":
        return ("> **KVM guest**: a virtual machine with hardware "
                "virtualisation; instructions run natively but system "
                "calls, page faults and TLB misses cost more than on the "
                f"bare machine. Detection: {how}.")
    if accel == "none":
        return f"> Measured natively on this machine (detection: {how})."
    if accel == "vm":
        return ("> **VM or emulator**: kxfer-bench saw a virtual machine "
                "or an emulator but the run does not say which "
                "accelerator (no `accel` metadata). Under emulation the "
                "ratios are distorted as well as the times; in a KVM "
                "guest system calls and page faults cost more than on "
                "the bare machine. " + _native_sentence()
                + f" Detection: {how}.")
    return ("> **Emulation unknown**: the CSV has no `accel` or `emulated` "
            "metadata, so it cannot say whether these are hardware "
            "numbers.")


def partial_line(run):
    """'' for complete results, else one line for plots and reports."""
    why = run.partial
    if not why:
        return ""
    return "PARTIAL RESULTS: " + "; ".join(why)

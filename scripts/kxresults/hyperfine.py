# SPDX-License-Identifier: GPL-2.0
"""hyperfine's JSON exports (scripts/hyperfine-compare.sh).

hyperfine-compare.sh writes hyperfine/params.csv (one line per block size:
bs,count,bytes,json) and one hyperfine --export-json file per block size
holding the whole-command runs of the copy path (dd) and of the mapping
(kxfer-mmapdump) moving the same bytes.
"""
import csv
import json
import os
from dataclasses import dataclass

from .benchcsv import BenchError


@dataclass
class Command:
    name: str
    command: str
    mean_s: float
    stddev_s: float
    median_s: float
    min_s: float
    max_s: float
    runs: int


@dataclass
class BlockSize:
    bs: int
    count: int
    total_bytes: int
    file: str
    commands: list


def load_results(folder):
    """[BlockSize] in ascending bs, or [] when there is no hyperfine/."""
    params = os.path.join(folder, "hyperfine", "params.csv")
    if not os.path.isfile(params):
        if os.path.isdir(os.path.join(folder, "hyperfine")):
            raise BenchError(f"{folder}/hyperfine has no params.csv; it is "
                             "written by scripts/hyperfine-compare.sh")
        return []
    out = []
    with open(params, newline="", encoding="utf-8") as f:
        for lineno, row in enumerate(csv.DictReader(f), start=2):
            try:
                bs, count = int(row["bs"]), int(row["count"])
                total = int(row["bytes"])
                name = row["json"]
            except (KeyError, TypeError, ValueError) as e:
                raise BenchError(f"{params}:{lineno}: expected "
                                 f"bs,count,bytes,json ({e})") from e
            path = os.path.join(folder, "hyperfine", name)
            try:
                with open(path, encoding="utf-8") as jf:
                    doc = json.load(jf)
            except (OSError, json.JSONDecodeError) as e:
                raise BenchError(f"{path}: unreadable hyperfine JSON "
                                 f"({e})") from e
            cmds = []
            for r in doc.get("results", []):
                times = r.get("times") or []
                cmds.append(Command(
                    name=r.get("command", "?"),
                    command=r.get("command", "?"),
                    mean_s=float(r["mean"]),
                    stddev_s=float(r.get("stddev") or 0.0),
                    median_s=float(r["median"]),
                    min_s=float(r["min"]), max_s=float(r["max"]),
                    runs=len(times)))
            if not cmds:
                raise BenchError(f"{path}: hyperfine JSON without results")
            out.append(BlockSize(bs=bs, count=count, total_bytes=total,
                                 file=os.path.join("hyperfine", name),
                                 commands=cmds))
    return sorted(out, key=lambda b: b.bs)

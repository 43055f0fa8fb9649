"""Seeded generator of the incident telemetry used in labs 3 and 4.

    python datasets/incidents/generate.py            # rewrite datasets/incidents/<scenario>/*
    python datasets/incidents/generate.py --check    # regenerate in memory, compare byte for byte

Two scenarios, each a few weeks of a fictional product's traffic driven by the fault schedules
of labkit.sim.faults (see DATACARD.md): `sep2025` (Aug-Sep 2025 post-mortem) and `apr2026`
(Apr 2026 update). Import this file by path (the folder name `datasets` clashes with Hugging
Face's package), e.g. with importlib.util.spec_from_file_location, and call:

    generate(scenario) -> {table: DataFrame}   # exactly what labkit.incidents.load returns
    ground_truth(scenario) -> dict             # never written to disk; for graders only
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the helper package sits next to this file
    sys.path.insert(0, str(HERE))

from incidentgen import apr2026, sep2025  # noqa: E402
from incidentgen import common as c  # noqa: E402

from labkit import incidents  # noqa: E402

BUILDERS: dict[
    str, tuple[Callable[..., c.Simulation], Callable[[c.Simulation], dict[str, Any]]]
] = {
    "sep2025": (sep2025.build, sep2025.ground_truth),
    "apr2026": (apr2026.build, apr2026.ground_truth),
}
FLOAT_FORMATS = {"quality": "%.3f", "idle_before_min": "%.1f", "score": "%.4f", "stderr": "%.4f"}


def scenarios() -> list[str]:
    return list(BUILDERS)


@cache
def simulate(scenario: str) -> c.Simulation:
    if scenario not in BUILDERS:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(BUILDERS)}")
    return BUILDERS[scenario][0]()


@cache
def file_bytes(scenario: str) -> dict[str, bytes]:
    """The exact bytes of every file of a scenario, keyed by file name."""
    sim = simulate(scenario)
    files: dict[str, bytes] = {}
    for table in incidents.TABLES:
        frame = sim.tables[table]
        if "time" in frame.columns:
            frame = c.with_iso_time(frame)
        files[f"{table}.csv.gz"] = c.csv_gz(frame, FLOAT_FORMATS)
    return files


def generate(scenario: str) -> dict[str, pd.DataFrame]:
    """The scenario's tables, parsed exactly as students' labkit.incidents.load parses them."""
    return {
        table: incidents.read_table(file_bytes(scenario)[f"{table}.csv.gz"], table)
        for table in incidents.TABLES
    }


def fresh_requests(scenario: str, seed: int) -> pd.DataFrame:
    """The requests table of a fresh run with another seed (same schedule, new noise), parsed as
    students' load parses it: data no detector was tuned on. Never written to disk."""
    if scenario not in BUILDERS:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(BUILDERS)}")
    sim = BUILDERS[scenario][0](seed, written_record=False)
    frame = c.with_iso_time(sim.tables["requests"])
    return incidents.read_table(c.csv_gz(frame, FLOAT_FORMATS), "requests")


def ground_truth(scenario: str) -> dict[str, Any]:
    """Onsets, slices, affected requests, impact, key events and eval power (see DATACARD.md)."""
    return BUILDERS[scenario][1](simulate(scenario))


def write(scenario: str, root: Path = HERE) -> dict[str, int]:
    folder = root / scenario
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, data in file_bytes(scenario).items():
        (folder / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes


def differences(scenario: str, root: Path = HERE) -> list[str]:
    """Files on disk that differ from a fresh regeneration, each with the reason."""
    folder = root / scenario
    found = []
    for name, data in file_bytes(scenario).items():
        path = folder / name
        if not path.is_file():
            found.append(f"{path}: missing")
        elif path.read_bytes() != data:
            same_text = gzip.decompress(path.read_bytes()) == gzip.decompress(data)
            found.append(
                f"{path}: same rows, different compressed bytes (another zlib?)"
                if same_text
                else f"{path}: rows differ from a fresh regeneration"
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the files on disk")
    parser.add_argument("--scenario", choices=scenarios(), action="append")
    args = parser.parse_args(argv)
    chosen = args.scenario or scenarios()
    started = time.perf_counter()
    if args.check:
        stale = [problem for scenario in chosen for problem in differences(scenario)]
        for problem in stale:
            print(problem, file=sys.stderr)
        print(f"checked {len(chosen)} scenario(s) in {time.perf_counter() - started:.1f} s")
        return 1 if stale else 0
    for scenario in chosen:
        for name, size in write(scenario).items():
            print(f"{scenario}/{name}: {size / 1e6:.2f} MB")
    print(f"generated {len(chosen)} scenario(s) in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

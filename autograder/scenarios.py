"""The incident scenario a lab ships (labs 3 and 4): chosen by the instructor at release.

A lab that works on incident telemetry carries one scenario's tables in `data/<scenario>/`, a
byte copy of `datasets/incidents/<scenario>/`. The notebook reads whichever scenario it finds
there (labkit.incidents.default_scenario), and the grader computes its answers from the same
folder of its own copy of the lab, so switching the data is switching the lab:
`course release LAB --scenario apr2026`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.course import REPO_ROOT, Course, CourseError
from labkit.incidents import SCENARIOS

DATASETS = REPO_ROOT / "datasets" / "incidents"


def scenario_of(lab_folder: Path) -> str | None:
    """The scenario whose tables the lab folder ships, or None for a lab without incident data."""
    present = [s for s in SCENARIOS if (lab_folder / "data" / s).is_dir()]
    if len(present) > 1:
        raise CourseError(
            f"{lab_folder / 'data'}: holds several scenarios ({', '.join(present)}); keep one"
        )
    return present[0] if present else None


def switch(course: Course, lab: str, scenario: str) -> str:
    """Make `lab` ship `scenario`'s tables (the same tables it ships now); the old scenario."""
    if scenario not in SCENARIOS:
        raise CourseError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    folder = course.source / lab
    current = scenario_of(folder)
    if current is None:
        raise CourseError(f"{lab}: has no incident data (data/<scenario>/): --scenario is for labs that do")  # fmt: skip
    if current == scenario:
        return current
    tables = sorted(p.name for p in (folder / "data" / current).iterdir() if p.is_file())
    missing = [t for t in tables if not (DATASETS / scenario / t).is_file()]
    if missing:
        raise CourseError(f"{DATASETS / scenario}: no {', '.join(missing)} (run datasets/incidents/generate.py)")  # fmt: skip
    # The new tables are complete beside the old ones before the old ones go: never no data.
    with tempfile.TemporaryDirectory(dir=folder / "data") as staging:
        for table in tables:
            shutil.copy2(DATASETS / scenario / table, Path(staging) / table)
        Path(staging).rename(folder / "data" / scenario)
        (Path(staging)).mkdir()  # the context manager removes its folder on the way out
    shutil.rmtree(folder / "data" / current)
    return current

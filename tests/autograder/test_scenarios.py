"""Switching the incident a lab ships: whole tables, byte copies, never a lab without data."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course import Course, CourseError
from autograder.scenarios import DATASETS, scenario_of, switch

LAB = "lab4-postmortem"


@pytest.fixture
def copied(tmp_path: Path) -> Course:
    return Course.locate().copy_to(tmp_path / "course", [LAB, "lab1-determinism"])


def test_switching_replaces_the_tables_with_the_other_scenarios_bytes(copied: Course) -> None:
    folder = copied.source / LAB
    before = sorted(p.name for p in (folder / "data" / "sep2025").iterdir())
    assert switch(copied, LAB, "apr2026") == "sep2025"
    assert scenario_of(folder) == "apr2026"
    after = sorted(p.name for p in (folder / "data" / "apr2026").iterdir())
    assert after == before
    for name in after:
        assert (folder / "data" / "apr2026" / name).read_bytes() == (DATASETS / "apr2026" / name).read_bytes()  # fmt: skip
    assert sorted(p.name for p in (folder / "data").iterdir()) == ["apr2026"]
    assert switch(copied, LAB, "apr2026") == "apr2026"  # already there: nothing changes


def test_bad_requests_are_one_line_errors(copied: Course) -> None:
    with pytest.raises(CourseError, match="unknown scenario 'jan2030'"):
        switch(copied, LAB, "jan2030")
    with pytest.raises(CourseError, match="lab1-determinism: has no incident data"):
        switch(copied, "lab1-determinism", "apr2026")
    (copied.source / LAB / "data" / "apr2026").mkdir()
    with pytest.raises(CourseError, match="holds several scenarios"):
        scenario_of(copied.source / LAB)

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
    current = scenario_of(folder)
    assert current is not None
    other = next(s for s in ("sep2025", "apr2026") if s != current)  # whichever the lab ships
    before = sorted(p.name for p in (folder / "data" / current).iterdir())
    assert switch(copied, LAB, other) == current
    assert scenario_of(folder) == other
    after = sorted(p.name for p in (folder / "data" / other).iterdir())
    assert after == before
    for name in after:
        assert (folder / "data" / other / name).read_bytes() == (DATASETS / other / name).read_bytes()  # fmt: skip
    assert sorted(p.name for p in (folder / "data").iterdir()) == [other]
    assert switch(copied, LAB, other) == other  # already there: nothing changes


def test_bad_requests_are_one_line_errors(copied: Course) -> None:
    with pytest.raises(CourseError, match="unknown scenario 'jan2030'"):
        switch(copied, LAB, "jan2030")
    with pytest.raises(CourseError, match="lab1-determinism: has no incident data"):
        switch(copied, "lab1-determinism", "apr2026")
    current = scenario_of(copied.source / LAB)
    other = next(s for s in ("sep2025", "apr2026") if s != current)
    (copied.source / LAB / "data" / other).mkdir()
    with pytest.raises(CourseError, match="holds several scenarios"):
        scenario_of(copied.source / LAB)


@pytest.mark.slow
def test_a_release_ships_the_briefs_of_its_scenario_only(copied: Course) -> None:
    current = scenario_of(copied.source / LAB)
    assert current is not None
    other = next(s for s in ("sep2025", "apr2026") if s != current)
    assert list((copied.source / LAB / "briefs").glob(f"{other}*"))  # the source keeps both
    for scenario in (current, other):
        switch(copied, LAB, scenario)
        copied.release_lab(LAB)
        shipped = sorted(p.name for p in (copied.root / "release" / LAB / "briefs").iterdir())
        assert shipped and all(name.startswith(scenario) for name in shipped), shipped

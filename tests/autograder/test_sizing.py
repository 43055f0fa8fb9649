"""`course sizing`: grading time per 100 students and memory per student, measured."""

from __future__ import annotations

import json

import pytest

from autograder import cli
from autograder.course import CourseError
from autograder.quicklab import LAB
from autograder.sizing import sizing, table

pytestmark = pytest.mark.slow


def test_the_sizing_command_prints_every_lab_and_the_memory_per_student(course, capsys):
    assert cli.main(["--course", str(course.root), "sizing", "--students", "2", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    row = figures["labs"][LAB]
    grading = row["grading"]  # the measured time per student, extrapolated to 100
    assert grading["seconds"] > 0 and grading["peak_rss_mb"] > 0
    assert grading["seconds_per_student"] == pytest.approx(grading["seconds"] / 2, abs=0.01)
    assert grading["minutes_per_100_students"] == pytest.approx(
        grading["seconds_per_student"] * 100 / 60, abs=0.1
    )
    assert not list(course.root.glob("submitted")), "the course measured is never touched"
    assert row["grading"]["students"] == 2 and row["working_student_kernel_mb"] > 20
    assert figures["idle_server_mb"] > 20
    assert figures["active_student_mb"] == pytest.approx(
        figures["idle_server_mb"] + row["working_student_kernel_mb"], abs=0.1
    )
    text = table(figures)
    assert LAB in text and "extrapolated to 100" in text and "an active student" in text


def test_an_unknown_lab_is_one_line(course, capsys):
    assert cli.main(["--course", str(course.root), "sizing", "lab9"]) == 2
    assert capsys.readouterr().err.startswith("course: ")
    with pytest.raises(CourseError, match="lab9"):
        sizing(course, ["lab9"])

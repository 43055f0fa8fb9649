"""The real labs pass the quality gate, and the demo grades a sample class of every lab."""

from __future__ import annotations

import csv

import pytest

from autograder.checking import check, table
from autograder.course import Course
from autograder.demo import demo

pytestmark = pytest.mark.slow
COURSE = Course.locate()


def test_the_course_has_labs():
    assert "lab2-agent-variance" in COURSE.labs()


@pytest.mark.parametrize("lab", COURSE.labs())
def test_every_lab_passes_course_check(lab):
    # One lab per test, one student seed: each lab's own tests (test_lab<N>.py) grade the model
    # solution under more student ids, beside their fabricated mistakes, in one batch.
    results = check(COURSE, [lab], seeds=1, progress=False)
    assert all(r.ok for r in results), table(results)


def test_demo_grades_a_sample_class(tmp_path):
    course, reports = demo(COURSE, tmp_path / "demo", progress=False)
    assert [r.lab for r in reports] == COURSE.labs()
    for report in reports:
        results = {r.student: r for r in report.results}
        assert results["ada"].graded and results["ada"].auto_score == results["ada"].auto_max > 0
        assert results["linus"].graded and results["linus"].auto_score == 0
        assert 0 < results["grace"].auto_score < results["ada"].auto_score
        assert results["margaret"].auto_score < results["ada"].auto_score
        assert not results["ken"].graded and "not a valid notebook" in results["ken"].message
        assert (course.feedback / "ada" / report.lab).is_dir()
    rows = list(csv.reader((course.root / "grades-canvas.csv").open()))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert {row[3] for row in rows[2:]} == {"ada", "grace", "linus", "margaret"}

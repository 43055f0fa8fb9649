"""End to end through real nbgrader: release, fabricated submissions, grade, feedback, export."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from nbformat import NotebookNode

from autograder import submissions
from autograder.checking import check, page_text
from autograder.cli import main
from autograder.course import CourseError
from autograder.exporting import CANVAS_LEADING, NBGRADER_COLUMNS, export
from autograder.grading import grade
from tests.autograder.conftest import LAB

pytestmark = pytest.mark.slow


def released(course):
    assert main(["--course", str(course.root), "--quiet", "release", LAB]) == 0
    return course


def test_release_strips_solutions_hidden_tests_and_outputs(course):
    released(course)
    text = course.notebook(LAB, "release").read_text()
    assert "raise NotImplementedError" in text
    for marker in (
        "BEGIN SOLUTION",
        "return a + b",
        "HIDDEN",
        "hidden mean",
        "MARK SCHEME",
        "Full marks",
    ):
        assert marker not in text


def test_a_class_gets_exact_scores_and_one_message_per_broken_submission(course):
    released(course)
    cases: dict[str, NotebookNode | bytes] = {
        "full": submissions.full(course, LAB),
        "partial": submissions.partial(course, LAB),
        "blank": submissions.blank(course, LAB),
        "raising": submissions.raising(course, LAB),
        "timeout": submissions.timing_out(course, LAB),
        "badjson": b"{ not a notebook",
        "oldformat": b'{"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}',
    }
    for student, notebook in cases.items():
        submissions.write(course, LAB, student, notebook)
    wrong_name = course.submitted / "misnamed" / LAB
    wrong_name.mkdir(parents=True)
    (wrong_name / "my-work.ipynb").write_text("{}")

    report = grade(course, LAB, timeout=5, progress=False)
    results = {r.student: r for r in report.results}
    assert {s: (r.graded, r.auto_score) for s, r in results.items()} == {
        "full": (True, 80.0),
        "partial": (True, 40.0),
        "blank": (True, 0.0),
        "raising": (True, 40.0),
        "timeout": (True, 40.0),
        "badjson": (False, 0.0),
        "oldformat": (False, 0.0),
        "misnamed": (False, 0.0),
    }
    assert results["full"].auto_max == 80 and results["full"].manual_max == 20
    assert (
        "badjson/lab0-fixture/lab0-fixture.ipynb: not a valid notebook"
        in results["badjson"].message
    )
    assert "unsupported notebook format version 3" in results["oldformat"].message
    assert (
        "missing; the submission must contain lab0-fixture.ipynb (found: my-work.ipynb)"
        in results["misnamed"].message
    )

    feedback = page_text(course.feedback / "full" / LAB / f"{LAB}.html")
    assert "check_close(add(1, 2)" in feedback  # visible tests are shown
    assert "hidden mean of three" not in feedback and "SEED % 97" not in feedback
    assert report.csv is not None
    with report.csv.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == NBGRADER_COLUMNS
    assert {r["student_id"]: float(r["score"]) for r in rows}["full"] == 80.0


def test_grading_twice_keeps_one_grade_per_student(course):
    released(course)
    submissions.write(course, LAB, "ada", submissions.full(course, LAB))
    grade(course, LAB, progress=False)
    grade(course, LAB, progress=False)
    with sqlite3.connect(course.root / "gradebook.db") as db:
        (count,) = db.execute("select count(*) from submitted_assignment").fetchone()
    assert count == 1


def test_canvas_export_has_the_import_columns(course):
    released(course)
    submissions.write(course, LAB, "ada", submissions.full(course, LAB))
    grade(course, LAB, progress=False)
    path = export(course, "canvas", allow_pending=True, new_assignments=True).path
    rows = list(csv.reader(path.open()))
    assert rows[0] == [*CANVAS_LEADING, LAB]
    assert rows[1][0] == "Points Possible" and float(rows[1][-1]) == 100.0
    assert rows[2][3] == "ada" and rows[2][-1] == ""  # 20 points still to grade by hand


def test_course_check_passes_a_good_lab(course):
    (result,) = check(course, [LAB], progress=False)
    assert result.ok, result.problems
    assert result.full_marks == "3/3" and result.release_zero == "yes" and result.points == 100


def test_course_check_catches_a_lab_whose_solution_fails(course):
    notebook = submissions.read(course.notebook(LAB))
    notebook.cells[2].source = notebook.cells[2].source.replace("return a + b", "return a - b")
    notebook.cells[6].metadata["nbgrader"]["points"] = 10
    import nbformat

    nbformat.write(notebook, course.notebook(LAB))
    (result,) = check(course, [LAB], progress=False)
    assert not result.ok
    assert any("points add up to 90" in p for p in result.problems)
    assert not any("both a grade and a task" in p for p in result.problems)
    assert any("the solution lost points" in p and "test_add" in p for p in result.problems)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grade", "lab9"], "unknown lab 'lab9'; the labs are: lab0-fixture"),
        (["release", "nope"], "unknown lab 'nope'"),
        (["grade", LAB], "no submissions to grade"),
        (["export"], "no gradebook yet"),
        (["export", "--format", "canvas"], "no gradebook yet"),
    ],
)
def test_instructor_errors_are_one_line_and_exit_2(course, capsys, argv, message):
    assert main(["--course", str(course.root), "--quiet", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_half_initialised_gradebook_is_refused(course, capsys):
    sqlite3.connect(course.root / "gradebook.db").close()  # an empty file nbgrader would misuse
    assert main(["--course", str(course.root), "--quiet", "release", LAB]) == 2
    assert "half-initialised" in capsys.readouterr().err


def test_not_a_course_folder(tmp_path, capsys):
    assert main(["--course", str(tmp_path), "release"]) == 2
    assert "not a course folder" in capsys.readouterr().err


def test_course_error_is_raised_by_the_api_too(course):
    with pytest.raises(CourseError, match="unknown lab"):
        grade(course, "lab9")


def test_one_student_is_regraded_alone_and_hand_scores_survive_every_regrade(course):
    from tests.autograder.test_exporting import hand_grade

    released(course)
    for student in ("ada", "grace"):
        submissions.write(course, LAB, student, submissions.full(course, LAB))
    first = {r.student: r for r in grade(course, LAB, progress=False).results}
    assert first["ada"].manual_pending == 20 and first["grace"].manual_pending == 20
    hand_grade(course, "ada", 0.5)

    # grace fixes a bug; only her submission is graded again.
    submissions.write(course, LAB, "grace", submissions.partial(course, LAB))
    report = grade(course, LAB, progress=False, only=["grace"])
    assert [r.student for r in report.results] == ["grace"]
    whole = grade(course, LAB, progress=False)
    results = {r.student: r for r in whole.results}
    assert results["ada"].manual_pending == 0 and results["grace"].manual_pending == 20
    assert "ada" in whole.table() and " 0 pts" in whole.table().splitlines()[1]
    with sqlite3.connect(course.root / "gradebook.db") as db:
        (manual,) = db.execute(
            "select g.manual_score from grade g"
            " join submitted_notebook sn on g.notebook_id = sn.id"
            " join submitted_assignment sa on sn.assignment_id = sa.id"
            " where sa.student_id = 'ada' and g.manual_score is not null"
        ).fetchone()
    assert manual == 10.0

    with pytest.raises(CourseError, match="no submission of lab0-fixture from 'nobody'"):
        grade(course, LAB, progress=False, only=["nobody"])

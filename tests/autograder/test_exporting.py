"""`course export --format canvas`: a file Canvas's gradebook import takes as an update of the
course's existing assignments, checked against a gradebook as Canvas exports it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import cli, submissions
from autograder.course import Course, CourseError
from autograder.exporting import CANVAS_LEADING, export
from autograder.grading import grade
from autograder.roster import add_to_gradebook, read_roster
from tests.autograder.canvas_import import preview_import, read_export
from tests.autograder.conftest import LAB

pytestmark = pytest.mark.slow

CANVAS_EXPORT = Path(__file__).parent / "fixtures" / "canvas-gradebook-export.csv"
COLUMN = "Lab 0: fixture (4410)"


def hand_grade(course: Course, student: str, fraction: float = 1.0) -> None:
    """What a grader does in the formgrader: a score for every hand-graded answer."""
    with Gradebook(course.gradebook_url) as gradebook:
        notebook = gradebook.find_submission_notebook(LAB, LAB, student)
        for grade_cell in notebook.grades:
            if grade_cell.needs_manual_grade:
                grade_cell.manual_score = fraction * float(grade_cell.max_score)
                grade_cell.needs_manual_grade = False  # as the formgrader does on a save
        gradebook.db.commit()


@pytest.fixture
def term(course: Course) -> Course:
    """A course whose class came from Canvas: ada hands in the solution, grace half of it, and
    barbara nothing."""
    (course.root / "course.toml").write_text(f'[canvas.assignments]\n{LAB} = "{COLUMN}"\n')
    add_to_gradebook(course, read_roster(CANVAS_EXPORT))
    course.release_lab(LAB)
    submissions.write(course, LAB, "ada", submissions.full(course, LAB))
    submissions.write(course, LAB, "grace", submissions.partial(course, LAB))
    grade(course, LAB, progress=False)
    return course


def canvas_rows(path: Path) -> dict[str, list[str]]:
    return {row[3]: row for row in csv.reader(path.open()) if row[0] != "Points Possible"}


def test_pending_hand_grading_is_refused_then_left_blank_then_exported(term, capsys):
    with pytest.raises(CourseError) as refused:
        export(term, "canvas")
    assert "hand grading is pending" in str(refused.value) and "ada, grace" in str(refused.value)
    assert not (term.root / "grades-canvas.csv").exists()

    hand_grade(term, "ada")
    assert cli.main(["--course", str(term.root), "export", "--format", "canvas"]) == 2
    assert "grace" in capsys.readouterr().err
    result = export(term, "canvas", allow_pending=True)
    assert result.pending == {LAB: ["grace"]}
    rows = canvas_rows(result.path)
    assert float(rows["ada"][5]) == 100.0 and rows["grace"][5] == "" and rows["barbara"][5] == ""

    hand_grade(term, "grace", 0.5)
    rows = canvas_rows(export(term, "canvas").path)
    assert rows["grace"][5] not in ("", "0.0")


def test_the_file_is_an_update_of_the_existing_assignment(term):
    hand_grade(term, "ada")
    hand_grade(term, "grace", 0.5)
    path = export(term, "canvas").path
    header = next(csv.reader(path.open()))
    assert header == [*CANVAS_LEADING, COLUMN]

    canvas = read_export(CANVAS_EXPORT)
    preview = preview_import(canvas, path)
    assert preview.errors == [] and preview.new_assignments == []
    assert preview.unmatched_rows == []
    by_login = {s.sis_login_id: s for s in canvas.students}
    ada, grace = by_login["ada"].canvas_id, by_login["grace"].canvas_id
    assert preview.updates[(ada, "4410")] == 100.0
    assert (by_login["barbara"].canvas_id, "4410") not in preview.updates  # blank: no change
    assert (grace, "4410") in preview.updates
    assert set(preview.matched_by.values()) == {"ID"}

    # Canvas's own ids and sections go back unchanged; the test student is not in the file.
    rows = canvas_rows(path)
    for student in canvas.students:
        if student.name == "Student, Test":
            assert student.sis_login_id not in rows
            continue
        row = rows[student.sis_login_id]
        assert row[:5] == [
            student.name,
            student.canvas_id,
            student.sis_user_id,
            student.sis_login_id,
            student.section,
        ]


def test_a_lab_without_a_canvas_assignment_is_refused_with_the_setting_to_add(term):
    hand_grade(term, "ada")
    hand_grade(term, "grace")
    (term.root / "course.toml").unlink()
    with pytest.raises(CourseError) as refused:
        export(term, "canvas")
    message = str(refused.value)
    assert "course.toml" in message and "[canvas.assignments]" in message and LAB in message
    result = export(term, "canvas", new_assignments=True)
    assert preview_import(read_export(CANVAS_EXPORT), result.path).new_assignments == [LAB]


def test_a_student_graded_but_not_on_the_roster_is_named(term):
    submissions.write(term, LAB, "walkin", submissions.full(term, LAB))
    grade(term, LAB, progress=False)
    for student in ("ada", "grace", "walkin"):
        hand_grade(term, student)
    result = export(term, "canvas")
    assert any("walkin" in note for note in result.notes)
    row = canvas_rows(result.path)["walkin"]
    assert row[1:3] == ["", ""]  # no invented Canvas ids


GOLDEN = Path(__file__).parent / "golden" / "grades-canvas.csv"


def test_the_round_trip_matches_the_golden_file_byte_for_byte(term, update_golden):
    """Canvas's export in, `course export --format canvas` out. After an intended change,
    `pytest tests/autograder/test_exporting.py --update-golden` rewrites the file; review its diff."""
    hand_grade(term, "ada")
    hand_grade(term, "grace", 0.5)
    produced = export(term, "canvas").path.read_bytes()
    if update_golden:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(produced)
    assert GOLDEN.exists(), f"{GOLDEN} is missing: run this test with --update-golden"
    assert produced == GOLDEN.read_bytes(), (
        f"the Canvas file differs from {GOLDEN}; if the change is intended, "
        "rerun with --update-golden and review the diff"
    )

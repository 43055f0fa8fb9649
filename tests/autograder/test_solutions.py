"""`course solutions LAB`: a solution notebook with nothing only the grader may see, released
after the lab closes, into the course folder and the exchange."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import nbformat
import pytest

from autograder import cli
from autograder.checking import MARKERS, secret_lines
from autograder.course import Course, CourseError
from autograder.grader import registry
from autograder.solutions import release_solutions, solution_notebook
from tests.autograder.conftest import LAB

UTC = dt.UTC
DUE = dt.datetime(2027, 1, 29, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def all_text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in notebook.cells)


@pytest.mark.parametrize("lab", Course.locate().labs())
def test_every_lab_has_its_solutions_and_nothing_grader_only(lab):
    course = Course.locate()
    notebook = solution_notebook(course, lab, "1 March 2027")
    text = all_text(notebook)
    assert not [marker for marker in MARKERS if marker in text]
    secret = secret_lines(course.notebook(lab), registry.path_for(course.root, lab))
    assert secret, "the check below would prove nothing"
    assert not [line for line in secret if line in text]
    assert all("nbgrader" not in cell.metadata for cell in notebook.cells)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    # every answer cell keeps its solution: its code minus the delimiters is in the notebook
    source = nbformat.read(course.notebook(lab), as_version=4)
    for cell in source.cells:
        if cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source:
            body = cell.source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION")[0]
            assert body.strip() and body.strip() in text
    assert notebook.cells[0].source.startswith(f"# Solutions: {lab}")


def with_settings(course: Course, text: str) -> Course:
    (course.root / "course.toml").write_text(text)
    course.release_lab(LAB)
    return course


CLOSING = (
    f"[deadlines]\n{LAB} = 2027-01-29T23:59:00-05:00\n"
    "[late-penalty]\npercent-per-day = 10\nzero-after-days = 3\n"
    f"[extensions.{LAB}]\nada = 2\n"
)


def test_no_solutions_while_the_lab_can_still_earn_points(course):
    with_settings(course, CLOSING)
    closes = DUE + dt.timedelta(days=2 + 3)
    for moment in (DUE - dt.timedelta(days=1), closes - dt.timedelta(minutes=1)):
        with pytest.raises(CourseError, match="can still earn points until 2027-02-03T23:59"):
            release_solutions(course, LAB, now=moment.astimezone(UTC))
    assert not (course.root / "solutions").exists()
    release = release_solutions(course, LAB, now=closes)
    assert release.notes == [] and release.exchange is None  # no exchange on this machine
    assert sorted(p.name for p in release.folder.iterdir()) == [f"{LAB}-solutions.ipynb"]


def test_a_lab_without_a_due_date_needs_force(course, capsys):
    with_settings(course, "")
    with pytest.raises(CourseError, match=r"no due date in \[deadlines\].*--force"):
        release_solutions(course, LAB)
    assert cli.main(["--course", str(course.root), "solutions", LAB]) == 2
    error = capsys.readouterr().err
    assert error.startswith("course: ") and len(error.strip().splitlines()) == 1
    assert cli.main(["--course", str(course.root), "solutions", LAB, "--force"]) == 0
    assert "solutions of" in capsys.readouterr().out


def test_late_work_without_an_end_is_named(course):
    with_settings(
        course, f"[deadlines]\n{LAB} = 2027-01-29T23:59:00Z\n[late-penalty]\npercent-per-day = 5\n"
    )
    release = release_solutions(course, LAB, now=dt.datetime(2027, 3, 1, tzinfo=UTC))
    assert "no zero-after-days" in release.notes[0]


def test_the_solutions_reach_the_exchange_where_students_fetch(course, tmp_path):
    exchange = tmp_path / "exchange"
    (exchange / "ai-literacy" / "outbound").mkdir(parents=True)
    config = course.root / "nbgrader_config.py"
    config.write_text(config.read_text() + f"\nc.Exchange.root = {str(exchange)!r}\n")
    with_settings(course, f"[deadlines]\n{LAB} = 2027-01-29T23:59:00Z\n")
    release = release_solutions(course, LAB, now=dt.datetime(2027, 2, 1, tzinfo=UTC))
    assert release.exchange == exchange / "ai-literacy" / "outbound" / f"{LAB}-solutions"
    assert release.exchange is not None
    shared = release.exchange / f"{LAB}-solutions.ipynb"
    assert shared.stat().st_mode & 0o777 == 0o644
    student = tmp_path / "student"
    student.mkdir()
    listed = subprocess.run(
        [sys.executable, "-m", "nbgrader", "list", f"--Exchange.root={exchange}"],
        cwd=student,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"ai-literacy {LAB}-solutions" in listed.stdout + listed.stderr
    again = release_solutions(course, LAB, now=dt.datetime(2027, 2, 2, tzinfo=UTC))
    assert again.exchange == release.exchange  # replaced whole, never half-written
    assert not list(release.exchange.parent.glob(".*partial"))

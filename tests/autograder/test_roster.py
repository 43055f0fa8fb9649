"""Rosters (Canvas's gradebook export), the submission list and feedback release: `course` on a hub."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from autograder import cli
from autograder.course import CourseError
from autograder.hub import release_feedback, submissions
from autograder.roster import (
    IDENTITY_FILE,
    RosterError,
    add_to_gradebook,
    canvas_identities,
    enrolled,
    load_roster,
    read_roster,
)
from tests.autograder.conftest import LAB
from tests.hub.hubctl import DEPLOY

# Canvas writes a byte-order mark, a "Points Possible" row and its own test student.
CANVAS = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Lab 1 (1234)\n"
    "    Points Possible,,,,,100.00\n"
    '"Lovelace, Ada",1001,u1001,ada,Tuesday,\n'
    '"Hopper, Grace",1002,u1002,grace.hopper@uni.example,Tuesday,87.00\n'
    "Turing,1003,,alan,Wednesday,\n"
    '"Student, Test",9999,,,,\n'
)


def write(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_canvas_export_is_read(tmp_path):
    students = read_roster(write(tmp_path, CANVAS))
    assert [(s.student_id, s.first_name, s.last_name, s.lms_user_id, s.line) for s in students] == [
        ("ada", "Ada", "Lovelace", "1001", 3),
        ("grace.hopper@uni.example", "Grace", "Hopper", "1002", 4),
        ("alan", "Turing", "", "1003", 5),
    ]
    assert students[0].section == "Tuesday"
    assert [s.sis_user_id for s in students] == ["u1001", "u1002", ""]


def test_canvas_test_students_are_skipped_even_with_a_login(tmp_path):
    text = CANVAS + '"Student, Test",9998,,3f0b8a2e6c1d4e5f,Tuesday,\nTest Student,9997,,x9,,\n'
    roster = load_roster(write(tmp_path, text))
    assert [s.student_id for s in roster.students] == ["ada", "grace.hopper@uni.example", "alan"]
    assert roster.test_students == 3


def test_canvas_ids_and_sections_are_kept_for_the_export(tmp_path, course):
    add_to_gradebook(course, read_roster(write(tmp_path, CANVAS)))
    identities = canvas_identities(course)
    assert identities["ada"].canvas_id == "1001" and identities["ada"].sis_user_id == "u1001"
    assert identities["ada"].name == "Lovelace, Ada" and identities["alan"].section == "Wednesday"
    # A later roster updates who it lists and keeps the others.
    later = 'Student,ID,SIS User ID,SIS Login ID,Section\n"Lovelace, Ada",1001,u1001,ada,Friday\n'
    add_to_gradebook(course, read_roster(write(tmp_path, later, "later.csv")))
    identities = canvas_identities(course)
    assert identities["ada"].section == "Friday" and identities["alan"].section == "Wednesday"
    (course.root / IDENTITY_FILE).write_text("{not json")
    with pytest.raises(RosterError, match=r"canvas-roster\.json: cannot read"):
        canvas_identities(course)


def test_newer_exports_with_an_integration_id_column_are_read(tmp_path):
    text = (
        "Student,ID,SIS User ID,SIS Login ID,Integration ID,Section\n"
        + '"Lovelace, Ada",1,,ada,,A\n'
    )
    assert [s.student_id for s in read_roster(write(tmp_path, text))] == ["ada"]


def test_a_duplicate_id_is_refused_with_both_line_numbers(tmp_path, course):
    text = CANVAS + '"Lovelace, Ada (again)",1004,,ada,Tuesday,\n'
    with pytest.raises(RosterError) as refused:
        read_roster(write(tmp_path, text))
    message = str(refused.value)
    assert "roster.csv: roster refused, nothing was added" in message
    assert "line 7: student id 'ada' repeats line 3" in message
    assert enrolled(course) == []


@pytest.mark.parametrize(
    ("login", "problem"),
    [
        ("", "no SIS Login ID"),
        ("ada+lab", "is not a valid student id"),
        ("ada lovelace", "is not a valid student id"),
        ("../ada", "is not a valid student id"),
        ("Ada", "has capital letters; JupyterHub logs users in lower-case, so write it as 'ada'"),
    ],
)
def test_a_malformed_id_is_refused_with_its_line_number(tmp_path, login, problem):
    text = CANVAS.replace(",ada,Tuesday", f",{login},Tuesday")
    with pytest.raises(RosterError, match=rf"line 3: .*{problem}.*\(Lovelace, Ada\)"):
        read_roster(write(tmp_path, text))


def test_every_problem_is_listed_at_once(tmp_path):
    text = CANVAS + "Nobody,1,,,A,\nAgain,2,,alan,A,\nRagged,3,,r,A,,,extra\n"
    with pytest.raises(RosterError) as refused:
        read_roster(write(tmp_path, text))
    lines = str(refused.value).splitlines()[1:]
    assert [line.split(":")[0].strip() for line in lines] == ["line 7", "line 8", "line 9"]


def test_a_file_that_is_not_a_canvas_roster_is_named(tmp_path):
    with pytest.raises(RosterError, match=r"grades.csv: not a Canvas roster: no column 'Student'"):
        read_roster(write(tmp_path, "assignment,student_id,score\nlab1,ada,3\n", "grades.csv"))
    with pytest.raises(RosterError, match="no such roster file"):
        read_roster(tmp_path / "missing.csv")
    with pytest.raises(RosterError, match="lists no students"):
        read_roster(write(tmp_path, "Student,SIS Login ID\n    Points Possible,\n"))


def test_students_are_added_then_updated(tmp_path, course):
    students = read_roster(write(tmp_path, CANVAS))
    assert add_to_gradebook(course, students) == (["ada", "grace.hopper@uni.example", "alan"], [])
    assert add_to_gradebook(course, students[:1]) == ([], ["ada"])
    assert enrolled(course) == ["ada", "alan", "grace.hopper@uni.example"]


def test_the_roster_command(tmp_path, course, capsys):
    roster = write(tmp_path, CANVAS)
    assert cli.main(["--course", str(course.root), "roster", str(roster), "--check"]) == 0
    out = capsys.readouterr().out
    assert "3 students, no problem found" in out and "test student skipped" in out
    assert enrolled(course) == []
    assert cli.main(["--course", str(course.root), "roster", str(roster)]) == 0
    assert "3 added, 0 updated (3 on the roster)" in capsys.readouterr().out
    bad = write(tmp_path, CANVAS + "Twice,5,,ada,A,\n", "bad.csv")
    assert cli.main(["--course", str(course.root), "roster", str(bad)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("course: ") and "line 7: student id 'ada' repeats line 3" in error
    assert "Traceback" not in error


# -- submissions in the exchange ----------------------------------------------------------------
def submit(inbound: Path, student: str, stamp: str, notebook: str = "{}") -> Path:
    """A submission as nbgrader's exchange files it: <student>+<lab>+<time>+<random>."""
    random_part = hashlib.sha256(f"{student}{stamp}".encode()).hexdigest()[:32]
    folder = inbound / f"{student}+{LAB}+{stamp}+{random_part}"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text(stamp)
    (folder / f"{LAB}.ipynb").write_text(notebook)
    return folder


@pytest.fixture
def exchange(tmp_path, monkeypatch):
    """The deployment's machine-wide nbgrader settings, with the exchange in tmp_path."""
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(DEPLOY))
    monkeypatch.setenv("NBGRADER_EXCHANGE_ROOT", str(tmp_path / "exchange"))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    return tmp_path / "exchange"


def test_every_submission_is_listed_and_the_missing_named(tmp_path, course, exchange):
    inbound = exchange / "ai-literacy" / "inbound"
    first = submit(inbound, "ada", "2026-11-27 09:00:00.000001 UTC", '{"first": true}')
    submit(inbound, "ada", "2026-11-27 10:30:00.000002 UTC")
    submit(inbound, "alan", "2026-11-27 09:15:00.000003 UTC")
    submit(inbound, "ada", "2026-11-27 09:05:00.000004 UTC")  # listed in time order, not name order
    collected = course.submitted / "ada" / LAB
    collected.mkdir(parents=True)
    (collected / "timestamp.txt").write_text("2026-11-27 09:05:00.000004 UTC\n")
    add_to_gradebook(course, read_roster(write(tmp_path, CANVAS)))

    report = submissions(course, LAB)
    assert [s.timestamp[11:19] for s in report.submissions["ada"]] == [
        "09:00:00",
        "09:05:00",
        "10:30:00",
    ]
    assert report.missing == ["grace.hopper@uni.example"]
    table = report.table()
    assert "ada " in table and "an earlier one: collect again" in table
    assert "alan" in table and table.count(" no\n") + table.endswith(" no") >= 1
    assert table.splitlines()[-1] == "missing: grace.hopper@uni.example"
    # the earlier submission is still there, untouched
    assert (first / f"{LAB}.ipynb").read_text() == '{"first": true}'


def test_submissions_without_an_exchange_or_roster(course, exchange):
    table = submissions(course, LAB).table()
    assert "no nbgrader exchange here" in table
    assert "missing: unknown (no roster yet: `course roster FILE` adds one)" in table


def test_feedback_is_released_by_a_hash_only_its_student_knows(course, exchange):
    with pytest.raises(CourseError, match=rf"no feedback to release yet; run `course grade {LAB}`"):
        release_feedback(course, LAB)
    course.release_lab(LAB)
    feedback = course.feedback / "ada" / LAB
    feedback.mkdir(parents=True)
    (feedback / f"{LAB}.html").write_text("<p>ada's feedback</p>")
    (feedback / "timestamp.txt").write_text("2026-11-27 10:30:00.000002 UTC")
    (feedback / "submission_secret.txt").write_text("s3cret")
    with pytest.raises(CourseError, match=r"release_feedback failed: .*Unwritable directory"):
        release_feedback(course, LAB)  # the exchange does not exist: nbgrader's reason is shown
    exchange.mkdir(mode=0o777)
    assert release_feedback(course, LAB) == ["ada"]
    (page,) = (exchange / "ai-literacy" / "feedback").glob("*.html")
    assert page.read_text() == "<p>ada's feedback</p>"
    assert page.stem not in {"ada", LAB} and len(page.stem) >= 32


def test_feedback_released_after_hand_grading_shows_the_hand_score_and_comment(course, exchange):
    from nbgrader.api import Gradebook

    from autograder import submissions as work
    from autograder.grading import grade

    course.release_lab(LAB)
    submitted = work.write(course, LAB, "ada", work.full(course, LAB))
    (submitted.parent / "timestamp.txt").write_text("2026-11-27 10:30:00.000002 UTC")
    (submitted.parent / "submission_secret.txt").write_text("s3cret")  # as nbgrader submit writes
    grade(course, LAB, progress=False)
    page = course.feedback / "ada" / LAB / f"{LAB}.html"
    assert "to be graded" in page.read_text()
    with Gradebook(course.gradebook_url) as gradebook:  # what a grader does in the formgrader
        notebook = gradebook.find_submission_notebook(LAB, LAB, "ada")
        for grade_cell in notebook.grades:
            if grade_cell.needs_manual_grade:
                grade_cell.manual_score = float(grade_cell.max_score)
        for comment in notebook.comments:
            comment.manual_comment = "Clear argument, with your own numbers."
        gradebook.db.commit()
    exchange.mkdir(mode=0o777)
    assert release_feedback(course, LAB) == ["ada"]
    (released,) = (exchange / "ai-literacy" / "feedback").glob("*.html")
    text = released.read_text()
    assert "to be graded" not in text and "Clear argument, with your own numbers." in text


def test_a_rewritten_timestamp_never_makes_late_work_on_time(course, exchange):
    """timestamp.txt is written by the student's server into the student's own folder; the
    files' ctime, which no user can set back, bounds when the submission was made."""
    import csv
    import datetime as dt

    import nbformat

    from autograder import submissions as work
    from autograder.exporting import export
    from autograder.grading import grade

    now = dt.datetime.now(dt.UTC)
    due = now - dt.timedelta(hours=12)
    (course.root / "course.toml").write_text(
        f"[deadlines]\n{LAB} = {due.isoformat(timespec='seconds')}\n"
        "[late-penalty]\npercent-per-day = 10\n"
    )
    course.release_lab(LAB)
    inbound = exchange / "ai-literacy" / "inbound"
    solved = nbformat.writes(work.full(course, LAB))
    claims = {"ada": now - dt.timedelta(days=2), "grace": now}  # ada's claim is rewritten
    for student, claimed in claims.items():
        stamp = claimed.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        folder = submit(inbound, student, stamp, solved)
        shutil.copytree(folder, course.submitted / student / LAB)  # what collect does
    report = grade(course, LAB, progress=False)

    assert [check.student for check in report.rewritten] == ["ada"]
    assert "note: ada: the submission says" in report.table()
    assert [late.student for late in report.late] == ["ada", "grace"]
    with export(course, "nbgrader").path.open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    for student in claims:  # both came in 12 hours late: one started day, 10% of the points
        assert float(rows[student]["hours_late"]) == pytest.approx(12.0, abs=0.1)
        assert float(rows[student]["late_penalty"]) > 0

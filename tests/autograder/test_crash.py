"""Crash safety: `course grade` killed with SIGKILL mid-run, then run again, gives complete and
correct grades with no duplicate; every run backs the gradebook up first; one run at a time."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time

import psutil
import pytest

from autograder import submissions
from autograder.backup import back_up, backups_folder
from autograder.course import CourseError
from autograder.grading import grade, grading_lock
from tests.autograder.conftest import LAB, grade_rows

EXPECTED = {"full": 80.0, "partial": 40.0, "blank": 0.0}


def _graded_students(course) -> int:
    """Students whose autograded scores are all written (read-only; the run may be writing)."""
    path = course.root / "gradebook.db"
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
        (count,) = db.execute(
            "select count(*) from (select sa.student_id from grade g"
            " join submitted_notebook sn on g.notebook_id = sn.id"
            " join submitted_assignment sa on sn.assignment_id = sa.id"
            " join base_cell bc on g.cell_id = bc.id join grade_cells gc on gc.id = bc.id"
            " group by sa.student_id having count(g.auto_score) = count(*))"
        ).fetchone()
    return int(count)


def _slowed(course, make):
    """A submission whose first exercise cell also sleeps 1 s: a run lasts long enough to be
    killed in the middle. Scores are unchanged."""
    notebook = make(course, LAB)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    cell.source = "import time\ntime.sleep(1)\n" + cell.source
    return notebook


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_gives_complete_grades_without_duplicates(course):
    course.release_lab(LAB)
    kinds = {f"{kind}{i}": kind for i in range(2) for kind in EXPECTED}  # six students
    for student, kind in kinds.items():
        submissions.write(course, LAB, student, _slowed(course, getattr(submissions, kind)))
    command = [sys.executable, "-m", "autograder.cli", "--course", str(course.root), "--quiet"]
    command += ["grade", LAB, "--workers", "1"]
    run = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 240
    while _graded_students(course) < 1:
        assert run.poll() is None, run.stderr.read() if run.stderr else ""
        assert time.monotonic() < deadline, "no student was graded in time"
        time.sleep(0.05)
    family = psutil.Process(run.pid).children(recursive=True)  # workers and their kernels
    os.killpg(run.pid, signal.SIGKILL)  # the whole process group: `course` and its workers
    run.wait()
    graded_when_killed = _graded_students(course)
    assert 1 <= graded_when_killed < len(kinds), "the kill did not land mid-run"
    _, alive = psutil.wait_procs(family, timeout=15)  # kernels exit when their worker dies
    assert not alive, f"left running after the kill: {[p.cmdline()[:3] for p in alive]}"

    report = grade(course, LAB, workers=2, progress=False)

    assert {r.student: (r.graded, r.auto_score) for r in report.results} == {
        student: (True, EXPECTED[kind]) for student, kind in kinds.items()
    }
    rows = grade_rows(course.gradebook_url)
    keys = [(student, cell) for student, cell, _ in rows]
    assert len(keys) == len(set(keys)) == len(kinds) * 3, "lost or duplicated grade rows"
    assert all(score is not None for _, cell, score in rows if cell.startswith("test_"))
    with sqlite3.connect(course.root / "gradebook.db") as db:
        (submissions_count,) = db.execute("select count(*) from submitted_assignment").fetchone()
    assert submissions_count == len(kinds)
    for student in kinds:
        assert (course.feedback / student / LAB / f"{LAB}.html").exists(), student
    with (course.root / "grades.csv").open() as handle:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(handle)}
    assert scores == {student: EXPECTED[kind] for student, kind in kinds.items()}
    assert not list(course.root.glob("*.tmp"))
    assert len(list(backups_folder(course).glob("gradebook-*.db"))) == 2  # one per run


def _gradebook_with(course, rows: int):
    with sqlite3.connect(course.root / "gradebook.db") as db:
        db.execute("create table if not exists t (n integer)")
        db.execute("delete from t")
        db.executemany("insert into t values (?)", [(n,) for n in range(rows)])


def test_backups_are_whole_copies_and_only_the_newest_are_kept(course):
    assert back_up(course) is None  # no gradebook yet: nothing to copy
    backups_folder(course).mkdir()
    left = backups_folder(course) / "gradebook-20260101T000000.000000Z.db.tmp"
    left.write_text("a copy a killed run did not finish")
    made = []
    for rows in (1, 2, 3):
        _gradebook_with(course, rows)
        made.append(back_up(course, keep=2))
    kept = sorted(backups_folder(course).glob("gradebook-*"))
    assert kept == made[1:]  # the partial copy is gone too
    for path, rows in zip(kept, (2, 3), strict=True):
        with sqlite3.connect(path) as db:
            assert db.execute("select count(*) from t").fetchone() == (rows,)


def test_a_second_run_on_the_same_course_is_refused(course):
    with (
        grading_lock(course),
        pytest.raises(CourseError, match="another `course grade` is running"),
    ):
        grade(course, LAB, progress=False)

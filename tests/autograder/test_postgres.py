"""The gradebook on a real PostgreSQL server (tests/postgres.py starts one on loopback)."""

from __future__ import annotations

import csv

import pytest

from autograder import submissions
from autograder.cli import main
from autograder.course import Course, CourseError, normalise_db_url
from autograder.grading import grade
from tests.autograder.conftest import LAB, grade_rows

EXPECTED = {"full": 80.0, "partial": 40.0, "blank": 0.0, "raising": 40.0}


def _on(course: Course, url: str) -> Course:
    return Course(course.root, url)


@pytest.mark.slow
def test_parallel_grading_into_postgres_loses_and_duplicates_nothing(course, postgres_url):
    pg = _on(course, postgres_url)
    pg.release_lab(LAB)
    kinds = {f"{kind}{i}": kind for i in range(2) for kind in EXPECTED}  # eight students
    for student, kind in kinds.items():
        submissions.write(pg, LAB, student, getattr(submissions, kind)(pg, LAB))

    for _ in range(2):  # grading again updates each student's rows, never adds any
        report = grade(pg, LAB, workers=2, progress=False)
        assert {r.student: r.auto_score for r in report.results} == {
            student: EXPECTED[kind] for student, kind in kinds.items()
        }, report.table()
        rows = grade_rows(postgres_url)
        keys = [(student, cell) for student, cell, _ in rows]
        assert len(keys) == len(set(keys)) == len(kinds) * 3
    assert not (course.root / "gradebook.db").exists(), "SQLite was used instead"
    backup = report.backup
    assert backup is not None and backup.suffix == ".sql"
    assert "CREATE TABLE public.grade" in backup.read_text()


@pytest.mark.slow
def test_course_grade_takes_the_db_flag(course, postgres_url, capsys):
    course.release_lab(LAB)  # SQLite: this gradebook must stay untouched by the --db run
    bare = postgres_url.replace("postgresql+psycopg2://", "postgresql://")  # normalised
    submissions.write(course, LAB, "ada", submissions.full(course, LAB))
    argv = ["--course", str(course.root), "--quiet", "grade", LAB, "--db", bare, "--workers", "1"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "ada" in out and "80/80" in out and ".sql" in out
    assert [s for s, _, _ in grade_rows(postgres_url)] == ["ada"] * 3
    assert grade_rows(course.gradebook_url) == []  # the SQLite gradebook has no submission
    with (course.root / "grades.csv").open() as handle:
        assert [(r["student_id"], float(r["score"])) for r in csv.DictReader(handle)] == [
            ("ada", 80.0)
        ]


def test_a_database_that_does_not_answer_is_one_clear_line(course, capsys):
    url = "postgresql://teacher:s3cret@127.0.0.1:1/course"
    assert main(["--course", str(course.root), "--quiet", "grade", LAB, "--db", url]) == 2
    err = capsys.readouterr().err
    assert "postgresql+psycopg2://teacher:***@127.0.0.1:1/course: cannot use the gradebook" in err
    assert "s3cret" not in err and err.count("\n") == 1 and "Traceback" not in err


def test_bare_postgresql_urls_name_the_installed_driver():
    assert normalise_db_url("postgresql://u@h/d") == "postgresql+psycopg2://u@h/d"
    assert normalise_db_url("postgres://u@h/d") == "postgresql+psycopg2://u@h/d"
    assert normalise_db_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_malformed_url_is_refused(course):
    with pytest.raises(CourseError, match="not a database URL"):
        _on(course, "not a url").check_gradebook()

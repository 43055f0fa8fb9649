"""Due dates, extensions and the late-penalty rule of course.toml, applied by `course grade`
and the export (autograder.lateness)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from nbgrader.api import Gradebook

from autograder import submissions
from autograder.course import Course
from autograder.exporting import export
from autograder.grading import grade
from autograder.settings import LatePenalty, SettingsError, load_settings
from tests.autograder.conftest import LAB
from tests.autograder.test_exporting import hand_grade

DUE = dt.datetime(2027, 1, 29, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
HOUR = 3600.0
DAY = 24 * HOUR


def test_a_started_day_counts_and_the_grace_period_is_free():
    rule = LatePenalty(percent_per_day=10, grace_minutes=15)
    assert rule.fraction(0) == 0.0
    assert rule.fraction(14 * 60) == 0.0  # within the grace period
    assert rule.fraction(16 * 60) == pytest.approx(0.1)  # a started day
    assert rule.fraction(DAY) == pytest.approx(0.1)
    assert rule.fraction(DAY + 1) == pytest.approx(0.2)
    assert rule.fraction(30 * DAY) == 1.0  # never more than the lab's points


def test_after_the_late_window_the_lab_scores_zero():
    rule = LatePenalty(percent_per_day=5, zero_after_days=3)
    assert rule.fraction(3 * DAY) == pytest.approx(0.15)
    assert rule.fraction(3 * DAY + 1) == 1.0
    assert "0 after 3 days" in rule.describe()


def write_settings(course: Course, text: str) -> Course:
    (course.root / "course.toml").write_text(text)
    return course


def test_deadlines_extensions_and_the_rule_are_read(course):
    settings = load_settings(
        write_settings(
            course,
            f"[deadlines]\n{LAB} = 2027-01-29T23:59:00-05:00\n\n"
            "[late-penalty]\npercent-per-day = 10\ngrace-minutes = 15\nzero-after-days = 7\n\n"
            f"[extensions.{LAB}]\nada = 2\n",
        )
    )
    assert settings.due(LAB) == DUE
    assert settings.due(LAB, "ada") == DUE + dt.timedelta(days=2)
    assert settings.due(LAB, "grace") == DUE
    assert settings.late_penalty == LatePenalty(10, 15, 7)
    assert settings.closes(LAB) == DUE + dt.timedelta(days=2 + 7)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (f"[deadlines]\n{LAB} = 2027-01-29T23:59:00\n", 2, "with its UTC offset"),
        (f'[deadlines]\n{LAB} = "29/01/2027 23:59"\n', 2, "with its UTC offset"),
        (f"[deadlines]\n{LAB} = 2027-01-29\n", 2, "2027-01-29: write a date and time"),
        ("[deadlines]\nlab9 = 2027-01-29T23:59:00Z\n", 2, "deadlines.lab9: no such lab"),
        ("\n[late-penalty]\npercent-per-day = -3\n", 3, "give a number of 0 or more"),
        ("[late-penalty]\npercent-per-day = 150\n", 2, "above 100"),
        ("[late-penalty]\nper-day = 10\n", 2, "unknown setting late-penalty.per-day"),
        ("[late-penalty]\ngrace-minutes = 10\n", 1, "needs percent-per-day"),
        (f"[extensions.{LAB}]\nada = 2\n", 1, "has no due date in [deadlines]"),
        (
            f"[deadlines]\n{LAB} = 2027-01-29T23:59:00Z\n[extensions.{LAB}]\nada = '2 days'\n",
            4,
            "give a number of 0 or more",
        ),
    ],
)
def test_a_bad_deadline_or_rule_names_the_file_the_line_and_the_problem(
    course, text, line, problem
):
    with pytest.raises(SettingsError) as refused:
        load_settings(write_settings(course, text))
    message = str(refused.value)
    assert message.startswith(f"{course.root / 'course.toml'}, line {line}: "), message
    assert problem in message and "\n" not in message


def test_a_bad_course_toml_stops_grading_before_anything_is_written(course):
    write_settings(course, f"[deadlines]\n{LAB} = tomorrow\n")
    course.release_lab(LAB)
    submissions.write(course, LAB, "ada", submissions.full(course, LAB))
    with pytest.raises(SettingsError, match="not valid TOML"):
        grade(course, LAB, progress=False)
    assert not (course.root / "grades.csv").exists() and not course.autograded.exists()


def submit_at(course: Course, student: str, moment: dt.datetime) -> None:
    submissions.write(course, LAB, student, submissions.full(course, LAB))
    stamp = moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")  # nbgrader's format
    (course.notebook(LAB, "submitted", student).parent / "timestamp.txt").write_text(stamp)


def nbgrader_rows(course: Course) -> dict[str, dict[str, str]]:
    with export(course, "nbgrader").path.open() as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


@pytest.mark.slow
def test_grade_applies_the_rule_with_extensions_and_the_export_uses_the_final_score(course):
    write_settings(
        course,
        f"[deadlines]\n{LAB} = 2027-01-29T23:59:00-05:00\n\n"
        "[late-penalty]\npercent-per-day = 10\ngrace-minutes = 15\nzero-after-days = 7\n\n"
        f"[extensions.{LAB}]\nbarbara = 2\n",
    )
    course.release_lab(LAB)
    submit_at(course, "ada", DUE - dt.timedelta(hours=3))
    submit_at(course, "edsger", DUE + dt.timedelta(minutes=10))  # within the grace period
    submit_at(course, "grace", DUE + dt.timedelta(hours=36))  # 2 started days: -20%
    submit_at(course, "barbara", DUE + dt.timedelta(hours=36))  # inside her extension
    submit_at(course, "alan", DUE + dt.timedelta(days=8))  # after the late window: 0
    report = grade(course, LAB, progress=False)

    assert [late.student for late in report.late] == ["alan", "edsger", "grace"]
    assert "10% of the lab's points per started day late" in report.table()
    assert "grace: 36.0 h late" in report.table()

    with Gradebook(course.gradebook_url) as gradebook:  # nbgrader sees what course.toml says
        assignment = gradebook.find_assignment(LAB)
        assert assignment.duedate == dt.datetime(2027, 1, 30, 4, 59)  # UTC
        barbara = gradebook.find_submission(LAB, "barbara")
        assert barbara.extension == dt.timedelta(days=2) and barbara.total_seconds_late == 0
        grace = gradebook.find_submission(LAB, "grace")
        assert grace.late_submission_penalty > 0  # nbgrader's own step asked the course's rule

    for student in ("ada", "edsger", "grace", "barbara", "alan"):
        hand_grade(course, student)
    rows = nbgrader_rows(course)
    top = float(rows["ada"]["max_score"])
    assert float(rows["ada"]["score"]) == top and rows["ada"]["late_penalty"] == "0.0"
    assert float(rows["edsger"]["score"]) == top
    assert float(rows["barbara"]["score"]) == top
    # The penalty is computed from the final score, hand-graded points included.
    assert float(rows["grace"]["score"]) == pytest.approx(0.8 * top)
    assert float(rows["grace"]["hours_late"]) == pytest.approx(36.0)
    assert float(rows["alan"]["score"]) == 0.0

    # An extension granted afterwards is applied by the next export and the next regrade.
    write_settings(
        course,
        (course.root / "course.toml").read_text().replace("barbara = 2", "barbara = 2\ngrace = 2"),
    )
    assert float(nbgrader_rows(course)["grace"]["score"]) == top
    report = grade(course, LAB, progress=False, only=["grace"])
    assert report.late == []
    with Gradebook(course.gradebook_url) as gradebook:
        assert gradebook.find_submission(LAB, "grace").extension == dt.timedelta(days=2)
        assert gradebook.find_submission(LAB, "grace").late_submission_penalty == 0

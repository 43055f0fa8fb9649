"""Due dates and late penalties, from course.toml (autograder.settings), applied by `course grade`.

One rule decides everywhere: a submission's lateness is its nbgrader timestamp (the moment the
student submitted, UTC) minus the lab's due date plus the student's extension, and its penalty is
a share of the lab's points (LatePenalty.fraction), never more than what it scored.

nbgrader records a penalty per notebook when it autogrades (its AssignLatePenalties step calls
`CourseLatePenalty` below), but caps it by the score at that moment, which leaves out the hand
grades still to come. So the export computes the penalty again from the same rule and the final
score, and `sync_gradebook` stores it again (with the due date and the extensions) after every
grading run and before feedback is written, so the formgrader and the feedback show what the
export uses.

A submission without a timestamp (one an instructor copied into submitted/ by hand) is on time.

The timestamp is written by the student's own server, into a folder the student owns, so it is
checked: where the submission is still in the exchange, the last change of its files (their
ctime, which the kernel sets and no user can move back) is an upper bound of when it was made.
A timestamp earlier than that by more than the clock skew allowed is replaced by it for the
lateness (`course grade` says so), so an edited timestamp.txt never makes late work on time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import LateSubmissionPlugin

from autograder.course import Course
from autograder.settings import CourseSettings, load_settings

# How far a student's server clock and the exchange's file server may disagree (and how long
# nbgrader's submit takes to write a big submission) before a timestamp counts as changed.
CLOCK_SKEW = dt.timedelta(minutes=10)


def utc_naive(moment: dt.datetime) -> dt.datetime:
    """nbgrader's gradebook keeps times as naive UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def seconds_late(
    settings: CourseSettings, lab: str, student: str, submitted: dt.datetime | None
) -> float:
    due = settings.due(lab, student)
    if due is None or submitted is None:
        return 0.0
    return max(0.0, (utc_naive(submitted) - utc_naive(due)).total_seconds())


def penalty_points(
    settings: CourseSettings, seconds: float, score: float, max_score: float
) -> float:
    """Points taken from a submission `seconds` late: the rule's share of the lab's points,
    at most the score (a grade never goes below 0)."""
    if settings.late_penalty is None or seconds <= 0:
        return 0.0
    return round(min(score, settings.late_penalty.fraction(seconds) * max_score), 6)


@dataclass(frozen=True)
class Lateness:
    student: str
    seconds: float
    penalty: float  # points, from the score as it stands

    def describe(self) -> str:
        hours = self.seconds / 3600
        late = f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} h"
        return f"{self.student}: {late} late, -{self.penalty:g} pts"


def last_change(folder: Path) -> dt.datetime:
    """The latest ctime of `folder` and everything in it, as naive UTC: the folder cannot have
    been written later than this, and no user can set a ctime back."""
    times = [folder.stat().st_ctime, *(path.stat().st_ctime for path in folder.rglob("*"))]
    return dt.datetime.fromtimestamp(max(times), dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class TimeCheck:
    """A submission's claimed time (its timestamp.txt) against the last change of its files."""

    student: str
    claimed: dt.datetime
    changed: dt.datetime

    @property
    def rewritten(self) -> bool:
        return self.changed - self.claimed > CLOCK_SKEW

    def describe(self) -> str:
        return (
            f"{self.student}: the submission says {self.claimed:%Y-%m-%d %H:%M} UTC but its files "
            f"last changed at {self.changed:%Y-%m-%d %H:%M} UTC; lateness counts from the later"
        )


def sync_gradebook(
    course: Course,
    lab: str,
    settings: CourseSettings,
    submitted_at: dict[str, dt.datetime] | None = None,
) -> None:
    """Write the lab's due date, the extensions of the students already in the gradebook and
    each notebook's penalty from its score as it stands (hand grades included), so nbgrader,
    the formgrader and the feedback agree with course.toml and with the export. A student's
    first grading creates their submission row, so `course grade` calls this again afterwards,
    and `course feedback` calls it before it writes the feedback of hand-graded work.
    `submitted_at` replaces the timestamps of those students (naive UTC; see TimeCheck)."""
    due = settings.due(lab)
    if due is None:
        return
    extensions = settings.extensions.get(lab, {})
    with Gradebook(course.gradebook_url) as gradebook:
        gradebook.update_or_create_assignment(lab, duedate=utc_naive(due))
        try:
            submissions = gradebook.find_assignment(lab).submissions
        except MissingEntry:
            return
        for submission in submissions:
            student = submission.student.id
            if submitted_at and student in submitted_at:
                submission.timestamp = submitted_at[student]
            days = extensions.get(student, 0.0)
            submission.extension = dt.timedelta(days=days) if days else None
            seconds = seconds_late(settings, lab, student, submission.timestamp)
            for notebook in submission.notebooks:
                penalty = penalty_points(
                    settings, seconds, float(notebook.score), float(notebook.max_score)
                )
                notebook.late_submission_penalty = penalty or None
        gradebook.db.commit()


def late_submissions(course: Course, lab: str, settings: CourseSettings) -> list[Lateness]:
    """Every graded submission of `lab` that came in after its student's due date."""
    if settings.due(lab) is None:
        return []
    found: list[Lateness] = []
    with Gradebook(course.gradebook_url) as gradebook:
        try:
            submissions = gradebook.find_assignment(lab).submissions
        except MissingEntry:
            return []
        for submission in submissions:
            student = submission.student.id
            seconds = seconds_late(settings, lab, student, submission.timestamp)
            if seconds > 0:
                penalty = penalty_points(
                    settings, seconds, float(submission.score), float(submission.max_score)
                )
                found.append(Lateness(student, seconds, penalty))
    return sorted(found, key=lambda late: late.student)


class CourseLatePenalty(LateSubmissionPlugin):  # type: ignore[misc]  # nbgrader is untyped
    """nbgrader's late-penalty hook (c.AssignLatePenalties.plugin_class), with the course's rule.

    nbgrader calls it once per notebook of a submission it finds late against the lab's due date;
    the student's extension and the rule come from course.toml. Returns points."""

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float | None:
        step: Any = self.parent  # nbgrader's AssignLatePenalties, its gradebook open
        root = Path(step.config.CourseDirectory.get("root") or ".")
        settings = load_settings(Course.locate(root))
        notebook = step.gradebook.find_submission_notebook(
            step.notebook_id, step.assignment_id, student_id
        )
        submission = step.gradebook.find_submission(step.assignment_id, student_id)
        seconds = seconds_late(settings, step.assignment_id, student_id, submission.timestamp)
        if settings.late_penalty is None or seconds <= 0:
            return None
        return settings.late_penalty.fraction(seconds) * float(notebook.max_score)

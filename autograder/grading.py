"""`course grade`: autograde every submission, write feedback, export the grades.

A run takes the course's grading lock, backs up the gradebook, then hands the students to a few
long-lived worker processes sharing a queue (autograder.workers). For each student a worker
validates the submission (a broken one ends with a one-line message for its author and never
stops the others), autogrades it and writes its feedback. Finally grades.csv is written.

Crash safety: a run killed at any point (SIGKILL included) leaves a gradebook that SQLite or
PostgreSQL has kept consistent, and the next run regrades every submission with nbgrader's
--force, which updates each student's one submission row rather than adding one; grades.csv is
replaced in one rename. So running `course grade` again is the whole recovery.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from autograder.backup import KEEP, back_up
from autograder.course import Course, CourseError
from autograder.hub import time_checks
from autograder.lateness import Lateness, TimeCheck, late_submissions, sync_gradebook
from autograder.settings import load_settings
from autograder.workers import Outcome, WorkerPool
from autograder.workers import StudentResult as StudentResult  # a report's line, re-exported


@dataclass
class GradeReport:
    lab: str
    results: list[StudentResult] = field(default_factory=list)
    feedback: Path | None = None
    csv: Path | None = None
    backup: Path | None = None
    workers: int = 1
    restarts: int = 0  # workers that died and were replaced (their students were tried again)
    seconds: float = 0.0
    late: list[Lateness] = field(default_factory=list)
    late_rule: str = ""  # the rule applied, as course.toml states it
    rewritten: list[TimeCheck] = field(default_factory=list)  # timestamps later than claimed

    def table(self) -> str:
        lines = [f"{'student':<20} {'autograded':>12} {'to grade by hand':>17}  note"]
        for r in self.results:
            score = f"{r.auto_score:g}/{r.auto_max:g}" if r.graded else "-"
            # Hand scores survive a regrade: only what nobody has graded yet is still to grade.
            manual = f"{r.manual_pending:g} pts" if r.graded else "-"
            lines.append(f"{r.student:<20} {score:>12} {manual:>17}  {r.message}")
        if self.late:
            rule = self.late_rule or "no late-penalty rule in course.toml: no points taken"
            lines.append(f"late ({rule}):")
            lines.extend(f"  {late.describe()}" for late in self.late)
        lines.extend(f"note: {check.describe()}" for check in self.rewritten)
        return "\n".join(lines)


def default_workers() -> int:
    """One worker per core, at most four: each worker's kernel keeps about one core busy."""
    return max(1, min(os.cpu_count() or 1, 4))


def is_released(course: Course, lab: str) -> bool:
    """Whether the student version exists and the gradebook knows the lab (cells and points)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    if not course.notebook(lab, "release").exists():
        return False
    if course.gradebook_file is not None and not course.gradebook_file.exists():
        return False
    engine = create_engine(course.gradebook_url)
    try:
        with engine.connect() as connection:
            query = text("select count(*) from assignment where name = :lab")
            return int(connection.execute(query, {"lab": lab}).scalar_one()) > 0
    except SQLAlchemyError:  # no tables yet
        return False
    finally:
        engine.dispose()


def ensure_released(course: Course, lab: str) -> None:
    """nbgrader must know the lab (its cells and points) before it can grade it."""
    if not is_released(course, lab):
        course.release_lab(lab)


@contextmanager
def grading_lock(course: Course) -> Iterator[None]:
    """One grading run per course at a time: two would regrade the same students at once."""
    path = course.root / ".course-grade.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CourseError(
                f"{path}: another `course grade` is running on this course; wait for it to end"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def grade(
    course: Course,
    lab: str,
    *,
    timeout: float | None = None,
    progress: bool = True,
    feedback: bool = True,
    workers: int | None = None,
    backup: bool = True,
    keep_backups: int = KEEP,
    only: list[str] | None = None,
    trust_timestamps: bool = False,
) -> GradeReport:
    """Autograde every submission of the lab, or only those of the students in `only` (a
    regrade of one student). Hand-graded scores already in the gradebook are kept."""
    started = time.perf_counter()
    course.require_labs([lab])
    course.check_gradebook()
    settings = load_settings(course)  # a bad course.toml stops the run before any grading
    with grading_lock(course):
        report = GradeReport(lab, workers=workers or default_workers())
        students = course.students_with_submissions(lab)
        if not students:
            raise CourseError(
                f"{course.submitted.relative_to(course.root)}/*/{lab}: no submissions to grade"
            )
        if only:
            missing = [s for s in only if s not in students]
            if missing:
                raise CourseError(
                    f"{course.submitted.relative_to(course.root)}/{missing[0]}/{lab}: no "
                    f"submission of {lab} from {missing[0]!r} to grade"
                )
            students = [s for s in students if s in only]
        bar = tqdm(total=len(students), desc=f"grading {lab}", disable=not progress)

        def done(outcome: Outcome) -> None:
            bar.update()

        size = min(report.workers, len(students))
        try:
            # The workers start (two seconds of imports) while the gradebook is backed up and
            # checked; they touch it only when given a student.
            with WorkerPool(course, lab, size=size, timeout=timeout, feedback=feedback) as pool:
                if backup:
                    report.backup = back_up(course, keep_backups)
                ensure_released(course, lab)
                sync_gradebook(course, lab, settings)  # due date and extensions, as course.toml
                outcomes = pool.grade(students, on_done=done)
                report.restarts = pool.restarts
                # Extensions of first-time submissions; timestamps no later than the files.
                # trust_timestamps: the exchange's files were copied or changed since (a restore,
                # a chmod -R), so their ctimes say nothing about when students submitted.
                checks = [] if trust_timestamps else time_checks(course, lab)
                report.rewritten = [c for c in checks if c.student in students and c.rewritten]
                sync_gradebook(
                    course, lab, settings, {c.student: c.changed for c in report.rewritten}
                )
                # Written beside its place and renamed: a killed run leaves the previous file.
                csv = course.root / "grades.csv"
                partial = pool.export(csv.with_name(csv.name + ".tmp"))
                os.replace(partial, csv)
                report.csv = csv
        finally:
            bar.close()
        for student in students:
            o = outcomes[student]  # the message carries autograder.integrity's notes (workers)
            report.results.append(
                StudentResult(
                    student,
                    o.graded,
                    o.auto_score,
                    o.auto_max,
                    o.manual_max,
                    o.message,
                    o.manual_pending,
                )
            )
        if feedback and any(r.graded for r in report.results):
            report.feedback = course.feedback
        report.late = [
            late for late in late_submissions(course, lab, settings) if late.student in students
        ]
        if settings.late_penalty is not None:
            report.late_rule = settings.late_penalty.describe()
    report.seconds = round(time.perf_counter() - started, 3)
    return report

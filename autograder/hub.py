"""The `course` commands an instructor needs on a JupyterHub, where labs travel through nbgrader's
exchange: the class list, who handed in what, and feedback back to the students.

    course roster FILE [--check]   add the students of a CSV roster (Canvas export) to the gradebook
    course submissions LAB         every student's submissions in the exchange, and who is missing
    course feedback LAB            release the feedback of a graded lab to the exchange

A student may submit as often as they like before the deadline: nbgrader's exchange keeps every
submission (one folder per submission, named with its time), `nbgrader collect` (the formgrader's
"Collect" button) takes the latest, and nothing is ever deleted, so an earlier submission can
always be recovered from the exchange. `course submissions` shows how many each student made.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.course import Course, CourseError, last_error_line
from autograder.lateness import TimeCheck, last_change, sync_gradebook
from autograder.roster import add_to_gradebook, enrolled, load_roster
from autograder.settings import load_settings


@dataclass(frozen=True)
class Submission:
    student: str
    timestamp: str  # nbgrader's own format: "2026-11-27 03:18:16.060000 UTC"
    folder: Path


@dataclass
class SubmissionReport:
    lab: str
    inbound: Path | None  # None: no exchange on this machine (a course graded locally)
    submissions: dict[str, list[Submission]]  # oldest first
    collected: dict[str, str]  # student -> timestamp of the copy in submitted/
    roster: list[str]

    @property
    def missing(self) -> list[str]:
        handed_in = set(self.submissions) | set(self.collected)
        return [student for student in self.roster if student not in handed_in]

    def table(self) -> str:
        lines = [f"{'student':<24} {'submissions':>11}  {'latest (UTC)':<26}  collected"]
        for student in sorted(set(self.submissions) | set(self.collected)):
            made = self.submissions.get(student, [])
            latest = made[-1].timestamp if made else self.collected[student]
            have = self.collected.get(student)
            if have is None:
                state = "no"
            elif not made or have == latest:
                state = "yes, the latest"
            else:
                state = "an earlier one: collect again"
            lines.append(
                f"{student:<24} {len(made) if made else '-':>11}  {latest.removesuffix(' UTC'):<26}  {state}"
            )
        if self.inbound is None:
            lines.append("(no nbgrader exchange here: only collected submissions are listed)")
        if not self.roster:
            lines.append("missing: unknown (no roster yet: `course roster FILE` adds one)")
        else:
            lines.append(f"missing: {', '.join(self.missing) or 'nobody'}")
        return "\n".join(lines)


def nbgrader_exchange(course: Course) -> tuple[Path, str]:
    """The exchange root and course id exactly as nbgrader resolves them for this course: the
    machine-wide config files, then the course folder's nbgrader_config.py."""
    from nbgrader.apps import NbGrader
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import Exchange

    app = NbGrader()
    app.load_cwd_config = False
    app.config_dir = str(course.root)  # searched first, before the machine-wide folders
    app.load_config_file()
    config: Any = app.config
    root = Path(Exchange(config=config, coursedir=CourseDirectory(config=config)).root)
    return root, str(CourseDirectory(config=config).course_id)


def _inbound_submissions(inbound: Path, lab: str) -> dict[str, list[Submission]]:
    from nbgrader.utils import parse_utc

    found: dict[str, list[Submission]] = {}
    for folder in inbound.glob(f"*+{lab}+*"):
        # <student>+<lab>+<timestamp>[+<random>]; a student id never contains "+"
        student, _, rest = folder.name.partition("+")
        timestamp = rest.removeprefix(f"{lab}+").split("+")[0]
        found.setdefault(student, []).append(Submission(student, timestamp, folder))
    for made in found.values():
        made.sort(key=lambda submission: parse_utc(submission.timestamp))
    return found


def submissions(course: Course, lab: str) -> SubmissionReport:
    course.require_labs([lab])
    exchange_root, course_id = nbgrader_exchange(course)
    inbound = exchange_root / course_id / "inbound"
    made: dict[str, list[Submission]] = {}
    if inbound.is_dir():
        if not os.access(inbound, os.R_OK | os.X_OK):
            raise CourseError(
                f"{inbound}: cannot list the exchange's submissions (permission denied); run "
                "this as the instructor who released the lab"
            )
        made = _inbound_submissions(inbound, lab)
    collected = {}
    for student in course.students_with_submissions(lab):
        stamp = course.submitted / student / lab / "timestamp.txt"
        collected[student] = stamp.read_text().strip() if stamp.exists() else "unknown"
    shown = inbound if inbound.is_dir() else None
    return SubmissionReport(lab, shown, made, collected, enrolled(course))


def time_checks(course: Course, lab: str) -> list[TimeCheck]:
    """For each collected submission of `lab` still in the exchange, the time it claims against
    the last change of its files there (autograder.lateness.TimeCheck). Empty without an
    exchange, or where this user cannot list it."""
    from nbgrader.utils import parse_utc

    try:
        report = submissions(course, lab)
    except CourseError:
        return []
    checks: list[TimeCheck] = []
    for student, stamp in sorted(report.collected.items()):
        made = report.submissions.get(student, [])
        match = next((s for s in made if s.timestamp == stamp), None)
        if match is None:
            continue
        try:
            changed = last_change(match.folder)
        except OSError:  # a folder this user may not read: nothing to compare
            continue
        checks.append(TimeCheck(student, parse_utc(stamp), changed))
    return checks


def release_feedback(course: Course, lab: str) -> list[str]:
    """Put the feedback of every graded student of `lab` in the exchange, where each student can
    fetch their own (nbgrader names each file by a hash of that student's submission)."""
    course.require_labs([lab])
    ready = sorted(
        folder.parent.name
        for folder in course.feedback.glob(f"*/{lab}")
        if any(folder.glob("*.html"))
    )
    if not ready:
        raise CourseError(f"{lab}: no feedback to release yet; run `course grade {lab}` first")
    # Written again from the gradebook: hand scores, comments and late penalties given since
    # `course grade` wrote it must reach the students (nbgrader's own step, the course's config).
    if any(course.autograded.glob(f"*/{lab}")):
        sync_gradebook(course, lab, load_settings(course))
        process = course.nbgrader("generate_feedback", lab, "--force")
        if process.returncode != 0:
            raise CourseError(f"{lab}: generate_feedback failed: {last_error_line(process)}")
    process = course.nbgrader("release_feedback", lab)
    if process.returncode != 0:
        # nbgrader says why on a CRITICAL line (an exchange it cannot write, for one)
        critical = [line for line in process.stderr.splitlines() if "CRITICAL" in line]
        why = critical[-1].strip() if critical else last_error_line(process)
        raise CourseError(f"{lab}: release_feedback failed: {why}")
    return ready


# -- the command line ------------------------------------------------------------------------
def _course(args: argparse.Namespace) -> Course:
    return Course.locate(args.course, getattr(args, "db", None))


def _roster(args: argparse.Namespace) -> int:
    roster = load_roster(Path(args.file))
    students = roster.students
    if roster.test_students:
        print(f"{args.file}: Canvas's test student skipped (not enrolled)")
    if args.check:
        print(f"{args.file}: {len(students)} students, no problem found")
        return 0
    added, updated = add_to_gradebook(_course(args), students)
    print(f"{len(added)} added, {len(updated)} updated ({len(students)} on the roster)")
    return 0


def _submissions(args: argparse.Namespace) -> int:
    print(submissions(_course(args), args.lab).table())
    return 0


def _feedback(args: argparse.Namespace) -> int:
    released = release_feedback(_course(args), args.lab)
    print(f"feedback on {args.lab} released for {len(released)} students: {', '.join(released)}")
    return 0


def add_commands(commands: Any) -> None:
    """Register these commands on the `course` command's subparsers."""
    roster = commands.add_parser("roster", help="add the students of a CSV roster (Canvas export)")
    roster.add_argument("file", help="the roster: Canvas's gradebook export as CSV")
    roster.add_argument("--check", action="store_true", help="only check the file; add nobody")
    roster.add_argument("--db", help="gradebook URL")
    roster.set_defaults(run=_roster)

    listing = commands.add_parser(
        "submissions", help="who submitted a lab, how often, and who is missing"
    )
    listing.add_argument("lab")
    listing.add_argument("--db", help="gradebook URL")
    listing.set_defaults(run=_submissions)

    feedback = commands.add_parser(
        "feedback", help="release a graded lab's feedback to the students (nbgrader exchange)"
    )
    feedback.add_argument("lab")
    feedback.set_defaults(run=_feedback)

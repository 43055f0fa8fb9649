"""The class list: students from the CSV a learning management system exports, into the gradebook.

The format is Canvas's gradebook export (Grades > Export > CSV): a header with the columns
`Student, ID, SIS User ID, SIS Login ID, Section` (newer exports add `Integration ID`) followed by
one column per assignment, a "Points Possible" row, and Canvas's built-in test account
("Student, Test"). The student id is the SIS Login ID: the name the student logs in to the hub
with, the folder nbgrader files their work under, and the column `course export --format canvas`
writes back, so that Canvas matches the grades to the right people.

Canvas's own ids for each student (ID, SIS User ID) and their Section are kept beside the gradebook
in `canvas-roster.json` (nbgrader's gradebook has no column for them), so that the export gives
Canvas back exactly what it exported. Canvas's test student is never enrolled.

A roster with a problem is refused whole, with the line number of every problem, and nothing is
added: half a class in the gradebook is worse than none.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from autograder.course import Course, CourseError

ID_COLUMN = "SIS Login ID"
NAME_COLUMN = "Student"
REQUIRED = (NAME_COLUMN, ID_COLUMN)
# A student id becomes a folder name, a part of nbgrader's exchange file names (where "+"
# separates fields) and a JupyterHub user name, which the hub lower-cases at login.
VALID_ID = re.compile(r"^[a-z0-9][a-z0-9_.@-]{0,63}$")
# Canvas's built-in test account, by its sortable name (older exports) or display name.
CANVAS_TEST_STUDENTS = {"Student, Test", "Test Student"}
IDENTITY_FILE = "canvas-roster.json"
MAX_LISTED = 20  # problems listed in one message; a roster in the wrong format has one per row


class RosterError(CourseError):
    """A roster that cannot be read; the message names the file and every line at fault."""


@dataclass(frozen=True)
class Student:
    student_id: str
    first_name: str
    last_name: str
    lms_user_id: str  # Canvas's own numeric id ("ID"), kept for the export back
    section: str
    line: int
    sis_user_id: str = ""
    name: str = ""  # as Canvas wrote it ("Last, First"), written back unchanged


@dataclass(frozen=True)
class Roster:
    students: list[Student]
    test_students: int  # rows of Canvas's test account, skipped


def _split_name(sortable: str) -> tuple[str, str]:
    """Canvas writes "Last, First"; a name without a comma is kept whole as the first name."""
    last, comma, first = sortable.partition(",")
    return (first.strip(), last.strip()) if comma else (sortable.strip(), "")


def _id_problem(student_id: str) -> str | None:
    if not student_id:
        return f"no {ID_COLUMN}"
    if VALID_ID.match(student_id):
        return None
    if VALID_ID.match(student_id.lower()):
        return (
            f"{ID_COLUMN} {student_id!r} has capital letters; JupyterHub logs users in "
            f"lower-case, so write it as {student_id.lower()!r}"
        )
    return (
        f"{ID_COLUMN} {student_id!r} is not a valid student id (1-64 characters: lower-case "
        "letters, digits and _ . @ -, starting with a letter or digit)"
    )


def read_roster(path: Path) -> list[Student]:
    """Every student of the roster, or RosterError naming the file and each line at fault."""
    return load_roster(path).students


def load_roster(path: Path) -> Roster:
    """The roster's students and how many test-student rows were skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # Canvas writes a byte-order mark
    except FileNotFoundError:
        raise RosterError(f"{path}: no such roster file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"{path}: cannot read the roster ({error})") from None
    reader = csv.DictReader(text.splitlines())
    columns = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise RosterError(
            f"{path}: not a Canvas roster: no column {', '.join(repr(m) for m in missing)} "
            f"(found: {', '.join(columns) or 'nothing'}); export the gradebook from Canvas as CSV"
        )
    students: list[Student] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    test_students = 0
    for row in reader:
        line = reader.line_num
        if None in row:  # more cells than the header has columns
            problems.append(f"line {line}: more cells than the header has columns")
            continue
        name = (row.get(NAME_COLUMN) or "").strip()
        student_id = (row.get(ID_COLUMN) or "").strip()
        if name == "Points Possible":
            continue
        if name in CANVAS_TEST_STUDENTS:
            test_students += 1
            continue
        if not name and not student_id and not any((v or "").strip() for v in row.values()):
            continue  # a blank line
        problem = _id_problem(student_id)
        if problem:
            problems.append(f"line {line}: {problem}" + (f" ({name})" if name else ""))
            continue
        if student_id in first_line:
            problems.append(
                f"line {line}: student id {student_id!r} repeats line {first_line[student_id]}"
            )
            continue
        first_line[student_id] = line
        first, last = _split_name(name)
        students.append(
            Student(
                student_id,
                first,
                last,
                (row.get("ID") or "").strip(),
                (row.get("Section") or "").strip(),
                line,
                (row.get("SIS User ID") or "").strip(),
                name,
            )
        )
    if problems:
        listed = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            listed.append(f"... and {len(problems) - MAX_LISTED} more")
        raise RosterError(f"{path}: roster refused, nothing was added:\n  " + "\n  ".join(listed))
    if not students:
        raise RosterError(f"{path}: the roster lists no students")
    return Roster(students, test_students)


@dataclass(frozen=True)
class CanvasIdentity:
    """What Canvas needs back to match a grade to its student, as Canvas exported it."""

    name: str
    canvas_id: str
    sis_user_id: str
    section: str


def canvas_identities(course: Course) -> dict[str, CanvasIdentity]:
    """Each enrolled student's Canvas identity, by student id (empty before any roster)."""
    path = course.root / IDENTITY_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {sid: CanvasIdentity(**fields) for sid, fields in data.items()}
    except (OSError, ValueError, TypeError) as error:
        raise RosterError(
            f"{path}: cannot read the Canvas ids the roster left ({error}); "
            "run `course roster FILE` again with Canvas's latest export to rewrite it"
        ) from None


def _save_identities(course: Course, students: list[Student]) -> None:
    """Merge the roster's Canvas ids into the file; a student no longer listed keeps theirs."""
    identities = canvas_identities(course)
    for s in students:
        identities[s.student_id] = CanvasIdentity(
            s.name or f"{s.last_name}, {s.first_name}", s.lms_user_id, s.sis_user_id, s.section
        )
    path = course.root / IDENTITY_FILE
    partial = path.with_suffix(".json.partial")
    data = {sid: vars(identity) for sid, identity in sorted(identities.items())}
    partial.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)  # a crash mid-write never leaves half a file


@contextmanager
def _alembic_on_path() -> Iterator[None]:
    """nbgrader creates a new gradebook with the `alembic` command: without it on PATH (this
    virtualenv's bin/), the gradebook is left half-initialised (see the toolchain notes)."""
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + saved
    try:
        yield
    finally:
        os.environ["PATH"] = saved


def add_to_gradebook(course: Course, students: list[Student]) -> tuple[list[str], list[str]]:
    """Create or update each student in the gradebook; returns (added, updated) ids."""
    from nbgrader.api import Gradebook

    course.check_gradebook()
    added: list[str] = []
    updated: list[str] = []
    with _alembic_on_path(), Gradebook(course.gradebook_url) as gradebook:
        known = {student.id for student in gradebook.students}
        for student in students:
            gradebook.update_or_create_student(
                student.student_id,
                first_name=student.first_name,
                last_name=student.last_name,
                lms_user_id=student.lms_user_id or None,
            )
            (updated if student.student_id in known else added).append(student.student_id)
    _save_identities(course, students)
    return added, updated


def enrolled(course: Course) -> list[str]:
    """The ids of every student in the gradebook (the roster, plus anyone already graded)."""
    from nbgrader.api import Gradebook

    if course.gradebook_file is not None and not course.gradebook_file.exists():
        return []
    with _alembic_on_path(), Gradebook(course.gradebook_url) as gradebook:
        return sorted(str(student.id) for student in gradebook.students)

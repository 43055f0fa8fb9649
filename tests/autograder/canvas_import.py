"""What Canvas's gradebook import would do with a CSV, for tests of `course export --format canvas`.

The rules are Canvas's, as its instructor guide ("How do I import grades in the Gradebook?") and
university guides built on it describe the import, applied to a gradebook that Canvas itself
exported (the fixture):
- the file starts with the columns Student, ID, SIS User ID, SIS Login ID, Section;
- a "Points Possible" row is skipped;
- a student row is matched to an enrolled student by ID, else by SIS User ID, else by SIS Login
  ID; a row that matches nobody is reported and ignored;
- a column headed "<name> (<id>)" updates the existing assignment with that id; any other column
  that is not one of Canvas's read-only totals creates a new assignment;
- a blank cell changes nothing; a number becomes the grade; anything else is an error.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

LEADING = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
ASSIGNMENT = re.compile(r"^\S.* \((\d+)\)$")
READ_ONLY = re.compile(r"(Current|Final|Unposted).*(Points|Score|Grade)$")


@dataclass(frozen=True)
class Enrolment:
    name: str
    canvas_id: str
    sis_user_id: str
    sis_login_id: str
    section: str


@dataclass(frozen=True)
class CanvasGradebook:
    students: list[Enrolment]
    assignments: dict[str, str]  # Canvas id -> column header


@dataclass
class ImportPreview:
    updates: dict[tuple[str, str], float] = field(default_factory=dict)  # (canvas id, assignment)
    new_assignments: list[str] = field(default_factory=list)
    unmatched_rows: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    matched_by: dict[str, str] = field(default_factory=dict)  # canvas id -> matching column


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))


def read_export(path: Path) -> CanvasGradebook:
    """A gradebook as Canvas exports it (the fixture)."""
    header, *rows = _rows(path)
    assignments = {m.group(1): h for h in header[5:] if (m := ASSIGNMENT.match(h))}
    students = [Enrolment(*row[:5]) for row in rows if row and row[0].strip() != "Points Possible"]
    return CanvasGradebook(students, assignments)


def preview_import(gradebook: CanvasGradebook, path: Path) -> ImportPreview:
    preview = ImportPreview()
    header, *rows = _rows(path)
    if header[:5] != LEADING:
        preview.errors.append(f"the first columns are {header[:5]}, not {LEADING}")
        return preview
    columns: dict[int, str] = {}
    for index, title in enumerate(header[5:], start=5):
        match = ASSIGNMENT.match(title)
        if match:
            if match.group(1) not in gradebook.assignments:
                preview.errors.append(f"column {title!r}: no assignment with id {match.group(1)}")
            columns[index] = match.group(1)
        elif not READ_ONLY.search(title):
            preview.new_assignments.append(title)
            columns[index] = f"new:{title}"
    for row in rows:
        if not row or row[0].strip() == "Points Possible":
            continue
        if len(row) != len(header):
            preview.errors.append(f"row {row[:4]}: {len(row)} cells for {len(header)} columns")
            continue
        student = _match(gradebook, row, preview)
        if student is None:
            preview.unmatched_rows.append(row[0])
            continue
        for index, assignment in columns.items():
            cell = row[index].strip()
            if not cell:
                continue
            try:
                preview.updates[(student.canvas_id, assignment)] = float(cell)
            except ValueError:
                preview.errors.append(f"{row[0]}, {header[index]}: {cell!r} is not a grade")
    return preview


def _match(gradebook: CanvasGradebook, row: list[str], preview: ImportPreview) -> Enrolment | None:
    canvas_id, sis_user_id, sis_login_id = (cell.strip() for cell in row[1:4])
    for column, value, key in (
        ("ID", canvas_id, "canvas_id"),
        ("SIS User ID", sis_user_id, "sis_user_id"),
        ("SIS Login ID", sis_login_id, "sis_login_id"),
    ):
        if not value:
            continue
        found = [s for s in gradebook.students if getattr(s, key) == value]
        if found:
            preview.matched_by[found[0].canvas_id] = column
            return found[0]
        if key != "sis_login_id":
            # A non-empty id that matches nobody is a wrong id: Canvas reports the row.
            return None
    return None

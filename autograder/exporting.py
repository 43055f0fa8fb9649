"""`course export`: the grades as CSV, in nbgrader's columns or as a Canvas gradebook import.

The Canvas file is an update of the course's existing Canvas assignments, in the shape Canvas's
own gradebook export has (and its import reads): `Student, ID, SIS User ID, SIS Login ID,
Section`, then one column per lab headed by the Canvas assignment it fills ("Lab 1 (4411)", from
`[canvas.assignments]` in course.toml), and a "Points Possible" row. Each student's Canvas ids
and section come from the roster Canvas exported (`course roster`), unchanged; a lab not handed
in is a blank cell, never 0, so Canvas's missing and late policies still apply. A lab with hand
grading still pending is refused: its autograded part alone would look like a final grade.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course, CourseError
from autograder.gradebook import all_scores
from autograder.roster import canvas_identities
from autograder.settings import SETTINGS_FILE, load_settings

FORMATS = ("nbgrader", "canvas")
NBGRADER_COLUMNS = [
    "assignment",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "score",
    "max_score",
    "hand_grading_pending",  # "yes": the score is the autograded part only, so far
    "hours_late",  # after the student's due date with extension (course.toml)
    "late_penalty",  # points taken; score is after it
]
CANVAS_LEADING = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MAX_NAMED = 8  # students named in one message


@dataclass(frozen=True)
class ExportResult:
    path: Path
    pending: dict[str, list[str]] = field(default_factory=dict)  # lab -> students left blank
    unmatched: list[str] = field(default_factory=list)  # students with no Canvas ids
    notes: list[str] = field(default_factory=list)


def _blank(score: object) -> object:
    """A lab not submitted is an empty cell, never 0."""
    return "" if score is None else score


def _named(students: list[str]) -> str:
    shown = ", ".join(students[:MAX_NAMED])
    return shown + (f" and {len(students) - MAX_NAMED} more" if len(students) > MAX_NAMED else "")


def _pending_by_lab(rows: list[dict[str, object]]) -> dict[str, list[str]]:
    pending: dict[str, list[str]] = {}
    for r in rows:
        if r["pending"]:
            pending.setdefault(str(r["lab"]), []).append(str(r["student"]))
    return {lab: sorted(students) for lab, students in sorted(pending.items())}


def export(
    course: Course,
    fmt: str = "nbgrader",
    output: Path | None = None,
    *,
    allow_pending: bool = False,
    new_assignments: bool = False,
) -> ExportResult:
    if fmt not in FORMATS:
        raise CourseError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    course.check_gradebook()
    if course.db_url is None and not (course.root / "gradebook.db").exists():
        raise CourseError(
            f"{course.root / 'gradebook.db'}: no gradebook yet; run `course grade LAB` first"
        )
    rows = all_scores(course)
    path = output or course.root / ("grades.csv" if fmt == "nbgrader" else "grades-canvas.csv")
    if fmt == "nbgrader":
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(NBGRADER_COLUMNS)
            for r in rows:
                writer.writerow(
                    [
                        r["lab"],
                        r["student"],
                        r["last_name"],
                        r["first_name"],
                        r["email"],
                        _blank(r["score"]),
                        r["max_score"],
                        "yes" if r["pending"] else "",
                        r["hours_late"] if r["submitted"] else "",
                        r["late_penalty"] if r["submitted"] else "",
                    ]
                )
        return ExportResult(path, _pending_by_lab(rows))
    return _export_canvas(course, rows, path, allow_pending, new_assignments)


def _export_canvas(
    course: Course,
    rows: list[dict[str, object]],
    path: Path,
    allow_pending: bool,
    new_assignments: bool,
) -> ExportResult:
    # Only labs someone handed in: a column of blanks changes nothing in Canvas.
    labs = sorted({str(r["lab"]) for r in rows if r["submitted"]})
    settings = load_settings(course)
    unmapped = [lab for lab in labs if settings.canvas_column(lab) is None]
    notes: list[str] = []
    if unmapped and not new_assignments:
        example = "\n".join(f'  {lab} = "<name> (<Canvas id>)"' for lab in unmapped)
        raise CourseError(
            f"{course.root / SETTINGS_FILE}: no Canvas assignment for {', '.join(unmapped)}; "
            f"add the column headers Canvas's gradebook export gives them:\n"
            f"  [canvas.assignments]\n{example}\n"
            "(or pass --new-assignments to have Canvas create new assignments named by lab)"
        )
    if unmapped:
        notes.append(f"Canvas will create new assignments for {', '.join(unmapped)}")
    pending = _pending_by_lab(rows)
    pending = {lab: students for lab, students in pending.items() if lab in labs}
    if pending and not allow_pending:
        listed = "; ".join(f"{lab}: {_named(students)}" for lab, students in pending.items())
        raise CourseError(
            f"hand grading is pending ({listed}); grade those answers in the formgrader and "
            "export again, or pass --allow-pending to leave those grades blank in the file"
        )
    columns = {lab: settings.canvas_column(lab) or lab for lab in labs}
    maxima = {str(r["lab"]): r["max_score"] for r in rows}
    identities = canvas_identities(course)
    by_student: dict[str, dict[str, object]] = {}
    for r in rows:
        lab = str(r["lab"])
        entry = by_student.setdefault(str(r["student"]), {"row": r})
        entry[lab] = "" if r["pending"] else _blank(r["score"])
    unmatched = sorted(s for s in by_student if s not in identities)
    if unmatched:
        notes.append(
            f"{len(unmatched)} student(s) not on the roster, matched by login id only: "
            + _named(unmatched)
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CANVAS_LEADING, *(columns[lab] for lab in labs)])
        writer.writerow(["Points Possible", "", "", "", "", *[maxima[lab] for lab in labs]])
        for student, entry in sorted(by_student.items()):
            first = entry["row"]
            assert isinstance(first, dict)
            identity = identities.get(student)
            if identity is not None:
                leading = [identity.name, identity.canvas_id, identity.sis_user_id]
                section = identity.section
            else:
                name = f"{first['last_name']}, {first['first_name']}"
                leading = [name if first["last_name"] else student, "", ""]
                section = ""
            writer.writerow([*leading, student, section, *[entry.get(lab, "") for lab in labs]])
    return ExportResult(path, pending if allow_pending else {}, unmatched, notes)

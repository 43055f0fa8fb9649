"""`course export`: the grades as CSV, in nbgrader's columns or Canvas's gradebook-import columns."""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.course import Course, CourseError
from autograder.gradebook import all_scores

FORMATS = ("nbgrader", "canvas")
NBGRADER_COLUMNS = [
    "assignment",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "score",
    "max_score",
]
# Canvas's gradebook import: these leading columns, one column per assignment, and a
# "Points Possible" row first. Canvas matches students on "SIS Login ID".
CANVAS_LEADING = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def _blank(score: object) -> object:
    """A lab not submitted is an empty cell (Canvas then leaves the grade alone), never 0."""
    return "" if score is None else score


def export(course: Course, fmt: str = "nbgrader", output: Path | None = None) -> Path:
    if fmt not in FORMATS:
        raise CourseError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    course.check_gradebook()
    if course.db_url is None and not (course.root / "gradebook.db").exists():
        raise CourseError(
            f"{course.root / 'gradebook.db'}: no gradebook yet; run `course grade LAB` first"
        )
    rows = all_scores(course)
    path = output or course.root / ("grades.csv" if fmt == "nbgrader" else "grades-canvas.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if fmt == "nbgrader":
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
                    ]
                )
        else:
            labs = sorted({str(r["lab"]) for r in rows})
            maxima = {str(r["lab"]): r["max_score"] for r in rows}
            writer.writerow([*CANVAS_LEADING, *labs])
            writer.writerow(["Points Possible", "", "", "", "", *[maxima[lab] for lab in labs]])
            by_student: dict[str, dict[str, object]] = {}
            for r in rows:
                entry = by_student.setdefault(str(r["student"]), {"row": r})
                entry[str(r["lab"])] = _blank(r["score"])
            for student, entry in sorted(by_student.items()):
                first = entry["row"]
                assert isinstance(first, dict)
                name = (
                    f"{first['last_name']}, {first['first_name']}"
                    if first["last_name"]
                    else student
                )
                writer.writerow(
                    [name, "", student, student, "", *[entry.get(lab, "") for lab in labs]]
                )
    return path

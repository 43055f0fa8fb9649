"""`course demo`: a sample class graded end to end, in a throw-away copy of the course.

Five students per lab: one hands in the solution, one half of it, one the untouched release,
one a solution with a bug that raises, one a file that is not a notebook at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from nbformat import NotebookNode

from autograder import exporting, submissions
from autograder.course import REPO_ROOT, Course
from autograder.grading import GradeReport, grade

DEMO_ROOT = REPO_ROOT / "_build" / "demo-course"
CLASS: dict[str, Callable[[Course, str], NotebookNode | bytes]] = {
    "ada": submissions.full,
    "grace": submissions.partial,
    "linus": submissions.blank,
    "margaret": submissions.raising,
    "ken": lambda course, lab: b'{"cells": [ this is not json',
}


def demo(
    source: Course, folder: Path = DEMO_ROOT, *, progress: bool = True
) -> tuple[Course, list[GradeReport]]:
    if folder.exists():
        shutil.rmtree(folder)
    course = source.copy_to(folder)
    reports = []
    for lab in course.require_labs(None):
        course.release_lab(lab)
        for student, make in CLASS.items():
            submissions.write(course, lab, student, make(course, lab))
        reports.append(grade(course, lab, progress=progress))
    # The sample class has hand-graded answers nobody has graded and no Canvas course: the
    # Canvas file leaves those grades blank and names new assignments by lab.
    exporting.export(course, "nbgrader")
    exporting.export(course, "canvas", allow_pending=True, new_assignments=True)
    return course, reports


def where(course: Course) -> str:
    book = REPO_ROOT / "_build" / "html" / "index.html"
    lines = [
        f"book:      {book if book.exists() else 'not built (make book)'}",
        f"releases:  {course.release}",
        f"feedback:  {course.feedback}",
        f"grades:    {course.root / 'grades.csv'} (nbgrader) and {course.root / 'grades-canvas.csv'} (Canvas)",
    ]
    return "\n".join(lines)

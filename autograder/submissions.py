"""Submissions: validating what students handed in, and fabricating sample ones.

Validation runs before nbgrader sees a notebook, so that a broken file gets one clear message
naming it, and never stops the grading of the others.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder import integrity
from autograder.course import Course

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
SOLUTION = re.compile(r"### BEGIN SOLUTION.*?### END SOLUTION\n?", re.S)


def problem_with(course: Course, lab: str, student: str) -> str | None:
    """Why this submission cannot be graded, or None when it can."""
    if not STUDENT_ID.match(student):
        return f"submitted/{student}: not a valid student id (letters, digits, _ . @ - only)"
    path = course.notebook(lab, "submitted", student)
    shown = path.relative_to(course.root)
    if not path.exists():
        found = sorted(p.name for p in path.parent.glob("*.ipynb"))
        extra = f" (found: {', '.join(found)})" if found else ""
        return f"{shown}: missing; the submission must contain {lab}.ipynb{extra}"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return f"{shown}: not a valid notebook (invalid JSON: {error})"
    if not isinstance(raw, dict) or raw.get("nbformat") != 4:
        version = raw.get("nbformat") if isinstance(raw, dict) else None
        return f"{shown}: unsupported notebook format version {version!r} (nbformat 4 is required)"
    try:
        nbformat.validate(nbformat.reads(json.dumps(raw), as_version=4))
    except nbformat.ValidationError as error:
        return f"{shown}: not a valid notebook ({str(error).splitlines()[0]})"
    return integrity.refusal(course, lab, student)  # tampering with the checks, shadowing modules


def read(path: Path) -> NotebookNode:
    notebook: NotebookNode = nbformat.read(path, as_version=4)
    return notebook


def write(course: Course, lab: str, student: str, notebook: NotebookNode | bytes) -> Path:
    path = course.notebook(lab, "submitted", student)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(notebook, bytes):
        path.write_bytes(notebook)
    else:
        nbformat.write(notebook, path)
    return path


def _solution_cells(notebook: NotebookNode) -> list[NotebookNode]:
    return [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    ]


def full(course: Course, lab: str) -> NotebookNode:
    """The instructor's solution, as a student who got everything right would hand it in."""
    return read(course.notebook(lab))


def blank(course: Course, lab: str) -> NotebookNode:
    return read(course.notebook(lab, "release"))


def partial(course: Course, lab: str, share: float = 0.5) -> NotebookNode:
    """The release with the first `share` of the code exercises solved."""
    notebook = blank(course, lab)
    solved = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in _solution_cells(read(course.notebook(lab)))
    }
    cells = _solution_cells(notebook)
    for cell in cells[: round(len(cells) * share)]:
        cell.source = solved.get(cell.metadata["nbgrader"]["grade_id"], cell.source)
    return notebook


def raising(course: Course, lab: str) -> NotebookNode:
    """The solution, except that the first exercise raises at every call."""
    notebook = full(course, lab)
    first = _solution_cells(notebook)[0]
    first.source = SOLUTION.sub("raise RuntimeError('my bug')\n", first.source, count=1)
    return notebook


def timing_out(course: Course, lab: str) -> NotebookNode:
    """The solution with an endless loop in the first exercise cell."""
    notebook = full(course, lab)
    _solution_cells(notebook)[0].source = "while True:\n    pass\n"
    return notebook

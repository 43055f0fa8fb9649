"""Integrity of a submission: what it changed in the lab, and whether it may be autograded.

Before grading (`refusal`, called by submissions.problem_with): a submission is not autograded
when autograder.screen finds tampering in its code, or when a .py file or package beside the
notebook would be imported instead of a real module (`labkit.py`); one message names the file,
cell and line, for the student and the instructor who reviews it.

While grading (`repair`, nbgrader sanitize step autograder.execution.RepairCells, before
OverwriteCells): cells cleared by DeduplicateIds, or with grade ids the lab does not have
(renamed), become ordinary cells, and deleted locked cells (tests, set-up) are put back from the
gradebook where the lab has them: a student never gains by deleting or renaming a test, and
honest work is still graded.

After grading (`notes`, `explain`): one line for the student about what happened (cells
restored, time limits, the kernel stopping, truncated output, tampering detected, else the
first error in their own code).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
from collections import Counter
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from autograder.course import Course
from autograder.screen import cell_label, screen

# -- before grading ----------------------------------------------------------------------------
# Not the student's extra files: nbgrader's exchange writes the first two into every submission
# it collects (nbgrader/exchange/default/submit.py); the others are what nbgrader ignores by
# default (CourseDirectory.ignore) and Jupyter's own.
NOT_THE_STUDENTS = (
    "timestamp.txt", "submission_secret.txt",
    ".ipynb_checkpoints", "__pycache__", "*.pyc", "feedback",
)  # fmt: skip


@dataclass
class Review:
    refusal: str | None
    notes: list[str]


def _shadowing(name: str) -> bool:
    module = name[:-3] if name.endswith(".py") else name
    if not module.isidentifier():
        return False
    return module in sys.stdlib_module_names or importlib.util.find_spec(module) is not None


def review(course: Course, lab: str, student: str) -> Review:
    """What the submission changed in the lab, and whether it must not be autograded."""
    path = course.notebook(lab, "submitted", student)
    shown = path.parent.relative_to(course.root)
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        release = nbformat.read(course.notebook(lab, "release"), as_version=4)
    except (OSError, ValueError) as error:
        return Review(None, [f"integrity not checked ({error})"])
    notes: list[str] = []
    links = sorted(
        str(p.relative_to(path.parent)) for p in path.parent.rglob("*") if p.is_symlink()
    )
    if links:  # nbgrader copies what a link points to, reading it as the grader's user
        return Review(f"{shown}/{links[0]}: not autograded: a symbolic link (submit files)", [])
    lab_files = (
        {p.name for p in (course.source / lab).iterdir()}
        if (course.source / lab).is_dir()
        else set()
    )
    extra = sorted(
        p.name
        for p in path.parent.iterdir()
        if p.name not in lab_files and not any(fnmatch(p.name, g) for g in NOT_THE_STUDENTS)
    )
    modules = [
        n
        for n in extra
        if (n.endswith(".py") or (path.parent / n / "__init__.py").exists()) and _shadowing(n)
    ]
    if modules:
        return Review(
            f"{shown}/{modules[0]}: not autograded: it would be imported instead of the module of "
            "the same name while grading; only the notebook is graded (remove it)",
            [],
        )
    if extra:
        notes.append(f"extra files, not graded: {', '.join(extra)}")
    ids = Counter(c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells)
    ids.pop(None, None)
    known = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release.cells}
    locked = {k: c for k, c in known.items() if k and c.metadata["nbgrader"].get("locked")}
    last = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    originals = {k: {c.source.strip()} for k, c in locked.items()}
    with contextlib.suppress(OSError, ValueError):  # the instructor's version (hidden tests in)
        for c in nbformat.read(course.notebook(lab), as_version=4).cells:
            originals.get(c.metadata.get("nbgrader", {}).get("grade_id"), set()).add(
                c.source.strip()
            )
    edited = [k for k in locked if k in last and last[k].source.strip() not in originals[k]]
    for label, names in (
        ("locked cells edited (graded with the original)", edited),
        ("deleted cells restored", [k for k in locked if k not in ids]),
        ("grade ids repeated (the last copy graded)", [k for k, n in ids.items() if n > 1]),
        ("unknown grade ids (ran as ordinary cells)", [k for k in ids if k not in known]),
    ):
        if names:
            notes.append(f"{label}: {', '.join(map(str, names))}")
    findings = screen(nb, release)
    if findings:
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        return Review(
            f"{shown}: not autograded: {findings[0]}{more}; changing how the checks run is not "
            "allowed (an instructor will review this submission)",
            notes,
        )
    return Review(None, notes)


def refusal(course: Course, lab: str, student: str) -> str | None:
    return review(course, lab, student).refusal


# -- after grading -----------------------------------------------------------------------------
def notes(course: Course, lab: str, student: str) -> list[str]:
    """What happened while grading, for the student: from the review and the graded notebook."""
    found = review(course, lab, student).notes
    path = course.notebook(lab, "autograded", student)
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except (OSError, ValueError):
        return found
    events: list[str] = []
    first_error: str | None = None
    for index, cell in enumerate(nb.cells):
        meta: dict[str, Any] = cell.get("metadata", {}).get("nbgrader", {})
        label = cell_label(cell, index)
        for output in cell.get("outputs", []):
            name, value = output.get("ename"), str(output.get("evalue", ""))
            if name == "GradingIntegrityError":
                events.insert(0, value)
            elif name in ("KernelDied", "KernelStuck"):
                events.append(f"cell {label}: {value}")
            elif name == "CellTimeoutError":
                events.append(f"cell {label}: timed out")
            elif name == "MemoryError":
                events.append(f"cell {label}: ran out of memory")
            elif output.get("output_type") == "stream" and "[autograder: output truncated" in str(
                output.get("text", "")
            ):
                events.append(f"cell {label}: output truncated")
            elif name and name != "NotRun" and not meta.get("locked") and first_error is None:
                first_error = f"cell {label} raised {name}: {value.splitlines()[0][:120] if value else ''}".rstrip(
                    ": "
                )
    events = list(dict.fromkeys(events))  # the same event once, in order
    return found + events[:3] + ([first_error] if first_error and not (found or events) else [])


def explain(course: Course, lab: str, student: str, message: str = "") -> str:
    """`message` with the student's integrity and grading notes appended, on one line."""
    return "; ".join(part for part in [message, *notes(course, lab, student)] if part)


# -- during grading: nbgrader sanitize step ------------------------------------------------------
def repair(nb: NotebookNode, resources: dict[str, Any], config: Any) -> None:
    """Cleared duplicates and unknown (renamed) ids become ordinary cells; deleted locked cells
    come back from the gradebook, after the cell that precedes them in the lab."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    info = resources["nbgrader"]
    with Gradebook(info["db_url"]) as gradebook:
        try:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
        except MissingEntry:
            return
        sources = {c.name: c for c in notebook.source_cells}
        points = {c.name: float(c.max_score) for c in [*notebook.grade_cells, *notebook.task_cells]}
        tasks = {c.name for c in notebook.task_cells}
        grades = {c.name for c in notebook.grade_cells}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is not None and (not meta or meta.get("grade_id") not in sources):
            del cell.metadata["nbgrader"]  # a cleared duplicate or a renamed id: an ordinary cell
    present = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata}
    coursedir = CourseDirectory(config=config)
    order: list[str] = []
    for folder in (coursedir.release_directory, coursedir.source_directory):
        path = coursedir.format_path(folder, ".", info["assignment"]) + f"/{info['notebook']}.ipynb"
        try:
            lab = json.loads(Path(path).read_text(encoding="utf-8"))
            order = [
                c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in lab["cells"]
            ]
            break
        except (OSError, ValueError, KeyError):
            continue
    for position, name in enumerate(order):
        source = sources.get(name) if name else None
        if source is None or name in present or not source.locked:
            continue
        meta = {"grade": name in grades, "grade_id": name, "locked": True, "schema_version": 3,
                "solution": False, "task": name in tasks, "checksum": source.checksum}  # fmt: skip
        if name in points:
            meta["points"] = points[name]
        if source.cell_type == "code":
            cell = nbformat.v4.new_code_cell(source.source, metadata={"nbgrader": meta})
        else:
            cell = nbformat.v4.new_markdown_cell(source.source, metadata={"nbgrader": meta})
        before = [n for n in order[:position] if n in present]
        at = 0
        if before:
            at = 1 + max(
                i
                for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == before[-1]
            )
        nb.cells.insert(at, cell)
        present.add(name)

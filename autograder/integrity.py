"""Integrity of a submission: what it changed in the lab, and whether it may be autograded.

Before grading (`refusal`, called by submissions.problem_with): a submission is not autograded
when it holds anything Python could import (modules, packages, compiled extensions, bytecode, .pth files, archives) that the lab
did not ship: a lab is handed in as its notebook plus the lab's own files (labs/source/<lab>/),
and other harmless files are only noted. One message names the file, cell and line, for the
student and the instructor who reviews it. (Grading kernels also never import from their
folder: autograder.limits starts them with PYTHONSAFEPATH.) Code that reaches for the grading
machinery (autograder.screen) is noted for the instructor and graded as usual: hidden tests run
in the grader, where no notebook code reaches.

While grading (`repair`, nbgrader sanitize step autograder.execution.RepairCells, before
OverwriteCells): cells cleared by DeduplicateIds, or with grade ids the lab does not have
(renamed), become ordinary cells, and deleted locked cells (tests, set-up) are put back from the
gradebook where the lab has them: a student never gains by deleting or renaming a test, and
honest work is still graded.

After grading (`notes`, `explain`): one line for the student about what happened (cells
restored, time limits, the kernel stopping, truncated output, else the first error in their
own code).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from autograder.course import Course
from autograder.screen import cell_label, screen

# -- before grading ----------------------------------------------------------------------------
# Not the student's files: nbgrader's exchange writes the first two into every submission it
# collects (nbgrader/exchange/default/submit.py); Jupyter writes checkpoints (their names start
# with a dot, so nothing in them can be imported) and nbgrader the feedback.
NOT_THE_STUDENTS = ("timestamp.txt", "submission_secret.txt", ".ipynb_checkpoints", "feedback")
# What Python's import system, site or a path entry could load code from, by how names end
# (extension modules carry tags: name.cpython-311-x86_64-linux-gnu.so, name.abi3.so).
IMPORTABLE = {
    ".py": "Python code", ".pyw": "Python code", ".pyc": "Python bytecode",
    ".pyo": "Python bytecode", ".so": "a compiled extension", ".pyd": "a compiled extension",
    ".dylib": "a compiled library", ".pth": "a path file", ".egg-link": "a path file",
    ".zip": "an archive Python imports from", ".whl": "an archive Python imports from",
    ".egg": "an archive Python imports from", ".pyz": "an archive Python imports from",
    ".dist-info": "package metadata", ".egg-info": "package metadata",
}  # fmt: skip


@dataclass
class Review:
    refusal: str | None
    notes: list[str]


def importable(name: str) -> str | None:
    """What kind of code Python could load from a file or folder of this name, or None."""
    lower = name.lower()
    for ending, kind in IMPORTABLE.items():
        if lower.endswith(ending):
            return kind
    return None


def _kind(path: str) -> str:
    parts = Path(path).parts
    found = [kind for kind in map(importable, reversed(parts)) if kind]
    return found[0] if found else "Python bytecode"  # the rest are in a __pycache__


def _lab_files(course: Course, lab: str) -> set[str]:
    """Paths (relative, with /) of what the lab ships: its source folder, data folders included."""
    folder = course.source / lab
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def _students_files(folder: Path, lab_files: set[str]) -> tuple[list[str], list[str]]:
    """(importable, other) paths in a submission that the lab did not ship, relative to it.

    Importable: any file whose name, or the name of a folder it is in, Python could load code
    from, and anything in a __pycache__ (an empty one, which Jupyter may leave, is nothing).
    Other files are listed by their top-level name (a folder of the student's once).
    """
    code: list[str] = []
    other: list[str] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root).relative_to(folder)
        top = here == Path(".")
        # Names starting with a dot are not identifiers: nothing in them can be imported.
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (top and d in NOT_THE_STUDENTS)
        )
        for name in sorted(files):
            path = here / name
            if path.as_posix() in lab_files or (top and name in NOT_THE_STUDENTS):
                continue
            if "__pycache__" in path.parts or any(importable(part) for part in path.parts):
                code.append(path.as_posix())
            elif path.parts[0] not in other:
                first = path.parts[0]
                other.append(path.as_posix() if first in lab_files else first)
    return code, list(dict.fromkeys(other))


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
    code, extra = _students_files(path.parent, _lab_files(course, lab))
    if code:
        more = f" (and {len(code) - 1} more such files)" if len(code) > 1 else ""
        return Review(
            f"{shown}/{code[0]}: not autograded: it would be imported instead of course code "
            f"while grading ({_kind(code[0])}){more}; a lab is handed in as its "
            "notebook and the lab's own files only (remove it and resubmit)",
            [],
        )
    if extra:
        shown_extra = ", ".join(extra[:5]) + (
            f" and {len(extra) - 5} more" if len(extra) > 5 else ""
        )
        notes.append(f"extra files, not graded: {shown_extra}")
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
        # Hidden tests run in the grader, outside the notebook's reach, so this code cannot
        # change a verdict: it is graded like any other, and the instructor is told.
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        notes.append(f"reaches for the grading machinery: {findings[0]}{more}; graded as usual")
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
            if name == "NotGraded":
                events.insert(0, f"cell {label}: {value}")
            elif name in ("KernelDied", "KernelStuck", "NotebookLimit"):
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

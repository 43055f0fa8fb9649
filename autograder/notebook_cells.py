"""Instructor-side tooling: the cells and the file of an nbgrader SOURCE notebook.

The fixture lab (autograder.quicklab), `course new`'s template and tests that fabricate labs
write their cells with these helpers, so that every lab marks its cells for nbgrader the same
way. The builders are stateless; `source_notebook` checks that grade ids are unique when the cells are
put together (nbgrader would otherwise merge the grades of two cells).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nbformat import NotebookNode, v4

# What `jupyter lab` writes for a new Python notebook: the kernel the released lab runs on.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def nbgrader_metadata(
    grade_id: str,
    *,
    grade: bool,
    solution: bool,
    locked: bool,
    task: bool = False,
    points: float = 0,
) -> dict[str, Any]:
    """A cell's metadata in nbgrader's schema 3 (points only on graded cells and tasks)."""
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": task,
    }
    if grade or task:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(source: str, metadata: dict[str, Any] | None = None) -> NotebookNode:
    cell: NotebookNode = v4.new_markdown_cell(source.strip("\n"), metadata=metadata or {})
    return cell


def _code(source: str, metadata: dict[str, Any]) -> NotebookNode:
    cell: NotebookNode = v4.new_code_cell(source.strip("\n"), metadata=metadata)
    return cell


def text(grade_id: str, source: str) -> NotebookNode:
    """Locked instructions."""
    return _markdown(source, nbgrader_metadata(grade_id, grade=False, solution=False, locked=True))


def given(grade_id: str, source: str) -> NotebookNode:
    """Locked code the student runs but does not write."""
    return _code(source, nbgrader_metadata(grade_id, grade=False, solution=False, locked=True))


def answer(grade_id: str, source: str) -> NotebookNode:
    """Autograded answer: the student's code goes in the solution region."""
    return _code(source, nbgrader_metadata(grade_id, grade=False, solution=True, locked=False))


def tests(grade_id: str, points: float, source: str) -> NotebookNode:
    """Locked test code worth `points` (visible tests, and hidden ones in their regions)."""
    return _code(
        source,
        nbgrader_metadata(grade_id, grade=True, solution=False, locked=True, points=points),
    )


def task(grade_id: str, points: float, source: str) -> NotebookNode:
    """A manually graded task: instructions and a mark scheme (removed from the release)."""
    return _markdown(
        source,
        nbgrader_metadata(
            grade_id, grade=False, solution=False, locked=True, task=True, points=points
        ),
    )


def free(source: str) -> NotebookNode:
    """A plain cell the student owns (written answers)."""
    return _markdown(source)


def source_notebook(cells: Iterable[NotebookNode], id_prefix: str) -> NotebookNode:
    """The notebook of these cells, with stable cell ids (`<id_prefix>-00`, ...) so that a
    rebuild diffs only where the content changed."""
    cells = list(cells)
    seen: set[str] = set()
    for cell in cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            continue
        if grade_id in seen:
            raise ValueError(f"duplicate grade id {grade_id}")
        seen.add(grade_id)
    notebook: NotebookNode = v4.new_notebook(cells=cells)
    notebook.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for i, cell in enumerate(notebook.cells):
        cell.id = f"{id_prefix}-{i:02d}"
    return notebook

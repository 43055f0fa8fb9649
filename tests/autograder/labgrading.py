"""Shared helpers of the per-lab tests (test_lab3, test_lab4): load a lab's build script, edit a
model solution into a fabricated submission, grade fabricated submissions end to end with the
real nbgrader pipeline, and run a source notebook as nbgrader would."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType

import nbformat

from autograder import submissions
from autograder.course import REPO_ROOT, Course
from autograder.gradebook import grades_for
from autograder.grading import StudentResult, grade

Fabricate = Callable[[nbformat.NotebookNode], None]


def load_build_script(script: str) -> ModuleType:
    """labs/build/<script>.py as the module `<script>`: not a package, so loaded by path."""
    spec = importlib.util.spec_from_file_location(
        script, REPO_ROOT / "labs" / "build" / f"{script}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[script] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def shipped_data(source: Path) -> tuple[list[str], list[str]]:
    """The data files a lab folder ships (relative to data/), and those that are not a byte copy
    of datasets/incidents/."""
    shipped = sorted(p.relative_to(source / "data") for p in (source / "data").rglob("*.gz"))
    differ = [
        str(path)
        for path in shipped
        if (source / "data" / path).read_bytes()
        != (REPO_ROOT / "datasets" / "incidents" / path).read_bytes()
    ]
    return [str(p) for p in shipped], differ


def cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    """The one cell with this nbgrader grade id."""
    (found,) = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return found


def edit(notebook: nbformat.NotebookNode, grade_id: str, old: str, new: str) -> None:
    """Replace `old` by `new` in a cell of the model solution (which must contain it)."""
    found = cell(notebook, grade_id)
    assert old in found.source, f"{grade_id}: {old!r} not found"
    found.source = found.source.replace(old, new)


def graded_course(
    folder: Path, lab: str, fabrications: Mapping[str, Fabricate]
) -> Iterator[tuple[Course, dict[str, StudentResult]]]:
    """A copy of the course in `folder` with `lab` released, one submission per student (the
    model solution changed by its fabrication) graded; removed when the generator is closed."""
    course = Course.locate().copy_to(folder / "course", [lab])
    course.release_lab(lab)
    for student, fabricate in fabrications.items():
        notebook = submissions.full(course, lab)
        fabricate(notebook)
        submissions.write(course, lab, student, notebook)
    report = grade(course, lab, progress=False)
    yield course, {r.student: r for r in report.results}
    shutil.rmtree(course.root, ignore_errors=True)


def points_lost(course: Course, lab: str, student: str) -> dict[str, float]:
    """grade id -> points lost, for every autograded cell the student did not get in full."""
    return {
        c.grade_id: c.max_score - c.score
        for c in grades_for(course, lab, student).cells
        if c.autograded and c.score < c.max_score
    }


def run_with_scenario_data(
    notebook: nbformat.NotebookNode, folder: Path, scenario: str
) -> list[tuple[str, str]]:
    """Execute a source notebook (hidden tests included) in `folder`, next to data/<scenario>/
    as a released lab has it; the (grade id, error or stream) of every error and stderr output,
    which nbgrader would score 0."""
    from nbclient import NotebookClient

    (folder / "data").mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "datasets" / "incidents" / scenario, folder / "data" / scenario)
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    return [
        (c.metadata["nbgrader"]["grade_id"], output.get("ename") or output.get("name"))
        for c in notebook.cells
        if c.cell_type == "code"
        for output in c.outputs
        if output.output_type == "error"
        or (output.output_type == "stream" and output.name == "stderr")
    ]

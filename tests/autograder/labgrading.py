"""Shared helpers of the per-lab tests (test_lab3, test_lab4): edit a model solution into a
fabricated submission, grade fabricated submissions end to end with the real nbgrader pipeline
(under either incident scenario), and run a source notebook's visible checks."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import nbformat

from autograder import submissions
from autograder.course import REPO_ROOT, Course
from autograder.gradebook import grades_for
from autograder.grading import StudentResult, grade

Fabricate = Callable[[nbformat.NotebookNode], None]


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
    node: nbformat.NotebookNode = found
    return node


def edit(notebook: nbformat.NotebookNode, grade_id: str, old: str, new: str) -> None:
    """Replace `old` by `new` in a cell of the model solution (which must contain it)."""
    found = cell(notebook, grade_id)
    assert old in found.source, f"{grade_id}: {old!r} not found"
    found.source = found.source.replace(old, new)


def switch_scenario(lab_folder: Path, scenario: str) -> None:
    """Make a lab folder ship `scenario`: its data/<old>/ replaced by byte copies of the same
    tables from datasets/incidents/<scenario>/ (what `course release --scenario` does)."""
    data = lab_folder / "data"
    (old,) = [p for p in data.iterdir() if p.is_dir()]
    tables = sorted(p.name for p in old.glob("*.csv.gz"))
    shutil.rmtree(old)
    (data / scenario).mkdir()
    for name in tables:
        shutil.copyfile(
            REPO_ROOT / "datasets" / "incidents" / scenario / name, data / scenario / name
        )


def graded_course(
    folder: Path, lab: str, fabrications: Mapping[str, Fabricate], scenario: str | None = None
) -> Iterator[tuple[Course, dict[str, StudentResult]]]:
    """A copy of the course in `folder` with `lab` released (with the data of `scenario`, if
    given), one submission per student (the model solution changed by its fabrication) graded;
    removed when the generator is closed."""
    course = Course.locate().copy_to(folder / "course", [lab])
    if scenario is not None:
        switch_scenario(course.source / lab, scenario)
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
    grades = grades_for(course, lab, student)
    assert grades is not None, f"{student} has no grades for {lab}"
    return {
        c.grade_id: c.max_score - c.score
        for c in grades.cells
        if c.autograded and c.score < c.max_score
    }


def run_with_scenario_data(
    notebook: nbformat.NotebookNode, folder: Path, scenario: str
) -> list[tuple[str, str]]:
    """Execute a source notebook in `folder`, next to data/<scenario>/ as a released lab has it
    (with the lab's other files, such as briefs/, when it is one of the course's labs); the
    (grade id, error or stream) of every error and stderr output. A lab whose hidden tests are
    grader-side (labs/hidden/) runs only its visible checks here: grade it with
    `graded_course` to run the hidden tests."""
    from nbclient import NotebookClient

    (folder / "data").mkdir(parents=True)
    shipped = REPO_ROOT / "labs" / "source" / folder.name
    for extra in shipped.iterdir() if shipped.is_dir() else []:
        if extra.is_dir() and extra.name != "data":
            shutil.copytree(extra, folder / extra.name)
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

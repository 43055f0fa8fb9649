"""`course solutions LAB`: a solution notebook for students, once the lab can no longer earn points.

The notebook is the lab's source with its solutions in place and everything the grader keeps to
itself taken out: mark schemes, hidden-test regions, the solution delimiters, nbgrader's cell
metadata (so nobody mistakes it for a gradable copy) and outputs. The grader-side hidden tests
(labs/hidden/<lab>.py) and the lab's text source (<lab>.lab.md) are never copied; a final check
refuses to write a notebook that still holds a line of either, or of a mark scheme.

It goes to `solutions/<lab>-solutions/` in the course folder with the lab's other released files
(data, briefs), so its relative paths still work, and, where the course has an nbgrader exchange,
to the exchange's outbound folder as `<lab>-solutions`, which students fetch from the Assignment
List like a lab (there is nothing to submit).

Not before the lab closes: the latest due date with extensions plus the late window of
course.toml (autograder.settings.CourseSettings.closes); `--force` overrides, for a lab without a
due date or a class that agreed otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder import submissions
from autograder.checking import MARKERS, secret_lines
from autograder.course import Course, CourseError
from autograder.grader import registry
from autograder.settings import SETTINGS_FILE, load_settings

SOLUTION_DELIMITER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
HIDDEN_TESTS = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S)
MARK_SCHEME = re.compile(r"[ \t]*### BEGIN MARK SCHEME.*?### END MARK SCHEME[ \t]*\n?", re.S)


@dataclass(frozen=True)
class SolutionsRelease:
    lab: str
    folder: Path
    exchange: Path | None = None  # where students fetch it, when the course has an exchange
    notes: list[str] = field(default_factory=list)


def solution_notebook(course: Course, lab: str, released: str) -> NotebookNode:
    """The lab's source notebook with its solutions, minus everything only the grader sees."""
    notebook = submissions.read(course.notebook(lab))
    for cell in notebook.cells:
        source = MARK_SCHEME.sub("", HIDDEN_TESTS.sub("", cell.source))
        cell.source = SOLUTION_DELIMITER.sub("", source).rstrip("\n")
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    header = nbformat.v4.new_markdown_cell(
        f"# Solutions: {lab}\n\n"
        f"Released {released}, after the lab closed. This is the lab with one correct solution "
        "in each answer cell, and, for written answers, an example of a full-mark answer; other "
        "answers can be as good. The visible self-checks are kept, so running the notebook "
        "checks the solution as you checked yours. The grader's hidden tests and mark schemes "
        "are not included."
    )
    notebook.cells.insert(0, header)
    notebook.metadata.pop("nbgrader", None)
    return notebook


def _leaks(course: Course, lab: str, notebook: NotebookNode) -> list[str]:
    text = "\n".join(cell.source for cell in notebook.cells)
    found = [marker for marker in MARKERS if marker in text]
    secret = secret_lines(course.notebook(lab), registry.path_for(course.root, lab))
    return found + [line for line in secret if line in text]


def _check_closed(course: Course, lab: str, now: dt.datetime) -> list[str]:
    settings = load_settings(course)
    closes = settings.closes(lab)
    where = course.root / SETTINGS_FILE
    if closes is None:
        raise CourseError(
            f"{where}: {lab} has no due date in [deadlines], so nothing says the lab is over; "
            f"set it, or release the solutions anyway with `course solutions {lab} --force`"
        )
    if now < closes:
        raise CourseError(
            f"{lab}: submissions can still earn points until {closes.isoformat()} (the due date, "
            "the longest extension and the late window in course.toml); releasing the solutions "
            f"now would hand them to students still working. Wait, or use --force"
        )
    if settings.late_penalty is not None and settings.late_penalty.zero_after_days is None:
        return [
            f"late work still earns points under [late-penalty] in {where} (no zero-after-days): "
            "a submission made after these solutions should get 0 by hand"
        ]
    return []


def _swap_in(staging: Path, target: Path) -> None:
    """Put a fully written `staging` folder in `target`'s place: never a half-written target."""
    if target.exists():
        shutil.rmtree(target)
    os.replace(staging, target)


def _publish(course: Course, lab: str, folder: Path) -> Path | None:
    """Copy into the exchange's outbound folder, readable by every student; None when this
    course has no exchange on this machine (a course graded locally)."""
    from autograder.hub import nbgrader_exchange

    root, course_id = nbgrader_exchange(course)
    outbound = root / course_id / "outbound"
    if not outbound.is_dir():
        return None
    target = outbound / folder.name
    staging = outbound / f".{folder.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(folder, staging)
    for path in [staging, *staging.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    _swap_in(staging, target)
    return target


def release_solutions(
    course: Course, lab: str, *, now: dt.datetime | None = None, force: bool = False
) -> SolutionsRelease:
    course.require_labs([lab])
    released_lab = course.release / lab
    if not course.notebook(lab, "release").exists():
        raise CourseError(f"{released_lab}: the lab was never released; run `course release {lab}`")
    moment = now or dt.datetime.now(dt.UTC)
    notes = [] if force else _check_closed(course, lab, moment)
    notebook = solution_notebook(course, lab, moment.strftime("%d %B %Y"))
    leaks = _leaks(course, lab, notebook)
    if leaks:
        raise CourseError(
            f"{course.notebook(lab)}: the solution notebook would show grader-only text "
            f"({leaks[0]!r}); nothing was written"
        )
    folder = course.root / "solutions" / f"{lab}-solutions"
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(
        released_lab, staging, ignore=shutil.ignore_patterns(f"{lab}.ipynb", ".ipynb_checkpoints")
    )
    nbformat.write(notebook, staging / f"{lab}-solutions.ipynb")
    _swap_in(staging, folder)
    return SolutionsRelease(lab, folder, _publish(course, lab, folder), notes)

"""A tiny lab that grades in about a second: the tests and `course bench` build courses with it.

Two exercises with visible and hidden tests and one written answer (100 points), like a real lab
but with almost nothing to execute, so grading time is mostly nbgrader's and the kernels' own
start-up: the case where parallel grading is hardest to make pay.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder import labsource
from autograder.course import DEFAULT_ROOT, Course
from autograder.grader.registry import HIDDEN_FOLDER
from autograder.notebook_cells import answer, given, task, tests, text

LAB = "lab0-fixture"


def notebook() -> NotebookNode:
    """The source notebook (solutions and a mark scheme; hidden tests: quicklab_hidden.py)."""
    nb: NotebookNode = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        text("intro", "# Lab 0: a fixture\nWrite two small functions."),
        given(
            "setup",
            "import labkit\nfrom labkit.checks import check_close\nSEED = labkit.student.student_seed('lab0')",
        ),
        answer(
            "add", "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION"
        ),
        tests(
            "test_add",
            40,
            "check_close(add(1, 2), 3, 'add(1, 2)', hint='return the sum')",
        ),
        answer(
            "mean",
            "def mean(xs):\n    ### BEGIN SOLUTION\n    return sum(xs) / len(xs)\n    ### END SOLUTION",
        ),
        tests(
            "test_mean",
            40,
            "check_close(mean([1, 2, 3]), 2.0, 'mean([1, 2, 3])', hint='divide by the count')",
        ),
        task(
            "reflection",
            20,
            "Why is a mean of one run a poor estimate?\n\n### BEGIN MARK SCHEME\nFull marks: variance.\n### END MARK SCHEME",
        ),
    ]
    return nb


def make_course(folder: Path, db_url: str | None = None) -> Course:
    """A new course folder holding only this lab's source, with the course's nbgrader config."""
    (folder / "source" / LAB).mkdir(parents=True)
    shutil.copy(DEFAULT_ROOT / "nbgrader_config.py", folder / "nbgrader_config.py")
    nbformat.write(notebook(), folder / "source" / LAB / f"{LAB}.ipynb")
    labsource.sync(labsource.LabFiles(folder / "source" / LAB, LAB), "notebook")
    (folder / HIDDEN_FOLDER).mkdir()
    shutil.copy(
        Path(__file__).with_name("quicklab_hidden.py"), folder / HIDDEN_FOLDER / f"{LAB}.py"
    )
    return Course(folder, db_url)

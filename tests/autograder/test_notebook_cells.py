"""The nbgrader cell builders shared by the lab build scripts and the fixture lab."""

from __future__ import annotations

import nbformat
import pytest

# `tests` is imported under another name: pytest would collect a module-level `tests` as a test.
from autograder.notebook_cells import answer, free, given, source_notebook, task, text
from autograder.notebook_cells import tests as graded_tests


def test_cells_carry_nbgrader_metadata_with_points_only_where_graded():
    cells = [
        text("intro", "\n# Title\n"),
        given("setup", "x = 1"),
        answer("q1", "y = 2"),
        graded_tests("q1-test", 3, "assert y == 2"),
        task("q2", 5, "Explain."),
        free("My answer"),
    ]
    marks = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in cells[:-1]}
    assert [m.get("points") for m in marks.values()] == [None, None, None, 3, 5]
    assert marks["q1"]["solution"] and not marks["q1"]["locked"]
    assert marks["q1-test"]["grade"] and marks["q2"]["task"]
    assert cells[0].source == "# Title" and "nbgrader" not in cells[-1].metadata

    notebook = source_notebook(cells, "lab9")
    nbformat.validate(notebook)
    assert [c.id for c in notebook.cells] == [f"lab9-{i:02d}" for i in range(6)]
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_a_repeated_grade_id_is_refused_by_name():
    with pytest.raises(ValueError, match="duplicate grade id q1"):
        source_notebook([answer("q1", "a = 1"), graded_tests("q1", 1, "assert a")], "lab9")

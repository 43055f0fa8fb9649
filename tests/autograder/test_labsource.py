"""A lab's text source and its notebook: one canonical form, stable ids, drift named cell by cell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder import labsource
from autograder.course import DEFAULT_ROOT
from autograder.labsource import LabFiles, LabSourceError, differences, sync
from autograder.quicklab import LAB, notebook


@pytest.fixture
def files(tmp_path: Path) -> LabFiles:
    nbformat.write(notebook(), tmp_path / f"{LAB}.ipynb")
    files = LabFiles(tmp_path, LAB)
    assert sync(files, "notebook") == "notebook"
    return files


def test_both_files_say_the_same_and_a_second_sync_changes_nothing(files: LabFiles) -> None:
    assert differences(files) == []
    text, book = files.text.read_text(), files.notebook.read_text()
    sync(files, "text")
    assert (files.text.read_text(), files.notebook.read_text()) == (text, book)
    assert "jupytext_version: " not in text  # no churn with every jupytext release
    ids = [c.id for c in nbformat.read(files.notebook, as_version=4).cells]
    assert ids == ["intro", "setup", "add", "test_add", "mean", "test_mean", "reflection"]


def test_an_inserted_cell_renumbers_nothing(files: LabFiles) -> None:
    before = [c.id for c in nbformat.read(files.notebook, as_version=4).cells]
    text = files.text.read_text()
    anchor = '+++ {"nbgrader": {"grade": false, "grade_id": "intro"'
    at = text.index("```{code-cell}")
    files.text.write_text(text[:at] + "+++\n\nA note added by the instructor.\n\n" + text[at:])
    assert anchor in text
    found = differences(files)
    assert found and "only in" in found[0] and "intro-text" in found[0]
    sync(files, "text")
    after = [c.id for c in nbformat.read(files.notebook, as_version=4).cells]
    assert [i for i in after if i != "intro-text"] == before
    assert '"name": "intro-text"' in files.text.read_text()  # the new cell keeps its name


def test_a_changed_cell_is_named(files: LabFiles) -> None:
    nb = nbformat.read(files.notebook, as_version=4)
    next(c for c in nb.cells if c.id == "test_add").metadata["nbgrader"]["points"] = 35
    nbformat.write(nb, files.notebook)
    assert differences(files) == ["cell 'test_add': the nbgrader settings differs"]


def test_bad_ids_and_duplicates_are_one_line_errors(files: LabFiles) -> None:
    nb = nbformat.read(files.notebook, as_version=4)
    nb.cells[1].metadata["nbgrader"]["grade_id"] = "add"
    nbformat.write(nb, files.notebook)
    with pytest.raises(LabSourceError, match="two cells are named 'add'"):
        sync(files, "notebook")
    nb.cells[1].metadata["nbgrader"]["grade_id"] = "set up!"
    nbformat.write(nb, files.notebook)
    with pytest.raises(LabSourceError, match="may only hold letters, digits"):
        sync(files, "notebook")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert "missing" in differences(LabFiles(tmp_path, LAB))[0]
    with pytest.raises(LabSourceError, match="not found"):
        sync(LabFiles(tmp_path, LAB), "text")


@pytest.mark.parametrize("lab", sorted(p.name for p in (DEFAULT_ROOT / "source").iterdir()))
def test_every_lab_of_the_course_is_in_sync(lab: str) -> None:
    assert differences(LabFiles(DEFAULT_ROOT / "source" / lab, lab)) == []
    assert labsource.read(LabFiles(DEFAULT_ROOT / "source" / lab, lab).text).cells

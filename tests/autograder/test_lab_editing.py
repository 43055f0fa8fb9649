"""An instructor changes a lab the way the instructor guide says, and `course check` keeps up.

The guide's recipes, followed literally on a template lab (`course new`): edit the text source,
edit the notebook as nbgrader's Create Assignment toolbar does, add a question with its hidden
test, and change a lab that was already released. Each step ends with `course sync` and
`course check`, which must fail exactly while the files disagree and pass once they agree.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.checking import check, table
from autograder.cli import main
from autograder.course import DEFAULT_ROOT, Course
from autograder.labsource import LabFiles

pytestmark = pytest.mark.slow
LAB = "lab5-demo"

NEW_QUESTION = """
```{code-cell}
---
nbgrader:
  grade: false
  grade_id: q5-median
  locked: false
  schema_version: 3
  solution: true
  task: false
---
def median_of(values):
    ### BEGIN SOLUTION
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    ### END SOLUTION
```

```{code-cell}
---
nbgrader:
  grade: true
  grade_id: q5-median-test
  locked: true
  points: 10
  schema_version: 3
  solution: false
  task: false
---
check_close(median_of([3, 1, 2]), 2.0, "median_of([3, 1, 2])", hint="sort, then the middle")
```
"""

NEW_TEST = """

@hidden_test("q5-median-test")
def median_test(nb: Submission) -> None:
    median_of = nb.function("median_of")
    check_close(median_of([3, 1, 2]), 2.0, "median_of([3, 1, 2])", hint="sort, then the middle")
    check_close(median_of([4, 1, 3, 2]), 2.5, "median_of([4, 1, 3, 2])", hint="two middles")
"""


def cli(course: Course, *args: str) -> int:
    return main(["--course", str(course.root), "--quiet", *args])


def problems(course: Course) -> list[str]:
    (result,) = check(course, [LAB], seeds=1, progress=False)
    return result.problems


@pytest.fixture
def course(tmp_path: Path) -> Course:
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(DEFAULT_ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    course = Course(root)
    assert cli(course, "new", LAB, "--title", "Lab 5: a demo") == 0
    return course


def test_the_template_lab_passes_and_text_edits_must_be_synced(course: Course) -> None:
    files = LabFiles(course.source / LAB, LAB)
    assert problems(course) == [], "the template lab must pass course check as it is"
    # Change a question in the text source only: check refuses until the files are synced.
    text = files.text.read_text()
    files.text.write_text(text.replace("An autograded exercise", "The mean, by hand"))
    found = problems(course)
    assert any("disagree" in p and "q1-text" in p and f"course sync {LAB}" in p for p in found), found  # fmt: skip
    assert cli(course, "sync", LAB) == 0
    assert "The mean, by hand" in nbformat.read(files.notebook, as_version=4).cells[2].source
    assert problems(course) == []


def test_a_toolbar_edit_and_a_new_question(course: Course) -> None:
    files = LabFiles(course.source / LAB, LAB)
    # The Create Assignment toolbar edits the notebook: here it moves 10 points from the
    # written task q3-explain to a new autograded question added in the text source below.
    notebook = nbformat.read(files.notebook, as_version=4)
    task = next(c for c in notebook.cells if c.id == "q3-explain")
    task.metadata["nbgrader"]["points"] = 10
    task.source = task.source.replace("(20 points)", "(10 points)")
    nbformat.write(notebook, files.notebook)
    assert cli(course, "sync", LAB, "--from", "notebook") == 0
    assert '"points": 10' in files.text.read_text()
    # Add a question: an answer cell and a test cell in the text, and its hidden test.
    text = files.text.read_text()
    anchor = '+++ {"nbgrader": {"grade": false, "grade_id": "references"'
    files.text.write_text(text.replace(anchor, NEW_QUESTION.lstrip("\n") + "\n" + anchor))
    assert cli(course, "sync", LAB, "--from", "text") == 0
    found = problems(course)
    assert any("no hidden test for test cell(s) q5-median-test" in p for p in found), found
    hidden = course.root / "hidden" / f"{LAB}.py"
    hidden.write_text(hidden.read_text() + NEW_TEST)
    assert problems(course) == [], table(check(course, [LAB], seeds=1, progress=False))
    ids = [c.id for c in nbformat.read(files.notebook, as_version=4).cells]
    assert ids.index("q5-median") < ids.index("q5-median-test") < ids.index("references")


def test_a_release_that_no_longer_matches_its_source_is_caught(course: Course) -> None:
    files = LabFiles(course.source / LAB, LAB)
    assert cli(course, "release", LAB) == 0
    text = files.text.read_text()
    files.text.write_text(text.replace("Students read this first.", "Read this first."))
    assert cli(course, "sync", LAB) == 0
    found = problems(course)
    assert any("differs from what the source releases as" in p and "intro" in p for p in found), found  # fmt: skip
    assert cli(course, "release", LAB) == 0
    assert problems(course) == []

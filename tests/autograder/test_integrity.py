"""The static screen of code that reaches for the grading machinery, without starting kernels."""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import DEFAULT_ROOT
from autograder.screen import screen


def _meta(
    grade_id: str,
    *,
    grade: bool = False,
    solution: bool = False,
    locked: bool = False,
    points: float | None = None,
) -> dict[str, object]:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}  # fmt: skip
    return {"nbgrader": meta if points is None else {**meta, "points": points}}


SETUP = "import numpy as np\nimport pandas as pd\nfrom labkit.checks import check_close\nSEED = 3"


def lab_with(student_code: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """(submission, release): a locked setup cell, a solution cell, a locked test cell."""
    release = nbformat.v4.new_notebook()
    release.cells = [
        nbformat.v4.new_code_cell(SETUP, metadata=_meta("setup", locked=True)),
        nbformat.v4.new_code_cell("# YOUR CODE HERE", metadata=_meta("answer", solution=True)),
        nbformat.v4.new_code_cell(
            "check_close(f(1), 2, 'f(1)', hint='')",
            metadata=_meta("test", grade=True, locked=True, points=1),
        ),
    ]
    submission = nbformat.reads(nbformat.writes(release), as_version=4)
    submission.cells[1].source = student_code
    return submission, release


@pytest.mark.parametrize(
    "code",
    [
        "def f(x):\n    return 2 * x",
        "import numpy as np\nfrom labkit.checks import check_close\nf = lambda x: np.float64(2 * x)",
        "%matplotlib inline\n!echo hi\nx = [1, 2]\nx[0] = 5\npd.options.display.max_rows = 5",
        "def f(x):\n    np = 3  # a local name is harmless\n    return 2 * x",
        "from IPython.display import display, Markdown\ndisplay(Markdown('**ok**'))",
        "frame = pd.DataFrame({'a': [1]})\nframe.columns = ['b']\nframe.a = 3",
        "%%time\nfor i in range(3):\n    pass",
        "import builtins\nprint(builtins.len([1]))",
    ],
)
def test_honest_code_passes_the_screen(code: str) -> None:
    assert screen(*lab_with(code)) == []


@pytest.mark.parametrize(
    ("code", "finding"),
    [
        ("np.testing.assert_allclose = print", "line 1: changes numpy.testing.assert_allclose"),
        (
            "t = np.testing\nt.assert_allclose = print",
            "line 2: changes numpy.testing.assert_allclose",
        ),
        ("import math\nsetattr(math, 'isclose', print)", "line 2: calls setattr on math"),
        ("def check_close(*a, **k):\n    pass", "line 1: redefines check_close"),
        ("from labkit import checks as check_close", "line 1: redefines check_close"),
        ("for np in [1]:\n    pass", "line 1: redefines np"),
        ("AssertionError = Exception", "line 1: rebinds AssertionError"),
        ("get_ipython().events.register('post_run_cell', print)", "uses .events"),
        ("ip = get_ipython()", "line 1: uses get_ipython"),
        ("%load_ext my_hooks", "line 1: uses the %load_ext magic"),
        ("%%writefile hooks.py\nprint(1)", "line 1: uses the %writefile magic"),
        ("globals()['check_close'] = print", "line 1: uses globals"),
        ("exec('x = 1')", "line 1: uses exec"),
        ("import sys\nsys.modules['labkit.checks'] = None", "line 2: uses .modules"),
        ("import ctypes", "line 1: imports ctypes"),
        ("from IPython import get_ipython", "line 1: imports IPython.get_ipython"),
        ("def f(x):\n    return f.__code__", "line 2: uses .__code__"),
        (
            "def f(x):\n    global check_close\n    check_close = print",
            "line 2: redefines check_close",
        ),
    ],
)
def test_tampering_is_found_with_its_line(code: str, finding: str) -> None:
    found = [str(f) for f in screen(*lab_with(code))]
    assert any(finding in f for f in found), found
    assert all(f.startswith("cell 'answer'") for f in found)


def test_locked_cells_are_not_screened_but_their_earlier_copies_are() -> None:
    submission, release = lab_with("def f(x):\n    return 2 * x")
    submission.cells[2].source = "check_close = print"  # restored from the gradebook: harmless
    assert screen(submission, release) == []
    copy = nbformat.from_dict(dict(submission.cells[2], id="copy"))
    submission.cells.insert(2, copy)  # DeduplicateIds keeps the last copy; this one would run
    assert [f.cell for f in screen(submission, release)] == ["'test'"]


def test_the_real_labs_solutions_pass_the_screen() -> None:
    for path in sorted((DEFAULT_ROOT / "source").glob("*/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        assert screen(notebook, notebook) == [], path.name

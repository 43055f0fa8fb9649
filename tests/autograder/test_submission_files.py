"""A submission is its notebook plus the lab's own files: anything importable is refused before
grading, and a grading kernel never imports from its folder (autograder.integrity, .limits)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets.config import Config

from autograder import submissions
from autograder.course import Course
from autograder.execution import LimitedKernelManager
from autograder.integrity import review
from autograder.quicklab import make_course
from tests.autograder.conftest import LAB


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A released course whose lab ships a data folder (a CSV and an archive of its own)."""
    course = make_course(tmp_path_factory.mktemp("files") / "course")
    data = course.source / LAB / "data"
    data.mkdir()
    (data / "runs.csv").write_text("seed,score\n1,0.5\n")
    (data / "bundle.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    course.release_lab(LAB)
    return course


def submit(course: Course, student: str, files: dict[str, bytes]) -> Path:
    path = submissions.write(course, LAB, student, submissions.full(course, LAB))
    for name, content in files.items():
        (path.parent / name).parent.mkdir(parents=True, exist_ok=True)
        (path.parent / name).write_bytes(content)
    return path.parent


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("helper.py", "Python code"),
        ("labkit.py", "Python code"),
        ("mypkg/__init__.py", "Python code"),
        ("space/deeper/mod.py", "Python code"),  # a namespace package, two levels down
        ("checks.cpython-311-x86_64-linux-gnu.so", "a compiled extension"),
        ("fast.abi3.so", "a compiled extension"),
        ("win.pyd", "a compiled extension"),
        ("libhook.dylib", "a compiled library"),
        ("__pycache__/labkit.cpython-311.pyc", "Python bytecode"),
        ("__pycache__/anything", "Python bytecode"),
        ("old.pyc", "Python bytecode"),
        ("hook.pth", "a path file"),
        ("dev.egg-link", "a path file"),
        ("code.zip", "an archive Python imports from"),
        ("wheel-1.0-py3-none-any.whl", "an archive Python imports from"),
        ("data/extra.zip", "an archive Python imports from"),  # beside the lab's own data
        ("egg.egg/labkit/__init__.txt", "an archive Python imports from"),
        ("labkit-9.dist-info/entry_points.txt", "package metadata"),
    ],
)
def test_anything_importable_is_refused_in_one_line(lab: Course, name: str, kind: str) -> None:
    student = "s-" + "".join(ch for ch in name if ch.isalnum())[:40]
    submit(lab, student, {name: b"x = 1\n"})
    refusal = review(lab, LAB, student).refusal
    assert refusal is not None and "\n" not in refusal
    assert refusal.startswith(f"submitted/{student}/{LAB}/{name}: not autograded: it would be ")
    assert f"({kind})" in refusal and "remove it and resubmit" in refusal


def test_the_labs_own_files_and_the_exchanges_are_not_the_students(lab: Course) -> None:
    folder = submit(
        lab,
        "honest",
        {
            "timestamp.txt": b"2026-11-27 09:05:00 UTC",
            "submission_secret.txt": b"0f" * 64,
            "data/runs.csv": b"seed,score\n1,0.5\n",
            "data/bundle.zip": b"PK\x05\x06" + bytes(18),  # the lab ships it: not refused
            ".ipynb_checkpoints/lab0-fixture-checkpoint.ipynb": b"{}",
            ".ipynb_checkpoints/helper-checkpoint.py": b"",  # a dot folder: never importable
        },
    )
    (folder / "__pycache__").mkdir()  # empty: Jupyter may leave one
    assert review(lab, LAB, "honest") == review(lab, LAB, "honest")
    assert review(lab, LAB, "honest").refusal is None
    assert review(lab, LAB, "honest").notes == []


def test_harmless_extra_files_are_a_note(lab: Course) -> None:
    submit(lab, "tidy", {"my-plot.png": b"\x89PNG", "notes/day1.md": b"#", "notes/day2.md": b"#"})
    found = review(lab, LAB, "tidy")
    assert found.refusal is None
    assert found.notes == ["extra files, not graded: my-plot.png, notes"]


@pytest.mark.slow
@pytest.mark.parametrize("isolate", [True, False], ids=["sandboxed", "not-isolated"])
def test_a_grading_kernel_does_not_import_from_its_folder(tmp_path: Path, isolate: bool) -> None:
    """A real kernel, started as grading starts it, in a folder holding a module and data."""
    course = tmp_path / "course"
    folder = course / "autograded" / "s" / LAB
    (folder / "data").mkdir(parents=True)
    (folder / "helper.py").write_text("VALUE = 'planted'\n")
    (folder / "decimal.py").write_text("VALUE = 'planted'\n")  # shadows the standard library
    (folder / "data" / "runs.csv").write_text("seed,score\n1,0.5\n")
    code = (
        "import sys, decimal\n"
        "print('decimal from the folder' if hasattr(decimal, 'VALUE') else 'the real decimal')\n"
        "print(open('data/runs.csv').read().splitlines()[1])\n"
        "print('' in sys.path, any(p.endswith('" + LAB + "') for p in sys.path))\n"
        "try:\n    import helper\n    print('imported', helper.VALUE)\n"
        "except ImportError as error:\n    print(type(error).__name__, error)"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    config = Config({"CourseDirectory": {"root": str(course)}})
    manager = LimitedKernelManager(kernel_name="python3", isolate=isolate, config=config)
    NotebookClient(
        nb, km=manager, timeout=30, resources={"metadata": {"path": str(folder)}}
    ).execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert text.splitlines() == [
        "the real decimal",
        "1,0.5",
        "False False",
        "ModuleNotFoundError No module named 'helper'",
    ], text


def test_the_launcher_itself_does_not_import_from_the_folder(tmp_path: Path) -> None:
    """The launcher starts (as root, in CI) in the submission's folder: `python -m` puts that
    folder first on sys.path, so a planted tempfile.py would run before any limit is set."""
    folder = tmp_path / "course" / "autograded" / "s" / LAB
    folder.mkdir(parents=True)
    (folder / "tempfile.py").write_text("open('planted-ran', 'w').close()\n")
    manager = LimitedKernelManager(
        kernel_name="python3", config=Config({"CourseDirectory": {"root": str(tmp_path)}})
    )
    command = manager.format_kernel_cmd()
    launcher = [*command[: command.index("--")], "--", sys.executable, "-c", "pass"]
    subprocess.run(launcher, cwd=folder, capture_output=True, timeout=60, check=False)
    assert not (folder / "planted-ran").exists()


@pytest.mark.slow
def test_the_kernel_is_told_whose_submission_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grader's record decides the identity (and so the notebook's seeds), not whatever
    LABKIT_STUDENT_ID the grading process happens to carry."""
    monkeypatch.setenv("LABKIT_STUDENT_ID", "the-instructor")
    folder = tmp_path / "course" / "autograded" / "s" / LAB
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import labkit\nprint(labkit.student.student_id())")]
    config = Config({"CourseDirectory": {"root": str(tmp_path / "course")}})
    manager = LimitedKernelManager(kernel_name="python3", config=config)
    manager.student_id = "ada"
    NotebookClient(
        nb, km=manager, timeout=30, resources={"metadata": {"path": str(folder)}}
    ).execute()
    assert "".join(o.get("text", "") for o in nb.cells[0].outputs).strip() == "ada"

"""A lab's hidden tests: the grader-side module labs/hidden/<lab>.py, loaded by file path.

The module lives in the course folder, beside `source/`, never in it: nbgrader releases what is in
source/<lab>/, and the grading sandbox shows kernels nothing of the course folder. Each hidden
test is a function marked `@hidden_test("<grade id>")`; one test per autograded test cell.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HIDDEN_FOLDER = "hidden"


class HiddenTestsError(Exception):
    """The hidden tests of a lab cannot be loaded: one line naming the file and the problem."""


@dataclass
class LabTests:
    lab: str
    path: Path
    tests: dict[str, Callable[..., Any]]


def is_test_cell(cell: Any) -> bool:
    """An autograded test cell (nbgrader: grade, not solution, code): a hidden test grades it."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"))


def path_for(course_root: Path, lab: str) -> Path:
    return course_root / HIDDEN_FOLDER / f"{lab}.py"


def load(course_root: Path, lab: str) -> LabTests | None:
    """The lab's hidden tests, or None when the lab has none (its tests run in the notebook)."""
    if not lab:
        return None
    path = path_for(course_root, lab)
    if not path.is_file():
        return None
    name = "autograder_hidden_" + re.sub(r"\W", "_", lab)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise HiddenTestsError(f"{path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        where = traceback.extract_tb(error.__traceback__)
        line = next((f.lineno for f in reversed(where) if f.filename == str(path)), None)
        at = f":{line}" if line else ""
        raise HiddenTestsError(f"{path}{at}: {type(error).__name__}: {error}") from None
    tests: dict[str, Callable[..., Any]] = {}
    for value in vars(module).values():
        grade_id = getattr(value, "__grade_id__", None)
        if callable(value) and isinstance(grade_id, str):
            if grade_id in tests and tests[grade_id] is not value:
                raise HiddenTestsError(f"{path}: two hidden tests for grade id {grade_id!r}")
            tests[grade_id] = value
    return LabTests(lab, path, tests)

"""A hidden test's result, written as the outputs of its test cell (what nbgrader then scores).

nbgrader scores a test cell from its outputs (nbgrader.utils.determine_grade): an error output
is zero, a number as the last result is partial credit, anything else full marks. Here only the
grader writes those outputs, so the score is the hidden test's verdict. What a student reads is
the check's own message (expected, found, hint) and, on success, advice such as the warnings
their code raised, on stdout: a warning is advice, never a lost point.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from nbformat import NotebookNode
from nbformat.v4 import new_output

from autograder.grader.submission import BoundaryError, StudentRaised, Submission
from labkit.checks import CheckFailed

PASSED = "All checks passed."


def error(name: str, message: str) -> NotebookNode:
    output: NotebookNode = new_output(
        "error", ename=name, evalue=message, traceback=[f"{name}: {message}"]
    )
    return output


def advice_of(submission: Submission) -> list[NotebookNode]:
    if not submission.advice:
        return []
    lines = "\n".join(f"  {line}" for line in submission.advice)
    text = f"Advice (no points lost): your code raised warnings while it was graded:\n{lines}\n"
    return [new_output("stream", name="stdout", text=text)]


def run(
    test: Callable[[Submission], Any], submission: Submission, log: logging.Logger
) -> list[NotebookNode]:
    try:
        points = test(submission)
    except CheckFailed as failed:
        return [*advice_of(submission), error("CheckFailed", str(failed))]
    except BoundaryError as problem:
        return [*advice_of(submission), error("NotGradable", str(problem))]
    except StudentRaised as raised:
        message = f"your code raised {raised.kernel_type}: {raised}"
        return [*advice_of(submission), error(raised.kernel_type, message)]
    except Exception as problem:  # the check met a value it could not use: the answer's shape
        log.warning("hidden test %s: %s: %s", getattr(test, "__name__", "?"), type(problem).__name__, problem)  # fmt: skip
        message = (
            "the grader could not use what your code gave it "
            f"({type(problem).__name__}: {str(problem)[:300]}); check the kind of value asked for"
        )
        return [*advice_of(submission), error("CheckFailed", message)]
    outputs = [*advice_of(submission), new_output("stream", name="stdout", text=PASSED + "\n")]
    if isinstance(points, numbers.Real) and not isinstance(points, (bool, np.bool_)):
        value = max(0.0, float(points)) if math.isfinite(float(points)) else 0.0
        outputs.append(
            new_output("execute_result", data={"text/plain": f"{value:g}"}, execution_count=None)
        )
    return outputs

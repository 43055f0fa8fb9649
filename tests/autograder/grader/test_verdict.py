"""A hidden test's verdict as the outputs of its test cell, which nbgrader then scores."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from autograder.grader import verdict
from autograder.grader.submission import BoundaryError, Submission
from labkit.checks import CheckFailed
from tests.autograder.grader.fake_kernel import FakeKernel, submission

LOG = logging.getLogger("test-verdict")


def outputs(test: Any, nb: Submission | None = None) -> list[dict[str, Any]]:
    return [dict(o) for o in verdict.run(test, nb or submission(FakeKernel({})), LOG)]


def test_a_failed_check_is_an_error_with_its_message() -> None:
    def test(nb: Submission) -> None:
        raise CheckFailed("softmax([1, 2])", "[0.27, 0.73]", "[0.5, 0.5]", "subtract the max")

    [out] = outputs(test)
    assert out["output_type"] == "error" and out["ename"] == "CheckFailed"
    assert "expected: [0.27, 0.73]" in out["evalue"] and "subtract the max" in out["evalue"]


def test_a_student_error_is_named_after_the_kernel_type() -> None:
    class Mine(ZeroDivisionError):
        pass

    def f() -> None:
        raise Mine("zero")

    [out] = outputs(lambda nb: nb.function("f")(), submission(FakeKernel({"f": f})))
    assert out["ename"] == "Mine" and out["evalue"] == "your code raised Mine: zero"


def test_a_boundary_error_is_not_gradable() -> None:
    def test(nb: Submission) -> None:
        raise BoundaryError("the kernel did not answer")

    [out] = outputs(test)
    assert out["ename"] == "NotGradable" and out["evalue"] == "the kernel did not answer"


def test_an_unexpected_error_is_a_short_check_failure() -> None:
    def test(nb: Submission) -> None:
        raise KeyError("missing")

    [out] = outputs(test)
    assert out["ename"] == "CheckFailed" and "KeyError" in out["evalue"]
    assert out["traceback"] == [f"CheckFailed: {out['evalue']}"]
    assert "Traceback" not in out["evalue"]


def test_points_are_partial_credit() -> None:
    passed, result = outputs(lambda nb: 1.5)
    assert passed["text"] == verdict.PASSED + "\n"
    assert result["output_type"] == "execute_result" and result["data"] == {"text/plain": "1.5"}
    for bad in (float("nan"), float("inf"), -3):
        assert outputs(lambda nb, bad=bad: bad)[-1]["data"] == {"text/plain": "0"}
    assert len(outputs(lambda nb: None)) == 1 and len(outputs(lambda nb: True)) == 1


def test_warnings_are_advice_on_stdout() -> None:
    def f() -> int:
        warnings.warn("slow loop", stacklevel=1)
        return 1

    def test(nb: Submission) -> None:
        nb.function("f")()

    advice, passed = outputs(test, submission(FakeKernel({"f": f})))
    assert advice["name"] == "stdout" and "f: UserWarning: slow loop" in advice["text"]
    assert "no points lost" in advice["text"] and passed["text"] == verdict.PASSED + "\n"

    def failing(nb: Submission) -> None:
        nb.function("f")()
        raise CheckFailed("w", "x", "y", "z")

    advice, error = outputs(failing, submission(FakeKernel({"f": f})))
    assert "slow loop" in advice["text"] and error["ename"] == "CheckFailed"

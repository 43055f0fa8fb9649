"""What a hidden test sees through `Submission`, from an honest kernel and from a hostile one."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

from autograder.grader.plain import Unsupported
from autograder.grader.submission import BoundaryError, StudentRaised, raised, reply_of
from labkit.checks import CheckFailed
from labkit.student import student_seed
from tests.autograder.grader.fake_kernel import CraftedKernel, FakeKernel, submission


def test_values_functions_and_calls() -> None:
    def double(x: Any) -> Any:
        return x * 2

    kernel = FakeKernel({"n": 3, "double": double, "data": np.arange(3)})
    nb = submission(kernel)
    assert nb.value("n") == 3 and nb.values("n", "n") == (3, 3)
    assert nb.has("n") and not nb.has("m")
    f = nb.function("double")
    assert f(2) == 4
    np.testing.assert_array_equal(f(nb.name("data")), [0, 2, 4])
    assert [c.value for c in f.map([[1], [2.5]])] == [2, 5.0]
    assert nb.seed("lab1") == student_seed("lab1", "ada")


def test_has_asks_for_one_item_only() -> None:
    kernel = FakeKernel({"big": list(range(10_000))})
    nb = submission(kernel)
    assert nb.has("big")
    assert kernel.requests[-1]["budget"] == 1
    assert nb.value("big")[-1] == 9999 and kernel.requests[-1]["budget"] == nb.budget


def test_a_missing_name_or_function_is_a_check_failure() -> None:
    nb = submission(FakeKernel({}))
    with pytest.raises(CheckFailed, match="define x"):
        nb.value("x")
    with pytest.raises(CheckFailed, match="a function named f"):
        nb.function("f")(1)


def test_an_unreadable_value_is_a_check_failure() -> None:
    nb = submission(FakeKernel({"x": np.zeros(10), "f": lambda: np.zeros(10)}))
    nb.budget = 5
    with pytest.raises(CheckFailed, match="value the grader can read"):
        nb.value("x")
    with pytest.raises(CheckFailed, match="very large results"):
        nb.function("f")()


def test_an_unsupported_value_is_a_placeholder() -> None:
    assert isinstance(submission(FakeKernel({"x": object()})).value("x"), Unsupported)


def test_a_student_error_is_the_builtin_it_derives_from() -> None:
    class Mine(ValueError):
        pass

    def f(x: float) -> float:
        raise Mine("negative")

    nb = submission(FakeKernel({"f": f}))
    with pytest.raises(ValueError, match="negative") as caught:
        nb.function("f")(1)
    assert isinstance(caught.value, StudentRaised) and caught.value.kernel_type == "Mine"


def test_a_unicode_error_from_the_student_does_not_crash_the_grader() -> None:
    def f() -> None:
        b"\xff".decode("utf-8")

    nb = submission(FakeKernel({"f": f}))
    with pytest.raises(StudentRaised) as caught:
        nb.function("f")()
    assert caught.value.kernel_type == "UnicodeDecodeError"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "names", [["ExceptionGroup"], ["UnicodeEncodeError"], ["KeyboardInterrupt"], [], ["x" * 10**5]]
)
def test_raised_is_always_an_exception_with_a_short_name(names: list[str]) -> None:
    error = raised(names, "m")
    assert isinstance(error, StudentRaised) and isinstance(error, Exception)
    assert len(error.kernel_type) <= 100


def test_warnings_become_advice_once() -> None:
    def f() -> int:
        warnings.warn("slow", stacklevel=1)
        return 1

    nb = submission(FakeKernel({"f": f}))
    nb.function("f").map([[], [], []])
    assert nb.advice == ["f: UserWarning: slow"]


def test_return_arguments_shows_what_the_function_left() -> None:
    def f(items: list[int]) -> None:
        items.sort()

    nb = submission(FakeKernel({"f": f}))
    [outcome] = nb.function("f").calls([([[3, 1]], {})], return_arguments=True)
    assert outcome.arguments == [[1, 3]]


# -- a hostile kernel ------------------------------------------------------------------------
def crafted(reply: Any) -> Any:
    return submission(CraftedKernel(lambda payload: reply))


@pytest.mark.parametrize(
    "reply",
    [
        {"results": []},
        {"results": [{"value": 1}, {"value": 2}]},
        {"results": "one"},
        {"results": [5]},
        {"results": [{"value": 1, "warnings": 7}]},
        {"results": [{"raised": 7}]},
        {"results": [{"value": {"$": "ndarray", "dtype": "int64", "shape": [9], "data": []}}]},
        {"results": [{"value": 1, "arguments": {"$": "tuple", "items": []}}]},
        {"failed": "x" * 10**6},
        {},
        [],
    ],
    ids=lambda reply: repr(reply)[:60],
)
def test_a_crafted_call_reply_is_a_boundary_error(reply: Any) -> None:
    with pytest.raises(BoundaryError) as caught:
        crafted(reply).function("f")(1)
    assert len(str(caught.value)) < 1000


@pytest.mark.parametrize(
    "reply",
    [
        {"values": None},
        {"values": {"x": {"$": "RangeIndex", "start": 0, "stop": 10**12, "step": 1}}},
        {"values": {"x": {"$": "Timestamp", "iso": "yesterday-ish"}}},
        {"values": {"x": {"$": "eval"}}},
        {"values": {"x": {1: 2}}},
    ],
    ids=lambda reply: repr(reply)[:60],
)
def test_a_crafted_values_reply_is_a_boundary_error(reply: Any) -> None:
    with pytest.raises(BoundaryError):
        crafted(reply).value("x")


def test_crafted_python_objects_never_reach_the_test() -> None:
    class Evil(float):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = float.__hash__

    for value in (Evil(1.0), [Evil(1.0)], {"a": Evil(1.0)}, np.float64(1.0)):
        with pytest.raises(BoundaryError, match="not plain data"):
            crafted({"values": {"x": value}}).value("x")
        with pytest.raises(BoundaryError, match="not plain data"):
            crafted({"results": [{"value": value}]}).function("f")()


def test_a_crafted_error_name_is_cut_short() -> None:
    nb = crafted({"results": [{"raised": ["E" * 10**5, "ValueError"], "message": "m" * 10**5}]})
    with pytest.raises(ValueError) as caught:
        nb.function("f")()
    assert len(caught.value.kernel_type) == 100 and len(str(caught.value)) == 500  # type: ignore[attr-defined]


def test_reply_of_refuses_what_is_not_a_json_record() -> None:
    assert reply_of('{"a": NaN}')["a"] != reply_of('{"a": NaN}')["a"]
    assert math.isinf(reply_of('{"a": Infinity}')["a"])
    for text in ("", "[]", "nul", "[" * 100_000):
        with pytest.raises(BoundaryError):
            reply_of(text)

"""The kernel's half: what `answer` sends for a notebook's values and calls, and the text that
`boundary_code` runs in a kernel (here exec'd in-process, with IPython's display captured)."""

from __future__ import annotations

import json
import re
import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_output

from autograder.execution import KernelLink, boundary_code
from autograder.grader import kernel_side
from autograder.grader.submission import BoundaryError


def values(namespace: dict[str, Any], *names: str, budget: int = 1000) -> dict[str, Any]:
    reply = kernel_side.answer({"op": "values", "names": list(names), "budget": budget}, namespace)
    found: dict[str, Any] = reply["values"]
    return found


def call(function: Any, *args: Any, **extra: Any) -> dict[str, Any]:
    request = {"op": "call", "name": "f", "calls": [{"args": list(args), "kwargs": {}}], **extra}
    result: dict[str, Any] = kernel_side.answer(request, {"f": function})["results"][0]
    return result


def test_a_missing_name_is_said_so() -> None:
    assert values({}, "x") == {"x": {"$": "missing"}}
    assert kernel_side.answer({"op": "call", "name": "f", "calls": []}, {}) == {"missing": True}


def test_subclasses_travel_as_their_plain_value() -> None:
    class Lying(float):
        def __float__(self) -> float:
            return 0.0

        def __repr__(self) -> str:
            return "0.0"

    class Shouting(str):
        def __str__(self) -> str:
            return "LOUD"

    found = values({"a": Lying(2.5), "b": Shouting("quiet"), "c": True}, "a", "b", "c")
    assert found == {"a": 2.5, "b": "quiet", "c": True}
    assert type(found["a"]) is float and type(found["b"]) is str


def test_an_object_that_lies_about_its_class_is_unsupported() -> None:
    class Liar:
        @property  # type: ignore[misc]
        def __class__(self) -> type:
            return np.float64

        def __eq__(self, other: object) -> bool:
            return True

    class MyFrame(pd.DataFrame):
        pass

    found = values({"a": Liar(), "b": MyFrame({"a": [1]}), "c": np.zeros(1).view(type("A", (np.ndarray,), {}))}, "a", "b", "c")  # fmt: skip
    assert all(v["$"] == "unsupported" for v in found.values()), found


def test_a_value_whose_conversion_raises_is_unreadable() -> None:
    class Bad:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    found = values({"s": {Bad(), Bad()}}, "s")
    assert found["s"] == {"$": "unreadable", "error": "RuntimeError: no"}


def test_the_budget_counts_items_of_every_kind() -> None:
    big = {
        "numbers": np.zeros(2000),
        "times": np.zeros(2000, dtype="timedelta64[s]"),
        "range": pd.RangeIndex(10**12),
        "list": list(range(2000)),
    }
    found = values(big, *big, budget=1000)
    assert all(v == {"$": "too-large"} for v in found.values()), found


def test_a_self_containing_list_ends() -> None:
    loop: list[Any] = []
    loop.append(loop)
    found = values({"x": loop}, "x", budget=10**6)
    text = json.dumps(found)
    assert "nested more than 40 levels" in text


def test_a_call_reports_its_value_warnings_and_output_apart() -> None:
    def f(x: float) -> float:
        print("noise")
        warnings.warn("careful", stacklevel=1)
        return x * 2

    assert call(f, 2.0) == {"value": 4.0, "warnings": ["UserWarning: careful"]}


def test_a_call_that_raises_reports_the_class_hierarchy_and_its_warnings() -> None:
    class Mine(KeyError):
        pass

    def f() -> None:
        warnings.warn("before", stacklevel=1)
        raise Mine("gone")

    result = call(f)
    assert result["raised"][:3] == ["Mine", "KeyError", "LookupError"]
    assert result["message"] == "'gone'" and result["warnings"] == ["UserWarning: before"]


def test_a_call_can_return_its_arguments_as_left() -> None:
    def f(items: list[int]) -> None:
        items.append(9)

    assert call(f, [1], return_arguments=True)["arguments"] == [[1, 9]]


def test_arguments_are_rebuilt_in_the_kernel() -> None:
    seen: list[Any] = []
    request = {
        "op": "call",
        "name": "f",
        "calls": [
            {
                "args": [
                    {"$": "ndarray", "dtype": "float32", "shape": [2], "data": [1, 2]},
                    {"$": "tuple", "items": [1]},
                    {"$": "name", "name": "data"},
                    {"$": "Timestamp", "iso": "2020-01-01"},
                ],
                "kwargs": {"frame": {"$": "DataFrame", "columns": ["a"], "data": [[1, 2]]}},
            }
        ],
    }
    kernel_side.answer(request, {"f": lambda *a, **k: seen.extend([*a, k]), "data": [5]})
    array, pair, data, moment, kwargs = seen
    assert array.dtype == np.float32 and pair == (1,) and data == [5]
    assert moment == pd.Timestamp("2020-01-01") and kwargs["frame"]["a"].tolist() == [1, 2]


def test_an_unknown_request_fails() -> None:
    with pytest.raises(ValueError, match="unknown request"):
        kernel_side.answer({"op": "exec"}, {})


# -- the text run in the kernel ---------------------------------------------------------------
class Displays:
    """IPython's display, captured as the executor would see the kernel's display_data."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import IPython.display

        self.shown: list[dict[str, Any]] = []
        monkeypatch.setattr(IPython.display, "display", lambda data, raw: self.shown.append(data))


def test_boundary_code_serves_a_request_and_leaves_no_name(monkeypatch: pytest.MonkeyPatch) -> None:
    displays = Displays(monkeypatch)
    namespace: dict[str, Any] = {"x": [1, 2]}
    exec(boundary_code(json.dumps({"op": "values", "names": ["x"]}), "abc"), namespace)
    assert set(namespace) == {"x", "__builtins__"}
    reply = json.loads(displays.shown[0][kernel_side.MIME])
    assert reply == {"values": {"x": [1, 2]}, "nonce": "abc"}


def test_a_failing_request_is_answered_as_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    displays = Displays(monkeypatch)
    exec(boundary_code("{not json", "n"), {})
    reply = json.loads(displays.shown[0][kernel_side.MIME])
    assert reply["nonce"] == "n" and reply["failed"].startswith("JSONDecodeError")


class StubExecutor:
    """What KernelLink needs of GuardedExecute; its 'kernel' runs the cell here, or lies."""

    error_on_timeout: ClassVar[dict[str, str]] = {"ename": "CellTimeoutError"}

    def __init__(self, namespace: dict[str, Any], tamper: Any = None) -> None:
        self._stopped: str | None = None
        self._transfer: list[NotebookNode] | None = None
        self.namespace, self.tamper = namespace, tamper

    def _execute(self, cell: NotebookNode, index: int, *, store_history: bool) -> None:
        nonce = re.search(r", '([0-9a-f]{16})', globals\(\)", cell.source)
        assert nonce is not None and self._transfer is not None
        shown: list[dict[str, Any]] = []
        import IPython.display

        saved = IPython.display.display

        def show(data: dict[str, Any], raw: bool) -> None:
            shown.append(data)

        IPython.display.display = show  # type: ignore[assignment]
        try:
            exec(cell.source, self.namespace)
        finally:
            IPython.display.display = saved
        for data in shown:
            text = data[kernel_side.MIME]
            if self.tamper is not None:
                text = self.tamper(text, nonce.group(1))
            self._transfer.append(new_output("display_data", data={kernel_side.MIME: text}))


def link(namespace: dict[str, Any], tamper: Any = None) -> KernelLink:
    return KernelLink(StubExecutor(namespace, tamper), 0)  # type: ignore[arg-type]


def test_kernel_link_round_trip() -> None:
    reply = link({"x": 3}).request({"op": "values", "names": ["x"]})
    assert reply["values"] == {"x": 3}


def test_kernel_link_refuses_an_answer_without_its_nonce() -> None:
    def drop_nonce(text: str, nonce: str) -> str:
        reply = json.loads(text)
        del reply["nonce"]
        return json.dumps(reply)

    with pytest.raises(BoundaryError, match="did not answer"):
        link({"x": 3}, drop_nonce).request({"op": "values", "names": ["x"]})


@pytest.mark.parametrize(
    "text",
    ["not json", "[1, 2]", "[" * 100_000 + "]" * 100_000, '"text"'],
    ids=["text", "list", "deep", "string"],
)
def test_kernel_link_refuses_an_answer_that_is_not_a_record(text: str) -> None:
    with pytest.raises(BoundaryError, match=r"not JSON|not a record"):
        link({}, lambda _t, _n: text).request({"op": "values", "names": []})


def test_dict_and_list_subclasses_travel_as_their_stored_items() -> None:
    """An honest OrderedDict, defaultdict or Counter is a dictionary to the grader; a subclass
    that overrides items() or __iter__ is read through dict's and list's own methods."""
    from collections import Counter, OrderedDict, defaultdict

    class Sneaky(dict):  # type: ignore[type-arg]
        def items(self):
            return [("total", 999)]

    class Padded(list):  # type: ignore[type-arg]
        def __iter__(self):
            return iter([1, 2, 3])

    counts = defaultdict(int, {"a": 2})
    found = values(
        {"o": OrderedDict(b=1, a=2), "d": counts, "c": Counter("aab"), "s": Sneaky(total=3),
         "p": Padded([7])},
        "o", "d", "c", "s", "p",
    )  # fmt: skip
    assert found == {"o": {"b": 1, "a": 2}, "d": {"a": 2}, "c": {"a": 2, "b": 1},
                     "s": {"total": 3}, "p": [7]}  # fmt: skip

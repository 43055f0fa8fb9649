"""A kernel in the test's own process that does what the real boundary does: only JSON crosses.

The request is JSON text, `kernel_side.answer` serves it against a namespace dict, and the reply
is JSON text again (NaN allowed, as the real `serve` writes it), parsed on the grader's side.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from autograder.grader import kernel_side
from autograder.grader.source import SubmittedSource
from autograder.grader.submission import Submission


class FakeKernel:
    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.requests: list[dict[str, Any]] = []

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(payload)
        self.requests.append(json.loads(text))
        reply = kernel_side.answer(json.loads(text), self.namespace)
        answer: dict[str, Any] = json.loads(json.dumps(reply, allow_nan=True))
        return answer


class CraftedKernel:
    """A hostile kernel: its reply is whatever `reply` makes of the request, never JSON-checked."""

    def __init__(self, reply: Callable[[dict[str, Any]], Any]) -> None:
        self.reply = reply

    def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.reply(payload)
        return answer


def submission(kernel: Any, cells: list[str] | None = None) -> Submission:
    return Submission(
        lab="lab0", student="ada", kernel=kernel, source=SubmittedSource.of_cells(cells or [])
    )


def round_trip(value: Any) -> Any:
    """`value` as a hidden test receives it from a notebook that defines it as `x`."""
    return submission(FakeKernel({"x": value})).value("x")

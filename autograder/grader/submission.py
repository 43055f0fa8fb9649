"""What a hidden test sees of a submission: plain values, remote calls, the source, the record.

A hidden test is a function of the grader's (labs/hidden/<lab>.py) that takes a `Submission`:

    @hidden_test("q1-softmax-test")
    def softmax_test(nb: Submission) -> None:
        softmax = nb.function("softmax")
        check_all_close(softmax([1.0, 2.0, 3.0]), [...], "softmax([1.0, 2.0, 3.0])", hint=...)
        nb.source.require_own("softmax", not_from=["labkit.sim.sampling"])

It raises (a failed check) or returns None (all points) or a number (those points). Every value
it gets was rebuilt here from plain data (autograder.grader.plain): a student's object never
reaches the grader's process, so a comparison or a conversion runs only the grader's code. Who
the submission belongs to, and so every per-student seed, comes from the grader's own record
(nbgrader's), never from the notebook.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from autograder.grader.plain import Missing, Name, NotPlain, Unreadable, from_wire, to_wire
from autograder.grader.source import SubmittedSource
from labkit.checks import CheckFailed
from labkit.student import student_seed

DEFAULT_BUDGET = 2_000_000  # items (numbers, strings) one request may bring back


class BoundaryError(Exception):
    """The kernel did not answer a request with plain data: the test fails with this message."""


class Kernel(Protocol):
    """Something that answers the grader's requests in the student's kernel (one JSON round trip)."""

    def request(self, payload: dict[str, Any]) -> dict[str, Any]: ...


class StudentRaised(Exception):
    """Raised in the grader when the student's function raised in the kernel.

    It is also an instance of the built-in exception the student's error derives from (found by
    name in its class hierarchy), so `check_raises(lambda: f(0), ValueError, ...)` works.
    """

    kernel_type: str = "Exception"


_RAISED: dict[str, type[StudentRaised]] = {}


def raised(names: Sequence[str], message: str) -> StudentRaised:
    for name in [*names, "Exception"]:
        builtin = getattr(builtins, name, None)
        if not (isinstance(builtin, type) and issubclass(builtin, Exception)):
            continue
        key = builtin.__name__
        if key not in _RAISED:
            bases = (StudentRaised,) if builtin is Exception else (StudentRaised, builtin)
            _RAISED[key] = type(key, bases, {"kernel_type": key})
        try:
            error = _RAISED[key](message)
        except TypeError:  # UnicodeDecodeError, ExceptionGroup: not made from a message alone
            continue
        error.kernel_type = str(names[0])[:100] if names else key
        return error
    raise AssertionError("unreachable: Exception takes a message")


@dataclass
class Call:
    """The outcome of one call of a student's function: its value, or what it raised."""

    value: Any = None
    error: StudentRaised | None = None
    warnings: list[str] = field(default_factory=list)
    # The positional arguments as the function left them (with return_arguments=True): a
    # function must not change its input, say.
    arguments: list[Any] | None = None

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


class Remote:
    """A student's function, called in their kernel with plain arguments."""

    def __init__(self, submission: Submission, name: str) -> None:
        self.submission, self.name = submission, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.calls([(args, kwargs)])[0].result()

    def calls(
        self,
        calls: Iterable[tuple[Sequence[Any], dict[str, Any]]],
        *,
        return_arguments: bool = False,
    ) -> list[Call]:
        """Many calls in one round trip (a loop of a hundred calls costs one request)."""
        wire = [{"args": to_wire(list(a)), "kwargs": to_wire(dict(k))} for a, k in calls]
        request: dict[str, Any] = {"op": "call", "name": self.name, "calls": wire}
        if return_arguments:
            request["return_arguments"] = True
        reply = self.submission.ask(request)
        if reply.get("missing"):
            raise self.submission.missing(self.name, "a function")
        results = reply.get("results")
        if not isinstance(results, list) or len(results) != len(wire):
            raise BoundaryError("the kernel's answer did not have one result per call")
        outcomes = [self._outcome(r) for r in results]
        for outcome in outcomes:
            self.submission.note_warnings(self.name, outcome.warnings)
        return outcomes

    def map(
        self, argument_lists: Iterable[Sequence[Any]], *, return_arguments: bool = False
    ) -> list[Call]:
        return self.calls(((args, {}) for args in argument_lists), return_arguments=return_arguments)  # fmt: skip

    def _outcome(self, result: Any) -> Call:
        if not isinstance(result, dict):
            raise BoundaryError("a call result that is not a record")
        warnings, names = result.get("warnings", []), result.get("raised", [])
        if not isinstance(warnings, list) or not isinstance(names, list):
            raise BoundaryError("a call result whose warnings or error are not lists")
        warnings = [str(w)[:300] for w in warnings[:20]]
        if "raised" in result:
            names = [str(n)[:100] for n in names[:30]]
            return Call(error=raised(names, str(result.get("message", ""))[:500]), warnings=warnings)  # fmt: skip
        try:
            value = from_wire(result.get("value"))
            arguments = result.get("arguments")
            after = None if arguments is None else from_wire(arguments)
        except NotPlain as error:
            raise BoundaryError(f"{self.name} returned {error}, not plain data") from error
        if after is not None and not isinstance(after, list):
            raise BoundaryError(f"{self.name}: the arguments came back as {type(after).__name__}")
        if isinstance(value, Unreadable):
            raise CheckFailed(
                f"what {self.name} returned",
                "a value the grader can read (numbers, text, lists, arrays, tables)",
                value.why,
                "return plain values; very large results cannot be graded",
            )
        return Call(value=value, warnings=warnings, arguments=after)


@dataclass
class Submission:
    """One student's notebook as a hidden test sees it, at the position of its test cell."""

    lab: str
    student: str
    kernel: Kernel
    source: SubmittedSource
    # The lab's folder in the course's source/ (the grader's copy: data files the answers are
    # computed from, such as the incident scenario this term's release carries).
    lab_folder: Path | None = None
    advice: list[str] = field(default_factory=list)
    budget: int = DEFAULT_BUDGET

    def seed(self, experiment: str) -> int:
        """The student's seed for `experiment`, from the grader's record of whose work this is."""
        return student_seed(experiment, self.student)

    def ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        reply = self.kernel.request({"budget": self.budget, **payload})  # has() asks for 1
        if not isinstance(reply, dict):
            raise BoundaryError("the kernel's answer is not a record")
        if "failed" in reply:
            failed = str(reply["failed"])[:500]
            raise BoundaryError(f"the notebook's kernel could not answer: {failed}")
        return reply

    def values(self, *names: str) -> tuple[Any, ...]:
        reply = self.ask({"op": "values", "names": list(names)})
        found = reply.get("values")
        if not isinstance(found, dict):
            raise BoundaryError("the kernel's answer had no values")
        out = []
        for name in names:
            try:
                value = from_wire(found.get(name, {"$": "missing"}))
            except NotPlain as error:
                raise BoundaryError(f"`{name}` came back as {error}, not plain data") from error
            if isinstance(value, Missing):
                raise self.missing(name, "a value")
            if isinstance(value, Unreadable):
                raise CheckFailed(
                    f"`{name}`",
                    "a value the grader can read (numbers, text, lists, arrays, tables)",
                    value.why,
                    "keep the kind of value the instructions ask for",
                )
            out.append(value)
        return tuple(out)

    def value(self, name: str) -> Any:
        return self.values(name)[0]

    def has(self, name: str) -> bool:
        reply = self.ask({"op": "values", "names": [name], "budget": 1})
        found = reply.get("values") or {}
        return isinstance(found, dict) and found.get(name, {}) != {"$": "missing"}

    def function(self, name: str) -> Remote:
        return Remote(self, name)

    def name(self, name: str) -> Name:
        """An argument that is the notebook's own value `name` (it stays in the kernel)."""
        return Name(name)

    def missing(self, name: str, kind: str) -> CheckFailed:
        return CheckFailed(
            f"`{name}`",
            f"{kind} named {name} in your notebook",
            "not defined when this test cell ran",
            f"define {name} in the answer cell above (keep the name the instructions use) and "
            "run the notebook from the top",
        )

    def note_warnings(self, where: str, warnings: list[str]) -> None:
        for warning in warnings:
            line = f"{where}: {warning}"
            if line not in self.advice and len(self.advice) < 10:
                self.advice.append(line)


@dataclass(frozen=True)
class HiddenTest:
    grade_id: str
    run: Callable[[Submission], float | None]


def hidden_test(grade_id: str) -> Callable[[Callable[[Submission], Any]], Callable[[Submission], Any]]:  # fmt: skip
    """Mark a function of labs/hidden/<lab>.py as the grader of test cell `grade_id`."""

    def mark(function: Callable[[Submission], Any]) -> Callable[[Submission], Any]:
        function.__grade_id__ = grade_id  # type: ignore[attr-defined]
        return function

    return mark


def reply_of(text: str) -> dict[str, Any]:
    try:
        reply = json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: nested beyond any data
        raise BoundaryError("the kernel's answer is not JSON") from error
    if not isinstance(reply, dict):
        raise BoundaryError("the kernel's answer is not a record")
    return reply

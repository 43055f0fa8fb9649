"""Self-check helpers for the labs: a failed check teaches instead of saying `AssertionError`.

Each helper raises `CheckFailed` (an AssertionError, so nbgrader scores the cell as failed) with
three parts: what was expected, what was found, and a hint. The helpers print nothing and write
nothing to stderr on success, because nbgrader gives zero to a test cell with any stderr output.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class CheckFailed(AssertionError):
    def __init__(self, what: str, expected: str, found: str, hint: str) -> None:
        self.what, self.expected, self.found, self.hint = what, expected, found, hint
        super().__init__(f"{what}\n  expected: {expected}\n  found:    {found}\n  hint:     {hint}")


def _show(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check(condition: bool, what: str, *, expected: str, found: Any, hint: str) -> None:
    """The general form: fail with the three parts when `condition` is false."""
    if not condition:
        raise CheckFailed(what, expected, _show(found), hint)


def check_no_problems(problems: Sequence[str], what: str, *, expected: str, hint: str) -> None:
    """Fail when a checker found problems, showing the first four (and how many more)."""
    shown = "; ".join(problems[:4]) + (
        f" (and {len(problems) - 4} more)" if len(problems) > 4 else ""
    )
    check(not problems, what, expected=expected, found=shown, hint=hint)


def check_type(value: Any, kinds: type | tuple[type, ...], what: str, hint: str) -> None:
    names = kinds.__name__ if isinstance(kinds, type) else " or ".join(k.__name__ for k in kinds)
    check(
        isinstance(value, kinds),
        what,
        expected=f"a value of type {names}",
        found=f"{type(value).__name__}: {_show(value, 80)}",
        hint=hint,
    )


def check_close(
    found: Any, expected: float, what: str, *, tol: float = 1e-6, rel: float = 0.0, hint: str
) -> None:
    """A number within `tol` (absolute) or `rel` (relative) of the expected value."""
    try:
        number = float(found)
    except (TypeError, ValueError):
        check(False, what, expected=f"a number close to {expected:.6g}", found=found, hint=hint)
        return
    ok = math.isfinite(number) and math.isclose(number, expected, abs_tol=tol, rel_tol=rel)
    margin = f"within {tol:g}" if not rel else f"within {rel:.0%}"
    check(ok, what, expected=f"{expected:.6g} ({margin})", found=number, hint=hint)


def check_all_close(
    found: Iterable[Any], expected: Iterable[float], what: str, *, tol: float = 1e-6, hint: str
) -> None:
    got, want = list(found), list(expected)
    check(
        len(got) == len(want),
        what,
        expected=f"{len(want)} values",
        found=f"{len(got)} values",
        hint=hint,
    )
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        check_close(g, w, f"{what} (item {i})", tol=tol, hint=hint)


def check_raises(call: Callable[[], Any], error: type[BaseException], what: str, hint: str) -> None:
    try:
        call()
    except error:
        return
    except Exception as other:  # the wrong exception is a finding, not a crash of the check
        check(
            False,
            what,
            expected=f"{error.__name__} raised",
            found=f"{type(other).__name__}: {other}",
            hint=hint,
        )
        return
    check(False, what, expected=f"{error.__name__} raised", found="no exception", hint=hint)

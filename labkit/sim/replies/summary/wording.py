"""Lists, counts and fallbacks as a summary phrases them: "a, b and c", "three lines", "none stated".

Every fill must read correctly in a sentence whatever was pasted, so an empty list becomes a
fallback (NONE_STATED, NO_NAMES) and a long one is counted rather than listed in full.
"""

from __future__ import annotations

from collections.abc import Sequence

NONE_STATED = "none stated"
NO_NAMES = "none named in the text"
MAX_LISTED = 5  # actions, dates and people beyond this are counted, not listed


def _join_spans(spans: Sequence[str]) -> str:
    """ "`a`, `b` and `c`": the commas inside code spans do not call for semicolons."""
    return spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]


def _join(items: Sequence[str], separator: str) -> str:
    """ "a", "a and b", "a, b and c"; with "; " between items that hold commas themselves."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return items[0] if items else ""
    if separator == "; " or any("," in i for i in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return separator.join(items[:-1]) + " and " + items[-1]


_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count(number: int, noun: str) -> str:
    spelled = _NUMBERS[number] if number < len(_NUMBERS) else str(number)
    return f"{spelled} {_plural(number, noun)}"


def _plural(number: int, noun: str) -> str:
    return noun if number == 1 else noun + "s"


def _listed(items: Sequence[str], fallback: str) -> str:
    if not items:
        return fallback
    shown = list(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        return "; ".join(shown) + f"; and {len(items) - MAX_LISTED} more"
    return "; ".join(shown)

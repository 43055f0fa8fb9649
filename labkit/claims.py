"""Claims a post-mortem makes that the evidence can confirm: its dates, its numbers, and its
timeline's sources.

A report that says "the fix was complete on 4 Sep" when the change log says 18 Sep, or "12% of
users" when the impact record says 8%, is wrong in a way a reader acts on. The checks, used by
lab 4's self-checks and its grader:

    date_claims(markdown, year=2025)              # every date the prose states, parsed
    unsupported_dates(markdown, evidence, year)   # those on no day of the evidence
    number_claims(markdown)                       # every other number the prose states
    unsupported_numbers(markdown, evidence)       # those no evidence value rounds to
    timeline_source_problems(timeline, records)   # rows whose source does not show that time

Evidence is a set of days: the timeline's own rows, the change log, the chat, the data's first
and last day, the review date and the action items' due dates. A date that is on none of them is
either a mistake or a fact the timeline is missing; the message says which to look for. Evidence
for a number is a set of values (the impact record, numbers the change log and the chat state,
durations between moments of the evidence): a number the prose states must be one of them as
written, that is rounded to the digits it shows. Nothing here knows the answer to an incident.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from labkit.checks import check_no_problems, check_type

__all__ = [
    "SOURCE_TABLES",
    "DatedClaim",
    "NumberClaim",
    "NumberEvidence",
    "check_dates",
    "check_numbers",
    "check_timeline_sources",
    "date_claims",
    "evidence_days",
    "evidence_numbers",
    "number_claims",
    "timeline_source_problems",
    "unsupported_dates",
    "unsupported_numbers",
]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<{name}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ISO = re.compile(r"(?<![\w.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_DAY_MONTH = re.compile(
    r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MONTH.format(name="m") + r"(?:,?\s+(?P<y>\d{4}))?\b"
)
_MONTH_DAY = re.compile(
    r"\b" + _MONTH.format(name="m") + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{4}))?"
)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# What a timeline row's `source` may name, and the table (of `records`) that must show its time.
SOURCE_TABLES: dict[str, tuple[str, ...]] = {
    "changes": ("change log", "changelog", "change-log", "changes", "deploy log"),
    "oncall": ("on-call chat", "oncall", "on-call", "chat", "slack", "channel"),
    "feedback": ("feedback", "user report", "bug report", "thumbs"),
    "evals": ("eval",),
    "requests": ("request log", "requests", "request", "telemetry", "traffic", "logs"),
}


@dataclass(frozen=True)
class DatedClaim:
    """A date as the prose writes it, where, and the day it names."""

    text: str
    day: date
    position: int


def _month(text: str) -> int:
    return _MONTHS[text[:3].lower()]


def date_claims(markdown: str, *, year: int) -> list[DatedClaim]:
    """Every date the prose states (ISO, `4 Sep`, `4 September 2025`, `Sep 4`), outside code.

    A date without a year takes `year` (the incident's). Impossible dates (31 Sep) are skipped:
    they are typos the reader will not act on as a day, and flagging them as "not in the
    evidence" would point at the wrong fix.
    """
    text = _COMMENT.sub(lambda m: " " * len(m.group()), markdown)
    text = _CODE.sub(lambda m: " " * len(m.group()), text)
    found: dict[int, DatedClaim] = {}
    for pattern in (_ISO, _DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            if any(start <= match.start() < start + len(c.text) for start, c in found.items()):
                continue
            parts = match.groupdict()
            month = int(parts["m"]) if pattern is _ISO else _month(parts["m"])
            try:
                day = date(int(parts["y"] or year), month, int(parts["d"]))
            except ValueError:
                continue
            found[match.start()] = DatedClaim(match.group().strip(), day, match.start())
    return [found[start] for start in sorted(found)]


def evidence_days(*sources: Any) -> set[date]:
    """The days of any mix of timestamps, dates, Series or iterables of them (NaT skipped)."""
    days: set[date] = set()
    for source in sources:
        values: Iterable[Any]
        if isinstance(source, pd.Series | pd.Index | list | tuple | set | frozenset):
            values = source
        else:
            values = [source]
        for value in values:
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            stamp = pd.Timestamp(value)
            days.add((stamp.tz_convert("UTC") if stamp.tzinfo else stamp).date())
    return days


def unsupported_dates(markdown: str, evidence: Iterable[date], *, year: int) -> list[DatedClaim]:
    known = set(evidence)
    return [claim for claim in date_claims(markdown, year=year) if claim.day not in known]


def check_dates(
    markdown: Any, evidence: Iterable[date], *, year: int, what: str = "report_prose"
) -> None:
    check_type(markdown, str, what, "a str of Markdown (a triple-quoted string)")
    check_no_problems(
        [
            f"{c.text!r} ({c.day:%Y-%m-%d})"
            for c in unsupported_dates(markdown, evidence, year=year)
        ],
        f"the dates {what} states",
        expected="every date on a day the evidence shows (your timeline, the change log, the "
        "chat, the data's window, the review, the due dates)",
        hint="correct the date, or add the event it dates to your timeline with its source",
    )


# -- numbers ------------------------------------------------------------------------------------
# A number standing alone: not part of an identifier (sim-sonnet-4-6, P0, fp32, 200k, v2), a
# version (2.1.101), a time of day (14:05) or a range written with a hyphen inside a word.
_NUMBER = re.compile(
    r"(?<![\w.:/#@$-])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?"
    r"(?P<percent>\s?%|\s?per\s?cent\b|\s?percent\b)?(?![\w:/]|\.\d|-\w)"
)
# The unit of a duration, right after its number ("45 days", "3.5 hours", "90 min").
_UNIT = re.compile(r"[ \t]*(?:(?P<day>days?)|(?P<hour>hours?|hrs?|h)|(?P<minute>minutes?|mins?))\b")
_UNIT_SECONDS = {"day": 86_400.0, "hour": 3_600.0, "minute": 60.0}
_LIST_NUMBER = re.compile(r"^[ \t]*\d+[.)][ \t]", re.M)
_TIME_OF_DAY = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
# Numbers a report may always state: counts of a few things ("three fixes", "5 actions"), whole
# and no share, and years.
SMALL_COUNT = 12
_YEARS = range(1990, 2101)


@dataclass(frozen=True)
class NumberClaim:
    """A number as the prose writes it, its value, how precisely it is written, and its unit:
    "%" for a share, "day", "hour" or "minute" for a duration, "" for anything else."""

    text: str
    value: float
    unit: str
    decimals: int
    position: int


@dataclass(frozen=True)
class NumberEvidence:
    """What a report's numbers may be: values (counts, shares as fractions, numbers the evidence
    states) and durations between moments of the evidence, in seconds."""

    values: frozenset[float]
    durations: frozenset[float]


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _value_of(match: re.Match[str]) -> float:
    return float(match.group("number").replace(",", "") + (match.group("decimals") or ""))


def number_claims(markdown: str, *, year: int | None = None) -> list[NumberClaim]:
    """Every number the prose states outside code, dates, times of day, list numbers and
    identifiers; small counts (up to SMALL_COUNT, whole, not a share) and years are left out."""
    text = _blank(_blank(markdown, _COMMENT), _CODE)
    for claim in date_claims(text, year=year or 2000):
        end = claim.position + len(claim.text)
        text = text[: claim.position] + " " * len(claim.text) + text[end:]
    text = _blank(_blank(text, _TIME_OF_DAY), _LIST_NUMBER)
    claims = []
    for match in _NUMBER.finditer(text):
        decimals = match.group("decimals") or ""
        value = _value_of(match)
        unit_match = _UNIT.match(text, match.end())
        unit = "%" if match.group("percent") else ""
        if not unit and unit_match:
            unit = next(name for name, found in unit_match.groupdict().items() if found)
        if not decimals and not unit and (value <= SMALL_COUNT or int(value) in _YEARS):
            continue
        claims.append(
            NumberClaim(
                match.group().strip(), value, unit, max(0, len(decimals) - 1), match.start()
            )
        )
    return claims


def evidence_numbers(*sources: Any, moments: Iterable[Any] = ()) -> NumberEvidence:
    """The numbers a report may state: those of any mix of numbers, mappings of them (an impact
    record) and texts (the numbers a change log or a chat states; "82.1%" is the share 0.821),
    and the durations between any two of `moments`."""
    values: set[float] = set()
    for source in sources:
        items: Iterable[Any]
        if isinstance(source, Mapping):
            items = source.values()
        elif isinstance(source, pd.Series | pd.Index | list | tuple | set | frozenset):
            items = source
        else:
            items = [source]
        for item in items:
            if isinstance(item, bool) or item is None:
                continue
            if isinstance(item, str):
                for match in _NUMBER.finditer(item):
                    values.add(
                        _value_of(match) / 100 if match.group("percent") else _value_of(match)
                    )
            elif isinstance(item, int | float) and math.isfinite(float(item)):
                values.add(float(item))
    stamps = sorted({pd.Timestamp(m) for m in moments if _is_moment(m)})
    durations = {(b - a).total_seconds() for a, b in itertools.combinations(stamps, 2)}
    return NumberEvidence(frozenset(values), frozenset(durations))


def _is_moment(value: Any) -> bool:
    if value is None or isinstance(value, str) or pd.isna(value):
        return False
    return pd.Timestamp(value).tzinfo is not None


def _written_as(claim: NumberClaim, value: float) -> bool:
    """Whether `value` is what the claim shows: rounded, or cut, to the claim's digits; whole
    numbers of 100 and more may be rounded to their significant figures ("about 1,600" for
    1,617)."""
    unit = 10.0**-claim.decimals
    if claim.value - unit / 2 - 1e-9 <= value < claim.value + unit - 1e-9:
        return True
    digits = str(int(claim.value))
    zeros = len(digits) - len(digits.rstrip("0"))
    if claim.decimals == 0 and claim.value >= 100 and zeros:
        return abs(value - claim.value) <= 10.0**zeros / 2 + 1e-9
    return False


def _supported(claim: NumberClaim, evidence: NumberEvidence) -> bool:
    if claim.unit == "%":  # a share: a value as a fraction, written in per cent
        return claim.value in (0.0, 100.0) or any(
            _written_as(claim, v * 100) for v in evidence.values
        )
    if claim.unit in _UNIT_SECONDS:  # a duration: a value in that unit, or a pair of moments
        seconds = _UNIT_SECONDS[claim.unit]
        return any(_written_as(claim, v) for v in evidence.values) or any(
            _written_as(claim, d / seconds) for d in evidence.durations
        )
    return any(_written_as(claim, v) for v in evidence.values)


def unsupported_numbers(
    markdown: str, evidence: NumberEvidence, *, year: int | None = None
) -> list[NumberClaim]:
    return [c for c in number_claims(markdown, year=year) if not _supported(c, evidence)]


def check_numbers(
    markdown: Any, evidence: NumberEvidence, *, year: int | None = None, what: str = "report_prose"
) -> None:
    check_type(markdown, str, what, "a str of Markdown (a triple-quoted string)")
    check_no_problems(
        [repr(c.text) for c in unsupported_numbers(markdown, evidence, year=year)],
        f"the numbers {what} states",
        expected="every number one the evidence shows as written: a value of your impact record, "
        "a number the change log or the chat states, or a duration between moments of the evidence",
        hint="quote numbers from your variables (f-strings), and put every number you compute "
        "into impact (an entry of your own says what it counts); an identifier or a status code "
        "that is no claim goes in `code`",
    )


def _table_of(source: Any) -> str | None:
    text = str(source).strip().lower()
    for table, words in SOURCE_TABLES.items():
        if any(word in text for word in words):
            return table
    return None


def timeline_source_problems(
    timeline: Any, records: Mapping[str, pd.DataFrame], *, what: str = "timeline"
) -> list[str]:
    """Rows whose `source` names no table, or names a table that shows nothing at that time.

    A row citing the change log, the chat or the feedback must be at the minute of one of that
    table's rows; one citing the evals on the day of a run; one citing the request log inside the
    data's window (a measured moment such as a worst hour need not be a row's exact time).
    """
    if not isinstance(timeline, pd.DataFrame) or not {"time", "source"} <= set(timeline.columns):
        return [f"{what}: a DataFrame with the columns time and source"]
    minutes: dict[str, set[pd.Timestamp]] = {}
    for name in ("changes", "oncall", "feedback"):
        if name in records:
            minutes[name] = set(pd.DatetimeIndex(records[name]["time"]).floor("min"))
    problems: list[str] = []
    for number, (moment, source) in enumerate(
        zip(timeline["time"].tolist(), timeline["source"].tolist(), strict=True), start=1
    ):
        table = _table_of(source)
        if not isinstance(moment, pd.Timestamp) or moment.tzinfo is None:
            continue  # the structure check reports times that are not UTC timestamps
        if table is None:
            problems.append(
                f"row {number}: source {source!r} names none of the tables (change log, on-call "
                "chat, feedback, evals, request log)"
            )
        elif table in minutes and moment.floor("min") not in minutes[table]:
            problems.append(
                f"row {number}: nothing in the {table} table at {moment:%Y-%m-%d %H:%M} UTC"
            )
        elif table == "evals" and "evals" in records:
            days = set(pd.to_datetime(records["evals"]["date"]).dt.date)
            if moment.date() not in days:
                problems.append(f"row {number}: no eval run on {moment:%Y-%m-%d}")
        elif table == "requests" and "requests" in records:
            times = records["requests"]["time"]
            if not times.min().floor("D") <= moment < times.max().floor("D") + pd.Timedelta(days=1):
                problems.append(f"row {number}: {moment:%Y-%m-%d} is outside the request log")
    return problems


def check_timeline_sources(
    timeline: Any, records: Mapping[str, pd.DataFrame], what: str = "timeline"
) -> None:
    check_no_problems(
        timeline_source_problems(timeline, records, what=what),
        f"the sources of {what}",
        expected="each row at a moment its source shows",
        hint="take each time from the table you cite (change log: when it took effect; chat: "
        "when the message was posted), and name that table in source",
    )

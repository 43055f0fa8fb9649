"""Claims a post-mortem makes that the evidence can confirm: its dates, and its timeline's sources.

A report that says "the fix was complete on 4 Sep" when the change log says 18 Sep is wrong in a
way a reader acts on. Two checks, both used by lab 4's self-checks and its grader:

    date_claims(markdown, year=2025)              # every date the prose states, parsed
    unsupported_dates(markdown, evidence, year)   # those on no day of the evidence
    timeline_source_problems(timeline, records)   # rows whose source does not show that time

Evidence is a set of days: the timeline's own rows, the change log, the chat, the data's first
and last day, the review date and the action items' due dates. A date that is on none of them is
either a mistake or a fact the timeline is missing; the message says which to look for. Nothing
here knows the answer to an incident.
"""

from __future__ import annotations

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
    "check_dates",
    "check_timeline_sources",
    "date_claims",
    "evidence_days",
    "timeline_source_problems",
    "unsupported_dates",
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

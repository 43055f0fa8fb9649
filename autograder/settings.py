"""The course's own settings, in `course.toml` beside `nbgrader_config.py` in the course folder.

nbgrader's settings stay in `nbgrader_config.py`; this file holds what only this package reads and
what an instructor changes every term: which Canvas assignment each lab's grades go to, the due
dates, the late-penalty rule and each student's extensions.

    [canvas.assignments]
    lab1-determinism = "Lab 1 (4411)"

    [deadlines]
    lab1-determinism = 2027-01-29T23:59:00-05:00

    [late-penalty]
    percent-per-day = 10
    grace-minutes = 15
    zero-after-days = 7

    [extensions.lab1-determinism]
    ada = 3

A Canvas column is the assignment's header exactly as Canvas's own gradebook export writes it:
the name, a space and the assignment's Canvas id in brackets (Canvas's import updates the
assignment whose id is in the header; a header without an id creates a new assignment). A due
date is a TOML date-time with its UTC offset, so it means one instant wherever the grading server
runs. An extension is a number of days added to one student's due date.

A file with a problem is refused whole, with its path, the line and the problem; a missing file
means no settings, which is fine until a command needs one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course, CourseError

SETTINGS_FILE = "course.toml"
# Canvas writes an assignment's column as "<name> (<id>)"; the id is what the import matches on.
CANVAS_HEADER = re.compile(r"^\S.* \((\d+)\)$")
PENALTY_KEYS = ("percent-per-day", "grace-minutes", "zero-after-days")
TABLES = ("canvas", "deadlines", "late-penalty", "extensions")
DAY_SECONDS = 24 * 3600


class SettingsError(CourseError):
    """course.toml cannot be used; the message names the file, the line and the setting."""


@dataclass(frozen=True)
class LatePenalty:
    """A share of the lab's points taken for each started day late, after a grace period;
    later than `zero_after_days`, the lab scores 0."""

    percent_per_day: float
    grace_minutes: float = 0.0
    zero_after_days: float | None = None

    def fraction(self, seconds_late: float) -> float:
        """The share of the lab's points (0 to 1) taken from a submission this late."""
        if seconds_late <= self.grace_minutes * 60:
            return 0.0
        if self.zero_after_days is not None and seconds_late > self.zero_after_days * DAY_SECONDS:
            return 1.0
        days = math.ceil(seconds_late / DAY_SECONDS)  # a started day counts as a day
        return min(1.0, days * self.percent_per_day / 100)

    def describe(self) -> str:
        text = f"{self.percent_per_day:g}% of the lab's points per started day late"
        if self.grace_minutes:
            text += f" (the first {self.grace_minutes:g} minutes are free)"
        if self.zero_after_days is not None:
            text += f", 0 after {self.zero_after_days:g} days"
        return text


@dataclass(frozen=True)
class CourseSettings:
    path: Path
    canvas_assignments: Mapping[str, str] = field(default_factory=dict)
    deadlines: Mapping[str, dt.datetime] = field(default_factory=dict)  # aware, any offset
    late_penalty: LatePenalty | None = None
    extensions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # lab -> days

    def canvas_column(self, lab: str) -> str | None:
        return self.canvas_assignments.get(lab)

    def due(self, lab: str, student: str | None = None) -> dt.datetime | None:
        """The lab's due date, or this student's with their extension."""
        deadline = self.deadlines.get(lab)
        if deadline is None or student is None:
            return deadline
        return deadline + dt.timedelta(days=self.extensions.get(lab, {}).get(student, 0.0))

    def closes(self, lab: str) -> dt.datetime | None:
        """When no submission of the lab can earn points any more: the latest due date with
        extensions, plus the late window when the rule has one. None: no deadline set."""
        deadline = self.deadlines.get(lab)
        if deadline is None:
            return None
        longest = max(self.extensions.get(lab, {}).values(), default=0.0)
        late = self.late_penalty.zero_after_days if self.late_penalty else None
        return deadline + dt.timedelta(days=longest + (late or 0.0))


class _Reader:
    """Checks one parsed file, each problem located on its line."""

    def __init__(self, path: Path, text: str, labs: set[str]) -> None:
        self.path, self.lines, self.labs = path, text.splitlines(), labs

    def line_of(self, key: str, table: str | None = None) -> int | None:
        """The line where `key` is set (inside `[table]` when given), for the message."""
        in_table = table is None
        key_pattern = re.compile(
            rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*="
        )
        for number, line in enumerate(self.lines, start=1):
            header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
            if header:
                name = header.group(1).replace('"', "").replace("'", "")
                if table is None and (name == key or name.endswith(f".{key}")):
                    return number
                in_table = table is None or name == table
                continue
            if in_table and key_pattern.match(line):
                return number
        return None

    def fail(self, key: str, problem: str, table: str | None = None) -> SettingsError:
        line = self.line_of(key, table)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return SettingsError(f"{where}: {problem}")

    def table(
        self, data: Mapping[str, object], name: str, parent: str | None = None
    ) -> dict[str, object]:
        value = data.get(name, {})
        full = f"{parent}.{name}" if parent else name
        if not isinstance(value, dict):
            raise self.fail(name, f"[{full}] must be a table", parent)
        return value

    def lab(self, lab: str, table: str) -> None:
        if lab not in self.labs:
            known = ", ".join(sorted(self.labs))
            raise self.fail(lab, f"{table}.{lab}: no such lab (the labs are: {known})", table)


def _number(reader: _Reader, table: str, key: str, value: object, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise reader.fail(key, f"{table}.{key} = {value!r}: give a number of 0 or more", table)
    if positive and value == 0:
        raise reader.fail(key, f"{table}.{key} = {value!r}: give a number above 0", table)
    return float(value)


def _canvas(reader: _Reader, data: Mapping[str, object]) -> dict[str, str]:
    canvas = reader.table(data, "canvas")
    unknown = sorted(set(canvas) - {"assignments"})
    if unknown:
        raise reader.fail(unknown[0], f"unknown setting canvas.{unknown[0]}", "canvas")
    assignments = reader.table(canvas, "assignments", "canvas")
    mapped: dict[str, str] = {}
    seen: dict[str, str] = {}
    for lab, column in assignments.items():
        reader.lab(lab, "canvas.assignments")
        if not isinstance(column, str) or not (match := CANVAS_HEADER.match(column.strip())):
            raise reader.fail(
                lab,
                f"canvas.assignments.{lab} = {column!r}: write the assignment's column header as "
                'Canvas\'s gradebook export gives it, the name and its Canvas id: "Lab 1 (4411)"',
                "canvas.assignments",
            )
        canvas_id = match.group(1)
        if canvas_id in seen:
            raise reader.fail(
                lab,
                f"canvas.assignments.{lab}: Canvas assignment {canvas_id} is also given to "
                f"{seen[canvas_id]}",
                "canvas.assignments",
            )
        seen[canvas_id] = lab
        mapped[lab] = column.strip()
    return mapped


def _deadlines(reader: _Reader, data: Mapping[str, object]) -> dict[str, dt.datetime]:
    deadlines: dict[str, dt.datetime] = {}
    for lab, value in reader.table(data, "deadlines").items():
        reader.lab(lab, "deadlines")
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            shown = value.isoformat() if isinstance(value, dt.date | dt.time) else repr(value)
            raise reader.fail(
                lab,
                f"deadlines.{lab} = {shown}: write a date and time with its UTC offset, unquoted, "
                "e.g. 2027-01-29T23:59:00-05:00 (23:59 in New York in winter)",
                "deadlines",
            )
        deadlines[lab] = value
    return deadlines


def _late_penalty(reader: _Reader, data: Mapping[str, object]) -> LatePenalty | None:
    if "late-penalty" not in data:
        return None
    rule = reader.table(data, "late-penalty")
    unknown = sorted(set(rule) - set(PENALTY_KEYS))
    if unknown:
        raise reader.fail(
            unknown[0],
            f"unknown setting late-penalty.{unknown[0]} (known: {', '.join(PENALTY_KEYS)})",
            "late-penalty",
        )
    if "percent-per-day" not in rule:
        raise reader.fail("late-penalty", "[late-penalty] needs percent-per-day (e.g. 10)")
    percent = _number(
        reader, "late-penalty", "percent-per-day", rule["percent-per-day"], positive=False
    )
    if percent > 100:
        raise reader.fail(
            "percent-per-day", "late-penalty.percent-per-day is above 100", "late-penalty"
        )
    grace = _number(
        reader, "late-penalty", "grace-minutes", rule.get("grace-minutes", 0), positive=False
    )
    zero_after = rule.get("zero-after-days")
    return LatePenalty(
        percent,
        grace,
        None
        if zero_after is None
        else _number(reader, "late-penalty", "zero-after-days", zero_after, positive=True),
    )


def _extensions(reader: _Reader, data: Mapping[str, object]) -> dict[str, dict[str, float]]:
    extensions: dict[str, dict[str, float]] = {}
    for lab in reader.table(data, "extensions"):
        reader.lab(lab, "extensions")
        students = reader.table(reader.table(data, "extensions"), lab, "extensions")
        extensions[lab] = {
            str(student): _number(reader, f"extensions.{lab}", str(student), days, positive=True)
            for student, days in students.items()
        }
    return extensions


def load_settings(course: Course) -> CourseSettings:
    path = course.root / SETTINGS_FILE
    if not path.exists():
        return CourseSettings(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read the course settings ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    reader = _Reader(path, text, set(course.labs()))
    for name in data:
        if name not in TABLES:
            known = ", ".join(f"[{t}]" for t in TABLES)
            raise reader.fail(name, f"unknown setting {name!r} (known: {known})")
    extensions = _extensions(reader, data)
    deadlines = _deadlines(reader, data)
    for lab in extensions:
        if lab not in deadlines:
            raise reader.fail(
                lab, f"extensions.{lab}: the lab has no due date in [deadlines]", None
            )
    return CourseSettings(
        path,
        canvas_assignments=_canvas(reader, data),
        deadlines=deadlines,
        late_penalty=_late_penalty(reader, data),
        extensions=extensions,
    )

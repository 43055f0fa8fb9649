"""The course's own settings, in `course.toml` beside `nbgrader_config.py` in the course folder.

nbgrader's settings stay in `nbgrader_config.py`; this file holds what only this package reads and
what an instructor changes every term, such as which Canvas assignment each lab's grades go to:

    [canvas.assignments]
    lab1-determinism = "Lab 1 (4411)"

The value is the assignment's column header exactly as Canvas's own gradebook export writes it:
the name, a space and the assignment's Canvas id in brackets. Canvas's gradebook import updates
the assignment whose id is in the header; a header without an id creates a new assignment.

A file with a problem is refused whole with its path and the problem; a missing file means no
settings, which is fine until a command needs one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import Course, CourseError

SETTINGS_FILE = "course.toml"
# Canvas writes an assignment's column as "<name> (<id>)"; the id is what the import matches on.
CANVAS_HEADER = re.compile(r"^\S.* \((\d+)\)$")
KNOWN_TABLES = {"canvas": {"assignments"}}


class SettingsError(CourseError):
    """course.toml cannot be used; the message names the file and the setting at fault."""


@dataclass(frozen=True)
class CourseSettings:
    path: Path
    canvas_assignments: Mapping[str, str] = field(default_factory=dict)

    def canvas_column(self, lab: str) -> str | None:
        return self.canvas_assignments.get(lab)


def _table(path: Path, data: Mapping[str, object], name: str) -> Mapping[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise SettingsError(f"{path}: [{name}] must be a table")
    return value


def load_settings(course: Course) -> CourseSettings:
    path = course.root / SETTINGS_FILE
    if not path.exists():
        return CourseSettings(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read the course settings ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    for name in data:
        if name not in KNOWN_TABLES:
            known = ", ".join(f"[{t}]" for t in sorted(KNOWN_TABLES))
            raise SettingsError(f"{path}: unknown setting {name!r} (known: {known})")
        unknown = sorted(set(_table(path, data, name)) - KNOWN_TABLES[name])
        if unknown:
            raise SettingsError(f"{path}: unknown setting {name}.{unknown[0]}")
    canvas = _table(path, data, "canvas")
    assignments = _table(path, canvas, "assignments")
    labs = set(course.labs())
    mapped: dict[str, str] = {}
    seen: dict[str, str] = {}
    for lab, column in assignments.items():
        where = f"{path}: canvas.assignments.{lab}"
        if lab not in labs:
            raise SettingsError(f"{where}: no such lab (the labs are: {', '.join(sorted(labs))})")
        if not isinstance(column, str) or not (match := CANVAS_HEADER.match(column.strip())):
            raise SettingsError(
                f"{where} = {column!r}: write the assignment's column header as Canvas's "
                'gradebook export gives it, the name and its Canvas id: "Lab 1 (4411)"'
            )
        canvas_id = match.group(1)
        if canvas_id in seen:
            raise SettingsError(
                f"{where}: Canvas assignment {canvas_id} is also given to {seen[canvas_id]}"
            )
        seen[canvas_id] = lab
        mapped[lab] = column.strip()
    return CourseSettings(path, mapped)

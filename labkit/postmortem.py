"""Structure checks for a post-mortem: prose sections, UTC timeline, impact, action items.

A post-mortem in this course has two parts. The prose is one Markdown text with the headings of
the course template (labs/source/lab4-postmortem/postmortem-template.md); the structured part is
a timeline DataFrame, an impact record (a dict of numbers) and an action-item DataFrame.

    section_problems(prose)                     # [] or ["missing section 'Detection' ...", ...]
    timeline_problems(timeline, keys=KEY_IDS)   # UTC, sorted, columns, known keys
    impact_problems(impact, fields)             # every field a finite number
    action_problems(actions, review_date=...)   # owner roles, priorities, due dates
    check_postmortem(prose, timeline, impact, actions, ...)   # raises CheckFailed on a problem
    render_report(prose, timeline, impact, actions, title=...)  # one Markdown document

Each `*_problems` function returns plain-language problems (an empty list means none); each
`check_*` function raises labkit.checks.CheckFailed with what was expected, what was found and a
hint, so a failed self-check teaches. Nothing here knows the answer to an incident: comparing a
report with what really happened is the grader's job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from numbers import Real
from typing import Any

import pandas as pd

from labkit.blameless import check_blameless, given_names
from labkit.checks import check_no_problems

__all__ = [
    "ACTION_COLUMNS",
    "ACTION_KINDS",
    "PRIORITIES",
    "PRIORITY_DEADLINE_DAYS",
    "PROSE_SECTIONS",
    "TIMELINE_COLUMNS",
    "Section",
    "action_problems",
    "blameless_problems",
    "check_action_items",
    "check_blameless_text",
    "check_impact",
    "check_postmortem",
    "check_sections",
    "check_timeline",
    "impact_problems",
    "markdown_table",
    "parse_sections",
    "render_report",
    "section_problems",
    "timeline_problems",
    "word_count",
]

TIMELINE_COLUMNS = ("time", "key", "event", "source")
ACTION_COLUMNS = ("action", "kind", "addresses", "owner_role", "priority", "due")
ACTION_KINDS = ("prevent", "detect", "mitigate", "process")
PRIORITIES = ("P0", "P1", "P2", "P3")
# Days after the post-mortem review by which an action of each priority is due. P0 and P1 follow
# Atlassian's handbook (priority actions within 4 or 8 weeks); P2 and P3 are this course's choice.
PRIORITY_DEADLINE_DAYS = {"P0": 28, "P1": 56, "P2": 182, "P3": 365}
MIN_ACTION_WORDS = 8
MIN_EVENT_WORDS = 3
_PLACEHOLDER_OWNERS = frozenset(
    {"", "tbd", "todo", "unknown", "none", "n/a", "someone", "somebody", "anyone", "everyone",
     "nobody", "all", "team", "us", "we", "me", "you"}
)  # fmt: skip


@dataclass(frozen=True)
class Section:
    """A required prose section: its template heading, accepted headings and a minimum length."""

    key: str
    title: str
    aliases: tuple[str, ...]
    min_words: int


PROSE_SECTIONS = (
    Section("summary", "Summary", ("summary", "overview"), 40),
    Section("detection", "Detection", ("detection", "how it was detected"), 30),
    Section(
        "response",
        "Response and recovery",
        ("response and recovery", "response", "recovery", "mitigation", "resolution"),
        30,
    ),
    Section(
        "contributing_factors",
        "Root cause and contributing factors",
        ("contributing factors", "root cause", "root causes", "causes"),
        80,
    ),
    Section("went_well", "What went well", ("went well",), 15),
    Section("went_badly", "What went badly", ("went badly", "went wrong"), 15),
    Section("got_lucky", "Where we got lucky", ("got lucky", "were lucky", "luck"), 10),
)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PLACEHOLDER = re.compile(r"YOUR ANSWER HERE|\bTODO\b|\bTBD\b|\.\.\.|…")


# ---------------------------------------------------------------------------- prose
def _normalise(heading: str) -> str:
    text = re.sub(r"[*_`]", "", heading).lower()
    text = re.sub(r"^[\d.\s]+", "", text)  # "3.2 Detection" -> "detection"
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def parse_sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, body) for every Markdown heading (`#` to `######`), in order.

    A body runs to the next heading of any level; text before the first heading is ignored.
    Headings inside fenced code blocks are not headings.
    """
    sections: list[tuple[str, list[str]]] = []
    in_fence = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            sections.append((match.group(2), []))
        elif sections:
            sections[-1][1].append(line)
    return [(title, "\n".join(body).strip()) for title, body in sections]


def word_count(text: str) -> int:
    """Words a reader would count: HTML comments (template guidance) and placeholders excluded."""
    text = _PLACEHOLDER.sub(" ", _COMMENT.sub(" ", text))
    return len(re.findall(r"[A-Za-z0-9][\w'’.,%:/-]*", text))


def _find(sections: list[tuple[str, str]], wanted: Section) -> tuple[str, str] | None:
    for title, body in sections:
        normalised = _normalise(title)
        if any(alias in normalised for alias in wanted.aliases):
            return title, body
    return None


def section_problems(
    markdown: Any, required: Sequence[Section] = PROSE_SECTIONS, *, what: str = "the report"
) -> list[str]:
    """Missing or too short required sections of a Markdown report."""
    if not isinstance(markdown, str):
        return [f"{what} must be a str of Markdown, not {type(markdown).__name__}"]
    sections = parse_sections(markdown)
    problems = []
    for section in required:
        found = _find(sections, section)
        if found is None:
            problems.append(
                f"missing section {section.title!r} (a Markdown heading such as "
                f"'## {section.title}')"
            )
            continue
        words = word_count(found[1])
        if words < section.min_words:
            problems.append(
                f"section {found[0]!r} has {words} words; write at least {section.min_words}"
            )
    return problems


def blameless_problems(text: str) -> list[str]:
    return [str(finding) for finding in check_blameless(text)]


# ---------------------------------------------------------------------------- timeline
def _missing_columns(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c not in frame.columns]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _as_utc(value: Any) -> pd.Timestamp | None:
    """A tz-aware UTC Timestamp from a Timestamp, datetime, date or ISO string; None if not."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(stamp):
        return None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def timeline_problems(
    timeline: Any,
    *,
    keys: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    what: str = "timeline",
) -> list[str]:
    """A DataFrame with TIMELINE_COLUMNS, tz-aware UTC times, sorted, every row described.

    `keys`: the allowed values of the `key` column (empty means "not a key event"); each key
    may appear once. `start`/`end`: the period the evidence covers; times must fall inside it.
    """
    if not isinstance(timeline, pd.DataFrame):
        return [f"{what} must be a pandas DataFrame, not {type(timeline).__name__}"]
    missing = _missing_columns(timeline, TIMELINE_COLUMNS)
    if missing:
        return [f"{what} has no column(s) {missing}; it needs {list(TIMELINE_COLUMNS)}"]
    if timeline.empty:
        return [f"{what} has no rows"]
    problems = []
    times = timeline["time"]
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        problems.append(
            f"{what}['time'] has dtype {times.dtype}, not tz-aware datetimes: parse with "
            "pd.to_datetime(..., utc=True)"
        )
    elif str(times.dtype.tz) != "UTC":
        problems.append(
            f"{what}['time'] is in time zone {times.dtype.tz}; convert with .dt.tz_convert('UTC')"
        )
    elif times.isna().any():
        problems.append(f"{what}['time'] has {int(times.isna().sum())} missing time(s) (NaT)")
    else:
        order = times.reset_index(drop=True)
        backwards = [i for i in range(1, len(order)) if order[i] < order[i - 1]]
        if backwards:
            i = backwards[0]
            problems.append(
                f"{what} is not sorted by time: row {i} ({order[i]}) comes after row {i - 1} "
                f"({order[i - 1]}); use .sort_values('time', ignore_index=True)"
            )
        lo, hi = _as_utc(start), _as_utc(end)
        if lo is not None and order.min() < lo:
            problems.append(f"{what} has a time before the data starts ({lo}): {order.min()}")
        if hi is not None and order.max() > hi:
            problems.append(f"{what} has a time after the data ends ({hi}): {order.max()}")
    for column, minimum in (("event", MIN_EVENT_WORDS), ("source", 1)):
        short = [
            i
            for i, value in enumerate(timeline[column].tolist())
            if not isinstance(value, str) or word_count(value) < minimum
        ]
        if short:
            problems.append(
                f"{what}['{column}'] is empty or too short in row(s) {short[:5]}"
                + (f" (at least {minimum} words)" if minimum > 1 else "")
            )
    seen: dict[str, int] = {}
    for i, value in enumerate(timeline["key"].tolist()):
        if _blank(value) or value == "":
            continue
        if not isinstance(value, str):
            problems.append(f"{what}['key'] row {i} is {value!r}: use a key name or ''")
        elif keys is not None and value not in keys:
            problems.append(f"{what}['key'] row {i} is {value!r}, which is not one of {list(keys)}")
        elif value in seen:
            problems.append(f"{what}['key'] {value!r} is used twice (rows {seen[value]} and {i})")
        else:
            seen[value] = i
    return problems


# ---------------------------------------------------------------------------- impact
def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def impact_problems(
    impact: Any, fields: Mapping[str, str] | Sequence[str], *, what: str = "impact"
) -> list[str]:
    """A dict with a finite, non-negative number for every field; shares in [0, 1]."""
    if not isinstance(impact, Mapping):
        return [f"{what} must be a dict, not {type(impact).__name__}"]
    problems = []
    for name in fields:
        if name not in impact:
            problems.append(f"{what} has no entry {name!r}")
            continue
        value = impact[name]
        if not _is_number(value):
            problems.append(f"{what}[{name!r}] is {value!r}: it must be a finite number")
        elif value < 0:
            problems.append(f"{what}[{name!r}] is {value}: it cannot be negative")
        elif "share" in name and value > 1:
            problems.append(f"{what}[{name!r}] is {value}: a share is between 0 and 1, not a %")
    return problems


# ---------------------------------------------------------------------------- action items
def _owner_problem(owner: Any) -> str | None:
    if not isinstance(owner, str) or owner.strip().lower() in _PLACEHOLDER_OWNERS:
        return f"{owner!r} is not a role (e.g. 'inference platform lead')"
    if "@" in owner:
        return f"{owner!r} is a handle; name the role instead"
    names = given_names()
    for token in re.findall(r"[A-Za-z]+", owner):
        if names.get(token.title()) == "name":
            return f"{owner!r} contains the given name {token.title()!r}; name a role, not a person"
    return None


def action_problems(
    actions: Any,
    *,
    review_date: Any,
    addresses: Sequence[str] | None = None,
    what: str = "action_items",
) -> list[str]:
    """Complete, specific action items owned by roles, with a priority and a due date.

    Every row: `action` of at least MIN_ACTION_WORDS words, `kind` in ACTION_KINDS, `addresses`
    in `addresses` (when given), `owner_role` a role and not a person, `priority` in PRIORITIES,
    `due` a date after `review_date` and no later than the priority's deadline
    (PRIORITY_DEADLINE_DAYS after the review).
    """
    if not isinstance(actions, pd.DataFrame):
        return [f"{what} must be a pandas DataFrame, not {type(actions).__name__}"]
    missing = _missing_columns(actions, ACTION_COLUMNS)
    if missing:
        return [f"{what} has no column(s) {missing}; it needs {list(ACTION_COLUMNS)}"]
    if actions.empty:
        return [f"{what} has no rows"]
    review = _as_utc(review_date)
    if review is None:
        raise ValueError(f"review_date {review_date!r} is not a date")
    problems = []
    texts = [str(a).strip().lower() for a in actions["action"].tolist()]
    for i, row in enumerate(actions.to_dict("records")):
        label = f"{what} row {i}"
        if not isinstance(row["action"], str) or word_count(row["action"]) < MIN_ACTION_WORDS:
            problems.append(
                f"{label}: the action is too short to be specific (at least {MIN_ACTION_WORDS} "
                "words: what changes, where, and how you will know it is done)"
            )
        if row["kind"] not in ACTION_KINDS:
            problems.append(f"{label}: kind {row['kind']!r} is not one of {list(ACTION_KINDS)}")
        if addresses is not None and row["addresses"] not in addresses:
            problems.append(
                f"{label}: addresses {row['addresses']!r} is not one of {list(addresses)}"
            )
        owner = _owner_problem(row["owner_role"])
        if owner:
            problems.append(f"{label}: owner_role {owner}")
        if row["priority"] not in PRIORITIES:
            problems.append(
                f"{label}: priority {row['priority']!r} is not one of {list(PRIORITIES)}"
            )
        due = None if isinstance(row["due"], bool) else _as_utc(row["due"])
        if due is None:
            problems.append(f"{label}: due {row['due']!r} is not a date")
        elif due.normalize() <= review.normalize():
            problems.append(f"{label}: due {due.date()} is not after the review on {review.date()}")
        elif row["priority"] in PRIORITIES:
            limit = review.normalize() + pd.Timedelta(days=PRIORITY_DEADLINE_DAYS[row["priority"]])
            if due.normalize() > limit:
                problems.append(
                    f"{label}: a {row['priority']} action is due within "
                    f"{PRIORITY_DEADLINE_DAYS[row['priority']]} days of the review (by "
                    f"{limit.date()}), not {due.date()}"
                )
        if texts.count(texts[i]) > 1 and texts.index(texts[i]) < i:
            problems.append(f"{label}: the same action as row {texts.index(texts[i])}")
    return problems


# ---------------------------------------------------------------------------- checks
def _fail_on(problems: list[str], what: str, expected: str, hint: str) -> None:
    check_no_problems(problems, what, expected=expected, hint=hint)


def check_sections(markdown: Any, what: str = "report_prose") -> None:
    _fail_on(
        section_problems(markdown, what=what),
        f"the sections of {what}",
        "every section of the template, each long enough to say something",
        "use the template's headings (## Summary, ## Detection, ...) and write under each one",
    )


def check_blameless_text(text: str, what: str = "report_prose") -> None:
    _fail_on(
        blameless_problems(text),
        f"blameless language in {what}",
        "no blaming phrases and no personal names",
        "describe systems, changes and roles; follow each suggestion above",
    )


def check_timeline(timeline: Any, what: str = "timeline", **options: Any) -> None:
    _fail_on(
        timeline_problems(timeline, what=what, **options),
        what,
        f"a DataFrame with columns {list(TIMELINE_COLUMNS)}, UTC times, sorted",
        "pd.to_datetime(..., utc=True), then .sort_values('time', ignore_index=True)",
    )


def check_impact(
    impact: Any, fields: Mapping[str, str] | Sequence[str], what: str = "impact"
) -> None:
    _fail_on(
        impact_problems(impact, fields, what=what),
        what,
        f"a dict with a number for each of {list(fields)}",
        "compute each number from the data; shares are fractions between 0 and 1",
    )


def check_action_items(actions: Any, what: str = "action_items", **options: Any) -> None:
    _fail_on(
        action_problems(actions, what=what, **options),
        what,
        f"a DataFrame with columns {list(ACTION_COLUMNS)}, one complete action per row",
        "owners are roles, priorities P0-P3, due dates after the review and within the "
        "priority's deadline",
    )


def check_postmortem(
    prose: Any,
    timeline: Any,
    impact: Any,
    actions: Any,
    *,
    impact_fields: Mapping[str, str] | Sequence[str],
    review_date: Any,
    keys: Sequence[str] | None = None,
    addresses: Sequence[str] | None = None,
) -> None:
    """Every structure check at once (the lab's final self-check)."""
    check_sections(prose)
    check_blameless_text(prose)
    check_timeline(timeline, keys=keys)
    check_impact(impact, impact_fields)
    check_action_items(actions, review_date=review_date, addresses=addresses)


# ---------------------------------------------------------------------------- rendering
def _cell(value: Any) -> str:
    if isinstance(value, pd.Timestamp | datetime):
        stamp = _as_utc(value)
        return stamp.strftime("%Y-%m-%d %H:%M") if stamp is not None else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if _blank(value) else str(value).replace("|", "\\|").replace("\n", " ")


def _impact_value(key: str, value: Any) -> str:
    """An impact number as a reader wants it: shares as percentages (with the fraction), days
    with their unit, counts with thousands separators."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return _cell(value)
    number = float(value)
    if "share" in key and 0.0 <= number <= 1.0:
        return f"{number:.1%} ({number:.4g})"
    if key.startswith("days") or key.endswith("_days"):
        return f"{number:.1f} days"
    if isinstance(value, int) or number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.4g}"


def markdown_table(frame: pd.DataFrame) -> str:
    header = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines)


def render_report(
    prose: str,
    timeline: pd.DataFrame,
    impact: Mapping[str, Any],
    actions: pd.DataFrame,
    *,
    title: str,
    impact_descriptions: Mapping[str, str] | None = None,
) -> str:
    """One Markdown document: the prose, with the tables under the Impact, Timeline and Action
    items headings (added at the end when the prose has no such heading)."""
    descriptions = impact_descriptions or {}
    # An entry of the student's own has no description: its name, in words, says what it counts.
    impact_text = "\n".join(
        ["| value | what it counts |", "|---|---|"]
        + [
            f"| {_impact_value(k, v)} | {_cell(descriptions.get(k) or k.replace('_', ' '))} (`{k}`) |"
            for k, v in impact.items()
        ]
    )
    tables = {
        "impact": ("Impact", impact_text),
        "timeline": ("Timeline (UTC)", markdown_table(timeline)),
        "action items": ("Action items", markdown_table(actions)),
    }
    lines, placed = [f"# {title}", ""], set()
    for line in prose.strip("\n").splitlines():
        lines.append(line)
        match = _HEADING.match(line)
        if match:
            for key, (_, table) in tables.items():
                if key not in placed and _normalise(match.group(2)).startswith(key):
                    lines += ["", table, ""]
                    placed.add(key)
    for key, (heading, table) in tables.items():
        if key not in placed:
            lines += ["", f"## {heading}", "", table]
    return "\n".join(lines).rstrip() + "\n"

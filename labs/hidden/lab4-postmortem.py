"""The hidden tests of lab 4 (the post-mortem), run by the grader, never by the student's kernel.

Every answer is computed here at grading time: the scenario is the one whose data the grader's
own copy of the lab ships (`nb.lab_folder / "data"`), its key events and impact numbers come from
`autograder.incident_truth.truth(scenario)`, and the graded keys, fields and regressions from the
brief the lab ships for that scenario (`briefs/<scenario>.json`, the file the notebook reads).
The structure and blameless-language checks (labkit.postmortem, labkit.blameless) run here on
the plain text and tables the notebook holds. Each test repeats its cell's visible self-checks
first, so a student reads the same message they saw while working.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from autograder import incident_truth
from autograder.grader import Submission, hidden_test
from autograder.incident_truth import truth
from labkit.blameless import check_blameless
from labkit.checks import CheckFailed, check, check_type
from labkit.claims import (
    check_dates,
    check_numbers,
    check_timeline_sources,
    evidence_days,
    evidence_numbers,
    timeline_source_problems,
)
from labkit.postmortem import (
    PRIORITY_DEADLINE_DAYS,
    action_problems,
    check_action_items,
    check_blameless_text,
    check_impact,
    check_sections,
    check_timeline,
    word_count,
)

TIME_TOLERANCE_HOURS = 1.0
DURATION_PREFIX = "days_to_fix_"
DURATION_TOLERANCE = 0.1  # days
# Impact fields other than durations: where the truth keeps the value, and how close is right.
# (A duration `days_to_fix_<regression>` is truth.impact["days_onset_to_fix"][<regression>].)
NUMBER_TOLERANCES: dict[str, tuple[float, bool]] = {  # field -> (tolerance, relative)
    "misrouted_requests": (0.02, True),
    "misrouted_users_share": (0.005, False),
    "peak_hourly_misrouted_share": (0.01, False),
    "median_thinking_tokens_high_before": (0.02, True),
    "median_thinking_tokens_lowered": (0.02, True),
    "sessions_thinking_dropped_share": (0.005, False),
}
# Words each section needs (a heading matching the pattern, searched in lower case).
SECTION_WORDS = {
    "summary": 40,
    "detection": 30,
    "response": 30,
    "contributing factors|root cause": 80,
    "went well": 15,
    "went badly|went wrong": 15,
    "lucky": 10,
}
MIN_REPORT_WORDS = 300
MIN_OTHER_EVENTS = 3
MIN_ACTIONS = 5


class LabSetupError(Exception):
    """The grader's copy of the lab is not as this module expects (an instructor's problem)."""


@dataclass(frozen=True)
class Brief:
    """What the lab asks of this term's incident (the notebook reads the same file)."""

    scenario: str
    folder: Path
    review_date: pd.Timestamp
    key_events: tuple[str, ...]
    change_events: tuple[str, ...]
    finding_events: tuple[str, ...]
    measured_events: tuple[str, ...]
    impact_fields: tuple[str, ...]
    regressions: tuple[str, ...]

    @property
    def addresses(self) -> list[str]:
        return [*self.regressions, "detection", "response"]

    @property
    def data_start(self) -> pd.Timestamp:
        return truth(self.scenario).start

    @property
    def data_end(self) -> pd.Timestamp:
        return truth(self.scenario).end


def scenario_in(lab_folder: Path) -> str:
    """The one scenario whose tables the lab ships in data/ (what `course release` put there)."""
    try:
        return incident_truth.scenario_in(lab_folder / "data")
    except incident_truth.IncidentTruthError as error:
        raise LabSetupError(str(error)) from None


@cache
def _brief(lab_folder: Path) -> Brief:
    scenario = scenario_in(lab_folder)
    path = lab_folder / "briefs" / f"{scenario}.json"
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return Brief(
            scenario=scenario,
            folder=lab_folder,
            review_date=pd.Timestamp(raw["review_date"], tz="UTC"),
            key_events=tuple(raw["key_events"]),
            change_events=tuple(raw["change_events"]),
            finding_events=tuple(raw["finding_events"]),
            measured_events=tuple(raw["measured_events"]),
            impact_fields=tuple(raw["impact_fields"]),
            regressions=tuple(raw["regressions"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LabSetupError(f"{path}: not a readable brief ({error})") from None


def brief_of(nb: Submission) -> Brief:
    if nb.lab_folder is None:
        raise LabSetupError("the grader did not say where the lab's folder is")
    return _brief(nb.lab_folder.resolve())


def evidence_minutes(brief: Brief, tables: Sequence[str]) -> frozenset[pd.Timestamp]:
    """The minutes (UTC) at which a row of `tables` happened, from the grader's copy of the data."""
    found: set[pd.Timestamp] = set()
    for table in tables:
        found.update(incident_truth.lab_table(brief.folder / "data", table)["time"].dt.floor("min"))
    return frozenset(found)


def true_time(brief: Brief, key: str) -> pd.Timestamp:
    return truth(brief.scenario).event(key).time


def true_number(scenario: str, field: str) -> tuple[float, float, bool]:
    """(the true value, the tolerance, whether the tolerance is relative) of an impact field."""
    impact = truth(scenario).impact
    if field.startswith(DURATION_PREFIX):
        regression = field.removeprefix(DURATION_PREFIX)
        return float(impact["days_onset_to_fix"][regression]), DURATION_TOLERANCE, False
    if field not in NUMBER_TOLERANCES:
        raise LabSetupError(f"impact field {field!r} has no tolerance in labs/hidden")
    tolerance, relative = NUMBER_TOLERANCES[field]
    return float(impact[field]), tolerance, relative


# ---------------------------------------------------------------------------- reading answers
def _is_key(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _moment(timeline: pd.DataFrame, key: str) -> pd.Timestamp:
    """The time of the one row of key event `key` (the visible self-check's wording)."""
    rows = timeline[timeline["key"] == key]
    check(
        len(rows) == 1,
        f"the row of key event {key!r}",
        expected="one row",
        found=len(rows),
        hint="one row per key event",
    )
    moment = rows["time"].iloc[0]
    if not isinstance(moment, pd.Timestamp) or moment.tzinfo is None:
        raise CheckFailed(
            f"the time of key event {key!r}",
            "a tz-aware UTC timestamp",
            repr(moment)[:100],
            "take the time from the tables: their time columns are UTC timestamps",
        )
    return moment


def _check_near_truth(brief: Brief, key: str, moment: pd.Timestamp, hint: str) -> None:
    hours = abs((moment - true_time(brief, key)) / pd.Timedelta(hours=1))
    check(
        hours <= TIME_TOLERANCE_HOURS,
        f"the time of key event {key!r} in your timeline",
        expected="within 1 hour of the time the evidence shows",
        found=f"{moment} ({hours:.1f} hours away)",
        hint=hint,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_impact_numbers(nb: Submission, fields: list[str]) -> None:
    brief = brief_of(nb)
    impact = nb.value("impact")
    check_impact(impact, fields)
    for name in fields:
        if name.startswith(DURATION_PREFIX):
            check(
                0 < impact[name] < 120,
                f"impact[{name!r}]",
                expected="a duration in days",
                found=impact[name],
                hint="divide a Timedelta by pd.Timedelta(days=1)",
            )
    for name in fields:
        value, tolerance, relative = true_number(brief.scenario, name)
        yours = impact.get(name)
        allowed = tolerance * abs(value) if relative else tolerance
        check(
            _is_number(yours) and abs(yours - value) <= allowed,
            f"impact[{name!r}]",
            expected=(
                f"the value the data gives, within {tolerance:.0%}"
                if relative
                else f"the value the data gives, within {tolerance:g}"
            ),
            found=yours,
            hint="reread the definition in IMPACT_FIELDS: the window, the slice and the "
            "denominator",
        )


def _days_after(review: pd.Timestamp, due: Any) -> int:
    stamp = pd.Timestamp(due)
    stamp = stamp.tz_localize(None) if stamp.tzinfo is not None else stamp
    return int((stamp.normalize() - review.tz_localize(None).normalize()).days)


# ---------------------------------------------------------------------------- the tests
@hidden_test("q2-timeline-test")
def timeline_shape(nb: Submission) -> None:
    brief = brief_of(nb)
    timeline = nb.value("timeline")
    check_timeline(
        timeline, keys=list(brief.key_events), start=brief.data_start, end=brief.data_end
    )
    keys = timeline["key"].tolist()
    yours = {k for k in keys if _is_key(k)}
    check(
        yours == set(brief.key_events),
        "the keys in timeline['key']",
        expected="each key of KEY_EVENTS, once",
        found=f"missing: {sorted(set(brief.key_events) - yours)}",
        hint="one row per key event, with its key in the key column",
    )
    others = sum(1 for k in keys if not _is_key(k))
    check(
        others >= MIN_OTHER_EVENTS,
        "the events that are not key events",
        expected=f"at least {MIN_OTHER_EVENTS} rows with key ''",
        found=others,
        hint="first reports, dismissed signals, findings that led to a fix",
    )
    times = timeline["time"]
    check(
        isinstance(times.dtype, pd.DatetimeTZDtype) and str(times.dt.tz) == "UTC",
        "the time zone of timeline['time']",
        expected="UTC",
        found=str(times.dtype),
        hint="pd.to_datetime(..., utc=True) or .dt.tz_convert('UTC')",
    )
    check(
        bool(times.is_monotonic_increasing),
        "the order of the timeline rows",
        expected="oldest first",
        found="rows out of order",
        hint="sort_values('time', ignore_index=True)",
    )
    check(
        bool(times.max() <= brief.review_date + pd.Timedelta(days=1)),
        "the last event of the timeline",
        expected="no later than the review meeting",
        found=times.max(),
        hint="the timeline ends with the last recovery step",
    )
    named = sorted(k for k in keys if _is_key(k))
    check(
        named == sorted(brief.key_events),
        "the key column",
        expected="every key event exactly once",
        found=named,
        hint="one row per key event",
    )
    texts = {e for e in timeline["event"].tolist() if isinstance(e, str)}
    check(
        len(texts) == len(timeline),
        "the event descriptions",
        expected="a different description on every row",
        found=f"{len(texts)} different of {len(timeline)}",
        hint="say what happened at each moment",
    )


@hidden_test("q2-timeline-changes-test")
def timeline_changes(nb: Submission) -> None:
    brief = brief_of(nb)
    timeline = nb.value("timeline")
    check_type(timeline, pd.DataFrame, "timeline", "a pandas DataFrame (see Exercise 2)")
    logged = evidence_minutes(brief, ["changes"])
    moments = {}
    for key in brief.change_events:
        moment = _moment(timeline, key)
        check(
            moment.floor("min") in logged,
            f"the time of key event {key!r}",
            expected="the time of a change in the change log",
            found=moment,
            hint="take the time from the change log (when it took effect), do not type it",
        )
        moments[key] = moment
    for key, moment in moments.items():
        _check_near_truth(
            brief,
            key,
            moment,
            "take a change's time from the change log (when it took effect); the chat often "
            "reports changes later",
        )


@hidden_test("q2-timeline-findings-test")
def timeline_findings(nb: Submission) -> None:
    brief = brief_of(nb)
    timeline = nb.value("timeline")
    check_type(timeline, pd.DataFrame, "timeline", "a pandas DataFrame (see Exercise 2)")
    logged = evidence_minutes(brief, ["changes", "oncall"])
    moments = {}
    for key in brief.finding_events:
        moment = _moment(timeline, key)
        if key in brief.measured_events:
            check(
                moment == moment.floor("h"),
                f"the time of key event {key!r}",
                expected="the start of a clock hour (minutes and seconds 0)",
                found=moment,
                hint="group the requests by time.dt.floor('h')",
            )
        else:
            check(
                moment.floor("min") in logged,
                f"the time of key event {key!r}",
                expected="the time of a change or of a chat message",
                found=moment,
                hint="take the time from the table, do not type it",
            )
        moments[key] = moment
    for key, moment in moments.items():
        hint = (
            "share = affected requests / all requests of that slice in the hour, over hours with "
            "at least 40 of them"
            if key in brief.measured_events
            else "take the time of the message that reports it in the on-call chat"
        )
        _check_near_truth(brief, key, moment, hint)


def records_of(brief: Brief) -> dict[str, pd.DataFrame]:
    """The grader's own copies of the tables a timeline row may cite."""
    folder = brief.folder / "data"
    return {
        name: incident_truth.lab_table(folder, name)
        for name in ("changes", "oncall", "feedback", "evals", "requests")
    }


@hidden_test("q2-timeline-sources-test")
def timeline_sources(nb: Submission) -> None:
    brief = brief_of(nb)
    timeline = nb.value("timeline")
    check_type(timeline, pd.DataFrame, "timeline", "a pandas DataFrame (see Exercise 2)")
    check_timeline_sources(timeline, records_of(brief))


@hidden_test("q3-impact-numbers-test")
def impact_numbers(nb: Submission) -> None:
    fields = [f for f in brief_of(nb).impact_fields if not f.startswith(DURATION_PREFIX)]
    _check_impact_numbers(nb, fields)


@hidden_test("q3-impact-durations-test")
def impact_durations(nb: Submission) -> None:
    fields = [f for f in brief_of(nb).impact_fields if f.startswith(DURATION_PREFIX)]
    _check_impact_numbers(nb, fields)


@hidden_test("q4-actions-test")
def actions_complete(nb: Submission) -> None:
    brief = brief_of(nb)
    actions = nb.value("action_items")
    check_action_items(actions, review_date=brief.review_date, addresses=brief.addresses)
    check(
        len(actions) >= MIN_ACTIONS,
        "the number of action items",
        expected=f"at least {MIN_ACTIONS}",
        found=len(actions),
        hint="one per contributing factor you found, at least",
    )
    found = action_problems(actions, review_date=brief.review_date, addresses=brief.addresses)
    check(
        not found,
        "the action items",
        expected="no problems",
        found=found[:3],
        hint="run check_action_items(...) and fix what it reports",
    )
    days = [_days_after(brief.review_date, due) for due in actions["due"].tolist()]
    check(
        min(days) >= 1,
        "the due dates and the number of actions",
        expected=f"at least {MIN_ACTIONS} actions, all due after the review",
        found=(len(actions), min(days)),
        hint="due dates count from REVIEW_DATE",
    )


@hidden_test("q4-actions-coverage-test")
def actions_cover_the_incident(nb: Submission) -> None:
    brief = brief_of(nb)
    actions = nb.value("action_items")
    check_type(actions, pd.DataFrame, "action_items", "a pandas DataFrame (see Exercise 4)")
    pairs = list(zip(actions["addresses"].tolist(), actions["kind"].tolist(), strict=True))
    for name in brief.regressions:
        fixes = sum(1 for a, k in pairs if a == name and k in ("prevent", "mitigate"))
        check(
            fixes >= 1,
            f"the actions for {name!r}",
            expected="at least one prevent or mitigate action",
            found=fixes,
            hint="what change to a system stops this from happening again?",
        )
    detect = sum(1 for a, k in pairs if a == "detection" and k == "detect")
    check(
        detect >= 1,
        "the detect actions for 'detection'",
        expected="at least one",
        found=detect,
        hint="how would you notice the next regression of this kind sooner?",
    )


@hidden_test("q5-sections-test")
def report_sections(nb: Submission) -> None:
    prose = nb.value("report_prose")
    check_type(prose, str, "report_prose", "a str of Markdown (a triple-quoted string)")
    check_sections(prose)
    parts = re.split(r"(?m)^#{1,6}[ \t]+(.+)$", re.sub(r"(?s)<!--.*?-->", "", prose))
    bodies = {parts[i].strip().lower(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    for pattern, least in SECTION_WORDS.items():
        sizes = [
            len(re.findall(r"[A-Za-z0-9]\S*", body))
            for heading, body in bodies.items()
            if re.search(pattern, heading)
        ]
        check(
            bool(sizes) and max(sizes) >= least,
            f"the section matching {pattern!r}",
            expected=f"a heading and at least {least} words",
            found=sizes or "no such heading",
            hint="use the template's headings and write under each one",
        )


@hidden_test("q5-dates-test")
def report_dates(nb: Submission) -> None:
    """Every date the prose states is on a day of the evidence: the grader's tables, the data's
    window, the review, the due dates, and the student's timeline rows whose sources hold up."""
    brief = brief_of(nb)
    prose, timeline, actions = nb.values("report_prose", "timeline", "action_items")
    check_type(prose, str, "report_prose", "a str of Markdown (a triple-quoted string)")
    check_type(timeline, pd.DataFrame, "timeline", "a pandas DataFrame (see Exercise 2)")
    check_type(actions, pd.DataFrame, "action_items", "a pandas DataFrame (see Exercise 4)")
    records = records_of(brief)
    # The timeline supports a date only when its sources hold up (q2-timeline-sources-test says
    # which do not; failing here too would charge one mistake twice).
    supported = [] if timeline_source_problems(timeline, records) else list(timeline["time"])
    evidence = evidence_days(
        supported,
        records["changes"]["time"],
        records["oncall"]["time"],
        brief.data_start,
        brief.data_end,
        records["requests"]["time"].max(),
        brief.review_date,
        list(actions["due"]),
    )
    check_dates(prose, evidence, year=brief.data_start.year)


def brief_texts(brief: Brief) -> list[Path]:
    """The incident's brief as the lab shows it (its story and its fields): numbers it states,
    such as the hour of idle before a resume, are evidence a report may quote."""
    folder = brief.folder / "briefs"
    return [folder / f"{brief.scenario}.json", folder / f"{brief.scenario}.md"]


@hidden_test("q5-numbers-test")
def report_numbers(nb: Submission) -> None:
    """Every number the prose states is, as written, one the evidence shows: a value of the
    student's impact record (its graded fields are checked against the truth by the section 3
    tests), a number the grader's change log, chat or the incident's brief states, an eval score,
    a priority deadline,
    the size of the data, or a duration between moments of the evidence (the grader's tables and
    the student's timeline rows whose sources hold up)."""
    brief = brief_of(nb)
    prose, timeline, impact = nb.values("report_prose", "timeline", "impact")
    check_type(prose, str, "report_prose", "a str of Markdown (a triple-quoted string)")
    check_type(timeline, pd.DataFrame, "timeline", "a pandas DataFrame (see Exercise 2)")
    check_type(impact, dict, "impact", "a dict (see Exercise 3)")
    records = records_of(brief)
    supported = [] if timeline_source_problems(timeline, records) else list(timeline["time"])
    requests = records["requests"]
    evidence = evidence_numbers(
        {k: v for k, v in impact.items() if isinstance(v, int | float)},
        list(records["changes"]["description"]),
        list(records["oncall"]["message"]),
        [path.read_text(encoding="utf-8") for path in brief_texts(brief)],
        records["evals"]["score"],
        list(PRIORITY_DEADLINE_DAYS.values()),
        len(requests),
        requests["user"].nunique(),
        moments=[
            *supported,
            *records["changes"]["time"],
            *records["oncall"]["time"],
            brief.data_start,
            brief.data_end,
            brief.review_date,
        ],
    )
    check_numbers(prose, evidence, year=brief.data_start.year)


@hidden_test("q5-blameless-test")
def report_blameless(nb: Submission) -> None:
    prose, timeline, actions = nb.values("report_prose", "timeline", "action_items")
    check_type(prose, str, "report_prose", "a str of Markdown (a triple-quoted string)")
    check_type(timeline, pd.DataFrame, "timeline", "a pandas DataFrame (see Exercise 2)")
    check_type(actions, pd.DataFrame, "action_items", "a pandas DataFrame (see Exercise 4)")
    check(
        word_count(prose) >= MIN_REPORT_WORDS,
        "the length of report_prose",
        expected=f"at least {MIN_REPORT_WORDS} words",
        found=word_count(prose),
        hint="write every section of the template",
    )
    events = [str(e) for e in timeline["event"].tolist()]
    owned = [str(a) for a in actions["action"].tolist()]
    owners = [str(o) for o in actions["owner_role"].tolist()]
    # The short list of every finding first: the self-checks' messages are cut at 200 characters.
    flags = check_blameless("\n\n".join([prose, "\n".join(events), "\n".join(owned), "\n".join(owners)]))  # fmt: skip
    check(
        not flags,
        "blameless language in everything you wrote",
        expected="no findings",
        found=[f"{f.kind}: {f.phrase!r}" for f in flags][:5],
        hint="rewrite each flagged phrase about roles and systems (check_blameless shows where)",
    )
    check_blameless_text(prose, "report_prose")
    check_blameless_text(
        "\n".join([prose, *events, *owned, *owners]), "your timeline events and action items"
    )
    check(
        len(prose.split()) >= MIN_REPORT_WORDS,
        "the number of words in report_prose",
        expected=f"at least {MIN_REPORT_WORDS}",
        found=len(prose.split()),
        hint="write every section",
    )

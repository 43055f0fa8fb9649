"""Structure checks of a post-mortem: sections, UTC timeline, impact record, action items."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from labkit.checks import CheckFailed
from labkit.postmortem import (
    PROSE_SECTIONS,
    action_problems,
    check_action_items,
    check_blameless_text,
    check_impact,
    check_postmortem,
    check_sections,
    check_timeline,
    impact_problems,
    parse_sections,
    render_report,
    section_problems,
    timeline_problems,
    word_count,
)

TEMPLATE = (
    Path(__file__).resolve().parent.parent / "labs/source/lab4-postmortem/postmortem-template.md"
)
WORDS = " ".join(["the router sent requests to the long-context pool"] * 12)
PROSE = "\n\n".join(f"## {s.title}\n\n{WORDS}" for s in PROSE_SECTIONS)
REVIEW = "2025-09-19"
KEYS = ["onset", "fix"]


def timeline(**changes):
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(["2025-08-05 00:00", "2025-09-04 00:30"], utc=True),
            "key": ["onset", "fix"],
            "event": ["routing change enabled", "routing fix deployed"],
            "source": ["changes", "oncall"],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def actions(**changes):
    frame = pd.DataFrame(
        {
            "action": [
                "Add a canary stage with a two hour soak to every router config change",
                "Alert when the hourly share of long-context responses exceeds its baseline",
            ],
            "kind": ["prevent", "detect"],
            "addresses": ["misrouting", "detection"],
            "owner_role": ["platform lead", "observability lead"],
            "priority": ["P0", "P1"],
            "due": [date(2025, 10, 10), date(2025, 11, 7)],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def test_a_complete_report_has_no_problems():
    assert section_problems(PROSE) == []
    assert timeline_problems(timeline(), keys=KEYS, start="2025-07-07", end="2025-09-20") == []
    assert impact_problems({"affected": 120, "users_share": 0.3}, ["affected", "users_share"]) == []
    assert (
        action_problems(actions(), review_date=REVIEW, addresses=["misrouting", "detection"]) == []
    )
    check_postmortem(
        PROSE, timeline(), {"affected": 120}, actions(),
        impact_fields=["affected"], review_date=REVIEW, keys=KEYS,
    )  # fmt: skip


def test_sections_are_found_by_heading_and_counted_without_template_guidance():
    assert [h for h, _ in parse_sections("intro\n# A\nx y\n```\n# not a heading\n```\n## B\n")] == [
        "A",
        "B",
    ]
    assert word_count("<!-- guidance only -->\nYOUR ANSWER HERE\nTODO ...") == 0
    assert word_count("On 2025-08-29 at 10:00 UTC, 16% of requests...") == 8
    alternatives = PROSE.replace(
        "## Root cause and contributing factors", "### 3. Contributing Factors:"
    )
    assert section_problems(alternatives.replace("What went badly", "What went wrong")) == []


def test_the_untouched_template_lacks_every_section_body():
    problems = section_problems(TEMPLATE.read_text())
    assert len(problems) == len(PROSE_SECTIONS)
    assert all("has 0 words" in p for p in problems)


def test_missing_and_short_sections_are_named():
    prose = PROSE.replace("## Detection", "## Observations").replace(
        f"## Where we got lucky\n\n{WORDS}", "## Where we got lucky\n\nlow traffic"
    )
    assert section_problems(prose) == [
        "missing section 'Detection' (a Markdown heading such as '## Detection')",
        "section 'Where we got lucky' has 2 words; write at least 10",
    ]
    with pytest.raises(CheckFailed, match="missing section 'Detection'"):
        check_sections(prose)
    assert section_problems(None) == ["the report must be a str of Markdown, not NoneType"]


@pytest.mark.parametrize(
    ("frame", "problem"),
    [
        ([1, 2], "timeline must be a pandas DataFrame, not list"),
        (timeline().drop(columns="source"), "timeline has no column(s) ['source']"),
        (timeline().iloc[:0], "timeline has no rows"),
        (
            timeline(time=["2025-08-05", "2025-09-04"]),
            "not tz-aware datetimes: parse with pd.to_datetime(..., utc=True)",
        ),
        (
            timeline(time=pd.to_datetime(["2025-08-05", "2025-09-04"]).tz_localize("US/Pacific")),
            "is in time zone US/Pacific; convert with .dt.tz_convert('UTC')",
        ),
        # "NaT" parses to the missing time (as None does, which pandas-stubs do not list)
        (timeline(time=pd.to_datetime(["NaT", "2025-09-04"], utc=True)), "1 missing time(s)"),
        (
            timeline(time=pd.to_datetime(["2025-09-04", "2025-08-05"], utc=True)),
            "not sorted by time: row 1 (2025-08-05 00:00:00+00:00) comes after row 0",
        ),
        (
            timeline(event=["routing change", "fix"]),
            "timeline['event'] is empty or too short in row(s) [0, 1]",
        ),
        (
            timeline(source=["changes", None]),
            "timeline['source'] is empty or too short in row(s) [1]",
        ),
        (timeline(key=["onset", "onset"]), "timeline['key'] 'onset' is used twice (rows 0 and 1)"),
        (
            timeline(key=["onset", "rollout"]),
            "row 1 is 'rollout', which is not one of ['onset', 'fix']",
        ),
        (
            timeline(time=pd.to_datetime(["2025-07-01", "2025-09-04"], utc=True)),
            "timeline has a time before the data starts",
        ),
    ],
)
def test_timeline_problems_say_what_is_wrong(frame, problem):
    problems = timeline_problems(frame, keys=KEYS, start="2025-07-07", end="2025-09-20")
    assert any(problem in p for p in problems), problems


def test_blank_keys_are_ordinary_events():
    assert timeline_problems(timeline(key=["", None]), keys=KEYS) == []


def test_impact_values_must_be_finite_non_negative_numbers_and_shares_fractions():
    impact = {"affected": True, "users_share": 30.0, "days": float("nan"), "n": -1}
    assert impact_problems(impact, ["affected", "users_share", "days", "n", "peak"]) == [
        "impact['affected'] is True: it must be a finite number",
        "impact['users_share'] is 30.0: a share is between 0 and 1, not a %",
        "impact['days'] is nan: it must be a finite number",
        "impact['n'] is -1: it cannot be negative",
        "impact has no entry 'peak'",
    ]
    assert impact_problems([1], ["a"]) == ["impact must be a dict, not list"]
    with pytest.raises(CheckFailed, match="impact has no entry 'peak'"):
        check_impact({}, ["peak"])


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"action": ["Improve monitoring", "Alert when the hourly share exceeds baseline now"]},
            "row 0: the action is too short",
        ),
        ({"kind": ["prevent", "monitor"]}, "row 1: kind 'monitor' is not one of"),
        ({"addresses": ["misrouting", "luck"]}, "row 1: addresses 'luck' is not one of"),
        ({"owner_role": ["Priya", "observability lead"]}, "contains the given name 'Priya'"),
        ({"owner_role": ["@dmitri", "observability lead"]}, "'@dmitri' is a handle"),
        ({"owner_role": ["TBD", "observability lead"]}, "'TBD' is not a role"),
        ({"priority": ["P0", "high"]}, "row 1: priority 'high' is not one of"),
        ({"due": ["soon", date(2025, 11, 7)]}, "row 0: due 'soon' is not a date"),
        (
            {"due": [date(2025, 9, 19), date(2025, 11, 7)]},
            "due 2025-09-19 is not after the review on 2025-09-19",
        ),
        (
            {"due": [date(2025, 12, 1), date(2025, 11, 7)]},
            "a P0 action is due within 28 days of the review (by 2025-10-17)",
        ),
        (
            {
                "action": ["Add a canary stage with a two hour soak to every router config change"]
                * 2
            },
            "row 1: the same action as row 0",
        ),
    ],
)
def test_action_item_problems_say_what_is_wrong(changes, problem):
    problems = action_problems(
        actions(**changes), review_date=REVIEW, addresses=["misrouting", "detection"]
    )
    assert any(problem in p for p in problems), problems


def test_action_items_accept_strings_and_timestamps_as_due_dates():
    due = [pd.Timestamp("2025-10-01", tz="UTC"), "2025-11-01"]
    assert action_problems(actions(due=due), review_date=REVIEW) == []
    with pytest.raises(CheckFailed, match="priority 'P9'"):
        check_action_items(actions(priority=["P9", "P1"]), review_date=REVIEW)


def test_check_failures_teach_with_expected_found_and_hint():
    with pytest.raises(CheckFailed) as failure:
        check_timeline(timeline(time=["2025-08-05", "2025-09-04"]))
    assert failure.value.hint.startswith("pd.to_datetime(..., utc=True)")
    with pytest.raises(CheckFailed) as failure:
        check_blameless_text("## Summary\nThe engineer failed to roll back.")
    assert "line 2, column 1: blaming phrase 'The engineer failed to'" in failure.value.found


def test_render_report_puts_the_tables_under_their_headings():
    prose = "## Summary\n\nText.\n\n## Impact\n\n## Timeline (UTC)\n\n## Detection\n\nMore."
    impact = {"users_share": 0.30512, "days_to_fix": 44.708, "misrouted_requests": 1617, "z": 2.5}
    report = render_report(
        prose, timeline(), impact, actions(), title="Routing incident",
        impact_descriptions={"users_share": "share of users with a bad response"},
    )  # fmt: skip
    assert report.startswith("# Routing incident\n\n## Summary")
    assert "## Impact\n\n| value | what it counts |" in report
    assert "| 30.5% (0.3051) | share of users with a bad response (`users_share`) |" in report
    assert "| 44.7 days | days to fix (`days_to_fix`) |" in report
    assert "| 1,617 | misrouted requests (`misrouted_requests`) |" in report
    assert "| 2.5 | z (`z`) |" in report
    assert "| 2025-08-05 00:00 | onset | routing change enabled | changes |" in report
    assert (
        report.index("## Timeline (UTC)")
        < report.index("| time | key |")
        < report.index("## Detection")
    )
    assert report.rstrip().endswith("| P1 | 2025-11-07 |")  # action items appended at the end
    assert "## Action items" in report

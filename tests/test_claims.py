"""labkit.claims: the dates and numbers a report states, and the sources of a timeline, against
the evidence."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from labkit.checks import CheckFailed
from labkit.claims import (
    check_dates,
    check_numbers,
    check_timeline_sources,
    date_claims,
    evidence_days,
    evidence_numbers,
    number_claims,
    timeline_source_problems,
    unsupported_dates,
    unsupported_numbers,
)


def ts(text):
    return pd.Timestamp(text, tz="UTC")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("on 2025-09-04 the fix", date(2025, 9, 4)),
        ("on 4 Sep the fix", date(2025, 9, 4)),
        ("on 4 September 2025", date(2025, 9, 4)),
        ("on 4th Sept.", date(2025, 9, 4)),
        ("on Sep 4, the fix", date(2025, 9, 4)),
        ("on September 4th, 2026", date(2026, 9, 4)),
        ("at 2025-09-04T17:00Z", date(2025, 9, 4)),
        ("(Aug. 29, 2025)", date(2025, 8, 29)),
    ],
)
def test_dates_in_the_forms_reports_write(text, day):
    assert [c.day for c in date_claims(text, year=2025)] == [day]


def test_a_date_is_read_once_and_in_order():
    claims = date_claims("From 25 Aug - 2 Sep 2025, then Sep 12 and 2025-09-18.", year=2025)
    assert [c.day.isoformat() for c in claims] == [
        "2025-08-25", "2025-09-02", "2025-09-12", "2025-09-18",
    ]  # fmt: skip
    assert [c.text for c in claims][:2] == ["25 Aug", "2 Sep 2025"]


@pytest.mark.parametrize(
    "text",
    [
        "the model may 3 times retry",  # 'may' is a verb, not May
        "version 2.1.101 and 16% of users",
        "31 Sep is no day",  # impossible dates are typos, not claims
        "`2025-01-01` in code, and ```\n2025-01-02\n``` in a block",
        "<!-- 2025-01-03 in a comment -->",
        "in March 2026, weeks later",  # a month without a day claims no day
    ],
)
def test_what_is_not_a_date_claim(text):
    assert date_claims(text, year=2025) == []


def test_unsupported_dates_are_those_on_no_day_of_the_evidence():
    evidence = evidence_days(
        pd.Series([ts("2025-09-04 00:00"), ts("2025-09-18 17:00")]),
        ts("2025-07-07"),
        [date(2025, 10, 1)],
        None,
        pd.NaT,
    )
    assert evidence == {date(2025, 9, 4), date(2025, 9, 18), date(2025, 7, 7), date(2025, 10, 1)}
    prose = "Deployed on 4 Sep, complete on 16 Sep (really 18 Sep); review 1 Oct."
    assert [c.text for c in unsupported_dates(prose, evidence, year=2025)] == ["16 Sep"]
    with pytest.raises(CheckFailed, match="16 Sep"):
        check_dates(prose, evidence, year=2025)
    check_dates("Deployed on 4 Sep.", evidence, year=2025)  # passes silently
    with pytest.raises(CheckFailed, match="str"):
        check_dates(None, evidence, year=2025)


@pytest.fixture
def records():
    return {
        "changes": pd.DataFrame({"time": [ts("2025-09-04 00:00"), ts("2025-09-18 17:00")]}),
        "oncall": pd.DataFrame({"time": [ts("2025-09-03 12:30")]}),
        "feedback": pd.DataFrame({"time": [ts("2025-08-10 08:01:30")]}),
        "evals": pd.DataFrame({"date": ["2025-09-01"]}),
        "requests": pd.DataFrame({"time": [ts("2025-07-07 00:10"), ts("2025-09-19 23:50")]}),
    }


def timeline(rows):
    return pd.DataFrame(rows, columns=["time", "source"])


def test_timeline_rows_sit_at_moments_their_sources_show(records):
    good = timeline(
        [
            (ts("2025-08-10 08:01"), "feedback"),
            (ts("2025-09-01 06:00"), "daily evals"),
            (ts("2025-09-01 22:00"), "request log"),
            (ts("2025-09-03 12:30"), "on-call chat"),
            (ts("2025-09-04 00:00"), "change log"),
            (ts("2025-09-18 17:00:40"), "Change log (CHG-0042)"),
        ]
    )
    assert timeline_source_problems(good, records) == []
    check_timeline_sources(good, records)
    bad = timeline(
        [
            (ts("2025-09-03 13:30"), "on-call chat"),  # the chat shows nothing then
            (ts("2025-09-02 00:00"), "evals"),  # no run that day
            (ts("2025-09-25 00:00"), "request log"),  # after the data
            (ts("2025-09-04 00:00"), "a hunch"),  # no table
        ]
    )
    problems = timeline_source_problems(bad, records)
    assert [p.split(":")[0] for p in problems] == ["row 1", "row 2", "row 3", "row 4"]
    assert "names none of the tables" in problems[3]
    with pytest.raises(CheckFailed, match="row 1"):
        check_timeline_sources(bad, records)


def test_a_timeline_without_the_columns_is_one_problem(records):
    assert timeline_source_problems("not a table", records) == [
        "timeline: a DataFrame with the columns time and source"
    ]


# -------------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("text", "value", "unit", "decimals"),
    [
        ("1,617 requests", 1617.0, "", 0),
        ("8.1% of users", 8.1, "%", 1),
        ("0.80 % of them", 0.8, "%", 2),
        ("16 per cent at peak", 16.0, "%", 0),
        ("44.7 days", 44.7, "day", 1),
        ("(5 hours)", 5.0, "hour", 0),
        ("in 90 min", 90.0, "minute", 0),
        ("a share of 0.163.", 0.163, "", 3),
    ],
)
def test_numbers_in_the_forms_reports_write(text, value, unit, decimals):
    (claim,) = number_claims(text, year=2025)
    assert (claim.value, claim.unit, claim.decimals) == (value, unit, decimals)


@pytest.mark.parametrize(
    "text",
    [
        "sim-sonnet-4-6 and sim-haiku-4-5",  # identifiers
        "P0, P1 and fp32 on TPU v5e",
        "release 2.1.101 of the client",  # a version
        "at 14:05 UTC, or 09:30:15",  # times of day
        "on 2025-09-04 and 4 Sep 2025",  # dates are date claims
        "requests above 200k tokens and the 1M context",
        "three bugs, 5 actions and 12 rows",  # small counts
        "in 2025 and 2026",  # years
        "`share = 0.0813` in code, and ```\nprint(99.5)\n``` in a block",
        "<!-- 777 in a comment -->",
        "1. Sticky routing\n2) Rollouts\n",  # list numbers
        "#1234 and @team42 and https://example.com/42",
    ],
)
def test_what_is_not_a_number_claim(text):
    assert number_claims(text, year=2025) == []


def test_a_number_holds_up_when_the_evidence_shows_it_as_written():
    evidence = evidence_numbers(
        {"requests": 1617, "share": 0.08127, "peak": 0.1634, "days": 44.73, "flag": True},
        ["the coding eval reads 82.1% against 83.5%", "retry 3 times, then 250 ms"],
        moments=[ts("2025-09-01 10:00"), ts("2025-09-02 15:00")],
    )
    written = (
        "1,617 requests (8.1% of users, 8.13% to two places, 8% rounded, 0.081 as a fraction); "
        "about 1,600 requests; 16% at peak; 44.7 days; the eval read 82.1%; 250 ms; "
        "the fix came 29 hours or 1.2 days later, and 100% of traffic has it"
    )
    assert unsupported_numbers(written, evidence, year=2025) == []


def test_a_number_no_evidence_shows_is_named():
    evidence = evidence_numbers({"share": 0.08127, "requests": 1617})
    wrong = "8.2% of users; 1,700 requests; 1,630 requests; 13.4% on the worst day"
    assert [c.text for c in unsupported_numbers(wrong, evidence, year=2025)] == [
        "8.2%", "1,700", "1,630", "13.4%",
    ]  # fmt: skip
    with pytest.raises(CheckFailed) as failure:
        check_numbers(wrong, evidence, year=2025)
    assert "8.2%" in str(failure.value) and "impact" in str(failure.value)


def test_a_duration_holds_up_in_its_unit_and_only_as_a_duration():
    evidence = evidence_numbers(moments=[ts("2025-09-01 10:00"), ts("2025-09-01 13:00"), None, "x"])
    assert evidence.durations == {3 * 3600.0}
    assert unsupported_numbers("3 hours, 180 minutes, 0.125 days", evidence) == []
    # not a count of requests, nor a share, nor a duration in another unit
    assert [c.text for c in unsupported_numbers("180 requests; 12.5%; 3 days", evidence)] == [
        "180", "12.5%", "3",
    ]  # fmt: skip


def test_numbers_check_wants_text():
    with pytest.raises(CheckFailed):
        check_numbers(None, evidence_numbers())

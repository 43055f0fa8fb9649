"""labkit.claims: the dates a report states, and the sources of a timeline, against the evidence."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from labkit.checks import CheckFailed
from labkit.claims import (
    check_dates,
    check_timeline_sources,
    date_claims,
    evidence_days,
    timeline_source_problems,
    unsupported_dates,
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

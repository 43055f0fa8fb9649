"""Calendar questions worked out exactly: the weekday of a date, the days between two."""

import datetime as dt

import pytest

from labkit.sim.replies.dates import dates_in
from tests.sim.replies.helpers import reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 4 1976", [dt.date(1976, 7, 4)]),
        ("july 4th, 1976", [dt.date(1976, 7, 4)]),
        ("4 July 1976 and 2000-01-01", [dt.date(1976, 7, 4), dt.date(2000, 1, 1)]),
        ("the 4th of July, 1976", [dt.date(1976, 7, 4)]),
        ("31 June 2020", []),  # no such day
        ("in 1976 we had 4 cats", []),
    ],
)
def test_dates_are_read_in_the_usual_spellings(text, expected):
    assert dates_in(text) == expected


@pytest.mark.parametrize("seed", range(3))
def test_the_weekday_of_a_date(replier, seed):
    composed = reply(replier, "what day of the week was july 4 1976", seed=seed)
    assert composed.plan == "dates:weekday"
    assert "Sunday" in composed.text and "4 July 1976" in composed.text


def test_the_days_between_two_dates(replier):
    composed = reply(replier, "how many days between 1 March 2024 and 1 March 2025?")
    assert composed.plan == "dates:between"
    assert "365 days" in composed.text and "52 weeks and 1 day" in composed.text


def test_other_questions_with_dates_are_left_to_the_plans(replier):
    text = "our outage started on 2024-05-14, how do I write the post-mortem timeline?"
    assert not reply(replier, text).plan.startswith("dates:")

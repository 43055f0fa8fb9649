"""Drafts written from the user's own facts: a message, an incident summary, a commit message."""

import pytest

from labkit.sim.replies.report import reply_problems
from tests.sim.replies.helpers import reply


@pytest.mark.parametrize("seed", range(4))
def test_a_message_says_what_the_user_asked_it_to_say(replier, seed):
    composed = reply(
        replier,
        "draft a reply from me saying we'll pull autocomplete and ship the rest at 16:00",
        seed=seed,
    )
    assert composed.plan == "draft:message"
    assert "We'll pull autocomplete and ship the rest at 16:00." in composed.text
    assert not reply_problems(composed.text, "end_turn")


def test_an_incident_summary_keeps_the_facts_and_brackets_the_rest(replier):
    composed = reply(
        replier,
        "write a short incident summary: a database migration locked the users table for 12 "
        "minutes during peak traffic",
    )
    assert composed.plan == "draft:incident summary"
    assert "**What happened:** A database migration locked the users table for 12 minutes" in (
        composed.text
    )
    assert "**Impact:** [" in composed.text  # not invented
    assert not reply_problems(composed.text, "end_turn")


def test_a_commit_message_has_an_imperative_subject_line(replier):
    composed = reply(
        replier, "write a commit message: fixed the flaky login test by waiting for the redirect"
    )
    assert composed.plan == "draft:commit message"
    subject = composed.text.split("```text\n", 1)[1].splitlines()[0]
    assert subject.startswith("Fix the flaky login test")
    assert len(subject) <= 60


@pytest.mark.parametrize(
    "text",
    [
        "write a status update about the outage",  # a subject, no account: the plans answer
        "how do I write a good incident summary?",
        "write a function that parses dates",
    ],
)
def test_without_an_account_there_is_no_draft(replier, text):
    assert not reply(replier, text).plan.startswith("draft:")


def test_braces_in_the_facts_cannot_open_a_placeholder(replier):
    composed = reply(replier, "draft a message saying the {subject} field is now required")
    assert "{subject}" not in composed.text
    assert "(subject)" in composed.text

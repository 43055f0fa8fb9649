"""The blameless-language check: written true positives (with the exact phrase, line and column)
and written false positives that must stay quiet."""

from __future__ import annotations

import pytest

from labkit.blameless import Finding, check_blameless, format_findings, given_names


def flagged(text: str) -> list[tuple[int, int, str, str]]:
    return sorted((f.line, f.column, f.kind, f.phrase) for f in check_blameless(text))


# (text, [(line, column, kind, phrase), ...]): what a reviewer would flag, exactly where.
TRUE_POSITIVES = [
    (
        "The outage was Mark's fault.",
        [(1, 16, "personal_name", "Mark"), (1, 16, "blame", "Mark's fault")],
    ),
    (
        "The on-call engineer failed to notice the alert.",
        [(1, 1, "blame", "The on-call engineer failed to")],
    ),
    ("She should have known the flag was risky.", [(1, 5, "blame", "should have known")]),
    (
        "The deploy was careless and negligent.",
        [(1, 16, "blame", "careless"), (1, 29, "blame", "negligent")],
    ),
    ("Root cause: human error.", [(1, 13, "blame", "human error")]),
    ("Someone dropped the ball on the canary.", [(1, 9, "blame", "dropped the ball")]),
    ("The reviewer didn't bother to run the tests.", [(1, 14, "blame", "didn't bother")]),
    ("The author messed up the config.", [(1, 12, "blame", "messed up")]),
    (
        "An incompetent change and a stupid default.",
        [(1, 4, "blame", "incompetent"), (1, 29, "blame", "stupid")],
    ),
    ("He forgot to enable the canary.", [(1, 1, "blame", "He forgot to")]),
    ("Nobody knows who broke the router.", [(1, 14, "blame", "who broke")]),
    ("Why did you deploy on a Friday?", [(1, 1, "blame", "Why did you")]),
    (
        "The engineer should have checked the dashboard.",
        [(1, 1, "blame", "The engineer should have checked")],
    ),
    (
        "The alert missed it; then the engineer missed the alert.",
        [(1, 27, "blame", "the engineer missed")],
    ),
    (
        "The release manager simply ignored the warning.",
        [(1, 1, "blame", "The release manager simply ignored")],
    ),
    ("Priya rolled back the change at 09:00 UTC.", [(1, 1, "personal_name", "Priya")]),
    (
        "Sarah forgot to run the canary.",
        [(1, 1, "blame", "Sarah forgot to"), (1, 1, "personal_name", "Sarah")],
    ),
    ("Thanks to Will for the quick rollback.", [(1, 11, "personal_name", "Will")]),
    ("June deployed the fix.", [(1, 1, "personal_name", "June")]),
    ("Mark's change raised the share.", [(1, 1, "personal_name", "Mark")]),
    ("We asked Grant for the request ids.", [(1, 10, "personal_name", "Grant")]),
    ("Ask @dmitri for the request ids.", [(1, 5, "personal_name", "@dmitri")]),
    ("cc @theresa and @sre-team", [(1, 4, "personal_name", "@theresa")]),
    (
        "## Timeline\n\n- 09:00 the rollback starts.\n- 09:40 Ahmed confirms the rate is normal.",
        [(4, 9, "personal_name", "Ahmed")],
    ),
    ("| 2025-09-02 09:00 | Carlos rolls back | chat |", [(1, 22, "personal_name", "Carlos")]),
    # Blame from other verbs and idioms of haste and neglect.
    (
        "The release manager rushed the change out before the freeze.",
        [(1, 1, "blame", "The release manager rushed")],
    ),
    ("Someone cut corners on the migration.", [(1, 9, "blame", "cut corners")]),
    (
        "The author of the change never told anyone it touched the schema.",
        [(1, 1, "blame", "The author of the change never told")],
    ),
    # Counterfactual blame.
    (
        "If the reviewer had just run the tests, none of this would have happened.",
        [(1, 1, "blame", "If the reviewer had just run")],
    ),
    (
        "Had the operator checked the target, the table would still exist.",
        [(1, 1, "blame", "Had the operator checked")],
    ),
    # Sarcasm.
    ("Great job shipping on a Friday.", [(1, 1, "blame", "Great job")]),
    (
        "Apparently nobody thought to check the disk.",
        [(1, 1, "blame", "Apparently nobody")],
    ),
    # Blame inside quotation marks that are the author's own: no way around the check.
    ('The "careful" rollout took down every region.', [(1, 5, "blame", '"careful"')]),
    (  # one finding where a scare quote, a judgement and an idiom overlap
        'The engineer was "too lazy to test" the change.',
        [(1, 1, "blame", 'The engineer was "too lazy to test"')],
    ),
    # Names the list does not have, found by how a sentence uses them.
    (
        "Kenji noticed the lag graph climbing.",
        [(1, 1, "personal_name", "Kenji")],
    ),
    ("Thanks to Mei Ling for staying on the bridge.", [(1, 11, "personal_name", "Mei")]),
    ("Georgia, the on-call engineer, opened the ticket.", [(1, 1, "personal_name", "Georgia")]),
]

# Text a blameless report may well contain: none of it may be flagged.
FALSE_POSITIVES = [
    "The health check failed to detect the bad pool.",
    "The load-balancer change caused the spike; the deploy tool forgot nothing.",
    "The tests should have caught the change if they had covered long prompts.",
    "Will the fix hold under load?",
    "Mark the alert as resolved once the rate is normal.",
    "Grant the support lead access to the dashboard.",
    "Hope is not a strategy.",
    "The fix shipped on May 5, was verified in May and completed on 16 June.",
    "In August the share rose; by September it was back to normal.",
    "Claude Opus 4.1 and Sonnet 4 on Amazon Bedrock and Google Vertex AI, served on TPU.",
    "Haiku 3.5 on Trainium and the sim-sonnet-4-6 model.",
    "Routing moved some users to servers in the Virginia region.",
    "## What Went Well",
    "### Where Will We Be Lucky Next Time",
    "The on-call engineer rolled back the change at 09:00 UTC.",
    "Page @oncall-inference and post in @here; cc @sre-team and @eval-leads.",
    "Contact sre@example.com or see https://example.com/Sarah/runbook for details.",
    'A user wrote "Bob broke it, the model is stupid now".',
    "A user wrote \u201cthe model is dumb this week, Kevin\u201d.",
    "> Kevin: this is dumb, who broke it?",
    "The flag `tom_config` and `@pytest.fixture` are code.",
    "```\nSarah = careless()\n```",
    "<!-- Sarah should have known -->",
    "This is a blameless review; we do not assign blame.",
    "The misrouting was sticky: a user once misrouted tended to stay misrouted.",
    "Thai or Chinese characters appeared in English answers.",
    "**Summary.** Will this recur? Not with exact top-k.",
    # Neutral uses of "failed", "missed" and "fault".
    "The on-call engineer failed to reach the host because the VPN was down.",
    "The engineer failed to connect to the bastion during the network partition.",
    "Requests missed the cache after the key format changed.",
    "The patch missed the release train by a day.",
    "The service is fault-tolerant across three zones; fault injection runs weekly.",
    "The worker died with a segmentation fault in the image decoder.",
    "A fault in the power supply took the rack offline.",
    # Places, months and products named like people.
    "The Austin office lost VPN connectivity at 06:12.",
    "Customers in Jordan saw elevated latency.",
    "Travis CI was still a required check.",
    "Virginia failed over to Oregon in four minutes.",
    # A quotation mentioned, not used.
    'The review asked "what made this make sense at the time" rather than "why did you do that".',
]


@pytest.mark.parametrize(("text", "expected"), TRUE_POSITIVES, ids=[t for t, _ in TRUE_POSITIVES])
def test_blaming_phrases_and_names_are_flagged_exactly(text, expected):
    assert flagged(text) == sorted(expected)


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_blameless_text_is_not_flagged(text):
    assert flagged(text) == []


def test_every_finding_has_a_constructive_suggestion():
    text = "\n".join(t for t, _ in TRUE_POSITIVES)
    findings = check_blameless(text)
    assert len(findings) == sum(len(e) for _, e in TRUE_POSITIVES)
    for finding in findings:
        assert isinstance(finding, Finding) and finding.kind in ("blame", "personal_name")
        assert len(finding.suggestion.split()) >= 8
    blame = [f.suggestion for f in findings if f.kind == "blame"]
    assert any("what" in s and "how" in s for s in blame)
    assert all("role" in f.suggestion for f in findings if f.kind == "personal_name")


def test_lines_and_columns_count_from_one_across_a_multi_line_report():
    report = (
        "## Summary\n"
        "Routing sent some requests to the wrong pool.\n"
        "\n"
        '> quoted: "Omar broke it"\n'
        "## Contributing factors\n"
        "- The canary was skipped; the author failed to\n"
        "  notice because Omar's dashboard showed averages.\n"
    )
    assert flagged(report) == [
        (6, 27, "blame", "the author failed to"),
        (7, 18, "personal_name", "Omar"),
    ]


def test_a_quotation_may_wrap_lines_but_not_paragraphs():
    wrapped = 'A user wrote "the answers got\nworse, Kevin broke it" on 2 Sep.'
    assert flagged(wrapped) == []
    unclosed = 'A user wrote "the answers got worse.\n\nKevin broke it.'
    assert flagged(unclosed) == [(3, 1, "blame", "Kevin broke"), (3, 1, "personal_name", "Kevin")]


def test_format_findings_names_line_phrase_and_suggestion():
    text = "All fine.\nThe outage was human error."
    message = format_findings(check_blameless(text))
    assert message.startswith("line 2, column 16: blaming phrase 'human error' -> ")
    assert format_findings([]) == "no blaming phrases or personal names found"


def test_the_name_list_is_the_committed_ssa_extract():
    names = given_names()
    assert len(names) == 4000
    assert names["Priya"] == "name" and names["Will"] == "word" and names["May"] == "proper"
    assert set(names.values()) == {"name", "word", "proper"}
    assert "Unknown" not in names and "Baby" not in names  # SSA placeholders were dropped


def test_non_text_is_refused_with_a_clear_message():
    with pytest.raises(TypeError, match="check_blameless needs a str, got NoneType"):
        check_blameless(None)  # type: ignore[arg-type]


def test_the_data_card_names_the_committed_file_by_its_hash():
    import hashlib
    from pathlib import Path

    import labkit

    folder = Path(labkit.__file__).parent / "data"
    digest = hashlib.sha256((folder / "given_names.tsv").read_bytes()).hexdigest()
    card = (folder / "DATACARD.md").read_text()
    assert digest in card and "public domain" in card


@pytest.mark.parametrize(
    "text",
    [
        "The first complaint arrived on 1 Jan.",
        "Jan 5 was quiet.",
        "From 3 June to 1 Aug the rate rose.",
    ],
)
def test_a_month_next_to_a_day_is_a_date_even_when_it_is_also_a_given_name(text):
    assert check_blameless(text) == []


def test_the_same_month_word_acting_as_a_person_is_still_a_name():
    assert [f.kind for f in check_blameless("Jan approved the change.")] == ["personal_name"]


# Classes of blaming phrasing the check generalises (written for these tests, not taken from the
# corpus): each sentence must be flagged, wherever the finding falls.
BLAMING_CLASSES = [
    # passive blame with its agent
    "The rollback plan was ignored by the release captain.",
    "The freeze was bypassed by the mobile lead.",
    "The change was pushed by the intern without review.",
    # a relative clause carries the omission
    "The alert was muted by the on-call engineer, who then forgot to unmute it.",
    # names of many cultures, used with an operator's neutral verb or as a source
    "Siobhán restarted the broker at 11:02.",
    "Tarek rolled back the release after the alarm.",
    "Ana-Lucía Ferreira opened the incident.",
    "Per Rahul, the migration ran twice.",
    "The pager was handed over from Kwame to the night shift on-call.",
    "Ji-hoon's script removed the old indexes.",
    # counterfactuals with a negation, a contraction or "they"
    "The incident was avoidable had the DBA not dropped the index.",
    "If the operator hadn't restarted the primary, we would have been fine.",
    "Had they read the runbook, the restart would have been safe.",
    "A quick look at the dashboard by the on-call would have prevented the outage.",
    # traits and what a person "needs to" be
    "An overconfident reviewer approved the change.",
    "The on-call was apathetic and slow.",
    "The operator needs to pay more attention.",
    # sarcasm without the old markers
    "The platform team once again shows that testing is optional.",
    "Stellar planning by the release team as usual.",
    "Kudos to the platform team for finding out in production that the disk was full.",
    # scare quotes owned by a person, and an elided possessive of fault
    "The DBA's 'backup' turned out to be empty.",
    "The 'fix' from the contractor broke checkout.",
    "Not the cache's fault; the reviewer's.",
    # haste, and a role without an article in a timeline cell
    "The release manager blew through the change freeze.",
    "The engineer pushed straight to production.",
    "| 03:12 | reviewer ignores the warning | Slack |",
]

# ... and what must stay quiet next to them.
BLAMELESS_NEIGHBOURS = [
    "Argo rolled back the deploy after the health check failed.",
    "Automation restarted the pods at 03:10.",
    "Responders drained the zone at 14:05.",
    "Follow-up's script ran without errors.",
    "The alert was silenced by the maintenance window automation.",
    "The warning was ignored by the parser, which treats it as informational.",
    "If they had been configured with a longer TTL, the caches would have survived.",
    "According to Grafana, latency peaked at 14:07.",
    "Traffic moved from Frankfurt to Dublin at 10:05.",
    "The test shows that the cache is optional for small tenants.",
    "A simple lint rule would have caught the typo.",
    "The responder was inexperienced with the new database, and the runbook did not cover it.",
    "The runbook's 'quick restart' section was out of date.",
    "They never received the alert because it was routed to a retired channel.",
    "The monitoring system sat on the queue for nine minutes due to a batching delay.",
    "Per the runbook, the on-call silenced P4 alerts overnight.",
    "Anyone on call could have run the same query and reached the same conclusion.",
    "Cassandra compaction fell behind during the repair.",
]


@pytest.mark.parametrize("text", BLAMING_CLASSES)
def test_each_class_of_blaming_phrasing_is_flagged(text):
    assert check_blameless(text) != []


@pytest.mark.parametrize("text", BLAMELESS_NEIGHBOURS)
def test_the_blameless_neighbours_of_those_classes_stay_quiet(text):
    assert flagged(text) == []

"""Summaries of pasted text: the request is split off, the kind is read from the form, and what
the summary says comes from the text (reported where a pattern makes it safe, quoted otherwise)."""

import re

import pytest

from labkit.sim.replies.bank import load_bank
from labkit.sim.replies.compose import Writer
from labkit.sim.replies.summary import (
    DEFAULT_BULLETS,
    KINDS,
    NO_NAMES,
    NONE_STATED,
    fills,
    has_material,
    kind_of,
    length_asked,
    sentences,
    split_request,
)
from tests.sim.replies.helpers import reply

EMAIL = """Can you summarise this email for me?

Hi Priya,

The vendor confirmed the new SSO integration will be ready on 14 March. Before then we need to
finish the user migration. Can you send the updated user list to Marco by Friday? We decided to
keep the old login page running for two weeks after launch as a fallback.

Thanks,
Elena"""

EMAIL_WITH_HEADERS = """summarise this for my manager:
From: Jonas Weber <jonas.weber@example.com>
To: platform-team@example.com
Subject: Re: Postgres upgrade window

Hello all,

Quick update on the Postgres 16 upgrade. The staging upgrade went fine on Tuesday and the
replication lag stayed under 2 seconds throughout. We agreed with the DBA team to run the
production upgrade on Sunday 9 June between 06:00 and 08:00 UTC. Please don't merge schema
migrations after Thursday until the upgrade is done. Could someone from support draft the
customer notice by Wednesday?

Let me know if you have any questions.

Best regards,
Jonas

On Mon, 3 Jun 2026 at 10:12, Ana wrote:
> When is the upgrade? Send me the runbook please."""

THREAD = """summarise this thread
Ana: the nightly eval dropped 4 points
Ben: could be the new prompt, merged Monday
Ana: or noise, we only ran 50 items
Ben: let's rerun with 3 seeds before reverting
Ana: agreed"""

SLACK = """Can you give me the gist of this Slack thread? I was out.
[09:14] Zoë Martín: heads up, the checkout service is returning 502s for about 3% of requests
[09:15] Łukasz Nowak: started after the 09:00 deploy?
[09:16] Zoë Martín: yes, deploy 4411. rolling back now
[09:31] Łukasz Nowak: error rate back to 0.1%. Can you write the incident note by end of day?
[09:32] Zoë Martín: will do"""

NOTES = """Please summarise these minutes for people who missed the call.

Weekly sync, 12 May
Attendees: Amara Okafor, Chen Wei, Rafael Souza

Decisions:
- Read-only offline mode ships first, full sync later
- The pricing page redesign is postponed to Q4

Action items:
- Rafael to write the read-only offline spec by 20 May
- Amara: confirm the August capacity with the mobile lead
- Update the public roadmap (Chen)
- [x] book the room for the offsite
- [ ] decide on the new onboarding flow
"""

ARTICLE = """Summarise this paragraph:
Caching is one of the oldest tricks in computing, and one of the easiest to get wrong. A cache
trades memory for time: it keeps the result of an expensive computation so that the next request
can skip the work. The hard part is invalidation. When the underlying data changes, every cached
copy of it is suddenly wrong, and a system that serves stale answers can be worse than one that is
merely slow. Most production incidents involving caches come down to a missing or delayed
invalidation rather than to the cache itself. Teams that succeed with caching usually start by
deciding how stale an answer may be, in seconds, before they write any code."""

BUILD_LOG = """summarise this build log
$ npm run build
> tsc -p .
src/api/client.ts(42,7): error TS2322: Type 'string' is not assignable to type 'number'.
Found 1 error.
npm ERR! code 2"""

PYTEST = """Summarise this pytest output:
============ test session starts ============
collected 5 items
tests/test_dates.py ..F..
FAILED tests/test_dates.py::test_leap_day - AssertionError: assert 28 == 29
======= 1 failed, 4 passed in 0.21s ======="""

TRACEBACK = """can u summarise what went wrong in this run
Traceback (most recent call last):
  File "/home/ana/proj/run.py", line 8, in <module>
    main()
  File "/home/ana/proj/app/config.py", line 12, in load_config
    return yaml.safe_load(open(path))["database"]["url"]
  File "/usr/lib/python3.11/site-packages/yaml/__init__.py", line 125, in safe_load
    return load(stream, SafeLoader)
KeyError: 'database'"""

CHAINED = """summarise this traceback
Traceback (most recent call last):
  File "app.py", line 10, in read_port
    return int(os.environ["PORT"])
KeyError: 'PORT'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "app.py", line 14, in <module>
    port = read_port()
  File "app.py", line 12, in read_port
    raise RuntimeError("PORT is not set")
RuntimeError: PORT is not set"""

JAVA = """summarise this stack trace
Exception in thread "main" java.lang.NullPointerException: name is null
\tat com.acme.users.UserService.normalise(UserService.java:42)
\tat java.base/java.lang.Thread.run(Thread.java:833)"""

JS = """summarise this error
TypeError: Cannot read properties of undefined (reading 'id')
    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)
    at getUser (/app/src/users.js:14:22)"""

GO = """what went wrong here, short version
panic: runtime error: index out of range [3] with length 3

goroutine 1 [running]:
main.parseArgs(...)
\t/home/dev/tool/main.go:21
main.main()
\t/home/dev/tool/main.go:9 +0x1d"""

DIFF = """Summarise this diff for the reviewers
diff --git a/src/dates.py b/src/dates.py
--- a/src/dates.py
+++ b/src/dates.py
@@ -10,7 +10,9 @@ def parse_date(text):
-    year, month, day = text.split("-")
+    parts = text.strip().split("-")
+    if len(parts) != 3:
+        raise ValueError(f"not a date: {text!r}")
+    year, month, day = parts
diff --git a/tests/test_dates.py b/tests/test_dates.py
--- a/tests/test_dates.py
+++ b/tests/test_dates.py
@@ -1,3 +1,5 @@
+def test_rejects_garbage():
+    assert parse_date("soon") is None"""

BUG = """Can you summarise this bug report?
Export to CSV drops the last row

Steps to reproduce:
1. Open any report with more than 100 rows
2. Click Export > CSV

Expected: the CSV has the same number of rows as the table
Actual: the last row is missing every time

```
ERROR exporter: row 100 failed to serialise
```"""

RUN_ON = """tldr
ok so basically the importer keeps timing out on the big customer files and marco thinks its the
xml parser but i think its the network share we need to decide before the release next week"""

ALL = {
    "email": EMAIL,
    "email_with_headers": EMAIL_WITH_HEADERS,
    "thread": THREAD,
    "slack": SLACK,
    "notes": NOTES,
    "article": ARTICLE,
    "build_log": BUILD_LOG,
    "pytest": PYTEST,
    "traceback": TRACEBACK,
    "chained": CHAINED,
    "java": JAVA,
    "js": JS,
    "go": GO,
    "diff": DIFF,
    "bug": BUG,
    "run_on": RUN_ON,
    "short": "summarise: ok thanks",
    "only_request": "summarise the build log",
}


# -- the request and the material ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "asked", "material"),
    [
        ("summarise this log\nERROR x\nERROR y", "summarise this log", "ERROR x\nERROR y"),
        ("Summarise these notes: - a\n- b", "Summarise these notes", "- a\n- b"),
        ("summarise the standup: api 70% done; dashboard shipped", "summarise the standup", "api 70% done; dashboard shipped"),
        ("Hi Marco,\nThe costs are up.\nThanks,\nSofia\ncan you summarise this email", "can you summarise this email", "Hi Marco,\nThe costs are up.\nThanks,\nSofia"),
        ("Can you summarise this paragraph? The new cache cut p95 latency from 900 ms to 120 ms.", "Can you summarise this paragraph?", "The new cache cut p95 latency from 900 ms to 120 ms."),
        ('Summarise "the meeting moves to Tuesday at 10:00 from next week" for the channel', "Summarise  for the channel", "the meeting moves to Tuesday at 10:00 from next week"),
        ("tl;dr:\n```\nERROR disk full\n```", "tl;dr:", "ERROR disk full"),
        ("summarise the build log", "summarise the build log", ""),
    ],
)  # fmt: skip
def test_the_request_is_split_from_the_pasted_material(text, asked, material):
    assert split_request(text) == (asked, material)


def test_a_colon_inside_a_time_or_an_address_does_not_split_the_request():
    request, material = split_request(
        "Can you summarise it for me: the db at db-primary:5432 was down from 10:00"
    )
    assert request == "Can you summarise it for me"
    assert material == "the db at db-primary:5432 was down from 10:00"


def test_has_material_tells_a_paste_from_a_bare_request():
    assert has_material("summarise: ok thanks")
    assert has_material(THREAD)
    assert not has_material("Summarise the GitHub Actions run for me.")
    assert not has_material("")


# -- the kind -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("email", "email"),
        ("email_with_headers", "email"),
        ("thread", "chat thread"),
        ("slack", "chat thread"),
        ("notes", "meeting notes"),
        ("article", "text"),
        ("build_log", "log"),
        ("pytest", "test output"),
        ("traceback", "traceback"),
        ("chained", "traceback"),
        ("java", "traceback"),
        ("js", "traceback"),
        ("go", "traceback"),
        ("diff", "diff"),
        ("bug", "bug report"),
        ("run_on", "text"),
    ],
)
def test_the_kind_of_material_is_read_from_its_form(name, kind):
    assert fills(ALL[name])["kind"] == kind
    assert kind in KINDS


def test_a_bulleted_list_is_notes_not_a_diff():
    assert kind_of("- agreed to move the release\n- Sam to fix the test\n- still undecided") == (
        "meeting notes"
    )


def test_a_timeline_of_events_is_read_like_a_log():
    text = "14:02 alerts firing for checkout latency\n14:05 rolled back deploy 812\n14:30 root cause under investigation"
    assert kind_of(text, "summarise this incident channel excerpt") == "log"


# -- logs, test runs, tracebacks, diffs: the lines that matter, quoted --------------------------
def test_a_log_is_summarised_by_its_telling_lines_quoted():
    summary = fills(BUILD_LOG)["summary"]
    assert summary.startswith("`src/api/client.ts(42,7): error TS2322")
    assert "`Found 1 error`" in summary
    assert "npm run build" not in summary


def test_a_test_run_keeps_the_failure_and_the_counts():
    summary = fills(PYTEST)["summary"]
    assert "test_leap_day - AssertionError: assert 28 == 29" in summary
    assert "1 failed, 4 passed" in summary


def test_errors_come_before_warnings_and_repeats_are_counted_once():
    log = "what does this log say in short\n" + "\n".join(
        [f"WARN deprecated config key 'k{i}'" for i in range(4)]
        + ["2026-03-02T10:14:09Z ERROR job 88121 failed: out of memory"] * 2
        + ["2026-03-02T10:15:40Z ERROR job 88121 failed: out of memory"]
    )
    summary = fills(log)["summary"]
    assert summary.startswith("`WARN deprecated config key 'k0'`")
    assert "out of memory` (3 times)" in summary
    assert summary.count("out of memory") == 1
    assert summary.count("`") == 6  # three lines at most


def test_a_traceback_gives_the_exception_and_the_deepest_frame_of_your_own_code():
    summary = fills(TRACEBACK)["summary"]
    assert summary.startswith("`KeyError: 'database'`")
    assert "your own code at `/home/ana/proj/app/config.py`, line 12, in `load_config`" in summary
    assert "site-packages" not in summary


def test_a_chained_traceback_names_the_exception_it_was_handling():
    summary = fills(CHAINED)["summary"]
    assert summary.startswith("`RuntimeError: PORT is not set`")
    assert summary.endswith("raised while handling `KeyError: 'PORT'`")


@pytest.mark.parametrize(
    ("name", "exception", "frame"),
    [
        ("java", "`java.lang.NullPointerException: name is null`", "com.acme.users.UserService.normalise(UserService.java:42)"),
        ("js", "`TypeError: Cannot read properties of undefined (reading 'id')`", "getUser (/app/src/users.js:14:22)"),
        ("go", "`panic: runtime error: index out of range [3] with length 3`", "main.parseArgs` (`/home/dev/tool/main.go:21"),
    ],
)  # fmt: skip
def test_java_javascript_and_go_traces_skip_library_frames(name, exception, frame):
    summary = fills(ALL[name])["summary"]
    assert summary.startswith(exception)
    assert f"your own code at `{frame}" in summary


def test_a_diff_is_summarised_by_its_files_and_lines():
    summary = fills(DIFF)["summary"]
    assert summary == (
        "changes to two files: `src/dates.py` (4 lines added and 1 removed) and"
        " `tests/test_dates.py` (2 lines added), in `parse_date`"
    )


# -- prose: central sentences, reported where safe -----------------------------------------------
def test_an_email_request_is_reported_for_the_person_it_greets():
    values = fills(EMAIL)
    assert (
        "a request for Priya to send the updated user list to Marco by Friday" in values["summary"]
    )
    assert values["actions"] == "Priya to send the updated user list to Marco by Friday"
    assert values["decisions"] == (
        "the decision to keep the old login page running for two weeks after launch as a fallback"
    )
    assert values["people"] == "Elena (who wrote it) and Priya"
    assert values["deadline"] == "by Friday"
    assert values["dates"] == "14 March; by Friday"


def test_an_email_leaves_out_its_pleasantries_and_the_message_it_replies_to():
    values = fills(EMAIL_WITH_HEADERS)
    assert "runbook" not in str(values) and "any questions" not in values["summary"]
    assert values["people"] == "Jonas Weber (who wrote it)"
    assert "the agreement to run the production upgrade on Sunday 9 June" in values["decisions"]
    assert values["actions"] == (
        "not to merge schema migrations after Thursday until the upgrade is done (asked by"
        " Jonas Weber); someone from support to draft the customer notice by Wednesday"
    )


@pytest.mark.parametrize(
    ("sentence", "reported"),
    [
        ("Can you send the report by Friday?", "a request to send the report by Friday"),
        ("Please review the PR by Thursday.", "a request to review the PR by Thursday"),
        ("Please don't deploy on Fridays.", "a request not to deploy on Fridays"),
        ("We decided to drop Python 3.9 support.", "the decision to drop Python 3.9 support"),
        ("We will move the standup to 9:30.", "the plan to move the standup to 9:30"),
        # "me", "my", "you" would change meaning once reported: such sentences are quoted
        ("Can you send me the report by Friday?", '"Can you send me the report by Friday?"'),
        ("We decided that you own the rollout.", '"We decided that you own the rollout"'),
    ],
)
def test_sentences_are_reported_only_where_a_pattern_makes_it_safe(sentence, reported):
    text = f"Summarise this email:\nHi team,\n{sentence}\nThe rest of the week is quiet.\nThanks,\nElena"
    assert reported in fills(text)["summary"]


def test_a_thread_reports_who_proposed_what_and_who_agreed():
    values = fills(THREAD)
    assert values["summary"] == (
        'Ana saying "the nightly eval dropped 4 points"; and a proposal from Ben to rerun'
        " with 3 seeds before reverting, which Ana agreed to"
    )
    assert values["people"] == "Ana and Ben"
    assert "which Ana agreed to" in values["decisions"]


def test_in_a_thread_whoever_answers_will_do_takes_the_request_on():
    values = fills(SLACK)
    assert values["actions"] == "Zoë Martín to write the incident note by end of day"
    assert values["people"] == "Zoë Martín and Łukasz Nowak"
    assert values["deadline"] == "by end of day"
    assert "checkout service is returning 502s" in values["summary"]


def test_notes_give_owned_actions_decisions_and_attendees():
    values = fills(NOTES)
    assert values["actions"] == (
        "Rafael to write the read-only offline spec by 20 May; Amara to confirm the August"
        " capacity with the mobile lead; Chen to update the public roadmap; decide on the new"
        " onboarding flow (no owner named)"
    )
    assert "offsite" not in str(values)  # a ticked box is done
    assert values["decisions"].startswith('the decision "Read-only offline mode ships first')
    assert values["people"] == "Amara Okafor, Chen Wei and Rafael Souza"


def test_an_article_is_summarised_by_its_central_sentences_quoted():
    summary = fills(ARTICLE)["summary"]
    quoted = re.findall(r'"([^"]+)"', summary)
    assert 2 <= len(quoted) <= 3
    assert any("invalidation" in q for q in quoted)
    assert quoted[0].startswith("Caching is one of the oldest tricks")


def test_a_run_on_without_punctuation_is_cut_at_its_conjunctions():
    summary = fills(RUN_ON)["summary"]
    assert summary.startswith('"the importer keeps timing out')  # "ok so basically" dropped
    assert "the need to decide before the release next week" in summary


def test_a_bug_report_gives_title_expected_actual_and_error():
    assert fills(BUG)["summary"] == (
        '"Export to CSV drops the last row"; expected "the CSV has the same number of rows as'
        ' the table" but got "the last row is missing every time"; and the error'
        " `ERROR exporter: row 100 failed to serialise`"
    )


def test_text_too_short_to_summarise_is_restated():
    assert (
        fills("summarise: ok thanks")["summary"]
        == 'nothing to shorten, since it only says "ok thanks"'
    )


def test_a_bare_request_says_nothing_came_with_it():
    assert fills("summarise the build log")["summary"] == (
        "nothing yet, since only the request came with the message"
    )


# -- what holds for every text --------------------------------------------------------------------
def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace('"', "'"))


@pytest.mark.parametrize("name", sorted(ALL))
def test_nothing_is_quoted_that_the_text_does_not_say(name):
    source = _normalised(ALL[name])
    summary = fills(ALL[name])["summary"]
    for quoted in re.findall(r'"([^"]+)"', summary) + re.findall(r"`([^`]+)`", summary):
        for part in quoted.replace("'", "'").split("..."):
            assert _normalised(part).strip(" .,?") in source, part


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_fill_has_a_value_and_no_braces(name):
    values = fills(ALL[name])
    assert set(values) >= {"summary", "line_count", "size", "kind", "people", "actions"}
    assert set(values) >= {"decisions", "deadline", "dates"}
    assert all(values.values())
    assert not any(c in v for v in values.values() for c in "{}")


def test_fallbacks_read_as_words():
    values = fills(BUILD_LOG)
    assert values["actions"] == values["decisions"] == values["deadline"] == NONE_STATED
    assert values["people"] == NO_NAMES


def test_braces_in_the_pasted_text_cannot_open_a_placeholder():
    values = fills(
        "summarise this: The template uses {subject} and {actions} placeholders, and the renderer crashes when a key is missing."
    )
    assert "(subject)" in values["summary"] and "{" not in values["summary"]


def test_sizes_are_counted_in_the_unit_a_reader_uses():
    assert fills(BUILD_LOG)["size"] == "five lines"
    assert fills(THREAD)["size"] == "five messages"
    assert fills(ARTICLE)["size"] == "six sentences"
    assert fills(BUILD_LOG)["line_count"] == "5"


def test_a_very_long_paste_is_summarised_in_at_most_three_items():
    sentences = [
        f"Team {i % 7} shipped feature {i} after review number {i % 5}." for i in range(600)
    ]
    summary = fills("tl;dr this report:\n" + " ".join(sentences))["summary"]
    assert 1 <= summary.count('"') // 2 <= 3


def test_the_same_text_always_gets_the_same_fills():
    assert fills(SLACK) == fills(SLACK)
    fills(SLACK)["summary"] = "changed"  # the caller's copy, not the cache
    assert fills(SLACK)["summary"] != "changed"


# -- the bank's sentences read with every kind ----------------------------------------------------
def test_every_content_plan_of_summarise_reads_with_every_kind_of_text():
    topic = load_bank().topics["summarise"]
    sentences = [
        alternative.text
        for plan in topic.plans
        if plan.when == "content"
        for step in plan.steps
        for alternative in step.alternatives
    ]
    assert any("{actions}" in s for s in sentences) and any("{kind}" in s for s in sentences)
    for name, text in ALL.items():
        writer = Writer("the output", fills(text))
        for sentence in sentences:
            filled = writer.fill(sentence)
            assert not re.search(r"\{[a-z_]+\}", filled), (name, filled)
            assert re.search(r"[.!?][\"')`]*$", filled), (name, filled)
            assert ".." not in filled.replace("...", ""), (name, filled)


def test_a_yes_to_a_question_agrees_but_a_yes_but_objects():
    thread = """summarise this github issue thread
alice: Upgrading to 2.3.0 breaks imports on Windows.
bob: should we add a CI job that installs the built wheels on Windows?
carol: yes, let's do that before 2.3.1
dan: I'll pin 2.2.4 in the meantime
erin: let's also drop the old wheel tags
fay: yes but not before the release"""
    values = fills(thread)
    assert (
        "bob asking whether to add a CI job that installs the built wheels on Windows, which carol agreed to"
        in values["decisions"]
    )
    assert "erin" not in values["decisions"]
    assert "dan to pin 2.2.4 in the meantime" in values["actions"]
    assert "to do that" not in str(values)  # "let's do that" says nothing once reported


def test_action_labels_take_their_owner_from_a_handle_or_a_name_in_brackets():
    notes = """summarise the action items from these notes
- perf regression on /search confirmed, p95 up from 180ms to 420ms
- AI: @dmitri profile the ranking call
- AI (Keiko): roll back the model flag if p95 > 300ms tomorrow
- TODO: write the postmortem"""
    values = fills(notes)
    assert values["actions"] == (
        "dmitri to profile the ranking call; Keiko to roll back the model flag if p95 > 300ms"
        " tomorrow; write the postmortem (no owner named)"
    )
    assert values["people"] == "dmitri and Keiko"
    assert "p95 up from 180ms to 420ms" in values["summary"]


def test_a_forwarded_email_is_read_from_the_forwarded_message():
    email = """Summarise this email for me please

---------- Forwarded message ---------
From: Facilities <facilities@example.org>
Subject: Office closure

Dear all,

The third floor will be closed on Friday 7 March for electrical work. Please take your laptops home on Thursday evening.

Kind regards,
Facilities team"""
    values = fills(email)
    assert values["kind"] == "email"
    assert "Forwarded" not in values["summary"] and "Subject" not in values["summary"]
    assert (
        '"The third floor will be closed on Friday 7 March for electrical work"'
        in values["summary"]
    )
    assert values["dates"] == "Friday 7 March; Thursday"


def test_headings_without_colons_group_the_bullets_below_them():
    notes = """Summarise the retro notes for the wiki
What went well
- release went out on time
What to improve
- too many flaky e2e tests
Actions
- Hamid to quarantine the 5 flakiest e2e tests
- Everyone: review PRs within one working day"""
    values = fills(notes)
    assert values["actions"] == (
        "Hamid to quarantine the 5 flakiest e2e tests; everyone to review PRs within one working day"
    )
    assert values["people"] == "Hamid"  # "What" and "everyone" are no one's names


def test_an_emoji_reply_agrees_and_a_loose_proposal_stays_quoted():
    thread = """summarise this:
Marta: the client wants the demo moved to Thursday
Oskar: Thursday works but only after 2pm
Marta: ok let's say 3pm then
Oskar: 👍
Marta: I'll send the invite"""
    values = fills(thread)
    assert (
        values["decisions"] == 'a proposal from Marta, "let\'s say 3pm then", which Oskar agreed to'
    )
    assert values["actions"] == "Marta to send the invite"


def test_a_label_line_is_not_read_as_an_owner():
    values = fills(BUG.replace("Steps to reproduce:\n1.", "Steps to reproduce: 1."))
    assert "Steps" not in values["people"] and values["actions"] == NONE_STATED


# -- summaries of a given length ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("request_text", "asked"),
    [
        ("summarise in 3 bullets", ("bullets", 3)),
        ("give me five bullet points", ("bullets", 5)),
        ("the top 4 takeaways please", ("bullets", 4)),
        ("summarise as a bulleted list", ("bullets", DEFAULT_BULLETS)),
        ("a bullet-point summary please", ("bullets", DEFAULT_BULLETS)),
        ("Summarize this in two sentences", ("sentences", 2)),
        ("in a couple of sentences", ("sentences", 2)),
        ("a one-sentence summary", ("sentences", 1)),
        ("in a sentence, what does it say", ("sentences", 1)),
        ("one line summary please", ("sentences", 1)),
        ("give me a one-liner", ("sentences", 1)),
        ("tl;dr of this", ("sentences", 1)),
        ("summarise in 50 bullets", ("bullets", 10)),
        ("summarise this email", ("", 0)),
    ],
)
def test_the_length_asked_for_is_read_from_the_request(request_text, asked):
    assert length_asked(request_text) == asked


def _from_text(part: str, source: str) -> bool:
    """A bullet or sentence of a summary is in the pasted text (first letter and end mark aside)."""
    core = _normalised(part).strip(" .?!").lower()
    return bool(core) and core in _normalised(source).lower()


LONG_ARTICLE = ARTICLE.replace("Summarise this paragraph:", "Summarise this in 4 bullets:")


def test_bullets_are_as_many_central_sentences_as_asked_each_taken_from_the_text():
    values = fills(LONG_ARTICLE)
    bullets = values["bullets"].splitlines()
    assert len(bullets) == 4 and all(b.startswith("- ") for b in bullets)
    assert all(_from_text(b[2:], ARTICLE) for b in bullets)
    assert values["bullet_count"] == "four bullets"
    # in the text's order, and the opening sentence (an article's lead) among them
    positions = [
        _normalised(ARTICLE).lower().index(_normalised(b[2:]).strip(" .").lower()) for b in bullets
    ]
    assert positions == sorted(positions)
    assert (
        bullets[0]
        == "- Caching is one of the oldest tricks in computing, and one of the easiest to get wrong."
    )


@pytest.mark.parametrize(
    ("asked", "count"), [("in one sentence", 1), ("in two sentences", 2), ("in 3 sentences", 3)]
)
def test_sentences_are_as_many_as_asked_each_taken_from_the_text(asked, count):
    values = fills(ARTICLE.replace("Summarise this paragraph:", f"Summarise this {asked}:"))
    said = sentences(values["sentences"])
    assert len(said) == count
    assert all(_from_text(s, ARTICLE) for s in said)
    assert (
        values["sentence_count"] == ["one sentence", "two sentences", "three sentences"][count - 1]
    )


def test_asking_for_more_than_the_text_has_gives_all_it_has_and_says_so():
    values = fills("summarise in 5 bullets: The deploy failed at 09:00. We rolled back at 09:12.")
    assert values["bullets"] == "- The deploy failed at 09:00.\n- We rolled back at 09:12."
    assert values["bullet_count"] == "two bullets, all the text has"


def test_bullets_of_a_thread_say_who_said_each_line():
    values = fills(THREAD.replace("summarise this thread", "summarise this thread in 2 bullets"))
    bullets = values["bullets"].splitlines()
    assert len(bullets) == 2
    assert all(re.match(r"- (?:Ana|Ben): ", b) for b in bullets)
    assert all(_from_text(b[2:], THREAD) for b in bullets)


def test_bullets_of_a_log_are_its_telling_lines_quoted():
    values = fills(
        BUILD_LOG.replace("summarise this build log", "summarise this build log in 2 bullets")
    )
    bullets = values["bullets"].splitlines()
    assert bullets[0].startswith("- `src/api/client.ts(42,7): error TS2322")
    log_lines = [line.strip() for line in BUILD_LOG.splitlines()]
    for bullet in bullets:
        quoted = re.fullmatch(r"- `([^`]+)`(?: \(.+\))?", bullet)
        assert quoted is not None, bullet
        line = quoted.group(1).removesuffix("...")  # a long line is cut, never reworded
        assert any(whole.startswith(line) for whole in log_lines), line
    assert values["sentences"].startswith("The line")


def test_a_traceback_or_a_diff_gives_its_summary_as_one_item():
    for text in (TRACEBACK, DIFF):
        values = fills(text)
        assert values["bullets"].count("\n- ") == 0 and values["bullets"].startswith("- ")
        assert values["bullet_count"] == "one bullet" and values["sentence_count"] == "one sentence"


PARAGRAPH = (
    "The new cache cut median latency from 120 ms to 40 ms. It was rolled out to 10% of traffic "
    "on Monday. Error rates stayed flat during the rollout. The team plans to reach 100% by "
    "Friday if nothing regresses. Memory use rose by about 15%, which is within budget."
)


@pytest.mark.parametrize("seed", range(4))
def test_summarise_in_three_bullets_gives_three_bullets_from_the_text(replier, seed):
    composed = reply(replier, "summarise in 3 bullets: " + PARAGRAPH, seed=seed)
    assert composed.plan == "pasted: as many bullet points as asked"
    bullets = [line[2:] for line in composed.text.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3
    assert all(_from_text(b, PARAGRAPH) for b in bullets)


@pytest.mark.parametrize("seed", range(4))
def test_summarise_in_two_sentences_gives_two_sentences_from_the_text(replier, seed):
    composed = reply(
        replier, "Summarize this in two sentences: " + PARAGRAPH, effort="low", seed=seed
    )
    assert composed.plan == "pasted: in as many sentences as asked"
    quoted = [s for s in sentences(composed.text) if _from_text(s.split(": ", 1)[-1], PARAGRAPH)]
    assert len(quoted) == 2

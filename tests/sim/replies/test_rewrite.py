"""Pasted text rewritten in another tone: rules from rewrite.toml, facts untouched, no pretending."""

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from labkit.sim.replies import Replier, rewrite
from labkit.sim.replies.bank import BankError, load_bank
from labkit.sim.replies.compose import Chooser, Writer, ends_a_sentence
from labkit.sim.replies.report import reply_problems, setting_for

BOOK_PATH = load_bank().folder / rewrite.REWRITE_FILE

PASSIVE_AGGRESSIVE = (
    "Rewrite this so it sounds less passive-aggressive: 'As I mentioned in my last three emails, "
    "the vendor contract has to be signed by Friday 14 June. Per my last email, legal already "
    "approved it on 3 June. Sign it today.'"
)
CLIENT = (
    "can you make this sound more professional? it's for a client: hey so we're gonna be a bit "
    "late on the Henderson deliverable, prob end of next week. sorry!! lmk if thats a problem"
)


@pytest.fixture(scope="module")
def book():
    loaded = rewrite.style_book(load_bank().folder)
    assert loaded is not None
    return loaded


def answered(
    replier: Replier, prompt: str, effort: str = "medium", seed: int = 0, brief: bool = False
) -> tuple[str, str]:
    """(plan, text) of rewrite.answer for a one-turn conversation."""
    reading = replier.read([{"role": "user", "content": prompt}])
    writer = Writer(reading.subject or "this")
    setting = setting_for("sim-sonnet-4-6", effort)
    if brief:
        setting = dataclasses.replace(setting, brief=True)
    chooser = Chooser(setting, np.random.default_rng(seed))
    plan = rewrite.answer(replier.bank, reading, writer, chooser)
    return plan, writer.text()


def block_of(text: str) -> str:
    """The quoted block of a reply, without its "> " markers."""
    lines = [line for line in text.split("\n") if line.startswith(">")]
    return "\n".join(re.sub(r"^> ?", "", line) for line in lines)


# -- the two requests outsiders made ----------------------------------------------------------------
@pytest.mark.parametrize("seed", range(3))
def test_passive_aggressive_openers_are_dropped_and_the_demand_becomes_a_request(replier, seed):
    plan, text = answered(replier, PASSIVE_AGGRESSIVE, seed=seed)
    assert plan == "rewrite:less passive-aggressive"
    block = block_of(text)
    assert block.startswith("The vendor contract has to be signed by Friday 14 June.")
    assert "As I mentioned" not in block and "Per my last email" not in block
    assert "Could you please sign it today?" in block
    said = text.split("\n\n")[-1]
    assert "'As I mentioned in my last three emails'" in said
    assert "'Per my last email'" in said
    assert "turned the demand into a request" in said
    assert not reply_problems(text, "end_turn")


def test_a_message_for_a_client_loses_its_slang_and_gets_a_closing(replier):
    plan, text = answered(replier, CLIENT)
    assert plan == "rewrite:professional"
    block = block_of(text)
    for gone in ("gonna", "prob ", "lmk", "thats", "!!", "hey"):
        assert gone not in block
    assert block.startswith("Hello,\n\nWe're going to be a bit late on the Henderson deliverable")
    assert "probably end of next week. Sorry. Let me know if that's a problem." in block
    assert block.endswith("\n[Your name]")  # the name is theirs to give, not invented
    assert "spelled out 'gonna', 'lmk' and 'prob'" in text
    assert "added a closing line" in text


# -- recognising the request ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "tone", "material"),
    [
        (
            "Make this more polite:\nFix the build.\nThen tell me.",
            "polite",
            "Fix the build.\nThen tell me.",
        ),
        (
            "rewrite this to be less formal: We regret to inform you of a delay.",
            "casual",
            "We regret to inform you of a delay.",
        ),
        ("rewrite this more formally: can't make it tmrw", "formal", "can't make it tmrw"),
        (
            'can you make this less blunt? "Your report is late. Send it."',
            "gentler",
            "Your report is late. Send it.",
        ),
        (
            "make it less harsh:\n```\nThis is wrong. Redo it.\n```",
            "gentler",
            "This is wrong. Redo it.",
        ),
        (
            "Rephrase this: the meeting moved to 3pm on Thursday.",
            "clear",
            "the meeting moved to 3pm on Thursday.",
        ),
        ("please proofread: i recieved it yesterday", "proofread", "i recieved it yesterday"),
        (
            "Make this shorter. We just wanted to say that the release is really very late.",
            "concise",
            "We just wanted to say that the release is really very late.",
        ),
        ("How do I say 'send me the file now' more politely?", "polite", "send me the file now"),
        (
            "Sorry, running late, start without me.\n\nCan you make that friendlier?",
            "friendly",
            "Sorry, running late, start without me.",
        ),
        ("tone this down please: STOP PUSHING TO MAIN", "gentler", "STOP PUSHING TO MAIN"),
        (
            "Can you make this email sound less passive aggressive?\n\n> Per my last email, it's due today.",
            "less passive-aggressive",
            "Per my last email, it's due today.",
        ),
    ],
)
def test_the_tone_and_the_pasted_text_are_read_from_the_request(book, prompt, tone, material):
    asked = rewrite.read_request(prompt, book)
    assert asked is not None
    assert (asked.tone, asked.material) == (tone, material)


@pytest.mark.parametrize(
    ("asked", "tone"),
    [
        ("make it less formal", "casual"),
        ("make it more formal and less casual", "formal"),
        ("less passive-aggressive and more polite", "less passive-aggressive"),
        ("more polite and less passive-aggressive", "polite"),
        ("so it doesn't sound angry", "gentler"),
        ("it's for my boss", "professional"),
        ("make it clearer", "clear"),
        ("make it more concise", "concise"),
        ("rewrite this short note", "clear"),  # "short" describes the note; it asks for nothing
    ],
)
def test_the_first_cue_in_the_request_names_the_tone(book, asked, tone):
    assert rewrite.tone_asked(asked, book) == tone


@pytest.mark.parametrize(
    "prompt",
    [
        "make it more formal",  # nothing pasted: a follow-up, or nothing to work on
        "can you make this sound more professional?",
        "rewrite my cover letter to sound more confident",
        "how do I rewrite history in git?",
        "Should I rewrite our service in Rust?",
        "rewrite this function to use a list comprehension:\n```python\ndef squares(xs):\n    out = []\n    for x in xs:\n        out.append(x * x)\n    return out\n```",
        "can you rewrite this SQL query to use a join: SELECT * FROM orders WHERE user_id IN (SELECT id FROM users)",
        "make this faster:\nfor i in range(len(xs)):\n    total += xs[i]",
        "translate this into French: hello, how are you?",
        "rewrite this as bullet points: we ship on Friday, Ana owns the release notes",
        "write a more polite reply saying we can't refund the order",
        "Summarize this in two sentences: The cache cut latency. It shipped on Monday.",
        "make this log friendlier:\n2026-01-12 09:00 ERROR db timeout\n2026-01-12 09:01 ERROR db timeout",
        # a quality no tone has: the topic's plans answer these better than "it reads clearly"
        "Rewrite this sentence to be blameless: 'Dave forgot to run the migration before deploying.'",
        "How do I rephrase 'the on-call engineer failed to notice the alert' without blame?",
        'Rewrite this prompt so it is clearer: "make the summary good and not too long".',
    ],
)
def test_without_prose_to_rewrite_nothing_is_written(replier, prompt):
    plan, text = answered(replier, prompt)
    assert (plan, text) == ("", "")


# -- what the rules do ------------------------------------------------------------------------------
FACTS = (
    "hey Priya Shah, just a friendly reminder that INVOICE INV-2041 for £4,200.50 is due on "
    "Friday 14 June at 16:30 UTC!!! As I mentioned before, pay it via https://pay.example.com/"
    "INV-2041 or ask @ana-ops. Obviously the Q3 report (v2.3.1) depends on it. Also run "
    "`make release ASAP` in order to ship. I think that it's really very important, u know."
)
KEPT = [
    "Priya Shah", "INV-2041", "£4,200.50", "Friday 14 June", "16:30 UTC",
    "https://pay.example.com/INV-2041", "@ana-ops", "Q3", "v2.3.1", "`make release ASAP`",
]  # fmt: skip


@pytest.mark.parametrize("tone", sorted(rewrite.style_book(load_bank().folder).tones))  # type: ignore[union-attr]
def test_names_numbers_dates_times_links_and_code_are_kept_in_every_tone(book, tone):
    result = rewrite.rewrite(FACTS, book.tones[tone], book, lambda: "Thanks,\n[Your name]")
    for fact in KEPT:
        assert fact in result.text, (tone, fact)


@pytest.mark.parametrize(
    ("tone", "before", "after"),
    [
        (
            "professional",
            "hey all, gonna need u to send it asap thx",
            "Hi everyone, going to need you to send it as soon as possible thanks.",
        ),
        ("polite", "Fix this NOW!!!", "Could you please fix this now?"),
        (
            "polite",
            "You need to update the README before Friday.",
            "Could you please update the README before Friday?",
        ),
        ("polite", "Don't merge until CI passes.", "Please don't merge until CI passes."),
        ("gentler", "I need the numbers by Thursday.", "Could I have the numbers by Thursday?"),
        ("gentler", "THE API IS DOWN AGAIN", "The API is down again"),
        (
            "less passive-aggressive",
            "Per my last email, the deadline is 5pm. Again, please confirm.",
            "The deadline is 5pm. Please confirm.",
        ),
        (
            "less passive-aggressive",
            "I'm asking for the third time: is it done?",
            "I'm asking: is it done?",
        ),
        (
            "concise",
            "We really just need this in order to ship, thank you very much.",
            "We need this to ship, thank you very much.",
        ),
        ("concise", "At this point in time the majority of tests pass.", "Now most tests pass."),
        ("formal", "We can't ship, it's broken.", "We cannot ship, it is broken."),
        ("casual", "We do not think it is ready.", "We don't think it's ready."),
        ("proofread", "i  think the the report is late .", "I think the report is late."),
        (
            "proofread",
            "teh invoice was recieved untill friday.",
            "The invoice was received until friday.",
        ),
        (
            "professional",
            "Send it to the U.S. office, u know the one.",
            "Could you please send it to the U.S. office, you know the one?",
        ),
        (
            "proofread",
            "i sent it, e.g. the draft. then i left at 5 p.m. today.",
            "I sent it, e.g. the draft. Then I left at 5 p.m. today.",
        ),
    ],
)
def test_rules_rewrite_only_what_they_name(book, tone, before, after):
    assert rewrite.rewrite(before, book.tones[tone], book).text == after


def test_code_spans_and_links_are_never_rewritten(book):
    text = "Run `FIX IT NOW gonna` and see https://x.example.com/GONNA-ASAP then ping @THX."
    result = rewrite.rewrite(text, book.tones["professional"], book).text
    for kept in ("`FIX IT NOW gonna`", "https://x.example.com/GONNA-ASAP", "@THX"):
        assert kept in result


def test_a_closing_is_added_only_where_the_message_has_none(book):
    tone = book.tones["polite"]
    bare = rewrite.rewrite(
        "Send the slides. The review is at 10:00.", tone, book, lambda: "Thank you."
    )
    assert bare.text.endswith("\n\nThank you.")
    assert any(c.group.id == "closing" for c in bare.changes)
    thanked = rewrite.rewrite("Send the slides. Thanks, Ana", tone, book, lambda: "Thank you.")
    assert "Thank you." not in thanked.text
    signed = rewrite.rewrite(
        "Send the slides.\nThe review is at 10:00.\nAna", tone, book, lambda: "X"
    )
    assert not signed.text.endswith("X")


def test_the_sentence_about_the_changes_names_only_the_groups_that_fired(book):
    result = rewrite.rewrite("Per my last email, the report is due.", book.tones["polite"], book)
    assert [c.group.id for c in result.changes] == ["passive_aggressive"]
    assert rewrite.describe(result.changes) == "dropped 'Per my last email'"


# -- the reply ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "prompt",
    [
        "Make this more professional: Thanks for the update, I'll review the draft and get back to you by Wednesday.",
        "Can you make this less passive-aggressive? 'Thanks for sending the slides on Monday, they look great.'",
    ],
)
def test_text_that_already_reads_that_way_is_not_pretended_changed(replier, prompt):
    plan, text = answered(replier, prompt)
    assert plan.startswith("rewrite:")
    assert ">" not in text  # no "new version" that is the old one
    assert "I dropped" not in text and "I replaced" not in text
    assert re.search(r"already|wouldn't change|don't see", text)


def test_an_unchanged_text_gets_one_concrete_suggestion_when_one_applies(replier):
    long = (
        "Rewrite this to be clearer: The meeting, which was originally scheduled for Tuesday but "
        "then moved because of the outage on Monday night that took down the API for several "
        "hours, will now be on Thursday at 2pm in room 4B."
    )
    plan, text = answered(replier, long)
    assert plan == "rewrite:clear"
    assert "'The meeting, which was originally scheduled...'" in text
    words = len(long.split(": ", 1)[1].split())
    assert f"runs to {words} words" in text


@pytest.mark.parametrize(
    "prompt",
    [
        "Rewrite this so it sounds less passive-aggressive: 'As I mentioned in my last three emails, ...'",
        "make this more polite: Per my last email,",
    ],
)
def test_text_that_is_all_pointed_phrases_is_not_quoted_back_empty(replier, prompt):
    plan, text = answered(replier, prompt)
    assert plan.startswith("rewrite:")
    assert ">" not in text  # no empty "version"
    assert "nothing" in text and "paste" in text
    assert (
        "dropped 'As I mentioned in my last three emails'" in text or "'Per my last email'" in text
    )


def test_only_small_fixes_are_framed_as_such(replier):
    plan, text = answered(
        replier, "make this more professional: the meeting is at 3pm.  see you there."
    )
    assert plan == "rewrite:professional"
    assert text.startswith(("The tone is fine as it is", "Only small things"))
    assert "The meeting is at 3pm. See you there." in text


@pytest.mark.parametrize("effort", ["low", "medium", "high", "max"])
def test_the_change_sentence_comes_at_medium_effort_and_above(replier, effort):
    plan, text = answered(replier, CLIENT, effort=effort)
    assert plan == "rewrite:professional"
    named = "spelled out" in text
    assert named == (effort != "low")
    assert ends_a_sentence(text)  # at low effort an outro follows "[Your name]"
    assert not reply_problems(text, "end_turn")


def test_the_brevity_instruction_drops_the_commentary(replier):
    plan, text = answered(replier, CLIENT, effort="max", brief=True)
    assert plan == "rewrite:professional"
    assert "spelled out" not in text
    assert ends_a_sentence(text)


REPLIES = [
    PASSIVE_AGGRESSIVE,
    CLIENT,
    "Make this more polite:\nFix the login page before 5pm. I need the test report by Thursday!!!",
    "make this email more casual:\nDear team,\nI am writing to confirm the offsite on 9 May.\nKind regards,\nPriya",
    "Can you make this sound friendlier? Dear Mr Okafor, Please find attached the contract. Regards, Sam",
    "make it shorter: We would like to take this opportunity to inform you that, due to the fact that the warehouse is closed, orders will ship two days late.",
    "URGENT!!! THE DEPLOY IS BROKEN. Fix it NOW.\n\nMake this less aggressive please.",
]


@pytest.mark.parametrize("prompt", REPLIES)
@pytest.mark.parametrize("effort", ["low", "high"])
def test_every_reply_reads_as_a_reply(replier, prompt, effort):
    plan, text = answered(replier, prompt, effort=effort)
    assert plan.startswith("rewrite:")
    assert not reply_problems(text, "end_turn")
    assert block_of(text)


def test_the_same_request_always_gets_the_same_reply(replier):
    assert answered(replier, CLIENT, seed=3) == answered(replier, CLIENT, seed=3)


# -- the data --------------------------------------------------------------------------------------
def test_every_tone_has_two_or_three_framings_and_loads_its_groups(book):
    assert {"professional", "polite", "friendly", "formal", "casual", "concise", "clear"} <= set(
        book.tones
    )
    for tone in book.tones.values():
        assert 2 <= len(tone.intro) <= 3, tone.id
        assert tone.groups <= set(book.groups), tone.id
        assert all(a.text.endswith(":") for a in tone.intro)


def test_a_bank_without_a_style_book_rewrites_nothing(tmp_path):
    assert rewrite.style_book(tmp_path) is None


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ("find = '''\\bgonna\\b'''", "find = '''(unclosed'''"),
        ('default_tone = "clear"', 'default_tone = "sarcastic"'),
        ('change = "spelled out {found}"', 'change = "spelled out {what}"'),
    ],
)
def test_a_malformed_style_book_names_the_file_and_the_place(tmp_path, broken, problem):
    text = BOOK_PATH.read_text(encoding="utf-8")
    assert broken in text
    path = Path(tmp_path) / rewrite.REWRITE_FILE
    path.write_text(text.replace(broken, problem, 1), encoding="utf-8")
    with pytest.raises(BankError, match=rewrite.REWRITE_FILE):
        rewrite.load_style_book(path)

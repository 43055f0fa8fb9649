"""Reading a conversation: topic, subject, question style, follow-ups."""

import pytest

from labkit.sim.replies.intent import style_of, subject_of
from tests.sim.replies.helpers import assistant, user


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        ("How should I test a date parser?", "a date parser"),
        ("what unit tests do i need for my csv reader", "your csv reader"),
        ("Write a function that sorts a list", "a function that sorts a list"),
        ("Why does `parse_date` return None here?", "`parse_date`"),
        ("def add(a, b):\n    return a - b\n\nwhat's wrong with this", "`add`"),
        ("Can you review my retry logic before I merge?", "your retry logic"),
        ("hello there", None),
        ("Traceback ...\nKeyError: 'user'", "the `KeyError`"),
    ],
)
def test_subject_is_a_noun_phrase_from_the_prompt(prompt, subject):
    assert subject_of(prompt) == subject


@pytest.mark.parametrize(
    ("prompt", "style"),
    [
        ("What is a confidence interval?", "explain"),
        ("why do my tests fail only in CI", "explain"),
        ("How do I pick a sample size for my eval?", "howto"),
        ("Any advice for reviewing a big PR?", "howto"),
        ("flaky test", "any"),
    ],
)
def test_style_of_a_question(prompt, style):
    assert style_of(prompt) == style


@pytest.mark.parametrize(
    ("prompt", "topic"),
    [
        ("How should I test a date parser?", "testing"),
        ("how do i tset my parsr propperly", "testing"),
        ("Write a function that sorts a list", "write_code"),
        ("hi!", "greeting"),
        ("What's the weather in Paris today?", "out_of_scope"),
        ("asdfgh", "unclear"),
        ("", "unclear"),
        ("???", "unclear"),
        ("Summarise the build", "summarise"),
        ("Why is temperature 0 not deterministic?", "nondeterminism"),
        (
            "How many eval items do I need for a 95% confidence interval of 3 points?",
            "eval_statistics",
        ),
        ("thanks, that helped a lot", "thanks"),
        ("who are you?", "identity"),
    ],
)
def test_clear_prompts_are_read_as_their_topic(replier, prompt, topic):
    assert replier.read([user(prompt)]).topic == topic


def test_a_follow_up_carries_the_earlier_topic_and_subject(replier):
    history = [user("How should I test a date parser?"), assistant("Start with edge cases.")]
    for text, mode in [
        ("why?", "why"),
        ("can you show me an example", "example"),
        ("tell me more", "more"),
        ("explain that more simply", "simpler"),
    ]:
        reading = replier.read([*history, user(text)])
        assert (reading.topic, reading.followup, reading.subject) == (
            "testing",
            mode,
            "a date parser",
        )


def test_a_follow_up_with_nothing_before_it_asks_what_is_meant(replier):
    assert replier.read([user("can you show me an example?")]).topic == "unclear"


def test_a_new_question_in_a_conversation_switches_topic(replier):
    history = [user("How should I test a date parser?"), assistant("Start with edge cases.")]
    assert (
        replier.read([*history, user("ok, and how do I write a blameless post-mortem?")]).topic
        == "postmortems"
    )


def test_tool_results_are_not_read_as_the_user_speaking(replier):
    messages = [
        user("How should I test a date parser?"),
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "t1", "name": "run", "input": {}}],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "hi"}],
        },
    ]
    assert replier.read(messages).topic == "testing"


def test_a_short_why_question_asks_about_the_answer_just_given(replier):
    history = [
        user("How should I test a date parser?"),
        assistant("Start with leap days and time zones."),
    ]
    reading = replier.read([*history, user("why leap days in particular?")])
    assert (reading.topic, reading.followup) == ("testing", "why")
    assert replier.read([*history, user("what else?")]).followup == "more"


@pytest.mark.parametrize("text", ["x", "it", "can you", "and then", "what about it", "um"])
def test_a_first_message_with_no_content_gets_a_question_back(replier, text):
    assert replier.read([user(text)]).topic == "unclear"


@pytest.mark.parametrize(
    ("prompt", "topic"),
    [
        ("Haiku about code review comments.", "creative"),
        ("Sum up this thread:\n\nalice: ship it\nbob: not before the canary", "summarise"),
        ("Implement clamp(x, lo, hi) and make it raise ValueError if lo > hi.", "write_code"),
    ],
)
def test_the_form_of_a_request_counts_as_much_as_its_subject(replier, prompt, topic):
    assert replier.read([user(prompt)]).topic == topic


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        ("write a poem about kubernetes", "kubernetes"),
        ("a haiku about javascript please", "javascript"),
        ("Write me a short poem about the sea.", "the sea"),
        ("tell me a joke about my flaky tests", "your flaky tests"),
    ],
)
def test_a_creative_piece_is_about_what_follows_about(prompt, subject):
    assert subject_of(prompt) == subject


@pytest.mark.parametrize(
    ("text", "topic"), [("what can you do?", "identity"), ("who are you", "identity")]
)
def test_function_words_that_a_plan_names_are_a_question_not_noise(replier, text, topic):
    assert replier.read([user(text)]).topic == topic


def test_a_prompt_in_another_language_is_answered_in_english_whatever_it_mentions(replier):
    reading = replier.read([user("Wie funktioniert git rebase?")])
    assert (reading.topic, reading.in_english) == ("out_of_scope", False)
    assert replier.read([user("How does git rebase work?")]).in_english


def test_a_reading_keeps_the_earlier_turns_for_what_it_refers_to(replier):
    reading = replier.read(
        [user("write median"), assistant("def median(xs): ..."), user("now add tests for it")]
    )
    assert reading.earlier == ("write median", "def median(xs): ...")


def test_an_unsure_reading_goes_to_the_topic_whose_asks_it_is_close_to(replier):
    # The words' statistics are unsure; the question is nearly an ask of the incidents topic's
    # SLI/SLO/SLA plan, and clearly closer to it than to any other topic's.
    text = "whats the difference between SLI, SLO and SLA, in plain words please"
    assert replier.read([user(text)]).topic == "incidents"


def test_a_prompt_that_is_nearly_word_for_word_an_ask_goes_to_its_topic(replier):
    # "explain ... to me" leans towards explaining code (about 0.6), but "pass@k" is the very
    # term an eval-statistics plan answers and no other topic's asks come near it.
    reading = replier.read([user("explain pass@k to me")])
    assert 0.5 <= reading.confidence < 0.8
    assert reading.topic == "eval_statistics"


def test_a_confident_reading_is_not_overridden_by_a_close_ask(replier):
    # Well read by its words: only an unsure reading is moved to the closest ask's topic.
    assert replier.read(
        [user("how do I write a regression test for a bug I just fixed")]
    ).topic == ("testing")

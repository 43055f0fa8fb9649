"""Follow-ups built from the earlier answer: more of it, shorter, as a list, another one."""

import pytest

from labkit.sim.replies.followup import SHORT_WORDS, asked_count, plan_of, prose_sentences
from tests.sim.replies.helpers import assistant, reply, user

FIRST_QUESTIONS = [
    "what is a flaky test",
    "How should I test a date parser?",
    "why do LLMs give different answers to the same prompt?",
    "how do I write a blameless post-mortem",
]


def exchange(replier, question, follow_up, effort="medium", seed=0):
    first = reply(replier, [user(question)], effort=effort, seed=seed)
    messages = [user(question), assistant(first.text), user(follow_up)]
    return first, replier.read(messages), reply(replier, messages, effort=effort, seed=seed + 1)


def normalised(text):
    return " ".join(text.lower().split())


@pytest.mark.parametrize(
    ("follow_up", "mode"),
    [
        ("make it shorter", "shorter"),
        ("tl;dr", "shorter"),
        ("too long, can you condense it", "shorter"),
        ("as bullet points please", "list"),
        ("turn that into a checklist", "list"),
        ("another one", "another"),
        ("give me a different one", "another"),
        ("tell me more", "more"),
        ("why?", "why"),
    ],
)
def test_the_new_modes_are_recognised_after_an_answer(replier, follow_up, mode):
    _, reading, _ = exchange(replier, "what is a flaky test", follow_up)
    assert reading.followup == mode
    assert reading.topic == "flaky_tests"


def test_a_follow_up_with_nothing_before_it_is_unclear(replier):
    assert replier.read([user("make it shorter")]).topic == "unclear"


@pytest.mark.parametrize("question", FIRST_QUESTIONS)
def test_the_plan_of_an_answer_is_found_from_its_sentences(replier, question):
    first = reply(replier, [user(question)])
    found = plan_of(replier.bank, replier.bank.topics[first.topic], first.text)
    assert found is not None
    assert found[1].name == first.plan


@pytest.mark.parametrize("question", FIRST_QUESTIONS)
def test_shorter_says_the_first_sentences_of_the_earlier_answer(replier, question):
    first, _, short = exchange(replier, question, "make it shorter")
    prose = short.text.split("```")[0]
    body = prose.split(":", 1)[1].strip()  # after "In short:" and its siblings
    assert normalised(body) in normalised(first.text)
    assert len(body.split()) <= max(SHORT_WORDS, len(prose_sentences(first.text)[0].split()))
    assert len(short.text) < len(first.text)


def test_shorter_keeps_the_code_of_a_code_answer(replier):
    first, _, short = exchange(replier, "How should I test a date parser?", "make it shorter")
    if "```" in first.text:
        assert "```python" in short.text


def test_a_list_has_one_bullet_per_sentence_of_the_earlier_answer(replier):
    first, _, listed = exchange(replier, "why is temperature 0 not deterministic?", "bullets pls")
    bullets = [line[2:] for line in listed.text.splitlines() if line.startswith("- ")]
    assert len(bullets) >= 2
    assert bullets == prose_sentences(first.text)[: len(bullets)]


@pytest.mark.parametrize("question", FIRST_QUESTIONS)
def test_more_adds_what_the_earlier_answer_did_not_say(replier, question):
    first, _, more = exchange(replier, question, "tell me more", effort="low")
    earlier = normalised(first.text)
    new = prose_sentences(more.text)[1:]  # the first sentence is the bridge ("There's more")
    assert new
    assert not any(normalised(sentence) in earlier for sentence in new)
    assert more.topic == first.topic


def test_another_one_says_the_same_plan_in_other_words(replier):
    first, _, again = exchange(replier, "tell me a joke about flaky tests", "another one")
    assert again.plan.startswith("another:")
    assert again.plan.removeprefix("another:") == first.plan
    assert normalised(again.text) != normalised(first.text)


def test_an_answer_from_outside_the_bank_still_gets_a_reply(replier):
    messages = [
        user("what's a good name for a cat"),
        assistant("Plenty of people like Miso. Another favourite is Pixel, for a nerdy cat."),
        user("tell me more"),
    ]
    composed = reply(replier, messages)
    assert composed.text.strip()
    shorter = reply(replier, [*messages[:2], user("make it shorter")])
    assert "Plenty of people like Miso." in shorter.text


def test_why_gives_the_plans_reasons_in_new_words(replier):
    first, reading, why = exchange(replier, "what is a flaky test", "why?")
    assert reading.followup == "why"
    assert why.plan.startswith("why:")
    sentences = prose_sentences(why.text)[1:]
    assert sentences
    assert not any(normalised(s) in normalised(first.text) for s in sentences)
    assert any(word in why.text for word in ("because", "since", "so that", "otherwise"))


def test_an_example_is_code_the_earlier_answer_did_not_show(replier):
    first, reading, example = exchange(
        replier, "how do I mock a function in pytest", "can you show an example"
    )
    assert reading.followup == "example"
    shown = example.text.split("```python\n", 1)[1].split("```", 1)[0]
    assert shown.strip() and shown.strip() not in first.text
    assert "mock" in shown.lower() or "stub" in shown.lower() or "fake" in shown.lower()


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("now a 2-sentence version for leadership", 2),
        ("make it shorter, like 5 items max", 5),
        ("in three bullet points please", 3),
        ("max 4 please", 4),
        ("make it shorter", None),
        ("shorter, and drop the 1990s history", None),
    ],
)
def test_the_number_a_follow_up_asks_for(text, count):
    assert asked_count(text) == count


def test_a_count_of_items_makes_a_list_that_long(replier):
    _, _, listed = exchange(
        replier, "Give me a checklist for reviewing a pull request.", "make it shorter, 3 items max"
    )
    bullets = [line for line in listed.text.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3


def test_a_count_of_sentences_keeps_that_many(replier):
    first, _, short = exchange(replier, "what is a flaky test", "a 2-sentence version please")
    body = short.text.split(":", 1)[1]
    assert prose_sentences(body) == prose_sentences(first.text)[:2]

"""Answers about the user's own code: tests for a named function, pasted code read for real."""

import ast
import re

import numpy as np
import pytest

from labkit.sim.replies import Replier
from labkit.sim.replies.own_code import inline_code
from labkit.sim.replies.report import setting_for

FENCE = re.compile(r"```python\n(.*?)```", re.S)

PASTED_REFACTOR = """Refactor this to be more readable:

def label(x):
    if x > 0:
        if x % 2 == 0:
            return 'positive even'
        else:
            return 'positive odd'
    else:
        if x == 0:
            return 'zero'
        else:
            return 'negative'
"""
PASTED_BUGGY = """is there a bug here?
```python
def average(nums=[]):
    try:
        return sum(nums) / len(nums)
    except:
        pass
```"""


@pytest.fixture(scope="module")
def replier():
    return Replier()


def user(text):
    return {"role": "user", "content": text}


def answer(replier, messages, model="sim-sonnet-4-6", effort="medium", seed=0):
    reading = replier.read(messages)
    return replier.reply(reading, setting_for(model, effort), np.random.default_rng(seed))


def code_of(text):
    blocks = FENCE.findall(text)
    assert blocks, text
    ast.parse(blocks[0])
    return blocks[0]


def test_tests_for_a_task_suite_function_are_that_tasks_tests(replier):
    reply = answer(replier, [user("Write pytest tests for is_palindrome(s), please.")])
    code = code_of(reply.text)
    assert "from your_module import is_palindrome" in code
    assert 'is_palindrome("A man, a plan, a canal: Panama") is True' in code
    assert reply.plan == "tests for is_palindrome"


def test_now_add_tests_for_it_tests_the_function_just_written(replier):
    first = [user("write a python function to compute the median of a list")]
    written = answer(replier, first).text
    assert "def median" in written
    reply = answer(
        replier, [*first, {"role": "assistant", "content": written}, user("now add tests for it")]
    )
    assert "from your_module import median" in code_of(reply.text)


def test_more_effort_writes_more_tests(replier):
    prompt = [user("add unit tests for `roman_to_int`")]
    counts = {
        effort: max(
            code_of(answer(replier, prompt, "sim-opus-4-7", effort, seed).text).count("def test_")
            for seed in range(4)
        )
        for effort in ("low", "max")
    }
    assert counts["low"] < counts["max"]


def test_tests_for_a_pasted_function_the_suite_does_not_know(replier):
    prompt = (
        "write tests for this:\n\ndef shout(text: str) -> str:\n    return text.upper() + '!'\n"
    )
    code = code_of(answer(replier, [user(prompt)]).text)
    assert "shout" in code and "def test_" in code


def test_pasted_code_asked_about_is_explained_by_name(replier):
    prompt = "what does this do?\n\ndef evens(xs):\n    return [x for x in xs if x % 2 == 0]\n"
    reply = answer(replier, [user(prompt)])
    assert reply.plan == "explain pasted code"
    assert "`evens`" in reply.text and "`xs`" in reply.text


def test_a_review_of_pasted_code_names_its_bugs(replier):
    texts = [answer(replier, [user(PASTED_BUGGY)], "sim-opus-4-7", seed=s).text for s in range(5)]
    assert any("default" in t and "except" in t for t in texts)
    assert all(t.strip().endswith((".", "!", "?")) for t in texts)


def test_weaker_models_miss_more_findings(replier):
    def found(model):
        return sum(
            answer(replier, [user(PASTED_BUGGY)], model, seed=s).text.count("Line ")
            for s in range(30)
        )

    assert found("sim-haiku-4-5") < found("sim-opus-4-7")


def test_a_refactoring_behaves_like_the_original(replier):
    reply = answer(replier, [user(PASTED_REFACTOR)])
    assert reply.plan == "refactor pasted code"
    before: dict = {}
    after: dict = {}
    exec(PASTED_REFACTOR.split("\n", 2)[2], before)
    exec(code_of(reply.text), after)
    for x in (-3, 0, 1, 2, 7, 10):
        assert before["label"](x) == after["label"](x)


def test_questions_without_code_are_answered_by_the_bank(replier):
    reply = answer(replier, [user("What's the difference between a mock and a stub?")])
    assert reply.plan not in {"explain pasted code", "review pasted code", "refactor pasted code"}
    assert "```" not in reply.text or "mock" in reply.text.lower()


def test_tests_for_code_the_user_pasted_in_an_earlier_turn(replier):
    pasted = "can you clean this up?\n\ndef find_common(a, b):\n    out = []\n    for x in a:\n        if x in b and x not in out:\n            out.append(x)\n    return out\n"
    first = [user(pasted)]
    written = answer(replier, first).text
    follow = [*first, {"role": "assistant", "content": written}, user("now write tests for it")]
    code = code_of(answer(replier, follow).text)
    assert "from your_module import find_common" in code and "def test_" in code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "what does this do: [x**2 for x in range(10) if x % 2]",
            "[x**2 for x in range(10) if x % 2]",
        ),
        (
            "explain `sorted(d.items(), key=lambda kv: kv[1])`",
            "sorted(d.items(), key=lambda kv: kv[1])",
        ),
        ("I have a question: how do I test this?", None),
        ("quick one: why is my test flaky?", None),
    ],
)
def test_code_written_into_the_sentence_is_found(text, code):
    assert inline_code(text) == code


def test_an_inline_expression_is_explained_not_answered_with_advice(replier):
    reply = answer(replier, [user("what does this do: [x**2 for x in range(10) if x % 2]")])
    assert reply.plan == "explain pasted code" and "range(10)" in reply.text

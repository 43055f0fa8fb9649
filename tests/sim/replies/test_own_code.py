"""Answers about the user's own code: tests for a named function, pasted code read for real."""

import ast
import re
from typing import Any

import pytest

from labkit.sim.replies.own_code import inline_code
from tests.sim.replies.helpers import assistant, reply, user

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


def code_of(text):
    blocks = FENCE.findall(text)
    assert blocks, text
    ast.parse(blocks[0])
    return blocks[0]


def test_tests_for_a_task_suite_function_are_that_tasks_tests(replier):
    composed = reply(replier, [user("Write pytest tests for is_palindrome(s), please.")])
    code = code_of(composed.text)
    assert "from your_module import is_palindrome" in code
    assert 'is_palindrome("A man, a plan, a canal: Panama") is True' in code
    assert composed.plan == "tests for is_palindrome"


def test_now_add_tests_for_it_tests_the_function_just_written(replier):
    first = [user("write a python function to compute the median of a list")]
    written = reply(replier, first).text
    assert "def median" in written
    composed = reply(replier, [*first, assistant(written), user("now add tests for it")])
    assert "from your_module import median" in code_of(composed.text)


def test_more_effort_writes_more_tests(replier):
    prompt = [user("add unit tests for `roman_to_int`")]
    counts = {
        effort: max(
            code_of(
                reply(replier, prompt, model="sim-opus-4-7", effort=effort, seed=seed).text
            ).count("def test_")
            for seed in range(4)
        )
        for effort in ("low", "max")
    }
    assert counts["low"] < counts["max"]


def test_tests_for_a_pasted_function_the_suite_does_not_know(replier):
    prompt = (
        "write tests for this:\n\ndef shout(text: str) -> str:\n    return text.upper() + '!'\n"
    )
    code = code_of(reply(replier, [user(prompt)]).text)
    assert "shout" in code and "def test_" in code


def test_pasted_code_asked_about_is_explained_by_name(replier):
    prompt = "what does this do?\n\ndef evens(xs):\n    return [x for x in xs if x % 2 == 0]\n"
    composed = reply(replier, [user(prompt)])
    assert composed.plan == "explain pasted code"
    assert "`evens`" in composed.text and "`xs`" in composed.text


def test_a_review_of_pasted_code_names_its_bugs(replier):
    texts = [
        reply(replier, [user(PASTED_BUGGY)], model="sim-opus-4-7", seed=s).text for s in range(5)
    ]
    assert any("default" in t and "except" in t for t in texts)
    assert all(t.strip().endswith((".", "!", "?")) for t in texts)


def test_weaker_models_miss_more_findings(replier):
    def found(model):
        return sum(
            reply(replier, [user(PASTED_BUGGY)], model=model, seed=s).text.count("Line ")
            for s in range(30)
        )

    assert found("sim-haiku-4-5") < found("sim-opus-4-7")


def test_a_refactoring_behaves_like_the_original(replier):
    composed = reply(replier, [user(PASTED_REFACTOR)])
    assert composed.plan == "refactor pasted code"
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    exec(PASTED_REFACTOR.split("\n", 2)[2], before)
    exec(code_of(composed.text), after)
    for x in (-3, 0, 1, 2, 7, 10):
        assert before["label"](x) == after["label"](x)


def test_questions_without_code_are_answered_by_the_bank(replier):
    composed = reply(replier, [user("What's the difference between a mock and a stub?")])
    assert composed.plan not in {
        "explain pasted code",
        "review pasted code",
        "refactor pasted code",
    }
    assert "```" not in composed.text or "mock" in composed.text.lower()


def test_tests_for_code_the_user_pasted_in_an_earlier_turn(replier):
    pasted = "can you clean this up?\n\ndef find_common(a, b):\n    out = []\n    for x in a:\n        if x in b and x not in out:\n            out.append(x)\n    return out\n"
    first = [user(pasted)]
    written = reply(replier, first).text
    follow = [*first, assistant(written), user("now write tests for it")]
    code = code_of(reply(replier, follow).text)
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
    composed = reply(replier, [user("what does this do: [x**2 for x in range(10) if x % 2]")])
    assert composed.plan == "explain pasted code" and "range(10)" in composed.text

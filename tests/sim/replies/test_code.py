"""Code answers: a matching task of the suite, a bank snippet, or an honest skeleton."""

import ast
import re

import numpy as np
import pytest

from labkit.sim.replies.code import best_answer, function_name
from labkit.sim.replies.report import setting_for
from tests.sim.replies.helpers import reply

FENCE = re.compile(r"```python\n(.*?)\n```", re.S)


def code_of(replier, prompt, seed=0, temperature=0.0):
    text = reply(replier, prompt, temperature=temperature, seed=seed).text
    found = FENCE.search(text)
    assert found, text
    return found.group(1), text


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("Write a function that checks whether a string is a palindrome", "is_palindrome"),
        ("implement fizzbuzz returning a list", "fizzbuzz"),
        ("Can you write me a roman numeral to int converter?", "roman_to_int"),
        ("write a function that sorts a list", "sort_list"),
    ],
)
def test_requests_match_the_suite_or_a_snippet(replier, prompt, name):
    topic = replier.bank.topics["write_code"]
    answer = best_answer(topic, prompt)
    assert answer is not None and answer.name == name


def test_greedy_code_is_the_correct_variant_and_parses(replier):
    code, text = code_of(replier, "Write a function that checks whether a string is a palindrome")
    ast.parse(code)
    assert text.rstrip().endswith((".", "!", "?"))


def test_buggy_variants_appear_at_a_measurable_rate(replier):
    topic = replier.bank.topics["write_code"]
    reading = replier.read([{"role": "user", "content": "write a function that sorts a list"}])
    wrong = [
        replier.reply(reading, setting_for("sim-haiku-4-5", "high"), np.random.default_rng(s)).wrong
        > 0
        for s in range(200)
    ]
    assert 0.02 < np.mean(wrong) < 0.6
    assert topic.snippets


def test_an_unknown_request_gets_a_skeleton_not_invented_code(replier):
    code, _ = code_of(replier, "Write a function that frobnicates a quaternion lattice")
    assert "NotImplementedError" in code
    ast.parse(code)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Write a function that parses a log line", "parse_log_line"),
        ("write a helper to compress all images", "compress_all_images"),
        ("make me something", "something"),
    ],
)
def test_function_names_come_from_the_request(text, name):
    assert function_name(text) == name

"""Plain arithmetic in words is worked out exactly; nothing else is taken for a sum."""

import numpy as np
import pytest

from labkit.sim.replies import Replier
from labkit.sim.replies.arithmetic import evaluate, expression, pretty, shown
from labkit.sim.replies.report import setting_for


@pytest.mark.parametrize(
    ("prompt", "value"),
    [
        ("What's 17 times 23?", "391"),
        ("whats 17% of 340", "57.8"),
        ("calculate 2^10", "1,024"),
        ("what is 1/3", "0.333333"),
        ("how much is 1,250 x 4", "5,000"),
        ("what is -5 squared", "25"),
        ("7 mod 3", "1"),
        ("3 + (4*2) =", "11"),
        ("Can you compute 12.5 divided by 4 please?", "3.125"),
    ],
)
def test_a_sum_in_words_is_worked_out(prompt, value):
    body = expression(prompt)
    assert body is not None
    assert shown(evaluate(body)) == value


@pytest.mark.parametrize(
    "prompt",
    [
        "How many tests is enough?",
        "what is 1 in 10 flaky",
        "what is p99 latency",
        "Is a 2 point gain at n=500 significant?",
        "what does x = x or [] do",
        "12",
        "",
        "what is " + "1 + " * 200 + "1",
    ],
)
def test_anything_else_is_not_a_sum(prompt):
    assert expression(prompt) is None


@pytest.mark.parametrize("body", ["10 / 0", "9**9**9", "10 ** 400", "(-8) ** 0.5", "7 % 0"])
def test_values_it_cannot_give_are_refused_with_a_reason(body):
    with pytest.raises(ValueError):
        evaluate(body)


def test_the_reply_shows_the_sum_and_its_value():
    replier = Replier()
    setting = setting_for("sim-haiku-4-5", "low")
    for prompt, value in [("What's 17 times 23?", "391"), ("what is 10 divided by 0", "division")]:
        reading = replier.read([{"role": "user", "content": prompt}])
        text = replier.reply(reading, setting, np.random.default_rng(0)).text
        assert value in text and text.endswith("."), text
    assert pretty("17 * 23") == "17 × 23"

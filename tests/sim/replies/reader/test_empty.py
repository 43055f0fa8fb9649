"""`empty_input`: what a function gives on an empty input, read from the code.

Each outcome is checked by running the sample (the tests may; the simulator never does).
"""

import pytest

from labkit.sim.replies.reader.empty import empty_input
from tests.sim.replies.reader.samples import DEDUPE, FACTORIAL, function, loaded


@pytest.mark.parametrize(
    "code",
    [
        DEDUPE,
        "def mean(xs):\n    return sum(xs) / len(xs)\n",
        "def mean(xs):\n    return sum(xs) / len(xs) if xs else 0.0\n",
        "def average(xs):\n    if not xs:\n        raise ValueError('empty')\n    return sum(xs) / len(xs)\n",
        "def head(xs):\n    return xs[0]\n",
        "def top(xs):\n    return max(xs)\n",
        "def top(xs):\n    return max(xs, default=None)\n",
        "def total(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t / len(xs)\n",
        "def first(xs):\n    for x in xs:\n        if x:\n            return x\n    return -1\n",
        "def squares(xs):\n    return [x * x for x in xs]\n",
        "def count(d):\n    n = 0\n    for k, v in d.items():\n        n += v\n    return n\n",
        "def check(xs):\n    assert len(xs) > 0\n    return xs\n",
        "def pick(xs):\n    for i in range(len(xs)):\n        return xs[i]\n    return None\n",
    ],
)
def test_what_empty_input_gives_matches_running_the_code(code):
    outcome = empty_input(function(code))
    assert outcome is not None
    run = loaded(code)
    if outcome.raises:
        with pytest.raises(Exception) as error:
            run(outcome.empty)
        assert type(error.value).__name__ == outcome.raises
        assert outcome.reason
    else:
        assert run(outcome.empty) == outcome.returns


def test_empty_input_says_nothing_when_the_code_cannot_be_followed():
    for code in [
        "def f(xs):\n    print(len(xs))\n    return 1\n",  # a call with effects
        "def f(n):\n    return n * 2\n",  # nothing to empty
        "def f(xs, ys):\n    for y in ys:\n        pass\n    return xs\n",  # walks another input first
        FACTORIAL,  # an int parameter
    ]:
        assert empty_input(function(code)) is None, code

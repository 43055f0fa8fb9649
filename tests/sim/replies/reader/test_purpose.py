"""`purpose`: what a function is for, worked out by reading its shape.

The tests check each sentence against the function itself: they run the samples (the simulator
never does) and compare with what was said.
"""

import pytest

from labkit.sim.replies.reader.purpose import purpose
from tests.sim.replies.reader.samples import DEDUPE, FACTORIAL, function, loaded, src


@pytest.mark.parametrize(
    ("code", "sentence", "call", "expected"),
    [
        (
            DEDUPE,
            "`dedupe` returns the items of `items` without repeats, keeping the first occurrence "
            "of each, in their original order.",
            ([3, 1, 3, 2, 1],),
            [3, 1, 2],
        ),
        (
            "def dedupe(xs):\n    return list(dict.fromkeys(xs))\n",
            "`dedupe` returns the items of `xs` without repeats, keeping the first occurrence of "
            "each, in their original order.",
            (["b", "a", "b"],),
            ["b", "a"],
        ),
        (
            "def mean(xs):\n    return sum(xs) / len(xs)\n",
            "`mean` returns the mean (the average) of the numbers in `xs`.",
            ([1, 2, 6],),
            3,
        ),
        (
            "def evens(xs):\n    return [x for x in xs if x % 2 == 0]\n",
            "`evens` returns a list of the items `x` of `xs` for which `x % 2 == 0`.",
            ([1, 2, 3, 4],),
            [2, 4],
        ),
        (
            "def counts(words):\n    c = {}\n    for w in words:\n        c[w] = c.get(w, 0) + 1\n    return c\n",
            "`counts` counts how often each item of `words` occurs, as a dict from item to count.",
            (["a", "b", "a"],),
            {"a": 2, "b": 1},
        ),
        (
            "def first_negative(nums):\n    for n in nums:\n        if n < 0:\n            return n\n    return None\n",
            "`first_negative` returns the first of the items `n` of `nums` for which `n < 0`, or "
            "`None` if there is none.",
            ([3, -1, -5],),
            -1,
        ),
        (
            "def has_negative(nums):\n    for n in nums:\n        if n < 0:\n            return True\n    return False\n",
            "`has_negative` tells whether any of the items `n` of `nums` satisfies `n < 0`.",
            ([3, -1],),
            True,
        ),
        (
            "def biggest(vs):\n    best = None\n    for v in vs:\n        if best is None or v > best:\n            best = v\n    return best\n",
            "`biggest` returns the largest of the items of `vs`, or `None` if there are none.",
            ([2, 9, 4],),
            9,
        ),
        (
            "def total(prices):\n    result = 0.0\n    for price in prices:\n        result += price\n    return result\n",
            "`total` adds up the items of `prices`.",
            ([1.5, 2.5],),
            4.0,
        ),
        (
            FACTORIAL,
            "`factorial` computes the factorial of `n` (1 × 2 × … × n).",
            (5,),
            120,
        ),
        (
            "def is_palindrome(s):\n    return s == s[::-1]\n",
            "`is_palindrome` tells whether `s` reads the same backwards as forwards.",
            ("level",),
            True,
        ),
        (
            "def ranked(scores):\n    return sorted(scores, key=lambda s: s[1], reverse=True)\n",
            "`ranked` returns the items of `scores` as a new list, sorted by `s[1]`, largest first.",
            ([("a", 1), ("b", 3)],),
            [("b", 3), ("a", 1)],
        ),
        (
            "def positives(xs):\n    out = []\n    for x in xs:\n        if x > 0:\n            out.append(x)\n    return out\n",
            "`positives` collects the items `x` of `xs` for which `x > 0` into a new list.",
            ([-1, 2, 0, 5],),
            [2, 5],
        ),
    ],
)
def test_purpose_says_what_the_shape_computes_and_it_is_true(code, sentence, call, expected):
    assert purpose(function(code), code) == sentence
    assert loaded(code)(*call) == expected


def test_purpose_of_a_file_reader_with_a_fallback(tmp_path):
    code = src(
        """
        import json

        def load_config(path):
            try:
                with open(path) as f:
                    return json.load(f)
            except FileNotFoundError:
                return {}
        """
    )
    assert purpose(function(code), code) == (
        "`load_config` reads the JSON file at `path` and returns what it holds, "
        "or `{}` if the file does not exist."
    )
    config = tmp_path / "c.json"
    config.write_text('{"a": 1}')
    assert loaded(code)(config) == {"a": 1}
    assert loaded(code)(tmp_path / "missing.json") == {}


def test_purpose_falls_back_on_the_docstring_and_then_says_nothing():
    documented = (
        'def send(user):\n    """Email the weekly report to the user."""\n    mailer.send(user)\n'
    )
    assert purpose(function(documented)) == (
        "Its docstring says what `send` is for: “Email the weekly report to the user.”"
    )
    assert purpose(function("def send(user):\n    mailer.send(user)\n")) is None


@pytest.mark.parametrize(
    "code",
    [
        # Two statements in the loop: not a shape we know, so no claim.
        "def f(xs):\n    out = []\n    for x in xs:\n        log(x)\n        out.append(x)\n    return out\n",
        # `out` does not start empty: "collects the items" would be false.
        "def f(xs, out):\n    for x in xs:\n        out.append(x)\n    return out\n",
        "def f(xs):\n    out = list(xs)\n    for x in xs:\n        out.append(x)\n    return out\n",
        # A `seen` handed in already filled also drops its own items: not a plain dedupe.
        "def f(xs, seen):\n    out = []\n    for x in xs:\n        if x not in seen:\n"
        "            seen.add(x)\n            out.append(x)\n    return out\n",
        # Something happens to the result after the loop.
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    out.reverse()\n    return out\n",
        # A generator: its shape says nothing about a return value.
        "def f(xs):\n    for x in xs:\n        yield x\n",
    ],
)
def test_purpose_makes_no_claim_about_shapes_it_does_not_know(code):
    assert purpose(function(code)) is None

"""`refactor`: rewrites that behave exactly like the original, and none where unsure."""

from typing import Any

import pytest

from labkit.sim.replies.reader.refactor import Refactoring, refactor
from tests.sim.replies.reader.samples import assert_same_behaviour, src


def test_refactor_guard_clauses_flatten_an_else_chain():
    code = src(
        """
        def grade(score):
            if score >= 90:
                return "A"
            else:
                if score >= 80:
                    return "B"
                else:
                    return "C"
        """
    )
    result = refactor(code)
    assert isinstance(result, Refactoring)
    assert "else" not in result.source
    assert result.source.count("\n    if") == 2
    assert "guard clauses" in result.changes[0]
    assert_same_behaviour(code, result.source, "grade", [(95,), (90,), (85,), (80,), (3,)])


def test_refactor_turns_an_if_else_around_when_the_else_exits():
    code = src(
        """
        def process(user):
            if user is not None:
                name = user.strip()
                return name.title()
            else:
                raise ValueError("no user")
        """
    )
    result = refactor(code)
    assert result is not None
    assert result.source.startswith("def process(user):\n    if user is None:\n        raise")
    assert_same_behaviour(code, result.source, "process", [(None,), ("  ada lovelace ",), ("",)])


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "def f(n):\n    if n > 0:\n        return True\n    else:\n        return False\n",
            "return n > 0",
        ),
        (
            "def f(n):\n    if n % 2 == 0:\n        return False\n    return True\n",
            "return n % 2 != 0",
        ),
        ("def f(n):\n    if n:\n        return True\n    return False\n", "return bool(n)"),
        (
            "def f(n):\n    return True if isinstance(n, int) else False\n",
            "return isinstance(n, int)",
        ),
    ],
)
def test_refactor_returns_the_condition_instead_of_true_and_false(code, expected):
    result = refactor(code)
    assert result is not None
    assert expected in result.source
    assert_same_behaviour(
        code, result.source, "f", [(0,), (1,), (2,), (-3,), ("",), ("x",), (None,)]
    )


def test_refactor_range_len_becomes_direct_iteration():
    code = src(
        """
        def shout(items):
            for i in range(len(items)):
                print(items[i].upper())
        """
    )
    result = refactor(code)
    assert result is not None
    assert "for item in items:" in result.source and "item.upper()" in result.source
    assert_same_behaviour(code, result.source, "shout", [([],), (["a", "b"],)])


def test_refactor_range_len_becomes_enumerate_when_the_index_matters():
    code = src(
        """
        def report(names):
            lines = []
            for i in range(len(names)):
                lines.append(str(i) + ": " + names[i])
            return lines
        """
    )
    result = refactor(code)
    assert result is not None
    assert "enumerate(names)" in result.source
    assert_same_behaviour(code, result.source, "report", [([],), (["ada", "alan"],), (["x"],)])


def test_refactor_accumulators_become_sum_and_comprehensions():
    code = src(
        """
        def stats(xs):
            total = 0
            for x in xs:
                total += x * x
            evens = []
            for x in xs:
                if x % 2 == 0:
                    evens.append(x // 2)
            return total, evens
        """
    )
    result = refactor(code)
    assert result is not None
    assert "total = sum(x * x for x in xs)" in result.source
    assert "evens = [x // 2 for x in xs if x % 2 == 0]" in result.source
    assert len(result.changes) == 2
    inputs = [([],), ([1, 2, 3, 4],), ([-2, 5],), ((7,),)]
    assert_same_behaviour(code, result.source, "stats", inputs)


def test_refactor_membership_tests():
    code = src(
        """
        def kind(c, flag):
            if c == "a" or c == "e" or c == "i" or flag:
                return "vowel-ish"
            if c != "x" and c != "y":
                return "other"
            return "xy"
        """
    )
    result = refactor(code)
    assert result is not None
    assert "c in ('a', 'e', 'i') or flag" in result.source
    assert "c not in ('x', 'y')" in result.source
    inputs = [(c, flag) for c in "aeixyz" for flag in (False, True)]
    assert_same_behaviour(code, result.source, "kind", inputs)


def test_refactor_combines_rewrites_and_says_comments_are_lost():
    code = src(
        """
        def total(prices):
            # add them up
            t = 0
            for i in range(len(prices)):
                t += prices[i]
            return t
        """
    )
    result = refactor(code)
    assert result is not None
    assert "t = sum(prices)" in result.source
    assert any("comments" in change for change in result.changes)
    assert_same_behaviour(code, result.source, "total", [([],), ([1, 2, 3],), ([0.5, 0.25],)])


@pytest.mark.parametrize(
    "code",
    [
        # The loop variable is read after the loop: a comprehension would not set it.
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    return out, x\n",
        # The list grows while looping: `range(len(xs))` was fixed when the loop began.
        "def f(xs):\n    for i in range(len(xs)):\n        xs.append(xs[i])\n    return xs\n",
        # Not a pure accumulator: the loop does something else too.
        "def f(xs):\n    t = 0\n    for x in xs:\n        t += x\n        print(x)\n    return t\n",
        # A call could have side effects: `or` would skip it, a tuple would not.
        "def f(x):\n    return x == 1 or x == g()\n",
        "def f(x):\n    return x * 2\n",
    ],
)
def test_refactor_leaves_what_it_cannot_rewrite_safely(code):
    assert refactor(code) is None


def test_refactor_guard_clauses_in_loops_and_methods():
    code = src(
        """
        class Filter:
            def keep(self, xs):
                out = []
                for x in xs:
                    if x is None:
                        continue
                    else:
                        out.append(x)
                        out.append(-x)
                return out
        """
    )
    result = refactor(code)
    assert result is not None
    assert "else" not in result.source
    namespace_a: dict[str, Any] = {}
    namespace_b: dict[str, Any] = {}
    exec(code, namespace_a)
    exec(result.source, namespace_b)
    for xs in ([], [1, None, 2], [None]):
        assert namespace_a["Filter"]().keep(xs) == namespace_b["Filter"]().keep(xs)


def test_a_refactored_result_has_nothing_left_to_rewrite():
    code = src(
        """
        def count_big(values, limit):
            n = 0
            for i in range(len(values)):
                n += values[i] > limit
            if n == 0 or n == 1:
                return True
            else:
                return False
        """
    )
    result = refactor(code)
    assert result is not None
    assert "return n in (0, 1)" in result.source
    assert refactor(result.source) is None
    inputs = [([], 0), ([1, 5, 9], 4), ([3, 3], 2), ([7, 8, 9], 0)]
    assert_same_behaviour(code, result.source, "count_big", inputs)


def test_refactor_of_broken_code_is_none():
    assert refactor("def f(:\n    return 1") is None

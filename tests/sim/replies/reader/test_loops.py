"""Loops that may never end: the finding, its example input, its fix, and silence elsewhere.

The tests run the code (the simulator never does): an example input the finding names must
really hang the original (it still runs after many steps), and the suggested fix must end on
every generated input.
"""

import ast
import re
import sys
from collections.abc import Sequence
from typing import Any

import pytest

from labkit.sim.replies.reader import review
from labkit.sim.replies.reader.handtrace import Stuck, trace
from tests.sim.replies.reader.samples import src

BISECT = src(
    """
    def search(xs, target):
        lo, hi = 0, len(xs) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if xs[mid] < target:
                lo = mid
            else:
                hi = mid
        return lo
    """
)
INCLUSIVE = src(
    """
    def find(xs, target):
        lo, hi = 0, len(xs) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if xs[mid] == target:
                return mid
            if xs[mid] < target:
                lo = mid + 1
            else:
                hi = mid
        return -1
    """
)
ISQRT = src(
    """
    def isqrt(n):
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            if mid * mid <= n:
                lo = mid
            else:
                hi = mid - 1
        return lo
    """
)
SKIPS = src(
    """
    def letters(s):
        out = []
        i = 0
        while i < len(s):
            if s[i] == " ":
                i += 1
            else:
                out.append(s[i])
        return out
    """
)
FORGOT = src(
    """
    def countdown(n):
        i = 0
        while i < n:
            print(i)
        return i
    """
)


class TooLong(Exception):
    pass


def steps_run(source, name, args, limit=20_000):
    """Run `name(*args)` counting line events; raise TooLong past `limit` (a hang, for us)."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<snippet>", "exec"), namespace)
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename == "<snippet>" and event == "line":
            count += 1
            if count > limit:
                raise TooLong
        return tracer

    sys.settrace(tracer)
    try:
        namespace[name](*args)
    except TooLong:
        return None
    except Exception:
        pass  # an IndexError ends the loop too: not a hang
    finally:
        sys.settrace(None)
    return count


def only_finding(code):
    found = [f for f in review(code) if f.kind == "endless-loop"]
    assert len(found) == 1, [f.message for f in review(code)]
    return found[0].message


def example_args(message):
    """The `name = value` pairs of the example the finding gives."""
    sample = message.split("For example, with ", 1)[1].split(" the loop comes", 1)[0]
    return {k: ast.literal_eval(v) for k, v in re.findall(r"`(\w+) = ([^`]+)`", sample)}


def fixed(code, message):
    """The code with the finding's suggested replacement applied."""
    advice = message.split(" the midpoint", 1)[1]
    out = code
    for line in re.findall(r"`((?:lo|hi|mid) = [^`]+)`", advice):
        target = line.split(" = ")[0]
        if target == "mid":
            out = out.replace("mid = (lo + hi) // 2", line)
        elif line != f"{target} = mid":
            out = re.sub(rf"\b{target} = mid$", line, out, flags=re.M)
    return out


@pytest.mark.parametrize(
    ("code", "name"), [(BISECT, "search"), (INCLUSIVE, "find"), (ISQRT, "isqrt")]
)
def test_a_bound_set_to_the_midpoint_is_found_with_an_input_that_really_hangs(code, name):
    message = only_finding(code)
    assert "can run forever" in message and "itself" in message
    args = example_args(message)
    assert steps_run(code, name, list(args.values())) is None  # the named input hangs
    repaired = fixed(code, message)
    assert repaired != code
    inputs: Sequence[tuple[object, ...]] = [([10, 20], t) for t in (5, 10, 15, 20, 25)] + [
        ([1, 2, 3, 5, 8], t) for t in range(10)
    ]
    if name == "isqrt":
        inputs = [(n,) for n in range(40)]
    for case in inputs:
        assert steps_run(repaired, name, list(case)) is not None, case  # the fix always ends
    assert review(repaired) == [] or all(f.kind != "endless-loop" for f in review(repaired))


def test_the_binary_search_finding_explains_with_two_elements_and_the_fix():
    message = only_finding(BISECT)
    assert "`xs = [10, 20]` and `target = 20`" in message
    assert "`lo` at 0 and `hi` at 1" in message
    assert "`lo = mid + 1`" in message
    assert "(it runs when `xs[mid] < target`)" in message


def test_a_midpoint_that_may_be_the_answer_is_rounded_up_instead():
    message = only_finding(ISQRT)
    assert "`mid = (lo + hi + 1) // 2`" in message
    repaired = fixed(ISQRT, message)
    namespace: dict[str, Any] = {}
    exec(repaired, namespace)
    assert [namespace["isqrt"](n) for n in range(10)] == [0, 1, 1, 1, 2, 2, 2, 2, 2, 3]


def test_a_branch_that_moves_nothing_is_found():
    message = only_finding(SKIPS)
    assert '`s[i] == " "` is false' in message and "`i += 1`" in message
    assert steps_run(SKIPS, "letters", [example_args(message)["s"]]) is None


def test_a_loop_whose_variables_never_change_is_found():
    message = only_finding(FORGOT)
    assert "nothing in the loop changes `i` or `n`" in message


def test_the_hand_trace_finds_the_repeated_round():
    fn = ast.parse(BISECT).body[0]
    assert isinstance(fn, ast.FunctionDef)
    loop = next(n for n in ast.walk(fn) if isinstance(n, ast.While))
    stuck = trace(fn, loop, {"xs": [10, 20], "target": 20})
    assert isinstance(stuck, Stuck) and dict(stuck.state)["lo"] == 0
    assert trace(fn, loop, {"xs": [10, 20], "target": 10}) == "ends"


@pytest.mark.parametrize(
    "code",
    [
        # Correct binary searches.
        "def f(xs, t):\n    lo, hi = 0, len(xs)\n    while lo < hi:\n        mid = (lo + hi) // 2\n"
        "        if xs[mid] < t:\n            lo = mid + 1\n        else:\n            hi = mid\n"
        "    return lo\n",
        "def f(xs, t):\n    lo, hi = 0, len(xs) - 1\n    while lo <= hi:\n        mid = (lo + hi) // 2\n"
        "        if xs[mid] == t:\n            return mid\n        if xs[mid] < t:\n"
        "            lo = mid + 1\n        else:\n            hi = mid - 1\n    return -1\n",
        # Every path moves `i`, or leaves.
        "def f(n):\n    i = 0\n    while i < n:\n        if i % 2:\n            print(i)\n"
        "        i += 1\n    return i\n",
        "def f(xs):\n    i = 0\n    while i < len(xs):\n        if xs[i] is None:\n            break\n"
        "        i += 1\n    return i\n",
        # Shrinking a list the condition measures.
        "def f(xs):\n    while len(xs) > 3:\n        xs.pop()\n    return xs\n",
        # Another thread (or a callback) changes what the loop waits on.
        "import threading, time\ndef f():\n    done = []\n    t = threading.Thread(target=lambda: done.append(1))\n"
        "    t.start()\n    while len(done) < 1:\n        time.sleep(0.01)\n",
        # A bound method kept in a local name changes the deque.
        "def f(q):\n    pop = q.popleft\n    while len(q) > 10:\n        pop()\n",
        # `flag` is only ever 0 or 1: the path with both tests false is not taken.
        "def f(xs):\n    flag, i, out = 0, 0, []\n    while i < len(xs):\n        if flag == 0:\n"
        "            out.append(-xs[i])\n            i += 1\n            flag = 1\n"
        "        elif flag == 1:\n            out.append(xs[i])\n            i += 1\n            flag = 0\n"
        "    return out\n",
        # Items of a list changed through a method of an item.
        "def f(pos, part, index):\n    while len(pos[part]) <= index:\n        pos[part].append({})\n",
        # A module-level loop: any call could rebind the names.
        "i = 0\nwhile i < 3:\n    step()\n",
    ],
)
def test_quiet_on_loops_that_end_or_may_be_ended_elsewhere(code):
    assert [f for f in review(code) if f.kind == "endless-loop"] == []

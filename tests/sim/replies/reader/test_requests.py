"""What a pasted-code request asks for is what the reply does: a dispatch table, a pathlib
version, the cause of a hang, type hints and a docstring (own_code.py's routing, end to end)."""

import functools
import re

import pytest

from labkit.sim.replies.own_code import _asked_kind
from tests.sim.replies.helpers import reply, user
from tests.sim.replies.reader.samples import assert_same_behaviour, src

FENCE = re.compile(r"```python\n(.*?)```", re.S)
CHAIN = src(
    """
    def shipping_cost(region):
        if region == "uk":
            return 4.99
        elif region == "eu":
            return 7.50
        elif region == "us":
            return 9.00
        elif region == "ca":
            return 9.50
        elif region == "au":
            return 12.00
        else:
            return 15.00
    """
)
OS_PATH = src(
    """
    import os

    def find_logs(root):
        found = []
        for dirpath, dirnames, filenames in os.walk(root):
            for name in filenames:
                if name.endswith(".log"):
                    found.append(os.path.join(dirpath, name))
        return found
    """
)
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
CLAIMS_TO_HAVE_RUN = re.compile(r"\bI (?:ran|tested|executed)\b|\bwhen I run\b", re.I)


# Unlike the other reply tests, these requests are answered by sim-opus-4-7 unless a test says otherwise.
answer = functools.partial(reply, model="sim-opus-4-7", effort="medium")


@pytest.mark.parametrize(
    ("prompt", "kind"),
    [
        ("Could you refactor this? It works but it's getting out of hand", "refactor"),
        ("turn these elifs into a dict please", "refactor"),
        ("convert this to pathlib please", "pathlib"),
        ("rewrite it using Path objects", "pathlib"),
        ("this binary search hangs forever on some inputs", "review"),
        ("why does my loop never end?", "review"),
        ("now add type hints and a docstring", "annotate"),
        ("add a docstring", "annotate"),
        ("is using a dict here a bug?", "review"),
        ("what does this do", "explain"),
    ],
)
def test_the_request_decides_the_transformation(prompt, kind):
    assert _asked_kind(prompt, "explain_code") == kind


def test_a_growing_chain_gets_a_dispatch_table(replier):
    prompt = (
        "Could you refactor this? It works but it's getting out of hand and we add a new case "
        f"every sprint\n\n```python\n{CHAIN}```"
    )
    for seed in range(3):
        reply = answer(replier, [user(prompt)], seed=seed)
        assert reply.plan == "dispatch table for pasted code"
        code = FENCE.findall(reply.text)[0]
        assert "SHIPPING_COST_BY_REGION = {" in code
        inputs = [(r,) for r in ("uk", "eu", "us", "ca", "au", "fr", "", None, 3)]
        assert_same_behaviour(CHAIN, code, "shipping_cost", inputs)
        assert "one more entry" in reply.text and not CLAIMS_TO_HAVE_RUN.search(reply.text)


def test_os_path_code_gets_its_pathlib_version_and_the_differences(replier):
    prompt = f"convert this to pathlib please\n\n```python\n{OS_PATH}```"
    replies = [answer(replier, [user(prompt)], seed=s) for s in range(6)]
    assert {r.plan for r in replies} == {"pathlib version of pasted code"}
    assert all("rglob('*.log')" in FENCE.findall(r.text)[0] for r in replies)
    assert sum("own order" in r.text for r in replies) >= 4  # a careful model says what differs
    assert not any(CLAIMS_TO_HAVE_RUN.search(r.text) for r in replies)


def test_a_weaker_model_leaves_out_the_differences_more_often(replier):
    prompt = f"convert this to pathlib please\n\n```python\n{OS_PATH}```"

    def said(model):
        return sum(
            "own order" in answer(replier, [user(prompt)], model=model, seed=s).text
            for s in range(30)
        )

    assert said("sim-haiku-4-5") < said("sim-opus-4-7")


def test_a_hanging_binary_search_gets_its_cause(replier):
    prompt = (
        "this binary search hangs forever on some inputs and i cant see why\n\n"
        f"```python\n{BISECT}```"
    )
    replies = [answer(replier, [user(prompt)], seed=s) for s in range(5)]
    assert all(r.plan == "review pasted code" for r in replies)
    found = [r.text for r in replies if "can run forever" in r.text]
    assert len(found) >= 3
    assert all("`lo = mid + 1`" in t and "`xs = [10, 20]`" in t for t in found)


def test_type_hints_and_a_docstring_for_the_code_of_the_turn_before(replier):
    first = [user("write a python function that counts the vowels in a string")]
    written = answer(replier, first).text
    assert "def count_vowels" in written
    follow = [
        *first,
        {"role": "assistant", "content": written},
        user("now add type hints and a docstring"),
    ]
    reply = answer(replier, follow)
    assert reply.plan == "type hints and docstrings for pasted code"
    code = FENCE.findall(reply.text)[0]
    assert "def count_vowels(text: str) -> int:" in code and '"""' in code
    assert "`text: str`" in reply.text


def test_pasted_code_with_type_hints_only(replier):
    prompt = f"add type hints to this\n\n```python\n{BISECT}```"
    reply = answer(replier, [user(prompt)])
    assert reply.plan == "type hints for pasted code"
    code = FENCE.findall(reply.text)[0]
    assert "xs: Sequence[Any]" in code and '"""' not in code
    assert "I left `target`" in reply.text  # compared with items of unknown type: no guess


def test_a_question_about_type_hints_without_code_is_answered_by_the_bank(replier):
    reply = answer(replier, [user("what are type hints in python and should I use them?")])
    assert not reply.plan.endswith("for pasted code")


def test_earlier_code_is_the_last_python_block_with_a_function():
    from labkit.sim.replies.intent import Reading
    from labkit.sim.replies.own_code import earlier_code

    reading = Reading(
        "explain_code",
        None,
        None,
        "any",
        1.0,
        "now add a docstring",
        earlier=(
            "write two functions",
            "First:\n```python\ndef a():\n    return 1\n```\nand\n```python\nX = 2\n```",
        ),
    )
    assert earlier_code(reading) == "def a():\n    return 1"
    assert earlier_code(Reading("explain_code", None, None, "any", 1.0, "x")) is None


def test_a_docstring_only_request_adds_no_hints(replier):
    prompt = f"add a docstring to this\n\n```python\n{CHAIN}```"
    reply = answer(replier, [user(prompt)])
    assert reply.plan == "docstrings for pasted code"
    code = FENCE.findall(reply.text)[0]
    assert '"""Return the shipping cost for `region`."""' in code and "->" not in code
    assert "comes from its name" in reply.text

"""A review that finds nothing: what was checked, that it is no proof, and the test to write next."""

import re
import tomllib
from pathlib import Path

import pytest

from labkit.sim.replies.reader import clean_review_notes, review
from tests.sim.replies.reader.samples import FACTORIAL, src

BANK = Path(__file__).resolve().parents[4] / "datasets" / "replies" / "code_answers.toml"
RAN = re.compile(r"\b(I ran|I've run|running it shows|when I ran|I executed|it printed)\b", re.I)


def notes(code):
    code = src(code)
    assert review(code) == [], review(code)  # these are all clean: that is the case in question
    return clean_review_notes(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "def dedupe(items):\n    out = []\n    for item in items:\n        if item not in out:\n"
            "            out.append(item)\n    return out\n",
            "The edge case I would test first is an empty `items`: reading the code, `dedupe` then "
            "returns `[]`, and a test such as `assert dedupe([]) == []` would pin that down (or show "
            "that it should do something else).",
        ),
        (
            "def mean(xs):\n    if not xs:\n        raise ValueError('empty')\n    return sum(xs) / len(xs)\n",
            "The edge case I would test first is an empty `xs`: reading the code, `mean([])` raises "
            "`ValueError` (the check `not xs` on line 2), so decide what an empty input should give "
            "and pin that down in a test.",
        ),
        (
            "def ratio(a: float, b: float) -> float:\n    return a / b\n",
            "The next test I would write calls `ratio` with `b` set to 0, the one value a division "
            "cannot take, and checks that it does what you want there.",
        ),
        (
            FACTORIAL,
            "The next test I would write sits on the boundary of the check on line 2 (`n < 0`): "
            "`factorial` with `n=-1` should raise, and with `n=0` it should not.",
        ),
        (
            "def greet(name: str | None = None) -> str:\n    return f\"Hello, {name or 'world'}!\"\n",
            "The next test I would write passes `None` for `name`, which the code allows, and checks "
            "that `greet` does what you expect on that path.",
        ),
        (
            "def shout(text: str) -> str:\n    return text.upper() + '!'\n",
            "The next test I would write passes an empty string for `text`.",
        ),
    ],
)
def test_the_next_check_comes_from_the_code_shape(code, expected):
    assert notes(code)[-1] == expected


def test_no_assert_example_for_a_float_result():
    # `== 0.0` is what review warns about, so the suggestion does not write one.
    (note,) = notes(
        "def total(prices):\n    result = 0.0\n    for p in prices:\n        result += p\n    return result\n"
    )
    assert "returns `0.0`" in note and "assert" not in note


def test_the_risky_spots_done_safely_are_named():
    code = """
        import sqlite3

        def find(conn, uid):
            with open("audit.log", "a") as log:
                log.write(str(uid))
            return conn.execute("SELECT * FROM users WHERE id = ?", (uid,)).fetchone()
    """
    first = notes(code)[0]
    assert first == (
        "The spots that often go wrong are done the safe way here: the file opened on line 4 is "
        "closed by its `with` block and the query on line 6 passes its values as parameters."
    )


def test_notes_never_claim_a_run_and_give_nothing_for_broken_code():
    for code in (FACTORIAL, "x = 1\nprint(x)", "def f(a, b):\n    return a / b"):
        for note in clean_review_notes(code):
            assert not RAN.search(note), note
            assert note.endswith(".")
    assert clean_review_notes("def f(:\n    pass") == []
    assert clean_review_notes(None) == []  # type: ignore[arg-type]


def test_the_banks_clean_verdicts_say_what_was_checked_and_that_it_is_no_proof():
    clean = tomllib.loads(BANK.read_text(encoding="utf-8"))["review"]["clean"]
    assert len(clean) >= 3
    hedges = ("not the same as", "no proof", "not a wrong result", "weak evidence")
    checked = (
        "SQL",
        "shell",
        "queries",
        "eval",
        "injection",
        "mutable default",
        "except",
        "`== None`",
    )
    for text in clean:
        sentence = text if isinstance(text, str) else text["text"]
        assert "{subject}" in sentence
        assert any(h in sentence for h in hedges), sentence
        assert sum(c.lower() in sentence.lower() for c in checked) >= 3, sentence
        assert "test" in sentence, sentence  # points at the next check
        assert not re.search(
            r"\bno bugs?\b|nothing wrong|looks (?:right|correct)|\bis correct\.", sentence, re.I
        ), sentence
        assert not RAN.search(sentence)

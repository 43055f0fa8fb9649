"""Finding the code in a prompt, naming it, and the promise that nothing here raises."""

import random

import pytest

from labkit.sim.replies.reader import (
    MAX_CHARS,
    clean_review_notes,
    describe_name,
    explain,
    pasted_code,
    refactor,
    review,
)
from labkit.sim.replies.reader import tests_for as write_tests  # not a test: pytest collects test*
from tests.sim.replies.reader.samples import CLEAN, FACTORIAL, SCORES

# --------------------------------------------------------------------------- pasted_code


def test_a_fenced_block_is_taken_from_between_prose():
    prompt = "What does this do?\n\n```python\ndef double(x):\n    return x * 2\n```\n\nThanks!"
    assert pasted_code(prompt) == "def double(x):\n    return x * 2"


def test_an_untagged_fence_counts_only_when_it_is_code():
    assert pasted_code("look:\n```\ntotal = sum(xs)\n```") == "total = sum(xs)"
    assert pasted_code("I ran\n```\n$ pip install foo\nERROR: no such package\n```") is None
    assert pasted_code("```js\nconst x = 1;\n```") is None


def test_unfenced_code_is_the_longest_run_that_parses_with_windows_line_endings():
    prompt = "review this please:\r\ndef add(a, b):\r\n    return a + b\r\n\r\nprint(add(1, 2))\r\nIs it ok?"
    assert pasted_code(prompt) == "def add(a, b):\n    return a + b\n\nprint(add(1, 2))"


def test_indented_code_is_dedented_and_a_trailing_word_is_not_code():
    prompt = "Can you refactor this?\n\n    def f(xs):\n        return [x for x in xs]\nThanks"
    assert pasted_code(prompt) == "def f(xs):\n    return [x for x in xs]"


@pytest.mark.parametrize(
    "prompt",
    ["How do I test this", "yes or no", "Thanks", "What is top-p sampling?", "", "   \n\n"],
)
def test_prose_is_not_code(prompt):
    assert pasted_code(prompt) is None


def test_a_truncated_fence_and_several_fences():
    assert pasted_code("```python\ndef f(x):\n    return (x") == "def f(x):\n    return (x"
    two = "```python\nimport math\n```\nand\n```py\nprint(math.pi)\n```"
    assert pasted_code(two) == "import math\n\nprint(math.pi)"


# --------------------------------------------------------------------------- describe_name


def test_describe_name_is_the_first_top_level_definition():
    assert describe_name("import os\n\nclass Cache:\n    pass\n\ndef get(): ...") == "Cache"
    assert describe_name("x = 1") is None
    assert describe_name("def (") is None


# --------------------------------------------------------------------------- never raises

SAMPLE = CLEAN + SCORES + FACTORIAL


def every_function(text):
    return [
        pasted_code(text),
        describe_name(text),
        explain(text),
        review(text),
        refactor(text),
        write_tests(text, "factorial"),
    ]


def test_truncated_code_never_raises():
    short = SCORES + FACTORIAL
    texts = [short[:end] for end in range(0, len(short), 11)]
    texts += [SAMPLE[:end] for end in range(0, len(SAMPLE), 97)]
    for text in texts:
        results = every_function(text)
        assert isinstance(results[2], list) and isinstance(results[3], list)


def test_random_text_never_raises():
    rng = random.Random(1)
    alphabet = "abcdefxyz_ ()[]{}:=+-*/.,'\"#\n\t\\@!<>0123456789 deforclassreturnifin"
    for _ in range(150):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        every_function(text)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 5000,
        "x = " + "[" * 150 + "]" * 150,
        "x = " + "-" * 15000 + "1",
        "x = " + " + ".join(["a"] * 4000),
        "def f():\n" + "".join(" " * (i + 1) + "if x:\n" for i in range(120)) + " " * 122 + "pass",
        "print('\\x00')\x00",
        "x = 1\n" * (MAX_CHARS // 6 + 1),
    ],
)
def test_pathological_input_gives_nothing_instead_of_raising(text):
    results = every_function(text)
    assert results[0] is None or isinstance(results[0], str)
    if len(text) > MAX_CHARS:
        assert results == [None, None, [], [], None, None]


def test_clean_review_notes_never_raise_on_truncated_or_random_text():
    rng = random.Random(2)
    alphabet = "abcdefxyz_ ()[]{}:=+-*/.,'\"#\n\t\\@!<>0123456789 deforclassreturnifin"
    texts = [SAMPLE[:end] for end in range(0, len(SAMPLE), 53)]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200))) for _ in range(100)]
    for text in texts:
        assert isinstance(clean_review_notes(text), list)


def test_non_text_input_gives_nothing():
    assert every_function(None) == [None, None, [], [], None, None]

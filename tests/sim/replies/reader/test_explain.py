"""`explain`: plain sentences about pasted code, each one true of it."""

import ast
import re

import pytest

from labkit.sim.replies.reader.explain import explain
from labkit.sim.replies.reader.source import pasted_code
from tests.sim.replies.reader.samples import SCORES, src


def test_explain_describes_the_function_its_loop_branches_and_raise():
    sentences = explain(SCORES)
    assert 2 <= len(sentences) <= 8
    text = " ".join(sentences)
    assert "`load_scores` is a function that takes `path` and `minimum` (default `0`)" in text
    assert "returns `sorted(out, key=lambda p: p[1], reverse=True)`" in text
    assert "raises `ValueError` when `not out`" in text
    assert "`for` loop taking each `name, score` from `data.items()`" in text
    assert "branches on `score >= minimum` and `not out`" in text
    assert "calls `open(path)` in a `with` block, so the file is closed" in text


def test_explain_quotes_only_what_is_in_the_code():
    # Every code quote is either a piece of the source or a plain Python word.
    allowed = {"None", "KeyError", "ValueError", "with", "for", "try", "except", "finally"}
    normalised = ast.unparse(ast.parse(SCORES))
    for sentence in explain(SCORES):
        for quote in re.findall(r"`([^`]+)`", sentence):
            assert quote in allowed or quote in SCORES or quote in normalised, quote


def test_explain_recursion_and_the_other_paths():
    text = " ".join(
        explain("def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n")
    )
    assert "returns `1` or `n * fact(n - 1)`, depending on the path" in text
    assert "`fact` is recursive: it calls itself (`fact(n - 1)`)" in text


def test_explain_generators_coroutines_and_context_managers():
    code = src(
        """
        def chunks(xs, n=2):
            for i in range(0, len(xs), n):
                yield xs[i:i + n]

        async def fetch_all(urls):
            async with session() as s:
                return [await s.get(u) for u in urls]
        """
    )
    text = " ".join(explain(code))
    assert "`chunks` is a generator: each `yield xs[i:i + n]` hands a value" in text
    assert "`fetch_all` is a coroutine (`async def`)" in text
    assert "waits for `s.get(u)` with `await`" in text


def test_explain_decorators_comprehensions_and_call_glosses():
    code = src(
        """
        import functools
        from json import loads

        @functools.cache
        def parse(text):
            data = loads(text)
            return {k: v for k, v in sorted(data.items())}
        """
    )
    text = " ".join(explain(code))
    assert "`@functools.cache` (remembers results for arguments it has seen)" in text
    assert "builds a dict with `{k: v for k, v in sorted(data.items())}`" in text
    assert "`loads` (parses a JSON string into Python objects)" in text
    assert "`sorted` (returns a new sorted list)" in text


def test_explain_classes_and_dataclasses():
    code = src(
        """
        from dataclasses import dataclass

        @dataclass
        class Point:
            x: int
            y: int = 0

            def norm(self):
                return (self.x ** 2 + self.y ** 2) ** 0.5

        class Stack:
            def __init__(self, limit):
                self.items = []
        """
    )
    text = " ".join(explain(code))
    assert "`Point` is a dataclass with fields `x: int` and `y: int` and method `norm`" in text
    assert "`Point.norm` is a method that takes no arguments and returns `(self.x ** 2" in text
    assert "`Stack` is a class with method `__init__`; creating one takes `limit`" in text


def test_explain_a_one_liner_describes_the_expression():
    sentences = explain("sorted(d.items(), key=lambda kv: kv[1], reverse=True)")
    assert sentences[0] == (
        "It is a single expression, a call to `sorted` with `d.items()`, "
        "`key=lambda kv: kv[1]` and `reverse=True`."
    )
    assert any("`lambda kv: kv[1]`" in s for s in sentences)


def test_explain_bare_statements_still_gives_two_true_sentences():
    assert explain("x = 1") == [
        "It is a script of 1 top-level statement with no functions or classes.",
        "It sets `x` to `1`.",
    ]


def test_explain_hedges_a_guess_from_the_name_once_when_the_shape_says_nothing():
    sentences = explain("def is_valid(s):\n    return checker.run(s)\n")
    guesses = [s for s in sentences if "name" in s]
    assert guesses == [
        "Judging by its name, `is_valid` probably answers “is valid?” with `True` or `False`."
    ]
    assert sentences[0] == guesses[0]  # the best there is to say about what it is for


def test_explain_opens_with_what_the_code_is_for():
    sentences = explain("def is_palindrome(s):\n    return s == s[::-1]\n")
    assert sentences[0] == "`is_palindrome` tells whether `s` reads the same backwards as forwards."
    assert not any("name" in s for s in sentences)  # the shape said it: no guess from the name
    first = explain(SCORES)[0]
    assert first == (
        "`load_scores` returns the key/value pairs `name, score` of `data` for which "
        "`score >= minimum`, sorted by `p[1]`, largest first."
    )


def test_explain_says_what_an_empty_input_gives_right_after_the_summary():
    sentences = explain(
        "def dedupe(items):\n    seen = set()\n    out = []\n    for item in items:\n"
        "        if item not in seen:\n            seen.add(item)\n            out.append(item)\n"
        "    return out\n"
    )
    assert sentences[0].startswith("`dedupe` returns the items of `items` without repeats")
    assert sentences[1].startswith("`dedupe` is a function that takes `items` and returns `out`")
    assert sentences[2] == "With an empty `items`, the loop never runs, so `dedupe` returns `[]`."
    mean = explain("def mean(xs):\n    return sum(xs) / len(xs)\n")
    assert "With an empty `xs`, `mean` raises `ZeroDivisionError` (`len(xs)` is 0)." in mean
    guarded = " ".join(
        explain("def head(xs):\n    if not xs:\n        raise ValueError\n    return xs[0]\n")
    )
    assert (
        "With an empty `xs`, `head` raises `ValueError` (the check `not xs` on line 2)." in guarded
    )


def test_explain_says_what_each_handler_does_with_the_error():
    code = src(
        """
        def parse(text):
            try:
                return int(text)
            except ValueError:
                logger.warning("bad number %r", text)
                return None

        def load(path):
            try:
                return read(path)
            except FileNotFoundError:
                return {}
            except PermissionError:
                raise ConfigError(path)
        """
    )
    text = " ".join(explain(code))
    assert (
        "`parse` catches `ValueError` with `try`/`except` and logs it, then returns `None` instead."
        in text
    )
    assert (
        "`load` catches `FileNotFoundError` (returns `{}` instead) and `PermissionError` "
        "(raises `ConfigError` instead)" in text
    )


def test_explain_never_claims_to_have_run_the_code():
    for code in (SCORES, "def mean(xs):\n    return sum(xs) / len(xs)\n", "x = 1"):
        for sentence in explain(code):
            assert not re.search(r"\b(I ran|running it|when I ran|I tested|output was)\b", sentence)


def test_explain_handlers_match_and_the_script_entry_point():
    code = src(
        """
        import sys

        def run(command):
            try:
                match command:
                    case "start":
                        return 0
                    case _:
                        return 1
            except KeyError:
                pass
            finally:
                sys.stdout.flush()

        if __name__ == "__main__":
            run(sys.argv[1])
        """
    )
    text = " ".join(explain(code))
    assert "`run` matches `command` against 2 `case` patterns." in text
    assert "`run` catches `KeyError` with `try`/`except` and ignores it" in text
    assert "a `finally` block runs either way" in text
    assert (
        'When the file runs as a script (`if __name__ == "__main__"`), it runs `run(sys.argv[1])`.'
        in text
    )


def test_explain_of_a_long_module_keeps_the_most_important_sentences():
    code = "\n".join(
        f"def f{i}(x):\n    for y in x:\n        print(y)\n    return x" for i in range(12)
    )
    sentences = explain(code)
    assert len(sentences) == 8
    assert (
        sentences[0] == "The code defines 12 functions (`f0`, `f1`, `f2`, `f3`, `f4` and 7 more)."
    )
    assert all(s.endswith(".") for s in sentences)


def test_explain_reads_the_code_a_prompt_pastes():
    prompt = "What does this do?\r\n\r\n```py\r\nwords = text.split()\r\nprint(len(words))\r\n```"
    code = pasted_code(prompt)
    assert code is not None
    assert explain(code) == [
        "It is a script of 2 top-level statements with no functions or classes.",
        "It sets `words` to `text.split()`.",
        "It calls `text.split` (on a string, splits it into a list of parts) and `print` (writes to standard output).",
    ]


@pytest.mark.parametrize("source", ["def (", "", "# just a comment", '"""A docstring."""'])
def test_explain_gives_nothing_for_what_is_not_code(source):
    assert explain(source) == []

"""`annotate`: hints the code vouches for, docstrings from its reading, nothing else changed.

The annotated code is run next to the original on generated inputs (hints and docstrings must
not change behaviour), and checked with mypy: a hint that contradicts the code it annotates
is exactly the error a guess would make.
"""

import ast
from typing import Any

import pytest

from labkit.sim.replies.reader import annotate, annotation_notes
from labkit.sim.replies.reader.hints import hint_param, hint_return
from tests.sim.replies.reader.samples import DEDUPE, FACTORIAL, SCORES, assert_same_behaviour, src

VOWELS = "def count_vowels(text):\n    return sum(1 for ch in text.lower() if ch in 'aeiou')\n"
MEAN = src(
    """
    def mean(xs):
        # the average of the numbers
        return sum(xs) / len(xs)
    """
)
GREET = src(
    """
    def greet(name, greeting="Hello", excited=False):
        text = f"{greeting}, {name.strip().title()}"
        if excited:
            text += "!"
        return text


    def first_long(words, minimum=5):
        for word in words:
            if len(word) >= minimum:
                return word
        return None
    """
)
SHIPPING = src(
    """
    def shipping_cost(region):
        if region == "uk":
            return 4.99
        elif region == "eu":
            return 7.50
        else:
            return 15.00
    """
)


def hints_of(source):
    result = annotate(source, docstrings=False)
    assert result is not None
    return {
        (h.function + "()" if h.name == "return" else h.name): h.text for h in result.hinted
    }, result


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (VOWELS, {"text": "str", "count_vowels()": "int"}),
        (MEAN, {"xs": "Collection[float]", "mean()": "float"}),
        (FACTORIAL, {"n": "int", "factorial()": "int"}),
        (SHIPPING, {"region": "str", "shipping_cost()": "float"}),
        (
            GREET,
            {
                "name": "str",
                "greeting": "str",
                "excited": "bool",
                "greet()": "str",
                "words": "Iterable[Any]",
                "minimum": "int",
            },
        ),
    ],
)
def test_hints_come_from_what_the_code_does(code, expected):
    found, _ = hints_of(code)
    assert found == expected


def test_what_the_code_does_not_show_is_left_out_and_said():
    _, result = hints_of(SCORES)
    assert ("load_scores", "`path`") in result.unknown  # only handed to `open`: str, Path, fd...
    notes = " ".join(annotation_notes(result, docstrings=False))
    assert "I left `path`" in notes and "guessed hint is worse than none" in notes
    _, greeted = hints_of(GREET)
    assert ("first_long", "the result") in greeted.unknown  # an item of `words`, or None
    notes = " ".join(annotation_notes(greeted, docstrings=False))
    assert "the result of `first_long`" in notes  # two functions: each named


def test_the_annotated_code_runs_as_before_and_keeps_its_comments():
    result = annotate(MEAN)
    assert result is not None
    assert "# the average of the numbers" in result.source
    assert result.source.startswith("from collections.abc import Collection\n")
    assert_same_behaviour(MEAN, result.source, "mean", [([1, 2, 3],), ((2.5,),), ([],)])
    dedupe = annotate(DEDUPE)
    assert dedupe is not None
    assert_same_behaviour(DEDUPE, dedupe.source, "dedupe", [([3, 1, 3],), ([],), ("abca",)])


def test_docstrings_say_what_the_code_does_and_how_it_fails():
    result = annotate(FACTORIAL)
    assert result is not None
    namespace: dict[str, Any] = {}
    exec(result.source, namespace)
    doc = namespace["factorial"].__doc__
    assert doc.startswith("Compute the factorial of `n`")
    assert "Raises `ValueError` if `n < 0`." in doc
    mean = annotate(MEAN)
    assert mean is not None and "Raises `ZeroDivisionError` if `xs` is empty." in mean.source


def test_a_docstring_from_the_name_is_flagged_and_a_one_word_name_gets_none():
    result = annotate(SHIPPING)
    assert result is not None
    assert '"""Return the shipping cost for `region`."""' in result.source
    assert result.from_name == ["shipping_cost"]
    notes = " ".join(annotation_notes(result))
    assert "comes from its name" in notes
    search = "def search(xs, t):\n    i = 0\n    while i < len(xs) and xs[i] != t:\n        i += 1\n    return i\n"
    found = annotate(search)
    assert found is not None and '"""' not in found.source
    assert "yours to write" in " ".join(annotation_notes(found))


def test_only_what_was_asked_for_is_added():
    hints_only = annotate(FACTORIAL, docstrings=False)
    docs_only = annotate(FACTORIAL, hints=False)
    assert hints_only is not None and docs_only is not None
    assert '"""' not in hints_only.source and "-> int" in hints_only.source
    assert '"""' in docs_only.source and "->" not in docs_only.source


def test_existing_hints_and_docstrings_are_kept():
    code = 'def f(x: int, y):\n    """Add."""\n    return x + y\n'
    result = annotate(code)
    assert result is None or result.source.count('"""') == 2
    assert result is None or "x: int" in result.source


def test_defaults_keep_pep8_spacing_and_method_self_is_left_alone():
    code = "class Box:\n    def grow(self, by=2):\n        self.size = self.size * by\n"
    result = annotate(code, docstrings=False)
    assert result is not None
    assert "def grow(self, by: int = 2) -> None:" in result.source


def test_the_hints_pass_mypy():
    api = pytest.importorskip("mypy.api")
    sources = [annotate(code, docstrings=False) for code in (VOWELS, MEAN, FACTORIAL, GREET)]
    joined = "\n\n".join(s.source for s in sources if s is not None)
    tree = ast.parse(joined)
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    body = [n for n in tree.body if not isinstance(n, ast.ImportFrom)]
    module = "\n".join(ast.unparse(n) for n in [*imports, *body])
    flags = ["--config-file", "", "--no-incremental", "--check-untyped-defs", "--warn-return-any"]
    stdout, _, status = api.run([*flags, "-c", module])
    assert status == 0, stdout


def test_hint_functions_return_none_where_the_code_is_silent():
    fn = ast.parse("def f(x, y=None):\n    return g(x, y)\n").body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert hint_param(fn, fn.args.args[0], None) is None
    assert hint_param(fn, fn.args.args[1], fn.args.defaults[0]) is None
    assert hint_return(fn, {}) is None

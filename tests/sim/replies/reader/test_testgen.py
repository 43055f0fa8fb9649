"""`tests_for`: generated tests that pass on working code and catch a real bug."""

import ast
import sys
import types
from typing import Any

import pytest

# Not a test, though pytest collects names starting with "test": so it goes by another name.
from labkit.sim.replies.reader.testgen import tests_for as write_tests
from tests.sim.replies.reader.samples import FACTORIAL, src


def generated_results(module_text, source, monkeypatch):
    """Run the generated tests against `source`: how many, and which cases failed."""
    module = types.ModuleType("your_module")
    exec(compile(source, "<your_module>", "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, "your_module", module)
    namespace: dict[str, Any] = {}
    exec(compile(module_text, "test_generated.py", "exec"), namespace)
    tests = {k: v for k, v in namespace.items() if k.startswith("test_")}
    failures = []
    for key, test in tests.items():
        marks = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
        cases: list[dict[str, Any]] = [{}]
        if marks:
            names, rows = marks[0].args
            names = [names] if isinstance(names, str) else list(names)
            cases = [
                dict(zip(names, row if len(names) > 1 else (row,), strict=True)) for row in rows
            ]
        for case in cases:
            try:
                test(**case)
            except (Exception, pytest.fail.Exception) as error:
                failures.append((key, case, type(error).__name__))
    return len(tests), failures


def test_tests_for_writes_property_tests_that_pass_on_working_code(monkeypatch):
    module = write_tests(FACTORIAL, "factorial")
    assert module is not None
    assert "from your_module import factorial  # change `your_module`" in module
    assert "expected value:" not in module and "fill in" not in module
    assert "with pytest.raises(ValueError):\n        factorial(-1)" in module
    assert "assert isinstance(factorial(3), int)" in module
    count, failures = generated_results(module, FACTORIAL, monkeypatch)
    assert 3 <= count <= 6
    assert failures == []


def test_tests_for_edge_inputs_catch_a_real_bug(monkeypatch):
    buggy = "def mean(xs):\n    return sum(xs) / len(xs)\n"
    module = write_tests(buggy, "mean")
    assert module is not None
    _, failures = generated_results(module, buggy, monkeypatch)
    assert failures == [("test_mean_handles_edge_inputs", {"xs": []}, "ZeroDivisionError")]


def test_tests_for_reads_types_from_annotations_usage_and_none_checks(monkeypatch):
    code = src(
        """
        def normalize(text):
            if text is None:
                return ""
            return " ".join(text.split()).lower()
        """
    )
    module = write_tests(code, "normalize")
    assert module is not None
    assert '@pytest.mark.parametrize("text", ["", None])' in module
    assert "test_normalize_is_idempotent" in module  # the name says so, and the test says that
    count, failures = generated_results(module, code, monkeypatch)
    assert count >= 3 and failures == []


def test_tests_for_bool_results_generators_and_symmetry(monkeypatch):
    code = src(
        """
        def is_even(n: int) -> bool:
            return n % 2 == 0

        def evens(limit):
            for i in range(limit):
                if i % 2 == 0:
                    yield i

        def hamming(a: str, b: str) -> int:
            return sum(x != y for x, y in zip(a, b))
        """
    )
    for name, expected in [
        ("is_even", "assert isinstance(is_even(3), bool)"),
        ("evens", "assert isinstance(evens(3), Iterator)"),
        ("hamming", "assert hamming(a, b) == hamming(b, a)"),
    ]:
        module = write_tests(code, name)
        assert module is not None and expected in module, module
        assert ast.parse(module)
        _, failures = generated_results(module, code, monkeypatch)
        assert failures == [], (name, failures)


def test_tests_for_imports_a_custom_error_and_passes_keyword_only_arguments(monkeypatch):
    code = src(
        """
        class EmptyError(Exception):
            pass

        def head(items: list[int], *, strict: bool) -> int:
            if not items:
                raise EmptyError("empty")
            return items[0]
        """
    )
    module = write_tests(code, "head")
    assert module is not None
    assert "from your_module import head, EmptyError" in module
    assert "with pytest.raises(EmptyError):\n        head([], strict=True)" in module
    assert "head(items, strict=strict)" in module
    _, failures = generated_results(module, code, monkeypatch)
    assert failures == []


def test_tests_for_reads_leading_asserts_and_several_numbers(monkeypatch):
    code = src(
        """
        def brightness(r, g, b):
            assert r >= 0
            top = max(r, g, b)
            return (top - min(r, g, b)) / 2
        """
    )
    module = write_tests(code, "brightness")
    assert module is not None
    assert "with pytest.raises(AssertionError):\n        brightness(-1, 3, 3)" in module
    assert '("r", "g", "b")' in module and "(3, 3, 3)" in module  # numbers, not lists
    count, failures = generated_results(module, code, monkeypatch)
    assert count >= 3 and failures == []


def test_tests_for_says_so_when_types_cannot_be_read():
    module = write_tests("def frob(thing):\n    return thing.frobnicate()\n", "frob")
    assert module is not None
    assert 'assert list(inspect.signature(frob).parameters) == ["thing"]' in module
    assert "frob(thing" not in module  # nothing to call it with that the code vouches for


def test_tests_for_an_unknown_name_or_broken_code_is_none():
    assert write_tests(FACTORIAL, "fib") is None
    assert write_tests("class Factorial:\n    pass", "Factorial") is None
    assert write_tests("def f(:", "f") is None

"""The comparison-operator table agrees with Python's own spelling of every operator."""

from __future__ import annotations

import ast

import pytest

from labkit.ast_symbols import COMPARISON_SYMBOLS


@pytest.mark.parametrize(
    "source",
    [
        "a == b",
        "a != b",
        "a < b",
        "a <= b",
        "a > b",
        "a >= b",
        "a is b",
        "a is not b",
        "a in b",
        "a not in b",
    ],
)
def test_each_symbol_is_how_python_writes_the_operator(source: str) -> None:
    comparison = ast.parse(source, mode="eval").body
    assert isinstance(comparison, ast.Compare)
    assert f"a {COMPARISON_SYMBOLS[type(comparison.ops[0])]} b" == source


def test_every_comparison_operator_has_a_symbol() -> None:
    operators = {
        cls
        for cls in vars(ast).values()
        if isinstance(cls, type) and issubclass(cls, ast.cmpop) and cls is not ast.cmpop
    }
    assert operators == set(COMPARISON_SYMBOLS)

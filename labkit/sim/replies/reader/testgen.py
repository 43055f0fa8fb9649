"""`tests_for`: a small, honest pytest module for a function of the pasted code.

The tests state what the code makes checkable, without running it: typical and edge inputs do
not raise, the result type when every path makes it evident, the exceptions the leading guards
raise, idempotence or symmetry when the name says so. (Named testgen, not tests_for, so that
pytest does not take it for a test module.)
"""

from __future__ import annotations

import ast
import re
from typing import Any

from labkit.sim.replies.reader.guards import _holds, _satisfying
from labkit.sim.replies.reader.kinds import _EDGE, _TYPICAL, _params_of, _result_kind
from labkit.sim.replies.reader.source import (
    _article,
    _dotted,
    _FunctionNode,
    _is_docstring,
    _is_exception_name,
    _is_generator,
    _name_words,
    _parse,
    _safely,
    _unique,
)

_IDEMPOTENT_WORDS = frozenset(
    ["normalize", "normalise", "clean", "strip", "dedupe", "deduplicate", "unique", "canonical",
     "canonicalize", "sort", "sorted", "slugify", "lowercase", "squash"]
)  # fmt: skip
_SYMMETRIC_WORDS = frozenset(
    ["distance", "gcd", "lcm", "hamming", "levenshtein", "jaccard", "similarity", "anagram", "anagrams"]
)  # fmt: skip
_SYMMETRIC_PAIRS: dict[str, list[tuple[Any, Any]]] = {
    "str": [("kitten", "sitting"), ("listen", "silent")],
    "int": [(12, 18), (7, 3)],
    "list": [([1, 2, 3], [2, 3, 4]), ([5], [])],
}
_RESERVED_ARGS = frozenset(["request", "pytest", "result", "once"])


def tests_for(source: str, name: str) -> str | None:
    """A small pytest module for function `name` in `source`, written without running the code.

    The tests state what the code makes checkable: typical inputs of the types read from
    annotations, defaults and usage do not raise; empty, zero, negative (and None, when the code
    checks for it) inputs do not crash; the result type when every path makes it evident; the
    exceptions leading guards raise; idempotence or symmetry when the name says so. None when
    `name` is not a top-level function of `source`.
    """
    return _safely(lambda: _tests_for(source, name), None)


def _tests_for(source: str, name: str) -> str | None:
    tree = _parse(source)
    if tree is None or not isinstance(name, str):
        return None
    fn = next(
        (
            n
            for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
        ),
        None,
    )
    if fn is None:
        return None
    return _TestWriter(tree, fn).module()


def _exception_name(stmt: ast.stmt, defined: set[str]) -> str | None:
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return None
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    name = _dotted(exc)
    if name and (_is_exception_name(name) or name in defined):
        return name
    return None


def _literal(value: Any) -> str:
    """Python source for a sample value, with double quotes as the formatter writes them."""
    if isinstance(value, str):
        plain = value.isprintable() and '"' not in value and "\\" not in value
        return f'"{value}"' if plain else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class _TestWriter:
    """Writes the test module: a few tests, each one a property the code itself makes checkable."""

    def __init__(self, tree: ast.Module, fn: _FunctionNode) -> None:
        self.tree = tree
        self.fn = fn
        self.name = fn.name
        self.params = _params_of(fn)
        self.required = [p for p in self.params if p.required]
        self.classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
        self.imports = [fn.name]
        self.needs: set[str] = set()
        taken = {fn.name, *_RESERVED_ARGS}
        for param in self.params:
            param.test_name = param.name if param.name not in taken else f"{param.name}_value"
        # An async generator needs an event loop and `async for` to drive: not worth the noise.
        async_generator = isinstance(fn, ast.AsyncFunctionDef) and _is_generator(fn)
        self.callable = not async_generator and all(p.kind is not None for p in self.required)
        self.guards = self.leading_guards()

    # ------------------------------------------------------------ the pieces

    def leading_guards(self) -> list[ast.If]:
        """The `if <simple test>: raise/return` statements the body starts with.

        A leading `assert c` counts as `if not c: raise AssertionError`.
        """
        guards = []
        for stmt in self.fn.body:
            if _is_docstring(stmt):
                continue
            if isinstance(stmt, ast.Assert):
                raises = ast.Raise(exc=ast.Name(id="AssertionError", ctx=ast.Load()), cause=None)
                test = ast.UnaryOp(op=ast.Not(), operand=stmt.test)
                guards.append(ast.copy_location(ast.If(test=test, body=[raises], orelse=[]), stmt))
                continue
            if (
                isinstance(stmt, ast.If)
                and not stmt.orelse
                and isinstance(stmt.body[-1], ast.Raise | ast.Return)
            ):
                guards.append(stmt)
                continue
            break
        return guards

    def passes_guards(self, values: dict[str, Any]) -> bool:
        """True only when we can tell that no explicit raise at the top fires for these values."""
        for guard in self.guards:
            if isinstance(guard.body[-1], ast.Raise) and _holds(guard.test, values) is not False:
                return False
        return True

    def combo(self, index: int) -> dict[str, Any]:
        return {p.name: _TYPICAL[p.kind][index] for p in self.required if p.kind is not None}

    def call(self, values: dict[str, Any] | None = None, literal: bool = False) -> str:
        """The call expression, with test arguments by name or literal values."""
        parts = []
        for param in self.required:
            text = (
                _literal(values[param.name]) if literal and values is not None else param.test_name
            )
            parts.append(f"{param.name}={text}" if param.keyword_only else text)
        call = f"{self.name}({', '.join(parts)})"
        if isinstance(self.fn, ast.AsyncFunctionDef):
            self.needs.add("asyncio")
            return f"asyncio.run({call})"
        return call

    def run(self, values: dict[str, Any] | None = None, literal: bool = False) -> str:
        """A call that also runs a generator's body, which a bare call would not."""
        call = self.call(values, literal)
        return f"list({call})" if _is_generator(self.fn) else call

    def parametrize(self, cases: list[dict[str, Any]]) -> str:
        names = [p.test_name for p in self.required]
        if len(names) == 1:
            rows = [_literal(case[self.required[0].name]) for case in cases]
            return f'@pytest.mark.parametrize("{names[0]}", [{", ".join(rows)}])\n'
        header = "(" + ", ".join(f'"{n}"' for n in names) + ")"
        rows = [
            "(" + ", ".join(_literal(case[p.name]) for p in self.required) + ")" for case in cases
        ]
        body = "".join(f"        {row},\n" for row in rows)
        return f"@pytest.mark.parametrize(\n    {header},\n    [\n{body}    ],\n)\n"

    def signature(self) -> str:
        return ", ".join(p.test_name for p in self.required)

    # ------------------------------------------------------------ the tests

    def typical(self) -> str | None:
        if not self.callable:
            return None
        cases = [c for c in _unique([self.combo(0), self.combo(1)]) if self.passes_guards(c)]
        if not cases:
            return None
        comment = "    # Typical inputs of the types the code works with must not raise.\n"
        if not self.required:
            return f"def test_{self.name}_accepts_a_call_without_arguments():\n{comment}    {self.run()}\n"
        return (
            f"{self.parametrize(cases)}def test_{self.name}_accepts_typical_inputs({self.signature()}):\n"
            f"{comment}    {self.run()}\n"
        )

    def edges(self) -> str | None:
        if not self.callable or not self.required:
            return None
        base = self.combo(0)
        cases = []
        for param in self.required:
            assert param.kind is not None
            values = list(_EDGE[param.kind]) + ([None] if param.none_ok else [])
            for value in values:
                case = {**base, param.name: value}
                if self.passes_guards(case):
                    cases.append(case)
        if not cases:
            return None
        with_none = any(v is None for case in cases for v in case.values())
        also = "    # None is among them because the code checks for it.\n" if with_none else ""
        return (
            f"{self.parametrize(cases)}def test_{self.name}_handles_edge_inputs({self.signature()}):\n"
            "    # Empty, zero and negative inputs must not crash. If the specification says one of\n"
            "    # them should raise, turn that case into a pytest.raises test.\n"
            f"{also}"
            f"    {self.run()}\n"
        )

    def result_type(self) -> str | None:
        if not self.callable or not self.passes_guards(self.combo(0)):
            return None
        kind, reason = _result_kind(self.fn, {p.name: p for p in self.params})
        if kind is None:
            return None
        call = self.call(self.combo(0), literal=True)
        if kind == "None":
            check, words = f"assert {call} is None", "returns_none"
        elif kind == "iterator":
            self.needs.add("iterator")
            check, words = f"assert isinstance({call}, Iterator)", "returns_an_iterator"
        else:
            check, words = f"assert isinstance({call}, {kind})", f"returns_{_article(kind)}_{kind}"
        return f"def test_{self.name}_{words}():\n    # {reason}\n    {check}\n"

    def raises(self) -> list[str]:
        if not self.guards:
            return []
        params = {p.name: p for p in self.params}
        tests: list[str] = []
        seen: set[str] = set()
        for position, guard in enumerate(self.guards):
            exc = _exception_name(guard.body[-1], self.classes)
            if exc is None or not all(isinstance(s, ast.Expr) for s in guard.body[:-1]):
                continue
            wanted = _satisfying(guard.test, params)
            if wanted is None:
                continue
            name, value = wanted
            base = self.combo(0) if self.callable else {}
            values = {**base, name: value}
            if any(p.name not in values for p in self.required):
                continue
            earlier = self.guards[:position]
            if _holds(guard.test, values) is not True or any(
                _holds(g.test, values) is not False for g in earlier
            ):
                continue
            if exc in self.classes and exc not in self.imports:
                self.imports.append(exc)
            label = _snake(exc) + (f"_{len(seen) + 1}" if exc in seen else "")
            seen.add(exc)
            tests.append(
                f"def test_{self.name}_raises_{label}():\n"
                f"    # `{self.name}` raises `{exc}` when `{ast.unparse(guard.test)}` (line {guard.lineno}).\n"
                f"    with pytest.raises({exc}):\n"
                f"        {self.run(values, literal=True)}\n"
            )
            if len(tests) == 2:
                break
        return tests

    def property_test(self) -> str | None:
        if not self.callable:
            return None
        words = set(_name_words(self.name))
        if (
            words & _IDEMPOTENT_WORDS
            and len(self.required) == 1
            and self.required[0].kind in ("str", "list", "list[str]")
        ):
            param = self.required[0]
            assert param.kind is not None
            cases = [{param.name: v} for v in _TYPICAL[param.kind] + _EDGE[param.kind]]
            cases = [c for c in cases if self.passes_guards(c)]
            if not cases or isinstance(self.fn, ast.AsyncFunctionDef) or _is_generator(self.fn):
                return None
            return (
                f"{self.parametrize(cases)}def test_{self.name}_is_idempotent({param.test_name}):\n"
                f"    # Judging by its name, applying `{self.name}` twice should change nothing more than\n"
                "    # applying it once. Delete this test if that is not what the specification says.\n"
                f"    once = {self.name}({param.test_name})\n"
                f"    assert {self.name}(once) == once\n"
            )
        if words & _SYMMETRIC_WORDS and len(self.required) == 2:
            first, second = self.required
            kind = first.kind if first.kind == second.kind else None
            kind = "list" if kind == "list[str]" else kind
            if kind not in _SYMMETRIC_PAIRS or first.keyword_only or second.keyword_only:
                return None
            if isinstance(self.fn, ast.AsyncFunctionDef) or _is_generator(self.fn):
                return None
            pairs = [
                p
                for p in _SYMMETRIC_PAIRS[kind]
                if self.passes_guards({first.name: p[0], second.name: p[1]})
            ]
            if not pairs:
                return None
            rows = "".join(f"        ({_literal(a)}, {_literal(b)}),\n" for a, b in pairs)
            a, b = first.test_name, second.test_name
            return (
                f'@pytest.mark.parametrize(\n    ("{a}", "{b}"),\n    [\n{rows}    ],\n)\n'
                f"def test_{self.name}_is_symmetric({a}, {b}):\n"
                f"    # Judging by its name, swapping the two arguments should not change the result.\n"
                "    # Delete this test if that is not what the specification says.\n"
                f"    assert {self.name}({a}, {b}) == {self.name}({b}, {a})\n"
            )
        return None

    def signature_test(self) -> str:
        self.needs.add("inspect")
        args = self.fn.args
        names = [a.arg for a in [*args.posonlyargs, *args.args]]
        names += [args.vararg.arg] if args.vararg else []
        names += [a.arg for a in args.kwonlyargs]
        names += [args.kwarg.arg] if args.kwarg else []
        why = (
            "the code does not say what to call it with"
            if not self.callable
            else "the code alone cannot say what it should return"
        )
        return (
            f"def test_{self.name}_keeps_its_parameters():\n"
            f"    # Callers rely on the parameter names. Add example-based tests with expected values\n"
            f"    # from the specification: {why}.\n"
            f"    assert list(inspect.signature({self.name}).parameters) == {_literal(names)}\n"
        )

    # ------------------------------------------------------------ the module

    def module(self) -> str:
        tests = [t for t in (self.typical(), self.edges(), self.result_type()) if t]
        tests += self.raises()
        extra = self.property_test()
        if extra:
            tests.append(extra)
        if len(tests) < 3:
            tests.append(self.signature_test())
        tests = tests[:6]
        header = [
            f'"""Tests for `{self.name}`, written from its signature and structure, without running it.',
            "",
            "They check what the code makes checkable: the inputs it should accept, the type it returns,",
            "the errors it raises on purpose. Add examples with expected values from the specification:",
            "expected values taken from the code's own output would only test that it does what it does.",
            '"""',
            "",
        ]
        stdlib = sorted(
            {
                "asyncio": "import asyncio",
                "inspect": "import inspect",
                "iterator": "from collections.abc import Iterator",
            }[n]
            for n in self.needs
        )
        third_party = ["import pytest", ""] if any("pytest." in t for t in tests) else []
        imports = [*stdlib, ""] if stdlib else []
        imports += third_party
        imports.append(
            f"from your_module import {', '.join(self.imports)}  # change `your_module` to where `{self.name}` lives"
        )
        return "\n".join(header + imports) + "\n\n\n" + "\n\n".join(tests)

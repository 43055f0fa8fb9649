"""`trace`: a small function followed by hand on inputs of our own, to show a loop that hangs.

A review that says "this loop can run forever" convinces more with an input that shows it:
"with `xs = [10, 20]` and `target = 20`, the loop comes back to the same round". `_Tracer`
follows a function body statement by statement on numbers, strings and tuples we chose,
noting the values at the start of each round of one `while` loop; a round that starts with
values seen before repeats forever. It follows only assignment, `if`, `while`, `return`,
arithmetic, comparisons, `len`, indexing and appending to a result list, and gives up on
anything else: nothing of the user's code is run, and no call of theirs is made.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from labkit.sim.replies.reader.kinds import _params_of
from labkit.sim.replies.reader.source import _call_name, _FunctionNode, _is_docstring

_PURE_CALLS = frozenset(["len", "abs", "min", "max"])


class _Untraceable(Exception):
    """The function does something the hand trace does not follow."""


@dataclass(frozen=True)
class Stuck(Exception):
    """The loop came back to a round it had already started, with the same values."""

    state: tuple[tuple[str, Any], ...]
    round_sets: tuple[tuple[str, str, Any, Any], ...]  # (statement, name, value before, after)


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
    ast.RShift: lambda a, b: a >> b,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_NUMERIC_CALLS: dict[str, Callable[..., Any]] = {"abs": abs, "min": min, "max": max}
_STEP_LIMIT = 2_000
_LIST_SAMPLES: tuple[list[int], ...] = ([10, 20], [10, 20, 30])
_VALUE_SAMPLES = (10, 20, 5, 15, 25, 30, 35)
_NUMBER_SAMPLES = (2, 3, 4, 5, 1, 0, 6, 7, 8, 9, 10)
_TEXT_SAMPLES = ("ab", "a b", " a")


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Collected:
    """A list the code only appends to (`out = []`, `out.append(x)`), so it steers nothing.

    It is left out of the values compared between rounds: it grows every round without
    changing which way the loop goes. Any other use of it stops the trace.
    """

    def __init__(self) -> None:
        self.count = 0


class _Tracer:
    """Follows a small function by hand on values of our own: numbers, strings, tuples.

    Only assignment, `if`, `while`, `return`, arithmetic, comparisons, `len`, indexing and
    appending to a result list are followed; anything else gives up. At each round of `watched`
    the values of every name are noted: a round that starts with values seen before repeats
    forever.
    """

    def __init__(self, watched: ast.While, env: dict[str, Any]) -> None:
        self.watched = watched
        self.env = env
        self.steps = 0
        self.round_sets: list[tuple[str, str, Any, Any]] = []

    def run(self, stmts: Sequence[ast.stmt]) -> None:
        for stmt in stmts:
            self.steps += 1
            if self.steps > _STEP_LIMIT:
                raise _Untraceable
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if _is_docstring(stmt) or isinstance(stmt, ast.Pass):
            return
        if isinstance(stmt, ast.Assign):
            if isinstance(stmt.value, ast.List) and not stmt.value.elts:
                value: Any = _Collected()
            else:
                value = self.value(stmt.value)
            for target in stmt.targets:
                self.bind(target, value, stmt)
        elif isinstance(stmt, ast.Expr) and self.appends(stmt.value):
            return
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            before = self.env.get(stmt.target.id)
            operator = _BINARY.get(type(stmt.op))
            if operator is None or before is None:
                raise _Untraceable
            self.bind(stmt.target, operator(before, self.value(stmt.value)), stmt)
        elif isinstance(stmt, ast.If):
            self.run(stmt.body if self.truth(stmt.test) else stmt.orelse)
        elif isinstance(stmt, ast.While):
            self.loop(stmt)
        elif isinstance(stmt, ast.Return):
            if isinstance(stmt.value, ast.Name) and stmt.value.id in self.env:
                raise _Return(self.env[stmt.value.id])
            raise _Return(None if stmt.value is None else self.value(stmt.value))
        elif isinstance(stmt, ast.Break):
            raise _Break
        elif isinstance(stmt, ast.Continue):
            raise _Continue
        else:
            raise _Untraceable

    def appends(self, call: ast.expr) -> bool:
        """Follows `out.append(x)` on a list the code only appends to."""
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "append"
            and isinstance(call.func.value, ast.Name)
            and isinstance(self.env.get(call.func.value.id), _Collected)
            and len(call.args) == 1
            and not call.keywords
        ):
            return False
        self.value(call.args[0])
        self.env[call.func.value.id].count += 1
        return True

    def bind(self, target: ast.expr, value: Any, stmt: ast.stmt) -> None:
        if isinstance(target, ast.Name) and isinstance(value, _Collected):
            self.env[target.id] = value
            return
        if isinstance(target, ast.Name):
            self.round_sets.append(
                (ast.unparse(stmt), target.id, self.env.get(target.id, _UNSET), value)
            )
            self.env[target.id] = value
            return
        if isinstance(target, ast.Tuple) and isinstance(value, tuple):
            if len(target.elts) != len(value):
                raise _Untraceable
            for part, item in zip(target.elts, value, strict=True):
                self.bind(part, item, stmt)
            return
        raise _Untraceable

    def loop(self, loop: ast.While) -> None:
        seen: set[tuple[tuple[str, Any], ...]] = set()
        while self.truth(loop.test):
            if loop is self.watched:
                state = tuple(
                    sorted(
                        (k, _frozen(v))
                        for k, v in self.env.items()
                        if not isinstance(v, _Collected)
                    )
                )
                if state in seen:
                    raise Stuck(state, tuple(self.round_sets))
                seen.add(state)
                self.round_sets = []
            try:
                self.run(loop.body)
            except _Break:
                return
            except _Continue:
                continue
        self.run(loop.orelse)

    def truth(self, test: ast.expr) -> bool:
        return bool(self.value(test))

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | bool | str):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in self.env or isinstance(self.env[node.id], _Collected):
                raise _Untraceable
            return self.env[node.id]
        if isinstance(node, ast.Tuple):
            return tuple(self.value(e) for e in node.elts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not):
            operand = self.value(node.operand)
            return not operand if isinstance(node.op, ast.Not) else -operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.value(node.left), self.value(node.right)
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right)):
                raise _Untraceable
            if isinstance(node.op, ast.FloorDiv | ast.Mod) and right == 0:
                raise _Untraceable
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.Compare):
            left = self.value(node.left)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                check = _COMPARE.get(type(op))
                right = self.value(comparator)
                if check is None or not check(left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BoolOp):
            values = (self.value(v) for v in node.values)
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Subscript):
            container, index = self.value(node.value), self.value(node.slice)
            if not isinstance(container, tuple | str) or not isinstance(index, int):
                raise _Untraceable
            if not -len(container) <= index < len(container):
                raise _Untraceable  # an IndexError: the trace ends, but not by looping
            return container[index]
        if isinstance(node, ast.Call) and _call_name(node) in _PURE_CALLS and not node.keywords:
            args = [self.value(a) for a in node.args]
            if _call_name(node) == "len" and len(args) == 1 and isinstance(args[0], tuple | str):
                return len(args[0])
            name = _call_name(node) or ""
            if name in _NUMERIC_CALLS and args:
                return _NUMERIC_CALLS[name](*args)
        raise _Untraceable


_UNSET = object()


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def trace(fn: _FunctionNode, loop: ast.While, args: dict[str, Any]) -> Stuck | str | None:
    """Stuck when `loop` repeats a round on these inputs, "ends" when the function returns,
    None when the hand trace cannot follow it."""
    env = {k: _frozen(v) for k, v in args.items()}
    tracer = _Tracer(loop, env)
    try:
        tracer.run([s for s in fn.body if not _is_docstring(s)])
    except Stuck as stuck:
        return stuck
    except (_Return, _Break, _Continue):
        return "ends"
    except (_Untraceable, TypeError, ValueError, OverflowError, RecursionError):
        return None
    return "ends"


def samples(fn: _FunctionNode) -> Iterator[dict[str, Any]]:
    """Inputs to trace with: lists of two (then three) numbers, and small numbers for the rest."""
    params = _params_of(fn)
    if not params or len(params) > 3 or fn.args.vararg or fn.args.kwarg:
        return
    indexed = {
        n.value.id
        for n in ast.walk(fn)
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
    } | {
        n.args[0].id
        for n in ast.walk(fn)
        if isinstance(n, ast.Call)
        and _call_name(n) == "len"
        and n.args
        and isinstance(n.args[0], ast.Name)
    }
    texts = _compared_with_text(fn)
    choices: list[Sequence[Any]] = []
    for param in params:
        if param.name in ("self", "cls"):
            return
        if param.name in texts or param.kind == "str":
            choices.append(_TEXT_SAMPLES)
        elif param.name in indexed or param.kind in ("list", "list[str]"):
            choices.append(_LIST_SAMPLES)
        elif indexed:
            choices.append(_VALUE_SAMPLES)  # compared with the list's items
        else:
            choices.append(_NUMBER_SAMPLES)
    for values in itertools.islice(itertools.product(*choices), 200):
        yield {p.name: v for p, v in zip(params, values, strict=True)}


def _compared_with_text(fn: _FunctionNode) -> set[str]:
    """Names whose items are compared with a string (`s[i] == " "`): strings, most likely."""
    names: set[str] = set()
    for node in ast.walk(fn):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        if any(isinstance(o, ast.Constant) and isinstance(o.value, str) for o in operands):
            names.update(
                o.value.id
                for o in operands
                if isinstance(o, ast.Subscript) and isinstance(o.value, ast.Name)
            )
    return names


def hanging_input(fn: _FunctionNode, loop: ast.While) -> tuple[dict[str, Any], Stuck] | None:
    for args in samples(fn):
        result = trace(fn, loop, args)
        if isinstance(result, Stuck):
            return args, result
    return None

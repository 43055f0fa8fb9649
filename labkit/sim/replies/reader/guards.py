"""The guards a function starts with (`if n < 0: raise ...`): whether they hold, and how to trip them.

Only simple tests are read (comparisons with constants, `not x`, `isinstance`, `len(x)`), and
only against our own sample values: nothing of the user's code is run.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from labkit.sim.replies.reader.kinds import _EMPTY, _Param
from labkit.sim.replies.reader.source import _dotted, _is_name

_MISSING = object()  # a value the guard evaluator cannot work out


def _value_of(node: ast.expr, args: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return args.get(node.id, _MISSING)
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
    ):
        value = node.operand.value
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        return -value if numeric and isinstance(value, int | float) else _MISSING
    if isinstance(node, ast.Call) and _is_name(node.func, "len") and len(node.args) == 1:
        inner = _value_of(node.args[0], args)
        return len(inner) if isinstance(inner, str | list | dict) else _MISSING
    return _MISSING


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
}
_TYPE_NAMES: dict[str, type] = {
    "str": str,
    "int": int,
    "float": float,
    "list": list,
    "dict": dict,
    "bool": bool,
    "tuple": tuple,
}


def _holds(test: ast.expr, args: dict[str, Any]) -> bool | None:
    """Whether a simple guard (`n < 0`, `not s`, `x is None`, `len(xs) == 0`) holds for the
    chosen inputs; None for anything more complicated. Only our own sample values are evaluated."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _holds(test.operand, args)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        results = [_holds(v, args) for v in test.values]
        if any(r is None for r in results):
            return None
        return any(results) if isinstance(test.op, ast.Or) else all(results)
    if isinstance(test, ast.Name):
        value = args.get(test.id, _MISSING)
        return None if value is _MISSING else bool(value)
    if isinstance(test, ast.Call) and _is_name(test.func, "isinstance") and len(test.args) == 2:
        value = _value_of(test.args[0], args)
        wanted = _TYPE_NAMES.get(_dotted(test.args[1]) or "")
        return None if value is _MISSING or wanted is None else isinstance(value, wanted)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _COMPARE:
        left, right = _value_of(test.left, args), _value_of(test.comparators[0], args)
        if left is _MISSING or right is _MISSING:
            return None
        try:
            return bool(_COMPARE[type(test.ops[0])](left, right))
        except TypeError:
            return None
    return None


_OPPOSITES: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


def _satisfying(test: ast.expr, params: dict[str, _Param]) -> tuple[str, Any] | None:
    """A parameter and a value that make the guard true, for the simple forms `_holds` reads."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return next((s for v in test.values if (s := _satisfying(v, params))), None)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = test.operand
        opposite = _OPPOSITES.get(type(inner.ops[0])) if isinstance(inner, ast.Compare) else None
        if isinstance(inner, ast.Compare) and len(inner.ops) == 1 and opposite is not None:
            # `not n >= 0` (an `assert n >= 0`) holds where `n < 0` does; _holds checks the value.
            negated = ast.Compare(left=inner.left, ops=[opposite()], comparators=inner.comparators)
            return _satisfying(negated, params)
        if isinstance(inner, ast.Name) and inner.id in params:
            kind = params[inner.id].kind
            return (inner.id, _EMPTY[kind]) if kind in _EMPTY else None
        if (
            isinstance(inner, ast.Call)
            and _is_name(inner.func, "isinstance")
            and len(inner.args) == 2
        ):
            subject, wanted = inner.args[0], _dotted(inner.args[1])
            if isinstance(subject, ast.Name) and subject.id in params and wanted in _TYPE_NAMES:
                return subject.id, (42 if wanted == "str" else "not a valid value")
        return None
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    flipped = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}
    if isinstance(right, ast.Name) and not isinstance(left, ast.Name) and type(op) in flipped:
        left, right, op = right, left, flipped[type(op)]()
    constant = _value_of(right, {})
    if isinstance(left, ast.Call) and _is_name(left.func, "len") and len(left.args) == 1:
        subject = left.args[0]
        if isinstance(subject, ast.Name) and subject.id in params and constant in (0, 1):
            empty = (isinstance(op, ast.Eq | ast.LtE) and constant == 0) or (
                isinstance(op, ast.Lt) and constant == 1
            )
            kind = params[subject.id].kind
            return (subject.id, _EMPTY[kind]) if empty and kind in _EMPTY else None
        return None
    if not (isinstance(left, ast.Name) and left.id in params) or constant is _MISSING:
        return None
    if constant is None and isinstance(op, ast.Is | ast.Eq):
        return left.id, None
    if isinstance(constant, str) and isinstance(op, ast.Eq):
        return left.id, constant
    if type(constant) not in (int, float):
        return None
    step = 1 if type(constant) is int else 0.5
    choices = {
        ast.Lt: constant - step,
        ast.LtE: constant,
        ast.Gt: constant + step,
        ast.GtE: constant,
        ast.Eq: constant,
        ast.NotEq: constant + step,
    }
    value = choices.get(type(op))
    return None if value is None else (left.id, value)

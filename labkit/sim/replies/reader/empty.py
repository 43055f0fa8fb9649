"""`empty_input`: what a function returns or raises when its main input is empty, by reading.

"What happens on an empty list?" is the first edge case most reviewers ask about, and for small
functions the code answers it: the loop never runs, so the starting value comes back; or a
guard raises; or `len(xs)` is 0 and the division fails. `empty_input` follows the body on an
empty value of our own choosing, statement by statement, and gives up (None) on anything it
cannot follow by reading alone: a call with effects, a `with`, a `try`, a second input.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from labkit.sim.replies.reader.guards import _holds
from labkit.sim.replies.reader.kinds import _params_of
from labkit.sim.replies.reader.source import (
    _call_name,
    _dotted,
    _FunctionNode,
    _is_docstring,
    _is_generator,
    _own_nodes,
    _short,
)


def _body(fn: _FunctionNode) -> list[ast.stmt]:
    return [s for s in fn.body if not _is_docstring(s)]


_MISSING = object()


@dataclass(frozen=True)
class EmptyOutcome:
    """What `fn` does when `param` is empty, read from the code: returns or raises, and why."""

    param: str
    returns: Any = _MISSING  # the value it returns, when it returns
    raises: str = ""  # the exception it raises, when it raises
    reason: str = ""  # a clause saying why ("the loop never runs", "`len(xs)` is 0")
    empty: Any = None  # the empty value the code was followed with


class _Raised(Exception):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name)
        self.name = name
        self.reason = reason


class _Unknown(Exception):
    """The code does something we cannot follow by reading."""


def _iterated_param(fn: _FunctionNode, params: list[str]) -> str | None:
    """The parameter the function walks, counts, divides by or indexes: its main input."""
    for node in _own_nodes(fn.body):
        candidates: list[ast.AST] = []
        if isinstance(node, ast.For):
            candidates.append(node.iter)
            if isinstance(node.iter, ast.Call) and node.iter.args:
                candidates.append(node.iter.args[0])
            if isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Attribute):
                candidates.append(node.iter.func.value)
        elif isinstance(node, ast.comprehension):
            candidates.append(node.iter)
        elif isinstance(node, ast.Call) and _call_name(node) in (
            "len",
            "sum",
            "max",
            "min",
            "sorted",
        ):
            candidates.extend(node.args[:1])
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            candidates.append(node.value)
        for candidate in candidates:
            if (
                isinstance(candidate, ast.Name)
                and candidate.id in params
                and candidate.id not in ("self", "cls")
            ):
                return candidate.id
    return None


def empty_input(fn: _FunctionNode) -> EmptyOutcome | None:
    """What `fn` returns or raises when its main input is empty, when the code makes it evident."""
    if _is_generator(fn) or isinstance(fn, ast.AsyncFunctionDef):
        return None
    params = {p.name: p for p in _params_of(fn)}
    name = _iterated_param(fn, list(params))
    if name is None:
        return None
    kind = params[name].kind
    if kind in ("int", "float", "bool"):
        return None
    empty: Any = {"str": "", "dict": {}}.get(kind or "", [])
    known: dict[str, Any] = {name: empty}
    follower = _Follower(known, name)
    try:
        result = follower.run(_body(fn))
    except _Raised as raised:
        return EmptyOutcome(name, raises=raised.name, reason=raised.reason, empty=empty)
    except (_Unknown, RecursionError, TypeError, ValueError):
        return None
    if result is _MISSING:
        return None
    reason = "the loop never runs" if follower.skipped_loop else ""
    return EmptyOutcome(name, returns=result, reason=reason, empty=empty)


class _Follower:
    """Follows a function body on one input chosen by us, statement by statement."""

    def __init__(self, known: dict[str, Any], param: str) -> None:
        self.known = known
        self.param = param
        self.skipped_loop = False
        self.condition = ""  # the last `if` test that held, which a `raise` is the answer to

    def run(self, stmts: list[ast.stmt]) -> Any:
        """The returned value, or _MISSING when the block ends without returning."""
        for stmt in stmts:
            if isinstance(stmt, ast.Return):
                return None if stmt.value is None else self.value(stmt.value)
            if isinstance(stmt, ast.Raise):
                exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
                name = (_dotted(exc) if exc is not None else None) or "an exception"
                raise _Raised(name, self.condition or f"line {stmt.lineno}")
            if isinstance(stmt, ast.If):
                holds = _holds(stmt.test, self.known)
                if holds is None:
                    raise _Unknown
                if holds:
                    self.condition = (
                        f"the check `{_short(ast.unparse(stmt.test), 40)}` on line {stmt.lineno}"
                    )
                result = self.run(stmt.body if holds else stmt.orelse)
                if result is not _MISSING:
                    return result
            elif isinstance(stmt, ast.Assert):
                holds = _holds(stmt.test, self.known)
                if holds is None:
                    raise _Unknown
                if not holds:
                    raise _Raised("AssertionError", f"the `assert` on line {stmt.lineno}")
            elif isinstance(stmt, ast.Assign):
                value = self.value(stmt.value)
                for target in stmt.targets:
                    if not isinstance(target, ast.Name):
                        raise _Unknown
                    self.known[target.id] = value
            elif isinstance(stmt, ast.For):
                if self.value(stmt.iter) not in ([], {}, "", ()):
                    raise _Unknown
                self.skipped_loop = True
                result = self.run(stmt.orelse)
                if result is not _MISSING:
                    return result
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue
            else:
                raise _Unknown  # calls, `with`, `try`...: not followed by reading
        return _MISSING

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.known:
                return self.known[node.id]
            raise _Unknown
        if isinstance(node, ast.List | ast.Tuple | ast.Set) and not node.elts:
            return {ast.List: [], ast.Tuple: (), ast.Set: set()}[type(node)]
        if isinstance(node, ast.Dict) and not node.keys:
            return {}
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
            operand = self.value(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            if isinstance(operand, int | float) and not isinstance(operand, bool):
                return -operand if isinstance(node.op, ast.USub) else operand
            raise _Unknown
        if isinstance(node, ast.IfExp):
            holds = _holds(node.test, self.known)
            if holds is None:
                raise _Unknown
            return self.value(node.body if holds else node.orelse)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            if len(node.generators) == 1 and self.value(node.generators[0].iter) in (
                [],
                {},
                "",
                (),
            ):
                return {ast.SetComp: set(), ast.DictComp: {}}.get(type(node), [])
            raise _Unknown
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            container = self.value(node.value)
            if container in ([], "", ()):
                shown = ast.unparse(node)
                raise _Raised("IndexError", f"`{shown}` does not exist")
            if container == {}:
                raise _Raised("KeyError", f"`{ast.unparse(node)}` is missing")
            raise _Unknown
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod):
            left = self.value(node.left)
            right = self.value(node.right)
            if right == 0 and not isinstance(right, bool):
                raise _Raised("ZeroDivisionError", f"`{ast.unparse(node.right)}` is 0")
            if isinstance(left, int | float) and isinstance(right, int | float) and right:
                return left / right if isinstance(node.op, ast.Div) else left // right
            raise _Unknown
        if isinstance(node, ast.Call):
            return self.call(node)
        raise _Unknown

    def call(self, node: ast.Call) -> Any:
        name = _call_name(node) or ""
        if not node.args and not node.keywords and name in _EMPTY_CONSTRUCTORS:
            return _EMPTY_CONSTRUCTORS[name]()
        if name in ("defaultdict", "collections.defaultdict") and len(node.args) == 1:
            return {}
        if name == "float" and len(node.args) == 1:
            text = node.args[0]
            if isinstance(text, ast.Constant) and text.value in ("inf", "-inf", "+inf"):
                return float(text.value)
            raise _Unknown
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("items", "keys", "values")
            and not node.args
            and self.value(func.value) == {}
        ):
            return []
        if node.keywords and name not in ("max", "min", "sorted"):
            raise _Unknown
        if len(node.args) != 1:
            raise _Unknown
        value = self.value(node.args[0])
        if name == "range" and value == 0 and not isinstance(value, bool):
            return []
        if value not in ([], {}, "", ()):
            raise _Unknown
        if name in ("len", "sum"):
            return 0
        if name in ("sorted", "list", "enumerate", "reversed", "tuple", "iter"):
            return [] if name != "tuple" else ()
        if name == "set":
            return set()
        if name == "any":
            return False
        if name == "all":
            return True
        if name in ("max", "min"):
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if default is not None:
                return self.value(default)
            raise _Raised("ValueError", f"`{name}()` of an empty sequence has no answer")
        raise _Unknown


_EMPTY_CONSTRUCTORS: dict[str, type] = {
    "list": list,
    "dict": dict,
    "set": set,
    "tuple": tuple,
    "str": str,
}


def show_value(value: Any) -> str:
    """A value as Python source in backticks, strings in double quotes like the formatter."""
    if isinstance(value, str) and '"' not in value and "\\" not in value:
        return f'`"{value}"`'
    return f"`{value!r}`"

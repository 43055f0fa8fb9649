"""The type of a parameter or of a result, as the code shows it, and sample values of each type.

testgen.py calls a function only with inputs the code vouches for: a parameter's kind comes from
its annotation, its default or how the body uses it; a result's kind from every `return`. None
when the code does not tell.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from labkit.sim.replies.reader.source import (
    _article,
    _call_name,
    _FunctionNode,
    _is_generator,
    _is_name,
    _own_nodes,
    _own_returns,
    _parents,
    _returns_value,
    _terminates,
    _walk_all,
)

_KINDS = ("str", "int", "float", "bool", "list", "dict")
_TYPICAL: dict[str, list[Any]] = {
    "str": ["hello", "Hello, World!"],
    "int": [3, 10],
    "float": [2.5, 10.0],
    "bool": [True, False],
    "list": [[3, 1, 2], [5, 4]],
    "list[str]": [["pear", "apple"], ["fig"]],
    "dict": [{"a": 1, "b": 2}, {"x": 3}],
}
_EDGE: dict[str, list[Any]] = {
    "str": [""],
    "int": [0, -1],
    "float": [0.0, -1.5],
    "bool": [],
    "list": [[]],
    "list[str]": [[]],
    "dict": [{}],
}
_EMPTY: dict[str, Any] = {
    "str": "",
    "int": 0,
    "float": 0.0,
    "list": [],
    "list[str]": [],
    "dict": {},
}
_STR_METHODS = frozenset(
    [
        "lower", "upper", "strip", "lstrip", "rstrip", "split", "startswith", "endswith",
        "replace", "isdigit", "isalpha", "isalnum", "find", "casefold", "title", "encode",
        "splitlines", "isspace", "capitalize",
    ]
)  # fmt: skip
_LIST_METHODS = frozenset(["append", "extend", "insert", "sort", "remove", "reverse"])
_DICT_METHODS = frozenset(["items", "keys", "values", "get", "setdefault", "update"])


@dataclass
class _Param:
    name: str
    kind: str | None  # one of _TYPICAL's keys, or None when the code does not tell
    none_ok: bool  # the code compares it with None, so None is an input it expects
    required: bool
    keyword_only: bool
    test_name: str = ""


def _annotation_kind(annotation: ast.expr | None) -> tuple[str | None, bool]:
    """(kind, None allowed) from an annotation such as `list[str] | None`."""
    if annotation is None:
        return None, False
    text = ast.unparse(annotation).replace("typing.", "").replace(" ", "")
    none_ok = False
    optional = re.fullmatch(r"Optional\[(.+)\]", text)
    if optional:
        text, none_ok = optional.group(1), True
    parts = [p for p in text.split("|") if p != "None"]
    if len(parts) != len(text.split("|")):
        none_ok = True
    if len(parts) != 1:
        return None, none_ok
    base, _, inner = parts[0].partition("[")
    inner = inner.rstrip("]")
    if base in ("str", "int", "float", "bool"):
        return base, none_ok
    if base in ("list", "List", "Sequence", "Iterable", "Collection"):
        return (
            "list[str]" if inner == "str" else "list" if inner in ("", "int", "float") else None
        ), none_ok
    if base in ("dict", "Dict", "Mapping"):
        return "dict", none_ok
    return None, none_ok


def _usage_kind(name: str, fn: _FunctionNode) -> tuple[str | None, bool]:
    """(kind, compared with None) from how the body uses the parameter."""
    evidence: set[str] = set()
    none_checked = False
    element_is_str = False
    parents = _parents(fn)
    for node in _own_nodes(fn.body):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_name(o, name) for o in operands):
                for other in operands:
                    if isinstance(other, ast.Constant) and other.value is None:
                        none_checked = True
                    elif isinstance(other, ast.Constant) and type(other.value) in (int, float):
                        evidence.add("int" if type(other.value) is int else "float")
        if (
            isinstance(node, ast.Attribute)
            and _is_name(node.value, name)
            and isinstance(parents.get(node), ast.Call)
        ):
            if node.attr in _STR_METHODS:
                evidence.add("str")
            elif node.attr in _DICT_METHODS:
                evidence.add("dict")
            elif node.attr in _LIST_METHODS:
                evidence.add("list")
        if isinstance(node, ast.Call) and any(_is_name(a, name) for a in node.args):
            called = _call_name(node)
            if called == "range":
                evidence.add("int")
            elif called in ("sorted", "sum", "min", "max", "enumerate", "reversed") and (
                len(node.args) == 1  # `max(r, g, b)` compares numbers, `max(xs)` a list's items
            ):
                evidence.add("list")
            elif called in ("min", "max"):
                evidence.add("int")  # compared with others of its kind: numbers, most likely
            elif called == "len":
                evidence.add("sized")
        if isinstance(node, ast.For) and _is_name(node.iter, name):
            evidence.add("iterable")
            element = node.target.id if isinstance(node.target, ast.Name) else None
            element_is_str = element is not None and any(
                _used_as_str(n, element) for n in _walk_all(node.body)
            )
        if isinstance(node, ast.BinOp) and (
            _is_name(node.left, name) or _is_name(node.right, name)
        ):
            other = node.right if _is_name(node.left, name) else node.left
            if isinstance(node.op, ast.Sub | ast.FloorDiv | ast.Pow) or (
                isinstance(other, ast.Constant)
                and type(other.value) is int
                and not isinstance(node.op, ast.Mult)
            ):
                evidence.add("int")
    for kind in ("str", "dict"):
        if kind in evidence:
            return kind, none_checked
    # `len(p)` alone fits a string as well as a list: not evidence enough to pick one.
    if evidence & {"list", "iterable"}:
        return ("list[str]" if element_is_str else "list"), none_checked
    if "float" in evidence:
        return "float", none_checked
    if "int" in evidence:
        return "int", none_checked
    return None, none_checked


def _used_as_str(node: ast.AST, name: str) -> bool:
    """`name.lower()`, or `name` compared with a string: the items are strings."""
    if isinstance(node, ast.Attribute):
        return _is_name(node.value, name) and node.attr in _STR_METHODS
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        return any(_is_name(o, name) for o in operands) and any(
            isinstance(o, ast.Constant) and isinstance(o.value, str) for o in operands
        )
    return False


def _default_kind(default: ast.expr | None) -> tuple[str | None, bool]:
    if isinstance(default, ast.Constant):
        if default.value is None:
            return None, True
        kind = type(default.value).__name__
        return (kind if kind in _KINDS else None), False
    if isinstance(default, ast.List):
        return "list", False
    if isinstance(default, ast.Dict):
        return "dict", False
    return None, False


def _params_of(fn: _FunctionNode) -> list[_Param]:
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(
        args.defaults
    )
    entries = [(a, d, False) for a, d in zip(positional, defaults, strict=True)]
    entries += [(a, d, True) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    params = []
    for arg, default, keyword_only in entries:
        kind, none_ok = _annotation_kind(arg.annotation)
        used_kind, none_checked = _usage_kind(arg.arg, fn)
        default_kind, default_none = _default_kind(default)
        params.append(
            _Param(
                name=arg.arg,
                kind=kind or default_kind or used_kind,
                none_ok=none_ok or none_checked or default_none,
                required=default is None,
                keyword_only=keyword_only,
            )
        )
    return params


def _result_kind(fn: _FunctionNode, params: dict[str, _Param]) -> tuple[str | None, str]:
    """The type every path of `fn` returns, when the code makes it evident, and why."""
    if _is_generator(fn):
        return "iterator", f"`{fn.name}` contains `yield`, so calling it returns a generator."
    returns = _own_returns(fn)
    values = [r.value for r in returns if _returns_value(r) and r.value is not None]
    falls_off = not _terminates(fn.body) or len(values) != len(returns)
    if not values:
        if _terminates(fn.body) and not returns:
            return None, ""  # it always raises: there is no result to check
        return "None", f"`{fn.name}` has no `return` with a value, so it returns None."
    kinds = {_expr_kind(v, fn, params) for v in values}
    if falls_off:
        kinds.add("None")
    if len(kinds) == 1 and None not in kinds and "None" not in kinds:
        kind = kinds.pop()
        assert kind is not None
        return (
            kind,
            f"Every `return` in `{fn.name}` gives {_article(kind)} {kind}, judging by the code.",
        )
    annotated, none_ok = _annotation_kind(fn.returns)
    if (
        fn.returns is not None
        and annotated in ("str", "int", "float", "bool", "dict")
        and not none_ok
    ):
        return annotated, f"`{fn.name}` is annotated `-> {ast.unparse(fn.returns)}`."
    return None, ""


_CALL_KINDS = {
    "isinstance": "bool", "issubclass": "bool", "callable": "bool", "hasattr": "bool", "any": "bool",
    "all": "bool", "bool": "bool", "len": "int", "int": "int", "str": "str", "float": "float",
    "list": "list", "sorted": "list", "dict": "dict", "set": "set", "tuple": "tuple", "repr": "str",
}  # fmt: skip
_STR_RESULTS = frozenset(
    ["lower", "upper", "strip", "lstrip", "rstrip", "replace", "title", "casefold", "capitalize"]
)
_BOOL_RESULTS = frozenset(["startswith", "endswith", "isdigit", "isalpha", "isalnum", "isspace"])


def _expr_kind(
    expr: ast.expr, fn: _FunctionNode, params: dict[str, _Param], depth: int = 0
) -> str | None:
    if depth > 3:
        return None
    if isinstance(expr, ast.Constant):
        kind = type(expr.value).__name__
        return kind if kind in ("bool", "str", "int", "float") else None
    if isinstance(expr, ast.Compare) or (
        isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not)
    ):
        return "bool"
    if isinstance(expr, ast.BoolOp):
        kinds = {_expr_kind(v, fn, params, depth + 1) for v in expr.values}
        return kinds.pop() if len(kinds) == 1 else None
    if isinstance(expr, ast.List | ast.ListComp):
        return "list"
    if isinstance(expr, ast.Dict | ast.DictComp):
        return "dict"
    if isinstance(expr, ast.Set | ast.SetComp):
        return "set"
    if isinstance(expr, ast.Tuple):
        return "tuple"
    if isinstance(expr, ast.JoinedStr):
        return "str"
    if isinstance(expr, ast.Call):
        name = _call_name(expr)
        if name in _CALL_KINDS:
            return _CALL_KINDS[name]
        func = expr.func
        if isinstance(func, ast.Attribute):
            receiver = func.value
            if (
                func.attr == "join"
                and isinstance(receiver, ast.Constant)
                and isinstance(receiver.value, str)
            ):
                return "str"
            if (
                isinstance(receiver, ast.Name)
                and receiver.id in params
                and params[receiver.id].kind == "str"
            ):
                if func.attr in _STR_RESULTS:
                    return "str"
                if func.attr in _BOOL_RESULTS:
                    return "bool"
                if func.attr == "split":
                    return "list"
        return None
    if isinstance(expr, ast.Name):
        return _name_kind(expr.id, fn, params, depth)
    return None


def _name_kind(name: str, fn: _FunctionNode, params: dict[str, _Param], depth: int) -> str | None:
    """The kind of a returned local, when every assignment to it gives the same kind."""
    kinds: set[str | None] = set()
    handled: set[int] = set()
    for node in _own_nodes(fn.body):
        if isinstance(node, ast.Assign) and any(_is_name(t, name) for t in node.targets):
            kinds.add(_expr_kind(node.value, fn, params, depth + 1))
            handled.update(id(t) for t in node.targets)
        elif isinstance(node, ast.AugAssign) and _is_name(node.target, name):
            handled.add(id(node.target))  # `x += ...` keeps lists lists and numbers numbers
        elif (
            isinstance(node, ast.Name)
            and node.id == name
            and isinstance(node.ctx, ast.Store)
            and id(node) not in handled
        ):
            kinds.add(None)  # bound by a loop, `with`, unpacking...: not evident
    if not kinds and name in params:
        kind = params[name].kind
        return "list" if kind == "list[str]" else kind
    if len(kinds) == 1:
        return kinds.pop()
    return None

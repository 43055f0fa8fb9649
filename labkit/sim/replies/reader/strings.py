"""How a string was put together: from fixed text only, or from values an outsider may choose.

The injection checks ask this of a query or a shell command: was it built with an f-string,
`+`, `%` or `.format()` from values (`_built`), and if so, what literal text and which values
is it made of (`_pieces`), so that the fix can be written from the user's own string.

"Fixed" means built only from constants, module constants (ALL_CAPS), lengths and numbers, or
quoted for the shell on purpose: text an outsider cannot choose, so interpolating it is not an
injection (`f"... IN ({marks})"` with `marks = ", ".join("?" * len(ids))` is the safe idiom).
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass

from labkit.sim.replies.reader.source import _dotted, _is_name, _own_nodes

# --------------------------------------------------------------------------- what is "fixed"

_NUMERIC_CALLS = frozenset(["int", "float", "len", "bool", "round", "abs"])
_QUOTING_CALLS = frozenset(["shlex.quote", "shlex.join", "pipes.quote"])


def _scope_body(scope: ast.AST) -> list[ast.stmt]:
    body = getattr(scope, "body", [])
    return body if isinstance(body, list) else []


def _binds(targets: list[ast.expr], name: str) -> bool:
    return any(_is_name(n, name) for t in targets for n in ast.walk(t))


def _binds_name(node: ast.AST, name: str) -> bool:
    """Whether the statement `node` binds `name` (a loop or `with` target counts)."""
    if isinstance(node, ast.Assign):
        return any(_is_name(t, name) for t in node.targets)
    if isinstance(node, ast.AnnAssign | ast.AugAssign):
        return _is_name(node.target, name)
    if isinstance(node, ast.For | ast.AsyncFor):
        return _binds([node.target], name)
    if isinstance(node, ast.With | ast.AsyncWith):
        return _binds([i.optional_vars for i in node.items if i.optional_vars is not None], name)
    return False


def _assignments(name: str, scope: ast.AST, before: int) -> list[ast.stmt]:
    """The statements of `scope` (not nested ones) that bind `name`, up to line `before`.

    A loop or `with` target counts, with no value: what it holds comes from outside.
    """
    return [
        node
        for node in _own_nodes(_scope_body(scope))
        if isinstance(node, ast.stmt) and node.lineno <= before and _binds_name(node, name)
    ]


def _assigned_value(stmt: ast.stmt) -> ast.expr | None:
    if isinstance(stmt, ast.Assign | ast.AugAssign):
        return stmt.value
    if isinstance(stmt, ast.AnnAssign):
        return stmt.value
    return None


def _is_fixed(node: ast.AST | None, scope: ast.AST, before: int, depth: int = 0) -> bool:
    """Built only from constants, ALL_CAPS constants and lengths: nothing an outsider chooses."""
    if node is None or depth > 6:
        return False

    def again(inner: ast.AST | None) -> bool:
        return _is_fixed(inner, scope, before, depth + 1)

    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        if node.id.isupper():
            return True  # a module constant, written by the author
        bound = _assignments(node.id, scope, before)
        return bool(bound) and all(again(_assigned_value(s)) for s in bound)
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    if isinstance(node, ast.JoinedStr):
        return all(again(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
    if isinstance(node, ast.FormattedValue):
        return again(node.value)
    if isinstance(node, ast.BinOp):
        return again(node.left) and again(node.right)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(again(e) for e in node.elts)
    if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
        return again(node.elt)  # what it iterates only decides how many, not what
    if isinstance(node, ast.IfExp):
        return again(node.body) and again(node.orelse)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in _NUMERIC_CALLS:
            return True  # a number cannot carry SQL or shell syntax
        if _dotted(func) in _QUOTING_CALLS:
            return True  # quoted for the shell on purpose
        if isinstance(func, ast.Attribute) and func.attr == "join":
            return again(func.value) and all(again(a) for a in node.args)
    return False


def _is_text(node: ast.AST, scope: ast.AST, before: int) -> bool:
    """A string literal, an f-string, or a name bound to one: the left side of `"..." % x`."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Name):
        bound = _assignments(node.id, scope, before)
        return bool(bound) and all(
            isinstance(_assigned_value(s), ast.Constant | ast.JoinedStr) for s in bound
        )
    return False


def _add_parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_add_parts(node.left), *_add_parts(node.right)]
    return [node]


def _how_built(node: ast.AST | None, scope: ast.AST, before: int) -> str | None:
    """How a string was built from values that are not fixed, in words; None if it was not."""
    if node is None:
        return None
    if isinstance(node, ast.JoinedStr):
        return None if _is_fixed(node, scope, before) else "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = _add_parts(node)
        texty = any(isinstance(p, ast.Constant | ast.JoinedStr) for p in parts)
        if texty and not all(_is_fixed(p, scope, before) for p in parts):
            inner = [p for p in parts if isinstance(p, ast.JoinedStr)]
            if inner and not all(_is_fixed(p, scope, before) for p in inner):
                return "an f-string"
            return "`+`"
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        if _is_text(node.left, scope, before) and not _is_fixed(node.right, scope, before):
            return "`%` formatting"
        return None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and _is_text(node.func.value, scope, before)
    ):
        values = [*node.args, *(k.value for k in node.keywords)]
        return None if all(_is_fixed(v, scope, before) for v in values) else "`.format()`"
    return None


@dataclass(frozen=True)
class _Built:
    """A string built from values: how, where, and the expression that built it."""

    how: str
    line: int
    expr: ast.expr
    only: bool  # the only assignment of the variable, so `expr` is the whole string


def _built(node: ast.expr, scope: ast.AST, line: int) -> _Built | None:
    """`node` itself built from values, or a variable that the same function built so."""
    how = _how_built(node, scope, line)
    if how is not None:
        return _Built(how, getattr(node, "lineno", line), node, True)
    if not isinstance(node, ast.Name):
        return None
    bound = _assignments(node.id, scope, line)
    for stmt in bound:
        value = _assigned_value(stmt)
        how = _how_built(value, scope, line)
        if how is None and isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
            how = None if _is_fixed(value, scope, line) else "`+=`"
        if how is not None and value is not None:
            return _Built(how, stmt.lineno, value, len(bound) == 1)
    return None


def _constant_text(nodes: list[ast.AST]) -> str:
    return " ".join(
        n.value
        for root in nodes
        for n in ast.walk(root)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


# --------------------------------------------------------------------------- pieces of a string


def _format_pieces(template: str, node: ast.Call) -> list[str | ast.expr] | None:
    pieces: list[str | ast.expr] = []
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    position = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for literal, field, _spec, _conversion in parsed:
        pieces.append(literal)
        if field is None:
            continue
        if field == "" or field.isdigit():
            index = position if field == "" else int(field)
            position += 1
            if index >= len(node.args):
                return None
            pieces.append(node.args[index])
        elif field.isidentifier() and field in keywords:
            pieces.append(keywords[field])
        else:
            return None  # `{user.name}`, `{row[0]}`: too clever to rewrite
    return pieces


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")


def _percent_pieces(template: str, values: ast.expr) -> list[str | ast.expr] | None:
    args = list(values.elts) if isinstance(values, ast.Tuple) else [values]
    pieces: list[str | ast.expr] = []
    last = 0
    for match in _PERCENT.finditer(template):
        pieces.append(template[last : match.start()])
        last = match.end()
        if match.group() == "%%":
            pieces.append("%")
            continue
        if "(" in match.group() or not args:
            return None  # `%(name)s` takes a mapping: rewrite by hand
        pieces.append(args.pop(0))
    pieces.append(template[last:])
    return None if args else pieces


def _pieces(node: ast.expr) -> list[str | ast.expr] | None:
    """The literal text and the values a built string is made of, in order; None if unclear."""
    if isinstance(node, ast.JoinedStr):
        out: list[str | ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                out.append(value.value)
                continue
            if not (isinstance(value, ast.FormattedValue) and value.format_spec is None):
                return None
            out.append(value.value)
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        out = []
        for part in _add_parts(node):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
            elif isinstance(part, ast.JoinedStr):
                inner = _pieces(part)
                if inner is None:
                    return None
                out.extend(inner)
            elif isinstance(part, ast.Call) and _is_name(part.func, "str") and len(part.args) == 1:
                out.append(part.args[0])  # `"..." + str(x)`: the value is x
            else:
                out.append(part)
        return out
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ):
        return _percent_pieces(node.left.value, node.right)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        return _format_pieces(node.func.value.value, node)
    return None


def _literal(text: str) -> str:
    if '"' not in text and "\\" not in text and "\n" not in text:
        return f'"{text}"'
    return repr(text)


@dataclass(frozen=True)
class _Slot:
    """A value in a query, once its quotes are dropped: what goes where a placeholder will."""

    expr: ast.expr
    wildcards: bool = False  # `LIKE '%{term}%'`: the parameter is f"%{term}%"
    quoted: bool = False  # it stood between quotes, so it is a value, not a name


def _slots(pieces: list[str | ast.expr]) -> list[str | _Slot] | None:
    """The pieces with the quotes around each value dropped (`'{name}'` becomes one value)."""
    out: list[str | _Slot] = [p if isinstance(p, str) else _Slot(p) for p in pieces]
    for index, piece in enumerate(out):
        if isinstance(piece, str):
            continue
        before = out[index - 1] if index > 0 else ""
        after = out[index + 1] if index + 1 < len(out) else ""
        if not isinstance(before, str) or not isinstance(after, str):
            return None  # two values side by side: not a value per placeholder
        for opening, closing, wildcards in (
            ("'%", "%'", True),
            ('"%', '%"', True),
            ("'", "'", False),
            ('"', '"', False),
        ):
            if before.endswith(opening) and after.startswith(closing):
                out[index - 1] = before[: -len(opening)]
                out[index + 1] = after[len(closing) :]
                out[index] = _Slot(piece.expr, wildcards, quoted=True)
                break
        else:
            if before[-1:] in ("'", '"', "%") or after[:1] in ("'", '"', "%"):
                return None  # quoting we do not recognise: rewrite by hand
    return out

"""`clean_review_notes`: what a review that found nothing can still say truthfully.

"I see no bug" is a claim no read of the code can back. What can be said is what was looked at,
the risky spots that turned out to use the safe form (parameters in a query, a list of arguments,
a `with` block), and the next check worth making: a test of the edge case the code's own shape
points at, such as an empty input for a loop, `None` for an optional parameter, zero for a
divisor or the boundary of a guard. Every sentence comes from reading the code; none says it ran.
"""

from __future__ import annotations

import ast
import textwrap
from typing import Any

from labkit.sim.replies.reader.checks import _Context
from labkit.sim.replies.reader.empty import _iterated_param, empty_input, show_value
from labkit.sim.replies.reader.injection import _sql_sink
from labkit.sim.replies.reader.kinds import _Param, _params_of
from labkit.sim.replies.reader.security import _HTTP_METHODS
from labkit.sim.replies.reader.source import (
    _DEFS,
    _call_name,
    _FunctionNode,
    _is_docstring,
    _join,
    _normalise,
    _own_nodes,
    _parse,
    _safely,
    _short,
)
from labkit.sim.replies.reader.strings import _is_fixed


def clean_review_notes(source: str) -> list[str]:
    """Up to two sentences for a review with no findings: the risky spots that are done safely,
    and the edge case to test next. [] when the code does not parse."""
    return _safely(lambda: _clean_review_notes(source), [])


def _clean_review_notes(source: str) -> list[str]:
    tree = _parse(source)
    if tree is None:
        return []
    ctx = _Context(tree, textwrap.dedent(_normalise(source)))
    notes: list[str] = []
    safe = _safe_spots(ctx)
    if safe:
        notes.append(
            f"The spots that often go wrong are done the safe way here: {_join(safe[:2])}."
        )
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)), None)
    if fn is None:
        fn = next(
            (
                m
                for c in tree.body
                if isinstance(c, ast.ClassDef)
                for m in c.body
                if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
                and not m.name.startswith("_")
            ),
            None,
        )
    if fn is not None:
        notes.append(next_check(fn, ctx))
    elif any(not isinstance(s, (*_DEFS, ast.Import, ast.ImportFrom)) for s in tree.body):
        notes.append(
            "The next check is to run it on a small case whose result you know in advance, "
            "and then on an empty or missing input."
        )
    return notes


# --------------------------------------------------------------------------- done the safe way


def _safe_spots(ctx: _Context) -> list[str]:
    """Risky operations written in their safe form, in words, in source order."""
    spots: list[tuple[int, str]] = []
    for node in ctx.nodes:
        if not isinstance(node, ast.Call):
            continue
        name = ctx.resolve(node) or ""
        line = node.lineno
        sink = _sql_sink(ctx, node)
        parameterised = sink is not None and sink[0] == "execute" and len(node.args) > 1
        if parameterised and sink is not None and _is_fixed(sink[1], ctx.scope_of(node), line):
            spots.append((line, f"the query on line {line} passes its values as parameters"))
            continue
        if name.startswith("subprocess.") and node.args and isinstance(node.args[0], ast.List):
            shell = any(k.arg == "shell" for k in node.keywords)
            if not shell:
                spots.append(
                    (line, f"`{name}` on line {line} gets a list of arguments, not a shell string")
                )
        elif name in ("yaml.safe_load", "yaml.safe_load_all"):
            spots.append((line, f"line {line} reads YAML with `{name}`"))
        elif name.startswith("secrets."):
            spots.append((line, f"line {line} draws its random value from `secrets`"))
        elif name == "ast.literal_eval":
            spots.append((line, f"line {line} reads a literal with `ast.literal_eval`, not `eval`"))
        elif (
            name.startswith("requests.")
            or (isinstance(node.func, ast.Attribute) and node.func.attr in _HTTP_METHODS)
        ) and any(k.arg == "timeout" for k in node.keywords):
            spots.append((line, f"the request on line {line} has a `timeout`"))
    for node in ctx.nodes:
        if isinstance(node, ast.withitem) and _call_name(node.context_expr) == "open":
            line = node.context_expr.lineno
            spots.append((line, f"the file opened on line {line} is closed by its `with` block"))
            break
    return [text for _, text in sorted(spots)]


# --------------------------------------------------------------------------- the next test


def next_check(fn: _FunctionNode, ctx: _Context | None = None) -> str:
    """The test of an edge case to write next, as the function's own shape suggests it."""
    label = f"`{fn.name}`"
    params = _params_of(fn)
    required = [p for p in params if p.required and p.name not in ("self", "cls")]
    outcome = empty_input(fn)
    if outcome is not None:
        call = _call_with(fn, required, outcome.param, outcome.empty)
        if outcome.raises:
            return (
                f"The edge case I would test first is an empty `{outcome.param}`: reading the code, "
                f"{call or label} raises `{outcome.raises}` ({outcome.reason}), so decide what an empty "
                "input should give and pin that down in a test."
            )
        result = show_value(outcome.returns)
        # No example for a float: `== 0.0` is just what review itself warns about.
        plain = call is not None and not isinstance(outcome.returns, float)
        example = (
            f" such as `assert {(call or '').strip('`')} == {result.strip('`')}`" if plain else ""
        )
        return (
            f"The edge case I would test first is an empty `{outcome.param}`: reading the code, "
            f"{label} then returns {result}, and a test{example} would pin that down (or show "
            "that it should do something else)."
        )
    optional = next((p for p in params if p.none_ok and p.name not in ("self", "cls")), None)
    if optional is not None:
        return (
            f"The next test I would write passes `None` for `{optional.name}`, which the code "
            f"allows, and checks that {label} does what you expect on that path."
        )
    divisor = _divisor(fn, {p.name for p in params})
    if divisor is not None:
        return (
            f"The next test I would write calls {label} with `{divisor}` set to 0, the one value "
            "a division cannot take, and checks that it does what you want there."
        )
    boundary = _guard_boundary(fn, label)
    if boundary is not None:
        return boundary
    iterated = _iterated_param(fn, [p.name for p in params])
    if iterated is not None:
        return (
            f"The next test I would write passes an empty `{iterated}`, the input on which "
            f"{label}'s loops and lookups have nothing to work with."
        )
    text = next((p for p in required if p.kind == "str"), None)
    if text is not None:
        return f"The next test I would write passes an empty string for `{text.name}`."
    return (
        f"The next test I would write calls {label} with the smallest input it accepts and with "
        "one just past each condition it checks."
    )


def _call_with(fn: _FunctionNode, required: list[_Param], param: str, empty: Any) -> str | None:
    """`f([])` when the empty input is the only required argument, else None."""
    names = [p.name for p in required]
    if names != [param] or isinstance(fn, ast.AsyncFunctionDef):
        return None
    return f"`{fn.name}({show_value(empty).strip('`')})`"


def _divisor(fn: _FunctionNode, params: set[str]) -> str | None:
    """A parameter the function divides by (`a / b`), other than through `len(...)`."""
    for node in _own_nodes(fn.body):
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod)
            and isinstance(node.right, ast.Name)
            and node.right.id in params
            and not (isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant))
        ):
            return node.right.id
    return None


_FLIP = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}


def _guard_boundary(fn: _FunctionNode, label: str) -> str | None:
    """The values on either side of a leading `if n < 0: raise ...`, to test both."""
    for stmt in fn.body:
        if _is_docstring(stmt):
            continue
        # Only the first statement: a guard further down may depend on what came before it.
        if not (
            isinstance(stmt, ast.If)
            and isinstance(stmt.body[-1], ast.Raise)
            and isinstance(stmt.test, ast.Compare)
            and len(stmt.test.ops) == 1
        ):
            return None
        test = stmt.test
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(left, ast.Constant) and isinstance(right, ast.Name) and type(op) in _FLIP:
            left, right, op = right, left, _FLIP[type(op)]()
        if not (
            isinstance(left, ast.Name)
            and isinstance(right, ast.Constant)
            and type(right.value) is int
        ):
            return None
        limit = right.value
        sides = {
            ast.Lt: (limit - 1, limit),
            ast.LtE: (limit, limit + 1),
            ast.Gt: (limit + 1, limit),
            ast.GtE: (limit, limit - 1),
        }.get(type(op))
        if sides is None:
            return None
        trips, passes = sides
        return (
            f"The next test I would write sits on the boundary of the check on line {stmt.lineno} "
            f"(`{_short(ast.unparse(test), 40)}`): {label} with `{left.id}={trips}` should raise, and "
            f"with `{left.id}={passes}` it should not."
        )
    return None

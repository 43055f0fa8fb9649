"""`purpose`: what a function is for, in one sentence, from its shape or its docstring.

An explanation that starts with "`f` is a function that takes `xs`" makes the reader work out
the point themselves. Many small functions have a shape that says it plainly: a loop that
appends each item not seen before returns the items without repeats; `sum(xs) / len(xs)` is a
mean; a loop that returns the first match is a search. `purpose` recognises such shapes (and
falls back on the docstring) and says so. Nothing here runs the user's code, and each recogniser
is strict: a shape it does not know gives None rather than a guess.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from labkit.sim.replies.reader.source import (
    _call_name,
    _code,
    _dotted,
    _FunctionNode,
    _is_docstring,
    _is_generator,
    _is_name,
    _join,
    _own_nodes,
    _short,
)

# --------------------------------------------------------------------------- small helpers


def _same(a: ast.AST, b: ast.AST) -> bool:
    """The same code, ignoring load/store context and parentheses (`name, score` == `(name, score)`)."""
    return ast.unparse(a).strip("()") == ast.unparse(b).strip("()")


def _body(fn: _FunctionNode) -> list[ast.stmt]:
    return [s for s in fn.body if not _is_docstring(s)]


def _is_guard(stmt: ast.stmt) -> bool:
    """`if <test>: raise ...`: a check of the input before the work starts."""
    return (
        isinstance(stmt, ast.If)
        and not stmt.orelse
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], ast.Raise)
    )


def _after_guards(body: list[ast.stmt]) -> list[ast.stmt]:
    index = 0
    while index < len(body) and (_is_guard(body[index]) or isinstance(body[index], ast.Assert)):
        index += 1
    return body[index:]


_NOT_CONSTANT = object()


class _Quoter:
    """Quotes code as the user wrote it, in backticks, trimmed to a readable length."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def __call__(self, node: ast.AST, limit: int = 50) -> str:
        return _code(node, limit, self.source)


@dataclass(frozen=True)
class _Items:
    """What a loop or comprehension walks over, in words: "the items `x` of `xs`"."""

    noun: str
    target: str
    seq: str

    def words(self, named: bool = True) -> str:
        """With the loop variable when the sentence goes on to use it ("for which `x > 0`")."""
        return (
            f"the {self.noun} {self.target} of {self.seq}"
            if named
            else f"the {self.noun} of {self.seq}"
        )


def _items(target: ast.expr, iterable: ast.expr, q: _Quoter) -> _Items:
    shown = q(target, 30)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute):
        owner = q(iterable.func.value)
        nouns = {"items": "key/value pairs", "keys": "keys", "values": "values"}
        if iterable.func.attr in nouns and not iterable.args:
            return _Items(nouns[iterable.func.attr], shown, owner)
    if isinstance(iterable, ast.Call) and _is_name(iterable.func, "enumerate") and iterable.args:
        return _Items("positions and items", shown, q(iterable.args[0]))
    if isinstance(iterable, ast.Call) and _is_name(iterable.func, "range"):
        return _Items("numbers", shown, q(iterable))
    if (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Attribute)
        and iterable.func.attr in _TEXT_METHODS
    ):
        return _Items("characters", shown, q(iterable))  # `text.lower()` is a string
    return _Items("items", shown, q(iterable))


_TEXT_METHODS = frozenset(["lower", "upper", "casefold", "strip", "lstrip", "rstrip", "title"])


def _conditions(tests: list[ast.expr], q: _Quoter) -> str:
    return f" for which {_join([q(t) for t in tests])}" if tests else ""


def _sorted_suffix(call: ast.Call, q: _Quoter) -> str:
    """ ", sorted by `p[1]`, largest first" for a `sorted(...)` call's keywords."""
    key = next((k.value for k in call.keywords if k.arg == "key"), None)
    reverse = any(
        k.arg == "reverse" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )
    text = ", sorted"
    if isinstance(key, ast.Lambda):
        text += f" by {q(key.body)}"
    elif key is not None:
        text += f" by {q(key)}"
    return text + (", largest first" if reverse else "")


# --------------------------------------------------------------------------- one expression


def _from_expression(expr: ast.expr, q: _Quoter) -> str | None:
    """What `return <expr>` is for, when the expression has a well-known shape."""
    if (
        isinstance(expr, ast.ListComp | ast.SetComp | ast.GeneratorExp)
        and len(expr.generators) == 1
    ):
        gen = expr.generators[0]
        items = _items(gen.target, gen.iter, q)
        kind = {
            ast.ListComp: "a list of",
            ast.SetComp: "the set of",
            ast.GeneratorExp: "a generator over",
        }[type(expr)]
        if _same(expr.elt, gen.target):
            return f"returns {kind} {items.words()}{_conditions(gen.ifs, q)}"
        return f"returns {kind} {q(expr.elt)} for each of {items.words()}{_conditions(gen.ifs, q)}"
    if isinstance(expr, ast.DictComp) and len(expr.generators) == 1:
        gen = expr.generators[0]
        items = _items(gen.target, gen.iter, q)
        return (
            f"returns a dict that maps {q(expr.key)} to {q(expr.value)} for each of "
            f"{items.words()}{_conditions(gen.ifs, q)}"
        )
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
        left, right = expr.left, expr.right
        if (
            _call_name(left) == "sum"
            and _call_name(right) == "len"
            and isinstance(left, ast.Call)
            and isinstance(right, ast.Call)
            and len(left.args) == 1
            and len(right.args) == 1
            and _same(left.args[0], right.args[0])
        ):
            return f"returns the mean (the average) of the numbers in {q(right.args[0])}"
    if not isinstance(expr, ast.Call):
        return _from_comparison(expr, q)
    name = _call_name(expr)
    args = expr.args
    if name == "sum" and len(args) == 1:
        inner = args[0]
        if isinstance(inner, ast.GeneratorExp) and len(inner.generators) == 1:
            gen = inner.generators[0]
            items = _items(gen.target, gen.iter, q)
            if isinstance(inner.elt, ast.Constant) and inner.elt.value == 1:
                return f"counts {items.words()}{_conditions(gen.ifs, q)}"
            if _same(inner.elt, gen.target):
                return f"adds up {items.words()}{_conditions(gen.ifs, q)}"
            return f"adds up {q(inner.elt)} for each of {items.words()}{_conditions(gen.ifs, q)}"
        return f"returns the sum of the numbers in {q(inner)}"
    if name == "len" and len(args) == 1 and _call_name(args[0]) == "set":
        inner = args[0]
        if isinstance(inner, ast.Call) and len(inner.args) == 1:
            return f"counts the distinct items of {q(inner.args[0])}"
    if name == "list" and len(args) == 1 and isinstance(args[0], ast.Call):
        inner = args[0]
        if _call_name(inner) == "dict.fromkeys" and len(inner.args) == 1:
            return (
                f"returns the items of {q(inner.args[0])} without repeats, keeping the first "
                "occurrence of each, in their original order"
            )
        if _call_name(inner) == "set" and len(inner.args) == 1:
            return (
                f"returns the items of {q(inner.args[0])} without repeats, in no particular order"
            )
    if name == "sorted" and len(args) == 1:
        return f"returns the items of {q(args[0])} as a new list{_sorted_suffix(expr, q)}"
    if name in ("max", "min") and len(args) == 1 and not isinstance(args[0], ast.Starred):
        word = "largest" if name == "max" else "smallest"
        key = next((k.value for k in expr.keywords if k.arg == "key"), None)
        by = f" by {q(key.body if isinstance(key, ast.Lambda) else key)}" if key is not None else ""
        return f"returns the {word} item of {q(args[0])}{by}"
    if name in ("any", "all") and len(args) == 1 and isinstance(args[0], ast.GeneratorExp):
        gen_expr = args[0]
        gen = gen_expr.generators[0]
        items = _items(gen.target, gen.iter, q)
        some = "at least one of" if name == "any" else "every one of"
        return f"tells whether {q(gen_expr.elt)} holds for {some} {items.words()}"
    func = expr.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "join"
        and isinstance(func.value, ast.Constant)
        and isinstance(func.value.value, str)
        and len(args) == 1
    ):
        sep = func.value.value
        between = f", with {q(func.value)} between them" if sep else ""
        inner = args[0]
        if isinstance(inner, ast.GeneratorExp | ast.ListComp) and len(inner.generators) == 1:
            gen = inner.generators[0]
            items = _items(gen.target, gen.iter, q)
            return (
                f"joins {q(inner.elt)} for each of {items.words()}{_conditions(gen.ifs, q)} "
                f"into one string{between}"
            )
        return f"joins the strings in {q(inner)} into one{between}"
    return None


def _from_comparison(expr: ast.expr, q: _Quoter) -> str | None:
    if (
        isinstance(expr, ast.Compare)
        and len(expr.ops) == 1
        and isinstance(expr.ops[0], ast.Eq)
        and isinstance(expr.comparators[0], ast.Subscript)
    ):
        left, right = expr.left, expr.comparators[0]
        assert isinstance(right, ast.Subscript)
        reverse = (
            isinstance(right.slice, ast.Slice)
            and right.slice.lower is None
            and right.slice.upper is None
            and isinstance(right.slice.step, ast.UnaryOp)
            and isinstance(right.slice.step.op, ast.USub)
            and isinstance(right.slice.step.operand, ast.Constant)
            and right.slice.step.operand.value == 1
        )
        if reverse and _same(left, right.value):
            return f"tells whether {q(left)} reads the same backwards as forwards"
    return None


# --------------------------------------------------------------------------- loops


def _literal_init(stmt: ast.stmt) -> tuple[str, ast.expr] | None:
    """(name, value) for `name = <empty or starting value>` before a loop."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not isinstance(target, ast.Name):
        return None
    value = stmt.value
    empty_literal = isinstance(value, ast.Constant) or (
        isinstance(value, ast.List | ast.Tuple | ast.Set) and not value.elts
    )
    empty_literal = empty_literal or (isinstance(value, ast.Dict) and not value.keys)
    name = _call_name(value) if isinstance(value, ast.Call) else None
    empty_call = (
        isinstance(value, ast.Call)
        and not value.keywords
        and (
            (name in ("set", "list", "dict") and not value.args)
            or (name in ("defaultdict", "collections.defaultdict") and len(value.args) == 1)
            or (
                name == "float"
                and len(value.args) == 1
                and isinstance(value.args[0], ast.Constant)
                and value.args[0].value in ("inf", "-inf", "+inf")
            )
        )
    )
    return (target.id, value) if empty_literal or empty_call else None


def _appended(stmt: ast.stmt, name: str, method: str = "append") -> ast.expr | None:
    """E for `name.append(E)` (or another one-argument method)."""
    if (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and _call_name(stmt.value) == f"{name}.{method}"
        and len(stmt.value.args) == 1
    ):
        return stmt.value.args[0]
    return None


def _loop_shape(
    loop: ast.For, acc: str, init: ast.expr, q: _Quoter, empties: frozenset[str] = frozenset()
) -> str | None:
    """What a `for` loop that builds up `acc` computes, for the shapes people write most."""
    items = _items(loop.target, loop.iter, q)
    body = loop.body
    conditions: list[ast.expr] = []
    if len(body) == 1 and isinstance(body[0], ast.If) and not body[0].orelse:
        dedupe = _dedupe(body[0], loop.target, acc, empties)
        if dedupe:
            return (
                f"returns {items.words(named=False)} without repeats, keeping the first occurrence "
                "of each, in their original order"
            )
        tracked = _tracking(loop, acc, init, items, q)
        if tracked:
            return tracked
        conditions, body = [body[0].test], body[0].body
    cond = _conditions(conditions, q)
    named = bool(conditions)  # the condition quotes the loop variable, so name it
    if len(body) != 1:
        return None
    stmt = body[0]
    added = _appended(stmt, acc)
    if added is not None:
        if _same(added, loop.target):
            return f"collects {items.words(named)}{cond} into a new list"
        return f"builds a list of {q(added)} for each of {items.words()}{cond}"
    flattened = _appended(stmt, acc, "extend")
    if flattened is not None and _same(flattened, loop.target) and not cond:
        return f"flattens {items.seq}, a collection of lists, into one list"
    if isinstance(stmt, ast.AugAssign) and _is_name(stmt.target, acc):
        value = stmt.value
        start = init.value if isinstance(init, ast.Constant) else None
        if isinstance(stmt.op, ast.Add) and start == 0 and not isinstance(start, bool):
            if isinstance(value, ast.Constant) and value.value == 1:
                return f"counts {items.words(named)}{cond}"
            if _same(value, loop.target):
                return f"adds up {items.words(named)}{cond}"
            return f"adds up {q(value)} for each of {items.words()}{cond}"
        if isinstance(stmt.op, ast.Add) and start == "":
            return f"joins {q(value)} for each of {items.words()}{cond} into one string"
        if isinstance(stmt.op, ast.Mult) and start == 1 and _same(value, loop.target):
            factorial = _factorial_of(loop.iter)
            if factorial and not cond:
                return f"computes the factorial of {q(factorial)} (1 × 2 × … × {factorial.id})"
            return f"multiplies together {items.words(named)}{cond}"
    counted = _counted_key(stmt, acc)
    if counted is not None:
        if _same(counted, loop.target) and not cond:
            return f"counts how often each item of {items.seq} occurs, as a dict from item to count"
        return (
            f"counts, for each value of {q(counted)}, how many of {items.words()}{cond} have it, "
            "as a dict from value to count"
        )
    grouped = _grouped(stmt, acc)
    if grouped is not None:
        key, value = grouped
        return (
            f"groups {q(value)} by {q(key)} for each of {items.words()}{cond}, as a dict of lists"
        )
    return None


def _dedupe(test_if: ast.If, target: ast.expr, acc: str, empties: frozenset[str]) -> bool:
    """`if x not in seen: seen.add(x); out.append(x)` (or `if x not in out: out.append(x)`)."""
    test = test_if.test
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.NotIn)
        and _same(test.left, target)
        and isinstance(test.comparators[0], ast.Name)
    ):
        return False
    seen = test.comparators[0].id
    if seen not in empties:
        return False  # a `seen` handed in already filled also drops the items it holds
    appended = [s for s in test_if.body if _appended(s, acc) is not None]
    if len(appended) != 1 or not _same(_appended(appended[0], acc) or target, target):
        return False
    if seen == acc:
        return len(test_if.body) == 1
    added = [
        s for s in test_if.body if (_appended(s, seen, "add") or _appended(s, seen)) is not None
    ]
    return len(added) == 1 and len(test_if.body) == 2


def _factorial_of(iterable: ast.expr) -> ast.Name | None:
    """n for `range(2, n + 1)` or `range(1, n + 1)`."""
    if not (isinstance(iterable, ast.Call) and _is_name(iterable.func, "range")):
        return None
    if len(iterable.args) != 2:
        return None
    start, stop = iterable.args
    if not (isinstance(start, ast.Constant) and start.value in (1, 2)):
        return None
    if (
        isinstance(stop, ast.BinOp)
        and isinstance(stop.op, ast.Add)
        and isinstance(stop.left, ast.Name)
        and isinstance(stop.right, ast.Constant)
        and stop.right.value == 1
    ):
        return stop.left
    return None


def _counted_key(stmt: ast.stmt, acc: str) -> ast.expr | None:
    """K for `acc[K] = acc.get(K, 0) + 1`."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not (isinstance(target, ast.Subscript) and _is_name(target.value, acc)):
        return None
    value = stmt.value
    if not (
        isinstance(value, ast.BinOp)
        and isinstance(value.op, ast.Add)
        and isinstance(value.right, ast.Constant)
        and value.right.value == 1
        and isinstance(value.left, ast.Call)
        and _call_name(value.left) == f"{acc}.get"
        and len(value.left.args) == 2
        and _same(value.left.args[0], target.slice)
    ):
        return None
    return target.slice


def _grouped(stmt: ast.stmt, acc: str) -> tuple[ast.expr, ast.expr] | None:
    """(K, V) for `acc.setdefault(K, []).append(V)`."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "append" and len(call.args) == 1):
        return None
    inner = func.value
    if (
        isinstance(inner, ast.Call)
        and _call_name(inner) == f"{acc}.setdefault"
        and len(inner.args) == 2
        and isinstance(inner.args[1], ast.List)
        and not inner.args[1].elts
    ):
        return inner.args[0], call.args[0]
    return None


def _tracking(loop: ast.For, acc: str, init: ast.expr, items: _Items, q: _Quoter) -> str | None:
    """`if x > best: best = x`: the largest (or smallest) item."""
    if len(loop.body) != 1 or not isinstance(loop.body[0], ast.If):
        return None
    branch = loop.body[0]
    if branch.orelse or len(branch.body) != 1:
        return None
    update = branch.body[0]
    if not (
        isinstance(update, ast.Assign)
        and len(update.targets) == 1
        and _is_name(update.targets[0], acc)
        and _same(update.value, loop.target)
    ):
        return None
    test = branch.test
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        test = test.values[-1]  # `best is None or x > best`
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if _same(left, loop.target) and _is_name(right, acc):
        bigger = isinstance(op, ast.Gt | ast.GtE)
        smaller = isinstance(op, ast.Lt | ast.LtE)
    elif _is_name(left, acc) and _same(right, loop.target):
        bigger = isinstance(op, ast.Lt | ast.LtE)
        smaller = isinstance(op, ast.Gt | ast.GtE)
    else:
        return None
    if not (bigger or smaller):
        return None
    word = "largest" if bigger else "smallest"
    if isinstance(init, ast.Constant) and init.value is None:
        if not isinstance(branch.test, ast.BoolOp):
            return None  # `x > None` raises `TypeError`: not a shape to describe
        fallback = "`None` if there are none"
    else:
        fallback = f"{q(init)} if none is {'larger' if bigger else 'smaller'}"
    return f"returns the {word} of {items.words(named=False)}, or {fallback}"


def _accumulates(body: list[ast.stmt], q: _Quoter) -> str | None:
    """`acc = <start>; for ...: <build acc>; return acc`, with guards or a sort after the loop."""
    loops = [i for i, s in enumerate(body) if isinstance(s, ast.For)]
    if len(loops) != 1 or not body or not isinstance(body[-1], ast.Return):
        return None
    index = loops[0]
    loop = body[index]
    assert isinstance(loop, ast.For)
    if loop.orelse:
        return None
    returned = body[-1].value
    suffix = ""
    if (
        isinstance(returned, ast.Call)
        and _call_name(returned) == "sorted"
        and len(returned.args) == 1
    ):
        suffix = _sorted_suffix(returned, q)
        returned = returned.args[0]
    mean = (
        isinstance(returned, ast.BinOp)
        and isinstance(returned.op, ast.Div)
        and isinstance(returned.left, ast.Name)
        and _call_name(returned.right) == "len"
        and isinstance(returned.right, ast.Call)
        and len(returned.right.args) == 1
        and _same(returned.right.args[0], loop.iter)
    )
    if mean:
        assert isinstance(returned, ast.BinOp)
        returned = returned.left
    if not isinstance(returned, ast.Name):
        return None
    acc = returned.id
    starts = [init for s in body[:index] if (init := _literal_init(s))]
    inits = [init for init in starts if init[0] == acc]
    if len(inits) != 1:
        return None
    empties = frozenset(
        n for n, v in starts if not (isinstance(v, ast.Constant) or _call_name(v) == "float")
    )
    between = body[index + 1 : -1]
    if not all(_is_guard(s) for s in between):
        return None  # something else happens to the result after the loop
    shape = _loop_shape(loop, acc, inits[0][1], q, empties)
    if shape is None:
        return None
    if mean:
        if not shape.startswith("adds up the items of"):
            return None
        return f"returns the mean (the average) of the numbers in {q(loop.iter)}"
    if suffix:
        shape = shape.replace(" into a new list", "") + suffix
        shape = (
            shape.replace("collects ", "returns ", 1) if shape.startswith("collects ") else shape
        )
    return shape


def _searches(body: list[ast.stmt], q: _Quoter) -> str | None:
    """`for x in xs: if cond: return ...` then `return <default>`: a search."""
    if len(body) != 2 or not isinstance(body[0], ast.For) or not isinstance(body[1], ast.Return):
        return None
    loop, after = body[0], body[1]
    if loop.orelse or len(loop.body) != 1 or not isinstance(loop.body[0], ast.If):
        return None
    branch = loop.body[0]
    if branch.orelse or len(branch.body) != 1 or not isinstance(branch.body[0], ast.Return):
        return None
    found, default = branch.body[0].value, after.value
    if found is None:
        return None
    items = _items(loop.target, loop.iter, q)
    cond = q(branch.test)
    found_value = found.value if isinstance(found, ast.Constant) else _NOT_CONSTANT
    default_value = default.value if isinstance(default, ast.Constant) else _NOT_CONSTANT
    if found_value is True and default_value is False:
        return f"tells whether any of {items.words()} satisfies {cond}"
    if found_value is False and default_value is True:
        return f"tells whether none of {items.words()} satisfies {cond}"
    missing = "`None`" if default is None or default_value is None else q(default)
    if _same(found, loop.target):
        return (
            f"returns the first of {items.words()} for which {cond}, or {missing} if there is none"
        )
    if (
        isinstance(loop.target, ast.Tuple)
        and _call_name(loop.iter) == "enumerate"
        and loop.target.elts
        and _same(found, loop.target.elts[0])
    ):
        iterable = loop.iter.args[0] if isinstance(loop.iter, ast.Call) and loop.iter.args else None
        seq = q(iterable) if iterable is not None else items.seq
        return f"returns the position of the first item of {seq} for which {cond}, or {missing} if there is none"
    return f"returns {q(found)} for the first of {items.words()} for which {cond}, or {missing} if there is none"


# --------------------------------------------------------------------------- files and try


def _reads_file(body: list[ast.stmt], q: _Quoter) -> str | None:
    if len(body) != 1 or not isinstance(body[0], ast.With) or len(body[0].items) != 1:
        return None
    item = body[0].items[0]
    opened = item.context_expr
    if _call_name(opened) != "open" or not isinstance(opened, ast.Call) or not opened.args:
        return None
    handle = item.optional_vars
    if not isinstance(handle, ast.Name):
        return None
    path = q(opened.args[0])
    mode = opened.args[1] if len(opened.args) > 1 else None
    mode = next((k.value for k in opened.keywords if k.arg == "mode"), mode)
    mode_text = (
        mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "r"
    )
    inner = body[0].body
    if "w" in mode_text or "a" in mode_text:
        verb = "appends to" if "a" in mode_text else "writes"
        return f"{verb} the file at {path}" if not _own_returns_value(inner) else None
    if len(inner) != 1 or not isinstance(inner[0], ast.Return) or inner[0].value is None:
        return None
    value = inner[0].value
    name = _call_name(value) or ""
    if (
        name in ("json.load", "load")
        and isinstance(value, ast.Call)
        and _is_name(value.args[0] if value.args else None, handle.id)
    ):
        return f"reads the JSON file at {path} and returns what it holds"
    if name == f"{handle.id}.read":
        return f"returns the whole text of the file at {path}"
    if name in (f"{handle.id}.readlines", "list") and (
        name != "list" or (isinstance(value, ast.Call) and _is_name(value.args[0], handle.id))
    ):
        return f"returns the lines of the file at {path}, each with its line ending"
    if isinstance(value, ast.ListComp) and len(value.generators) == 1:
        gen = value.generators[0]
        if _is_name(gen.iter, handle.id):
            return (
                f"returns {q(value.elt)} for each line {q(gen.target)} of the file at "
                f"{path}{_conditions(gen.ifs, q)}"
            )
    return None


def _own_returns_value(stmts: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Return) and n.value is not None for n in _own_nodes(stmts))


_EXCEPTION_WORDS = {
    "FileNotFoundError": "the file does not exist",
    "KeyError": "the key is missing",
    "IndexError": "there is no such item",
    "ZeroDivisionError": "it would divide by zero",
}


def _try_wrapped(body: list[ast.stmt], q: _Quoter) -> str | None:
    """`try: <known shape> except E: return default`: the shape, and the fallback."""
    if len(body) != 1 or not isinstance(body[0], ast.Try):
        return None
    attempt = body[0]
    if attempt.orelse or attempt.finalbody or len(attempt.handlers) != 1:
        return None
    handler = attempt.handlers[0]
    if len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return):
        return None
    fallback = handler.body[0].value
    if handler.type is None:
        return None  # a bare `except:` catches too much to name one reason
    inner = _shape(attempt.body, q)
    if inner is None:
        return None
    shown = "`None`" if fallback is None else q(fallback)
    exc = _dotted(handler.type) or ""
    when = _EXCEPTION_WORDS.get(exc.split(".")[-1], f"that raises {q(handler.type)}")
    return f"{inner}, or {shown} if {when}"


def _shape(body: list[ast.stmt], q: _Quoter) -> str | None:
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        return _from_expression(body[0].value, q)
    return _reads_file(body, q) or _searches(body, q) or _accumulates(body, q)


_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)", re.S)


def _docstring_sentence(fn: _FunctionNode) -> str | None:
    doc = ast.get_docstring(fn)
    if not doc:
        return None
    paragraph = doc.strip().split("\n\n")[0]
    match = _FIRST_SENTENCE.match(paragraph)
    sentence = " ".join((match.group(1) if match else paragraph).split())
    if len(sentence) < 8:
        return None
    return _short(sentence, 140)


def purpose(fn: _FunctionNode, source: str | None = None) -> str | None:
    """One sentence saying what `fn` is for, from its shape or else its docstring; None if unclear."""
    if _is_generator(fn):
        return None
    q = _Quoter(source)
    body = _after_guards(_body(fn))
    label = f"`{fn.name}`"
    shape = _try_wrapped(body, q) or _shape(body, q)
    if shape:
        return f"{label} {shape}."
    doc = _docstring_sentence(fn)
    if doc:
        return f"Its docstring says what {label} is for: “{doc}”"
    return None

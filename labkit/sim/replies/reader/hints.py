"""Type hints a function's own code vouches for, each with the reason, or none at all.

"Add type hints" asks for the types the code already assumes. Some it states plainly: a
default of `0` is an `int`; `.lower()` is called only on strings; what a `for` loop walks is
an `Iterable`; `len(xs) / 2` is a `float`. Others it leaves open: a parameter that is only
passed on to another function could be anything that function takes. `hint_params` and
`hint_return` write a hint only for the first kind, and give None for the second: a wrong
hint misleads every reader and every type checker after it, and an honest gap does not.

Hints are written for Python 3.10 and later (`str | None`, `list[str]`), with the abstract
types from `collections.abc` (`Iterable`, `Sequence`, `Mapping`) where the code only reads.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from labkit.sim.replies.reader.kinds import _STR_METHODS
from labkit.sim.replies.reader.source import (
    _call_name,
    _FunctionNode,
    _is_generator,
    _is_name,
    _own_nodes,
    _own_returns,
    _parents,
    _terminates,
)

_ANY = "Any"
_STR_RESULTS = frozenset(
    [
        "lower", "upper", "strip", "lstrip", "rstrip", "replace", "title", "casefold",
        "capitalize", "format", "join", "zfill", "center", "ljust", "rjust",
        "removeprefix", "removesuffix", "swapcase", "expandtabs",
    ]
)  # fmt: skip
_BOOL_RESULTS = frozenset(
    ["startswith", "endswith", "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper"]
)
_INT_RESULTS = frozenset(["count", "find", "rfind", "index", "rindex"])
_LIST_METHODS = frozenset(["append", "extend", "insert", "sort", "reverse", "remove", "pop"])
_READ_MAPPING = frozenset(["items", "keys", "values", "get"])
_WRITE_MAPPING = frozenset(["update", "setdefault", "pop", "popitem", "clear"])
_ITERATING_CALLS = frozenset(
    ["sorted", "sum", "min", "max", "enumerate", "set", "list", "tuple", "reversed", "any", "all"]
)
_NUMBER_KINDS = ("int", "float")


@dataclass(frozen=True)
class Hint:
    """A parameter's (or the return's) hint and why the code vouches for it."""

    name: str
    text: str
    reason: str
    function: str = ""  # the function it belongs to (annotate fills it in)


# --------------------------------------------------------------------------- joining types


def _join_types(types: list[str | None]) -> str | None:
    """One type for several: the same one, `float` for `int` and `float`, else None."""
    known = set(types)
    if None in known or not known:
        return None
    if known <= {"int", "float"}:
        return "float" if "float" in known else "int"
    if len(known) == 1:
        return known.pop()
    return None


def _union(types: list[str | None]) -> str | None:
    """`str | None` for a result that is a string or None; None when it is not that simple."""
    values = [t for t in types if t != "None"]
    joined = _join_types(list(values)) if values else "None"
    if joined is None:
        return None
    return f"{joined} | None" if "None" in types and joined != "None" else joined


# --------------------------------------------------------------------------- parameters


@dataclass
class _Evidence:
    """What a function body does with one name."""

    str_methods: list[str]
    numbers: bool = False  # arithmetic or ordering comparisons with numbers
    integer: bool = False  # `range(n)`, an index `xs[n]`: only an int will do
    iterated: bool = False
    sized: bool = False  # `len(p)`
    indexed: bool = False  # `p[i]` or `p[a:b]`
    list_methods: bool = False
    mapping_reads: bool = False
    mapping_writes: bool = False
    item_stored: bool = False  # `p[k] = v`
    none_checked: bool = False
    truth_tested: bool = False  # `if not xs:`: an iterator would always be true
    text_compared: bool = False  # `p == "x"`, `p in ("a", "b")`
    other: bool = False  # attributes and methods nothing here knows
    rebound: bool = False  # assigned (or defined) again in the body
    passed: bool = False  # handed to another function, whose needs the code does not show


def _evidence(name: str, fn: _FunctionNode) -> _Evidence:
    found = _Evidence(str_methods=[])
    parents = _parents(fn)
    counters = _int_locals(fn)
    for node in _own_nodes(fn.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.rebound = found.rebound or node.name == name
        elif isinstance(node, ast.alias):
            found.rebound = found.rebound or (node.asname or node.name) == name
        if not _is_name(node, name):
            continue
        parent = parents.get(node)
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.rebound = True  # rebound in the body: its type may change on the way
        elif isinstance(parent, ast.Attribute):
            call = parents.get(parent)
            method = parent.attr
            if not (isinstance(call, ast.Call) and call.func is parent):
                found.other = True
            elif method in _STR_METHODS or method in _STR_RESULTS or method in _BOOL_RESULTS:
                found.str_methods.append(method)
            elif method in _LIST_METHODS and method not in ("pop",):
                found.list_methods = True
            elif method in _READ_MAPPING:
                found.mapping_reads = True
            elif method in _WRITE_MAPPING:
                found.mapping_writes = True
            else:
                found.other = True
        elif isinstance(parent, ast.Call | ast.keyword | ast.Starred):
            _call_use(node, parent, parents, found)
        elif isinstance(parent, ast.For | ast.comprehension) and parent.iter is node:
            found.iterated = True
        elif (isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)) or (
            isinstance(parent, ast.If | ast.While | ast.IfExp) and parent.test is node
        ):
            found.truth_tested = True
        elif isinstance(parent, ast.Subscript):
            if parent.value is node:
                key = parent.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found.mapping_reads = True  # `p["name"]`: a mapping
                elif (
                    isinstance(key, ast.Slice)
                    or _is_number(key)
                    or _counted(key)
                    or (isinstance(key, ast.Name) and key.id in counters)
                ):
                    found.indexed = True  # `p[0]`, `p[1:]`, `p[i - 1]`: a sequence
                else:
                    found.other = True  # `p[key]`: a list or a dict, the code does not say
                if isinstance(parent.ctx, ast.Store | ast.Del):
                    found.item_stored = True
            # A bare `d[key]` says nothing: dicts take keys of any type.
        elif isinstance(parent, ast.BinOp):
            other = parent.right if parent.left is node else parent.left
            if isinstance(parent.op, _BIT_OPS):
                found.numbers = found.integer = True  # `p >> 2`, `p & 1`: bits of an int
            elif _is_number(other) or isinstance(
                parent.op, ast.Sub | ast.Div | ast.FloorDiv | ast.Pow
            ):
                found.numbers = True
                found.integer = found.integer or _counts(parent, parents)
            else:
                found.other = True  # `p + q`, `p * 2`: strings and lists do that too
        elif isinstance(parent, ast.AugAssign) and parent.target is node:
            found.numbers = found.numbers or _is_number(parent.value)
        elif isinstance(parent, ast.Compare):
            operands = [parent.left, *parent.comparators]
            for other in operands:
                if isinstance(other, ast.Constant) and other.value is None:
                    found.none_checked = True
                elif _is_number(other) and not any(
                    isinstance(op, ast.Eq | ast.NotEq) for op in parent.ops
                ):
                    found.numbers = True
                elif (
                    other is not node
                    and any(
                        isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for op in parent.ops
                    )
                    and not _is_number(other)
                ):
                    found.other = True  # ordered against something of unknown type
                elif (isinstance(other, ast.Constant) and isinstance(other.value, str)) or (
                    isinstance(other, ast.Tuple | ast.List | ast.Set)
                    and all(
                        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in other.elts
                    )
                    and other.elts
                ):
                    found.text_compared = True
    return found


def _call_use(
    node: ast.AST, parent: ast.AST, parents: dict[ast.AST, ast.AST], found: _Evidence
) -> None:
    """What handing `node` to a call says: `range(n)` an int, `len(xs)` a size, `sorted(xs)`
    an iterable; handed to anything else, that its needs are unknown."""
    call = parents.get(parent) if isinstance(parent, ast.keyword | ast.Starred) else parent
    if not isinstance(call, ast.Call):
        found.passed = True
        return
    if call.func is node:
        found.other = True  # called: a function, which no hint here describes
        return
    direct = parent is call and node in call.args
    called = _call_name(call)
    joins = (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "join"
        and isinstance(call.func.value, ast.Constant)  # `", ".join(p)`, not os.path's
    )
    if direct and called == "range":
        found.integer = True
    elif direct and called == "len":
        found.sized = True
    elif direct and ((called in _ITERATING_CALLS and len(call.args) == 1) or joins):
        found.iterated = True
    else:
        found.passed = True  # handed to a function this code does not show


_BIT_OPS = (ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor)


def _counts(expr: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """Arithmetic whose result is a count or an index: `range(n + 1)`, `xs[i - 1]`,
    `"v" * (n - 1)`, `(n - 1) >> 1`."""
    outer = parents.get(expr)
    while isinstance(outer, ast.BinOp):
        other = outer.right if outer.left is expr else outer.left
        text = isinstance(other, ast.Constant) and isinstance(other.value, str | bytes)
        if isinstance(outer.op, _BIT_OPS) or (isinstance(outer.op, ast.Mult) and text):
            return True
        expr, outer = outer, parents.get(outer)
    if isinstance(outer, ast.Call) and _call_name(outer) == "range":
        return expr in outer.args
    # `xs[i - 1]`: arithmetic as an index is a position in a sequence.
    return isinstance(outer, ast.Subscript) and outer.slice is expr


def _bindings(fn: _FunctionNode) -> dict[str, list[ast.expr | None]]:
    """Each local's assigned values (`a, b = 1, 2` paired up); None for any other binding,
    and for a `for` over `range(...)`, the `range` call itself."""
    found: dict[str, list[ast.expr | None]] = {}
    handled: set[int] = set()

    def bind(target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            found.setdefault(target.id, []).append(value)
            handled.add(id(target))

    for node in _own_nodes(fn.body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if (
                isinstance(target, ast.Tuple)
                and isinstance(value, ast.Tuple)
                and len(target.elts) == len(value.elts)
            ):
                for part, item in zip(target.elts, value.elts, strict=True):
                    bind(part, item)
            else:
                bind(target, value)
        elif isinstance(node, ast.AugAssign):
            bind(node.target, node.value)
        elif isinstance(node, ast.For):
            bind(node.target, node.iter if _call_name(node.iter) == "range" else None)
    for node in _own_nodes(fn.body):
        if (
            isinstance(node, ast.Name)
            and not isinstance(node.ctx, ast.Load)
            and id(node) not in handled
        ):
            found.setdefault(node.id, []).append(None)  # bound some other way
    return found


def _int_locals(fn: _FunctionNode) -> set[str]:
    """Locals that only ever hold whole numbers: `lo, hi = 0, len(xs) - 1`, `mid = (lo + hi)
    // 2`, `for i in range(n)`; an index made of them is a position in a sequence."""
    bindings = _bindings(fn)
    params = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    counters: set[str] = set()

    def whole(expr: ast.expr | None) -> bool:
        if expr is None:
            return False
        if isinstance(expr, ast.Constant):
            return type(expr.value) is int
        if isinstance(expr, ast.Name):
            return expr.id in counters
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
            return whole(expr.operand)
        if isinstance(expr, ast.BinOp) and isinstance(
            expr.op, ast.Add | ast.Sub | ast.Mult | ast.FloorDiv | ast.Mod | ast.RShift
        ):
            return whole(expr.left) and whole(expr.right)
        return isinstance(expr, ast.Call) and _call_name(expr) in ("len", "range", "int")

    # The largest such set: `lo = mid` and `mid = (lo + hi) // 2` vouch for each other.
    counters.update(name for name in bindings if name not in params)
    changed = True
    while changed:
        changed = False
        for name in list(counters):
            if not all(whole(v) for v in bindings[name]):
                counters.discard(name)
                changed = True
    return counters


def _counted(key: ast.expr) -> bool:
    """`i - 1`, `len(xs) - 1`, `-1`: an index worked out with whole numbers."""
    if isinstance(key, ast.UnaryOp):
        return _is_number(key)
    return (
        isinstance(key, ast.BinOp)
        and isinstance(key.op, ast.Add | ast.Sub)
        and (_is_number(key.left) or _is_number(key.right))
    )


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _element(fn: _FunctionNode, name: str) -> str:
    """The type of the items of `name`, from how a loop over it uses them (else `Any`)."""
    kinds: list[str | None] = []
    for node in _own_nodes(fn.body):
        if isinstance(node, ast.For | ast.comprehension) and _is_name(node.iter, name):
            if not isinstance(node.target, ast.Name):
                return _ANY
            item = _evidence(node.target.id, fn)
            kinds.append(_scalar(item))
        elif isinstance(node, ast.Call) and node.args and _is_name(node.args[0], name):
            called = _call_name(node) or ""
            if called == "sum":
                kinds.append("float")
            elif called.endswith("join") or (
                isinstance(node.func, ast.Attribute) and node.func.attr == "join"
            ):
                kinds.append("str")
    known = [k for k in kinds if k is not None]
    joined = _join_types(list(known)) if known else None
    return joined or _ANY


def _scalar(found: _Evidence) -> str | None:
    """`str`, `int` or `float` when the uses say so and do not contradict each other."""
    says: list[str] = []
    if found.str_methods or found.text_compared:
        says.append("str")
    if found.integer:
        says.append("int")
    elif found.numbers:
        says.append("float")
    if len(says) != 1 or found.other or found.iterated or found.indexed:
        return None
    return says[0]


def _from_default(default: ast.expr | None) -> str | None:
    if isinstance(default, ast.Constant) and type(default.value) in (int, float, str, bool, bytes):
        return type(default.value).__name__
    return None


def hint_param(
    fn: _FunctionNode, arg: ast.arg, default: ast.expr | None, source: str = ""
) -> Hint | None:
    """The hint the code vouches for, with its reason; None when it does not say."""
    if arg.annotation is not None:
        return None
    found = _evidence(arg.arg, fn)
    if found.rebound:
        return None  # `error = AssertionError(error)`: one hint cannot cover both values
    default_type = _from_default(default)
    none_default = isinstance(default, ast.Constant) and default.value is None
    used = _used_type(fn, arg.arg, found)
    if default is not None and default_type is not None:
        written = ast.get_source_segment(source, default) if source else None
        shown = f"its default is `{written or ast.unparse(default)}`"
        if used is None or used[0] == default_type:
            return Hint(arg.arg, default_type, shown)
        if used[0] == "float" and default_type == "int":
            return Hint(arg.arg, "float", f"it takes part in arithmetic, and {shown}")
        return None  # the default and the uses disagree: not ours to settle
    if used is None:
        return None
    text, reason = used
    if none_default or found.none_checked:
        why = "its default is `None`" if none_default else "it is compared with `None`"
        return Hint(arg.arg, f"{text} | None", f"{reason}, and {why}")
    return Hint(arg.arg, text, reason)


def _used_type(fn: _FunctionNode, name: str, found: _Evidence) -> tuple[str, str] | None:
    """(type, reason) from the uses of `name` alone."""
    if found.other:
        return None
    collection = found.iterated or found.indexed or found.sized or found.list_methods
    if found.passed and (collection or found.mapping_reads or found.mapping_writes):
        return None  # `Iterable` may be too little for the function it is handed to
    mapping = found.mapping_reads or found.mapping_writes
    scalar = found.str_methods or found.numbers or found.integer
    if found.str_methods and not (found.numbers or found.integer or mapping or found.list_methods):
        shown = ", ".join(f"`.{m}()`" for m in dict.fromkeys(found.str_methods))
        return "str", f"{shown} {'is' if len(set(found.str_methods)) == 1 else 'are'} called on it"
    if found.item_stored and not (mapping or found.list_methods):
        return None  # `p[k] = v` alone: a list or a dict, the code does not say which
    if mapping and not (scalar or found.list_methods or found.iterated):
        if found.mapping_writes or found.item_stored:
            return "dict[Any, Any]", "it is used as a dict and changed"
        return "Mapping[Any, Any]", "only dict methods that read are called on it"
    if found.list_methods and not (scalar or mapping):
        return f"list[{_element(fn, name)}]", "list methods are called on it"
    if collection and not (scalar or mapping):
        item = _element(fn, name)
        if found.indexed:
            return f"Sequence[{item}]", "it is indexed" + (
                " and looped over" if found.iterated else ""
            )
        if found.iterated and (found.sized or found.truth_tested):
            measured = "measured with `len()`" if found.sized else "tested for emptiness"
            return f"Collection[{item}]", f"it is looped over and {measured}"
        if found.iterated:
            return f"Iterable[{item}]", "it is only looped over"
        return "Sized", "only `len()` is taken of it"
    if found.text_compared and not (found.numbers or found.integer or mapping or collection):
        return "str", "it is compared with strings"
    if found.integer and not (found.str_methods or mapping or collection):
        return "int", "it is used as a count or an index (`range()`, `xs[i]`)"
    if found.numbers and not (found.str_methods or mapping or collection):
        return "float", "it takes part in arithmetic with numbers (an `int` is accepted too)"
    return None


# --------------------------------------------------------------------------- the return


class _Types:
    """The types of a function's expressions, from its parameters' hints and its own code."""

    def __init__(self, fn: _FunctionNode, params: dict[str, str]) -> None:
        self.fn = fn
        self.params = params
        self._assigned = self._assignments()
        self._counters = _int_locals(fn)

    def _assignments(self) -> dict[str, list[ast.AST]]:
        found: dict[str, list[ast.AST]] = {}
        for node in _own_nodes(self.fn.body):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Tuple)
                and isinstance(node.value, ast.Tuple)
                and len(node.targets[0].elts) == len(node.value.elts)
            ):
                for part, item in zip(node.targets[0].elts, node.value.elts, strict=True):
                    bound_to: ast.AST = item if isinstance(part, ast.Name) else node
                    for inner in ast.walk(part):
                        if isinstance(inner, ast.Name):
                            found.setdefault(inner.id, []).append(bound_to)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(node.value)
                    else:
                        for inner in ast.walk(target):
                            if isinstance(inner, ast.Name):
                                found.setdefault(inner.id, []).append(node)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                found.setdefault(node.target.id, []).append(node)
            elif isinstance(node, ast.For | ast.comprehension | ast.withitem | ast.NamedExpr):
                bound: ast.expr | None = (
                    node.optional_vars if isinstance(node, ast.withitem) else node.target
                )
                for inner in ast.walk(bound) if bound is not None else []:
                    if isinstance(inner, ast.Name):
                        found.setdefault(inner.id, []).append(node)
        return found

    def name(self, name: str, depth: int) -> str | None:
        if name in self.params and name not in self._assigned:
            return self.params[name]
        if name in self._counters:
            return "int"  # `lo`, `hi` and `mid` of a binary search vouch for each other
        if name not in self._assigned or depth > 4:
            return None
        types: list[str | None] = []
        for value in self._assigned[name]:
            if isinstance(value, ast.AugAssign):
                types.append(self.expr(value.value, depth + 1))
            elif isinstance(value, ast.For) and isinstance(value.target, ast.Name):
                types.append(_item_of(self.expr(value.iter, depth + 1)))
            elif isinstance(value, ast.expr):
                types.append(self.expr(value, depth + 1))
            else:
                types.append(None)
        return _join_types(types)

    def expr(self, node: ast.expr, depth: int = 0) -> str | None:
        if depth > 6:
            return None
        if isinstance(node, ast.Constant):
            if node.value is None:
                return "None"
            kind = type(node.value).__name__
            return kind if kind in ("int", "float", "str", "bool", "bytes") else None
        if isinstance(node, ast.JoinedStr):
            return "str"
        if isinstance(node, ast.Compare) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        ):
            return "bool"
        if isinstance(node, ast.UnaryOp):
            return self.expr(node.operand, depth + 1)
        if isinstance(node, ast.BoolOp):
            return _join_types([self.expr(v, depth + 1) for v in node.values])
        if isinstance(node, ast.IfExp):
            return _union([self.expr(node.body, depth + 1), self.expr(node.orelse, depth + 1)])
        if isinstance(node, ast.BinOp):
            return self.binop(node, depth)
        if isinstance(node, ast.Name):
            return self.name(node.id, depth)
        if isinstance(node, ast.ListComp):
            return f"list[{self.expr(node.elt, depth + 1) or _ANY}]"
        if isinstance(node, ast.SetComp):
            return f"set[{self.expr(node.elt, depth + 1) or _ANY}]"
        if isinstance(node, ast.DictComp):
            key = self.expr(node.key, depth + 1) or _ANY
            return f"dict[{key}, {self.expr(node.value, depth + 1) or _ANY}]"
        if isinstance(node, ast.List | ast.Set):
            kind = "list" if isinstance(node, ast.List) else "set"
            if not node.elts:
                return None  # what goes in later decides
            return f"{kind}[{_join_types([self.expr(e, depth + 1) for e in node.elts]) or _ANY}]"
        if isinstance(node, ast.Tuple):
            parts = [self.expr(e, depth + 1) for e in node.elts]
            if not parts or None in parts:
                return None
            return f"tuple[{', '.join(p for p in parts if p)}]"
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        return None

    def binop(self, node: ast.BinOp, depth: int) -> str | None:
        left, right = self.expr(node.left, depth + 1), self.expr(node.right, depth + 1)
        if isinstance(node.op, ast.Div) and left in _NUMBER_KINDS and right in _NUMBER_KINDS:
            return "float"
        if left in _NUMBER_KINDS and right in _NUMBER_KINDS:
            return "float" if "float" in (left, right) else "int"
        if isinstance(node.op, ast.Add) and left == right == "str":
            return "str"
        if isinstance(node.op, ast.Mod) and left == "str":
            return "str"
        if isinstance(node.op, ast.Mult) and {left, right} == {"str", "int"}:
            return "str"
        return None

    def call(self, node: ast.Call, depth: int) -> str | None:
        name = _call_name(node) or ""
        simple = {
            "len": "int", "int": "int", "float": "float", "str": "str", "repr": "str",
            "bool": "bool", "isinstance": "bool", "any": "bool", "all": "bool",
            "callable": "bool", "hasattr": "bool", "ord": "int", "chr": "str",
        }  # fmt: skip
        if name in simple:
            return simple[name]
        if name == "round":
            return "int" if len(node.args) == 1 else "float"
        if name in ("abs",) and node.args:
            return self.expr(node.args[0], depth + 1)
        if name == "range":
            return "Iterable[int]"
        if name in ("sorted", "list") and len(node.args) == 1:
            return f"list[{_item_of(self.expr(node.args[0], depth + 1)) or _ANY}]"
        if name in ("max", "min") and len(node.args) == 1 and not node.keywords:
            return _item_of(self.expr(node.args[0], depth + 1))
        if name == "sum" and len(node.args) == 1:
            inner = node.args[0]
            if isinstance(inner, ast.GeneratorExp):
                item = self.expr(inner.elt, depth + 1)
                return item if item in _NUMBER_KINDS else None
            item = _item_of(self.expr(inner, depth + 1))
            return item if item in _NUMBER_KINDS else None
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value, depth + 1)
            if func.attr == "join" and receiver == "str":
                return "str"
            if receiver == "str":
                if func.attr in _STR_RESULTS:
                    return "str"
                if func.attr in _BOOL_RESULTS:
                    return "bool"
                if func.attr in _INT_RESULTS:
                    return "int"
                if func.attr in ("split", "splitlines", "rsplit"):
                    return "list[str]"
        return None


def _item_of(collection: str | None) -> str | None:
    """`str` for `list[str]` or `Iterable[str]`; `str` for `str` (its characters)."""
    if collection == "str":
        return "str"
    if collection and collection.endswith("]") and "[" in collection:
        inner = collection[collection.index("[") + 1 : -1]
        return None if inner == _ANY or "," in inner else inner
    return None


def hint_return(fn: _FunctionNode, params: dict[str, str]) -> Hint | None:
    """The return hint the code vouches for, with its reason; None when it does not say."""
    if fn.returns is not None or fn.name == "__init__":
        return None
    if _is_generator(fn) or isinstance(fn, ast.AsyncFunctionDef):
        return None  # what a generator or coroutine yields needs more than a read
    returns = _own_returns(fn)
    values = [r.value for r in returns if r.value is not None]
    if not values:
        if _terminates(fn.body) and not returns:
            return None  # it always raises
        return Hint("return", "None", "it has no `return` with a value")
    types = _Types(fn, params)
    found = [types.expr(v) for v in values]
    if len(values) != len(returns) or not _terminates(fn.body):
        found.append("None")
    text = _union(found)
    if text is None:
        return None
    if text.endswith("| None"):
        reason = "some paths return a value and others `None`"
    elif len(values) == 1:
        reason = f"`{_short_code(values[0])}` gives {_a(text)}"
    else:
        reason = f"every `return` gives {_a(text)}"
    return Hint("return", text, reason)


def _short_code(node: ast.expr) -> str:
    text = ast.unparse(node)
    if len(text) > 40 and isinstance(node, ast.Call):
        return f"{ast.unparse(node.func)}(...)"
    return text if len(text) <= 40 else text[:39] + "…"


def _a(type_text: str) -> str:
    if type_text in ("None",):
        return "`None`"
    if type_text.startswith(("list", "dict", "set", "tuple")):
        return f"a `{type_text}`"
    return f"{'an' if type_text[:1] in 'aeiou' else 'a'} `{type_text}`"

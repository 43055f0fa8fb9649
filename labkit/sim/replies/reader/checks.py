"""The checks `review` runs: one function per kind of bug or smell, each yielding `Finding`s.

A check receives a `_Context` (the tree, its source, parent links and the names it binds,
computed once per review) and yields findings whose message starts with "Line N:", says what
goes wrong and what to write instead. Each check stays quiet on look-alike idioms that are fine.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from labkit.ast_symbols import COMPARISON_SYMBOLS
from labkit.sim.replies.reader.source import (
    _EXITS,
    _blocks,
    _bound_names,
    _call_name,
    _dotted,
    _element_name,
    _FunctionNode,
    _functions,
    _import_aliases,
    _index_uses,
    _is_docstring,
    _is_generator,
    _is_name,
    _own_nodes,
    _own_returns,
    _parents,
    _range_len_parts,
    _returns_value,
    _terminates,
    _walk_all,
)


@dataclass(frozen=True)
class Finding:
    """One problem `review` found: the line, a short kind id, and a sentence or two to say."""

    line: int
    kind: str
    message: str


_SHADOW_SUGGESTIONS: dict[str, str] = {
    "list": "items",
    "dict": "mapping",
    "str": "text",
    "id": "item_id",
    "type": "kind",
    "input": "user_input",
    "sum": "total",
    "max": "largest",
    "min": "smallest",
    "filter": "keep",
    "map": "mapping",
    "len": "length",
    "set": "seen",
    "tuple": "pair",
    "int": "number",
    "float": "value",
    "bool": "flag",
    "object": "obj",
    "open": "open_file",
    "range": "span",
    "sorted": "ordered",
    "print": "show",
    "all": "every",
    "any": "some",
    "zip": "pairs",
    "iter": "iterator",
    "next": "following",
    "format": "fmt",
    "hash": "digest",
    "vars": "variables",
    "dir": "directory",
    "bytes": "data",
}
_MUTATORS = frozenset(
    ["append", "extend", "insert", "remove", "pop", "clear", "add", "discard", "popitem"]
)
_MUTABLE_CALLS = frozenset(
    ["list", "dict", "set", "bytearray", "defaultdict", "collections.defaultdict", "deque"]
)
_DYNAMIC_CALLS = frozenset(["locals", "vars", "eval", "exec"])
_TRANSPARENT_DECORATORS = frozenset(
    ["staticmethod", "classmethod", "functools.cache", "functools.lru_cache", "cache", "lru_cache"]
)


class _Context:
    """What several checks need, computed once per review."""

    def __init__(self, tree: ast.Module, source: str) -> None:
        self.tree = tree
        self.source = source
        self.threaded = False  # the question says the code runs in several threads
        self.lines = source.split("\n")
        self.parents = _parents(tree)
        self.nodes = list(ast.walk(tree))
        self.functions = _functions(tree)
        self.bound = _bound_names(tree)
        self.aliases = _import_aliases(tree)
        self.imported = _imported_modules(tree)

    def resolve(self, node: ast.AST) -> str | None:
        """The dotted name `node` calls or names, imports undone: `sp.run` is `subprocess.run`."""
        name = _call_name(node) if isinstance(node, ast.Call) else _dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        origin = self.aliases.get(head)
        if origin is None:
            return name
        return f"{origin}.{rest}" if rest else origin

    def in_test_code(self, node: ast.AST) -> bool:
        """True inside a test: test modules may hard-code values and assert on inputs freely."""
        if self.imported & {"pytest", "unittest"}:
            return True
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and (
                current.name.startswith(("test", "Test"))
            ):
                return True
            current = self.parents.get(current)
        return False

    def text(self, node: ast.AST) -> str:
        """The code of `node` as the user wrote it (as unparsed when it spans lines).

        Like `_segment`, without its cost: `ast.get_source_segment` splits the whole source on
        every call, which made a review of a long file quadratic.
        """
        line: int | None = getattr(node, "lineno", None)
        end: int | None = getattr(node, "end_lineno", None)
        if line is not None and line == end and 0 < line <= len(self.lines):
            start: int = getattr(node, "col_offset", 0)
            stop: int | None = getattr(node, "end_col_offset", None)
            segment: str = (
                self.lines[line - 1].encode("utf-8")[start:stop].decode("utf-8", "replace")
            )
            if segment and "#" not in segment and "\n" not in segment:
                return segment
        return ast.unparse(node).replace("\n", " ")

    def pair(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> str:
        return f"{self.text(left)} {COMPARISON_SYMBOLS[type(op)]} {self.text(right)}"

    def scope_of(self, node: ast.AST) -> ast.AST:
        current = self.parents.get(node)
        while current is not None and not isinstance(
            current, ast.FunctionDef | ast.AsyncFunctionDef
        ):
            current = self.parents.get(current)
        return current if current is not None else self.tree

    def statement_of(self, node: ast.AST) -> ast.stmt | None:
        current: ast.AST | None = node
        while current is not None and not isinstance(current, ast.stmt):
            current = self.parents.get(current)
        return current if isinstance(current, ast.stmt) else None

    def next_statement(self, stmt: ast.stmt) -> ast.stmt | None:
        parent = self.parents.get(stmt)
        for name in ("body", "orelse", "finalbody"):
            block = getattr(parent, name, None)
            if isinstance(block, list) and stmt in block:
                index = block.index(stmt)
                return block[index + 1] if index + 1 < len(block) else None
        return None


def _imported_modules(tree: ast.Module) -> set[str]:
    """The top-level packages the code imports (`os.path` counts as `os`)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def _check_mutable_defaults(ctx: _Context) -> Iterator[Finding]:
    for fn in ctx.functions:
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(
            zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
        )
        pairs += [
            (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
        ]
        for arg, default in pairs:
            mutable = isinstance(
                default, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp
            )
            mutable = mutable or _call_name(default) in _MUTABLE_CALLS
            if mutable:
                fresh = ctx.text(default)
                yield Finding(
                    default.lineno,
                    "mutable-default",
                    f"Line {default.lineno}: the default `{arg.arg}={fresh}` of `{fn.name}` is created once, "
                    f"when the function is defined, and shared by every call, so changes to it leak into later calls; "
                    f"default to `None` and write `if {arg.arg} is None: {arg.arg} = {fresh}` inside.",
                )


def _catches_everything(node: ast.expr) -> bool:
    names = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(_dotted(n) in ("Exception", "BaseException") for n in names)


def _is_silent(body: list[ast.stmt]) -> bool:
    return all(
        isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        for s in body
    )


def _check_excepts(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes:
        if not isinstance(node, ast.ExceptHandler):
            continue
        silent = _is_silent(node.body)
        if node.type is None:
            hides = ", and the `pass` hides every error" if silent else ""
            yield Finding(
                node.lineno,
                "bare-except",
                f"Line {node.lineno}: a bare `except:` catches everything, including `KeyboardInterrupt` and "
                f"`SystemExit`{hides}; catch the exception you expect (for example `except ValueError:`).",
            )
        elif silent and _catches_everything(node.type):
            yield Finding(
                node.lineno,
                "swallowed-exception",
                f"Line {node.lineno}: `except {ctx.text(node.type)}: pass` silently swallows every error, so bugs "
                "vanish without a trace; catch the specific exception you expect, or at least log it with "
                "`logging.exception(...)`.",
            )


def _pairs(node: ast.Compare) -> Iterator[tuple[ast.expr, ast.cmpop, ast.expr]]:
    operands = [node.left, *node.comparators]
    for index, op in enumerate(node.ops):
        yield operands[index], op, operands[index + 1]


def _is_value_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return not isinstance(node.value, bool) and isinstance(
            node.value, str | bytes | int | float | complex
        )
    return isinstance(node, ast.List | ast.Dict | ast.Set | ast.Tuple) and not (
        isinstance(node, ast.Tuple) and not node.elts
    )


def _is_float_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, float)


def _check_comparisons(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes:
        if not isinstance(node, ast.Compare):
            continue
        for left, op, right in _pairs(node):
            text = ctx.pair(left, op, right)
            if isinstance(op, ast.Eq | ast.NotEq):
                none_side = [
                    s for s in (left, right) if isinstance(s, ast.Constant) and s.value is None
                ]
                if none_side:
                    other = right if none_side[0] is left else left
                    better = "is" if isinstance(op, ast.Eq) else "is not"
                    yield Finding(
                        node.lineno,
                        "none-comparison",
                        f"Line {node.lineno}: `{text}` compares with `None` using `{'==' if better == 'is' else '!='}`, "
                        "which objects that override `__eq__` (NumPy arrays, pandas columns) can answer wrongly; "
                        f"write `{ctx.text(other)} {better} None`.",
                    )
                elif _is_float_literal(left) or _is_float_literal(right):
                    yield Finding(
                        node.lineno,
                        "float-equality",
                        f"Line {node.lineno}: `{text}` compares floats exactly, but rounding makes results such as "
                        f"`0.1 + 0.2` differ from `0.3`; use `math.isclose({ctx.text(left)}, {ctx.text(right)})` "
                        "(with `abs_tol=` when comparing with zero).",
                    )
            elif isinstance(op, ast.Is | ast.IsNot) and (
                _is_value_literal(left) or _is_value_literal(right)
            ):
                better = "==" if isinstance(op, ast.Is) else "!="
                yield Finding(
                    node.lineno,
                    "literal-identity",
                    f"Line {node.lineno}: `{text}` tests identity, not equality, so equal strings or numbers can "
                    f"compare as different; use `{better}` (keep `is` for `None`, `True` and `False`).",
                )


def _check_range_len(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes:
        if not isinstance(node, ast.For):
            continue
        parts = _range_len_parts(node)
        if parts is None:
            continue
        index, seq = parts
        subscripts, others = _index_uses(node.body, index, seq, ctx.parents)
        if not subscripts or others:
            continue
        stored = any(not isinstance(s.ctx, ast.Load) for s in subscripts)
        element = _element_name(seq)
        better = (
            f"`for {index}, {element} in enumerate({seq}):` (or build a new list)"
            if stored
            else f"`for {element} in {seq}:` and use `{element}`"
        )
        yield Finding(
            node.lineno,
            "range-len",
            f"Line {node.lineno}: `for {index} in range(len({seq}))` uses `{index}` only to index `{seq}`; "
            f"iterate over the items directly: {better}.",
        )


def _check_shadowing(ctx: _Context) -> Iterator[Finding]:
    reported: set[str] = set()
    for node in ctx.nodes:
        name = None
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            statement = ctx.statement_of(node)
            if statement is not None and isinstance(ctx.parents.get(statement), ast.ClassDef):
                continue  # a class attribute does not hide the builtin anywhere else
            name = node.id
        elif isinstance(node, ast.arg):
            name = node.arg
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if isinstance(ctx.parents.get(node), ast.ClassDef):
                continue  # methods named `filter` or `type` are attributes, not globals
            name = node.name
        if name in _SHADOW_SUGGESTIONS and name not in reported:
            reported.add(name)
            line = getattr(node, "lineno", 1)
            yield Finding(
                line,
                "shadowed-builtin",
                f"Line {line}: `{name}` shadows the built-in `{name}()`, so a later `{name}(...)` in this scope "
                f"calls your value instead; rename it (for example `{_SHADOW_SUGGESTIONS[name]}`).",
            )


def _closed_in_finally(name: str, scope: ast.AST) -> bool:
    for node in ast.walk(scope):
        if isinstance(node, ast.Try | ast.TryStar):
            for inner in _walk_all(node.finalbody):
                if _call_name(inner) == f"{name}.close":
                    return True
    return False


def _check_open(ctx: _Context) -> Iterator[Finding]:
    if "open" in ctx.bound:
        return  # a local `open` (or `from gzip import open`) is not the builtin
    for node in ctx.nodes:
        if not (isinstance(node, ast.Call) and _is_name(node.func, "open")):
            continue
        parent = ctx.parents.get(node)
        if isinstance(parent, ast.withitem | ast.Return):
            continue  # managed, or handed to the caller to manage
        if isinstance(parent, ast.Call) and (_call_name(parent) or "").endswith(
            ("enter_context", "closing")
        ):
            continue
        if (
            isinstance(parent, ast.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0], ast.Name)
            and _closed_in_finally(parent.targets[0].id, ctx.scope_of(node))
        ):
            continue  # the old try/finally way: closed on every path
        yield Finding(
            node.lineno,
            "open-without-with",
            f"Line {node.lineno}: `{ctx.text(node)}` opens a file outside a `with` block, so it stays open if "
            f"an error happens before it is closed (or it is never closed); write `with {ctx.text(node)} as f:`.",
        )


def _check_unreachable(ctx: _Context) -> Iterator[Finding]:
    words = {ast.Return: "return", ast.Raise: "raise", ast.Continue: "continue", ast.Break: "break"}
    for block in _blocks(ctx.tree):
        for index, stmt in enumerate(block[:-1]):
            if isinstance(stmt, _EXITS):
                word = words[type(stmt)]
                line = block[index + 1].lineno
                yield Finding(
                    line,
                    "unreachable-code",
                    f"Line {line}: this code can never run, because the `{word}` on line {stmt.lineno} always "
                    f"leaves the block first; delete it or move it before the `{word}`.",
                )
                break


def _check_implicit_none(ctx: _Context) -> Iterator[Finding]:
    for fn in ctx.functions:
        if fn.name == "__init__" or _is_generator(fn):
            continue
        valued = [r for r in _own_returns(fn) if _returns_value(r)]
        if valued and not _terminates(fn.body):
            yield Finding(
                fn.lineno,
                "implicit-none",
                f"Line {fn.lineno}: `{fn.name}` returns a value on some paths (line {valued[0].lineno}) but can "
                "also reach the end of its body, where it returns `None` without saying so; add an explicit "
                "`return` (or `raise`) for the remaining case.",
            )


def _iterated_name(it: ast.expr) -> str | None:
    if isinstance(it, ast.Name):
        return it.id
    if (
        isinstance(it, ast.Call)
        and isinstance(it.func, ast.Attribute)
        and it.func.attr in ("keys", "values", "items")
        and isinstance(it.func.value, ast.Name)
        and not it.args
    ):
        return it.func.value.id
    return None


def _check_mutation_in_loop(ctx: _Context) -> Iterator[Finding]:
    for loop in ctx.nodes:
        if not isinstance(loop, ast.For | ast.AsyncFor):
            continue
        seq = _iterated_name(loop.iter)
        if seq is None:
            continue
        for node in _own_nodes(loop.body):
            calls = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _MUTATORS
                and _is_name(node.func.value, seq)
            )
            deletes = isinstance(node, ast.Delete) and any(
                isinstance(t, ast.Subscript) and _is_name(t.value, seq) for t in node.targets
            )
            if not (calls or deletes):
                continue
            mutation = node
            statement = ctx.statement_of(mutation)
            follower = ctx.next_statement(statement) if statement is not None else None
            if isinstance(statement, ast.Return) or isinstance(follower, ast.Break | ast.Return):
                continue  # the loop ends right after the change, so the iteration never sees it
            line = getattr(mutation, "lineno", loop.lineno)
            yield Finding(
                line,
                "mutating-while-iterating",
                f"Line {line}: `{ctx.text(mutation).strip()}` changes `{seq}` while the `for` loop on line "
                f"{loop.lineno} iterates over it, which makes the loop skip, repeat or add items (and raises "
                f"`RuntimeError` for a dict or set); loop over a copy (`list({seq})`) or build a new collection.",
            )
            break


def _check_assert_tuple(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes:
        if isinstance(node, ast.Assert) and isinstance(node.test, ast.Tuple) and node.test.elts:
            elts = node.test.elts
            better = ", ".join(ctx.text(e) for e in elts[:2])
            yield Finding(
                node.lineno,
                "assert-tuple",
                f"Line {node.lineno}: `assert {ctx.text(node.test)}` asserts a non-empty tuple, which is always "
                f"true, so it can never fail; drop the parentheses: `assert {better}`.",
            )


def _check_fstrings(ctx: _Context) -> Iterator[Finding]:
    specs = {
        id(n.format_spec)
        for n in ctx.nodes
        if isinstance(n, ast.FormattedValue) and n.format_spec is not None
    }
    for node in ctx.nodes:
        if (
            isinstance(node, ast.JoinedStr)
            and id(node) not in specs
            and not any(isinstance(v, ast.FormattedValue) for v in node.values)
        ):
            yield Finding(
                node.lineno,
                "fstring-no-placeholders",
                f"Line {node.lineno}: `{ctx.text(node)}` is an f-string without any `{{...}}` placeholder, so "
                "the `f` does nothing (or a placeholder is missing); drop the `f` or add the placeholder you meant.",
            )


def _check_print_in_except(ctx: _Context) -> Iterator[Finding]:
    for handler in ctx.nodes:
        if not isinstance(handler, ast.ExceptHandler):
            continue
        if handler.type is not None and _dotted(handler.type) == "KeyboardInterrupt":
            continue  # saying goodbye on Ctrl-C is not error reporting
        if any(isinstance(n, ast.Raise) for n in _own_nodes(handler.body)):
            continue  # the error propagates with its traceback; the print only adds context
        for node in _own_nodes(handler.body):
            if (
                isinstance(node, ast.Call)
                and _is_name(node.func, "print")
                and not any(k.arg == "file" for k in node.keywords)
            ):
                yield Finding(
                    node.lineno,
                    "print-in-except",
                    f"Line {node.lineno}: this `except` block reports the error with `print`, which goes to "
                    "standard output and loses the traceback; use `logging.exception(...)` or re-raise "
                    "(at the least, `print(..., file=sys.stderr)`).",
                )
                break


def _mentions(node: ast.AST, target: ast.expr) -> bool:
    wanted = ast.dump(target)
    return any(ast.dump(n) == wanted for n in ast.walk(node) if isinstance(n, type(target)))


def _division_guarded(ctx: _Context, division: ast.BinOp, seq: ast.expr) -> bool:
    scope = ctx.scope_of(division)
    for node in ast.walk(scope):
        if isinstance(node, ast.If | ast.While | ast.IfExp | ast.Assert) and _mentions(
            node.test, seq
        ):
            return True
        if isinstance(node, ast.BoolOp) and any(_mentions(v, seq) for v in node.values[:-1]):
            return True
        if (
            isinstance(node, ast.Try)
            and any(
                h.type is None
                or _dotted(h.type) in ("ZeroDivisionError", "ArithmeticError", "Exception")
                for h in node.handlers
            )
            and division in set(_walk_all(node.body))
        ):
            return True
    return False


def _check_division_by_len(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes:
        if not (
            isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod)
        ):
            continue
        right = node.right
        if not (
            isinstance(right, ast.Call) and _is_name(right.func, "len") and len(right.args) == 1
        ):
            continue
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant | ast.JoinedStr):
            continue  # "%s" % len(x) formats a string, it does not divide
        seq = right.args[0]
        if not isinstance(seq, ast.Name | ast.Attribute) or _division_guarded(ctx, node, seq):
            continue
        if isinstance(seq, ast.Name) and seq.id.isupper():
            continue  # a module constant (`i % len(COLOURS)`) is written non-empty
        name = ctx.text(seq)
        yield Finding(
            node.lineno,
            "division-by-len",
            f"Line {node.lineno}: `{ctx.text(node)}` divides by `len({name})`, which raises "
            f"`ZeroDivisionError` when `{name}` is empty; check first (`if not {name}: ...`) and decide "
            "what an empty input should give.",
        )


def _is_stub(fn: _FunctionNode) -> bool:
    body = [s for s in fn.body if not _is_docstring(s)]
    if not body:
        return True
    if len(body) != 1:
        return False
    only = body[0]
    if isinstance(only, ast.Pass) or (
        isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant)
    ):
        return True
    if isinstance(only, ast.Raise) and only.exc is not None:
        exc = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
        return _dotted(exc) == "NotImplementedError"
    return False


def _uses_dynamic_scope(fn: _FunctionNode) -> bool:
    return any(_call_name(n) in _DYNAMIC_CALLS for n in ast.walk(fn))


def _loaded_names(fn: _FunctionNode) -> set[str]:
    return {
        n.id
        for n in _walk_all(fn.body)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load | ast.Del)
    }


def _check_unused_parameters(ctx: _Context) -> Iterator[Finding]:
    for fn in ctx.functions:
        parent = ctx.parents.get(fn)
        in_class = isinstance(parent, ast.ClassDef)
        if (
            _is_stub(fn)
            or _uses_dynamic_scope(fn)
            or (fn.name.startswith("__") and fn.name.endswith("__"))
        ):
            continue
        if any(_dotted(d) not in _TRANSPARENT_DECORATORS for d in fn.decorator_list):
            continue  # decorators (routes, fixtures, hooks) often fix the signature
        if in_class and isinstance(parent, ast.ClassDef) and parent.bases:
            continue  # an override must keep its base class's signature
        used = _loaded_names(fn)
        for arg in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]:
            name = arg.arg
            if name in ("self", "cls") or name.startswith("_") or name in used:
                continue
            yield Finding(
                arg.lineno,
                "unused-parameter",
                f"Line {arg.lineno}: parameter `{name}` of `{fn.name}` is never used; remove it, or use it if it "
                "was meant to matter (prefix it with `_` if an interface requires it).",
            )


def _assigned_locals(fn: _FunctionNode) -> dict[str, int]:
    """Names the function itself assigns (not unpacking, loops or nested scopes), with a line."""
    assigned: dict[str, int] = {}
    for node in _own_nodes(fn.body):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.NamedExpr) or (
            isinstance(node, ast.AnnAssign) and node.value is not None
        ):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                assigned.setdefault(target.id, target.lineno)
    return assigned


def _check_unused_variables(ctx: _Context) -> Iterator[Finding]:
    for fn in ctx.functions:
        if _uses_dynamic_scope(fn):
            continue
        # Names declared global here, or nonlocal in a nested function, live beyond this body.
        declared = {
            name
            for n in _walk_all(fn.body)
            if isinstance(n, ast.Global | ast.Nonlocal)
            for name in n.names
        }
        params = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}
        used = _loaded_names(fn)
        for name, line in _assigned_locals(fn).items():
            if name in used or name in declared or name in params or name.startswith("_"):
                continue
            yield Finding(
                line,
                "unused-variable",
                f"Line {line}: `{name}` is assigned in `{fn.name}` but never read; drop the assignment or use "
                "the value (was it meant to be returned?).",
            )


_CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    _check_mutable_defaults,
    _check_excepts,
    _check_comparisons,
    _check_range_len,
    _check_shadowing,
    _check_open,
    _check_unreachable,
    _check_implicit_none,
    _check_mutation_in_loop,
    _check_assert_tuple,
    _check_fstrings,
    _check_print_in_except,
    _check_division_by_len,
    _check_unused_parameters,
    _check_unused_variables,
)

"""`refactor`: a behaviour-preserving rewrite of pasted code, with one sentence per change.

A `_Rewriter` applies the rewrites to the tree in place, pass after pass until nothing changes
(one rewrite can expose another); each is skipped when the conditions for identical behaviour
do not hold. The result is printed with `ast.unparse` and must parse again.
"""

from __future__ import annotations

import ast
import io
import keyword
import textwrap
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from labkit.sim.replies.reader.dispatch import tabulate
from labkit.sim.replies.reader.source import (
    _EXITS,
    _SCOPES,
    _bound_names,
    _call_name,
    _element_name,
    _index_uses,
    _is_name,
    _join,
    _normalise,
    _parents,
    _parse,
    _range_len_parts,
    _safely,
    _short,
    _unique,
    _walk_all,
)

_MAX_PASSES = 8  # refactoring passes: each rewrite can expose another (else chains)


@dataclass(frozen=True)
class Refactoring:
    """The rewritten source, one sentence per change made, and the kinds of change
    ("dispatch" when an `if`/`elif` chain became a table)."""

    source: str
    changes: list[str] = field(default_factory=list)
    kinds: frozenset[str] = frozenset()


def refactor(source: str) -> Refactoring | None:
    """A behaviour-preserving rewrite of the code, or None when no rewrite applies.

    A dispatch table instead of a long `if`/`elif` chain comparing one name with constants
    (dispatch.py), guard clauses instead of else-after-return, `return <condition>` instead of
    returning True/False, direct iteration (or enumerate) instead of `range(len(xs))`, `sum(...)`
    and list comprehensions instead of accumulator loops, `x in (a, b)` instead of
    `x == a or x == b`. Each rewrite is skipped when its conditions for identical behaviour do
    not hold (the one difference a table makes, for unhashable values, is said).
    """
    return _safely(lambda: _refactor(source), None)


def _refactor(source: str) -> Refactoring | None:
    tree = _parse(source)
    if tree is None:
        return None
    tables = tabulate(tree, textwrap.dedent(_normalise(source)))
    rewriter = _Rewriter(tree)
    for _ in range(_MAX_PASSES):
        before = len(rewriter.changes)
        rewriter.run()
        if len(rewriter.changes) == before:
            break
    if not rewriter.changes and not tables:
        return None
    ast.fix_missing_locations(tree)
    text = _spread_tables(_tidy(ast.unparse(tree)), {t.name: t.entries for t in tables}) + "\n"
    if _parse(text) is None:
        return None  # never hand back code that does not parse
    changes = [sentence for table in tables for sentence in table.sentences]
    changes += rewriter.sentences()
    if _has_comments(source):
        changes.append(
            "The rewrite is printed from the syntax tree (`ast.unparse`), so the original comments and "
            "formatting are not kept: copy back the comments you want."
        )
    return Refactoring(text, changes, frozenset({"dispatch"}) if tables else frozenset())


def _spread_tables(text: str, tables: dict[str, tuple[tuple[str, str], ...]]) -> str:
    """Each table one entry a line, keys and values as the user wrote them (ast.unparse puts a
    dict on one line, `7.50` as `7.5`); checked to be the same tree."""
    if not tables:
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        name = line.split(" = {", 1)[0]
        if name in tables and line.endswith("}"):
            entries = [f"    {key}: {value}," for key, value in tables[name]]
            before = [""] if index > 0 and lines[index - 1].strip() else []
            lines[index] = "\n".join([*before, f"{name} = {{", *entries, "}"])
    spread = "\n".join(lines)
    tree = _parse(spread)
    return spread if tree is not None and ast.dump(tree) == ast.dump(ast.parse(text)) else text


def _tidy(text: str) -> str:
    """`sum((x for x in xs))` as people write it, `sum(x for x in xs)`.

    ast.unparse always wraps a generator expression in its own parentheses, even as a call's
    only argument. Dropping them changes nothing, and the result is checked to be the same tree
    (a string literal that happens to contain the same text must not change).
    """
    tree = ast.parse(text)
    tidied = text
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.GeneratorExp)
        ):
            before = ast.unparse(node)
            after = f"{ast.unparse(node.func)}({ast.unparse(node.args[0])[1:-1]})"
            tidied = tidied.replace(before, after)
    if tidied == text or ast.dump(ast.parse(tidied)) != ast.dump(tree):
        return text
    return tidied


def _has_comments(source: str) -> bool:
    try:
        tokens = tokenize.generate_tokens(io.StringIO(_normalise(source)).readline)
        return any(t.type == tokenize.COMMENT for t in tokens)
    except (tokenize.TokenError, SyntaxError):
        return "#" in source


def _negate(test: ast.expr) -> ast.expr:
    """`not test`, written the plain way where that is exactly equivalent."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    flips: dict[type[ast.cmpop], Callable[[], ast.cmpop]] = {
        ast.Eq: ast.NotEq,
        ast.NotEq: ast.Eq,
        ast.Is: ast.IsNot,
        ast.IsNot: ast.Is,
        ast.In: ast.NotIn,
        ast.NotIn: ast.In,
    }
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in flips:
        return ast.Compare(
            left=test.left, ops=[flips[type(test.ops[0])]()], comparators=test.comparators
        )
    return ast.UnaryOp(op=ast.Not(), operand=test)


_BOOL_CALLS = frozenset(["isinstance", "issubclass", "callable", "hasattr", "bool", "any", "all"])


def _is_boolish(expr: ast.expr) -> bool:
    """True when `expr` always gives a bool for built-in types, so `bool(...)` is not needed."""
    if isinstance(expr, ast.Compare):
        return True
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        return True
    if isinstance(expr, ast.BoolOp):
        return all(_is_boolish(v) for v in expr.values)
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, bool)
    return isinstance(expr, ast.Call) and _call_name(expr) in _BOOL_CALLS


def _bool_constant(stmts: list[ast.stmt]) -> bool | None:
    """True/False when `stmts` is exactly `return True` / `return False`."""
    if len(stmts) == 1 and isinstance(stmts[0], ast.Return):
        value = stmts[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            return value.value
    return None


def _ends_block(stmts: list[ast.stmt]) -> bool:
    """The block always leaves by return/raise/continue/break, judged by syntax alone."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, _EXITS):
        return True
    return isinstance(last, ast.If) and _ends_block(last.body) and _ends_block(last.orelse)


def _names(nodes: Iterable[ast.AST]) -> list[str]:
    return [n.id for n in _walk_all(nodes) if isinstance(n, ast.Name)]


def _has_scope_hazard(nodes: Iterable[ast.AST]) -> bool:
    """Constructs that behave differently once moved into a comprehension's own scope."""
    hazards = (ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr, ast.Lambda, *_SCOPES)
    return any(isinstance(n, hazards) for n in _walk_all(nodes))


@dataclass
class _Change:
    kind: str
    line: int
    text: str


class _Rewriter:
    """Applies the rewrites to the tree in place, remembering a sentence for each."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.changes: list[_Change] = []
        self.bound = _bound_names(tree)

    def run(self) -> None:
        self.tree = _Membership(self).visit(self.tree)
        self.block(self.tree.body, self.tree, in_class=False)

    def note(self, kind: str, node: ast.AST, text: str) -> None:
        self.changes.append(_Change(kind, getattr(node, "lineno", 0), text))

    def sentences(self) -> list[str]:
        out: list[str] = []
        guards = sorted({c.line for c in self.changes if c.kind == "guard"})
        if guards:
            where = (
                f"Line {guards[0]}"
                if len(guards) == 1
                else f"Lines {_join([str(g) for g in guards])}"
            )
            out.append(
                f"{where}: an `else` after a block that ends in `return`/`raise` is removed and its body "
                "moves out one level, so the main path reads straight down (guard clauses)."
            )
        out.extend(f"Line {c.line}: {c.text}" for c in self.changes if c.kind != "guard")
        return _unique(out)

    # ------------------------------------------------------------ statement lists

    def block(self, stmts: list[ast.stmt], scope: ast.AST, in_class: bool) -> None:
        for stmt in stmts:
            self.children(stmt, scope)
        index = 0
        while index < len(stmts):
            changed = self.bool_return(stmts, index) or self.guard(stmts, index)
            if not changed and not in_class:
                changed = self.accumulator(stmts, index, scope)
            if not changed:
                index += 1

    def children(self, stmt: ast.stmt, scope: ast.AST) -> None:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            self.block(stmt.body, stmt, in_class=False)
            return
        if isinstance(stmt, ast.ClassDef):
            self.block(stmt.body, stmt, in_class=True)
            return
        for name in ("body", "orelse", "finalbody"):
            value = getattr(stmt, name, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                self.block(value, scope, in_class=False)
        for handler in getattr(stmt, "handlers", []):
            self.block(handler.body, scope, in_class=False)
        for case in getattr(stmt, "cases", []):
            self.block(case.body, scope, in_class=False)
        if isinstance(stmt, ast.For):
            self.range_len(stmt, scope)

    # ------------------------------------------------------------ (a) guard clauses

    def guard(self, stmts: list[ast.stmt], index: int) -> bool:
        stmt = stmts[index]
        if not isinstance(stmt, ast.If) or not stmt.orelse:
            return False
        orelse = stmt.orelse
        single_elif = len(orelse) == 1 and isinstance(orelse[0], ast.If)
        # `if c: <long> else: <exit>` turns around: the short exit first, then the main path.
        invert = _ends_block(orelse) and not single_elif and len(orelse) <= 2
        invert = invert and len(orelse) < len(stmt.body)
        if _ends_block(stmt.body) and not invert:
            rest, stmt.orelse = stmt.orelse, []
            stmts[index + 1 : index + 1] = rest
            self.note("guard", stmt, "")
            return True
        if invert:
            body = stmt.body
            stmt.test, stmt.body, stmt.orelse = _negate(stmt.test), orelse, []
            stmts[index + 1 : index + 1] = body
            self.note(
                "invert",
                stmt,
                f"the `if`/`else` is turned around into a guard clause, `if {ast.unparse(stmt.test)}:`, "
                "which leaves early, so the main path follows without the extra indentation.",
            )
            return True
        return False

    # ------------------------------------------------------------ (b) return True / False

    def bool_return(self, stmts: list[ast.stmt], index: int) -> bool:
        stmt = stmts[index]
        if not isinstance(stmt, ast.If):
            return False
        first = _bool_constant(stmt.body)
        if first is None:
            return False
        if stmt.orelse:
            second, consumed = _bool_constant(stmt.orelse), 1
        elif index + 1 < len(stmts):
            second, consumed = _bool_constant([stmts[index + 1]]), 2
        else:
            return False
        if second is None or second == first:
            return False
        value = self.as_bool(stmt.test if first else _negate(stmt.test))
        if value is None:
            return False
        new = ast.copy_location(ast.Return(value=value), stmt)
        stmts[index : index + consumed] = [new]
        self.note(
            "bool",
            stmt,
            f"the `if` that returns `True` or `False` becomes `return {ast.unparse(value)}`.",
        )
        return True

    def as_bool(self, expr: ast.expr) -> ast.expr | None:
        if _is_boolish(expr):
            return expr
        if "bool" in self.bound:
            return None
        return ast.Call(func=ast.Name(id="bool", ctx=ast.Load()), args=[expr], keywords=[])

    # ------------------------------------------------------------ (c) range(len(xs))

    def range_len(self, loop: ast.For, scope: ast.AST) -> None:
        parts = _range_len_parts(loop)
        if parts is None or loop.orelse or {"range", "len"} & self.bound:
            return  # (an `else:` would see the index of an empty loop differently)
        index, seq = parts
        parents = _parents(loop)
        subscripts, others = _index_uses(loop.body, index, seq, parents)
        if not subscripts or any(not isinstance(s.ctx, ast.Load) for s in subscripts):
            return
        if _has_scope_hazard(loop.body) or any(
            isinstance(n, ast.Name) and n.id == index and isinstance(n.ctx, ast.Store | ast.Del)
            for n in _walk_all(loop.body)
        ):
            return
        # Every other mention of the sequence must be a read (xs[j], len(xs)): anything else might
        # change it, and `range(len(xs))` was fixed when the loop started.
        for node in _walk_all(loop.body):
            if isinstance(node, ast.Name) and node.id == seq:
                parent = parents.get(node)
                reads = (
                    isinstance(parent, ast.Subscript)
                    and parent.value is node
                    and isinstance(parent.ctx, ast.Load)
                )
                counts = isinstance(parent, ast.Call) and _is_name(parent.func, "len")
                if not (reads or counts):
                    return
        in_scope = _names([scope])
        outside = in_scope.count(index) - _names([loop]).count(index)
        element = next(
            (
                n
                for n in (_element_name(seq), "x", "item", "value", "elem")
                if n.isidentifier()
                and not keyword.iskeyword(n)
                and n not in in_scope
                and n not in self.bound
            ),
            None,
        )
        if element is None:
            return
        needs_index = others > 0 or outside > 0
        if needs_index and "enumerate" in self.bound:
            return
        targets = {id(s) for s in subscripts}
        loop.body = [_Replace(targets, element).visit(s) for s in loop.body]
        old = f"for {index} in range(len({seq}))"
        if needs_index:
            loop.target = ast.Tuple(
                elts=[ast.Name(id=index, ctx=ast.Store()), ast.Name(id=element, ctx=ast.Store())],
                ctx=ast.Store(),
            )
            loop.iter = ast.Call(
                func=ast.Name(id="enumerate", ctx=ast.Load()),
                args=[ast.Name(id=seq, ctx=ast.Load())],
                keywords=[],
            )
            self.note(
                "loop",
                loop,
                f"`{old}` becomes `for {index}, {element} in enumerate({seq})`, which gives the index and the item together.",
            )
        else:
            loop.target = ast.Name(id=element, ctx=ast.Store())
            loop.iter = ast.Name(id=seq, ctx=ast.Load())
            self.note(
                "loop",
                loop,
                f"`{old}` becomes `for {element} in {seq}`, since `{index}` was only used to index `{seq}`.",
            )

    # ------------------------------------------------------------ (d) accumulator loops

    def accumulator(self, stmts: list[ast.stmt], index: int, scope: ast.AST) -> bool:
        if index + 1 >= len(stmts):
            return False
        init, loop = stmts[index], stmts[index + 1]
        if not (
            isinstance(init, ast.Assign)
            and len(init.targets) == 1
            and isinstance(init.targets[0], ast.Name)
        ):
            return False
        if not isinstance(loop, ast.For) or loop.orelse or len(loop.body) != 1:
            return False
        acc = init.targets[0].id
        start = init.value
        summing = (
            isinstance(start, ast.Constant)
            and type(start.value) in (int, float)
            and start.value == 0
        )
        listing = isinstance(start, ast.List) and not start.elts
        if not (summing or listing):
            return False
        statement = loop.body[0]
        condition: ast.expr | None = None
        if isinstance(statement, ast.If) and not statement.orelse and len(statement.body) == 1:
            condition = statement.test
            statement = statement.body[0]
        expr = _summed(statement, acc) if summing else _appended(statement, acc)
        if expr is None:
            return False
        pieces: list[ast.AST] = [expr, loop.iter, *([condition] if condition is not None else [])]
        if acc in _names(pieces) or _has_scope_hazard(pieces):
            return False
        target = loop.target
        parts = target.elts if isinstance(target, ast.Tuple) else [target]
        if not all(isinstance(p, ast.Name) for p in parts):
            return False  # `for self.x in ...` or nested unpacking: keep the loop
        loop_names = [p.id for p in parts if isinstance(p, ast.Name)]
        if any(_escapes(n, loop, scope) for n in loop_names):
            return False  # the variable is read after the loop: a comprehension would not set it
        generator = ast.comprehension(
            target=loop.target,
            iter=loop.iter,
            ifs=[condition] if condition is not None else [],
            is_async=0,
        )
        value: ast.expr
        if summing:
            if "sum" in self.bound:
                return False
            plain = (
                condition is None
                and isinstance(loop.target, ast.Name)
                and _is_name(expr, loop.target.id)
            )
            argument: ast.expr = (
                loop.iter if plain else ast.GeneratorExp(elt=expr, generators=[generator])
            )
            args = (
                [argument]
                if isinstance(start, ast.Constant) and type(start.value) is int
                else [argument, start]
            )
            value = ast.Call(func=ast.Name(id="sum", ctx=ast.Load()), args=args, keywords=[])
        else:
            value = ast.ListComp(elt=expr, generators=[generator])
        new = ast.copy_location(
            ast.Assign(targets=[ast.Name(id=acc, ctx=ast.Store())], value=value), init
        )
        stmts[index : index + 2] = [new]
        kind = "a `sum(...)`" if summing else "a list comprehension"
        self.note(
            "accumulate",
            init,
            f"the loop that builds `{acc}` becomes {kind}: `{_short(ast.unparse(new))}`.",
        )
        return True


def _target_names(target: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _escapes(name: str, loop: ast.For, scope: ast.AST) -> bool:
    """True when the variable `loop` binds may be read outside the loop.

    A read inside another loop or comprehension that binds the name itself first does not see
    this loop's value; any other read (after it, in a closure, in an enclosing loop) might.
    """
    parents = _parents(scope)
    inside = {id(n) for n in ast.walk(loop)}
    for node in ast.walk(scope):
        if not (isinstance(node, ast.Name) and node.id == name) or id(node) in inside:
            continue
        if isinstance(node.ctx, ast.Store):
            continue
        child: ast.AST = node
        current = parents.get(node)
        rebound = False
        while current is not None and current is not scope and not rebound:
            if isinstance(current, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
                rebound = any(name in _target_names(g.target) for g in current.generators)
            elif isinstance(current, ast.For):
                rebound = (
                    child in current.body
                    and name in _target_names(current.target)
                    and id(loop) not in {id(n) for n in ast.walk(current)}
                )
            elif isinstance(current, _SCOPES):
                break  # a closure reads the variable whenever it is called
            child, current = current, parents.get(current)
        if not rebound:
            return True
    return False


def _summed(stmt: ast.stmt, acc: str) -> ast.expr | None:
    """`expr` of `acc += expr` or `acc = acc + expr`."""
    if (
        isinstance(stmt, ast.AugAssign)
        and _is_name(stmt.target, acc)
        and isinstance(stmt.op, ast.Add)
    ):
        return stmt.value
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and _is_name(stmt.targets[0], acc)
        and isinstance(stmt.value, ast.BinOp)
        and isinstance(stmt.value.op, ast.Add)
        and _is_name(stmt.value.left, acc)
    ):
        return stmt.value.right
    return None


def _appended(stmt: ast.stmt, acc: str) -> ast.expr | None:
    """`expr` of `acc.append(expr)`."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    if (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "append"
        and _is_name(call.func.value, acc)
        and len(call.args) == 1
        and not call.keywords
        and not isinstance(call.args[0], ast.Starred)
    ):
        return call.args[0]
    return None


class _Replace(ast.NodeTransformer):
    """Replaces the chosen `xs[i]` subscripts with the loop's new item name."""

    def __init__(self, targets: set[int], name: str) -> None:
        self.targets = targets
        self.name = name

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if id(node) in self.targets:
            return ast.copy_location(ast.Name(id=self.name, ctx=ast.Load()), node)
        return self.generic_visit(node)


def _is_pure(expr: ast.expr) -> bool:
    """Names, constants and attribute chains: evaluating them early or twice changes nothing."""
    if isinstance(expr, ast.Constant | ast.Name):
        return True
    if isinstance(expr, ast.Attribute):
        return _is_pure(expr.value)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        return isinstance(expr.operand, ast.Constant)
    return False


class _Membership(ast.NodeTransformer):
    """(e) `x == a or x == b` -> `x in (a, b)`; and `True if c else False` -> `c`."""

    def __init__(self, rewriter: _Rewriter) -> None:
        self.rewriter = rewriter

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        wanted: type[ast.cmpop] = ast.Eq if isinstance(node.op, ast.Or) else ast.NotEq
        values: list[ast.expr] = []
        run: list[ast.Compare] = []

        def flush() -> None:
            if len(run) >= 2:
                op: ast.cmpop = ast.In() if wanted is ast.Eq else ast.NotIn()
                choices = ast.Tuple(elts=[c.comparators[0] for c in run], ctx=ast.Load())
                merged = ast.copy_location(
                    ast.Compare(left=run[0].left, ops=[op], comparators=[choices]), run[0]
                )
                word = "in" if wanted is ast.Eq else "not in"
                joined = " or " if wanted is ast.Eq else " and "
                old = joined.join(ast.unparse(c) for c in run)
                self.rewriter.note(
                    "membership",
                    run[0],
                    f"`{_short(old, 60)}` becomes `{_short(ast.unparse(merged), 60)}` (one `{word}` test).",
                )
                values.append(merged)
            else:
                values.extend(run)
            run.clear()

        for value in node.values:
            fits = (
                isinstance(value, ast.Compare)
                and len(value.ops) == 1
                and type(value.ops[0]) is wanted
                and _is_pure(value.left)
                and not isinstance(value.left, ast.Constant)
                and _is_pure(value.comparators[0])
            )
            if (
                fits
                and isinstance(value, ast.Compare)
                and (not run or ast.dump(run[0].left) == ast.dump(value.left))
            ):
                run.append(value)
                continue
            flush()
            if fits and isinstance(value, ast.Compare):
                run.append(value)
            else:
                values.append(value)
        flush()
        if len(values) == 1:
            return values[0]
        node.values = values
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        first, second = node.body, node.orelse
        if not all(
            isinstance(v, ast.Constant) and isinstance(v.value, bool) for v in (first, second)
        ):
            return node
        assert isinstance(first, ast.Constant) and isinstance(second, ast.Constant)
        if first.value == second.value:
            return node
        value = self.rewriter.as_bool(node.test if first.value else _negate(node.test))
        if value is None:
            return node
        self.rewriter.note(
            "bool",
            node,
            f"`{_short(ast.unparse(node), 60)}` becomes `{_short(ast.unparse(value), 60)}`.",
        )
        return ast.copy_location(value, node)

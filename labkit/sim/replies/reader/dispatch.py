"""Dispatch tables: an `if`/`elif` chain that compares one name with constants, as a lookup.

"We add a new case every sprint" is the sign of a chain such as

    if region == "uk":
        return 4.99
    elif region == "eu":
        return 7.50
    ...
    else:
        return 15.00

which grows by two lines per case. A table grows by one entry, and the function stops growing:

    SHIPPING_COST_BY_REGION = {"uk": 4.99, "eu": 7.5, ...}
    return SHIPPING_COST_BY_REGION.get(region, 15.0)

`tabulate` finds such chains (at least MIN_BRANCHES branches testing the same name with `==`
or `in (...)` against constants, each branch only returning or assigning a value) and rewrites
them in place, keeping the default branch. Values that are constants go in the table as they
are; calls of different functions with the same arguments become a table of handler functions.
Anything else (a branch that does more, values worked out from other names, repeated keys)
leaves the chain alone. The one difference in behaviour, said with every change, is that a
lookup hashes the value: an unhashable one (a list) raises `TypeError` where the chain would
have reached its default.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from labkit.sim.replies.reader.source import _bound_names, _dotted, _short

MIN_BRANCHES = 4  # fewer cases read fine as a chain
_VERBS = frozenset(["get", "compute", "calc", "calculate", "lookup", "find", "choose", "pick"])


@dataclass(frozen=True)
class TableChange:
    """One chain turned into a table: where it was, its entries as the user wrote them (so that
    `7.50` stays `7.50`), and the sentences that say so."""

    line: int
    name: str
    entries: tuple[tuple[str, str], ...]
    sentences: tuple[str, ...]


@dataclass
class _Chain:
    """A chain read from the code: the keys and value of each branch, and what runs otherwise."""

    subject: ast.expr
    branches: list[tuple[list[ast.expr], ast.expr]]
    target: str | None  # the name each branch assigns, or None when each branch returns
    consumed: int  # `if` statements of the block the chain spans
    else_body: list[ast.stmt] | None  # the last `else:`, when there is one
    after: ast.stmt | None  # for returns without `else`, the statement that follows the chain
    first_line: int
    last_line: int
    handlers: bool = False  # values are calls of different functions with the same arguments
    call: ast.Call | None = None  # the first branch's call, for its arguments


# --------------------------------------------------------------------------- reading a chain


def _constant(node: ast.expr) -> bool:
    """A constant that can be a dict key and a shared value: str, bytes, numbers, bool, None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand = node.operand
        return isinstance(operand, ast.Constant) and type(operand.value) in (int, float)
    if isinstance(node, ast.Tuple):
        return all(_constant(e) for e in node.elts)
    return isinstance(node, ast.Constant) and type(node.value) in _CONSTANT_TYPES


_CONSTANT_TYPES = (str, bytes, int, float, bool, type(None))


def _keys(test: ast.expr) -> tuple[ast.expr, list[ast.expr]] | None:
    """(subject, keys) for `x == "a"`, `"a" == x` or `x in ("a", "b")`."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq):
        if _constant(right) and _dotted(left):
            return left, [right]
        if _constant(left) and _dotted(right):
            return right, [left]
        return None
    if (
        isinstance(op, ast.In)
        and _dotted(left)
        and isinstance(right, ast.Tuple | ast.List | ast.Set)
        and right.elts
        and all(_constant(e) for e in right.elts)
    ):
        return left, list(right.elts)
    return None


def _given(body: list[ast.stmt]) -> tuple[ast.expr, str | None] | None:
    """(value, assigned name or None for a return) when a block only gives a value."""
    if len(body) != 1:
        return None
    only = body[0]
    if isinstance(only, ast.Return) and only.value is not None:
        return only.value, None
    if (
        isinstance(only, ast.Assign)
        and len(only.targets) == 1
        and isinstance(only.targets[0], ast.Name)
    ):
        return only.value, only.targets[0].id
    return None


def _arms(node: ast.If) -> tuple[list[ast.If], list[ast.stmt]]:
    """The `if` and its `elif`s, and the final `else` body ([] without one)."""
    arms = [node]
    while len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
        node = node.orelse[0]
        arms.append(node)
    return arms, node.orelse


@dataclass
class _Reading:
    subject: ast.expr | None = None
    target: str | None = None
    returns: bool | None = None
    branches: list[tuple[list[ast.expr], ast.expr]] = field(default_factory=list)

    def take(self, arms: list[ast.If]) -> bool:
        """Add the arms' branches when every one tests the subject and gives a value."""
        taken: list[tuple[list[ast.expr], ast.expr]] = []
        subject, target, returns = self.subject, self.target, self.returns
        for arm in arms:
            keys, given = _keys(arm.test), _given(arm.body)
            if keys is None or given is None:
                return False
            if subject is not None and ast.dump(subject) != ast.dump(keys[0]):
                return False
            is_return = given[1] is None
            if (returns is not None and returns != is_return) or (
                target is not None and given[1] != target
            ):
                return False
            subject, target, returns = keys[0], given[1], is_return
            taken.append((keys[1], given[0]))
        self.subject, self.target, self.returns = subject, target, returns
        self.branches.extend(taken)
        return True


def _read_chain(stmts: list[ast.stmt], index: int) -> _Chain | None:
    """The chain that starts at `stmts[index]`: an `if`/`elif` chain or, when each branch
    returns, a run of `if x == ...: return ...` statements, which behaves the same."""
    reading = _Reading()
    consumed = 0
    else_body: list[ast.stmt] | None = None
    position = index
    last_line = stmts[index].lineno
    while position < len(stmts) and else_body is None:
        node = stmts[position]
        if not isinstance(node, ast.If):
            break
        arms, tail = _arms(node)
        if not reading.take(arms):
            break
        consumed += 1
        position += 1
        last_line = node.end_lineno or node.lineno
        if tail:
            else_body = tail
        if not reading.returns:
            break  # assignments: a second `if` would run as well, so it is not the same chain
    if reading.subject is None or consumed == 0 or len(reading.branches) < MIN_BRANCHES:
        return None
    after = (
        stmts[position] if reading.returns and else_body is None and position < len(stmts) else None
    )
    return _Chain(
        reading.subject,
        reading.branches,
        reading.target,
        consumed,
        else_body,
        after,
        stmts[index].lineno,
        last_line,
    )


def _distinct(chain: _Chain) -> bool:
    """No key repeats: in a chain the first branch wins, in a dict the last one would."""
    seen: dict[Any, None] = {}
    for keys, _ in chain.branches:
        for key in keys:
            value = ast.literal_eval(key)
            if value in seen:
                return False  # `1`, `1.0` and `True` are one key, too
            seen[value] = None
    return True


def _call_shape(call: ast.Call) -> str:
    return ast.dump(
        ast.Call(func=ast.Name(id="f", ctx=ast.Load()), args=call.args, keywords=call.keywords)
    )


def _handler_call(value: ast.expr) -> ast.Call | None:
    return value if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else None


def _classify(chain: _Chain, local: set[str]) -> bool:
    """A table of values (every value a constant), or of handlers (every value a call of a
    module-level function with the same arguments); False when neither fits."""
    values = [v for _, v in chain.branches]
    if all(_constant(v) for v in values):
        return True
    calls = [_handler_call(v) for v in values]
    first = calls[0]
    if first is None:
        return False
    for call in calls:
        if call is None or _call_shape(call) != _call_shape(first):
            return False
        if isinstance(call.func, ast.Name) and call.func.id in local:
            return False  # a local function or parameter: a module-level table cannot see it
    chain.handlers, chain.call = True, first
    return True


# --------------------------------------------------------------------------- writing the table


def _table_name(chain: _Chain, function: str | None, taken: set[str]) -> str:
    subject = (_dotted(chain.subject) or "key").split(".")[-1]
    if chain.handlers:
        base = f"{subject}_handlers"
    else:
        what = chain.target or function or "value"
        words = what.split("_")
        if len(words) > 1 and words[0] in _VERBS:
            what = "_".join(words[1:])
        base = f"{what}_by_{subject}"
    name = re.sub(r"_+", "_", base).strip("_").upper()
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate)
    return candidate


def _load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


def _entries(chain: _Chain) -> ast.Dict:
    keys: list[ast.expr | None] = []
    values: list[ast.expr] = []
    for branch_keys, value in chain.branches:
        entry = value.func if chain.handlers and isinstance(value, ast.Call) else value
        for key in branch_keys:
            keys.append(key)
            values.append(entry)
    return ast.Dict(keys=keys, values=values)


def _lookup(table: str, chain: _Chain, default: ast.expr | None) -> ast.expr:
    """`TABLE[x]` or `TABLE.get(x, default)`; for handlers, called with the chain's arguments."""
    found: ast.expr
    if default is None:
        found = ast.Subscript(value=_load(table), slice=chain.subject, ctx=ast.Load())
    else:
        get = ast.Attribute(value=_load(table), attr="get", ctx=ast.Load())
        # `.get(x)` already gives None for a missing key: writing the None out adds nothing.
        none = isinstance(default, ast.Constant) and default.value is None
        args = [chain.subject] if none else [chain.subject, default]
        found = ast.Call(func=get, args=args, keywords=[])
    if chain.handlers and chain.call is not None:
        return ast.Call(func=found, args=chain.call.args, keywords=chain.call.keywords)
    return found


def _give(chain: _Chain, value: ast.expr) -> ast.stmt:
    """`return value`, or `target = value`, as the chain's branches did."""
    if chain.target is None:
        return ast.Return(value=value)
    return ast.Assign(targets=[ast.Name(id=chain.target, ctx=ast.Store())], value=value)


def _as_default(chain: _Chain, block: list[ast.stmt] | None) -> ast.expr | None:
    """The `.get` default when `block` only gives a value like the branches' (a constant, or a
    handler called with the same arguments), the same way (return, or the same name)."""
    given = _given(block or [])
    if given is None or given[1] != chain.target:
        return None
    value = given[0]
    if not chain.handlers:
        return value if _constant(value) else None
    call = _handler_call(value)
    if call is None or chain.call is None or _call_shape(call) != _call_shape(chain.call):
        return None
    return call.func


def _in_table(table: str, chain: _Chain, negated: bool) -> ast.Compare:
    op: ast.cmpop = ast.NotIn() if negated else ast.In()
    return ast.Compare(left=chain.subject, ops=[op], comparators=[_load(table)])


@dataclass(frozen=True)
class _Replacement:
    """The statements that replace a chain, how many statements of its block they replace,
    and how the default is kept, in words."""

    statements: list[ast.stmt]
    consumed: int
    kept: str


def _replacement(chain: _Chain, table: str) -> _Replacement:
    consumed = chain.consumed
    default = _as_default(chain, chain.else_body)
    if default is None and chain.else_body is None and chain.after is not None:
        default = _as_default(chain, [chain.after])
        consumed += default is not None  # `return 15.0` after the chain is its default
    if default is not None:
        if isinstance(default, ast.Constant) and default.value is None:
            kept = "`.get` gives `None` for any other value, as the chain did"
        else:
            kept = f"the default, `{_short(ast.unparse(default), 40)}`, is the second argument of `.get`"
        return _Replacement([_give(chain, _lookup(table, chain, default))], consumed, kept)
    found = _give(chain, _lookup(table, chain, None))
    if chain.else_body is None:
        kept = (
            "the code after the chain still runs for any other value"
            if chain.target is None
            else f"`{chain.target}` keeps its value for any other value, as before"
        )
        lookup = ast.If(test=_in_table(table, chain, False), body=[found], orelse=[])
        return _Replacement([lookup], consumed, kept)
    still = "the `else` branch still runs for any value not in the table"
    if chain.target is not None:
        lookup = ast.If(test=_in_table(table, chain, False), body=[found], orelse=chain.else_body)
        return _Replacement([lookup], consumed, still)
    if isinstance(chain.else_body[-1], ast.Return | ast.Raise):
        guard = ast.If(test=_in_table(table, chain, True), body=chain.else_body, orelse=[])
        kept = "the `else` branch becomes a guard clause, which runs for any value not in the table"
        return _Replacement([guard, found], consumed, kept)
    lookup = ast.If(test=_in_table(table, chain, False), body=[found], orelse=[])
    return _Replacement([lookup, *chain.else_body], consumed, still)


# --------------------------------------------------------------------------- the whole module


def _local_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names the function binds itself: its parameters, assignments and nested definitions."""
    names = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    for node in ast.walk(fn):
        if node is fn:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def _own_blocks(root: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists of `root` and of the blocks inside it, not entering nested defs."""
    blocks: list[list[ast.stmt]] = []
    stack: list[ast.AST] = [root]
    while stack:
        node = stack.pop()
        for name in ("body", "orelse", "finalbody"):
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                blocks.append(value)
                stack.extend(
                    s
                    for s in value
                    if not isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                )
        for handler in getattr(node, "handlers", []):
            blocks.append(handler.body)
            stack.extend(handler.body)
        for case in getattr(node, "cases", []):
            blocks.append(case.body)
            stack.extend(case.body)
    return blocks


@dataclass
class _Pending:
    """A table to add at module level: where, and the assignment."""

    position: int
    statement: ast.Assign


def tabulate(tree: ast.Module, source: str = "") -> list[TableChange]:
    """Rewrite every chain in the module's functions as a table lookup, in place; the tables
    go at module level. One change per chain. (A chain at module level runs once: no table.)"""
    taken = _bound_names(tree)
    defined = {
        stmt.name: index
        for index, stmt in enumerate(tree.body)
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    changes: list[TableChange] = []
    pending: list[_Pending] = []
    for top, stmt in enumerate(list(tree.body)):
        if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for fn in ast.walk(stmt):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            scope = _Scope(fn.name, _local_names(fn), top, defined, taken, source)
            detached: set[int] = set()  # statements a rewrite replaced: their blocks are gone
            for block in _own_blocks(fn):
                if id(block[0]) not in detached:
                    _tabulate_block(block, scope, detached, changes, pending)
    for item in sorted(pending, key=lambda p: p.position, reverse=True):
        tree.body.insert(item.position, item.statement)
    return changes


@dataclass
class _Scope:
    """The function a chain is in, and what placing its table depends on."""

    function: str
    local: set[str]  # names the function binds: a module-level table cannot see them
    top: int  # the index of the module-level statement that holds the function
    defined: dict[str, int]  # module-level functions and their indexes
    taken: set[str]  # names already bound, which a table must not reuse
    source: str  # the code as written, to quote keys and values from


def _tabulate_block(
    block: list[ast.stmt],
    scope: _Scope,
    detached: set[int],
    changes: list[TableChange],
    pending: list[_Pending],
) -> None:
    index = 0
    while index < len(block):
        chain = _read_chain(block, index)
        if chain is None or not _distinct(chain) or not _classify(chain, scope.local):
            index += 1
            continue
        position = scope.top
        if chain.handlers:
            # The table looks each handler up when the module runs it: after their `def`s.
            handlers = [
                v.func.id
                for _, v in chain.branches
                if isinstance(v, ast.Call) and isinstance(v.func, ast.Name)
            ]
            found = [scope.defined[h] for h in handlers if h in scope.defined]
            position = max([scope.top, *(at + 1 for at in found)])
        name = _table_name(chain, scope.function, scope.taken)
        replacement = _replacement(chain, name)
        statements, kept = replacement.statements, replacement.kept
        replaced = block[index : index + replacement.consumed]
        detached.update(id(n) for stmt in replaced for n in ast.walk(stmt))
        block[index : index + replacement.consumed] = statements
        table = ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=_entries(chain))
        pending.append(_Pending(position, table))
        last = replaced[-1].end_lineno or chain.last_line
        entries = _written_entries(table.value, scope.source)
        sentences = _sentences(chain, name, kept, last)
        changes.append(TableChange(chain.first_line, name, entries, sentences))
        index += len(statements)


def _written_entries(table: ast.expr, source: str) -> tuple[tuple[str, str], ...]:
    """Each key and value as the user wrote it, or as unparsed when the source does not say."""
    assert isinstance(table, ast.Dict)
    written: list[tuple[str, str]] = []
    for key, value in zip(table.keys, table.values, strict=True):
        assert key is not None
        written.append((_written(key, source), _written(value, source)))
    return tuple(written)


def _written(node: ast.expr, source: str) -> str:
    segment = ast.get_source_segment(source, node) if source else None
    if segment is None or "\n" in segment or "#" in segment:
        return ast.unparse(node)
    if isinstance(node, ast.Tuple) and not segment.startswith("("):
        return f"({segment})"  # `return "n", 1e9` holds a tuple that a dict entry must bracket
    return segment


def _sentences(chain: _Chain, name: str, kept: str, last: int) -> tuple[str, ...]:
    subject = _dotted(chain.subject) or "the value"
    count = sum(len(keys) for keys, _ in chain.branches)
    where = f"Lines {chain.first_line} to {last}"
    chained = (
        f"the `if`/`elif` chain that compares `{subject}` with {count} values becomes"
        if chain.consumed == 1
        else f"the `if` statements that compare `{subject}` with {count} values become"
    )
    if chain.handlers:
        what = (
            f"{where}: {chained} a table of handler functions, `{name}`, and a single call of "
            f"the handler it finds; {kept}."
        )
        differs = (
            "Two things differ: the table looks the handlers up once, when the module is loaded, "
            "so each must be defined above it (and a test that patches one of them no longer "
            f"reaches the table); and a lookup hashes `{subject}`, so an unhashable value (a "
            "list, say) raises `TypeError` instead of reaching the default."
        )
    else:
        what = f"{where}: {chained} a lookup in a table, `{name}`, and {kept}."
        differs = (
            f"One thing differs: a lookup hashes `{subject}`, so an unhashable value (a list, "
            "say) raises `TypeError` instead of reaching the default; strings, numbers and "
            "`None` behave as before."
        )
    scales = (
        f"This is what scales: the next case is one more entry in `{name}`, not another branch, "
        "and the function itself stops growing."
    )
    return what, scales, differs

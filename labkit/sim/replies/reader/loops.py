"""`while` loops that may never end: a round of the loop that leaves its own condition as it was.

"My binary search hangs on some inputs" is nearly always one of two slips. Either some branch
of the body changes none of the names the condition reads, so once that branch runs it runs
again with the same values, forever; or a bound is set to the midpoint, `lo = mid`, which is
`lo` itself once the range is down to two neighbours (`mid = (lo + hi) // 2` rounds down).

The check follows every path through the loop body, as syntax, and reports a path that can
repeat itself unchanged: it changes nothing the loop condition or its own branch tests read,
or it only moves a bound to a midpoint that can equal it. It stays quiet on anything it cannot
be sure of: calls in the tests, attributes, `try`, nested functions, generators, a `break` or
`return` on the path, objects another thread or callback may hold, a path through more than
_MAX_DECISIONS tests or one that needs a value its variable never takes. When the function is
small enough, handtrace.py follows it by hand on a few two-element inputs of our own to find one
that hangs, which makes the finding concrete, and checks that the suggested fix ends on all of
them; nothing of the user's code is run.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from labkit.sim.replies.reader.checks import Finding, _Context
from labkit.sim.replies.reader.handtrace import hanging_input, samples, trace
from labkit.sim.replies.reader.source import (
    _NO_RETURN_CALLS,
    _SCOPES,
    _call_name,
    _FunctionNode,
    _join,
    _own_nodes,
    _short,
)

_MAX_PATHS = 64  # paths through one loop body; beyond this the body is not a small loop
_MAX_DECISIONS = 3  # branch tests on a reported path: more, and no input may take it
_PURE_CALLS = frozenset(["len", "abs", "min", "max"])
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.NotEq)


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class _Reads:
    """The names a test reads: bare (`i < n`); through them (`len(xs)`, `xs[i]`), which a call
    or `xs[j] = ...` can change without rebinding the name; or deeper (`len(rows[r])`), which
    changing an item (`f(rows[r])`, `rows[r].append(x)`) can change too."""

    bare: frozenset[str]
    through: frozenset[str]
    deep: frozenset[str] = frozenset()

    def __or__(self, other: _Reads) -> _Reads:
        return _Reads(self.bare | other.bare, self.through | other.through, self.deep | other.deep)

    def without(self, names: set[str]) -> _Reads:
        return _Reads(self.bare - names, self.through - names, self.deep - names)

    @property
    def names(self) -> frozenset[str]:
        return self.bare | self.through | self.deep


_NO_READS = _Reads(frozenset(), frozenset())
_ANY = "*"  # stands for every name: a call through a local alias may change anything


@dataclass(frozen=True)
class _Changes:
    """What one statement may change: names rebound; objects changed (a call handed them, a
    method of theirs ran, an item was stored); objects whose items may have changed."""

    rebound: frozenset[str]
    objects: frozenset[str]
    items: frozenset[str]

    def touches(self, reads: _Reads) -> bool:
        if _ANY in self.objects and (reads.through or reads.deep):
            return True
        return bool(
            self.rebound & reads.names
            or self.objects & (reads.through | reads.deep)
            or self.items & reads.deep
        )


@dataclass
class _Path:
    """One way through a loop body: its branch decisions, what it changes, how it ends."""

    decisions: list[tuple[ast.expr, bool, int]] = field(default_factory=list)
    steps: list[tuple[ast.stmt, _Changes]] = field(default_factory=list)
    may_exit: bool = False

    def fork(self) -> _Path:
        return _Path(list(self.decisions), list(self.steps), self.may_exit)

    def changes(self, reads: _Reads, skip: Sequence[ast.stmt] = ()) -> bool:
        """True when a statement of the path (other than those in `skip`) may change a read."""
        return any(
            changes.touches(reads)
            for stmt, changes in self.steps
            if not any(stmt is s for s in skip)
        )


class _Unsure(Exception):
    """The loop body holds something the path reading does not follow."""


def _changed_names(node: ast.AST, aliases: frozenset[str] = frozenset()) -> _Changes:
    """What a statement or expression may change; `aliases` are local names that may hold a
    bound method (`pop = queue.popleft`), whose calls may change anything."""
    rebound: set[str] = set()
    objects: set[str] = set()
    items: set[str] = set()

    def changed(part: ast.expr) -> None:
        if isinstance(part, ast.Starred):
            part = part.value
        if isinstance(part, ast.Name):
            objects.add(part.id)
        elif isinstance(part, ast.Subscript | ast.Attribute):
            items.update(_base_names(part))  # an item of the object, or an object it holds

    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store | ast.Del):
            rebound.add(inner.id)
        elif isinstance(inner, ast.Subscript | ast.Attribute) and isinstance(
            inner.ctx, ast.Store | ast.Del
        ):
            changed(inner.value)
        elif isinstance(inner, ast.Call):
            if isinstance(inner.func, ast.Name) and inner.func.id in aliases:
                objects.add(_ANY)
            receiver = inner.func.value if isinstance(inner.func, ast.Attribute) else None
            for part in [*([receiver] if receiver else []), *inner.args]:
                changed(part)
            for keyword in inner.keywords:
                changed(keyword.value)
        elif isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
            rebound.add(inner.target.id)
    return _Changes(frozenset(rebound), frozenset(objects), frozenset(items))


def _base_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _exits(node: ast.AST) -> bool:
    """The statement may leave the loop it is in: return, raise, a call that never returns."""
    for inner in _own_nodes([node]):
        if isinstance(inner, ast.Return | ast.Raise | ast.Assert):
            return True
        if isinstance(inner, ast.Call) and _call_name(inner) in _NO_RETURN_CALLS:
            return True
    return False


def _paths(
    stmts: Sequence[ast.stmt], start: _Path, budget: list[int], aliases: frozenset[str]
) -> list[tuple[_Path, bool]]:
    """Every path through `stmts` from `start`, each with whether it finished the round early
    (`break`, `continue`, `return`, `raise`)."""
    live = [start]
    done: list[_Path] = []
    for stmt in stmts:
        following: list[_Path] = []
        for path in live:
            for result, finished in _step(stmt, path, budget, aliases):
                (done if finished else following).append(result)
        live = following
    return [(p, True) for p in done] + [(p, False) for p in live]


def _step(
    stmt: ast.stmt, path: _Path, budget: list[int], aliases: frozenset[str]
) -> list[tuple[_Path, bool]]:
    """The paths after one statement, each with whether it finished the round."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _Unsure
    if isinstance(stmt, _SCOPES) or any(
        isinstance(n, ast.Yield | ast.YieldFrom | ast.Await | ast.Lambda) for n in ast.walk(stmt)
    ):
        raise _Unsure  # a closure or a generator: what changes, and when, is not local
    if isinstance(stmt, ast.Try | ast.TryStar | ast.Match | ast.Global | ast.Nonlocal):
        raise _Unsure
    if isinstance(stmt, ast.Continue):
        return [(path, True)]
    if isinstance(stmt, ast.Break | ast.Return | ast.Raise):
        path.may_exit = True
        return [(path, True)]
    if isinstance(stmt, ast.If):
        results: list[tuple[_Path, bool]] = []
        for truth, branch in ((True, stmt.body), (False, stmt.orelse)):
            forked = path.fork()
            forked.steps.append((stmt, _changed_names(stmt.test, aliases)))
            forked.decisions.append((stmt.test, truth, stmt.lineno))
            results.extend(_paths(branch, forked, budget, aliases))
        return results
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, ast.Name)
        and stmt.value.id == stmt.targets[0].id
    ):
        return [(path, False)]  # `i = i` changes nothing
    path.steps.append((stmt, _changed_names(stmt, aliases)))
    # A nested loop or `with` counts as one step: everything it may change is changed, and a
    # way out of it (return, raise) is a way out of this loop too.
    if _exits(stmt):
        path.may_exit = True
        return [(path, True)]
    return [(path, False)]


# --------------------------------------------------------------------------- the condition


def _reads(test: ast.expr) -> _Reads | None:
    """The names a test reads, or None when it reads anything that could change on its own
    (an attribute, a call other than `len`/`abs`/`min`/`max`)."""
    bare: set[str] = set()
    through: set[str] = set()
    deep: set[str] = set()

    def contents(part: ast.expr) -> None:
        if isinstance(part, ast.Name):
            through.add(part.id)
        else:
            deep.update(_base_names(part))

    for node in ast.walk(test):
        if isinstance(node, ast.Attribute | ast.Await | ast.Yield | ast.NamedExpr):
            return None
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _PURE_CALLS):
                return None
            if node.keywords:
                return None
            for arg in node.args:
                contents(arg)
        elif isinstance(node, ast.Subscript):
            contents(node.value)
        elif isinstance(node, ast.Name) and node.id not in _PURE_CALLS:
            bare.add(node.id)
    return _Reads(frozenset(bare - through - deep), frozenset(through - deep), frozenset(deep))


def _names_in_order(test: ast.expr) -> list[str]:
    seen: list[str] = []
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and node.id not in _PURE_CALLS and node.id not in seen:
            seen.append(node.id)
    return seen


def _bounds(test: ast.expr) -> tuple[str, str, bool] | None:
    """(low name, high name, whether equal bounds still loop) for `lo < hi`, `lo <= hi`,
    `hi > lo` or `hi >= lo`."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if not (isinstance(left, ast.Name) and isinstance(right, ast.Name)):
        return None
    if isinstance(op, ast.Lt | ast.LtE):
        return left.id, right.id, isinstance(op, ast.LtE)
    if isinstance(op, ast.Gt | ast.GtE):
        return right.id, left.id, isinstance(op, ast.GtE)
    return None


def _midpoint(value: ast.expr, low: str, high: str) -> str | None:
    """The rounding of a midpoint: "floor" for `(lo + hi) // 2` or `lo + (hi - lo) // 2`; "ceil" with a `+ 1` before halving."""
    text = ast.unparse(value).replace(" ", "")
    for a, b in ((low, high), (high, low)):
        if text in (f"({a}+{b})//2", f"({a}+{b})>>1", f"{low}+({high}-{low})//2"):
            return "floor"
        if text in (f"({a}+{b}+1)//2", f"({a}+{b}+1)>>1", f"{low}+({high}-{low}+1)//2"):
            return "ceil"
    return None


@dataclass(frozen=True)
class _Stall:
    """A bound set to a midpoint that can equal it: `lo = mid` on line `line`."""

    bound: str
    mid: str
    mid_text: str
    line: int
    when: str  # when the assignment leaves the bound where it was, in words
    old: str  # the statement to change: `lo = mid`, or the midpoint `mid = (lo + hi) // 2`
    fix: str  # what to write instead: `lo = mid + 1`, or `mid = (lo + hi + 1) // 2`
    rounds: bool  # the fix rounds the midpoint the other way (mid may still be the answer)


def _stall(path: _Path, loop: ast.While, reads: _Reads) -> _Stall | None:
    """The midpoint assignment that can leave a bound as it was, when it is all the path moves."""
    bounds = _bounds(loop.test)
    if bounds is None:
        return None
    low, high, inclusive = bounds
    mids: dict[str, tuple[str, str]] = {}
    found: _Stall | None = None
    harmless: list[ast.stmt] = []  # the midpoint and the stalling assignments themselves
    for stmt, _ in path.steps:
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            continue
        target, value = stmt.targets[0].id, stmt.value
        rounding = _midpoint(value, low, high)
        if rounding is not None and target not in (low, high):
            mids[target] = (rounding, ast.unparse(value))
            harmless.append(stmt)
            continue
        if target in (low, high) and isinstance(value, ast.Name) and value.id in mids:
            rounding, mid_text = mids[value.id]
            is_low = target == low
            # Rounded down, `mid == lo` once hi is lo + 1 (and `mid == hi` only when lo == hi);
            # rounded up, the other way round.
            if (rounding == "floor") == is_low:
                when = f"`{high}` is `{low} + 1`" + (f" or equal to `{low}`" if inclusive else "")
            elif inclusive:
                when = f"`{low}` and `{high}` are equal"
            else:
                return None  # this assignment always moves the bound: the path makes progress
            harmless.append(stmt)
            if found is None:
                found = _stall_fix(path, stmt, target, value.id, mid_text, is_low, inclusive)
                found = dataclasses.replace(found, when=when)
    if found is None:
        return None
    # Everything else on the path must leave what the tests read alone (the midpoint is worked
    # out again from the same bounds, so it comes out the same).
    others = reads.without(set(mids))
    return None if path.changes(others, harmless) else found


def _stall_fix(
    path: _Path,
    assign: ast.Assign,
    bound: str,
    mid: str,
    mid_text: str,
    is_low: bool,
    inclusive: bool,
) -> _Stall:
    """The fix for `bound = mid`: step past the midpoint when the branch has ruled `mid` out
    (`xs[mid] < target`), else (`mid * mid <= n`) round the midpoint the other way, so that it
    never equals this bound; with `lo <= hi` only stepping past it ends the loop."""
    old = f"{bound} = {mid}"
    past = f"{bound} = {mid} + 1" if is_low else f"{bound} = {mid} - 1"
    line = assign.lineno
    if inclusive or not _may_be_answer(path, assign):
        return _Stall(bound, mid, mid_text, line, "", old, past, rounds=False)
    halved = mid_text.replace(" // 2", "").replace(" >> 1", "")
    if is_low and halved.startswith("(") and halved.endswith(")"):
        rounded = f"{halved[:-1]} + 1) // 2"  # (lo + hi) // 2 -> (lo + hi + 1) // 2
    elif is_low:
        return _Stall(bound, mid, mid_text, line, "", old, past, rounds=False)
    else:
        rounded = mid_text.replace(" + 1)", ")", 1)
    return _Stall(bound, mid, mid_text, line, "", f"{mid} = {mid_text}", f"{mid} = {rounded}", True)


def _may_be_answer(path: _Path, assign: ast.Assign) -> bool:
    """The last test before `assign` lets `mid` through on equality (`<=`, or the `else` of
    `<`), so `mid` may still be what the search is after."""
    decisions = [d for d in path.decisions if d[2] <= assign.lineno]
    if not decisions:
        return False
    test, truth, _ = decisions[-1]
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    op = test.ops[0]
    strict = isinstance(op, ast.Lt | ast.Gt)
    loose = isinstance(op, ast.LtE | ast.GtE)
    return (truth and loose) or (not truth and strict)


# --------------------------------------------------------------------------- the check


def _check_endless_loops(ctx: _Context) -> Iterator[Finding]:
    declared = {
        name
        for node in ctx.nodes
        if isinstance(node, ast.Global | ast.Nonlocal)
        for name in node.names
    }
    for loop in ctx.nodes:
        if isinstance(loop, ast.While) and _is_bounded_test(loop.test):
            finding = _loop_finding(ctx, loop, declared)
            if finding is not None:
                yield finding


def _is_bounded_test(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and all(isinstance(op, _ORDERING) for op in test.ops)
        and _reads(test) is not None
    )


def _loop_finding(ctx: _Context, loop: ast.While, declared: set[str]) -> Finding | None:
    condition = _reads(loop.test)
    if condition is None or not condition.names or condition.names & declared:
        return None  # nothing to change, or names another scope may change
    fn = ctx.scope_of(loop)
    if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
        return None  # at module level any call could rebind the names
    if (condition.through | condition.deep) & _shared(fn, loop):
        return None  # another thread, a callback or a signal handler may change the object
    try:
        paths = [p for p, _ in _paths(loop.body, _Path(), [_MAX_PATHS * 4], _aliases(fn))]
    except _Unsure:
        return None
    if len(paths) > _MAX_PATHS:
        return None
    constants = _constant_values(fn)
    rounds: list[tuple[_Path, _Reads]] = []
    for path in paths:
        tests = [_reads(test) for test, _, _ in path.decisions]
        if path.may_exit or any(t is None for t in tests):
            continue
        if len(path.decisions) > _MAX_DECISIONS or _impossible(path, constants):
            continue  # a path through many tests may be one no input takes
        reads = condition
        for t in tests:
            reads = reads | (t or _NO_READS)
        if not path.changes(reads):
            return _unchanged_finding(ctx, loop, path, condition, paths)
        rounds.append((path, reads))
    stalls = [(path, stall) for path, reads in rounds if (stall := _stall(path, loop, reads))]
    if stalls:
        return _stall_finding(ctx, loop, stalls)
    return None


_SAFE_CALLS = frozenset(
    [
        "len", "abs", "min", "max", "sum", "sorted", "range", "enumerate", "list", "tuple",
        "set", "str", "int", "float", "bool", "print", "isinstance", "reversed", "zip", "repr",
    ]
)  # fmt: skip


def _shared(fn: _FunctionNode, loop: ast.While) -> set[str]:
    """Names whose objects code outside the loop may hold too: read in a nested function
    (a callback, a thread's target, a signal handler) or handed to a call before the loop."""
    inside = {id(n) for n in ast.walk(loop)}
    shared: set[str] = set()
    for node in ast.walk(fn):
        if node is fn:
            continue
        if isinstance(node, _SCOPES):
            shared.update(_base_names(node))
        elif (
            isinstance(node, ast.Call)
            and id(node) not in inside
            and _call_name(node) not in _SAFE_CALLS
        ):
            for part in [*node.args, *(k.value for k in node.keywords)]:
                shared.update(_base_names(part))
    return shared


def _aliases(fn: _FunctionNode) -> frozenset[str]:
    """Local names bound to something callable the code did not define: `pop = q.popleft`."""
    names: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute | ast.Name):
            names.update(_base_names(ast.Tuple(elts=node.targets, ctx=ast.Store())))
        elif isinstance(node, ast.arg):
            names.add(node.arg)  # a parameter may be a callback
    return frozenset(names)


def _constant_values(fn: _FunctionNode) -> dict[str, set[Any]]:
    """Locals only ever assigned constants (`flag = 0`, `flag = 1`): the values they can hold."""
    values: dict[str, set[Any]] = {}
    other: set[str] = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    for node in ast.walk(fn):
        pairs = _assigned_pairs(node)
        if pairs is not None:
            for name, value in pairs:
                if isinstance(value, ast.Constant):
                    values.setdefault(name, set()).add(value.value)
                else:
                    other.add(name)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.For | ast.With):
            targets = node.targets if isinstance(node, ast.Assign) else [node]
            for target in targets:
                other.update(
                    n.id
                    for n in ast.walk(target)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                )
        elif isinstance(node, ast.NamedExpr | ast.comprehension):
            other.update(_base_names(node.target))
    return {name: found for name, found in values.items() if name not in other}


def _assigned_pairs(node: ast.AST) -> list[tuple[str, ast.expr]] | None:
    """(name, value) for `name = value` and `a, b = 1, 2`; None for any other statement."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
        return None
    target, value = node.targets[0], node.value
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if (
        isinstance(target, ast.Tuple)
        and isinstance(value, ast.Tuple)
        and len(target.elts) == len(value.elts)
        and all(isinstance(e, ast.Name) for e in target.elts)
    ):
        return [
            (e.id, v)
            for e, v in zip(target.elts, value.elts, strict=True)
            if isinstance(e, ast.Name)
        ]
    return None


def _impossible(path: _Path, constants: dict[str, set[Any]]) -> bool:
    """The path needs a value its variable never holds (`flag` is 0 or 1, and the path has
    `flag == 0` and `flag == 1` both false)."""
    excluded: dict[str, set[Any]] = {}
    for test, truth, _ in path.decisions:
        if not (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq | ast.NotEq)
            and isinstance(test.left, ast.Name)
            and isinstance(test.comparators[0], ast.Constant)
            and test.left.id in constants
        ):
            continue
        name, value = test.left.id, test.comparators[0].value
        equal = truth == isinstance(test.ops[0], ast.Eq)
        if equal and value not in constants[name]:
            return True
        if not equal:
            excluded.setdefault(name, set()).add(value)
    return any(constants[name] <= values for name, values in excluded.items())


def _when(ctx: _Context, path: _Path) -> str:
    """The branch decisions of a path, in words: "when `x > 0` and `y == 1` is false"."""
    words = []
    for test, truth, _ in path.decisions:
        text = f"`{_short(ctx.text(test), 40)}`"
        words.append(text if truth else f"{text} is false")
    return "when " + _join(words) if words else "in every round"


def _unchanged_finding(
    ctx: _Context, loop: ast.While, path: _Path, condition: _Reads, paths: list[_Path]
) -> Finding:
    shown = ctx.text(loop.test)
    names = _join([f"`{n}`" for n in _names_in_order(loop.test)], "or")
    if not any(p.changes(condition) for p in paths):
        what = (
            f"nothing in the loop changes {names}, so once `{shown}` holds it holds forever and "
            "the loop never ends"
        )
        fix = "change one of them in the body (or loop over a `range(...)` with `for` instead)"
    else:
        what = (
            f"{_when(ctx, path)}, the round {_changes_none(_names_in_order(loop.test))} (nor "
            "anything its tests read), so the next round takes the same branch with the same "
            "values, and so on forever"
        )
        step = _augmented(loop, condition)
        moved = f" (`{step}`)" if step else ""
        fix = f"make that branch move the loop on too{moved}, or leave the loop there with `break`"
    return Finding(
        loop.lineno,
        "endless-loop",
        f"Line {loop.lineno}: this `while {shown}` loop can run forever: {what}."
        f"{_example(ctx, loop)} To fix it, {fix}.",
    )


def _changes_none(names: list[str]) -> str:
    shown = [f"`{n}`" for n in names]
    if len(shown) == 1:
        return f"does not change {shown[0]}"
    if len(shown) == 2:
        return f"changes neither {shown[0]} nor {shown[1]}"
    return f"changes none of {_join(shown, 'or')}"


def _augmented(loop: ast.While, condition: _Reads) -> str | None:
    """`i += 1` (or another change of a name the condition reads) written somewhere in the loop."""
    for node in _own_nodes(loop.body):
        if (
            isinstance(node, ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id in condition.names
        ):
            return ast.unparse(node)
    return None


def _stall_finding(ctx: _Context, loop: ast.While, stalls: list[tuple[_Path, _Stall]]) -> Finding:
    path, stall = stalls[0]
    branch = f" (it runs {_when(ctx, path)})" if path.decisions else ""
    fixes = _unique_fixes([s for _, s in stalls])
    fixed = _fix_ends(ctx, loop, fixes)
    after = " With that, the range shrinks every round, so the loop ends." if fixed else ""
    shown = " and ".join(f"`{fix}`" for fix in fixes.values())
    if stall.rounds:
        advice = (
            f"`{stall.mid}` may still be the answer in that branch, so keep `{stall.bound} = "
            f"{stall.mid}` and round the midpoint the other way instead: {shown}, which is never "
            f"`{stall.bound}` while `{ctx.text(loop.test)}`."
        )
    else:
        bounds = "bound" if len(fixes) == 1 else "bounds"
        advice = f"Move the {bounds} past the midpoint: {shown}."
    return Finding(
        loop.lineno,
        "endless-loop",
        f"Line {loop.lineno}: this `while {ctx.text(loop.test)}` loop can run forever. When "
        f"{stall.when}, `{stall.mid} = {_short(stall.mid_text, 30)}` is `{stall.bound}` itself, "
        f"so `{stall.bound} = {stall.mid}` on line {stall.line}{branch} leaves `{stall.bound}` "
        "where it was: nothing changes, the next round does the same, and the loop never ends."
        f"{_example(ctx, loop)} {advice}{after}",
    )


def _unique_fixes(stalls: list[_Stall]) -> dict[str, str]:
    """`lo = mid` -> `lo = mid + 1` (or the midpoint rounded up) for each stall, in order."""
    fixes: dict[str, str] = {}
    for stall in stalls:
        fixes.setdefault(stall.old, stall.fix)
    return fixes


# --------------------------------------------------------------------------- a concrete example


def _example(ctx: _Context, loop: ast.While) -> str:
    """A sentence tracing a hanging input ("For example, with `xs = [10, 20]` ..."), or ""."""
    fn = ctx.scope_of(loop)
    if not isinstance(fn, ast.FunctionDef):
        return ""
    found = hanging_input(fn, loop)
    if found is None:
        return ""
    args, stuck = found
    given = _join([f"`{name} = {value!r}`" for name, value in args.items()])
    state = dict(stuck.state)
    names = [n for n in _names_in_order(loop.test) if n in state]
    moving = [n for n in names if n not in args] or names
    start = _join([f"`{name}` at {state[name]!r}" for name in moving])
    steps = [
        f"`{_short(text, 40)}` sets `{name}` to {after!r}{' again' if before == after else ''}"
        for text, name, before, after in stuck.round_sets
    ]
    during = (
        f", in which {_join(steps, 'and then')}"
        if steps
        else ", in which nothing the loop tests changes"
    )
    return (
        f" For example, with {given} the loop comes to a round that starts with {start}{during}: "
        "every round after it is the same one."
    )


def _fix_ends(ctx: _Context, loop: ast.While, fixes: dict[str, str]) -> bool:
    """True when the suggested fixes make the loop end on every sample input a trace can follow."""
    fn = ctx.scope_of(loop)
    if not isinstance(fn, ast.FunctionDef):
        return False
    fixed = ast.parse(ast.unparse(fn)).body[0]
    if not isinstance(fixed, ast.FunctionDef):
        return False
    loops = [n for n in ast.walk(fixed) if isinstance(n, ast.While)]
    original = [n for n in ast.walk(fn) if isinstance(n, ast.While)]
    if len(loops) != len(original):
        return False
    watched = loops[original.index(loop)]
    for block in ast.walk(watched):
        for name in ("body", "orelse"):
            stmts = getattr(block, name, None)
            if not isinstance(stmts, list):
                continue
            for index, stmt in enumerate(stmts):
                if isinstance(stmt, ast.Assign) and ast.unparse(stmt) in fixes:
                    stmts[index] = ast.parse(fixes[ast.unparse(stmt)]).body[0]
    results = [trace(fixed, watched, args) for args in samples(fixed)]
    followed = [r for r in results if r is not None]
    return bool(followed) and all(r == "ends" for r in followed)


LOOP_CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (_check_endless_loops,)

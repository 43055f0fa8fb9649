"""Bugs people describe by what they see, not by name, found in pasted code.

"Why does this print the same number 5 times?", "the result is like 137000 instead of 200000",
"my loop skips the last element", "passes locally but fails in CI 1 in 5 runs": each question
pastes code with a classic bug in it and asks about its symptom. A reply that walks through
the code line by line, or says it found none of the usual slips, answers a question nobody
asked. These checks find four such bugs in the code itself:

- late-binding: a `lambda` (or nested `def`) made in a loop or comprehension that reads the
  loop variable when called, so every function sees its last value;
- unlocked-shared-update: `x += 1` on a global, a nonlocal or an attribute in code that starts
  threads, outside any `with <lock>:`, so concurrent updates are lost;
- range-misses-last: `for i in range(..., len(xs) - 1)` whose body reads `xs[i]` but never
  `xs[i + 1]`, so the last item is never visited;
- sleep-at-boundary: a test that sleeps exactly a duration it also configures (`ttl=0.1` then
  `time.sleep(0.1)`), so it races the clock and fails now and then;
- sleep-for-thread: a test that starts a thread (or process, or timer) and sleeps instead of
  waiting for it, so a slow machine asserts before the work is done.

Each is a `Finding` like review's others; review lists them with the rest.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from labkit.sim.replies.reader.checks import Finding, _Context
from labkit.sim.replies.reader.source import _is_name, _own_nodes

_THREAD_STARTERS = frozenset(
    {
        "threading.Thread",
        "concurrent.futures.ThreadPoolExecutor",
        "ThreadPoolExecutor",
        "Thread",
        "multiprocessing.pool.ThreadPool",
    }
)
_SLEEPS = frozenset({"time.sleep", "sleep"})


def _loop_targets(node: ast.AST) -> set[str]:
    """The names a loop or comprehension binds on each turn."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.For | ast.AsyncFor):
        targets = [node.target]
    elif isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
        targets = [g.target for g in node.generators]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _parameters(fn: ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = fn.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    return {a.arg for a in every}


def _check_late_binding(ctx: _Context) -> Iterator[Finding]:
    for loop in ctx.nodes:
        names = _loop_targets(loop)
        if not names:
            continue
        body: list[ast.AST]
        if isinstance(loop, ast.For | ast.AsyncFor):
            body = list(loop.body)
        else:
            part = getattr(loop, "elt", None) or getattr(loop, "value", None)
            body = [part] if isinstance(part, ast.AST) else []
        for node in _own_nodes(body):
            if not isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            roots: list[ast.AST] = [node.body] if isinstance(node, ast.Lambda) else list(node.body)
            read = {
                n.id
                for root in roots
                for n in ast.walk(root)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            }
            late = sorted((read & names) - _parameters(node))
            if not late:
                continue
            name = late[0]
            what = "`lambda`" if isinstance(node, ast.Lambda) else f"`{node.name}`"
            if isinstance(node, ast.Lambda):
                bind = f"lambda {name}={name}: ..."
            else:
                bind = f"def {node.name}(..., {name}={name}): ..."
            yield Finding(
                node.lineno,
                "late-binding",
                f"Line {node.lineno}: the {what} made in the loop reads `{name}` when it is called, "
                f"not when it is made, so every one of them sees the last value of `{name}` (Python "
                f"closures bind late). Bind the current value as a default, `{bind}`, or build the "
                "function with `functools.partial`.",
            )
            return


def _starts_threads(ctx: _Context) -> bool:
    if ctx.threaded:
        return True
    return any(
        isinstance(n, ast.Call) and ctx.resolve(n) in _THREAD_STARTERS for n in ctx.nodes
    ) or any(m.startswith("threading") or m.startswith("concurrent") for m in ctx.imported)


def _under_lock(ctx: _Context, node: ast.AST) -> bool:
    current = ctx.parents.get(node)
    while current is not None:
        if isinstance(current, ast.With | ast.AsyncWith):
            return True  # `with lock:` (or any context manager guarding the block)
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        current = ctx.parents.get(current)
    return False


def _shared_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return {
        name
        for node in _own_nodes(fn.body)
        if isinstance(node, ast.Global | ast.Nonlocal)
        for name in node.names
    }


def _check_unlocked_shared_update(ctx: _Context) -> Iterator[Finding]:
    if not _starts_threads(ctx):
        return
    for fn in ctx.nodes:
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        shared = _shared_names(fn)
        for node in _own_nodes(fn.body):
            if not isinstance(node, ast.AugAssign) or _under_lock(ctx, node):
                continue
            target = node.target
            is_shared = (isinstance(target, ast.Name) and target.id in shared) or isinstance(
                target, ast.Attribute
            )
            if not is_shared:
                continue
            code = ctx.text(node).strip()
            yield Finding(
                node.lineno,
                "unlocked-shared-update",
                f"Line {node.lineno}: `{code}` is a read, a change and a write, and the threads run "
                "it at the same time: two of them can read the same old value, and one update is "
                "lost (a race condition), which is why the total comes out short and differs from "
                "run to run. The GIL does not prevent it: it lets one thread run Python bytecode at a "
                "time, but it can switch threads between the bytecodes that make up `+=`. Guard it with a lock (`lock = threading.Lock()` once, then "
                f"`with lock: {code}`), or let each thread count on its own and add the counts "
                "at the end.",
            )
            return


def _len_minus_one(node: ast.expr) -> str | None:
    """`xs` when `node` is `len(xs) - 1`."""
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Sub)
        and isinstance(node.right, ast.Constant)
        and node.right.value == 1
        and isinstance(node.left, ast.Call)
        and _is_name(node.left.func, "len")
        and len(node.left.args) == 1
        and isinstance(node.left.args[0], ast.Name)
    ):
        return node.left.args[0].id
    return None


def _offsets(body: list[ast.stmt], seq: str, index: str) -> set[int]:
    """The offsets k of the `seq[index + k]` the loop body reads (`seq[index]` is 0)."""
    found: set[int] = set()
    for node in _own_nodes(body):
        if not (isinstance(node, ast.Subscript) and _is_name(node.value, seq)):
            continue
        key = node.slice
        if _is_name(key, index):
            found.add(0)
        elif (
            isinstance(key, ast.BinOp)
            and _is_name(key.left, index)
            and isinstance(key.right, ast.Constant)
            and isinstance(key.right.value, int)
        ):
            found.add(key.right.value if isinstance(key.op, ast.Add) else -key.right.value)
    return found


def _check_range_misses_last(ctx: _Context) -> Iterator[Finding]:
    for loop in ctx.nodes:
        if not (
            isinstance(loop, ast.For)
            and isinstance(loop.target, ast.Name)
            and isinstance(loop.iter, ast.Call)
            and _is_name(loop.iter.func, "range")
            and 1 <= len(loop.iter.args) <= 2
        ):
            continue
        seq = _len_minus_one(loop.iter.args[-1])
        if seq is None:
            continue
        offsets = _offsets(loop.body, seq, loop.target.id)
        if not offsets or max(offsets) > 0:
            continue  # reading `xs[i + 1]` needs the stop at len - 1: no bug
        yield Finding(
            loop.lineno,
            "range-misses-last",
            f"Line {loop.lineno}: `{ctx.text(loop.iter)}` stops before `len({seq}) - 1`, so the "
            f"last item, `{seq}[len({seq}) - 1]`, is never visited; the loop only reads "
            f"`{seq}[{loop.target.id}]` and earlier items, so its stop should be `len({seq})` "
            f"(an off-by-one error). A test with the interesting item last catches it.",
        )
        return


def _number(node: ast.AST) -> float | None:
    """The value of an int or float literal (not a bool), else None."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(str(node.value))
    return None


def _numbers(node: ast.AST) -> dict[float, int]:
    """Numeric literals in `node` other than 0 and 1, with the line of the first of each."""
    seen: dict[float, int] = {}
    for n in ast.walk(node):
        value = _number(n)
        if value is not None and value not in (0.0, 1.0):
            seen.setdefault(value, getattr(n, "lineno", 0))
    return seen


def _check_sleep_at_boundary(ctx: _Context) -> Iterator[Finding]:
    for fn in ctx.nodes:
        if not (
            isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) and fn.name.startswith("test")
        ):
            continue
        sleeps = [
            n
            for n in _own_nodes(fn.body)
            if isinstance(n, ast.Call)
            and ctx.resolve(n) in _SLEEPS
            and len(n.args) == 1
            and _number(n.args[0]) is not None
        ]
        for sleep in sleeps:
            wait = _number(sleep.args[0])
            others = {
                value: line
                for statement in fn.body
                if statement.lineno < sleep.lineno
                for value, line in _numbers(statement).items()
            }
            if wait not in others:
                continue
            yield Finding(
                sleep.lineno,
                "sleep-at-boundary",
                f"Line {sleep.lineno}: the test sleeps `{ctx.text(sleep)}`, exactly the duration it "
                f"set on line {others[wait]}, so whether the time has passed when it checks is a "
                "race with the clock: a little scheduling delay (common on busy CI machines) or "
                "timer rounding flips the result, which is why it fails now and then. Give the code "
                "a clock the test controls (pass `now` in, or freeze time) and move it past the "
                "boundary explicitly; if it must sleep, sleep well past it.",
            )
            return


_WORKERS = frozenset(
    {
        "threading.Thread",
        "threading.Timer",
        "Thread",
        "Timer",
        "multiprocessing.Process",
        "Process",
    }
)


def _check_sleep_for_thread(ctx: _Context) -> Iterator[Finding]:
    for fn in ctx.nodes:
        if not (
            isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) and fn.name.startswith("test")
        ):
            continue
        calls = [n for n in _own_nodes(fn.body) if isinstance(n, ast.Call)]
        started = [n for n in calls if ctx.resolve(n) in _WORKERS]
        if not started:
            continue
        first = min(n.lineno for n in started)
        joins = any(
            isinstance(n.func, ast.Attribute) and n.func.attr in ("join", "wait", "result")
            for n in calls
        )
        sleeps = [n for n in calls if ctx.resolve(n) in _SLEEPS and n.lineno > first]
        if not sleeps or joins:
            continue
        sleep = sleeps[0]
        yield Finding(
            sleep.lineno,
            "sleep-for-thread",
            f"Line {sleep.lineno}: the test starts a worker on line {first} and then sleeps "
            f"(`{ctx.text(sleep)}`) in the hope that it has finished: on a slow or busy machine "
            "(CI) it sometimes has not, and the assertion runs too early, which is why it fails now "
            "and then and never on your laptop. Wait for the work itself instead: `join()` the "
            "thread with a timeout, wait on a `threading.Event` or a `queue.get(timeout=...)` the "
            "worker sets, or poll the condition with a deadline.",
        )
        return


SYMPTOM_CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    _check_late_binding,
    _check_unlocked_shared_update,
    _check_range_misses_last,
    _check_sleep_at_boundary,
    _check_sleep_for_thread,
)

"""Checks for code that works on the happy path and fails badly off it: calls that can hang
forever, input checks that `python -O` deletes, retry loops that never give up.

Like the checks in checks.py, each names its line, says what goes wrong, says what to write
instead, and stays quiet on the safe form (a `timeout=`, a raised exception, a bounded loop).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from labkit.sim.replies.reader.checks import Finding, _Context
from labkit.sim.replies.reader.source import (
    _NO_RETURN_CALLS,
    _SCOPES,
    _call_name,
    _dotted,
    _FunctionNode,
    _own_nodes,
    _short,
)

# --------------------------------------------------------------------------- HTTP without timeout

_REQUESTS_CALLS = frozenset(
    f"requests.{verb}"
    for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")
)
_SESSION_METHODS = frozenset(
    ["get", "post", "put", "patch", "delete", "head", "options", "request"]
)
_SESSION_FACTORIES = frozenset(
    ["requests.Session", "requests.session", "requests.sessions.Session"]
)


def _sessions(ctx: _Context) -> set[str]:
    """Names (or `self.x` attributes) bound to a requests session, which has no default timeout."""
    names: set[str] = set()
    for node in ctx.nodes:
        if isinstance(node, ast.Assign) and ctx.resolve(node.value) in _SESSION_FACTORIES:
            names.update(n for t in node.targets if (n := _dotted(t)))
        elif (
            isinstance(node, ast.withitem) and ctx.resolve(node.context_expr) in _SESSION_FACTORIES
        ):
            target = _dotted(node.optional_vars) if node.optional_vars is not None else None
            if target:
                names.add(target)
    return names


def _with_timeout(ctx: _Context, call: ast.Call) -> str:
    text = ctx.text(call)
    if "\n" in text or not text.endswith(")") or len(text) > 70:
        return "requests.get(url, timeout=10)"
    return text[:-1] + (", timeout=10)" if call.args or call.keywords else "timeout=10)")


def _check_http_timeout(ctx: _Context) -> Iterator[Finding]:
    sessions = _sessions(ctx)
    for call in ctx.nodes:
        if not isinstance(call, ast.Call):
            continue
        if any(k.arg in ("timeout", None) for k in call.keywords):
            continue  # a timeout, or `**kwargs` that may carry one
        name = ctx.resolve(call) or ""
        on_session = (
            isinstance(call.func, ast.Attribute)
            and call.func.attr in _SESSION_METHODS
            and _dotted(call.func.value) in sessions
        )
        if name in _REQUESTS_CALLS or on_session:
            why = "requests waits for an answer without any limit by default"
        elif name == "urllib.request.urlopen" and len(call.args) < 3:
            why = "`urlopen` then uses the global socket timeout, which is no limit unless something set one"
        else:
            continue
        yield Finding(
            call.lineno,
            "http-no-timeout",
            f"Line {call.lineno}: `{_short(ctx.text(call), 50)}` has no `timeout=`, and {why}, so a server "
            f"that stops answering hangs this call (and everything waiting on it); pass one: "
            f"`{_with_timeout(ctx, call)}`.",
        )


# --------------------------------------------------------------------------- assert as validation

_INVERSE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


def _failing_condition(ctx: _Context, test: ast.expr) -> tuple[str, str]:
    """The condition under which the assert fails, as code, and the exception to raise then."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _INVERSE:
        inverse = _INVERSE[type(test.ops[0])]()
        return ctx.pair(test.left, inverse, test.comparators[0]), "ValueError"
    if isinstance(test, ast.Call) and _call_name(test) == "isinstance":
        return f"not {ctx.text(test)}", "TypeError"
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return ctx.text(test.operand), "ValueError"
    if isinstance(test, ast.Name | ast.Attribute | ast.Call):
        return f"not {ctx.text(test)}", "ValueError"
    return f"not ({ctx.text(test)})", "ValueError"


def _validates_input(test: ast.expr, fn: _FunctionNode) -> bool:
    """The assert tests the function's parameters and nothing it computed itself."""
    params = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}
    params -= {"self", "cls"}
    if fn.args.vararg:
        params.add(fn.args.vararg.arg)
    if fn.args.kwarg:
        params.add(fn.args.kwarg.arg)
    local = {
        n.id
        for n in _own_nodes(fn.body)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    return bool(names & params) and not (names & (local - params))


def _leading(stmt: ast.stmt, fn: _FunctionNode) -> bool:
    """`stmt` is among the checks a function opens with (asserts and `if ...: raise`)."""
    for first in fn.body:
        if first is stmt:
            return True
        docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        guard = isinstance(first, ast.If) and any(isinstance(s, ast.Raise) for s in first.body)
        if not (docstring or guard or isinstance(first, ast.Assert)):
            return False
    return False


def _check_assert_validation(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes:
        if not isinstance(node, ast.Assert) or isinstance(node.test, ast.Tuple | ast.Constant):
            continue  # a tuple is assert-tuple's finding; `assert False` marks a can't-happen
        fn = ctx.scope_of(node)
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if fn.name.startswith("_") or ctx.in_test_code(node):
            continue  # a private helper's asserts document what its callers guarantee
        if not _validates_input(node.test, fn) or not _leading(node, fn):
            continue  # later asserts narrow types or state invariants; only the opening ones validate
        condition, error = _failing_condition(ctx, node.test)
        message = ctx.text(node.msg) if node.msg is not None else '"..."'
        fix = _short(f"if {condition}: raise {error}({message})", 90)
        yield Finding(
            node.lineno,
            "assert-validation",
            f"Line {node.lineno}: `{_short('assert ' + ctx.text(node.test), 50)}` checks the input of "
            f"`{fn.name}`, but Python drops every `assert` when run with `-O`, so bad input then goes "
            f"straight through; raise an exception instead: `{fix}`.",
        )


# --------------------------------------------------------------------------- endless retry

_SLEEPS = frozenset(["time.sleep", "asyncio.sleep", "sleep", "trio.sleep", "gevent.sleep"])


def _leaves(node: ast.AST, in_inner_loop: bool) -> bool:
    if isinstance(node, ast.Return | ast.Raise):
        return True
    if isinstance(node, ast.Break):
        return not in_inner_loop  # a nested loop's `break` leaves only that loop
    return isinstance(node, ast.Call) and _call_name(node) in _NO_RETURN_CALLS


def _retry_exits(loop: ast.While) -> tuple[bool, bool]:
    """(the loop leaves when the attempt succeeds, it can leave when attempts keep failing).

    The success path is a `try` body (and its `else`): a `return` or `break` at its top level
    ends the retrying. Exits anywhere else, or under an `if` inside the `try` (a limit check
    such as `if attempt >= 5: raise`), are ways out when the failures go on.
    """
    on_success = False
    stack: list[tuple[ast.AST, bool, bool]] = [(n, False, False) for n in loop.body]
    while stack:
        node, inner, success = stack.pop()
        if isinstance(node, _SCOPES):
            continue  # a nested function's `return` is its own
        if _leaves(node, inner):
            if not success:
                return on_success, True
            on_success = True
            continue
        nested = inner or isinstance(node, ast.For | ast.AsyncFor | ast.While)
        if isinstance(node, ast.Try | ast.TryStar):
            stack.extend((n, nested, True) for n in [*node.body, *node.orelse])
            stack.extend((n, nested, success) for n in [*node.handlers, *node.finalbody])
            continue
        conditional = isinstance(node, ast.If | ast.While | ast.For | ast.AsyncFor | ast.Match)
        stack.extend((c, nested, success and not conditional) for c in ast.iter_child_nodes(node))
    return on_success, False


def _check_endless_retry(ctx: _Context) -> Iterator[Finding]:
    for loop in ctx.nodes:
        if not (
            isinstance(loop, ast.While)
            and isinstance(loop.test, ast.Constant)
            and bool(loop.test.value)
        ):
            continue
        if not any(isinstance(t, ast.Try | ast.TryStar) for t in _own_nodes(loop.body)):
            continue
        sleeps = [
            n
            for n in _own_nodes(loop.body)
            if isinstance(n, ast.Call) and (ctx.resolve(n) or "") in _SLEEPS
        ]
        if not sleeps:
            continue
        on_success, on_failure = _retry_exits(loop)
        if not on_success or on_failure:
            continue  # a worker loop meant to run forever, or a retry with a way out
        yield Finding(
            loop.lineno,
            "endless-retry",
            f"Line {loop.lineno}: this `while True` loop retries after every failure (it sleeps on line "
            f"{sleeps[0].lineno}) and nothing ever stops it, so a permanent error (a wrong URL, a bad "
            "password) keeps it retrying forever without a word; cap the attempts (`for attempt in "
            "range(5):`, raising after the last) and grow the wait (`time.sleep(2 ** attempt)`).",
        )


ROBUSTNESS_CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    _check_http_timeout,
    _check_assert_validation,
    _check_endless_retry,
)

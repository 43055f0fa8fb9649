"""`review`: real bugs and smells in pasted code, as `Finding`s, the most serious first.

The checks live in checks.py (bugs and smells), security.py (injection, unsafe loading, secrets)
robustness.py (hangs, stripped asserts, endless retries), symptoms.py (bugs users describe by
what they see: late binding, lost updates between threads, a range that misses the last item, a
test racing the clock) and loops.py (`while` loops that may never end); this runs them all, keeps at most
one finding per line and kind, and lists the security findings first: those are what a careful
reviewer raises before anything else, and a reply that names an unused variable before an SQL
injection reads as if it missed the point.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator

from labkit.sim.replies.reader.checks import _CHECKS, Finding, _Context
from labkit.sim.replies.reader.loops import LOOP_CHECKS
from labkit.sim.replies.reader.robustness import ROBUSTNESS_CHECKS
from labkit.sim.replies.reader.security import SECURITY_CHECKS, SECURITY_KINDS
from labkit.sim.replies.reader.source import _normalise, _parse, _safely
from labkit.sim.replies.reader.symptoms import SYMPTOM_CHECKS

ALL_CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    *SECURITY_CHECKS,
    *_CHECKS,
    *SYMPTOM_CHECKS,
    *ROBUSTNESS_CHECKS,
    *LOOP_CHECKS,
)


def review(source: str, *, threaded: bool = False) -> list[Finding]:
    """Real bugs and smells in the code, each with its line; [] if it does not parse.

    Security kinds, listed first: sql-injection, shell-injection, eval-injection,
    unsafe-deserialisation, tls-verify-disabled, hardcoded-secret, insecure-random. Then, by
    line: mutable-default, bare-except, swallowed-exception, none-comparison, literal-identity,
    range-len, shadowed-builtin, open-without-with, unreachable-code, implicit-none,
    mutating-while-iterating, float-equality, assert-tuple, fstring-no-placeholders,
    print-in-except, division-by-len, unused-parameter, unused-variable, late-binding,
    unlocked-shared-update, range-misses-last, sleep-at-boundary, sleep-for-thread,
    http-no-timeout, assert-validation, endless-retry, endless-loop. At most one finding per
    line and kind.
    `threaded` says the code runs in several threads even where it starts none itself (the
    question says so: "two threads increment a counter").
    """
    return _safely(lambda: _review(source, threaded), [])


def _review(source: str, threaded: bool) -> list[Finding]:
    tree = _parse(source)
    if tree is None:
        return []
    context = _Context(tree, textwrap.dedent(_normalise(source)))
    context.threaded = threaded
    findings: list[Finding] = []
    for check in ALL_CHECKS:
        findings.extend(check(context))
    unique: dict[tuple[int, str], Finding] = {}
    for finding in sorted(findings, key=_order):
        unique.setdefault((finding.line, finding.kind), finding)
    return list(unique.values())


def _order(finding: Finding) -> tuple[int, int, str]:
    return (0 if finding.kind in SECURITY_KINDS else 1, finding.line, finding.kind)

"""`review`: real bugs and smells in pasted code, as `Finding`s sorted by line.

The checks live in checks.py; this runs them all and keeps at most one finding per line and kind.
"""

from __future__ import annotations

import textwrap

from labkit.sim.replies.reader.checks import _CHECKS, Finding, _Context
from labkit.sim.replies.reader.source import _normalise, _parse, _safely


def review(source: str) -> list[Finding]:
    """Real bugs and smells in the code, each with its line; [] if it does not parse.

    Kinds: mutable-default, bare-except, swallowed-exception, none-comparison, literal-identity,
    range-len, shadowed-builtin, open-without-with, unreachable-code, implicit-none,
    mutating-while-iterating, float-equality, assert-tuple, fstring-no-placeholders,
    print-in-except, division-by-len, unused-parameter, unused-variable. Sorted by line, at
    most one finding per line and kind.
    """
    return _safely(lambda: _review(source), [])


def _review(source: str) -> list[Finding]:
    tree = _parse(source)
    if tree is None:
        return []
    context = _Context(tree, textwrap.dedent(_normalise(source)))
    findings: list[Finding] = []
    for check in _CHECKS:
        findings.extend(check(context))
    unique: dict[tuple[int, str], Finding] = {}
    for finding in sorted(findings, key=lambda f: (f.line, f.kind)):
        unique.setdefault((finding.line, finding.kind), finding)
    return list(unique.values())

"""The regular-expression subset structured outputs accept in `pattern`, and sampling from it.

Simple patterns compile into the grammar; the docs list what is refused (backreferences,
lookaround, word boundaries, named groups, large repeat ranges). `pattern_problem` says why a
pattern is refused, `sample_pattern` draws a string the pattern matches.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

_LARGEST_REPEAT = 1000  # docs: "complex {n,m} quantifiers with large ranges" are refused

# A parsed pattern is a tree of tuples: ("seq", [..]), ("alt", [..]), ("chars", str),
# ("not", str) for a negated class, ("rep", node, low, high or -1), ("empty",) for anchors.
_Node = tuple[Any, ...]
_DIGITS = "0123456789"
_WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + _DIGITS + "_"
_PRINTABLE = _WORD + " -.,:;!?@#%&+=/"
_CLASS_ESCAPES = {"d": _DIGITS, "w": _WORD, "s": " "}
_LITERAL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}


class _PatternError(ValueError):
    pass


def pattern_problem(pattern: object) -> str | None:
    if not isinstance(pattern, str):
        return "a pattern must be a string"
    try:
        re.compile(pattern)
        parse_pattern(pattern)
    except re.error as exc:
        return f"invalid regular expression ({exc})"
    except _PatternError as exc:
        return str(exc)
    return None


def parse_pattern(pattern: str) -> _Node:
    node, end = _parse_alt(pattern, 0)
    if end != len(pattern):
        raise _PatternError("unbalanced parenthesis")
    return node


def _parse_alt(p: str, i: int) -> tuple[_Node, int]:
    branches = []
    seq, i = _parse_seq(p, i)
    branches.append(seq)
    while i < len(p) and p[i] == "|":
        seq, i = _parse_seq(p, i + 1)
        branches.append(seq)
    return (("alt", branches) if len(branches) > 1 else branches[0]), i


def _parse_seq(p: str, i: int) -> tuple[_Node, int]:
    items: list[_Node] = []
    while i < len(p) and p[i] not in "|)":
        atom, i = _parse_atom(p, i)
        atom, i = _parse_quantifier(p, i, atom)
        items.append(atom)
    return ("seq", items), i


def _parse_atom(p: str, i: int) -> tuple[_Node, int]:
    c = p[i]
    if c == "(":
        if p.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            raise _PatternError("lookahead/lookbehind assertions are not supported")
        start = i + 3 if p.startswith("(?:", i) else i + 1
        if p.startswith("(?", i) and start == i + 1:
            raise _PatternError("only plain and non-capturing groups are supported")
        inner, i = _parse_alt(p, start)
        return inner, i + 1
    if c == "[":
        return _parse_class(p, i + 1)
    if c == ".":
        return ("chars", _WORD[:26]), i + 1
    if c in "^$":
        return ("empty",), i + 1
    if c == "\\":
        e = p[i + 1]
        if e in "bB":
            raise _PatternError("word boundaries are not supported")
        if e.isdigit():
            raise _PatternError("backreferences are not supported")
        if e.lower() in _CLASS_ESCAPES:
            chars = _CLASS_ESCAPES[e.lower()]
            return (("not", chars) if e.isupper() else ("chars", chars)), i + 2
        return ("chars", _LITERAL_ESCAPES.get(e, e)), i + 2
    return ("chars", c), i + 1


def _parse_class(p: str, i: int) -> tuple[_Node, int]:
    negated = p[i] == "^"
    i += negated
    chars: list[str] = []
    first = True
    while p[i] != "]" or first:
        first = False
        if p[i] == "\\":
            e = p[i + 1]
            chars.append(_CLASS_ESCAPES.get(e, _LITERAL_ESCAPES.get(e, e)))
            i += 2
        elif i + 2 < len(p) and p[i + 1] == "-" and p[i + 2] != "]":
            chars.extend(chr(c) for c in range(ord(p[i]), ord(p[i + 2]) + 1))
            i += 3
        else:
            chars.append(p[i])
            i += 1
    members = "".join(dict.fromkeys("".join(chars)))
    return (("not", members) if negated else ("chars", members)), i + 1


def _parse_quantifier(p: str, i: int, atom: _Node) -> tuple[_Node, int]:
    if i >= len(p):
        return atom, i
    c = p[i]
    if c in "*+?":
        low, high = {"*": (0, -1), "+": (1, -1), "?": (0, 1)}[c]
        i += 1
    elif c == "{" and (m := re.match(r"\{(\d+)(,(\d*))?\}", p[i:])):
        low = int(m.group(1))
        high = low if m.group(2) is None else (int(m.group(3)) if m.group(3) else -1)
        if max(low, high) > _LARGEST_REPEAT:
            raise _PatternError("quantifiers with large ranges are not supported")
        i += m.end()
    else:
        return atom, i
    if i < len(p) and p[i] in "?+":
        i += 1  # lazy or possessive: the same strings match
    return ("rep", atom, low, high), i


def sample_pattern(node: _Node, rng: np.random.Generator) -> str:
    kind = node[0]
    if kind == "seq":
        return "".join(sample_pattern(n, rng) for n in node[1])
    if kind == "alt":
        return sample_pattern(node[1][int(rng.integers(len(node[1])))], rng)
    if kind == "chars":
        return str(node[1][int(rng.integers(len(node[1])))])
    if kind == "not":
        pool = [c for c in _PRINTABLE if c not in node[1]] or ["~"]
        return pool[int(rng.integers(len(pool)))]
    if kind == "rep":
        _, inner, low, high = node
        top = low + 3 if high < 0 else min(high, low + 3)
        return "".join(sample_pattern(inner, rng) for _ in range(int(rng.integers(low, top + 1))))
    return ""

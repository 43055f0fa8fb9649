"""How Python spells its comparison operators, for code that rebuilds or explains comparisons.

Shared by the grading sandbox (which rewrites `assert a == b` to explain a failure) and the
reply model's code reader (which quotes conditions back in a review); a module of its own so
that neither layer has to import the other.
"""

from __future__ import annotations

import ast

COMPARISON_SYMBOLS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}

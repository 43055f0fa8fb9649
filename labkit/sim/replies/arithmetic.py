"""Plain arithmetic asked in words ("what's 17 times 23?", "17% of 340"), worked out exactly.

Any assistant is asked sums, and answering "I cannot help with that" to "what is 12 * 7" reads
as broken rather than honest. Only a prompt that is nothing but a calculation is answered this
way; the expression is evaluated over numbers and + - * / % ** alone (never `eval`), with the
sizes bounded so that "9 ** 9 ** 9" cannot stall a server.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

MAX_EXPONENT = 64
MAX_MAGNITUDE = 1e18
MAX_CHARS = 120

_LEAD = re.compile(
    r"^\s*(?:hey[, ]+|quick question[:, ]+)?(?:(?:can|could) you\s+)?(?:please\s+)?"
    r"(?:what(?:'s| is)|whats|calculate|compute|evaluate|work out|how much is|tell me)?\s*",
    re.I,
)
_TAIL = re.compile(r"\s*(?:please)?\s*[?.!=]*\s*$", re.I)
_WORDS = (
    (r"\bmultiplied by\b|\btimes\b|×|(?<=\d)\s*x\s*(?=\d)", "*"),
    (r"\bdivided by\b|\bover\b|÷", "/"),
    (r"\bplus\b|\band\b", "+"),
    (r"\bminus\b|−", "-"),
    (r"\bto the power of\b|\^", "**"),
    # "-5 squared" is 25 to a person, whatever Python's precedence says
    (r"(-?\d+(?:\.\d+)?)\s*squared\b", r"(\1)**2"),
    (r"(-?\d+(?:\.\d+)?)\s*cubed\b", r"(\1)**3"),
    (r"\bmod(?:ulo)?\b", "%"),
    (r"(?:%|\bpercent)\s+of\b", "/100*"),
)
_ARITHMETIC = re.compile(r"^[0-9.+\-*/%() ]+$")
_OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


class _Unanswerable(ValueError):
    pass


def expression(text: str) -> str | None:
    """The calculation a prompt asks for, as `1 + 2 * 3`, or None if it asks anything else."""
    if len(text) > MAX_CHARS or not re.search(r"\d", text):
        return None
    body = _TAIL.sub("", _LEAD.sub("", text.lower(), count=1))
    body = body.replace(",", "") if re.fullmatch(r"[\d,.\s\w%^×÷−+*/()-]+", body) else body
    for pattern, symbol in _WORDS:
        body = re.sub(pattern, f" {symbol} " if "\\" not in symbol else symbol, body)
    body = " ".join(body.split())
    if not body or not _ARITHMETIC.match(body) or not re.search(r"[+\-*/%]", body):
        return None
    try:
        ast.parse(body, mode="eval")
    except SyntaxError:
        return None
    return body


def evaluate(body: str) -> float:
    """The value of an expression from `expression`; raises ValueError when it has none."""
    return _value(ast.parse(body, mode="eval").body)


def _value(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _value(node.operand)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and (abs(right) > MAX_EXPONENT or abs(left) > 1e6):
            raise _Unanswerable("too large to work out here")
        if isinstance(node.op, ast.Div | ast.Mod) and right == 0:
            raise _Unanswerable("division by zero has no value")
        result = _OPERATORS[type(node.op)](left, right)
        if isinstance(result, complex) or not math.isfinite(result):
            raise _Unanswerable("it has no real value")
        if abs(result) > MAX_MAGNITUDE:
            raise _Unanswerable("too large to work out here")
        return result
    raise _Unanswerable("not plain arithmetic")


def shown(value: float) -> str:
    """A value as a person writes it: 391, 57.8, 0.333333, 1,250,000."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.2f}"


def pretty(body: str) -> str:
    """`17*23` as 17 × 23 for the reply."""
    text = body.replace("/100*", "% of ").replace("**", "^").replace("*", "×").replace("/", "÷")
    text = re.sub(r"\s*([×÷+^%-])\s*", r" \1 ", text).replace(" % of ", "% of ")
    text = " ".join(text.replace("( ", "(").replace(" )", ")").split())
    return re.sub(r"(^|\()-\s+", r"\1-", text)  # a minus sign, not a subtraction

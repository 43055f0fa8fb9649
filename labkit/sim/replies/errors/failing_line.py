"""What the failing line itself says about the error, read with `ast`.

A TypeError's message names types ('float' and 'str'), not which operand of
`total += row["amount"]` was the text; a KeyError names the key, not the dict it was looked up
in. The failing line does, so it is parsed on its own (a block header gets a body, a call cut at
the line's end its bracket) and the operands, the subscripted container, the attribute's owner,
the callee, the loop and the assignment are read from it. Nothing is run; a line that does not
parse gives nothing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from labkit.sim.replies.errors.placeholders import _plain

EXPRESSION_LIMIT = 50
MAX_LINE_CHARS = 400  # a longer "line" is minified code or data: not worth parsing
_OPERATORS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.Lt: "<",
    ast.Gt: ">",
    ast.LtE: "<=",
    ast.GtE: ">=",
}
_NUMBER_TYPES = frozenset({"int", "float", "complex", "Decimal", "Fraction"})
_FILE_OPENERS = frozenset({"open", "Path", "read_csv", "read_json", "read_excel", "read_text"})


def _line_tree(code: str) -> tuple[ast.Module, str] | None:
    """The failing line parsed on its own; a block header gets a body (`for r in rows:` + pass),
    a call cut at the line's end its closing bracket."""
    source = code.strip()
    candidates = [source]
    if source.endswith(":"):
        head = re.sub(r"^elif\b", "if", source)
        head = re.sub(r"^except\b", "try: pass\nexcept", head)
        candidates.append(head + " pass")
    candidates += [source + ")", source + "]", source + "}"]
    for candidate in candidates:
        try:
            return ast.parse(candidate), candidate
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def _code_fills(code: str, groups: Mapping[str, str]) -> dict[str, str]:
    """What the failing line says about the error: the operands of the operation the message
    names, the container a missing key was looked up in, the owner of a missing attribute..."""
    parsed = _line_tree(code) if len(code) <= MAX_LINE_CHARS else None
    if parsed is None:
        return {}
    tree, source = parsed
    nodes = list(ast.walk(tree))  # outermost first

    def shown(node: ast.AST) -> str:
        try:
            text = ast.get_source_segment(source, node) or ast.unparse(node)
        except (ValueError, IndexError):
            text = ast.unparse(node)
        return _plain(text, EXPRESSION_LIMIT)

    out: dict[str, str] = {}
    operator = groups.get("op", "").strip().removesuffix("=") or None
    for node in nodes:
        pair: tuple[ast.AST, ast.AST] | None = None
        if isinstance(node, ast.AugAssign | ast.BinOp):
            symbol = _OPERATORS.get(type(node.op))
            if operator in (None, symbol):
                pair = (
                    (node.target, node.value)
                    if isinstance(node, ast.AugAssign)
                    else (node.left, node.right)
                )
        elif (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and operator in (None, _OPERATORS.get(type(node.ops[0])))
        ):
            pair = (node.left, node.comparators[0])
        if pair is not None:
            out["left"], out["right"] = shown(pair[0]), shown(pair[1])
            _typed_operands(out, groups, pair)
            break
    key = groups.get("key")
    subscripts = [n for n in nodes if isinstance(n, ast.Subscript)]
    chosen = next((s for s in subscripts if key and _same_literal(s.slice, key)), None)
    if chosen is None:
        # No literal names the key: a variable may hold it (`users[msg.author_id]`), but a
        # subscript with another constant is not the one that failed.
        chosen = next((s for s in subscripts if not isinstance(s.slice, ast.Constant)), None)
        chosen = chosen if key else chosen or (subscripts[0] if subscripts else None)
    if chosen is not None:
        out["container"], out["index"] = shown(chosen.value), shown(chosen.slice)
    attribute = groups.get("attr")
    if attribute:
        owner = next(
            (n for n in nodes if isinstance(n, ast.Attribute) and n.attr == attribute), None
        )
        if owner is not None:
            out["owner"] = shown(owner.value)
    calls = [n for n in nodes if isinstance(n, ast.Call)]
    for call_node in calls:
        name = shown(call_node.func).rsplit(".", 1)[-1]
        first = call_node.args[0] if call_node.args else None
        if (
            name in _FILE_OPENERS
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            out["opened_file"] = shown(first)
            break
    wanted = groups.get("function", "").split(".")[-1]
    call = next((c for c in calls if wanted and shown(c.func).endswith(wanted)), None)
    call = call or (calls[0] if calls else None)
    if call is not None:
        out["callee"] = shown(call.func)
    for node in nodes:
        if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            out["iterable"], out["loop_target"] = shown(node.iter), shown(node.target)
            break
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            out["target"] = shown(node.targets[0])
            if isinstance(node.targets[0], ast.Tuple | ast.List):
                out["unpacked"] = shown(node.value)
            break
    return out


def _typed_operands(
    out: dict[str, str], groups: Mapping[str, str], pair: tuple[ast.AST, ast.AST]
) -> None:
    """Which operand is the text and which the number, from the types the message names. Text
    on the left of a `+`, or a string literal, is text being built (`"Total: " + total`): the
    number is what to format. Text anywhere else is a number that was never converted."""
    kinds = (groups.get("left_type"), groups.get("right_type"))
    for side, kind in zip(("left", "right"), kinds, strict=True):
        if kind in _NUMBER_TYPES:
            out["number_operand"], out["number_type"] = out[side], kind
        elif kind == "NoneType":
            out["none_operand"] = out[side]
    if "str" not in kinds or not any(k in _NUMBER_TYPES for k in kinds):
        return
    index = kinds.index("str")
    node = pair[index]
    literal = isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )
    joining = index == 0 and groups.get("op", "+").startswith("+")
    out["text_part" if literal or joining else "text_operand"] = out[("left", "right")[index]]


def _same_literal(node: ast.AST, key: str) -> bool:
    try:
        return bool(ast.literal_eval(node) == ast.literal_eval(key))
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return isinstance(node, ast.Name) and node.id == key

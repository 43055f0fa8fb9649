"""A checker for the JSON Schema subset structured outputs support: does a value match?

The generator in `labkit.sim.structured` must only produce values this accepts; the tests (and
a curious student) use it to check the simulator's answers.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import re
from typing import Any


def types_of(node: dict[str, Any]) -> list[str]:
    kind = node.get("type")
    if kind is None:
        return []
    return [str(t) for t in kind] if isinstance(kind, list) else [str(kind)]


def resolve(root: dict[str, Any], ref: str) -> dict[str, Any] | None:
    node: Any = root
    for part in ref.lstrip("#").split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, dict) else None


def validates(schema: dict[str, Any], value: Any) -> bool:
    """Whether `value` satisfies `schema`: the supported subset plus the common constraints."""
    return _valid(schema, value, schema, depth=0)


def _valid(node: Any, value: Any, root: dict[str, Any], depth: int) -> bool:
    if node is True or node == {}:
        return True
    if node is False or not isinstance(node, dict) or depth > 64:
        return False
    if "$ref" in node:
        target = resolve(root, str(node["$ref"]))
        if target is None or not _valid(target, value, root, depth + 1):
            return False
    if "const" in node and not _json_equal(node["const"], value):
        return False
    if "enum" in node and not any(_json_equal(v, value) for v in node["enum"]):
        return False
    if "anyOf" in node and not any(_valid(s, value, root, depth + 1) for s in node["anyOf"]):
        return False
    if "oneOf" in node and sum(_valid(s, value, root, depth + 1) for s in node["oneOf"]) != 1:
        return False
    if "allOf" in node and not all(_valid(s, value, root, depth + 1) for s in node["allOf"]):
        return False
    types = types_of(node)
    if types and not any(_has_type(value, t) for t in types):
        return False
    if isinstance(value, dict):
        properties = node.get("properties", {})
        if any(name not in value for name in node.get("required", [])):
            return False
        for key, item in value.items():
            sub = properties.get(key, node.get("additionalProperties", True))
            if not _valid(sub, item, root, depth + 1):
                return False
    elif isinstance(value, list):
        if len(value) < node.get("minItems", 0) or len(value) > node.get("maxItems", math.inf):
            return False
        if "items" in node and not all(_valid(node["items"], v, root, depth + 1) for v in value):
            return False
    elif isinstance(value, str):
        if not node.get("minLength", 0) <= len(value) <= node.get("maxLength", math.inf):
            return False
        if "pattern" in node and not re.search(node["pattern"], value):
            return False
        if "format" in node and not _format_ok(str(node["format"]), value):
            return False
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return _number_ok(node, value)
    return True


def _number_ok(node: dict[str, Any], value: float) -> bool:
    checks = [
        value >= node.get("minimum", -math.inf),
        value <= node.get("maximum", math.inf),
        value > node.get("exclusiveMinimum", -math.inf),
        value < node.get("exclusiveMaximum", math.inf),
    ]
    step = node.get("multipleOf")
    if step:
        checks.append(math.isclose(value / step, round(value / step), abs_tol=1e-9))
    return all(checks)


def _has_type(value: Any, kind: str) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    expected = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    return isinstance(value, expected.get(kind, object))


def _json_equal(a: Any, b: Any) -> bool:
    # In JSON `true` is not `1`: Python's bool-is-int must not leak into enum and const checks.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$")
_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


def _format_ok(fmt: str, value: str) -> bool:
    try:
        if fmt == "date-time":
            return bool(_DATE_TIME.match(value)) and bool(dt.datetime.fromisoformat(value))
        if fmt == "date":
            return len(value) == 10 and bool(dt.date.fromisoformat(value))
        if fmt == "time":
            return bool(_TIME.match(value)) and bool(dt.time.fromisoformat(value[:8]))
        if fmt == "ipv4":
            return bool(ipaddress.IPv4Address(value))
        if fmt == "ipv6":
            return bool(ipaddress.IPv6Address(value))
    except ValueError:
        return False
    if fmt == "hostname":
        labels = value.split(".")
        return len(value) <= 253 and all(_HOST_LABEL.match(label) for label in labels)
    checks = {"duration": _DURATION, "email": _EMAIL, "uri": _URI, "uuid": _UUID}
    return bool(checks[fmt].match(value)) if fmt in checks else True

"""Structured outputs: JSON outputs (`output_config.format`) and strict tool use (`strict: true`).

The real API compiles a schema into a grammar and samples only what the grammar allows, so it
refuses, before any sampling, a schema the grammar compiler cannot handle. This module mirrors
that: `check_output_format` and `check_strict_tool` refuse what the docs list as unsupported,
with the messages real 400s carry; `check_complexity_limits` applies the per-request limits;
`generate` stands in for constrained decoding and returns a value that validates
(`labkit.sim.schema_validate.validates` is the checker the tests, and a curious student, use).

Source: platform.claude.com/docs/en/build-with-claude/structured-outputs ("JSON Schema
limitations", "Schema complexity limits"). Message wording is quoted from real 400 bodies where
reports exist; see tests/sim/test_structured.py for which ones are verbatim.

The pattern subset lives in `schema_regex`, the value checker in `schema_validate`; all three
must agree on one subset of JSON Schema, and the tests hold them to it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from labkit.sim.errors import ApiError, invalid
from labkit.sim.schema_regex import parse_pattern, pattern_problem, sample_pattern
from labkit.sim.schema_validate import resolve, types_of

SUPPORTED_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)
MAX_STRICT_TOOLS = 20
MAX_OPTIONAL_PARAMETERS = 24
MAX_UNION_PARAMETERS = 16

_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")
# Keywords that describe rather than constrain; the grammar ignores them, so the API accepts them.
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "$comment", "$schema", "$id", "deprecated"}
    | {"readOnly", "writeOnly"}
)
# "$def" too: the docs spell it so ("`$ref`, `$def`, and `definitions`").
_DEFINITIONS = ("$defs", "$def", "definitions")
_COMMON = frozenset({"type", "enum", "const", "anyOf", "allOf", "$ref", *_DEFINITIONS})
_BY_TYPE: dict[str, frozenset[str]] = {
    "object": frozenset({"properties", "required", "additionalProperties"}),
    "array": frozenset({"items", "minItems"}),
    "string": frozenset({"format", "pattern"}),
}
# JSON Schema validation keywords outside the documented subset: refused wherever they appear.
_UNSUPPORTED = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    | {"minLength", "maxLength", "maxItems", "uniqueItems", "contains", "minContains"}
    | {"maxContains", "prefixItems", "additionalItems", "unevaluatedItems", "minProperties"}
    | {"maxProperties", "patternProperties", "propertyNames", "unevaluatedProperties"}
    | {"dependentRequired", "dependentSchemas", "dependencies", "oneOf", "not", "if", "then"}
    | {"else", "$anchor", "$dynamicRef", "$dynamicAnchor", "contentEncoding", "contentMediaType"}
)
_TYPE_KEYWORDS = frozenset().union(*_BY_TYPE.values())


# ---------------------------------------------------------------------------- checking


def check_output_format(fmt: object, where: str = "output_config.format") -> dict[str, Any]:
    """Validate `output_config.format` and its schema; return it, or raise the API's 400."""
    if not isinstance(fmt, dict):
        raise invalid(f"{where}: Input should be a valid dictionary")
    if "type" not in fmt:
        raise invalid(f"{where}.type: Field required")
    if fmt["type"] != "json_schema":
        raise invalid(f"{where}.type: Input should be 'json_schema'")
    if "schema" not in fmt:
        raise invalid(f"{where}.schema: Field required")
    for key in fmt:
        if key not in ("type", "schema"):
            raise invalid(f"{where}.{key}: Extra inputs are not permitted")
    schema = fmt["schema"]
    if not isinstance(schema, dict):
        raise invalid(f"{where}.schema: Input should be a valid dictionary")
    _check_schema(schema, f"{where}.schema")
    return fmt


def check_strict_tool(tool: dict[str, Any], where: str) -> None:
    """Apply the structured-output rules to a tool's `input_schema` when it has `strict: true`.

    `where` is the prefix real errors carry for a custom tool, e.g. "tools.0.custom".
    """
    strict = tool.get("strict")
    if strict is None or strict is False:
        return
    if not isinstance(strict, bool):
        raise invalid(f"{where}.strict: Input should be a valid boolean")
    schema = tool.get("input_schema")
    if not isinstance(schema, dict):
        raise invalid(f"{where}.input_schema: Input should be a valid dictionary")
    _check_schema(schema, where)


def check_complexity_limits(schemas: Sequence[dict[str, Any]], strict_tools: int) -> None:
    """The per-request limits, summed over every strict schema (JSON output and strict tools)."""
    if strict_tools > MAX_STRICT_TOOLS:
        raise invalid(
            f"Too many strict tools ({strict_tools}). The maximum number of strict tools "
            f"supported is {MAX_STRICT_TOOLS}. Try reducing the number of tools marked as strict."
        )
    optional = sum(_count(s, _optional_here) for s in schemas)
    if optional > MAX_OPTIONAL_PARAMETERS:
        raise invalid(
            f"Schemas contains too many optional parameters ({optional}), which would make "
            "grammar compilation inefficient. Reduce the number of optional parameters in your "
            f"tool schemas (limit: {MAX_OPTIONAL_PARAMETERS})."
        )
    unions = sum(_count(s, _union_here) for s in schemas)
    if unions > MAX_UNION_PARAMETERS:
        raise invalid(
            f"Schemas contains too many parameters with union types ({unions} parameters with "
            "type arrays or anyOf). This causes exponential compilation cost. Reduce the number "
            f"of nullable or union-typed parameters (limit: {MAX_UNION_PARAMETERS} parameters "
            "with unions)."
        )


def _check_schema(schema: dict[str, Any], prefix: str) -> None:
    _check_cycles(schema, prefix)
    for node in _nodes(schema):
        _check_node(node, schema, prefix)


def _check_node(node: dict[str, Any], root: dict[str, Any], prefix: str) -> None:
    def refuse(message: str) -> ApiError:
        return invalid(f"{prefix}: {message}")

    types = types_of(node)
    for t in types:
        if t not in _TYPES:
            raise refuse(f"Unsupported type '{t}'")
    label = next((t for t in types if t != "null"), types[0] if types else None)
    if "object" in types:
        extra = node.get("additionalProperties")
        if "additionalProperties" not in node:
            raise refuse(
                "For 'object' type, 'additionalProperties' must be explicitly set to false"
            )
        if extra is not False:
            shown = "true" if extra is True else "object"
            raise refuse(
                f"For 'object' type, 'additionalProperties: {shown}' is not supported. "
                "Please set 'additionalProperties' to false"
            )
    allowed = _COMMON | _ANNOTATIONS | frozenset().union(*(_BY_TYPE.get(t, set()) for t in types))
    bad = sorted(
        k for k in node if k in _UNSUPPORTED or (types and k in _TYPE_KEYWORDS and k not in allowed)
    )
    if bad:
        listed = f"property '{bad[0]}' is" if len(bad) == 1 else f"properties {', '.join(bad)} are"
        owned = f"For '{label}' type, {listed}" if label else listed[0].upper() + listed[1:]
        raise refuse(f"{owned} not supported")
    if "minItems" in node and node["minItems"] not in (0, 1):
        raise refuse("For 'array' type, 'minItems' values other than 0 or 1 are not supported")
    fmt = node.get("format")
    if fmt is not None and "string" in types and fmt not in SUPPORTED_FORMATS:
        raise refuse(f"For 'string' type, format '{fmt}' is not supported")
    if "pattern" in node:
        problem = pattern_problem(node["pattern"])
        if problem:
            raise refuse(
                f"For 'string' type, pattern {node['pattern']!r} is not supported: {problem}"
            )
    for key in ("enum", "const"):
        values = node.get("enum", []) if key == "enum" else [node.get("const")]
        if key in node and not all(_is_primitive(v) for v in values):
            raise refuse(f"'{key}' values must be strings, numbers, booleans, or null")
    if "enum" in node and (not isinstance(node["enum"], list) or not node["enum"]):
        raise refuse("'enum' must be a non-empty list")
    if any("$ref" in branch for branch in node.get("allOf", []) if isinstance(branch, dict)):
        raise refuse("'allOf' with '$ref' is not supported")
    if "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise refuse(f"External $ref is not supported: {ref!r}")
        if resolve(root, ref) is None:
            raise refuse(f"$ref {ref!r} could not be resolved")
    required = node.get("required", [])
    properties = node.get("properties", {})
    if "object" in types and isinstance(required, list) and isinstance(properties, dict):
        for name in required:
            if name not in properties:
                raise refuse(
                    f"For 'object' type, required property '{name}' is not in 'properties'"
                )


def _check_cycles(root: dict[str, Any], prefix: str) -> None:
    """Refuse self- and mutually-referencing definitions: the grammar must be finite."""
    defs: dict[str, Any] = {}
    for group in _DEFINITIONS:
        if isinstance(root.get(group), dict):
            defs.update({f"#/{group}/{name}": s for name, s in root[group].items()})
    edges = {ref: [r for r in _refs_in(s) if r in defs or r == "#"] for ref, s in defs.items()}
    edges["#"] = [r for r in _refs_in(root, skip_defs=True) if r in defs or r == "#"]

    def name(ref: str) -> str:
        return ref.rsplit("/", 1)[-1] if ref != "#" else "#"

    done: set[str] = set()

    def visit(ref: str, path: list[str]) -> None:
        if ref in done:
            return
        if ref in path:
            cycle = [*path[path.index(ref) :], ref]
            raise invalid(
                f"{prefix}: Circular reference detected in schema definitions: "
                f"{' -> '.join(name(r) for r in cycle)}. Self-referencing or "
                "mutually-referencing definitions are not supported."
            )
        for nxt in edges.get(ref, []):
            visit(nxt, [*path, ref])
        done.add(ref)

    for ref in [*defs, "#"]:
        visit(ref, [])


def _refs_in(schema: Any, skip_defs: bool = False) -> Iterator[str]:
    for node in _nodes(schema, skip_defs=skip_defs):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]


def _nodes(schema: Any, skip_defs: bool = False) -> Iterator[dict[str, Any]]:
    """Every subschema, parent before children, in document order ($ref is not followed)."""
    if not isinstance(schema, dict):
        return
    yield schema
    for key, value in schema.items():
        if key in ("properties", *_DEFINITIONS) and isinstance(value, dict):
            if skip_defs and key != "properties":
                continue
            for child in value.values():
                yield from _nodes(child)
        elif key in ("items", "additionalProperties", "not", "if", "then", "else", "contains"):
            yield from _nodes(value)
        elif key in ("anyOf", "allOf", "oneOf", "prefixItems") and isinstance(value, list):
            for child in value:
                yield from _nodes(child)


def _count(schema: dict[str, Any], here: Callable[[dict[str, Any]], int]) -> int:
    return sum(here(node) for node in _nodes(schema))


def _optional_here(node: dict[str, Any]) -> int:
    properties = node.get("properties")
    if "object" not in types_of(node) or not isinstance(properties, dict):
        return 0
    required = node.get("required") or []
    return sum(1 for name in properties if name not in required)


def _union_here(node: dict[str, Any]) -> int:
    kind = node.get("type")
    return int("anyOf" in node or (isinstance(kind, list) and len(kind) > 1))


def _is_primitive(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


# ---------------------------------------------------------------------------- generation


def generate(schema: dict[str, Any], rng: np.random.Generator, words: Callable[[int], str]) -> Any:
    """A JSON value that validates against `schema`, drawn from `rng` and the model's `words`.

    Constraints the API refuses in strict schemas (minimum, maxLength, ...) are still honoured
    when present, as are the SDK's copies of them in a description ("{minimum: 1, maximum: 10}"),
    because the engine also fills non-strict tool inputs, and a model reads descriptions.
    """
    return _gen(schema, schema, rng, words, depth=0)


def _gen(
    node: Any,
    root: dict[str, Any],
    rng: np.random.Generator,
    words: Callable[[int], str],
    depth: int,
) -> Any:
    if not isinstance(node, dict):
        return _text(words, rng, 1, 3)
    if "$ref" in node and depth < 32:
        target = resolve(root, str(node["$ref"]))
        return _gen(target if target is not None else {}, root, rng, words, depth + 1)
    if "const" in node:
        return node["const"]
    if isinstance(node.get("enum"), list) and node["enum"]:
        return node["enum"][int(rng.integers(len(node["enum"])))]
    if isinstance(node.get("anyOf"), list) and node["anyOf"]:
        branch = node["anyOf"][int(rng.integers(len(node["anyOf"])))]
        return _gen(_merge(_without(node, "anyOf"), branch), root, rng, words, depth + 1)
    if isinstance(node.get("allOf"), list):
        merged = _without(node, "allOf")
        for branch in node["allOf"]:
            merged = _merge(merged, _deref(branch, root))
        return _gen(merged, root, rng, words, depth + 1)
    implied = "object" if "properties" in node else "array" if "items" in node else "string"
    types = types_of(node) or [implied]
    kind = types[int(rng.integers(len(types)))]
    limits = _limits(node)
    if kind == "object":
        return _gen_object(node, root, rng, words, depth)
    if kind == "array":
        high = limits.get("maxItems", math.inf)
        low = max(int(limits.get("minItems", 0)), 1) if high >= 1 else 0
        count = int(rng.integers(low, min(high, low + 2) + 1))
        items = node.get("items", {"type": "string"})
        return [_gen(items, root, rng, words, depth + 1) for _ in range(count)]
    if kind == "string":
        return _gen_string(node, limits, rng, words)
    if kind in ("integer", "number"):
        return _gen_number(kind, limits, rng)
    if kind == "boolean":
        return bool(rng.random() < 0.5)
    return None


def _gen_object(
    node: dict[str, Any],
    root: dict[str, Any],
    rng: np.random.Generator,
    words: Callable[[int], str],
    depth: int,
) -> dict[str, Any]:
    properties = node.get("properties", {})
    required = [n for n in properties if n in (node.get("required") or [])]
    # The docs: "required properties appear first, followed by optional properties".
    optional = [n for n in properties if n not in required and rng.random() < 0.5]
    return {n: _gen(properties[n], root, rng, words, depth + 1) for n in [*required, *optional]}


def _gen_string(
    node: dict[str, Any],
    limits: dict[str, Any],
    rng: np.random.Generator,
    words: Callable[[int], str],
) -> str:
    pattern = node.get("pattern", limits.get("pattern"))
    if isinstance(pattern, str) and pattern_problem(pattern) is None:
        return sample_pattern(parse_pattern(pattern), rng)
    fmt = node.get("format")
    if fmt in SUPPORTED_FORMATS:
        return _gen_format(str(fmt), rng, words)
    low = int(limits.get("minLength", 0))
    high = int(limits.get("maxLength", max(low, 40)))
    text = _text(words, rng, 1, 4)
    while len(text) < low:
        text = f"{text} {_text(words, rng, 1, 4)}"
    cut = text[:high]
    if len(cut) < len(text) and " " in cut and len(cut.rsplit(" ", 1)[0]) >= low:
        cut = cut.rsplit(" ", 1)[0]  # end on a whole word when the bounds allow it
    return cut


def _gen_format(fmt: str, rng: np.random.Generator, words: Callable[[int], str]) -> str:
    def n(low: int, high: int) -> int:
        return int(rng.integers(low, high + 1))

    day = dt.date(2026, 1, 1) + dt.timedelta(days=n(0, 364))
    clock = f"{n(0, 23):02d}:{n(0, 59):02d}:{n(0, 59):02d}"
    name = _slug(words, rng)
    formats = {
        "date-time": f"{day.isoformat()}T{clock}Z",
        "date": day.isoformat(),
        "time": f"{clock}Z",
        "duration": rng.choice([f"P{n(1, 30)}D", f"PT{n(1, 23)}H{n(1, 59)}M", f"PT{n(1, 90)}M"]),
        "email": f"{name}@example.com",
        "hostname": f"{name}.example.com",
        "uri": f"https://example.com/{name}/{_slug(words, rng)}",
        "ipv4": f"{n(10, 223)}.{n(0, 255)}.{n(0, 255)}.{n(1, 254)}",
        "ipv6": f"2001:db8::{n(1, 0xFFFF):x}:{n(1, 0xFFFF):x}",
        "uuid": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
    }
    return str(formats[fmt])


def _gen_number(kind: str, limits: dict[str, Any], rng: np.random.Generator) -> int | float:
    low = float(limits.get("minimum", -math.inf))
    high = float(limits.get("maximum", math.inf))
    if "exclusiveMinimum" in limits:
        low = max(low, float(limits["exclusiveMinimum"]) + (1 if kind == "integer" else 1e-6))
    if "exclusiveMaximum" in limits:
        high = min(high, float(limits["exclusiveMaximum"]) - (1 if kind == "integer" else 1e-6))
    # A short, ordinary number when the schema leaves room: 0..100 shifted into the bounds.
    if math.isinf(low) and math.isinf(high):
        low, high = 0.0, 100.0
    elif math.isinf(low):
        low = high - 100.0
    elif math.isinf(high):
        high = low + 100.0
    step = float(limits.get("multipleOf", 1 if kind == "integer" else 0))
    if step > 0:
        first, last = math.ceil(low / step), math.floor(high / step)
        value = step * int(rng.integers(first, max(first, last) + 1))
        return int(value) if kind == "integer" or (value.is_integer() and step >= 1) else value
    if kind == "integer":
        return int(rng.integers(math.ceil(low), math.floor(high) + 1))
    return float(min(max(round(float(rng.uniform(low, high)), 2), low), high))


_LIMIT_KEYS: tuple[str, ...] = (
    *("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    *("minLength", "maxLength", "minItems", "maxItems", "pattern"),
)


def _limits(node: dict[str, Any]) -> dict[str, Any]:
    """The node's own constraints, over those the SDK moved into its description."""
    hints: dict[str, Any] = {}
    description = node.get("description")
    # The SDK appends "{key: value, ...}" after a blank line (anthropic.lib._parse._transform).
    tail = description.rsplit("\n\n", 1)[-1] if isinstance(description, str) else ""
    if tail.startswith("{") and tail.endswith("}"):
        for part in re.split(r",\s*(?=\w+: )", tail[1:-1]):
            key, _, raw = part.partition(": ")
            if key in _LIMIT_KEYS and key != "pattern":
                hints[key] = _number_or_none(raw)
            elif key == "pattern":
                hints[key] = raw
    hints = {k: v for k, v in hints.items() if v is not None}
    own = {k: node[k] for k in _LIMIT_KEYS if k in node}
    return {**hints, **own}


def _number_or_none(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


def _text(words: Callable[[int], str], rng: np.random.Generator, low: int, high: int) -> str:
    text = " ".join(words(int(rng.integers(low, high + 1))).split())
    return text or "ok"


def _slug(words: Callable[[int], str], rng: np.random.Generator) -> str:
    letters = re.sub(r"[^a-z0-9]+", "-", words(2).lower()).strip("-")
    return letters[:30].strip("-") or f"user{int(rng.integers(100))}"


def _without(node: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k != key}


def _deref(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        return resolve(root, node["$ref"]) or {}
    return node if isinstance(node, dict) else {}


def _merge(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    """allOf as one schema: properties and required are unions, other keywords the later's."""
    if not isinstance(extra, dict):
        return base
    merged = {**base, **extra}
    if isinstance(base.get("properties"), dict) and isinstance(extra.get("properties"), dict):
        merged["properties"] = {**base["properties"], **extra["properties"]}
    if isinstance(base.get("required"), list) and isinstance(extra.get("required"), list):
        merged["required"] = list(dict.fromkeys([*base["required"], *extra["required"]]))
    return merged

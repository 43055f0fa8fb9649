"""Structured outputs: what the API accepts, what it refuses (and how), and generated values.

Rules from platform.claude.com/docs/en/build-with-claude/structured-outputs ("JSON Schema
limitations", "Schema complexity limits"). Messages marked VERBATIM are quoted from real 400
bodies reported by API users; the others are the simulator's wording where no report exists.
"""

import datetime
import json
import re
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal

import anthropic
import httpx2
import jsonschema
import numpy as np
import pytest
from anthropic.lib._parse._transform import transform_schema
from pydantic import BaseModel, Field, TypeAdapter

from labkit.sim.errors import ApiError
from labkit.sim.schema_validate import validates
from labkit.sim.structured import (
    SUPPORTED_FORMATS,
    check_complexity_limits,
    check_output_format,
    check_strict_tool,
    generate,
)

SEEDS = range(50)
VOCAB = [
    *("the", "quick", "brown", "fox", "jumps", "over", "a", "lazy"),
    *("dog", "near", "seven", "old", "river", "banks", "today"),
]


def words_from(rng: np.random.Generator) -> Callable[[int], str]:
    return lambda n: " ".join(VOCAB[int(i)] for i in rng.integers(0, len(VOCAB), n))


def draw(schema: dict[str, Any], seed: int) -> Any:
    rng = np.random.default_rng(seed)
    return generate(schema, rng, words_from(rng))


def obj(
    properties: dict[str, Any], required: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
        **extra,
    }


def fmt(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "json_schema", "schema": schema}


def agrees_with_jsonschema(schema: dict[str, Any], value: Any) -> bool:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return bool(jsonschema.Draft202012Validator(schema, format_checker=checker).is_valid(value))


# ------------------------------------------------------------------ supported features

SUPPORTED = {
    "object": obj({"a": {"type": "string"}}),
    "array": {"type": "array", "items": {"type": "integer"}},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "null": {"type": "null"},
    "enum-mixed-primitives": {"enum": ["red", 2, 3.5, True, None]},
    "enum-with-type": {"type": "string", "enum": ["low", "medium", "high"]},
    "const": obj({"v": {"const": "v1"}, "n": {"const": 3}}),
    "anyOf": {"anyOf": [{"type": "string"}, {"type": "integer"}, obj({"x": {"type": "boolean"}})]},
    # Branches must be compatible: two closed objects with different keys satisfy nothing.
    "allOf": {
        "allOf": [
            obj({"a": {"type": "string"}, "b": {"type": "integer"}}, required=["a"]),
            {"required": ["b"]},
        ]
    },
    "allOf-string": {"allOf": [{"type": "string"}, {"format": "email"}]},
    "$ref-$defs": {
        "$defs": {"Point": obj({"x": {"type": "number"}, "y": {"type": "number"}})},
        **obj({"start": {"$ref": "#/$defs/Point"}, "end": {"$ref": "#/$defs/Point"}}),
    },
    "$ref-definitions": {
        "definitions": {"Tag": {"type": "string", "enum": ["a", "b"]}},
        **obj({"tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}}}),
    },
    "$ref-$def": {"$def": {"N": {"type": "integer"}}, **obj({"n": {"$ref": "#/$def/N"}})},
    "root-$ref": {"$ref": "#/$defs/R", "$defs": {"R": obj({"ok": {"type": "boolean"}})}},
    "default": obj({"n": {"type": "integer", "default": 3}}, required=[]),
    "required-and-optional": obj(
        {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "boolean"}},
        required=["b"],
    ),
    "minItems-0": {"type": "array", "items": {"type": "string"}, "minItems": 0},
    "minItems-1": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "nullable-type-array": obj(
        {"s": {"type": ["string", "null"]}, "i": {"type": ["integer", "null"]}}
    ),
    "nullable-anyOf": obj({"s": {"anyOf": [{"type": "string"}, {"type": "null"}]}}),
    "nested-objects": obj(
        {
            "order": obj(
                {
                    "id": {"type": "string", "format": "uuid"},
                    "customer": obj(
                        {"name": {"type": "string"}, "email": {"type": "string", "format": "email"}}
                    ),
                    "lines": {
                        "type": "array",
                        "minItems": 1,
                        "items": obj({"sku": {"type": "string"}, "qty": {"type": "integer"}}),
                    },
                }
            )
        }
    ),
    "annotations": obj(
        {"a": {"type": "string", "title": "A", "description": "Anything."}}, title="T"
    ),
    "empty-object": {"type": "object", "additionalProperties": False},
    **{f"format-{f}": {"type": "string", "format": f} for f in sorted(SUPPORTED_FORMATS)},
    "pattern-anchored": {"type": "string", "pattern": r"^[A-Z]{2,3}-\d{4}$"},
    "pattern-partial": {"type": "string", "pattern": r"\d+ items?"},
    "pattern-groups-alternation": {"type": "string", "pattern": r"^(ab|cd)+(?:x|y)?\.txt$"},
    "pattern-classes": {"type": "string", "pattern": r"^[^\s@]+@\w+\.[a-z]{2,4}$"},
    "pattern-dot-star": {"type": "string", "pattern": r"^id_.*_[0-9a-f]{6}$"},
}


def as_tool_input(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as one property of an object, its definitions hoisted so $refs still resolve."""
    inner = {k: v for k, v in schema.items() if k not in ("$defs", "$def", "definitions")}
    hoisted = {k: v for k, v in schema.items() if k in ("$defs", "$def", "definitions")}
    return {**hoisted, **obj({"x": inner})}


@pytest.mark.parametrize("name", sorted(SUPPORTED))
def test_supported_feature_is_accepted_and_generates_valid_values(name):
    schema = SUPPORTED[name]
    assert check_output_format(fmt(schema)) == fmt(schema)
    check_strict_tool(
        {"name": "t", "strict": True, "input_schema": as_tool_input(schema)}, "tools.0.custom"
    )
    for seed in SEEDS:
        value = draw(schema, seed)
        assert validates(schema, value), (seed, value)
        assert agrees_with_jsonschema(schema, value), (seed, value)
        json.dumps(value)  # a JSON value, nothing Python-only


def test_generation_is_deterministic_and_varies_with_the_seed():
    schema = SUPPORTED["nested-objects"]
    assert draw(schema, 7) == draw(schema, 7)
    assert len({json.dumps(draw(schema, s), sort_keys=True) for s in SEEDS}) > 40


def test_required_properties_come_first_then_optional_in_schema_order():
    # Docs ("Property ordering"): required properties first, then optional, each in schema order.
    schema = obj({p: {"type": "integer"} for p in "abcd"}, required=["d", "b"])
    for seed in SEEDS:
        keys = list(draw(schema, seed))
        assert keys[:2] == ["b", "d"]
        assert keys[2:] == [k for k in "ac" if k in keys]


def test_strings_are_short_and_readable():
    for seed in SEEDS:
        text = draw({"type": "string"}, seed)
        assert 1 <= len(text.split()) <= 4 and all(w in VOCAB for w in text.split())


def test_enum_const_and_anyof_cover_their_choices():
    seen = {json.dumps(draw(SUPPORTED["enum-mixed-primitives"], s)) for s in SEEDS}
    assert seen == {'"red"', "2", "3.5", "true", "null"}
    kinds = {type(draw(SUPPORTED["anyOf"], s)).__name__ for s in SEEDS}
    assert kinds == {"str", "int", "dict"}


def test_patterns_match_under_search_semantics():
    for name in [n for n in SUPPORTED if n.startswith("pattern")]:
        pattern = SUPPORTED[name]["pattern"]
        for seed in SEEDS:
            assert re.search(pattern, draw(SUPPORTED[name], seed))


def test_bounds_are_honoured_when_present():
    # Strict schemas refuse these keywords, but non-strict tool schemas may carry them and the
    # engine fills those inputs with the same generator.
    bounded = {
        "type": "object",
        "properties": {
            "i": {"type": "integer", "minimum": 5, "maximum": 9},
            "x": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "m": {"type": "integer", "multipleOf": 5, "minimum": 12, "maximum": 40},
            "s": {"type": "string", "minLength": 3, "maxLength": 12},
            "a": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 4},
        },
        "required": ["i", "x", "m", "s", "a"],
    }
    for seed in SEEDS:
        value = draw(bounded, seed)
        assert validates(bounded, value) and agrees_with_jsonschema(bounded, value), value


def test_validates_rejects_what_does_not_fit():
    schema = SUPPORTED["nested-objects"]
    good = draw(schema, 0)
    assert validates(schema, good)
    assert not validates(schema, {**good, "extra": 1})
    assert not validates(schema, {})
    assert not validates({"type": "integer"}, True)
    assert not validates({"const": 1}, True)
    assert not validates({"type": "string", "format": "uuid"}, "not-a-uuid")
    assert not validates({"type": "array", "minItems": 1}, [])


# ------------------------------------------------------------------ refusals


def refusal(schema: dict[str, Any], where: str = "output_config.format") -> str:
    with pytest.raises(ApiError) as caught:
        check_output_format(fmt(schema), where)
    error = caught.value
    assert (error.status, error.error_type) == (400, "invalid_request_error")
    return error.message


def strict_refusal(schema: dict[str, Any], where: str = "tools.0.custom") -> str:
    with pytest.raises(ApiError) as caught:
        check_strict_tool({"name": "t", "strict": True, "input_schema": schema}, where)
    assert caught.value.status == 400
    return caught.value.message


P = "output_config.format.schema: "

REFUSALS: dict[str, tuple[dict[str, Any], str]] = {
    # VERBATIM: "For 'object' type, 'additionalProperties' must be explicitly set to false"
    "additionalProperties-missing": (
        {"type": "object", "properties": {"a": {"type": "string"}}},
        "For 'object' type, 'additionalProperties' must be explicitly set to false",
    ),
    # VERBATIM (output_format.schema and output_config.format.schema prefixes both reported).
    "additionalProperties-true": (
        {"type": "object", "properties": {}, "additionalProperties": True},
        "For 'object' type, 'additionalProperties: true' is not supported. Please set 'additionalProperties' to false",
    ),
    # VERBATIM
    "additionalProperties-schema": (
        {"type": "object", "properties": {}, "additionalProperties": {"type": "string"}},
        "For 'object' type, 'additionalProperties: object' is not supported. Please set 'additionalProperties' to false",
    ),
    "nested-object-without-false": (
        obj({"inner": {"type": "object", "properties": {"a": {"type": "string"}}}}),
        "For 'object' type, 'additionalProperties' must be explicitly set to false",
    ),
    # VERBATIM
    "integer-minimum-maximum": (
        obj({"n": {"type": "integer", "minimum": 1, "maximum": 10}}),
        "For 'integer' type, properties maximum, minimum are not supported",
    ),
    # VERBATIM
    "number-minimum-maximum": (
        obj({"n": {"type": "number", "minimum": 0, "maximum": 1}}),
        "For 'number' type, properties maximum, minimum are not supported",
    ),
    # VERBATIM
    "integer-minimum": (
        obj({"n": {"type": "integer", "minimum": 1}}),
        "For 'integer' type, property 'minimum' is not supported",
    ),
    "number-multipleOf": (
        obj({"n": {"type": "number", "multipleOf": 0.5}}),
        "For 'number' type, property 'multipleOf' is not supported",
    ),
    "number-exclusive": (
        obj({"n": {"type": "number", "exclusiveMinimum": 0}}),
        "For 'number' type, property 'exclusiveMinimum' is not supported",
    ),
    # VERBATIM
    "string-maxLength": (
        obj({"s": {"type": "string", "maxLength": 500}}),
        "For 'string' type, property 'maxLength' is not supported",
    ),
    "string-min-and-maxLength": (
        obj({"s": {"type": "string", "minLength": 1, "maxLength": 5}}),
        "For 'string' type, properties maxLength, minLength are not supported",
    ),
    # VERBATIM
    "array-maxItems": (
        obj({"a": {"type": "array", "items": {"type": "string"}, "maxItems": 3}}),
        "For 'array' type, property 'maxItems' is not supported",
    ),
    # VERBATIM (some reports add " (got: [2, 5])", not reproduced here)
    "array-minItems-2": (
        obj({"a": {"type": "array", "items": {"type": "string"}, "minItems": 2}}),
        "For 'array' type, 'minItems' values other than 0 or 1 are not supported",
    ),
    "array-uniqueItems": (
        obj({"a": {"type": "array", "items": {"type": "string"}, "uniqueItems": True}}),
        "For 'array' type, property 'uniqueItems' is not supported",
    ),
    # VERBATIM
    "object-propertyNames": (
        obj({}, propertyNames={"pattern": "^a"}),
        "For 'object' type, property 'propertyNames' is not supported",
    ),
    # VERBATIM
    "unsupported-format": (
        obj({"p": {"type": "string", "format": "phone"}}),
        "For 'string' type, format 'phone' is not supported",
    ),
    # VERBATIM (reported with the names of the definitions in the cycle)
    "recursive-self": (
        {
            "$defs": {
                "Node": obj({"child": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}})
            },
            "$ref": "#/$defs/Node",
        },
        "Circular reference detected in schema definitions: Node -> Node. Self-referencing or mutually-referencing definitions are not supported.",
    ),
    "recursive-mutual": (
        {
            "$defs": {
                "A": obj({"b": {"$ref": "#/$defs/B"}}),
                "B": obj({"a": {"$ref": "#/$defs/A"}}),
            },
            **obj({"root": {"$ref": "#/$defs/A"}}),
        },
        "Circular reference detected in schema definitions: A -> B -> A. Self-referencing or mutually-referencing definitions are not supported.",
    ),
    "enum-complex": (
        obj({"e": {"enum": [{"a": 1}, "x"]}}),
        "'enum' values must be strings, numbers, booleans, or null",
    ),
    "external-ref": (
        obj({"x": {"$ref": "http://example.com/s.json"}}),
        "External $ref is not supported: 'http://example.com/s.json'",
    ),
    "allOf-with-ref": (
        {"$defs": {"A": obj({})}, **obj({"x": {"allOf": [{"$ref": "#/$defs/A"}]}})},
        "'allOf' with '$ref' is not supported",
    ),
    "oneOf": (
        obj({"x": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}),
        "Property 'oneOf' is not supported",
    ),
    "pattern-backreference": (
        obj({"s": {"type": "string", "pattern": r"^(a)\1$"}}),
        "For 'string' type, pattern '^(a)\\\\1$' is not supported: backreferences are not supported",
    ),
    "pattern-lookahead": (
        obj({"s": {"type": "string", "pattern": r"^(?=.*\d)\w+$"}}),
        "For 'string' type, pattern '^(?=.*\\\\d)\\\\w+$' is not supported: lookahead/lookbehind assertions are not supported",
    ),
    "pattern-lookbehind": (
        obj({"s": {"type": "string", "pattern": r"(?<!x)y"}}),
        "For 'string' type, pattern '(?<!x)y' is not supported: lookahead/lookbehind assertions are not supported",
    ),
    "pattern-word-boundary": (
        obj({"s": {"type": "string", "pattern": r"\bcat\b"}}),
        "For 'string' type, pattern '\\\\bcat\\\\b' is not supported: word boundaries are not supported",
    ),
    "pattern-large-range": (
        obj({"s": {"type": "string", "pattern": r"^a{1,5000}$"}}),
        "For 'string' type, pattern '^a{1,5000}$' is not supported: quantifiers with large ranges are not supported",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_documented_refusal_has_its_message(name):
    schema, message = REFUSALS[name]
    assert refusal(schema) == P + message
    # Strict tools carry the same rules; real errors are prefixed "tools.N.custom: ".
    assert strict_refusal(schema, "tools.3.custom") == "tools.3.custom: " + message


def test_non_strict_tools_are_not_checked():
    loose = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}
    check_strict_tool({"name": "t", "input_schema": loose}, "tools.0.custom")
    check_strict_tool({"name": "t", "strict": False, "input_schema": loose}, "tools.0.custom")
    with pytest.raises(
        ApiError, match=r"^tools\.0\.custom\.strict: Input should be a valid boolean$"
    ):
        check_strict_tool({"name": "t", "strict": "yes", "input_schema": loose}, "tools.0.custom")


@pytest.mark.parametrize(
    ("format_object", "message"),
    [
        ("json", "output_config.format: Input should be a valid dictionary"),
        ({"schema": {}}, "output_config.format.type: Field required"),
        (
            {"type": "json_object", "schema": {}},
            "output_config.format.type: Input should be 'json_schema'",
        ),
        ({"type": "json_schema"}, "output_config.format.schema: Field required"),
        (
            {"type": "json_schema", "schema": "{}"},
            "output_config.format.schema: Input should be a valid dictionary",
        ),
        (
            {"type": "json_schema", "schema": {}, "name": "x"},
            "output_config.format.name: Extra inputs are not permitted",
        ),
    ],
)
def test_malformed_format_objects(format_object, message):
    with pytest.raises(ApiError) as caught:
        check_output_format(format_object)
    assert caught.value.message == message


# ------------------------------------------------------------------ complexity limits


def test_strict_tool_limit_is_twenty():
    check_complexity_limits([], strict_tools=20)
    with pytest.raises(ApiError) as caught:
        check_complexity_limits([], strict_tools=22)
    # VERBATIM
    assert caught.value.message == (
        "Too many strict tools (22). The maximum number of strict tools supported is 20. "
        "Try reducing the number of tools marked as strict."
    )


def test_optional_parameter_limit_is_24_across_all_schemas():
    # Docs: "4 strict tools with 6 optional parameters each" reach the limit together.
    six = obj({f"p{i}": {"type": "string"} for i in range(6)}, required=[])
    check_complexity_limits([six] * 4, strict_tools=4)
    nested = obj({"inner": obj({"q": {"type": "string"}}, required=[])})
    with pytest.raises(ApiError) as caught:
        check_complexity_limits([six] * 4 + [nested], strict_tools=4)
    # VERBATIM
    assert caught.value.message == (
        "Schemas contains too many optional parameters (25), which would make grammar "
        "compilation inefficient. Reduce the number of optional parameters in your tool "
        "schemas (limit: 24)."
    )


def test_union_parameter_limit_is_16():
    unions: dict[str, Any] = {f"u{i}": {"type": ["string", "null"]} for i in range(10)}
    unions |= {f"v{i}": {"anyOf": [{"type": "integer"}, {"type": "null"}]} for i in range(6)}
    check_complexity_limits([obj(unions)], strict_tools=0)
    unions["w"] = {"type": ["integer", "null"]}
    with pytest.raises(ApiError) as caught:
        check_complexity_limits([obj(unions)], strict_tools=0)
    # VERBATIM
    assert caught.value.message == (
        "Schemas contains too many parameters with union types (17 parameters with type arrays "
        "or anyOf). This causes exponential compilation cost. Reduce the number of nullable or "
        "union-typed parameters (limit: 16 parameters with unions)."
    )


# ------------------------------------------------------------------ Pydantic through the SDK


class Priority(StrEnum):
    low = "low"
    high = "high"


class Address(BaseModel):
    street: str
    city: str = "Paris"


class Ticket(BaseModel):
    title: str
    priority: Priority
    kind: Literal["bug", "feature"]
    severity: int = Field(ge=1, le=5)
    confidence: float = Field(gt=0, lt=1)
    labels: list[str] = Field(min_length=2, max_length=4)
    code: str = Field(pattern=r"^[A-Z]{3}-\d{3}$")
    summary: str = Field(min_length=3, max_length=20)
    assignee: str | None = None
    due: datetime.date
    opened: datetime.datetime
    reminder: datetime.time
    estimate: datetime.timedelta
    ticket_id: uuid.UUID
    address: Address
    history: list[Address]
    counts: dict[str, int]


def sdk_schema(model: type[BaseModel]) -> dict[str, Any]:
    return transform_schema(TypeAdapter(model).json_schema())


def test_pydantic_schema_as_the_sdk_sends_it_is_accepted_and_parses():
    schema = sdk_schema(Ticket)
    check_output_format(fmt(schema))
    for seed in SEEDS:
        value = draw(schema, seed)
        assert validates(schema, value), value
        Ticket.model_validate_json(json.dumps(value))  # the SDK's parse() does exactly this


def test_pydantic_schema_without_the_sdk_transform_is_refused():
    # Why messages.parse() transforms: Field(ge=1, le=5) alone would be a 400.
    class Rating(BaseModel):
        stars: int = Field(ge=1, le=5)

    assert refusal(Rating.model_json_schema()) == (
        P + "For 'object' type, 'additionalProperties' must be explicitly set to false"
    )
    raw = {**Rating.model_json_schema(), "additionalProperties": False}
    assert refusal(raw) == P + "For 'integer' type, properties maximum, minimum are not supported"


def test_messages_parse_round_trip_through_the_real_sdk():
    sent = []

    def handle(request):
        body = json.loads(request.content)
        sent.append(body)
        schema = check_output_format(body["output_config"]["format"])["schema"]
        text = json.dumps(draw(schema, 3))
        message = {
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 20},
        }
        return httpx2.Response(200, json=message)

    client = anthropic.Anthropic(
        api_key="sk-test", http_client=httpx2.Client(transport=httpx2.MockTransport(handle))
    )
    reply = client.messages.parse(
        model="sim-sonnet-4-6",
        max_tokens=512,
        messages=[{"role": "user", "content": "File a ticket."}],
        output_format=Ticket,
    )
    assert isinstance(reply.parsed_output, Ticket)
    assert sent[0]["output_config"]["format"]["schema"] == sdk_schema(Ticket)

"""Structured outputs: output_config.format json_schema, messages.parse(), schema limits,
incompatibilities.

Sources: platform.claude.com/docs/en/build-with-claude/structured-outputs (JSON Schema
limitations); SDK OutputConfigParam/JSONOutputFormatParam and messages.parse;
anthropics/claude-code#19417 (citations incompatible). API_RULES.md section J.
"""

from __future__ import annotations

import json
from typing import Any

import anthropic
import pytest
from pydantic import BaseModel

from tests.sim.fidelity._api import (
    HAIKU_45,
    OPUS_47,
    SONNET_46,
    accepted,
    blocks,
    create,
    expect_api_error,
    parse,
    user,
)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
    "required": ["city", "population"],
    "additionalProperties": False,
}
ASK = [user("Give the largest city of France and its population as JSON.")]


class City(BaseModel):
    city: str
    population: int


def _formatted(sdk: anthropic.Anthropic, model: str, schema: dict[str, Any], **kw: Any) -> Any:
    params: dict[str, Any] = {"model": model, "max_tokens": 512, "messages": ASK}
    params.update(kw)
    return create(
        sdk, output_config={"format": {"type": "json_schema", "schema": schema}}, **params
    )


@pytest.mark.parametrize("model", [OPUS_47, SONNET_46, HAIKU_45])
def test_json_schema_output_is_valid_json(sdk: anthropic.Anthropic, model: str) -> None:
    """The text block is JSON that validates against the schema."""
    message = accepted(lambda: _formatted(sdk, model, SCHEMA), rule="output_config.format")
    (text,) = blocks(message, "text")
    data = json.loads(text.text)
    assert set(data) == {"city", "population"}, f"docs: output follows the schema; got {data!r}"
    assert isinstance(data["city"], str) and isinstance(data["population"], int)


def test_messages_parse_with_pydantic(sdk: anthropic.Anthropic) -> None:
    """SDK messages.parse(output_format=Model) returns parsed_output of that model."""
    message = accepted(
        lambda: parse(sdk, model=SONNET_46, max_tokens=512, messages=ASK, output_format=City),
        rule="messages.parse with a Pydantic model",
    )
    assert isinstance(message.parsed_output, City), f"docs: parsed_output is a City: {message!r}"


@pytest.mark.parametrize(
    "schema",
    [
        {**SCHEMA, "additionalProperties": True},
        {
            **SCHEMA,
            "properties": {
                "city": {"type": "string"},
                "population": {"type": "integer", "minimum": 0},
            },
        },
        {
            **SCHEMA,
            "properties": {
                "city": {"type": "string", "minLength": 2},
                "population": {"type": "integer"},
            },
        },
    ],
    ids=["additionalProperties-true", "minimum", "minLength"],
)
def test_unsupported_schema_features_refused(
    sdk: anthropic.Anthropic, schema: dict[str, Any]
) -> None:
    """JSON Schema limitations: objects need additionalProperties false; numeric and string
    constraints are not supported when sent raw (the SDK strips them in parse())."""
    expect_api_error(
        lambda: _formatted(sdk, SONNET_46, schema),
        400,
        "invalid_request_error",
        r"(?i)schema|additionalProperties|minimum|minLength",
        "unsupported JSON Schema features in output_config.format are refused",
    )


def test_format_type_must_be_json_schema(sdk: anthropic.Anthropic) -> None:
    """output_config.format.type is 'json_schema' (SDK JSONOutputFormatParam)."""
    expect_api_error(
        lambda: create(
            sdk,
            model=SONNET_46,
            max_tokens=64,
            messages=ASK,
            output_config={"format": {"type": "json_object", "schema": SCHEMA}},
        ),
        400,
        "invalid_request_error",
        r"format|json_schema",
        "only json_schema formats exist",
    )


def test_structured_outputs_incompatible_with_citations(sdk: anthropic.Anthropic) -> None:
    """Citations and structured outputs cannot be combined (claude-code#19417)."""
    document = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "Paris has 2.1M people."},
        "citations": {"enabled": True},
    }
    messages = [{"role": "user", "content": [document, {"type": "text", "text": "Population?"}]}]
    expect_api_error(
        lambda: _formatted(sdk, SONNET_46, SCHEMA, messages=messages),
        400,
        "invalid_request_error",
        r"(?i)citation",
        "citations are incompatible with output_config.format",
    )


def test_structured_outputs_incompatible_with_prefill(sdk: anthropic.Anthropic) -> None:
    """Structured outputs cannot be combined with prefill (docs; Haiku 4.5 allows prefill alone).
    Message not quoted."""
    messages = [*ASK, {"role": "assistant", "content": "{"}]
    expect_api_error(
        lambda: _formatted(sdk, HAIKU_45, SCHEMA, messages=messages),
        400,
        "invalid_request_error",
        r"(?i)prefill|assistant|format",
        "a prefilled assistant turn is incompatible with output_config.format",
    )

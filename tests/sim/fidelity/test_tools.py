"""Tool use: tool_choice semantics, parallel calls, tool_result pairing and ordering, names.

Sources: platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use (tool_choice,
disable_parallel_tool_use, ordering); anthropics/claude-code#5989 and #13460 (verbatim pairing
errors); router-for-me/CLIProxyAPI#4573, langchain-ai/langchain-aws#389 (ordering).
API_RULES.md section H.
"""

from __future__ import annotations

import re
from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import (
    HAIKU_45,
    SONNET_46,
    TIME_TOOL,
    WEATHER_TOOL,
    accepted,
    blocks,
    create,
    expect_api_error,
    user,
)

TOOLS = [WEATHER_TOOL, TIME_TOOL]
BOTH = [user("Call get_weather for Paris and get_time for Tokyo. These are independent.")]


def _call(sdk: anthropic.Anthropic, **kw: Any) -> Any:
    params: dict[str, Any] = {
        "model": SONNET_46,
        "max_tokens": 1024,
        "tools": TOOLS,
        "messages": BOTH,
    }
    params.update(kw)
    return create(sdk, **params)


def test_tool_choice_any_forces_a_tool(sdk: anthropic.Anthropic) -> None:
    """tool_choice any: Claude must use one of the tools; stop_reason tool_use."""
    message = accepted(lambda: _call(sdk, tool_choice={"type": "any"}), rule="tool_choice any")
    assert blocks(message, "tool_use"), "docs: tool_choice any always returns a tool_use block"
    assert message.stop_reason == "tool_use"


def test_tool_choice_tool_forces_that_tool(sdk: anthropic.Anthropic) -> None:
    """tool_choice {type: tool, name}: Claude must call exactly that tool."""
    message = accepted(
        lambda: _call(sdk, tool_choice={"type": "tool", "name": "get_time"}),
        rule="tool_choice tool",
    )
    calls = blocks(message, "tool_use")
    assert calls and {c.name for c in calls} == {"get_time"}, (
        f"docs: the named tool is the one called; got {[c.name for c in calls]}"
    )


def test_tool_choice_none_forbids_tools(sdk: anthropic.Anthropic) -> None:
    """tool_choice none: no tool_use blocks, whatever the prompt asks."""
    message = accepted(lambda: _call(sdk, tool_choice={"type": "none"}), rule="tool_choice none")
    assert not blocks(message, "tool_use"), "docs: tool_choice none never calls a tool"


def test_tool_choice_unknown_tool_name_refused(sdk: anthropic.Anthropic) -> None:
    """Forcing a tool that is not in `tools` is an invalid request (message not quoted)."""
    expect_api_error(
        lambda: _call(sdk, tool_choice={"type": "tool", "name": "not_a_tool"}),
        400,
        "invalid_request_error",
        r"not_a_tool|tool_choice",
        "tool_choice must name a tool from `tools`",
    )


def test_parallel_tool_use_for_independent_tools(sdk: anthropic.Anthropic) -> None:
    """Independent calls may come as several tool_use blocks in one turn (parallel tool use)."""
    message = accepted(lambda: _call(sdk, tool_choice={"type": "any"}), rule="parallel tools")
    names = [c.name for c in blocks(message, "tool_use")]
    assert len(names) >= 2 and set(names) == {"get_weather", "get_time"}, (
        f"docs: two independent requested calls come back in parallel; got {names}"
    )
    assert len({c.id for c in blocks(message, "tool_use")}) == len(names), "tool_use ids are unique"


@pytest.mark.parametrize("choice", ["auto", "any"])
def test_disable_parallel_tool_use_caps_at_one(sdk: anthropic.Anthropic, choice: str) -> None:
    """disable_parallel_tool_use: at most one tool_use (exactly one with any)."""
    message = accepted(
        lambda: _call(sdk, tool_choice={"type": choice, "disable_parallel_tool_use": True}),
        rule="disable_parallel_tool_use",
    )
    count = len(blocks(message, "tool_use"))
    assert count <= 1, f"docs: disable_parallel_tool_use allows at most one tool_use; got {count}"
    if choice == "any":
        assert count == 1, "docs: with any, exactly one tool is used"


def _assistant_calls(*ids: str) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": [
            {"type": "tool_use", "id": i, "name": "get_weather", "input": {"city": "Paris"}}
            for i in ids
        ],
    }


def test_missing_tool_result_refused(sdk: anthropic.Anthropic) -> None:
    """Every tool_use needs a tool_result in the next message (claude-code#5989, verbatim)."""
    messages = [BOTH[0], _assistant_calls("toolu_A", "toolu_B"), user("Never mind.")]
    expected = (
        "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: "
        "toolu_A, toolu_B. Each `tool_use` block must have a corresponding `tool_result` block "
        "in the next message."
    )
    expect_api_error(
        lambda: _call(sdk, messages=messages),
        400,
        "invalid_request_error",
        # Which index the real API names (the tool_use turn or the next one) is not settled.
        "^" + re.escape(expected).replace(r"messages\.1:", r"messages\.[12]:") + "$",
        "each tool_use must be answered by a tool_result in the next message",
    )


def test_partial_tool_results_refused(sdk: anthropic.Anthropic) -> None:
    """Answering only one of two parallel calls leaves the other id unanswered."""
    messages = [
        BOTH[0],
        _assistant_calls("toolu_A", "toolu_B"),
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_A", "content": "x"}],
        },
    ]
    expect_api_error(
        lambda: _call(sdk, messages=messages),
        400,
        "invalid_request_error",
        re.escape(
            "`tool_use` ids were found without `tool_result` blocks immediately after: toolu_B."
        ),
        "all parallel tool_use blocks need their results in one user message",
    )


def test_unexpected_tool_use_id_refused(sdk: anthropic.Anthropic) -> None:
    """A tool_result for an id the previous turn never used (claude-code#13460, verbatim)."""
    messages = [
        BOTH[0],
        _assistant_calls("toolu_A"),
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_A", "content": "x"},
                {"type": "tool_result", "tool_use_id": "toolu_Z", "content": "y"},
            ],
        },
    ]
    expected = (
        "messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_Z. "
        "Each `tool_result` block must have a corresponding `tool_use` block in the previous "
        "message."
    )
    expect_api_error(
        lambda: _call(sdk, messages=messages),
        400,
        "invalid_request_error",
        "^" + re.escape(expected) + "$",
        "a tool_result must answer a tool_use of the previous message",
    )


def test_text_before_tool_result_refused(sdk: anthropic.Anthropic) -> None:
    """tool_result blocks must come first in the user content (implement-tool-use docs).
    The wording is ambiguous between two reported messages; either is accepted."""
    messages = [
        BOTH[0],
        _assistant_calls("toolu_A"),
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Here you go:"},
                {"type": "tool_result", "tool_use_id": "toolu_A", "content": "sunny"},
            ],
        },
    ]
    expect_api_error(
        lambda: _call(sdk, messages=messages),
        400,
        "invalid_request_error",
        r"`tool_use` ids were found without `tool_result` blocks immediately after|"
        r"Did not find 1 `tool_result` block\(s\) at the beginning of this message",
        "tool_result blocks must precede any text in the user message",
    )


def test_tool_result_then_text_accepted(sdk: anthropic.Anthropic) -> None:
    """Text after the tool_result blocks is fine (implement-tool-use docs)."""
    messages = [
        BOTH[0],
        _assistant_calls("toolu_A"),
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_A", "content": "sunny"},
                {"type": "text", "text": "Anything else?"},
            ],
        },
    ]
    accepted(lambda: _call(sdk, messages=messages), rule="tool_result first, then text")


@pytest.mark.parametrize("name", ["get weather", "get.weather", "x" * 65, ""])
def test_tool_name_pattern_enforced(sdk: anthropic.Anthropic, name: str) -> None:
    """Tool names match ^[a-zA-Z0-9_-]{1,64}$ (tool definition docs; message not quoted)."""
    tool = {**WEATHER_TOOL, "name": name}
    expect_api_error(
        lambda: _call(sdk, tools=[tool], messages=[user("hi")]),
        400,
        "invalid_request_error",
        r"name",
        "tool names must match ^[a-zA-Z0-9_-]{1,64}$",
    )


def test_strict_tool_input_matches_schema(sdk: anthropic.Anthropic) -> None:
    """strict: true guarantees tool input valid against input_schema (structured outputs docs)."""
    tool = {
        "name": "book_flight",
        "description": "Book a flight.",
        "strict": True,
        "input_schema": {
            "type": "object",
            "properties": {
                "origin": {"type": "string"},
                "destination": {"type": "string"},
                "passengers": {"type": "integer"},
            },
            "required": ["origin", "destination", "passengers"],
            "additionalProperties": False,
        },
    }
    message = accepted(
        lambda: _call(
            sdk,
            model=HAIKU_45,
            tools=[tool],
            tool_choice={"type": "tool", "name": "book_flight"},
            messages=[user("Book 2 seats from Paris to Oslo.")],
        ),
        rule="strict tools are valid",
    )
    (call,) = blocks(message, "tool_use")
    assert set(call.input) == {"origin", "destination", "passengers"}, (
        f"docs: strict tool input has exactly the schema's keys; got {call.input!r}"
    )
    assert isinstance(call.input["passengers"], int), "docs: strict input has the schema's types"

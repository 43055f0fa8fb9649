"""Thinking: adaptive vs enabled per model, budgets, display, signatures, redacted thinking,
forced tool choice, and the thinking-first rule of tool loops.

Sources (API_RULES.md section F): anomalyco/opencode#22863 (Opus 4.7 refuses enabled);
docker/docker-agent#3362 (Haiku 4.5 refuses adaptive); SDK ThinkingConfigEnabledParam
(budget >= 1024 and < max_tokens); SDK ThinkingConfigAdaptiveParam (display); ding113/
claude-code-hub#518 (invalid signature); anomalyco/opencode#3077 (thinking-first rule);
tailcallhq/forgecode#1853 (thinking disabled); mastra-ai/mastra#7507 (forced tool_choice);
aws-samples/bedrock-engineer#141 (redacted-thinking test string).
"""

from __future__ import annotations

import re
from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import (
    HAIKU_45,
    OPUS_47,
    REDACTED_TRIGGER,
    SONNET_46,
    WEATHER_TOOL,
    accepted,
    as_param,
    blocks,
    create,
    expect_api_error,
    user,
)

ADAPTIVE: dict[str, Any] = {"type": "adaptive", "display": "summarized"}
ENABLED: dict[str, Any] = {"type": "enabled", "budget_tokens": 2048}
QUESTION = [user("What is 17 * 23? Think it through.")]


def _think(sdk: anthropic.Anthropic, model: str, thinking: dict[str, Any], **kw: Any) -> Any:
    params: dict[str, Any] = {"model": model, "max_tokens": 4096, "messages": QUESTION}
    params.update(kw)
    return create(sdk, thinking=thinking, **params)


def test_opus_47_refuses_enabled_thinking(sdk: anthropic.Anthropic) -> None:
    """Opus 4.7: thinking.type enabled is a 400 with a pointer to adaptive + effort."""
    expect_api_error(
        lambda: _think(sdk, OPUS_47, ENABLED),
        400,
        "invalid_request_error",
        "^"
        + re.escape(
            '"thinking.type.enabled" is not supported for this model. Use '
            '"thinking.type.adaptive" and "output_config.effort" to control thinking behavior.'
        )
        + "$",
        "Opus 4.7 accepts only adaptive thinking",
    )


def test_haiku_45_refuses_adaptive_thinking(sdk: anthropic.Anthropic) -> None:
    """Haiku 4.5 predates adaptive thinking: 'adaptive thinking is not supported on this model'."""
    expect_api_error(
        lambda: _think(sdk, HAIKU_45, ADAPTIVE),
        400,
        "invalid_request_error",
        re.escape("adaptive thinking is not supported on this model"),
        "Haiku 4.5 has no adaptive thinking",
    )


@pytest.mark.parametrize(
    ("model", "thinking"),
    [(OPUS_47, ADAPTIVE), (SONNET_46, ADAPTIVE), (SONNET_46, ENABLED), (HAIKU_45, ENABLED)],
    ids=["opus-adaptive", "sonnet-adaptive", "sonnet-enabled", "haiku-enabled"],
)
def test_supported_thinking_returns_signed_blocks(
    sdk: anthropic.Anthropic, model: str, thinking: dict[str, Any]
) -> None:
    """Accepted thinking configs return thinking blocks (before text) carrying a signature."""
    message = accepted(lambda: _think(sdk, model, thinking), rule=f"{model} accepts {thinking}")
    thought = blocks(message, "thinking")
    assert thought, f"docs: a thinking request returns thinking blocks; got {message.content!r}"
    assert message.content[0].type in ("thinking", "redacted_thinking"), (
        "docs: thinking blocks come before the answer"
    )
    assert all(block.signature for block in thought), "docs: every thinking block is signed"
    assert thought[0].thinking, "docs: display 'summarized' returns the thinking text"


def test_display_omitted_returns_empty_thinking_with_signature(sdk: anthropic.Anthropic) -> None:
    """display 'omitted': thinking content redacted, signature kept (SDK ThinkingConfigAdaptiveParam)."""
    message = accepted(
        lambda: _think(sdk, SONNET_46, {"type": "adaptive", "display": "omitted"}),
        rule="adaptive thinking with display omitted is valid",
    )
    thought = blocks(message, "thinking")
    assert thought, "docs: omitted display still returns thinking blocks (for multi-turn)"
    assert all(block.thinking == "" for block in thought), "docs: omitted thinking has no text"
    assert all(block.signature for block in thought), "docs: omitted thinking keeps its signature"


def test_invalid_display_value_refused(sdk: anthropic.Anthropic) -> None:
    """display is 'summarized' | 'omitted' (SDK type); anything else is a 400."""
    expect_api_error(
        lambda: _think(sdk, SONNET_46, {"type": "adaptive", "display": "verbose"}),
        400,
        "invalid_request_error",
        r"display",
        "thinking.display accepts only summarized or omitted",
    )


@pytest.mark.parametrize(
    ("budget", "max_tokens"),
    [(1023, 4096), (4096, 4096), (8000, 4096)],
    ids=["<1024", "=max", ">max"],
)
def test_enabled_budget_bounds(sdk: anthropic.Anthropic, budget: int, max_tokens: int) -> None:
    """budget_tokens must be >= 1024 and less than max_tokens (SDK ThinkingConfigEnabledParam)."""
    expect_api_error(
        lambda: _think(
            sdk, SONNET_46, {"type": "enabled", "budget_tokens": budget}, max_tokens=max_tokens
        ),
        400,
        "invalid_request_error",
        r"budget_tokens",
        "thinking.budget_tokens must be >= 1024 and < max_tokens",
    )


def test_minimum_budget_accepted(sdk: anthropic.Anthropic) -> None:
    """budget_tokens 1024 with max_tokens 2048 is the smallest valid enabled config."""
    accepted(
        lambda: _think(sdk, HAIKU_45, {"type": "enabled", "budget_tokens": 1024}, max_tokens=2048),
        rule="budget_tokens 1024 < max_tokens 2048 is valid",
    )


def _second_turn(first: Any, content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*QUESTION, {"role": "assistant", "content": content}, user("Now add 1.")]


def test_signed_thinking_round_trips(sdk: anthropic.Anthropic) -> None:
    """Thinking blocks passed back unmodified are accepted on the next turn."""
    first = _think(sdk, SONNET_46, ADAPTIVE)
    accepted(
        lambda: _think(sdk, SONNET_46, ADAPTIVE, messages=_second_turn(first, as_param(first))),
        rule="unmodified thinking blocks can be passed back",
    )


@pytest.mark.parametrize("tamper", ["edit-thinking", "bad-signature", "empty-signature"])
def test_tampered_thinking_refused(sdk: anthropic.Anthropic, tamper: str) -> None:
    """'messages.1.content.0: Invalid `signature` in `thinking` block' (claude-code-hub#518)."""
    first = _think(sdk, SONNET_46, ADAPTIVE)
    content = as_param(first)
    assert content[0]["type"] == "thinking", "precondition: first block is thinking"
    if tamper == "edit-thinking":
        content[0]["thinking"] = content[0]["thinking"] + " (edited)"
    elif tamper == "bad-signature":
        content[0]["signature"] = "Eo8BCkYIBRgCKkD" + "A" * 40
    else:
        content[0]["signature"] = ""
    expect_api_error(
        lambda: _think(sdk, SONNET_46, ADAPTIVE, messages=_second_turn(first, content)),
        400,
        "invalid_request_error",
        "^" + re.escape("messages.1.content.0: Invalid `signature` in `thinking` block"),
        "thinking blocks must be passed back unmodified with their signature",
    )


def test_redacted_thinking_trigger(sdk: anthropic.Anthropic) -> None:
    """The documented test string makes the reply carry a redacted_thinking block with data."""
    message = accepted(
        lambda: _think(sdk, SONNET_46, ADAPTIVE, messages=[user(REDACTED_TRIGGER)]),
        rule="the redacted-thinking test string is a valid prompt",
    )
    redacted = blocks(message, "redacted_thinking")
    assert redacted and all(block.data for block in redacted), (
        f"docs: the magic string triggers redacted_thinking blocks; got {message.content!r}"
    )
    accepted(
        lambda: _think(
            sdk,
            SONNET_46,
            ADAPTIVE,
            messages=[
                user(REDACTED_TRIGGER),
                {"role": "assistant", "content": as_param(message)},
                user("Thanks."),
            ],
        ),
        rule="redacted_thinking blocks are passed back as they came",
    )


@pytest.mark.parametrize(
    "tool_choice", [{"type": "any"}, {"type": "tool", "name": "get_weather"}], ids=["any", "tool"]
)
def test_thinking_with_forced_tool_choice_refused(
    sdk: anthropic.Anthropic, tool_choice: dict[str, Any]
) -> None:
    """'Thinking may not be enabled when tool_choice forces tool use.' (mastra-ai/mastra#7507)."""
    expect_api_error(
        lambda: _think(
            sdk,
            SONNET_46,
            ADAPTIVE,
            tools=[WEATHER_TOOL],
            tool_choice=tool_choice,
            messages=[user("Weather in Paris?")],
        ),
        400,
        "invalid_request_error",
        "^" + re.escape("Thinking may not be enabled when tool_choice forces tool use.") + "$",
        "thinking is incompatible with forced tool use",
    )


@pytest.mark.parametrize("tool_choice", [{"type": "auto"}, {"type": "none"}], ids=["auto", "none"])
def test_thinking_with_unforced_tool_choice_accepted(
    sdk: anthropic.Anthropic, tool_choice: dict[str, Any]
) -> None:
    """auto and none do not force tool use, so thinking is allowed (extended-thinking docs)."""
    accepted(
        lambda: _think(
            sdk,
            SONNET_46,
            ADAPTIVE,
            tools=[WEATHER_TOOL],
            tool_choice=tool_choice,
            messages=[user("Weather in Paris?")],
        ),
        rule=f"thinking with tool_choice {tool_choice} is valid",
    )


def test_tool_loop_final_assistant_must_start_with_thinking(sdk: anthropic.Anthropic) -> None:
    """The verbatim 'Expected `thinking` or `redacted_thinking`, but found `tool_use`' rule."""
    messages = [
        user("Weather in Paris?"),
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool_use",
                    "id": "toolu_01",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                }
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_01", "content": "sunny"}],
        },
    ]
    expected = (
        "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found "
        "`tool_use`. When `thinking` is enabled, a final `assistant` message must start with a "
        "thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). "
        "We recommend you include thinking blocks from previous turns. To avoid this "
        "requirement, disable `thinking`. Please consult our documentation at "
        "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
    )
    expect_api_error(
        lambda: _think(sdk, SONNET_46, ADAPTIVE, tools=[WEATHER_TOOL], messages=messages),
        400,
        "invalid_request_error",
        "^" + re.escape(expected) + "$",
        "with thinking on, the last assistant turn of a tool loop must start with thinking",
    )


def test_tool_loop_with_thinking_passed_back_accepted(sdk: anthropic.Anthropic) -> None:
    """Passing the signed thinking block back before tool_use satisfies the rule."""
    question = [user("Use the tool: what is the weather in Paris?")]
    first = accepted(
        lambda: _think(sdk, SONNET_46, ADAPTIVE, tools=[WEATHER_TOOL], messages=question),
        rule="thinking with tools (auto) is valid",
    )
    calls = blocks(first, "tool_use")
    if not calls:
        pytest.fail(f"sim: a clear tool request with tools should call the tool: {first.content!r}")
    results = [{"type": "tool_result", "tool_use_id": c.id, "content": "sunny"} for c in calls]
    accepted(
        lambda: _think(
            sdk,
            SONNET_46,
            ADAPTIVE,
            tools=[WEATHER_TOOL],
            messages=[
                *question,
                {"role": "assistant", "content": as_param(first)},
                {"role": "user", "content": results},
            ],
        ),
        rule="a tool loop that passes thinking back is valid",
    )


def test_thinking_disabled_with_thinking_in_final_assistant_refused(
    sdk: anthropic.Anthropic,
) -> None:
    """'When thinking is disabled, an `assistant` message in the final position cannot contain
    `thinking`.' (tailcallhq/forgecode#1853). Haiku 4.5 is used because it allows prefill."""
    first = _think(sdk, HAIKU_45, ENABLED)
    thought = [b for b in as_param(first) if b["type"] == "thinking"]
    assert thought, "precondition: enabled thinking on Haiku 4.5 returns a thinking block"
    expected = (
        "messages.1.content.0: When thinking is disabled, an `assistant` message in the final "
        "position cannot contain `thinking`. To use thinking blocks, enable `thinking` in your "
        "request."
    )
    expect_api_error(
        lambda: create(
            sdk,
            model=HAIKU_45,
            max_tokens=256,
            messages=[*QUESTION, {"role": "assistant", "content": thought}],
        ),
        400,
        "invalid_request_error",
        "^" + re.escape(expected) + "$",
        "a final assistant message cannot hold thinking when thinking is off",
    )

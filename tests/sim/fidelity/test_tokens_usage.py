"""count_tokens, usage fields, streaming usage, max_tokens and context limits, images.

Sources: docs token-counting (count equals a message's input usage); docs vision (w*h/750,
resize above 1568 px / ~1600 tokens); SDK types usage.py, message_delta_usage.py;
earendil-works/pi#102 ('prompt is too long: N tokens > M maximum'); ModelInfo.max_tokens.
API_RULES.md sections C and M.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import (
    ALL_MODELS,
    HAIKU_45,
    SONNET_46,
    WEATHER_TOOL,
    count,
    create,
    expect_api_error,
    png,
    stream,
    user,
)

SYSTEM = "You are terse."
MESSAGES = [user("Explain recursion in one sentence.")]


@pytest.mark.parametrize("model", ALL_MODELS)
def test_count_tokens_equals_message_input_usage(sdk: anthropic.Anthropic, model: str) -> None:
    """The count for an input equals usage.input_tokens of a message with that input."""
    counted = count(sdk, model=model, system=SYSTEM, messages=MESSAGES)
    message = create(sdk, model=model, max_tokens=32, system=SYSTEM, messages=MESSAGES)
    assert counted.input_tokens == message.usage.input_tokens, (
        f"docs: count_tokens {counted.input_tokens} == usage.input_tokens {message.usage.input_tokens}"
    )


def test_count_tokens_counts_system_and_tools(sdk: anthropic.Anthropic) -> None:
    """System prompt and tool definitions are part of the input and are counted."""
    bare = count(sdk, model=SONNET_46, messages=MESSAGES).input_tokens
    with_system = count(sdk, model=SONNET_46, system=SYSTEM, messages=MESSAGES)
    with_tools = count(
        sdk,
        model=SONNET_46,
        messages=MESSAGES,
        tools=[WEATHER_TOOL],
    )
    assert with_system.input_tokens > bare and with_tools.input_tokens > bare


def test_count_tokens_refuses_sampling_knobs(sdk: anthropic.Anthropic) -> None:
    """count_tokens validates like messages: no temperature under 2026-10-21."""
    expect_api_error(
        lambda: count(sdk, model=SONNET_46, messages=MESSAGES, extra_body={"temperature": 1.0}),
        400,
        "invalid_request_error",
        re.escape("temperature: Extra inputs are not permitted"),
        "count_tokens refuses temperature under 2026-10-21",
    )


def _image_tokens(sdk: anthropic.Anthropic, width: int, height: int) -> int:
    data = base64.b64encode(png(width, height)).decode()
    content: list[dict[str, Any]] = [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}},
        {"type": "text", "text": "Describe."},
    ]
    counted = count(
        sdk,
        model=SONNET_46,
        messages=[{"role": "user", "content": content}],
    )
    return int(counted.input_tokens)


def test_image_tokens_follow_area_over_750(sdk: anthropic.Anthropic) -> None:
    """An image costs about width*height/750 tokens (vision docs); compare two sizes."""
    small, large = _image_tokens(sdk, 200, 200), _image_tokens(sdk, 600, 600)
    expected = (600 * 600 - 200 * 200) / 750
    assert abs((large - small) - expected) <= 0.1 * expected, (
        f"docs: 600x600 costs ~{expected:.0f} more tokens than 200x200; got {large - small}"
    )


def test_large_images_are_resized_first(sdk: anthropic.Anthropic) -> None:
    """Images over 1568 px on the long edge are scaled down: ~1600 tokens at most (vision docs)."""
    base = _image_tokens(sdk, 1, 1)
    huge = _image_tokens(sdk, 3000, 3000) - base
    assert huge <= 1650, f"docs: a 3000x3000 image is resized to ~1600 tokens; counted {huge}"
    assert huge >= 1000, f"docs: a resized large image still costs ~1600 tokens; counted {huge}"


def test_usage_fields(sdk: anthropic.Anthropic) -> None:
    """Usage carries input/output tokens and cache counters (SDK Usage); 0 when no caching."""
    usage = create(sdk, model=HAIKU_45, max_tokens=32, messages=MESSAGES).usage
    assert usage.input_tokens > 0 and usage.output_tokens > 0
    assert usage.cache_creation_input_tokens == 0 and usage.cache_read_input_tokens == 0, (
        f"docs: cache counters are reported (0 without cache_control): {usage!r}"
    )


def test_streaming_usage(sdk: anthropic.Anthropic) -> None:
    """message_start carries input usage; message_delta.usage.output_tokens is the cumulative
    total, equal to the final message's (SDK MessageDeltaUsage)."""
    start_input, delta_output = None, None
    with stream(sdk, model=HAIKU_45, max_tokens=64, messages=MESSAGES) as events:
        for event in events:
            if event.type == "message_start":
                start_input = event.message.usage.input_tokens
            elif event.type == "message_delta":
                delta_output = event.usage.output_tokens
        final = events.get_final_message()
    assert start_input == final.usage.input_tokens and start_input > 0
    assert delta_output == final.usage.output_tokens and delta_output > 0


@pytest.mark.parametrize("model", ALL_MODELS)
def test_max_tokens_above_model_limit_refused(sdk: anthropic.Anthropic, model: str) -> None:
    """max_tokens over ModelInfo.max_tokens is a 400 naming max_tokens (message not quoted)."""
    limit = sdk.models.retrieve(model).max_tokens
    assert limit
    expect_api_error(
        # An explicit timeout skips the SDK's client-side "streaming is required" guard.
        lambda: create(sdk, model=model, max_tokens=limit + 1, messages=MESSAGES, timeout=60),
        400,
        "invalid_request_error",
        r"max_tokens",
        f"max_tokens above {model}'s limit {limit} is refused",
    )


def test_max_tokens_at_model_limit_accepted(sdk: anthropic.Anthropic) -> None:
    """max_tokens equal to the model limit is valid (streaming, as the SDK requires for long ones)."""
    limit = sdk.models.retrieve(HAIKU_45).max_tokens
    assert limit
    with stream(sdk, model=HAIKU_45, max_tokens=limit, messages=MESSAGES) as events:
        final = events.get_final_message()
    assert final.type == "message"


def test_max_tokens_must_not_be_negative(sdk: anthropic.Anthropic) -> None:
    """max_tokens >= 0 (SDK MessageCreateParams.max_tokens: "Set to `0` to populate the prompt
    cache without generating a response"); a negative value is a 400."""
    expect_api_error(
        lambda: create(sdk, model=HAIKU_45, max_tokens=-1, messages=MESSAGES),
        400,
        "invalid_request_error",
        r"max_tokens",
        "max_tokens must be at least 0",
    )


def test_max_tokens_zero_prewarms_the_cache(sdk: anthropic.Anthropic) -> None:
    """max_tokens=0 generates nothing (SDK MessageCreateParams.max_tokens, prompt-caching docs
    "pre-warming the cache"): no content, stop_reason max_tokens, no output tokens."""
    message = create(sdk, model=HAIKU_45, max_tokens=0, messages=MESSAGES)
    assert message.content == [], "docs: max_tokens=0 returns no content"
    assert message.stop_reason == "max_tokens"
    assert message.usage.output_tokens == 0


def test_prompt_over_context_window_refused(sdk: anthropic.Anthropic) -> None:
    """'prompt is too long: N tokens > M maximum' (earendil-works/pi#102)."""
    window = sdk.models.retrieve(HAIKU_45).max_input_tokens
    assert window
    unit = "lorem ipsum dolor sit amet "
    per_unit = count(sdk, model=HAIKU_45, messages=[user(unit * 100)]).input_tokens / 100
    text = unit * int(window / per_unit * 1.05 + 100)
    error = expect_api_error(
        lambda: create(sdk, model=HAIKU_45, max_tokens=16, messages=[user(text)]),
        400,
        "invalid_request_error",
        r"^prompt is too long: \d+ tokens > " + str(window) + " maximum$",
        "a prompt larger than the context window is refused",
    )
    assert isinstance(error, anthropic.BadRequestError)

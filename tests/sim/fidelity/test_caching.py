"""Prompt caching: breakpoints, automatic caching, TTLs, minimum length, usage fields.

Sources: platform.claude.com/docs/en/build-with-claude/prompt-caching; tghamm/Anthropic.SDK#50
(verbatim 4-breakpoint message); docs.orq.ai prompt-caching and anthropic-sdk-python#1194
(minimum lengths); SDK Usage / CacheCreation. API_RULES.md section I.
"""

from __future__ import annotations

import re
from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import (
    HAIKU_45,
    OPUS_47,
    SONNET_46,
    accepted,
    count,
    create,
    expect_api_error,
    user,
)

# Minimum cacheable prefix per model (docs; Opus 4.7 assumed equal to Opus 4.6).
MINIMUM = {OPUS_47: 4096, SONNET_46: 2048, HAIKU_45: 4096}


def _long_text(sdk: anthropic.Anthropic, model: str, tokens: int, tag: str) -> str:
    """Text whose token count (measured with count_tokens) is at least `tokens`."""
    unit = f"[{tag}] The quick brown fox jumps over the lazy dog near the riverbank. "
    text = unit * 50
    while count(sdk, model=model, messages=[user(text)]).input_tokens < tokens:
        text += unit * 50
    return text


def _cached_call(sdk: anthropic.Anthropic, model: str, text: str, ttl: str | None = None) -> Any:
    control: dict[str, Any] = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
    return create(
        sdk,
        model=model,
        max_tokens=16,
        system=[{"type": "text", "text": text, "cache_control": control}],
        messages=[user("Summarise in one word.")],
    )


@pytest.mark.parametrize("model", [OPUS_47, SONNET_46, HAIKU_45])
def test_cache_write_then_read(sdk: anthropic.Anthropic, model: str, tag: str) -> None:
    """Above the minimum, the first call writes the prefix and the second reads it."""
    text = _long_text(sdk, model, MINIMUM[model] + 500, tag)
    first = accepted(lambda: _cached_call(sdk, model, text), rule="cache_control on a block")
    second = _cached_call(sdk, model, text)
    assert (first.usage.cache_creation_input_tokens or 0) > 0, (
        f"docs: first request writes the cache; usage {first.usage!r}"
    )
    assert (second.usage.cache_read_input_tokens or 0) == first.usage.cache_creation_input_tokens, (
        f"docs: second request reads what the first wrote; usage {second.usage!r}"
    )
    assert (second.usage.cache_creation_input_tokens or 0) == 0, "a cache hit writes nothing"


@pytest.mark.parametrize("model", [OPUS_47, HAIKU_45])
def test_below_minimum_is_not_cached(sdk: anthropic.Anthropic, model: str, tag: str) -> None:
    """A prefix shorter than the model's minimum succeeds but neither writes nor reads."""
    text = _long_text(sdk, model, 1200, tag)
    assert count(sdk, model=model, messages=[user(text)]).input_tokens < MINIMUM[model]
    for _ in range(2):
        usage = _cached_call(sdk, model, text).usage
        assert not usage.cache_creation_input_tokens and not usage.cache_read_input_tokens, (
            f"docs: below {MINIMUM[model]} tokens {model} caches nothing; usage {usage!r}"
        )


def test_usage_reports_cache_creation_by_ttl(sdk: anthropic.Anthropic, tag: str) -> None:
    """usage.cache_creation splits writes into ephemeral_5m / ephemeral_1h (SDK CacheCreation)."""
    text = _long_text(sdk, SONNET_46, 3000, tag)
    usage = _cached_call(sdk, SONNET_46, text, ttl="1h").usage
    assert usage.cache_creation is not None, "docs: usage.cache_creation is present on a write"
    assert usage.cache_creation.ephemeral_1h_input_tokens == usage.cache_creation_input_tokens
    assert usage.cache_creation.ephemeral_5m_input_tokens == 0


def test_default_ttl_is_5m(sdk: anthropic.Anthropic, tag: str) -> None:
    """ttl defaults to 5m (SDK CacheControlEphemeralParam)."""
    text = _long_text(sdk, SONNET_46, 3000, tag)
    usage = _cached_call(sdk, SONNET_46, text).usage
    assert usage.cache_creation is not None
    assert usage.cache_creation.ephemeral_5m_input_tokens == usage.cache_creation_input_tokens
    assert usage.cache_creation.ephemeral_1h_input_tokens == 0


def test_invalid_ttl_refused(sdk: anthropic.Anthropic) -> None:
    """ttl is '5m' or '1h' only (SDK CacheControlEphemeralParam)."""
    expect_api_error(
        lambda: _cached_call(sdk, SONNET_46, "short", ttl="10m"),
        400,
        "invalid_request_error",
        r"ttl",
        "cache_control.ttl must be 5m or 1h",
    )


def test_1h_breakpoint_after_5m_refused(sdk: anthropic.Anthropic) -> None:
    """Mixing TTLs: longer-TTL breakpoints must come before shorter ones (prompt-caching docs)."""
    system = [
        {"type": "text", "text": "part one", "cache_control": {"type": "ephemeral", "ttl": "5m"}},
        {"type": "text", "text": "part two", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
    ]
    expect_api_error(
        lambda: create(
            sdk,
            model=SONNET_46,
            max_tokens=16,
            system=system,
            messages=[user("hi")],
        ),
        400,
        "invalid_request_error",
        r"ttl|1h|5m",
        "a 1h cache_control may not follow a 5m one",
    )


def _blocks_with_breakpoints(count: int) -> list[dict[str, Any]]:
    return [
        {"type": "text", "text": f"block {i}", "cache_control": {"type": "ephemeral"}}
        for i in range(count)
    ]


def test_five_breakpoints_refused(sdk: anthropic.Anthropic) -> None:
    """'A maximum of 4 blocks with cache_control may be provided. Found 5.' (Anthropic.SDK#50)."""
    expect_api_error(
        lambda: create(
            sdk,
            model=SONNET_46,
            max_tokens=16,
            system=_blocks_with_breakpoints(3),
            messages=[{"role": "user", "content": _blocks_with_breakpoints(2)}],
        ),
        400,
        "invalid_request_error",
        "^" + re.escape("A maximum of 4 blocks with cache_control may be provided. Found 5.") + "$",
        "at most 4 cache breakpoints per request, tools + system + messages",
    )


def test_four_breakpoints_accepted(sdk: anthropic.Anthropic) -> None:
    """Four breakpoints is the documented maximum and is valid."""
    accepted(
        lambda: create(
            sdk,
            model=SONNET_46,
            max_tokens=16,
            system=_blocks_with_breakpoints(2),
            messages=[{"role": "user", "content": _blocks_with_breakpoints(2)}],
        ),
        rule="4 cache breakpoints",
    )


def test_top_level_automatic_caching(sdk: anthropic.Anthropic, tag: str) -> None:
    """Top-level cache_control caches up to the last cacheable block (prompt-caching docs)."""
    text = _long_text(sdk, SONNET_46, 3000, tag)

    def call() -> Any:
        return create(
            sdk,
            model=SONNET_46,
            max_tokens=16,
            messages=[user(text)],
            extra_body={"cache_control": {"type": "ephemeral"}},
        )

    first = accepted(call, rule="top-level cache_control enables automatic caching")
    second = call()
    assert (first.usage.cache_creation_input_tokens or 0) > 0, "docs: automatic caching writes"
    assert (second.usage.cache_read_input_tokens or 0) > 0, "docs: the next identical call reads"

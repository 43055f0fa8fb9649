"""Shared vocabulary of the fidelity probes: model ids, request builders, error assertions."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx2

# Real model -> simulated model whose rules it follows (COMMON.md).
OPUS_47 = "sim-opus-4-7"  # claude-opus-4-7
SONNET_46 = "sim-sonnet-4-6"  # claude-sonnet-4-6
HAIKU_45 = "sim-haiku-4-5"  # claude-haiku-4-5
ALL_MODELS = (OPUS_47, SONNET_46, HAIKU_45)
NO_PREFILL_MODELS = (OPUS_47, SONNET_46)  # Opus 4.6, Sonnet 4.6 and later refuse prefill

NEW_VERSION = "2026-10-21"
OLD_VERSION = "2023-06-01"
OLD = {"anthropic-version": OLD_VERSION}

REDACTED_TRIGGER = (
    "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_"
    "46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB"
)

WEATHER_TOOL: dict[str, Any] = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}
TIME_TOOL: dict[str, Any] = {
    "name": "get_time",
    "description": "Current local time in a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def hello() -> list[dict[str, Any]]:
    return [user("Say hello in one short sentence.")]


def expect_api_error(
    call: Callable[[], Any], status: int, error_type: str, message: str, rule: str
) -> anthropic.APIStatusError:
    """Run `call`, demand the documented HTTP error; `message` is a regex (use re.escape for
    verbatim quotes). `rule` says in words what the docs require, for the failure message."""
    try:
        result = call()
    except anthropic.APIStatusError as error:
        body: dict[str, Any] = error.body if isinstance(error.body, dict) else {}
        inner: dict[str, Any] = body["error"] if isinstance(body.get("error"), dict) else {}
        got = (error.status_code, inner.get("type"), inner.get("message"))
        assert error.status_code == status, f"docs: {rule}; expected HTTP {status}, got {got}"
        assert inner.get("type") == error_type, (
            f"docs: {rule}; expected error.type {error_type!r}, got {got}"
        )
        text = str(inner.get("message") or "")
        assert re.search(message, text), (
            f"docs: {rule}; expected message matching {message!r}, got {text!r}"
        )
        assert body.get("type") == "error", f"docs: error bodies have type 'error', got {body!r}"
        return error
    raise AssertionError(
        f"docs: {rule}; expected HTTP {status} {error_type}, got success {result!r}"
    )


def accepted(call: Callable[[], Any], *, rule: str) -> Any:
    """Run `call`; an API error means the simulator refused what the real API accepts."""
    try:
        return call()
    except anthropic.APIStatusError as error:
        raise AssertionError(
            f"docs: {rule}; the real API accepts this, simulator answered "
            f"{error.status_code} {error.body!r}"
        ) from None


def blocks(message: Any, kind: str) -> list[Any]:
    return [block for block in message.content if block.type == kind]


def as_param(message: Any) -> list[dict[str, Any]]:
    """An assistant reply turned back into request content blocks, unmodified."""
    return [block.model_dump(exclude_none=True) for block in message.content]


def png(width: int, height: int) -> bytes:
    """A valid solid-colour PNG of the given size (no imaging library needed)."""
    row = b"\x00" + b"\x80\x80\x80" * width
    raw = zlib.compress(row * height, 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: Any


RawSend = Callable[[str, str, dict[str, str], Any], RawResponse]


def decode(status: int, headers: dict[str, str], content: bytes) -> RawResponse:
    try:
        body: Any = json.loads(content) if content else None
    except ValueError:
        body = content.decode(errors="replace")
    return RawResponse(status, {k.lower(): v for k, v in headers.items()}, body)


def loopback_sender(base_url: str) -> RawSend:
    def send(method: str, path: str, headers: dict[str, str], body: Any) -> RawResponse:
        content = b"" if body is None else json.dumps(body).encode()
        with httpx2.Client(base_url=base_url, timeout=30) as http:
            response = http.request(method, path, headers=headers, content=content)
        return decode(response.status_code, dict(response.headers), response.content)

    return send


def inprocess_sender() -> RawSend:
    from labkit.sim.app import SimApp
    from labkit.sim.engine import Simulator

    app = SimApp(Simulator(seed=0))

    def send(method: str, path: str, headers: dict[str, str], body: Any) -> RawResponse:
        content = b"" if body is None else json.dumps(body).encode()
        response = app.handle(method, path, headers, content)
        return decode(response.status, dict(response.headers), b"".join(response.chunks()))

    return send


# Typed gateways: probes send deliberately invalid shapes, which the SDK's TypedDicts (rightly)
# reject at type-check time; the wire is what is under test here.
def create(sdk: anthropic.Anthropic, **params: Any) -> Any:
    return sdk.messages.create(**params)


def count(sdk: anthropic.Anthropic, **params: Any) -> Any:
    return sdk.messages.count_tokens(**params)


def stream(sdk: anthropic.Anthropic, **params: Any) -> Any:
    return sdk.messages.stream(**params)


def parse(sdk: anthropic.Anthropic, **params: Any) -> Any:
    return sdk.messages.parse(**params)


def create_batch(sdk: anthropic.Anthropic, requests: list[dict[str, Any]]) -> Any:
    return sdk.messages.batches.create(requests=requests)  # type: ignore[arg-type]

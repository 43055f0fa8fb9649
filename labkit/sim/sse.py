"""Server-sent events for `stream: true`, in the order and shapes the real API sends them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

TEXT_CHUNK_CHARS = 24


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _chunks(text: str) -> Iterator[str]:
    for start in range(0, len(text), TEXT_CHUNK_CHARS):
        yield text[start : start + TEXT_CHUNK_CHARS]


def stream_events(message: dict[str, Any]) -> Iterator[bytes]:
    """message_start, per block start/deltas/stop, message_delta, message_stop."""
    usage = message["usage"]
    start = dict(message, content=[], stop_reason=None, stop_sequence=None)
    start["usage"] = dict(usage, output_tokens=1)
    yield _event("message_start", {"type": "message_start", "message": start})
    yield _event("ping", {"type": "ping"})
    for index, block in enumerate(message["content"]):
        kind = block["type"]
        if kind == "text":
            empty: dict[str, Any] = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": c} for c in _chunks(block["text"])]
        elif kind == "redacted_thinking":  # arrives whole, in its start event
            empty = dict(block)
            deltas = []
        elif kind == "thinking":
            empty = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": c} for c in _chunks(block["thinking"])]
            # With display "omitted" there is no text: the stream carries the signature only.
            deltas.append({"type": "signature_delta", "signature": block["signature"]})
        else:  # tool_use: the input arrives as partial JSON
            empty = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            raw = json.dumps(block["input"], ensure_ascii=False)
            deltas = [{"type": "input_json_delta", "partial_json": c} for c in _chunks(raw)]
        yield _event(
            "content_block_start",
            {"type": "content_block_start", "index": index, "content_block": empty},
        )
        for delta in deltas:
            yield _event(
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": delta},
            )
        yield _event("content_block_stop", {"type": "content_block_stop", "index": index})
    yield _event(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": message["stop_reason"],
                "stop_sequence": message["stop_sequence"],
            },
            # Cumulative totals (MessageDeltaUsage): input and cache counts are repeated here.
            "usage": {
                key: usage[key]
                for key in (
                    "input_tokens",
                    "cache_creation_input_tokens",
                    "cache_read_input_tokens",
                    "output_tokens",
                    "output_tokens_details",
                    "server_tool_use",
                )
                if key in usage
            },
        },
    )
    yield _event("message_stop", {"type": "message_stop"})

"""Input-token accounting of a Messages request, block by block, in the API's prefix order.

The API builds one prompt from `tools`, then `system`, then `messages`; prompt caching, token
counting and the usage fields all refer to that order. `input_segments` splits an (already
validated) request body into those blocks with a token count and a content digest each, so
`count_tokens` and the cache (labkit/sim/caching.py) read the same numbers.

Rules and their sources (platform.claude.com docs unless marked "reported"):
- Text: about four characters a token (the simulator's own tokenizer, kept from engine.py).
- Images (vision page, "Evaluate image size"): one visual token per 28x28 patch,
  ceil(w/28) * ceil(h/28); an image over the model's native resolution is first shrunk, keeping
  its aspect ratio, until both sides fit the edge limit and the patch count fits the token
  budget: 2576 px / 4784 tokens on Claude Opus 4.7, 1568 px / 1568 tokens on other models.
- Tools: with at least one tool the API adds a tool-use system prompt of 346 tokens for
  tool_choice auto/none and 313 for any/tool on Claude 4 models (tool-use pricing table); with
  no tools it adds nothing. It sits after `system`: a tool_choice change invalidates only the
  messages cache (prompt-caching page, "What invalidates the cache").
- Thinking (prompt-caching page, "Caching with thinking blocks"; reported measurements agree):
  Opus 4.5+ and Sonnet 4.6+ keep thinking blocks of earlier turns in context, so they count;
  Haiku models strip every thinking block that precedes the last user message carrying
  non-tool-result content, so those count 0. Thinking inside the current tool-use loop counts
  on every model.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

# Minimum cacheable prompt per simulated model, from the prompt-caching page ("Cache
# limitations", copies of 2026-07-28 and 2026-10-01): Opus 4.7 2,048, Sonnet 4.6 1,024,
# Haiku 4.5 4,096. (Earlier copies said 4,096 for Opus 4.7 and 2,048 for Sonnet 4.6.)
MIN_CACHEABLE_TOKENS = {"sim-opus-4-7": 2048, "sim-sonnet-4-6": 1024, "sim-haiku-4-5": 4096}

# Models that keep earlier turns' thinking in context (Opus 4.5+, Sonnet 4.6+); Haiku strips it.
KEEPS_EARLIER_THINKING = {"sim-opus-4-7": True, "sim-sonnet-4-6": True, "sim-haiku-4-5": False}

PATCH_PX = 28
HIGH_RES_IMAGE_LIMITS = (2576, 4784)  # (long edge px, visual tokens): Opus 4.7 and later
IMAGE_LIMITS = (1568, 1568)  # every other model
HIGH_RES_MODELS = frozenset({"sim-opus-4-7"})

TOOL_PROMPT_TOKENS = {"auto": 346, "none": 346, "any": 313, "tool": 313}

# Reported measurement (Haiku 4.5, one text page: about 2,100 tokens); the docs give no figure.
PDF_TOKENS_PER_PAGE = 2100

# Block types whose SDK param carries `cache_control` (anthropic/types/*_block_param.py);
# thinking and redacted_thinking do not.
CACHEABLE_BLOCK_TYPES = frozenset(
    {
        "text",
        "image",
        "document",
        "search_result",
        "tool_use",
        "tool_result",
        "server_tool_use",
        "web_search_tool_result",
        "web_fetch_tool_result",
        "code_execution_tool_result",
        "bash_code_execution_tool_result",
        "text_editor_code_execution_tool_result",
        "tool_search_tool_result",
        "tool_reference",
        "container_upload",
        "browser_state",
    }
)
THINKING_TYPES = frozenset({"thinking", "redacted_thinking"})


@dataclass(frozen=True)
class Segment:
    """One block of the prompt, where the API sees it."""

    where: str  # "tools.1", "system.0", "messages.2.content.1", "tool_choice"
    section: str  # "tools", "system" or "messages"
    kind: str  # "tool", "text", "image", "thinking", "tool_use", ..., "tool_prompt"
    tokens: int
    cache_control: dict[str, str] | None  # normalised: {"type": "ephemeral", "ttl": ...}
    digest: str  # of the block's content; cache_control excluded, key order kept
    can_cache: bool  # may carry cache_control, so may be an automatic-caching target
    stripped: bool = False  # earlier-turn thinking the API drops from context
    marks: tuple[tuple[str, str], ...] = ()  # (path of each cache_control, its ttl)


CHARS_PER_TOKEN = 4


def count_text(text: str) -> int:
    """About four characters a token, as for English text in real tokenizers."""
    return max(1, (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)


def visual_tokens(width: int, height: int) -> int:
    return math.ceil(width / PATCH_PX) * math.ceil(height / PATCH_PX)


def resized_size(width: int, height: int, max_edge: int, max_tokens: int) -> tuple[int, int]:
    """The size the API shrinks an image to (the vision page's reference implementation)."""

    def fits(w: int, h: int) -> bool:
        return (
            math.ceil(w / PATCH_PX) * PATCH_PX <= max_edge
            and math.ceil(h / PATCH_PX) * PATCH_PX <= max_edge
            and visual_tokens(w, h) <= max_tokens
        )

    if fits(width, height):
        return width, height
    if height > width:
        h, w = resized_size(height, width, max_edge, max_tokens)
        return w, h
    aspect = width / height
    lo, hi = 1, width  # lo always fits, hi never does
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if fits(mid, max(round(mid / aspect), 1)):
            lo = mid
        else:
            hi = mid
    return lo, max(round(lo / aspect), 1)


def image_limits(model: str | None) -> tuple[int, int]:
    return HIGH_RES_IMAGE_LIMITS if model in HIGH_RES_MODELS else IMAGE_LIMITS


def image_tokens(source: dict[str, Any], *, model: str | None = None) -> int:
    """Visual tokens of an image source after the API's resize.

    A url or file source cannot be fetched offline, so it is charged the model's whole visual
    token budget (1568, or 4784 on Opus 4.7): what any photo larger than the native resolution
    costs, and an upper bound for smaller ones. Undecodable data gets the same estimate.
    """
    max_edge, max_tokens = image_limits(model)
    if source.get("type") != "base64":
        return max_tokens
    try:
        raw = base64.b64decode(str(source.get("data", "")), validate=False)
        with Image.open(io.BytesIO(raw)) as picture:
            width, height = picture.size
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError):
        return max_tokens
    return visual_tokens(*resized_size(width, height, max_edge, max_tokens))


def _pdf_pages(data: str) -> int:
    try:
        raw = base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return 1
    return max(1, len(re.findall(rb"/Type\s*/Page(?!s)", raw)))


def _document_tokens(block: dict[str, Any], model: str | None) -> int:
    source = block.get("source") or {}
    kind = source.get("type")
    if kind == "text":
        return count_text(str(source.get("data", "")))
    if kind == "content":
        content = source.get("content")
        if isinstance(content, str):
            return count_text(content)
        return sum(_nested_tokens(b, model) for b in content or [])
    if kind == "base64":
        return _pdf_pages(str(source.get("data", ""))) * PDF_TOKENS_PER_PAGE
    return PDF_TOKENS_PER_PAGE  # url or file: one page, since the simulator cannot fetch it


def _nested_tokens(block: Any, model: str | None) -> int:
    if not isinstance(block, dict):
        return count_text(str(block))
    kind = block.get("type")
    if kind == "text":
        return count_text(str(block.get("text", "")))
    if kind == "image":
        return image_tokens(block.get("source") or {}, model=model)
    if kind == "document":
        return _document_tokens(block, model)
    return count_text(_canonical(block))


def block_tokens(block: dict[str, Any], model: str | None) -> int:
    kind = block.get("type")
    if kind == "thinking":
        return count_text(str(block.get("thinking", ""))) if block.get("thinking") else 0
    if kind == "redacted_thinking":
        return count_text(str(block.get("data", "")))
    if kind == "tool_use" or kind == "server_tool_use":
        return count_text(str(block.get("name", "")) + json.dumps(block.get("input", {})))
    if kind == "tool_result":
        content = block.get("content")
        if isinstance(content, list):
            return sum(_nested_tokens(b, model) for b in content) or 1
        return count_text(str(content or ""))
    return _nested_tokens(block, model)


_PLAIN_TEXT_KEYS = frozenset({"type", "text", "cache_control"})


def _canonical(block: dict[str, Any]) -> str:
    # Key order is kept on purpose: the API hashes what was sent, and the prompt-caching page
    # warns that languages which shuffle JSON keys (Swift, Go) break caches.
    if block.get("type") == "text" and block.keys() <= _PLAIN_TEXT_KEYS:
        # The common case, and the long one (system prompts): no JSON encoding needed to tell
        # one plain text block from another.
        return "text\x00" + str(block.get("text", ""))
    return json.dumps(_without_cache_control(block), ensure_ascii=False, separators=(",", ":"))


def _without_cache_control(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_cache_control(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, list):
        return [_without_cache_control(v) for v in value]
    return value


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def normalise_cache_control(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    return {"type": "ephemeral", "ttl": str(value.get("ttl") or "5m")}


def _marks(block: dict[str, Any], path: str) -> tuple[tuple[str, str], ...]:
    """Every cache_control in a block (a tool_result's inner blocks may carry their own)."""
    found: list[tuple[str, str]] = []
    control = normalise_cache_control(block.get("cache_control"))
    if control:
        found.append((path, control["ttl"]))
    if block.get("type") == "tool_result" and isinstance(block.get("content"), list):
        for k, inner in enumerate(block["content"]):
            if isinstance(inner, dict):
                inner_control = normalise_cache_control(inner.get("cache_control"))
                if inner_control:
                    found.append((f"{path}.content.{k}", inner_control["ttl"]))
    return tuple(found)


def _segment(
    block: dict[str, Any], where: str, section: str, kind: str, tokens: int, **extra: Any
) -> Segment:
    marks = _marks(block, where)
    return Segment(
        where=where,
        section=section,
        kind=kind,
        tokens=tokens,
        cache_control={"type": "ephemeral", "ttl": marks[-1][1]} if marks else None,
        digest=digest(_canonical(block)),
        # empty text blocks cannot be cached (prompt-caching page, "What cannot be cached")
        can_cache=(kind in CACHEABLE_BLOCK_TYPES or kind == "tool")
        and not (kind == "text" and not block.get("text")),
        marks=marks,
        **extra,
    )


def as_blocks(content: Any) -> list[dict[str, Any]]:
    """A message's content as blocks: a string is one text block, as the API reads it."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def _current_turn_start(messages: list[dict[str, Any]]) -> int:
    """Index of the last user message with content other than tool results."""
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if message.get("role") != "user":
            continue
        if any(b.get("type") != "tool_result" for b in as_blocks(message.get("content"))):
            return i
    return 0


def keeps_earlier_thinking(model: str) -> bool:
    if model in KEEPS_EARLIER_THINKING:
        return KEEPS_EARLIER_THINKING[model]
    return "haiku" not in model


def input_segments(
    body: dict[str, Any],
    *,
    keep_earlier_thinking: bool | None = None,
    clear_old_thinking: bool = False,
) -> list[Segment]:
    """The request's blocks in the API's prefix order: tools, system, messages.

    `keep_earlier_thinking` defaults to the model's documented behaviour. `clear_old_thinking`
    models a serving stack that strips the thinking of every assistant turn except the latest,
    on every request (the Mar 2026 incident).
    """
    model = str(body.get("model", ""))
    keep = keeps_earlier_thinking(model) if keep_earlier_thinking is None else keep_earlier_thinking
    segments: list[Segment] = []
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict)]
    for i, tool in enumerate(tools):
        segments.append(_segment(tool, f"tools.{i}", "tools", "tool", count_text(_canonical(tool))))

    system = body.get("system")
    if isinstance(system, str) and system:
        block = {"type": "text", "text": system}
        segments.append(_segment(block, "system", "system", "text", count_text(system)))
    elif isinstance(system, list):
        for i, block in enumerate(system):
            if isinstance(block, dict):
                tokens = count_text(str(block.get("text", "")))
                segments.append(_segment(block, f"system.{i}", "system", "text", tokens))

    if tools:
        choice = str((body.get("tool_choice") or {}).get("type", "auto"))
        prompt = {"type": "tool_prompt", "tool_choice": choice}
        segments.append(
            _segment(
                prompt,
                "tool_choice",
                "system",
                "tool_prompt",
                TOOL_PROMPT_TOKENS.get(choice, TOOL_PROMPT_TOKENS["auto"]),
            )
        )

    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    turn_start = _current_turn_start(messages)
    last_assistant = max(
        (i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=-1
    )
    for i, message in enumerate(messages):
        content = message.get("content")
        for j, block in enumerate(as_blocks(content)):
            where = (
                f"messages.{i}.content" if isinstance(content, str) else f"messages.{i}.content.{j}"
            )
            kind = str(block.get("type", "text"))
            stripped = kind in THINKING_TYPES and (
                (not keep and i < turn_start) or (clear_old_thinking and i != last_assistant)
            )
            tokens = 0 if stripped else block_tokens(block, model)
            segments.append(_segment(block, where, "messages", kind, tokens, stripped=stripped))
    return segments


def count_input_tokens(body: dict[str, Any], **options: Any) -> int:
    """What count_tokens returns; equals input + cache creation + cache read of a message."""
    return sum(s.tokens for s in input_segments(body, **options))

"""Prompt caching as the real API documents it: breakpoints, lookback, TTLs and the usage fields.

Sources: platform.claude.com "Prompt caching" (copies of 2026-04-16, 2026-06-29 and later) and
real 400 bodies quoted in public issues.
- A breakpoint is a block with `cache_control`, or the top-level `cache_control` (automatic
  caching), which lands on the last cacheable block, walking back past blocks that cannot carry
  it. At most 4 breakpoints, the automatic one included.
- A write happens only at a breakpoint: one entry, keyed by the hash of the whole prefix up to
  and including that block (tools, system, messages). Reads look for entries earlier requests
  wrote, walking back from each breakpoint over at most 20 positions, the breakpoint itself
  first; a run of consecutive tool_use blocks is one position, so is a run of tool_result
  blocks.
- A breakpoint whose prefix is shorter than the model's minimum cacheable length caches
  nothing, silently.
- Entries live 5 minutes ("5m", the default) or 1 hour ("1h") from the start of the request that
  wrote or last read them; a read refreshes the lifetime at no cost. In one request a 1h
  breakpoint may not follow a 5m one (order: tools, system, messages).
- Billing with A = tokens up to the furthest hit, B = up to the last 1h breakpoint after A,
  C = up to the last breakpoint: read A, 1h write B - A, 5m write C - B, input_tokens the rest.
- Invalidation: tool definitions change everything; speed, web search or citations toggles
  change system and messages; tool_choice, thinking settings and adding or removing images
  change messages only. Entries are isolated per workspace (here: `scope`) and per model.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from labkit.sim.errors import invalid
from labkit.sim.tokens import THINKING_TYPES, Segment, as_blocks, input_segments

MAX_BREAKPOINTS = 4
LOOKBACK_POSITIONS = 20
TTLS = {"5m": timedelta(minutes=5), "1h": timedelta(hours=1)}
_ORDER_NOTE = (
    "Note that blocks are processed in the following order: `tools`, `system`, `messages`."
)
_SWEEP_EVERY = 256


@dataclass(frozen=True)
class CacheUsage:
    input_tokens: int
    cache_read_input_tokens: int
    cache_creation_input_tokens: int
    ephemeral_5m_input_tokens: int
    ephemeral_1h_input_tokens: int

    def to_usage(self) -> dict[str, Any]:
        """The input half of the SDK's `Usage` (output_tokens is the engine's)."""
        return {
            "input_tokens": self.input_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.ephemeral_5m_input_tokens,
                "ephemeral_1h_input_tokens": self.ephemeral_1h_input_tokens,
            },
        }


# ---- validation ---------------------------------------------------------------------------


def _check_shape(value: Any, path: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise invalid(f"{path}: Input should be a valid dictionary")
    if "type" not in value:
        raise invalid(f"{path}.type: Field required")
    if value["type"] != "ephemeral":
        raise invalid(f"{path}.type: Input should be 'ephemeral'")
    for key in value:
        if key not in ("type", "ttl"):
            raise invalid(f"{path}.{key}: Extra inputs are not permitted")
    if "ttl" in value and value["ttl"] not in TTLS:
        raise invalid(f"{path}.ttl: Input should be '5m' or '1h'")


def _check_block(block: dict[str, Any], path: str) -> None:
    kind = str(block.get("type", "text"))
    if "cache_control" in block:
        if kind in THINKING_TYPES:
            # quoted from a real 400: "messages.N.content.0.thinking.cache_control: Extra ..."
            raise invalid(f"{path}.{kind}.cache_control: Extra inputs are not permitted")
        _check_shape(block["cache_control"], f"{path}.{kind}.cache_control")
    if kind == "tool_result" and isinstance(block.get("content"), list):
        for k, inner in enumerate(block["content"]):
            if isinstance(inner, dict) and "cache_control" in inner:
                inner_kind = str(inner.get("type", "text"))
                _check_shape(
                    inner["cache_control"], f"{path}.{kind}.content.{k}.{inner_kind}.cache_control"
                )


def _check_shapes(body: dict[str, Any]) -> None:
    if "cache_control" in body:
        _check_shape(body["cache_control"], "cache_control")
    for i, tool in enumerate(body.get("tools") or []):
        if isinstance(tool, dict) and "cache_control" in tool:
            tag = str(tool.get("type") or "custom")
            _check_shape(tool["cache_control"], f"tools.{i}.{tag}.cache_control")
    system = body.get("system")
    if isinstance(system, list):
        for i, block in enumerate(system):
            if isinstance(block, dict) and "cache_control" in block:
                _check_shape(block["cache_control"], f"system.{i}.cache_control")
    for i, message in enumerate(body.get("messages") or []):
        if isinstance(message, dict) and isinstance(message.get("content"), list):
            for j, block in enumerate(as_blocks(message["content"])):
                _check_block(block, f"messages.{i}.content.{j}")


def _automatic_target(segments: list[Segment]) -> int | None:
    for index in range(len(segments) - 1, -1, -1):
        segment = segments[index]
        if segment.can_cache and not segment.stripped:
            return index
    return None


def _top_level_ttl(body: dict[str, Any]) -> str | None:
    control = body.get("cache_control")
    if not isinstance(control, dict):
        return None
    return str(control.get("ttl") or "5m")


def breakpoints(body: dict[str, Any], segments: list[Segment]) -> list[tuple[int, str, str]]:
    """(segment index, ttl, path) of every breakpoint in prefix order, the automatic one too."""
    found = [(i, ttl, path) for i, s in enumerate(segments) for path, ttl in s.marks]
    auto_ttl = _top_level_ttl(body)
    if auto_ttl is not None:
        target = _automatic_target(segments)
        # on a block that already carries the same TTL automatic caching is a no-op
        if target is not None and not segments[target].marks:
            found.append((target, auto_ttl, segments[target].where))
    return sorted(found, key=lambda item: item[0])


def check_cache_control(body: dict[str, Any], segments: list[Segment] | None = None) -> None:
    """Refuse what the API refuses about cache_control, with its messages (400).

    `segments` are the request's `input_segments(body)` when the caller has them already.
    """
    _check_shapes(body)
    segments = input_segments(body) if segments is None else segments
    auto_ttl = _top_level_ttl(body)
    if auto_ttl is not None:
        target = _automatic_target(segments)
        if target is not None and segments[target].marks:
            existing = segments[target].marks[-1][1]
            if existing != auto_ttl:
                raise invalid(
                    f"Top-level cache_control has ttl='{auto_ttl}' but the target block already "
                    f"has cache_control with ttl='{existing}'"
                )
    found = breakpoints(body, segments)
    if len(found) > MAX_BREAKPOINTS:
        raise invalid(
            f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. "
            f"Found {len(found)}."
        )
    seen_short = False
    for _, ttl, path in found:
        if ttl == "5m":
            seen_short = True
        elif seen_short:
            raise invalid(
                f"{path}.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' "
                f"cache_control block. {_ORDER_NOTE}"
            )


# ---- the cache ----------------------------------------------------------------------------


def _context(body: dict[str, Any], segments: list[Segment]) -> tuple[str, str]:
    """What, beyond the blocks, a section's cache depends on (the invalidation table)."""
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict)]
    web_search = any(str(t.get("type", "")).startswith("web_search") for t in tools)
    citations = any(
        isinstance(b.get("citations"), dict) and b["citations"].get("enabled")
        for m in body.get("messages") or []
        if isinstance(m, dict)
        for b in as_blocks(m.get("content"))
    )
    system = json.dumps([body.get("speed"), web_search, citations])
    images = any(s.kind == "image" for s in segments) or any(
        '"type":"image"' in json.dumps(b, separators=(",", ":"))
        for m in body.get("messages") or []
        if isinstance(m, dict)
        for b in as_blocks(m.get("content"))
        if b.get("type") == "tool_result"
    )
    messages = json.dumps([body.get("tool_choice"), body.get("thinking"), images], sort_keys=True)
    return system, messages


def prefix_hashes(body: dict[str, Any], segments: list[Segment]) -> list[str]:
    """The cumulative hash at each block; a stripped block leaves the hash unchanged."""
    system_context, messages_context = _context(body, segments)
    state = hashlib.sha256(str(body.get("model", "")).encode()).hexdigest()
    section = "tools"
    out: list[str] = []
    for segment in segments:
        if segment.section != section:
            # entering system, then messages, folds in what those caches also depend on
            if section == "tools":
                state = _chain(state, "system:" + system_context)
                section = "system"
            if segment.section == "messages":
                state = _chain(state, "messages:" + messages_context)
                section = "messages"
        if not segment.stripped:
            state = _chain(state, segment.digest)
        out.append(state)
    return out


def _chain(state: str, part: str) -> str:
    return hashlib.sha256(f"{state}|{part}".encode()).hexdigest()


def lookback_positions(segments: list[Segment]) -> list[int]:
    """Position number of each block for the lookback; runs of tool_use or tool_result share one."""
    positions: list[int] = []
    current = -1
    previous_kind = ""
    for segment in segments:
        if segment.stripped or segment.kind == "tool_prompt":
            positions.append(current)  # not a block of the request as the API now sees it
            continue
        if not (segment.kind == previous_kind and segment.kind in ("tool_use", "tool_result")):
            current += 1
        previous_kind = segment.kind
        positions.append(current)
    return positions


@dataclass
class _Entry:
    expires: datetime
    ttl: str


class PromptCache:
    """The cache entries of one simulated API; thread-safe."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()
        self._calls = 0

    def __len__(self) -> int:
        return len(self._entries)

    def account(
        self,
        body: dict[str, Any],
        *,
        model_min_tokens: int,
        now: datetime,
        scope: str,
        clear_old_thinking: bool = False,
        keep_earlier_thinking: bool | None = None,
        segments: list[Segment] | None = None,
    ) -> CacheUsage:
        """Split the request's input tokens into read, written and uncached, and update the cache.

        `scope` isolates caches (one API key or workspace); the model is part of every key.
        `segments`: the request's default `input_segments(body)`, when the caller has them.
        """
        if segments is None or clear_old_thinking or keep_earlier_thinking is not None:
            segments = input_segments(
                body,
                keep_earlier_thinking=keep_earlier_thinking,
                clear_old_thinking=clear_old_thinking,
            )
        total = sum(s.tokens for s in segments)
        marks = breakpoints(body, segments)
        if not marks:
            return CacheUsage(total, 0, 0, 0, 0)
        prefix: list[int] = []
        running = 0
        for segment in segments:
            running += segment.tokens
            prefix.append(running)
        hashes = prefix_hashes(body, segments)
        positions = lookback_positions(segments)

        with self._lock:
            self._sweep(now)
            hit = -1
            for index, _, _ in marks:
                found = self._lookback(scope, hashes, positions, index, now)
                if found is not None:
                    entry = self._entries[(scope, hashes[found])]
                    entry.expires = now + TTLS[entry.ttl]  # a read refreshes the lifetime
                    hit = max(hit, found)
            read = prefix[hit] if hit >= 0 else 0
            # breakpoints too short to cache write nothing and bill nothing
            writes = [(i, ttl) for i, ttl, _ in marks if i > hit and prefix[i] >= model_min_tokens]
            for index, ttl in writes:
                self._entries[(scope, hashes[index])] = _Entry(now + TTLS[ttl], ttl)
        one_hour = [prefix[i] for i, ttl in writes if ttl == "1h"]
        b = max(one_hour) if one_hour else read
        c = max((prefix[i] for i, _ in writes), default=read)
        return CacheUsage(
            input_tokens=total - c,
            cache_read_input_tokens=read,
            cache_creation_input_tokens=c - read,
            ephemeral_5m_input_tokens=c - b,
            ephemeral_1h_input_tokens=b - read,
        )

    def _lookback(
        self, scope: str, hashes: list[str], positions: list[int], index: int, now: datetime
    ) -> int | None:
        first = positions[index]
        for candidate in range(index, -1, -1):
            if first - positions[candidate] >= LOOKBACK_POSITIONS:
                return None
            entry = self._entries.get((scope, hashes[candidate]))
            if entry is not None and now < entry.expires:
                return candidate
        return None

    def _sweep(self, now: datetime) -> None:
        self._calls += 1
        if self._calls % _SWEEP_EVERY:
            return
        for key in [k for k, e in self._entries.items() if e.expires <= now]:
            del self._entries[key]

"""Extended thinking: the request's thinking config per model, signatures, and passback rules.

Signatures are real message authentication codes: a thinking block's `signature` covers the exact
text returned, so a block that is edited, stripped of its signature or given another block's
signature is refused on the way back, as the real API refuses it. With `display: "omitted"` the
text comes back empty and the signature covers the empty text (the real API keeps the hidden
thinking server-side; passing the empty block back is valid).

Redacted thinking: the real API returns `redacted_thinking` blocks (opaque, encrypted `data`) when
its safety systems flag reasoning, and documents a magic string that makes it do so on purpose,
for testing. The simulator honours that string; the `data` is authenticated the same way.

Sources: the extended-thinking and adaptive-thinking pages (thinking types per model, budgets,
display, tool use with thinking, redacted thinking), and error bodies quoted in public issues
("messages.1.content.0: Invalid `signature` in `thinking` block").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from labkit.sim.catalog import SimModel
from labkit.sim.errors import invalid, tag_mismatch

# Documented test string: a prompt containing it makes the model's thinking come back redacted.
REDACTED_TRIGGER = (
    "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_"
    "46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB"
)
MIN_BUDGET_TOKENS = 1024
DISPLAYS = ("summarized", "omitted")

# One key for every simulator process, so a conversation recorded in one run (or sent over
# loopback after an in-process turn) still verifies. It authenticates, it does not protect.
_KEY = hashlib.sha256(b"labkit simulator thinking signatures v1").digest()
_PREFIX = b"LKS1"


@dataclass(frozen=True)
class ThinkingConfig:
    kind: str = "disabled"  # disabled | enabled | adaptive
    budget_tokens: int | None = None
    display: str = "summarized"

    @property
    def on(self) -> bool:
        return self.kind in ("enabled", "adaptive")


def parse_config(thinking: Any, model: SimModel, max_tokens: int) -> ThinkingConfig:
    """Validate `thinking` for this model; the real API's messages where they are quoted."""
    if thinking is None:
        return ThinkingConfig(display=model.default_thinking_display)
    if not isinstance(thinking, dict):
        raise invalid("thinking: Input should be a valid dictionary or object")
    kind = thinking.get("type")
    allowed = ("enabled", "disabled", "adaptive", "between_tools")
    if kind not in allowed:
        raise tag_mismatch("thinking", kind, allowed)
    keys = {"type"} | {
        "enabled": {"budget_tokens", "display"},
        "adaptive": {"display"},
        "disabled": set(),
        "between_tools": set(),
    }[kind]
    for key in thinking:
        if key not in keys:
            raise invalid(f"thinking.{kind}.{key}: Extra inputs are not permitted")
    if kind not in model.thinking_types:
        if kind == "enabled" and "adaptive" in model.thinking_types:
            raise invalid(
                '"thinking.type.enabled" is not supported for this model. Use '
                '"thinking.type.adaptive" and "output_config.effort" to control thinking '
                "behavior."
            )
        if kind == "adaptive":
            raise invalid("adaptive thinking is not supported on this model")
        raise invalid(f'"thinking.type.{kind}" is not supported for this model.')
    display = thinking.get("display")
    if display is not None and display not in DISPLAYS:
        raise invalid(f"thinking.{kind}.display: Input should be 'summarized' or 'omitted'")
    if kind == "enabled":
        budget = thinking.get("budget_tokens")
        if budget is None:
            raise invalid("thinking.enabled.budget_tokens: Field required")
        if isinstance(budget, bool) or not isinstance(budget, int):
            raise invalid("thinking.enabled.budget_tokens: Input should be a valid integer")
        if budget < MIN_BUDGET_TOKENS:
            raise invalid(
                "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
            )
        if budget >= max_tokens:
            raise invalid("`max_tokens` must be greater than `thinking.budget_tokens`")
        return ThinkingConfig(kind, budget, display or model.default_thinking_display)
    if kind == "adaptive":
        return ThinkingConfig(kind, None, display or model.default_thinking_display)
    return ThinkingConfig("disabled", display=model.default_thinking_display)


# -- signatures -------------------------------------------------------------------------------
def _mac(kind: bytes, nonce: bytes, payload: bytes) -> bytes:
    return hmac.new(_KEY, kind + nonce + hashlib.sha256(payload).digest(), "sha256").digest()


def _nonce(text: str, salt: str) -> bytes:
    # Derived, not drawn: signing must not consume the sampler's random stream.
    return hashlib.blake2b(f"{salt}\x00{text}".encode(), digest_size=16).digest()


def sign(text: str, salt: str = "") -> str:
    """A signature over exactly `text` (what the response shows)."""
    nonce = _nonce(text, salt)
    return base64.b64encode(_PREFIX + nonce + _mac(b"T", nonce, text.encode())).decode()


def verify(text: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
    except (ValueError, TypeError):
        return False
    if len(raw) != 4 + 16 + 32 or not raw.startswith(_PREFIX):
        return False
    nonce, mac = raw[4:20], raw[20:]
    return hmac.compare_digest(mac, _mac(b"T", nonce, text.encode()))


def redacted_data(hidden: str, salt: str = "") -> str:
    """Opaque `data` for a redacted_thinking block: an authenticated, scrambled payload."""
    nonce = _nonce(hidden, "redacted" + salt)
    stream = hashlib.shake_256(_KEY + nonce).digest(len(hidden.encode()))
    scrambled = bytes(a ^ b for a, b in zip(hidden.encode(), stream, strict=True))
    mac = _mac(b"R", nonce, scrambled)
    return base64.b64encode(_PREFIX + nonce + mac + scrambled).decode()


def verify_redacted(data: str) -> bool:
    try:
        raw = base64.b64decode(data, validate=True)
    except (ValueError, TypeError):
        return False
    if len(raw) < 4 + 16 + 32 or not raw.startswith(_PREFIX):
        return False
    nonce, mac, scrambled = raw[4:20], raw[20:52], raw[52:]
    return hmac.compare_digest(mac, _mac(b"R", nonce, scrambled))


def check_passback(messages: list[dict[str, Any]]) -> None:
    """Thinking blocks sent back must be unmodified and signed; redacted ones intact."""
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        for j, block in enumerate(message["content"]):
            where = f"messages.{i}.content.{j}"
            if block.get("type") == "thinking":
                text, signature = block.get("thinking"), block.get("signature")
                if not isinstance(text, str):
                    raise invalid(f"{where}.thinking.thinking: Field required")
                if not isinstance(signature, str):
                    raise invalid(f"{where}.thinking.signature: Field required")
                if not verify(text, signature):
                    raise invalid(f"{where}: Invalid `signature` in `thinking` block")
            elif block.get("type") == "redacted_thinking":
                data = block.get("data")
                if not isinstance(data, str):
                    raise invalid(f"{where}.redacted_thinking.data: Field required")
                if not verify_redacted(data):
                    raise invalid(f"{where}: Invalid `data` in `redacted_thinking` block")


def check_final_assistant(messages: list[dict[str, Any]], config: ThinkingConfig) -> None:
    """With thinking off, a prefilled final assistant turn cannot carry thinking (quoted)."""
    last = messages[-1]
    if config.on or last["role"] != "assistant":
        return
    if any(b.get("type") in ("thinking", "redacted_thinking") for b in last["content"]):
        raise invalid(
            f"messages.{len(messages) - 1}.content.0: When thinking is disabled, an `assistant` "
            "message in the final position cannot contain `thinking`. To use thinking blocks, "
            "enable `thinking` in your request."
        )


def check_tool_loop(messages: list[dict[str, Any]], config: ThinkingConfig) -> None:
    """With thinking on, the assistant turn that opened the current tool loop starts thinking.

    The model must see its own reasoning from before the tool call. Quoted from the real API's
    error body.
    """
    if not config.on or len(messages) < 2:
        return
    last = messages[-1]
    if last["role"] != "user" or not any(b.get("type") == "tool_result" for b in last["content"]):
        return
    index = len(messages) - 2
    opener = messages[index]
    if opener["role"] != "assistant" or not opener["content"]:
        return
    first = opener["content"][0].get("type")
    if first not in ("thinking", "redacted_thinking"):
        raise invalid(
            f"messages.{index}.content.0.type: Expected `thinking` or `redacted_thinking`, but "
            f"found `{first}`. When `thinking` is enabled, a final `assistant` message must start "
            "with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` "
            "blocks). We recommend you include thinking blocks from previous turns. To avoid this "
            "requirement, disable `thinking`. Please consult our documentation at "
            "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
        )


def wants_redaction(messages: list[dict[str, Any]], system: str) -> bool:
    if REDACTED_TRIGGER in system:
        return True
    for message in messages:
        if message["role"] == "user":
            for block in message["content"]:
                if block.get("type") == "text" and REDACTED_TRIGGER in str(block.get("text")):
                    return True
    return False

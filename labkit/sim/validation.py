"""Request validation with the real API's rules and messages (as far as they are documented).

Every problem becomes a 400 invalid_request_error (404 not_found_error for an unknown model) whose
message names the offending field the way the real API does, e.g. `max_tokens: Field required`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from labkit.sim.catalog import EFFORTS, MODELS, SimModel
from labkit.sim.errors import ApiError, invalid

_TOP_LEVEL = {
    "model", "max_tokens", "messages", "system", "tools", "tool_choice", "stop_sequences",
    "stream", "metadata", "thinking", "output_config", "temperature", "top_k", "top_p",
    "service_tier", "speed", "cache_control", "container", "inference_geo",
    # Simulator extensions (the real API rejects them): reproducibility controls for the labs.
    "seed", "batch_invariant",
}  # fmt: skip
_BLOCK_TYPES = {
    "user": {"text", "image", "document", "tool_result"},
    "assistant": {"text", "tool_use", "thinking", "redacted_thinking"},
}
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")


@dataclass
class MessagesRequest:
    model: SimModel
    max_tokens: int
    messages: list[dict[str, Any]]
    system: str = ""
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: dict[str, Any] | None = None
    stop_sequences: list[str] = field(default_factory=list)
    stream: bool = False
    user_id: str | None = None
    thinking: str = "disabled"  # disabled | enabled | adaptive | between_tools
    thinking_budget: int | None = None
    effort: str | None = None  # None: the model's default applies (a fault may lower it)
    temperature: float | None = None
    top_k: int | None = None
    top_p: float | None = None
    seed: int | None = None
    batch_invariant: bool = False


def _require(body: dict[str, Any], name: str) -> Any:
    if name not in body:
        raise invalid(f"{name}: Field required")
    return body[name]


def _number(body: dict[str, Any], name: str, low: float, high: float | None) -> float | None:
    if body.get(name) is None:
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(f"{name}: Input should be a valid number")
    if value < low:
        raise invalid(f"{name}: Input should be greater than or equal to {low:g}")
    if high is not None and value > high:
        raise invalid(f"{name}: Input should be less than or equal to {high:g}")
    return float(value)


def _text_of_system(system: Any) -> str:
    if system is None:
        return ""
    if isinstance(system, str):
        return system
    if isinstance(system, list):
        parts = []
        for i, block in enumerate(system):
            if not isinstance(block, dict) or block.get("type") != "text":
                raise invalid(f"system.{i}: Input should be a text block")
            parts.append(str(block.get("text", "")))
        return "\n".join(parts)
    raise invalid("system: Input should be a valid string or a list of text blocks")


def _check_messages(messages: Any) -> list[dict[str, Any]]:
    if not isinstance(messages, list):
        raise invalid("messages: Input should be a valid list")
    if not messages:
        raise invalid("messages: at least one message is required")
    pending_tool_ids: set[str] = set()
    normalised: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise invalid(f"messages.{i}: Input should be a valid dictionary")
        role = message.get("role")
        if role == "system":
            raise invalid(
                f'messages.{i}.role: Unexpected role "system". The Messages API accepts a '
                'top-level `system` parameter, not "system" as an input message role.'
            )
        if role not in ("user", "assistant"):
            raise invalid(f"messages.{i}.role: Input should be 'user' or 'assistant'")
        content = message.get("content")
        if isinstance(content, str):
            blocks: list[dict[str, Any]] = [{"type": "text", "text": content}]
        elif isinstance(content, list):
            blocks = content
        else:
            raise invalid(f"messages.{i}.content: Field required")
        if not blocks and not (role == "assistant" and i == len(messages) - 1):
            raise invalid(f"messages.{i}: all messages must have non-empty content")
        tool_result_ids: set[str] = set()
        tool_use_ids: set[str] = set()
        for j, block in enumerate(blocks):
            where = f"messages.{i}.content.{j}"
            kind = block.get("type") if isinstance(block, dict) else None
            if kind not in _BLOCK_TYPES[role]:
                expected = ", ".join(f"'{t}'" for t in sorted(_BLOCK_TYPES[role]))
                raise invalid(
                    f"{where}.type: Input tag '{kind}' found using 'type' does not match any "
                    f"of the expected tags: {expected}"
                )
            if kind == "text" and not isinstance(block.get("text"), str):
                raise invalid(f"{where}.text: Field required")
            if kind == "tool_use":
                for key in ("id", "name", "input"):
                    if key not in block:
                        raise invalid(f"{where}.{key}: Field required")
                tool_use_ids.add(str(block["id"]))
            if kind == "tool_result":
                if "tool_use_id" not in block:
                    raise invalid(f"{where}.tool_use_id: Field required")
                tool_result_ids.add(str(block["tool_use_id"]))
        if role == "user":
            unexpected = tool_result_ids - pending_tool_ids
            if unexpected:
                raise invalid(
                    f"messages.{i}.content: unexpected `tool_use_id` found in `tool_result` "
                    f"blocks: {sorted(unexpected)[0]}. Each `tool_result` block must have a "
                    "corresponding `tool_use` block in the previous message."
                )
            missing = pending_tool_ids - tool_result_ids
            if missing:
                raise invalid(
                    f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                    f"immediately after: {sorted(missing)[0]}. Each `tool_use` block must have "
                    "a corresponding `tool_result` block in the next message."
                )
            pending_tool_ids = set()
        else:
            pending_tool_ids = tool_use_ids
        normalised.append({"role": role, "content": blocks})
    return normalised


def _check_tools(tools: Any) -> list[dict[str, Any]]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise invalid("tools: Input should be a valid list")
    names: set[str] = set()
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            raise invalid(f"tools.{i}: Input should be a valid dictionary")
        name = tool.get("name")
        if not isinstance(name, str) or not _TOOL_NAME.match(name):
            raise invalid(f"tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'")
        if name in names:
            raise invalid(f"tools: Tool names must be unique. Duplicate name: {name}")
        names.add(name)
        if "type" not in tool or tool.get("type") == "custom":
            schema = tool.get("input_schema")
            if not isinstance(schema, dict):
                raise invalid(f"tools.{i}.custom.input_schema: Field required")
            if schema.get("type") != "object":
                raise invalid(f"tools.{i}.custom.input_schema.type: Input should be 'object'")
    return list(tools)


def validate(body: Any) -> MessagesRequest:
    """Check a POST /v1/messages body and return it normalised, or raise ApiError."""
    if not isinstance(body, dict):
        raise invalid("Input should be a valid dictionary or object")
    extra = sorted(set(body) - _TOP_LEVEL)
    if extra:
        raise invalid(f"{extra[0]}: Extra inputs are not permitted")
    model_id = _require(body, "model")
    if not isinstance(model_id, str):
        raise invalid("model: Input should be a valid string")
    max_tokens = _require(body, "max_tokens")
    messages = _check_messages(_require(body, "messages"))
    if model_id not in MODELS:
        raise ApiError(404, f"model: {model_id}")
    model = MODELS[model_id]
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
        raise invalid("max_tokens: Input should be a valid integer")
    if max_tokens < 1:
        raise invalid("max_tokens: Input should be greater than or equal to 1")
    if max_tokens > model.max_output_tokens:
        raise invalid(
            f"max_tokens: {max_tokens} > {model.max_output_tokens}, which is the maximum allowed "
            f"number of output tokens for {model.id}"
        )
    temperature = _number(body, "temperature", 0.0, 1.0)
    top_p = _number(body, "top_p", 0.0, 1.0)
    top_k_value = _number(body, "top_k", 0.0, None)
    if top_k_value is not None and not isinstance(body["top_k"], int):
        raise invalid("top_k: Input should be a valid integer")

    request = MessagesRequest(
        model=model,
        max_tokens=max_tokens,
        messages=messages,
        system=_text_of_system(body.get("system")),
        tools=_check_tools(body.get("tools")),
        temperature=temperature,
        top_p=top_p,
        top_k=int(top_k_value) if top_k_value is not None else None,
        stream=bool(body.get("stream", False)),
    )
    _apply_options(body, request)
    return request


def _apply_options(body: dict[str, Any], request: MessagesRequest) -> None:
    choice = body.get("tool_choice")
    if choice is not None:
        if not isinstance(choice, dict) or choice.get("type") not in (
            "auto",
            "any",
            "tool",
            "none",
        ):
            raise invalid(
                "tool_choice: Input tag found using 'type' does not match any of the expected "
                "tags: 'auto', 'any', 'tool', 'none'"
            )
        if choice["type"] == "tool" and choice.get("name") not in {
            t["name"] for t in request.tools
        }:
            raise invalid(f"tool_choice.tool.name: tool {choice.get('name')!r} is not in `tools`")
        request.tool_choice = choice
    stops = body.get("stop_sequences")
    if stops is not None:
        if not isinstance(stops, list) or not all(isinstance(s, str) and s for s in stops):
            raise invalid("stop_sequences: Input should be a list of non-empty strings")
        request.stop_sequences = list(stops)
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict) or set(metadata) - {"user_id"}:
            raise invalid("metadata: only `user_id` is permitted")
        user = metadata.get("user_id")
        if user is not None and (not isinstance(user, str) or len(user) > 256):
            raise invalid("metadata.user_id: String should have at most 256 characters")
        request.user_id = user
    _apply_thinking(body.get("thinking"), request)
    config = body.get("output_config")
    if config is not None:
        if not isinstance(config, dict) or set(config) - {"effort", "format"}:
            raise invalid("output_config: only `effort` and `format` are permitted")
        effort = config.get("effort")
        if effort is not None and effort not in EFFORTS:
            allowed = ", ".join(f"'{e}'" for e in EFFORTS)
            raise invalid(f"output_config.effort: Input should be {allowed}")
        request.effort = effort
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise invalid("seed: Input should be a valid integer")
    request.seed = seed
    request.batch_invariant = bool(body.get("batch_invariant", False))


def _apply_thinking(thinking: Any, request: MessagesRequest) -> None:
    if thinking is None:
        return
    kind = thinking.get("type") if isinstance(thinking, dict) else None
    if kind not in ("enabled", "disabled", "adaptive", "between_tools"):
        raise invalid(
            "thinking: Input tag found using 'type' does not match any of the expected tags: "
            "'enabled', 'disabled', 'adaptive', 'between_tools'"
        )
    request.thinking = kind
    if kind == "enabled":
        budget = thinking.get("budget_tokens")
        if isinstance(budget, bool) or not isinstance(budget, int):
            raise invalid("thinking.enabled.budget_tokens: Field required")
        if budget < 1024:
            raise invalid(
                "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
            )
        if budget >= request.max_tokens:
            raise invalid("`max_tokens` must be greater than `thinking.budget_tokens`")
        request.thinking_budget = budget
    if kind != "disabled":
        if request.temperature is not None and request.temperature != 1.0:
            raise invalid("`temperature` may only be set to 1 when thinking is enabled")
        if request.top_k is not None:
            raise invalid("`top_k` is not supported when thinking is enabled")

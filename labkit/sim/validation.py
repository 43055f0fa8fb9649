"""Request validation with the real API's rules and messages, per API version and per model.

Every problem becomes a 400 invalid_request_error (404 not_found_error for an unknown model) whose
message names the offending field the way the real API does, e.g. `max_tokens: Field required`.
The rules that differ between models (prefill, thinking types, effort levels, output limits) are
read from the model catalogue; those that differ between API versions from `versions`.
Sources for each rule: tests/sim/fidelity/API_RULES.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from labkit import glassbox as glass
from labkit.sim import thinking as thinking_rules
from labkit.sim.caching import check_cache_control
from labkit.sim.catalog import EFFORTS, MODELS, SimModel
from labkit.sim.errors import ApiError, invalid, tag_mismatch
from labkit.sim.tokens import Segment, input_segments
from labkit.sim.tools import check_tool_choice, check_tool_pairing, check_tools
from labkit.sim.versions import CURRENT, allows_sampling_knobs

# The request body's fields under 2026-10-21 (the SDK's MessageCreateParams); the older version
# also takes the sampling knobs.
_FIELDS = (
    "model", "max_tokens", "messages", "system", "tools", "tool_choice", "stop_sequences",
    "stream", "metadata", "thinking", "output_config", "service_tier", "speed", "cache_control",
    "container", "inference_geo", "diagnostics", "mcp_servers", "context_management",
)  # fmt: skip
_SAMPLING = ("temperature", "top_p", "top_k")
_BLOCK_TYPES: dict[str, tuple[str, ...]] = {
    "user": ("text", "image", "document", "search_result", "tool_result"),
    "assistant": ("text", "thinking", "redacted_thinking", "tool_use", "document"),
}
_RESULT_TYPES = ("text", "image", "document", "search_result")
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


@dataclass
class MessagesRequest:
    model: SimModel
    max_tokens: int
    messages: list[dict[str, Any]]
    version: str = CURRENT
    system: str = ""
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: dict[str, Any] | None = None
    disable_parallel_tool_use: bool = False
    stop_sequences: list[str] = field(default_factory=list)
    stream: bool = False
    user_id: str | None = None
    thinking_config: thinking_rules.ThinkingConfig = field(
        default_factory=thinking_rules.ThinkingConfig
    )
    effort: str | None = None  # None: the model's default applies (a fault may lower it)
    output_format: dict[str, Any] | None = None
    # Sampling: the legacy body fields (2023-06-01) or the simulator's glass-box headers.
    temperature: float | None = None
    top_k: int | None = None
    top_p: float | None = None
    seed: str | None = None
    batch_invariant: bool = False
    batch_size: int | None = None
    base_model: bool = False  # glass-box: the n-gram model continues the text (labkit-base-model)
    segments: list[Segment] = field(default_factory=list)  # the input in prefix order

    @property
    def input_tokens(self) -> int:
        """Every input token, as count_tokens reports them (read, written and uncached)."""
        return sum(s.tokens for s in self.segments)

    @property
    def thinking_budget(self) -> int | None:
        return self.thinking_config.budget_tokens

    @property
    def prefill(self) -> bool:
        return bool(self.messages[-1]["role"] == "assistant")


def _require(body: dict[str, Any], name: str) -> Any:
    if name not in body:
        raise invalid(f"{name}: Field required")
    return body[name]


def _number(value: Any, name: str, low: float, high: float | None) -> float:
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
            if not isinstance(block.get("text"), str):
                raise invalid(f"system.{i}.text: Field required")
            parts.append(block["text"])
        return "\n".join(parts)
    raise invalid("system: Input should be a valid string or a list of text blocks")


def _check_block(block: Any, role: str, where: str, version: str) -> dict[str, Any]:
    kind = block.get("type") if isinstance(block, dict) else None
    allowed = _BLOCK_TYPES[role]
    if role == "assistant" and version == CURRENT:
        allowed = tuple(t for t in allowed if t != "document")  # gone under 2026-10-21
    if kind not in allowed:
        raise tag_mismatch(where, kind, allowed)
    assert isinstance(block, dict)
    if kind == "text":
        if not isinstance(block.get("text"), str):
            raise invalid(f"{where}.text.text: Field required")
        if not block["text"]:
            raise invalid("messages: text content blocks must be non-empty")
        if role == "user" and "citations" in block and version == CURRENT:
            raise invalid(f"{where}.text.citations: Extra inputs are not permitted")
    elif kind == "image":
        _check_image(block.get("source"), f"{where}.image.source")
    elif kind == "tool_use":
        for key in ("id", "name", "input"):
            if key not in block:
                raise invalid(f"{where}.tool_use.{key}: Field required")
        if not isinstance(block["input"], dict):
            raise invalid(f"{where}.tool_use.input: Input should be a valid dictionary")
    elif kind == "tool_result":
        if "tool_use_id" not in block:
            raise invalid(f"{where}.tool_result.tool_use_id: Field required")
        content = block.get("content")
        if isinstance(content, list):
            for k, inner in enumerate(content):
                kind_inner = inner.get("type") if isinstance(inner, dict) else None
                if kind_inner not in _RESULT_TYPES:
                    raise tag_mismatch(
                        f"{where}.tool_result.content.{k}", kind_inner, _RESULT_TYPES
                    )
                if kind_inner == "image":
                    _check_image(inner.get("source"), f"{where}.tool_result.content.{k}.source")
        elif content is not None and not isinstance(content, str):
            raise invalid(f"{where}.tool_result.content: Input should be a valid string or list")
    return block


def _check_image(source: Any, where: str) -> None:
    if not isinstance(source, dict):
        raise invalid(f"{where}: Field required")
    kind = source.get("type")
    if kind == "base64":
        if source.get("media_type") not in _IMAGE_TYPES:
            expected = ", ".join(f"'{t}'" for t in _IMAGE_TYPES[:-1])
            raise invalid(
                f"{where}.base64.media_type: Input should be {expected} or '{_IMAGE_TYPES[-1]}'"
            )
        if not isinstance(source.get("data"), str):
            raise invalid(f"{where}.base64.data: Field required")
    elif kind == "url":
        if not isinstance(source.get("url"), str):
            raise invalid(f"{where}.url.url: Field required")
    elif kind != "file":
        raise tag_mismatch(where, kind, ("base64", "url", "file"))


def _check_messages(messages: Any, version: str) -> list[dict[str, Any]]:
    if not isinstance(messages, list):
        raise invalid("messages: Input should be a valid list")
    if not messages:
        raise invalid("messages: at least one message is required")
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
        if "content" not in message:
            raise invalid(f"messages.{i}.content: Field required")
        content = message["content"]
        if isinstance(content, str):
            blocks: list[dict[str, Any]] = [{"type": "text", "text": content}] if content else []
        elif isinstance(content, list):
            blocks = [
                _check_block(block, role, f"messages.{i}.content.{j}", version)
                for j, block in enumerate(content)
            ]
        else:
            raise invalid(f"messages.{i}.content: Input should be a valid string or list")
        final_assistant = role == "assistant" and i == len(messages) - 1
        if not blocks and not final_assistant:
            raise invalid(
                f"messages.{i}: all messages must have non-empty content except for the "
                "optional final assistant message"
            )
        normalised.append({"role": role, "content": blocks})
    return normalised


def _check_prefill(messages: list[dict[str, Any]], model: SimModel) -> None:
    if messages[-1]["role"] != "assistant":
        return
    if not model.prefill:
        raise invalid(
            "This model does not support assistant message prefill. The conversation must end "
            "with a user message."
        )
    texts = [b for b in messages[-1]["content"] if b.get("type") == "text"]
    if texts and texts[-1]["text"] != texts[-1]["text"].rstrip():
        raise invalid("messages: final assistant content cannot end with trailing whitespace")


def validate(body: Any, version: str = CURRENT) -> MessagesRequest:
    """Check a POST /v1/messages body and return it normalised, or raise ApiError."""
    if not isinstance(body, dict):
        raise invalid("Input should be a valid dictionary or object")
    allowed = _FIELDS + (_SAMPLING if allows_sampling_knobs(version) else ())
    for name in body:
        if name not in allowed:
            raise invalid(f"{name}: Extra inputs are not permitted")
    model_id = _require(body, "model")
    max_tokens = _require(body, "max_tokens")
    messages = _check_messages(_require(body, "messages"), version)
    if not isinstance(model_id, str):
        raise invalid("model: Input should be a valid string")
    if model_id not in MODELS:
        raise ApiError(404, f"model: {model_id}")
    model = MODELS[model_id]
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
        raise invalid("max_tokens: Input should be a valid integer")
    if max_tokens < 0:
        raise invalid("max_tokens: Input should be greater than or equal to 0")
    if max_tokens > model.max_output_tokens:
        raise invalid(
            f"max_tokens: {max_tokens} > {model.max_output_tokens}, which is the maximum allowed "
            f"number of output tokens for {model.id}"
        )
    tools = check_tools(body.get("tools"))
    request = MessagesRequest(
        model=model,
        max_tokens=max_tokens,
        messages=messages,
        version=version,
        system=_text_of_system(body.get("system")),
        tools=tools,
        stream=_bool(body, "stream"),
    )
    request.tool_choice, request.disable_parallel_tool_use = check_tool_choice(
        body.get("tool_choice"), tools
    )
    check_tool_pairing(messages)
    request.segments = input_segments(body)  # token accounting, computed once per request
    check_cache_control(body, request.segments)
    _apply_options(body, request)
    _check_strict_schemas(request)
    _check_prefill(messages, model)
    _apply_legacy_sampling(body, request)
    thinking_rules.check_passback(messages)
    thinking_rules.check_final_assistant(messages, request.thinking_config)
    thinking_rules.check_tool_loop(messages, request.thinking_config)
    return request


def _check_strict_schemas(request: MessagesRequest) -> None:
    """Grammar limits summed over the JSON output schema and every strict tool's schema."""
    strict = [t["input_schema"] for t in request.tools if t.get("strict") is True]
    schemas = strict + ([request.output_format["schema"]] if request.output_format else [])
    if schemas:
        from labkit.sim import structured  # deferred: only structured outputs need it

        structured.check_complexity_limits(schemas, strict_tools=len(strict))


def _bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise invalid(f"{name}: Input should be a valid boolean")
    return value


def _apply_options(body: dict[str, Any], request: MessagesRequest) -> None:
    stops = body.get("stop_sequences")
    if stops is not None:
        if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
            raise invalid("stop_sequences: Input should be a valid list of strings")
        if any(not s.strip() for s in stops):
            raise invalid("stop_sequences: each stop sequence must contain non-whitespace")
        request.stop_sequences = list(stops)
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise invalid("metadata: Input should be a valid dictionary")
        for key in metadata:
            if key != "user_id":
                raise invalid(f"metadata.{key}: Extra inputs are not permitted")
        user = metadata.get("user_id")
        if user is not None and (not isinstance(user, str) or len(user) > 256):
            raise invalid("metadata.user_id: String should have at most 256 characters")
        request.user_id = user
    request.thinking_config = thinking_rules.parse_config(
        body.get("thinking"), request.model, request.max_tokens
    )
    if request.thinking_config.on and (request.tool_choice or {}).get("type") in ("any", "tool"):
        raise invalid("Thinking may not be enabled when tool_choice forces tool use.")
    config = body.get("output_config")
    if config is not None:
        if not isinstance(config, dict):
            raise invalid("output_config: Input should be a valid dictionary")
        for key in config:
            if key not in ("effort", "format", "task_budget"):
                raise invalid(f"output_config.{key}: Extra inputs are not permitted")
        effort = config.get("effort")
        if effort is not None:
            if effort not in EFFORTS:
                allowed = ", ".join(f"'{e}'" for e in EFFORTS[:-1])
                raise invalid(f"output_config.effort: Input should be {allowed} or 'max'")
            if not request.model.efforts:
                raise invalid("This model does not support the effort parameter.")
            if effort not in request.model.efforts:
                raise invalid(
                    f"output_config.effort: '{effort}' is not supported by this model. "
                    f"Supported values: {', '.join(request.model.efforts)}."
                )
        request.effort = effort
        if config.get("format") is not None:
            from labkit.sim import structured  # deferred: only structured outputs need it

            if request.prefill:
                raise invalid(
                    "Prefilling assistant messages is not supported with structured outputs "
                    "(output_config.format)."
                )
            if _citations_enabled(request.messages):
                raise invalid(
                    "Citations are not supported with structured outputs (output_config.format)."
                )
            request.output_format = structured.check_output_format(
                config["format"], "output_config.format"
            )
    for name in ("service_tier", "speed"):
        value = body.get(name)
        options = {"service_tier": ("auto", "standard_only"), "speed": ("standard", "fast")}[name]
        if value is not None and value not in options:
            raise invalid(f"{name}: Input should be '{options[0]}' or '{options[1]}'")


def _citations_enabled(messages: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(block.get("citations"), dict) and block["citations"].get("enabled")
        for message in messages
        for block in message["content"]
    )


def _apply_legacy_sampling(body: dict[str, Any], request: MessagesRequest) -> None:
    """temperature/top_p/top_k under 2023-06-01, on the models that still take them."""
    given = [name for name in _SAMPLING if body.get(name) is not None]
    if not given:
        return
    if not request.model.legacy_sampling:
        raise invalid(f"`{given[0]}` is deprecated for this model.")
    if "temperature" in given and "top_p" in given:
        raise invalid(
            "`temperature` and `top_p` cannot both be specified for this model. Please use only one."
        )
    if "temperature" in given:
        request.temperature = _number(body["temperature"], "temperature", 0.0, 1.0)
    if "top_p" in given:
        request.top_p = _number(body["top_p"], "top_p", 0.0, 1.0)
    if "top_k" in given:
        value = body["top_k"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid("top_k: Input should be a valid integer")
        if value < 0:
            raise invalid("top_k: Input should be greater than or equal to 0")
        request.top_k = value or None
    if request.thinking_config.on:
        if request.temperature is not None and request.temperature != 1.0:
            raise invalid("`temperature` may only be set to 1 when thinking is enabled")
        if request.top_k is not None:
            raise invalid("`top_k` is not supported when thinking is enabled")


_GLASS_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$")


def apply_glassbox(headers: dict[str, str], request: MessagesRequest) -> None:
    """The simulator-only knobs from `labkit-*` headers (see labkit.glassbox)."""

    def bad(name: str, rule: str) -> ApiError:
        return invalid(f"{name}: header should be {rule} (a simulator-only setting)")

    for name in headers:
        # The simulator owns the labkit- namespace: a misspelt knob must not pass silently.
        if glass.is_glassbox_header(name) and name not in glass.REQUEST_HEADERS:
            known = ", ".join(sorted(glass.REQUEST_HEADERS))
            raise invalid(f"{name}: not a simulator header (known: {known})")

    def number(name: str) -> float | None:
        raw = headers.get(name)
        if raw is None:
            return None
        if not _GLASS_NUMBER.match(raw):
            raise bad(name, "a number")
        return float(raw)

    low, high = glass.TEMPERATURE_RANGE
    temperature = number(glass.TEMPERATURE)
    if temperature is not None:
        if not low <= temperature <= high:
            raise bad(glass.TEMPERATURE, f"a number from {low:g} to {high:g}")
        request.temperature = temperature
    top_p = number(glass.TOP_P)
    if top_p is not None:
        if not 0.0 < top_p <= 1.0:
            raise bad(glass.TOP_P, "a number in (0, 1]")
        request.top_p = top_p
    top_k = number(glass.TOP_K)
    if top_k is not None:
        if top_k != int(top_k) or top_k < 1:
            raise bad(glass.TOP_K, "a whole number >= 1")
        request.top_k = int(top_k)
    size = number(glass.BATCH_SIZE)
    if size is not None:
        if size != int(size) or size < 1:
            raise bad(glass.BATCH_SIZE, "a whole number >= 1")
        request.batch_size = int(size)
    flag = headers.get(glass.BATCH_INVARIANT)
    if flag is not None:
        if flag.strip().lower() not in ("true", "false", "1", "0"):
            raise bad(glass.BATCH_INVARIANT, "true or false")
        request.batch_invariant = flag.strip().lower() in ("true", "1")
    flag = headers.get(glass.BASE_MODEL)
    if flag is not None:
        if flag.strip().lower() not in ("true", "false", "1", "0"):
            raise bad(glass.BASE_MODEL, "true or false")
        request.base_model = flag.strip().lower() in ("true", "1")
    seed = headers.get(glass.SEED)
    if seed is not None:
        request.seed = seed

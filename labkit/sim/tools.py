"""Tool definitions, tool_choice, and the pairing of tool_use with tool_result blocks.

Rules (tool-use overview and "implementing tool use" pages; error bodies quoted in public issues):
every `tool_use` in an assistant turn needs a `tool_result` in the very next user turn; those
results come first in that turn's content (text after them, never before); a result must answer a
`tool_use` of the previous assistant turn. `tool_choice` is auto, any, tool or none, and the first
three take `disable_parallel_tool_use`.
"""

from __future__ import annotations

import re
from typing import Any

from labkit.sim.errors import invalid, tag_mismatch

_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # the tool-definition docs
_CHOICES = ("auto", "any", "tool", "none")
_TOOL_KEYS = {
    "name", "description", "input_schema", "type", "cache_control", "strict",
    "input_examples", "defer_loading", "allowed_callers", "eager_input_streaming",
}  # fmt: skip


def check_tools(tools: Any) -> list[dict[str, Any]]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise invalid("tools: Input should be a valid list")
    names: set[str] = set()
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            raise invalid(f"tools.{i}: Input should be a valid dictionary")
        if tool.get("type") not in (None, "custom"):
            raise tag_mismatch(f"tools.{i}", tool.get("type"), ("custom",))
        for key in tool:
            if key not in _TOOL_KEYS:
                raise invalid(f"tools.{i}.custom.{key}: Extra inputs are not permitted")
        name = tool.get("name")
        if name is None:
            raise invalid(f"tools.{i}.custom.name: Field required")
        if not isinstance(name, str) or not _TOOL_NAME.match(name):
            raise invalid(
                f"tools.{i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'"
            )
        if name in names:
            raise invalid(f"tools: Tool names must be unique. Duplicate name: {name}")
        names.add(name)
        schema = tool.get("input_schema")
        if not isinstance(schema, dict):
            raise invalid(f"tools.{i}.custom.input_schema: Field required")
        if schema.get("type") != "object":
            raise invalid(f"tools.{i}.custom.input_schema.type: Input should be 'object'")
        if tool.get("strict") is True:
            from labkit.sim import structured  # deferred: only strict tools need it

            structured.check_strict_tool(tool, f"tools.{i}.custom")
    return list(tools)


def check_tool_choice(
    choice: Any, tools: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, bool]:
    """The validated tool_choice and its disable_parallel_tool_use flag."""
    if choice is None:
        return None, False
    kind = choice.get("type") if isinstance(choice, dict) else None
    if kind not in _CHOICES:
        raise tag_mismatch("tool_choice", kind, _CHOICES)
    assert isinstance(choice, dict)
    allowed = {"type"} | ({"disable_parallel_tool_use"} if kind != "none" else set())
    allowed |= {"name"} if kind == "tool" else set()
    for key in choice:
        if key not in allowed:
            raise invalid(f"tool_choice.{kind}.{key}: Extra inputs are not permitted")
    disable = choice.get("disable_parallel_tool_use", False)
    if not isinstance(disable, bool):
        raise invalid(
            f"tool_choice.{kind}.disable_parallel_tool_use: Input should be a valid boolean"
        )
    if kind == "tool":
        if "name" not in choice:
            raise invalid("tool_choice.tool.name: Field required")
        if choice["name"] not in {t["name"] for t in tools}:
            raise invalid(f"Tool '{choice['name']}' not found in provided tools")
    if kind in ("any", "tool") and not tools:
        raise invalid(f"tool_choice.type: '{kind}' requires `tools` to be provided")
    return choice, disable


def check_tool_pairing(messages: list[dict[str, Any]]) -> None:
    """tool_use -> tool_result in the next message, results first, none without a call."""
    pending: list[str] = []
    for i, message in enumerate(messages):
        blocks = message["content"]
        if message["role"] == "assistant":
            if pending:
                _missing(i - 1, pending)
            pending = [str(b["id"]) for b in blocks if b.get("type") == "tool_use"]
            continue
        for j, block in enumerate(blocks):
            if block.get("type") == "tool_result" and str(block["tool_use_id"]) not in pending:
                raise invalid(
                    f"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` "
                    f"blocks: {block['tool_use_id']}. Each `tool_result` block must have a "
                    "corresponding `tool_use` block in the previous message."
                )
        if pending:
            # Results must open the turn: text before them leaves the calls unanswered.
            leading = 0
            while leading < len(blocks) and blocks[leading].get("type") == "tool_result":
                leading += 1
            answered = {str(b["tool_use_id"]) for b in blocks[:leading]}
            missing = [p for p in pending if p not in answered]
            if missing:
                _missing(i - 1, missing)
        pending = []


def _missing(index: int, ids: list[str]) -> None:
    """`index` is the assistant turn whose calls went unanswered (as the real message says)."""
    raise invalid(
        f"messages.{index}: `tool_use` ids were found without `tool_result` blocks "
        f"immediately after: {', '.join(ids)}. Each `tool_use` block must have a corresponding "
        "`tool_result` block in the next message."
    )

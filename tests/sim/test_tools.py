"""Tool definitions, tool_choice and the pairing of tool_use with tool_result."""

import pytest

from labkit.sim.errors import ApiError
from labkit.sim.tools import check_tool_choice, check_tool_pairing, check_tools

TOOLS = [
    {"name": "a", "input_schema": {"type": "object"}},
    {"name": "b", "input_schema": {"type": "object"}},
]


def use(*ids):
    return {
        "role": "assistant",
        "content": [{"type": "tool_use", "id": i, "name": "a", "input": {}} for i in ids],
    }


def results(*ids, text_first=False):
    blocks = [{"type": "tool_result", "tool_use_id": i, "content": "ok"} for i in ids]
    if text_first:
        blocks.insert(0, {"type": "text", "text": "here"})
    return {"role": "user", "content": blocks}


ASK = {"role": "user", "content": [{"type": "text", "text": "go"}]}


def test_parallel_results_in_one_turn_pass():
    check_tool_pairing([ASK, use("t1", "t2"), results("t2", "t1")])


@pytest.mark.parametrize(
    ("messages", "fragment"),
    [
        (
            [ASK, use("t1", "t2"), results("t1")],
            "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t2.",
        ),
        ([ASK, use("t1"), results("t1", text_first=True)], "immediately after: t1"),
        ([ASK, use("t1"), use("t2")], "messages.1: `tool_use` ids"),
        ([ASK, use("t1"), results("t1", "t9")], "messages.2.content.1: unexpected `tool_use_id`"),
    ],
)
def test_pairing_rules(messages, fragment):
    with pytest.raises(ApiError) as caught:
        check_tool_pairing(messages)
    assert fragment in caught.value.message


def test_tool_choice_rules():
    assert check_tool_choice({"type": "any", "disable_parallel_tool_use": True}, TOOLS) == (
        {"type": "any", "disable_parallel_tool_use": True},
        True,
    )
    with pytest.raises(ApiError, match="Tool 'c' not found"):
        check_tool_choice({"type": "tool", "name": "c"}, TOOLS)
    with pytest.raises(ApiError, match="disable_parallel_tool_use: Extra inputs"):
        check_tool_choice({"type": "none", "disable_parallel_tool_use": True}, TOOLS)


def test_tool_definitions():
    with pytest.raises(ApiError, match="Duplicate name: a"):
        check_tools([TOOLS[0], TOOLS[0]])
    with pytest.raises(ApiError, match=r"\{1,64\}"):
        check_tools([{"name": "x" * 65, "input_schema": {"type": "object"}}])

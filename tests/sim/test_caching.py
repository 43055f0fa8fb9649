"""Prompt caching: writes, reads, lifetimes, lookback and the API's refusals."""

from datetime import datetime, timedelta

import pytest

from labkit.sim.caching import PromptCache, check_cache_control
from labkit.sim.errors import ApiError
from labkit.sim.tokens import count_input_tokens

T0 = datetime(2026, 12, 1, 12, 0, 0)
MIN = 1024  # Sonnet 4.6's minimum cacheable prompt
LONG = "a" * 8000  # 2,000 tokens
EPHEMERAL = {"type": "ephemeral"}
ONE_HOUR = {"type": "ephemeral", "ttl": "1h"}


def request(system=LONG, question="What is in the document?", control=EPHEMERAL, **fields):
    return {
        "model": "sim-sonnet-4-6",
        "max_tokens": 16,
        "system": [{"type": "text", "text": system, "cache_control": control}],
        "messages": [{"role": "user", "content": question}],
        **fields,
    }


def account(cache, body, at=T0, scope="key-1", min_tokens=MIN, **options):
    usage = cache.account(body, model_min_tokens=min_tokens, now=at, scope=scope, **options)
    fields = usage.to_usage()
    assert fields["input_tokens"] + fields["cache_creation_input_tokens"] + fields[
        "cache_read_input_tokens"
    ] == count_input_tokens(body, **options)
    assert fields["cache_creation_input_tokens"] == sum(fields["cache_creation"].values())
    return fields


def test_first_request_writes_and_an_identical_second_reads():
    cache = PromptCache()
    first = account(cache, request())
    assert first == {
        "input_tokens": 6,
        "cache_creation_input_tokens": 2000,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 2000, "ephemeral_1h_input_tokens": 0},
    }
    second = account(
        cache, request(question="And the second question?"), at=T0 + timedelta(seconds=30)
    )
    assert second["cache_read_input_tokens"] == 2000
    assert second["cache_creation_input_tokens"] == 0
    assert second["input_tokens"] == 6


def test_no_cache_control_caches_nothing():
    cache = PromptCache()
    plain = request(control=None)
    del plain["system"][0]["cache_control"]
    assert account(cache, plain)["cache_creation_input_tokens"] == 0
    assert account(cache, plain)["cache_read_input_tokens"] == 0
    assert len(cache) == 0


def test_a_changed_system_prompt_misses():
    cache = PromptCache()
    account(cache, request())
    changed = account(cache, request(system=LONG + "!"))
    assert changed["cache_read_input_tokens"] == 0
    assert changed["cache_creation_input_tokens"] == 2001


def test_caches_are_isolated_by_scope_and_model():
    cache = PromptCache()
    account(cache, request())
    assert account(cache, request(), scope="key-2")["cache_read_input_tokens"] == 0
    other_model = dict(request(), model="sim-opus-4-7")
    assert account(cache, other_model)["cache_read_input_tokens"] == 0


def test_5m_entries_expire_and_reads_refresh_them():
    cache = PromptCache()
    account(cache, request())
    at = T0 + timedelta(minutes=4)
    assert account(cache, request(), at=at)["cache_read_input_tokens"] == 2000
    at += timedelta(minutes=4, seconds=59)  # 8:59 after the write, 4:59 after the read
    assert account(cache, request(), at=at)["cache_read_input_tokens"] == 2000
    at += timedelta(minutes=5)  # 5:00 after the last read: gone
    late = account(cache, request(), at=at)
    assert late["cache_read_input_tokens"] == 0
    assert late["cache_creation_input_tokens"] == 2000


def test_1h_entries_outlive_5_minutes_and_expire_after_an_hour():
    cache = PromptCache()
    first = account(cache, request(control=ONE_HOUR))
    assert first["cache_creation"] == {
        "ephemeral_5m_input_tokens": 0,
        "ephemeral_1h_input_tokens": 2000,
    }
    at = T0 + timedelta(minutes=59)
    assert account(cache, request(control=ONE_HOUR), at=at)["cache_read_input_tokens"] == 2000
    at += timedelta(minutes=61)
    assert account(cache, request(control=ONE_HOUR), at=at)["cache_read_input_tokens"] == 0


def test_mixed_ttls_bill_1h_before_5m():
    cache = PromptCache()
    body = {
        "model": "sim-sonnet-4-6",
        "max_tokens": 16,
        "system": [
            {"type": "text", "text": LONG, "cache_control": ONE_HOUR},
            {"type": "text", "text": "b" * 4000, "cache_control": EPHEMERAL},
        ],
        "messages": [{"role": "user", "content": "q"}],
    }
    check_cache_control(body)
    fields = account(cache, body)
    assert fields["cache_creation"] == {
        "ephemeral_1h_input_tokens": 2000,
        "ephemeral_5m_input_tokens": 1000,
    }
    # after 10 minutes only the 1h entry is left: read it, write the 5m part again
    later = account(cache, body, at=T0 + timedelta(minutes=10))
    assert later["cache_read_input_tokens"] == 2000
    assert later["cache_creation"] == {
        "ephemeral_1h_input_tokens": 0,
        "ephemeral_5m_input_tokens": 1000,
    }


def test_too_short_prompts_are_never_cached():
    cache = PromptCache()
    short = request(system="short system prompt")
    for _ in range(3):
        fields = account(cache, short)
        assert fields["cache_creation_input_tokens"] == fields["cache_read_input_tokens"] == 0
    assert len(cache) == 0
    # the same prompt caches on a model with a lower minimum
    assert account(cache, short, min_tokens=1)["cache_creation_input_tokens"] > 0


def turn(history, user_text):
    return {
        "model": "sim-sonnet-4-6",
        "max_tokens": 16,
        "cache_control": EPHEMERAL,
        "system": LONG,
        "messages": [*history, {"role": "user", "content": user_text}],
    }


def test_automatic_caching_reads_the_previous_turns_prefix():
    cache = PromptCache()
    history: list[dict[str, str]] = []
    first = account(cache, turn(history, "u" * 400))
    assert first["cache_creation_input_tokens"] == 2100 and first["input_tokens"] == 0
    previous_total = 2100
    for n in range(1, 5):
        history += [{"role": "user", "content": "u" * 400 if n == 1 else f"q{n}" * 100}]
        history += [{"role": "assistant", "content": "a" * 200}]
        body = turn(history, f"q{n + 1}" * 100)
        fields = account(cache, body, at=T0 + timedelta(minutes=n))
        assert fields["cache_read_input_tokens"] == previous_total
        assert fields["cache_creation_input_tokens"] == count_input_tokens(body) - previous_total
        previous_total = count_input_tokens(body)


def test_the_lookback_window_is_20_positions():
    # the prompt-caching page's example: entries at blocks 10 and 15, then a breakpoint at 35
    def blocks(n):
        content: list[dict[str, object]] = [
            {"type": "text", "text": f"block {i} " + "x" * 600} for i in range(n)
        ]
        content[-1]["cache_control"] = EPHEMERAL
        return {
            "model": "sim-sonnet-4-6",
            "max_tokens": 16,
            "messages": [{"role": "user", "content": content}],
        }

    cache = PromptCache()
    account(cache, blocks(10))
    turn_2 = account(cache, blocks(15))
    assert turn_2["cache_read_input_tokens"] == count_input_tokens(blocks(10))
    turn_3 = account(cache, blocks(35))
    assert turn_3["cache_read_input_tokens"] == 0  # block 15 is one position outside the window
    cache = PromptCache()
    account(cache, blocks(15))
    assert account(cache, blocks(34))["cache_read_input_tokens"] == count_input_tokens(blocks(15))


def test_a_run_of_tool_results_is_one_lookback_position():
    calls = [{"type": "tool_use", "id": f"t{i}", "name": "f", "input": {"i": i}} for i in range(15)]
    results = [{"type": "tool_result", "tool_use_id": f"t{i}", "content": "r"} for i in range(15)]
    start = [{"role": "user", "content": LONG}]
    cache = PromptCache()
    account(
        cache,
        {
            "model": "sim-sonnet-4-6",
            "max_tokens": 16,
            "cache_control": EPHEMERAL,
            "messages": start,
        },
    )
    body = {
        "model": "sim-sonnet-4-6",
        "max_tokens": 16,
        "cache_control": EPHEMERAL,
        "messages": [
            *start,
            {"role": "assistant", "content": calls},
            {"role": "user", "content": results},
        ],
    }
    assert account(cache, body)["cache_read_input_tokens"] == 2000  # 30 blocks, 2 positions


def tool_loop(first_thinking, second_thinking="thinking about the result " * 20):
    tool = {"name": "read", "description": "read a file", "input_schema": {"type": "object"}}
    return [
        {"role": "user", "content": LONG},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": first_thinking, "signature": "s1"},
                {"type": "tool_use", "id": "t1", "name": "read", "input": {"path": "a.py"}},
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "print(1)"}],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": second_thinking, "signature": "s2"},
                {"type": "text", "text": "It prints 1."},
            ],
        },
    ], tool


def conversation(model, turns):
    history, tool = tool_loop("let me read the file " * 20)
    return {
        "model": model,
        "max_tokens": 16,
        "cache_control": EPHEMERAL,
        "tools": [tool],
        "messages": history[: 3 if turns == 1 else 4]
        + ([{"role": "user", "content": "Thanks, and b.py?"}] if turns == 2 else []),
    }


def test_clearing_old_thinking_turns_reads_into_writes():
    for clear in (False, True):
        cache = PromptCache()
        account(cache, conversation("sim-opus-4-7", 1), clear_old_thinking=clear)
        second = account(cache, conversation("sim-opus-4-7", 2), clear_old_thinking=clear)
        written = count_input_tokens(conversation("sim-opus-4-7", 1))
        if clear:
            # the prefix written last turn had that turn's thinking; now it is stripped, so
            # nothing matches and the whole prompt is written again
            assert second["cache_read_input_tokens"] == 0
            assert second["cache_creation_input_tokens"] == count_input_tokens(
                conversation("sim-opus-4-7", 2), clear_old_thinking=True
            )
        else:
            assert second["cache_read_input_tokens"] == written


def test_haiku_strips_earlier_thinking_so_a_new_user_turn_misses():
    cache = PromptCache()
    haiku = 4096
    long_loop = conversation("sim-haiku-4-5", 1)
    long_loop["messages"][0]["content"] = LONG * 3
    account(cache, long_loop, min_tokens=haiku)
    follow_up = conversation("sim-haiku-4-5", 2)
    follow_up["messages"][0]["content"] = LONG * 3
    fields = account(cache, follow_up, min_tokens=haiku)
    assert fields["cache_read_input_tokens"] == 0  # the tools-and-system prefix was never written


def test_tool_choice_and_thinking_changes_invalidate_only_messages():
    tool = {"name": "get", "description": "d" * 8000, "input_schema": {"type": "object"}}
    tool_marked = {**tool, "cache_control": EPHEMERAL}
    base = {
        "model": "sim-sonnet-4-6",
        "max_tokens": 16,
        "tools": [tool_marked],
        "cache_control": EPHEMERAL,
        "messages": [{"role": "user", "content": "m" * 4000}],
    }
    cache = PromptCache()
    account(cache, base)
    tool_tokens = count_input_tokens({**base, "messages": []}) - 346
    for change in ({"tool_choice": {"type": "any"}}, {"thinking": {"type": "adaptive"}}):
        fields = account(cache, {**base, **change})
        assert fields["cache_read_input_tokens"] == tool_tokens
    changed_tools = account(cache, {**base, "tools": [{**tool_marked, "description": "e" * 8000}]})
    assert changed_tools["cache_read_input_tokens"] == 0


def error_of(body):
    with pytest.raises(ApiError) as caught:
        check_cache_control(body)
    assert caught.value.status == 400 and caught.value.error_type == "invalid_request_error"
    return caught.value.message


def marked(n, ttls=None):
    ttls = ttls or ["5m"] * n
    content = [
        {"type": "text", "text": f"b{i}", "cache_control": {"type": "ephemeral", "ttl": t}}
        for i, t in enumerate(ttls)
    ]
    return {
        "model": "sim-sonnet-4-6",
        "max_tokens": 16,
        "messages": [{"role": "user", "content": content}],
    }


def test_five_breakpoints_are_refused():
    check_cache_control(marked(4))
    assert (
        error_of(marked(5)) == "A maximum of 4 blocks with cache_control may be provided. Found 5."
    )
    with_auto = dict(marked(4), cache_control=EPHEMERAL)
    check_cache_control(with_auto)  # the last block already carries the same TTL: a no-op
    with_auto["messages"][0]["content"].append({"type": "text", "text": "tail"})
    assert error_of(with_auto).endswith("Found 5.")


def test_a_1h_breakpoint_after_a_5m_one_is_refused():
    check_cache_control(marked(2, ["1h", "5m"]))
    assert error_of(marked(2, ["5m", "1h"])) == (
        "messages.0.content.1.cache_control.ttl: a ttl='1h' cache_control block must not come "
        "after a ttl='5m' cache_control block. Note that blocks are processed in the following "
        "order: `tools`, `system`, `messages`."
    )


def test_automatic_caching_conflicting_with_the_last_blocks_ttl_is_refused():
    body = dict(marked(1, ["1h"]), cache_control=EPHEMERAL)
    assert error_of(body) == (
        "Top-level cache_control has ttl='5m' but the target block already has cache_control "
        "with ttl='1h'"
    )


def test_malformed_cache_control_is_refused_with_the_field_named():
    bad_ttl = marked(1, ["10m"])
    assert (
        error_of(bad_ttl)
        == "messages.0.content.0.text.cache_control.ttl: Input should be '5m' or '1h'"
    )
    bad_type = marked(1)
    bad_type["messages"][0]["content"][0]["cache_control"] = {"type": "persistent"}
    assert (
        error_of(bad_type)
        == "messages.0.content.0.text.cache_control.type: Input should be 'ephemeral'"
    )
    assert error_of(dict(marked(0), cache_control={"type": "ephemeral", "ttl": "2h"})) == (
        "cache_control.ttl: Input should be '5m' or '1h'"
    )
    extra = dict(marked(0), cache_control={"type": "ephemeral", "scope": "global"})
    assert error_of(extra) == "cache_control.scope: Extra inputs are not permitted"


def test_thinking_blocks_cannot_carry_cache_control():
    body = {
        "model": "sim-opus-4-7",
        "max_tokens": 16,
        "messages": [
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "thinking",
                        "thinking": "t",
                        "signature": "s",
                        "cache_control": EPHEMERAL,
                    },
                    {"type": "text", "text": "a"},
                ],
            },
            {"role": "user", "content": "more"},
        ],
    }
    assert (
        error_of(body)
        == "messages.1.content.0.thinking.cache_control: Extra inputs are not permitted"
    )

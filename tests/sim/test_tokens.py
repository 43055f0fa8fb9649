"""Input tokens block by block: text, tools, images and thinking, as the docs count them."""

import base64
import io

from PIL import Image

from labkit.sim.tokens import (
    count_input_tokens,
    count_text,
    image_tokens,
    input_segments,
    resized_size,
)


def png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return {
        "type": "base64",
        "media_type": "image/png",
        "data": base64.b64encode(buffer.getvalue()).decode(),
    }


def body(**fields):
    return {"model": "sim-sonnet-4-6", "max_tokens": 16, **fields}


def test_text_is_about_four_characters_a_token():
    assert count_text("") == 1
    assert count_text("abcd") == 1
    assert count_text("abcde") == 2
    assert count_text("x" * 400) == 100


def test_a_simple_request_counts_system_and_messages_in_order():
    request = body(system="s" * 40, messages=[{"role": "user", "content": "u" * 80}])
    segments = input_segments(request)
    assert [(s.where, s.tokens) for s in segments] == [("system", 10), ("messages.0.content", 20)]
    assert count_input_tokens(request) == 30


def test_a_string_and_the_same_text_block_are_the_same_block():
    as_string = input_segments(body(messages=[{"role": "user", "content": "hello there"}]))
    as_block = input_segments(
        body(messages=[{"role": "user", "content": [{"type": "text", "text": "hello there"}]}])
    )
    assert as_string[0].digest == as_block[0].digest
    assert as_block[0].where == "messages.0.content.0"


def test_cache_control_does_not_change_a_blocks_digest_but_key_order_does():
    plain = {"type": "tool_use", "id": "t1", "name": "f", "input": {"a": 1, "b": 2}}
    marked = {**plain, "cache_control": {"type": "ephemeral"}}
    shuffled = {**plain, "input": {"b": 2, "a": 1}}

    def first(block):
        return input_segments(body(messages=[{"role": "assistant", "content": [block]}]))[0]

    assert first(plain).digest == first(marked).digest
    assert first(marked).cache_control == {"type": "ephemeral", "ttl": "5m"}
    assert first(plain).digest != first(shuffled).digest


def test_tools_add_the_tool_use_system_prompt_by_tool_choice():
    tool = {"name": "get", "description": "d", "input_schema": {"type": "object"}}
    messages = [{"role": "user", "content": "hi"}]
    tool_tokens = count_text('{"name":"get","description":"d","input_schema":{"type":"object"}}')
    assert count_input_tokens(body(tools=[tool], messages=messages)) == tool_tokens + 346 + 1
    forced = body(tools=[tool], tool_choice={"type": "any"}, messages=messages)
    assert count_input_tokens(forced) == tool_tokens + 313 + 1
    assert [s.where for s in input_segments(forced)] == [
        "tools.0",
        "tool_choice",
        "messages.0.content",
    ]
    assert count_input_tokens(body(messages=messages)) == 1


def test_image_tokens_are_28_pixel_patches():
    assert image_tokens(png(400, 400)) == 15 * 15  # the old w*h/750 rule gave about 213
    assert image_tokens(png(200, 200)) == 64  # the vision page's table
    assert image_tokens(png(1000, 1000)) == 1296


def test_large_images_are_resized_first():
    # the vision page's examples: sizes after resizing and their token counts
    assert resized_size(1920, 1080, 1568, 1568) == (1456, 819)
    assert resized_size(2000, 1500, 1568, 1568) == (1270, 952)
    assert resized_size(1075, 1520, 1568, 1568) == (924, 1307)  # the token limit binds
    assert resized_size(3840, 2160, 2576, 4784) == (2576, 1449)
    assert image_tokens(png(2000, 1500)) == 1564
    big = png(4000, 3000)
    assert image_tokens(big) <= 1568
    assert image_tokens(big) == image_tokens(png(2000, 1500))  # same aspect, same resize
    assert image_tokens(big, model="sim-opus-4-7") <= 4784
    assert image_tokens(png(1920, 1080), model="sim-opus-4-7") == 2691


def test_url_images_get_the_models_whole_budget():
    url = {"type": "url", "url": "https://example.com/cat.jpg"}
    assert image_tokens(url) == 1568
    assert image_tokens(url, model="sim-opus-4-7") == 4784


def test_an_image_in_a_message_counts_its_visual_tokens():
    request = body(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": png(400, 400)},
                    {"type": "text", "text": "what?"},
                ],
            }
        ]
    )
    assert [s.tokens for s in input_segments(request)] == [225, 2]


def thinking_conversation(model):
    thought = {"type": "thinking", "thinking": "t" * 400, "signature": "sig"}
    return {
        "model": model,
        "max_tokens": 16,
        "messages": [
            {"role": "user", "content": "first question"},
            {"role": "assistant", "content": [thought, {"type": "text", "text": "answer"}]},
            {"role": "user", "content": "second question"},
            {
                "role": "assistant",
                "content": [
                    dict(thought, thinking="u" * 400),
                    {"type": "tool_use", "id": "t", "name": "f", "input": {}},
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "t", "content": "ok"}],
            },
        ],
    }


def test_haiku_drops_thinking_of_earlier_turns_but_keeps_the_current_tool_loops():
    segments = input_segments(thinking_conversation("sim-haiku-4-5"))
    thinking = [s for s in segments if s.kind == "thinking"]
    assert [(s.where, s.tokens, s.stripped) for s in thinking] == [
        ("messages.1.content.0", 0, True),
        ("messages.3.content.0", 100, False),
    ]


def test_opus_and_sonnet_keep_earlier_thinking_in_context():
    for model in ("sim-opus-4-7", "sim-sonnet-4-6"):
        thinking = [s for s in input_segments(thinking_conversation(model)) if s.kind == "thinking"]
        assert [s.tokens for s in thinking] == [100, 100]


def test_clearing_old_thinking_keeps_only_the_latest_assistant_turns():
    request = thinking_conversation("sim-opus-4-7")
    thinking = [s for s in input_segments(request, clear_old_thinking=True) if s.kind == "thinking"]
    assert [s.stripped for s in thinking] == [True, False]
    assert count_input_tokens(request, clear_old_thinking=True) == count_input_tokens(request) - 100

"""SDK round trips through the three transports: in-process, loopback server, and 'live'.

The live path (LABKIT_BACKEND=anthropic) has its own module, tests/test_live_backend.py, against a
loopback stand-in for the real API. The simulator's sampling knobs travel as `labkit-*` headers
(labkit.glassbox), never in the body, where the real API refuses them.
"""

import asyncio

import anthropic
import pytest
from anthropic.types import Message, MessageParam, TextBlock

import labkit
from labkit.clients import BackendError, client, is_simulated
from labkit.glassbox import GlassBox, glassbox

MODEL = "sim-sonnet-4-6"
USER: list[MessageParam] = [{"role": "user", "content": "How do I test a parser?"}]


def first_text(message: Message) -> str:
    """The text of the message's first content block, which must be a text block."""
    block = message.content[0]
    assert isinstance(block, TextBlock), block
    return block.text


def check_message(message):
    assert message.type == "message" and message.role == "assistant"
    assert message.model == MODEL
    assert message.stop_reason in {"end_turn", "max_tokens", "stop_sequence", "tool_use"}
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0


def test_in_process_round_trip(api):
    message = api.messages.create(model=MODEL, max_tokens=64, messages=USER)
    check_message(message)
    assert message.content[0].type == "text" and message.content[0].text
    assert is_simulated(api)


def test_max_tokens_stops_generation(api):
    message = api.messages.create(
        model=MODEL, max_tokens=3, messages=USER, extra_headers=glassbox(temperature=1.0)
    )
    assert message.usage.output_tokens <= 3


def test_stop_sequences(api):
    for seed in range(40):
        message = api.messages.create(
            model=MODEL,
            max_tokens=60,
            messages=USER,
            stop_sequences=["."],
            extra_headers=glassbox(seed=seed),
        )
        if message.stop_reason == "stop_sequence":
            assert message.stop_sequence == "." and "." not in message.content[0].text
            return
    pytest.fail("no response in 40 stopped at '.'")


def test_thinking_blocks_have_signatures_and_scale_with_effort(api):
    lengths = {}
    for effort in ("low", "max"):
        message = api.messages.create(
            model=MODEL,
            max_tokens=4000,
            messages=USER,
            thinking={"type": "adaptive"},
            output_config={"effort": effort},
            extra_headers=glassbox(seed=3),
        )
        thinking = [b for b in message.content if b.type == "thinking"]
        assert thinking and thinking[0].signature
        lengths[effort] = message.usage.output_tokens
    assert lengths["max"] > lengths["low"]


def test_streaming_matches_the_final_message(api):
    with api.messages.stream(
        model=MODEL, max_tokens=40, messages=USER, extra_headers=glassbox(seed=1)
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == final.content[0].text
    again = api.messages.create(
        model=MODEL, max_tokens=40, messages=USER, extra_headers=glassbox(seed=1)
    )
    assert again.content[0].text == text


def test_streaming_tool_use_input_arrives_whole(api):
    tools = [
        {
            "name": "lookup",
            "input_schema": {
                "type": "object",
                "properties": {"q": {"type": "string"}},
                "required": ["q"],
            },
        }
    ]
    with api.messages.stream(
        model=MODEL,
        max_tokens=200,
        messages=USER,
        tools=tools,
        tool_choice={"type": "tool", "name": "lookup"},
    ) as stream:
        final = stream.get_final_message()
    call = next(b for b in final.content if b.type == "tool_use")
    assert final.stop_reason == "tool_use" and call.name == "lookup"
    assert set(call.input) == {"q"} and isinstance(call.input["q"], str) and call.input["q"]
    assert final.content[0].type == "tool_use"  # forced tool use: no text before the call


def test_models_endpoints(api):
    ids = [m.id for m in api.models.list()]
    assert MODEL in ids and all("sim" in i for i in ids)
    assert api.models.retrieve(MODEL).display_name.startswith("Simulated")
    with pytest.raises(anthropic.NotFoundError):
        api.models.retrieve("claude-unknown")


def test_async_client_round_trip():
    async def go():
        async with labkit.async_client(seed=7) as api:
            results = await asyncio.gather(
                *[
                    api.messages.create(
                        model=MODEL, max_tokens=16, messages=USER, extra_headers=glassbox(seed=i)
                    )
                    for i in range(8)
                ]
            )
        return results

    for message in asyncio.run(go()):
        check_message(message)


def test_loopback_server_round_trip(sim_server):
    with anthropic.Anthropic(api_key="any", base_url=sim_server.url) as api:
        message = api.messages.create(
            model=MODEL, max_tokens=32, messages=USER, extra_headers=glassbox(seed=5)
        )
        check_message(message)
        with api.messages.stream(
            model=MODEL, max_tokens=32, messages=USER, extra_headers=glassbox(seed=5)
        ) as stream:
            assert "".join(stream.text_stream) == first_text(message)
        with pytest.raises(anthropic.BadRequestError):
            api.messages.create(model=MODEL, max_tokens=-1, messages=USER)


def test_loopback_and_in_process_give_the_same_answer(sim_server):
    with (
        anthropic.Anthropic(api_key="any", base_url=sim_server.url) as remote,
        client(seed=7) as local,
    ):
        a = remote.messages.create(
            model=MODEL, max_tokens=32, messages=USER, extra_headers=glassbox(seed=9)
        )
        b = local.messages.create(
            model=MODEL, max_tokens=32, messages=USER, extra_headers=glassbox(seed=9)
        )
    assert first_text(a) == first_text(b)


def test_live_backend_needs_an_api_key(monkeypatch):
    monkeypatch.setenv("LABKIT_BACKEND", "anthropic")
    with pytest.raises(BackendError, match="ANTHROPIC_API_KEY"):
        client()


def test_unknown_backend_is_refused(monkeypatch):
    monkeypatch.setenv("LABKIT_BACKEND", "openai")
    with pytest.raises(BackendError, match="not one of"):
        client()


def test_a_client_wide_glassbox_goes_on_every_request():
    box = GlassBox(temperature=0.0, seed=4)
    with client(seed=7, glassbox=box) as boxed, client(seed=7) as plain:
        raw = boxed.messages.with_raw_response.create(model=MODEL, max_tokens=24, messages=USER)
        assert raw.http_request.headers["labkit-temperature"] == "0.0"
        assert raw.http_request.headers["labkit-seed"] == "4"
        same = plain.messages.create(
            model=MODEL, max_tokens=24, messages=USER, extra_headers=box.headers()
        )
    assert first_text(raw.parse()) == first_text(same)


def test_an_async_client_wide_glassbox_goes_on_every_request():
    async def go():
        async with labkit.async_client(seed=7, glassbox=GlassBox(top_k=3)) as api:
            return await api.messages.with_raw_response.create(
                model=MODEL, max_tokens=8, messages=USER
            )

    assert asyncio.run(go()).http_request.headers["labkit-top-k"] == "3"


@pytest.mark.parametrize(("fault", "status"), [("rate_limit", 429), ("overloaded", 529)])
def test_transient_errors_are_retried_by_the_sdk(fault, status):
    with client(seed=1, faults=f"{fault}:rate=0.5", max_retries=8) as api:
        for i in range(10):  # every request eventually succeeds through the SDK's retries
            check_message(
                api.messages.create(
                    model=MODEL, max_tokens=8, messages=USER, extra_headers=glassbox(seed=i)
                )
            )
    with (
        client(seed=1, faults=f"{fault}:rate=1.0", max_retries=1) as api,
        pytest.raises(anthropic.APIStatusError) as caught,
    ):
        api.messages.create(model=MODEL, max_tokens=8, messages=USER)
    assert caught.value.status_code == status
    assert caught.value.response.headers["retry-after"] == "1"


def test_glassbox_is_callable_even_after_its_module_is_imported():
    import importlib

    import labkit

    importlib.import_module("labkit.glassbox")  # binds labkit.glassbox to the module object
    assert callable(labkit.glassbox)  # to mypy it is a module; _CallableModule makes it callable
    assert labkit.glassbox(temperature=0, seed=3) == {
        "labkit-temperature": "0.0",
        "labkit-seed": "3",
    }
    from labkit.glassbox import GlassBox

    assert labkit.GlassBox is GlassBox

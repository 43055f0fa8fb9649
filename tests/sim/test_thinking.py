"""Thinking signatures authenticate exactly the text returned; the config follows each model."""

import pytest

from labkit.sim import thinking
from labkit.sim.catalog import MODELS
from labkit.sim.errors import ApiError


def test_a_signature_verifies_its_text_only():
    signature = thinking.sign("First I read the test.", "msg_1")
    assert thinking.verify("First I read the test.", signature)
    assert not thinking.verify("First I read the tests.", signature)
    assert not thinking.verify("First I read the test.", signature[:-4] + "AAAA")
    assert not thinking.verify("First I read the test.", "not base64!")
    assert thinking.verify("", thinking.sign("", "msg_2"))  # display "omitted": empty, signed


def test_redacted_data_is_authenticated_and_opaque():
    data = thinking.redacted_data("the hidden reasoning", "msg_1")
    assert "hidden" not in data and thinking.verify_redacted(data)
    tampered = data[:10] + ("A" if data[10] != "A" else "B") + data[11:]
    assert not thinking.verify_redacted(tampered)


def test_passback_refuses_edited_and_unsigned_blocks():
    good = {"type": "thinking", "thinking": "plan", "signature": thinking.sign("plan")}
    conversation = [
        {"role": "user", "content": [{"type": "text", "text": "hi"}]},
        {"role": "assistant", "content": [good]},
    ]
    thinking.check_passback(conversation)
    edited = [conversation[0], {"role": "assistant", "content": [{**good, "thinking": "plan!"}]}]
    with pytest.raises(
        ApiError, match=r"messages\.1\.content\.0: Invalid `signature` in `thinking` block"
    ):
        thinking.check_passback(edited)
    unsigned = {k: v for k, v in good.items() if k != "signature"}
    with pytest.raises(ApiError, match="signature: Field required"):
        thinking.check_passback([conversation[0], {"role": "assistant", "content": [unsigned]}])


@pytest.mark.parametrize(
    ("model", "config", "fragment"),
    [
        (
            "sim-opus-4-7",
            {"type": "enabled", "budget_tokens": 2000},
            '"thinking.type.enabled" is not supported',
        ),
        ("sim-haiku-4-5", {"type": "adaptive"}, "adaptive thinking is not supported on this model"),
        (
            "sim-sonnet-4-6",
            {"type": "enabled", "budget_tokens": 100},
            "greater than or equal to 1024",
        ),
        ("sim-sonnet-4-6", {"type": "adaptive", "display": "full"}, "display"),
        ("sim-sonnet-4-6", {"type": "between_tools"}, "not supported for this model"),
    ],
)
def test_thinking_types_follow_the_model(model, config, fragment):
    with pytest.raises(ApiError, match=fragment) as caught:
        thinking.parse_config(config, MODELS[model], 4000)
    assert caught.value.status == 400


def test_display_defaults_come_from_the_model():
    assert (
        thinking.parse_config({"type": "adaptive"}, MODELS["sim-opus-4-7"], 4000).display
        == "omitted"
    )
    assert (
        thinking.parse_config({"type": "adaptive"}, MODELS["sim-sonnet-4-6"], 4000).display
        == "summarized"
    )

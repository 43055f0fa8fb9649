"""Glass-box controls: simulator-only knobs as labkit-* headers, checked before they are sent."""

from typing import Any

import anthropic
import pytest

import labkit
from labkit.glassbox import REQUEST_HEADERS, GlassBox, is_glassbox_header


def public_glassbox(**knobs: Any) -> dict[str, str]:
    """`labkit.glassbox(**knobs)`, the spelling notebooks use. The module labkit.glassbox is
    itself callable (labkit/glassbox.py makes its class _CallableModule), which mypy cannot see:
    to mypy the name is only a module, until `callable` narrows it."""
    assert callable(labkit.glassbox)
    headers: dict[str, str] = labkit.glassbox(**knobs)
    return headers


def test_headers_carry_each_knob():
    assert GlassBox(
        temperature=0, top_k=5, top_p=0.9, seed="task-1", batch_invariant=True
    ).headers() == {
        "labkit-temperature": "0.0",
        "labkit-top-k": "5",
        "labkit-top-p": "0.9",
        "labkit-seed": "task-1",
        "labkit-batch-invariant": "true",
    }
    assert public_glassbox() == {}


@pytest.mark.parametrize(
    ("knobs", "fragment"),
    [
        ({"temperature": 5}, "between 0 and 1"),
        ({"temperature": True}, "must be a number"),
        ({"top_k": 0}, "top_k"),
        ({"top_p": 0}, "top_p"),
        ({"seed": 3.7}, "whole number or a string"),
        ({"batch_invariant": True, "batch_size": 8}, "cannot be combined"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_bad_knobs_fail_before_any_request(knobs, fragment):
    with pytest.raises(ValueError, match=fragment):
        public_glassbox(**knobs)


def test_every_header_the_simulator_reads_is_in_its_namespace():
    assert all(is_glassbox_header(name) for name in REQUEST_HEADERS)
    assert not is_glassbox_header("anthropic-version")


def test_a_misspelt_knob_is_refused_not_ignored():
    with (
        labkit.client() as api,
        pytest.raises(anthropic.BadRequestError, match="labkit-temprature: not a simulator header"),
    ):
        api.messages.create(
            model="sim-haiku-4-5",
            max_tokens=5,
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"labkit-temprature": "0"},
        )


def test_numpy_numbers_are_numbers():
    import numpy as np

    assert public_glassbox(seed=np.int64(3), temperature=np.float32(0.5)) == {
        "labkit-temperature": "0.5",
        "labkit-seed": "3",
    }


def test_the_base_model_switch_is_a_glassbox_header_the_live_backend_drops():
    from labkit.glassbox import BASE_MODEL, live_notice

    assert public_glassbox(base_model=True) == {BASE_MODEL: "true"}
    assert BASE_MODEL in REQUEST_HEADERS and is_glassbox_header(BASE_MODEL)
    notice = live_notice(BASE_MODEL)
    assert notice is not None and "no base-model setting" in notice

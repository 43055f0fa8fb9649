"""Glass-box knobs: accepted as labkit-* headers and change sampling; refused in the body.

Sources: COMMON.md / DESIGN.md (knobs travel only as labkit-* headers; the real API ignores
unknown headers and refuses the knobs in the body, qiita Synthorai / codersera);
labkit/glassbox.py (header names).
"""

from __future__ import annotations

import re
from typing import Any

import anthropic
import pytest

from labkit.glassbox import glassbox
from tests.sim.fidelity._api import OPUS_47, SONNET_46, accepted, create, expect_api_error, user

PROMPT = [user("Write a two-line poem about the sea.")]


def _text(message: Any) -> str:
    return "".join(b.text for b in message.content if b.type == "text")


def test_glassbox_headers_accepted_on_opus_47(sdk: anthropic.Anthropic) -> None:
    """Even on Opus 4.7 (which refuses temperature everywhere) the header route is accepted."""
    accepted(
        lambda: create(
            sdk,
            model=OPUS_47,
            max_tokens=64,
            messages=PROMPT,
            extra_headers=glassbox(temperature=0.0),
        ),
        rule="labkit-* headers are ignored by the real API, so they never cause a 400",
    )


def test_temperature_zero_is_greedy_across_seeds(sdk: anthropic.Anthropic) -> None:
    """temperature 0 means greedy decoding (glassbox.py): the seed no longer matters."""
    texts = {
        _text(
            create(
                sdk,
                model=SONNET_46,
                max_tokens=64,
                messages=PROMPT,
                extra_headers=glassbox(temperature=0.0, seed=seed),
            )
        )
        for seed in range(4)
    }
    assert len(texts) == 1, f"greedy decoding gives one answer for every seed; got {texts}"


def test_temperature_one_varies_with_seed(sdk: anthropic.Anthropic) -> None:
    """At temperature 1 different seeds sample different answers: the knob changes sampling."""
    texts = {
        _text(
            create(
                sdk,
                model=SONNET_46,
                max_tokens=64,
                messages=PROMPT,
                extra_headers=glassbox(temperature=1.0, seed=seed),
            )
        )
        for seed in range(8)
    }
    assert len(texts) > 1, "temperature 1 with 8 seeds should not give one identical answer"


def test_same_seed_reproduces(sdk: anthropic.Anthropic) -> None:
    """A fixed labkit-seed reproduces the same sample (simulator determinism)."""
    headers = glassbox(temperature=1.0, seed=11)
    a, b = (
        _text(create(sdk, model=SONNET_46, max_tokens=64, messages=PROMPT, extra_headers=headers))
        for _ in range(2)
    )
    assert a == b


@pytest.mark.parametrize("field", ["temperature", "top_k", "top_p", "seed"])
def test_same_knobs_in_body_refused(sdk: anthropic.Anthropic, field: str) -> None:
    """The body route is refused exactly like the real API refuses it."""
    value = {"temperature": 0.0, "top_k": 1, "top_p": 0.5, "seed": 3}[field]
    expect_api_error(
        lambda: create(
            sdk, model=SONNET_46, max_tokens=16, messages=PROMPT, extra_body={field: value}
        ),
        400,
        "invalid_request_error",
        "^" + re.escape(f"{field}: Extra inputs are not permitted") + "$",
        f"`{field}` in the body is refused under 2026-10-21",
    )

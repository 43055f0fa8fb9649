"""Sampling knobs and unknown body fields, per API version and model.

Sources: qiita.com/Synthorai/items/01a0067e88747257a4e6 and codersera 2026-10-21 migration guide
(2026-10-21 refuses temperature/top_p/top_k even at defaults); TestPlanIt/testplanit#220 (Opus
4.7: "`temperature` is deprecated for this model."); skydiscover-ai/skydiscover#15 (Sonnet 4.5+ /
Haiku 4.5 refuse temperature with top_p). API_RULES.md section D.
"""

from __future__ import annotations

import re
from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import (
    ALL_MODELS,
    HAIKU_45,
    OLD,
    OPUS_47,
    SONNET_46,
    accepted,
    create,
    expect_api_error,
    hello,
)

KNOBS = [("temperature", 1.0), ("temperature", 0.0), ("top_p", 1.0), ("top_k", 5)]


@pytest.mark.parametrize("model", ALL_MODELS)
@pytest.mark.parametrize(("field", "value"), KNOBS)
def test_sampling_knob_refused_under_new_version(
    sdk: anthropic.Anthropic, model: str, field: str, value: Any
) -> None:
    """2026-10-21: '<field>: Extra inputs are not permitted', even at the default value."""
    expect_api_error(
        lambda: create(
            sdk, model=model, max_tokens=16, messages=hello(), extra_body={field: value}
        ),
        400,
        "invalid_request_error",
        "^" + re.escape(f"{field}: Extra inputs are not permitted") + "$",
        f"under 2026-10-21 `{field}` is not a request field",
    )


@pytest.mark.parametrize("field", ["seed", "frobnicate", "batch_invariant"])
def test_unknown_body_field_refused(sdk: anthropic.Anthropic, field: str) -> None:
    """Unknown top-level fields share the pydantic 'Extra inputs' shape (inferred; ambiguous)."""
    expect_api_error(
        lambda: create(
            sdk, model=SONNET_46, max_tokens=16, messages=hello(), extra_body={field: 1}
        ),
        400,
        "invalid_request_error",
        re.escape(f"{field}: Extra inputs are not permitted"),
        "unknown body fields are refused",
    )


@pytest.mark.parametrize(
    ("model", "knobs"),
    [
        (SONNET_46, {"temperature": 0.2}),
        (SONNET_46, {"top_k": 5}),
        (HAIKU_45, {"temperature": 0.7}),
        (HAIKU_45, {"top_p": 0.9}),
    ],
)
def test_old_version_accepts_knobs_on_older_models(
    sdk: anthropic.Anthropic, model: str, knobs: dict[str, Any]
) -> None:
    """2023-06-01: older models still accept sampling knobs (FACTS.md G; codersera)."""
    message = accepted(
        lambda: create(
            sdk, model=model, max_tokens=16, messages=hello(), extra_headers=OLD, extra_body=knobs
        ),
        rule=f"under 2023-06-01 {model} accepts {knobs}",
    )
    assert message.type == "message"


@pytest.mark.parametrize("version", [{}, OLD], ids=["2026-10-21", "2023-06-01"])
def test_opus_47_refuses_temperature_on_every_version(
    sdk: anthropic.Anthropic, version: dict[str, str]
) -> None:
    """Opus 4.7 refused temperature before 2026-10-21 existed (TestPlanIt/testplanit#220).
    Under 2026-10-21 the generic 'Extra inputs' message applies instead."""
    expected = (
        re.escape("`temperature` is deprecated for this model.")
        if version
        else re.escape("temperature: Extra inputs are not permitted")
    )
    expect_api_error(
        lambda: create(
            sdk,
            model=OPUS_47,
            max_tokens=16,
            messages=hello(),
            extra_headers=version,
            extra_body={"temperature": 0.0},
        ),
        400,
        "invalid_request_error",
        expected,
        "Opus 4.7 refuses temperature on every API version",
    )


@pytest.mark.parametrize("model", [SONNET_46, HAIKU_45])
def test_old_version_refuses_temperature_with_top_p(sdk: anthropic.Anthropic, model: str) -> None:
    """Sonnet 4.5+ and Haiku 4.5: 'cannot both be specified' (skydiscover#15, langfuse#9882)."""
    expect_api_error(
        lambda: create(
            sdk,
            model=model,
            max_tokens=16,
            messages=hello(),
            extra_headers=OLD,
            extra_body={"temperature": 0.5, "top_p": 0.9},
        ),
        400,
        "invalid_request_error",
        re.escape(
            "`temperature` and `top_p` cannot both be specified for this model. "
            "Please use only one."
        ),
        "temperature and top_p together are refused on Sonnet 4.5+/Haiku 4.5",
    )

"""output_config.effort: which models take it and which levels.

Sources: SDK OutputConfigParam (low|medium|high|xhigh|max) and EffortCapability; reported model
support: xhigh Opus 4.7+ (anthropics/claude-code#92387), max on 4.6+ Opus/Sonnet, no effort on
Haiku 4.5 (diegosouzapw/OmniRoute#4713). API_RULES.md section G.
"""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from tests.sim.fidelity._api import (
    HAIKU_45,
    OPUS_47,
    SONNET_46,
    accepted,
    create,
    expect_api_error,
    hello,
)

ADAPTIVE: dict[str, Any] = {"type": "adaptive"}


def _create(sdk: anthropic.Anthropic, model: str, effort: str, thinking: bool) -> Any:
    extra: dict[str, Any] = {"thinking": ADAPTIVE} if thinking else {}
    return create(
        sdk,
        model=model,
        max_tokens=2048,
        messages=hello(),
        output_config={"effort": effort},
        **extra,
    )


@pytest.mark.parametrize(
    ("model", "effort"),
    [
        (OPUS_47, "low"),
        (OPUS_47, "medium"),
        (OPUS_47, "high"),
        (OPUS_47, "xhigh"),
        (OPUS_47, "max"),
        (SONNET_46, "low"),
        (SONNET_46, "high"),
        (SONNET_46, "max"),
    ],
)
def test_supported_effort_levels_accepted(
    sdk: anthropic.Anthropic, model: str, effort: str
) -> None:
    """Opus 4.7 takes every level including xhigh; Sonnet 4.6 takes low..max without xhigh."""
    accepted(lambda: _create(sdk, model, effort, thinking=True), rule=f"{model} supports {effort}")


def test_xhigh_refused_on_sonnet_46(sdk: anthropic.Anthropic) -> None:
    """xhigh is Opus 4.7+ only; other models refuse it with a 400 naming the effort."""
    expect_api_error(
        lambda: _create(sdk, SONNET_46, "xhigh", thinking=True),
        400,
        "invalid_request_error",
        r"effort",
        "Sonnet 4.6 does not support effort xhigh",
    )


@pytest.mark.parametrize("effort", ["low", "high"])
def test_haiku_45_refuses_effort(sdk: anthropic.Anthropic, effort: str) -> None:
    """Haiku 4.5 has no effort parameter at all (OmniRoute#4713: 400 on any effort)."""
    expect_api_error(
        lambda: _create(sdk, HAIKU_45, effort, thinking=False),
        400,
        "invalid_request_error",
        r"effort",
        "Haiku 4.5 does not support output_config.effort",
    )


def test_unknown_effort_value_refused(sdk: anthropic.Anthropic) -> None:
    """Only low|medium|high|xhigh|max are valid values (SDK OutputConfigParam)."""
    expect_api_error(
        lambda: _create(sdk, OPUS_47, "ultra", thinking=True),
        400,
        "invalid_request_error",
        r"effort",
        "an effort value outside low|medium|high|xhigh|max is refused",
    )


@pytest.mark.parametrize("model", [OPUS_47, SONNET_46, HAIKU_45])
def test_models_api_effort_matches_behaviour(sdk: anthropic.Anthropic, model: str) -> None:
    """capabilities.effort (SDK EffortCapability) must agree with what requests accept."""
    info = sdk.models.retrieve(model)
    assert info.capabilities is not None, "docs: ModelInfo.capabilities keys are always present"
    effort = info.capabilities.effort
    xhigh = bool(effort.xhigh and effort.xhigh.supported)
    expected = {OPUS_47: (True, True), SONNET_46: (True, False), HAIKU_45: (False, False)}[model]
    assert (effort.supported, xhigh) == expected, (
        f"docs: {model} effort supported/xhigh should be {expected}, got {(effort.supported, xhigh)}"
    )

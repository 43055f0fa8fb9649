"""The simulated models. Their ids say `sim` so nobody mistakes a simulated number for Claude's."""

from __future__ import annotations

from dataclasses import dataclass

EFFORTS = ("low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True)
class SimModel:
    id: str
    display_name: str
    created_at: str
    skill: float  # coding ability on the task suite's difficulty scale (logit units)
    max_output_tokens: int
    context_window: int
    tokens_per_second: float  # simulated decoding speed
    time_to_first_token_ms: float
    default_effort: str = "high"


MODELS: dict[str, SimModel] = {
    m.id: m
    for m in (
        SimModel(
            id="sim-opus-4-7",
            display_name="Simulated Opus 4.7",
            created_at="2026-04-16T00:00:00Z",
            skill=2.4,
            max_output_tokens=64_000,
            context_window=200_000,
            tokens_per_second=55.0,
            time_to_first_token_ms=900.0,
            default_effort="xhigh",
        ),
        SimModel(
            id="sim-sonnet-4-6",
            display_name="Simulated Sonnet 4.6",
            created_at="2026-02-17T00:00:00Z",
            skill=1.8,
            max_output_tokens=64_000,
            context_window=200_000,
            tokens_per_second=80.0,
            time_to_first_token_ms=600.0,
        ),
        SimModel(
            id="sim-haiku-4-5",
            display_name="Simulated Haiku 4.5",
            created_at="2025-10-15T00:00:00Z",
            skill=0.9,
            max_output_tokens=32_000,
            context_window=200_000,
            tokens_per_second=150.0,
            time_to_first_token_ms=350.0,
        ),
    )
}
DEFAULT_MODEL = "sim-sonnet-4-6"

# What effort buys: extra skill (logit units), a multiplier on thinking length, and on latency.
EFFORT_SKILL = {"low": -0.9, "medium": -0.35, "high": 0.0, "xhigh": 0.25, "max": 0.4}
EFFORT_THINKING_WORDS = {"low": 12, "medium": 40, "high": 90, "xhigh": 150, "max": 220}
THINKING_SKILL = 0.35

"""The simulated models. Their ids say `sim` so nobody mistakes a simulated number for Claude's.

Each simulated model follows the API rules of one real model (`rules_of`): which thinking types,
effort levels and sampling knobs it takes, whether it accepts prefill, its context window, output
limit and minimum cacheable prompt. Validation and the Models API both read these fields, so
what `GET /v1/models` reports is exactly what a request is checked against.

Sources (see tests/sim/fidelity/API_RULES.md): the models overview and "what's new in Claude 4.6"
pages, the adaptive-thinking and effort pages, the prompt-caching page, and the SDK's
`ModelInfo`/`ModelCapabilities` types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EFFORTS = ("low", "medium", "high", "xhigh", "max")
THINKING_TYPES = ("enabled", "adaptive", "disabled", "between_tools")


@dataclass(frozen=True)
class SimModel:
    id: str
    display_name: str
    created_at: str
    rules_of: str  # the real model whose API rules this one follows
    line: str  # "opus", "sonnet", "haiku": the SDK's ModelInfo.line
    skill: float  # coding ability on the task suite's difficulty scale (logit units)
    max_output_tokens: int
    context_window: int
    tokens_per_second: float  # simulated decoding speed
    time_to_first_token_ms: float
    thinking_types: frozenset[str]  # thinking.type values the model accepts
    efforts: tuple[str, ...]  # output_config.effort levels; () = no effort parameter
    prefill: bool  # accepts a conversation that ends with an assistant turn
    legacy_sampling: bool  # temperature/top_p/top_k accepted under anthropic-version 2023-06-01
    min_cacheable_tokens: int
    default_effort: str = "high"
    deprecated_thinking_types: frozenset[str] = field(default_factory=frozenset)
    default_thinking_display: str = "summarized"

    def capabilities(self) -> dict[str, Any]:
        """The `capabilities` tree of the Models API (SDK type ModelCapabilities)."""

        def yes(flag: bool) -> dict[str, bool]:
            return {"supported": flag}

        effort: dict[str, Any] = {"supported": bool(self.efforts)}
        effort.update({level: yes(level in self.efforts) for level in EFFORTS})
        return {
            "batch": yes(True),
            "citations": yes(True),
            "code_execution": yes(False),
            "context_management": {"supported": False},
            "effort": effort,
            "image_input": yes(True),
            "pdf_input": yes(True),
            "server_tools": {"supported": False},
            "structured_outputs": yes(True),
            "thinking": {
                "supported": bool(self.thinking_types - {"disabled"}),
                "types": {kind: yes(kind in self.thinking_types) for kind in THINKING_TYPES},
            },
        }


MODELS: dict[str, SimModel] = {
    m.id: m
    for m in (
        SimModel(
            id="sim-opus-4-7",
            display_name="Simulated Opus 4.7",
            created_at="2026-04-16T00:00:00Z",
            rules_of="claude-opus-4-7",
            line="opus",
            skill=2.4,
            max_output_tokens=128_000,
            context_window=1_000_000,
            tokens_per_second=55.0,
            time_to_first_token_ms=900.0,
            # Opus 4.7 takes adaptive thinking only; `enabled` with a budget is a 400.
            thinking_types=frozenset({"adaptive", "disabled"}),
            efforts=EFFORTS,
            prefill=False,
            legacy_sampling=False,  # rejected temperature on every API version
            min_cacheable_tokens=2048,
            default_effort="xhigh",
            default_thinking_display="omitted",
        ),
        SimModel(
            id="sim-sonnet-4-6",
            display_name="Simulated Sonnet 4.6",
            created_at="2026-02-17T00:00:00Z",
            rules_of="claude-sonnet-4-6",
            line="sonnet",
            skill=1.8,
            max_output_tokens=64_000,
            context_window=1_000_000,
            tokens_per_second=80.0,
            time_to_first_token_ms=600.0,
            thinking_types=frozenset({"adaptive", "enabled", "disabled"}),
            deprecated_thinking_types=frozenset({"enabled"}),
            efforts=("low", "medium", "high", "max"),
            prefill=False,
            legacy_sampling=True,
            min_cacheable_tokens=1024,
        ),
        SimModel(
            id="sim-haiku-4-5",
            display_name="Simulated Haiku 4.5",
            created_at="2025-10-15T00:00:00Z",
            rules_of="claude-haiku-4-5",
            line="haiku",
            skill=0.9,
            max_output_tokens=64_000,
            context_window=200_000,
            tokens_per_second=150.0,
            time_to_first_token_ms=350.0,
            thinking_types=frozenset({"enabled", "disabled"}),
            efforts=(),
            prefill=True,
            legacy_sampling=True,
            min_cacheable_tokens=4096,
        ),
    )
}
DEFAULT_MODEL = "sim-sonnet-4-6"

# What effort buys: extra skill (logit units), a multiplier on thinking length, and on latency.
EFFORT_SKILL = {"low": -0.9, "medium": -0.35, "high": 0.0, "xhigh": 0.25, "max": 0.4}
EFFORT_THINKING_WORDS = {"low": 12, "medium": 40, "high": 90, "xhigh": 150, "max": 220}
THINKING_SKILL = 0.35


def model_info(model: SimModel) -> dict[str, Any]:
    """One model as `GET /v1/models/{id}` returns it (SDK type ModelInfo)."""
    return {
        "type": "model",
        "id": model.id,
        "display_name": model.display_name,
        "created_at": model.created_at,
        "lifecycle": "active",
        "deprecated_at": None,
        "retires_at": None,
        "line": model.line,
        "max_input_tokens": model.context_window,
        "max_tokens": model.max_output_tokens,
        "capabilities": model.capabilities(),
    }

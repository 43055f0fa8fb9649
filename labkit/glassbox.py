"""The simulator's glass-box controls: sampling knobs that only the simulator has.

Today's Claude API (version 2026-10-21) has no temperature, top-k, top-p, seed or batch-invariance
setting: it answers 400 to any of them in the request body. The course still needs them to show
what happens inside a model (lab 1, chapters 2-3), so the simulator reads them from `labkit-*`
request headers, a route the real API never looks at. This module builds those headers:

    client.messages.create(..., extra_headers=labkit.glassbox(temperature=0, seed=3))

or, for every request of one client, `labkit.client(glassbox=labkit.GlassBox(temperature=0))`.
On the live backend (`LABKIT_BACKEND=anthropic`) the client strips these headers before the
request leaves and says once, in one line, that the real API has no such setting.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from numbers import Integral, Real

HEADER_PREFIX = "labkit-"

# Header names, one per knob. Kept here so the simulator, the clients and the docs agree.
TEMPERATURE = "labkit-temperature"
TOP_K = "labkit-top-k"
TOP_P = "labkit-top-p"
SEED = "labkit-seed"
BATCH_INVARIANT = "labkit-batch-invariant"
BATCH_SIZE = "labkit-batch-size"
BASE_MODEL = "labkit-base-model"

# What a knob is called in a sentence, for the live backend's one-line notice.
KNOB_NAMES = {
    TEMPERATURE: "temperature",
    TOP_K: "top-k",
    TOP_P: "top-p",
    SEED: "seed",
    BATCH_INVARIANT: "batch invariance",
    BATCH_SIZE: "batch size",
    BASE_MODEL: "base-model",
}

# Simulated serving conditions, also read only by the simulator (never knobs a notebook turns to
# change sampling): the request's simulated time, user and session.
TIME = "labkit-time"
USER = "labkit-user"
SESSION = "labkit-session"
REQUEST_HEADERS = frozenset({*KNOB_NAMES, TIME, USER, SESSION})

TEMPERATURE_RANGE = (0.0, 1.0)  # the range the classic API accepted; 0 means greedy decoding


@dataclass(frozen=True)
class GlassBox:
    """Simulator-only sampling controls; `None` leaves the simulator's default."""

    temperature: float | None = None
    top_k: int | None = None
    top_p: float | None = None
    seed: int | str | None = None
    batch_invariant: bool | None = None
    batch_size: int | None = None
    # The small next-word model under the chat replies: it continues the text instead of
    # answering it, one sampled word at a time (next-token distributions, temperature-0 flips).
    base_model: bool | None = None

    def __post_init__(self) -> None:
        low, high = TEMPERATURE_RANGE
        for name in ("temperature", "top_p"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, Real)):
                raise ValueError(f"{name} must be a number, not {value!r}")
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, Integral | str)
        ):
            raise ValueError(f"seed must be a whole number or a string, not {self.seed!r}")
        if self.batch_invariant and self.batch_size is not None:
            raise ValueError(
                "batch_invariant=True fixes the reduction order; it cannot be combined with batch_size"
            )
        if self.temperature is not None and not low <= float(self.temperature) <= high:
            raise ValueError(
                f"temperature must be between {low:g} and {high:g} (the range the classic API "
                "accepted; the simulator's glass-box temperature keeps it)"
            )
        if self.top_k is not None and (isinstance(self.top_k, bool) or int(self.top_k) < 1):
            raise ValueError("top_k must be a whole number >= 1")
        if self.top_p is not None and not 0.0 < float(self.top_p) <= 1.0:
            raise ValueError("top_p must be in (0, 1]")
        if self.batch_size is not None and int(self.batch_size) < 1:
            raise ValueError("batch_size must be >= 1")

    def headers(self) -> dict[str, str]:
        """The `labkit-*` request headers that carry these settings."""
        out: dict[str, str] = {}
        if self.temperature is not None:
            out[TEMPERATURE] = repr(float(self.temperature))
        if self.top_k is not None:
            out[TOP_K] = str(int(self.top_k))
        if self.top_p is not None:
            out[TOP_P] = repr(float(self.top_p))
        if self.seed is not None:
            out[SEED] = self.seed if isinstance(self.seed, str) else str(int(self.seed))
        if self.batch_invariant is not None:
            out[BATCH_INVARIANT] = "true" if self.batch_invariant else "false"
        if self.batch_size is not None:
            out[BATCH_SIZE] = str(int(self.batch_size))
        if self.base_model is not None:
            out[BASE_MODEL] = "true" if self.base_model else "false"
        return out


def glassbox(
    *,
    temperature: float | None = None,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | str | None = None,
    batch_invariant: bool | None = None,
    batch_size: int | None = None,
    base_model: bool | None = None,
) -> dict[str, str]:
    """Headers for `extra_headers=`: simulator-only knobs the real API does not have.

    `base_model=True` sends the prompt to the simulator's next-word model, which continues the
    text word by word instead of answering it (chapter 2, lab 1); the real API has no base model.
    """
    return GlassBox(
        temperature, top_k, top_p, seed, batch_invariant, batch_size, base_model
    ).headers()


def is_glassbox_header(name: str) -> bool:
    """True for every header only the simulator reads (knobs, and simulated time, user, session)."""
    return name.lower().startswith(HEADER_PREFIX)


def live_notice(name: str) -> str | None:
    """The one-line notice the live backend prints when it drops knob header `name`.

    None for the other `labkit-*` headers (time, user, session): they change no setting a user
    might expect the real API to honour, so dropping them needs no word.
    """
    knob = KNOB_NAMES.get(name.lower())
    if knob is None:
        return None
    return (
        f"labkit: the real Claude API has no {knob} setting; {name.lower()} is used only by the "
        "simulator and was not sent."
    )


class _CallableModule(types.ModuleType):
    """`labkit.glassbox(...)` reads better in a notebook than `labkit.glassbox.glassbox(...)`.

    The module is both the namespace (`from labkit.glassbox import GlassBox`) and the function.
    """

    __call__ = staticmethod(glassbox)


sys.modules[__name__].__class__ = _CallableModule

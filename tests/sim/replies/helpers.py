"""Helpers shared by the reply tests: conversation turns and one composed reply."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from labkit.sim.replies import Replier, Setting
from labkit.sim.replies.compose import Composition
from labkit.sim.replies.report import setting_for

Message = dict[str, Any]

DEFAULT_MODEL = "sim-sonnet-4-6"
DEFAULT_EFFORT = "medium"


def user(text: str) -> Message:
    return {"role": "user", "content": text}


def assistant(text: str) -> Message:
    return {"role": "assistant", "content": text}


def reply(
    replier: Replier,
    conversation: str | Sequence[Message],
    *,
    model: str | None = None,
    effort: str | None = None,
    temperature: float | None = None,
    setting: Setting | None = None,
    seed: int = 0,
) -> Composition:
    """The replier's answer to a prompt (one user turn) or to a whole conversation.

    Model, effort and temperature build the setting (sim-sonnet-4-6, medium, 1.0 unless given);
    a test that needs more than those passes `setting` itself, and then may not pass them too.
    """
    if setting is None:
        setting = setting_for(
            DEFAULT_MODEL if model is None else model,
            DEFAULT_EFFORT if effort is None else effort,
            temperature=1.0 if temperature is None else temperature,
        )
    elif model is not None or effort is not None or temperature is not None:
        # Silently ignoring them would let a test believe it ran at a setting it did not.
        raise TypeError("pass either a setting or model/effort/temperature, not both")
    messages = [user(conversation)] if isinstance(conversation, str) else conversation
    reading = replier.read(messages)
    return replier.reply(reading, setting, np.random.default_rng(seed))

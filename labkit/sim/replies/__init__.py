"""The simulated model's replies: a conversation read, and an answer composed from the bank.

    replier = Replier()                     # the bank in datasets/replies, loaded once
    reading = replier.read(messages)        # topic, subject, follow-up, style
    composition = replier.reply(reading, setting, rng)

The engine (labkit/sim/engine.py) calls these for every `POST /v1/messages` text reply; the
token-level n-gram model stays for the glass-box base-model route (`labkit-base-model`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from labkit.sim.catalog import EFFORT_THINKING_WORDS
from labkit.sim.replies.bank import Bank, BankError, load_bank
from labkit.sim.replies.compose import (
    Composition,
    Setting,
    compose_line,
    compose_lines,
    compose_note,
    compose_text,
    corrupt,
    ends_a_sentence,
)
from labkit.sim.replies.intent import Reading, read

READ_CACHE_SIZE = 4096

__all__ = [
    "Bank",
    "BankError",
    "Composition",
    "Reading",
    "Replier",
    "Setting",
    "corrupt",
    "ends_a_sentence",
    "user_turns",
]


def _texts(content: Any) -> list[str]:
    if isinstance(content, str):
        return [content]
    return [
        str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("type") == "text"
    ]


def user_turns(messages: Sequence[dict[str, Any]]) -> list[str]:
    """The text of each user turn, oldest first (tool results are not the user speaking)."""
    return [" ".join(_texts(m["content"])).strip() for m in messages if m["role"] == "user"]


def conversation(messages: Sequence[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The user's turns that say something, and after each the assistant's text that followed.

    Turns that only carry tool results are skipped: they are not the user speaking.
    """
    turns: list[str] = []
    answers: list[str] = []
    for message in messages:
        text = " ".join(_texts(message["content"])).strip()
        if message["role"] == "user" and text:
            turns.append(text)
            answers.append("")
        elif message["role"] == "assistant" and turns and text:
            answers[-1] = (answers[-1] + " " + text).strip()
    return turns, answers[: max(len(turns) - 1, 0)]


def last_turn_is_tool_result(messages: Sequence[dict[str, Any]]) -> bool:
    if not messages or messages[-1]["role"] != "user":
        return False
    content = messages[-1]["content"]
    return not isinstance(content, str) and any(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in content
    )


def last_tool_failed(messages: Sequence[dict[str, Any]]) -> bool:
    """True when the latest tool result reports an error or failing tests."""
    if not last_turn_is_tool_result(messages):
        return False
    for block in messages[-1]["content"]:
        if isinstance(block, dict) and block.get("type") == "tool_result":
            if block.get("is_error"):
                return True
            text = str(block.get("content", "")).lower()
            if "failed" in text or "error" in text:
                return True
    return False


class Replier:
    """Reads conversations and composes replies from one bank."""

    def __init__(self, bank: Bank | None = None) -> None:
        self.bank = bank if bank is not None else load_bank()
        # Experiments send the same conversation again and again: read each one once.
        self._read = functools.lru_cache(maxsize=READ_CACHE_SIZE)(self._read_turns)

    def read(self, messages: Sequence[dict[str, Any]]) -> Reading:
        turns, answers = conversation(messages)
        return self._read(tuple(turns or [""]), tuple(answers))

    def _read_turns(self, turns: tuple[str, ...], answers: tuple[str, ...]) -> Reading:
        return read(self.bank, turns, answers)

    def reply(self, reading: Reading, setting: Setting, rng: np.random.Generator) -> Composition:
        return compose_text(self.bank, reading, setting, rng)

    def thinking(
        self, reading: Reading, setting: Setting, rng: np.random.Generator, limit: int | None
    ) -> str:
        """Reasoning before the answer: the topic's lines, then general ones, about effort words."""
        topic = self.bank.topics.get(reading.topic)
        lines = [*(topic.thinking if topic else ()), *self.bank.thinking]
        words = EFFORT_THINKING_WORDS.get(setting.effort, 40)
        if limit is not None:
            words = min(words, limit)
        subject = reading.subject or (topic.subject_default if topic else "this")
        return compose_lines(lines, f"thinking/{reading.topic}", words, subject, setting, rng)

    def note(
        self, tool: str, setting: Setting, after_failure: bool, rng: np.random.Generator
    ) -> str:
        return compose_note(self.bank, tool, setting, after_failure, rng)

    def final(self, setting: Setting, rng: np.random.Generator) -> str:
        """An agent's closing words after its last tool result."""
        return compose_line(self.bank.final, "final", setting, rng)

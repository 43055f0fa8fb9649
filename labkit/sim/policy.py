"""How the simulated model acts as a coding agent: which tool it calls next, and with what code.

The model's one real decision is which candidate solution to write. It is a categorical choice
over the task's bank of candidates, sampled with the same softmax, temperature, top-k and top-p
as text tokens, from logits that depend on the model's skill (effort, thinking, the serving pool)
and on the task's difficulty. The candidate's code is real; whether it passes is decided by
really running the task's tests, on the agent's side.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labkit.sim.faults import unit_hash
from labkit.sim.sampling import SamplingParams, select_token
from labkit.sim.validation import MessagesRequest

TASK_MARKER = re.compile(r"Task id: ([A-Za-z0-9_]+)")
CODING_TOOLS = frozenset({"write_solution", "run_tests", "submit"})

# Habits that differ by effort: skipping the tests, and trying again after a failure.
SKIP_TESTS = {"low": 0.3, "medium": 0.12, "high": 0.04, "xhigh": 0.02, "max": 0.01}
RETRY_AFTER_FAILURE = {"low": 0.45, "medium": 0.7, "high": 0.85, "xhigh": 0.9, "max": 0.95}
REPEAT_WHEN_FORGETTING = 0.3  # the Mar 2026 symptom: repeated tool calls
FEEDBACK_BONUS = 0.6  # a failing test tells the model something
AVOID_FAILED = 3.0
CORRUPT_MARKS = ("ก", "中", "的", "ที่")


@dataclass(frozen=True)
class ToolCall:
    name: str
    input: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    name: str
    input: dict[str, Any]
    is_error: bool | None  # None: no result yet


def history(messages: Iterable[dict[str, Any]]) -> list[Step]:
    """The tool calls made so far, in order, with whether each result was an error."""
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    order: list[str] = []
    results: dict[str, bool] = {}
    for message in messages:
        for block in message["content"]:
            if block.get("type") == "tool_use":
                calls[str(block["id"])] = (str(block["name"]), dict(block.get("input") or {}))
                order.append(str(block["id"]))
            elif block.get("type") == "tool_result":
                results[str(block["tool_use_id"])] = bool(block.get("is_error", False))
    return [Step(calls[i][0], calls[i][1], results.get(i)) for i in order]


def candidate_logits(
    kinds: list[str], names: list[str], task_id: str, difficulty: float, skill: float
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Correct candidates rise with skill and fall with difficulty; wrong ones share the rest."""
    wrong = max(1, sum(k != "correct" for k in kinds))
    logits = []
    for kind, name in zip(kinds, names, strict=True):
        if kind == "correct":
            logits.append(skill + 1.5 - 4.0 * difficulty)
        else:
            appeal = unit_hash("appeal", task_id, name) - 0.5  # some mistakes are more tempting
            logits.append(-math.log(wrong) + appeal)
    return np.array(logits)


class CodingPolicy:
    def __init__(self) -> None:
        self._tasks: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def _task(self, request: MessagesRequest) -> Any:
        first = request.messages[0]["content"]
        text = " ".join(b.get("text", "") for b in first if b.get("type") == "text")
        found = TASK_MARKER.search(text)
        if not found:
            return None
        with self._lock:
            if self._tasks is None:
                from labkit.tasks import load_suite  # deferred: only agents need the suite

                self._tasks = {t.id: t for t in load_suite()}
        return self._tasks.get(found.group(1))

    def next_calls(
        self,
        request: MessagesRequest,
        rng: np.random.Generator,
        *,
        skill: float,
        effort: str,
        params: SamplingParams,
        forget: bool,
        corrupt: bool,
        drop_top_rate: float,
    ) -> list[ToolCall]:
        """The tool calls of the next reply: none, one, or several independent ones."""
        names = {t["name"] for t in request.tools}
        task = self._task(request) if names >= CODING_TOOLS else None
        if task is None:
            return _generic_calls(request, rng)
        call = self._coding_call(
            task, request, rng, skill, effort, params, forget, corrupt, drop_top_rate
        )
        return [] if call is None else [call]

    def _coding_call(
        self,
        task: Any,
        request: MessagesRequest,
        rng: np.random.Generator,
        skill: float,
        effort: str,
        params: SamplingParams,
        forget: bool,
        corrupt: bool,
        drop_top_rate: float,
    ) -> ToolCall | None:
        """The coding agent's next call on its task: write, test, retry or submit."""
        steps = history(request.messages)
        if forget and steps:
            # Older thinking is gone: the model only knows the latest exchange.
            steps = steps[-1:]
            if rng.random() < REPEAT_WHEN_FORGETTING:
                return ToolCall(steps[-1].name, steps[-1].input)
        last = steps[-1] if steps else None
        if last is None or last.name == "submit":
            return self._write(task, steps, rng, skill, params, corrupt, drop_top_rate)
        if last.name == "write_solution":
            if rng.random() < SKIP_TESTS[effort]:
                return ToolCall("submit", {})
            return ToolCall("run_tests", {})
        if last.is_error and rng.random() < RETRY_AFTER_FAILURE[effort]:
            return self._write(task, steps, rng, skill, params, corrupt, drop_top_rate)
        return ToolCall("submit", {})

    def _write(
        self,
        task: Any,
        steps: list[Step],
        rng: np.random.Generator,
        skill: float,
        params: SamplingParams,
        corrupt: bool,
        drop_top_rate: float,
    ) -> ToolCall:
        candidates = list(task.candidates)
        failed_codes = _failed_codes(steps)
        logits = candidate_logits(
            [c.kind for c in candidates],
            [c.name for c in candidates],
            task.id,
            task.difficulty,
            skill + (FEEDBACK_BONUS if failed_codes else 0.0),
        )
        for i, candidate in enumerate(candidates):
            if candidate.code in failed_codes:
                logits[i] -= AVOID_FAILED
        drop = drop_top_rate > 0 and rng.random() < drop_top_rate
        chosen = candidates[select_token(logits, params, rng, drop_top_token=drop)]
        code = _corrupt(chosen.code, rng) if corrupt else chosen.code
        return ToolCall("write_solution", {"code": code})


def _failed_codes(steps: list[Step]) -> set[str]:
    failed: set[str] = set()
    code: str | None = None
    for step in steps:
        if step.name == "write_solution":
            code = str(step.input.get("code", ""))
        elif step.name == "run_tests" and step.is_error and code is not None:
            failed.add(code)
    return failed


def _corrupt(code: str, rng: np.random.Generator) -> str:
    """Aug 2025 bug 2: a token that should be rare appears in the middle of code."""
    lines = code.split("\n")
    targets = [
        i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")
    ]
    i = int(rng.choice(targets)) if targets else 0
    mark = str(rng.choice(CORRUPT_MARKS))
    lines[i] = f"{lines[i]} {mark}"
    return "\n".join(lines)


PARALLEL_RATE = 0.4  # how often an unforced reply calls more than one independent tool


def _generic_calls(request: MessagesRequest, rng: np.random.Generator) -> list[ToolCall]:
    """Outside the coding harness: call tools when told to, sometimes when allowed to.

    Unrelated tools are independent, so the model may call several in one reply (parallel tool
    use), unless the request sets `disable_parallel_tool_use`.
    """
    choice = request.tool_choice or {"type": "auto"}
    tools = request.tools
    asked = _tools_asked_for(request, tools)
    if choice["type"] == "tool":
        chosen = [next(t for t in tools if t["name"] == choice["name"])]
    elif asked:  # the prompt names what it wants done: do it
        chosen = asked if not request.disable_parallel_tool_use else asked[:1]
    elif choice["type"] == "any" or rng.random() < 0.5:
        chosen = [tools[int(rng.integers(len(tools)))]]
    else:
        return []
    if (
        len(tools) > 1
        and len(chosen) == 1
        and not asked
        and not request.disable_parallel_tool_use
        and rng.random() < PARALLEL_RATE
    ):
        others = [t for t in tools if t is not chosen[0]]
        extra = int(rng.integers(1, min(2, len(others)) + 1))
        picks = rng.choice(len(others), size=extra, replace=False)
        chosen += [others[int(i)] for i in sorted(picks)]
    words = _prompt_words(request)
    return [ToolCall(str(tool["name"]), _arguments(tool, rng, words)) for tool in chosen]


_GENERIC_TOOL_WORDS = frozenset(
    [
        "get",
        "set",
        "run",
        "do",
        "make",
        "list",
        "fetch",
        "create",
        "update",
        "delete",
        "read",
        "write",
        "call",
        "use",
        "tool",
        "api",
    ]
)


def _tools_asked_for(request: MessagesRequest, tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tools the last user turn asks for: independent calls the model should make.

    A tool is asked for when the turn names it ("get_weather" or "get weather"), names what it
    is about (the distinctive words of its name: "weather"), or says "use the tool" when there
    is only one. Only a fresh request counts: once results came back, the model answers instead
    of calling the same tools again.
    """
    last = request.messages[-1]
    if last["role"] != "user" or any(b.get("type") == "tool_result" for b in last["content"]):
        return []
    text = " ".join(str(b.get("text", "")) for b in last["content"] if b.get("type") == "text")
    lowered = text.lower()
    words = set(re.findall(r"[a-z0-9]+", lowered))

    def asked(tool: dict[str, Any]) -> bool:
        name = str(tool["name"]).lower()
        if name in lowered or name.replace("_", " ") in lowered:
            return True
        distinctive = set(re.findall(r"[a-z0-9]+", name.replace("_", " "))) - _GENERIC_TOOL_WORDS
        return bool(distinctive) and distinctive <= words

    chosen = [t for t in tools if asked(t)]
    if not chosen and len(tools) == 1 and re.search(r"\buse (the|your|a) tool\b", lowered):
        chosen = list(tools)
    return chosen


def _prompt_words(request: MessagesRequest) -> list[str]:
    """Content words of the last user text: what string arguments are made of."""
    for message in reversed(request.messages):
        if message["role"] == "user":
            text = " ".join(
                str(b.get("text", "")) for b in message["content"] if b.get("type") == "text"
            )
            return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9'-]*", text) if len(w) > 2]
    return []


def _arguments(tool: dict[str, Any], rng: np.random.Generator, words: list[str]) -> dict[str, Any]:
    """Arguments that match the tool's input schema (strict tools must; others do too here)."""
    from labkit.sim import structured  # deferred: schema generation is only needed here

    def phrase(n: int) -> str:
        if not words:
            return "example"
        start = int(rng.integers(len(words)))
        return " ".join(words[start : start + max(1, n)])

    schema = tool.get("input_schema") or {"type": "object"}
    value = structured.generate(schema, rng, phrase)
    return value if isinstance(value, dict) else {}

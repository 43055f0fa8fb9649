"""A small tool-using coding agent over the Anthropic SDK, and `run_suite` to measure it.

The loop is the one real coding agents run: send the task with tools, execute the tool the model
calls, send the result back, until the model submits or the turn budget runs out. The tests really
run (labkit.sandbox), so a run's success is a fact about the code the model chose, not a number
the simulator made up.
"""

from __future__ import annotations

import json
import threading
import time as wallclock
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

import anthropic
import pandas as pd
from anthropic.types import CacheControlEphemeralParam
from tqdm.auto import tqdm

from labkit.clients import client as make_client
from labkit.sandbox import run_tests
from labkit.sim.catalog import DEFAULT_MODEL
from labkit.tasks import Task, load_suite

# A harness prompt as long as a real coding agent's (~4,700 tokens): long enough that prompt
# caching pays, so that caching faults (the Mar 2026 thinking bug) show as real cache misses.
SYSTEM_PROMPT = (
    resources.files("labkit").joinpath("data/agent_system_prompt.md").read_text(encoding="utf-8")
)
TOOLS: list[dict[str, Any]] = [
    {
        "name": "write_solution",
        "description": "Write the whole of solution.py (replaces any earlier version).",
        "input_schema": {
            "type": "object",
            "properties": {"code": {"type": "string", "description": "Python source code"}},
            "required": ["code"],
        },
    },
    {
        "name": "run_tests",
        "description": "Run the task's tests against solution.py and report the results.",
        "input_schema": {"type": "object", "properties": {}},
    },
    {
        "name": "submit",
        "description": "Submit solution.py as your final answer. Ends the task.",
        "input_schema": {
            "type": "object",
            "properties": {"summary": {"type": "string"}},
        },
    },
]
# Every task's tests take well under 100 ms; anything slower is a hang, so stop it early.
TEST_TIMEOUT_S = 2.0
RECORD_COLUMNS = [
    "task", "epoch", "seed", "model", "effort", "thinking", "success", "submitted", "turns",
    "tool_calls", "repeated_tool_calls", "tests_run", "input_tokens", "output_tokens",
    "cache_read_tokens", "thinking_chars", "latency_ms", "stop_reason", "error",
]  # fmt: skip


@dataclass
class RunRecord:
    """One attempt of the agent at one task: the unit students analyse."""

    task: str
    epoch: int
    seed: int
    model: str
    effort: str
    thinking: bool
    success: bool = False
    submitted: bool = False
    turns: int = 0
    tool_calls: int = 0
    repeated_tool_calls: int = 0
    tests_run: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    thinking_chars: int = 0
    latency_ms: float = 0.0
    stop_reason: str = ""
    error: str = ""
    transcript: list[dict[str, Any]] = field(default_factory=list, repr=False)


def task_prompt(task: Task) -> str:
    return f"Task id: {task.id}\n\n{task.statement.strip()}\n\nThe tests call `{task.entry_point}`."


# Automatic prompt caching: the breakpoint follows the end of the growing conversation.
AUTOMATIC_CACHING: CacheControlEphemeralParam = {"type": "ephemeral"}
_CAPABILITIES: dict[tuple[int, str], Any] = {}
_CAPABILITIES_LOCK = threading.Lock()


def thinking_config(api: anthropic.Anthropic, model: str, max_tokens: int) -> dict[str, Any]:
    """The thinking setting this model takes, read from the Models API as real code must.

    Models of the 4.6 generation and later take adaptive thinking (Opus 4.7 takes nothing
    else); older ones take manual thinking with a token budget below `max_tokens`.
    """
    key = (id(api), model)
    with _CAPABILITIES_LOCK:
        capabilities = _CAPABILITIES.get(key)
    if capabilities is None:
        capabilities = api.models.retrieve(model).capabilities
        with _CAPABILITIES_LOCK:
            _CAPABILITIES[key] = capabilities
    types = capabilities.thinking.types if capabilities is not None else None
    if types is None or types.adaptive.supported:
        return {"type": "adaptive"}
    if types.enabled.supported and max_tokens > 1024:
        return {"type": "enabled", "budget_tokens": max(1024, max_tokens // 2)}
    raise ValueError(f"{model} does not support extended thinking with max_tokens={max_tokens}")


def run_task(
    api: anthropic.Anthropic,
    task: Task,
    *,
    epoch: int = 0,
    seed: int = 0,
    model: str = DEFAULT_MODEL,
    effort: str | None = "high",
    thinking: bool = False,
    max_turns: int = 8,
    max_tokens: int = 4096,
    user_id: str | None = None,
    when: datetime | str | None = None,
    keep_transcript: bool = False,
) -> RunRecord:
    """Run the agent once on one task; never raises for API or code errors (they are recorded)."""
    record = RunRecord(task.id, epoch, seed, model, effort or "default", thinking)
    messages: list[dict[str, Any]] = [{"role": "user", "content": task_prompt(task)}]
    code: str | None = None
    previous_call: tuple[str, str] | None = None
    session = f"{seed}-{task.id}-{epoch}"
    headers = {"labkit-session": session}
    if when is not None:
        headers["labkit-time"] = when if isinstance(when, str) else when.isoformat()
    options: dict[str, Any] = {}
    if effort is not None:
        options["output_config"] = {"effort": effort}
    if thinking:
        options["thinking"] = thinking_config(api, model, max_tokens)
    if user_id is not None:
        options["metadata"] = {"user_id": user_id}
    try:
        while record.turns < max_turns:
            record.turns += 1
            started = wallclock.perf_counter()
            raw = api.messages.with_raw_response.create(
                model=model,
                max_tokens=max_tokens,
                system=SYSTEM_PROMPT,
                tools=TOOLS,  # type: ignore[arg-type]
                messages=messages,  # type: ignore[arg-type]
                extra_headers={
                    **headers,
                    "labkit-seed": f"{seed}:{task.id}:{epoch}:{record.turns}",
                },
                cache_control=AUTOMATIC_CACHING,
                **options,
            )
            response = raw.parse()
            simulated = raw.headers.get("labkit-simulated-latency-ms")
            record.latency_ms += (
                float(simulated) if simulated else 1000 * (wallclock.perf_counter() - started)
            )
            usage = response.usage
            record.input_tokens += usage.input_tokens + (usage.cache_creation_input_tokens or 0)
            record.input_tokens += usage.cache_read_input_tokens or 0
            record.cache_read_tokens += usage.cache_read_input_tokens or 0
            record.output_tokens += usage.output_tokens
            blocks: list[dict[str, Any]] = [block.to_dict() for block in response.content]
            record.thinking_chars += sum(len(str(b.get("thinking", ""))) for b in blocks)
            messages.append({"role": "assistant", "content": blocks})
            calls = [b for b in blocks if b["type"] == "tool_use"]
            if not calls:
                record.stop_reason = response.stop_reason or "end_turn"
                break
            results = []
            for call in calls:
                record.tool_calls += 1
                signature = (str(call["name"]), json.dumps(call["input"], sort_keys=True))
                record.repeated_tool_calls += int(signature == previous_call)
                previous_call = signature
                content, is_error, code = _execute(call, task, code, record)
                results.append(
                    {
                        "type": "tool_result",
                        "tool_use_id": call["id"],
                        "content": content,
                        "is_error": is_error,
                    }
                )
            messages.append({"role": "user", "content": results})
            if record.submitted:
                record.stop_reason = "submitted"
                break
        else:
            record.stop_reason = "turn_budget"
    except anthropic.APIError as error:
        record.stop_reason = "api_error"
        record.error = f"{type(error).__name__}: {error}"
    if record.submitted and code is not None:
        record.success = run_tests(code, task.test_code, timeout_s=TEST_TIMEOUT_S).ok
    if keep_transcript:
        record.transcript = messages
    return record


def _execute(
    call: dict[str, Any], task: Task, code: str | None, record: RunRecord
) -> tuple[str, bool, str | None]:
    name = call["name"]
    if name == "write_solution":
        new_code = str(call["input"].get("code", ""))
        return f"Wrote solution.py ({new_code.count(chr(10)) + 1} lines).", False, new_code
    if name == "run_tests":
        if code is None:
            return "No solution.py yet: call write_solution first.", True, code
        record.tests_run += 1
        outcome = run_tests(code, task.test_code, timeout_s=TEST_TIMEOUT_S)
        return outcome.summary(), not outcome.ok, code
    if name == "submit":
        record.submitted = True
        return "Submitted.", False, code
    return f"Unknown tool {name!r}.", True, code


def _resolve(tasks: Iterable[Task | str] | None) -> list[Task]:
    if tasks is None:
        return load_suite()
    items = list(tasks)
    wanted = [t for t in items if isinstance(t, str)]
    by_id = {t.id: t for t in load_suite(ids=wanted)} if wanted else {}
    return [by_id[t] if isinstance(t, str) else t for t in items]


def run_suite(
    tasks: Iterable[Task | str] | None = None,
    epochs: int = 1,
    *,
    effort: str | None = "high",
    seed: int = 0,
    model: str = DEFAULT_MODEL,
    thinking: bool = False,
    concurrency: int = 2,
    api: anthropic.Anthropic | None = None,
    faults: Any = None,
    max_turns: int = 8,
    when: datetime | str | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Run every task `epochs` times; one row per run, sorted by task and epoch.

    Deterministic for a given seed whatever the concurrency: every request carries its own seed.
    Pass `api=` to use your own client (for example the real API); otherwise a simulator client
    with `seed` and `faults` is made.
    """
    suite = _resolve(tasks)
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    api = api or make_client(seed=seed, faults=faults)
    jobs: Sequence[tuple[Task, int]] = [(t, e) for t in suite for e in range(epochs)]

    def one(job: tuple[Task, int]) -> RunRecord:
        task, epoch = job
        return run_task(
            api, task, epoch=epoch, seed=seed, model=model, effort=effort,
            thinking=thinking, max_turns=max_turns, when=when,
        )  # fmt: skip

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        records = list(
            tqdm(
                pool.map(one, jobs), total=len(jobs), disable=not progress, desc=f"runs ({effort})"
            )
        )
    frame = pd.DataFrame(
        [{k: v for k, v in asdict(r).items() if k != "transcript"} for r in records]
    )
    return frame[RECORD_COLUMNS].sort_values(["task", "epoch"], ignore_index=True)

"""The simulated model: turns a validated request into a response message.

Everything random is drawn from a generator seeded by the simulator seed and either the request's
own seed (the `seed` body field or the `labkit-seed` header) or the request's content and how many
times that same content was seen before. So the same seed and the same requests give the same
responses, in any order, in any process.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from labkit.sim import lm
from labkit.sim.catalog import EFFORT_SKILL, EFFORT_THINKING_WORDS, THINKING_SKILL
from labkit.sim.errors import ApiError
from labkit.sim.faults import (
    BREVITY_INSTRUCTION,
    Fault,
    as_faults,
    misrouted,
    parse_time,
    unit_hash,
)
from labkit.sim.policy import CodingPolicy, ToolCall
from labkit.sim.sampling import SamplingParams
from labkit.sim.validation import MessagesRequest

MISROUTED_SKILL_PENALTY = 1.6
BREVITY_SKILL_PENALTY = 0.15
FOREIGN_BOOST = 17.0  # tuned: about a quarter of corrupted replies show foreign script
BRIEF_TEXT_WORDS = 25
BRIEF_FINAL_WORDS = 100
# A note before each tool call: terse at low effort, more deliberate at high effort.
EFFORT_PREAMBLE_WORDS = {"low": 8, "medium": 14, "high": 20, "xhigh": 26, "max": 32}
# How long a final answer runs at each effort (words, before random variation).
EFFORT_TEXT_WORDS = {"low": 30, "medium": 60, "high": 100, "xhigh": 140, "max": 180}


def count_tokens(text: str) -> int:
    """About four characters a token, as for English text in real tokenizers."""
    return max(1, (len(text) + 3) // 4)


@dataclass
class Conditions:
    """What the serving stack did to this request: the hidden state of the incident."""

    effort: str
    pool: str
    batch_size: int
    corrupted: bool
    drop_top_rate: float
    thinking_dropped: bool
    brevity: bool

    def headers(self, latency_ms: float) -> dict[str, str]:
        return {
            "labkit-simulated-latency-ms": f"{latency_ms:.1f}",
            "labkit-effort": self.effort,
            "labkit-pool": self.pool,
            "labkit-batch-size": str(self.batch_size),
        }


class Simulator:
    """A seeded simulated model server; thread-safe."""

    def __init__(self, seed: int = 0, faults: Any = None) -> None:
        self.seed = int(seed)
        self.faults: tuple[Fault, ...] = as_faults(faults)
        self.model = lm.load()
        self.policy = CodingPolicy()
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    # -- randomness ------------------------------------------------------------------------
    def _rng(
        self, body: dict[str, Any], request: MessagesRequest, headers: dict[str, str]
    ) -> np.random.Generator:
        retry = headers.get("x-stainless-retry-count", "0")
        explicit = request.seed if request.seed is not None else headers.get("labkit-seed")
        material: tuple[object, ...]
        if explicit is not None:
            material = ("seed", self.seed, str(explicit), retry)
        else:
            canonical = json.dumps({k: v for k, v in body.items() if k != "stream"}, sort_keys=True)
            digest = hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()
            with self._lock:
                occurrence = self._seen[digest]
                self._seen[digest] += 1
            material = ("content", self.seed, digest, occurrence)
        key = hashlib.blake2b(repr(material).encode(), digest_size=16).digest()
        return np.random.default_rng(int.from_bytes(key, "big"))

    # -- the serving stack -----------------------------------------------------------------
    def _conditions(
        self, request: MessagesRequest, headers: dict[str, str], rng: np.random.Generator
    ) -> Conditions:
        when = parse_time(headers["labkit-time"]) if headers.get("labkit-time") else None
        model = request.model.id
        active = [f for f in self.faults if f.active(when, model)]
        rates = {f.kind: max(g.rate for g in active if g.kind == f.kind) for f in active}
        for kind, status in (("rate_limit", 429), ("overloaded", 529)):
            if kind in rates and rng.random() < rates[kind]:
                message = "Rate limited. Please try again later." if status == 429 else "Overloaded"
                raise ApiError(
                    status, message, headers={"retry-after": "1", "retry-after-ms": "20"}
                )
        effort = request.effort or request.model.default_effort
        if request.effort is None and "low_default_effort" in rates:
            effort = "medium"
        user = request.user_id or headers.get("labkit-user") or f"anon-{rng.integers(1 << 62)}"
        session = headers.get("labkit-session") or user
        batch_size = 1 if request.batch_invariant else int(rng.choice(lm.BATCH_SIZES))
        return Conditions(
            effort=effort,
            pool="long-context" if misrouted(active, self.seed, user, when, model) else "standard",
            batch_size=batch_size,
            corrupted="output_corruption" in rates and rng.random() < rates["output_corruption"],
            drop_top_rate=rates.get("approx_topk", 0.0),
            thinking_dropped="thinking_dropped" in rates
            and unit_hash("idle", self.seed, session) < rates["thinking_dropped"],
            brevity="brevity_prompt" in rates,
        )

    # -- generation ------------------------------------------------------------------------
    def _sampling(self, request: MessagesRequest) -> SamplingParams:
        return SamplingParams(
            temperature=1.0 if request.temperature is None else request.temperature,
            top_k=request.top_k,
            top_p=request.top_p,
        )

    def _words(
        self,
        prompt: str,
        limit: int,
        request: MessagesRequest,
        cond: Conditions,
        rng: np.random.Generator,
    ) -> tuple[list[str], str]:
        return self.model.generate(
            self.model.encode_tail(prompt),
            limit,
            self._sampling(request),
            rng,
            batch_size=cond.batch_size,
            foreign_boost=FOREIGN_BOOST if cond.corrupted else 0.0,
            drop_top_rate=cond.drop_top_rate,
        )

    def _paragraphs(
        self,
        prompt: str,
        target: int,
        limit: int,
        request: MessagesRequest,
        cond: Conditions,
        rng: np.random.Generator,
        *,
        keep_going: bool = False,
    ) -> tuple[str, int, bool]:
        """Sample paragraphs until about `target` words; never more than `limit` tokens.

        A reply ends when the model ends a paragraph at once; reasoning (`keep_going`) runs on
        to its length, as extended thinking spends its budget.

        Returns the text, the tokens used, and whether `limit` cut it off (stop: max_tokens).
        """
        paragraphs: list[str] = []
        used = 0
        cap = min(target, limit)
        while used < cap:
            words, reason = self._words(prompt, cap - used, request, cond, rng)
            used += len(words) + (reason != "max_tokens")  # a paragraph break is a token too
            if words:
                paragraphs.append(lm.detokenize(words))
                prompt = " ".join(words[-2:])
            if reason == "max_tokens" or (not words and not keep_going):
                break  # ending straight away means the model has nothing more to say
        return "\n\n".join(paragraphs), min(used, cap), used >= limit

    def respond(
        self, body: dict[str, Any], request: MessagesRequest, headers: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The response message (a dict in the API's JSON shape) and extra response headers."""
        rng = self._rng(body, request, headers)
        cond = self._conditions(request, headers, rng)
        budget = request.max_tokens
        content: list[dict[str, Any]] = []
        stop_reason = "end_turn"
        stop_sequence: str | None = None

        thinking_words = 0
        if request.thinking in ("enabled", "adaptive"):
            target = EFFORT_THINKING_WORDS[cond.effort]
            if request.thinking_budget:
                target = min(target, request.thinking_budget)
            thinking_text, thinking_words, _ = self._paragraphs(
                "First I", target, budget, request, cond, rng, keep_going=True
            )
            content.append(
                {
                    "type": "thinking",
                    "thinking": thinking_text,
                    "signature": _signature(thinking_text),
                }
            )
            budget -= thinking_words

        call = self._tool_call(request, cond, rng)
        brief = cond.brevity or BREVITY_INSTRUCTION in request.system
        if call is not None:  # a short note before the tool call
            target = EFFORT_PREAMBLE_WORDS[cond.effort]
            target = min(target, BRIEF_TEXT_WORDS) if brief else target
        else:
            target = int(EFFORT_TEXT_WORDS[cond.effort] * rng.lognormal(0.0, 0.4))
            target = min(target, BRIEF_FINAL_WORDS) if brief else target
        text, text_words, cut = self._paragraphs(
            _last_user_text(request), target, max(budget, 0), request, cond, rng
        )
        used = thinking_words + text_words
        reason = "max_tokens" if cut or budget <= 0 else "end_turn"
        if request.stop_sequences and not call:
            text, stop_sequence = _apply_stop_sequences(text, request.stop_sequences)
            if stop_sequence is not None:
                reason = "stop_sequence"
        if text:
            content.append({"type": "text", "text": text})
        if call is not None:
            input_tokens = count_tokens(json.dumps(call.input))
            if used + input_tokens <= request.max_tokens:
                content.append(
                    {
                        "type": "tool_use",
                        "id": f"toolu_{rng.integers(1 << 62):016x}",
                        "name": call.name,
                        "input": call.input,
                    }
                )
                used += input_tokens
                stop_reason = "tool_use"
            else:
                stop_reason = "max_tokens"
        elif reason == "max_tokens":
            stop_reason = "max_tokens"
        elif reason == "stop_sequence":
            stop_reason = "stop_sequence"

        usage = self._usage(body, request, cond, max(used, 1))
        latency = self._latency(request, cond, usage["output_tokens"], rng)
        message = {
            "id": f"msg_sim_{rng.integers(1 << 62):016x}",
            "type": "message",
            "role": "assistant",
            "model": request.model.id,
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": stop_sequence,
            "usage": usage,
        }
        return message, cond.headers(latency)

    def _tool_call(
        self, request: MessagesRequest, cond: Conditions, rng: np.random.Generator
    ) -> ToolCall | None:
        if not request.tools or (request.tool_choice or {}).get("type") == "none":
            return None
        skill = (
            request.model.skill
            + EFFORT_SKILL[cond.effort]
            + (THINKING_SKILL if request.thinking in ("enabled", "adaptive") else 0.0)
            - (MISROUTED_SKILL_PENALTY if cond.pool != "standard" else 0.0)
            - (BREVITY_SKILL_PENALTY if cond.brevity else 0.0)
        )
        return self.policy.next_call(
            request,
            rng,
            skill=skill,
            effort=cond.effort,
            params=self._sampling(request),
            forget=cond.thinking_dropped,
            corrupt=cond.corrupted,
            drop_top_rate=cond.drop_top_rate,
        )

    def _usage(
        self, body: dict[str, Any], request: MessagesRequest, cond: Conditions, output_tokens: int
    ) -> dict[str, Any]:
        prefix = count_tokens(json.dumps([request.system, request.tools, request.messages[:-1]]))
        last = count_tokens(json.dumps(request.messages[-1]))
        cached = "cache_control" in body and len(request.messages) > 1
        # Prompt caching reuses the previous turn's prefix; clearing old thinking on every turn
        # changes that prefix, so the Mar 2026 bug showed up as cache misses (faster usage drain).
        read = prefix if cached and not cond.thinking_dropped else 0
        created = (prefix + last - read) if "cache_control" in body else 0
        return {
            "input_tokens": prefix + last - read - created,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": read,
            "service_tier": "standard",
        }

    def _latency(
        self,
        request: MessagesRequest,
        cond: Conditions,
        output_tokens: int,
        rng: np.random.Generator,
    ) -> float:
        model = request.model
        seconds = model.time_to_first_token_ms / 1000 + output_tokens / model.tokens_per_second
        if cond.pool != "standard":
            seconds *= 1.3
        return float(seconds * 1000 * rng.lognormal(0.0, 0.25))


def _signature(text: str) -> str:
    return base64.b64encode(hashlib.blake2b(text.encode(), digest_size=48).digest()).decode()


def _last_user_text(request: MessagesRequest) -> str:
    for message in reversed(request.messages):
        if message["role"] == "user":
            texts = [b.get("text", "") for b in message["content"] if b.get("type") == "text"]
            results = [
                str(b.get("content", ""))
                for b in message["content"]
                if b.get("type") == "tool_result"
            ]
            return " ".join(texts + results)
    return ""


def _apply_stop_sequences(text: str, stops: list[str]) -> tuple[str, str | None]:
    hits = [(text.find(s), s) for s in stops if s in text]
    if not hits:
        return text, None
    position, stop = min(hits)
    return text[:position], stop

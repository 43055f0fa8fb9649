"""The simulated model: turns a validated request into a response message.

Everything random is drawn from a generator seeded by the simulator seed and either the request's
own seed (the glass-box `labkit-seed` header, which only the simulator reads) or the request's
content and how many times that same content was seen before. So the same seed and the same
requests give the same responses, in any order, in any process.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from labkit.sim import lm, replies, tokens
from labkit.sim import thinking as thinking_rules
from labkit.sim.caching import PromptCache
from labkit.sim.catalog import EFFORT_SKILL, EFFORT_THINKING_WORDS, THINKING_SKILL
from labkit.sim.errors import ApiError, invalid
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


SIM_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

# A reply in the making: its content blocks so far, the tool calls to append, the output tokens
# used, the thinking tokens among them, and the stop reason.
ReplyParts = tuple[list[dict[str, Any]], list[ToolCall], int, int, str]


def skill_of(
    model_skill: float,
    effort: str,
    *,
    thinking: bool = False,
    misrouted: bool = False,
    brevity: bool = False,
) -> float:
    """A model's ability on a request, in logit units: catalog, effort, thinking, faults."""
    return (
        model_skill
        + EFFORT_SKILL[effort]
        + (THINKING_SKILL if thinking else 0.0)
        - (MISROUTED_SKILL_PENALTY if misrouted else 0.0)
        - (BREVITY_SKILL_PENALTY if brevity else 0.0)
    )


def _check_context(request: MessagesRequest, prompt_tokens: int) -> None:
    window = request.model.context_window
    if prompt_tokens > window:
        raise invalid(f"prompt is too long: {prompt_tokens} tokens > {window} maximum")
    if prompt_tokens + request.max_tokens > window:
        raise invalid(
            f"input length and `max_tokens` exceed context limit: {prompt_tokens} + "
            f"{request.max_tokens} > {window}, decrease input length or `max_tokens` and try again"
        )


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
    when: datetime | None = None  # the request's simulated time (`labkit-time`), if it gave one

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
        self._replier: replies.Replier | None = None
        self.policy = CodingPolicy()
        self.cache = PromptCache()
        self._seen: Counter[str] = Counter()
        self._ticks: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def replier(self) -> replies.Replier:
        """The reply bank, loaded on the first chat reply (base-model requests never need it)."""
        if self._replier is None:
            self._replier = replies.Replier()
        return self._replier

    # -- randomness ------------------------------------------------------------------------
    def _rng(
        self, body: dict[str, Any], request: MessagesRequest, headers: dict[str, str]
    ) -> np.random.Generator:
        retry = headers.get("x-stainless-retry-count", "0")
        material: tuple[object, ...]
        if request.seed is not None:
            material = ("seed", self.seed, request.seed, retry)
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
        # The simulator is the first-party API: faults bound to other platforms do not reach it.
        active = [f for f in self.faults if f.active(when, model, platform="api")]
        rates = {f.kind: max(g.rate_at(when) for g in active if g.kind == f.kind) for f in active}
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
        if request.batch_size is not None and not request.batch_invariant:
            batch_size = request.batch_size
        return Conditions(
            effort=effort,
            pool="long-context" if misrouted(active, self.seed, user, when, model) else "standard",
            batch_size=batch_size,
            corrupted="output_corruption" in rates and rng.random() < rates["output_corruption"],
            drop_top_rate=rates.get("approx_topk", 0.0),
            thinking_dropped="thinking_dropped" in rates
            and unit_hash("idle", self.seed, session) < rates["thinking_dropped"],
            brevity="brevity_prompt" in rates,
            when=when,
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
        _check_context(request, request.input_tokens)
        rng = self._rng(body, request, headers)
        cond = self._conditions(request, headers, rng)
        message_id = f"msg_sim_{rng.integers(1 << 62):016x}"
        if request.base_model:
            parts = self._base_model_parts(request, cond, rng, message_id)
        else:
            parts = self._chat_parts(request, cond, rng, message_id)
        content, calls, used, thinking_tokens, reason = parts
        stop_sequence: str | None = None
        if request.stop_sequences and not calls:
            for block in content:
                if block["type"] == "text":
                    block["text"], stop_sequence = _apply_stop_sequences(
                        block["text"], request.stop_sequences
                    )
            if stop_sequence is not None:
                reason = "stop_sequence"
        content = [b for b in content if b["type"] != "text" or b["text"]]
        stop_reason = reason
        for call in calls:
            input_tokens = tokens.count_text(json.dumps(call.input))
            if used + input_tokens > request.max_tokens:
                stop_reason = "max_tokens"
                break
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

        output_tokens = used if request.max_tokens == 0 else max(used, 1)
        usage = self._usage(body, request, cond, output_tokens, thinking_tokens, headers)
        latency = self._latency(request, cond, usage["output_tokens"], rng)
        message = {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": request.model.id,
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": stop_sequence,
            "usage": usage,
        }
        return message, cond.headers(latency)

    def _chat_parts(
        self,
        request: MessagesRequest,
        cond: Conditions,
        rng: np.random.Generator,
        message_id: str,
    ) -> ReplyParts:
        """A chat model's reply: composed from the reply bank (labkit/sim/replies)."""
        budget = request.max_tokens
        content: list[dict[str, Any]] = []
        brief = cond.brevity or BREVITY_INSTRUCTION in request.system
        setting = replies.Setting(
            effort=cond.effort,
            skill=self._skill(request, cond),
            params=self._sampling(request),
            batch_size=cond.batch_size,
            drop_top_rate=cond.drop_top_rate,
            brief=brief,
        )
        reading = self.replier.read(request.messages)
        thinking_tokens = 0
        if request.thinking_config.on and budget > 0:
            limit = min(budget, request.thinking_budget or budget)
            thinking = self.replier.thinking(reading, setting, rng, limit)
            thinking, thinking_tokens, _ = _cut(thinking, limit)
            content.append(self._thinking_block(thinking, request, message_id))
            budget -= thinking_tokens

        calls = self._tool_calls(request, cond, rng) if budget > 0 else []
        forced = (request.tool_choice or {}).get("type") in ("any", "tool")
        text = ""
        if budget <= 0 or (calls and forced):
            pass  # forced tool use starts the reply with the call: the API prefills it
        elif calls:
            failed = replies.last_tool_failed(request.messages)
            text = self.replier.note(calls[0].name, setting, failed, rng)
        elif request.output_format is not None:
            text, used, cut = self._structured(request, budget, cond, rng)
            content.append({"type": "text", "text": text})
            reason = "max_tokens" if cut else "end_turn"
            return content, calls, thinking_tokens + used, thinking_tokens, reason
        elif replies.last_turn_is_tool_result(request.messages) and request.tools:
            text = (
                self.replier.final(setting, rng) or self.replier.reply(reading, setting, rng).text
            )
        else:
            text = self.replier.reply(reading, setting, rng).text
        text, text_tokens, cut = _cut(text, budget)
        if cond.corrupted and text:
            text, _ = replies.corrupt(text, rng)
            text, text_tokens, _ = _cut(text, budget)
        content.append({"type": "text", "text": text})
        reason = "max_tokens" if cut or budget <= 0 else "end_turn"
        return content, calls, thinking_tokens + text_tokens, thinking_tokens, reason

    def _base_model_parts(
        self,
        request: MessagesRequest,
        cond: Conditions,
        rng: np.random.Generator,
        message_id: str,
    ) -> ReplyParts:
        """The glass-box base model: the token-level n-gram model continues the last user turn.

        Only the simulator has this route (`labkit-base-model`): it shows next-token sampling
        and the temperature-0 flip at the level of single words.
        """
        budget = request.max_tokens
        content: list[dict[str, Any]] = []
        thinking_words = 0
        if request.thinking_config.on and budget > 0:
            target = EFFORT_THINKING_WORDS[cond.effort]
            if request.thinking_budget:
                target = min(target, request.thinking_budget)
            thinking_text, thinking_words, _ = self._paragraphs(
                "First I", target, budget, request, cond, rng, keep_going=True
            )
            content.append(self._thinking_block(thinking_text, request, message_id))
            budget -= thinking_words

        calls = self._tool_calls(request, cond, rng) if budget > 0 else []
        forced = (request.tool_choice or {}).get("type") in ("any", "tool")
        brief = cond.brevity or BREVITY_INSTRUCTION in request.system
        if calls:  # a short note before the tool call
            target = EFFORT_PREAMBLE_WORDS[cond.effort]
            target = min(target, BRIEF_TEXT_WORDS) if brief else target
        else:
            target = int(EFFORT_TEXT_WORDS[cond.effort] * rng.lognormal(0.0, 0.4))
            target = min(target, BRIEF_FINAL_WORDS) if brief else target
        text, text_words, cut = "", 0, budget <= 0
        if request.output_format is not None and not calls and budget > 0:
            text, text_words, cut = self._structured(request, budget, cond, rng)
        elif not forced and budget > 0:
            text, text_words, cut = self._paragraphs(
                _last_user_text(request), target, budget, request, cond, rng
            )
        content.append({"type": "text", "text": text})
        reason = "max_tokens" if cut or budget <= 0 else "end_turn"
        return content, calls, thinking_words + text_words, thinking_words, reason

    def _thinking_block(
        self, text: str, request: MessagesRequest, message_id: str
    ) -> dict[str, Any]:
        if thinking_rules.wants_redaction(request.messages, request.system):
            return {
                "type": "redacted_thinking",
                "data": thinking_rules.redacted_data(text, message_id),
            }
        shown = "" if request.thinking_config.display == "omitted" else text
        return {
            "type": "thinking",
            "thinking": shown,
            "signature": thinking_rules.sign(shown, message_id),
        }

    def _structured(
        self, request: MessagesRequest, budget: int, cond: Conditions, rng: np.random.Generator
    ) -> tuple[str, int, bool]:
        """JSON that matches the requested schema, its words drawn from the language model."""
        from labkit.sim import structured

        def words(n: int) -> str:
            sampled, _ = self._words(_last_user_text(request), n + 2, request, cond, rng)
            # JSON strings are values, not prose: keep the words, drop punctuation tokens.
            kept = [w for w in sampled if any(c.isalpha() for c in w)][:n]
            return " ".join(kept) if kept else "none"

        assert request.output_format is not None
        value = structured.generate(request.output_format["schema"], rng, words)
        text = json.dumps(value, ensure_ascii=False)
        used = tokens.count_text(text)
        if used > budget:  # cut off mid-JSON, as a real reply stopped by max_tokens would be
            return text[: budget * 4], budget, True
        return text, used, False

    def _skill(self, request: MessagesRequest, cond: Conditions) -> float:
        return skill_of(
            request.model.skill,
            cond.effort,
            thinking=request.thinking_config.on,
            misrouted=cond.pool != "standard",
            brevity=cond.brevity,
        )

    def _tool_calls(
        self, request: MessagesRequest, cond: Conditions, rng: np.random.Generator
    ) -> list[ToolCall]:
        if not request.tools or (request.tool_choice or {}).get("type") == "none":
            return []
        return self.policy.next_calls(
            request,
            rng,
            skill=self._skill(request, cond),
            effort=cond.effort,
            params=self._sampling(request),
            forget=cond.thinking_dropped,
            corrupt=cond.corrupted,
            drop_top_rate=cond.drop_top_rate,
        )

    def _usage(
        self,
        body: dict[str, Any],
        request: MessagesRequest,
        cond: Conditions,
        output_tokens: int,
        thinking_tokens: int,
        headers: dict[str, str],
    ) -> dict[str, Any]:
        # The real cache is shared by every request of an organisation. The simulator keeps one per
        # API key and simulated session (`labkit-session`), so that concurrent runs of the agent
        # stay reproducible whatever order their requests arrive in; a session's requests share
        # one cache exactly as they would on the real API.
        key = headers.get("x-api-key") or headers.get("authorization") or ""
        session = headers.get("labkit-session", "")
        scope = hashlib.blake2b(f"{key}\x00{session}".encode(), digest_size=8).hexdigest()
        now = cond.when or self._clock(scope)
        cache = self.cache.account(
            body,
            model_min_tokens=request.model.min_cacheable_tokens,
            now=now,
            scope=f"{scope}:{request.model.id}",
            clear_old_thinking=cond.thinking_dropped,
            segments=request.segments,
        )
        usage = cache.to_usage()
        usage.update(
            {
                "output_tokens": output_tokens,
                "output_tokens_details": {"thinking_tokens": thinking_tokens},
                "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0},
                "service_tier": "standard",
                "inference_geo": "global",
                "speed": "standard",
            }
        )
        return usage

    def _clock(self, scope: str) -> datetime:
        """Simulated time for requests without `labkit-time`: 1 s a request, per cache scope."""
        with self._lock:
            self._ticks[scope] += 1
            return SIM_EPOCH + timedelta(seconds=self._ticks[scope])

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


def _cut(text: str, budget: int) -> tuple[str, int, bool]:
    """The text within `budget` output tokens: (text, tokens, whether max_tokens cut it)."""
    if budget <= 0:
        return "", 0, bool(text)
    used = tokens.count_text(text) if text else 0
    if used <= budget:
        return text, used, False
    kept = text[: budget * tokens.CHARS_PER_TOKEN]
    return kept, tokens.count_text(kept), True


def _apply_stop_sequences(text: str, stops: list[str]) -> tuple[str, str | None]:
    hits = [(text.find(s), s) for s in stops if s in text]
    if not hits:
        return text, None
    position, stop = min(hits)
    return text[:position], stop

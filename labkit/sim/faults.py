"""Named fault scenarios modelled on Anthropic's post-mortems (Sep 2025 and Apr 2026).

A fault has a kind, a rate and an optional time window. The simulator asks, for each request,
which faults are active at the request's simulated time (header `labkit-time`); a request without
a time sees every configured fault as active, which is what a quick experiment wants.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

FAULT_KINDS: dict[str, str] = {
    "misrouting": "sticky routing of a share of users to a degraded serving pool (Aug 2025 bug 1)",
    "output_corruption": "rare foreign-script tokens and broken code in outputs (Aug 2025 bug 2)",
    "approx_topk": "approximate top-k sometimes drops the most probable token (Aug 2025 bug 3)",
    "low_default_effort": "the default effort drops from high to medium (Mar 2026 change 1)",
    "thinking_dropped": "old thinking cleared every turn after an idle resume (Mar 2026 change 2)",
    "brevity_prompt": "a system-prompt instruction to cut verbosity (Apr 2026 change 3)",
    "rate_limit": "429 rate_limit_error with retry-after (exercises the SDK's retries)",
    "overloaded": "529 overloaded_error with retry-after (exercises the SDK's retries)",
}

BREVITY_INSTRUCTION = (
    "Length limits: keep text between tool calls to at most 25 words, "
    "and final responses to at most 100 words unless the task requires more detail."
)


class FaultSpecError(ValueError):
    """A fault description could not be parsed; the message says which part and why."""


@dataclass(frozen=True)
class Fault:
    kind: str
    rate: float = 1.0
    start: datetime | None = None
    end: datetime | None = None
    models: tuple[str, ...] = field(default_factory=tuple)
    # Serving pools (hardware) the fault lives on; empty means every pool. The simulator does not
    # model hardware and passes no pool, so for it a pool-bound fault applies to every request;
    # the incident data generator (datasets/incidents) passes each request's pool.
    pools: tuple[str, ...] = field(default_factory=tuple)
    # Platforms (api, bedrock, vertex) the fault lives on; empty means every platform. The
    # simulator serves the first-party API, so it asks as platform "api".
    platforms: tuple[str, ...] = field(default_factory=tuple)
    # A fix that rolls out gradually: the rate falls linearly from `rate` at `start` to 0 at
    # `end` (a rollout that reaches a growing share of hosts); needs both times.
    tapers: bool = False

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            known = ", ".join(sorted(FAULT_KINDS))
            raise FaultSpecError(f"unknown fault kind {self.kind!r}; known kinds: {known}")
        if not 0.0 <= self.rate <= 1.0:
            raise FaultSpecError(f"fault {self.kind}: rate must be in [0, 1], got {self.rate}")
        if self.tapers and (self.start is None or self.end is None or self.end <= self.start):
            raise FaultSpecError(f"fault {self.kind}: a tapering fault needs start < end")

    def active(
        self,
        when: datetime | None,
        model: str,
        pool: str | None = None,
        platform: str | None = None,
    ) -> bool:
        if self.models and model not in self.models:
            return False
        if self.pools and pool is not None and pool not in self.pools:
            return False
        if self.platforms and platform is not None and platform not in self.platforms:
            return False
        if when is None:
            return True
        if self.start is not None and when < self.start:
            return False
        return not (self.end is not None and when >= self.end)

    def rate_at(self, when: datetime | None) -> float:
        """The rate at a time (for a tapering fault, the share not yet reached by the fix)."""
        if not self.tapers or when is None or self.start is None or self.end is None:
            return self.rate
        left = (self.end - when) / (self.end - self.start)
        return self.rate * min(1.0, max(0.0, left))


def parse_time(text: str) -> datetime:
    """ISO 8601 date or time; naive values are taken as UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise FaultSpecError(f"not an ISO 8601 time: {text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_fault(spec: str) -> Fault:
    """`kind[:rate=R,start=ISO,end=ISO,models=a|b,pools=p|q,platforms=x|y,tapers=true]`, e.g.
    `approx_topk:rate=0.05`."""
    kind, _, rest = spec.strip().partition(":")
    options: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise FaultSpecError(f"fault {spec!r}: expected key=value, got {part!r}")
        options[key.strip()] = value.strip()
    unknown = set(options) - {"rate", "start", "end", "models", "pools", "platforms", "tapers"}
    if unknown:
        raise FaultSpecError(f"fault {spec!r}: unknown option(s) {', '.join(sorted(unknown))}")
    try:
        rate = float(options.get("rate", "1"))
    except ValueError as exc:
        raise FaultSpecError(f"fault {spec!r}: rate is not a number") from exc
    return Fault(
        kind=kind.strip(),
        rate=rate,
        start=parse_time(options["start"]) if "start" in options else None,
        end=parse_time(options["end"]) if "end" in options else None,
        models=tuple(m for m in options.get("models", "").split("|") if m),
        pools=tuple(p for p in options.get("pools", "").split("|") if p),
        platforms=tuple(p for p in options.get("platforms", "").split("|") if p),
        tapers=_flag(spec, options.get("tapers", "false")),
    )


def _flag(spec: str, text: str) -> bool:
    if text.lower() in {"1", "true", "yes"}:
        return True
    if text.lower() in {"0", "false", "no"}:
        return False
    raise FaultSpecError(f"fault {spec!r}: tapers must be true or false, got {text!r}")


def as_faults(items: Iterable[Fault | str] | str | None) -> tuple[Fault, ...]:
    """Accept Fault objects, spec strings, or a scenario name from SCENARIOS."""
    if items is None:
        return ()
    if isinstance(items, str):
        if items in SCENARIOS:
            return SCENARIOS[items]
        items = [s for s in items.split(";") if s.strip()]
    return tuple(f if isinstance(f, Fault) else parse_fault(f) for f in items)


def unit_hash(*parts: object) -> float:
    """A stable uniform number in [0, 1) from any values (same in every process)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def misrouted(
    faults: Sequence[Fault],
    seed: int,
    user: str,
    when: datetime | None,
    model: str,
    platform: str = "api",
) -> bool:
    """Sticky: a user's position u is fixed, so raising the rate only ever adds users (and a
    tapering fix frees the users with the highest positions first)."""
    rates = [
        f.rate_at(when)
        for f in faults
        if f.kind == "misrouting" and f.active(when, model, platform=platform)
    ]
    return bool(rates) and unit_hash("route", seed, user) < max(rates)


def _d(text: str) -> datetime:
    return parse_time(text)


# The Aug-Sep 2025 incident: three overlapping infrastructure bugs with different onsets.
# Rates follow the post-mortem where it gives numbers (0.8% misrouted at first, 16% in the worst
# hour after the 29 Aug load-balancer change); the others are chosen to be rare, as reported.
SEP2025 = (
    Fault("misrouting", 0.008, _d("2025-08-05"), _d("2025-08-29"), ("sim-sonnet-4-6",)),
    Fault("misrouting", 0.16, _d("2025-08-29"), _d("2025-09-04"), ("sim-sonnet-4-6",)),
    # The routing fix deployed on 4 Sep rolled out host by host: complete on the first-party API
    # and Vertex on 16 Sep, on Bedrock on 18 Sep (the post-mortem's dates; times fictional).
    Fault(
        "misrouting",
        0.16,
        _d("2025-09-04"),
        _d("2025-09-16T17:00:00"),
        ("sim-sonnet-4-6",),
        platforms=("api", "vertex"),
        tapers=True,
    ),
    Fault(
        "misrouting",
        0.16,
        _d("2025-09-04"),
        _d("2025-09-18T17:00:00"),
        ("sim-sonnet-4-6",),
        platforms=("bedrock",),
        tapers=True,
    ),
    Fault("output_corruption", 0.02, _d("2025-08-25"), _d("2025-09-02"), pools=("tpu",)),
    Fault("approx_topk", 0.03, _d("2025-08-25"), _d("2025-09-12"), ("sim-haiku-4-5",), ("tpu",)),
)
# The Mar-Apr 2026 Claude Code changes: each on its own slice and schedule.
APR2026 = (
    Fault("low_default_effort", 1.0, _d("2026-03-04"), _d("2026-04-07")),
    # rate: the share of sessions that resume after more than an hour idle (our assumption).
    Fault("thinking_dropped", 0.25, _d("2026-03-26"), _d("2026-04-10")),
    Fault("brevity_prompt", 1.0, _d("2026-04-16"), _d("2026-04-20"), ("sim-opus-4-7",)),
)
SCENARIOS: dict[str, tuple[Fault, ...]] = {"sep2025": SEP2025, "apr2026": APR2026}

"""Building blocks shared by both incident scenarios: traffic, users, quality, faults, files.

Times are int64 seconds since the Unix epoch (UTC) until a table is written; everything is
vectorised with numpy and drawn from one seeded Generator per scenario, in a fixed order, so the
same code and seed give the same rows. Fault decisions use labkit.sim.faults (the same Fault
objects and unit_hash the simulator uses), so the data and the simulator agree.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

from labkit.sim.faults import Fault

HOUR = 3600
DAY = 86_400
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Strs = npt.NDArray[np.str_]

# Where users are and when they work: (UTC hour of peak activity, share of traffic).
REGIONS: dict[str, tuple[float, float]] = {
    "americas": (18.0, 0.48),
    "emea": (12.0, 0.34),
    "apac": (4.0, 0.18),
}
WEEKEND_FACTOR = 0.45  # weekend traffic relative to a weekday (developer tools dip at weekends)
# Hardware behind each platform (fictional shares): Bedrock has no TPUs, Vertex is mostly TPU.
POOLS_BY_PLATFORM = {
    "api": {"gpu": 0.40, "tpu": 0.35, "trainium": 0.25},
    "bedrock": {"trainium": 0.70, "gpu": 0.30},
    "vertex": {"tpu": 0.80, "gpu": 0.20},
}
BAD_QUALITY = 0.5  # the product's threshold: below it a response counts as bad
SCRIPT_FALSE_ALARM = 0.0004  # the unexpected-script detector fires on this share of clean replies


def epoch(when: str | datetime) -> int:
    """Seconds since the epoch for an ISO date/time (naive = UTC) or a datetime."""
    value = datetime.fromisoformat(when) if isinstance(when, str) else when
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return int(value.timestamp())


def timestamp(seconds: int | float) -> pd.Timestamp:
    return pd.Timestamp(int(seconds), unit="s", tz="UTC")


def iso(seconds: Ints) -> Strs:
    """`YYYY-MM-DDTHH:MM:SSZ` strings, the format of every `time` column."""
    text = np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="s")
    return np.char.add(text, "Z")


def hashed_ids(namespace: str, count: int, chars: int = 12) -> list[str]:
    """Stable pseudonymous ids (hex); unique within the namespace, checked."""
    ids = [
        hashlib.blake2b(f"{namespace}:{i}".encode(), digest_size=(chars + 1) // 2).hexdigest()[
            :chars
        ]
        for i in range(count)
    ]
    if len(set(ids)) != count:
        raise ValueError(f"hashed ids collide in {namespace}; use more characters")
    return ids


def random_ids(rng: np.random.Generator, prefix: str, count: int, chars: int = 12) -> list[str]:
    """Random-looking unique ids (request ids, session ids) drawn from the scenario's generator."""
    values = rng.integers(0, 1 << (4 * chars), size=count, dtype=np.int64)
    if len(np.unique(values)) != count:  # the odds are tiny; failing loudly beats a silent dup
        raise ValueError(f"random {prefix} ids collide; use more characters")
    return [f"{prefix}{v:0{chars}x}" for v in values]


def pick(rng: np.random.Generator, choices: Mapping[str, float], size: int) -> Strs:
    """`size` draws from a {value: probability} table (probabilities are normalised)."""
    values = np.array(list(choices))
    weights = np.array(list(choices.values()), dtype=float)
    return values[rng.choice(len(values), size=size, p=weights / weights.sum())]


def hardware_pools(rng: np.random.Generator, platform: Strs) -> Strs:
    """The serving pool of each request, drawn from its platform's hardware mix."""
    pool = np.empty(len(platform), dtype="<U12")
    for name, table in POOLS_BY_PLATFORM.items():
        where = np.flatnonzero(platform == name)
        pool[where] = pick(rng, table, len(where))
    return pool


def sigmoid(x: Floats) -> Floats:
    return 1.0 / (1.0 + np.exp(-x))


# -- traffic ----------------------------------------------------------------------------------
def hourly_profile(hours: Ints, peak: float) -> Floats:
    """Relative activity of one region by UTC hour: a working-day bump over a night floor."""
    hour_of_day = (hours % DAY) / HOUR
    distance = np.abs((hour_of_day - peak + 12.0) % 24.0 - 12.0)
    return 0.12 + np.exp(-0.5 * (distance / 3.2) ** 2)


def weekday(seconds: Ints) -> Ints:
    """Day of the week of epoch seconds, 0 = Monday (1970-01-01 was a Thursday)."""
    return np.asarray(((seconds // DAY) + 3) % 7, dtype=np.int64)


def weekly_profile(hours: Ints) -> Floats:
    return np.where(weekday(hours) >= 5, WEEKEND_FACTOR, 1.0)


def arrivals(
    rng: np.random.Generator,
    start: int,
    end: int,
    expected_total: float,
    growth: float,
    region_factor: Callable[[Ints, str], Floats] | None = None,
    surge_share: Callable[[Ints], Floats] | None = None,
) -> tuple[Ints, Ints, Bools]:
    """Arrival times (sorted), region index and newcomer flag of a non-homogeneous Poisson
    process.

    Intensity = region's diurnal curve x weekly cycle x linear growth over the window x a
    day-level wobble (real traffic varies from day to day for reasons nobody records) x
    `region_factor(hours, region)` (holidays). `surge_share(hours)` adds that share of arrivals
    on top, flagged as newcomers; `expected_total` counts the regular arrivals only.
    """
    hours = np.arange(start, end, HOUR, dtype=np.int64)
    days = (hours - start) // DAY
    wobble = rng.lognormal(0.0, 0.07, size=int(days.max()) + 1)[days]
    trend = 1.0 + growth * (hours - start) / (end - start)
    shape = {
        r: hourly_profile(hours, p) * s * (region_factor(hours, r) if region_factor else 1.0)
        for r, (p, s) in REGIONS.items()
    }
    base = weekly_profile(hours) * trend * wobble
    scale = expected_total / float(sum((base * curve).sum() for curve in shape.values()))
    extra = surge_share(hours) if surge_share else np.zeros(len(hours))
    times: list[Ints] = []
    regions: list[Ints] = []
    newcomer: list[Bools] = []
    for index, curve in enumerate(shape.values()):
        for share, is_new in ((1.0, False), (extra, True)):
            counts = rng.poisson(base * curve * scale * share)
            hour_of_each = np.repeat(hours, counts)
            times.append(hour_of_each + rng.integers(0, HOUR, size=len(hour_of_each)))
            regions.append(np.full(len(hour_of_each), index, dtype=np.int64))
            newcomer.append(np.full(len(hour_of_each), is_new, dtype=bool))
    all_times, all_regions = np.concatenate(times), np.concatenate(regions)
    order = np.argsort(all_times, kind="stable")
    return all_times[order], all_regions[order], np.concatenate(newcomer)[order]


@dataclass
class Users:
    """The fictional user base: one row per user, heavy-tailed activity."""

    ids: list[str]
    region: Ints
    weight: Floats
    attrs: dict[str, Strs] = field(default_factory=dict)

    def draw(self, rng: np.random.Generator, regions: Ints) -> Ints:
        """A user index for each arrival, by activity weight within the arrival's region."""
        chosen = np.empty(len(regions), dtype=np.int64)
        for region in range(len(REGIONS)):
            members = np.flatnonzero(self.region == region)
            where = np.flatnonzero(regions == region)
            p = self.weight[members] / self.weight[members].sum()
            chosen[where] = members[rng.choice(len(members), size=len(where), p=p)]
        return chosen


def merge_users(first: Users, second: Users) -> Users:
    """One user table of two (regular users, then a surge's newcomers), for indexing by row."""
    return Users(
        ids=first.ids + second.ids,
        region=np.concatenate([first.region, second.region]),
        weight=np.concatenate([first.weight, second.weight]),
        attrs={k: np.concatenate([first.attrs[k], second.attrs[k]]) for k in first.attrs},
    )


def make_users(rng: np.random.Generator, namespace: str, count: int, spread: float) -> Users:
    shares = np.array([s for _, s in REGIONS.values()])
    return Users(
        ids=hashed_ids(namespace, count),
        region=rng.choice(len(REGIONS), size=count, p=shares / shares.sum()),
        weight=rng.lognormal(0.0, spread, size=count),
    )


# -- faults -----------------------------------------------------------------------------------
def active_mask(
    fault: Fault,
    seconds: Ints,
    models: Strs,
    pools: Strs | None = None,
    platforms: Strs | None = None,
) -> npt.NDArray[np.bool_]:
    """Vectorised `fault.active(when, model, pool, platform)`; tests check it against
    Fault.active."""
    mask = np.ones(len(seconds), dtype=bool)
    if fault.models:
        mask &= np.isin(models, fault.models)
    if fault.pools and pools is not None:
        mask &= np.isin(pools, fault.pools)
    if fault.platforms and platforms is not None:
        mask &= np.isin(platforms, fault.platforms)
    if fault.start is not None:
        mask &= seconds >= epoch(fault.start)
    if fault.end is not None:
        mask &= seconds < epoch(fault.end)
    return mask


def rate_at(fault: Fault, seconds: Ints) -> Floats:
    """Vectorised `fault.rate_at(when)`: constant, or falling to 0 over a tapering rollout."""
    if not fault.tapers or fault.start is None or fault.end is None:
        return np.full(len(seconds), fault.rate)
    lo, hi = epoch(fault.start), epoch(fault.end)
    return fault.rate * np.clip((hi - seconds) / (hi - lo), 0.0, 1.0)


def active_rate(
    faults: Sequence[Fault],
    kind: str,
    seconds: Ints,
    models: Strs,
    pools: Strs | None = None,
    platforms: Strs | None = None,
) -> Floats:
    """The largest rate among active faults of one kind (0 where none is active), as the
    simulator combines them."""
    rate = np.zeros(len(seconds))
    for fault in faults:
        if fault.kind == kind:
            active = active_mask(fault, seconds, models, pools, platforms)
            rate = np.maximum(rate, np.where(active, rate_at(fault, seconds), 0))
    return rate


def fault_window(faults: Sequence[Fault], kind: str) -> tuple[int, int]:
    """First start and last end of a fault kind, in epoch seconds."""
    chosen = [f for f in faults if f.kind == kind and f.start is not None and f.end is not None]
    if not chosen:
        raise ValueError(f"scenario has no time-bounded {kind} fault")
    return min(epoch(f.start) for f in chosen if f.start), max(
        epoch(f.end) for f in chosen if f.end
    )


# -- outcomes ---------------------------------------------------------------------------------
def quality_and_bad(
    rng: np.random.Generator, logit: Floats, difficulty_sd: float
) -> tuple[Floats, Bools]:
    """Automatic grader's score (noisy, in [0, 1]) and the bad flag (low score or a retry)."""
    true_quality = sigmoid(logit + rng.normal(0.0, difficulty_sd, size=len(logit)))
    quality = np.clip(true_quality + rng.normal(0.0, 0.05, size=len(logit)), 0.0, 1.0)
    retried = rng.random(len(logit)) < 0.01 + 0.3 * (1.0 - true_quality) ** 3
    return np.round(quality, 3), (quality < BAD_QUALITY) | retried


def heavy_tailed_latency(rng: np.random.Generator, seconds: Floats) -> Ints:
    """Service time with multiplicative noise and a rare queueing tail (Pareto)."""
    noisy = seconds * rng.lognormal(0.0, 0.25, size=len(seconds))
    queued = np.where(rng.random(len(seconds)) < 0.02, rng.pareto(1.8, size=len(seconds)) * 2.0, 0)
    return np.round((noisy + queued) * 1000).astype(np.int64)


@dataclass
class FeedbackDraw:
    """Who left feedback on which request, and which phrase bank their text comes from."""

    rows: Ints  # request row index
    category: Strs


def draw_feedback(
    rng: np.random.Generator,
    probability: Floats,
    category: Strs,
) -> FeedbackDraw:
    rows = np.flatnonzero(rng.random(len(probability)) < probability)
    return FeedbackDraw(rows=rows, category=category[rows])


def feedback_table(
    rng: np.random.Generator,
    draw: FeedbackDraw,
    requests: pd.DataFrame,
    seconds: Ints,
    phrases: Mapping[str, Sequence[str]],
    end: int,
    bug_report_share: Mapping[str, float],
) -> pd.DataFrame:
    """Feedback rows: a lag after the request, thumbs-down (often without text) or a report."""
    n = len(draw.rows)
    lag = np.round(rng.lognormal(np.log(20 * 60), 1.4, size=n)).astype(np.int64)
    when = seconds[draw.rows] + lag
    report_share = np.array([bug_report_share.get(c, 0.25) for c in draw.category])
    is_report = rng.random(n) < report_share
    silent = ~is_report & (rng.random(n) < 0.55)  # most thumbs-downs come without a comment
    text = np.empty(n, dtype=object)
    pick_u = rng.random(n)
    for index in range(n):
        bank = phrases[str(draw.category[index])]
        text[index] = "" if silent[index] else bank[int(pick_u[index] * len(bank))]
    table = pd.DataFrame(
        {
            "time": when,
            "user": requests["user"].to_numpy()[draw.rows],
            "platform": requests["platform"].to_numpy()[draw.rows],
            "model": requests["model"].to_numpy()[draw.rows],
            "kind": np.where(is_report, "bug_report", "thumbs_down"),
            "text": text,
            "_row": draw.rows,
        }
    )
    table = table[table["time"] < end].sort_values(["time", "_row"], kind="stable")
    return table.reset_index(drop=True)


# -- files ------------------------------------------------------------------------------------
def csv_gz(table: pd.DataFrame, float_formats: Mapping[str, str]) -> bytes:
    """The exact bytes of a table's file: fixed float formats, `\\n` lines, gzip mtime 0.

    Every float column must have a format here, so no float is ever written by repr.
    """
    out = table.copy()
    for column in out.columns:
        if column in float_formats:
            values = out[column].to_numpy(dtype=float)
            fmt = float_formats[column]
            out[column] = [("" if np.isnan(v) else fmt % v) for v in values]
        elif pd.api.types.is_float_dtype(out[column]):
            raise TypeError(f"float column {column!r} has no fixed format")
    text = out.to_csv(index=False, lineterminator="\n")
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def with_iso_time(table: pd.DataFrame, column: str = "time") -> pd.DataFrame:
    out = table.copy()
    out[column] = iso(out[column].to_numpy(dtype=np.int64))
    return out


@dataclass
class Simulation:
    """Everything one scenario run produces: the shipped tables and what is never shipped.

    `hidden` is aligned row by row with `tables["requests"]` and holds, per regression name, a
    bool column `affected_<name>`, plus whatever else the ground truth needs. `events` holds the
    scenario's scripted times (incident declared, rollouts) as epoch seconds.
    """

    scenario: str
    seed: int
    start: int
    end: int
    faults: tuple[Fault, ...]
    tables: dict[str, pd.DataFrame]
    seconds: Ints  # request times, epoch seconds, aligned with tables["requests"]
    hidden: pd.DataFrame
    events: dict[str, int]
    feedback_rows: Ints  # the request row each feedback row is about (privacy: never shipped)

"""What makes telemetry look like production rather than like a textbook binomial.

Real daily rates are overdispersed: some days are worse for everyone (a hard news day, a
popular new library, a grader hiccup), some platforms have their own bad days, and some users
ask harder things than others, so a heavy user's good or bad day moves a slice. Traffic follows
the working week and the calendar (holidays, a newsletter that brings a surge of newcomers).
Feedback channels are noisy and change when the product's buttons move. And the change log and
chat carry incidents that are not the one under investigation: a short outage on one pool,
fixed the same day.

Each effect is a small frozen description (a scenario lists its own) and a vectorised function
that turns it into a multiplier or a logit shift per request. Every random draw comes from the
scenario's generator, in the order the scenario calls these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from incidentgen import common as c


@dataclass(frozen=True)
class Holiday:
    """A public holiday in one region: its traffic falls to `traffic` of a normal day."""

    day: str  # ISO date (UTC)
    region: str  # a key of common.REGIONS
    traffic: float
    name: str


@dataclass(frozen=True)
class Surge:
    """A burst of newcomers (a newsletter, a conference demo): extra traffic for some hours.

    `extra` is the added traffic as a share of the normal intensity; newcomers ask slightly
    different things, so their quality logit is shifted by `quality_shift`.
    """

    start: str
    hours: int
    extra: float
    quality_shift: float
    source: str


@dataclass(frozen=True)
class Outage:
    """A short incident on one platform's pool (not one of the regressions under study)."""

    start: str
    end: str
    platform: str
    pool: str
    quality_shift: float  # timeouts and truncated replies: a lower logit while it lasts
    slowdown: float  # latency multiplier while it lasts


@dataclass(frozen=True)
class FeedbackChange:
    """A product change that moves how often people leave feedback, not how good replies are."""

    when: str
    factor: float
    platforms: tuple[str, ...] = ()  # empty: every platform


@dataclass(frozen=True)
class Noise:
    """The sizes of the overdispersion (standard deviations, on the quality logit)."""

    day_sd: float  # one draw per day, shared by all traffic
    platform_day_sd: float  # one draw per platform and day
    user_sd: float  # one draw per user, for all of that user's requests
    weekend_shift: float  # weekend traffic has a different task mix
    feedback_day_sd: float  # log-sd of a per-day multiplier on the chance to leave feedback


def arrivals(
    rng: np.random.Generator,
    start: int,
    end: int,
    expected_total: float,
    growth: float,
    holidays: Sequence[Holiday],
    surges: Sequence[Surge],
) -> tuple[c.Ints, c.Ints, c.Bools]:
    """common.arrivals with the scenario's holidays and surges: (times, regions, newcomer)."""
    return c.arrivals(
        rng,
        start,
        end,
        expected_total,
        growth,
        region_factor=lambda hours, region: holiday_factor(hours, region, holidays),
        surge_share=lambda hours: surge_factor(hours, surges),
    )


def newcomer_users(
    rng: np.random.Generator, scenario: str, count: int, models: dict[str, float]
) -> c.Users:
    """The users a surge brings: they sign up on the first-party API and keep the defaults."""
    newcomers = c.make_users(rng, f"{scenario}-newcomer", count, spread=0.8)
    newcomers.attrs["platform"] = np.full(count, "api")
    newcomers.attrs["model"] = c.pick(rng, models, count)
    newcomers.attrs["effort"] = np.full(count, "default")
    return newcomers


def draw_users(
    rng: np.random.Generator,
    users: c.Users,
    newcomers: c.Users,
    regions: c.Ints,
    newcomer: c.Bools,
) -> tuple[c.Ints, c.Users]:
    """Who sent each arrival (regular users, then newcomers for the surge's arrivals), as row
    indices into the one merged user table that is returned with them."""
    who = np.empty(len(regions), dtype=np.int64)
    who[~newcomer] = users.draw(rng, regions[~newcomer])
    who[newcomer] = len(users.ids) + newcomers.draw(rng, regions[newcomer])
    return who, c.merge_users(users, newcomers)


def day_index(seconds: c.Ints, start: int) -> c.Ints:
    return np.asarray((seconds - start) // c.DAY, dtype=np.int64)


def is_weekend(seconds: c.Ints) -> c.Bools:
    return np.asarray(c.weekday(seconds) >= 5, dtype=bool)


def holiday_factor(hours: c.Ints, region: str, holidays: Sequence[Holiday]) -> c.Floats:
    """Traffic multiplier per hour for one region (1 outside its holidays)."""
    factor = np.ones(len(hours))
    for holiday in holidays:
        if holiday.region == region:
            day = c.epoch(holiday.day)
            factor[(hours >= day) & (hours < day + c.DAY)] *= holiday.traffic
    return factor


def surge_factor(hours: c.Ints, surges: Sequence[Surge]) -> c.Floats:
    """The extra traffic share per hour brought by surges (0 outside them); it fades linearly."""
    extra = np.zeros(len(hours))
    for surge in surges:
        start = c.epoch(surge.start)
        elapsed = (hours - start) / (surge.hours * c.HOUR)
        inside = (elapsed >= 0) & (elapsed < 1)
        extra[inside] += surge.extra * (1.0 - elapsed[inside])
    return extra


def quality_shift(
    rng: np.random.Generator,
    noise: Noise,
    *,
    seconds: c.Ints,
    start: int,
    end: int,
    platform: c.Strs,
    user_index: c.Ints,
    users: int,
) -> c.Floats:
    """The overdispersion of one scenario's quality logit, per request.

    Draws, in this order: one effect per day, one per platform and day, one per user.
    """
    days = int((end - start) // c.DAY) + 1
    day = np.clip(day_index(seconds, start), 0, days - 1)  # a late session's turns run on
    shift = rng.normal(0.0, noise.day_sd, size=days)[day]
    for name in sorted(set(platform.tolist())):
        where = platform == name
        shift[where] += rng.normal(0.0, noise.platform_day_sd, size=days)[day[where]]
    shift += rng.normal(0.0, noise.user_sd, size=users)[user_index]
    return np.asarray(shift + noise.weekend_shift * is_weekend(seconds), dtype=float)


def outage_masks(
    outages: Sequence[Outage], seconds: c.Ints, platform: c.Strs, pool: c.Strs
) -> list[c.Bools]:
    return [
        (seconds >= c.epoch(o.start))
        & (seconds < c.epoch(o.end))
        & (platform == o.platform)
        & (pool == o.pool)
        for o in outages
    ]


def outage_effects(
    outages: Sequence[Outage], seconds: c.Ints, platform: c.Strs, pool: c.Strs
) -> tuple[c.Floats, c.Floats]:
    """(logit shift, latency multiplier) per request from the scenario's outages."""
    shift, slow = np.zeros(len(seconds)), np.ones(len(seconds))
    for outage, hit in zip(outages, outage_masks(outages, seconds, platform, pool), strict=True):
        shift[hit] += outage.quality_shift
        slow[hit] *= outage.slowdown
    return shift, slow


def feedback_multiplier(
    rng: np.random.Generator,
    noise: Noise,
    changes: Sequence[FeedbackChange],
    *,
    seconds: c.Ints,
    start: int,
    end: int,
    platform: c.Strs,
) -> c.Floats:
    """Per request, how much more (or less) likely than usual its user is to leave feedback.

    A per-day lognormal factor (support campaigns, a busy news day, a forum thread) times the
    product changes that move the feedback buttons.
    """
    days = int((end - start) // c.DAY) + 1
    day = np.clip(day_index(seconds, start), 0, days - 1)
    factor = rng.lognormal(0.0, noise.feedback_day_sd, size=days)[day]
    for change in changes:
        where = seconds >= c.epoch(change.when)
        if change.platforms:
            where &= np.isin(platform, change.platforms)
        factor = np.where(where, factor * change.factor, factor)
    return np.asarray(factor, dtype=float)


def dispersion_ratio(n: c.Ints, k: c.Ints) -> float:
    """Variance of daily rates over the binomial variance they would have (1 = binomial).

    The Pearson chi-square over degrees of freedom of a constant-rate model; the data card and
    the tests quote it.
    """
    n, k = np.asarray(n, dtype=float), np.asarray(k, dtype=float)
    keep = n > 0
    n, k = n[keep], k[keep]
    p = k.sum() / n.sum()
    chi2 = float((((k - n * p) ** 2) / (n * p * (1 - p))).sum())
    return chi2 / max(len(n) - 1, 1)

"""The incident telemetry behaves like production (datasets/incidents/incidentgen/production.py).

Daily rates are overdispersed, traffic follows the week and the calendar, feedback channels
move for reasons that are not quality, and the record holds a short outage that is not one of
the regressions. Seeds are fixed, so every bound here is a documented property of the committed
data, never luck; the bounds are loose enough to survive a re-tuning that keeps the property.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from autograder.incident_truth import load_generator

SCENARIOS = ("sep2025", "apr2026")


@pytest.fixture(scope="module")
def gen():
    return load_generator()


@pytest.fixture(scope="module")
def production(gen):
    from incidentgen import production

    return production


@pytest.fixture(scope="module", params=SCENARIOS)
def scenario(request, gen):
    sim = gen.simulate(request.param)
    rows = sim.tables["requests"].join(sim.hidden)
    rows["when"] = pd.to_datetime(sim.seconds, unit="s", utc=True)
    rows["day"] = rows["when"].dt.floor("D")
    module = __import__(f"incidentgen.{request.param}", fromlist=["build"])
    return request.param, sim, rows, module


def pre_incident(rows, sim):
    first = min(f.start for f in sim.faults if f.start is not None)
    return rows[rows["when"] < pd.Timestamp(first)]


def test_dispersion_ratio_is_one_for_binomial_days_and_more_for_varying_ones(production):
    rng = np.random.default_rng(7)
    n = np.full(400, 1000)
    binomial = rng.binomial(n, 0.1)
    assert 0.8 < production.dispersion_ratio(n, binomial) < 1.2
    varying = rng.binomial(n, np.clip(rng.normal(0.1, 0.02, 400), 0, 1))
    assert production.dispersion_ratio(n, varying) > 3


def test_daily_bad_rates_are_overdispersed_before_any_regression(scenario, production):
    name, sim, rows, _ = scenario
    clean = pre_incident(rows, sim)
    daily = clean.groupby("day")["bad"].agg(["size", "sum"])
    assert production.dispersion_ratio(daily["size"], daily["sum"]) > 1.8, name
    ratios = []
    for _, part in clean.groupby("platform"):
        by_day = part.groupby("day")["bad"].agg(["size", "sum"])
        ratios.append(production.dispersion_ratio(by_day["size"], by_day["sum"]))
    assert max(ratios) > 1.2, (name, ratios)  # slices too, though less (fewer requests a day)


def test_weekends_have_their_own_bad_rate(scenario):
    name, sim, rows, _ = scenario
    clean = pre_incident(rows, sim)
    weekend = clean["when"].dt.day_of_week >= 5
    assert clean.loc[weekend, "bad"].mean() > 1.05 * clean.loc[~weekend, "bad"].mean(), name


def test_users_differ_in_how_often_they_get_bad_replies(scenario):
    """User-level overdispersion: heavy users' bad rates spread more than binomial noise."""
    name, sim, rows, _ = scenario
    clean = pre_incident(rows, sim)
    per_user = clean.groupby("user")["bad"].agg(["size", "mean"])
    heavy = per_user[per_user["size"] >= 40]
    p = clean["bad"].mean()
    binomial_var = (p * (1 - p) / heavy["size"]).mean()
    assert heavy["mean"].var() > 1.5 * binomial_var, name


def test_holidays_lower_traffic(scenario):
    name, _, rows, module = scenario
    per_day = rows.groupby("day").size()
    for holiday in module.HOLIDAYS:
        day = pd.Timestamp(holiday.day, tz="UTC")
        week = pd.Timedelta(days=7)
        neighbours = [per_day[d] for d in (day - week, day + week) if d in per_day.index]
        assert per_day[day] < 0.92 * np.mean(neighbours), (name, holiday)


def test_a_surge_brings_newcomers_and_traffic(scenario):
    name, _, rows, module = scenario
    per_day = rows.groupby("day").size()
    for surge in module.SURGES:
        start = pd.Timestamp(surge.start, tz="UTC")
        day, week = start.floor("D"), pd.Timedelta(days=7)

        def two_days(first):
            return per_day[first] + per_day[first + pd.Timedelta(days=1)]

        neighbours = [two_days(d) for d in (day - week, day + week)]
        assert two_days(day) > 1.15 * np.mean(neighbours), (name, surge)
        first_seen = rows.groupby("user")["when"].min()
        arrived = (first_seen >= start) & (first_seen < start + pd.Timedelta(hours=surge.hours))
        assert arrived.sum() > 100, name  # many users seen for the first time during the surge


def test_the_outage_is_short_real_and_logged(scenario):
    name, sim, rows, module = scenario
    for outage in module.OUTAGES:
        lo, hi = pd.Timestamp(outage.start, tz="UTC"), pd.Timestamp(outage.end, tz="UTC")
        on = (rows["platform"] == outage.platform) & (rows["pool"] == outage.pool)
        during = rows[on & (rows["when"] >= lo) & (rows["when"] < hi)]
        week_before = rows[
            on
            & (rows["when"] >= lo - pd.Timedelta(days=7))
            & (rows["when"] < hi - pd.Timedelta(days=7))
        ]
        assert during["bad"].mean() > 1.8 * week_before["bad"].mean(), name
        assert during["latency_ms"].median() > 1.5 * week_before["latency_ms"].median(), name
        changes = sim.tables["changes"]
        times = pd.to_datetime(changes["time"], unit="s", utc=True)
        near = changes[
            (times >= lo - pd.Timedelta(hours=1)) & (times <= hi + pd.Timedelta(hours=1))
        ]
        assert set(near["kind"]) >= {"rollback"}, name


def test_a_feedback_button_moves_feedback_but_not_quality(scenario):
    """After the change, good unaffected replies draw more feedback: the channel moved."""
    name, sim, rows, module = scenario
    got_feedback = np.zeros(len(rows), dtype=bool)
    got_feedback[sim.feedback_rows] = True
    plain = ~rows["bad"] & ~rows.filter(like="affected_").any(axis=1)
    for change in module.FEEDBACK_CHANGES:
        when = pd.Timestamp(change.when, tz="UTC")
        platforms = change.platforms or ("api", "bedrock", "vertex")
        on = plain & rows["platform"].isin(platforms)
        window = pd.Timedelta(days=14)
        before = on & (rows["when"] >= when - window) & (rows["when"] < when)
        after = on & (rows["when"] >= when) & (rows["when"] < when + window)
        ratio = got_feedback[after].mean() / got_feedback[before].mean()
        assert ratio > 1.2, (name, ratio)
        assert abs(rows.loc[after, "quality"].mean() - rows.loc[before, "quality"].mean()) < 0.05


def test_the_data_card_quotes_the_measured_dispersion(gen, production):
    """The card's overdispersion figures are the data's (recomputed here, two decimals)."""
    from pathlib import Path

    card = (
        Path(__file__).resolve().parents[2] / "datasets" / "incidents" / "DATACARD.md"
    ).read_text()
    measured = {}
    for name in SCENARIOS:
        sim = gen.simulate(name)
        rows = sim.tables["requests"].assign(when=pd.to_datetime(sim.seconds, unit="s", utc=True))
        clean = pre_incident(rows, sim)
        daily = clean.groupby(clean["when"].dt.floor("D"))["bad"].agg(["size", "sum"])
        measured[name] = production.dispersion_ratio(daily["size"], daily["sum"])
    quoted = (
        f"all traffic {measured['sep2025']:.2f} (sep2025) and {measured['apr2026']:.2f} (apr2026)"
    )
    assert quoted in " ".join(card.split()), quoted

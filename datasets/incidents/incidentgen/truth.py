"""The ground truth of a scenario, recomputed from its fault schedule and generated rows.

Nothing here is written to disk: students get the tables, graders call ground_truth(). Every
number is counted from the rows (the shipped tables plus the per-request fault flags the
generator keeps to itself), never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from incidentgen import common as c
from incidentgen.phrases import VAGUE

PEAK_MIN_REQUESTS = 40  # an hour counts for the peak misrouted share only with this many requests
# (40: the worst hour is the same for any minimum from 36 to 54, so a reading of "at least" as
# "more than" cannot move it)


@dataclass(frozen=True)
class RegressionSpec:
    """How a fault shows up in the tables: its slice, and which feedback texts are specific."""

    name: str
    layer: str
    slice: dict[str, str]
    slice_description: str
    feedback_categories: tuple[str, ...]  # phrase banks whose specific texts point at it


def _between(seconds: c.Ints, lo: int, hi: int) -> c.Bools:
    return (seconds >= lo) & (seconds < hi)


def _in_slice(requests: pd.DataFrame, slice_: dict[str, str]) -> c.Bools:
    mask = np.ones(len(requests), dtype=bool)
    for column, value in slice_.items():
        mask &= requests[column].to_numpy() == value
    return mask


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _first_specific_report(
    sim: c.Simulation, affected: c.Bools, category_texts: set[str]
) -> int | None:
    """Time of the first feedback with a specific (not vague) text about an affected request."""
    feedback = sim.tables["feedback"]
    about_affected = affected[sim.feedback_rows]
    specific = feedback["text"].isin(category_texts - set(VAGUE)).to_numpy()
    times = feedback["time"].to_numpy()[about_affected & specific]
    return int(times.min()) if len(times) else None


def regression_truth(
    sim: c.Simulation, spec: RegressionSpec, phrases: dict[str, tuple[str, ...]]
) -> dict[str, Any]:
    requests, seconds = sim.tables["requests"], sim.seconds
    onset, end = c.fault_window(sim.faults, spec.name)
    window = _between(seconds, onset, end)
    affected = sim.hidden[f"affected_{spec.name}"].to_numpy()
    in_slice = _in_slice(requests, spec.slice) & window
    bad = requests["bad"].to_numpy()
    user = requests["user"].to_numpy()
    baseline = _in_slice(requests, spec.slice) & (seconds < pre_incident_end(sim))
    # A slice with no traffic before the incident (a model launched during it) has no baseline.
    baseline_bad = float(bad[baseline].mean()) if baseline.any() else None
    texts = {text for category in spec.feedback_categories for text in phrases[category]}
    first_report = _first_specific_report(sim, affected, texts)
    return {
        "name": spec.name,
        "kind": spec.layer,
        "onset": c.timestamp(onset),
        "end": c.timestamp(end),
        "days_onset_to_fix": (end - onset) / c.DAY,
        "slice": dict(spec.slice),
        "slice_description": spec.slice_description,
        "slice_requests": int(in_slice.sum()),
        "window_requests": int(window.sum()),
        "affected_requests": int(affected.sum()),
        "share_of_requests": _share(int(affected.sum()), int(in_slice.sum())),
        "share_of_all_requests": _share(int(affected.sum()), int(window.sum())),
        "users_in_slice": len(set(user[in_slice])),
        "users_affected": len(set(user[affected])),
        "users_affected_share": _share(len(set(user[affected])), len(set(user[in_slice]))),
        "users_bad_share": _share(len(set(user[affected & bad])), len(set(user[in_slice]))),
        "bad_rate_affected": float(bad[affected].mean()) if affected.any() else 0.0,
        "bad_rate_slice_baseline": baseline_bad,
        "excess_bad_requests": None
        if baseline_bad is None
        else float(bad[affected].sum() - baseline_bad * affected.sum()),
        "first_specific_report": None if first_report is None else c.timestamp(first_report),
        "affected_request_ids": frozenset(requests["request_id"].to_numpy()[affected].tolist()),
    }


def pre_incident_end(sim: c.Simulation) -> int:
    return min(c.epoch(f.start) for f in sim.faults if f.start is not None)


def incident_end(sim: c.Simulation) -> int:
    return max(c.epoch(f.end) for f in sim.faults if f.end is not None)


def overall_impact(sim: c.Simulation, names: list[str]) -> dict[str, Any]:
    requests, seconds = sim.tables["requests"], sim.seconds
    lo, hi = pre_incident_end(sim), incident_end(sim)
    window = _between(seconds, lo, hi)
    any_affected = np.zeros(len(requests), dtype=bool)
    for name in names:
        any_affected |= sim.hidden[f"affected_{name}"].to_numpy()
    user = requests["user"].to_numpy()
    bad = requests["bad"].to_numpy()
    active_users = len(set(user[window]))
    return {
        "incident_start": c.timestamp(lo),
        "incident_end": c.timestamp(hi),
        "requests_in_incident": int(window.sum()),
        "affected_requests": int(any_affected.sum()),
        "share_of_requests_affected": _share(int(any_affected.sum()), int(window.sum())),
        "users_active_in_incident": active_users,
        "users_affected_share": _share(len(set(user[any_affected])), active_users),
        "users_bad_share": _share(len(set(user[any_affected & bad])), active_users),
    }


def peak_hourly_share(sim: c.Simulation, name: str, slice_: dict[str, str]) -> dict[str, Any]:
    """The worst clock hour: affected share of the slice's requests, over hours with at least
    PEAK_MIN_REQUESTS requests in the slice."""
    requests, seconds = sim.tables["requests"], sim.seconds
    in_slice = _in_slice(requests, slice_)
    hours, inverse = np.unique((seconds[in_slice] // c.HOUR) * c.HOUR, return_inverse=True)
    affected = sim.hidden[f"affected_{name}"].to_numpy()[in_slice]
    counts = np.bincount(inverse)
    shares = np.bincount(inverse, weights=affected) / counts
    worst = int(np.argmax(np.where(counts >= PEAK_MIN_REQUESTS, shares, -1.0)))  # earliest on ties
    return {
        "peak_hour": c.timestamp(int(hours[worst])),
        "peak_hourly_share": float(shares[worst]),
        "peak_hour_requests": int(counts[worst]),
        "peak_min_requests": PEAK_MIN_REQUESTS,
    }


def _window_mean(frame: pd.DataFrame, lo: int, hi: int) -> tuple[float, float, int]:
    """Mean score, its binomial standard error and the number of days, over [lo, hi)."""
    inside = frame[(frame["day"] >= lo) & (frame["day"] < hi)]
    if inside.empty:
        return float("nan"), float("nan"), 0
    days = len(inside)
    return float(inside["score"].mean()), float(np.sqrt((inside["stderr"] ** 2).sum()) / days), days


def eval_power(sim: c.Simulation, names: list[str]) -> dict[str, Any]:
    """What the daily evals could see.

    The aggregate eval is the items-weighted daily mean over the suites and models that ran in
    the baseline week (the week before the first onset), on days when all of them ran; its
    change while each regression was active is compared with the binomial standard error of
    the days' scores. `series` gives the same per suite and model, each against the week before
    that regression's onset (so a model that appears later has its own baseline).
    """
    evals = sim.tables["evals"].copy()
    midnight = pd.to_datetime(evals["date"], format="%Y-%m-%d")
    evals["day"] = (midnight - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    lo = pre_incident_end(sim)
    baseline_rows = evals[(evals["day"] >= lo - 7 * c.DAY) & (evals["day"] < lo)]
    series = sorted(set(zip(baseline_rows["suite"], baseline_rows["model"], strict=True)))
    fixed = evals[[pair in series for pair in zip(evals["suite"], evals["model"], strict=True)]]
    fixed = fixed.assign(
        points=fixed["score"] * fixed["n_items"], var=(fixed["stderr"] * fixed["n_items"]) ** 2
    )
    daily = fixed.groupby("day").agg(
        points=("points", "sum"), n=("n_items", "sum"), var=("var", "sum"), runs=("score", "size")
    )
    daily = daily[daily["runs"] == len(series)]
    aggregate = pd.DataFrame(
        {
            "day": daily.index,
            "score": daily["points"] / daily["n"],
            "stderr": np.sqrt(daily["var"]) / daily["n"],
        }
    )
    base_score, base_se, base_days = _window_mean(aggregate, lo - 7 * c.DAY, lo)
    result: dict[str, Any] = {
        "baseline_window": (c.timestamp(lo - 7 * c.DAY), c.timestamp(lo)),
        "baseline_score": base_score,
        "baseline_days": base_days,
        "daily_stderr": float(aggregate["stderr"].median()),
        "n_items_per_day": int(daily["n"].median()),
        "aggregate_series": [f"{suite}/{model}" for suite, model in series],
        "by_regression": {},
        "series": [],
    }
    for name in names:
        onset, end = c.fault_window(sim.faults, name)
        score, se, days = _window_mean(aggregate, onset, end)
        result["by_regression"][name] = {
            "days": days,
            "aggregate_score": score,
            "observed_drop": base_score - score,
            "z": (base_score - score) / float(np.hypot(base_se, se)),
        }
        for (suite, model), rows in evals.groupby(["suite", "model"]):
            before, before_se, n_before = _window_mean(rows, onset - 7 * c.DAY, onset)
            during, during_se, n_during = _window_mean(rows, onset, end)
            if n_before and n_during:
                result["series"].append(
                    {
                        "regression": name,
                        "suite": suite,
                        "model": model,
                        "n_items": int(rows["n_items"].iloc[0]),
                        "baseline_score": before,
                        "score": during,
                        "observed_drop": before - during,
                        "z": (before - during) / float(np.hypot(before_se, during_se)),
                    }
                )
    return result


def key_events(
    sim: c.Simulation, descriptions: dict[str, str], computed: dict[str, pd.Timestamp | None]
) -> list[dict[str, Any]]:
    events = [
        {"time": c.timestamp(t), "event_id": event_id, "description": descriptions[event_id]}
        for event_id, t in sim.events.items()
    ]
    events += [
        {"time": t, "event_id": event_id, "description": descriptions[event_id]}
        for event_id, t in computed.items()
        if t is not None
    ]
    return sorted(events, key=lambda e: (e["time"], e["event_id"]))
